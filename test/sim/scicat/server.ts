/**
 * SciCat v3 backend simulator for tests (CONTRACTS §3), over HTTP on 127.0.0.1. Speaks login, raw datasets
 * (create, get by pid, filter lookup), orig-datablocks and attachments, and rejects what the backend rejects,
 * in the backend's shapes:
 * - dataset DTO validation → 400 `{"status":400,"message":"<JSON of class-validator errors>"}` (§3.8);
 * - other DTOs → NestJS `{"message":[…],"error":"Bad Request","statusCode":400}`;
 * - `{"message":"…","error":"Not Found","statusCode":404}` etc. for the built-in exceptions;
 * - 401 `{"message":"Unauthorized","statusCode":401}` without a valid `Authorization: Bearer` token.
 * Routes are matched case-insensitively; path segments are percent-decoded one by one, so a pid's '/' must
 * arrive as %2F. Fault paths are matched against the raw (still encoded) path.
 * Documented choices: only type "raw" is accepted; the filter supports `where` with exact equality on
 * top-level fields plus `limits.limit`/`limits.skip`; attachments accept thumbnail, caption, ownerGroup and
 * accessGroups ([UNVERIFIED] against the real attachment DTO).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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
  authorized: boolean;
}

export interface ScicatSimOptions {
  /** username → password (default `{ ingestor: 'ingestor-secret' }`). */
  users?: Record<string, string>;
  tokenLifetimeSeconds?: number;
  /** Answer logins LoopBack-style, `{id, ttl, created, userId}` without access_token (old backends). */
  legacyLogin?: boolean;
  /** Prefix of generated pids (default `20.500.12345`). */
  pidPrefix?: string;
}

export interface ScicatSim {
  url: string;
  requests: SimRequest[];
  datasets(): Record<string, unknown>[];
  origDatablocks(pid?: string): Record<string, unknown>[];
  attachments(pid?: string): Record<string, unknown>[];
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

// --- validation, class-validator style ---------------------------------------------------------------------

const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$/;
const isIso = (v: unknown): boolean => typeof v === 'string' && ISO.test(v) && !Number.isNaN(Date.parse(v));

type Rule = 'string' | 'nonEmptyString' | 'email' | 'emailList' | 'date' | 'number' | 'boolean' | 'object' | 'stringArray' | 'array' | 'url';

interface FieldError {
  property: string;
  value?: unknown;
  constraints: Record<string, string>;
}

function checkRule(field: string, rule: Rule, v: unknown): Record<string, string> | undefined {
  switch (rule) {
    case 'string':
      return typeof v === 'string' ? undefined : { isString: `${field} must be a string` };
    case 'nonEmptyString':
      if (typeof v !== 'string') return { isString: `${field} must be a string` };
      return v === '' ? { isNotEmpty: `${field} should not be empty` } : undefined;
    case 'email':
      return typeof v === 'string' && EMAIL.test(v) ? undefined : { isEmail: `${field} must be an email` };
    case 'emailList':
      return typeof v === 'string' && v.split(';').every((e) => EMAIL.test(e.trim()))
        ? undefined
        : { isValidEmailList: `${field} must contain valid email(s), separated by ';'` };
    case 'date':
      return isIso(v) ? undefined : { isDateString: `${field} must be a valid ISO 8601 date string` };
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? undefined : { isNumber: `${field} must be a number conforming to the specified constraints` };
    case 'boolean':
      return typeof v === 'boolean' ? undefined : { isBoolean: `${field} must be a boolean value` };
    case 'object':
      return isRecord(v) ? undefined : { isObject: `${field} must be an object` };
    case 'array':
      return Array.isArray(v) ? undefined : { isArray: `${field} must be an array` };
    case 'stringArray':
      if (!Array.isArray(v)) return { isArray: `${field} must be an array` };
      return v.every((x) => typeof x === 'string') ? undefined : { isString: `each value in ${field} must be a string` };
    case 'url':
      return typeof v === 'string' && /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:localhost|(?:[a-z0-9-]+\.)+[a-z]{2,}|\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?(?:[/?#]\S*)?$/i.test(v)
        ? undefined
        : { isUrl: `${field} must be a URL address` };
  }
}

const RAW_REQUIRED: Record<string, Rule> = {
  owner: 'string',
  ownerGroup: 'string',
  contactEmail: 'emailList',
  sourceFolder: 'nonEmptyString',
  creationTime: 'date',
  type: 'string',
  principalInvestigator: 'string',
  creationLocation: 'string',
};

const RAW_OPTIONAL: Record<string, Rule> = {
  pid: 'string',
  datasetName: 'string',
  accessGroups: 'stringArray',
  instrumentGroup: 'string',
  ownerEmail: 'email',
  orcidOfOwner: 'string',
  sourceFolderHost: 'url',
  size: 'number',
  packedSize: 'number',
  numberOfFiles: 'number',
  numberOfFilesArchived: 'number',
  keywords: 'stringArray',
  description: 'string',
  license: 'string',
  isPublished: 'boolean',
  techniques: 'array',
  sharedWith: 'stringArray',
  scientificMetadata: 'object',
  proposalId: 'string',
  sampleId: 'string',
  instrumentId: 'string',
  dataFormat: 'string',
  startTime: 'date',
  endTime: 'date',
  classification: 'string',
  runNumber: 'string',
  version: 'string',
  validationStatus: 'string',
};

function validateFields(body: Record<string, unknown>, required: Record<string, Rule>, optional: Record<string, Rule>, prefix = ''): FieldError[] {
  const errors: FieldError[] = [];
  for (const [field, rule] of Object.entries(required)) {
    const v = body[field];
    const c = v === undefined || v === null ? { ...checkRule(`${prefix}${field}`, rule, undefined), isDefined: `${prefix}${field} should not be null or undefined` } : checkRule(`${prefix}${field}`, rule, v);
    if (c) errors.push({ property: field, value: v, constraints: c });
  }
  for (const [field, rule] of Object.entries(optional)) {
    const v = body[field];
    if (v === undefined || v === null) continue;
    const c = checkRule(`${prefix}${field}`, rule, v);
    if (c) errors.push({ property: field, value: v, constraints: c });
  }
  for (const field of Object.keys(body)) {
    if (!(field in required) && !(field in optional)) {
      errors.push({ property: field, value: body[field], constraints: { whitelistValidation: `property ${prefix}${field} should not exist` } });
    }
  }
  return errors;
}

const flatten = (errors: FieldError[]): string[] => errors.flatMap((e) => Object.values(e.constraints));

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
  const tokens = new Map<string, Token>();
  const datasets = new Map<string, Record<string, unknown>>();
  const blocks: Record<string, unknown>[] = [];
  const attachments: Record<string, unknown>[] = [];
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

  const authorized = (req: IncomingMessage): boolean => {
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Bearer (\S+)$/i.exec(h) : null;
    const t = m?.[1] ? tokens.get(m[1]) : undefined;
    return t !== undefined && !t.revoked && Date.now() < t.expiresAt;
  };

  const getDataset = (pid: string): Record<string, unknown> => {
    const d = datasets.get(pid);
    if (!d) throw nest(404, `dataset: ${pid} not found`);
    return d;
  };

  function login(body: unknown): [number, unknown] {
    const errors = isRecord(body) ? flatten(validateFields(body, { username: 'string', password: 'string' }, {})) : ['body must be an object'];
    if (errors.length > 0) throw nest(400, errors);
    const b = body as { username: string; password: string };
    if (!Object.hasOwn(users, b.username) || users[b.username] !== b.password) throw new HttpError(401, { message: 'Unauthorized', statusCode: 401 });
    const token = `eyJ${randomBytes(24).toString('base64url')}`;
    const created = new Date();
    tokens.set(token, { user: b.username, expiresAt: created.getTime() + lifetimeMs, revoked: false });
    const ttl = Math.round(lifetimeMs / 1000);
    if (opts.legacyLogin) return [201, { id: token, ttl, created: created.toISOString(), userId: `user-${b.username}` }];
    return [201, { access_token: token, id: token, expires_in: ttl, ttl, created: created.toISOString(), userId: `user-${b.username}`, user: { username: b.username } }];
  }

  function createDataset(body: unknown): [number, unknown] {
    if (!isRecord(body)) throw new HttpError(400, { status: 400, message: JSON.stringify([{ property: '', constraints: { isObject: 'body must be an object' } }]) });
    const errors = validateFields(body, RAW_REQUIRED, RAW_OPTIONAL);
    if (typeof body.type === 'string' && body.type !== 'raw') errors.push({ property: 'type', value: body.type, constraints: { isIn: 'type must be one of the following values: raw' } });
    if (errors.length > 0) throw new HttpError(400, { status: 400, message: JSON.stringify(errors) });
    const pid = typeof body.pid === 'string' ? body.pid : `${pidPrefix}/${randomUUID()}`;
    if (datasets.has(pid)) throw nest(409, `A dataset with pid ${pid} already exists!`);
    const sourceFolder = body.sourceFolder as string;
    const datasetName = typeof body.datasetName === 'string' ? body.datasetName : sourceFolder.split('/').filter(Boolean).slice(-2).join('/');
    const now = new Date().toISOString();
    const stored: Record<string, unknown> = { size: 0, numberOfFiles: 0, accessGroups: [], ...body, pid, datasetName, createdAt: now, updatedAt: now, isPublished: body.isPublished ?? false };
    datasets.set(pid, stored);
    return [201, stored];
  }

  function findDatasets(query: URLSearchParams): [number, unknown] {
    let filter: unknown = {};
    const f = query.get('filter');
    if (f !== null) {
      try {
        filter = JSON.parse(f);
      } catch {
        throw nest(400, 'filter must be a JSON object');
      }
    }
    if (!isRecord(filter)) throw nest(400, 'filter must be a JSON object');
    const where = isRecord(filter.where) ? filter.where : {};
    const limits = isRecord(filter.limits) ? filter.limits : {};
    const skip = typeof limits.skip === 'number' ? limits.skip : 0;
    const limit = typeof limits.limit === 'number' ? limits.limit : Infinity;
    const hits = [...datasets.values()].filter((d) => Object.entries(where).every(([k, v]) => JSON.stringify(d[k]) === JSON.stringify(v)));
    return [200, hits.slice(skip, skip + limit)];
  }

  function createBlock(pid: string, body: unknown): [number, unknown] {
    const dataset = getDataset(pid);
    if (!isRecord(body)) throw nest(400, ['body must be an object']);
    const errors = flatten(validateFields(body, { size: 'number', dataFileList: 'array' }, { chkAlg: 'string' }));
    if (Array.isArray(body.dataFileList)) {
      if (body.dataFileList.length === 0) errors.push('dataFileList should not be empty');
      body.dataFileList.forEach((file: unknown, i) => {
        if (!isRecord(file)) errors.push(`dataFileList.${i} must be an object`);
        else errors.push(...flatten(validateFields(file, { path: 'string', size: 'number', time: 'date' }, { chk: 'string', uid: 'string', gid: 'string', perm: 'string', type: 'string' }, `dataFileList.${i}.`)));
      });
    }
    if (errors.length > 0) throw nest(400, errors);
    const files = body.dataFileList as unknown[];
    const now = new Date().toISOString();
    const block = { _id: randomUUID(), ...body, datasetId: pid, ownerGroup: dataset.ownerGroup, accessGroups: dataset.accessGroups, createdAt: now, updatedAt: now };
    blocks.push(block);
    dataset.size = (typeof dataset.size === 'number' ? dataset.size : 0) + (body.size as number);
    dataset.numberOfFiles = (typeof dataset.numberOfFiles === 'number' ? dataset.numberOfFiles : 0) + files.length;
    return [201, block];
  }

  function createAttachment(pid: string, body: unknown): [number, unknown] {
    const dataset = getDataset(pid);
    if (!isRecord(body)) throw nest(400, ['body must be an object']);
    const errors = flatten(validateFields(body, { thumbnail: 'nonEmptyString' }, { caption: 'string', ownerGroup: 'string', accessGroups: 'stringArray' }));
    if (errors.length > 0) throw nest(400, errors);
    const now = new Date().toISOString();
    const att = { id: randomUUID(), ownerGroup: dataset.ownerGroup, accessGroups: dataset.accessGroups, ...body, datasetId: pid, createdAt: now, updatedAt: now };
    attachments.push(att);
    return [201, att];
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
    if (rest[0] !== 'datasets') throw notFound();
    if (!authorized(req)) throw new HttpError(401, { message: 'Unauthorized', statusCode: 401 });
    const pid = segs[3];
    if (rest.length === 1) {
      if (method === 'POST') return createDataset(body());
      if (method === 'GET') return findDatasets(query);
    } else if (pid !== undefined && rest.length === 2) {
      if (method === 'GET') return [200, getDataset(pid)];
    } else if (pid !== undefined && rest.length === 3) {
      const sub = rest[2];
      if (sub === 'origdatablocks') {
        if (method === 'POST') return createBlock(pid, body());
        if (method === 'GET') {
          getDataset(pid); // 404 for an unknown dataset
          return [200, blocks.filter((b) => b.datasetId === pid)];
        }
      }
      if (sub === 'attachments') {
        if (method === 'POST') return createAttachment(pid, body());
        if (method === 'GET') {
          getDataset(pid);
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
    const entry: SimRequest = { method, path, query: url.search, status: 0, authorized: authorized(req) };
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
