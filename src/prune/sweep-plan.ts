import { type BigIntStats, lstatSync, readdirSync } from 'node:fs';
import { type FileIdentity, identityOf, isStateName, readVerificationRecord, sameIdentity } from '../fs/verification-record.js';
import { codeOf } from '../fs/walk.js';
import { SweepLocator, type SweepProblem } from '../paths.js';
import { isPartialName } from '../transfer/partial.js';
import type { PrunedFile, UnsafeFile } from './report.js';

/**
 * How the copy's content is proven equal to the file's, decided by the plan:
 * - `record`: the check endpoint's verification record (written by the move) binds one digest to the copy
 *   and to this very file, both unchanged since: nothing to read;
 * - `source`: the record still describes the copy, not this file: hash the file, compare with the record;
 * - `both`: no usable record (or `verify: hash`): hash both.
 */
export type Proof = { readonly kind: 'record' } | { readonly kind: 'source'; readonly digest: string } | { readonly kind: 'both' };

/** A file the plan found old and replicated; plain data, so it crosses a worker boundary cheaply. */
export interface PlanItem extends PrunedFile {
  /** The file's identity (identityKey) when planned: every verdict about it holds for this identity only. */
  readonly id: string;
  /** The copy's identity when planned. */
  readonly copyId: string;
  readonly proof: Proof;
}

/** What one directory contributes to the sweep. */
export interface DirPlan {
  files: number;
  readonly kept: PrunedFile[];
  /** Old enough, and the check endpoint holds a regular file of the same size (not the same inode). */
  readonly candidates: PlanItem[];
  readonly unsafe: UnsafeFile[];
  /** Sub-directories still to be planned (relative to the root). */
  readonly subdirs: string[];
  /** Sub-directories modified after the cutoff: never removed, even when a sweep empties them. */
  readonly youngDirs: string[];
}

export interface SweepSpec {
  /** Real path of the endpoint root. */
  readonly root: string;
  /** Real path of the check endpoint root. */
  readonly checkRoot: string;
  readonly checkName: string;
  /** Files with mtime at or before this instant are old enough to prune. */
  readonly cutoffMs: number;
  /** `checksum`: trust the check endpoint's verification records where they hold; `hash`: always hash both. */
  readonly verify: 'checksum' | 'hash';
  /** Whether the check endpoint has verification records at all (else none is looked for). */
  readonly records: boolean;
}

/** A file identity as one short string (dev:ino:size:mtime ns:ctime ns): cheap to keep for 100,000s of files. */
export function identityKey(id: FileIdentity): string {
  return `${id.dev}:${id.ino}:${id.size}:${id.mtimeNs}:${id.ctimeNs}`;
}

const SWEEP_REASONS: Record<SweepProblem, (check: string) => string> = {
  missing: (c) => `not replicated: no copy at ${c}`,
  symlink: (c) => `the folder at ${c} is a symlink (not followed), so the copy is not verifiable`,
  'not-a-directory': (c) => `not replicated: a parent folder at ${c} is a file`,
  unreadable: (c) => `the folder at ${c} is unreadable`,
};

/**
 * Plan one directory of the sweep: list it, stat every entry (never following a symlink), sort files
 * into kept (young) / candidate (old and replicated) / unsafe. This system's own state folders (`.splash/`,
 * the watcher's `.splash-spool/`) are not data and are passed over. Synchronous, because sync readdir/lstat
 * are several times cheaper per entry than promises and this runs once per file.
 */
export function planDirectory(spec: SweepSpec, locator: SweepLocator, dirRel: string): DirPlan {
  const plan: DirPlan = { files: 0, kept: [], candidates: [], unsafe: [], subdirs: [], youngDirs: [] };
  const dirAbs = dirRel === '' ? spec.root : `${spec.root}/${dirRel}`;
  let names: string[];
  try {
    names = readdirSync(dirAbs);
  } catch (err) {
    plan.unsafe.push({ rel: dirRel || '.', reason: `unreadable folder (${codeOf(err)}); nothing in it was pruned` });
    return plan;
  }
  names.sort();
  const cutoffNs = BigInt(Math.floor(spec.cutoffMs)) * 1_000_000n;
  for (const name of names) {
    if (isStateName(name)) continue;
    const rel = dirRel === '' ? name : `${dirRel}/${name}`;
    // BigInt stats: a candidate's identity needs exact inode and nanosecond times (one lstat serves both).
    let st: BigIntStats | undefined;
    try {
      st = lstatSync(`${dirAbs}/${name}`, { bigint: true, throwIfNoEntry: false });
    } catch (err) {
      plan.unsafe.push({ rel, reason: `unreadable (${codeOf(err)})` });
      continue;
    }
    if (st === undefined) continue; // removed since the listing
    if (st.isDirectory()) {
      plan.subdirs.push(rel);
      if (st.mtimeNs > cutoffNs) plan.youngDirs.push(rel);
      continue;
    }
    if (st.isSymbolicLink()) {
      plan.unsafe.push({ rel, reason: 'symlink (not followed)' });
      continue;
    }
    if (!st.isFile()) {
      plan.unsafe.push({ rel, reason: 'not a regular file' });
      continue;
    }
    plan.files++;
    if (st.mtimeNs > cutoffNs) {
      plan.kept.push({ rel, size: Number(st.size), mtimeMs: Number(st.mtimeNs / 1_000_000n) });
      continue;
    }
    if (isPartialName(name)) {
      plan.unsafe.push({ rel, reason: 'unfinished copy left by an interrupted move; re-run the move, or delete it by hand' });
      continue;
    }
    const c = candidate(spec, locator, rel, st);
    if ('problem' in c) plan.unsafe.push({ rel, reason: c.problem });
    else plan.candidates.push(c.item);
  }
  return plan;
}

/** The file as a candidate, with both identities and how its copy will be proven; or why it is not one. */
function candidate(spec: SweepSpec, locator: SweepLocator, rel: string, src: BigIntStats): { item: PlanItem } | { problem: string } {
  const copy = copyAt(spec, locator, rel);
  if ('problem' in copy) return copy;
  const c = spec.checkName;
  const st = copy.stat;
  if (st.dev === src.dev && st.ino === src.ino) return { problem: `copy at ${c} is this very file (same inode), not a second copy` };
  if (st.size !== src.size) return { problem: `size differs at ${c} (${st.size} bytes there, ${src.size} here)` };
  // The move gives a copy its source's mtime. A copy older than the file means the file was rewritten after
  // it was copied (same size is no proof of same content): the copy is a stale version. Compared in whole
  // seconds, because some filesystems keep no finer mtime.
  if (st.mtimeNs / 1_000_000_000n < src.mtimeNs / 1_000_000_000n) return { problem: `copy at ${c} is older than this file (modified after it was copied?)` };
  const id = identityOf(src);
  const copyId = identityOf(st);
  const proof: Proof = spec.verify === 'hash' || !spec.records ? { kind: 'both' } : proofFromRecord(spec.checkRoot, rel, id, copyId);
  return { item: { rel, size: Number(src.size), mtimeMs: Number(src.mtimeNs / 1_000_000n), id: identityKey(id), copyId: identityKey(copyId), proof } };
}

/** A record is trusted only while the copy it describes is unchanged (its identity, ctime included). */
function proofFromRecord(checkRoot: string, rel: string, id: FileIdentity, copyId: FileIdentity): Proof {
  const record = readVerificationRecord(checkRoot, rel);
  if (!record || !sameIdentity(record.copy, copyId)) return { kind: 'both' };
  if (sameIdentity(record.source.identity, id)) return { kind: 'record' };
  return { kind: 'source', digest: record.digest };
}

/** The copy at the check endpoint: a regular file reached without a symlink, or why there is none. */
function copyAt(spec: SweepSpec, locator: SweepLocator, rel: string): { stat: BigIntStats } | { problem: string } {
  const c = spec.checkName;
  const where = locator.locate(rel);
  if (where.problem) return { problem: SWEEP_REASONS[where.problem](c) };
  let copy: BigIntStats | undefined;
  try {
    copy = lstatSync(where.abs, { bigint: true, throwIfNoEntry: false });
  } catch (err) {
    const code = codeOf(err);
    return { problem: code === 'ENOTDIR' ? `not replicated: no copy at ${c}` : `copy at ${c} is unreadable (${code})` };
  }
  if (copy === undefined) return { problem: `not replicated: no copy at ${c}` };
  if (copy.isSymbolicLink()) return { problem: `copy at ${c} is a symlink (not followed)` };
  if (!copy.isFile()) return { problem: `copy at ${c} is not a regular file` };
  return { stat: copy };
}

/**
 * Right before a deletion: the file and its copy must still be exactly what was planned and verified
 * (same identity, so the same bytes). Looked up afresh: nothing cached during planning is trusted here.
 * `srcPath` is how the file is reached for its deletion (through its pinned folder).
 */
export function changedSincePlanned(spec: SweepSpec, locator: SweepLocator, item: PlanItem, srcPath = `${spec.root}/${item.rel}`): string | undefined {
  let src: BigIntStats | undefined;
  try {
    src = lstatSync(srcPath, { bigint: true, throwIfNoEntry: false });
  } catch (err) {
    return `unreadable now (${codeOf(err)})`;
  }
  if (!src) return 'gone since the plan';
  if (!src.isFile() || identityKey(identityOf(src)) !== item.id) return 'changed since it was verified';
  const copy = copyAt(spec, locator, item.rel);
  if ('problem' in copy) return copy.problem;
  if (identityKey(identityOf(copy.stat)) !== item.copyId) return `copy at ${spec.checkName} changed since it was verified`;
  return undefined;
}
