import type { Stats } from 'node:fs';
import { lstatSync, rmdirSync, unlinkSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FileSystemEndpoint } from '../endpoints.js';
import { configError } from '../errors.js';
import { hashFile } from '../fs/hash.js';
import { codeOf, walkTree } from '../fs/walk.js';
import { SweepLocator, type SweepProblem } from '../paths.js';
import type { StepContext } from '../run/context.js';
import { PARTIAL_SUFFIX } from '../transfer/filesystem.js';
import type { PruneReport } from './report.js';

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
 * SHA-256 when `verify: hash`) that is not the very same inode. Everything else is kept and reported.
 */
export async function pruneFilesystem(
  endpoint: FileSystemEndpoint,
  check: FileSystemEndpoint,
  opts: FilesystemPruneOptions,
): Promise<PruneReport> {
  const root = await realpathOrFail(endpoint);
  const checkRoot = await realpathOrFail(check);
  if (root === checkRoot) {
    throw configError(
      `prune of ${endpoint.name} is checked against ${check.name}, but both are the same folder (${root})`,
      'a check endpoint must be a different copy of the data; fix the prune rule in config.yml',
    );
  }
  const cutoff = opts.now.getTime() - opts.afterDays * DAY_MS;
  const report: PruneReport = {
    endpoint: endpoint.name, check: check.name, afterDays: opts.afterDays, dryRun: opts.dryRun,
    pruned: [], kept: [], unsafe: [], removedDirs: [],
  };
  const locator = new SweepLocator(checkRoot);
  // Folders in which this sweep deleted something: only those may be removed when they end up empty.
  const touched = new Set<string>();

  for (const entry of walkTree(root)) {
    if (entry.kind === 'skipped') {
      report.unsafe.push({ rel: entry.rel, reason: entry.reason });
      continue;
    }
    if (entry.kind === 'dir-end') {
      if (!opts.dryRun && touched.has(entry.rel) && removeIfEmpty(entry.abs)) {
        report.removedDirs.push(entry.rel);
        touched.add(parentRel(entry.rel));
      }
      continue;
    }
    const { rel, stat } = entry;
    const item = { rel, size: stat.size, mtime: stat.mtime };
    if (stat.mtimeMs > cutoff) {
      report.kept.push(item);
      continue;
    }
    if (rel.endsWith(PARTIAL_SUFFIX)) {
      report.unsafe.push({ rel, reason: 'unfinished copy left by an interrupted move; re-run the move, or delete it by hand' });
      continue;
    }
    const problem = await replicaProblem(check, locator, entry.abs, stat, rel, opts.verify);
    if (problem) {
      report.unsafe.push({ rel, reason: problem });
      continue;
    }
    if (!opts.dryRun) {
      // Re-check right before deleting: the file must be the one that was verified.
      let now: Stats | undefined;
      try {
        now = lstatSync(entry.abs);
      } catch {
        now = undefined;
      }
      if (!now || now.ino !== stat.ino || now.size !== stat.size || now.mtimeMs !== stat.mtimeMs) {
        report.unsafe.push({ rel, reason: 'changed during the sweep; left for the next run' });
        continue;
      }
      unlinkSync(entry.abs);
      touched.add(parentRel(rel));
    }
    report.pruned.push(item);
  }
  opts.ctx.debug(`prune ${endpoint.name}: ${report.pruned.length} pruned, ${report.kept.length} kept, ${report.unsafe.length} unsafe`);
  return report;
}

/** Why the copy at the check endpoint does not prove the file is safe elsewhere, or undefined when it does. */
async function replicaProblem(check: FileSystemEndpoint, locator: SweepLocator, abs: string, stat: Stats, rel: string, verify: 'size' | 'hash'): Promise<string | undefined> {
  const where = locator.locate(rel);
  if (where.problem) return SWEEP_REASONS[where.problem](check.name);
  let copy: Stats;
  try {
    copy = lstatSync(where.abs);
  } catch (err) {
    const code = codeOf(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return `not replicated: no copy at ${check.name}`;
    return `copy at ${check.name} is unreadable (${code})`;
  }
  if (copy.isSymbolicLink()) return `copy at ${check.name} is a symlink (not followed)`;
  if (!copy.isFile()) return `copy at ${check.name} is not a regular file`;
  if (copy.dev === stat.dev && copy.ino === stat.ino) return `copy at ${check.name} is this very file (same inode), not a second copy`;
  if (copy.size !== stat.size) return `size differs at ${check.name} (${copy.size} bytes there, ${stat.size} here)`;
  if (verify === 'hash') {
    try {
      const [a, b] = await Promise.all([hashFile(abs), hashFile(where.abs)]);
      if (a.digest !== b.digest) return `content differs at ${check.name} (SHA-256)`;
    } catch (err) {
      return `could not read both copies to compare checksums (${codeOf(err)})`;
    }
  }
  return undefined;
}

const SWEEP_REASONS: Record<SweepProblem, (check: string) => string> = {
  missing: (c) => `not replicated: no copy at ${c}`,
  symlink: (c) => `the folder at ${c} is a symlink (not followed), so the copy is not verifiable`,
  'not-a-directory': (c) => `not replicated: a parent folder at ${c} is a file`,
  unreadable: (c) => `the folder at ${c} is unreadable`,
};

function removeIfEmpty(abs: string): boolean {
  try {
    rmdirSync(abs);
    return true;
  } catch {
    return false;
  }
}

function parentRel(rel: string): string {
  const parent = dirname(rel);
  return parent === '.' ? '' : parent;
}

async function realpathOrFail(e: FileSystemEndpoint): Promise<string> {
  try {
    return await realpath(e.root_path);
  } catch (err) {
    throw configError(`endpoint ${e.name}: root_path ${e.root_path} is not reachable (${codeOf(err)})`, 'check the mount and the root_path in config.yml');
  }
}
