/**
 * SciCat v3 client (CONTRACTS §3): login → bearer token (cached, renewed once on a 401), raw datasets,
 * orig-datablocks, attachments and the lookup that makes ingest re-runs idempotent. pids contain '/', so every
 * pid in a path is percent-encoded. Retries (network errors, 5xx) live in ScicatTransport.
 */
import type { Dispatcher } from 'undici';
import {
  type DatablockInput,
  type DerivedDatasetDocument,
  normalizeSourceFolder,
  validateAttachment,
  validateDatablock,
  validateDerivedDataset,
  validateOrigDatablock,
  validateRawDataset,
  type AttachmentInput,
  type OrigDatablockInput,
  type RawDatasetDocument,
  type ScicatDataset,
} from './documents.js';
import { registerSecret } from '../secrets.js';
import { TokenCache } from '../http/token-cache.js';
import { ScicatApiError, ScicatAuthError, ScicatValidationError } from './errors.js';
import { ScicatTransport, type Authorizer, type RetryOptions, type TransportRequest } from './transport.js';
import { isRecord } from '../is-record.js';

export const API_PREFIX = '/api/v3';
export const LOGIN_PATH = `${API_PREFIX}/auth/login`;
export const DATASETS_PATH = `${API_PREFIX}/Datasets`;
export const DATABLOCKS_PATH = `${API_PREFIX}/datablocks`;

export interface ScicatClientOptions {
  /** Backend root, e.g. `https://scicat.example.org` (no `/api/v3`). */
  baseUrl: string;
  username: string;
  password: string;
  /**
   * Called with the password and every token obtained. They are registered with the process's mask
   * (src/secrets.ts) either way; this is for callers that keep their own list.
   */
  mask?: (secret: string) => void;
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Check documents locally before sending (default true); the backend checks again either way. */
  validate?: boolean;
  dispatcher?: Dispatcher;
}

export interface DatasetQuery {
  sourceFolder: string;
  datasetName: string;
}

export interface OrigDatablock extends OrigDatablockInput {
  id?: string;
  _id?: string;
  datasetId?: string;
  [field: string]: unknown;
}

export interface Attachment extends AttachmentInput {
  id?: string;
  _id?: string;
  datasetId?: string;
  [field: string]: unknown;
}

export interface EnsureResult {
  dataset: ScicatDataset;
  /** False when an existing dataset was found (a re-run). */
  created: boolean;
}

/** `/api/v3/Datasets/<pid>` with the pid percent-encoded (its '/' becomes %2F). */
export function datasetPath(pid: string, sub?: string): string {
  return `${DATASETS_PATH}/${encodeURIComponent(pid)}${sub ? `/${sub}` : ''}`;
}

export class ScicatClient implements Authorizer {
  readonly transport: ScicatTransport;
  /** Logins performed so far. */
  logins = 0;

  readonly #username: string;
  readonly #password: string;
  readonly #mask: (secret: string) => void;
  readonly #validate: boolean;
  // A SciCat token lasts until the backend refuses it.
  readonly #tokens = new TokenCache(async () => ({ value: await this.#login(), renewAt: Infinity }));

  constructor(opts: ScicatClientOptions) {
    this.#username = opts.username;
    this.#password = opts.password;
    this.#mask = opts.mask ?? (() => undefined);
    this.#validate = opts.validate ?? true;
    registerSecret(opts.password);
    if (opts.password) this.#mask(opts.password);
    this.transport = new ScicatTransport({ baseUrl: opts.baseUrl, timeoutMs: opts.timeoutMs, retry: opts.retry, dispatcher: opts.dispatcher });
  }

  /** The cached token, or a new one from a login (one login however many callers wait). */
  accessToken(): Promise<string> {
    return this.#tokens.accessToken();
  }

  invalidate(rejected?: string): void {
    this.#tokens.invalidate(rejected);
  }

  async #login(): Promise<string> {
    const { body } = await this.transport.request({
      method: 'POST',
      path: LOGIN_PATH,
      json: { username: this.#username, password: this.#password },
      errorClass: ScicatAuthError,
      advice: (status) => (status === 401 || status === 403 ? 'check the SciCat username and password' : undefined),
    });
    const token = isRecord(body) ? (typeof body.access_token === 'string' && body.access_token !== '' ? body.access_token : body.id) : undefined;
    if (typeof token !== 'string' || token === '') {
      throw new ScicatAuthError({ method: 'POST', path: LOGIN_PATH, status: 201, apiMessage: 'login answer has neither access_token nor id', attempts: 1 });
    }
    registerSecret(token);
    this.#mask(token);
    this.logins++;
    return token;
  }

  async #call(req: Omit<TransportRequest, 'authorizer'>): Promise<unknown> {
    const { body } = await this.transport.request({ ...req, authorizer: this });
    return body;
  }

  #asDataset(body: unknown, req: { method: string; path: string }): ScicatDataset {
    if (isRecord(body) && typeof body.pid === 'string' && body.pid !== '') return body as ScicatDataset;
    throw new ScicatApiError({ ...req, status: 200, apiMessage: 'expected a dataset with a pid in the answer', attempts: 1, body });
  }

  #prepare(doc: RawDatasetDocument): RawDatasetDocument {
    const prepared = { ...doc, sourceFolder: normalizeSourceFolder(doc.sourceFolder) };
    if (this.#validate) {
      const v = validateRawDataset(prepared);
      if (!v.ok) throw new ScicatValidationError(`Dataset '${doc.datasetName}'`, v.issues);
    }
    return prepared;
  }

  /** POST /api/v3/Datasets (type raw) → the stored dataset with its pid. Not idempotent: see ensureRawDataset. */
  async createRawDataset(doc: RawDatasetDocument): Promise<ScicatDataset> {
    const body = await this.#call({ method: 'POST', path: DATASETS_PATH, json: this.#prepare(doc) });
    return this.#asDataset(body, { method: 'POST', path: DATASETS_PATH });
  }

  /**
   * The first dataset whose sourceFolder and datasetName match exactly, or undefined. Each value is sent as
   * the one item of an `inq` list: the backend's WherePipe turns date-like strings in `where` into Dates
   * (SciCatProject/backend#2583: v4.27 any string `new Date()` parses, e.g. `/raw/2024-01-01` or `Sample 3`;
   * v4.28+ those starting with YYYY-MM-DD), and a Date never equals the stored string — the lookup would miss
   * and a re-run would create a second dataset. The pipe converts object values only, never array items, and
   * every backend version maps `inq` to Mongo's `$in`. The answer is checked too: a backend that ignored the
   * filter must not make another dataset pass for this one.
   */
  async findDataset(q: DatasetQuery): Promise<ScicatDataset | undefined> {
    const sourceFolder = normalizeSourceFolder(q.sourceFolder);
    const filter = { where: { sourceFolder: { inq: [sourceFolder] }, datasetName: { inq: [q.datasetName] } }, limits: { limit: 1 } };
    const req = { method: 'GET', path: DATASETS_PATH } as const;
    const body = await this.#call({ ...req, query: new URLSearchParams({ filter: JSON.stringify(filter) }) });
    if (!Array.isArray(body)) throw new ScicatApiError({ ...req, status: 200, apiMessage: 'expected an array of datasets', attempts: 1, body });
    const first: unknown = body[0];
    if (first === undefined) return undefined;
    const dataset = this.#asDataset(first, req);
    if (dataset.sourceFolder !== sourceFolder || dataset.datasetName !== q.datasetName) {
      throw new ScicatApiError({ ...req, status: 200, apiMessage: `the lookup by sourceFolder and datasetName answered another dataset (${dataset.pid}): the backend did not apply the filter`, attempts: 1 });
    }
    return dataset;
  }

  /** GET /api/v3/Datasets/<pid>; a 404 is an error (use findDataset to ask "does it exist"). */
  async getDataset(pid: string): Promise<ScicatDataset> {
    const path = datasetPath(pid);
    return this.#asDataset(await this.#call({ method: 'GET', path }), { method: 'GET', path });
  }

  /**
   * Finds the dataset by sourceFolder + datasetName and creates it only if absent, so re-running an ingest
   * leaves one dataset. A create whose answer was lost (reset, 5xx after the write) is checked with the same
   * lookup before it is retried.
   */
  async ensureRawDataset(doc: RawDatasetDocument): Promise<EnsureResult> {
    return this.#ensure(this.#prepare(doc));
  }

  /** The same for a derived dataset (a reconstruction), checked against the derived DTO's rules. */
  async ensureDerivedDataset(doc: DerivedDatasetDocument): Promise<EnsureResult> {
    const prepared = { ...doc, sourceFolder: normalizeSourceFolder(doc.sourceFolder) };
    if (this.#validate) {
      const v = validateDerivedDataset(prepared);
      if (!v.ok) throw new ScicatValidationError(`Derived dataset '${doc.datasetName}'`, v.issues);
    }
    return this.#ensure(prepared);
  }

  async #ensure(prepared: { sourceFolder: string; datasetName: string }): Promise<EnsureResult> {
    const q = { sourceFolder: prepared.sourceFolder, datasetName: prepared.datasetName };
    const existing = await this.findDataset(q);
    if (existing) return { dataset: existing, created: false };
    const res = await this.transport.request({ method: 'POST', path: DATASETS_PATH, json: prepared, authorizer: this, recover: () => this.findDataset(q) });
    const dataset = this.#asDataset(res.body, { method: 'POST', path: DATASETS_PATH });
    return { dataset, created: res.recovered !== true };
  }

  /** POST /api/v3/Datasets/<pid>/origdatablocks: the file list (every file with path, size and time). */
  async addOrigDatablock(pid: string, block: OrigDatablockInput): Promise<OrigDatablock> {
    if (this.#validate) {
      const v = validateOrigDatablock(block);
      if (!v.ok) throw new ScicatValidationError(`Orig-datablock for ${pid}`, v.issues);
    }
    const path = datasetPath(pid, 'origdatablocks');
    const body = await this.#call({ method: 'POST', path, json: block });
    if (!isRecord(body)) throw new ScicatApiError({ method: 'POST', path, status: 201, apiMessage: 'expected the created datablock', attempts: 1, body });
    return body as OrigDatablock;
  }

  /** GET /api/v3/Datasets/<pid>/origdatablocks and …/attachments: how many a dataset has (a re-run checks). */
  async countRelated(pid: string, sub: 'origdatablocks' | 'attachments'): Promise<number> {
    const path = datasetPath(pid, sub);
    const body = await this.#call({ method: 'GET', path });
    if (!Array.isArray(body)) throw new ScicatApiError({ method: 'GET', path, status: 200, apiMessage: `expected a list of ${sub}`, attempts: 1, body });
    return body.length;
  }

  /**
   * Which of these archiveIds already have a datablock, as far as this account may see (GET /api/v3/datablocks
   * with `archiveId: {inq: […]}` — array items pass the backend's WherePipe unconverted).
   */
  async datablocksWithArchiveIds(ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += 50) {
      const chunk = ids.slice(i, i + 50);
      const filter = { where: { archiveId: { inq: chunk } }, limits: { limit: chunk.length } };
      const req = { method: 'GET', path: DATABLOCKS_PATH } as const;
      const body = await this.#call({ ...req, query: new URLSearchParams({ filter: JSON.stringify(filter) }) });
      if (!Array.isArray(body)) throw new ScicatApiError({ ...req, status: 200, apiMessage: 'expected an array of datablocks', attempts: 1, body });
      for (const b of body) if (isRecord(b) && typeof b.archiveId === 'string' && chunk.includes(b.archiveId)) found.add(b.archiveId);
    }
    return found;
  }

  /**
   * POST /api/v3/datablocks. 'exists' when the backend already holds a datablock with this archiveId (409: the
   * backend keeps archiveId unique) — a replay, or a record this account may not read back. A lost answer is
   * checked by looking the archiveId up before the request is retried.
   */
  async addDatablock(block: DatablockInput): Promise<'created' | 'exists'> {
    if (this.#validate) {
      const v = validateDatablock(block);
      if (!v.ok) throw new ScicatValidationError(`Datablock ${block.archiveId}`, v.issues);
    }
    try {
      const res = await this.transport.request({
        method: 'POST', path: DATABLOCKS_PATH, json: block, authorizer: this,
        recover: async () => ((await this.datablocksWithArchiveIds([block.archiveId])).has(block.archiveId) ? { archiveId: block.archiveId } : undefined),
      });
      if (!isRecord(res.body)) throw new ScicatApiError({ method: 'POST', path: DATABLOCKS_PATH, status: 201, apiMessage: 'expected the created datablock', attempts: 1, body: res.body });
      return 'created';
    } catch (err) {
      if (err instanceof ScicatApiError && err.status === 409) return 'exists';
      throw err;
    }
  }

  /** POST /api/v3/Datasets/<pid>/attachments: a thumbnail as a data URL. */
  async addAttachment(pid: string, att: AttachmentInput): Promise<Attachment> {
    if (this.#validate) {
      const v = validateAttachment(att);
      if (!v.ok) throw new ScicatValidationError(`Attachment for ${pid}`, v.issues);
    }
    const path = datasetPath(pid, 'attachments');
    const body = await this.#call({ method: 'POST', path, json: att });
    if (!isRecord(body)) throw new ScicatApiError({ method: 'POST', path, status: 201, apiMessage: 'expected the created attachment', attempts: 1, body });
    return body as Attachment;
  }
}
