/**
 * The watcher's spool: every batch of complete files is written to disk before it is sent, and removed only
 * after GitHub accepted it (204). A folder, so it survives restarts, crashes and GitHub outages:
 *
 *   <spool>/lock               the watcher that owns the spool (pid, host): one writer at a time
 *   <spool>/pending/<id>.json  one batch each, oldest first by id; written temp → fsync → rename → fsync dir
 *   <spool>/pending/<id>.sent  a batch GitHub accepted whose ledger lines could not be written (disk full)
 *   <spool>/sent.jsonl         the sent ledger: one line per dispatched file (path, size, mtime)
 *
 * Order of a send: spool record durable → POST → 204 → ledger lines durable → record removed. A crash at
 * any point loses nothing: before the ledger line, the record is still pending and is sent again; after it,
 * the stale record is recognised as sent and removed on start. The one window that can send a file twice is
 * a crash after GitHub accepted a request and before the ledger line is on disk (microseconds) — or a request
 * whose answer never arrived, where resending is the only way not to lose it.
 *
 * A ledger that cannot be written after GitHub accepted a batch (ENOSPC, a quota) must not turn into a
 * resend: the record is renamed `<id>.json` → `<id>.sent` — a rename needs no free space — and the ledger
 * lines are written when there is room again (by the running watcher, or on the next start). Both
 * `--status` and a restart read `.sent` records as accepted.
 *
 * Every file is the watcher user's alone (0600, folders 0700): error texts may quote a service's answer,
 * and the spool lives inside the data folder. Errors are redacted before they are written (src/secrets.ts).
 *
 * A file counts as "already handled" by path + size + mtime: a file rewritten later is a new file.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { chmod, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { configError, errorCode, stepError } from '../errors.js';
import { redact, scrubCredentials } from '../secrets.js';
import { processAlive } from '../process-alive.js';

export interface SpoolEntry {
  /** The path as dispatched (what dispatch.yml receives). */
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface SpoolRecord {
  readonly version: 1;
  readonly id: string;
  /** ISO time the batch was spooled. */
  readonly created: string;
  readonly event_type: string;
  readonly is_export_control: boolean;
  readonly files: readonly SpoolEntry[];
  /** Send attempts that failed so far. */
  readonly attempts: number;
  readonly last_error?: string | undefined;
  readonly last_attempt?: string | undefined;
  readonly next_attempt?: string | undefined;
}

interface LedgerLine {
  path: string;
  size: number;
  mtime: number;
  /** ISO time GitHub accepted it; "baseline" entries were present when the watcher adopted the folder. */
  at: string;
  baseline?: true;
}

export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
}

const PENDING = 'pending';
const LEDGER = 'sent.jsonl';
const LOCK = 'lock';
/** Suffix of a record GitHub accepted while the ledger could not be written. Same length as `.json`: the rename needs no room. */
const ACCEPTED = '.sent';
/** Spool files: the watcher's user only. */
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export const keyOf = (size: number, mtimeMs: number): string => `${size}:${mtimeMs}`;

/** fsync a folder so a rename in it survives a power cut. Not possible on Windows (opening a folder fails): skipped there. */
async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch {
    // EINVAL/EPERM on file systems that do not support it: the rename is still atomic.
  } finally {
    await handle.close();
  }
}

/** temp name → write → (fsync) → rename over the final name → (fsync folder): readers see the old or the new file, never half of one. */
async function writeAtomic(file: string, text: string, durable: boolean): Promise<void> {
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(tmp, 'wx', FILE_MODE);
    try {
      await handle.writeFile(text);
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  if (durable) await fsyncDir(join(file, '..'));
}

function isRecord(v: unknown): v is SpoolRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Partial<SpoolRecord>;
  return (
    r.version === 1 &&
    typeof r.id === 'string' &&
    typeof r.event_type === 'string' &&
    typeof r.is_export_control === 'boolean' &&
    Array.isArray(r.files) &&
    (r.files as unknown[]).every((f) => {
      const e = f as Partial<SpoolEntry> | null;
      return typeof e?.path === 'string' && typeof e.size === 'number' && typeof e.mtimeMs === 'number';
    })
  );
}

function parseLedgerLine(line: string): LedgerLine | undefined {
  try {
    const v = JSON.parse(line) as Partial<LedgerLine>;
    if (typeof v.path === 'string' && typeof v.size === 'number' && typeof v.mtime === 'number') return v as LedgerLine;
  } catch {
    // A line cut short by a crash during the append: that file was not recorded, so it is sent again.
  }
  return undefined;
}

async function readRecord(file: string): Promise<SpoolRecord | undefined> {
  try {
    const record: unknown = JSON.parse(await readFile(file, 'utf8'));
    return isRecord(record) ? record : undefined;
  } catch {
    return undefined;
  }
}

function ledgerText(records: readonly SpoolRecord[], at: Date): string {
  const iso = at.toISOString();
  return records.flatMap((r) => r.files.map((f) => `${JSON.stringify({ path: f.path, size: f.size, mtime: f.mtimeMs, at: iso } satisfies LedgerLine)}\n`)).join('');
}

function describeFsError(err: unknown): string {
  const code = errorCode(err);
  return code === 'ENOSPC' ? 'ENOSPC: no space left on the device' : code ?? (err instanceof Error ? err.message : String(err));
}

/** GitHub accepted batches the ledger could not record; the message says what happens to them. */
export class SpoolLedgerError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'SpoolLedgerError';
  }
}

function readLock(dir: string): LockInfo | undefined {
  try {
    const v = JSON.parse(readFileSync(join(dir, LOCK), 'utf8')) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.host === 'string') return { pid: v.pid, host: v.host, started: typeof v.started === 'string' ? v.started : '' };
  } catch {
    // missing or unreadable
  }
  return undefined;
}

/** Spool folders this process has open: a lock naming our own pid is ours only if listed here (else a reused pid). */
const openHere = new Set<string>();

/** Take the spool's lock, or explain who holds it. A lock left by a dead process (SIGKILL, power cut) is taken over. */
function acquireLock(dir: string): void {
  const file = join(dir, LOCK);
  const info: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(file, 'wx', FILE_MODE);
      try {
        writeSync(fd, `${JSON.stringify(info)}\n`);
      } catch (err) {
        closeSync(fd);
        // An empty lock would block the next start for nothing: take it back.
        unlinkSync(file);
        if (errorCode(err) === 'ENOSPC' || errorCode(err) === 'EDQUOT') {
          throw stepError(
            `spool ${dir}: its disk is full (${String(errorCode(err))}); the watcher cannot take the spool's lock`,
            'free space on that disk, then start the watcher again; batches GitHub already accepted are not sent again (splash watch --status lists them)',
          );
        }
        throw err;
      }
      closeSync(fd);
      return;
    } catch (err) {
      if (errorCode(err) !== 'EEXIST') throw err;
    }
    const holder = readLock(dir);
    if (holder && holder.host !== info.host) {
      throw configError(
        `spool ${dir} is locked by a watcher on ${holder.host} (pid ${holder.pid})`,
        `one watcher per spool; if that watcher is gone for good, delete ${file}`,
      );
    }
    const ours = holder?.pid === process.pid;
    if (holder && ((ours && openHere.has(dir)) || (!ours && processAlive(holder.pid)))) {
      throw configError(`spool ${dir} is in use by another watcher (pid ${holder.pid}, started ${holder.started})`, 'stop it first, or give this one its own --spool');
    }
    // Stale (its process is gone) or unreadable: remove it and try once more.
    try {
      unlinkSync(file);
    } catch {
      // already gone: another starter took it over, and the retry will say so
    }
  }
  throw configError(`cannot lock spool ${dir}`, `delete ${file} if no watcher is running`);
}

export class Spool {
  readonly dir: string;
  /** path → key of the last version sent. */
  readonly #sent = new Map<string, string>();
  /** `path\0key` of every file in a pending record. */
  readonly #pendingKeys = new Set<string>();
  readonly #pending = new Map<string, SpoolRecord>();
  /** Accepted by GitHub, ledger lines not yet written (the disk was full): written when there is room. */
  readonly #unrecorded = new Map<string, SpoolRecord>();
  /** An append failed part-way: the next one starts on a fresh line. */
  #ledgerTorn = false;
  #ledgerLines = 0;
  #seq = 0;
  #closed = false;
  /** Ledger appends and compaction one at a time: a compaction's rename must not drop an append made meanwhile. */
  #ledgerQueue: Promise<unknown> = Promise.resolve();

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** Open (creating) a spool: take its lock, read ledger and pending batches, tidy what a crash left. */
  static async open(dir: string): Promise<{ spool: Spool; notes: string[] }> {
    await mkdir(join(dir, PENDING), { recursive: true, mode: DIR_MODE });
    acquireLock(dir);
    openHere.add(dir);
    const spool = new Spool(dir);
    try {
      const notes = await spool.#load();
      return { spool, notes };
    } catch (err) {
      await spool.close();
      throw err;
    }
  }

  async #load(): Promise<string[]> {
    const notes: string[] = [];
    // Ledger first: a pending record whose files are all in it was sent; only its removal was lost.
    let text = '';
    try {
      text = await readFile(join(this.dir, LEDGER), 'utf8');
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw err;
    }
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const entry = parseLedgerLine(line);
      if (!entry) continue;
      this.#sent.set(entry.path, keyOf(entry.size, entry.mtime));
      this.#ledgerLines++;
    }
    // A crash mid-append leaves a last line without its newline: the next append starts on a fresh line.
    if (text !== '' && !text.endsWith('\n')) this.#ledgerTorn = true;

    const dir = join(this.dir, PENDING);
    // Spools written by older versions were world-readable: tighten them (best effort; not ours to fail on).
    await Promise.all([this.dir, dir].map((d) => chmod(d, DIR_MODE).catch(() => undefined)));
    await chmod(join(this.dir, LEDGER), FILE_MODE).catch(() => undefined);
    for (const name of (await readdir(dir)).sort()) {
      const file = join(dir, name);
      await chmod(file, FILE_MODE).catch(() => undefined);
      if (name.endsWith(ACCEPTED)) {
        const record = await readRecord(file);
        if (!record) {
          await rename(file, `${file}.unreadable`);
          notes.push(`set aside an unreadable record of an accepted batch: ${file}.unreadable`);
          continue;
        }
        for (const f of record.files) this.#sent.set(f.path, keyOf(f.size, f.mtimeMs));
        this.#unrecorded.set(record.id, record);
        continue;
      }
      if (name.endsWith('.tmp')) {
        // A write that never reached its rename: the batch was not spooled, its files are found again by the scan.
        await rm(file, { force: true });
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const record = await readRecord(file);
      if (!record) {
        // Cannot happen through rename, but never delete what cannot be read: set it aside for a person.
        await rename(file, `${file}.unreadable`);
        notes.push(`set aside an unreadable spool record: ${file}.unreadable`);
        continue;
      }
      if (record.files.every((f) => this.#sent.get(f.path) === keyOf(f.size, f.mtimeMs))) {
        await rm(file, { force: true });
        notes.push(`removed batch ${record.id}: already sent (the watcher stopped before removing it)`);
        continue;
      }
      // Written by an older version that kept error texts as they came: masked now, before anyone reads them.
      const lastError = record.last_error === undefined ? undefined : redact(record.last_error);
      if (lastError !== record.last_error) {
        const cleaned: SpoolRecord = { ...record, last_error: lastError };
        // No room to rewrite it (a full disk) is no reason not to start: the next failed attempt rewrites it.
        await writeAtomic(file, `${JSON.stringify(cleaned)}\n`, true).catch(() => undefined);
        this.#addPending(cleaned);
      } else {
        this.#addPending(record);
      }
    }
    if (this.#unrecorded.size > 0) {
      const n = this.#unrecorded.size;
      try {
        await this.flushAccepted();
        notes.push(`recorded ${n} batch(es) GitHub had accepted while the spool's disk was full; none is sent again`);
      } catch (err) {
        notes.push(`${n} batch(es) GitHub accepted are still waiting for room in the sent ledger (${describeFsError(err)}); none is sent again`);
      }
    }
    return notes;
  }

  #addPending(record: SpoolRecord): void {
    this.#pending.set(record.id, record);
    for (const f of record.files) this.#pendingKeys.add(`${f.path}\0${keyOf(f.size, f.mtimeMs)}`);
    const seq = /-(\d+)-/.exec(record.id)?.[1];
    if (seq !== undefined) this.#seq = Math.max(this.#seq, Number(seq));
  }

  /** Is this version of the file already spooled or sent? */
  has(path: string, size: number, mtimeMs: number): 'sent' | 'pending' | undefined {
    const key = keyOf(size, mtimeMs);
    if (this.#sent.get(path) === key) return 'sent';
    if (this.#pendingKeys.has(`${path}\0${key}`)) return 'pending';
    return undefined;
  }

  /** Pending batches, oldest first. */
  pending(): SpoolRecord[] {
    return [...this.#pending.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  get sentCount(): number {
    return this.#sent.size;
  }

  /** Spool a batch durably. Its files count as known from the moment this is called. */
  async add(eventType: string, isExportControl: boolean, files: readonly SpoolEntry[]): Promise<SpoolRecord> {
    this.#seq++;
    const id = `${String(Date.now()).padStart(15, '0')}-${String(this.#seq).padStart(6, '0')}-${randomBytes(2).toString('hex')}`;
    const record: SpoolRecord = { version: 1, id, created: new Date().toISOString(), event_type: eventType, is_export_control: isExportControl, files, attempts: 0 };
    for (const f of files) this.#pendingKeys.add(`${f.path}\0${keyOf(f.size, f.mtimeMs)}`);
    try {
      await writeAtomic(join(this.dir, PENDING, `${id}.json`), `${JSON.stringify(record)}\n`, true);
    } catch (err) {
      for (const f of files) this.#pendingKeys.delete(`${f.path}\0${keyOf(f.size, f.mtimeMs)}`);
      throw err;
    }
    this.#pending.set(id, record);
    return record;
  }

  /**
   * GitHub accepted these batches: ledger lines first (durable), then the records go. Memory is updated
   * before the disk, so a failing disk cannot make this process send them again (a restart might: a
   * duplicate, never a loss).
   */
  async markSent(records: readonly SpoolRecord[], at = new Date()): Promise<void> {
    for (const r of records) {
      for (const f of r.files) {
        this.#sent.set(f.path, keyOf(f.size, f.mtimeMs));
        this.#pendingKeys.delete(`${f.path}\0${keyOf(f.size, f.mtimeMs)}`);
      }
      this.#pending.delete(r.id);
    }
    // Counted before the append is queued, so a compaction queued meanwhile counts these lines too.
    const lines = records.reduce((n, r) => n + r.files.length, 0);
    this.#ledgerLines += lines;
    try {
      await this.#appendLedger(ledgerText(records, at));
    } catch (err) {
      this.#ledgerLines -= lines;
      throw await this.#keepAccepted(records, err);
    }
    for (const r of records) await rm(join(this.dir, PENDING, `${r.id}.json`), { force: true });
  }

  /**
   * The ledger could not take these accepted batches: rename their records to `.sent` (no free space needed),
   * so `--status` and a restart know GitHub has them, and write the ledger later. Returns the error to report,
   * which says exactly what a restart would send again if even the rename failed.
   */
  async #keepAccepted(records: readonly SpoolRecord[], cause: unknown): Promise<Error> {
    const unmarked: SpoolRecord[] = [];
    for (const r of records) {
      this.#unrecorded.set(r.id, r);
      try {
        await rename(join(this.dir, PENDING, `${r.id}.json`), join(this.dir, PENDING, `${r.id}${ACCEPTED}`));
      } catch {
        unmarked.push(r);
      }
    }
    await fsyncDir(join(this.dir, PENDING));
    const files = records.reduce((n, r) => n + r.files.length, 0);
    const why = describeFsError(cause);
    if (unmarked.length === 0) {
      return new SpoolLedgerError(
        `GitHub accepted ${files} file(s) but the sent ledger could not be written (${why}); ` +
          `marked as accepted (${records.map((r) => `pending/${r.id}${ACCEPTED}`).join(', ')}): not sent again, recorded in the ledger once there is room`,
        cause,
      );
    }
    const resend = unmarked.reduce((n, r) => n + r.files.length, 0);
    return new SpoolLedgerError(
      `GitHub accepted ${files} file(s) but neither the sent ledger nor the batch records could be updated (${why}); ` +
        `this watcher will not send them again, but a restart before the disk recovers sends these ${resend} file(s) again: ` +
        `batch(es) ${unmarked.map((r) => `${r.id} (${r.files.length} file(s) from ${JSON.stringify(r.files[0]?.path ?? '')})`).join(', ')}`,
      cause,
    );
  }

  /** Batches accepted while the ledger could not be written, still waiting for room. */
  get unrecorded(): number {
    return this.#unrecorded.size;
  }

  /** Write the ledger lines of batches accepted while the disk was full, then drop their records. Throws while there is still no room. */
  async flushAccepted(at = new Date()): Promise<void> {
    if (this.#unrecorded.size === 0) return;
    const records = [...this.#unrecorded.values()];
    await this.#appendLedger(ledgerText(records, at));
    this.#ledgerLines += records.reduce((n, r) => n + r.files.length, 0);
    for (const r of records) {
      this.#unrecorded.delete(r.id);
      await rm(join(this.dir, PENDING, `${r.id}${ACCEPTED}`), { force: true });
      await rm(join(this.dir, PENDING, `${r.id}.json`), { force: true });
    }
  }

  /** Record files as already handled without sending them (`--ignore-existing`: adopting a folder of old data). */
  async markBaseline(entries: readonly SpoolEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const at = new Date().toISOString();
    await this.#appendLedger(entries.map((f) => `${JSON.stringify({ path: f.path, size: f.size, mtime: f.mtimeMs, at, baseline: true } satisfies LedgerLine)}\n`).join(''));
    for (const f of entries) this.#sent.set(f.path, keyOf(f.size, f.mtimeMs));
    this.#ledgerLines += entries.length;
  }

  /** A failed attempt: counted and explained in the record (for --status); no fsync, it is only bookkeeping. */
  async markFailed(records: readonly SpoolRecord[], error: string, nextAttempt: Date, at = new Date()): Promise<void> {
    for (const r of records) {
      if (!this.#pending.has(r.id)) continue;
      // Masked before it reaches the disk: an error text may quote the request it failed on.
      const updated: SpoolRecord = { ...r, attempts: r.attempts + 1, last_error: redact(error), last_attempt: at.toISOString(), next_attempt: nextAttempt.toISOString() };
      this.#pending.set(r.id, updated);
      await writeAtomic(join(this.dir, PENDING, `${r.id}.json`), `${JSON.stringify(updated)}\n`, false);
    }
  }

  /**
   * Keep the ledger small: drop lines for files that are gone or changed (`present`: path → key of every
   * file now in the watched folder, from a complete scan). Only when at least half of it is dead weight.
   */
  async compact(present: ReadonlyMap<string, string>): Promise<number> {
    return this.#serialLedger(async () => {
      let live = 0;
      for (const [path, key] of this.#sent) if (present.get(path) === key) live++;
      if (this.#ledgerLines < 1000 || this.#ledgerLines < 2 * live) return 0;
      const keep: string[] = [];
      const at = new Date().toISOString();
      for (const [path, key] of this.#sent) {
        if (present.get(path) !== key) continue;
        const [size = 0, mtime = 0] = key.split(':').map(Number);
        keep.push(`${JSON.stringify({ path, size, mtime, at } satisfies LedgerLine)}\n`);
      }
      await writeAtomic(join(this.dir, LEDGER), keep.join(''), true);
      for (const [path, key] of [...this.#sent]) if (present.get(path) !== key) this.#sent.delete(path);
      const dropped = this.#ledgerLines - keep.length;
      this.#ledgerLines = keep.length;
      return dropped;
    });
  }

  #serialLedger<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#ledgerQueue.then(fn, fn);
    this.#ledgerQueue = run.catch(() => undefined);
    return run;
  }

  async #appendLedger(text: string): Promise<void> {
    await this.#serialLedger(async () => {
      const handle = await open(join(this.dir, LEDGER), 'a', FILE_MODE);
      try {
        // After a failed append the last line may be cut short: start clean, or the next line would be glued to it.
        await handle.writeFile(this.#ledgerTorn ? `\n${text}` : text);
        await handle.sync();
        this.#ledgerTorn = false;
      } catch (err) {
        this.#ledgerTorn = true;
        throw err;
      } finally {
        await handle.close();
      }
    });
  }

  /** Release the lock. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    openHere.delete(this.dir);
    const holder = readLock(this.dir);
    if (holder?.pid === process.pid) await rm(join(this.dir, LOCK), { force: true });
  }
}

export interface SpoolStatus {
  readonly dir: string;
  readonly exists: boolean;
  readonly watcher: (LockInfo & { readonly running: boolean }) | undefined;
  readonly pending: readonly SpoolRecord[];
  readonly pendingFiles: number;
  /** Accepted by GitHub, not yet in the ledger (its disk was full): never sent again. */
  readonly accepted: readonly SpoolRecord[];
  readonly acceptedFiles: number;
  /** Files in the sent ledger (the last version of each path). */
  readonly sentFiles: number;
  readonly unreadable: readonly string[];
}

/** Read a spool without locking it (a running watcher may own it): for `splash watch --status`. */
export async function readSpoolStatus(dir: string): Promise<SpoolStatus> {
  let names: string[];
  try {
    names = (await readdir(join(dir, PENDING))).sort();
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return { dir, exists: false, watcher: undefined, pending: [], pendingFiles: 0, accepted: [], acceptedFiles: 0, sentFiles: 0, unreadable: [] };
    throw err;
  }
  const pending: SpoolRecord[] = [];
  const accepted: SpoolRecord[] = [];
  const unreadable: string[] = [];
  for (const name of names) {
    if (name.endsWith('.unreadable')) unreadable.push(name);
    const kind = name.endsWith('.json') ? pending : name.endsWith(ACCEPTED) ? accepted : undefined;
    if (!kind) continue;
    try {
      const record: unknown = JSON.parse(await readFile(join(dir, PENDING, name), 'utf8'));
      // What another process wrote is shown masked too (a record from an older version may hold a token).
      if (isRecord(record)) kind.push(record.last_error === undefined ? record : { ...record, last_error: scrubCredentials(record.last_error) });
      else unreadable.push(name);
    } catch (err) {
      // Sent and removed between readdir and read: not pending any more.
      if (errorCode(err) !== 'ENOENT') unreadable.push(name);
    }
  }
  // A batch seen both ways (renamed between readdir and read) counts once, as accepted.
  const acceptedIds = new Set(accepted.map((r) => r.id));
  const waiting = pending.filter((r) => !acceptedIds.has(r.id));
  const sent = new Map<string, string>();
  try {
    for (const line of (await readFile(join(dir, LEDGER), 'utf8')).split('\n')) {
      const e = line === '' ? undefined : parseLedgerLine(line);
      if (e) sent.set(e.path, keyOf(e.size, e.mtime));
    }
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') throw err;
  }
  const lock = readLock(dir);
  const watcher = lock ? { ...lock, running: lock.host === hostname() ? processAlive(lock.pid) : true } : undefined;
  const files = (rs: readonly SpoolRecord[]): number => rs.reduce((n, r) => n + r.files.length, 0);
  return { dir, exists: true, watcher, pending: waiting, pendingFiles: files(waiting), accepted, acceptedFiles: files(accepted), sentFiles: sent.size, unreadable };
}
