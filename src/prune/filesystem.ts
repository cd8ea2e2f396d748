import { lstatSync, rmdirSync, type Stats, unlinkSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import type { FileSystemEndpoint } from '../endpoints.js';
import { configError } from '../errors.js';
import { HASH_ALGORITHM, hashFile } from '../fs/hash.js';
import { codeOf } from '../fs/walk.js';
import { isInside, SweepLocator } from '../paths.js';
import type { StepContext } from '../run/context.js';
import type { PrunedFile, PruneReport } from './report.js';
import { type PlanItem, replicaProblem, type SweepSpec } from './sweep-plan.js';

export interface FilesystemPruneOptions {
  readonly afterDays: number;
  readonly verify: 'size' | 'hash';
  readonly now: Date;
  readonly dryRun: boolean;
  readonly ctx: StepContext;
}

const DAY_MS = 86_400_000;

/**
 * Retention sweep of one file-system endpoint. A file is deleted only when it is older than the retention
 * period AND the check endpoint holds a regular file at the same relative path with the same size (and
 * content hash when `verify: hash`) that is not the very same inode, reached without following a symlink.
 * Two phases: a plan over the whole tree (in parallel for big trees), then the deletions one by one, each
 * re-checking the file and its copy right before unlink. Everything else is kept and reported.
 */
export async function pruneFilesystem(
  endpoint: FileSystemEndpoint,
  check: FileSystemEndpoint,
  opts: FilesystemPruneOptions,
): Promise<PruneReport> {
  const { root, checkRoot } = await checkPruneRoots(endpoint, check);
  const spec: SweepSpec = { root, checkRoot, checkName: check.name, cutoffMs: opts.now.getTime() - opts.afterDays * DAY_MS };
  // Loaded on demand: the bundler gives it a chunk of its own, which is also what the sweep's workers load.
  const { planTree } = await import('./sweep-parallel.js');
  const started = performance.now();
  const plan = await planTree(spec);
  opts.ctx.debug(
    `prune ${endpoint.name}: planned ${plan.files} files in ${Math.round(performance.now() - started)} ms` +
      `${plan.workers > 0 ? ` with ${plan.workers} worker threads` : ''}: ` +
      `${plan.candidates.length} candidates, ${plan.kept.length} young, ${plan.unsafe.length} unsafe`,
  );

  const report: PruneReport = {
    endpoint: endpoint.name, check: check.name, afterDays: opts.afterDays, dryRun: opts.dryRun,
    pruned: [], kept: plan.kept.map(toPruned), unsafe: plan.unsafe, removedDirs: [],
  };
  // A fresh locator: nothing cached during planning is trusted for a deletion.
  const locator = new SweepLocator(checkRoot);
  const touched = new Set<string>();
  for (const item of plan.candidates) {
    const problem = opts.verify === 'hash' ? await contentProblem(spec, item) : undefined;
    if (problem) {
      report.unsafe.push({ rel: item.rel, reason: problem });
      continue;
    }
    if (!opts.dryRun) {
      const changed = sourceChanged(`${root}/${item.rel}`, item) ?? replicaProblem(spec, locator, item);
      if (changed) {
        report.unsafe.push({ rel: item.rel, reason: `${changed}; left for the next run` });
        continue;
      }
      try {
        unlinkSync(`${root}/${item.rel}`);
      } catch (err) {
        report.unsafe.push({ rel: item.rel, reason: `could not delete (${codeOf(err)}); left for the next run` });
        continue;
      }
      touched.add(parentOf(item.rel));
    }
    report.pruned.push(toPruned(item));
  }
  if (!opts.dryRun) for (const d of removeEmptiedDirs(root, touched)) report.removedDirs.push(d);
  return report;
}

/**
 * Both roots reachable, and separate: one inside the other (or the same, e.g. through a symlink or bind
 * mount) would let the sweep walk into the very copies it relies on, or count files as their own copies.
 */
export async function checkPruneRoots(endpoint: FileSystemEndpoint, check: FileSystemEndpoint): Promise<{ root: string; checkRoot: string }> {
  const root = await realpathOrFail(endpoint);
  const checkRoot = await realpathOrFail(check);
  if (isInside(root, checkRoot) || isInside(checkRoot, root)) {
    throw configError(
      `prune of ${endpoint.name} is checked against ${check.name}, but ${root === checkRoot ? 'both are the same folder' : 'one folder is inside the other'} (${root}, ${checkRoot})`,
      'a check endpoint must be a separate copy of the data; fix the prune rule in config.yml',
    );
  }
  return { root, checkRoot };
}

const toPruned = (i: PlanItem): PrunedFile => ({ rel: i.rel, size: i.size, mtimeMs: i.mtimeMs });

/** The file must still be the one that was planned: same inode, size and mtime. */
function sourceChanged(abs: string, item: PlanItem): string | undefined {
  let now: Stats | undefined;
  try {
    now = lstatSync(abs, { throwIfNoEntry: false });
  } catch (err) {
    return `unreadable now (${codeOf(err)})`;
  }
  if (!now) return 'gone since the plan';
  if (now.ino !== item.ino || now.dev !== item.dev || now.size !== item.size || now.mtimeMs !== item.mtimeMs) return 'changed during the sweep';
  return undefined;
}

async function contentProblem(spec: SweepSpec, item: PlanItem): Promise<string | undefined> {
  try {
    const [a, b] = await Promise.all([hashFile(`${spec.root}/${item.rel}`), hashFile(`${spec.checkRoot}/${item.rel}`)]);
    return a.digest === b.digest ? undefined : `content differs at ${spec.checkName} (${HASH_ALGORITHM})`;
  } catch (err) {
    return `could not read both copies to compare checksums (${codeOf(err)})`;
  }
}

/**
 * Remove folders this sweep emptied, deepest first, climbing while they stay empty. rmdir() refuses a
 * non-empty folder, so a file that arrived meanwhile keeps its folder. The root itself is never removed.
 */
function removeEmptiedDirs(root: string, touched: Set<string>): string[] {
  const removed: string[] = [];
  const byDepth = new Map<number, Set<string>>();
  const add = (rel: string): void => {
    if (rel === '') return;
    const depth = rel.split('/').length;
    let bucket = byDepth.get(depth);
    if (!bucket) byDepth.set(depth, (bucket = new Set()));
    bucket.add(rel);
  };
  for (const rel of touched) add(rel);
  for (let depth = Math.max(0, ...byDepth.keys()); depth > 0; depth--) {
    for (const rel of [...(byDepth.get(depth) ?? [])].sort()) {
      try {
        rmdirSync(`${root}/${rel}`);
      } catch {
        continue;
      }
      removed.push(rel);
      add(parentOf(rel));
    }
  }
  return removed;
}

function parentOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

async function realpathOrFail(e: FileSystemEndpoint): Promise<string> {
  try {
    return await realpath(e.root_path);
  } catch (err) {
    throw configError(`endpoint ${e.name}: root_path ${e.root_path} is not reachable (${codeOf(err)})`, 'check the mount and the root_path in config.yml');
  }
}
