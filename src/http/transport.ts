/**
 * The one JSON-over-HTTP transport of the service clients (Globus Auth and Transfer, SciCat; next the SFAPI
 * and Globus Compute). It owns the request plumbing — URL, headers, JSON and form bodies, the bearer token,
 * timeouts, reading the whole body inside the attempt — the retry loop (network failures worth another try,
 * backoff, one token renewal on 401) and the secret boundary: every credential a request carries is
 * registered with the mask before it is sent, and an answer that becomes an error is scrubbed of credentials
 * before any client sees it (a server that echoes the request into its error text must not leak it).
 *
 * Each client keeps only its own auth, routes and error codes: it says, per call, which error an answer is,
 * which answers are worth another try and how long to wait (`CallRules`).
 */
import { request, type Dispatcher } from 'undici';
import { errorCode } from '../errors.js';
import { redact, redactValue, registerRequestCredentials } from '../secrets.js';
import { type Authorizer, backoffMs, type RetryPolicy } from './retry.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface JsonRequest {
  readonly method: HttpMethod;
  /** Path under the base URL, already encoded. */
  readonly path: string;
  readonly query?: URLSearchParams | undefined;
  readonly json?: unknown;
  readonly form?: Readonly<Record<string, string>> | undefined;
  /** Extra headers; an `authorization` given here is registered with the mask before it is sent. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** An answer the client will not take as it is: its body already scrubbed of credentials. */
export interface Answer {
  readonly status: number;
  /** Parsed JSON, the raw text when it is not JSON (a proxy's page), undefined when empty — credentials masked. */
  readonly body: unknown;
  /** The body's text, credentials masked. */
  readonly text: string;
  readonly retryAfter: string | undefined;
  /** HTTP requests made for this call so far, this one included. */
  readonly attempts: number;
}

/** What a client decides about its calls. */
export interface CallRules<E extends Error> {
  /** Adds `Authorization: Bearer …` and the renew-once-on-401 rule. */
  readonly authorizer?: Authorizer | undefined;
  /** The client's error for an answer that is not 2xx. */
  readonly apiError: (answer: Answer) => E;
  /** A 2xx the client cannot use (Globus promises a JSON object): its error, else undefined. */
  readonly unusable?: ((answer: Answer) => E | undefined) | undefined;
  /** After an error answer: wait this many ms ('backoff': the policy's) and ask again, or undefined: it is final. */
  readonly retryWait: (answer: Answer, error: E) => number | 'backoff' | undefined;
  /** The client's error when no usable answer arrived (after the retries). */
  readonly networkError: (attempts: number, code: string | undefined, cause: unknown) => Error;
  /** Why a retry happens, for the retry event (`503 ServiceUnavailable`). */
  readonly reason: (answer: Answer, error: E) => string;
  /** Told about every retry before its wait (1-based). */
  readonly onRetry?: ((retry: number, waitMs: number, reason: string) => void) | undefined;
  /**
   * For non-idempotent calls: asked after each wait whether the earlier attempt took effect after all
   * (the answer was lost). A defined result ends the call with it.
   */
  readonly recover?: (() => Promise<unknown>) | undefined;
}

export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
  readonly attempts: number;
  /** True when `recover` supplied the body. */
  readonly recovered?: boolean;
}

/** Told when an attempt's answer came back (see beforeSend). */
export type AttemptAnswered = () => void;

export interface JsonTransportOptions {
  /** Service root without trailing slash. */
  readonly baseUrl: string;
  /** Per request: both the wait for response headers and the gap between body chunks. */
  readonly timeoutMs: number;
  readonly retry: Omit<RetryPolicy<never>, 'onRetry'>;
  readonly dispatcher?: Dispatcher | undefined;
  /**
   * Awaited before every HTTP attempt (retries included): a client-side rate limit (Globus Compute's 20 per 10 s).
   * The function it may give is called when that attempt's answer (or failure) is back.
   */
  readonly beforeSend?: (() => Promise<AttemptAnswered | undefined>) | undefined;
}

/**
 * Low-level failures worth another try: the connection was refused, reset or closed, or the service did not
 * answer in time. ENOTFOUND is left out on purpose: an unresolvable host is a wrong URL, not a hiccup
 * (EAI_AGAIN is the transient DNS case).
 */
export const RETRIABLE_NETWORK: ReadonlySet<string> = new Set([
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

/** JSON when it parses; the raw text otherwise (a proxy's HTML error page), undefined when empty. */
export function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The answer as an error may carry it: text and parsed body with every credential masked. */
function scrubbed(status: number, text: string, retryAfter: string | undefined, attempts: number): Answer {
  return { status, body: redactValue(parseBody(text)), text: redact(text), retryAfter, attempts };
}

export class JsonTransport {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  /** HTTP requests sent so far (every attempt counts). */
  requestsSent = 0;
  /** Retries taken so far (waits slept, plus renew-on-401 repeats). */
  retriesTaken = 0;

  readonly #retry: Omit<RetryPolicy<never>, 'onRetry'>;
  readonly #dispatcher: Dispatcher | undefined;
  readonly #beforeSend: (() => Promise<AttemptAnswered | undefined>) | undefined;

  constructor(opts: JsonTransportOptions) {
    this.#beforeSend = opts.beforeSend;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs;
    this.#retry = opts.retry;
    this.#dispatcher = opts.dispatcher;
  }

  /** Computed wait before retry `n` (0-based), in ms. */
  backoffMs(n: number): number {
    return backoffMs(this.#retry, n);
  }

  get capMs(): number {
    return this.#retry.capSeconds * 1000;
  }

  /** Sends the request, retrying per the client's rules. Resolves with a 2xx the client can use; rejects with the client's errors. */
  async request<E extends Error>(req: JsonRequest, rules: CallRules<E>): Promise<JsonResponse> {
    const { maxRetries } = this.#retry;
    let attempts = 0;
    let retries = 0;
    let renewed = false;
    const waitAndRecover = async (waitMs: number, reason: string): Promise<unknown> => {
      this.retriesTaken++;
      rules.onRetry?.(retries + 1, waitMs, reason);
      await this.#retry.sleep(waitMs);
      retries++;
      if (!rules.recover) return undefined;
      try {
        return await rules.recover();
      } catch {
        return undefined; // the lookup failing too is no news: go on retrying the call itself
      }
    };
    for (;;) {
      attempts++;
      const token = rules.authorizer ? await rules.authorizer.accessToken() : undefined;
      let status: number;
      let retryAfter: string | undefined;
      let text: string;
      const answered = await this.#beforeSend?.();
      try {
        this.requestsSent++;
        ({ status, retryAfter, text } = await this.#send(req, token).finally(() => answered?.()));
      } catch (err) {
        const code = errorCode(err);
        if (code === undefined || !RETRIABLE_NETWORK.has(code) || retries >= maxRetries) throw rules.networkError(attempts, code, err);
        const recovered = await waitAndRecover(this.backoffMs(retries), code);
        if (recovered !== undefined) return { status: 200, body: recovered, attempts, recovered: true };
        continue;
      }

      if (status >= 200 && status < 300) {
        const body = parseBody(text);
        const unusable = rules.unusable?.({ status, body: redactValue(body), text: redact(text), retryAfter, attempts });
        if (unusable) throw unusable;
        return { status, body, attempts };
      }

      const answer = scrubbed(status, text, retryAfter, attempts);
      // Expired or revoked token: renew once. A second 401 means the token is not the problem.
      if (status === 401 && rules.authorizer && !renewed) {
        renewed = true;
        rules.authorizer.invalidate(token);
        this.retriesTaken++;
        continue;
      }
      const err = rules.apiError(answer);
      const wait = rules.retryWait(answer, err);
      if (wait === undefined || retries >= maxRetries) throw err;
      const recovered = await waitAndRecover(wait === 'backoff' ? this.backoffMs(retries) : wait, rules.reason(answer, err));
      if (recovered !== undefined) return { status: 200, body: recovered, attempts, recovered: true };
    }
  }

  async #send(req: JsonRequest, token: string | undefined): Promise<{ status: number; retryAfter: string | undefined; text: string }> {
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
    // Whatever credential leaves in this request is masked from now on, whoever made it.
    registerRequestCredentials(headers, req.json ?? req.form);
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
}
