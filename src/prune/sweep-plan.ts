import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { codeOf } from '../fs/walk.js';
import { SweepLocator, type SweepProblem } from '../paths.js';
import { isPartialName } from '../transfer/partial.js';
import type { UnsafeFile } from './report.js';

/** A file as the plan saw it; plain data, so it crosses a worker boundary cheaply. */
export interface PlanItem {
  readonly rel: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly dev: number;
  readonly ino: number;
}

/** What one directory contributes to the sweep. */
export interface DirPlan {
  files: number;
  readonly kept: PlanItem[];
  /** Old enough, and the check endpoint holds a regular file of the same size (not the same inode). */
  readonly candidates: PlanItem[];
  readonly unsafe: UnsafeFile[];
  /** Sub-directories still to be planned (relative to the root). */
  readonly subdirs: string[];
}

export interface SweepSpec {
  /** Real path of the endpoint root. */
  readonly root: string;
  /** Real path of the check endpoint root. */
  readonly checkRoot: string;
  readonly checkName: string;
  /** Files with mtime at or before this instant are old enough to prune. */
  readonly cutoffMs: number;
}

const SWEEP_REASONS: Record<SweepProblem, (check: string) => string> = {
  missing: (c) => `not replicated: no copy at ${c}`,
  symlink: (c) => `the folder at ${c} is a symlink (not followed), so the copy is not verifiable`,
  'not-a-directory': (c) => `not replicated: a parent folder at ${c} is a file`,
  unreadable: (c) => `the folder at ${c} is unreadable`,
};

/**
 * Plan one directory of the sweep: list it, stat every entry (never following a symlink), sort files
 * into kept (young) / candidate (old and replicated by size) / unsafe. Synchronous, because sync
 * readdir/lstat are several times cheaper per entry than promises and this runs once per file.
 */
export function planDirectory(spec: SweepSpec, locator: SweepLocator, dirRel: string): DirPlan {
  const plan: DirPlan = { files: 0, kept: [], candidates: [], unsafe: [], subdirs: [] };
  const dirAbs = dirRel === '' ? spec.root : `${spec.root}/${dirRel}`;
  let names: string[];
  try {
    names = readdirSync(dirAbs);
  } catch (err) {
    plan.unsafe.push({ rel: dirRel || '.', reason: `unreadable folder (${codeOf(err)}); nothing in it was pruned` });
    return plan;
  }
  names.sort();
  for (const name of names) {
    const rel = dirRel === '' ? name : `${dirRel}/${name}`;
    let st: Stats | undefined;
    try {
      st = lstatSync(`${dirAbs}/${name}`, { throwIfNoEntry: false });
    } catch (err) {
      plan.unsafe.push({ rel, reason: `unreadable (${codeOf(err)})` });
      continue;
    }
    if (st === undefined) continue; // removed since the listing
    if (st.isDirectory()) {
      plan.subdirs.push(rel);
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
    const item: PlanItem = { rel, size: st.size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino };
    if (st.mtimeMs > spec.cutoffMs) {
      plan.kept.push(item);
      continue;
    }
    if (isPartialName(name)) {
      plan.unsafe.push({ rel, reason: 'unfinished copy left by an interrupted move; re-run the move, or delete it by hand' });
      continue;
    }
    const problem = replicaProblem(spec, locator, item);
    if (problem) plan.unsafe.push({ rel, reason: problem });
    else plan.candidates.push(item);
  }
  return plan;
}

/**
 * Why the check endpoint's copy does not prove the file is safe elsewhere (by existence, kind, inode and
 * size), or undefined when it does. Used by the plan and again right before each deletion.
 */
export function replicaProblem(spec: SweepSpec, locator: SweepLocator, item: PlanItem): string | undefined {
  const c = spec.checkName;
  const where = locator.locate(item.rel);
  if (where.problem) return SWEEP_REASONS[where.problem](c);
  let copy: Stats | undefined;
  try {
    copy = lstatSync(where.abs, { throwIfNoEntry: false });
  } catch (err) {
    const code = codeOf(err);
    return code === 'ENOTDIR' ? `not replicated: no copy at ${c}` : `copy at ${c} is unreadable (${code})`;
  }
  if (copy === undefined) return `not replicated: no copy at ${c}`;
  if (copy.isSymbolicLink()) return `copy at ${c} is a symlink (not followed)`;
  if (!copy.isFile()) return `copy at ${c} is not a regular file`;
  if (copy.dev === item.dev && copy.ino === item.ino) return `copy at ${c} is this very file (same inode), not a second copy`;
  if (copy.size !== item.size) return `size differs at ${c} (${copy.size} bytes there, ${item.size} here)`;
  // The move gives a copy its source's mtime. A copy older than the file means the file was rewritten after
  // it was copied (same size is no proof of same content): the copy is a stale version. Compared in whole
  // seconds, because some filesystems keep no finer mtime.
  if (Math.floor(copy.mtimeMs / 1000) < Math.floor(item.mtimeMs / 1000)) {
    return `copy at ${c} is older than this file (modified after it was copied?)`;
  }
  return undefined;
}
