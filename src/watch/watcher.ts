/**
 * `splash watch`: the beamline side of the pipeline. Finds files in a folder, waits until each is complete
 * (size and mtime unchanged for `stable_seconds`), gathers files that complete close together into one
 * batch (within GitHub's payload limits), spools the batch to disk, and sends it as a repository_dispatch —
 * retrying through outages and rate limits until GitHub accepts it. See spool.ts for what survives a crash.
 *
 * Finding files: file-system events are hints only (inotify drops events under load, network file systems
 * send none, a folder created and filled at once can be missed), so a periodic full rescan is the ground
 * truth and events only make discovery fast. On Linux the watcher puts one non-recursive watch on each
 * folder itself: Node 20's `recursive: true` there watches every file and costs ~2.5 KB and a syscall per file.
 */
import { lstatSync, readdirSync, watch, type FSWatcher, type Stats } from 'node:fs';
import { join, sep as nativeSep } from 'node:path';
import type { BeamlineConfig } from '../config/beamline.js';
import type { WatchSettings } from '../config/index.js';
import { describeError } from '../errors.js';
import { GitHubError, networkFailure } from '../github/errors.js';
import { emptyBodyBytes, MAX_BODY_BYTES, pathBytes, type DispatchBody } from '../github/payload.js';
import { backoffMs, waitAfter, type Backoff } from '../github/retry.js';
import { formatDuration } from './duration.js';
import { makeFilter, type FileFilter } from './filter.js';
import { keyOf, type Spool, type SpoolEntry, SpoolLedgerError, type SpoolRecord } from './spool.js';

export interface WatchLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

/** What the watcher needs from a GitHub client (GitHubClient in production and tests). */
export interface Dispatcher {
  readonly repository: string;
  dispatch(body: DispatchBody): Promise<void>;
}

export interface WatcherOptions {
  /** Absolute path of the watched folder, in the local OS's syntax. */
  readonly dir: string;
  /** The folder as the beamline's paths name it: dispatched path = sendAs + '/' + relative path. POSIX, absolute. */
  readonly sendAs: string;
  readonly beamline: BeamlineConfig;
  readonly settings: WatchSettings;
  readonly exportControl: boolean;
  readonly spool: Spool;
  readonly client: Dispatcher;
  readonly backoff: Backoff;
  readonly log: WatchLog;
  /** Scan once, wait for those files, send everything spooled, then finish (cron, tests). */
  readonly once?: boolean;
  /** --once: give up (exit 1, batches stay spooled) after sending has failed this long. */
  readonly retryForMs?: number;
  /** Record the files present at start as handled without sending them (adopting a folder of old data). */
  readonly ignoreExisting?: boolean;
  /** Use fs.watch's own recursion (default: everywhere but Linux). */
  readonly nativeRecursive?: boolean;
  /** For tests of the batching limit; default GitHub's (payload.ts). */
  readonly maxBodyBytes?: number;
  /** Separator of the local OS (for tests of Windows names). */
  readonly sep?: string;
}

export interface WatchStats {
  filesDispatched: number;
  requests: number;
  failedRequests: number;
  batchesSpooled: number;
}

interface Tracked {
  size: number;
  mtimeMs: number;
  /** When this size+mtime was first seen. */
  since: number;
  /** When to look again. */
  due: number;
}

/**
 * A name reported by the OS (fs.watch, readdir joins) relative to the watched folder → '/'-separated.
 * Only the OS's own separator is converted: on Linux a backslash is an ordinary character of a name, and
 * turning it into '/' would name a different file (the path gate refuses such names instead).
 */
export function toPosixRelative(name: string, sep: string = nativeSep): string {
  return sep === '/' ? name : name.split(sep).join('/');
}

/** sendAs + rel, '/'-joined. */
export function dispatchPath(sendAs: string, rel: string): string {
  return sendAs === '/' ? `/${rel}` : `${sendAs}/${rel}`;
}

/** lstat that never throws: EACCES, ENOTDIR (a parent replaced by a file), ELOOP… all mean "not a file here now". */
function statOf(path: string): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

const stamp = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export class Watcher {
  readonly stats: WatchStats = { filesDispatched: 0, requests: 0, failedRequests: 0, batchesSpooled: 0 };

  readonly #o: WatcherOptions;
  readonly #filter: FileFilter;
  readonly #stableMs: number;
  readonly #batchMs: number;
  readonly #maxBytes: number;
  readonly #sep: string;
  readonly #tracked = new Map<string, Tracked>();
  /** Paths (relative, '/') reported by fs events since the last tick. */
  readonly #dirty = new Set<string>();
  /** rel → key of a version the path gate refused (warned once). */
  readonly #refused = new Map<string, string>();
  #forming: SpoolEntry[] = [];
  #formingBytes = 0;
  #formingSince = 0;
  /** `path\0key` of files in the forming batch and in batches being written to the spool. */
  readonly #unsealed = new Set<string>();
  #sealing: Promise<void> = Promise.resolve();
  readonly #watchers = new Map<string, FSWatcher>();
  /** Folders seen by the last scan or walked since: an event naming one of them needs no walk. */
  #knownDirs = new Set<string>();
  #watchDisabled = false;
  #tickTimer: NodeJS.Timeout | undefined;
  #rescanTimer: NodeJS.Timeout | undefined;
  #pumpTimer: NodeJS.Timeout | undefined;
  #pumping: Promise<void> | undefined;
  #pauseUntil = 0;
  #failures = 0;
  #failingSince: number | undefined;
  #stopping = false;
  #finish: ((code: number) => void) | undefined;
  #exitCode = 0;
  #rescanRequested = false;
  #compacting = false;
  #recordingAccepted = false;
  #recordAcceptedAt = 0;

  constructor(opts: WatcherOptions) {
    this.#o = opts;
    this.#filter = makeFilter({ patterns: opts.settings.patterns, ignore: opts.settings.ignore });
    this.#stableMs = opts.settings.stable_seconds * 1000;
    this.#batchMs = opts.settings.batch_seconds * 1000;
    this.#maxBytes = opts.maxBodyBytes ?? MAX_BODY_BYTES;
    this.#sep = opts.sep ?? nativeSep;
  }

  /** Runs until stop() (or, with `once`, until everything found is sent); resolves with the exit code. */
  async run(): Promise<number> {
    const o = this.#o;
    const done = new Promise<number>((resolve) => (this.#finish = resolve));
    o.log.info(
      `${stamp()} watching ${o.dir} as ${o.sendAs} for ${o.beamline.id}: ${o.settings.event_type} → ${o.client.repository}; ` +
        `complete after ${formatDuration(this.#stableMs)} unchanged, batches of ${formatDuration(this.#batchMs)}; spool ${o.spool.dir}`,
    );
    const waiting = o.spool.pending();
    if (waiting.length > 0) {
      o.log.info(`${stamp()} ${waiting.length} batch(es) (${waiting.reduce((n, r) => n + r.files.length, 0)} files) from before are in the spool; sending them first`);
    }

    const initial = this.#scan(!o.once);
    if (o.ignoreExisting) {
      const entries = [...this.#tracked].map(([rel, t]) => ({ path: dispatchPath(o.sendAs, rel), size: t.size, mtimeMs: t.mtimeMs }));
      this.#tracked.clear();
      await o.spool.markBaseline(entries);
      o.log.info(`${stamp()} --ignore-existing: ${entries.length} file(s) already here recorded as handled, not dispatched`);
    }
    o.log.debug(`initial scan: ${initial.files} file(s), ${this.#tracked.size} to wait for`);

    const tickMs = Math.max(25, Math.min(250, Math.min(this.#stableMs, this.#batchMs > 0 ? this.#batchMs : this.#stableMs) / 4));
    this.#tickTimer = setInterval(() => {
      this.#tick();
    }, tickMs);
    if (!o.once) {
      this.#rescanTimer = setInterval(() => {
        this.#rescanRequested = true;
      }, o.settings.rescan_seconds * 1000);
    }
    this.#kick();
    this.#tick();
    return done;
  }

  /** Stop watching; seal what is forming, let a request in flight finish (its answer must be recorded). */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    clearInterval(this.#tickTimer);
    clearInterval(this.#rescanTimer);
    clearTimeout(this.#pumpTimer);
    for (const w of this.#watchers.values()) w.close();
    this.#watchers.clear();
    this.#seal();
    await this.#sealing;
    await this.#pumping;
    this.#finish?.(this.#exitCode);
  }

  // ----- discovery -----

  #abs(rel: string): string {
    return rel === '' ? this.#o.dir : join(this.#o.dir, this.#sep === '/' ? rel : rel.split('/').join(this.#sep));
  }

  /** Walk the folder (no symlinks followed, ignored folders not entered); observe every data file. */
  #scan(withWatches: boolean): { files: number; present: Map<string, string>; complete: boolean } {
    const now = Date.now();
    const present = new Map<string, string>();
    const seenDirs = new Set<string>();
    const stack = [''];
    let files = 0;
    // Incomplete (a folder or entry could not be read, e.g. an NFS hiccup): not a picture to forget files by.
    let complete = true;
    while (stack.length > 0) {
      const relDir = stack.pop() ?? '';
      let names: string[];
      try {
        names = readdirSync(this.#abs(relDir));
      } catch (err) {
        complete = false;
        if (relDir === '') this.#o.log.warn(`${stamp()} cannot read ${this.#o.dir}: ${describeError(err)}`);
        continue;
      }
      seenDirs.add(relDir);
      if (withWatches) this.#watchDir(relDir);
      for (const name of names) {
        const rel = relDir === '' ? toPosixRelative(name, this.#sep) : `${relDir}/${toPosixRelative(name, this.#sep)}`;
        const st = statOf(this.#abs(rel));
        if (!st) {
          complete = false;
          continue;
        }
        if (st.isDirectory()) {
          if (!this.#filter.skipsDir(rel)) stack.push(rel);
        } else if (st.isFile() && this.#filter.accepts(rel)) {
          files++;
          present.set(dispatchPath(this.#o.sendAs, rel), keyOf(st.size, st.mtimeMs));
          this.#observe(rel, st, now);
        }
      }
    }
    this.#knownDirs = seenDirs;
    if (withWatches) {
      // Folders that are gone: release their watches.
      for (const [relDir, w] of this.#watchers) {
        if (!seenDirs.has(relDir) && !(this.#o.nativeRecursive ?? process.platform !== 'linux')) {
          w.close();
          this.#watchers.delete(relDir);
        }
      }
    }
    return { files, present, complete };
  }

  #watchDir(relDir: string): void {
    if (this.#watchDisabled || this.#stopping || this.#watchers.has(relDir)) return;
    const recursive = this.#o.nativeRecursive ?? process.platform !== 'linux';
    if (recursive && relDir !== '') return; // the root's watch covers the tree
    try {
      const w = watch(this.#abs(relDir), { recursive, persistent: true }, (_event, filename) => {
        if (filename === null) {
          this.#rescanRequested = true;
          return;
        }
        const name = toPosixRelative(filename, this.#sep);
        this.#dirty.add(relDir === '' ? name : `${relDir}/${name}`);
      });
      w.on('error', () => {
        // The folder went away (or the watch broke): the next rescan decides what is there.
        w.close();
        this.#watchers.delete(relDir);
        this.#rescanRequested = true;
      });
      this.#watchers.set(relDir, w);
    } catch (err) {
      const code = err instanceof Error && 'code' in err ? String(err.code) : '';
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      this.#watchDisabled = true;
      this.#o.log.warn(
        `${stamp()} file-system events unavailable (${code || describeError(err)}): finding new files by rescanning every ${formatDuration(this.#o.settings.rescan_seconds * 1000)}` +
          (code === 'ENOSPC' ? ' (raise fs.inotify.max_user_watches to get events back)' : ''),
      );
    }
  }

  /** A path an event named: a new folder is walked, a file observed, a vanished one forgotten. */
  #examine(rel: string, now: number): void {
    if (rel.split('/').some((s) => s.startsWith('.'))) return; // hidden (the spool, partial copies)
    const st = statOf(this.#abs(rel));
    if (!st) {
      this.#tracked.delete(rel);
      return;
    }
    if (st.isDirectory()) {
      // Only a folder not seen before is walked: on Windows and macOS every write below a folder reports it.
      if (this.#filter.skipsDir(rel) || this.#knownDirs.has(rel)) return;
      // A new folder: its files may have arrived before its watch did.
      const stack = [rel];
      while (stack.length > 0) {
        const relDir = stack.pop() ?? '';
        let names: string[];
        try {
          names = readdirSync(this.#abs(relDir));
        } catch {
          continue;
        }
        this.#knownDirs.add(relDir);
        this.#watchDir(relDir);
        for (const name of names) {
          const child = `${relDir}/${toPosixRelative(name, this.#sep)}`;
          const cst = statOf(this.#abs(child));
          if (cst?.isDirectory() && !this.#filter.skipsDir(child)) stack.push(child);
          else if (cst?.isFile() && this.#filter.accepts(child)) this.#observe(child, cst, now);
        }
      }
      return;
    }
    if (st.isFile() && this.#filter.accepts(rel)) this.#observe(rel, st, now);
  }

  /** Start or continue waiting for a file to settle; versions already spooled, sent or refused are ignored. */
  #observe(rel: string, st: Stats, now: number): void {
    const path = dispatchPath(this.#o.sendAs, rel);
    const key = keyOf(st.size, st.mtimeMs);
    if (this.#o.spool.has(path, st.size, st.mtimeMs) !== undefined || this.#unsealed.has(`${path}\0${key}`) || this.#refused.get(rel) === key) {
      this.#tracked.delete(rel);
      return;
    }
    const t = this.#tracked.get(rel);
    if (!t) {
      this.#tracked.set(rel, { size: st.size, mtimeMs: st.mtimeMs, since: now, due: now + this.#stableMs });
    } else if (t.size !== st.size || t.mtimeMs !== st.mtimeMs) {
      t.size = st.size;
      t.mtimeMs = st.mtimeMs;
      t.since = now;
      t.due = now + this.#stableMs;
    }
  }

  // ----- the clock -----

  #tick(): void {
    if (this.#stopping) return;
    try {
      this.#step();
    } catch (err) {
      // A timer callback that throws would end the process; the next tick (or rescan) tries again.
      this.#o.log.error(`${stamp()} ${describeError(err)}`);
    }
  }

  #step(): void {
    const now = Date.now();
    if (this.#rescanRequested && !this.#o.once) {
      this.#rescanRequested = false;
      const { present, complete } = this.#scan(true);
      if (complete) void this.#compact(present);
    }
    for (const rel of this.#dirty) this.#examine(rel, now);
    this.#dirty.clear();

    for (const [rel, t] of this.#tracked) {
      if (t.due > now) continue;
      const st = statOf(this.#abs(rel));
      if (!st?.isFile()) {
        this.#tracked.delete(rel);
        continue;
      }
      if (st.size !== t.size || st.mtimeMs !== t.mtimeMs) {
        t.size = st.size;
        t.mtimeMs = st.mtimeMs;
        t.since = now;
        t.due = now + this.#stableMs;
      } else if (now - t.since >= this.#stableMs) {
        this.#tracked.delete(rel);
        this.#complete(rel, st, now);
      } else {
        t.due = t.since + this.#stableMs;
      }
    }

    if (this.#forming.length > 0 && now - this.#formingSince >= this.#batchMs) this.#seal();
    if (this.#o.spool.unrecorded > 0 && now >= this.#recordAcceptedAt) void this.#recordAccepted(now);
    if (this.#o.once) void this.#checkOnceDone();
  }

  async #compact(present: Map<string, string>): Promise<void> {
    if (this.#compacting) return;
    this.#compacting = true;
    try {
      const dropped = await this.#o.spool.compact(present);
      if (dropped > 0) this.#o.log.debug(`ledger compacted: ${dropped} line(s) for files no longer here`);
    } catch (err) {
      this.#o.log.warn(`${stamp()} could not compact the sent ledger: ${describeError(err)}`);
    } finally {
      this.#compacting = false;
    }
  }

  /** Batches GitHub accepted while the disk was full: into the ledger once there is room (tried every 5 s). */
  async #recordAccepted(now: number): Promise<void> {
    if (this.#recordingAccepted) return;
    this.#recordingAccepted = true;
    this.#recordAcceptedAt = now + 5000;
    const n = this.#o.spool.unrecorded;
    try {
      await this.#o.spool.flushAccepted();
      this.#o.log.info(`${stamp()} the sent ledger has room again: ${n} accepted batch(es) recorded`);
    } catch {
      // Still no room: they stay marked as accepted (pending/<id>.sent) and are not sent again.
    } finally {
      this.#recordingAccepted = false;
    }
  }

  /** A file settled: gate its path, add it to the forming batch. */
  #complete(rel: string, st: Stats, now: number): void {
    const path = dispatchPath(this.#o.sendAs, rel);
    try {
      this.#o.beamline.gate([path], 'watched file');
    } catch (err) {
      this.#refused.set(rel, keyOf(st.size, st.mtimeMs));
      this.#o.log.warn(`${stamp()} not dispatched: ${describeError(err)}`);
      return;
    }
    const add = pathBytes(path);
    const fixed = emptyBodyBytes(this.#o.settings.event_type, this.#o.exportControl);
    if (this.#forming.length > 0 && fixed + this.#formingBytes + add > this.#maxBytes) this.#seal();
    if (this.#forming.length === 0) this.#formingSince = now;
    this.#forming.push({ path, size: st.size, mtimeMs: st.mtimeMs });
    this.#formingBytes += add;
    this.#unsealed.add(`${path}\0${keyOf(st.size, st.mtimeMs)}`);
  }

  /** Write the forming batch to the spool (in order, one write at a time), then wake the sender. */
  #seal(): void {
    if (this.#forming.length === 0) return;
    const files = this.#forming;
    this.#forming = [];
    this.#formingBytes = 0;
    const o = this.#o;
    this.#sealing = this.#sealing.then(async () => {
      try {
        const record = await o.spool.add(o.settings.event_type, o.exportControl, files);
        this.stats.batchesSpooled++;
        o.log.debug(`spooled batch ${record.id}: ${files.length} file(s)`);
      } catch (err) {
        // Not on disk, so not sent: forget them; the next rescan finds them again and retries.
        o.log.error(`${stamp()} cannot write to the spool ${o.spool.dir} (${describeError(err)}); ${files.length} file(s) wait for the next rescan`);
        this.#rescanRequested = true;
      } finally {
        for (const f of files) this.#unsealed.delete(`${f.path}\0${keyOf(f.size, f.mtimeMs)}`);
      }
      this.#kick();
    });
  }

  // ----- sending -----

  #kick(): void {
    if (this.#pumping || this.#stopping) return;
    this.#pumping = this.#pump().finally(() => {
      this.#pumping = undefined;
    });
  }

  /** The pending batches the next request carries: oldest first, same event type and flag, within the limit. */
  #nextGroup(): { records: SpoolRecord[]; body: DispatchBody } | undefined {
    const pending = this.#o.spool.pending();
    const first = pending[0];
    if (!first) return undefined;
    const fixed = emptyBodyBytes(first.event_type, first.is_export_control);
    const records: SpoolRecord[] = [];
    const paths = new Set<string>();
    let bytes = fixed;
    for (const r of pending) {
      if (r.event_type !== first.event_type || r.is_export_control !== first.is_export_control) continue;
      const fresh = r.files.filter((f) => !paths.has(f.path));
      const add = fresh.reduce((n, f) => n + pathBytes(f.path), 0);
      if (records.length > 0 && bytes + add > this.#maxBytes) break;
      records.push(r);
      for (const f of fresh) paths.add(f.path);
      bytes += add;
    }
    return { records, body: { event_type: first.event_type, client_payload: { file_paths: [...paths], is_export_control: first.is_export_control } } };
  }

  async #pump(): Promise<void> {
    const o = this.#o;
    while (!this.#stopping) {
      const wait = this.#pauseUntil - Date.now();
      if (wait > 0) {
        clearTimeout(this.#pumpTimer);
        this.#pumpTimer = setTimeout(() => {
          this.#kick();
        }, wait);
        return;
      }
      const group = this.#nextGroup();
      if (!group) return;
      const files = group.body.client_payload.file_paths.length;
      try {
        this.stats.requests++;
        await o.client.dispatch(group.body);
      } catch (err) {
        this.stats.failedRequests++;
        await this.#failed(group.records, err instanceof GitHubError ? err : networkFailure(err, 'repository_dispatch'));
        continue;
      }
      // Accepted: record it before anything else can happen.
      try {
        await o.spool.markSent(group.records);
      } catch (err) {
        // The spool says exactly what happens to them (marked accepted, or what a restart would send again).
        o.log.error(`${stamp()} ${err instanceof SpoolLedgerError ? err.message : `GitHub accepted ${files} file(s) but the spool could not record it (${describeError(err)}); a restart may send them again`}`);
      }
      this.stats.filesDispatched += files;
      if (this.#failures > 0) o.log.info(`${stamp()} GitHub is answering again`);
      this.#failures = 0;
      this.#failingSince = undefined;
      const left = o.spool.pending().length;
      o.log.info(`${stamp()} dispatched ${files} file(s) (${group.records.length} batch${group.records.length === 1 ? '' : 'es'})${left > 0 ? `; ${left} batch(es) still spooled` : ''}`);
    }
  }

  async #failed(records: readonly SpoolRecord[], err: GitHubError): Promise<void> {
    const o = this.#o;
    const now = Date.now();
    this.#failures++;
    this.#failingSince ??= now;
    // Never given up: a batch stays until GitHub takes it. Errors that a retry cannot fix wait the longest.
    const waitMs = err.retriable ? waitAfter(err, this.#failures, o.backoff) : Math.max(o.backoff.maxMs, backoffMs(this.#failures, o.backoff));
    this.#pauseUntil = now + waitMs;
    try {
      await o.spool.markFailed(records, err.message, new Date(this.#pauseUntil));
    } catch (writeErr) {
      o.log.debug(`could not record the attempt: ${describeError(writeErr)}`);
    }
    const pending = o.spool.pending();
    const files = pending.reduce((n, r) => n + r.files.length, 0);
    const line = `${stamp()} ${err.message}; ${pending.length} batch(es) (${files} files) stay in the spool, next attempt in ${formatDuration(waitMs)}`;
    if (err.retriable) o.log.warn(line);
    else o.log.error(`${line}${err.hint ? `\n  hint: ${err.hint}` : ''}`);

    if (o.once && (!err.retriable || now - this.#failingSince >= (o.retryForMs ?? 120_000))) {
      o.log.error(`${stamp()} giving up for now: ${files} file(s) stay spooled in ${o.spool.dir}; the next run sends them`);
      this.#exitCode = 1;
      void this.stop();
    }
  }

  /** --once: done when every file found has settled and everything spooled has been sent. */
  async #checkOnceDone(): Promise<void> {
    if (this.#tracked.size > 0 || this.#forming.length > 0 || this.#dirty.size > 0) return;
    await this.#sealing;
    if (this.#o.spool.pending().length > 0 || this.#pumping) return;
    if (!this.#stopping) await this.stop();
  }
}
