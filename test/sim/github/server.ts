/**
 * GitHub REST API simulator: the part the watcher talks to, over real HTTP on 127.0.0.1.
 *
 *  - POST /repos/{owner}/{repo}/dispatches   → 204, recorded. Checks as GitHub does: authentication (401
 *    "Requires authentication" / "Bad credentials"), the repository (404 "Not Found" — GitHub does not say
 *    whether the repository or the access is wrong), JSON (400 "Problems parsing JSON"), event_type (1..100
 *    characters), client_payload an object with at most 10 top-level properties and its JSON under 64 KB
 *    (422 "Invalid request.").
 *  - GET  /repos/{owner}/{repo}/installation and POST /app/installations/{id}/access_tokens for a GitHub App:
 *    the RS256 JWT is verified against the App's public key (signature, iss, iat/exp window).
 *  - Rate-limit headers on every answer (x-ratelimit-limit/-remaining/-reset/-used/-resource).
 *
 *  - The Actions routes the status build reads (workflow runs, artifacts, artifact downloads through a signed
 *    redirect to a second "blob storage" server): actions.ts. The rate limit (`rateLimit`, default 5000 an
 *    hour) is enforced: past it every request is answered 403 with x-ratelimit-remaining: 0 until the reset.
 *
 * Faults: an injected answer for the next N dispatches (or, with injectActions, N Actions requests) (any status, 403/429 with retry-after, a primary limit
 * with x-ratelimit-remaining: 0 + reset, a dropped connection after the body was read, a delay), dropping
 * every connection, or not listening at all (ECONNREFUSED) — and back up on the same port.
 */
import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type ActionsRouteContext, type ActionsStore, createActionsStore, handleActionsRoute, newBlobKey, runPage, SIM_REPOSITORY_ID, startBlobServer } from './actions.js';

export interface GitHubSimOptions {
  /** owner/name the dispatches must name (default als-computing/splash-flows-ts). */
  repository?: string;
  /** Tokens accepted as `Authorization: Bearer|token <t>` (default ['sim-token']). */
  tokens?: string[];
  /** A GitHub App: its client id (the JWT issuer), public key and installation id. */
  app?: { clientId: string; publicKey: string | KeyObject; installationId: number };
  /** Installation token lifetime (default 3600 s). */
  installationTokenSeconds?: number;
  /** Requests allowed per hour before GitHub answers 403 (default 5000; a workflow's GITHUB_TOKEN gets 1000). */
  rateLimit?: number;
}

export interface RecordedDispatch {
  event_type: string;
  client_payload: Record<string, unknown>;
  /** The Authorization header as received. */
  authorization: string;
  userAgent: string;
  apiVersion: string;
  /** Bytes of the request body. */
  bytes: number;
  /** Date.now() when it was accepted. */
  time: number;
}

export interface SimRequest {
  method: string;
  path: string;
  /** 0 when the connection was dropped. */
  status: number;
  time: number;
}

export type Fault =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'secondary-rate-limit'; status?: 403 | 429; retryAfterSeconds?: number }
  | { kind: 'primary-rate-limit'; resetInSeconds: number }
  | { kind: 'drop' }
  | { kind: 'delay'; ms: number };

const DOCS = 'https://docs.github.com/rest/repos/repos#create-a-repository-dispatch-event';

export interface GitHubSim {
  readonly url: string;
  readonly port: number;
  readonly dispatches: readonly RecordedDispatch[];
  readonly requests: readonly SimRequest[];
  /** Every file path dispatched, in order (flattened file_paths). */
  dispatchedPaths(): string[];
  /** Answer the next `times` dispatch requests with this fault. */
  inject(fault: Fault, times?: number): void;
  /** Answer the next `times` Actions requests (runs, artifacts, downloads) with this fault. */
  injectActions(fault: Fault, times?: number): void;
  /** Workflow runs and artifacts (actions.ts). */
  readonly actions: ActionsStore;
  /** API requests answered so far (every route, faults included; blob downloads are not API requests). */
  apiRequests(): number;
  /** Destroy every connection as soon as it sends a request (the host is reachable, the service is not). */
  setDropAll(on: boolean): void;
  /** Stop listening and cut open connections: ECONNREFUSED until start(). */
  stop(): Promise<void>;
  /** Listen again on the same port. */
  start(): Promise<void>;
  /** Installation tokens issued so far. */
  readonly issuedTokens: readonly string[];
  /** Revoke every installation token issued so far (the next use gets 401). */
  revokeInstallationTokens(): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => { resolve(Buffer.concat(chunks)); });
    req.on('error', reject);
  });
}

const b64json = (part: string): unknown => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

export async function startGitHubSim(opts: GitHubSimOptions = {}): Promise<GitHubSim> {
  const repository = opts.repository ?? 'als-computing/splash-flows-ts';
  const tokens = new Set(opts.tokens ?? ['sim-token']);
  const appKey = opts.app ? (typeof opts.app.publicKey === 'string' ? createPublicKey(opts.app.publicKey) : opts.app.publicKey) : undefined;
  const installation = new Map<string, number>(); // token → expiry (ms)
  const issued: string[] = [];
  const dispatches: RecordedDispatch[] = [];
  const requests: SimRequest[] = [];
  const faults: Fault[] = [];
  const actionFaults: Fault[] = [];
  let dropAll = false;
  const sockets = new Set<Socket>();
  const limit = opts.rateLimit ?? 5000;
  let remaining = limit;
  let resetAt = Math.floor(Date.now() / 1000) + 3600;
  let apiRequests = 0;
  const store = createActionsStore();
  const blobKey = newBlobKey();
  const blob = await startBlobServer(store, blobKey);

  const rateHeaders = (): Record<string, string> => ({
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(Math.max(0, remaining)),
    'x-ratelimit-reset': String(resetAt),
    'x-ratelimit-used': String(limit - Math.max(0, remaining)),
    'x-ratelimit-resource': 'core',
  });

  const send = (req: IncomingMessage, res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void => {
    requests.push({ method: req.method ?? '', path: (req.url ?? '').split('?')[0] ?? '', status, time: Date.now() });
    const all = { ...rateHeaders(), ...headers };
    if (body === undefined) {
      res.writeHead(status, all);
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { ...all, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  };

  const drop = (req: IncomingMessage): void => {
    requests.push({ method: req.method ?? '', path: (req.url ?? '').split('?')[0] ?? '', status: 0, time: Date.now() });
    req.socket.destroy();
  };

  /** The bearer credential of a request, or undefined. GitHub accepts both "token" and "Bearer". */
  const credential = (req: IncomingMessage): string | undefined => {
    const h = req.headers.authorization ?? '';
    const m = /^(?:token|bearer)\s+(\S+)$/i.exec(h);
    return m?.[1];
  };

  /** A valid App JWT, or a reason it is not. */
  const checkJwt = (jwt: string | undefined): string | undefined => {
    if (!opts.app || !appKey) return 'no app configured';
    if (!jwt) return 'missing';
    const parts = jwt.split('.');
    if (parts.length !== 3) return 'not a JWT';
    const [h = '', p = '', sig = ''] = parts;
    try {
      const header = b64json(h) as { alg?: string };
      if (header.alg !== 'RS256') return 'alg must be RS256';
      if (!verify('RSA-SHA256', Buffer.from(`${h}.${p}`), appKey, Buffer.from(sig, 'base64url'))) return 'bad signature';
      const claims = b64json(p) as { iat?: number; exp?: number; iss?: string | number };
      const now = Math.floor(Date.now() / 1000);
      if (String(claims.iss) !== opts.app.clientId) return 'wrong issuer';
      if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') return 'iat/exp missing';
      if (claims.iat > now + 60 || claims.exp < now || claims.exp - claims.iat > 660) return "'Expiration time' claim ('exp') is too far in the future";
      return undefined;
    } catch {
      return 'unparsable';
    }
  };

  const tokenValid = (t: string | undefined): boolean => {
    if (t === undefined) return false;
    if (tokens.has(t)) return true;
    const exp = installation.get(t);
    return exp !== undefined && exp > Date.now();
  };

  /** Answer with an injected fault; false for a delay (then the request is answered normally). */
  function answerFault(req: IncomingMessage, res: ServerResponse, fault: Fault): boolean {
    switch (fault.kind) {
      case 'drop':
        drop(req);
        return true;
      case 'delay':
        // The caller waited already; then the request is answered normally.
        return false;
      case 'status':
        send(req, res, fault.status, fault.body ?? { message: 'Server Error' }, fault.headers);
        return true;
      case 'secondary-rate-limit':
        send(
          req,
          res,
          fault.status ?? 403,
          { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' },
          fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) },
        );
        return true;
      case 'primary-rate-limit':
        send(req, res, 403, { message: 'API rate limit exceeded for installation.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' }, {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + fault.resetInSeconds),
        });
        return true;
    }
  }

  const routeContext = (req: IncomingMessage, res: ServerResponse): ActionsRouteContext => ({
    store,
    repository,
    base: `http://127.0.0.1:${port}`,
    blobBase: blob.url,
    blobKey,
    send: (status, body, headers) => { send(req, res, status, body, headers); },
    sendRaw: (status, contentType, text) => {
      requests.push({ method: req.method ?? '', path: (req.url ?? '').split('?')[0] ?? '', status, time: Date.now() });
      res.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
    },
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (dropAll) {
      drop(req);
      return;
    }
    const path = (req.url ?? '').split('?')[0] ?? '';
    const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');

    // A run's html_url: a web page, not the API (no rate limit, no token).
    const page = /^\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)$/.exec(path);
    if (req.method === 'GET' && page && `${page[1] ?? ''}/${page[2] ?? ''}` === repository) {
      if (runPage(routeContext(req, res), Number(page[3]))) return;
    }

    apiRequests++;
    if (Math.floor(Date.now() / 1000) >= resetAt) {
      remaining = limit;
      resetAt = Math.floor(Date.now() / 1000) + 3600;
    }
    remaining--;
    if (remaining < 0) {
      send(req, res, 403, { message: 'API rate limit exceeded for installation.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' });
      return;
    }

    // The Actions routes, under /repos/{owner}/{repo} or (as Link headers write them) /repositories/{id}.
    const actions = /^\/repos\/([^/]+)\/([^/]+)(\/actions\/.*)$/.exec(path) ?? /^\/repositories\/(\d+)()(\/actions\/.*)$/.exec(path);
    if (actions) {
      const fault = actionFaults.shift();
      if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
      if (fault && answerFault(req, res, fault)) return;
      const cred = credential(req);
      if (cred === undefined) { send(req, res, 401, { message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest' }); return; }
      if (!tokenValid(cred)) { send(req, res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' }); return; }
      const named = actions[2] === '' ? actions[1] === String(SIM_REPOSITORY_ID) : `${actions[1] ?? ''}/${actions[2] ?? ''}` === repository;
      if (!named) { send(req, res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }); return; }
      const listBase = `http://127.0.0.1:${port}/repositories/${SIM_REPOSITORY_ID}`;
      handleActionsRoute(routeContext(req, res), req.method ?? '', actions[3] ?? '', query, listBase);
      return;
    }

    const inst = /^\/repos\/([^/]+)\/([^/]+)\/installation$/.exec(path);
    if (req.method === 'GET' && inst) {
      const why = checkJwt(credential(req));
      if (why !== undefined) { send(req, res, 401, { message: `A JSON web token could not be decoded (${why})`, documentation_url: DOCS }); return; }
      if (`${inst[1] ?? ''}/${inst[2] ?? ''}` !== repository) { send(req, res, 404, { message: 'Not Found', documentation_url: DOCS }); return; }
      send(req, res, 200, { id: opts.app?.installationId, app_id: 1 }); return;
    }

    const tok = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
    if (req.method === 'POST' && tok) {
      const why = checkJwt(credential(req));
      if (why !== undefined) { send(req, res, 401, { message: `A JSON web token could not be decoded (${why})`, documentation_url: DOCS }); return; }
      if (Number(tok[1]) !== opts.app?.installationId) { send(req, res, 404, { message: 'Not Found', documentation_url: DOCS }); return; }
      const token = `ghs_${randomBytes(18).toString('hex')}`;
      const expires = Date.now() + (opts.installationTokenSeconds ?? 3600) * 1000;
      installation.set(token, expires);
      issued.push(token);
      send(req, res, 201, { token, expires_at: new Date(expires).toISOString().replace(/\.\d+Z$/, 'Z'), permissions: { contents: 'write', metadata: 'read' }, repository_selection: 'selected' }); return;
    }

    const disp = /^\/repos\/([^/]+)\/([^/]+)\/dispatches$/.exec(path);
    if (!disp) { send(req, res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }); return; }
    if (req.method !== 'POST') { send(req, res, 404, { message: 'Not Found', documentation_url: DOCS }); return; }

    const fault = faults.shift();
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    if (fault && answerFault(req, res, fault)) return;

    const cred = credential(req);
    if (cred === undefined) { send(req, res, 401, { message: 'Requires authentication', documentation_url: DOCS }); return; }
    if (!tokenValid(cred)) { send(req, res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' }); return; }
    if (`${disp[1] ?? ''}/${disp[2] ?? ''}` !== repository) { send(req, res, 404, { message: 'Not Found', documentation_url: DOCS }); return; }

    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      send(req, res, 400, { message: 'Problems parsing JSON', documentation_url: DOCS }); return;
    }
    const invalid = (why: string): void => { send(req, res, 422, { message: `Invalid request.\n\n${why}`, documentation_url: DOCS }); };
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) { invalid('Body must be an object.'); return; }
    const { event_type: eventType, client_payload: payload } = parsed as { event_type?: unknown; client_payload?: unknown };
    if (typeof eventType !== 'string') { invalid('"event_type" wasn\'t supplied.'); return; }
    if (eventType.length < 1 || eventType.length > 100) { invalid('event_type must be 1 to 100 characters.'); return; }
    if (payload !== undefined && (typeof payload !== 'object' || payload === null || Array.isArray(payload))) { invalid('For \'properties/client_payload\', it is not an object.'); return; }
    const cp = (payload ?? {}) as Record<string, unknown>;
    const props = Object.keys(cp).length;
    if (props > 10) { invalid(`No more than 10 properties are allowed; ${props} were supplied.`); return; }
    if (Buffer.byteLength(JSON.stringify(cp)) >= 65_536) { invalid('client_payload must be less than 64KB.'); return; }

    dispatches.push({
      event_type: eventType,
      client_payload: cp,
      authorization: req.headers.authorization ?? '',
      userAgent: req.headers['user-agent'] ?? '',
      apiVersion: String(req.headers['x-github-api-version'] ?? ''),
      bytes: body.length,
      time: Date.now(),
    });
    send(req, res, 204);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      req.socket.destroy();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const port = await listen(0);
  let listening = true;

  const stop = async (): Promise<void> => {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((resolve) => server.close(() => { resolve(); }));
    for (const s of sockets) s.destroy();
    await closed;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dispatches,
    requests,
    issuedTokens: issued,
    dispatchedPaths: () => dispatches.flatMap((d) => (Array.isArray(d.client_payload.file_paths) ? (d.client_payload.file_paths as unknown[]).map(String) : [])),
    inject(fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    injectActions(fault, times = 1) {
      for (let i = 0; i < times; i++) actionFaults.push(fault);
    },
    actions: store,
    apiRequests: () => apiRequests,
    setDropAll(on) {
      dropAll = on;
    },
    stop,
    async start() {
      if (listening) return;
      await listen(port);
      listening = true;
    },
    revokeInstallationTokens() {
      installation.clear();
    },
    async close() {
      await stop();
      await blob.close();
    },
  };
}
