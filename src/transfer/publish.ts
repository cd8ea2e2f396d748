import type { BigIntStats } from 'node:fs';
import { closeSync, fsync, linkSync, lstatSync, openSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { stepError } from '../errors.js';
import { type FileIdentity, identityOf, sameIdentity } from '../fs/verification-record.js';
import { codeOf } from '../fs/walk.js';
import { partialNameFor } from './partial.js';

/**
 * Giving a verified temporary file its final name. Synchronous on purpose: a batch of small files publishes
 * hundreds of names in a row, and each step is one cheap metadata call.
 */

/**
 * Publish without replacing anything: link() fails if the name exists (rename() would silently overwrite).
 * Where hard links are not supported, the final name is first reserved with an exclusive create, then the
 * copy is renamed over that reservation. Returns false when the final name already exists (another run got
 * there first); the caller decides whether that is fine. The temporary name is gone when this returns true.
 */
export function publishNew(tmp: string, dst: string): boolean {
  try {
    linkSync(tmp, dst);
    unlinkSync(tmp);
    return true;
  } catch (err) {
    const code = codeOf(err);
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw err;
  }
  try {
    closeSync(openSync(dst, 'wx'));
  } catch (err) {
    if (codeOf(err) === 'EEXIST') return false;
    throw err;
  }
  renameSync(tmp, dst);
  return true;
}

/** Test seams: the moments an adversary would pick. */
export const publishHooks: {
  /** Between the last identity check of a destination being replaced and the moment it is moved aside. */
  beforeMoveAside?: (dst: string) => void;
  /** When a batch of verified partials is about to be made durable and published. */
  beforeBatch?: (tmps: readonly string[]) => void;
} = {};

/**
 * Replace `dst` — a copy this system made, whose identity the caller checked was `expected` — with the
 * verified, durable `tmp`. Nothing else is ever overwritten: the old file is first renamed aside (an atomic
 * step that captures whatever is at the name), and only if what was captured is the expected file does the
 * new copy take the name (with link(), which never overwrites). Anything else that was captured is put back.
 * For a moment the name does not exist; a crash then leaves no final name (the next run copies it again) and
 * the old copy under a temporary name, which the next copy into the folder removes.
 *
 * Returns false, with `tmp` untouched, when the name no longer holds the expected file (another run replaced
 * it first, or someone else wrote there): the caller decides with what is there now, as for publishNew.
 */
export function replaceVerified(tmp: string, dst: string, expected: FileIdentity): boolean {
  const now = lstatSync(dst, { bigint: true, throwIfNoEntry: false });
  // Gone since it was checked (deleted by hand): nothing to replace, publish as new.
  if (now === undefined) return publishNew(tmp, dst);
  if (!sameIdentity(identityOf(now), expected)) return false;
  publishHooks.beforeMoveAside?.(dst);
  const aside = partialNameFor(dst);
  try {
    renameSync(dst, aside);
  } catch (err) {
    if (codeOf(err) !== 'ENOENT') throw err;
    return publishNew(tmp, dst);
  }
  // A rename sets the ctime of the file it moves, so the captured file is compared without it.
  const captured = lstatSync(aside, { bigint: true });
  if (!sameFileAndContent(captured, expected)) {
    putBack(aside, dst);
    return false;
  }
  try {
    linkSync(tmp, dst);
  } catch (err) {
    if (codeOf(err) === 'EEXIST') {
      // Something new took the name in the instant it was free: not ours to overwrite. The old copy (of an
      // older source) is dropped; the caller decides with what is there now.
      rmSync(aside, { force: true });
      return false;
    }
    // The new copy could not take the name (a full disk): the old one goes back, so the destination keeps it.
    putBack(aside, dst);
    throw err;
  }
  unlinkSync(tmp);
  rmSync(aside, { force: true });
  return true;
}

function sameFileAndContent(st: BigIntStats, expected: FileIdentity): boolean {
  const id = identityOf(st);
  return st.isFile() && id.dev === expected.dev && id.ino === expected.ino && id.size === expected.size && id.mtimeNs === expected.mtimeNs;
}

/** A file captured by mistake goes back to its name; if that name was taken meanwhile, it stays beside it, visibly. */
function putBack(aside: string, dst: string): void {
  try {
    linkSync(aside, dst);
    unlinkSync(aside);
  } catch (err) {
    if (codeOf(err) !== 'EEXIST') {
      // No room for a second name (a tmpfs out of inodes): rename() needs none, and the name is free.
      if (lstatSync(dst, { throwIfNoEntry: false }) !== undefined) throw err;
      renameSync(aside, dst);
      return;
    }
    const kept = `${dst}.splash-kept-${String(Date.now())}`;
    renameSync(aside, kept);
    throw stepError(`${dst} changed twice while it was being replaced; the file that was there is kept as ${kept}`, 'find out who writes there and which file is right');
  }
}

/** fsync through the thread pool: many of them at once let the file system commit them together. */
export function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fsync(fd, (err) => {
      if (err) reject(err);
      else resolve();
    });
  });
}

/** fsync several folders at once (each once). */
export async function fsyncDirs(paths: Iterable<string>): Promise<void> {
  await Promise.all([...new Set(paths)].map(async (p) => {
    const fd = openSync(p, 'r');
    try {
      await fsyncFd(fd);
    } finally {
      closeSync(fd);
    }
  }));
}
