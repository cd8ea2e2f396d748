/**
 * The hpss step: bundle proposal folders to HPSS tape. Either the proposals given (a staff member archiving
 * one by hand), or — the scheduled run — every proposal folder under `archive.proposals` last modified in
 * the chosen beam cycle (default: the last completed one), as the original system selects them. Proposals
 * are archived one after the other: HPSS allows few sessions per user, and tape drives prefer it.
 */
import type { BeamlineConfig } from '../config/beamline.js';
import type { ArchiveSettings } from '../config/index.js';
import type { HPSSEndpoint, TransferEndpoint } from '../endpoints.js';
import { configError, pathError, SplashError, stepError } from '../errors.js';
import { type ArchivedItem, type ArchiveTarget, archiveProposal, type ProposalResult } from '../hpss/archive.js';
import { type BeamCycle, cycleKey, cycleOf, sameCycle } from '../hpss/cycle.js';
import { lastLines, SshFailed, type TapeHost } from '../hpss/host.js';
import { recordTapeLocations, type TapeEntry } from '../hpss/scicat.js';
import { EXIT_NO_FOLDER, parseListing, proposalsScript } from '../hpss/script.js';
import type { ScicatClient } from '../scicat/index.js';
import { gatePath, joinInside, type RelPath } from '../paths.js';
import type { StepContext } from '../run/context.js';
import { formatBytes } from '../run/format.js';
import { displayName } from '../text.js';

export interface HpssInput {
  /** From archiveTargetOf, resolved (and every input checked against them) before the step runs. */
  readonly settings: ArchiveSettings;
  readonly target: ArchiveTarget;
  /** Proposal folders relative to archive.from, through the path gate; empty: select by cycle. */
  readonly proposals: readonly RelPath[];
  /** Which cycle's proposals a selecting run archives. */
  readonly cycle: BeamCycle;
  readonly dryRun: boolean;
  /** Where the scripts run (ssh, this runner, or Slurm jobs through the SFAPI). */
  readonly host: TapeHost;
  /** SciCat, to record where each archived dataset is on tape; `ingestRoot` is the endpoint ingest read the files on. */
  readonly catalogue?: { readonly client: () => Promise<ScicatClient | undefined>; readonly ingestRoot: string | undefined } | undefined;
}

export interface HpssResult {
  readonly beamline: string;
  readonly cycle: string | undefined;
  readonly proposals: ProposalResult[];
  /** Tape locations recorded in SciCat (undefined: not attempted). */
  tapeLocations?: { recorded: number; already: number; notCatalogued: number; failed: number } | undefined;
}

const SUMMARY_LIMIT = 50;

/** archive settings and endpoints of a beamline, checked; a gap is a config error before anything runs. */
export function archiveTargetOf(beamline: BeamlineConfig): { settings: ArchiveSettings; target: ArchiveTarget } {
  const settings = beamline.settings.archive;
  if (!settings) {
    throw configError(
      `beamline ${beamline.id} has no archive settings in ${beamline.config.source}`,
      `add beamlines."${beamline.id}".archive with from: <endpoint holding the data> and to: <hpss endpoint> (docs/hpss.md)`,
    );
  }
  const field = `beamlines.${beamline.id}.archive`;
  const from: TransferEndpoint = beamline.endpoint(settings.from, `${field}.from`);
  const to = beamline.endpoint(settings.to, `${field}.to`);
  if (to.type !== 'hpss') throw configError(`${field}.to: ${to.name} is a ${to.type} endpoint, not hpss`, 'name an endpoint with type: hpss (or a hpss_<name> section)');
  if (from.type === 'hpss') throw configError(`${field}.from: ${from.name} is an hpss endpoint`, 'name the endpoint holding the data on disk (e.g. the NERSC CFS collection)');
  const hpss: HPSSEndpoint = to;
  return { settings, target: { from, to: hpss, beamlineId: beamline.id, timeZone: settings.time_zone, bundleMaxBytes: settings.bundle_max_bytes, verifyContent: settings.verify === 'content' } };
}

/**
 * Proposal folders under archive.proposals whose newest file was last modified in the cycle. (A folder's own
 * mtime misses a file added deep inside it.) A proposal with files of this cycle but a newer file of a later
 * one is archived — this cycle's files included — by the run after that later cycle ends. Names the path gate
 * refuses are returned as failures, so the step fails instead of leaving a proposal off tape quietly.
 */
async function selectProposals(
  ctx: StepContext,
  host: TapeHost,
  settings: ArchiveSettings,
  target: ArchiveTarget,
  cycle: BeamCycle,
): Promise<{ chosen: RelPath[]; refused: { name: string; why: string }[] }> {
  const parent = gatePath(settings.proposals, { field: 'archive.proposals' });
  const dir = joinInside(target.from.root_path, parent);
  const listed = await host.run(proposalsScript(dir), 'select');
  if (listed.code === EXIT_NO_FOLDER) throw configError(`archive.proposals: no folder ${dir} on ${host.label}`, 'check archive.from and archive.proposals in config.yml');
  if (listed.code !== 0) throw stepError(`listing ${dir} on ${host.label} failed (exit ${String(listed.code)}): ${lastLines(listed.stderr)}`);
  const chosen: RelPath[] = [];
  const refused: { name: string; why: string }[] = [];
  const entries = parseListing(listed.stdout).sort((a, b) => (a.rel < b.rel ? -1 : 1));
  for (const e of entries.filter((x) => x.kind !== 'folder')) {
    ctx.warn(`not a proposal folder, not archived: ${displayName(`${parent}/${e.rel}`)} (${e.type === 'l' ? 'symbolic link' : `find type ${e.type}`})`);
  }
  const folders = entries.filter((x) => x.kind === 'folder');
  for (const p of folders) {
    if (p.mtimeMs === 0 || !sameCycle(cycleOf(p.mtimeMs, target.timeZone), cycle)) continue;
    try {
      chosen.push(gatePath(`${parent}/${p.rel}`, { field: 'proposal' }));
    } catch (err) {
      refused.push({ name: `${parent}/${p.rel}`, why: err instanceof Error ? err.message : String(err) });
    }
  }
  ctx.info(`${String(folders.length)} proposal folder(s) in ${dir}; ${String(chosen.length + refused.length)} with their newest file in beam cycle ${cycleKey(cycle)}`);
  return { chosen, refused };
}

/** A proposal that could not be archived at all, and why. */
const unarchived = (proposal: RelPath, error: string): ProposalResult => ({ proposal, dest: '', items: [], notArchived: [], ignored: [], plan: undefined, error });

export async function hpssStep(ctx: StepContext, input: HpssInput): Promise<HpssResult> {
  const { settings, target, host } = input;
  await host.check(); // the key is there and readable, the services up, before anything runs
  // SciCat's credentials too: a run must not write archives and then stop at a missing setting.
  if (!input.dryRun && input.catalogue?.ingestRoot !== undefined) await input.catalogue.client();
  const selecting = input.proposals.length === 0;
  const result: HpssResult = { beamline: target.beamlineId, cycle: selecting ? cycleKey(input.cycle) : undefined, proposals: [] };
  ctx.info(`archiving from ${target.from.name} to ${target.to.name} (${target.to.root_path}) via ${host.label}${input.dryRun ? ' — dry run, nothing is written' : ''}`);
  try {
    const selected = selecting ? await selectProposals(ctx, host, settings, target, input.cycle) : { chosen: input.proposals, refused: [] };
    for (const r of selected.refused) {
      ctx.error(`proposal folder ${displayName(r.name)} cannot be archived: ${r.why}`);
      result.proposals.push(unarchived(r.name as RelPath, r.why));
    }
    for (const proposal of selected.chosen) {
      await ctx.group(`archive ${proposal}`, async () => {
        try {
          result.proposals.push(await archiveProposal(ctx, host, target, proposal, { dryRun: input.dryRun, upTo: input.cycle }));
        } catch (err) {
          // The host or the config failing fails every proposal the same way: stop now.
          if (err instanceof SshFailed || (err instanceof SplashError && err.kind === 'config')) throw err;
          // A proposal that cannot be listed stops nothing else; the step fails at the end.
          const message = err instanceof Error ? err.message : String(err);
          ctx.error(message);
          result.proposals.push(unarchived(proposal, message));
        }
      });
    }
    if (!input.dryRun) result.tapeLocations = await recordLocations(ctx, input, result);
  } finally {
    writeSummary(ctx, input, result);
  }
  const items = result.proposals.flatMap((p) => p.items);
  ctx.setOutput('archived', items.filter((i) => i.status === 'written').length);
  ctx.setOutput('archives', JSON.stringify(items.filter((i) => i.status === 'written' || i.status === 'already on HPSS').map((i) => i.path)));

  const failedItems = items.filter((i) => i.status === 'failed');
  const failedProposals = result.proposals.filter((p) => p.error !== '');
  const notArchived = result.proposals.reduce((n, p) => n + p.notArchived.length, 0);
  const notRecorded = result.tapeLocations?.failed ?? 0;
  if (failedItems.length > 0 || failedProposals.length > 0 || notArchived > 0 || notRecorded > 0) {
    const parts = [
      failedProposals.length > 0 ? `${String(failedProposals.length)} proposal(s) could not be archived` : '',
      failedItems.length > 0 ? `${String(failedItems.length)} archive(s) failed` : '',
      notArchived > 0 ? `${String(notArchived)} file(s) are not on tape (see "not archived" in the log)` : '',
      notRecorded > 0 ? `the tape location of ${String(notRecorded)} file(s) could not be recorded in SciCat` : '',
    ].filter((s) => s !== '');
    const err = stepError(
      `hpss: ${parts.join('; ')}`,
      'fix what the log names and run again: archives already on HPSS are verified, not written twice',
    );
    // A single proposal given by hand that does not exist is the caller's mistake: exit 2 like any bad path.
    if (!selecting && failedProposals.length === result.proposals.length && failedItems.length === 0 && failedProposals.every((p) => /^proposal .*: no folder/.test(p.error))) {
      throw pathError(failedProposals.map((p) => p.error).join('; '));
    }
    throw err;
  }
  return result;
}

/**
 * After the archives verified: each archived file's dataset gets its tape location (hpss/scicat.ts). Files on
 * tape in a verified archive or stored alone count; a file without a dataset (never ingested) is noted only.
 */
async function recordLocations(ctx: StepContext, input: HpssInput, result: HpssResult): Promise<HpssResult['tapeLocations']> {
  const entries: TapeEntry[] = result.proposals.flatMap((p) =>
    p.items
      .filter((i) => i.status === 'written' || i.status === 'already on HPSS')
      .flatMap((i) => i.members.map((m) => ({ rel: `${p.proposal}/${m.rel}`, archivePath: i.path, member: i.kind === 'archive' ? m.rel : undefined, size: m.size, mtimeMs: m.mtimeMs, checksum: i.sums?.get(m.rel) }))),
  );
  if (entries.length === 0 || input.catalogue === undefined) return undefined;
  const { ingestRoot } = input.catalogue;
  if (ingestRoot === undefined) {
    ctx.info('tape locations are not recorded in SciCat: this beamline does not ingest');
    return undefined;
  }
  const client = await input.catalogue.client();
  if (!client) {
    ctx.info('tape locations are not recorded in SciCat: config.yml names no scicat.url');
    return undefined;
  }
  const r = await recordTapeLocations(client, ingestRoot, entries);
  ctx.info(`SciCat: the tape location of ${String(r.recorded)} file(s) recorded, ${String(r.already)} recorded before${r.notCatalogued.length > 0 ? `, ${String(r.notCatalogued.length)} without a dataset (not ingested)` : ''}`);
  for (const f of r.failed.slice(0, 10)) ctx.error(`SciCat: the tape location of ${displayName(f.rel)} was not recorded: ${f.why}`);
  return { recorded: r.recorded, already: r.already, notCatalogued: r.notCatalogued.length, failed: r.failed.length };
}

function writeSummary(ctx: StepContext, input: HpssInput, result: HpssResult): void {
  const s = ctx.summary;
  s.heading(`HPSS archive · beamline ${result.beamline}${input.dryRun ? ' (dry run)' : ''}`, 2);
  if (result.cycle !== undefined) s.text(`Proposals last modified in beam cycle **${result.cycle}**: ${String(result.proposals.length)}.`);
  const items: (ArchivedItem & { proposal: string })[] = result.proposals.flatMap((p) => p.items.map((i) => ({ ...i, proposal: p.proposal })));
  if (items.length > 0) {
    const rows = items.slice(0, SUMMARY_LIMIT).map((i) => [i.path, i.cycle || 'single file', i.files, formatBytes(i.bytes), i.status === 'failed' ? `failed: ${i.problem}` : i.status]);
    s.table(['archive on HPSS', 'cycle', 'files', 'size', 'status'], rows);
    if (items.length > SUMMARY_LIMIT) s.text(`…and ${String(items.length - SUMMARY_LIMIT)} more in the run log.`);
  } else if (result.proposals.length === 0) {
    s.text('Nothing to archive.');
  }
  const failed = result.proposals.filter((p) => p.error !== '');
  if (failed.length > 0) s.list(failed.map((p) => `${p.proposal}: ${p.error}`));
  const t = result.tapeLocations;
  if (t) s.text(`SciCat: tape location recorded for ${String(t.recorded)} file(s) now, ${String(t.already)} before${t.notCatalogued > 0 ? `; ${String(t.notCatalogued)} file(s) have no dataset` : ''}${t.failed > 0 ? `; **${String(t.failed)} failed** (run again)` : ''}.`);
  const deferred = result.proposals.reduce((n, p) => n + (p.plan?.deferred.length ?? 0), 0);
  if (deferred > 0) s.text(`${String(deferred)} file(s) belong to a beam cycle that has not ended; a run after it ends archives them.`);
  const ignored = result.proposals.flatMap((p) => p.ignored.map((n) => `${p.proposal}/${n.rel}: ${n.why}`));
  if (ignored.length > 0) s.details(`Not data files, not archived (${String(ignored.length)})`, ignored.slice(0, SUMMARY_LIMIT).map((m) => `- ${m}`).join('\n'));
  const missing = result.proposals.flatMap((p) => p.notArchived.map((n) => `${p.proposal}/${n.rel}: ${n.why}`));
  if (missing.length > 0) s.details(`Not archived (${String(missing.length)})`, missing.slice(0, SUMMARY_LIMIT).map((m) => `- ${m}`).join('\n'));
}
