/**
 * The transport of the Auth and Transfer clients, kept apart from them as in globus-sdk. The plumbing
 * (timeouts, body encoding, retries, the one-time token renewal on 401, credentials scrubbed from error
 * answers) is the shared JSON transport's (src/http/transport.ts); this file adds what is Globus's: the
 * reference SDK's retry rules (CONTRACTS.md §1.11) and its error documents. It knows nothing of any API call.
 */
import type { Dispatcher } from 'undici';
import { GlobusApiError, GlobusNetworkError, oneLine, type GlobusService } from './errors.js';
import { type Authorizer, type HttpRetryEvent, type RetryOptions as HttpRetryOptions, type RetryPolicy, retryPolicy } from '../http/retry.js';
import { type AttemptAnswered, JsonTransport } from '../http/transport.js';
import type { GlobusErrorBody } from './types.js';
import { isRecord } from '../is-record.js';

export const DEFAULT_TIMEOUT_MS = 60_000;

/** The shared policy (src/http/retry.ts); Globus defaults: base 0.25 s, cap 10 s, Retry-After included in the cap. */
export type RetryOptions = HttpRetryOptions<RetryEvent>;

export interface RetryEvent extends HttpRetryEvent {
  service: GlobusService;
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
  /** Awaited before every HTTP attempt: Globus Compute's client-side rate limit (src/compute/rate.ts). */
  beforeSend?: () => Promise<AttemptAnswered | undefined>;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface TransportRequest {
  method: HttpMethod;
  /** Path under the base URL, already encoded (`/v0.10/task/<id>`). */
  path: string;
  query?: URLSearchParams;
  json?: unknown;
  form?: Record<string, string>;
  /** Extra headers; an `authorization` given here is registered with the mask and never echoed. */
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

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Globus Auth or Transfer over the shared JSON transport (src/http/transport.ts): Globus's retry rules and errors. */
export class GlobusTransport {
  readonly service: GlobusService;
  readonly baseUrl: string;
  readonly timeoutMs: number;

  readonly #http: JsonTransport;
  readonly #onRetry: RetryPolicy<RetryEvent>['onRetry'];
  readonly #authorizer: Authorizer | undefined;

  constructor(opts: TransportOptions) {
    this.service = opts.service;
    const retry = retryPolicy(opts.retry, { baseSeconds: 0.25, capSeconds: 10 });
    this.#onRetry = retry.onRetry;
    this.#http = new JsonTransport({ baseUrl: opts.baseUrl, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, retry, dispatcher: opts.dispatcher, beforeSend: opts.beforeSend });
    this.baseUrl = this.#http.baseUrl;
    this.timeoutMs = this.#http.timeoutMs;
    this.#authorizer = opts.authorizer;
  }

  /** HTTP requests sent so far (every attempt counts), for tests and run statistics. */
  get requestsSent(): number {
    return this.#http.requestsSent;
  }

  /** Retries taken so far (waits slept, plus renew-on-401 repeats). */
  get retriesTaken(): number {
    return this.#http.retriesTaken;
  }

  /** Computed wait before retry `n` (0-based), in ms. */
  backoffMs(n: number): number {
    return this.#http.backoffMs(n);
  }

  /**
   * Sends the request, retrying per policy. Resolves with any 2xx whose body is JSON; rejects with
   * GlobusApiError (the service said no) or GlobusNetworkError (no answer).
   */
  request(req: TransportRequest): Promise<TransportResponse> {
    return this.#http.request(req, {
      authorizer: this.#authorizer,
      apiError: (a) => this.#error(req, a.status, a.body, a.attempts),
      unusable: (a) => (isRecord(a.body) ? undefined : this.#error(req, a.status, a.body, a.attempts, 'UnexpectedResponse', `expected a JSON object, got ${describe(a.text)}`)),
      retryWait: (a, err) => {
        // An ExternalError/EndpointError is the endpoint's trouble (disconnected, login failed): asking again
        // will not help and only delays the report.
        const endpointTrouble = err.code.includes('ExternalError') || err.code.includes('EndpointError');
        if (!TRANSIENT.has(a.status) || endpointTrouble) return undefined;
        const ra = a.retryAfter?.trim();
        const told = HONOURS_RETRY_AFTER.has(a.status) && ra !== undefined && /^\d+$/.test(ra) ? Number(ra) * 1000 : undefined;
        return told === undefined ? 'backoff' : Math.min(told, this.#http.capMs);
      },
      reason: (a, err) => `${a.status} ${err.code}`,
      networkError: (attempts, errorCode, cause) => new GlobusNetworkError({ service: this.service, method: req.method, path: req.path, attempts, errorCode, cause }),
      onRetry: (retry, waitMs, reason) => this.#onRetry?.({ service: this.service, method: req.method, path: req.path, retry, waitMs, reason }),
    });
  }

  #error(req: TransportRequest, status: number, body: unknown, attempts: number, code?: string, message?: string): GlobusApiError {
    const b: GlobusErrorBody = isRecord(body) ? body : {};
    return new GlobusApiError({
      service: this.service,
      method: req.method,
      path: req.path,
      status,
      code: code ?? str(b.code) ?? str(b.error) ?? 'Unknown',
      apiMessage: message ?? str(b.message) ?? str(b.error_description) ?? detailText(b.detail) ?? str(b.error) ?? (typeof body === 'string' ? describe(body) : 'no error body'),
      requestId: str(b.request_id),
      resource: str(b.resource),
      attempts,
      body,
    });
  }
}

/** Globus Compute's `detail`: a sentence, or FastAPI's list of `{loc, msg}` (a 422). */
function detailText(detail: unknown): string | undefined {
  if (typeof detail === 'string') return str(detail);
  if (!Array.isArray(detail)) return undefined;
  const parts = detail.map((d) => (isRecord(d) ? `${Array.isArray(d.loc) ? d.loc.map(String).join('.') : '?'}: ${typeof d.msg === 'string' ? d.msg : '?'}` : String(d)));
  return parts.length > 0 ? parts.join('; ') : undefined;
}

function describe(text: string): string {
  return text.trim() === '' ? 'an empty body' : `"${oneLine(text, 120)}"`;
}
