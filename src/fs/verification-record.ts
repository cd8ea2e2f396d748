import type { BigIntStats } from 'node:fs';
import { appendFileSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
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
 * Records live under the endpoint root in `.splash/verified/<2 hex>/<sha256(folder)>.jsonl`: one file per
 * folder of data, a line per record, appended (the last line for a path wins; a tombstone forgets it). The same
 * `.splash/` folder holds the endpoint's other state (prune lock, storage-identity markers); every walk of
 * an endpoint's data skips it (`isStateName`).
 */

/** The folder under an endpoint root that holds this system's state, never data. */
export const STATE_DIR = '.splash';
/** The watcher's spool, when it lives in the watched folder (the default). */
export const SPOOL_DIR = '.splash-spool';

/**
 * Prefix of prune's storage-identity marker, made for a moment at the top of an endpoint root (not under
 * `.splash/`: see src/prune/fs-identity.ts).
 */
export const MARKER_PREFIX = '.splash-identity-';

/** Names of this system's own state (folders, and the identity marker): never data, never moved, pruned, archived or dispatched. */
export function isStateName(name: string): boolean {
  return name === STATE_DIR || name === SPOOL_DIR || name.startsWith(MARKER_PREFIX);
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
  /**
   * The file it was verified against, as it was while it was hashed; `origin` names the file the data
   * came from (see originOf), where it can be told.
   */
  readonly source: { readonly endpoint: string; readonly identity: FileIdentity; readonly origin?: string };
  /** ISO time of the verification. */
  readonly verifiedAt: string;
}

export function identityOf(st: BigIntStats): FileIdentity {
  return { dev: String(st.dev), ino: String(st.ino), size: String(st.size), mtimeNs: String(st.mtimeNs), ctimeNs: String(st.ctimeNs) };
}

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/**
 * The file the data of `st` (the file at `rel` on `endpoint`) came from, across hops: when the file is a copy
 * this system made (its record there still describes it), its record's origin; else the file itself, as
 * `endpoint:dev:ino:birth time`. The same origin tells a file grown or rewritten in place, and the copies
 * made of it hop after hop (each replacement is a new inode), from a new file under the same name — which
 * may even get the freed inode number of a deleted one, but never its birth time. Undefined where it cannot
 * be told: the file system keeps no birth time (Node reports 0).
 */
export function originOf(rootReal: string | undefined, endpoint: string, rel: string, st: BigIntStats): string | undefined {
  if (rootReal !== undefined) {
    const made = readVerificationRecord(rootReal, rel);
    if (made && sameIdentity(made.copy, identityOf(st))) return made.source.origin;
  }
  return st.birthtimeNs > 0n ? `${endpoint}:${String(st.dev)}:${String(st.ino)}:${String(st.birthtimeNs)}` : undefined;
}

/** Identity of the file at `abs` without following a symlink; undefined when it is not a regular file. */
export function identityAt(abs: string): FileIdentity | undefined {
  const st = lstatSync(abs, { bigint: true, throwIfNoEntry: false });
  return st?.isFile() ? identityOf(st) : undefined;
}

/** Records of one folder: the path of its record file, and what it held when it was last read. */
interface FolderRecords {
  readonly size: bigint;
  readonly mtimeNs: bigint;
  /** When the file was last seen to be unchanged (ms). */
  checkedAt: number;
  readonly byRel: ReadonlyMap<string, VerificationRecord>;
}

/** A tombstone: the file of `rel` was deleted, so its earlier records say nothing any more. */
interface Removal {
  readonly version: 1;
  readonly rel: string;
  readonly removed: true;
}

function folderOf(rel: string): string {
  const cut = rel.lastIndexOf('/');
  return cut < 0 ? '' : rel.slice(0, cut);
}

/**
 * Where the records of the files in folder `dirRel` live under an endpoint root (real path): one file per
 * folder, so a sweep reads one small file per folder, and a batch of copies into a folder appends once.
 */
export function folderRecordPath(rootAbs: string, dirRel: string): string {
  const memo = `${rootAbs}\0${dirRel}`;
  let path = pathMemo.get(memo);
  if (path === undefined) {
    const key = createHash('sha256').update(dirRel).digest('hex');
    path = join(rootAbs, STATE_DIR, 'verified', key.slice(0, 2), `${key}.jsonl`);
    pathMemo.set(memo, path);
    if (pathMemo.size > CACHE_FOLDERS) pathMemo.delete(pathMemo.keys().next().value ?? '');
  }
  return path;
}
const pathMemo = new Map<string, string>();

/**
 * Append records (each replaces any earlier one for its path): one line each, all lines of a folder in one
 * O_APPEND write, so concurrent writers never tear each other's lines on a local file system. A torn line (a
 * crash mid-write, or a remote file system without atomic appends) fails to parse and is skipped: it costs a
 * re-read, never a wrong verdict, because a record is trusted only while both files keep its identities.
 */
export function writeVerificationRecords(rootAbs: string, records: readonly (VerificationRecord | Removal)[]): void {
  const byFolder = new Map<string, string[]>();
  for (const r of records) {
    const dir = folderOf(r.rel);
    let lines = byFolder.get(dir);
    if (!lines) byFolder.set(dir, (lines = []));
    lines.push(JSON.stringify(r));
  }
  for (const [dir, lines] of byFolder) {
    const path = folderRecordPath(rootAbs, dir);
    mkdirSync(path.slice(0, path.lastIndexOf('/')), { recursive: true });
    // A leading newline ends a line a crashed writer left unfinished, so ours parse.
    appendFileSync(path, `\n${lines.join('\n')}\n`, { mode: 0o644 });
    cache.delete(path);
  }
}

export function writeVerificationRecord(rootAbs: string, record: VerificationRecord): void {
  writeVerificationRecords(rootAbs, [record]);
}

/** Forget the records of these files (they were deleted): tombstones, appended per folder. */
export function removeVerificationRecords(rootAbs: string, rels: readonly string[]): void {
  writeVerificationRecords(rootAbs, rels.map((rel): Removal => ({ version: 1, rel, removed: true })));
}

export function removeVerificationRecord(rootAbs: string, rel: string): void {
  removeVerificationRecords(rootAbs, [rel]);
}

/** The folder `dirRel` is gone (a prune removed it emptied): its record file goes too; missing is fine. */
export function removeFolderRecords(rootAbs: string, dirRel: string): void {
  const path = folderRecordPath(rootAbs, dirRel);
  rmSync(path, { force: true });
  cache.delete(path);
}

/**
 * Folder record files read recently, so a sweep or a re-run over a folder of 10,000 files parses its record
 * file once. An entry is checked against the file's size and mtime (one stat) when it is more than a second
 * old, and this process's own writes drop it, so an append by anyone is seen within a second. A stale entry
 * could only cost a re-read, never a wrong verdict: a record is trusted only while both files keep its
 * identities. Bounded: the oldest entry goes first.
 */
const cache = new Map<string, FolderRecords>();
const CACHE_FOLDERS = 64;
const RECHECK_MS = 1000;

function folderRecords(path: string): FolderRecords | undefined {
  const known = cache.get(path);
  const now = Date.now();
  if (known && now - known.checkedAt < RECHECK_MS) return known;
  let st;
  try {
    st = statSync(path, { bigint: true, throwIfNoEntry: false });
  } catch {
    return undefined;
  }
  if (!st?.isFile()) return undefined;
  if (known && known.size === st.size && known.mtimeNs === st.mtimeNs) {
    known.checkedAt = now;
    return known;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const byRel = new Map<string, VerificationRecord>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let r: Partial<VerificationRecord & Removal>;
    try {
      r = JSON.parse(line) as Partial<VerificationRecord & Removal>;
    } catch {
      continue;
    }
    if (r.version !== 1 || typeof r.rel !== 'string') continue;
    if (r.removed === true) byRel.delete(r.rel);
    else if (isRecord(r)) byRel.set(r.rel, r);
  }
  const entry: FolderRecords = { size: st.size, mtimeNs: st.mtimeNs, checkedAt: now, byRel };
  cache.delete(path);
  cache.set(path, entry);
  if (cache.size > CACHE_FOLDERS) cache.delete(cache.keys().next().value ?? '');
  return entry;
}

/** The record of `rel`, or undefined when there is none or it cannot be read as one (then: hash). */
export function readVerificationRecord(rootAbs: string, rel: string): VerificationRecord | undefined {
  return folderRecords(folderRecordPath(rootAbs, folderOf(rel)))?.byRel.get(rel);
}

function isRecord(r: Partial<VerificationRecord>): r is VerificationRecord {
  return r.algorithm === HASH_ALGORITHM && typeof r.digest === 'string' && /^[0-9a-f]{32}$/.test(r.digest) &&
    isIdentity(r.copy) && typeof r.source?.endpoint === 'string' && isIdentity(r.source.identity) &&
    (r.source.origin === undefined || typeof r.source.origin === 'string');
}

function isIdentity(x: unknown): x is FileIdentity {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return ['dev', 'ino', 'size', 'mtimeNs', 'ctimeNs'].every((k) => typeof o[k] === 'string' && /^\d+$/.test(o[k]));
}
