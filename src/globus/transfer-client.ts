/**
 * Globus Transfer API v0.10 client: one method per API call, typed documents in and out (CONTRACTS.md §1.3–1.10).
 * Base URLs are configuration, so the real service and the test simulator are interchangeable.
 */
import type { Dispatcher } from 'undici';
import { ClientCredentialsAuth } from './auth.js';
import { withoutUnset } from './documents.js';
import { GlobusApiError, hasGlobusCode } from './errors.js';
import { GlobusTransport, type RetryOptions, type TransportRequest, type TransportResponse } from './transport.js';
import type {
  DeleteDocument,
  EventList,
  FileDocument,
  FileList,
  OperationResult,
  SubmitResult,
  SuccessfulTransfer,
  SuccessfulTransfersPage,
  TaskDocument,
  TaskEvent,
  TransferDocument,
} from './types.js';
import { isRecord } from '../is-record.js';

export const PRODUCTION_AUTH_URL = 'https://auth.globus.org';
export const PRODUCTION_TRANSFER_URL = 'https://transfer.api.globus.org';

export const DEFAULT_PAGE_SIZE = 1000;
/** The event list serves at most this many events (offset + limit); asking past it is a 400. */
export const EVENT_LIST_MAX = 1000;

export interface TransferClientOptions {
  authUrl: string;
  transferUrl: string;
  clientId: string;
  clientSecret: string;
  /** Called with the client secret and every access token, so the step context can hide them. */
  mask?: (secret: string) => void;
  /** Per-request timeout (default 60 s). */
  timeoutMs?: number;
  retry?: RetryOptions;
  dispatcher?: Dispatcher;
  /** Clock for token expiry, injectable for tests. */
  now?: () => number;
}

export interface LsOptions {
  showHidden?: boolean;
  /** e.g. `['name', 'last_modified']` or `'size DESC'`; several are comma-joined. */
  orderby?: string | readonly string[];
  /** e.g. `name:~*.h5`; several are sent as repeated parameters. */
  filter?: string | readonly string[];
  /** Page size (default 1000). */
  limit?: number;
  localUser?: string;
}

export interface PageOptions {
  /** Page size (default 1000). */
  limit?: number;
}

/** Path segment for an id: collection and task ids never reach a URL path unencoded. */
const seg = (id: string): string => encodeURIComponent(id);

export class TransferClient {
  readonly auth: ClientCredentialsAuth;
  readonly transport: GlobusTransport;

  constructor(opts: TransferClientOptions) {
    this.auth = new ClientCredentialsAuth({
      authUrl: opts.authUrl,
      clientId: opts.clientId,
      clientSecret: opts.clientSecret,
      mask: opts.mask,
      timeoutMs: opts.timeoutMs,
      retry: opts.retry,
      dispatcher: opts.dispatcher,
      now: opts.now,
    });
    this.transport = new GlobusTransport({
      service: 'Transfer',
      baseUrl: opts.transferUrl,
      timeoutMs: opts.timeoutMs,
      retry: opts.retry,
      authorizer: this.auth,
      dispatcher: opts.dispatcher,
    });
  }

  /** `GET /v0.10/submission_id`: an id that makes a submission idempotent. */
  async getSubmissionId(): Promise<string> {
    const req: TransportRequest = { method: 'GET', path: '/v0.10/submission_id' };
    const res = await this.transport.request(req);
    const value = (res.body as Record<string, unknown>).value;
    if (typeof value !== 'string' || value === '') throw unexpected(req, res, 'no submission id in the response');
    return value;
  }

  /**
   * `POST /v0.10/transfer`. Without a submission_id one is fetched first and reused on every retry, so a
   * connection lost after the service took the request cannot start a second task: the repeat comes back
   * `Duplicate` with the first task's id, which is success.
   */
  submitTransfer(doc: TransferDocument): Promise<SubmitResult> {
    return this.#submit('/v0.10/transfer', doc);
  }

  /** `POST /v0.10/delete`, with the same submission-id rules as `submitTransfer`. */
  submitDelete(doc: DeleteDocument): Promise<SubmitResult> {
    return this.#submit('/v0.10/delete', doc);
  }

  async #submit(path: string, doc: TransferDocument | DeleteDocument): Promise<SubmitResult> {
    const submissionId = doc.submission_id ?? (await this.getSubmissionId());
    const req: TransportRequest = { method: 'POST', path, json: withoutUnset({ ...doc, submission_id: submissionId }) };
    let res: TransportResponse;
    try {
      res = await this.transport.request(req);
    } catch (err) {
      // The status of a Duplicate answer is not documented; should it arrive as an error status, it still
      // names the task that the first submission started.
      if (err instanceof GlobusApiError && err.code === 'Duplicate' && isRecord(err.body) && typeof err.body.task_id === 'string') {
        return { ...(err.body as unknown as SubmitResult), submission_id: submissionId };
      }
      throw err;
    }
    // Any 2xx: the code decides, since the service's exact status for these answers is not pinned down.
    const body = res.body as Record<string, unknown>;
    if ((body.code === 'Accepted' || body.code === 'Duplicate') && typeof body.task_id === 'string') {
      return { ...(body as unknown as SubmitResult), submission_id: typeof body.submission_id === 'string' ? body.submission_id : submissionId };
    }
    const task = typeof body.task_id === 'string' ? ` (task ${body.task_id})` : '';
    throw unexpected(req, res, `submission answered with code ${JSON.stringify(body.code)}${task}`);
  }

  /** `GET /v0.10/task/<id>`. */
  async getTask(taskId: string): Promise<TaskDocument> {
    const req: TransportRequest = { method: 'GET', path: `/v0.10/task/${seg(taskId)}` };
    const res = await this.transport.request(req);
    const body = res.body as Record<string, unknown>;
    if (typeof body.task_id !== 'string' || typeof body.status !== 'string') throw unexpected(req, res, 'not a task document');
    return body as unknown as TaskDocument;
  }

  /**
   * `POST /v0.10/task/<id>/cancel`. Either way the task is no longer running, so a task that had already
   * ended (`TaskComplete`, whatever the status it comes with) is a result, not an error: the caller reads
   * the code, and `getTask` tells how it ended. This also covers a cancel repeated after a lost connection.
   */
  async cancelTask(taskId: string): Promise<OperationResult> {
    const req: TransportRequest = { method: 'POST', path: `/v0.10/task/${seg(taskId)}/cancel` };
    try {
      return operationResult(req, await this.transport.request(req));
    } catch (err) {
      if (err instanceof GlobusApiError && err.code === 'TaskComplete') {
        return { code: err.code, message: err.apiMessage, request_id: err.requestId, resource: err.resource };
      }
      throw err;
    }
  }

  /** Every event of a task, newest first as the service orders them; offset pages (`event_list`). */
  async *taskEvents(taskId: string, opts: PageOptions = {}): AsyncGenerator<TaskEvent> {
    const limit = pageSize(opts.limit);
    const path = `/v0.10/task/${seg(taskId)}/event_list`;
    for (let offset = 0; offset < EVENT_LIST_MAX; ) {
      const req: TransportRequest = {
        method: 'GET',
        path,
        query: new URLSearchParams({ limit: String(Math.min(limit, EVENT_LIST_MAX - offset)), offset: String(offset) }),
      };
      const res = await this.transport.request(req);
      const page = res.body as Partial<EventList>;
      if (!Array.isArray(page.DATA)) throw unexpected(req, res, 'event list without DATA');
      yield* page.DATA;
      offset += page.DATA.length;
      if (page.DATA.length === 0 || (typeof page.total === 'number' ? offset >= page.total : page.DATA.length < limit)) return;
    }
  }

  /** Files the task actually copied (not folders, not sync-skipped files); marker pages until `next_marker` is null. */
  async *successfulTransfers(taskId: string): AsyncGenerator<SuccessfulTransfer> {
    const path = `/v0.10/task/${seg(taskId)}/successful_transfers`;
    let marker: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const req: TransportRequest = { method: 'GET', path, ...(marker === undefined ? {} : { query: new URLSearchParams({ marker }) }) };
      const res = await this.transport.request(req);
      const page = res.body as Partial<SuccessfulTransfersPage>;
      if (!Array.isArray(page.DATA)) throw unexpected(req, res, 'successful_transfers page without DATA');
      yield* page.DATA;
      const next = page.next_marker;
      if (next === null || next === undefined) return;
      marker = String(next);
      // A marker that comes back twice would page forever.
      if (seen.has(marker)) throw unexpected(req, res, `next_marker ${marker} repeats`);
      seen.add(marker);
    }
  }

  /**
   * Every entry of a directory (`operation/ls`), fetched in offset pages. `last_modified` is
   * `YYYY-MM-DD hh:mm:ss+00:00`: read it with `parseGlobusTime`.
   */
  async *ls(collection: string, path: string, opts: LsOptions = {}): AsyncGenerator<FileDocument> {
    const limit = pageSize(opts.limit);
    const base = new URLSearchParams({ path });
    if (opts.showHidden !== undefined) base.set('show_hidden', opts.showHidden ? '1' : '0');
    if (opts.orderby !== undefined) base.set('orderby', typeof opts.orderby === 'string' ? opts.orderby : opts.orderby.join(','));
    for (const f of typeof opts.filter === 'string' ? [opts.filter] : (opts.filter ?? [])) base.append('filter', f);
    if (opts.localUser !== undefined) base.set('local_user', opts.localUser);
    for (let offset = 0; ; ) {
      const query = new URLSearchParams(base);
      query.set('limit', String(limit));
      query.set('offset', String(offset));
      const req: TransportRequest = { method: 'GET', path: `/v0.10/operation/endpoint/${seg(collection)}/ls`, query };
      const res = await this.transport.request(req);
      const page = res.body as Partial<FileList>;
      if (!Array.isArray(page.DATA)) throw unexpected(req, res, 'file list without DATA');
      yield* page.DATA;
      offset += page.DATA.length;
      if (page.DATA.length === 0 || (typeof page.total === 'number' ? offset >= page.total : page.DATA.length < limit)) return;
    }
  }

  /** `operation/stat`: one entry; a missing path is a GlobusApiError with code `NotFound` (see `isNotFound`). */
  async stat(collection: string, path: string, opts: { localUser?: string } = {}): Promise<FileDocument> {
    const query = new URLSearchParams({ path });
    if (opts.localUser !== undefined) query.set('local_user', opts.localUser);
    const req: TransportRequest = { method: 'GET', path: `/v0.10/operation/endpoint/${seg(collection)}/stat`, query };
    const res = await this.transport.request(req);
    const body = res.body as Partial<FileDocument>;
    if (typeof body.name !== 'string' || typeof body.type !== 'string') throw unexpected(req, res, 'not a file document');
    return body as FileDocument;
  }

  /**
   * `operation/mkdir`. With `existOk`, an existing directory is success: a retried mkdir whose first
   * attempt got through (connection lost after sending) answers `Exists`.
   */
  async mkdir(collection: string, path: string, opts: { existOk?: boolean; localUser?: string } = {}): Promise<OperationResult> {
    const req: TransportRequest = {
      method: 'POST',
      path: `/v0.10/operation/endpoint/${seg(collection)}/mkdir`,
      json: withoutUnset({ DATA_TYPE: 'mkdir', path, local_user: opts.localUser }),
    };
    try {
      return operationResult(req, await this.transport.request(req));
    } catch (err) {
      if (opts.existOk && err instanceof GlobusApiError && hasGlobusCode(err, 'ExternalError.MkdirFailed.Exists')) {
        return { code: err.code, message: err.apiMessage, request_id: err.requestId, resource: err.resource };
      }
      throw err;
    }
  }

  /** `operation/rename` within one collection (a file or a folder; the new path's parent must exist). */
  async rename(collection: string, oldPath: string, newPath: string, opts: { localUser?: string } = {}): Promise<OperationResult> {
    const req: TransportRequest = {
      method: 'POST',
      path: `/v0.10/operation/endpoint/${seg(collection)}/rename`,
      json: withoutUnset({ DATA_TYPE: 'rename', old_path: oldPath, new_path: newPath, local_user: opts.localUser }),
    };
    return operationResult(req, await this.transport.request(req));
  }
}

function pageSize(limit: number | undefined): number {
  const n = limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`page limit must be a positive integer, got ${String(limit)}`);
  return n;
}

function operationResult(req: TransportRequest, res: TransportResponse): OperationResult {
  const body = res.body as Partial<OperationResult>;
  if (typeof body.code !== 'string') throw unexpected(req, res, 'result without a code');
  return body as OperationResult;
}

/** A 2xx that is not the document the API promises: reported like a service error, never guessed around. */
function unexpected(req: TransportRequest, res: TransportResponse, message: string): GlobusApiError {
  return new GlobusApiError({
    service: 'Transfer',
    method: req.method,
    path: req.path,
    status: res.status,
    code: 'UnexpectedResponse',
    apiMessage: message,
    attempts: res.attempts,
    body: res.body,
  });
}
