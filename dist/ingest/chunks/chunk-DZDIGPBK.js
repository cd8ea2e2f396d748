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
  GlobusApiError
} from "./chunk-YQKDHTZH.js";
import {
  isRecord
} from "./chunk-GVRVAWF6.js";

// src/compute/rate.ts
import { setTimeout as delay } from "node:timers/promises";
var SlidingWindowLimiter = class {
  requests;
  windowMs;
  /** Waits taken so far, and their total, for run statistics. */
  waits = 0;
  waitedMs = 0;
  #margin;
  #now;
  #sleep;
  /** The requests of the current window, oldest first: `at` is when the answer came (or when sent, while in flight). */
  #slots = [];
  #queue = Promise.resolve();
  constructor(o = {}) {
    this.requests = o.requests ?? 20;
    this.windowMs = o.windowMs ?? 1e4;
    this.#margin = o.marginMs ?? 50;
    this.#now = o.now ?? Date.now;
    this.#sleep = o.sleep ?? ((ms) => delay(ms));
    if (!Number.isInteger(this.requests) || this.requests < 1) throw new RangeError(`requests per window must be a whole number >= 1, got ${String(o.requests)}`);
  }
  /**
   * Resolves when one more request may be sent now, counting it as sent; call the function it gives once the
   * answer (or a failure) is back, which dates the slot from then.
   */
  acquire() {
    const turn = this.#queue.then(() => this.#take());
    this.#queue = turn.then(() => void 0, () => void 0);
    return turn;
  }
  async #take() {
    for (; ; ) {
      const now = this.#now();
      for (let i = this.#slots.length - 1; i >= 0; i--) {
        const s = this.#slots[i];
        if (s && !s.inFlight && s.at <= now - this.windowMs) this.#slots.splice(i, 1);
      }
      if (this.#slots.length < this.requests) {
        const slot = { at: now, inFlight: true };
        this.#slots.push(slot);
        return () => {
          if (!slot.inFlight) return;
          slot.inFlight = false;
          slot.at = Math.max(slot.at, this.#now());
        };
      }
      const answered = this.#slots.filter((s) => !s.inFlight).map((s) => s.at);
      const wait = answered.length > 0 ? Math.max(0, Math.min(...answered) + this.windowMs - now) + this.#margin : Math.max(this.#margin, 10);
      this.waits++;
      this.waitedMs += wait;
      await this.#sleep(wait);
    }
  }
};

// src/compute/serialize.ts
var JSON_DATA_SERIALIZER = "globus_compute_sdk.serialize.JSONData";
var SOURCE_TEXT_IDENTIFIER = "st";
var JSON_DATA_HEADER = "11\n";
var SOURCE_TEXT_HEADER = "st\n";
var DILL_DATA_HEADER = "00\n";
var ComputeFormatError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "ComputeFormatError";
  }
};
var LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
var wellFormed = (s) => !LONE_SURROGATE.test(s);
function codePointLength(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 55296 && c <= 56319 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 56320 && d <= 57343) i++;
    }
    n++;
  }
  return n;
}
function packBuffers(buffers) {
  return buffers.map((b) => `${String(codePointLength(b))}
${b}`).join("");
}
function jsonText(value, what) {
  const check = (v, path) => {
    if (v === null || typeof v === "string" || typeof v === "boolean") {
      if (typeof v === "string" && !wellFormed(v)) throw new ComputeFormatError(`${what}${path}: a string with a lone surrogate cannot be sent`);
      return;
    }
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new ComputeFormatError(`${what}${path}: ${String(v)} is not a JSON number`);
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        check(x, `${path}[${String(i)}]`);
      });
      return;
    }
    if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
      for (const [k, x] of Object.entries(v)) {
        if (!wellFormed(k)) throw new ComputeFormatError(`${what}${path}: a key with a lone surrogate cannot be sent`);
        if (x !== void 0) check(x, `${path}.${k}`);
      }
      return;
    }
    throw new ComputeFormatError(`${what}${path}: ${typeof v} is not JSON data`);
  };
  check(value, "");
  return JSON.stringify(value);
}
function jsonData(value, what = "argument") {
  return `${JSON_DATA_HEADER}${jsonText(value, what)}`;
}
function taskPayload(args, kwargs = {}) {
  return packBuffers([jsonData(args, "args"), jsonData(kwargs, "kwargs")]);
}
var PYTHON_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
function sourceFunctionCode(name, source) {
  if (!PYTHON_NAME.test(name)) throw new ComputeFormatError(`function name ${JSON.stringify(name)} is not a Python identifier`);
  if (!wellFormed(source)) throw new ComputeFormatError("the function source has a lone surrogate");
  if (!new RegExp(`^(?:async\\s+)?def\\s+${name}\\s*\\(`, "m").test(source)) {
    throw new ComputeFormatError(`the source does not define a function ${name} at the top level`);
  }
  return packBuffers([`${SOURCE_TEXT_HEADER}${name}:${source}`]);
}
function decodeResult(result) {
  const header = result.slice(0, 3);
  if (header === JSON_DATA_HEADER) {
    try {
      return JSON.parse(result.slice(3));
    } catch (err) {
      throw new ComputeFormatError(`the task's JSON result does not parse: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (header === DILL_DATA_HEADER) {
    throw new ComputeFormatError(`the task's result is dill-serialized (header 00), not JSON: the endpoint did not use ${JSON_DATA_SERIALIZER} (is it allowed in its allowed_serializers?)`);
  }
  throw new ComputeFormatError(`the task's result has an unknown serialization header ${JSON.stringify(header)}`);
}

// src/compute/client.ts
var COMPUTE_SCOPE = "https://auth.globus.org/scopes/facd7ccc-c5f4-42aa-916b-a0e270e2c2a9/all";
var PRODUCTION_COMPUTE_URL = "https://compute.api.globus.org";
var COMPATIBLE_SDK_VERSION = "4.15.0";
var seg = (id) => encodeURIComponent(id);
var optString = (v) => typeof v === "string" ? v : void 0;
var ComputeClient = class {
  auth;
  transport;
  limiter;
  constructor(opts) {
    this.auth = new ClientCredentialsAuth({
      authUrl: opts.authUrl,
      clientId: opts.clientId,
      clientSecret: opts.clientSecret,
      scope: COMPUTE_SCOPE,
      mask: opts.mask,
      timeoutMs: opts.timeoutMs,
      retry: opts.retry,
      dispatcher: opts.dispatcher,
      now: opts.now
    });
    this.limiter = new SlidingWindowLimiter({ now: opts.now, ...opts.rateLimit });
    this.transport = new GlobusTransport({
      service: "Compute",
      baseUrl: opts.computeUrl,
      timeoutMs: opts.timeoutMs,
      retry: opts.retry,
      authorizer: this.auth,
      dispatcher: opts.dispatcher,
      beforeSend: () => this.limiter.acquire()
    });
  }
  /** Requests sent to the Compute API so far (every attempt counts; token requests go to Auth and are not counted). */
  get requestsSent() {
    return this.transport.requestsSent;
  }
  #unexpected(method, path, message, body) {
    return new GlobusApiError({ service: "Compute", method, path, status: 200, code: "UnexpectedResponse", apiMessage: message, attempts: 1, body });
  }
  /** GET /v2/endpoints/{id}/status: `online` when it can take tasks now. */
  async endpointStatus(endpointId) {
    const path = `/v2/endpoints/${seg(endpointId)}/status`;
    const { body } = await this.transport.request({ method: "GET", path });
    if (!isRecord(body) || typeof body.status !== "string") throw this.#unexpected("GET", path, "expected {status}", body);
    return { status: body.status, details: isRecord(body.details) ? body.details : void 0 };
  }
  /**
   * POST /v3/functions with the function's Python source (`st`), as the SDK's register_source_code does.
   * Each call registers a new function id; config keeps the one to reuse.
   */
  async registerFunction(f) {
    const path = "/v3/functions";
    const json = {
      function_name: f.name,
      function_code: sourceFunctionCode(f.name, f.source),
      ...f.description === void 0 ? {} : { description: f.description },
      meta: { python_version: f.pythonVersion, sdk_version: COMPATIBLE_SDK_VERSION, serde_identifier: SOURCE_TEXT_IDENTIFIER },
      public: false
    };
    const { body } = await this.transport.request({ method: "POST", path, json });
    if (!isRecord(body) || typeof body.function_uuid !== "string") throw this.#unexpected("POST", path, "expected {function_uuid}", body);
    return body.function_uuid;
  }
  /** GET /v2/functions/{id}: the function_code stored for a registered function (to check it is the expected one). */
  async functionCode(functionId) {
    const path = `/v2/functions/${seg(functionId)}`;
    const { body } = await this.transport.request({ method: "GET", path });
    if (!isRecord(body) || typeof body.function_code !== "string") throw this.#unexpected("GET", path, "expected {function_code}", body);
    return body.function_code;
  }
  /**
   * POST /v3/endpoints/{id}/submit: one function, one task per argument set, JSON in and (result_serializers)
   * JSON out. Returns the task ids in the order of `tasks`.
   */
  async submit(endpointId, functionId, tasks) {
    const path = `/v3/endpoints/${seg(endpointId)}/submit`;
    const json = {
      tasks: { [functionId]: tasks.map((t) => taskPayload(t.args, t.kwargs ?? {})) },
      result_serializers: [JSON_DATA_SERIALIZER],
      create_queue: false
    };
    const { body } = await this.transport.request({ method: "POST", path, json });
    const ids = isRecord(body) && isRecord(body.tasks) ? body.tasks[functionId] : void 0;
    if (!Array.isArray(ids) || ids.length !== tasks.length || !ids.every((id) => typeof id === "string")) {
      throw this.#unexpected("POST", path, `expected tasks.${functionId} with ${String(tasks.length)} task id(s)`, body);
    }
    return ids;
  }
  /** POST /v2/batch_status: every task in one request (the rate limit counts requests, not tasks). */
  async batchStatus(taskIds) {
    const path = "/v2/batch_status";
    const { body } = await this.transport.request({ method: "POST", path, json: { task_ids: taskIds } });
    if (!isRecord(body) || !isRecord(body.results)) throw this.#unexpected("POST", path, "expected {response, results}", body);
    const out = /* @__PURE__ */ new Map();
    for (const id of taskIds) {
      const r = body.results[id];
      if (!isRecord(r)) continue;
      const status = (typeof r.status === "string" ? r.status : "unknown").toLowerCase();
      const pending = status !== "success" && status !== "failed";
      if (!pending && r.task_id !== id) throw this.#unexpected("POST", path, `the record of task ${id} names task ${String(r.task_id)}`, body);
      out.set(id, {
        taskId: id,
        status,
        pending,
        result: optString(r.result),
        exception: optString(r.exception),
        reason: optString(r.reason),
        completionT: optString(r.completion_t)
      });
    }
    return out;
  }
};

export {
  SlidingWindowLimiter,
  JSON_DATA_SERIALIZER,
  SOURCE_TEXT_IDENTIFIER,
  JSON_DATA_HEADER,
  ComputeFormatError,
  codePointLength,
  packBuffers,
  jsonData,
  taskPayload,
  sourceFunctionCode,
  decodeResult,
  COMPUTE_SCOPE,
  PRODUCTION_COMPUTE_URL,
  COMPATIBLE_SDK_VERSION,
  ComputeClient
};
