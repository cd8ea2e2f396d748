/**
 * The prune controller for an HPSS endpoint: the same rule as every prune — delete only what is older than
 * the rule's days and has a verified copy at its check endpoint — applied to what tape holds: whole archives
 * (every member's copy verified, or the archive stays) and files stored on their own. A real run deletes only
 * what a dry run planned within the last week (hpss/prune.ts), so tape deletions are always seen first.
 *
 * The check endpoint is a folder the HPSS host sees (a filesystem endpoint, or a Globus collection whose
 * root_path is on the same file systems — as archive.from), holding the files at their paths relative to the
 * beamline's tape folder: `<hpss root>/<beamline>/raw/P/P_2026-1.tar` member `scan.h5` ↔ `<check root>/raw/P/scan.h5`.
 * Tape and disk are different storage by nature; an hpss check endpoint is refused.
 */
import type { SplashConfig } from '../config/index.js';
import type { FileSystemEndpoint, GlobusEndpoint, HPSSEndpoint } from '../endpoints.js';
import { configError, stepError } from '../errors.js';
import { catalogScript, parseCatalogTree, type TapeArchive } from '../hpss/catalog.js';
import { lastLines } from '../hpss/host.js';
import { isHsiSafe } from '../hpss/plan.js';
import { HSI_UNSAFE_NAME, lsTime, parsePruneOutput, pruneScript, type TapeUnit } from '../hpss/prune.js';
import { tapeHostFor } from '../hpss/transport.js';
import { gatePath, joinInside } from '../paths.js';
import type { StepContext } from '../run/context.js';
import type { Services } from '../services.js';
import { PruneIncomplete } from './report.js';
import type { PruneReport, UnsafeFile } from './report.js';

export interface HpssPruneRun {
  readonly afterDays: number;
  readonly now: Date;
  readonly dryRun: boolean;
  readonly ctx: StepContext;
  readonly services: Services;
}

const DAY_MS = 86_400_000;

/** The root the tape sweep covers: the beamline's folder under the endpoint (archives of other beamlines are theirs). */
const beamlineFolder = (e: HPSSEndpoint, beamline: string): string => joinInside(e.root_path, gatePath(beamline, { field: 'beamline' }));

/** Refusals config alone can tell: what the copies are checked on, and how. */
export function checkHpssPrune(endpoint: HPSSEndpoint, check: FileSystemEndpoint | GlobusEndpoint, verify: string): void {
  if (verify !== 'size' && verify !== 'hash' && verify !== 'checksum') throw configError(`prune of ${endpoint.name}: verify: ${verify} is not available on tape (expected size, or hash: each copy against the archive's BLAKE2b manifest)`);
  if (check.root_path === '/') throw configError(`prune of ${endpoint.name}: check endpoint ${check.name} has root_path /; name the folder that holds the copies`);
}

export async function pruneHpss(
  endpoint: HPSSEndpoint,
  check: FileSystemEndpoint | GlobusEndpoint,
  verify: string,
  where: { readonly beamline: string; readonly config: SplashConfig },
  opts: HpssPruneRun,
): Promise<PruneReport> {
  const { ctx } = opts;
  const hash = verify === 'hash' || verify === 'checksum';
  const base = beamlineFolder(endpoint, where.beamline);
  const report: PruneReport = { endpoint: endpoint.name, check: check.name, afterDays: opts.afterDays, dryRun: opts.dryRun, pruned: [], kept: [], unsafe: [], removedDirs: [] };
  const host = await tapeHostFor(endpoint, where.config, opts.services, ctx);
  await host.check();

  // 1. What is on tape for the beamline.
  const listed = await host.run(catalogScript(endpoint.hsi, endpoint.htar, base), 'list');
  if (listed.code !== 0) throw stepError(`listing ${base} on ${host.label} failed (exit ${String(listed.code)}): ${lastLines(listed.stderr)}; nothing was deleted`);
  const tree = parseCatalogTree(listed.stdout, base);
  if (tree.problems.length > 0) throw stepError(`cannot tell what is on HPSS in ${base}: ${tree.problems.slice(0, 2).join('; ')}; nothing was deleted`, 'run again; if it persists, check the listing with splash hpss ls');
  if (!tree.exists) {
    ctx.info(`${base}: nothing on tape for beamline ${where.beamline}`);
    return report;
  }

  // 2. Candidates: old enough, and fully readable; each member's copy to check.
  const units: { unit: TapeUnit; rel: string; bytes: number; mtimeMs: number }[] = [];
  const unsafe = (rel: string, reason: string): void => {
    report.unsafe.push({ rel, reason } satisfies UnsafeFile);
  };
  const cutoff = opts.now.getTime() - opts.afterDays * DAY_MS;
  const relOf = (path: string): string => path.slice(base.length + 1);
  const copyPath = (rel: string, what: string): string | undefined => {
    try {
      return joinInside(check.root_path, gatePath(rel, { field: what }));
    } catch {
      return undefined;
    }
  };
  const consider = (rel: string, path: string, bytes: number, modified: string, build: () => TapeUnit | string): void => {
    const t = lsTime(modified, opts.now);
    if (t === undefined) {
      unsafe(rel, `its age cannot be read from the HPSS listing (${JSON.stringify(modified)})`);
      return;
    }
    if (t > cutoff) {
      report.kept.push({ rel, size: bytes, mtimeMs: t });
      return;
    }
    // Its path goes to `hsi rm`: a name hsi would expand (`*`) or split would delete what it matches.
    const unit = isHsiSafe(path) ? build() : HSI_UNSAFE_NAME;
    if (typeof unit === 'string') unsafe(rel, unit);
    else units.push({ unit, rel, bytes, mtimeMs: t });
  };
  for (const a of tree.archives) {
    const rel = relOf(a.path);
    const folder = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
    if (!a.indexed) {
      unsafe(rel, 'no index: an interrupted write (not pruned; the archive step writes it again or it is removed by hand)');
      continue;
    }
    const bytes = a.members.reduce((n, m) => n + m.size, 0);
    consider(rel, a.path, a.bytes ?? bytes, a.modified, () => archiveUnit(a, folder, hash, copyPath));
  }
  for (const f of tree.singles) {
    consider(f.rel, f.path, f.size, f.modified, () => {
      const copy = copyPath(f.rel, 'file on tape');
      if (copy === undefined) return 'its name cannot be checked at the check endpoint (the path gate refuses it)';
      // A file stored alone has no manifest: only verify: size can vouch for its copy.
      if (hash) return 'stored on its own, without a checksum manifest: verify: hash cannot vouch for its copy';
      return { path: f.path, sidecars: [], bytes: f.size, copies: [{ path: copy, size: f.size, checksum: undefined }] };
    });
  }
  // An index whose archive is gone (an interrupted prune): finished once its members' copies verify again.
  const indexOnly = tree.archives.filter((a) => a.indexed && a.bytes === undefined);
  for (const a of indexOnly) ctx.info(`${relOf(a.path)}: only its index is on HPSS (an interrupted prune); it goes once its copies verify`);

  // 3. Check every copy on the host, right before deleting (a dry run: checks only, and writes the plan).
  const planFile = `${check.root_path === '/' ? '' : check.root_path}/.splash/tape-prune/${endpoint.name}.${where.beamline}.plan`;
  if (units.length > 0) {
    const ran = await host.run(pruneScript({ hsi: endpoint.hsi, htar: endpoint.htar, planFile, units: units.map((u) => u.unit), dryRun: opts.dryRun }), 'prune');
    const outcomes = parsePruneOutput(ran.stdout);
    let unplanned = 0;
    const failures: string[] = [];
    units.forEach((u, i) => {
      const o = outcomes.get(`u${String(i)}`);
      const pruned = { rel: u.rel, size: u.bytes, mtimeMs: u.mtimeMs };
      if (!o) unsafe(u.rel, `not checked: the script stopped (exit ${String(ran.code)}): ${lastLines(ran.stderr)}`);
      else if (o.outcome === 'ok' || o.outcome === 'deleted') report.pruned.push(pruned);
      else if (o.outcome === 'unplanned') {
        unplanned++;
        unsafe(u.rel, 'verified, but no dry run in the last week planned its deletion: run the prune with --dry-run first');
      } else if (o.outcome === 'failed') failures.push(`${u.rel}: ${o.why}`);
      else unsafe(u.rel, `the copy does not verify: ${o.why}`);
    });
    if (unplanned > 0) ctx.warn(`${endpoint.name}: ${String(unplanned)} archive(s) verified but not deleted: tape is pruned only after a dry run planned it (splash prune --dry-run, then again within a week)`);
    // What was deleted before the failure still belongs in the log and the summary.
    if (failures.length > 0) throw new PruneIncomplete(stepError(`deleting from HPSS failed for ${String(failures.length)} archive(s): ${failures.slice(0, 3).join('; ')}`, 'run the prune again: what was left (an index without its archive) is finished then'), report);
  }
  return report;
}

function archiveUnit(a: TapeArchive, folder: string, hash: boolean, copyPath: (rel: string, what: string) => string | undefined): TapeUnit | string {
  if (a.listingProblem !== '') return `its listing cannot be read: ${a.listingProblem}`;
  if (a.members.length === 0) return 'its listing names no members';
  if (hash && (a.manifest === undefined || a.manifestProblem !== '')) return a.manifestProblem || 'no checksum manifest (an archive of the original system, or written before manifests): verify: hash cannot vouch for its copies';
  const copies: { path: string; size: number; checksum: string | undefined }[] = [];
  for (const m of a.members) {
    if (m.type === 'dir') continue;
    if (m.type !== 'file') return `member ${JSON.stringify(m.rel)} is a ${m.type}: its copy cannot be checked as a file`;
    const path = copyPath(folder === '' ? m.rel : `${folder}/${m.rel}`, `member of ${a.name}`);
    if (path === undefined) return `member ${JSON.stringify(m.rel)} has a name the path gate refuses: its copy cannot be checked`;
    const checksum = hash ? a.manifest?.get(m.rel) : undefined;
    if (hash && checksum === undefined) return `member ${JSON.stringify(m.rel)} is not in the archive's manifest`;
    copies.push({ path, size: m.size, checksum });
  }
  const sidecars = [`${a.path}.idx`, ...(a.manifest !== undefined || a.manifestProblem !== '' ? [`${a.path}.b2sum`] : [])];
  return { path: a.path, sidecars, bytes: a.bytes, copies };
}
