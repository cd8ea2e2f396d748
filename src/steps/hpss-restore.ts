/**
 * Getting data back from HPSS (`splash hpss restore`, the hpss action with `direction: from-tape`) and
 * showing what is there (`splash hpss ls`). Both read the proposal's catalog first (one run of the host);
 * the restore then fetches what was asked for with one more run (hpss/restore.ts says what it guarantees).
 */
import type { BeamlineConfig } from '../config/beamline.js';
import type { HPSSEndpoint, TransferEndpoint } from '../endpoints.js';
import { pathError, stepError, usageError } from '../errors.js';
import { destinationOf } from '../hpss/archive.js';
import { catalogScript, parseCatalog, type TapeCatalog } from '../hpss/catalog.js';
import { cycleKey } from '../hpss/cycle.js';
import { lastLines, type TapeHost } from '../hpss/host.js';
import { EXIT_NO_TARGET, parseRestoreOutput, planFiles, planRestore, type RestoreSelection, type RestoreStatus, restoreScript } from '../hpss/restore.js';
import { joinInside, type RelPath } from '../paths.js';
import type { StepContext } from '../run/context.js';
import { formatBytes } from '../run/format.js';
import { displayName } from '../text.js';

/** The hpss endpoint of a beamline's archive settings, and the endpoint a restore writes to (checked). */
export function restoreTargetOf(beamline: BeamlineConfig, to: string): { hpss: HPSSEndpoint; into: TransferEndpoint } {
  const settings = beamline.settings.archive;
  if (!settings) throw usageError(`beamline ${beamline.id} has no archive settings, so nothing of it is on tape`, `add beamlines."${beamline.id}".archive (docs/hpss.md)`);
  const hpss = beamline.endpoint(settings.to, `beamlines.${beamline.id}.archive.to`);
  if (hpss.type !== 'hpss') throw usageError(`beamlines.${beamline.id}.archive.to: ${hpss.name} is not an hpss endpoint`);
  const name = to !== '' ? to : settings.restore_to;
  if (name === undefined) throw usageError('restore: where to? give --to <endpoint>, or set archive.restore_to in config.yml', 'the endpoint\'s root_path is a folder on the HPSS host; files land under <root>/<proposal>/…');
  const into = beamline.endpoint(name, to !== '' ? '--to' : `beamlines.${beamline.id}.archive.restore_to`);
  if (into.type === 'hpss') throw usageError(`--to: ${into.name} is an hpss endpoint; restore writes to a folder (a filesystem or Globus endpoint whose root_path the HPSS host sees)`);
  return { hpss, into };
}

async function readCatalog(host: TapeHost, hpss: HPSSEndpoint, beamlineId: string, proposal: RelPath): Promise<TapeCatalog> {
  const dest = destinationOf({ to: hpss, beamlineId }, proposal);
  const ran = await host.run(catalogScript(hpss.hsi, hpss.htar, dest), 'list');
  if (ran.code !== 0) throw stepError(`listing ${dest} on ${host.label} failed (exit ${String(ran.code)}): ${lastLines(ran.stderr)}`, 'run again; if it persists, check HPSS');
  const catalog = parseCatalog(ran.stdout, dest);
  if (catalog.problems.length > 0) throw stepError(`cannot read what is on HPSS in ${dest}: ${catalog.problems.slice(0, 2).join('; ')}`, 'run again; if it persists, check HPSS');
  if (!catalog.exists) throw pathError(`proposal ${displayName(proposal)}: nothing on HPSS (no folder ${dest})`, 'check the proposal path (relative to the archive\'s from endpoint, e.g. raw/BLS-00564) and the beamline');
  return catalog;
}

// ----------------------------------------------------------------------------------------------- ls

export interface ListInput {
  readonly hpss: HPSSEndpoint;
  readonly beamlineId: string;
  readonly proposal: RelPath;
  readonly host: TapeHost;
  /** Machine-readable output goes here (the CLI: stdout). */
  readonly print?: ((text: string) => void) | undefined;
  readonly json: boolean;
}

/** The catalog as JSON: what `splash hpss ls --json` prints. */
export function catalogJson(proposal: string, c: TapeCatalog): unknown {
  return {
    proposal,
    folder: c.dest,
    archives: c.archives.map((a) => ({
      name: a.name,
      path: a.path,
      cycle: a.cycle ? cycleKey(a.cycle) : null,
      part: a.part ?? null,
      bytes: a.bytes ?? null,
      complete: a.indexed && a.listingProblem === '' && a.bytes !== undefined,
      problem: a.indexed ? a.listingProblem || (a.bytes === undefined ? 'the archive file is missing (only its index is on HPSS)' : null) : 'no index: never completed',
      checksums: a.manifest !== undefined,
      members: a.members.map((m) => ({ path: m.rel, size: m.size, type: m.type, ...(m.link === undefined ? {} : { link: m.link }), ...(a.manifest?.has(m.rel) ? { blake2b: a.manifest.get(m.rel) } : {}) })),
    })),
    files: c.singles.map((f) => ({ path: f.rel, hpss: f.path, size: f.size })),
  };
}

export async function listStep(ctx: StepContext, input: ListInput): Promise<TapeCatalog> {
  await input.host.check();
  const catalog = await readCatalog(input.host, input.hpss, input.beamlineId, input.proposal);
  if (input.json) {
    (input.print ?? ((t: string) => { ctx.info(t); }))(JSON.stringify(catalogJson(input.proposal, catalog), null, 2));
    return catalog;
  }
  ctx.info(`${displayName(input.proposal)} on HPSS: ${catalog.dest}`);
  for (const a of catalog.archives) {
    const bytes = a.members.reduce((n, m) => n + m.size, 0);
    const state = !a.indexed ? 'INCOMPLETE (no index)' : a.listingProblem || (a.bytes === undefined ? 'archive file missing' : `${String(a.members.length)} member(s), ${formatBytes(bytes)}`);
    ctx.info(`  ${a.name}  cycle ${a.cycle ? cycleKey(a.cycle) : '-'}  ${state}${a.manifest ? '  checksum manifest (BLAKE2b)' : ''}`);
    for (const m of a.members) ctx.info(`      ${formatBytes(m.size).padStart(10)}  ${displayName(m.rel)}${m.type === 'file' ? '' : `  (${m.type}${m.link === undefined ? '' : ` → ${displayName(m.link)}`})`}`);
  }
  for (const f of catalog.singles) ctx.info(`  ${displayName(f.rel)}  stored on its own, ${formatBytes(f.size)}`);
  const s = ctx.summary;
  s.heading(`On tape · ${input.proposal}`, 2);
  s.table(['archive', 'cycle', 'members', 'size', 'state'], catalog.archives.map((a) => [a.name, a.cycle ? cycleKey(a.cycle) : '', a.members.length, formatBytes(a.members.reduce((n, m) => n + m.size, 0)), a.indexed ? a.listingProblem || 'complete' : 'incomplete']));
  return catalog;
}

// ----------------------------------------------------------------------------------------------- restore

export interface RestoreInput {
  readonly hpss: HPSSEndpoint;
  readonly beamlineId: string;
  readonly proposal: RelPath;
  readonly into: TransferEndpoint;
  readonly selection: RestoreSelection;
  readonly dryRun: boolean;
  readonly host: TapeHost;
}

export interface RestoredFile {
  /** Relative to the endpoint roots. */
  readonly rel: string;
  readonly size: number;
  /** The archive (or the HPSS path of a file stored alone) it comes from. */
  readonly from: string;
  readonly checksum: boolean;
  status: RestoreStatus | 'planned';
  why: string;
}

export interface RestoreResult {
  readonly proposal: RelPath;
  readonly into: string;
  readonly files: RestoredFile[];
  readonly refused: { rel: string; why: string }[];
}

const SUMMARY_LIMIT = 50;

export async function restoreStep(ctx: StepContext, input: RestoreInput): Promise<RestoreResult> {
  const { host, hpss, proposal } = input;
  const target = joinInside(input.into.root_path, proposal);
  await host.check();
  const catalog = await readCatalog(host, hpss, input.beamlineId, proposal);
  const plan = planRestore(catalog, input.selection);
  if (plan.missing.length > 0) {
    throw pathError(`not on HPSS for ${displayName(proposal)}: ${plan.missing.slice(0, 5).map((m) => displayName(m)).join(', ')}${plan.missing.length > 5 ? ` (+${String(plan.missing.length - 5)} more)` : ''}; nothing was restored`, 'see what is there with splash hpss ls');
  }
  const files: RestoredFile[] = planFiles(plan).map((p) => ({ rel: `${proposal}/${p.file.rel}`, size: p.file.size, from: p.from, checksum: p.file.checksum !== undefined, status: 'planned', why: '' }));
  const result: RestoreResult = { proposal, into: target, files, refused: plan.refused.map((r) => ({ ...r })) };
  ctx.info(`restoring ${String(files.length)} file(s), ${formatBytes(files.reduce((n, f) => n + f.size, 0))}, of ${displayName(proposal)} from ${catalog.dest} into ${input.into.name}: ${target} via ${host.label}${input.dryRun ? ' — dry run, nothing is fetched' : ''}`);
  for (const g of plan.groups) {
    const n = g.kind === 'archive' ? g.files.length : 1;
    ctx.info(`  ${g.kind === 'archive' ? `from ${g.archive.name}` : `stored alone: ${g.path}`}: ${String(n)} file(s)${g.kind === 'archive' && g.archive.manifest === undefined ? ' (no checksum manifest: checked by size)' : ''}`);
  }
  for (const r of result.refused) ctx.warn(`not restored: ${displayName(r.rel)}: ${r.why}`);
  try {
    if (input.dryRun || files.length === 0) return result;
    const ran = await host.run(restoreScript({ hsi: hpss.hsi, htar: hpss.htar, root: input.into.root_path, proposal, plan }), 'restore', {
      onErrorLine: (line) => {
        if (line.trim() !== '') ctx.info(`  ${line}`);
      },
    });
    if (ran.code === EXIT_NO_TARGET) throw stepError(`cannot restore into ${target} on ${host.label}: ${lastLines(ran.stderr)}`, 'the folder (and every folder on its way) must be a real folder the HPSS account can write, not a symbolic link');
    const report = parseRestoreOutput(ran.stdout);
    planFiles(plan).forEach((p, i) => {
      const f = files[i];
      if (!f) return;
      const r = report.files.get(p.id);
      if (r) [f.status, f.why] = [r.status, r.why];
      else [f.status, f.why] = ['not run', `the script stopped before it (exit ${String(ran.code)}): ${lastLines(ran.stderr)}`];
    });
    for (const f of files) {
      if (f.status === 'restored') ctx.info(`restored and verified${f.checksum ? ' (size, BLAKE2b)' : ' (size)'}: ${displayName(f.rel)} from ${f.from}`);
      else if (f.status === 'same') ctx.info(`already there with the same content: ${displayName(f.rel)}`);
      else if (f.status === 'conflict') ctx.error(`${displayName(f.rel)} exists with other content (${f.why}); kept as it is, not overwritten`);
      else ctx.error(`${displayName(f.rel)} was not restored: ${f.why}`);
    }
  } finally {
    writeSummary(ctx, input, result);
  }
  ctx.setOutput('restored', files.filter((f) => f.status === 'restored').length);
  const bad = files.filter((f) => f.status !== 'restored' && f.status !== 'same');
  if (bad.length > 0 || result.refused.length > 0) {
    const conflicts = bad.filter((f) => f.status === 'conflict').length;
    const parts = [
      bad.length - conflicts > 0 ? `${String(bad.length - conflicts)} file(s) failed` : '',
      conflicts > 0 ? `${String(conflicts)} file(s) exist with other content (not overwritten)` : '',
      result.refused.length > 0 ? `${String(result.refused.length)} name(s) on tape were not restored (see "not restored")` : '',
    ].filter((s) => s !== '');
    throw stepError(`restore: ${parts.join('; ')}`, 'run again to complete the failed ones (nothing half-restored is left under its name); move a conflicting file aside first if the tape copy should replace it');
  }
  return result;
}

function writeSummary(ctx: StepContext, input: RestoreInput, result: RestoreResult): void {
  const s = ctx.summary;
  s.heading(`Restore from HPSS · ${result.proposal}${input.dryRun ? ' (dry run)' : ''}`, 2);
  s.text(`Into ${input.into.name}: \`${result.into}\`.`);
  s.table(
    ['file', 'from', 'size', 'checked', 'status'],
    result.files.slice(0, SUMMARY_LIMIT).map((f) => [f.rel, f.from, formatBytes(f.size), f.checksum ? 'size, BLAKE2b' : 'size', f.why ? `${f.status}: ${f.why}` : f.status]),
  );
  if (result.files.length > SUMMARY_LIMIT) s.text(`…and ${String(result.files.length - SUMMARY_LIMIT)} more in the run log.`);
  if (result.refused.length > 0) s.details(`Not restored (${String(result.refused.length)})`, result.refused.slice(0, SUMMARY_LIMIT).map((r) => `- ${r.rel}: ${r.why}`).join('\n'));
}
