/** SciCat v3 client: login, raw datasets, orig-datablocks, attachments, idempotent lookup; document validators. */
export { API_PREFIX, DATASETS_PATH, datasetPath, LOGIN_PATH, ScicatClient } from './client.js';
export type { Attachment, DatasetQuery, EnsureResult, OrigDatablock, ScicatClientOptions } from './client.js';
export {
  attachmentSchema,
  dataFileSchema,
  isEmail,
  isEmailList,
  isIsoDate,
  isUrlLike,
  normalizeSourceFolder,
  origDatablockSchema,
  rawDatasetSchema,
  validateAttachment,
  validateOrigDatablock,
  validateRawDataset,
} from './documents.js';
export type { AttachmentInput, DataFile, OrigDatablockInput, RawDatasetDocument, ScicatDataset, ValidationResult } from './documents.js';
export { backendMessage, ScicatApiError, ScicatAuthError, ScicatNetworkError, ScicatValidationError } from './errors.js';
export { DEFAULT_TIMEOUT_MS, ScicatTransport } from './transport.js';
export type { Authorizer, HttpMethod, RetryEvent, RetryOptions, TransportOptions, TransportRequest, TransportResponse } from './transport.js';
