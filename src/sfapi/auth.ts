/**
 * SFAPI tokens: OAuth2 client credentials authenticated by a `private_key_jwt` client assertion (RFC 7523),
 * exactly the request authlib sends for sfapi_client (RECON §5.2): a form with grant_type,
 * client_assertion_type and client_assertion — no client_id, no scope. The assertion is signed with jose
 * (RS256; iss = sub = the client id, aud = the token URL, iat, exp, a fresh jti). Tokens live about ten
 * minutes: cached, renewed 60 s before they expire, and once more when the API answers 401.
 */
import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { SignJWT } from 'jose';
import { SplashError } from '../errors.js';
import type { Authorizer } from '../http/retry.js';
import { type FetchedToken, TokenCache } from '../http/token-cache.js';
import { registerSecret } from '../secrets.js';
import { SfapiApiError } from './errors.js';
import type { SfapiCredentials } from './key.js';
import { type RetryOptions, SfapiTransport } from './transport.js';

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Renew this long before `expires_in` runs out (authlib's leeway). */
export const EXPIRY_MARGIN_MS = 60_000;
/** Assertions are used once, at once: a short life limits what a leaked one is worth. */
const ASSERTION_SECONDS = 300;
/** When the token response has no expires_in: NERSC documents about 10 minutes. */
const DEFAULT_TOKEN_SECONDS = 600;

export interface SfapiAuthOptions {
  tokenUrl: string;
  credentials: SfapiCredentials;
  /** Where the credentials are configured, for the advice of a refusal. */
  settingsHint: string;
  timeoutMs?: number | undefined;
  retry?: RetryOptions | undefined;
  dispatcher?: Dispatcher | undefined;
  now?: () => number;
}

export class SfapiAuth implements Authorizer {
  readonly transport: SfapiTransport;
  tokensIssued = 0;
  readonly #opts: SfapiAuthOptions;
  readonly #now: () => number;
  readonly #tokens: TokenCache;

  constructor(opts: SfapiAuthOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#tokens = new TokenCache(() => this.#fetch(), this.#now);
    this.transport = new SfapiTransport({ baseUrl: opts.tokenUrl, timeoutMs: opts.timeoutMs, retry: opts.retry, dispatcher: opts.dispatcher });
  }

  get clientId(): string {
    return this.#opts.credentials.clientId;
  }

  accessToken(): Promise<string> {
    return this.#tokens.accessToken();
  }

  invalidate(rejected?: string): void {
    this.#tokens.invalidate(rejected);
  }

  /** A signed client assertion, registered with the mask before it leaves. */
  async assertion(): Promise<string> {
    const { clientId, key } = this.#opts.credentials;
    const iat = Math.floor(this.#now() / 1000);
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(this.#opts.tokenUrl)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ASSERTION_SECONDS)
      .setJti(randomUUID())
      .sign(key);
    registerSecret(jwt);
    return jwt;
  }

  async #fetch(): Promise<FetchedToken> {
    const started = this.#now();
    const body = await this.transport.request({
      method: 'POST',
      path: '',
      authorized: false,
      form: { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: await this.assertion() },
      mapError: (err) => this.#refusal(err),
    });
    const doc = (body ?? {}) as Record<string, unknown>;
    const token = doc.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new SfapiApiError({ method: 'POST', path: this.#opts.tokenUrl, status: 200, apiMessage: 'the token response has no access_token', attempts: 1 });
    }
    registerSecret(token);
    this.tokensIssued++;
    const seconds = typeof doc.expires_in === 'number' && Number.isFinite(doc.expires_in) ? doc.expires_in : DEFAULT_TOKEN_SECONDS;
    return { value: token, renewAt: started + seconds * 1000 - Math.min(EXPIRY_MARGIN_MS, (seconds * 1000) / 2) };
  }

  /**
   * A refusal says what to fix. NERSC's token endpoint (Connect2id) answers invalid_client for an unknown
   * client, a signature that does not verify and an expired client alike; its description tells them apart
   * [wording UNVERIFIED beyond the simulator], so the message keeps it and the hint covers the three.
   */
  #refusal(err: SfapiApiError): Error {
    if (err.status >= 500 || err.status === 429) return err;
    const said = err.apiMessage;
    const { clientId } = this.#opts.credentials;
    let what = 'NERSC refused the SFAPI client credentials';
    if (/not registered|unknown client|client not found/i.test(said)) what = `NERSC does not know the SFAPI client id ${clientId}`;
    else if (/expired/i.test(said)) what = `the SFAPI client ${clientId} has expired (red clients live 48 hours)`;
    else if (/signature|verif|assertion/i.test(said)) what = `NERSC could not verify the client assertion of ${clientId}: the private key does not belong to this client`;
    return new SplashError(
      'config',
      `${what} (${err.status} ${said})`,
      `${this.#opts.settingsHint}; a red client expires 48 h after it was created: make a new one in Iris and update both secrets (docs/recon.md)`,
    );
  }
}

