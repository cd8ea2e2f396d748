/**
 * Task engine of the Globus simulator: transfer and delete tasks that really copy and remove files between
 * collection folders, on timers, with the document shapes and lifecycle of CONTRACTS §1.5–1.10:
 *
 *   submitted ─▶ ACTIVE "Queued" ─(slot free)─▶ ACTIVE "OK" ─(≈ bytes / rate)─▶ copy ─▶ SUCCEEDED
 *                                                   │ error (missing source, …): nice_status = code, retry with backoff
 *                                                   │ cancel ─▶ FAILED (CANCELED)      deadline ─▶ FAILED (EXPIRED)
 *
 * At most `maxActive` tasks of one type (TRANSFER / DELETE) run at once per owner (the documented
 * 3 + 3 per user); the others wait ACTIVE with nice_status "Queued".
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Stats } from 'node:fs';
import { copyFile, lstat, mkdir, readdir, realpath, rm, stat, utimes } from 'node:fs/promises';
import { dirname, posix } from 'node:path';
import type { Collection } from './collections.js';
import { GlobusError, isMissing, taskTime } from './collections.js';

export type TaskStatus = 'ACTIVE' | 'INACTIVE' | 'SUCCEEDED' | 'FAILED';

export interface TaskDocument {
  DATA_TYPE: 'task';
  task_id: string;
  type: 'TRANSFER' | 'DELETE';
  status: TaskStatus;
  label: string | null;
  owner_id: string;
  username: string;
  command: string;
  request_time: string;
  completion_time: string | null;
  deadline: string;
  source_endpoint: string;
  source_endpoint_id: string;
  source_endpoint_display_name: string;
  destination_endpoint: string | null;
  destination_endpoint_id: string | null;
  destination_endpoint_display_name: string | null;
  fatal_error: { code: string; description: string } | null;
  nice_status: string | null;
  nice_status_short_description: string | null;
  nice_status_details: string | null;
  nice_status_expires_in: number | null;
  is_ok: boolean | null;
  is_paused: boolean;
  history_deleted: boolean;
  canceled_by_admin: string | null;
  canceled_by_admin_message: string | null;
  files: number;
  directories: number;
  symlinks: number;
  files_transferred: number;
  files_skipped: number;
  bytes_transferred: number;
  bytes_checksummed: number;
  effective_bytes_per_second: number;
  faults: number;
  subtasks_total: number;
  subtasks_pending: number;
  subtasks_retrying: number;
  subtasks_succeeded: number;
  subtasks_failed: number;
  subtasks_expired: number;
  subtasks_canceled: number;
  subtasks_skipped_errors: number;
  sync_level: number | null;
  verify_checksum: boolean;
  preserve_timestamp: boolean;
  encrypt_data: boolean;
  delete_destination_extra: boolean;
  skip_source_errors: boolean;
  fail_on_quota_errors: boolean;
  recursive_symlinks: string | null;
  filter_rules: unknown[] | null;
}

export interface TaskEvent {
  DATA_TYPE: 'event';
  code: string;
  description: string;
  details: string;
  is_error: boolean;
  time: string;
}

export interface SuccessfulTransfer {
  DATA_TYPE: 'successful_transfer';
  source_path: string;
  destination_path: string;
}

export interface SkippedError {
  DATA_TYPE: 'skipped_error';
  error_code: string;
  error_details: string;
  error_time: string;
  source_path: string;
  destination_path: string;
  is_directory: boolean;
  is_delete_destination_extra: boolean;
  external_checksum: string | null;
  checksum_algorithm: string | null;
}

export interface TransferItemSpec {
  source_path: string;
  destination_path: string;
  recursive: boolean;
}

export interface TransferSpec {
  kind: 'TRANSFER';
  source: Collection;
  destination: Collection;
  items: TransferItemSpec[];
  syncLevel: number | null;
  verifyChecksum: boolean;
  preserveTimestamp: boolean;
  skipSourceErrors: boolean;
  encryptData: boolean;
  failOnQuotaErrors: boolean;
  deleteDestinationExtra: boolean;
}

export interface DeleteSpec {
  kind: 'DELETE';
  endpoint: Collection;
  paths: string[];
  recursive: boolean;
  ignoreMissing: boolean;
}

/** What happens to a task, chosen by the test hooks at submission (default: run normally). */
export type TaskMode =
  | { kind: 'normal' }
  | { kind: 'fail'; code: string; description: string }
  | { kind: 'stick'; code: string }
  | { kind: 'inactive'; ms: number; code: string };

const DESCRIPTIONS: Record<string, string> = {
  FILE_NOT_FOUND: 'file not found',
  PERMISSION_DENIED: 'permission denied',
  ENDPOINT_ERROR: 'endpoint error',
  VERIFY_CHECKSUM: 'checksum verification failed',
  NO_SPACE_LEFT: 'no space left on device',
  AUTH: 'authentication failed',
  CANCELED: 'canceled',
  EXPIRED: 'expired',
};
const describeCode = (code: string): string => DESCRIPTIONS[code] ?? code.toLowerCase().replace(/_/g, ' ');

type UnitState = 'pending' | 'error' | 'done' | 'synced' | 'skipped_error' | 'canceled' | 'expired' | 'failed';

/** One file of a transfer (a recursive item is a unit until it is expanded into its files). */
interface Unit {
  source: string;
  destination: string;
  recursive: boolean;
  state: UnitState;
  lastError?: { code: string; details: string };
}

interface SimTask {
  doc: TaskDocument;
  spec: TransferSpec | DeleteSpec;
  mode: TaskMode;
  events: TaskEvent[]; // oldest first; served newest first
  successful: SuccessfulTransfer[];
  skipped: SkippedError[];
  units: Unit[];
  phase: 'queued' | 'running' | 'done';
  timer: NodeJS.Timeout | undefined;
  deadlineTimer: NodeJS.Timeout | undefined;
  attempts: number;
  startedAt: number;
}

export interface EngineOptions {
  bytesPerSecond: number;
  minTaskMs: number;
  maxActiveTasksPerUser: number;
}

class Canceled extends Error {}

/** A failure of one unit, turned into a task event code. */
class UnitError extends Error {
  readonly code: string;
  constructor(code: string, details: string) {
    super(details);
    this.code = code;
  }
}

function unitErrorFrom(err: unknown, path: string): UnitError {
  if (err instanceof UnitError) return err;
  if (err instanceof GlobusError) return new UnitError('PERMISSION_DENIED', err.message);
  const code = err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : '';
  const msg = err instanceof Error ? err.message : String(err);
  if (code === 'ENOENT' || code === 'ENOTDIR') return new UnitError('FILE_NOT_FOUND', `No such file or directory: ${path}`);
  if (code === 'EACCES' || code === 'EPERM') return new UnitError('PERMISSION_DENIED', `Permission denied: ${path}`);
  if (code === 'ENOSPC') return new UnitError('NO_SPACE_LEFT', `No space left on device: ${path}`);
  if (code === 'EDQUOT') return new UnitError('QUOTA_EXCEEDED', `Quota exceeded: ${path}`);
  // the code only: a Node message would show host paths, which a Globus client never sees
  return new UnitError('ENDPOINT_ERROR', `${code || msg} on '${path}'`);
}

async function fileDigest(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export class TaskEngine {
  private readonly opts: EngineOptions;
  private readonly byId = new Map<string, SimTask>();
  private readonly all: SimTask[] = [];
  private readonly bySubmission = new Map<string, SimTask>();
  private readonly running = new Map<string, number>();
  private readonly modes: TaskMode[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private closed = false;

  constructor(opts: EngineOptions) {
    this.opts = opts;
  }

  /** Queue a mode for the next submitted task (each call applies to one later task, in order). */
  queueMode(mode: TaskMode): void {
    this.modes.push(mode);
  }

  /** A task by id, only for its owner (others get undefined → 404, as if it did not exist). */
  get(id: string, owner: string): SimTask | undefined {
    const t = this.byId.get(id.toLowerCase());
    return t && t.doc.owner_id === owner ? t : undefined;
  }

  bySubmissionId(submissionId: string): SimTask | undefined {
    return this.bySubmission.get(submissionId.toLowerCase());
  }

  snapshot(): TaskDocument[] {
    return this.all.map((t) => structuredClone(t.doc));
  }

  events(t: SimTask): readonly TaskEvent[] {
    return [...t.events].reverse();
  }

  successful(t: SimTask): readonly SuccessfulTransfer[] {
    return t.successful;
  }

  skipped(t: SimTask): readonly SkippedError[] {
    return t.skipped;
  }

  document(t: SimTask): TaskDocument {
    return structuredClone(t.doc);
  }

  submit(args: {
    owner: string;
    username: string;
    submissionId: string;
    label: string | null;
    deadline: number | null;
    spec: TransferSpec | DeleteSpec;
  }): SimTask {
    const now = Date.now();
    const spec = args.spec;
    const isTransfer = spec.kind === 'TRANSFER';
    const src = isTransfer ? spec.source : spec.endpoint;
    const dst = isTransfer ? spec.destination : null;
    const units: Unit[] = isTransfer
      ? spec.items.map((i) => ({ source: i.source_path, destination: i.destination_path, recursive: i.recursive, state: 'pending' }))
      : spec.paths.map((p) => ({ source: p, destination: p, recursive: spec.recursive, state: 'pending' }));
    const deadline = args.deadline ?? now + 24 * 3600 * 1000;
    const doc: TaskDocument = {
      DATA_TYPE: 'task',
      task_id: randomUUID(),
      type: spec.kind,
      status: 'ACTIVE',
      label: args.label,
      owner_id: args.owner,
      username: args.username,
      command: 'API 0.10',
      request_time: taskTime(now),
      completion_time: null,
      deadline: taskTime(deadline),
      source_endpoint: src.id,
      source_endpoint_id: src.id,
      source_endpoint_display_name: src.displayName,
      destination_endpoint: dst?.id ?? null,
      destination_endpoint_id: dst?.id ?? null,
      destination_endpoint_display_name: dst?.displayName ?? null,
      fatal_error: null,
      nice_status: 'Queued',
      nice_status_short_description: 'Queued',
      nice_status_details: null,
      nice_status_expires_in: -1,
      is_ok: true,
      is_paused: false,
      history_deleted: false,
      canceled_by_admin: null,
      canceled_by_admin_message: null,
      files: isTransfer ? units.filter((u) => !u.recursive).length : units.length,
      directories: 0,
      symlinks: 0,
      files_transferred: 0,
      files_skipped: 0,
      bytes_transferred: 0,
      bytes_checksummed: 0,
      effective_bytes_per_second: 0,
      faults: 0,
      subtasks_total: units.length,
      subtasks_pending: units.length,
      subtasks_retrying: 0,
      subtasks_succeeded: 0,
      subtasks_failed: 0,
      subtasks_expired: 0,
      subtasks_canceled: 0,
      subtasks_skipped_errors: 0,
      sync_level: isTransfer ? spec.syncLevel : null,
      verify_checksum: isTransfer ? spec.verifyChecksum : false,
      preserve_timestamp: isTransfer ? spec.preserveTimestamp : false,
      encrypt_data: isTransfer ? spec.encryptData : false,
      delete_destination_extra: isTransfer ? spec.deleteDestinationExtra : false,
      skip_source_errors: isTransfer ? spec.skipSourceErrors : false,
      fail_on_quota_errors: isTransfer ? spec.failOnQuotaErrors : false,
      recursive_symlinks: isTransfer ? 'ignore' : null,
      filter_rules: null,
    };
    const task: SimTask = {
      doc,
      spec,
      mode: this.modes.shift() ?? { kind: 'normal' },
      events: [],
      successful: [],
      skipped: [],
      units,
      phase: 'queued',
      timer: undefined,
      deadlineTimer: undefined,
      attempts: 0,
      startedAt: 0,
    };
    this.byId.set(doc.task_id, task);
    this.all.push(task);
    this.bySubmission.set(args.submissionId.toLowerCase(), task);
    const untilDeadline = deadline - now;
    if (untilDeadline < 2 ** 31 - 1) task.deadlineTimer = this.timer(untilDeadline, () => { this.expire(task); });
    this.dispatch(this.slotKey(task));
    return task;
  }

  /** POST task/<id>/cancel. Returns false when the task had already finished. */
  cancel(task: SimTask): boolean {
    if (task.phase === 'done') return false;
    for (const u of task.units) if (u.state === 'pending' || u.state === 'error') u.state = 'canceled';
    this.finishFailed(task, 'CANCELED', 'canceled', 'Canceled by the task owner');
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.all) {
      clearTimeout(t.timer);
      clearTimeout(t.deadlineTimer);
    }
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  // ---------------------------------------------------------------- scheduling

  private slotKey(t: SimTask): string {
    return `${t.doc.owner_id}\u0000${t.doc.type}`;
  }

  private dispatch(key: string): void {
    if (this.closed) return;
    for (const t of this.all) {
      if ((this.running.get(key) ?? 0) >= this.opts.maxActiveTasksPerUser) return;
      if (t.phase === 'queued' && this.slotKey(t) === key) this.start(t);
    }
  }

  private timer(ms: number, fn: () => void): NodeJS.Timeout {
    const h = setTimeout(() => {
      if (!this.closed) fn();
    }, Math.max(0, ms));
    h.unref();
    return h;
  }

  /** Run async work of a task; errors end the task FAILED (ENDPOINT_ERROR) rather than escaping. */
  private track(task: SimTask, work: () => Promise<void>): void {
    const p = work()
      .catch((err: unknown) => {
        if (err instanceof Canceled || task.phase === 'done') return;
        const e = unitErrorFrom(err, '');
        this.finishFailed(task, e.code, describeCode(e.code), e.message);
      })
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  /** Throws Canceled when the task was finished (e.g. cancelled) while async work was in flight. */
  private live(task: SimTask): void {
    if (task.phase !== 'running' || this.closed) throw new Canceled();
  }

  private start(task: SimTask): void {
    const key = this.slotKey(task);
    this.running.set(key, (this.running.get(key) ?? 0) + 1);
    task.phase = 'running';
    task.startedAt = Date.now();
    this.setOk(task);
    this.event(task, 'STARTED', false, JSON.stringify({ type: task.doc.type === 'TRANSFER' ? 'GridFTP Transfer' : 'Delete', concurrency: 2, parallelism: 4, pipelining: 20 }, null, 2));
    const mode = task.mode;
    switch (mode.kind) {
      case 'fail':
        task.timer = this.timer(this.opts.minTaskMs, () => {
          for (const u of task.units) if (u.state === 'pending' || u.state === 'error') u.state = 'failed';
          this.finishFailed(task, mode.code, mode.description, `${mode.description} (failure injected by the simulator)`);
        });
        return;
      case 'stick':
        this.setError(task, mode.code, `${describeCode(mode.code)} (stuck by the simulator; the task retries until cancelled or its deadline)`);
        return;
      case 'inactive':
        task.doc.status = 'INACTIVE';
        task.doc.is_ok = false;
        task.doc.nice_status = mode.code;
        task.doc.nice_status_short_description = describeCode(mode.code);
        task.doc.nice_status_details = 'Credentials for the endpoint have expired; the task is suspended until they are renewed';
        task.doc.nice_status_expires_in = Math.ceil(mode.ms / 1000);
        task.doc.faults += 1;
        this.event(task, mode.code, true, task.doc.nice_status_details);
        task.timer = this.timer(mode.ms, () => {
          if (task.phase !== 'running') return;
          task.doc.status = 'ACTIVE';
          this.setOk(task);
          this.runNormally(task);
        });
        return;
      case 'normal':
        this.runNormally(task);
        return;
    }
  }

  private runNormally(task: SimTask): void {
    if (task.spec.kind === 'DELETE') {
      task.timer = this.timer(this.opts.minTaskMs, () => {
        this.track(task, () => this.runDelete(task));
      });
      return;
    }
    const spec = task.spec;
    this.track(task, async () => {
      await this.expand(task, spec);
      this.live(task);
      let bytes = 0;
      for (const u of task.units) {
        if (u.recursive) continue;
        try {
          bytes += (await stat(await spec.source.resolve(u.source, true))).size;
        } catch {
          // missing or refused: reported when the copy is attempted
        }
      }
      this.live(task);
      const ms = Math.max(this.opts.minTaskMs, (bytes / this.opts.bytesPerSecond) * 1000);
      task.timer = this.timer(ms, () => {
        this.track(task, () => this.attemptTransfer(task, spec));
      });
    });
  }

  private release(task: SimTask): void {
    const key = this.slotKey(task);
    const wasRunning = task.phase === 'running';
    task.phase = 'done';
    clearTimeout(task.timer);
    clearTimeout(task.deadlineTimer);
    if (wasRunning) this.running.set(key, Math.max(0, (this.running.get(key) ?? 0) - 1));
    this.dispatch(key);
  }

  // ---------------------------------------------------------------- status helpers

  private event(task: SimTask, code: string, isError: boolean, details: string): void {
    task.events.push({ DATA_TYPE: 'event', code, description: describeCode(code), details, is_error: isError, time: taskTime(Date.now()) });
  }

  private setOk(task: SimTask): void {
    Object.assign(task.doc, { nice_status: 'OK', nice_status_short_description: 'OK', nice_status_details: null, nice_status_expires_in: -1, is_ok: true });
  }

  private setError(task: SimTask, code: string, details: string): void {
    Object.assign(task.doc, { nice_status: code, nice_status_short_description: describeCode(code), nice_status_details: details, nice_status_expires_in: 900, is_ok: false });
    task.doc.faults += 1;
    this.event(task, code, true, details);
  }

  private counters(task: SimTask): void {
    const n = (...s: UnitState[]): number => task.units.filter((u) => s.includes(u.state)).length;
    const d = task.doc;
    d.subtasks_total = task.units.length;
    d.subtasks_pending = n('pending', 'error');
    d.subtasks_retrying = n('error');
    d.subtasks_succeeded = n('done', 'synced');
    d.subtasks_skipped_errors = n('skipped_error');
    d.subtasks_canceled = n('canceled');
    d.subtasks_expired = n('expired');
    d.subtasks_failed = n('failed');
    if (d.type === 'TRANSFER') d.files = task.units.filter((u) => !u.recursive).length;
    const secs = Math.max(0.001, (Date.now() - (task.startedAt || Date.now())) / 1000);
    d.effective_bytes_per_second = Math.floor(d.bytes_transferred / secs);
  }

  private finishDone(task: SimTask): void {
    if (task.phase === 'done') return;
    this.counters(task);
    const d = task.doc;
    if (d.type === 'TRANSFER') {
      const secs = Math.max(0.001, (Date.now() - task.startedAt) / 1000);
      this.event(task, 'PROGRESS', false, JSON.stringify({ bytes_transferred: d.bytes_transferred, duration: Number(secs.toFixed(2)), mbps: Number(((d.bytes_transferred * 8) / 1e6 / secs).toFixed(2)) }, null, 2));
    }
    if (d.subtasks_skipped_errors > 0) this.event(task, 'SKIPPED_ERRORS', false, `${d.subtasks_skipped_errors} source errors were skipped (skip_source_errors)`);
    this.event(task, 'SUCCEEDED', false, JSON.stringify({ files_succeeded: d.subtasks_succeeded }, null, 2));
    Object.assign(d, {
      status: 'SUCCEEDED',
      completion_time: taskTime(Date.now()),
      nice_status: null,
      nice_status_short_description: null,
      nice_status_details: null,
      nice_status_expires_in: null,
      is_ok: null,
    });
    this.release(task);
  }

  private finishFailed(task: SimTask, code: string, description: string, details: string): void {
    if (task.phase === 'done') return;
    this.event(task, code, true, details);
    this.counters(task);
    Object.assign(task.doc, {
      status: 'FAILED',
      fatal_error: { code, description },
      completion_time: taskTime(Date.now()),
      nice_status: null,
      nice_status_short_description: null,
      nice_status_details: null,
      nice_status_expires_in: null,
      is_ok: null,
    });
    this.release(task);
  }

  private expire(task: SimTask): void {
    if (task.phase === 'done') return;
    for (const u of task.units) if (u.state === 'pending' || u.state === 'error') u.state = 'expired';
    this.finishFailed(task, 'EXPIRED', 'expired', 'The task reached its deadline before it completed');
  }

  // ---------------------------------------------------------------- transfer

  /** Replace recursive units whose source directory exists by one unit per file below it. */
  private async expand(task: SimTask, spec: TransferSpec): Promise<void> {
    const out: Unit[] = [];
    for (const u of task.units) {
      if (!u.recursive || (u.state !== 'pending' && u.state !== 'error')) {
        out.push(u);
        continue;
      }
      let host: string;
      let st: Stats;
      try {
        host = await spec.source.resolve(u.source, true);
        st = await stat(host);
      } catch (err) {
        const e = unitErrorFrom(err, u.source);
        u.state = 'error';
        u.lastError = { code: e.code, details: e.message };
        out.push(u);
        continue;
      }
      if (!st.isDirectory()) {
        out.push({ ...u, recursive: false });
        continue;
      }
      const files: Unit[] = [];
      const dirs: string[] = [u.destination];
      const walk = async (hostDir: string, srcRel: string, dstRel: string): Promise<void> => {
        for (const ent of (await readdir(hostDir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
          const s = posix.join(srcRel, ent.name);
          const d = posix.join(dstRel, ent.name);
          if (ent.isDirectory()) {
            dirs.push(d);
            await walk(posix.join(hostDir, ent.name), s, d);
          } else if (ent.isFile()) {
            files.push({ source: s, destination: d, recursive: false, state: 'pending' });
          } else if (ent.isSymbolicLink()) {
            task.doc.symlinks += 1; // recursive_symlinks "ignore"
          }
        }
      };
      await walk(host, u.source, u.destination);
      for (const d of dirs) await mkdir(await spec.destination.resolve(d, true), { recursive: true });
      task.doc.directories += dirs.length;
      out.push(...files);
    }
    task.units = out;
    this.counters(task);
  }

  private async attemptTransfer(task: SimTask, spec: TransferSpec): Promise<void> {
    this.live(task);
    task.attempts += 1;
    await this.expand(task, spec);
    for (const u of task.units) {
      this.live(task);
      if (u.recursive || (u.state !== 'pending' && u.state !== 'error')) continue;
      try {
        await this.copyUnit(task, spec, u);
      } catch (err) {
        if (err instanceof Canceled) throw err;
        const e = unitErrorFrom(err, u.source);
        u.state = 'error';
        u.lastError = { code: e.code, details: e.message };
      }
    }
    this.live(task);
    const failing = task.units.filter((u) => u.state === 'error');
    if (spec.skipSourceErrors) {
      for (const u of failing) {
        if (u.lastError?.code !== 'FILE_NOT_FOUND' && u.lastError?.code !== 'PERMISSION_DENIED') continue;
        u.state = 'skipped_error';
        task.skipped.push({
          DATA_TYPE: 'skipped_error',
          error_code: u.lastError.code,
          error_details: u.lastError.details,
          error_time: taskTime(Date.now()),
          source_path: u.source,
          destination_path: u.destination,
          is_directory: u.recursive,
          is_delete_destination_extra: false,
          external_checksum: null,
          checksum_algorithm: null,
        });
      }
    }
    this.counters(task);
    const still = task.units.filter((u) => u.state === 'error' || u.state === 'pending');
    if (still.length === 0) {
      this.finishDone(task);
      return;
    }
    // A real task keeps retrying a failing file until the deadline: report it and try again later.
    for (const u of still) {
      const e = u.lastError ?? { code: 'ENDPOINT_ERROR', details: 'unknown error' };
      this.setError(task, e.code, `Error (transfer)\nEndpoint: ${spec.source.displayName} (${spec.source.id})\nFile: ${u.source}\nMessage: ${e.details}`);
    }
    const delay = Math.min(1000, Math.max(10, this.opts.minTaskMs) * 2 ** Math.min(task.attempts - 1, 10));
    task.timer = this.timer(delay, () => {
      this.track(task, () => this.attemptTransfer(task, spec));
    });
  }

  private async copyUnit(task: SimTask, spec: TransferSpec, u: Unit): Promise<void> {
    const srcHost = await spec.source.resolve(u.source, true);
    const st = await stat(srcHost);
    if (st.isDirectory()) throw new UnitError('ENDPOINT_ERROR', `Source '${u.source}' is a directory; set recursive=true on the item`);
    if (!st.isFile()) throw new UnitError('ENDPOINT_ERROR', `Source '${u.source}' is not a regular file`);
    const dstHost = await spec.destination.resolve(u.destination, true);
    let dst: Stats | null = null;
    try {
      dst = await stat(dstHost);
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
    if (dst?.isDirectory()) throw new UnitError('ENDPOINT_ERROR', `Destination '${u.destination}' is a directory; a file item needs the full destination file path`);
    const d = task.doc;
    if (dst && (await this.inSync(spec, srcHost, st, dstHost, dst, d))) {
      u.state = 'synced';
      d.files_skipped += 1;
      return;
    }
    this.live(task);
    if (dst && (await realpath(srcHost)) === (await realpath(dstHost))) {
      u.state = 'synced'; // source and destination are the same file
      d.files_skipped += 1;
      return;
    }
    await mkdir(dirname(dstHost), { recursive: true });
    await spec.destination.resolve(u.destination, true); // the parents just made must not have led outside
    await copyFile(srcHost, dstHost);
    if (spec.preserveTimestamp) await utimes(dstHost, st.atime, st.mtime);
    if (spec.verifyChecksum) {
      const [a, b] = await Promise.all([fileDigest(srcHost), fileDigest(dstHost)]);
      d.bytes_checksummed += st.size;
      if (a !== b) throw new UnitError('VERIFY_CHECKSUM', `Checksum mismatch for '${u.destination}'`);
    }
    u.state = 'done';
    d.files_transferred += 1;
    d.bytes_transferred += st.size;
    task.successful.push({ DATA_TYPE: 'successful_transfer', source_path: u.source, destination_path: u.destination });
  }

  /** sync_level: 0 exists, 1 same size, 2 destination not older, 3 same size and content (checksum). */
  private async inSync(spec: TransferSpec, srcHost: string, src: Stats, dstHost: string, dst: Stats, d: TaskDocument): Promise<boolean> {
    switch (spec.syncLevel) {
      case 0:
        return true;
      case 1:
        return src.size === dst.size;
      case 2:
        return Math.floor(src.mtimeMs / 1000) <= Math.floor(dst.mtimeMs / 1000);
      case 3: {
        if (src.size !== dst.size) return false;
        const [a, b] = await Promise.all([fileDigest(srcHost), fileDigest(dstHost)]);
        d.bytes_checksummed += src.size * 2;
        return a === b;
      }
      default:
        return false;
    }
  }

  // ---------------------------------------------------------------- delete

  private async runDelete(task: SimTask): Promise<void> {
    this.live(task);
    const spec = task.spec as DeleteSpec;
    const ep = spec.endpoint;
    const at = (path: string): string => `Error (delete)\nEndpoint: ${ep.displayName} (${ep.id})\nPath: ${path}`;
    // Check every item before removing anything, so a bad item fails the task with nothing half-deleted.
    const targets: { unit: Unit; host: string; isDir: boolean }[] = [];
    for (const u of task.units) {
      if (u.source === '/') {
        this.failDelete(task, 'PERMISSION_DENIED', `${at(u.source)}\nMessage: the simulator refuses to delete a collection root`);
        return;
      }
      let host: string;
      try {
        host = await ep.resolve(u.source, false);
      } catch (err) {
        const e = unitErrorFrom(err, u.source);
        this.failDelete(task, e.code, `${at(u.source)}\nMessage: ${e.message}`);
        return;
      }
      let l: Stats;
      try {
        l = await lstat(host);
      } catch (err) {
        if (!isMissing(err)) throw err;
        if (spec.ignoreMissing) {
          u.state = 'done';
          continue;
        }
        this.failDelete(task, 'FILE_NOT_FOUND', `${at(u.source)}\nMessage: No such file or directory`);
        return;
      }
      this.live(task);
      if (l.isDirectory() && !spec.recursive) {
        this.failDelete(task, 'ENDPOINT_ERROR', `${at(u.source)}\nMessage: '${u.source}' is a directory; a delete of a directory needs recursive=true`);
        return;
      }
      targets.push({ unit: u, host, isDir: l.isDirectory() });
    }
    task.doc.files = 0;
    for (const t of targets) {
      this.live(task);
      if (t.isDir) {
        const c = await countTree(t.host);
        task.doc.files += c.files;
        task.doc.directories += c.dirs;
        await rm(t.host, { recursive: true, force: true });
      } else {
        task.doc.files += 1;
        await rm(t.host, { force: true });
      }
      t.unit.state = 'done';
    }
    this.finishDone(task);
  }

  private failDelete(task: SimTask, code: string, details: string): void {
    for (const u of task.units) if (u.state === 'pending' || u.state === 'error') u.state = 'failed';
    this.finishFailed(task, code, describeCode(code), details);
  }
}

async function countTree(dir: string): Promise<{ files: number; dirs: number }> {
  let files = 0;
  let dirs = 1;
  for (const ent of await readdir(dir, { withFileTypes: true })) {
    if (ent.isDirectory()) {
      const c = await countTree(posix.join(dir, ent.name));
      files += c.files;
      dirs += c.dirs;
    } else files += 1;
  }
  return { files, dirs };
}
