/**
 * SciCat v3 backend simulator for tests (CONTRACTS §3), over HTTP on 127.0.0.1. Speaks login, raw datasets
 * (create, get by pid, filter lookup), orig-datablocks, attachments and datablocks (`/datablocks`: create with
 * a unique archiveId, filter lookup), and rejects what the backend rejects,
 * in the backend's shapes:
 * - dataset DTO validation → 400 `{"status":400,"message":"<JSON of class-validator errors>"}` (§3.8);
 * - other DTOs → NestJS `{"message":[…],"error":"Bad Request","statusCode":400}`;
 * - `{"message":"…","error":"Not Found","statusCode":404}` etc. for the built-in exceptions.
 * Every body is checked against the backend's DTO rules and the official generated client's models
 * (contract.ts); a `filter`'s `where` goes through the backend's WherePipe, date conversion included, and is
 * matched as MongoDB would (where.ts); a list answers at most `limits.limit` (default 100) datasets.
 * Authentication as the backend's JwtAuthGuard: an expired token is 401 `SESSION_EXPIRED`; a missing or
 * unknown token is an anonymous caller — 403 `Forbidden resource` on writes, reads of published datasets only.
 * Routes are matched case-insensitively; path segments are percent-decoded one by one, so a pid's '/' must
 * arrive as %2F. Fault paths are matched against the raw (still encoded) path.
 * Datasets of type "raw" and "derived" are accepted, each validated with its own DTO (the controller's choice).
 * Documented choices: a logged-in user may read and write every dataset (an
 * ingestor account); the filter honours `where` and `limits.limit`/`limits.skip` (not `fields`, `order`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BodyKind, checkBody, datasetKindOf, flatten } from './contract.js';
import { applyWherePipe, matches, MongoQueryError, type WherePipeVersion } from './where.js';

export type Fault =
  /** Answer with this status (NestJS body; 500 answers the backend's bare "Internal server error"). */
  | { kind: 'status'; status: number; message?: string; times?: number }
  /** Destroy the socket without handling the request. */
  | { kind: 'drop-before'; times?: number }
  /** Handle the request (e.g. store the dataset), then destroy the socket before answering. */
  | { kind: 'drop-after'; times?: number }
  /** Wait `ms`, then handle and answer normally. */
  | { kind: 'delay'; ms: number; times?: number };

export interface SimRequest {
  method: string;
  /** Raw path (percent-encoded as sent), without the query. */
  path: string;
  query: string;
  /** 0 when the connection was dropped. */
  status: number;
  /** A valid (not expired) token came with it. */
  authorized: boolean;
  /** The JSON body as parsed (undefined for none or unparsable), for contract checks. */
  body?: unknown;
}

export interface ScicatSimOptions {
  /** username → password (default `{ ingestor: 'ingestor-secret' }`). */
  users?: Record<string, string>;
  tokenLifetimeSeconds?: number;
  /** Answer logins LoopBack-style, `{id, ttl, created, userId}` without access_token (old backends). */
  legacyLogin?: boolean;
  /** Prefix of generated pids (default `20.500.12345`). */
  pidPrefix?: string;
  /**
   * Which backend's WherePipe converts date-like filter values (where.ts): `v4.27` (default, the broadest:
   * any string Date parses) or `v4.28` (strings starting YYYY-MM-DD).
   */
  wherePipe?: WherePipeVersion;
}

export interface ScicatSim {
  url: string;
  requests: SimRequest[];
  datasets(): Record<string, unknown>[];
  origDatablocks(pid?: string): Record<string, unknown>[];
  attachments(pid?: string): Record<string, unknown>[];
  /** Datablocks (`POST /api/v3/datablocks`): where an archive system keeps a dataset's bytes. */
  datablocks(pid?: string): Record<string, unknown>[];
  /** Every token issued so far stops working (the next call answers 401). */
  expireTokens(): void;
  inject(method: string, pathRegex: RegExp, fault: Fault): void;
  close(): Promise<void>;
}

export const DEFAULT_USERS: Record<string, string> = { ingestor: 'ingestor-secret' };

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

const ERROR_NAMES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large' };

function nest(status: number, message: string | string[]): HttpError {
  return new HttpError(status, { message, error: ERROR_NAMES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error'), statusCode: status });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// --- the server ---------------------------------------------------------------------------------------------

interface Token {
  user: string;
  expiresAt: number;
  revoked: boolean;
}

interface ArmedFault {
  method: string;
  path: RegExp;
  fault: Fault;
  remaining: number;
}

const MAX_BODY = 16 * 1024 * 1024;

export async function startScicatSim(opts: ScicatSimOptions = {}): Promise<ScicatSim> {
  const users = opts.users ?? DEFAULT_USERS;
  const lifetimeMs = (opts.tokenLifetimeSeconds ?? 3600) * 1000;
  const pidPrefix = opts.pidPrefix ?? '20.500.12345';
  const wherePipe = opts.wherePipe ?? 'v4.27';
  const tokens = new Map<string, Token>();
  const datasets = new Map<string, Record<string, unknown>>();
  const blocks: Record<string, unknown>[] = [];
  const attachments: Record<string, unknown>[] = [];
  const datablocks: Record<string, unknown>[] = [];
  const log: SimRequest[] = [];
  const faults: ArmedFault[] = [];

  const takeFault = (method: string, path: string): Fault | undefined => {
    for (const a of faults) {
      if (a.remaining <= 0 || (a.method !== '*' && a.method !== method)) continue;
      a.path.lastIndex = 0;
      if (!a.path.test(path)) continue;
      a.remaining--;
      return a.fault;
    }
    return undefined;
  };

  const readBody = (req: IncomingMessage): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BODY) chunks.push(c);
      });
      req.on('end', () => {
        if (size > MAX_BODY) reject(nest(413, 'request entity too large'));
        else resolve(Buffer.concat(chunks));
      });
      req.on('error', reject);
    });

  const parseJson = (raw: Buffer): unknown => {
    if (raw.length === 0) return {};
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch {
      throw nest(400, 'Unexpected token in JSON body');
    }
  };

  /** Who is calling, as the backend's JwtAuthGuard sees it: a user, an expired token (401), or anonymous. */
  const caller = (req: IncomingMessage, query: URLSearchParams): { kind: 'user'; user: string } | { kind: 'expired' } | { kind: 'anonymous' } => {
    const h = req.headers.authorization;
    // The guard copies `?access_token=` into the header when there is none.
    const raw = typeof h === 'string' ? h : (query.get('access_token') ?? '');
    const m = /^Bearer (\S+)$/i.exec(raw);
    const t = m?.[1] ? tokens.get(m[1]) : undefined;
    // passport-jwt rejects a bad signature or a malformed token without naming it expired: the request goes on as anonymous.
    if (t === undefined) return { kind: 'anonymous' };
    if (t.revoked || Date.now() >= t.expiresAt) return { kind: 'expired' };
    return { kind: 'user', user: t.user };
  };

  const getDataset = (pid: string): Record<string, unknown> => {
    const d = datasets.get(pid);
    if (!d) throw nest(404, `dataset: ${pid} not found`);
    return d;
  };

  /** The global ValidationPipe: NestJS's 400 with every constraint message. */
  const validated = (kind: BodyKind, body: unknown): Record<string, unknown> => {
    const errors = flatten(checkBody(kind, body));
    if (errors.length > 0 || !isRecord(body)) throw nest(400, errors.length > 0 ? errors : ['body must be an object']);
    return body;
  };

  function login(body: unknown): [number, unknown] {
    const b = validated('credentials', body) as { username: string; password: string };
    if (!Object.hasOwn(users, b.username) || users[b.username] !== b.password) throw new HttpError(401, { message: 'Unauthorized', statusCode: 401 });
    const token = `eyJ${randomBytes(24).toString('base64url')}`;
    const created = new Date();
    tokens.set(token, { user: b.username, expiresAt: created.getTime() + lifetimeMs, revoked: false });
    const ttl = Math.round(lifetimeMs / 1000);
    if (opts.legacyLogin) return [201, { id: token, ttl, created: created.toISOString(), userId: `user-${b.username}` }];
    return [201, { access_token: token, id: token, expires_in: ttl, ttl, created: created.toISOString(), userId: `user-${b.username}`, user: { username: b.username } }];
  }

  function createDataset(body: unknown): [number, unknown] {
    // validateDatasetObsolete: class-validator errors, JSON-stringified, under `status`/`message`.
    const errors = checkBody(datasetKindOf(body), body);
    if (errors.length > 0 || !isRecord(body)) throw new HttpError(400, { status: 400, message: JSON.stringify(errors) });
    const pid = typeof body.pid === 'string' ? body.pid : `${pidPrefix}/${randomUUID()}`;
    if (datasets.has(pid)) throw nest(409, `A dataset with pid ${pid} already exists!`);
    const sourceFolder = body.sourceFolder as string;
    const datasetName = typeof body.datasetName === 'string' ? body.datasetName : sourceFolder.split('/').filter(Boolean).slice(-2).join('/');
    const now = new Date().toISOString();
    const stored: Record<string, unknown> = { size: 0, numberOfFiles: 0, accessGroups: [], ...body, pid, datasetName, createdAt: now, updatedAt: now, isPublished: body.isPublished ?? false };
    datasets.set(pid, stored);
    return [201, stored];
  }

  /**
   * A list route's `filter` as the backend reads it: the Filter decorator parses it, the WherePipe transforms
   * `where`, and Mongo matches it; parseLimitFilters: limit 100 and skip 0 unless given.
   */
  function listed(query: URLSearchParams, docs: Iterable<Record<string, unknown>>, visible: (d: Record<string, unknown>) => boolean = () => true): [number, unknown] {
    let filter: unknown = {};
    const f = query.get('filter');
    if (f !== null) {
      try {
        filter = JSON.parse(f);
      } catch (err) {
        throw nest(400, `Invalid JSON in filter: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (!isRecord(filter)) throw nest(400, 'filter must be a JSON object');
    const where = applyWherePipe(filter.where ?? {}, wherePipe);
    const limits = isRecord(filter.limits) ? filter.limits : {};
    const skip = typeof limits.skip === 'number' ? limits.skip : 0;
    const limit = typeof limits.limit === 'number' && limits.limit > 0 ? limits.limit : 100;
    try {
      return [200, [...docs].filter((d) => visible(d) && matches(d, where)).slice(skip, skip + limit)];
    } catch (err) {
      if (err instanceof MongoQueryError) throw nest(400, err.message);
      throw err;
    }
  }

  /** GET /Datasets: an anonymous caller sees published datasets only. */
  function findDatasets(query: URLSearchParams, anonymous: boolean): [number, unknown] {
    return listed(query, datasets.values(), (d) => !anonymous || d.isPublished === true);
  }

  /** checkPermissionsForDatasetExtended: 404 for an unknown dataset, 403 when the caller may not see it. */
  const visibleDataset = (pid: string, anonymous: boolean): Record<string, unknown> => {
    const d = getDataset(pid);
    if (anonymous && d.isPublished !== true) throw nest(403, 'Unauthorized access');
    return d;
  };

  function createBlock(pid: string, body: unknown): [number, unknown] {
    const dataset = getDataset(pid);
    const b = validated('origDatablock', body);
    const files = b.dataFileList as unknown[];
    const now = new Date().toISOString();
    const block = { _id: randomUUID(), ...b, datasetId: pid, ownerGroup: dataset.ownerGroup, accessGroups: dataset.accessGroups, createdAt: now, updatedAt: now };
    blocks.push(block);
    // createAndUpdateDatasetSizeAndFileCount: the block's size and file count are added to the dataset's.
    dataset.size = (typeof dataset.size === 'number' ? dataset.size : 0) + (b.size as number);
    dataset.numberOfFiles = (typeof dataset.numberOfFiles === 'number' ? dataset.numberOfFiles : 0) + files.length;
    return [201, block];
  }

  function createAttachment(pid: string, body: unknown): [number, unknown] {
    const dataset = getDataset(pid);
    const b = validated('attachment', body);
    const now = new Date().toISOString();
    // The controller stores the dataset's ownerGroup whatever was sent (after validating that one was).
    const att = { id: randomUUID(), ...b, datasetId: pid, ownerGroup: dataset.ownerGroup, createdAt: now, updatedAt: now };
    attachments.push(att);
    return [201, att];
  }

  /**
   * POST /datablocks (DatablocksController.create): CreateDatablockDto; archiveId is unique in the collection
   * (11000 → 409); the dataset's packedSize and numberOfFilesArchived grow by the block's (not size or
   * numberOfFiles, unlike the obsolete dataset route). A logged-in ingestor may create any.
   */
  function createDatablock(body: unknown): [number, unknown] {
    const b = validated('datablock', body);
    if (datablocks.some((d) => d.archiveId === b.archiveId)) throw nest(409, 'A datablock with this this unique key already exists!');
    const dataset = datasets.get(b.datasetId as string);
    const now = new Date().toISOString();
    const block = { _id: randomUUID(), ...b, ownerGroup: b.ownerGroup, accessGroups: b.accessGroups ?? dataset?.accessGroups ?? [], createdAt: now, updatedAt: now };
    datablocks.push(block);
    if (dataset) {
      dataset.packedSize = (typeof dataset.packedSize === 'number' ? dataset.packedSize : 0) + (b.packedSize as number);
      dataset.numberOfFilesArchived = (typeof dataset.numberOfFilesArchived === 'number' ? dataset.numberOfFilesArchived : 0) + (b.dataFileList as unknown[]).length;
    }
    return [201, block];
  }

  /** GET /datablocks?filter=…: the FilterPipe's where (WherePipe) and limits, as for datasets. */
  function findDatablocks(query: URLSearchParams): [number, unknown] {
    return listed(query, datablocks);
  }

  function route(method: string, rawPath: string, query: URLSearchParams, body: () => unknown, req: IncomingMessage): [number, unknown] {
    let segs: string[];
    try {
      segs = rawPath.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
    } catch {
      throw nest(400, 'malformed path');
    }
    const lower = segs.map((s) => s.toLowerCase());
    const notFound = (): HttpError => nest(404, `Cannot ${method} ${rawPath}`);
    if (lower[0] !== 'api' || lower[1] !== 'v3') throw notFound();
    const rest = lower.slice(2);
    if (rest.length === 2 && rest[0] === 'auth' && rest[1] === 'login') {
      if (method !== 'POST') throw notFound();
      return login(body());
    }
    if (rest[0] !== 'datasets' && rest[0] !== 'datablocks') throw notFound();
    const who = caller(req, query);
    if (who.kind === 'expired') throw new HttpError(401, { message: 'SESSION_EXPIRED', error: 'Unauthorized', statusCode: 401 });
    const anonymous = who.kind === 'anonymous';
    if (rest[0] === 'datablocks') {
      // DatablockCreateEndpoint / ReadEndpoint: logged-in users only.
      if (anonymous) throw nest(403, 'Forbidden resource');
      if (rest.length === 1 && method === 'POST') return createDatablock(body());
      if (rest.length === 1 && method === 'GET') return findDatablocks(query);
      throw notFound();
    }
    // PoliciesGuard: an anonymous caller may read (published data) but never create.
    if (anonymous && method !== 'GET') throw nest(403, 'Forbidden resource');
    const pid = segs[3];
    if (rest.length === 1) {
      if (method === 'POST') return createDataset(body());
      if (method === 'GET') return findDatasets(query, anonymous);
    } else if (pid !== undefined && rest.length === 2) {
      if (method === 'GET') return [200, visibleDataset(pid, anonymous)];
    } else if (pid !== undefined && rest.length === 3) {
      const sub = rest[2];
      if (sub === 'origdatablocks') {
        if (method === 'POST') return createBlock(pid, body());
        if (method === 'GET') {
          visibleDataset(pid, anonymous);
          return [200, blocks.filter((b) => b.datasetId === pid)];
        }
      }
      if (sub === 'attachments') {
        if (method === 'POST') return createAttachment(pid, body());
        if (method === 'GET') {
          visibleDataset(pid, anonymous);
          return [200, attachments.filter((a) => a.datasetId === pid)];
        }
      }
    }
    throw notFound();
  }

  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const entry: SimRequest = { method, path, query: url.search, status: 0, authorized: caller(req, url.searchParams).kind === 'user' };
    log.push(entry);
    res.on('error', () => undefined);
    const fault = takeFault(method, path);
    if (fault?.kind === 'drop-before') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'delay') await sleep(fault.ms);
    let status: number;
    let payload: unknown;
    try {
      const raw = await readBody(req);
      // Logged whatever happens next (a fault, a rejection), for contract checks of what was sent.
      if (raw.length > 0) {
        try {
          entry.body = JSON.parse(raw.toString('utf8'));
        } catch {
          // unparsable: the route answers 400
        }
      }
      if (fault?.kind === 'status') {
        status = fault.status;
        payload = fault.status === 500 && fault.message === undefined ? 'Internal server error' : { message: fault.message ?? `Injected fault: HTTP ${fault.status}`, error: ERROR_NAMES[fault.status] ?? 'Error', statusCode: fault.status };
      } else {
        [status, payload] = route(method, path, url.searchParams, () => parseJson(raw), req);
      }
    } catch (err) {
      if (err instanceof HttpError) [status, payload] = [err.status, err.body];
      else [status, payload] = [500, 'Internal server error'];
    }
    if (fault?.kind === 'drop-after') {
      req.socket.destroy();
      return;
    }
    entry.status = status;
    const text = JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    requests: log,
    datasets: () => [...datasets.values()].map((d) => structuredClone(d)),
    origDatablocks: (pid) => blocks.filter((b) => pid === undefined || b.datasetId === pid).map((b) => structuredClone(b)),
    attachments: (pid) => attachments.filter((a) => pid === undefined || a.datasetId === pid).map((a) => structuredClone(a)),
    datablocks: (pid) => datablocks.filter((d) => pid === undefined || d.datasetId === pid).map((d) => structuredClone(d)),
    expireTokens() {
      for (const t of tokens.values()) t.revoked = true;
    },
    inject(method, pathRegex, fault) {
      const times = fault.times ?? 1;
      if (!Number.isInteger(times) || times < 1) throw new Error(`fault times must be a positive integer, got ${String(fault.times)}`);
      faults.push({ method: method.toUpperCase(), path: pathRegex, fault, remaining: times });
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
