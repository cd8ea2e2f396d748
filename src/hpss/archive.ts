/**
 * Archive one proposal folder to HPSS: list it on the HPSS host, plan bundles (plan.ts), run the archive
 * script (script.ts) and verify every archive against the plan from HPSS's own listing. Re-runs are safe:
 * an archive whose index is on HPSS is complete and not written again, `cput` skips a file already stored,
 * and both are verified again.
 */
import type { HPSSEndpoint, TransferEndpoint } from '../endpoints.js';
import { stepError, pathError } from '../errors.js';
import { gatePath, joinInside, type RelPath } from '../paths.js';
import type { StepContext } from '../run/context.js';
import { formatBytes } from '../run/format.js';
import { displayName } from '../text.js';
import { type BeamCycle, cycleKey } from './cycle.js';
import { hostLabel, lastLines, runOnHost } from './host.js';
import { type ArchivePlan, type InventoryFile, isHsiSafe, planArchive } from './plan.js';
import {
  archiveScript,
  EXIT_NO_DEST,
  EXIT_NO_FOLDER,
  inventoryScript,
  type ItemReport,
  parseArchiveOutput,
  EXIT_CANNOT_ENTER,
  EXIT_NO_LISTING,
  parseListing,
  verifyBundleListing,
  verifyLsListing,
} from './script.js';

export interface ArchiveTarget {
  /** Holds the data; its root_path is a folder on the HPSS host. */
  readonly from: TransferEndpoint;
  readonly to: HPSSEndpoint;
  /** Archives go to <to.root_path>/<beamlineId>/<proposal path>. */
  readonly beamlineId: string;
  readonly timeZone: string;
  readonly bundleMaxBytes: number;
}

export type ItemStatus = 'written' | 'already on HPSS' | 'failed' | 'planned';

export interface ArchivedItem {
  /** Path on HPSS. */
  readonly path: string;
  /** Beam cycle key for bundles; '' for single files. */
  readonly cycle: string;
  readonly files: number;
  readonly bytes: number;
  status: ItemStatus;
  /** Why it failed. */
  problem: string;
}

export interface ProposalResult {
  readonly proposal: RelPath;
  readonly dest: string;
  readonly items: ArchivedItem[];
  /** Files not archived and why (names the path gate refuses, files neither htar nor hsi can take): the step fails. */
  readonly notArchived: { rel: string; why: string }[];
  /** Entries that are not data files (symbolic links, fifos): logged, not archived, not an error. */
  readonly ignored: { rel: string; why: string }[];
  plan: ArchivePlan | undefined;
  /** Set when the proposal could not be archived at all. */
  error: string;
}

/** The HPSS folder for a proposal; refused when hsi could misread it. */
export function destinationOf(target: ArchiveTarget, proposal: RelPath): string {
  const dest = joinInside(target.to.root_path, gatePath(`${target.beamlineId}/${proposal}`, { field: 'proposal' }));
  if (!isHsiSafe(dest)) {
    throw pathError(
      `proposal ${displayName(proposal)}: the HPSS path ${displayName(dest)} has characters hsi cannot take safely`,
      'HPSS folder and proposal names may hold letters, digits and . _ , + = @ % -',
    );
  }
  return dest;
}

export interface ArchiveOptions {
  readonly dryRun: boolean;
  /** The last cycle archived; files of later (running) cycles wait. */
  readonly upTo: BeamCycle;
}

export async function archiveProposal(ctx: StepContext, target: ArchiveTarget, proposal: RelPath, opts: ArchiveOptions): Promise<ProposalResult> {
  const dest = destinationOf(target, proposal);
  const source = joinInside(target.from.root_path, proposal);
  const result: ProposalResult = { proposal, dest, items: [], notArchived: [], ignored: [], plan: undefined, error: '' };
  const where = hostLabel(target.to);

  // 1. What is there, as the HPSS host sees it.
  const listed = await runOnHost(target.to, inventoryScript(source));
  if (listed.code === EXIT_NO_FOLDER) throw pathError(`proposal ${displayName(proposal)}: no folder ${source} on ${where}`, `check the path; it is relative to ${target.from.name} (${target.from.root_path})`);
  if (listed.code === EXIT_CANNOT_ENTER) throw stepError(`cannot enter ${source} on ${where}: ${lastLines(listed.stderr)}`, 'fix the folder\'s permissions for the HPSS account, then run again');
  if (listed.code !== 0) {
    // A partial listing would silently leave files off tape.
    throw stepError(`listing ${source} on ${where} failed (exit ${String(listed.code)}): ${lastLines(listed.stderr)}`, 'fix the permissions or the folder, then run again');
  }
  const files: InventoryFile[] = [];
  for (const entry of parseListing(listed.stdout)) {
    if (entry.kind !== 'file') {
      result.ignored.push({ rel: entry.rel, why: entry.type === 'l' ? 'symbolic link (not followed)' : `not a regular file (find type ${entry.type})` });
      continue;
    }
    try {
      files.push({ rel: gatePath(entry.rel, { field: 'file' }), size: entry.size, mtimeMs: entry.mtimeMs });
    } catch (err) {
      result.notArchived.push({ rel: entry.rel, why: err instanceof Error ? err.message : String(err) });
    }
  }
  const name = proposal.slice(proposal.lastIndexOf('/') + 1);
  const plan = planArchive(files, { proposal: name, timeZone: target.timeZone, bundleMaxBytes: target.bundleMaxBytes, upTo: opts.upTo });
  result.plan = plan;
  for (const r of plan.refused) result.notArchived.push(r);
  for (const b of plan.bundles) result.items.push({ path: `${dest}/${b.name}`, cycle: cycleKey(b.cycle), files: b.members.length, bytes: b.bytes, status: 'planned', problem: '' });
  for (const s of plan.singles) result.items.push({ path: `${dest}/${s.file.rel}`, cycle: '', files: 1, bytes: s.file.size, status: 'planned', problem: '' });
  ctx.info(
    `${displayName(proposal)}: ${String(plan.files)} file(s), ${formatBytes(plan.bytes)} → ${String(plan.bundles.length)} htar archive(s)` +
      (plan.singles.length > 0 ? ` + ${String(plan.singles.length)} single file(s)` : '') +
      ` in ${dest}`,
  );
  for (const s of plan.singles) ctx.info(`  on its own: ${displayName(s.file.rel)} (${s.why})`);
  if (plan.deferred.length > 0) {
    ctx.info(`  ${String(plan.deferred.length)} file(s) of a beam cycle after ${cycleKey(opts.upTo)} wait for a run after that cycle ends`);
  }
  for (const n of result.ignored) ctx.info(`  ignored: ${displayName(n.rel)}: ${n.why}`);
  for (const n of result.notArchived) ctx.warn(`not archived: ${displayName(`${proposal}/${n.rel}`)}: ${n.why}`);
  if (opts.dryRun || result.items.length === 0) return result;

  // 2. Write what is missing, then list everything for verification.
  const script = archiveScript({ hsi: target.to.hsi, htar: target.to.htar, source, dest, bundles: plan.bundles, singles: plan.singles });
  const ran = await runOnHost(target.to, script, {
    onErrorLine: (line) => {
      if (line.trim() !== '') ctx.info(`  ${line}`);
    },
  });
  if (ran.code === EXIT_NO_FOLDER) throw pathError(`proposal ${displayName(proposal)}: ${source} disappeared on ${where}`);
  if (ran.code === EXIT_NO_DEST || ran.code === EXIT_NO_LISTING) {
    const what = ran.code === EXIT_NO_DEST ? `cannot create ${dest} on HPSS` : `cannot list ${dest} on HPSS, so nothing was written`;
    result.error = `${what}: ${lastLines(ran.stderr)}`;
    for (const item of result.items) {
      item.status = 'failed';
      item.problem = ran.code === EXIT_NO_DEST ? 'destination folder missing' : 'destination not listed';
    }
    return result;
  }
  const reports = parseArchiveOutput(ran.stdout);
  const verify = (id: string, item: ArchivedItem, check: (r: ItemReport) => string[]): void => {
    const r = reports.get(id);
    if (!r || r.status === 'unknown') {
      item.status = 'failed';
      item.problem = `the script stopped before it (exit ${String(ran.code)}): ${lastLines(ran.stderr)}`;
      return;
    }
    if (r.status === 'failed') {
      item.status = 'failed';
      item.problem = `${r.reason}${ran.stderr ? `: ${lastLines(ran.stderr, 2)}` : ''}`;
      return;
    }
    const problems = check(r);
    if (problems.length > 0) {
      item.status = 'failed';
      item.problem = `verification: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (+${String(problems.length - 3)} more)` : ''}`;
      return;
    }
    item.status = r.status === 'present' ? 'already on HPSS' : 'written';
  };
  plan.bundles.forEach((b, i) => {
    const item = result.items[i];
    if (!item) return;
    const file = reports.get('bf');
    verify(`b${String(i)}`, item, (r) => [
      ...verifyBundleListing(r.listing, r.listingExit, b.members),
      // The index is read without the archive; the archive itself must be there and hold at least the members.
      ...verifyLsListing(file?.listing ?? [], file?.listingExit, b.name, b.bytes, true),
    ]);
  });
  plan.singles.forEach((s, i) => {
    const item = result.items[plan.bundles.length + i];
    const base = s.file.rel.slice(s.file.rel.lastIndexOf('/') + 1);
    if (item) verify(`s${String(i)}`, item, (r) => verifyLsListing(r.listing, r.listingExit, base, s.file.size));
  });
  for (const item of result.items) {
    const what = `${item.path} (${String(item.files)} file(s), ${formatBytes(item.bytes)})`;
    if (item.status === 'failed') ctx.error(`${what}: ${item.problem}`);
    else ctx.info(`${item.status === 'written' ? 'archived and verified' : 'already on HPSS, verified'}: ${what}`);
  }
  return result;
}
