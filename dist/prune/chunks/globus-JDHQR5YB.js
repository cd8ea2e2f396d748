import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  DEFAULT_PAGE_SIZE,
  EVENT_LIST_MAX,
  LABEL_MAX,
  PRODUCTION_AUTH_URL,
  PRODUCTION_TRANSFER_URL,
  SYNC_LEVELS,
  TransferClient,
  deleteDocument,
  formatGlobusTime,
  parseGlobusTime,
  safeLabel,
  transferDocument,
  withoutUnset
} from "./chunk-HMQROMPL.js";
import {
  ClientCredentialsAuth,
  DEFAULT_TIMEOUT_MS,
  EXPIRY_MARGIN_MS,
  GlobusTransport,
  TOKEN_PATH,
  TRANSFER_SCOPE
} from "./chunk-CBVBAAPG.js";
import {
  GlobusApiError,
  GlobusAuthError,
  GlobusNetworkError,
  hasGlobusCode,
  isNotFound
} from "./chunk-YQKDHTZH.js";
import "./chunk-GVRVAWF6.js";
import "./chunk-2H32LMKA.js";
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
