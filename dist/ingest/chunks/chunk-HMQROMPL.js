import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  ClientCredentialsAuth,
  GlobusTransport
} from "./chunk-CBVBAAPG.js";
import {
  GlobusApiError,
  hasGlobusCode
} from "./chunk-YQKDHTZH.js";
import {
  isRecord
} from "./chunk-GVRVAWF6.js";

// src/globus/types.ts
var SYNC_LEVELS = { exists: 0, size: 1, mtime: 2, checksum: 3 };

// src/globus/documents.ts
var LABEL_MAX = 128;
function safeLabel(text) {
  const cleaned = text.normalize("NFKD").replace(new RegExp("\\p{M}+", "gu"), "").replace(/\s+/g, " ").replace(/[^A-Za-z0-9 _,-]+/g, "_").trim();
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
      if (err instanceof GlobusApiError && err.code === "Duplicate" && isRecord(err.body) && typeof err.body.task_id === "string") {
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
  /** `operation/stat`: one entry; a missing path is a GlobusApiError with code `NotFound` (see `isNotFound`). */
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
  /** `operation/rename` within one collection (a file or a folder; the new path's parent must exist). */
  async rename(collection, oldPath, newPath, opts = {}) {
    const req = {
      method: "POST",
      path: `/v0.10/operation/endpoint/${seg(collection)}/rename`,
      json: withoutUnset({ DATA_TYPE: "rename", old_path: oldPath, new_path: newPath, local_user: opts.localUser })
    };
    return operationResult(req, await this.transport.request(req));
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
