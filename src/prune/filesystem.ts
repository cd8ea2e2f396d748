import { existsSync, rmdirSync, unlinkSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import type { FileSystemEndpoint } from '../endpoints.js';
import { configError, SplashError } from '../errors.js';
import { type PinnedFolder, pinFolder } from '../fs/pinned-folder.js';
import { removeFolderRecords, removeVerificationRecords, STATE_DIR } from '../fs/verification-record.js';
import { codeOf } from '../fs/walk.js';
import { isInside, SweepLocator } from '../paths.js';
import type { StepContext } from '../run/context.js';
import { contentProblem } from './fs-content.js';
import { proveSeparateStorage } from './fs-identity.js';
import { FilesystemLock } from './fs-lock.js';
import { type PrunedFile, PruneIncomplete, type PruneReport } from './report.js';
import { changedSincePlanned, type PlanItem, type SweepSpec } from './sweep-plan.js';

export interface FilesystemPruneOptions {
  readonly afterDays: number;
  readonly verify: 'checksum' | 'hash';
  readonly now: Date;
  readonly dryRun: boolean;
  readonly ctx: StepContext;
  /** For messages: "prune of spot832 (beamline 8.3.2)". */
  readonly rule?: string;
}

const DAY_MS = 86_400_000;

/**
 * Retention sweep of one file-system endpoint. A file is deleted only when it is older than the retention
 * period AND the check endpoint holds a regular file at the same relative path, not the same inode,
 * reached without following a symlink, whose content is proven equal: by the verification record the
 * move left with the copy (`verify: checksum`, the default), else by hashing (always, with `verify: hash`).
 *
 * Before the first deletion the rule proves the check endpoint is not the pruned storage under another
 * name, and locks both endpoints (the check endpoint when it is writable) against other prunes. Then two
 * phases: a plan over the whole tree (in parallel for big trees), then the deletions one by one, each
 * re-checking that the file and its copy are still what was verified. Everything else is kept and reported.
 */
export async function pruneFilesystem(
  endpoint: FileSystemEndpoint,
  check: FileSystemEndpoint,
  opts: FilesystemPruneOptions,
): Promise<PruneReport> {
  const { root, checkRoot } = await checkPruneRoots(endpoint, check);
  const rule = opts.rule ?? `prune of ${endpoint.name}`;
  try {
    const warning = proveSeparateStorage(endpoint.name, root, check.name, checkRoot);
    if (warning) opts.ctx.warn(warning);
  } catch (err) {
    // A dry run on storage it may not write to still shows its plan; a real run stops here.
    if (!opts.dryRun || !(err instanceof SplashError) || err.kind !== 'step') throw err;
    opts.ctx.warn(`${err.message.replace(/; nothing was deleted$/, '')} (dry run: going on; a real run stops here)`);
  }
  const locks: FilesystemLock[] = [];
  if (!opts.dryRun) {
    // Both endpoints, in one order for every process (by real path): two prunes that need the same two
    // locks meet at the first one, so one runs and the other is told who holds it.
    const wanted = [
      { root, name: endpoint.name, purpose: rule, ifWritable: false },
      { root: checkRoot, name: check.name, purpose: `relied on by the ${rule}`, ifWritable: true },
    ].sort((a, b) => (a.root < b.root ? -1 : 1));
    try {
      for (const w of wanted) {
        const lock = w.ifWritable ? FilesystemLock.acquireIfWritable(w.root, w.name, w.purpose, rule) : FilesystemLock.acquire(w.root, w.name, w.purpose, rule);
        if (lock) locks.push(lock);
        else opts.ctx.info(`${w.name} is not writable here: not locked (a prune of it elsewhere is not excluded while this rule runs)`);
      }
    } catch (err) {
      for (const l of locks) l.release();
      throw err;
    }
  }
  try {
    return await sweep(endpoint, check, root, checkRoot, opts, locks);
  } finally {
    for (const l of locks.reverse()) {
      const warning = l.release();
      if (warning) opts.ctx.warn(warning);
    }
  }
}

async function sweep(endpoint: FileSystemEndpoint, check: FileSystemEndpoint, root: string, checkRoot: string, opts: FilesystemPruneOptions, locks: readonly FilesystemLock[]): Promise<PruneReport> {
  const cutoffMs = opts.now.getTime() - opts.afterDays * DAY_MS;
  const records = opts.verify === 'checksum' && existsSync(`${checkRoot}/${STATE_DIR}/verified`);
  const spec: SweepSpec = { root, checkRoot, checkName: check.name, cutoffMs, verify: opts.verify, records };
  // Loaded on demand: the bundler gives it a chunk of its own, which is also what the sweep's workers load.
  const { planTree } = await import('./sweep-parallel.js');
  const started = performance.now();
  const plan = await planTree(spec);
  const proofs = { record: 0, source: 0, both: 0 };
  for (const c of plan.candidates) proofs[c.proof.kind]++;
  opts.ctx.debug(
    `prune ${endpoint.name}: planned ${plan.files} files in ${Math.round(performance.now() - started)} ms` +
      `${plan.workers > 0 ? ` with ${plan.workers} worker threads` : ''}: ` +
      `${plan.candidates.length} candidates (${proofs.record} proven by verification records, ${proofs.source} to hash here, ${proofs.both} to hash on both sides), ` +
      `${plan.kept.length} young, ${plan.unsafe.length} unsafe`,
  );

  const report: PruneReport = {
    endpoint: endpoint.name, check: check.name, afterDays: opts.afterDays, dryRun: opts.dryRun,
    pruned: [], kept: plan.kept, unsafe: plan.unsafe, removedDirs: [],
  };
  // A fresh locator: nothing cached during planning is trusted for a deletion.
  const locator = new SweepLocator(checkRoot);
  // A file deleted here may itself have been a verified copy: its record goes with it.
  const ownRecords = existsSync(`${root}/${STATE_DIR}/verified`);
  /** Deleted files that may have records here (they were copies themselves): forgotten at the end, per folder. */
  const deletedRecords: string[] = [];
  const touched = new Set<string>();
  const folders = new FolderPins(root);
  try {
    const stillLocked = (): void => {
      try {
        for (const l of locks) l.keep();
      } catch (err) {
        // A lost lock stops the deletions; what was deleted so far still belongs in the summary.
        if (err instanceof SplashError) throw new PruneIncomplete(err, report);
        throw err;
      }
    };
    for (const item of plan.candidates) {
      stillLocked();
      const problem = item.proof.kind === 'record' ? undefined : await contentProblem(spec, item);
      if (problem) {
        report.unsafe.push({ rel: item.rel, reason: problem });
        continue;
      }
      if (!opts.dryRun) {
        // Again after the content proof, which may read a large file for minutes.
        if (item.proof.kind !== 'record') stillLocked();
        // The file is checked and deleted through its folder opened once (see pinned-folder.ts): a folder on
        // its path swapped for a symlink meanwhile cannot send the unlink to a file of that name elsewhere.
        const dir = folders.pin(parentOf(item.rel));
        const name = item.rel.slice(item.rel.lastIndexOf('/') + 1);
        const changed = dir ? changedSincePlanned(spec, locator, item, dir.entry(name)) : 'its folder changed since the plan (moved, or swapped for a symlink)';
        if (changed !== undefined || !dir) {
          report.unsafe.push({ rel: item.rel, reason: `${changed ?? ''}; left for the next run` });
          continue;
        }
        try {
          unlinkSync(dir.entry(name));
        } catch (err) {
          report.unsafe.push({ rel: item.rel, reason: `could not delete (${codeOf(err)}); left for the next run` });
          continue;
        }
        if (ownRecords) deletedRecords.push(item.rel);
        touched.add(parentOf(item.rel));
      }
      report.pruned.push(toPruned(item));
    }
  } finally {
    folders.close();
  }
  if (!opts.dryRun) for (const d of removeEmptiedDirs(root, touched, new Set(plan.youngDirs))) report.removedDirs.push(d);
  if (deletedRecords.length > 0) forgetRecords(root, deletedRecords, new Set(report.removedDirs));
  return report;
}

/**
 * The folders deletions go through, each opened once while its files are deleted (the plan is sorted, so a
 * folder's files come together): only the last one is kept open.
 */
class FolderPins {
  readonly #root: string;
  #current: { rel: string; pinned: PinnedFolder | undefined } | undefined;

  constructor(root: string) {
    this.#root = root;
  }

  pin(dirRel: string): PinnedFolder | undefined {
    if (this.#current?.rel !== dirRel) {
      this.close();
      this.#current = { rel: dirRel, pinned: pinFolder(dirRel === '' ? this.#root : `${this.#root}/${dirRel}`) };
    }
    return this.#current.pinned;
  }

  close(): void {
    this.#current?.pinned?.close();
    this.#current = undefined;
  }
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

/**
 * For the step's check of every rule before the first one deletes anything: separate folders, and (cheap
 * here) the storage-identity proof, so a check root that is the pruned storage under another name stops
 * all rules. What cannot be proven now (no write access) is left to the rule itself.
 */
export async function checkSeparateFilesystems(endpoint: FileSystemEndpoint, check: FileSystemEndpoint): Promise<void> {
  const { root, checkRoot } = await checkPruneRoots(endpoint, check);
  try {
    proveSeparateStorage(endpoint.name, root, check.name, checkRoot);
  } catch (err) {
    if (err instanceof SplashError && err.kind === 'config') throw err;
  }
}

const toPruned = (i: PlanItem): PrunedFile => ({ rel: i.rel, size: i.size, mtimeMs: i.mtimeMs });

/**
 * Remove folders this sweep emptied, deepest first, climbing while they stay empty. rmdir() refuses a
 * non-empty folder, so a file that arrived meanwhile keeps its folder. A folder modified after the cutoff
 * (when planned: the sweep's own deletions change it) stays: acquisition software may still write into
 * it. The root itself is never removed.
 */
/**
 * Forget the records of deleted files: a removed folder's record file goes whole, other folders get one
 * appended tombstone line per file. A record left behind is harmless (it matches no file any more), so
 * failures are ignored.
 */
function forgetRecords(root: string, rels: readonly string[], removedDirs: ReadonlySet<string>): void {
  try {
    for (const dir of removedDirs) removeFolderRecords(root, dir);
    removeVerificationRecords(root, rels.filter((rel) => !removedDirs.has(parentOf(rel))));
  } catch {
    // see above
  }
}

function removeEmptiedDirs(root: string, touched: Set<string>, young: ReadonlySet<string>): string[] {
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
      if (young.has(rel)) continue;
      // Through its parent opened once, as the deletions: never an empty folder of that name elsewhere.
      const parent = pinFolder(parentOf(rel) === '' ? root : `${root}/${parentOf(rel)}`);
      if (!parent) continue;
      try {
        rmdirSync(parent.entry(rel.slice(rel.lastIndexOf('/') + 1)));
      } catch {
        continue;
      } finally {
        parent.close();
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
