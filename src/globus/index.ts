/** Globus Auth + Transfer v0.10 client: transport with the SDK's retry rules, token handling, one method per call. */
export { ClientCredentialsAuth, EXPIRY_MARGIN_MS, TOKEN_PATH, TRANSFER_SCOPE, type ClientCredentialsAuthOptions } from './auth.js';
export {
  deleteDocument,
  formatGlobusTime,
  LABEL_MAX,
  parseGlobusTime,
  safeLabel,
  transferDocument,
  withoutUnset,
  type DeleteSpec,
  type TransferItemSpec,
  type TransferSpec,
} from './documents.js';
export { GlobusApiError, GlobusAuthError, GlobusNetworkError, hasGlobusCode, isNotFound, type GlobusService } from './errors.js';
export {
  DEFAULT_PAGE_SIZE,
  EVENT_LIST_MAX,
  PRODUCTION_AUTH_URL,
  PRODUCTION_TRANSFER_URL,
  TransferClient,
  type LsOptions,
  type PageOptions,
  type TransferClientOptions,
} from './transfer-client.js';
export {
  DEFAULT_TIMEOUT_MS,
  GlobusTransport,
  type Authorizer,
  type HttpMethod,
  type RetryEvent,
  type RetryOptions,
  type TransportOptions,
  type TransportRequest,
  type TransportResponse,
} from './transport.js';
export * from './types.js';
