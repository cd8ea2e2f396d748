import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  ClientCredentialsAuth,
  DEFAULT_PAGE_SIZE,
  DEFAULT_TIMEOUT_MS,
  EVENT_LIST_MAX,
  EXPIRY_MARGIN_MS,
  GlobusApiError,
  GlobusAuthError,
  GlobusNetworkError,
  GlobusTransport,
  LABEL_MAX,
  PRODUCTION_AUTH_URL,
  PRODUCTION_TRANSFER_URL,
  SYNC_LEVELS,
  TOKEN_PATH,
  TRANSFER_SCOPE,
  TransferClient,
  deleteDocument,
  formatGlobusTime,
  hasGlobusCode,
  isNotFound,
  parseGlobusTime,
  safeLabel,
  transferDocument,
  withoutUnset
} from "./chunk-FFCH42VX.js";
import "./chunk-DWN3ZEST.js";
import "./chunk-AH3DSS7N.js";
import "./chunk-56GLMHBG.js";
export {
  ClientCredentialsAuth,
  DEFAULT_PAGE_SIZE,
  DEFAULT_TIMEOUT_MS,
  EVENT_LIST_MAX,
  EXPIRY_MARGIN_MS,
  GlobusApiError,
  GlobusAuthError,
  GlobusNetworkError,
  GlobusTransport,
  LABEL_MAX,
  PRODUCTION_AUTH_URL,
  PRODUCTION_TRANSFER_URL,
  SYNC_LEVELS,
  TOKEN_PATH,
  TRANSFER_SCOPE,
  TransferClient,
  deleteDocument,
  formatGlobusTime,
  hasGlobusCode,
  isNotFound,
  parseGlobusTime,
  safeLabel,
  transferDocument,
  withoutUnset
};
