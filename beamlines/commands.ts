/**
 * The steps as both front doors call them: the GitHub actions (actions/<step>/main.ts) and the `splash`
 * CLI. Each takes the raw inputs, validates all of them (config, beamline, every path) before anything
 * touches a file, then runs the step on the given context.
 */
import { loadConfig } from '../src/config/index.js';
import { createServices } from '../src/services.js';
import { configError, usageError } from '../src/errors.js';
import type { HpcName } from '../src/config/index.js';
import type { PruneReport } from '../src/prune/index.js';
import type { StepContext } from '../src/run/context.js';
import { parseBeamlineId, parsePathList } from '../src/run/inputs.js';
import { type ChainOutcome, runChain } from '../src/steps/chain.js';
import { checkSources, moveStep, type MoveResult } from '../src/steps/move.js';
import { type IngestedDataset, ingestSource, ingestStep } from '../src/steps/ingest.js';
import { pruneStep } from '../src/steps/prune.js';
import { type ReconResult, reconStep } from '../src/steps/recon.js';
import { archiveTargetOf, type HpssResult, hpssStep } from '../src/steps/hpss.js';
import { destinationOf } from '../src/hpss/archive.js';
import { parseCycle } from '../src/hpss/cycle.js';
import { tapeHostFor } from '../src/hpss/transport.js';
import { listStep, type RestoreResult, restoreStep, restoreTargetOf } from '../src/steps/hpss-restore.js';
import type { BeamlineConfig } from '../src/config/beamline.js';
import { cancelOnSignals } from '../src/run/cancel.js';
import { gatePath } from '../src/paths.js';
import { reportHpss, reportIngest, reportMove, reportPaths, reportPrune, reportRecon } from '../src/steps/report.js';
import { configuredBeamlines, openBeamline } from './index.js';

export interface MoveArgs {
  readonly config: string;
  readonly beamline: string;
  /** Newline-separated or a JSON array (the action input), or already a list (CLI arguments). */
  readonly filePaths: string | readonly string[];
  readonly exportControlled: boolean;
}

export async function runMove(ctx: StepContext, args: MoveArgs): Promise<MoveResult> {
  const id = parseBeamlineId(args.beamline, 'beamline');
  const raw = typeof args.filePaths === 'string' ? parsePathList(args.filePaths, 'file-paths') : args.filePaths;
  reportPaths(ctx.report.begin('move', id), raw);
  if (raw.length === 0) throw usageError('file-paths: no paths given');
  const config = await loadConfig(args.config);
  const beamline = openBeamline(config, id).config;
  const paths = beamline.gate(raw);
  const result = await moveStep(ctx, { beamline, paths, exportControlled: args.exportControlled, services: createServices(config, ctx) });
  reportMove(ctx.report, result);
  return result;
}

export interface IngestArgs {
  readonly config: string;
  readonly beamline: string;
  readonly filePaths: string | readonly string[];
}

export async function runIngest(ctx: StepContext, args: IngestArgs): Promise<IngestedDataset[]> {
  const id = parseBeamlineId(args.beamline, 'beamline');
  const raw = typeof args.filePaths === 'string' ? parsePathList(args.filePaths, 'file-paths') : args.filePaths;
  reportPaths(ctx.report.begin('ingest', id), raw);
  if (raw.length === 0) throw usageError('file-paths: no paths given');
  const config = await loadConfig(args.config);
  const beamline = openBeamline(config, id);
  const paths = beamline.config.gate(raw);
  const datasets = await ingestStep(ctx, { beamline: beamline.config, paths, ingestor: beamline.ingestor, services: createServices(config, ctx) });
  reportIngest(ctx.report, datasets);
  return datasets;
}

export interface ReconArgs {
  readonly config: string;
  readonly beamline: string;
  readonly filePaths: string | readonly string[];
  /** Where to reconstruct: nersc, alcf, both (or "nersc,alcf"); '' = recon.hpc in config.yml. */
  readonly hpc: string;
  /** JSON overriding the beamline's recon defaults; '' for the defaults. */
  readonly reconOptions: string;
  readonly exportControlled: boolean;
  readonly dryRun: boolean;
  /** --dry-run prints the scripts here (the CLI: stdout). */
  readonly print?: (text: string) => void;
}

/** `nersc`, `alcf`, `both` or a list (`nersc,alcf`); '' = config's default (undefined). */
export function parseHpc(raw: string, field = 'hpc'): HpcName[] | undefined {
  const text = raw.trim().toLowerCase();
  if (text === '') return undefined;
  if (text === 'both') return ['nersc', 'alcf'];
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  const bad = parts.find((p) => p !== 'nersc' && p !== 'alcf');
  if (bad !== undefined || parts.length === 0) throw usageError(`${field}: expected nersc, alcf or both, got ${JSON.stringify(raw)}`, 'leave it empty for the beamline\'s recon.hpc in config.yml');
  return [...new Set(parts as HpcName[])];
}

export async function runRecon(ctx: StepContext, args: ReconArgs): Promise<ReconResult[]> {
  const id = parseBeamlineId(args.beamline, 'beamline');
  const raw = typeof args.filePaths === 'string' ? parsePathList(args.filePaths, 'file-paths') : args.filePaths;
  reportPaths(ctx.report.begin('recon', id), raw);
  if (raw.length === 0) throw usageError('file-paths: no paths given');
  const hpc = parseHpc(args.hpc);
  const config = await loadConfig(args.config);
  const beamline = openBeamline(config, id);
  if (!beamline.recon) throw usageError(`beamline ${id} has no reconstruction`, 'beamlines that reconstruct: 8.3.2 (tomography), 7.0.1.2 (ptychography)');
  const paths = beamline.config.gate(raw);
  const results = await reconStep(ctx, {
    beamline: beamline.config, plan: beamline.recon, paths, options: args.reconOptions, hpc, exportControlled: args.exportControlled,
    dryRun: args.dryRun, services: createServices(config, ctx), print: args.print,
  });
  reportRecon(ctx.report, results);
  return results;
}

export interface RegisterFunctionArgs {
  readonly config: string;
  readonly beamline: string;
}

/**
 * Registers the beamline's ALCF wrapper with Globus Compute from its source text and returns the function id
 * for recon.alcf.function_id (each call registers anew: the service gives every registration its own id).
 */
export async function runRegisterFunction(ctx: StepContext, args: RegisterFunctionArgs): Promise<{ functionId: string; name: string }> {
  const id = parseBeamlineId(args.beamline, 'beamline');
  const config = await loadConfig(args.config);
  const beamline = openBeamline(config, id);
  const fn = beamline.recon?.computeFunction;
  if (!fn) throw usageError(`beamline ${id} does not reconstruct at ALCF`, 'beamlines with an ALCF wrapper: 8.3.2');
  const alcf = beamline.config.settings.recon?.alcf;
  if (!alcf) throw configError(`${config.source}: beamlines."${id}".recon.alcf is not set`, 'add it first (docs/recon.md): the wrapper is registered with the globus app and Python version it names');
  const client = await createServices(config, ctx).compute(alcf.globus_app);
  const functionId = await client.registerFunction({ name: fn.name, source: fn.source, description: fn.description, pythonVersion: alcf.python_version });
  ctx.info(`registered ${fn.name} as Globus Compute function ${functionId}`);
  return { functionId, name: fn.name };
}

export interface PruneArgs {
  readonly config: string;
  /** Empty: every configured beamline. */
  readonly beamline: string;
  readonly dryRun: boolean;
  readonly now: Date;
}

export async function runPrune(ctx: StepContext, args: PruneArgs): Promise<PruneReport[]> {
  ctx.report.begin('prune', args.beamline === '' ? null : args.beamline).set('dry_run', args.dryRun).set('now', args.now.toISOString());
  const config = await loadConfig(args.config);
  const every = configuredBeamlines(config);
  const beamlines = args.beamline === '' ? every : [openBeamline(config, parseBeamlineId(args.beamline, 'beamline'))];
  const reports = await pruneStep(ctx, {
    beamlines: beamlines.map((b) => b.config), everyBeamline: every.map((b) => b.config), dryRun: args.dryRun, now: args.now, services: createServices(config, ctx),
  });
  reportPrune(ctx.report, reports, args);
  return reports;
}

export interface HpssArgs {
  readonly config: string;
  /** Empty: every beamline with archive settings. */
  readonly beamline: string;
  /** Proposal folders relative to archive.from (newline-separated / JSON array, or a list); empty: select by cycle. */
  readonly proposals: string | readonly string[];
  /** `last` or `YYYY-1` / `YYYY-2`: the last cycle archived (and, without proposals, the one selected by). */
  readonly cycle: string;
  readonly now: Date;
  readonly dryRun: boolean;
}

export async function runHpss(ctx: StepContext, args: HpssArgs): Promise<HpssResult[]> {
  const raw = typeof args.proposals === 'string' ? (args.proposals.trim() === '' ? [] : parsePathList(args.proposals, 'proposals')) : args.proposals;
  ctx.report.begin('hpss', args.beamline === '' ? null : args.beamline).set('dry_run', args.dryRun).set('cycle', args.cycle);
  if (raw.length > 0 && args.beamline === '') throw usageError('proposals: given without a beamline', 'name the beamline the proposals belong to (--beamline 8.3.2)');
  const config = await loadConfig(args.config);
  const beamlines =
    args.beamline === '' ? configuredBeamlines(config).filter((b) => b.config.settings.archive !== undefined) : [openBeamline(config, parseBeamlineId(args.beamline, 'beamline'))];
  if (beamlines.length === 0) ctx.warn(`no beamline in ${config.source} has archive settings; nothing to do`);
  // Every input checked for every beamline before the first byte goes to tape.
  const runs = beamlines.map((b) => {
    const { settings, target } = archiveTargetOf(b.config);
    const proposals = raw.map((p, i) => gatePath(p, { field: `proposals[${String(i)}]` }));
    for (const p of proposals) destinationOf(target, p); // a name hsi cannot take is refused now, not midway
    return { beamline: b.config, settings, target, proposals, cycle: parseCycle(args.cycle, 'cycle', args.now, settings.time_zone) };
  });
  const services = createServices(config, ctx);
  const cancel = cancelOnSignals();
  const results: HpssResult[] = [];
  // One beamline's failure does not keep the next one's data off tape; the run still fails at the end.
  let firstError: Error | undefined;
  try {
    for (const r of runs) {
      try {
        const host = await tapeHostFor(r.target.to, config, services, ctx, cancel.signal);
        const catalogue = { client: () => services.scicat(), ingestRoot: ingestRootOf(r.beamline) };
        results.push(await hpssStep(ctx, { ...r, dryRun: args.dryRun, host, catalogue }));
      } catch (err) {
        if (runs.length === 1) throw err;
        ctx.error(`beamline ${r.target.beamlineId}: ${err instanceof Error ? err.message : String(err)}`);
        firstError ??= err instanceof Error ? err : new Error(String(err));
      }
    }
  } finally {
    cancel.dispose();
  }
  reportHpss(ctx.report, results, args);
  if (firstError !== undefined) throw firstError;
  return results;
}

export interface HpssRestoreArgs {
  readonly config: string;
  readonly beamline: string;
  /** The proposal folder, relative to the archive's from endpoint (raw/BLS-00564). */
  readonly proposal: string;
  /** The endpoint to restore into; '' = archive.restore_to. */
  readonly to: string;
  /** Archive names (BLS-00564_2026-1.tar) and files (relative to the proposal); both empty = everything. */
  readonly archives: readonly string[];
  readonly files: readonly string[];
  readonly dryRun: boolean;
}

/** `splash hpss restore` and the hpss action's `direction: from-tape`: every input checked before HPSS is asked anything. */
export async function runHpssRestore(ctx: StepContext, args: HpssRestoreArgs): Promise<RestoreResult> {
  if (args.beamline === '') throw usageError('restore: --beamline is required', 'e.g. splash hpss restore -b 8.3.2 raw/BLS-00564');
  if (args.proposal === '') throw usageError('restore: which proposal?', 'e.g. splash hpss restore -b 8.3.2 raw/BLS-00564 --to nersc832');
  const id = parseBeamlineId(args.beamline, 'beamline');
  const proposal = gatePath(args.proposal, { field: 'proposal' });
  const archives = args.archives.map((a, i) => {
    if (!/^[A-Za-z0-9._,+=@%-]+\.tar$/.test(a)) throw usageError(`archive[${String(i)}]: expected an archive name like BLS-00564_2026-1.tar, got ${JSON.stringify(a)}`, 'see the names with splash hpss ls');
    return a;
  });
  // Files relative to the proposal folder; the proposal's own path in front is accepted too.
  const files = args.files.map((f, i) => {
    const rel = gatePath(f, { field: `file[${String(i)}]` });
    return (rel.startsWith(`${proposal}/`) ? gatePath(rel.slice(proposal.length + 1), { field: `file[${String(i)}]` }) : rel);
  });
  const config = await loadConfig(args.config);
  const beamline = openBeamline(config, id).config;
  const { hpss, into } = restoreTargetOf(beamline, args.to);
  destinationOf({ to: hpss, beamlineId: id }, proposal);
  const services = createServices(config, ctx);
  const cancel = cancelOnSignals();
  try {
    const host = await tapeHostFor(hpss, config, services, ctx, cancel.signal);
    return await restoreStep(ctx, { hpss, beamlineId: id, proposal, into, selection: { archives, files }, dryRun: args.dryRun, host });
  } finally {
    cancel.dispose();
  }
}

export interface HpssListArgs {
  readonly config: string;
  readonly beamline: string;
  readonly proposal: string;
  readonly json: boolean;
  readonly print?: (text: string) => void;
}

/** `splash hpss ls <proposal>`: what is on tape for it, archive by archive. */
export async function runHpssList(ctx: StepContext, args: HpssListArgs): Promise<void> {
  if (args.beamline === '') throw usageError('ls: --beamline is required', 'e.g. splash hpss ls -b 8.3.2 raw/BLS-00564');
  if (args.proposal === '') throw usageError('ls: which proposal?', 'e.g. splash hpss ls -b 8.3.2 raw/BLS-00564');
  const id = parseBeamlineId(args.beamline, 'beamline');
  const proposal = gatePath(args.proposal, { field: 'proposal' });
  const config = await loadConfig(args.config);
  const beamline = openBeamline(config, id).config;
  const { target } = archiveTargetOf(beamline);
  destinationOf(target, proposal);
  const host = await tapeHostFor(target.to, config, createServices(config, ctx), ctx);
  await listStep(ctx, { hpss: target.to, beamlineId: id, proposal, host, json: args.json, print: args.print });
}

/** The root of the endpoint ingest catalogues a beamline's files on (datasets' sourceFolder); undefined when it does not ingest. */
function ingestRootOf(beamline: BeamlineConfig): string | undefined {
  try {
    return ingestSource(beamline).endpoint.root_path;
  } catch {
    return undefined;
  }
}

export interface DispatchArgs {
  readonly config: string;
  readonly beamline: string;
  readonly filePaths: readonly string[];
  readonly exportControlled: boolean;
}

export async function runDispatch(ctx: StepContext, args: DispatchArgs): Promise<ChainOutcome[]> {
  const id = parseBeamlineId(args.beamline, 'beamline');
  reportPaths(ctx.report.begin('dispatch', id), args.filePaths);
  if (args.filePaths.length === 0) throw usageError('no paths given', `usage: splash run ${id} <path…>`);
  const config = await loadConfig(args.config);
  const beamline = openBeamline(config, id);
  const paths = beamline.config.gate(args.filePaths);
  await checkSources(beamline.config, paths);
  const { outcomes } = await runChain(ctx, beamline.config, paths, beamline.chain({ exportControlled: args.exportControlled }), createServices(config, ctx));
  ctx.report.list('outcomes', outcomes.map((o) => ({ unit: o.unit, step: o.step, status: o.status, detail: o.detail })));
  return outcomes;
}

/** Parse a --now / `now` value: an ISO date or date-time; empty means the real clock. */
export function parseNow(raw: string, field: string): Date {
  if (raw === '') return new Date();
  const d = new Date(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(d.getTime())) {
    throw usageError(`${field}: expected a date like 2026-12-01 or 2026-12-01T08:00:00Z, got ${JSON.stringify(raw)}`);
  }
  return d;
}
