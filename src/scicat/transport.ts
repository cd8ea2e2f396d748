/**
 * HTTP transport of the SciCat client, kept apart from it as in the Globus client: it owns timeouts, JSON
 * encoding, the retry policy (network errors and 5xx, jittered exponential backoff; never 4xx) and the
 * one-time token renewal on 401, and knows nothing of any API call.
 */
import { request, type Dispatcher } from 'undici';
import { errorCode } from '../errors.js';
import { type Authorizer, backoffMs, type RetryOptions as HttpRetryOptions, type RetryPolicy, retryPolicy } from '../http/retry.js';
import { backendMessage, oneLine, ScicatApiError, ScicatNetworkError } from './errors.js';

export const DEFAULT_TIMEOUT_MS = 60_000;

/** The shared policy (src/http/retry.ts); SciCat defaults: base 0.5 s, cap 15 s. */
export type RetryOptions = HttpRetryOptions<RetryEvent>;

export interface RetryEvent {
  method: string;
  path: string;
  /** 1 for the first retry. */
  retry: number;
  waitMs: number;
  /** `503 …`, `ECONNRESET`, … */
  reason: string;
}

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

export class ScicatTransport {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  /** HTTP requests sent so far (every attempt counts). */
  requestsSent = 0;
  /** Retries taken so far (waits slept, plus renew-on-401 repeats). */
  retriesTaken = 0;

  readonly #retry: RetryPolicy<RetryEvent>;
  readonly #dispatcher: Dispatcher | undefined;

  constructor(opts: TransportOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#retry = retryPolicy(opts.retry, { baseSeconds: 0.5, capSeconds: 15 });
    this.#dispatcher = opts.dispatcher;
  }

  /** Computed wait before retry `n` (0-based), in ms. */
  backoffMs(n: number): number {
    return backoffMs(this.#retry, n);
  }

  /** Sends the request, retrying per policy. Resolves with a 2xx body; rejects with ScicatApiError / ScicatNetworkError. */
  async request(req: TransportRequest): Promise<TransportResponse> {
    const { maxRetries } = this.#retry;
    let attempts = 0;
    let retries = 0;
    let renewed = false;
    for (;;) {
      attempts++;
      const token = req.authorizer ? await req.authorizer.accessToken() : undefined;
      let status: number;
      let text: string;
      try {
        this.requestsSent++;
        ({ status, text } = await this.#send(req, token));
      } catch (err) {
        const code = errorCode(err);
        const retriable = code !== undefined && RETRIABLE_NETWORK.has(code);
        if (!retriable || retries >= maxRetries) {
          throw new ScicatNetworkError({ method: req.method, path: req.path, attempts, errorCode: code, cause: err });
        }
        await this.#wait(req, retries, code);
        retries++;
        const recovered = await this.#recover(req);
        if (recovered !== undefined) return { status: 200, body: recovered, attempts, recovered: true };
        continue;
      }

      const body = parseBody(text);
      if (status >= 200 && status < 300) return { status, body, attempts };

      // Expired token: log in again once. A second 401 means the token is not the problem.
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
      if (recovered !== undefined) return { status: 200, body: recovered, attempts, recovered: true };
    }
  }

  async #recover(req: TransportRequest): Promise<unknown> {
    if (!req.recover) return undefined;
    try {
      return await req.recover();
    } catch {
      return undefined; // the lookup failing too is no news: go on retrying the call itself
    }
  }

  async #wait(req: TransportRequest, retryIndex: number, reason: string): Promise<void> {
    const waitMs = this.backoffMs(retryIndex);
    this.retriesTaken++;
    this.#retry.onRetry?.({ method: req.method, path: req.path, retry: retryIndex + 1, waitMs, reason });
    await this.#retry.sleep(waitMs);
  }

  async #send(req: TransportRequest, token: string | undefined): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'splash-flows' };
    let body: string | undefined;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
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
    // Read the whole body inside the attempt: a reset mid-body is a network failure, retried like one.
    const text = await res.body.text();
    return { status: res.statusCode, text };
  }

  #error(req: TransportRequest, status: number, body: unknown, attempts: number): ScicatApiError {
    const { message, details } = backendMessage(body);
    const ErrorClass = req.errorClass ?? ScicatApiError;
    return new ErrorClass({ method: req.method, path: req.path, status, apiMessage: message, details, attempts, body, advice: req.advice?.(status) });
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
