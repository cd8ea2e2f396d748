/**
 * HTTP transport shared by the Auth and Transfer clients, kept apart from them as in globus-sdk: it owns
 * timeouts, body encoding, the retry policy and the one-time token renewal on 401, and knows nothing of
 * any API call. Retry rules are the reference SDK's (CONTRACTS.md §1.11).
 */
import { request, type Dispatcher } from 'undici';
import { GlobusApiError, GlobusNetworkError, oneLine, type GlobusService } from './errors.js';
import { errorCode } from '../errors.js';
import { type Authorizer, backoffMs, type RetryOptions as HttpRetryOptions, type RetryPolicy, retryPolicy } from '../http/retry.js';
import type { GlobusErrorBody } from './types.js';

export const DEFAULT_TIMEOUT_MS = 60_000;

/** The shared policy (src/http/retry.ts); Globus defaults: base 0.25 s, cap 10 s, Retry-After included in the cap. */
export type RetryOptions = HttpRetryOptions<RetryEvent>;

export interface RetryEvent {
  service: GlobusService;
  method: string;
  path: string;
  /** 1 for the first retry. */
  retry: number;
  waitMs: number;
  /** `429 …`, `503 …`, `ECONNRESET`, … */
  reason: string;
}

export type { Authorizer };

export interface TransportOptions {
  service: GlobusService;
  /** Service root without trailing path, e.g. `https://transfer.api.globus.org`. */
  baseUrl: string;
  /** Per request: both the wait for response headers and the gap between body chunks (default 60 s). */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Adds `Authorization: Bearer …` and enables the renew-once-on-401 rule. */
  authorizer?: Authorizer;
  dispatcher?: Dispatcher;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface TransportRequest {
  method: HttpMethod;
  /** Path under the base URL, already encoded (`/v0.10/task/<id>`). */
  path: string;
  query?: URLSearchParams;
  json?: unknown;
  form?: Record<string, string>;
  /** Extra headers; an `authorization` given here is never echoed anywhere. */
  headers?: Record<string, string>;
}

export interface TransportResponse {
  status: number;
  body: unknown;
  attempts: number;
}

/** Statuses the reference SDK treats as transient. */
const TRANSIENT = new Set([429, 500, 502, 503, 504]);
/** Statuses whose integer Retry-After replaces the computed backoff. */
const HONOURS_RETRY_AFTER = new Set([429, 503]);
/**
 * Low-level failures worth another try: the connection was refused, reset or closed, or the service did not
 * answer in time. ENOTFOUND is left out on purpose: an unresolvable host is a wrong URL, not a hiccup
 * (EAI_AGAIN is the transient DNS case).
 */
const RETRIABLE_NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export class GlobusTransport {
  readonly service: GlobusService;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  /** HTTP requests sent so far (every attempt counts), for tests and run statistics. */
  requestsSent = 0;
  /** Retries taken so far (waits slept, plus renew-on-401 repeats). */
  retriesTaken = 0;

  readonly #retry: RetryPolicy<RetryEvent>;
  readonly #authorizer: Authorizer | undefined;
  readonly #dispatcher: Dispatcher | undefined;

  constructor(opts: TransportOptions) {
    this.service = opts.service;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#retry = retryPolicy(opts.retry, { baseSeconds: 0.25, capSeconds: 10 });
    this.#authorizer = opts.authorizer;
    this.#dispatcher = opts.dispatcher;
  }

  /** Computed wait before retry `n` (0-based), in ms. */
  backoffMs(n: number): number {
    return backoffMs(this.#retry, n);
  }

  /**
   * Sends the request, retrying per policy. Resolves with any 2xx whose body is JSON; rejects with
   * GlobusApiError (the service said no) or GlobusNetworkError (no answer).
   */
  async request(req: TransportRequest): Promise<TransportResponse> {
    const { maxRetries } = this.#retry;
    let attempts = 0;
    let retries = 0;
    let renewed = false;
    for (;;) {
      attempts++;
      const token = this.#authorizer ? await this.#authorizer.accessToken() : undefined;
      let status: number;
      let retryAfter: string | undefined;
      let text: string;
      try {
        this.requestsSent++;
        ({ status, retryAfter, text } = await this.#send(req, token));
      } catch (err) {
        const code = errorCode(err);
        const retriable = code !== undefined && RETRIABLE_NETWORK.has(code);
        if (!retriable || retries >= maxRetries) {
          throw new GlobusNetworkError({ service: this.service, method: req.method, path: req.path, attempts, errorCode: code, cause: err });
        }
        await this.#wait(req, retries, this.backoffMs(retries), code);
        retries++;
        continue;
      }

      const body = parseBody(text);
      if (status >= 200 && status < 300) {
        if (!isRecord(body)) throw this.#error(req, status, body, attempts, 'UnexpectedResponse', `expected a JSON object, got ${describe(text)}`);
        return { status, body, attempts };
      }

      const err = this.#error(req, status, body, attempts);
      // Expired or revoked token: renew once, as the SDK does. A second 401 means the token is not the problem.
      if (status === 401 && this.#authorizer && !renewed) {
        renewed = true;
        this.#authorizer.invalidate(token);
        this.retriesTaken++;
        continue;
      }
      // An ExternalError/EndpointError is the endpoint's trouble (disconnected, login failed): asking again
      // will not help and only delays the report.
      const endpointTrouble = err.code.includes('ExternalError') || err.code.includes('EndpointError');
      if (!TRANSIENT.has(status) || endpointTrouble || retries >= maxRetries) throw err;
      const told = HONOURS_RETRY_AFTER.has(status) && retryAfter !== undefined && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter.trim()) * 1000 : undefined;
      const waitMs = told === undefined ? this.backoffMs(retries) : Math.min(told, this.#retry.capSeconds * 1000);
      await this.#wait(req, retries, waitMs, `${status} ${err.code}`);
      retries++;
    }
  }

  async #wait(req: TransportRequest, retryIndex: number, waitMs: number, reason: string): Promise<void> {
    this.retriesTaken++;
    this.#retry.onRetry?.({ service: this.service, method: req.method, path: req.path, retry: retryIndex + 1, waitMs, reason });
    await this.#retry.sleep(waitMs);
  }

  async #send(req: TransportRequest, token: string | undefined): Promise<{ status: number; retryAfter: string | undefined; text: string }> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'splash-flows', ...req.headers };
    let body: string | undefined;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    } else if (req.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(req.form).toString();
    }
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const query = req.query?.toString();
    const url = `${this.baseUrl}${req.path}${query ? `?${query}` : ''}`;
    const res = await request(url, {
      method: req.method,
      headers,
      body,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      ...(this.#dispatcher ? { dispatcher: this.#dispatcher } : {}),
    });
    // Read the whole body inside the attempt: a reset or stall mid-body is a network failure, retried like one.
    const text = await res.body.text();
    const ra = res.headers['retry-after'];
    return { status: res.statusCode, retryAfter: Array.isArray(ra) ? ra[0] : ra, text };
  }

  #error(req: TransportRequest, status: number, body: unknown, attempts: number, code?: string, message?: string): GlobusApiError {
    const b: GlobusErrorBody = isRecord(body) ? body : {};
    return new GlobusApiError({
      service: this.service,
      method: req.method,
      path: req.path,
      status,
      code: code ?? str(b.code) ?? str(b.error) ?? 'Unknown',
      apiMessage: message ?? str(b.message) ?? str(b.error_description) ?? str(b.error) ?? (typeof body === 'string' ? describe(body) : 'no error body'),
      requestId: str(b.request_id),
      resource: str(b.resource),
      attempts,
      body,
    });
  }
}

/** JSON when it parses; the raw text otherwise (a proxy's HTML error page), undefined when empty. */
function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describe(text: string): string {
  return text.trim() === '' ? 'an empty body' : `"${oneLine(text, 120)}"`;
}
