/** NERSC Superfacility API client: credentials, tokens, jobs, files (see client.ts). */
export { ASSERTION_TYPE, SfapiAuth } from './auth.js';
export { jobViewOf, SFAPI_TOKEN_URL, SFAPI_URL, SfapiClient, slurmSeconds, type JobQuery, type SfapiClientOptions } from './client.js';
export { SfapiApiError, SfapiNetworkError } from './errors.js';
export { readCredentials, type KeySource, type SfapiCredentials } from './key.js';
export { ACTIVE_STATES, type IrisClient, type JobView, type SystemStatus } from './types.js';
