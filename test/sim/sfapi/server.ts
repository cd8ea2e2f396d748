/**
 * NERSC Superfacility API (SFAPI v1.2) simulator: the NERSC token endpoint (Connect2id, `private_key_jwt`
 * client credentials) and the API subset a reconstruction client uses, over real HTTP on 127.0.0.1, in the wire
 * shapes of CONTRACTS §2 and RECON §5, with a Slurm whose jobs really run. One server answers both:
 * API base `${origin}/api/v1.2`, token URL `${origin}/c2id/token`.
 *
 * Behaviour (see the tests in test/sfapi-sim.test.ts, one per rule):
 *  - Token: POST form with exactly grant_type=client_credentials, client_assertion_type=…jwt-bearer and
 *    client_assertion — a missing, repeated or extra field (client_id, scope…) → 400 `invalid_request`. The JWT
 *    must be RS256-signed by the key registered for iss == sub (a 13-character client id), aud == the token URL,
 *    exp in the future and at most 1 h (+60 s skew) ahead, iat present, jti present and never seen before.
 *    Unknown client, bad signature, expired assertion, replayed jti, expired client (red clients live 48 h) →
 *    401 `invalid_client`. Bearer tokens live `tokenLifetimeSeconds` (default 600); an expired or unknown
 *    token → 401 on every API route but /status.
 *  - Async tasks: submit and cancel answer `{task_id, status:"OK", error:null}` at once; `GET /tasks/{id}` shows
 *    `status:"new"` for `taskMs`, then `completed` with `result` a JSON *string* (`{"status":"ok","jobid":"…",
 *    "error":null}`, or `{"status":"error","jobid":null,"error":"<sbatch stderr>"}` when sbatch refuses).
 *  - sbatch (sbatch.ts): directives only at column 0 before the first command; Perlmutter refuses a job without
 *    an effective -C ("No architecture specified"); -A/-q/--time must be valid (see sbatch.ts for the choices).
 *  - Jobs (jobs.ts): PENDING (`pendingMs`) → RUNNING (the spooled script is exec'd with its shebang
 *    interpreter, cwd = --chdir or the home folder, stdout/stderr to --output/--error with %j/%x expanded, a clean
 *    environment: SLURM_* variables, PATH = the stand-ins folder first) → COMPLETING (`completingMs`) →
 *    COMPLETED 0:0, or FAILED <code>:0 for a non-zero exit. --time × `timeScale` is enforced (SIGTERM, SIGKILL
 *    after `killWaitMs`, TIMEOUT); scancel kills the same way and ends CANCELLED ("CANCELLED by <uid>" in sacct).
 *    Injected end states: NODE_FAIL, PREEMPTED, OUT_OF_MEMORY, FAILED, TIMEOUT, CANCELLED while running;
 *    BOOT_FAIL / DEADLINE before running; pending forever; sbatch rejection.
 *  - Views: `GET /compute/jobs/{m}?sacct=&cached=&kwargs=k=v…` and `GET /compute/jobs/{m}/{jobid}?sacct=&cached=`.
 *    squeue rows carry the raw key set (incl. `s:c:t`, `nodelist(reason)`, `""`); sacct rows the lowercase sacct
 *    names. A job is in neither view for `notFoundMs` after submit (sfapi_client#93). squeue shows active jobs;
 *    an ended job only when asked for by jobid and for `squeueLingerMs` after its end; sacct shows it forever.
 *    Without `cached=false` (absent, or true) the answer comes from a snapshot taken every `cacheRefreshMs`
 *    (default 60 s): a client that forgets cached=false does not see its new job. kwargs filters: jobid (comma
 *    list), user, name, partition, qos, account, state; they AND. Two other users' jobs are always in the queue.
 *  - Files: `GET /utilities/ls/{m}/{path}` and `/utilities/download/{m}/{path}?binary=` over the sandbox
 *    (files.ts); a missing or refused path is HTTP 200 `status:"ERROR"` (CONTRACTS §2.8).
 *  - Stand-ins (bin/, image/, standins/*.mjs — their headers say what each checks): every job's PATH starts
 *    with bin/ (srun, podman-hpc, shifter, and Perlmutter's own python, which refuses a recon script); inside a
 *    simulated container image/ (its python) comes first. Recon programs are placed in the sandbox with
 *    `installProgram` and steered with `setProgram` (fail, crash, short, swallow, sleepMs). Containers are path
 *    rewriting, not namespaces (containers.mjs).
 *  - Faults: `inject(method, pathRegex, fault)` per route and count (status + Retry-After, dropped connection
 *    before/after handling, delay), `failNextJob`, `setStatus`, `expireClient`, `expireTokens`. Every request is
 *    logged (method, path, query, status; 0 = dropped).
 *
 * Documented choices where CONTRACTS marks the service [UNVERIFIED] (kept strict so client bugs show up):
 *  - Token response is `{access_token, token_type:"Bearer", expires_in}` without `scope` (clients must not need it).
 *    A `client_id` form field is refused although c2id may accept a matching one (authlib never sends it).
 *    aud must be the token URL itself (not the issuer). A malformed assertion is `invalid_client` 401.
 *  - Unknown form fields on submit → 422 `extra_forbidden` (FastAPI would ignore them; refusing catches typos such
 *    as `is_path`). Only application/x-www-form-urlencoded bodies are read.
 *  - 401 body `{"detail":"Not authenticated"}` / `{"detail":"Could not validate credentials"}`; unknown routes 404
 *    `{"detail":"Not Found"}`; unknown task 404 `{"detail":"Task not found"}`; 422 bodies in pydantic-v2 shape.
 *  - `GET /account` (no slash) answers 307 to `/account/`, as FastAPI's redirect_slashes does.
 *  - While a machine's status is `unavailable`, its compute and file routes answer HTTP 200 `status:"ERROR"` and
 *    pending jobs do not start; `degraded` changes nothing. Only perlmutter runs jobs; dtns/dtn01 answer
 *    `status:"ERROR"` to job routes (their file routes work: the same global file systems).
 *  - A job submitted as text is named "sbatch" unless -J is given (sbatch names stdin scripts so); its command is
 *    the spooled script path; its working directory is the home folder unless --chdir.
 *  - Times in views are local wall-clock timestamps; durations (time, time_left, elapsed) are simulated time
 *    (real / timeScale), so elapsed is comparable with the time limit. An unknown job id gives an empty output
 *    with status OK (no "Invalid job id" error). An unknown kwargs key → status ERROR. `index`/`limit` slice the
 *    output.
 *  - Exit codes of imposed end states (OOM 0:125, others 0:0; output file cannot be opened → FAILED 0:53).
 *  - Task results beyond status/jobid/error are not invented; a cancel task's result is {status, output, error}.
 *    Tasks belong to the user, so a new client (a rotated red key) still sees a task the old one started.
 *  - squeue lists an ended job only when asked for by jobid (like `squeue -j`), within squeueLingerMs.
 *  - The QOS table (time and node limits) and the accounts (als, als_g) are assumptions (RECON §9).
 *  - The machine's file system is the host's restricted to the sandbox (scripts and API use the same absolute
 *    paths); a file-route path is everything after the machine, so absolute paths arrive as `perlmutter//abs`.
 *  - Download: limit `maxDownloadBytes` (default 5 MiB); non-UTF-8 content comes back base64 with is_binary.
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FaultTable } from '../globus/faults.js';
import { listenOnLoopback, readBody } from '../http.js';
import type { Fault } from '../globus/faults.js';
import { AuthServer, OAuthError, generateClientKey } from './auth.js';
import type { ClientKey, ClientRegistration } from './auth.js';
import { SandboxFiles } from './files.js';
import { FILTER_KEYS, SlurmSim } from './jobs.js';
import type { JobFault, JobFilters, JobSnap, Timings } from './jobs.js';
import { PERLMUTTER_CONSTRAINTS, PERLMUTTER_QOS } from './sbatch.js';
import type { QosPolicy } from './sbatch.js';

export type MachineStatus = 'active' | 'unavailable' | 'degraded' | 'other';
/** scan-rows: the h5py probe a full-scan job runs to count the scan's detector rows (`python -c`). */
export type ProgramName = 'tomo-recon' | 'scan-rows' | 'tiff-to-zarr' | 'ptychocam' | 'cdtools';

/** How a stand-in recon program behaves on its next runs (read from the control file at each run). */
export interface ProgramBehaviour {
  /**
   * ok (default); fail: exit `exitCode` (default 1) with a traceback, writing nothing; crash: killed by SIGSEGV;
   * short: writes `writeSlices` (default one fewer than promised) and exits 0; swallow: prints a traceback, then
   * "reconstruction completed" and exits 0 writing nothing (the original script's defect, RECON §1.3).
   */
  mode?: 'ok' | 'fail' | 'crash' | 'short' | 'swallow';
  exitCode?: number;
  /** fail: the last line of the traceback (default a RuntimeError naming the injected failure). */
  message?: string;
  /** Sleep this long before working (walltime and cancel tests). */
  sleepMs?: number;
  /** tomo-recon (and scan-rows, which reports the same): the scan's rows when no sino range is given (default: its `slices=N`, else 8). */
  slices?: number;
  writeSlices?: number;
}

/** An image the simulated registry holds, by repository (no tag or digest): its WORKDIR (default "/"). */
export interface ImageSpec {
  workdir?: string;
}

export interface SfapiSimOptions {
  /** The folder that plays NERSC's file systems: job scripts, files routes and stand-ins stay inside it. */
  sandbox: string;
  /** The acting user (GET /account/ name; default "alsdev"), its uid/gid/group. */
  user?: string;
  uid?: number;
  gid?: number;
  group?: string;
  /** The user's home folder, the default job working directory (default `<sandbox>/home/<user>`; created). */
  home?: string;
  /** Extra environment variables of every job (e.g. SCRATCH). */
  env?: Record<string, string>;
  /** Accounts the user may charge (default als, als_g) and the QOS table (default Perlmutter's, sbatch.ts). */
  accounts?: string[];
  qos?: Record<string, QosPolicy>;
  /** Initial machine statuses (default perlmutter, dtns, dtn01, archive: active). */
  status?: Record<string, MachineStatus>;
  tokenLifetimeSeconds?: number;
  timings?: Partial<Timings>;
  /** The registry of images podman-hpc/shifter can run (default: ghcr.io/als-computing/microct, WORKDIR /alsuser). */
  images?: Record<string, ImageSpec>;
  firstJobId?: number;
  /** Two other users' jobs in the queue (default true). */
  foreignJobs?: boolean;
  maxDownloadBytes?: number;
  /**
   * The folder holding the stand-ins (bin/, image/, standins/); default beside this file. A bundled copy of the
   * simulator (bench/) points it back at test/sim/sfapi.
   */
  assetsDir?: string;
}

export interface SimRequest {
  method: string;
  /** path without the query string */
  path: string;
  query: string;
  /** HTTP status answered; 0 when the connection was dropped */
  status: number;
  /** Date.now() when the request arrived */
  time: number;
}

export interface SfapiSim {
  /** API base, e.g. http://127.0.0.1:PORT/api/v1.2 (routes are appended: `${url}/compute/jobs/perlmutter`). */
  readonly url: string;
  /** Token endpoint, e.g. http://127.0.0.1:PORT/c2id/token (also the JWT `aud`). */
  readonly tokenUrl: string;
  readonly sandbox: string;
  readonly user: string;
  readonly uid: number;
  /** The folder put first on every job's PATH (srun, podman-hpc, shifter). */
  readonly binDir: string;
  /** Every request handled, in order. */
  readonly requests: readonly SimRequest[];
  /** Requests handled, optionally one method ('*' = any) and paths starting with a prefix (e.g. '/api/v1.2/tasks'). */
  count(method?: string, pathPrefix?: string): number;
  /** Generate an RS256 key pair and register its public half as a client (expires in 48 h unless told). */
  createClient(opts?: { clientId?: string; name?: string; comments?: string; expiresAt?: Date }): Promise<ClientKey>;
  /** Register a client whose private key the test holds. */
  registerClient(reg: ClientRegistration): Promise<{ clientId: string; expiresAt: Date }>;
  /** The client's key expires now (or at `at`): its assertions are refused with invalid_client. */
  expireClient(clientId: string, at?: Date): void;
  /** Every token issued so far stops working (401). */
  expireTokens(): void;
  /** Inject an HTTP fault for requests matching method ('*' = any) and a path regex (full path, e.g. /\/tasks\//). */
  inject(method: string, path: RegExp, fault: Fault): void;
  /** The next submission suffers this (one per submission, in order). */
  failNextJob(fault: JobFault): void;
  setStatus(machine: string, status: MachineStatus, notes?: string[]): void;
  /** Change timings from now on (running timers keep theirs). */
  setTimings(t: Partial<Timings>): void;
  /** Take the stale-cache snapshot now. */
  refreshCache(): void;
  /** Set (or with undefined, reset) how a stand-in program behaves on its next runs. */
  setProgram(name: ProgramName, behaviour: ProgramBehaviour | undefined): void;
  /**
   * Put a stand-in program at a path in the sandbox: a `.py` path gets a marker the stand-in `python` runs
   * (e.g. `<scripts>/sfapi_reconstruction.py` → tomo-recon); any other path an executable wrapper script.
   */
  installProgram(name: ProgramName, path: string): void;
  /** The environment a job's stand-ins get from the simulator (PATH with binDir first, control file, sandbox), to run them outside a job. */
  standinEnv(): Record<string, string>;
  /** The simulator's jobs (other users' excluded), with the script text and the process id while it runs. */
  jobs(): (JobSnap & { script: string; pid: number | undefined })[];
  /** Resolves when the job reached an end state. */
  jobEnded(jobId: number): Promise<JobSnap>;
  close(): Promise<void>;
}

export const API_PREFIX = '/api/v1.2';
export const TOKEN_PATH = '/c2id/token';
const MACHINES = ['dtn01', 'dtns', 'perlmutter'] as const;
const MAX_BODY = 4 * 1024 * 1024;
const here = dirname(fileURLToPath(import.meta.url));
export const STANDINS_DIR = join(here, 'standins');
export const BIN_DIR = join(here, 'bin');

export const DEFAULT_TIMINGS: Timings = {
  taskMs: 50, pendingMs: 100, completingMs: 50, squeueLingerMs: 300, notFoundMs: 150, cacheRefreshMs: 60_000, killWaitMs: 300, timeScale: 1,
};

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

const detail = (status: number, text: string): HttpError => new HttpError(status, { detail: text });

interface Issue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}
const validation = (issues: Issue[]): HttpError => new HttpError(422, { detail: issues });

/** pydantic's lax boolean parsing (what FastAPI accepts for a bool parameter). */
function parseBool(v: string | null, loc: (string | number)[], dflt?: boolean): boolean {
  if (v === null) {
    if (dflt === undefined) throw validation([{ type: 'missing', loc, msg: 'Field required', input: null }]);
    return dflt;
  }
  const s = v.toLowerCase();
  if (['true', '1', 'yes', 'on', 't', 'y'].includes(s)) return true;
  if (['false', '0', 'no', 'off', 'f', 'n'].includes(s)) return false;
  throw validation([{ type: 'bool_parsing', loc, msg: 'Input should be a valid boolean, unable to interpret input', input: v }]);
}

function parseIntParam(v: string | null, loc: (string | number)[]): number | undefined {
  if (v === null) return undefined;
  if (!/^-?\d+$/.test(v)) throw validation([{ type: 'int_parsing', loc, msg: 'Input should be a valid integer, unable to parse string as an integer', input: v }]);
  return Number(v);
}

function machineParam(m: string): (typeof MACHINES)[number] {
  if ((MACHINES as readonly string[]).includes(m)) return m as (typeof MACHINES)[number];
  throw validation([{ type: 'enum', loc: ['path', 'machine'], msg: "Input should be 'dtn01', 'dtns' or 'perlmutter'", input: m, ctx: { expected: "'dtn01', 'dtns' or 'perlmutter'" } }]);
}

interface Task {
  id: string;
  status: 'new' | 'completed' | 'failed' | 'cancelled';
  result: string | null;
  timer?: NodeJS.Timeout;
}

interface StatusDoc {
  name: string;
  full_name: string;
  description: string;
  system_type: string;
  notes: string[];
  status: MachineStatus;
  updated_at: string;
}

const FULL_NAMES: Record<string, [string, string]> = {
  perlmutter: ['Perlmutter', 'compute'], dtns: ['Data Transfer Nodes', 'filesystem'], dtn01: ['DTN 01', 'filesystem'], archive: ['HPSS Archive', 'storage'],
};

export async function startSfapiSim(opts: SfapiSimOptions): Promise<SfapiSim> {
  const sandbox = realpathSync(resolve(opts.sandbox));
  const binDir = opts.assetsDir === undefined ? BIN_DIR : join(opts.assetsDir, 'bin');
  const standinsDir = opts.assetsDir === undefined ? STANDINS_DIR : join(opts.assetsDir, 'standins');
  const user = opts.user ?? 'alsdev';
  const uid = opts.uid ?? 71234;
  const gid = opts.gid ?? 71234;
  const group = opts.group ?? user;
  const home = resolve(opts.home ?? join(sandbox, 'home', user));
  mkdirSync(home, { recursive: true });
  const stateDir = mkdtempSync(join(tmpdir(), 'sfapi-sim-'));
  const controlFile = join(stateDir, 'control.json');
  const control: { images: Record<string, ImageSpec>; programs: Partial<Record<ProgramName, ProgramBehaviour>> } = {
    images: opts.images ?? { 'ghcr.io/als-computing/microct': { workdir: '/alsuser' } },
    programs: {},
  };
  const writeControl = (): void => {
    writeFileSync(`${controlFile}.tmp`, JSON.stringify(control));
    // rename: a stand-in starting at this moment reads the old or the new file, never half of one
    renameSync(`${controlFile}.tmp`, controlFile);
  };
  writeControl();

  const timings: Timings = { ...DEFAULT_TIMINGS, ...opts.timings };
  const statuses = new Map<string, StatusDoc>();
  const setStatus = (name: string, status: MachineStatus, notes: string[] = []): void => {
    const [full, type] = FULL_NAMES[name] ?? [name, 'compute'];
    statuses.set(name, { name, full_name: full, description: status === 'active' ? 'System is active' : `System is ${status}`, system_type: type, notes, status, updated_at: new Date().toISOString() });
  };
  for (const m of ['perlmutter', 'dtns', 'dtn01', 'archive']) setStatus(m, opts.status?.[m] ?? 'active');
  for (const [m, s] of Object.entries(opts.status ?? {})) setStatus(m, s);

  let origin = '';
  const auth = new AuthServer(() => `${origin}${TOKEN_PATH}`, opts.tokenLifetimeSeconds ?? 600);
  const slurm = new SlurmSim({
    sandbox, stateDir, binDir, controlFile, home, user, uid, gid, group, env: opts.env ?? {},
    policy: { accounts: opts.accounts ?? ['als', 'als_g'], qos: opts.qos ?? PERLMUTTER_QOS, constraints: PERLMUTTER_CONSTRAINTS },
    firstJobId: opts.firstJobId ?? 41_000_001, timings, foreignJobs: opts.foreignJobs ?? true,
    machineAvailable: () => statuses.get('perlmutter')?.status !== 'unavailable',
  });
  const files = new SandboxFiles(sandbox, { user, group }, opts.maxDownloadBytes ?? 5 * 1024 * 1024);
  const faults = new FaultTable();
  const log: SimRequest[] = [];
  const tasks = new Map<string, Task>();
  let nextTask = 1000;

  // ------------------------------------------------------------------ tasks

  function newTask(run: () => { status: 'completed' | 'failed'; result: unknown }): { task_id: string; status: 'OK'; error: null } {
    const task: Task = { id: String(nextTask++), status: 'new', result: null };
    task.timer = setTimeout(() => {
      if (task.status !== 'new') return;
      const r = run();
      task.status = r.status;
      task.result = JSON.stringify(r.result);
    }, timings.taskMs);
    tasks.set(task.id, task);
    return { task_id: task.id, status: 'OK', error: null };
  }

  // ------------------------------------------------------------------ routes

  const unavailable = (machine: string): string | undefined => {
    const s = statuses.get(machine);
    return s?.status === 'unavailable' ? `${machine} is unavailable${s.notes.length > 0 ? `: ${s.notes.join('; ')}` : ''}` : undefined;
  };

  function readForm(ctx: Ctx, allowed: readonly string[], required: readonly string[]): URLSearchParams {
    const form = /^application\/x-www-form-urlencoded\b/i.test(ctx.headers['content-type'] ?? '') ? new URLSearchParams(ctx.raw.toString('utf8')) : new URLSearchParams();
    const issues: Issue[] = [];
    for (const k of required) if (!form.has(k)) issues.push({ type: 'missing', loc: ['body', k], msg: 'Field required', input: null });
    for (const k of new Set(form.keys())) if (!allowed.includes(k)) issues.push({ type: 'extra_forbidden', loc: ['body', k], msg: 'Extra inputs are not permitted', input: form.get(k) });
    if (issues.length > 0) throw validation(issues);
    return form;
  }

  function submit(ctx: Ctx, machine: string): Reply {
    const form = readForm(ctx, ['job', 'isPath', 'args', 'callbackTimeout', 'callbackEmail', 'callbackUrl'], ['job', 'isPath']);
    const isPath = parseBool(form.get('isPath'), ['body', 'isPath']);
    const job = form.get('job') ?? '';
    const args = form.getAll('args');
    if (machine !== 'perlmutter') return { status: 200, body: { task_id: '', status: 'ERROR', error: `${machine} does not run batch jobs (sfapi-sim simulates Slurm on perlmutter only)` } };
    const down = unavailable(machine);
    if (down) return { status: 200, body: { task_id: '', status: 'ERROR', error: down } };
    if (!isPath && args.length > 0) throw validation([{ type: 'value_error', loc: ['body', 'args'], msg: 'Value error, args can only be given with isPath=true', input: args }]);
    return {
      status: 200,
      body: newTask(() => {
        let script = job;
        let command: string | undefined;
        if (isPath) {
          const p = resolve(job);
          const inside = p === sandbox || p.startsWith(sandbox + sep);
          let text: string | undefined;
          try {
            text = isAbsolute(job) && inside ? readFileSync(p, 'utf8') : undefined;
          } catch {
            text = undefined;
          }
          if (text === undefined) return { status: 'completed', result: { status: 'error', jobid: null, error: `sbatch: error: Unable to open file ${job}` } };
          script = text;
          command = p;
        }
        const r = slurm.submit(script, args, command);
        return r.ok
          ? { status: 'completed', result: { status: 'ok', jobid: String(r.jobId), error: null } }
          : { status: r.taskStatus, result: { status: 'error', jobid: null, error: r.error } };
      }),
    };
  }

  function jobView(ctx: Ctx, machine: string, jobid: string | undefined): Reply {
    const sacct = parseBool(ctx.query.get('sacct'), ['query', 'sacct'], false);
    const cached = parseBool(ctx.query.get('cached'), ['query', 'cached'], true);
    const index = parseIntParam(ctx.query.get('index'), ['query', 'index']) ?? 0;
    const limit = parseIntParam(ctx.query.get('limit'), ['query', 'limit']);
    const error = (text: string): Reply => ({ status: 200, body: { status: 'ERROR', output: [], error: text } });
    if (machine !== 'perlmutter') return error(`${machine} has no batch system (sfapi-sim simulates Slurm on perlmutter only)`);
    const down = unavailable(machine);
    if (down) return error(down);
    const filters: JobFilters = {};
    const pairs = jobid === undefined ? ctx.query.getAll('kwargs') : [`jobid=${jobid}`];
    for (const kv of pairs) {
      const eq = kv.indexOf('=');
      const key = eq === -1 ? kv : kv.slice(0, eq);
      if (eq === -1 || !(FILTER_KEYS as readonly string[]).includes(key)) {
        return error(`${sacct ? 'sacct' : 'squeue'}: unrecognized option '--${kv}' (kwargs must be one of ${FILTER_KEYS.join(', ')} as name=value)`);
      }
      const values = kv.slice(eq + 1).split(',').filter((v) => v !== '');
      if (key === 'jobid' && values.some((v) => !/^\d+$/.test(v))) return error(`${sacct ? 'sacct' : 'squeue'}: error: Invalid job id: ${kv.slice(eq + 1)}`);
      const k = key as keyof JobFilters;
      filters[k] = [...(filters[k] ?? []), ...values];
    }
    const rows = sacct ? slurm.sacct(filters, cached) : slurm.squeue(filters, cached);
    return { status: 200, body: { status: 'OK', output: rows.slice(index, limit === undefined ? undefined : index + limit), error: null } };
  }

  function cancel(machine: string, jobid: string): Reply {
    if (machine !== 'perlmutter') return { status: 200, body: { task_id: '', status: 'ERROR', error: `${machine} has no batch system` } };
    const down = unavailable(machine);
    if (down) return { status: 200, body: { task_id: '', status: 'ERROR', error: down } };
    return {
      status: 200,
      body: newTask(() => {
        const err = /^\d+$/.test(jobid) ? slurm.cancel(Number(jobid), uid) : `scancel: error: Invalid job id ${jobid}`;
        return { status: 'completed', result: err === undefined ? { status: 'ok', output: '', error: null } : { status: 'error', output: '', error: err } };
      }),
    };
  }

  async function route(ctx: Ctx): Promise<Reply> {
    const { method, path } = ctx;
    if (path === TOKEN_PATH) {
      if (method !== 'POST') throw detail(405, 'Method Not Allowed');
      try {
        return { status: 200, body: await auth.token(ctx.headers['content-type'], ctx.raw.toString('utf8')), headers: { 'cache-control': 'no-store', pragma: 'no-cache' } };
      } catch (e) {
        if (!(e instanceof OAuthError)) throw e;
        throw new HttpError(e.status, { error: e.error, error_description: e.description }, e.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
      }
    }
    if (!path.startsWith(`${API_PREFIX}/`)) throw detail(404, 'Not Found');
    const rel = path.slice(API_PREFIX.length);
    let seg: string[];
    try {
      seg = rel.split('/').slice(1).map((s) => decodeURIComponent(s));
    } catch {
      throw detail(404, 'Not Found');
    }
    let m: RegExpExecArray | null;

    // No auth: system status.
    if (method === 'GET' && rel === '/status') return { status: 200, body: [...statuses.values()] };
    if (method === 'GET' && seg[0] === 'status' && seg.length === 2) {
      const s = statuses.get(seg[1] ?? '');
      if (!s) throw detail(404, `Resource ${seg[1] ?? ''} not found`);
      return { status: 200, body: s };
    }

    if (!ctx.headers.authorization) throw detail(401, 'Not authenticated');
    if (auth.authenticate(ctx.headers.authorization) === undefined) throw new HttpError(401, { detail: 'Could not validate credentials' }, { 'www-authenticate': 'Bearer' });

    if (method === 'GET' && rel === '/account') throw new HttpError(307, null, { location: `${API_PREFIX}/account/` });
    if (method === 'GET' && rel === '/account/') {
      return { status: 200, body: { uid, name: user, firstname: 'ALS', lastname: 'Data Mover', middlename: null, workphone: null, otherPhones: null, email: `${user}@lbl.gov` } };
    }
    if (method === 'GET' && rel === '/account/clients') {
      return { status: 200, body: [...auth.clients.values()].map((c) => ({ name: c.name, clientId: c.clientId, expiresAt: c.expiresAt.toISOString(), comments: c.comments })) };
    }
    if ((method === 'GET' && (rel === '/tasks' || rel === '/tasks/'))) {
      // Tasks belong to the user: every client of the user (one user per simulator) sees them.
      return { status: 200, body: { tasks: [...tasks.values()].map((t) => ({ id: t.id, status: t.status, result: t.result })) } };
    }
    if ((m = /^\/tasks\/([^/]+)$/.exec(rel))) {
      const t = tasks.get(decodeURIComponent(m[1] ?? ''));
      if (!t) throw detail(404, 'Task not found');
      if (method === 'GET') return { status: 200, body: { id: t.id, status: t.status, result: t.result } };
      if (method === 'DELETE') {
        if (t.status === 'new') {
          clearTimeout(t.timer);
          t.status = 'cancelled';
        }
        return { status: 200, body: { id: t.id, status: t.status, result: t.result } };
      }
      throw detail(405, 'Method Not Allowed');
    }
    if (seg[0] === 'compute' && seg[1] === 'jobs' && (seg.length === 3 || seg.length === 4)) {
      const machine = machineParam(seg[2] ?? '');
      if (seg.length === 3 && method === 'POST') return submit(ctx, machine);
      if (seg.length === 3 && method === 'GET') return jobView(ctx, machine, undefined);
      if (seg.length === 4 && method === 'GET') return jobView(ctx, machine, seg[3]);
      if (seg.length === 4 && method === 'DELETE') return cancel(machine, seg[3] ?? '');
      throw detail(405, 'Method Not Allowed');
    }
    if (seg[0] === 'utilities' && (seg[1] === 'ls' || seg[1] === 'download') && seg.length >= 4) {
      if (method !== 'GET') throw detail(405, 'Method Not Allowed');
      const machine = machineParam(seg[2] ?? '');
      // {path:path}: everything after the machine, so an absolute path arrives as `perlmutter//global/…`
      const apiPath = seg.slice(3).join('/');
      const down = unavailable(machine);
      if (seg[1] === 'ls') return { status: 200, body: down ? { status: 'ERROR', entries: [], error: down, file: null, is_binary: false } : await files.ls(apiPath) };
      const binary = parseBool(ctx.query.get('binary'), ['query', 'binary'], false);
      return { status: 200, body: down ? { status: 'ERROR', file: null, is_binary: false, error: down } : await files.download(apiPath, binary) };
    }
    throw detail(404, 'Not Found');
  }

  // ------------------------------------------------------------------ HTTP

  interface Ctx {
    method: string;
    path: string;
    query: URLSearchParams;
    headers: IncomingMessage['headers'];
    raw: Buffer;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const record = (status: number): void => {
      log.push({ method, path, query: url.search, status, time });
    };
    res.on('error', () => undefined);
    const fault = faults.take(method, path);
    if (fault?.kind === 'drop-before') {
      record(0);
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    let reply: Reply;
    try {
      const raw = await readBody(req, MAX_BODY, () => detail(413, 'Request Entity Too Large'));
      if (fault?.kind === 'status') {
        const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
        reply = { status: fault.status, body: { detail: fault.message ?? `Injected fault: HTTP ${fault.status}` }, headers };
      } else {
        reply = await route({ method, path, query: url.searchParams, headers: req.headers, raw });
      }
    } catch (err) {
      reply = err instanceof HttpError
        ? { status: err.status, body: err.body, headers: err.headers }
        : { status: 500, body: { detail: `Simulator error: ${err instanceof Error ? err.message : String(err)}` } };
    }
    if (fault?.kind === 'drop-after') {
      record(0);
      req.socket.destroy();
      return;
    }
    const text = reply.body === null ? '' : JSON.stringify(reply.body);
    record(reply.status);
    res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...reply.headers });
    res.end(text);
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  origin = `http://127.0.0.1:${String(await listenOnLoopback(server))}`;
  let closing: Promise<void> | undefined;

  return {
    url: `${origin}${API_PREFIX}`,
    tokenUrl: `${origin}${TOKEN_PATH}`,
    sandbox,
    user,
    uid,
    binDir,
    requests: log,
    count(method = '*', pathPrefix = '') {
      const mm = method.toUpperCase();
      return log.filter((r) => (mm === '*' || r.method === mm) && r.path.startsWith(pathPrefix)).length;
    },
    async createClient(o = {}) {
      const key = await generateClientKey(o.clientId, o.expiresAt);
      await auth.register({ clientId: key.clientId, publicKey: key.publicKeyPem, name: o.name, comments: o.comments, expiresAt: key.expiresAt });
      return key;
    },
    async registerClient(reg) {
      const c = await auth.register(reg);
      return { clientId: c.clientId, expiresAt: c.expiresAt };
    },
    expireClient(clientId, at = new Date()) {
      const c = auth.clients.get(clientId);
      if (!c) throw new Error(`no client ${clientId}`);
      c.expiresAt = at;
    },
    expireTokens() {
      auth.expireTokens();
    },
    inject(method, path, fault) {
      faults.inject(method, path, fault);
    },
    failNextJob(fault) {
      slurm.queueFault(fault);
    },
    setStatus(machine, status, notes = []) {
      setStatus(machine, status, notes);
      if (machine === 'perlmutter' && status !== 'unavailable') slurm.kick();
    },
    setTimings(t) {
      const refresh = t.cacheRefreshMs !== undefined && t.cacheRefreshMs !== timings.cacheRefreshMs;
      Object.assign(timings, t);
      if (refresh) slurm.refreshCache();
    },
    refreshCache() {
      slurm.refreshCache();
    },
    setProgram(name, behaviour) {
      if (behaviour === undefined) Reflect.deleteProperty(control.programs, name);
      else control.programs[name] = behaviour;
      writeControl();
    },
    installProgram(name, path) {
      const abs = resolve(path);
      if (!(abs === sandbox || abs.startsWith(sandbox + sep))) throw new Error(`installProgram: ${path} is outside the sandbox ${sandbox}`);
      mkdirSync(dirname(abs), { recursive: true });
      const marker = `# sfapi-sim stand-in: ${name}`;
      if (extname(abs) === '.py') {
        writeFileSync(abs, `${marker}\n# Written by the SFAPI simulator: its stand-in python runs the program named above.\n`);
      } else {
        const run = join(standinsDir, 'run.mjs');
        writeFileSync(abs, `#!/bin/bash\n${marker}\nexec "\${SFAPI_SIM_NODE:-node}" '${run.replace(/'/g, "'\\''")}' ${name} "$@"\n`, { mode: 0o755 });
      }
    },
    standinEnv() {
      return { PATH: `${binDir}:/usr/local/bin:/usr/bin:/bin`, SFAPI_SIM_NODE: process.execPath, SFAPI_SIM_CONTROL: controlFile, SFAPI_SIM_SANDBOX: sandbox, HOME: home };
    },
    jobs() {
      return slurm.list();
    },
    jobEnded(jobId) {
      return slurm.ended(jobId);
    },
    close() {
      closing ??= (async () => {
        for (const t of tasks.values()) clearTimeout(t.timer);
        const closed = new Promise<void>((r) => server.close(() => { r(); }));
        server.closeAllConnections();
        await closed;
        await slurm.close();
        rmSync(stateDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
