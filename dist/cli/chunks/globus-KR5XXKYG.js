#!/usr/bin/env node
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
} from "./chunk-3SCF2YMY.js";
import {
  ClientCredentialsAuth,
  DEFAULT_TIMEOUT_MS,
  EXPIRY_MARGIN_MS,
  GlobusTransport,
  TOKEN_PATH,
  TRANSFER_SCOPE
} from "./chunk-CM3S2AB6.js";
import {
  GlobusApiError,
  GlobusAuthError,
  GlobusNetworkError,
  hasGlobusCode,
  isNotFound
} from "./chunk-BKXTPT6A.js";
import "./chunk-Z46AX643.js";
import "./chunk-YQAML7Q2.js";
import "./chunk-4VXUNQHW.js";
import "./chunk-ZFJJYYNF.js";
import "./chunk-CJW4YZWO.js";
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
