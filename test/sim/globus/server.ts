/**
 * Globus simulator: Globus Auth (client-credentials token) and the Transfer API v0.10 subset the project uses,
 * over real HTTP on 127.0.0.1, with the wire shapes of CONTRACTS §1 (paths, bodies, status codes, error bodies,
 * paging, task lifecycle) and fault injection (status + Retry-After, dropped connections, delays, failed,
 * stuck and suspended tasks, expired tokens). Collections are real folders on disk.
 *
 * Choices where the contract is silent or UNVERIFIED (kept deliberately strict so client bugs show up):
 *  - Accepted submits answer 202, Duplicate answers 200 (clients should accept any 2xx and key on `code`).
 *  - The rules in contract.ts (labels, submission ids issued by GET /submission_id, query parameters per
 *    route) are enforced as the service documents or was recorded to enforce them.
 *  - Unknown collection ids answer 404 `EndpointNotFound`.
 *  - Unknown keys in transfer/delete documents and items answer 400 (catches typos like `source_endpoint_id`).
 *  - Cancel of a finished task answers 200 `TaskComplete` (as recorded by globus-sdk-python's live test,
 *    commit e32e31a3 tests/unit/test_transfer_client.py::test_cancel_task).
 *  - mkdir with a missing parent answers 404 `ClientError.NotFound` (Globus mkdir is not recursive).
 *  - A client only sees its own tasks (another client's task id answers 404).
 *  - A token request without a scope is refused 400 `invalid_scope` (RFC 6749 §3.3: no default scope;
 *    globus-sdk v4 always sends one). Globus's exact error_description: UNVERIFIED.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Collection, GlobusError, badRequest, normalizeGlobusPath, parseIntParam } from './collections.js';
import { SubmissionIds, checkLabel as checkLabelRule, checkQuery, queryProblem } from './contract.js';
import { FaultTable, defaultCodeFor } from './faults.js';
import type { Fault } from './faults.js';
import { TaskEngine } from './tasks.js';
import type { DeleteSpec, TaskDocument, TransferItemSpec, TransferSpec } from './tasks.js';

export interface GlobusSimOptions {
  /** collection UUID → folder on disk that is the collection's "/" (Globus paths are absolute within the collection). */
  collections: Record<string, string>;
  /** client_id → client_secret accepted by the token endpoint. Default { 'sim-client': 'sim-secret' }. */
  clients?: Record<string, string>;
  /** Lifetime of issued tokens (default 172800 s); a token is refused once it has expired. */
  tokenLifetimeSeconds?: number;
  /** Simulated copy speed: a task stays ACTIVE for about bytes / rate (at least minTaskMs). Default 1 GiB/s. */
  bytesPerSecond?: number;
  /** Shortest time a task stays ACTIVE (default 50 ms); also the base of the retry backoff of failing files. */
  minTaskMs?: number;
  /** Tasks of one type running at once per client (default 3; others stay ACTIVE with nice_status "Queued"). */
  maxActiveTasksPerUser?: number;
}

export interface SimRequest {
  method: string;
  /** path without the query string */
  path: string;
  /** HTTP status answered; 0 when the connection was dropped */
  status: number;
  /** Date.now() when the request arrived */
  time: number;
}

export interface GlobusSim {
  /** "http://127.0.0.1:PORT" — auth at `${url}/v2/oauth2/token`, transfer at `${url}/v0.10/...` */
  readonly url: string;
  /** Every request handled, in the order the answers were given (method, path without query, status; 0 for dropped). */
  readonly requests: readonly SimRequest[];
  /** Requests handled, optionally only one method ('*' = any) and paths starting with a prefix. */
  count(method?: string, pathPrefix?: string): number;
  /** Inject a fault for requests matching method (or '*') and a path regex; consumed `times` times (default 1). */
  inject(method: string, path: RegExp, fault: Fault): void;
  /** Make every token issued so far invalid (the next call with it gets 401 AuthenticationFailed). */
  expireTokens(): void;
  /** Token introspection for another simulated resource server (Globus Compute); undefined for an unknown token. */
  introspect(token: string): TokenInfo | undefined;
  /** The next submitted transfer/delete task ends FAILED with this fatal_error (and an error event). */
  failNextTask(code: string, description: string): void;
  /** The next submitted task stays ACTIVE with nice_status `code` (e.g. FILE_NOT_FOUND) and never finishes by itself. */
  stickNextTask(code: 'FILE_NOT_FOUND' | 'PERMISSION_DENIED'): void;
  /**
   * The next submitted task goes INACTIVE (e.g. expired credentials) with nice_status `code` (default "AUTH")
   * for `ms` once it starts, then resumes ACTIVE and runs normally.
   */
  inactivateNextTask(ms: number, code?: string): void;
  /** A snapshot of all task documents, in submission order. */
  tasks(): readonly TaskDocument[];
  close(): Promise<void>;
}

export const TRANSFER_SCOPE = 'urn:globus:auth:scope:transfer.api.globus.org:all';
/** Globus Compute's scope; its tokens' resource server is `funcx_service` (RECON §4.1). */
export const COMPUTE_SCOPE = 'https://auth.globus.org/scopes/facd7ccc-c5f4-42aa-916b-a0e270e2c2a9/all';
const RESOURCE_SERVERS: Record<string, string> = { [TRANSFER_SCOPE]: 'transfer.api.globus.org', [COMPUTE_SCOPE]: 'funcx_service' };
const MAX_BODY = 32 * 1024 * 1024;
/** The event list serves at most this many events (offset + limit), like the SDK's paginator (max_total_results). */
const EVENT_LIST_MAX = 1000;

interface Token {
  client: string;
  /** The one scope this token is for (its resource server's). */
  scope: string;
  expiresAt: number;
  revoked: boolean;
}

/** What a resource server (the Compute simulator) learns about a bearer token, as token introspection says. */
export interface TokenInfo {
  readonly active: boolean;
  readonly client: string;
  readonly scope: string;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface Ctx {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  raw: Buffer;
  requestId: string;
}

const requestId = (): string => {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(9)].map((b) => abc[b % abc.length]).join('');
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function jsonBody(ctx: Ctx): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(ctx.raw.toString('utf8'));
  } catch {
    throw badRequest('Request body is not valid JSON');
  }
  if (!isRecord(v)) throw badRequest('Request body must be a JSON object');
  return v;
}

function onlyKeys(doc: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const k of Object.keys(doc)) if (!allowed.includes(k)) throw badRequest(`Unexpected key '${k}' in ${what} document`);
}

/** An optional field: absent or null → undefined; otherwise it must have the given type. */
function opt(doc: Record<string, unknown>, key: string, type: 'boolean'): boolean | undefined;
function opt(doc: Record<string, unknown>, key: string, type: 'string'): string | undefined;
function opt(doc: Record<string, unknown>, key: string, type: 'boolean' | 'string'): boolean | string | undefined {
  const v = doc[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== type) throw badRequest(`'${key}' must be a ${type}`);
  return v as boolean | string;
}

function checkLabel(doc: Record<string, unknown>): string | null {
  const label = opt(doc, 'label', 'string');
  if (label === undefined) return null;
  checkLabelRule(label);
  return label;
}

function checkDeadline(doc: Record<string, unknown>): number | null {
  const s = opt(doc, 'deadline', 'string');
  if (s === undefined) return null;
  const ms = Date.parse(s.replace(' ', 'T'));
  if (Number.isNaN(ms)) throw badRequest(`Invalid deadline '${s}': expected ISO 8601, e.g. 2017-10-12 12:33:54+00:00`);
  if (ms <= Date.now()) throw badRequest(`Invalid deadline '${s}': it is in the past`);
  return ms;
}

const TRANSFER_KEYS = [
  'DATA_TYPE', 'submission_id', 'source_endpoint', 'destination_endpoint', 'DATA', 'label', 'sync_level',
  'verify_checksum', 'preserve_timestamp', 'encrypt_data', 'deadline', 'skip_source_errors', 'fail_on_quota_errors',
  'delete_destination_extra', 'notify_on_succeeded', 'notify_on_failed', 'notify_on_inactive', 'source_local_user',
  'destination_local_user', 'filter_rules', 'recursive_symlinks', 'skip_activation_check', 'store_base_path_info',
] as const;
const TRANSFER_ITEM_KEYS = ['DATA_TYPE', 'source_path', 'destination_path', 'recursive', 'external_checksum', 'checksum_algorithm'] as const;
const DELETE_KEYS = [
  'DATA_TYPE', 'submission_id', 'endpoint', 'DATA', 'label', 'recursive', 'ignore_missing', 'interpret_globs',
  'deadline', 'local_user', 'notify_on_succeeded', 'notify_on_failed', 'notify_on_inactive', 'skip_activation_check',
] as const;
const DELETE_ITEM_KEYS = ['DATA_TYPE', 'path'] as const;

export async function startGlobusSim(opts: GlobusSimOptions): Promise<GlobusSim> {
  const collections = new Map<string, Collection>();
  for (const [id, folder] of Object.entries(opts.collections)) collections.set(id.toLowerCase(), await Collection.open(id.toLowerCase(), folder));
  const clients = opts.clients ?? { 'sim-client': 'sim-secret' };
  const lifetime = opts.tokenLifetimeSeconds ?? 172_800;
  const engine = new TaskEngine({
    bytesPerSecond: opts.bytesPerSecond ?? 1024 ** 3,
    minTaskMs: opts.minTaskMs ?? 50,
    maxActiveTasksPerUser: opts.maxActiveTasksPerUser ?? 3,
  });
  const faults = new FaultTable();
  const tokens = new Map<string, Token>();
  const submissionIds = new SubmissionIds();
  const log: SimRequest[] = [];

  const collection = (id: string): Collection => {
    const c = collections.get(id.toLowerCase());
    if (!c) throw new GlobusError(404, 'EndpointNotFound', `No such endpoint or collection with id '${id}'`);
    return c;
  };

  // ------------------------------------------------------------------ Auth

  function token(ctx: Ctx): Reply {
    const m = /^Basic\s+(\S+)$/i.exec(ctx.headers.authorization ?? '');
    const decoded = m?.[1] ? Buffer.from(m[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const id = colon >= 0 ? decoded.slice(0, colon) : '';
    const secret = colon >= 0 ? decoded.slice(colon + 1) : '';
    if (!id || !Object.hasOwn(clients, id) || clients[id] !== secret) {
      return { status: 401, body: { error: 'invalid_client' }, headers: { 'www-authenticate': 'Basic realm="auth.globus.org"' } };
    }
    const problem = queryProblem(ctx.method, ctx.path, ctx.query);
    if (problem) return { status: 400, body: { error: 'invalid_request', error_description: problem } };
    const form = /application\/x-www-form-urlencoded/i.test(ctx.headers['content-type'] ?? '') ? new URLSearchParams(ctx.raw.toString('utf8')) : new URLSearchParams();
    const grant = form.get('grant_type');
    if (!grant) return { status: 400, body: { error: 'invalid_request', error_description: 'grant_type is required (form-encoded body)' } };
    if (grant !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
    const scope = (form.get('scope') ?? '').trim().split(/\s+/).filter(Boolean);
    if (scope.length === 0) return { status: 400, body: { error: 'invalid_scope', error_description: 'a client_credentials request needs a scope' } };
    const unknown = scope.filter((x) => !Object.hasOwn(RESOURCE_SERVERS, x));
    if (unknown.length > 0) return { status: 400, body: { error: 'invalid_scope', error_description: `the simulator only issues ${Object.keys(RESOURCE_SERVERS).join(' and ')}` } };
    // One token per resource server: the first scope's in the answer, the others in other_tokens.
    const issue = (sc: string): Record<string, unknown> => {
      const access = `Ag${randomBytes(36).toString('base64url')}`;
      tokens.set(access, { client: id, scope: sc, expiresAt: Date.now() + lifetime * 1000, revoked: false });
      return { access_token: access, scope: sc, expires_in: lifetime, token_type: 'Bearer', resource_server: RESOURCE_SERVERS[sc] };
    };
    const [first = TRANSFER_SCOPE, ...rest] = [...new Set(scope)];
    return { status: 200, body: { ...issue(first), other_tokens: rest.map(issue) } };
  }

  /** The client behind a valid bearer token, else 401 AuthenticationFailed. */
  function authenticate(ctx: Ctx): string {
    const h = ctx.headers.authorization;
    if (!h) throw new GlobusError(401, 'AuthenticationFailed', 'No Authorization header provided');
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    const t = m?.[1] ? tokens.get(m[1]) : undefined;
    if (!t || t.revoked || Date.now() >= t.expiresAt) throw new GlobusError(401, 'AuthenticationFailed', 'Token is not active');
    if (t.scope !== TRANSFER_SCOPE) throw new GlobusError(401, 'AuthenticationFailed', 'Token is not valid for this resource server');
    return t.client;
  }

  // ------------------------------------------------------------------ Transfer

  function submitResult(kind: 'transfer' | 'delete', ctx: Ctx, taskId: string, submissionId: string, duplicate: boolean): Reply {
    return {
      status: duplicate ? 200 : 202,
      body: {
        DATA_TYPE: `${kind}_result`,
        code: duplicate ? 'Duplicate' : 'Accepted',
        message: duplicate
          ? `A ${kind} with submission id '${submissionId}' was already submitted as task ${taskId}`
          : `The ${kind} has been accepted and a task has been created and queued for execution`,
        request_id: ctx.requestId,
        resource: ctx.path,
        submission_id: submissionId,
        task_id: taskId,
        task_link: { DATA_TYPE: 'link', href: `task/${taskId}?format=json`, rel: 'related', resource: 'task', title: 'related task' },
      },
    };
  }

  function duplicateOf(kind: 'transfer' | 'delete', ctx: Ctx, client: string, sid: string): Reply | undefined {
    const prior = engine.bySubmissionId(sid);
    if (!prior) return undefined;
    if (prior.doc.owner_id !== client) throw new GlobusError(409, 'Conflict', `submission_id '${sid}' was used by another identity`);
    return submitResult(kind, ctx, prior.doc.task_id, sid, true);
  }

  function submitTransfer(ctx: Ctx, client: string): Reply {
    const doc = jsonBody(ctx);
    if (doc.DATA_TYPE !== 'transfer') throw badRequest(`DATA_TYPE must be 'transfer', got ${JSON.stringify(doc.DATA_TYPE)}`);
    const sid = submissionIds.check(doc, client);
    const dup = duplicateOf('transfer', ctx, client, sid);
    if (dup) return dup;
    onlyKeys(doc, TRANSFER_KEYS, 'transfer');
    if (typeof doc.source_endpoint !== 'string' || typeof doc.destination_endpoint !== 'string') {
      throw badRequest("'source_endpoint' and 'destination_endpoint' are required collection ids");
    }
    const source = collection(doc.source_endpoint);
    const destination = collection(doc.destination_endpoint);
    const label = checkLabel(doc);
    const data = doc.DATA;
    if (data !== undefined && data !== null && !Array.isArray(data)) throw badRequest("'DATA' must be a list of transfer_item documents");
    if (!Array.isArray(data) || data.length === 0) throw badRequest('A transfer requires at least one item', 'ClientError.BadRequest.NoTransferItems');
    const items: TransferItemSpec[] = data.map((item: unknown, i) => {
      if (!isRecord(item) || item.DATA_TYPE !== 'transfer_item') throw badRequest(`DATA[${i}] must be a transfer_item document`);
      onlyKeys(item, TRANSFER_ITEM_KEYS, 'transfer_item');
      return {
        source_path: normalizeGlobusPath(item.source_path, `DATA[${i}].source_path`),
        destination_path: normalizeGlobusPath(item.destination_path, `DATA[${i}].destination_path`),
        recursive: opt(item, 'recursive', 'boolean') ?? false,
      };
    });
    const sync = doc.sync_level;
    if (sync !== undefined && sync !== null && !(typeof sync === 'number' && Number.isInteger(sync) && sync >= 0 && sync <= 3)) {
      throw badRequest(`'sync_level' must be an integer 0-3, got ${JSON.stringify(sync)}`);
    }
    if (doc.filter_rules !== undefined && doc.filter_rules !== null) throw badRequest("'filter_rules' is not supported by the simulator");
    const deadline = checkDeadline(doc);
    for (const k of ['notify_on_succeeded', 'notify_on_failed', 'notify_on_inactive', 'skip_activation_check', 'store_base_path_info'] as const) opt(doc, k, 'boolean');
    const spec: TransferSpec = {
      kind: 'TRANSFER',
      source,
      destination,
      items,
      syncLevel: typeof sync === 'number' ? sync : null,
      verifyChecksum: opt(doc, 'verify_checksum', 'boolean') ?? false,
      preserveTimestamp: opt(doc, 'preserve_timestamp', 'boolean') ?? false,
      skipSourceErrors: opt(doc, 'skip_source_errors', 'boolean') ?? false,
      encryptData: opt(doc, 'encrypt_data', 'boolean') ?? false,
      failOnQuotaErrors: opt(doc, 'fail_on_quota_errors', 'boolean') ?? false,
      deleteDestinationExtra: opt(doc, 'delete_destination_extra', 'boolean') ?? false,
    };
    const task = engine.submit({ owner: client, username: `${client}@clients.auth.globus.org`, submissionId: sid, label, deadline, spec });
    return submitResult('transfer', ctx, task.doc.task_id, sid, false);
  }

  function submitDelete(ctx: Ctx, client: string): Reply {
    const doc = jsonBody(ctx);
    if (doc.DATA_TYPE !== 'delete') throw badRequest(`DATA_TYPE must be 'delete', got ${JSON.stringify(doc.DATA_TYPE)}`);
    const sid = submissionIds.check(doc, client);
    const dup = duplicateOf('delete', ctx, client, sid);
    if (dup) return dup;
    onlyKeys(doc, DELETE_KEYS, 'delete');
    if (typeof doc.endpoint !== 'string') throw badRequest("'endpoint' is required (a collection id)");
    const endpoint = collection(doc.endpoint);
    const label = checkLabel(doc);
    const data = doc.DATA;
    if (data !== undefined && data !== null && !Array.isArray(data)) throw badRequest("'DATA' must be a list of delete_item documents");
    if (!Array.isArray(data) || data.length === 0) throw badRequest('A delete requires at least one item', 'ClientError.BadRequest.NoDeleteItems');
    const paths = data.map((item: unknown, i) => {
      if (!isRecord(item) || item.DATA_TYPE !== 'delete_item') throw badRequest(`DATA[${i}] must be a delete_item document`);
      onlyKeys(item, DELETE_ITEM_KEYS, 'delete_item');
      return normalizeGlobusPath(item.path, `DATA[${i}].path`);
    });
    if (opt(doc, 'interpret_globs', 'boolean')) throw badRequest("'interpret_globs' is not supported by the simulator");
    opt(doc, 'local_user', 'string');
    const deadline = checkDeadline(doc);
    const spec: DeleteSpec = {
      kind: 'DELETE',
      endpoint,
      paths,
      recursive: opt(doc, 'recursive', 'boolean') ?? false,
      ignoreMissing: opt(doc, 'ignore_missing', 'boolean') ?? false,
    };
    const task = engine.submit({ owner: client, username: `${client}@clients.auth.globus.org`, submissionId: sid, label, deadline, spec });
    return submitResult('delete', ctx, task.doc.task_id, sid, false);
  }

  function findTask(id: string, client: string): NonNullable<ReturnType<TaskEngine['get']>> {
    const t = engine.get(id, client);
    if (!t) throw new GlobusError(404, 'ClientError.NotFound', `Task '${id}' not found`);
    return t;
  }

  function markerPage(ctx: Ctx, dataType: string, all: readonly unknown[]): Reply {
    const marker = parseIntParam(ctx.query.get('marker'), 0, 'marker', 0, Number.MAX_SAFE_INTEGER);
    const page = all.slice(marker, marker + 100);
    const next = marker + 100 < all.length ? marker + 100 : null;
    return { status: 200, body: { DATA_TYPE: dataType, marker, next_marker: next, DATA: page } };
  }

  async function transferApi(ctx: Ctx): Promise<Reply> {
    const client = authenticate(ctx);
    const { method, path } = ctx;
    checkQuery(method, path, ctx.query);
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/v0.10/submission_id') {
      // DATA_TYPE as the live service answers (globus-sdk-python e32e31a3, test_operation_get_submission_id).
      return { status: 200, body: { DATA_TYPE: 'submission_id', value: submissionIds.issue(client, randomUUID()) } };
    }
    if (method === 'POST' && path === '/v0.10/transfer') return submitTransfer(ctx, client);
    if (method === 'POST' && path === '/v0.10/delete') return submitDelete(ctx, client);
    if (method === 'GET' && path === '/v0.10/task_list') {
      const limit = parseIntParam(ctx.query.get('limit'), 10, 'limit', 1, 1000);
      const offset = parseIntParam(ctx.query.get('offset'), 0, 'offset', 0, Number.MAX_SAFE_INTEGER);
      const conds = (ctx.query.get('filter') ?? '').split('/').filter(Boolean).map((f) => {
        const [k = '', v = ''] = f.split(':');
        if (k !== 'status' && k !== 'type' && k !== 'task_id') throw badRequest(`unsupported task_list filter '${f}'`);
        const vals = v.split(',');
        return (d: TaskDocument): boolean => vals.includes(d[k]);
      });
      const mine = engine.snapshot().filter((d) => d.owner_id === client && conds.every((c) => c(d))).reverse();
      const page = mine.slice(offset, offset + limit);
      return { status: 200, body: { DATA_TYPE: 'task_list', length: page.length, limit, offset, total: mine.length, DATA: page } };
    }
    if ((m = /^\/v0\.10\/task\/([^/]+)$/.exec(path)) && method === 'GET') {
      return { status: 200, body: engine.document(findTask(decodeURIComponent(m[1] ?? ''), client)) };
    }
    if ((m = /^\/v0\.10\/task\/([^/]+)\/event_list$/.exec(path)) && method === 'GET') {
      const t = findTask(decodeURIComponent(m[1] ?? ''), client);
      const limit = parseIntParam(ctx.query.get('limit'), 10, 'limit', 1, EVENT_LIST_MAX);
      const offset = parseIntParam(ctx.query.get('offset'), 0, 'offset', 0, EVENT_LIST_MAX - 1);
      if (offset + limit > EVENT_LIST_MAX) throw badRequest(`offset + limit must be at most ${EVENT_LIST_MAX}, got ${offset + limit}`);
      let events = engine.events(t);
      const filter = ctx.query.get('filter');
      if (filter !== null) {
        const fm = /^is_error:(0|1)$/.exec(filter);
        if (!fm) throw badRequest(`unsupported event_list filter '${filter}'`);
        events = events.filter((e) => e.is_error === (fm[1] === '1'));
      }
      const page = events.slice(offset, offset + limit);
      return { status: 200, body: { DATA_TYPE: 'event_list', length: page.length, limit, offset, total: events.length, DATA: page } };
    }
    if ((m = /^\/v0\.10\/task\/([^/]+)\/successful_transfers$/.exec(path)) && method === 'GET') {
      return markerPage(ctx, 'successful_transfers', engine.successful(findTask(decodeURIComponent(m[1] ?? ''), client)));
    }
    if ((m = /^\/v0\.10\/task\/([^/]+)\/skipped_errors$/.exec(path)) && method === 'GET') {
      return markerPage(ctx, 'skipped_errors', engine.skipped(findTask(decodeURIComponent(m[1] ?? ''), client)));
    }
    if ((m = /^\/v0\.10\/task\/([^/]+)\/cancel$/.exec(path)) && method === 'POST') {
      const id = decodeURIComponent(m[1] ?? '');
      const t = findTask(id, client);
      if (!engine.cancel(t)) {
        return { status: 200, body: { DATA_TYPE: 'result', code: 'TaskComplete', message: 'The task completed before the cancel request was processed.', resource: `/task/${id}/cancel`, request_id: ctx.requestId } };
      }
      return { status: 200, body: { DATA_TYPE: 'result', code: 'Canceled', message: 'The task has been cancelled successfully.', resource: `/task/${id}/cancel`, request_id: ctx.requestId } };
    }
    if ((m = /^\/v0\.10\/operation\/endpoint\/([^/]+)\/(ls|stat|mkdir|rename)$/.exec(path))) {
      const c = collection(decodeURIComponent(m[1] ?? ''));
      const op = m[2];
      if (op === 'ls' && method === 'GET') return { status: 200, body: await c.ls(ctx.query.get('path'), ctx.query) };
      if (op === 'stat' && method === 'GET') return { status: 200, body: await c.stat(ctx.query.get('path')) };
      if (op === 'mkdir' && method === 'POST') {
        const doc = jsonBody(ctx);
        if (doc.DATA_TYPE !== 'mkdir') throw badRequest(`DATA_TYPE must be 'mkdir', got ${JSON.stringify(doc.DATA_TYPE)}`);
        onlyKeys(doc, ['DATA_TYPE', 'path', 'local_user'], 'mkdir');
        await c.mkdir(doc.path);
        return { status: 200, body: { DATA_TYPE: 'mkdir_result', code: 'DirectoryCreated', message: 'The directory was created successfully', request_id: ctx.requestId, resource: path } };
      }
      if (op === 'rename' && method === 'POST') {
        const doc = jsonBody(ctx);
        if (doc.DATA_TYPE !== 'rename') throw badRequest(`DATA_TYPE must be 'rename', got ${JSON.stringify(doc.DATA_TYPE)}`);
        onlyKeys(doc, ['DATA_TYPE', 'old_path', 'new_path', 'local_user'], 'rename');
        await c.rename(doc.old_path, doc.new_path);
        return { status: 200, body: { DATA_TYPE: 'result', code: 'FileRenamed', message: 'File or directory renamed successfully', request_id: ctx.requestId, resource: path } };
      }
    }
    throw new GlobusError(404, 'ClientError.NotFound', `No such resource: ${method} ${path}`);
  }

  async function route(ctx: Ctx): Promise<Reply> {
    if (ctx.path === '/v2/oauth2/token' && ctx.method === 'POST') return token(ctx);
    if (ctx.path.startsWith('/v0.10/')) return transferApi(ctx);
    throw new GlobusError(404, 'ClientError.NotFound', `No such resource: ${ctx.method} ${ctx.path}`);
  }

  // ------------------------------------------------------------------ HTTP

  const errorReply = (ctx: Pick<Ctx, 'path' | 'requestId'>, status: number, code: string, message: string, headers: Record<string, string> = {}): Reply => ({
    status,
    body: { code, message, request_id: ctx.requestId, resource: ctx.path },
    headers,
  });

  const readBody = (req: IncomingMessage): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BODY) chunks.push(c);
      });
      req.on('end', () => {
        if (size > MAX_BODY) reject(new GlobusError(413, 'ClientError.RequestEntityTooLarge', `Request body over ${MAX_BODY} bytes`));
        else resolve(Buffer.concat(chunks));
      });
      req.on('error', reject);
    });

  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const record = (status: number): void => {
      log.push({ method, path, status, time });
    };
    res.on('error', () => undefined);
    const fault = faults.take(method, path);
    if (fault?.kind === 'drop-before') {
      record(0);
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'delay') await sleep(fault.ms);
    const ctx: Ctx = { method, path, query: url.searchParams, headers: req.headers, raw: Buffer.alloc(0), requestId: requestId() };
    let reply: Reply;
    try {
      ctx.raw = await readBody(req);
      if (fault?.kind === 'status') {
        const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
        reply = errorReply(ctx, fault.status, fault.code ?? defaultCodeFor(fault.status), fault.message ?? `Injected fault: HTTP ${fault.status}`, headers);
      } else {
        reply = await route(ctx);
      }
    } catch (err) {
      reply = err instanceof GlobusError
        ? errorReply(ctx, err.status, err.code, err.message, err.headers)
        : errorReply(ctx, 500, 'InternalError', `Simulator error: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (fault?.kind === 'drop-after') {
      record(0);
      req.socket.destroy();
      return;
    }
    const text = JSON.stringify(reply.body);
    record(reply.status);
    res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...reply.headers });
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
    count(method = '*', pathPrefix = '') {
      const m = method.toUpperCase();
      return log.filter((r) => (m === '*' || r.method === m) && r.path.startsWith(pathPrefix)).length;
    },
    inject(method, path, fault) {
      faults.inject(method, path, fault);
    },
    expireTokens() {
      for (const t of tokens.values()) t.revoked = true;
    },
    introspect(token) {
      const t = tokens.get(token);
      if (!t) return undefined;
      return { active: !t.revoked && Date.now() < t.expiresAt, client: t.client, scope: t.scope };
    },
    failNextTask(code, description) {
      engine.queueMode({ kind: 'fail', code, description });
    },
    stickNextTask(code) {
      engine.queueMode({ kind: 'stick', code });
    },
    inactivateNextTask(ms, code = 'AUTH') {
      engine.queueMode({ kind: 'inactive', ms, code });
    },
    tasks() {
      return engine.snapshot();
    },
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => { resolve(); }));
        server.closeAllConnections();
        await closed;
        await engine.close();
      })();
      return closing;
    },
  };
}
