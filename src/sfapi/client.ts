/**
 * NERSC Superfacility API v1.2 client (CONTRACTS §2, RECON §5): system status, the acting account and its
 * Iris clients, batch submission through the async-task pattern, job state from squeue (cached=false) with a
 * sacct fallback, cancel, and small-file download. Two error layers are checked on every call: HTTP errors
 * and 200 bodies with `status: "ERROR"`.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { SfapiAuth } from './auth.js';
import { SfapiApiError } from './errors.js';
import type { SfapiCredentials } from './key.js';
import { type RetryOptions, SfapiTransport } from './transport.js';
import type { IrisClient, JobView, SystemStatus, TaskStatus } from './types.js';
import { isRecord } from '../is-record.js';

export const SFAPI_URL = 'https://api.nersc.gov/api/v1.2';
export const SFAPI_TOKEN_URL = 'https://oidc.nersc.gov/c2id/token';

export interface SfapiClientOptions {
  apiUrl: string;
  tokenUrl: string;
  credentials: SfapiCredentials;
  settingsHint: string;
  machine: string;
  timeoutMs?: number | undefined;
  retry?: RetryOptions | undefined;
  dispatcher?: Dispatcher | undefined;
  /** Task polling: first wait and longest wait (ms), and how long a task may stay "new". */
  taskPollFirstMs?: number;
  taskPollMaxMs?: number;
  taskTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

type Doc = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Slurm durations: `M:SS`, `H:MM:SS`, `D-HH:MM:SS`, `MM:SS.mmm`; undefined for N/A, UNLIMITED and the like. */
export function slurmSeconds(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)(?:\.\d+)?$/.exec(v.trim());
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

const timeOrUndefined = (v: string | undefined): string | undefined => (v === undefined || /^(N\/A|Unknown|None|)$/.test(v) ? undefined : v);

/** A squeue or sacct row (raw SFAPI key names, CONTRACTS §2.4) read into one shape. */
export function jobViewOf(row: Doc, source: 'squeue' | 'sacct'): JobView {
  const s = (k: string): string | undefined => str(row[k]);
  const rawState = s('state') ?? '';
  const state = rawState.split(/\s+/)[0]?.replace(/\+$/, '') ?? '';
  if (source === 'sacct') {
    const raw = s('elapsedraw');
    return {
      source, jobId: s('jobid') ?? '', name: s('jobname') ?? '', state, reason: s('reason') ?? '', exitCode: s('exitcode'), user: s('user') ?? '',
      submitTime: timeOrUndefined(s('submit')), startTime: timeOrUndefined(s('start')), endTime: timeOrUndefined(s('end')),
      elapsedSeconds: raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : slurmSeconds(s('elapsed')),
      timeLimitSeconds: s('timelimitraw') !== undefined && /^\d+$/.test(s('timelimitraw') ?? '') ? Number(s('timelimitraw')) * 60 : slurmSeconds(s('timelimit')),
    };
  }
  return {
    source, jobId: s('jobid') ?? '', name: s('name') ?? '', state, reason: s('reason') ?? '', exitCode: undefined, user: s('user') ?? '',
    submitTime: timeOrUndefined(s('submit_time')), startTime: timeOrUndefined(s('start_time')), endTime: state === 'RUNNING' || state === 'PENDING' ? undefined : timeOrUndefined(s('end_time')),
    elapsedSeconds: slurmSeconds(s('time')), timeLimitSeconds: slurmSeconds(s('time_limit')),
  };
}

export interface JobQuery {
  readonly jobIds?: readonly string[];
  readonly name?: string;
  readonly user?: string;
}

export class SfapiClient {
  readonly machine: string;
  readonly auth: SfapiAuth;
  readonly #api: SfapiTransport;
  readonly #opts: SfapiClientOptions;
  readonly #sleep: (ms: number) => Promise<void>;
  #user: string | undefined;

  constructor(opts: SfapiClientOptions) {
    this.#opts = opts;
    this.machine = opts.machine;
    this.#sleep = opts.sleep ?? ((ms) => delay(ms));
    this.auth = new SfapiAuth({ tokenUrl: opts.tokenUrl, credentials: opts.credentials, settingsHint: opts.settingsHint, timeoutMs: opts.timeoutMs, retry: opts.retry, dispatcher: opts.dispatcher });
    this.#api = new SfapiTransport({ baseUrl: opts.apiUrl, timeoutMs: opts.timeoutMs, retry: opts.retry, dispatcher: opts.dispatcher });
    this.#api.authorizer = this.auth;
  }

  /** HTTP requests sent so far: the API and the token endpoint, retries included. */
  get requestsSent(): number {
    return this.#api.requestsSent + this.auth.transport.requestsSent;
  }

  /** A call whose 200 body may still say status ERROR. */
  async #call(method: 'GET' | 'POST' | 'DELETE', path: string, o: { query?: URLSearchParams; form?: Record<string, string>; authorized?: boolean; recover?: () => Promise<unknown> } = {}): Promise<Doc> {
    const body = await this.#api.request({ method, path, query: o.query, form: o.form, authorized: o.authorized ?? true, recover: o.recover });
    if (Array.isArray(body)) return { items: body };
    if (!isRecord(body)) throw new SfapiApiError({ method, path, status: 200, apiMessage: `expected a JSON object, got ${body === undefined ? 'nothing' : JSON.stringify(body).slice(0, 80)}`, attempts: 1 });
    if (body.status === 'ERROR' || body.status === 'error') {
      throw new SfapiApiError({ method, path, status: 200, apiMessage: str(body.error) ?? 'no error text', attempts: 1, body });
    }
    return body;
  }

  /** GET /status/{machine} (no auth). */
  async status(machine = this.machine): Promise<SystemStatus> {
    const d = await this.#call('GET', `/status/${encodeURIComponent(machine)}`, { authorized: false });
    return {
      name: str(d.name) ?? machine,
      status: str(d.status) ?? 'other',
      notes: Array.isArray(d.notes) ? d.notes.filter((n): n is string => typeof n === 'string') : [],
      description: str(d.description) ?? '',
    };
  }

  /** The acting user (GET /account/), cached: its name filters the queue to our own jobs. */
  async user(): Promise<string> {
    if (this.#user !== undefined) return this.#user;
    const d = await this.#call('GET', '/account/');
    const name = str(d.name);
    if (name === undefined || name === '') throw new SfapiApiError({ method: 'GET', path: '/account/', status: 200, apiMessage: 'the account has no name', attempts: 1 });
    this.#user = name;
    return name;
  }

  /** The user's Iris clients with their expiry (GET /account/clients). */
  async clients(): Promise<IrisClient[]> {
    const d = await this.#call('GET', '/account/clients');
    const items = Array.isArray(d.items) ? d.items : [];
    return items.filter(isRecord).map((c) => {
      const at = str(c.expiresAt);
      const t = at === undefined ? Number.NaN : Date.parse(at);
      return { name: str(c.name) ?? '', clientId: str(c.clientId) ?? '', expiresAt: Number.isNaN(t) ? undefined : new Date(t) };
    });
  }

  /**
   * Follow an async task until it is no longer "new" and return its parsed result (`result` is a JSON string
   * inside the JSON, parsed a second time). A failed or cancelled task, or a result with status "error", throws.
   */
  async waitTask(taskId: string, what: string): Promise<Doc> {
    const path = `/tasks/${encodeURIComponent(taskId)}`;
    const deadline = Date.now() + (this.#opts.taskTimeoutMs ?? 300_000);
    let wait = this.#opts.taskPollFirstMs ?? 500;
    for (;;) {
      const t = await this.#call('GET', path);
      const status = (str(t.status) ?? 'new') as TaskStatus;
      if (status !== 'new') {
        let result: unknown = undefined;
        const raw = t.result;
        if (typeof raw === 'string' && raw !== '') {
          try {
            result = JSON.parse(raw);
          } catch {
            result = { status: 'error', error: `unreadable task result: ${raw.slice(0, 200)}` };
          }
        } else if (isRecord(raw)) result = raw;
        const r = isRecord(result) ? result : {};
        if (status !== 'completed' || r.status === 'error' || r.status === 'ERROR') {
          const why = str(r.error) ?? (status === 'completed' ? 'no error text' : `the task ${status}`);
          throw new SfapiApiError({ method: 'GET', path, status: 200, apiMessage: `${what}: ${why}`, attempts: 1, body: r });
        }
        return r;
      }
      if (Date.now() >= deadline) {
        throw new SfapiApiError({ method: 'GET', path, status: 200, apiMessage: `${what}: the task was still "new" after ${Math.round((this.#opts.taskTimeoutMs ?? 300_000) / 1000)} s`, attempts: 1 });
      }
      await this.#sleep(Math.min(wait, Math.max(0, deadline - Date.now())));
      wait = Math.min(this.#opts.taskPollMaxMs ?? 5_000, Math.round(wait * 1.5));
    }
  }

  /**
   * sbatch the script text (isPath=false) and return the Slurm job id. `recover` is asked, after a lost
   * answer, whether the submission took effect anyway (the job is found by its name), so a retry never
   * submits a second job.
   */
  async submitJob(script: string, recover?: () => Promise<string | undefined>): Promise<{ jobId: string; recovered: boolean }> {
    const path = `/compute/jobs/${encodeURIComponent(this.machine)}`;
    const d = await this.#call('POST', path, {
      form: { job: script, isPath: 'false' },
      recover: recover ? async () => {
        const id = await recover();
        return id === undefined ? undefined : { recoveredJobId: id };
      } : undefined,
    });
    if (typeof d.recoveredJobId === 'string') return { jobId: d.recoveredJobId, recovered: true };
    const taskId = str(d.task_id) ?? (typeof d.task_id === 'number' ? String(d.task_id) : undefined);
    if (taskId === undefined || taskId === '') throw new SfapiApiError({ method: 'POST', path, status: 200, apiMessage: 'no task_id in the answer', attempts: 1, body: d });
    const result = await this.waitTask(taskId, 'sbatch');
    const jobId = str(result.jobid) ?? (typeof result.jobid === 'number' ? String(result.jobid) : undefined);
    if (jobId === undefined || !/^\d+$/.test(jobId)) {
      throw new SfapiApiError({ method: 'GET', path: `/tasks/${taskId}`, status: 200, apiMessage: `sbatch: no job id in the task result (${JSON.stringify(result).slice(0, 200)})`, attempts: 1 });
    }
    return { jobId, recovered: false };
  }

  /** Jobs from squeue or sacct, asked of Slurm directly (cached=false: the cache misses new jobs, sfapi_client#93). */
  async jobs(q: JobQuery, view: 'squeue' | 'sacct'): Promise<JobView[]> {
    const query = new URLSearchParams({ sacct: String(view === 'sacct'), cached: 'false' });
    if (q.jobIds !== undefined) query.append('kwargs', `jobid=${q.jobIds.join(',')}`);
    if (q.name !== undefined) query.append('kwargs', `name=${q.name}`);
    if (q.user !== undefined) query.append('kwargs', `user=${q.user}`);
    const d = await this.#call('GET', `/compute/jobs/${encodeURIComponent(this.machine)}`, { query });
    const rows = Array.isArray(d.output) ? d.output.filter(isRecord) : [];
    return rows.map((r) => jobViewOf(r, view));
  }

  /** One job: the squeue view while Slurm still lists it, else sacct; undefined when neither knows it (yet). */
  async job(jobId: string): Promise<JobView | undefined> {
    const live = (await this.jobs({ jobIds: [jobId] }, 'squeue')).find((j) => j.jobId === jobId);
    // squeue keeps an ended job a short while without its exit code: sacct has the final word.
    if (live !== undefined && ['PENDING', 'RUNNING', 'COMPLETING', 'CONFIGURING', 'SUSPENDED', 'REQUEUED'].includes(live.state)) return live;
    return (await this.jobs({ jobIds: [jobId] }, 'sacct')).find((j) => j.jobId === jobId) ?? live;
  }

  /** scancel through DELETE, followed to its task result. */
  async cancelJob(jobId: string): Promise<void> {
    const d = await this.#call('DELETE', `/compute/jobs/${encodeURIComponent(this.machine)}/${encodeURIComponent(jobId)}`);
    const taskId = str(d.task_id);
    if (taskId !== undefined && taskId !== '') await this.waitTask(taskId, `scancel ${jobId}`);
  }

  /** A small text file (GET /utilities/download): the content, or undefined when the file does not exist. */
  async download(absPath: string): Promise<string | undefined> {
    const path = `/utilities/download/${encodeURIComponent(this.machine)}/${absPath.split('/').map(encodeURIComponent).join('/')}`;
    try {
      const d = await this.#call('GET', path, { query: new URLSearchParams({ binary: 'false' }) });
      const file = str(d.file) ?? '';
      return d.is_binary === true ? Buffer.from(file, 'base64').toString('utf8') : file;
    } catch (err) {
      if (err instanceof SfapiApiError && err.status === 200 && /no such file|not found/i.test(err.apiMessage)) return undefined;
      throw err;
    }
  }
}
