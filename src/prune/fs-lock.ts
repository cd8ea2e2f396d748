import { type BigIntStats, linkSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { stepError } from '../errors.js';
import { STATE_DIR } from '../fs/verification-record.js';
import { codeOf } from '../fs/walk.js';
import { HEARTBEAT_MS, type LockHolder, newHolder, parseHolder, PruneLocked, STALE_AFTER_MS, staleReason } from './lock.js';

/** Errors that mean "this process may not write here": a check endpoint mounted read-only, say. */
const NOT_WRITABLE = new Set(['EROFS', 'EACCES', 'EPERM']);

/** `<root>/.splash`, created when missing; it must be a real folder (a symlink could send state elsewhere). */
export function stateDir(root: string): { path: string; created: boolean } {
  const path = `${root}/${STATE_DIR}`;
  let created = false;
  try {
    mkdirSync(path, { mode: 0o755 });
    created = true;
  } catch (err) {
    if (codeOf(err) !== 'EEXIST') throw err;
  }
  if (!lstatSync(path).isDirectory()) throw stepError(`${path} is not a folder (a symlink or a file); prune keeps its state there`, `remove ${path}; prune creates it`);
  return { path, created };
}

/**
 * The prune lock of a filesystem endpoint: `<root>/.splash/prune.lock`, a small JSON file naming its
 * holder, published whole by link() (which fails when a lock exists), its mtime the holder's heartbeat.
 */
export class FilesystemLock {
  readonly path: string;
  readonly holder: LockHolder;
  #lastBeat = Date.now();
  #timer: NodeJS.Timeout | undefined;
  #lost: string | undefined;
  #released = false;
  /** The lock file as published (inode and birth time): a takeover publishes another file at the name. */
  readonly #file: string;

  private constructor(path: string, holder: LockHolder) {
    this.path = path;
    this.holder = holder;
    this.#file = fileKey(lstatSync(path, { bigint: true }));
    // Also while a long await runs (hashing a big file); the sweep's loops call keep() between files.
    this.#timer = setInterval(() => { this.#beat(); }, HEARTBEAT_MS);
    this.#timer.unref();
  }

  /** Take the lock of the endpoint at `root` (a real path) for `purpose`. Throws PruneLocked when a live prune holds it. */
  static acquire(root: string, endpoint: string, purpose: string, forRule: string): FilesystemLock {
    const lock = FilesystemLock.#take(root, endpoint, purpose, forRule, false);
    if (!lock) throw lockError(endpoint, root, new Error('not writable'));
    return lock;
  }

  /** The same, but an endpoint this process cannot write to (a read-only mount) is not locked: undefined. */
  static acquireIfWritable(root: string, endpoint: string, purpose: string, forRule: string): FilesystemLock | undefined {
    return FilesystemLock.#take(root, endpoint, purpose, forRule, true);
  }

  static #take(root: string, endpoint: string, purpose: string, forRule: string, ifWritable: boolean): FilesystemLock | undefined {
    let dir: string;
    try {
      dir = stateDir(root).path;
    } catch (err) {
      if (ifWritable && NOT_WRITABLE.has(codeOf(err))) return undefined;
      throw lockError(endpoint, root, err);
    }
    const path = `${dir}/prune.lock`;
    const holder = newHolder(purpose);
    // A few attempts: once more after taking over a stale lock, or after a dry run removed an empty .splash/.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        publish(path, holder);
        return new FilesystemLock(path, holder);
      } catch (err) {
        const code = codeOf(err);
        if (code === 'ENOENT') {
          stateDir(root);
          continue;
        }
        if (code !== 'EEXIST') {
          if (ifWritable && NOT_WRITABLE.has(code)) return undefined;
          throw lockError(endpoint, root, err);
        }
      }
      const found = readLock(path);
      if (found === undefined) continue; // released meanwhile
      let taken = false;
      if (staleReason(found.holder, found.beatMs) !== undefined) {
        try {
          taken = takeOver(path, found.holder);
        } catch (err) {
          throw lockError(endpoint, root, err);
        }
      }
      if (!taken) {
        throw new PruneLocked(endpoint, path, found.holder, forRule);
      }
    }
    throw new PruneLocked(endpoint, path, readLock(path)?.holder, forRule);
  }

  /**
   * Refresh the heartbeat when it is due and make sure the lock is still ours; throws when it was lost. Called
   * before every deletion: between heartbeats, one lstat tells whether the lock file is still the one this
   * holder published. Another prune may take a lock over while its holder runs (a host whose clock runs ahead
   * sees a fresh heartbeat as stale); the holder must stop at once, not at its next heartbeat.
   */
  keep(): void {
    if (Date.now() - this.#lastBeat >= HEARTBEAT_MS) this.#beat();
    else this.#checkFile();
    if (this.#lost !== undefined) throw stepError(`prune lock ${this.path} was lost (${this.#lost}); stopped before the next deletion`, 'another prune may have taken it over as stale; run the prune again');
  }

  #checkFile(): void {
    if (this.#released || this.#lost !== undefined) return;
    let st;
    try {
      st = lstatSync(this.path, { bigint: true, throwIfNoEntry: false });
    } catch (err) {
      this.#lost = `it cannot be read (${codeOf(err)})`;
      return;
    }
    if (st === undefined) this.#lost = 'the lock file is gone';
    else if (fileKey(st) !== this.#file) this.#lost = 'another lock file took its place';
  }

  #beat(): void {
    if (this.#released || this.#lost !== undefined) return;
    this.#lastBeat = Date.now();
    const found = readLock(this.path);
    if (found?.holder?.nonce !== this.holder.nonce) {
      this.#lost = found ? `now held by pid ${found.holder?.pid ?? '?'} on ${found.holder?.host ?? '?'}` : 'the lock file is gone';
      return;
    }
    try {
      const now = new Date();
      utimesSync(this.path, now, now);
    } catch (err) {
      this.#lost = `its heartbeat cannot be written (${codeOf(err)})`;
    }
  }

  /** Remove the lock if it is still ours; a warning when it cannot be removed (it then goes stale). */
  release(): string | undefined {
    if (this.#released) return undefined;
    this.#released = true;
    clearInterval(this.#timer);
    try {
      if (readLock(this.path)?.holder?.nonce === this.holder.nonce) unlinkSync(this.path);
    } catch (err) {
      if (codeOf(err) === 'ENOENT') return undefined;
      return `the prune lock ${this.path} could not be removed (${codeOf(err)}); the next prune takes it over once its process is gone (same host) or its heartbeat is ${STALE_AFTER_MS / 60_000} min old`;
    }
    return undefined;
  }
}

/** Which file a lock is: its inode, and its birth time where kept (a deleted lock's inode number is soon reused). */
const fileKey = (st: BigIntStats): string => `${String(st.dev)}:${String(st.ino)}:${String(st.birthtimeNs)}`;

function publish(path: string, holder: LockHolder): void {
  const tmp = `${path}.${holder.nonce}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(holder)}\n`, { flag: 'wx', mode: 0o644 });
  try {
    linkSync(tmp, path);
  } finally {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // A second name of the lock (or of nothing): harmless.
    }
  }
}

/** The lock at `path` (holder undefined when it cannot be parsed), or undefined when there is none. */
function readLock(path: string): { holder: LockHolder | undefined; beatMs: number } | undefined {
  let beatMs: number;
  try {
    beatMs = lstatSync(path).mtimeMs;
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return { holder: parseHolder(readFileSync(path, 'utf8')), beatMs };
  } catch {
    // Not a readable lock file (a folder, say): it counts as held until its mtime is stale.
    return { holder: undefined, beatMs };
  }
}

/**
 * Move a stale lock aside (rename is atomic: of two processes taking over, one gets it) and keep it
 * removed only if it is the one judged stale; a live lock taken by mistake is put back.
 */
function takeOver(path: string, stale: LockHolder | undefined): boolean {
  const aside = `${path}.stale-${randomBytes(6).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return true; // someone removed it: try again
    throw err;
  }
  const moved = readLock(aside)?.holder;
  if (stale === undefined ? moved === undefined : moved?.nonce === stale.nonce) {
    rmSync(aside, { recursive: true, force: true });
    return true;
  }
  try {
    linkSync(aside, path); // never over a lock a third prune took meanwhile
  } catch {
    // Then the holder we moved aside finds its lock gone at its next heartbeat and stops.
  }
  rmSync(aside, { force: true });
  return false;
}

function lockError(endpoint: string, root: string, err: unknown) {
  return stepError(`cannot lock ${endpoint} for the prune (${root}/${STATE_DIR}/prune.lock: ${codeOf(err)}); nothing was deleted`, 'the runner needs write access to the pruned endpoint');
}
