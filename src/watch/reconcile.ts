/**
 * `splash reconcile`: the safety net behind the watcher. A file can be on the beamline and never reach the
 * server although nothing is wrong with it: its dispatch never fired (watcher down, spool lost with its
 * disk), its run waited in GitHub's queue past the 24 h limit and was dropped, or a step failed. Reconcile
 * walks the beamline's first move endpoint, finds data files older than a threshold (younger ones may still
 * be on their way) that the first hop's destination lacks — or holds with another size — and dispatches
 * them again through the same code as `splash dispatch`.
 */
import { lstatSync } from 'node:fs';
import type { BeamlineConfig } from '../config/beamline.js';
import type { FileSystemEndpoint, GlobusEndpoint, TransferEndpoint } from '../endpoints.js';
import { describeEndpoint } from '../endpoints.js';
import { configError } from '../errors.js';
import { walkTree } from '../fs/walk.js';
import type { TransferClient } from '../globus/index.js';
import { gatePath, SweepLocator } from '../paths.js';
import type { CollectionEntry, ListedFile } from '../transfer/globus.js';
import { type FileFilter, makeFilter } from './filter.js';
import { watchSettingsOf } from './settings.js';

/** The endpoint kinds reconcile can list and look up. */
export type ReconcileEndpoint = FileSystemEndpoint | GlobusEndpoint;

export type MissingWhy = 'missing' | 'size differs' | 'not a regular file';

export interface ReconcilePlan {
  readonly from: ReconcileEndpoint;
  readonly to: ReconcileEndpoint;
  /** Data files seen on `from` (after the watch filter). */
  readonly scanned: number;
  /** Too young to judge. */
  readonly young: number;
  /** At the destination with the same size. */
  readonly present: number;
  /** Relative paths to dispatch again, with why. */
  readonly missing: readonly { readonly rel: string; readonly why: MissingWhy }[];
  /** Entries that could not be judged (symlinks, unreadable, names the path gate refuses). */
  readonly skipped: readonly { readonly rel: string; readonly why: string }[];
}

export interface ReconcileOptions {
  readonly olderThanMs: number;
  readonly now: Date;
  /** The Globus client, asked for only when an end of the first hop is a Globus collection. */
  readonly globus: () => Promise<TransferClient>;
}

/**
 * Walk the first hop's source and compare with its destination. Read-only. Either end may be a folder
 * (file-system endpoint) or a Globus collection, in any mix: a collection is listed folder by folder
 * (operation/ls), and the destination is looked up with one listing per folder, not one call per file.
 */
export async function planReconcile(beamline: BeamlineConfig, opts: ReconcileOptions): Promise<ReconcilePlan> {
  const hop = beamline.settings.move[0];
  if (!hop) throw configError(`reconcile: beamline ${beamline.id} has no move hops`, `add a move: list to beamlines."${beamline.id}" in ${beamline.config.source}`);
  const field = `beamlines.${beamline.id}.move[0]`;
  const from = reconcilable(beamline.endpoint(hop.from, `${field}.from`), `${field}.from`);
  const to = reconcilable(beamline.endpoint(hop.to, `${field}.to`), `${field}.to`);
  // The Globus client and listing code load only when an end is a collection (as in src/services.ts).
  let loaded: Promise<GlobusAccess> | undefined;
  const globus = (): Promise<GlobusAccess> => (loaded ??= (async () => ({ client: await opts.globus(), lib: await import('../transfer/globus.js') }))());
  for (const e of [from, to]) {
    if (e.type !== 'globus') continue;
    // A mistyped root would make every file look missing at the destination (or none exist at the source).
    const { client, lib } = await globus();
    await lib.requireRoot(client, e);
  }

  const watch = watchSettingsOf(beamline.settings);
  const filter = makeFilter({ patterns: watch.patterns, ignore: watch.ignore, nocase: false });
  const cutoff = opts.now.getTime() - opts.olderThanMs;
  let scanned = 0;
  let young = 0;
  const candidates: ListedFile[] = [];
  const skipped: { rel: string; why: string }[] = [];

  for await (const entry of sourceEntries(from, globus, filter)) {
    if (entry.rel.split('/').some((s) => s.startsWith('.'))) continue; // hidden: partial copies, spools
    if (entry.kind === 'skipped') {
      skipped.push({ rel: entry.rel, why: entry.reason });
      continue;
    }
    if (!filter.accepts(entry.rel)) continue;
    scanned++;
    if (entry.mtimeMs > cutoff) {
      young++;
      continue;
    }
    try {
      gatePath(entry.rel, { field: 'file' });
    } catch (err) {
      skipped.push({ rel: entry.rel, why: err instanceof Error ? err.message : String(err) });
      continue;
    }
    candidates.push(entry);
  }

  const missing = await notAtDestination(to, globus, candidates);
  return { from, to, scanned, young, present: candidates.length - missing.length, missing, skipped };
}

interface GlobusAccess {
  readonly client: TransferClient;
  readonly lib: typeof import('../transfer/globus.js');
}

function reconcilable(e: TransferEndpoint, field: string): ReconcileEndpoint {
  if (e.type === 'filesystem' || e.type === 'globus') return e;
  throw configError(
    `reconcile: ${field} is ${describeEndpoint(e)}; reconcile lists file-system endpoints and Globus collections only`,
    'reconcile compares the first move hop; make it a filesystem or globus endpoint, or re-dispatch by hand with splash dispatch',
  );
}

/** The source's files and skipped entries, in name order, from a folder walk or a collection walk. */
async function* sourceEntries(from: ReconcileEndpoint, globus: () => Promise<GlobusAccess>, filter: FileFilter): AsyncGenerator<CollectionEntry> {
  if (from.type === 'filesystem') {
    for (const e of walkTree(from.root_path)) yield e.kind === 'file' ? { kind: 'file', rel: e.rel, size: e.stat.size, mtimeMs: e.stat.mtimeMs } : e;
    return;
  }
  // Folders the filter ignores as a whole (hidden, `ignore` patterns) are not even listed: one call saved each.
  const { client, lib } = await globus();
  yield* lib.walkCollection(client, from, '', { descend: (rel) => !filter.skipsDir(rel) });
}

/** The files the destination lacks, holds as something else than a regular file, or holds with another size. */
async function notAtDestination(to: ReconcileEndpoint, globus: () => Promise<GlobusAccess>, files: readonly ListedFile[]): Promise<{ rel: string; why: MissingWhy }[]> {
  const judge = (f: ListedFile, copy: { isFile: boolean; size: number } | undefined): MissingWhy | undefined =>
    !copy ? 'missing' : !copy.isFile ? 'not a regular file' : copy.size !== f.size ? 'size differs' : undefined;
  let whys: (MissingWhy | undefined)[];
  if (to.type === 'filesystem') {
    const locator = new SweepLocator(to.root_path);
    whys = files.map((f) => {
      // Never follows a symlink at the destination: a copy reached through one is not a copy on that endpoint.
      const where = locator.locate(f.rel);
      const st = where.problem === null ? lstatSync(where.abs, { throwIfNoEntry: false }) : undefined;
      return judge(f, st && { isFile: st.isFile(), size: st.size });
    });
  } else {
    const { client, lib } = await globus();
    const found = await lib.lookupByFolder(client, to, files.map((f) => f.rel));
    whys = files.map((f) => {
      const d = found.get(f.rel);
      return judge(f, d && { isFile: d.type === 'file' && !d.link_target, size: d.size });
    });
  }
  return files.flatMap((f, i) => {
    const why = whys[i];
    return why === undefined ? [] : [{ rel: f.rel, why }];
  });
}

/** The path to dispatch for a path relative to the endpoint root: under the beamline's prefix, as the watcher sends it. */
export function prefixed(beamline: BeamlineConfig, rel: string): string {
  const prefix = beamline.settings.path_prefix;
  if (prefix === undefined) return rel;
  return prefix === '/' ? `/${rel}` : `${prefix}/${rel}`;
}
