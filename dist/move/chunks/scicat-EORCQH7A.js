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
  validateOrigDatablock,
  validateRawDataset
} from "./chunk-6IJYZIFA.js";
import {
  backoffMs,
  require_undici,
  retryPolicy
} from "./chunk-DWN3ZEST.js";
import {
  errorCode
} from "./chunk-AH3DSS7N.js";
import {
  __toESM
} from "./chunk-56GLMHBG.js";

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
    super(`SciCat ${init.method} ${init.path} → ${init.status}: ${oneLine(init.apiMessage)}${tries}${advice}`);
    this.name = "ScicatApiError";
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.apiMessage = init.apiMessage;
    this.details = init.details ?? [];
    this.attempts = init.attempts;
    this.body = init.body;
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
    const what = init.cause instanceof Error ? oneLine(init.cause.message) : oneLine(String(init.cause));
    const code = init.errorCode ? `${init.errorCode}: ` : "";
    const tries = init.attempts === 1 ? "1 attempt" : `${init.attempts} attempts`;
    super(`SciCat ${init.method} ${init.path} failed after ${tries}: ${code}${what}`, { cause: init.cause });
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
    super(`${what} is not valid for SciCat: ${oneLine(issues.join("; "))}`);
    this.name = "ScicatValidationError";
    this.issues = issues;
  }
};
function isRecord(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
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
var import_undici = __toESM(require_undici(), 1);
var DEFAULT_TIMEOUT_MS = 6e4;
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
var ScicatTransport = class {
  baseUrl;
  timeoutMs;
  /** HTTP requests sent so far (every attempt counts). */
  requestsSent = 0;
  /** Retries taken so far (waits slept, plus renew-on-401 repeats). */
  retriesTaken = 0;
  #retry;
  #dispatcher;
  constructor(opts) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, "");
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#retry = retryPolicy(opts.retry, { baseSeconds: 0.5, capSeconds: 15 });
    this.#dispatcher = opts.dispatcher;
  }
  /** Computed wait before retry `n` (0-based), in ms. */
  backoffMs(n) {
    return backoffMs(this.#retry, n);
  }
  /** Sends the request, retrying per policy. Resolves with a 2xx body; rejects with ScicatApiError / ScicatNetworkError. */
  async request(req) {
    const { maxRetries } = this.#retry;
    let attempts = 0;
    let retries = 0;
    let renewed = false;
    for (; ; ) {
      attempts++;
      const token = req.authorizer ? await req.authorizer.accessToken() : void 0;
      let status;
      let text;
      try {
        this.requestsSent++;
        ({ status, text } = await this.#send(req, token));
      } catch (err2) {
        const code = errorCode(err2);
        const retriable = code !== void 0 && RETRIABLE_NETWORK.has(code);
        if (!retriable || retries >= maxRetries) {
          throw new ScicatNetworkError({ method: req.method, path: req.path, attempts, errorCode: code, cause: err2 });
        }
        await this.#wait(req, retries, code);
        retries++;
        const recovered2 = await this.#recover(req);
        if (recovered2 !== void 0) return { status: 200, body: recovered2, attempts, recovered: true };
        continue;
      }
      const body = parseBody(text);
      if (status >= 200 && status < 300) return { status, body, attempts };
      if (status === 401 && req.authorizer && !renewed) {
        renewed = true;
        req.authorizer.invalidate(token);
        this.retriesTaken++;
        continue;
      }
      const err = this.#error(req, status, body, attempts);
      if (status < 500 || retries >= maxRetries) throw err;
      await this.#wait(req, retries, `${status} ${oneLine(err.apiMessage, 80)}`);
      retries++;
      const recovered = await this.#recover(req);
      if (recovered !== void 0) return { status: 200, body: recovered, attempts, recovered: true };
    }
  }
  async #recover(req) {
    if (!req.recover) return void 0;
    try {
      return await req.recover();
    } catch {
      return void 0;
    }
  }
  async #wait(req, retryIndex, reason) {
    const waitMs = this.backoffMs(retryIndex);
    this.retriesTaken++;
    this.#retry.onRetry?.({ method: req.method, path: req.path, retry: retryIndex + 1, waitMs, reason });
    await this.#retry.sleep(waitMs);
  }
  async #send(req, token) {
    const headers = { accept: "application/json", "user-agent": "splash-flows" };
    let body;
    if (req.json !== void 0) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(req.json);
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
    return { status: res.statusCode, text };
  }
  #error(req, status, body, attempts) {
    const { message, details } = backendMessage(body);
    const ErrorClass = req.errorClass ?? ScicatApiError;
    return new ErrorClass({ method: req.method, path: req.path, status, apiMessage: message, details, attempts, body, advice: req.advice?.(status) });
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

// src/scicat/client.ts
var API_PREFIX = "/api/v3";
var LOGIN_PATH = `${API_PREFIX}/auth/login`;
var DATASETS_PATH = `${API_PREFIX}/Datasets`;
function isRecord2(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
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
  #token;
  #pending;
  constructor(opts) {
    this.#username = opts.username;
    this.#password = opts.password;
    this.#mask = opts.mask ?? (() => void 0);
    this.#validate = opts.validate ?? true;
    if (opts.password) this.#mask(opts.password);
    this.transport = new ScicatTransport({ baseUrl: opts.baseUrl, timeoutMs: opts.timeoutMs, retry: opts.retry, dispatcher: opts.dispatcher });
  }
  /** The cached token, or a new one from a login (one login however many callers wait). */
  accessToken() {
    if (this.#token !== void 0) return Promise.resolve(this.#token);
    this.#pending ??= this.#login().finally(() => {
      this.#pending = void 0;
    });
    return this.#pending;
  }
  invalidate(rejected) {
    if (rejected === void 0 || this.#token === rejected) this.#token = void 0;
  }
  async #login() {
    const { body } = await this.transport.request({
      method: "POST",
      path: LOGIN_PATH,
      json: { username: this.#username, password: this.#password },
      errorClass: ScicatAuthError,
      advice: (status) => status === 401 || status === 403 ? "check the SciCat username and password" : void 0
    });
    const token = isRecord2(body) ? typeof body.access_token === "string" && body.access_token !== "" ? body.access_token : body.id : void 0;
    if (typeof token !== "string" || token === "") {
      throw new ScicatAuthError({ method: "POST", path: LOGIN_PATH, status: 201, apiMessage: "login answer has neither access_token nor id", attempts: 1 });
    }
    this.#mask(token);
    this.logins++;
    this.#token = token;
    return token;
  }
  async #call(req) {
    const { body } = await this.transport.request({ ...req, authorizer: this });
    return body;
  }
  #asDataset(body, req) {
    if (isRecord2(body) && typeof body.pid === "string" && body.pid !== "") return body;
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
  /** The first dataset whose sourceFolder and datasetName match exactly, or undefined. */
  async findDataset(q) {
    const filter = { where: { sourceFolder: normalizeSourceFolder(q.sourceFolder), datasetName: q.datasetName }, limits: { limit: 1 } };
    const body = await this.#call({ method: "GET", path: DATASETS_PATH, query: new URLSearchParams({ filter: JSON.stringify(filter) }) });
    if (!Array.isArray(body)) {
      throw new ScicatApiError({ method: "GET", path: DATASETS_PATH, status: 200, apiMessage: "expected an array of datasets", attempts: 1, body });
    }
    const first = body[0];
    return first === void 0 ? void 0 : this.#asDataset(first, { method: "GET", path: DATASETS_PATH });
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
    const prepared = this.#prepare(doc);
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
    if (!isRecord2(body)) throw new ScicatApiError({ method: "POST", path, status: 201, apiMessage: "expected the created datablock", attempts: 1, body });
    return body;
  }
  /** GET /api/v3/Datasets/<pid>/origdatablocks and …/attachments: how many a dataset has (a re-run checks). */
  async countRelated(pid, sub) {
    const path = datasetPath(pid, sub);
    const body = await this.#call({ method: "GET", path });
    if (!Array.isArray(body)) throw new ScicatApiError({ method: "GET", path, status: 200, apiMessage: `expected a list of ${sub}`, attempts: 1, body });
    return body.length;
  }
  /** POST /api/v3/Datasets/<pid>/attachments: a thumbnail as a data URL. */
  async addAttachment(pid, att) {
    if (this.#validate) {
      const v = validateAttachment(att);
      if (!v.ok) throw new ScicatValidationError(`Attachment for ${pid}`, v.issues);
    }
    const path = datasetPath(pid, "attachments");
    const body = await this.#call({ method: "POST", path, json: att });
    if (!isRecord2(body)) throw new ScicatApiError({ method: "POST", path, status: 201, apiMessage: "expected the created attachment", attempts: 1, body });
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
