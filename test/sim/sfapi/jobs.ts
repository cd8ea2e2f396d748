/**
 * The Slurm side of the SFAPI simulator: accepted scripts become jobs that really run with the script's own
 * interpreter (bash) in the sandbox, through PENDING → RUNNING → COMPLETING → an end state, with walltime,
 * cancellation and injected end states enforced on the real process group; and the squeue / sacct rows the API
 * returns (CONTRACTS §2.4: the raw key names, strings only).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve, sep } from 'node:path';
import { checkPolicy, expandFilename, parseBatchScript, sacctDuration, slurmTime, squeueDuration } from './sbatch.js';
import type { BatchOptions, SubmitPolicy } from './sbatch.js';

export type ActiveState = 'PENDING' | 'RUNNING' | 'COMPLETING';
export type EndState = 'COMPLETED' | 'FAILED' | 'TIMEOUT' | 'OUT_OF_MEMORY' | 'NODE_FAIL' | 'PREEMPTED' | 'CANCELLED' | 'BOOT_FAIL' | 'DEADLINE';
export type JobState = ActiveState | EndState;

/** What the next submitted job suffers (queued with failNextJob; one fault per submission, in order). */
export type JobFault =
  /** While RUNNING, after `afterMs` (default 0), the job's processes are killed and it ends in this state. */
  | { kind: 'end'; state: 'NODE_FAIL' | 'PREEMPTED' | 'OUT_OF_MEMORY' | 'FAILED' | 'TIMEOUT' | 'CANCELLED'; afterMs?: number }
  /** The job never runs: PENDING → BOOT_FAIL or DEADLINE once it would have started. */
  | { kind: 'never-runs'; state: 'BOOT_FAIL' | 'DEADLINE' }
  /** The job stays PENDING (with this squeue reason, default "Priority") until cancelled. */
  | { kind: 'pend'; reason?: string }
  /** sbatch refuses the job: the task completes (HTTP 200) with result status "error" and this message. */
  | { kind: 'reject'; error: string; taskStatus?: 'completed' | 'failed' }
  /** Nothing: this submission runs normally (so a fault queued after it hits a later one). */
  | { kind: 'none' };

export interface Timings {
  /** An async task (submit, cancel) stays "new" this long. */
  taskMs: number;
  /** A job stays PENDING this long before it starts. */
  pendingMs: number;
  /** A job stays COMPLETING this long after its script ended. */
  completingMs: number;
  /** An ended job stays in the squeue view (when asked for by job id) this long; then only sacct shows it. */
  squeueLingerMs: number;
  /** Right after submit, the job is in neither view for this long (NERSC/sfapi_client#93). */
  notFoundMs: number;
  /** Requests without cached=false see a snapshot of the queue taken this often. */
  cacheRefreshMs: number;
  /** scancel / walltime: SIGTERM, then SIGKILL after this long (Slurm's KillWait). */
  killWaitMs: number;
  /** Real ms per simulated ms for --time and for the elapsed/time-left the views show (0.001: 15 min → 0.9 s). */
  timeScale: number;
}

/** One job as a view sees it at a moment. */
export interface JobSnap {
  id: number;
  name: string;
  user: string;
  uid: number;
  gid: number;
  group: string;
  account: string;
  qos: string;
  constraint: string;
  partition: string;
  nodes: number;
  cpus: number;
  timeLimitSec: number;
  comment: string;
  exclusive: boolean;
  workDir: string;
  command: string;
  submitAt: number;
  visibleAt: number;
  startAt?: number;
  endAt?: number;
  state: JobState;
  reason: string;
  exitCode: string;
  cancelledBy?: number;
  nodeList: string;
  /** Simulated seconds the job has run (scaled by timeScale). */
  elapsedSec: number;
}

interface Job extends JobSnap {
  script: string;
  scriptPath: string;
  args: string[];
  options: BatchOptions;
  fault?: JobFault;
  proc?: ChildProcess;
  exited?: Promise<void>;
  /** Why the simulator killed the processes; the end state then comes from it, not from the exit status. */
  killedFor?: EndState;
  errPath?: string;
  timers: NodeJS.Timeout[];
  waitingForMachine: boolean;
  foreign: boolean;
}

export interface SlurmConfig {
  sandbox: string;
  stateDir: string;
  binDir: string;
  controlFile: string;
  home: string;
  user: string;
  uid: number;
  gid: number;
  group: string;
  env: Record<string, string>;
  policy: SubmitPolicy;
  firstJobId: number;
  timings: Timings;
  foreignJobs: boolean;
  machineAvailable: () => boolean;
}

export type JobFilters = Partial<Record<'jobid' | 'user' | 'name' | 'partition' | 'qos' | 'account' | 'state', string[]>>;
export const FILTER_KEYS: readonly (keyof JobFilters)[] = ['jobid', 'user', 'name', 'partition', 'qos', 'account', 'state'];

const ACTIVE: readonly JobState[] = ['PENDING', 'RUNNING', 'COMPLETING'];
const SHORT: Record<JobState, string> = {
  PENDING: 'PD', RUNNING: 'R', COMPLETING: 'CG', COMPLETED: 'CD', FAILED: 'F', TIMEOUT: 'TO', OUT_OF_MEMORY: 'OOM',
  NODE_FAIL: 'NF', PREEMPTED: 'PR', CANCELLED: 'CA', BOOT_FAIL: 'BF', DEADLINE: 'DL',
};
/** Exit codes ("exit:signal") of end states the simulator imposes [UNVERIFIED: typical sacct values]. */
const IMPOSED_EXIT: Record<EndState, string> = {
  COMPLETED: '0:0', FAILED: '0:9', TIMEOUT: '0:0', OUT_OF_MEMORY: '0:125', NODE_FAIL: '0:0', PREEMPTED: '0:0',
  CANCELLED: '0:0', BOOT_FAIL: '0:0', DEADLINE: '0:0',
};
const SIGNALS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15, SIGBUS: 7, SIGUSR1: 10, SIGUSR2: 12 };
const NODE_BASE = 1001;

const nodeName = (i: number): string => `nid${String(NODE_BASE + i).padStart(6, '0')}`;
function nodeListOf(n: number): string {
  return n === 1 ? nodeName(0) : `nid[${nodeName(0).slice(3)}-${nodeName(n - 1).slice(3)}]`;
}

export class SlurmSim {
  private readonly jobs = new Map<number, Job>();
  private nextId: number;
  private readonly faults: JobFault[] = [];
  private cache: { at: number; jobs: JobSnap[] };
  private cacheTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly cfg: SlurmConfig) {
    this.nextId = cfg.firstJobId;
    if (cfg.foreignJobs) this.addForeignJobs();
    this.cache = { at: Date.now(), jobs: this.snapshots(Date.now()) };
    this.scheduleCache();
  }

  get timings(): Timings {
    return this.cfg.timings;
  }

  queueFault(f: JobFault): void {
    this.faults.push(f);
  }

  /** Take the cache snapshot now (and restart its period). */
  refreshCache(): void {
    this.cache = { at: Date.now(), jobs: this.snapshots(Date.now()) };
    this.scheduleCache();
  }

  private scheduleCache(): void {
    if (this.cacheTimer) clearInterval(this.cacheTimer);
    this.cacheTimer = setInterval(() => {
      this.cache = { at: Date.now(), jobs: this.snapshots(Date.now()) };
    }, this.cfg.timings.cacheRefreshMs);
    this.cacheTimer.unref();
  }

  private addForeignJobs(): void {
    // Other users' jobs: a client that forgets its filter sees them (and must not take them for its own).
    const base = this.cfg.firstJobId - 100;
    for (const [i, state] of (['RUNNING', 'PENDING'] as const).entries()) {
      const at = Date.now() - 3600_000;
      const job: Job = {
        id: base + i, name: i === 0 ? 'large_job.sh' : 'sbatch', user: 'elvis', uid: 54321, gid: 54321, group: 'elvis', account: 'ntrain',
        qos: 'regular', constraint: 'cpu', partition: 'regular_milan_ss11', nodes: 25, cpus: 6400, timeLimitSec: 43200,
        comment: '', exclusive: true, workDir: '/global/homes/e/elvis/job_subs', command: '/global/homes/e/elvis/job_subs/large_job.sh',
        submitAt: at, visibleAt: at, startAt: state === 'RUNNING' ? at : undefined, state, reason: state === 'PENDING' ? 'Priority' : 'None',
        exitCode: '0:0', nodeList: state === 'RUNNING' ? 'nid[004001-004025]' : '', elapsedSec: 0, script: '', scriptPath: '', args: [],
        options: { exclusive: true, hold: false, volumes: [], openMode: 'truncate' }, timers: [], waitingForMachine: false, foreign: true,
      };
      this.jobs.set(job.id, job);
    }
  }

  // ------------------------------------------------------------------ submit

  /** sbatch: a job id, or sbatch's error text. A queued fault applies to this submission. */
  submit(script: string, args: string[], command: string | undefined): { ok: true; jobId: number } | { ok: false; error: string; taskStatus: 'completed' | 'failed' } {
    const fault = this.faults.shift();
    if (fault?.kind === 'reject') return { ok: false, error: fault.error, taskStatus: fault.taskStatus ?? 'completed' };
    const parsed = parseBatchScript(script);
    if (!parsed.ok) return { ok: false, error: parsed.error, taskStatus: 'completed' };
    const o = parsed.options;
    const policyError = checkPolicy(o, this.cfg.policy);
    if (policyError) return { ok: false, error: policyError, taskStatus: 'completed' };
    const id = this.nextId++;
    const dir = resolve(this.cfg.stateDir, 'jobs', String(id));
    mkdirSync(dir, { recursive: true });
    const scriptPath = resolve(dir, 'slurm_script');
    writeFileSync(scriptPath, script, { mode: 0o755 });
    const nodes = o.nodes ?? 1;
    const now = Date.now();
    const constraint = o.constraint ?? 'cpu';
    const qos = o.qos ?? 'debug';
    const job: Job = {
      id, name: o.jobName ?? (command ? basename(command) : 'sbatch'), user: this.cfg.user, uid: this.cfg.uid, gid: this.cfg.gid, group: this.cfg.group,
      account: o.account ?? '', qos, constraint, partition: constraint.startsWith('gpu') ? `gpu_ss11` : `${qos}_milan_ss11`,
      nodes, cpus: o.exclusive ? nodes * 256 : Math.max(1, (o.ntasks ?? nodes * (o.ntasksPerNode ?? 1)) * (o.cpusPerTask ?? 1)),
      timeLimitSec: o.timeLimitSec ?? 0, comment: o.comment ?? '', exclusive: o.exclusive,
      workDir: o.chdir ? resolve(this.cfg.home, o.chdir) : this.cfg.home, command: command ?? scriptPath,
      submitAt: now, visibleAt: now + this.cfg.timings.notFoundMs, state: 'PENDING', reason: o.hold ? 'JobHeldUser' : 'Priority',
      exitCode: '0:0', nodeList: '', elapsedSec: 0, script, scriptPath, args, options: o, fault, timers: [], waitingForMachine: false, foreign: false,
    };
    this.jobs.set(id, job);
    if (o.hold) return { ok: true, jobId: id };
    if (fault?.kind === 'pend') {
      job.reason = fault.reason ?? 'Priority';
      return { ok: true, jobId: id };
    }
    job.timers.push(setTimeout(() => { this.tryStart(job); }, this.cfg.timings.pendingMs));
    return { ok: true, jobId: id };
  }

  private tryStart(job: Job): void {
    if (this.closed || job.state !== 'PENDING') return;
    if (!this.cfg.machineAvailable()) {
      job.waitingForMachine = true;
      job.reason = 'ReqNodeNotAvail, Reserved for maintenance';
      return;
    }
    job.waitingForMachine = false;
    // --dependency=singleton: not before every earlier job of the same name and user has ended.
    // --dependency=afterany:<ids>: not before those jobs have ended.
    const singleton = job.options.singleton && [...this.jobs.values()].some((j) => j.id < job.id && j.name === job.name && j.user === job.user && ACTIVE.includes(j.state));
    const after = (job.options.afterany ?? []).some((id) => { const j = this.jobs.get(id); return j !== undefined && ACTIVE.includes(j.state); });
    if (singleton || after) {
      job.reason = 'Dependency';
      job.timers.push(setTimeout(() => { this.tryStart(job); }, Math.max(10, this.cfg.timings.pendingMs)));
      return;
    }
    if (job.fault?.kind === 'never-runs') {
      if (job.fault.state === 'BOOT_FAIL') job.startAt = Date.now();
      this.finish(job, job.fault.state, '0:0', job.fault.state === 'BOOT_FAIL' ? 'launch failed requeued held' : 'DeadLine');
      return;
    }
    this.start(job);
  }

  /** The machine became available again: start the jobs that waited for it. */
  kick(): void {
    for (const job of this.jobs.values()) if (job.waitingForMachine) this.tryStart(job);
  }

  private inSandbox(p: string): boolean {
    const root = realpathSync(this.cfg.sandbox);
    let real: string;
    try {
      real = realpathSync(p);
    } catch {
      return false;
    }
    return real === root || real.startsWith(root + sep);
  }

  private start(job: Job): void {
    const now = Date.now();
    job.state = 'RUNNING';
    job.reason = 'None';
    job.startAt = now;
    job.nodeList = nodeListOf(job.nodes);
    const o = job.options;
    const vars = { jobId: job.id, jobName: job.name, user: job.user, node: nodeName(0) };
    const cwd = job.workDir;
    const outPath = resolve(cwd, expandFilename(o.output ?? 'slurm-%j.out', vars));
    const errPath = o.error ? resolve(cwd, expandFilename(o.error, vars)) : outPath;
    // slurmstepd cannot start the batch step without its working directory and its output files [exit code UNVERIFIED].
    for (const [what, p] of [['working directory', cwd], ['stdout file', dirname(outPath)], ['stderr file', dirname(errPath)]] as const) {
      if (!existsSync(p) || !statSync(p).isDirectory() || !this.inSandbox(p)) {
        job.endAt = now;
        this.finish(job, 'FAILED', '0:53', `slurmstepd: error: cannot open ${what} ${p}: No such file or directory`);
        return;
      }
    }
    job.errPath = errPath;
    // slurmstepd's own lines (time limit, cancel) go into the same files as the job's output. The job and the
    // simulator write through different open files, so both append (O_APPEND) after a truncating open, or one
    // would overwrite the other's lines.
    if (o.openMode !== 'append') for (const p of new Set([outPath, errPath])) closeSync(openSync(p, 'w'));
    const outFd = openSync(outPath, 'a');
    const errFd = errPath === outPath ? outFd : openSync(errPath, 'a');
    let child: ChildProcess;
    try {
      child = spawn(job.scriptPath, job.args, { cwd, env: this.jobEnv(job), stdio: ['ignore', outFd, errFd], detached: true });
    } finally {
      closeSync(outFd);
      if (errFd !== outFd) closeSync(errFd);
    }
    job.proc = child;
    job.exited = new Promise<void>((done) => {
      let settled = false;
      const settle = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void => {
        if (settled) return;
        settled = true;
        if (spawnError) appendFileSync(errPath, `slurmstepd: error: execve(): ${basename(job.scriptPath)}: ${spawnError.message}\n`);
        this.exited(job, code ?? (spawnError ? 2 : 0), signal);
        done();
      };
      child.once('error', (e) => { settle(null, null, e); });
      child.once('exit', (code, signal) => { settle(code, signal); });
    });
    const limitMs = job.timeLimitSec * 1000 * this.cfg.timings.timeScale;
    job.timers.push(setTimeout(() => { this.kill(job, 'TIMEOUT'); }, limitMs));
    if (job.fault?.kind === 'end') {
      const state = job.fault.state;
      job.timers.push(setTimeout(() => { this.kill(job, state); }, job.fault.afterMs ?? 0));
    }
  }

  private jobEnv(job: Job): Record<string, string> {
    const o = job.options;
    const env: Record<string, string> = {
      PATH: `${this.cfg.binDir}:/usr/local/bin:/usr/bin:/bin`,
      HOME: this.cfg.home, USER: job.user, LOGNAME: job.user, SHELL: '/bin/bash', LANG: 'C.UTF-8', NERSC_HOST: 'perlmutter',
      SLURM_JOB_ID: String(job.id), SLURM_JOBID: String(job.id), SLURM_JOB_NAME: job.name, SLURM_JOB_USER: job.user,
      SLURM_JOB_UID: String(job.uid), SLURM_JOB_ACCOUNT: job.account, SLURM_JOB_QOS: job.qos, SLURM_JOB_PARTITION: job.partition,
      SLURM_CLUSTER_NAME: 'perlmutter', SLURM_NNODES: String(job.nodes), SLURM_JOB_NUM_NODES: String(job.nodes),
      SLURM_JOB_NODELIST: job.nodeList, SLURM_NODELIST: job.nodeList, SLURMD_NODENAME: nodeName(0), SLURM_SUBMIT_DIR: job.workDir,
      SLURM_SUBMIT_HOST: 'sfapi', SLURM_CPUS_ON_NODE: String(o.exclusive ? 256 : Math.ceil(job.cpus / job.nodes)),
      SFAPI_SIM_NODE: process.execPath, SFAPI_SIM_CONTROL: this.cfg.controlFile, SFAPI_SIM_SANDBOX: this.cfg.sandbox,
      ...this.cfg.env,
    };
    if (o.ntasks !== undefined || o.ntasksPerNode !== undefined) {
      const n = o.ntasks ?? job.nodes * (o.ntasksPerNode ?? 1);
      env.SLURM_NTASKS = String(n);
      env.SLURM_NPROCS = String(n);
    }
    if (o.ntasksPerNode !== undefined) env.SLURM_NTASKS_PER_NODE = String(o.ntasksPerNode);
    if (o.cpusPerTask !== undefined) env.SLURM_CPUS_PER_TASK = String(o.cpusPerTask);
    if (o.image !== undefined) env.SLURM_SPANK_SHIFTER_IMAGE = o.image;
    if (o.volumes.length > 0) env.SLURM_SPANK_SHIFTER_VOLUME = o.volumes.join(';');
    return env;
  }

  private signalGroup(job: Job, sig: NodeJS.Signals): void {
    const pid = job.proc?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, sig);
    } catch {
      // the group is gone
    }
  }

  /** The simulator ends a running job (walltime, scancel, injected fault): signal the whole process group. */
  private kill(job: Job, reason: EndState): void {
    if (job.state !== 'RUNNING' || job.killedFor) return;
    job.killedFor = reason;
    job.state = 'COMPLETING';
    const stamp = slurmTime(Date.now());
    const why: Partial<Record<EndState, string>> = { TIMEOUT: ' DUE TO TIME LIMIT', PREEMPTED: ' DUE TO PREEMPTION', NODE_FAIL: ' DUE TO NODE FAILURE' };
    const line = reason === 'OUT_OF_MEMORY'
      ? `slurmstepd: error: Detected 1 oom_kill event in StepId=${job.id}.batch. Some of the step tasks have been OOM Killed.\n`
      : `slurmstepd: error: *** JOB ${job.id} ON ${nodeName(0)} CANCELLED AT ${stamp}${why[reason] ?? ''} ***\n`;
    if (job.errPath) appendFileSync(job.errPath, line);
    if (reason === 'OUT_OF_MEMORY' || reason === 'NODE_FAIL') {
      this.signalGroup(job, 'SIGKILL');
      return;
    }
    this.signalGroup(job, 'SIGTERM');
    const t = setTimeout(() => { this.signalGroup(job, 'SIGKILL'); }, this.cfg.timings.killWaitMs);
    job.timers.push(t);
  }

  private exited(job: Job, code: number, signal: NodeJS.Signals | null): void {
    for (const t of job.timers) clearTimeout(t);
    job.timers = [];
    // Like the job's cgroup: whatever the script left running in the background dies with it.
    this.signalGroup(job, 'SIGKILL');
    job.endAt = Date.now();
    job.state = 'COMPLETING';
    let state: EndState;
    let exit: string;
    if (job.killedFor) {
      state = job.killedFor;
      exit = IMPOSED_EXIT[state];
    } else if (signal) {
      state = 'FAILED';
      exit = `0:${String(SIGNALS[signal] ?? 0)}`;
    } else {
      state = code === 0 ? 'COMPLETED' : 'FAILED';
      exit = `${code}:0`;
    }
    const t = setTimeout(() => { this.finish(job, state, exit, state === 'FAILED' ? 'NonZeroExitCode' : 'None'); }, this.cfg.timings.completingMs);
    job.timers.push(t);
  }

  private finish(job: Job, state: EndState, exit: string, reason: string): void {
    for (const t of job.timers) clearTimeout(t);
    job.timers = [];
    job.state = state;
    job.exitCode = exit;
    job.reason = reason;
    job.endAt ??= Date.now();
  }

  // ------------------------------------------------------------------ scancel

  /** scancel: undefined when the signal was sent, else scancel's error. */
  cancel(id: number, byUid: number): string | undefined {
    const job = this.jobs.get(id);
    const prefix = `scancel: error: Kill job error on job id ${String(id)}:`;
    if (!job || job.visibleAt > Date.now()) return `${prefix} Invalid job id specified`;
    if (job.uid !== byUid) return `${prefix} Access/permission denied`;
    if (job.state === 'PENDING') {
      job.cancelledBy = byUid;
      this.finish(job, 'CANCELLED', '0:0', 'None');
      return undefined;
    }
    if (job.state !== 'RUNNING' || job.killedFor) return `${prefix} Job/step already completing or completed`;
    job.cancelledBy = byUid;
    this.kill(job, 'CANCELLED');
    return undefined;
  }

  // ------------------------------------------------------------------ views

  private snapshots(at: number): JobSnap[] {
    const scale = this.cfg.timings.timeScale;
    return [...this.jobs.values()].map((j) => {
      const run = j.startAt === undefined || j.foreign ? 0 : ((j.endAt ?? at) - j.startAt) / scale / 1000;
      const snap: JobSnap = {
        id: j.id, name: j.name, user: j.user, uid: j.uid, gid: j.gid, group: j.group, account: j.account, qos: j.qos, constraint: j.constraint,
        partition: j.partition, nodes: j.nodes, cpus: j.cpus, timeLimitSec: j.timeLimitSec, comment: j.comment, exclusive: j.exclusive,
        workDir: j.workDir, command: j.command, submitAt: j.submitAt, visibleAt: j.visibleAt, startAt: j.startAt, endAt: j.endAt,
        state: j.state, reason: j.reason, exitCode: j.exitCode, cancelledBy: j.cancelledBy, nodeList: j.nodeList, elapsedSec: Math.max(0, run),
      };
      return snap;
    });
  }

  private select(cached: boolean): { at: number; jobs: JobSnap[] } {
    if (cached) return this.cache;
    const at = Date.now();
    return { at, jobs: this.snapshots(at) };
  }

  private matches(j: JobSnap, f: JobFilters): boolean {
    const has = (k: keyof JobFilters, v: string): boolean => f[k] === undefined || (f[k] ?? []).includes(v);
    return has('jobid', String(j.id)) && has('user', j.user) && has('name', j.name) && has('partition', j.partition)
      && has('qos', j.qos) && has('account', j.account) && (f.state === undefined || f.state.includes(j.state) || f.state.includes(SHORT[j.state]));
  }

  /** The squeue view: active jobs; ended ones only when asked for by id and within squeueLingerMs of their end. */
  squeue(f: JobFilters, cached: boolean): Record<string, string>[] {
    const { at, jobs } = this.select(cached);
    return jobs
      .filter((j) => j.visibleAt <= at && this.matches(j, f))
      .filter((j) => ACTIVE.includes(j.state) || (f.jobid !== undefined && j.endAt !== undefined && at - j.endAt < this.cfg.timings.squeueLingerMs))
      .map((j) => this.squeueRow(j));
  }

  /** The sacct view: every job once visible. */
  sacct(f: JobFilters, cached: boolean): Record<string, string>[] {
    const { at, jobs } = this.select(cached);
    return jobs.filter((j) => j.visibleAt <= at && this.matches(j, f)).map((j) => this.sacctRow(j));
  }

  private squeueRow(j: JobSnap): Record<string, string> {
    const started = j.startAt !== undefined;
    const pending = j.state === 'PENDING';
    const ended = !ACTIVE.includes(j.state);
    const scaledEnd = j.startAt !== undefined ? j.startAt + j.timeLimitSec * 1000 * this.cfg.timings.timeScale : undefined;
    return {
      account: j.account, tres_per_node: 'N/A', min_cpus: '1', min_tmp_disk: '0',
      end_time: ended && j.endAt !== undefined ? slurmTime(j.endAt) : scaledEnd !== undefined ? slurmTime(scaledEnd) : 'N/A',
      features: j.constraint, group: String(j.gid), over_subscribe: j.exclusive ? 'NO' : 'OK', jobid: String(j.id), name: j.name,
      comment: j.comment === '' ? '(null)' : j.comment, time_limit: squeueDuration(j.timeLimitSec), min_memory: '0', req_nodes: '',
      command: j.command, priority: pending ? '67684' : '0', qos: j.qos, reason: j.reason, '': '', st: SHORT[j.state], user: j.user,
      reservation: '(null)', wckey: '(null)', exc_nodes: '', nice: '0', 's:c:t': '*:*:*', exec_host: started ? nodeName(0) : 'n/a',
      cpus: String(j.cpus), nodes: String(j.nodes), dependency: '(null)', array_job_id: String(j.id), sockets_per_node: '*',
      cores_per_socket: '*', threads_per_core: '*', array_task_id: 'N/A', time_left: squeueDuration(j.timeLimitSec - j.elapsedSec),
      time: squeueDuration(j.elapsedSec), nodelist: j.nodeList, contiguous: '0', partition: j.partition,
      'nodelist(reason)': pending ? `(${j.reason})` : j.nodeList, start_time: j.startAt !== undefined ? slurmTime(j.startAt) : 'N/A',
      state: j.state, uid: String(j.uid), submit_time: slurmTime(j.submitAt), licenses: '(null)', core_spec: 'N/A', schednodes: '(null)',
      work_dir: j.workDir,
    };
  }

  private sacctRow(j: JobSnap): Record<string, string> {
    const started = j.startAt !== undefined;
    const ended = !ACTIVE.includes(j.state);
    const e = Math.floor(j.elapsedSec);
    const row: Record<string, string> = {};
    for (const k of SACCT_KEYS) row[k] = '';
    Object.assign(row, {
      account: j.account, alloccpus: started ? String(j.cpus) : '0', allocnodes: started ? String(j.nodes) : '0', cluster: 'perlmutter',
      comment: j.comment, constraints: j.constraint, cputime: sacctDuration(e * j.cpus), cputimeraw: String(e * j.cpus),
      derivedexitcode: '0:0', elapsed: sacctDuration(e), elapsedraw: String(e), eligible: slurmTime(j.submitAt),
      end: ended && j.endAt !== undefined ? slurmTime(j.endAt) : 'Unknown', exitcode: j.exitCode, flags: 'SchedMain', gid: String(j.gid),
      group: j.group, jobid: String(j.id), jobidraw: String(j.id), jobname: j.name, ncpus: String(j.cpus), nnodes: String(j.nodes),
      nodelist: started ? j.nodeList : 'None assigned', priority: ended ? '0' : '67684', partition: j.partition, qos: j.qos,
      reason: j.reason, reqcpus: String(j.cpus), reqnodes: String(j.nodes),
      start: j.startAt !== undefined ? slurmTime(j.startAt) : ended ? 'None' : 'Unknown',
      state: j.state === 'CANCELLED' && j.cancelledBy !== undefined ? `CANCELLED by ${String(j.cancelledBy)}` : j.state,
      submit: slurmTime(j.submitAt), suspended: '00:00:00', systemcpu: '00:00:00', timelimit: sacctDuration(j.timeLimitSec),
      timelimitraw: String(Math.round(j.timeLimitSec / 60)), totalcpu: '00:00:00', uid: String(j.uid), user: j.user, usercpu: '00:00:00',
      wckeyid: '0', workdir: j.workDir,
    });
    return row;
  }

  /** Every job the simulator holds (the two foreign ones excluded), for tests to inspect. */
  list(): (JobSnap & { script: string; pid: number | undefined })[] {
    const snaps = this.snapshots(Date.now());
    return snaps.filter((s) => !this.jobs.get(s.id)?.foreign).map((s) => ({ ...s, script: this.jobs.get(s.id)?.script ?? '', pid: this.jobs.get(s.id)?.proc?.pid }));
  }

  /** Resolves when the job has reached an end state (for tests; never for a job that pends forever). */
  async ended(id: number, pollMs = 10): Promise<JobSnap> {
    for (;;) {
      const j = this.jobs.get(id);
      if (!j) throw new Error(`no job ${String(id)}`);
      if (!ACTIVE.includes(j.state)) return this.snapshots(Date.now()).find((s) => s.id === id) as JobSnap;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.cacheTimer) clearInterval(this.cacheTimer);
    const waits: Promise<void>[] = [];
    for (const job of this.jobs.values()) {
      for (const t of job.timers) clearTimeout(t);
      job.timers = [];
      if (job.proc && job.exited) {
        this.signalGroup(job, 'SIGKILL');
        waits.push(job.exited);
      }
    }
    await Promise.all(waits);
    for (const job of this.jobs.values()) for (const t of job.timers) clearTimeout(t);
  }
}

/** The raw sacct key set (sfapi_client commit 6b293754 `JobStatusResponseSacct.json`). */
const SACCT_KEYS: readonly string[] = [
  'account', 'admincomment', 'alloccpus', 'allocnodes', 'alloctres', 'associd', 'avecpu', 'avecpufreq', 'avediskread', 'avediskwrite',
  'avepages', 'averss', 'avevmsize', 'blockid', 'cluster', 'comment', 'constraints', 'consumedenergy', 'consumedenergyraw', 'cputime',
  'cputimeraw', 'dbindex', 'derivedexitcode', 'elapsed', 'elapsedraw', 'eligible', 'end', 'exitcode', 'flags', 'gid', 'group', 'jobid',
  'jobidraw', 'jobname', 'layout', 'maxdiskread', 'maxdiskreadnode', 'maxdiskreadtask', 'maxdiskwrite', 'maxdiskwritenode',
  'maxdiskwritetask', 'maxpages', 'maxpagesnode', 'maxpagestask', 'maxrss', 'maxrssnode', 'maxrsstask', 'maxvmsize', 'maxvmsizenode',
  'maxvmsizetask', 'mcslabel', 'mincpu', 'mincpunode', 'mincputask', 'ncpus', 'nnodes', 'nodelist', 'ntasks', 'priority', 'partition',
  'qos', 'qosraw', 'reason', 'reqcpufreq', 'reqcpufreqmin', 'reqcpufreqmax', 'reqcpufreqgov', 'reqcpus', 'reqmem', 'reqnodes', 'reqtres',
  'reservation', 'reservationid', 'reserved', 'resvcpu', 'resvcpuraw', 'start', 'state', 'submit', 'suspended', 'systemcpu',
  'systemcomment', 'timelimit', 'timelimitraw', 'totalcpu', 'tresusageinave', 'tresusageinmax', 'tresusageinmaxnode',
  'tresusageinmaxtask', 'tresusageinmin', 'tresusageinminnode', 'tresusageinmintask', 'tresusageintot', 'tresusageoutave',
  'tresusageoutmax', 'tresusageoutmaxnode', 'tresusageoutmaxtask', 'tresusageoutmin', 'tresusageoutminnode', 'tresusageoutmintask',
  'tresusageouttot', 'uid', 'user', 'usercpu', 'wckey', 'wckeyid', 'workdir',
];

/** The raw squeue key set (sfapi_client commit 6b293754 `JobStatusResponseSqueue.json`), incl. `s:c:t`, `nodelist(reason)` and `""`. */
export const SQUEUE_KEYS: readonly string[] = [
  'account', 'tres_per_node', 'min_cpus', 'min_tmp_disk', 'end_time', 'features', 'group', 'over_subscribe', 'jobid', 'name', 'comment',
  'time_limit', 'min_memory', 'req_nodes', 'command', 'priority', 'qos', 'reason', '', 'st', 'user', 'reservation', 'wckey', 'exc_nodes',
  'nice', 's:c:t', 'exec_host', 'cpus', 'nodes', 'dependency', 'array_job_id', 'sockets_per_node', 'cores_per_socket', 'threads_per_core',
  'array_task_id', 'time_left', 'time', 'nodelist', 'contiguous', 'partition', 'nodelist(reason)', 'start_time', 'state', 'uid',
  'submit_time', 'licenses', 'core_spec', 'schednodes', 'work_dir',
];
export { SACCT_KEYS };
