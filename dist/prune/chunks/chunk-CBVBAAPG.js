import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  GlobusApiError,
  GlobusAuthError,
  GlobusNetworkError,
  oneLine
} from "./chunk-YQKDHTZH.js";
import {
  JsonTransport,
  TokenCache,
  isRecord,
  retryPolicy
} from "./chunk-GVRVAWF6.js";
import {
  registerSecret
} from "./chunk-2H32LMKA.js";

// src/globus/transport.ts
var DEFAULT_TIMEOUT_MS = 6e4;
var TRANSIENT = /* @__PURE__ */ new Set([429, 500, 502, 503, 504]);
var HONOURS_RETRY_AFTER = /* @__PURE__ */ new Set([429, 503]);
var str = (v) => typeof v === "string" && v !== "" ? v : void 0;
var GlobusTransport = class {
  service;
  baseUrl;
  timeoutMs;
  #http;
  #onRetry;
  #authorizer;
  constructor(opts) {
    this.service = opts.service;
    const retry = retryPolicy(opts.retry, { baseSeconds: 0.25, capSeconds: 10 });
    this.#onRetry = retry.onRetry;
    this.#http = new JsonTransport({ baseUrl: opts.baseUrl, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, retry, dispatcher: opts.dispatcher, beforeSend: opts.beforeSend });
    this.baseUrl = this.#http.baseUrl;
    this.timeoutMs = this.#http.timeoutMs;
    this.#authorizer = opts.authorizer;
  }
  /** HTTP requests sent so far (every attempt counts), for tests and run statistics. */
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
  /**
   * Sends the request, retrying per policy. Resolves with any 2xx whose body is JSON; rejects with
   * GlobusApiError (the service said no) or GlobusNetworkError (no answer).
   */
  request(req) {
    return this.#http.request(req, {
      authorizer: this.#authorizer,
      apiError: (a) => this.#error(req, a.status, a.body, a.attempts),
      unusable: (a) => isRecord(a.body) ? void 0 : this.#error(req, a.status, a.body, a.attempts, "UnexpectedResponse", `expected a JSON object, got ${describe(a.text)}`),
      retryWait: (a, err) => {
        const endpointTrouble = err.code.includes("ExternalError") || err.code.includes("EndpointError");
        if (!TRANSIENT.has(a.status) || endpointTrouble) return void 0;
        const ra = a.retryAfter?.trim();
        const told = HONOURS_RETRY_AFTER.has(a.status) && ra !== void 0 && /^\d+$/.test(ra) ? Number(ra) * 1e3 : void 0;
        return told === void 0 ? "backoff" : Math.min(told, this.#http.capMs);
      },
      reason: (a, err) => `${a.status} ${err.code}`,
      networkError: (attempts, errorCode, cause) => new GlobusNetworkError({ service: this.service, method: req.method, path: req.path, attempts, errorCode, cause }),
      onRetry: (retry, waitMs, reason) => this.#onRetry?.({ service: this.service, method: req.method, path: req.path, retry, waitMs, reason })
    });
  }
  #error(req, status, body, attempts, code, message) {
    const b = isRecord(body) ? body : {};
    return new GlobusApiError({
      service: this.service,
      method: req.method,
      path: req.path,
      status,
      code: code ?? str(b.code) ?? str(b.error) ?? "Unknown",
      apiMessage: message ?? str(b.message) ?? str(b.error_description) ?? detailText(b.detail) ?? str(b.error) ?? (typeof body === "string" ? describe(body) : "no error body"),
      requestId: str(b.request_id),
      resource: str(b.resource),
      attempts,
      body
    });
  }
};
function detailText(detail) {
  if (typeof detail === "string") return str(detail);
  if (!Array.isArray(detail)) return void 0;
  const parts = detail.map((d) => isRecord(d) ? `${Array.isArray(d.loc) ? d.loc.map(String).join(".") : "?"}: ${typeof d.msg === "string" ? d.msg : "?"}` : String(d));
  return parts.length > 0 ? parts.join("; ") : void 0;
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
  #tokens;
  constructor(opts) {
    this.#mask = opts.mask ?? (() => void 0);
    this.#now = opts.now ?? Date.now;
    this.#tokens = new TokenCache(() => this.#fetch(), this.#now);
    this.scope = opts.scope ?? TRANSFER_SCOPE;
    this.#basic = Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString("base64");
    registerSecret(opts.clientSecret);
    registerSecret(this.#basic);
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
    return this.#tokens.accessToken();
  }
  invalidate(rejected) {
    this.#tokens.invalidate(rejected);
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
    registerSecret(token);
    this.#mask(token);
    this.tokensIssued++;
    return { value: token, renewAt: started + expiresIn * 1e3 - EXPIRY_MARGIN_MS };
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
    advice: credentials ? "Globus Auth rejected the client credentials: check the Globus client id and secret (globus.globus_apps in config.yml and the secrets it names)" : `Globus Auth would not issue a token for scope ${scope}: check that the Globus app may use that service (Transfer, or Globus Compute)`
  });
}

export {
  DEFAULT_TIMEOUT_MS,
  GlobusTransport,
  TRANSFER_SCOPE,
  TOKEN_PATH,
  EXPIRY_MARGIN_MS,
  ClientCredentialsAuth
};
