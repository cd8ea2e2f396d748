#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  backoffMs,
  require_undici,
  retryPolicy
} from "./chunk-5JI4DNZL.js";
import {
  errorCode
} from "./chunk-UOHAREYA.js";
import {
  __toESM
} from "./chunk-CJW4YZWO.js";

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
    const request2 = init.requestId ? ` (request ${init.requestId})` : "";
    const tries = init.attempts > 1 ? ` after ${init.attempts} attempts` : "";
    const advice = init.advice ? ` — ${init.advice}` : "";
    super(
      `Globus ${init.service} ${init.method} ${init.path} → ${init.status} ${init.code}: ${oneLine(init.apiMessage)}${request2}${tries}${advice}`
    );
    this.name = "GlobusApiError";
    this.service = init.service;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.code = init.code;
    this.apiMessage = init.apiMessage;
    this.requestId = init.requestId;
    this.resource = init.resource;
    this.attempts = init.attempts;
    this.body = init.body;
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
    const what = init.cause instanceof Error ? oneLine(init.cause.message) : oneLine(String(init.cause));
    const code = init.errorCode ? `${init.errorCode}: ` : "";
    const tries = init.attempts === 1 ? "1 attempt" : `${init.attempts} attempts`;
    super(`Globus ${init.service} ${init.method} ${init.path} failed after ${tries}: ${code}${what}`, { cause: init.cause });
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
  return err instanceof GlobusApiError && (err.status === 404 || hasGlobusCode(err, "NotFound") || hasGlobusCode(err, "ClientError.NotFound"));
}

// src/globus/transport.ts
var import_undici = __toESM(require_undici(), 1);
var DEFAULT_TIMEOUT_MS = 6e4;
var TRANSIENT = /* @__PURE__ */ new Set([429, 500, 502, 503, 504]);
var HONOURS_RETRY_AFTER = /* @__PURE__ */ new Set([429, 503]);
var RETRIABLE_NETWORK = /* @__PURE__ */ new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_RES_CONTENT_LENGTH_MISMATCH"
]);
function isRecord(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
var str = (v) => typeof v === "string" && v !== "" ? v : void 0;
var GlobusTransport = class {
  service;
  baseUrl;
  timeoutMs;
  /** HTTP requests sent so far (every attempt counts), for tests and run statistics. */
  requestsSent = 0;
  /** Retries taken so far (waits slept, plus renew-on-401 repeats). */
  retriesTaken = 0;
  #retry;
  #authorizer;
  #dispatcher;
  constructor(opts) {
    this.service = opts.service;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, "");
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#retry = retryPolicy(opts.retry, { baseSeconds: 0.25, capSeconds: 10 });
    this.#authorizer = opts.authorizer;
    this.#dispatcher = opts.dispatcher;
  }
  /** Computed wait before retry `n` (0-based), in ms. */
  backoffMs(n) {
    return backoffMs(this.#retry, n);
  }
  /**
   * Sends the request, retrying per policy. Resolves with any 2xx whose body is JSON; rejects with
   * GlobusApiError (the service said no) or GlobusNetworkError (no answer).
   */
  async request(req) {
    const { maxRetries } = this.#retry;
    let attempts = 0;
    let retries = 0;
    let renewed = false;
    for (; ; ) {
      attempts++;
      const token = this.#authorizer ? await this.#authorizer.accessToken() : void 0;
      let status;
      let retryAfter;
      let text;
      try {
        this.requestsSent++;
        ({ status, retryAfter, text } = await this.#send(req, token));
      } catch (err2) {
        const code = errorCode(err2);
        const retriable = code !== void 0 && RETRIABLE_NETWORK.has(code);
        if (!retriable || retries >= maxRetries) {
          throw new GlobusNetworkError({ service: this.service, method: req.method, path: req.path, attempts, errorCode: code, cause: err2 });
        }
        await this.#wait(req, retries, this.backoffMs(retries), code);
        retries++;
        continue;
      }
      const body = parseBody(text);
      if (status >= 200 && status < 300) {
        if (!isRecord(body)) throw this.#error(req, status, body, attempts, "UnexpectedResponse", `expected a JSON object, got ${describe(text)}`);
        return { status, body, attempts };
      }
      const err = this.#error(req, status, body, attempts);
      if (status === 401 && this.#authorizer && !renewed) {
        renewed = true;
        this.#authorizer.invalidate(token);
        this.retriesTaken++;
        continue;
      }
      const endpointTrouble = err.code.includes("ExternalError") || err.code.includes("EndpointError");
      if (!TRANSIENT.has(status) || endpointTrouble || retries >= maxRetries) throw err;
      const told = HONOURS_RETRY_AFTER.has(status) && retryAfter !== void 0 && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter.trim()) * 1e3 : void 0;
      const waitMs = told === void 0 ? this.backoffMs(retries) : Math.min(told, this.#retry.capSeconds * 1e3);
      await this.#wait(req, retries, waitMs, `${status} ${err.code}`);
      retries++;
    }
  }
  async #wait(req, retryIndex, waitMs, reason) {
    this.retriesTaken++;
    this.#retry.onRetry?.({ service: this.service, method: req.method, path: req.path, retry: retryIndex + 1, waitMs, reason });
    await this.#retry.sleep(waitMs);
  }
  async #send(req, token) {
    const headers = { accept: "application/json", "user-agent": "splash-flows", ...req.headers };
    let body;
    if (req.json !== void 0) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(req.json);
    } else if (req.form !== void 0) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(req.form).toString();
    }
    if (token !== void 0) headers.authorization = `Bearer ${token}`;
    const query = req.query?.toString();
    const url = `${this.baseUrl}${req.path}${query ? `?${query}` : ""}`;
    const res = await (0, import_undici.request)(url, {
      method: req.method,
      headers,
      body,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      ...this.#dispatcher ? { dispatcher: this.#dispatcher } : {}
    });
    const text = await res.body.text();
    const ra = res.headers["retry-after"];
    return { status: res.statusCode, retryAfter: Array.isArray(ra) ? ra[0] : ra, text };
  }
  #error(req, status, body, attempts, code, message) {
    const b = isRecord(body) ? body : {};
    return new GlobusApiError({
      service: this.service,
      method: req.method,
      path: req.path,
      status,
      code: code ?? str(b.code) ?? str(b.error) ?? "Unknown",
      apiMessage: message ?? str(b.message) ?? str(b.error_description) ?? str(b.error) ?? (typeof body === "string" ? describe(body) : "no error body"),
      requestId: str(b.request_id),
      resource: str(b.resource),
      attempts,
      body
    });
  }
};
function parseBody(text) {
  if (text.trim() === "") return void 0;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
function describe(text) {
  return text.trim() === "" ? "an empty body" : `"${oneLine(text, 120)}"`;
}

// src/globus/auth.ts
var TRANSFER_SCOPE = "urn:globus:auth:scope:transfer.api.globus.org:all";
var TOKEN_PATH = "/v2/oauth2/token";
var EXPIRY_MARGIN_MS = 6e4;
var ClientCredentialsAuth = class {
  transport;
  scope;
  /** Tokens fetched so far. */
  tokensIssued = 0;
  #basic;
  #mask;
  #now;
  #token;
  #pending;
  constructor(opts) {
    this.#mask = opts.mask ?? (() => void 0);
    this.#now = opts.now ?? Date.now;
    this.scope = opts.scope ?? TRANSFER_SCOPE;
    this.#basic = Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString("base64");
    if (opts.clientSecret) this.#mask(opts.clientSecret);
    this.#mask(this.#basic);
    this.transport = new GlobusTransport({
      service: "Auth",
      baseUrl: opts.authUrl,
      timeoutMs: opts.timeoutMs,
      retry: opts.retry,
      dispatcher: opts.dispatcher
    });
  }
  /** A valid access token: the cached one, or a new one (one request however many callers wait). */
  accessToken() {
    if (this.#token && this.#now() < this.#token.renewAt) return Promise.resolve(this.#token.value);
    this.#pending ??= this.#fetch().finally(() => {
      this.#pending = void 0;
    });
    return this.#pending;
  }
  invalidate(rejected) {
    if (rejected === void 0 || this.#token?.value === rejected) this.#token = void 0;
  }
  async #fetch() {
    const started = this.#now();
    let body;
    try {
      ({ body } = await this.transport.request({
        method: "POST",
        path: TOKEN_PATH,
        form: { grant_type: "client_credentials", scope: this.scope },
        headers: { authorization: `Basic ${this.#basic}` }
      }));
    } catch (err) {
      throw asAuthError(err, this.scope);
    }
    const token = body.access_token;
    const expiresIn = body.expires_in;
    if (typeof token !== "string" || token === "" || typeof expiresIn !== "number" || !Number.isFinite(expiresIn)) {
      throw new GlobusApiError({
        service: "Auth",
        method: "POST",
        path: TOKEN_PATH,
        status: 200,
        code: "UnexpectedResponse",
        apiMessage: "token response lacks access_token or a numeric expires_in",
        attempts: 1
      });
    }
    this.#mask(token);
    this.tokensIssued++;
    this.#token = { value: token, renewAt: started + expiresIn * 1e3 - EXPIRY_MARGIN_MS };
    return token;
  }
};
function asAuthError(err, scope) {
  if (!(err instanceof GlobusApiError) || err.status >= 500 || err.status === 429) return err;
  const credentials = err.status === 401 || err.code === "invalid_client" || err.code === "unauthorized_client";
  return new GlobusAuthError({
    service: err.service,
    method: err.method,
    path: err.path,
    status: err.status,
    code: err.code,
    apiMessage: err.apiMessage,
    requestId: err.requestId,
    resource: err.resource,
    attempts: err.attempts,
    body: err.body,
    advice: credentials ? "Globus Auth rejected the client credentials: check the Globus client id and secret (globus.globus_apps in config.yml and the secrets it names)" : `Globus Auth would not issue a token for scope ${scope}: check that the Globus app may use Transfer`
  });
}

// src/globus/types.ts
var SYNC_LEVELS = { exists: 0, size: 1, mtime: 2, checksum: 3 };

// src/globus/documents.ts
var LABEL_MAX = 128;
function safeLabel(text) {
  const cleaned = text.normalize("NFC").replace(/[\r\n\t\f\v]+/g, " ").replace(/[^A-Za-z0-9 _.,-]/g, "_").replace(/ {2,}/g, " ").trim();
  return cleaned.slice(0, LABEL_MAX).trim();
}
function parseGlobusTime(text) {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  const date = m ? /* @__PURE__ */ new Date(`${m[1] ?? ""}T${m[2] ?? ""}${m[3] ?? "Z"}`) : /* @__PURE__ */ new Date(NaN);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a Globus timestamp: ${JSON.stringify(text)}`);
  return date;
}
function formatGlobusTime(date) {
  if (Number.isNaN(date.getTime())) throw new RangeError("deadline is an invalid Date");
  return `${date.toISOString().slice(0, 19)}+00:00`;
}
function withoutUnset(value) {
  if (Array.isArray(value)) return value.map((v) => withoutUnset(v));
  if (typeof value !== "object" || value === null) return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) if (v !== void 0 && v !== null) out[k] = withoutUnset(v);
  return out;
}
var deadlineOf = (d) => d instanceof Date ? formatGlobusTime(d) : d;
function labelOf(text) {
  if (text === void 0) return void 0;
  return safeLabel(text) || void 0;
}
function notifyFlags(notify) {
  return notify === void 0 ? {} : { notify_on_succeeded: notify, notify_on_failed: notify, notify_on_inactive: notify };
}
function transferDocument(spec) {
  if (spec.items.length === 0) throw new RangeError("a Globus transfer needs at least one item");
  const items = spec.items.map((i) => ({
    DATA_TYPE: "transfer_item",
    source_path: i.source_path,
    destination_path: i.destination_path,
    recursive: i.recursive
  }));
  return withoutUnset({
    DATA_TYPE: "transfer",
    submission_id: spec.submissionId,
    source_endpoint: spec.source,
    destination_endpoint: spec.destination,
    DATA: items,
    label: labelOf(spec.label),
    sync_level: spec.syncLevel === void 0 ? void 0 : SYNC_LEVELS[spec.syncLevel],
    verify_checksum: spec.verifyChecksum,
    preserve_timestamp: spec.preserveTimestamp,
    encrypt_data: spec.encryptData,
    deadline: deadlineOf(spec.deadline),
    skip_source_errors: spec.skipSourceErrors,
    fail_on_quota_errors: spec.failOnQuotaErrors,
    ...notifyFlags(spec.notify),
    source_local_user: spec.sourceLocalUser,
    destination_local_user: spec.destinationLocalUser
  });
}
function deleteDocument(spec) {
  if (spec.paths.length === 0) throw new RangeError("a Globus delete needs at least one path");
  return withoutUnset({
    DATA_TYPE: "delete",
    submission_id: spec.submissionId,
    endpoint: spec.collection,
    DATA: spec.paths.map((path) => ({ DATA_TYPE: "delete_item", path })),
    label: labelOf(spec.label),
    recursive: spec.recursive,
    ignore_missing: spec.ignoreMissing,
    interpret_globs: spec.interpretGlobs,
    deadline: deadlineOf(spec.deadline),
    local_user: spec.localUser,
    ...notifyFlags(spec.notify)
  });
}

// src/globus/transfer-client.ts
var PRODUCTION_AUTH_URL = "https://auth.globus.org";
var PRODUCTION_TRANSFER_URL = "https://transfer.api.globus.org";
var DEFAULT_PAGE_SIZE = 1e3;
var EVENT_LIST_MAX = 1e3;
function isRecord2(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
var seg = (id) => encodeURIComponent(id);
var TransferClient = class {
  auth;
  transport;
  constructor(opts) {
    this.auth = new ClientCredentialsAuth({
      authUrl: opts.authUrl,
      clientId: opts.clientId,
      clientSecret: opts.clientSecret,
      mask: opts.mask,
      timeoutMs: opts.timeoutMs,
      retry: opts.retry,
      dispatcher: opts.dispatcher,
      now: opts.now
    });
    this.transport = new GlobusTransport({
      service: "Transfer",
      baseUrl: opts.transferUrl,
      timeoutMs: opts.timeoutMs,
      retry: opts.retry,
      authorizer: this.auth,
      dispatcher: opts.dispatcher
    });
  }
  /** `GET /v0.10/submission_id`: an id that makes a submission idempotent. */
  async getSubmissionId() {
    const req = { method: "GET", path: "/v0.10/submission_id" };
    const res = await this.transport.request(req);
    const value = res.body.value;
    if (typeof value !== "string" || value === "") throw unexpected(req, res, "no submission id in the response");
    return value;
  }
  /**
   * `POST /v0.10/transfer`. Without a submission_id one is fetched first and reused on every retry, so a
   * connection lost after the service took the request cannot start a second task: the repeat comes back
   * `Duplicate` with the first task's id, which is success.
   */
  submitTransfer(doc) {
    return this.#submit("/v0.10/transfer", doc);
  }
  /** `POST /v0.10/delete`, with the same submission-id rules as `submitTransfer`. */
  submitDelete(doc) {
    return this.#submit("/v0.10/delete", doc);
  }
  async #submit(path, doc) {
    const submissionId = doc.submission_id ?? await this.getSubmissionId();
    const req = { method: "POST", path, json: withoutUnset({ ...doc, submission_id: submissionId }) };
    let res;
    try {
      res = await this.transport.request(req);
    } catch (err) {
      if (err instanceof GlobusApiError && err.code === "Duplicate" && isRecord2(err.body) && typeof err.body.task_id === "string") {
        return { ...err.body, submission_id: submissionId };
      }
      throw err;
    }
    const body = res.body;
    if ((body.code === "Accepted" || body.code === "Duplicate") && typeof body.task_id === "string") {
      return { ...body, submission_id: typeof body.submission_id === "string" ? body.submission_id : submissionId };
    }
    const task = typeof body.task_id === "string" ? ` (task ${body.task_id})` : "";
    throw unexpected(req, res, `submission answered with code ${JSON.stringify(body.code)}${task}`);
  }
  /** `GET /v0.10/task/<id>`. */
  async getTask(taskId) {
    const req = { method: "GET", path: `/v0.10/task/${seg(taskId)}` };
    const res = await this.transport.request(req);
    const body = res.body;
    if (typeof body.task_id !== "string" || typeof body.status !== "string") throw unexpected(req, res, "not a task document");
    return body;
  }
  /**
   * `POST /v0.10/task/<id>/cancel`. Either way the task is no longer running, so a task that had already
   * ended (`TaskComplete`, whatever the status it comes with) is a result, not an error: the caller reads
   * the code, and `getTask` tells how it ended. This also covers a cancel repeated after a lost connection.
   */
  async cancelTask(taskId) {
    const req = { method: "POST", path: `/v0.10/task/${seg(taskId)}/cancel` };
    try {
      return operationResult(req, await this.transport.request(req));
    } catch (err) {
      if (err instanceof GlobusApiError && err.code === "TaskComplete") {
        return { code: err.code, message: err.apiMessage, request_id: err.requestId, resource: err.resource };
      }
      throw err;
    }
  }
  /** Every event of a task, newest first as the service orders them; offset pages (`event_list`). */
  async *taskEvents(taskId, opts = {}) {
    const limit = pageSize(opts.limit);
    const path = `/v0.10/task/${seg(taskId)}/event_list`;
    for (let offset = 0; offset < EVENT_LIST_MAX; ) {
      const req = {
        method: "GET",
        path,
        query: new URLSearchParams({ limit: String(Math.min(limit, EVENT_LIST_MAX - offset)), offset: String(offset) })
      };
      const res = await this.transport.request(req);
      const page = res.body;
      if (!Array.isArray(page.DATA)) throw unexpected(req, res, "event list without DATA");
      yield* page.DATA;
      offset += page.DATA.length;
      if (page.DATA.length === 0 || (typeof page.total === "number" ? offset >= page.total : page.DATA.length < limit)) return;
    }
  }
  /** Files the task actually copied (not folders, not sync-skipped files); marker pages until `next_marker` is null. */
  async *successfulTransfers(taskId) {
    const path = `/v0.10/task/${seg(taskId)}/successful_transfers`;
    let marker;
    const seen = /* @__PURE__ */ new Set();
    for (; ; ) {
      const req = { method: "GET", path, ...marker === void 0 ? {} : { query: new URLSearchParams({ marker }) } };
      const res = await this.transport.request(req);
      const page = res.body;
      if (!Array.isArray(page.DATA)) throw unexpected(req, res, "successful_transfers page without DATA");
      yield* page.DATA;
      const next = page.next_marker;
      if (next === null || next === void 0) return;
      marker = String(next);
      if (seen.has(marker)) throw unexpected(req, res, `next_marker ${marker} repeats`);
      seen.add(marker);
    }
  }
  /**
   * Every entry of a directory (`operation/ls`), fetched in offset pages. `last_modified` is
   * `YYYY-MM-DD hh:mm:ss+00:00`: read it with `parseGlobusTime`.
   */
  async *ls(collection, path, opts = {}) {
    const limit = pageSize(opts.limit);
    const base = new URLSearchParams({ path });
    if (opts.showHidden !== void 0) base.set("show_hidden", opts.showHidden ? "1" : "0");
    if (opts.orderby !== void 0) base.set("orderby", typeof opts.orderby === "string" ? opts.orderby : opts.orderby.join(","));
    for (const f of typeof opts.filter === "string" ? [opts.filter] : opts.filter ?? []) base.append("filter", f);
    if (opts.localUser !== void 0) base.set("local_user", opts.localUser);
    for (let offset = 0; ; ) {
      const query = new URLSearchParams(base);
      query.set("limit", String(limit));
      query.set("offset", String(offset));
      const req = { method: "GET", path: `/v0.10/operation/endpoint/${seg(collection)}/ls`, query };
      const res = await this.transport.request(req);
      const page = res.body;
      if (!Array.isArray(page.DATA)) throw unexpected(req, res, "file list without DATA");
      yield* page.DATA;
      offset += page.DATA.length;
      if (page.DATA.length === 0 || (typeof page.total === "number" ? offset >= page.total : page.DATA.length < limit)) return;
    }
  }
  /** `operation/stat`: one entry; a missing path is a GlobusApiError with status 404 (see `isNotFound`). */
  async stat(collection, path, opts = {}) {
    const query = new URLSearchParams({ path });
    if (opts.localUser !== void 0) query.set("local_user", opts.localUser);
    const req = { method: "GET", path: `/v0.10/operation/endpoint/${seg(collection)}/stat`, query };
    const res = await this.transport.request(req);
    const body = res.body;
    if (typeof body.name !== "string" || typeof body.type !== "string") throw unexpected(req, res, "not a file document");
    return body;
  }
  /**
   * `operation/mkdir`. With `existOk`, an existing directory is success: a retried mkdir whose first
   * attempt got through (connection lost after sending) answers `Exists`.
   */
  async mkdir(collection, path, opts = {}) {
    const req = {
      method: "POST",
      path: `/v0.10/operation/endpoint/${seg(collection)}/mkdir`,
      json: withoutUnset({ DATA_TYPE: "mkdir", path, local_user: opts.localUser })
    };
    try {
      return operationResult(req, await this.transport.request(req));
    } catch (err) {
      if (opts.existOk && err instanceof GlobusApiError && hasGlobusCode(err, "ExternalError.MkdirFailed.Exists")) {
        return { code: err.code, message: err.apiMessage, request_id: err.requestId, resource: err.resource };
      }
      throw err;
    }
  }
};
function pageSize(limit) {
  const n = limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`page limit must be a positive integer, got ${String(limit)}`);
  return n;
}
function operationResult(req, res) {
  const body = res.body;
  if (typeof body.code !== "string") throw unexpected(req, res, "result without a code");
  return body;
}
function unexpected(req, res, message) {
  return new GlobusApiError({
    service: "Transfer",
    method: req.method,
    path: req.path,
    status: res.status,
    code: "UnexpectedResponse",
    apiMessage: message,
    attempts: res.attempts,
    body: res.body
  });
}

export {
  GlobusApiError,
  GlobusAuthError,
  GlobusNetworkError,
  hasGlobusCode,
  isNotFound,
  DEFAULT_TIMEOUT_MS,
  GlobusTransport,
  TRANSFER_SCOPE,
  TOKEN_PATH,
  EXPIRY_MARGIN_MS,
  ClientCredentialsAuth,
  SYNC_LEVELS,
  LABEL_MAX,
  safeLabel,
  parseGlobusTime,
  formatGlobusTime,
  withoutUnset,
  transferDocument,
  deleteDocument,
  PRODUCTION_AUTH_URL,
  PRODUCTION_TRANSFER_URL,
  DEFAULT_PAGE_SIZE,
  EVENT_LIST_MAX,
  TransferClient
};
