import type { BigIntStats } from 'node:fs';
import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { HASH_ALGORITHM } from './hash.js';

/**
 * Verification records: what a verified copy proved, kept with the copy so that a later step (prune) can
 * trust it instead of re-reading both files every day.
 *
 * A record says: "the file at <rel> on this endpoint, with this identity, has content hash D; it was made
 * from (or compared with) a source file with that identity and the same hash". A file's identity is
 * (dev, ino, size, mtime ns, ctime ns). The kernel sets ctime on every change to a file, and no tool can
 * set it back, so an unchanged identity means unchanged bytes; anything else (a rewrite, `mv` of another
 * file over it, `touch -r`, a chmod) makes the record stale, and a stale record is ignored — the reader
 * then hashes. A lost or torn record is never a risk, only a re-read.
 *
 * Records live under the endpoint root in `.splash/verified/<2 hex>/<sha256(rel)>.json`, one per file,
 * written under a temporary name and renamed (concurrent writers each publish a whole record). The same
 * `.splash/` folder holds the endpoint's other state (prune lock, storage-identity markers); every walk of
 * an endpoint's data skips it (`isStateName`).
 */

/** The folder under an endpoint root that holds this system's state, never data. */
export const STATE_DIR = '.splash';
/** The watcher's spool, when it lives in the watched folder (the default). */
export const SPOOL_DIR = '.splash-spool';

/** Names of this system's own state folders: never data, never moved, pruned, archived or dispatched. */
export function isStateName(name: string): boolean {
  return name === STATE_DIR || name === SPOOL_DIR;
}

/** Identity of a file as the kernel reports it; decimal strings, because ino and ns times exceed 2^53. */
export interface FileIdentity {
  readonly dev: string;
  readonly ino: string;
  readonly size: string;
  readonly mtimeNs: string;
  readonly ctimeNs: string;
}

export interface VerificationRecord {
  readonly version: 1;
  /** Relative path of the file under its endpoint root (the record's key; checked on read). */
  readonly rel: string;
  readonly algorithm: typeof HASH_ALGORITHM;
  /** Content hash (hex) of the file and of its source, proven equal when the record was written. */
  readonly digest: string;
  /** The file at this endpoint, as it was right after it was verified (after its final rename). */
  readonly copy: FileIdentity;
  /** The file it was verified against, as it was while it was hashed. */
  readonly source: { readonly endpoint: string; readonly identity: FileIdentity };
  /** ISO time of the verification. */
  readonly verifiedAt: string;
}

export function identityOf(st: BigIntStats): FileIdentity {
  return { dev: String(st.dev), ino: String(st.ino), size: String(st.size), mtimeNs: String(st.mtimeNs), ctimeNs: String(st.ctimeNs) };
}

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/** Identity of the file at `abs` without following a symlink; undefined when it is not a regular file. */
export function identityAt(abs: string): FileIdentity | undefined {
  const st = lstatSync(abs, { bigint: true, throwIfNoEntry: false });
  return st?.isFile() ? identityOf(st) : undefined;
}

/** Where the record of `rel` lives under an endpoint root (real path). */
export function recordPath(rootAbs: string, rel: string): string {
  const key = createHash('sha256').update(rel).digest('hex');
  return join(rootAbs, STATE_DIR, 'verified', key.slice(0, 2), `${key}.json`);
}

/** Publish a record (replacing an older one for the same path): temporary name, then rename. */
export function writeVerificationRecord(rootAbs: string, record: VerificationRecord): void {
  const path = recordPath(rootAbs, record.rel);
  const dir = path.slice(0, path.lastIndexOf('/'));
  mkdirSync(dir, { recursive: true });
  const tmp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(record), { flag: 'wx', mode: 0o644 });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** The record of `rel`, or undefined when there is none or it cannot be read as one (then: hash). */
export function readVerificationRecord(rootAbs: string, rel: string): VerificationRecord | undefined {
  let text: string;
  try {
    text = readFileSync(recordPath(rootAbs, rel), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const r = JSON.parse(text) as Partial<VerificationRecord>;
    if (r.version !== 1 || r.rel !== rel || r.algorithm !== HASH_ALGORITHM || typeof r.digest !== 'string') return undefined;
    if (!isIdentity(r.copy) || !isIdentity(r.source?.identity)) return undefined;
    return r as VerificationRecord;
  } catch {
    return undefined;
  }
}

/** Remove the record of `rel` (the file it describes was deleted); a missing record is fine. */
export function removeVerificationRecord(rootAbs: string, rel: string): void {
  rmSync(recordPath(rootAbs, rel), { force: true });
}

function isIdentity(x: unknown): x is FileIdentity {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return ['dev', 'ino', 'size', 'mtimeNs', 'ctimeNs'].every((k) => typeof o[k] === 'string' && /^\d+$/.test(o[k]));
}
