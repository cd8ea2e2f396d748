import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
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
  validateDatablock,
  validateDerivedDataset,
  validateOrigDatablock,
  validateRawDataset
} from "./chunk-I7MGNCRZ.js";
import "./chunk-FLOWBJLU.js";
import {
  JsonTransport,
  TokenCache,
  isRecord,
  retryPolicy
} from "./chunk-GVRVAWF6.js";
import {
  redact,
  redactValue,
  registerSecret
} from "./chunk-2H32LMKA.js";
import "./chunk-56GLMHBG.js";

// src/scicat/errors.ts
function oneLine(text, max = 400) {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
var ScicatApiError = class extends Error {
  method;
  path;
  status;
  apiMessage;
  details;
  attempts;
  body;
  constructor(init) {
    const tries = init.attempts > 1 ? ` after ${init.attempts} attempts` : "";
    const advice = init.advice ? ` — ${init.advice}` : "";
    super(redact(`SciCat ${init.method} ${init.path} → ${init.status}: ${oneLine(redact(init.apiMessage))}${tries}${advice}`));
    this.name = "ScicatApiError";
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.apiMessage = redact(init.apiMessage);
    this.details = (init.details ?? []).map(redact);
    this.attempts = init.attempts;
    this.body = redactValue(init.body);
  }
};
var ScicatAuthError = class extends ScicatApiError {
  constructor(init) {
    super(init);
    this.name = "ScicatAuthError";
  }
};
var ScicatNetworkError = class extends Error {
  method;
  path;
  attempts;
  errorCode;
  constructor(init) {
    const what = oneLine(redact(init.cause instanceof Error ? init.cause.message : String(init.cause)));
    const code = init.errorCode ? `${init.errorCode}: ` : "";
    const tries = init.attempts === 1 ? "1 attempt" : `${init.attempts} attempts`;
    super(redact(`SciCat ${init.method} ${init.path} failed after ${tries}: ${code}${what}`), { cause: init.cause });
    this.name = "ScicatNetworkError";
    this.method = init.method;
    this.path = init.path;
    this.attempts = init.attempts;
    this.errorCode = init.errorCode;
  }
};
var ScicatValidationError = class extends Error {
  issues;
  constructor(what, issues) {
    super(redact(`${what} is not valid for SciCat: ${oneLine(redact(issues.join("; ")))}`));
    this.name = "ScicatValidationError";
    this.issues = issues;
  }
};
function flattenValidation(errors, prefix = "") {
  const out = [];
  for (const e of errors) {
    if (!isRecord(e)) {
      if (typeof e === "string") out.push(e);
      continue;
    }
    const prop = typeof e.property === "string" ? `${prefix}${e.property}` : prefix.replace(/\.$/, "");
    if (isRecord(e.constraints)) {
      for (const m of Object.values(e.constraints)) if (typeof m === "string") out.push(m.includes(prop) || prop === "" ? m : `${prop}: ${m}`);
    }
    if (Array.isArray(e.children)) out.push(...flattenValidation(e.children, prop ? `${prop}.` : ""));
  }
  return out;
}
function backendMessage(body) {
  if (body === void 0) return { message: "no error body", details: [] };
  if (typeof body === "string") return { message: oneLine(body, 200) || "an empty body", details: [] };
  if (!isRecord(body)) return { message: oneLine(JSON.stringify(body), 200), details: [] };
  const m = body.message;
  if (Array.isArray(m)) {
    const details = flattenValidation(m);
    return { message: details.join("; ") || "validation failed", details };
  }
  if (typeof m === "string" && m !== "") {
    const trimmed = m.trim();
    if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
      try {
        const parsed = JSON.parse(trimmed);
        const details = flattenValidation(Array.isArray(parsed) ? parsed : [parsed]);
        if (details.length > 0) return { message: details.join("; "), details };
      } catch {
      }
    }
    return { message: m, details: [] };
  }
  if (typeof body.error === "string") return { message: body.error, details: [] };
  return { message: oneLine(JSON.stringify(body), 200), details: [] };
}

// src/scicat/transport.ts
var DEFAULT_TIMEOUT_MS = 6e4;
var ScicatTransport = class {
  baseUrl;
  timeoutMs;
  #http;
  #onRetry;
  constructor(opts) {
    const retry = retryPolicy(opts.retry, { baseSeconds: 0.5, capSeconds: 15 });
    this.#onRetry = retry.onRetry;
    this.#http = new JsonTransport({ baseUrl: opts.baseUrl, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, retry, dispatcher: opts.dispatcher });
    this.baseUrl = this.#http.baseUrl;
    this.timeoutMs = this.#http.timeoutMs;
  }
  /** HTTP requests sent so far (every attempt counts). */
  get requestsSent() {
    return this.#http.requestsSent;
  }
  /** Retries taken so far (waits slept, plus renew-on-401 repeats). */
  get retriesTaken() {
    return this.#http.retriesTaken;
  }
  /** Computed wait before retry `n` (0-based), in ms. */
  backoffMs(n) {
    return this.#http.backoffMs(n);
  }
  /** Sends the request, retrying per policy. Resolves with a 2xx body; rejects with ScicatApiError / ScicatNetworkError. */
  request(req) {
    return this.#http.request(req, {
      authorizer: req.authorizer,
      apiError: (a) => this.#error(req, a.status, a.body, a.attempts),
      // Network errors and 5xx are retried; a 4xx is the request's fault and would only fail again.
      retryWait: (a) => a.status < 500 ? void 0 : "backoff",
      reason: (a, err) => `${a.status} ${oneLine(err.apiMessage, 80)}`,
      networkError: (attempts, errorCode, cause) => new ScicatNetworkError({ method: req.method, path: req.path, attempts, errorCode, cause }),
      onRetry: (retry, waitMs, reason) => this.#onRetry?.({ method: req.method, path: req.path, retry, waitMs, reason }),
      recover: req.recover
    });
  }
  #error(req, status, body, attempts) {
    const { message, details } = backendMessage(body);
    const ErrorClass = req.errorClass ?? ScicatApiError;
    return new ErrorClass({ method: req.method, path: req.path, status, apiMessage: message, details, attempts, body, advice: req.advice?.(status) });
  }
};

// src/scicat/client.ts
var API_PREFIX = "/api/v3";
var LOGIN_PATH = `${API_PREFIX}/auth/login`;
var DATASETS_PATH = `${API_PREFIX}/Datasets`;
var DATABLOCKS_PATH = `${API_PREFIX}/datablocks`;
function datasetPath(pid, sub) {
  return `${DATASETS_PATH}/${encodeURIComponent(pid)}${sub ? `/${sub}` : ""}`;
}
var ScicatClient = class {
  transport;
  /** Logins performed so far. */
  logins = 0;
  #username;
  #password;
  #mask;
  #validate;
  // A SciCat token lasts until the backend refuses it.
  #tokens = new TokenCache(async () => ({ value: await this.#login(), renewAt: Infinity }));
  constructor(opts) {
    this.#username = opts.username;
    this.#password = opts.password;
    this.#mask = opts.mask ?? (() => void 0);
    this.#validate = opts.validate ?? true;
    registerSecret(opts.password);
    if (opts.password) this.#mask(opts.password);
    this.transport = new ScicatTransport({ baseUrl: opts.baseUrl, timeoutMs: opts.timeoutMs, retry: opts.retry, dispatcher: opts.dispatcher });
  }
  /** The cached token, or a new one from a login (one login however many callers wait). */
  accessToken() {
    return this.#tokens.accessToken();
  }
  invalidate(rejected) {
    this.#tokens.invalidate(rejected);
  }
  async #login() {
    const { body } = await this.transport.request({
      method: "POST",
      path: LOGIN_PATH,
      json: { username: this.#username, password: this.#password },
      errorClass: ScicatAuthError,
      advice: (status) => status === 401 || status === 403 ? "check the SciCat username and password" : void 0
    });
    const token = isRecord(body) ? typeof body.access_token === "string" && body.access_token !== "" ? body.access_token : body.id : void 0;
    if (typeof token !== "string" || token === "") {
      throw new ScicatAuthError({ method: "POST", path: LOGIN_PATH, status: 201, apiMessage: "login answer has neither access_token nor id", attempts: 1 });
    }
    registerSecret(token);
    this.#mask(token);
    this.logins++;
    return token;
  }
  async #call(req) {
    const { body } = await this.transport.request({ ...req, authorizer: this });
    return body;
  }
  #asDataset(body, req) {
    if (isRecord(body) && typeof body.pid === "string" && body.pid !== "") return body;
    throw new ScicatApiError({ ...req, status: 200, apiMessage: "expected a dataset with a pid in the answer", attempts: 1, body });
  }
  #prepare(doc) {
    const prepared = { ...doc, sourceFolder: normalizeSourceFolder(doc.sourceFolder) };
    if (this.#validate) {
      const v = validateRawDataset(prepared);
      if (!v.ok) throw new ScicatValidationError(`Dataset '${doc.datasetName}'`, v.issues);
    }
    return prepared;
  }
  /** POST /api/v3/Datasets (type raw) → the stored dataset with its pid. Not idempotent: see ensureRawDataset. */
  async createRawDataset(doc) {
    const body = await this.#call({ method: "POST", path: DATASETS_PATH, json: this.#prepare(doc) });
    return this.#asDataset(body, { method: "POST", path: DATASETS_PATH });
  }
  /**
   * The first dataset whose sourceFolder and datasetName match exactly, or undefined. Each value is sent as
   * the one item of an `inq` list: the backend's WherePipe turns date-like strings in `where` into Dates
   * (SciCatProject/backend#2583: v4.27 any string `new Date()` parses, e.g. `/raw/2024-01-01` or `Sample 3`;
   * v4.28+ those starting with YYYY-MM-DD), and a Date never equals the stored string — the lookup would miss
   * and a re-run would create a second dataset. The pipe converts object values only, never array items, and
   * every backend version maps `inq` to Mongo's `$in`. The answer is checked too: a backend that ignored the
   * filter must not make another dataset pass for this one.
   */
  async findDataset(q) {
    const sourceFolder = normalizeSourceFolder(q.sourceFolder);
    const filter = { where: { sourceFolder: { inq: [sourceFolder] }, datasetName: { inq: [q.datasetName] } }, limits: { limit: 1 } };
    const req = { method: "GET", path: DATASETS_PATH };
    const body = await this.#call({ ...req, query: new URLSearchParams({ filter: JSON.stringify(filter) }) });
    if (!Array.isArray(body)) throw new ScicatApiError({ ...req, status: 200, apiMessage: "expected an array of datasets", attempts: 1, body });
    const first = body[0];
    if (first === void 0) return void 0;
    const dataset = this.#asDataset(first, req);
    if (dataset.sourceFolder !== sourceFolder || dataset.datasetName !== q.datasetName) {
      throw new ScicatApiError({ ...req, status: 200, apiMessage: `the lookup by sourceFolder and datasetName answered another dataset (${dataset.pid}): the backend did not apply the filter`, attempts: 1 });
    }
    return dataset;
  }
  /** GET /api/v3/Datasets/<pid>; a 404 is an error (use findDataset to ask "does it exist"). */
  async getDataset(pid) {
    const path = datasetPath(pid);
    return this.#asDataset(await this.#call({ method: "GET", path }), { method: "GET", path });
  }
  /**
   * Finds the dataset by sourceFolder + datasetName and creates it only if absent, so re-running an ingest
   * leaves one dataset. A create whose answer was lost (reset, 5xx after the write) is checked with the same
   * lookup before it is retried.
   */
  async ensureRawDataset(doc) {
    return this.#ensure(this.#prepare(doc));
  }
  /** The same for a derived dataset (a reconstruction), checked against the derived DTO's rules. */
  async ensureDerivedDataset(doc) {
    const prepared = { ...doc, sourceFolder: normalizeSourceFolder(doc.sourceFolder) };
    if (this.#validate) {
      const v = validateDerivedDataset(prepared);
      if (!v.ok) throw new ScicatValidationError(`Derived dataset '${doc.datasetName}'`, v.issues);
    }
    return this.#ensure(prepared);
  }
  async #ensure(prepared) {
    const q = { sourceFolder: prepared.sourceFolder, datasetName: prepared.datasetName };
    const existing = await this.findDataset(q);
    if (existing) return { dataset: existing, created: false };
    const res = await this.transport.request({ method: "POST", path: DATASETS_PATH, json: prepared, authorizer: this, recover: () => this.findDataset(q) });
    const dataset = this.#asDataset(res.body, { method: "POST", path: DATASETS_PATH });
    return { dataset, created: res.recovered !== true };
  }
  /** POST /api/v3/Datasets/<pid>/origdatablocks: the file list (every file with path, size and time). */
  async addOrigDatablock(pid, block) {
    if (this.#validate) {
      const v = validateOrigDatablock(block);
      if (!v.ok) throw new ScicatValidationError(`Orig-datablock for ${pid}`, v.issues);
    }
    const path = datasetPath(pid, "origdatablocks");
    const body = await this.#call({ method: "POST", path, json: block });
    if (!isRecord(body)) throw new ScicatApiError({ method: "POST", path, status: 201, apiMessage: "expected the created datablock", attempts: 1, body });
    return body;
  }
  /** GET /api/v3/Datasets/<pid>/origdatablocks and …/attachments: how many a dataset has (a re-run checks). */
  async countRelated(pid, sub) {
    const path = datasetPath(pid, sub);
    const body = await this.#call({ method: "GET", path });
    if (!Array.isArray(body)) throw new ScicatApiError({ method: "GET", path, status: 200, apiMessage: `expected a list of ${sub}`, attempts: 1, body });
    return body.length;
  }
  /**
   * Which of these archiveIds already have a datablock, as far as this account may see (GET /api/v3/datablocks
   * with `archiveId: {inq: […]}` — array items pass the backend's WherePipe unconverted).
   */
  async datablocksWithArchiveIds(ids) {
    const found = /* @__PURE__ */ new Set();
    for (let i = 0; i < ids.length; i += 50) {
      const chunk = ids.slice(i, i + 50);
      const filter = { where: { archiveId: { inq: chunk } }, limits: { limit: chunk.length } };
      const req = { method: "GET", path: DATABLOCKS_PATH };
      const body = await this.#call({ ...req, query: new URLSearchParams({ filter: JSON.stringify(filter) }) });
      if (!Array.isArray(body)) throw new ScicatApiError({ ...req, status: 200, apiMessage: "expected an array of datablocks", attempts: 1, body });
      for (const b of body) if (isRecord(b) && typeof b.archiveId === "string" && chunk.includes(b.archiveId)) found.add(b.archiveId);
    }
    return found;
  }
  /**
   * POST /api/v3/datablocks. 'exists' when the backend already holds a datablock with this archiveId (409: the
   * backend keeps archiveId unique) — a replay, or a record this account may not read back. A lost answer is
   * checked by looking the archiveId up before the request is retried.
   */
  async addDatablock(block) {
    if (this.#validate) {
      const v = validateDatablock(block);
      if (!v.ok) throw new ScicatValidationError(`Datablock ${block.archiveId}`, v.issues);
    }
    try {
      const res = await this.transport.request({
        method: "POST",
        path: DATABLOCKS_PATH,
        json: block,
        authorizer: this,
        recover: async () => (await this.datablocksWithArchiveIds([block.archiveId])).has(block.archiveId) ? { archiveId: block.archiveId } : void 0
      });
      if (!isRecord(res.body)) throw new ScicatApiError({ method: "POST", path: DATABLOCKS_PATH, status: 201, apiMessage: "expected the created datablock", attempts: 1, body: res.body });
      return "created";
    } catch (err) {
      if (err instanceof ScicatApiError && err.status === 409) return "exists";
      throw err;
    }
  }
  /** POST /api/v3/Datasets/<pid>/attachments: a thumbnail as a data URL. */
  async addAttachment(pid, att) {
    if (this.#validate) {
      const v = validateAttachment(att);
      if (!v.ok) throw new ScicatValidationError(`Attachment for ${pid}`, v.issues);
    }
    const path = datasetPath(pid, "attachments");
    const body = await this.#call({ method: "POST", path, json: att });
    if (!isRecord(body)) throw new ScicatApiError({ method: "POST", path, status: 201, apiMessage: "expected the created attachment", attempts: 1, body });
    return body;
  }
};
export {
  API_PREFIX,
  DATASETS_PATH,
  DEFAULT_TIMEOUT_MS,
  LOGIN_PATH,
  ScicatApiError,
  ScicatAuthError,
  ScicatClient,
  ScicatNetworkError,
  ScicatTransport,
  ScicatValidationError,
  attachmentSchema,
  backendMessage,
  dataFileSchema,
  datasetPath,
  isEmail,
  isEmailList,
  isIsoDate,
  isUrlLike,
  normalizeSourceFolder,
  origDatablockSchema,
  rawDatasetSchema,
  validateAttachment,
  validateOrigDatablock,
  validateRawDataset
};
