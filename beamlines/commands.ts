/**
 * The steps as both front doors call them: the GitHub actions (actions/<step>/main.ts) and the `splash`
 * CLI. Each takes the raw inputs, validates all of them (config, beamline, every path) before anything
 * touches a file, then runs the step on the given context.
 */
import { loadConfig } from '../src/config/index.js';
import { createServices } from '../src/services.js';
import { usageError } from '../src/errors.js';
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
  if (raw.length === 0) throw usageError('file-paths: no paths given');
  const config = await loadConfig(args.config);
  const beamline = openBeamline(config, id).config;
  const paths = beamline.gate(raw);
  return moveStep(ctx, { beamline, paths, exportControlled: args.exportControlled, services: createServices(config, ctx) });
}

export interface IngestArgs {
  readonly config: string;
  readonly beamline: string;
  readonly filePaths: string | readonly string[];
}

export async function runIngest(ctx: StepContext, args: IngestArgs): Promise<IngestedDataset[]> {
  const id = parseBeamlineId(args.beamline, 'beamline');
  const raw = typeof args.filePaths === 'string' ? parsePathList(args.filePaths, 'file-paths') : args.filePaths;
  if (raw.length === 0) throw usageError('file-paths: no paths given');
  const config = await loadConfig(args.config);
  const beamline = openBeamline(config, id);
  const paths = beamline.config.gate(raw);
  return ingestStep(ctx, { beamline: beamline.config, paths, ingestor: beamline.ingestor, services: createServices(config, ctx) });
}

export interface ReconArgs {
  readonly config: string;
  readonly beamline: string;
  readonly filePaths: string | readonly string[];
  /** Which HPC centre: nersc (alcf joins later). */
  readonly hpc: string;
  /** JSON overriding the beamline's recon defaults; '' for the defaults. */
  readonly reconOptions: string;
  readonly exportControlled: boolean;
  readonly dryRun: boolean;
  /** --dry-run prints the scripts here (the CLI: stdout). */
  readonly print?: (text: string) => void;
}

export async function runRecon(ctx: StepContext, args: ReconArgs): Promise<ReconResult[]> {
  const id = parseBeamlineId(args.beamline, 'beamline');
  const raw = typeof args.filePaths === 'string' ? parsePathList(args.filePaths, 'file-paths') : args.filePaths;
  if (raw.length === 0) throw usageError('file-paths: no paths given');
  const hpc = args.hpc === '' ? 'nersc' : args.hpc;
  if (hpc !== 'nersc') throw usageError(`hpc: expected nersc, got ${JSON.stringify(args.hpc)}`, 'ALCF (Globus Compute) is not built yet; use hpc: nersc');
  const wanted: string = hpc;
  const config = await loadConfig(args.config);
  const beamline = openBeamline(config, id);
  if (!beamline.recon) throw usageError(`beamline ${id} has no reconstruction`, 'beamlines that reconstruct: 8.3.2 (tomography), 7.0.1.2 (ptychography)');
  const settings = beamline.config.settings.recon;
  if (settings && settings.hpc !== wanted) throw usageError(`hpc: ${wanted}, but beamlines."${id}".recon.hpc is ${settings.hpc}`);
  const paths = beamline.config.gate(raw);
  return reconStep(ctx, {
    beamline: beamline.config, plan: beamline.recon, paths, options: args.reconOptions, exportControlled: args.exportControlled,
    dryRun: args.dryRun, services: createServices(config, ctx), print: args.print,
  });
}

export interface PruneArgs {
  readonly config: string;
  /** Empty: every configured beamline. */
  readonly beamline: string;
  readonly dryRun: boolean;
  readonly now: Date;
}

export async function runPrune(ctx: StepContext, args: PruneArgs): Promise<PruneReport[]> {
  const config = await loadConfig(args.config);
  const beamlines = args.beamline === '' ? configuredBeamlines(config) : [openBeamline(config, parseBeamlineId(args.beamline, 'beamline'))];
  return pruneStep(ctx, { beamlines: beamlines.map((b) => b.config), dryRun: args.dryRun, now: args.now, services: createServices(config, ctx) });
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
  if (args.filePaths.length === 0) throw usageError('no paths given', `usage: splash run ${id} <path…>`);
  const config = await loadConfig(args.config);
  const beamline = openBeamline(config, id);
  const paths = beamline.config.gate(args.filePaths);
  await checkSources(beamline.config, paths);
  const { outcomes } = await runChain(ctx, beamline.config, paths, beamline.chain({ exportControlled: args.exportControlled }), createServices(config, ctx));
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
