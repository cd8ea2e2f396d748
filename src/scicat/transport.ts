/**
 * The transport of the SciCat client, kept apart from it as in the Globus client. The plumbing (timeouts,
 * JSON encoding, retries, the one-time token renewal on 401, credentials scrubbed from error answers) is the
 * shared JSON transport's (src/http/transport.ts); this file adds SciCat's rules — network errors and 5xx
 * are retried with jittered exponential backoff, never a 4xx — and its errors. It knows nothing of any API call.
 */
import type { Dispatcher } from 'undici';
import { type Authorizer, type HttpRetryEvent, type RetryOptions as HttpRetryOptions, type RetryPolicy, retryPolicy } from '../http/retry.js';
import { JsonTransport } from '../http/transport.js';
import { backendMessage, oneLine, ScicatApiError, ScicatNetworkError } from './errors.js';

export const DEFAULT_TIMEOUT_MS = 60_000;

/** The shared policy (src/http/retry.ts); SciCat defaults: base 0.5 s, cap 15 s. */
export type RetryOptions = HttpRetryOptions<RetryEvent>;

export type RetryEvent = HttpRetryEvent;

export type { Authorizer };

export interface TransportOptions {
  /** Backend root, e.g. `https://scicat.als.lbl.gov` (the `/api/v3` prefix belongs to the paths). */
  baseUrl: string;
  timeoutMs?: number;
  retry?: RetryOptions;
  dispatcher?: Dispatcher;
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface TransportRequest {
  method: HttpMethod;
  /** Path under the base URL, already encoded (`/api/v3/Datasets/20.500.12345%2F…`). */
  path: string;
  /** Never appears in errors or retry events (a filter may name folders; keep log lines short). */
  query?: URLSearchParams;
  json?: unknown;
  /** Adds `Authorization: Bearer …` and the renew-once-on-401 rule. */
  authorizer?: Authorizer | undefined;
  /**
   * For non-idempotent calls: asked before each retry whether the earlier attempt took effect after all
   * (e.g. the dataset was created but the answer was lost). A defined result ends the call with it.
   */
  recover?: () => Promise<unknown>;
  /** Advice appended to an error message for this call. */
  advice?: (status: number) => string | undefined;
  /** Error class for error answers (login uses ScicatAuthError). */
  errorClass?: typeof ScicatApiError;
}

export interface TransportResponse {
  status: number;
  body: unknown;
  attempts: number;
  /** True when `recover` supplied the body. */
  recovered?: boolean;
}

/** SciCat over the shared JSON transport (src/http/transport.ts): SciCat's retry rules and errors. */
export class ScicatTransport {
  readonly baseUrl: string;
  readonly timeoutMs: number;

  readonly #http: JsonTransport;
  readonly #onRetry: RetryPolicy<RetryEvent>['onRetry'];

  constructor(opts: TransportOptions) {
    const retry = retryPolicy(opts.retry, { baseSeconds: 0.5, capSeconds: 15 });
    this.#onRetry = retry.onRetry;
    this.#http = new JsonTransport({ baseUrl: opts.baseUrl, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, retry, dispatcher: opts.dispatcher });
    this.baseUrl = this.#http.baseUrl;
    this.timeoutMs = this.#http.timeoutMs;
  }

  /** HTTP requests sent so far (every attempt counts). */
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

  /** Sends the request, retrying per policy. Resolves with a 2xx body; rejects with ScicatApiError / ScicatNetworkError. */
  request(req: TransportRequest): Promise<TransportResponse> {
    return this.#http.request(req, {
      authorizer: req.authorizer,
      apiError: (a) => this.#error(req, a.status, a.body, a.attempts),
      // Network errors and 5xx are retried; a 4xx is the request's fault and would only fail again.
      retryWait: (a) => (a.status < 500 ? undefined : 'backoff'),
      reason: (a, err) => `${a.status} ${oneLine(err.apiMessage, 80)}`,
      networkError: (attempts, errorCode, cause) => new ScicatNetworkError({ method: req.method, path: req.path, attempts, errorCode, cause }),
      onRetry: (retry, waitMs, reason) => this.#onRetry?.({ method: req.method, path: req.path, retry, waitMs, reason }),
      recover: req.recover,
    });
  }

  #error(req: TransportRequest, status: number, body: unknown, attempts: number): ScicatApiError {
    const { message, details } = backendMessage(body);
    const ErrorClass = req.errorClass ?? ScicatApiError;
    return new ErrorClass({ method: req.method, path: req.path, status, apiMessage: message, details, attempts, body, advice: req.advice?.(status) });
  }
}
