import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  redact,
  redactValue
} from "./chunk-2H32LMKA.js";

// src/globus/errors.ts
function oneLine(text, max = 300) {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
var GlobusApiError = class extends Error {
  service;
  method;
  path;
  status;
  /** Globus code, hierarchical (`ClientError.BadRequest.NoTransferItems`), or the OAuth `error`. */
  code;
  /** The service's own message, unformatted. */
  apiMessage;
  requestId;
  resource;
  /** HTTP requests made for this call, retries included. */
  attempts;
  /** Parsed error body, for callers that need a field this class does not lift out. */
  body;
  constructor(init) {
    const request = init.requestId ? ` (request ${init.requestId})` : "";
    const tries = init.attempts > 1 ? ` after ${init.attempts} attempts` : "";
    const advice = init.advice ? ` — ${init.advice}` : "";
    super(redact(`Globus ${init.service} ${init.method} ${init.path} → ${init.status} ${init.code}: ${oneLine(redact(init.apiMessage))}${request}${tries}${advice}`));
    this.name = "GlobusApiError";
    this.service = init.service;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.code = init.code;
    this.apiMessage = redact(init.apiMessage);
    this.requestId = init.requestId;
    this.resource = init.resource;
    this.attempts = init.attempts;
    this.body = redactValue(init.body);
  }
};
var GlobusAuthError = class extends GlobusApiError {
  constructor(init) {
    super(init);
    this.name = "GlobusAuthError";
  }
};
var GlobusNetworkError = class extends Error {
  service;
  method;
  path;
  attempts;
  /** The low-level error code (`ECONNREFUSED`, `UND_ERR_HEADERS_TIMEOUT`, …) when there is one. */
  errorCode;
  constructor(init) {
    const what = oneLine(redact(init.cause instanceof Error ? init.cause.message : String(init.cause)));
    const code = init.errorCode ? `${init.errorCode}: ` : "";
    const tries = init.attempts === 1 ? "1 attempt" : `${init.attempts} attempts`;
    super(redact(`Globus ${init.service} ${init.method} ${init.path} failed after ${tries}: ${code}${what}`), { cause: init.cause });
    this.name = "GlobusNetworkError";
    this.service = init.service;
    this.method = init.method;
    this.path = init.path;
    this.attempts = init.attempts;
    this.errorCode = init.errorCode;
  }
};
function hasGlobusCode(err, prefix) {
  if (!(err instanceof GlobusApiError)) return false;
  return err.code === prefix || err.code.startsWith(`${prefix}.`);
}
function isNotFound(err) {
  return hasGlobusCode(err, "NotFound") || hasGlobusCode(err, "ClientError.NotFound");
}

export {
  oneLine,
  GlobusApiError,
  GlobusAuthError,
  GlobusNetworkError,
  hasGlobusCode,
  isNotFound
};
