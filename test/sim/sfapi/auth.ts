/**
 * The NERSC token endpoint (Connect2id at oidc.nersc.gov/c2id/token) as the SFAPI simulator plays it:
 * OAuth2 client credentials authenticated by a `private_key_jwt` assertion (RFC 7523), exactly the request
 * authlib sends for sfapi_client (RECON §5.2), and the short-lived Bearer tokens the API accepts.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, exportJWK, exportPKCS8, exportSPKI, generateKeyPair, importJWK, importSPKI, jwtVerify } from 'jose';
import type { CryptoKey, JWK } from 'jose';

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Allowed clock skew between the client and the token endpoint. */
export const CLOCK_SKEW_SECONDS = 60;
/** The longest assertion lifetime accepted (authlib signs exp = iat + 3600). */
export const MAX_ASSERTION_SECONDS = 3600;
/** Red (job-submitting) Iris clients expire 48 h after creation (RECON §5.4). */
export const RED_CLIENT_HOURS = 48;

export interface ClientRegistration {
  /** 13 characters, as Iris issues them (default: generated). */
  clientId?: string;
  /** The client's public key: a JWK, or SPKI PEM ("-----BEGIN PUBLIC KEY-----"). */
  publicKey: JWK | string;
  name?: string;
  comments?: string;
  /** When the client (and its key) stops working; default 48 h from now. */
  expiresAt?: Date;
}

/** A generated client with its private key in the forms a client may read (RECON §1.2, CONTRACTS §2.1). */
export interface ClientKey {
  clientId: string;
  /** PKCS#8 PEM of the private key. */
  privateKeyPem: string;
  /** The private key as a JWK (what splash_flows loads with JsonWebKey.import_key). */
  privateJwk: JWK;
  /** sfapi_client's text key file: the client id on the first line, then the PEM. */
  keyFileText: string;
  publicKeyPem: string;
  expiresAt: Date;
}

export interface RegisteredClient {
  clientId: string;
  name: string;
  comments: string;
  expiresAt: Date;
  key: CryptoKey;
}

export class OAuthError extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly error: 'invalid_request' | 'invalid_client' | 'unsupported_grant_type',
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
  }
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const newClientId = (): string => Array.from({ length: 13 }, () => ID_ALPHABET.charAt(randomInt(ID_ALPHABET.length))).join('');

export async function generateClientKey(clientId = newClientId(), expiresAt = new Date(Date.now() + RED_CLIENT_HOURS * 3600_000)): Promise<ClientKey> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const privateKeyPem = await exportPKCS8(privateKey);
  return {
    clientId,
    privateKeyPem,
    privateJwk: { ...(await exportJWK(privateKey)), alg: 'RS256' },
    keyFileText: `${clientId}\n${privateKeyPem}`,
    publicKeyPem: await exportSPKI(publicKey),
    expiresAt,
  };
}

interface Token {
  clientId: string;
  expiresAt: number;
  revoked: boolean;
}

export class AuthServer {
  readonly clients = new Map<string, RegisteredClient>();
  private readonly tokens = new Map<string, Token>();
  /** jti → the assertion's exp (ms); a jti is refused while its assertion could still be valid. */
  private readonly seenJti = new Map<string, number>();

  constructor(
    private readonly tokenUrl: () => string,
    public tokenLifetimeSeconds: number,
  ) {}

  async register(reg: ClientRegistration): Promise<RegisteredClient> {
    const clientId = reg.clientId ?? newClientId();
    if (clientId.length !== 13) throw new Error(`SFAPI client ids are 13 characters (Iris), got ${JSON.stringify(clientId)}`);
    const key = typeof reg.publicKey === 'string' ? await importSPKI(reg.publicKey, 'RS256') : await importJWK(reg.publicKey, 'RS256');
    if (key instanceof Uint8Array || key.type !== 'public') throw new Error('register a public key (JWK or SPKI PEM), not a private or symmetric key');
    const client: RegisteredClient = {
      clientId,
      name: reg.name ?? `sim-${clientId.slice(0, 4)}`,
      comments: reg.comments ?? '',
      expiresAt: reg.expiresAt ?? new Date(Date.now() + RED_CLIENT_HOURS * 3600_000),
      key,
    };
    this.clients.set(clientId, client);
    return client;
  }

  /** POST <tokenUrl>: the three form fields and nothing else, then the assertion checks. */
  async token(contentType: string | undefined, body: string): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number }> {
    if (!/^application\/x-www-form-urlencoded\b/i.test(contentType ?? '')) {
      throw new OAuthError(400, 'invalid_request', 'Invalid request: The HTTP Content-Type header must be application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(body);
    const allowed = ['grant_type', 'client_assertion_type', 'client_assertion'];
    const keys = [...form.keys()];
    for (const k of keys) {
      if (!allowed.includes(k)) throw new OAuthError(400, 'invalid_request', `Invalid request: Unexpected parameter: ${k}`);
    }
    for (const k of allowed) {
      const n = keys.filter((x) => x === k).length;
      if (n === 0) throw new OAuthError(400, 'invalid_request', `Invalid request: Missing ${k} parameter`);
      if (n > 1) throw new OAuthError(400, 'invalid_request', `Invalid request: Repeated ${k} parameter`);
    }
    if (form.get('grant_type') !== 'client_credentials') throw new OAuthError(400, 'unsupported_grant_type', 'Unsupported grant type');
    if (form.get('client_assertion_type') !== ASSERTION_TYPE) {
      throw new OAuthError(400, 'invalid_request', `Invalid request: Invalid client_assertion_type, must be ${ASSERTION_TYPE}`);
    }
    const client = await this.verifyAssertion(form.get('client_assertion') ?? '');
    const access = randomBytes(32).toString('base64url');
    this.tokens.set(access, { clientId: client.clientId, expiresAt: Date.now() + this.tokenLifetimeSeconds * 1000, revoked: false });
    return { access_token: access, token_type: 'Bearer', expires_in: this.tokenLifetimeSeconds };
  }

  private async verifyAssertion(jwt: string): Promise<RegisteredClient> {
    const bad = (why: string): OAuthError => new OAuthError(401, 'invalid_client', `Invalid client: ${why}`);
    let claims: ReturnType<typeof decodeJwt>;
    try {
      if (decodeProtectedHeader(jwt).alg !== 'RS256') throw bad('The client assertion must be signed with RS256');
      claims = decodeJwt(jwt);
    } catch (e) {
      if (e instanceof OAuthError) throw e;
      throw bad('The client assertion is not a valid JWT');
    }
    if (typeof claims.iss !== 'string' || claims.iss !== claims.sub) throw bad('The client assertion iss and sub must both be the client ID');
    const client = this.clients.get(claims.iss);
    if (!client) throw bad(`Client not registered: ${claims.iss}`);
    if (client.expiresAt.getTime() <= Date.now()) throw bad(`Client ${client.clientId} expired at ${client.expiresAt.toISOString()}`);
    try {
      await jwtVerify(jwt, client.key, {
        algorithms: ['RS256'],
        issuer: client.clientId,
        subject: client.clientId,
        audience: this.tokenUrl(),
        clockTolerance: CLOCK_SKEW_SECONDS,
        // also refuses an iat in the future
        maxTokenAge: MAX_ASSERTION_SECONDS,
        requiredClaims: ['exp', 'iat', 'jti'],
      });
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      throw bad(`Bad client assertion (${code || 'verification failed'}): ${e instanceof Error ? e.message : String(e)}`);
    }
    const now = Date.now() / 1000;
    const exp = Number(claims.exp);
    if (exp > now + MAX_ASSERTION_SECONDS + CLOCK_SKEW_SECONDS) throw bad(`The client assertion expires too far in the future (max ${MAX_ASSERTION_SECONDS} s)`);
    if (typeof claims.jti !== 'string' || claims.jti === '') throw bad('The client assertion has no jti');
    for (const [jti, until] of this.seenJti) if (until < Date.now()) this.seenJti.delete(jti);
    if (this.seenJti.has(claims.jti)) throw bad('The client assertion jti has been used before (replay)');
    this.seenJti.set(claims.jti, (exp + CLOCK_SKEW_SECONDS) * 1000);
    return client;
  }

  /** The client id behind a valid bearer token, else undefined. */
  authenticate(header: string | undefined): string | undefined {
    const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    const t = m?.[1] ? this.tokens.get(m[1]) : undefined;
    if (!t || t.revoked || Date.now() >= t.expiresAt) return undefined;
    return t.clientId;
  }

  expireTokens(): void {
    for (const t of this.tokens.values()) t.revoked = true;
  }
}
