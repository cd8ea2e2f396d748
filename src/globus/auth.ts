/**
 * Client-credentials tokens from Globus Auth (CONTRACTS.md §1.2): cached, renewed 60 s before they expire
 * (the SDK's margin, so a token never runs out between check and use), shared by concurrent callers.
 */
import type { Dispatcher } from 'undici';
import { registerSecret } from '../secrets.js';
import { type FetchedToken, TokenCache } from '../http/token-cache.js';
import { GlobusApiError, GlobusAuthError } from './errors.js';
import { GlobusTransport, type Authorizer, type RetryOptions } from './transport.js';

export const TRANSFER_SCOPE = 'urn:globus:auth:scope:transfer.api.globus.org:all';
export const TOKEN_PATH = '/v2/oauth2/token';
/** Renew this long before `expires_in` runs out. */
export const EXPIRY_MARGIN_MS = 60_000;

export interface ClientCredentialsAuthOptions {
  /** e.g. `https://auth.globus.org` */
  authUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /**
   * Called with the client secret and every access token obtained. They are registered with the process's
   * mask (src/secrets.ts) either way; this is for callers that keep their own list.
   */
  mask?: (secret: string) => void;
  timeoutMs?: number;
  retry?: RetryOptions;
  dispatcher?: Dispatcher;
  /** Clock in ms, injectable for tests. */
  now?: () => number;
}

export class ClientCredentialsAuth implements Authorizer {
  readonly transport: GlobusTransport;
  readonly scope: string;
  /** Tokens fetched so far. */
  tokensIssued = 0;

  readonly #basic: string;
  readonly #mask: (secret: string) => void;
  readonly #now: () => number;
  readonly #tokens: TokenCache;

  constructor(opts: ClientCredentialsAuthOptions) {
    this.#mask = opts.mask ?? (() => undefined);
    this.#now = opts.now ?? Date.now;
    this.#tokens = new TokenCache(() => this.#fetch(), this.#now);
    this.scope = opts.scope ?? TRANSFER_SCOPE;
    this.#basic = Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString('base64');
    // The secret and its Basic encoding are masked from the moment they exist.
    registerSecret(opts.clientSecret);
    registerSecret(this.#basic);
    if (opts.clientSecret) this.#mask(opts.clientSecret);
    this.#mask(this.#basic);
    this.transport = new GlobusTransport({
      service: 'Auth',
      baseUrl: opts.authUrl,
      timeoutMs: opts.timeoutMs,
      retry: opts.retry,
      dispatcher: opts.dispatcher,
    });
  }

  /** A valid access token: the cached one, or a new one (one request however many callers wait). */
  accessToken(): Promise<string> {
    return this.#tokens.accessToken();
  }

  invalidate(rejected?: string): void {
    this.#tokens.invalidate(rejected);
  }

  async #fetch(): Promise<FetchedToken> {
    const started = this.#now();
    let body: Record<string, unknown>;
    try {
      ({ body } = (await this.transport.request({
        method: 'POST',
        path: TOKEN_PATH,
        form: { grant_type: 'client_credentials', scope: this.scope },
        headers: { authorization: `Basic ${this.#basic}` },
      })) as { body: Record<string, unknown> });
    } catch (err) {
      throw asAuthError(err, this.scope);
    }
    const token = body.access_token;
    const expiresIn = body.expires_in;
    if (typeof token !== 'string' || token === '' || typeof expiresIn !== 'number' || !Number.isFinite(expiresIn)) {
      throw new GlobusApiError({
        service: 'Auth',
        method: 'POST',
        path: TOKEN_PATH,
        status: 200,
        code: 'UnexpectedResponse',
        apiMessage: 'token response lacks access_token or a numeric expires_in',
        attempts: 1,
      });
    }
    registerSecret(token);
    this.#mask(token);
    this.tokensIssued++;
    // Timed from when the request started: the service's clock started no earlier than that.
    return { value: token, renewAt: started + expiresIn * 1000 - EXPIRY_MARGIN_MS };
  }
}

/** A refusal from the token endpoint says what to check; transient failures pass through as they are. */
function asAuthError(err: unknown, scope: string): unknown {
  if (!(err instanceof GlobusApiError) || err.status >= 500 || err.status === 429) return err;
  const credentials = err.status === 401 || err.code === 'invalid_client' || err.code === 'unauthorized_client';
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
    advice: credentials
      ? 'Globus Auth rejected the client credentials: check the Globus client id and secret (globus.globus_apps in config.yml and the secrets it names)'
      : `Globus Auth would not issue a token for scope ${scope}: check that the Globus app may use that service (Transfer, or Globus Compute)`,
  });
}
