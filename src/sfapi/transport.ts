/**
 * The SFAPI and its token endpoint over the shared JSON transport (src/http/transport.ts): sfapi_client's
 * retry rules (CONTRACTS §2.8: timeouts, connection errors and HTTP 429/502/503/504 retried with exponential
 * backoff, at most 10 s between tries; Retry-After honoured for 429/503) and the SFAPI's errors.
 */
import type { Dispatcher } from 'undici';
import { type Authorizer, type HttpRetryEvent, type RetryOptions as HttpRetryOptions, type RetryPolicy, retryPolicy } from '../http/retry.js';
import { type HttpMethod, JsonTransport } from '../http/transport.js';
import { SfapiApiError, SfapiNetworkError, sfapiMessage } from './errors.js';

export const DEFAULT_TIMEOUT_MS = 60_000;

export type RetryEvent = HttpRetryEvent;
export type RetryOptions = HttpRetryOptions<RetryEvent>;

const TRANSIENT = new Set([429, 502, 503, 504]);
const HONOURS_RETRY_AFTER = new Set([429, 503]);

export interface SfapiRequest {
  method: HttpMethod;
  path: string;
  query?: URLSearchParams;
  form?: Record<string, string>;
  /** Whether the call carries the bearer token (everything but /status and the token endpoint). */
  authorized: boolean;
  /** For non-idempotent calls (submit): did an earlier attempt take effect after all? */
  recover?: () => Promise<unknown>;
  /** Turns an error answer into the caller's error (the token endpoint's advice). */
  mapError?: (err: SfapiApiError) => Error;
}

export class SfapiTransport {
  readonly #http: JsonTransport;
  readonly #onRetry: RetryPolicy<RetryEvent>['onRetry'];
  authorizer: Authorizer | undefined;

  constructor(opts: { baseUrl: string; timeoutMs?: number | undefined; retry?: RetryOptions | undefined; dispatcher?: Dispatcher | undefined }) {
    const retry = retryPolicy(opts.retry, { baseSeconds: 0.5, capSeconds: 10 });
    this.#onRetry = retry.onRetry;
    this.#http = new JsonTransport({ baseUrl: opts.baseUrl, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, retry, dispatcher: opts.dispatcher });
  }

  get requestsSent(): number {
    return this.#http.requestsSent;
  }

  async request(req: SfapiRequest): Promise<unknown> {
    const { body } = await this.#http.request(req, {
      authorizer: req.authorized ? this.authorizer : undefined,
      apiError: (a) => {
        const err = new SfapiApiError({ method: req.method, path: req.path, status: a.status, apiMessage: sfapiMessage(a.body, a.text), attempts: a.attempts, body: a.body });
        return req.mapError ? req.mapError(err) : err;
      },
      retryWait: (a) => {
        if (!TRANSIENT.has(a.status)) return undefined;
        const ra = a.retryAfter?.trim();
        const told = HONOURS_RETRY_AFTER.has(a.status) && ra !== undefined && /^\d+$/.test(ra) ? Number(ra) * 1000 : undefined;
        return told === undefined ? 'backoff' : Math.min(told, this.#http.capMs);
      },
      reason: (a) => String(a.status),
      networkError: (attempts, errorCode, cause) => new SfapiNetworkError({ method: req.method, path: req.path, attempts, errorCode, cause }),
      onRetry: (retry, waitMs, reason) => this.#onRetry?.({ method: req.method, path: req.path, retry, waitMs, reason }),
      recover: req.recover,
    });
    return body;
  }
}
