/** Globus Compute from TypeScript: the wire format (serialize.ts), the REST client, the client-side rate limit. */
export { COMPATIBLE_SDK_VERSION, COMPUTE_SCOPE, ComputeClient, PRODUCTION_COMPUTE_URL, type ComputeClientOptions, type EndpointStatus, type TaskArguments, type TaskRecord, type TaskState } from './client.js';
export { SlidingWindowLimiter, type RateLimitOptions } from './rate.js';
export { codePointLength, ComputeFormatError, decodeResult, JSON_DATA_HEADER, JSON_DATA_SERIALIZER, jsonData, packBuffers, SOURCE_TEXT_IDENTIFIER, sourceFunctionCode, taskPayload } from './serialize.js';
