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
import type { FileSystemEndpoint } from '../endpoints.js';
import { describeEndpoint } from '../endpoints.js';
import { configError } from '../errors.js';
import { walkTree } from '../fs/walk.js';
import { gatePath, SweepLocator } from '../paths.js';
import { makeFilter } from './filter.js';
import { watchSettingsOf } from './settings.js';

export interface ReconcilePlan {
  readonly from: FileSystemEndpoint;
  readonly to: FileSystemEndpoint;
  /** Data files seen on `from` (after the watch filter). */
  readonly scanned: number;
  /** Too young to judge. */
  readonly young: number;
  /** At the destination with the same size. */
  readonly present: number;
  /** Relative paths to dispatch again, with why. */
  readonly missing: readonly { readonly rel: string; readonly why: 'missing' | 'size differs' | 'not a regular file' }[];
  /** Entries that could not be judged (symlinks, unreadable, names the path gate refuses). */
  readonly skipped: readonly { readonly rel: string; readonly why: string }[];
}

/** Walk the first hop's source and compare with its destination. Read-only. */
export function planReconcile(beamline: BeamlineConfig, opts: { olderThanMs: number; now: Date }): ReconcilePlan {
  const hop = beamline.settings.move[0];
  if (!hop) throw configError(`reconcile: beamline ${beamline.id} has no move hops`, `add a move: list to beamlines."${beamline.id}" in ${beamline.config.source}`);
  const from = beamline.endpoint(hop.from, `beamlines.${beamline.id}.move[0].from`);
  const to = beamline.endpoint(hop.to, `beamlines.${beamline.id}.move[0].to`);
  for (const e of [from, to]) {
    if (e.type !== 'filesystem') {
      throw configError(
        `reconcile: ${describeEndpoint(e)} is not a file-system endpoint; reconcile compares file-system endpoints only (Globus collections are not supported yet)`,
        'run it where both ends of the first hop are mounted as file-system endpoints, or re-dispatch by hand with splash dispatch',
      );
    }
  }
  if (from.type !== 'filesystem' || to.type !== 'filesystem') throw new Error('unreachable');

  const watch = watchSettingsOf(beamline.settings);
  const filter = makeFilter({ patterns: watch.patterns, ignore: watch.ignore, nocase: false });
  const cutoff = opts.now.getTime() - opts.olderThanMs;
  const locator = new SweepLocator(to.root_path);
  let scanned = 0;
  let young = 0;
  let present = 0;
  const missing: { rel: string; why: 'missing' | 'size differs' | 'not a regular file' }[] = [];
  const skipped: { rel: string; why: string }[] = [];

  for (const entry of walkTree(from.root_path)) {
    if (entry.rel.split('/').some((s) => s.startsWith('.'))) continue; // hidden: partial copies, spools
    if (entry.kind === 'skipped') {
      skipped.push({ rel: entry.rel, why: entry.reason });
      continue;
    }
    if (!filter.accepts(entry.rel)) continue;
    scanned++;
    if (entry.stat.mtimeMs > cutoff) {
      young++;
      continue;
    }
    try {
      gatePath(entry.rel, { field: 'file' });
    } catch (err) {
      skipped.push({ rel: entry.rel, why: err instanceof Error ? err.message : String(err) });
      continue;
    }
    // Never follows a symlink at the destination: a copy reached through one is not a copy on that endpoint.
    const where = locator.locate(entry.rel);
    const st = where.problem === null ? lstatSync(where.abs, { throwIfNoEntry: false }) : undefined;
    if (!st) missing.push({ rel: entry.rel, why: 'missing' });
    else if (!st.isFile()) missing.push({ rel: entry.rel, why: 'not a regular file' });
    else if (st.size !== entry.stat.size) missing.push({ rel: entry.rel, why: 'size differs' });
    else present++;
  }
  return { from, to, scanned, young, present, missing, skipped };
}

/** The path to dispatch for a path relative to the endpoint root: under the beamline's prefix, as the watcher sends it. */
export function prefixed(beamline: BeamlineConfig, rel: string): string {
  const prefix = beamline.settings.path_prefix;
  if (prefix === undefined) return rel;
  return prefix === '/' ? `/${rel}` : `${prefix}/${rel}`;
}
