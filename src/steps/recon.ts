/**
 * The recon step: reconstruct each scan at an HPC centre — NERSC (Slurm through the SFAPI), ALCF (Polaris
 * through Globus Compute), or both — then (8.3.2) build its multi-resolution copy, bring the results back along
 * the hops config.yml names, and catalogue the reconstruction in SciCat as a derived dataset of the raw scan.
 * Each stage runs only after the one before it succeeded; a job that failed, in any end state, fails the step
 * with its reason and the tail of its output, and nothing is catalogued for it. Everything that can be checked
 * before a job is submitted is — options, names, scripts, endpoints, the machine or endpoint status — and
 * export-controlled scans are never reconstructed off site (neither centre is on site).
 */
import type { BeamlineConfig } from '../config/beamline.js';
import type { AlcfJobSettings, HpcName, NerscJobSettings, ReconSettings } from '../config/index.js';
import type { FileSystemEndpoint, TransferEndpoint } from '../endpoints.js';
import { configError, SplashError, stepError, usageError } from '../errors.js';
import { AlcfController, type AlcfJobs, type AlcfRun, alcfPreflight, type ComputeFunction } from '../hpc/alcf.js';
import type { JobController, JobOutcome, Scan } from '../hpc/job.js';
import { NerscController, type NerscJobs, nerscPreflight, type NerscRun, sfapiSettingsOf } from '../hpc/nersc.js';
import type { RelPath } from '../paths.js';
import { cancelOnSignals } from '../run/cancel.js';
import type { StepContext } from '../run/context.js';
import { formatDuration } from '../run/format.js';
import { codeBlock } from '../run/summary.js';
import type { Services } from '../services.js';
import { type Transfer, transferFor } from '../transfer/index.js';
import { type ChainStep, unavailable } from './chain.js';
import { type Catalogued, catalogueRecon } from './recon-catalogue.js';

export const HPC_LABEL: Record<HpcName, string> = { nersc: 'NERSC', alcf: 'ALCF' };

/** A beamline's jobs at ALCF: the Compute jobs, where their results are, and the wrapper that runs them. */
export interface AlcfRecipe<O> {
  jobs(settings: AlcfJobSettings): AlcfJobs<O>;
  /** Where the results are on Eagle (as the worker sees it): the root recon.alcf.results[0].from must show. */
  resultsRoot(settings: AlcfJobSettings): string;
  readonly fn: ComputeFunction;
}

/** What a beamline's recon is (beamlines/blXXX/), with its options type bound. */
export interface ReconRecipe<O> {
  readonly technique: string;
  /** A scan path of the beamline's kind, to render the scripts `splash config check` proves can be written. */
  readonly example: string;
  parseOptions(defaults: Readonly<Record<string, unknown>>, raw: string, field: string): O;
  describeOptions(o: O): string;
  nersc(settings: NerscJobSettings): NerscJobs<O>;
  /** Where the results are at NERSC: the root recon.results[].from must have (checked by config check). */
  resultsRoot(settings: NerscJobSettings): string;
  /** Absent: the beamline does not reconstruct at ALCF. */
  readonly alcf?: AlcfRecipe<O>;
}

type Controller = JobController<void> & { readonly buildsMultiResolution: boolean };

/** A recipe with its options bound, so beamlines of different option types sit in one list. */
export interface ReconPlan {
  readonly technique: string;
  readonly example: string;
  /** The centres this beamline can reconstruct at. */
  readonly hpcs: readonly HpcName[];
  /** The wrapper registered with Globus Compute (ALCF), if the beamline reconstructs there. */
  readonly computeFunction: ComputeFunction | undefined;
  prepare(settings: ReconSettings, raw: string, field: string): PreparedRecon;
}

export interface PreparedRecon {
  /** The options in words, for the summary. */
  readonly options: string;
  /** The options as the jobs get them (defaults applied), for the catalogue. */
  readonly values: Readonly<Record<string, unknown>>;
  controller(hpc: 'nersc', run: NerscRun | undefined): Controller;
  controller(hpc: 'alcf', run: AlcfRun | undefined): Controller;
  controller(hpc: HpcName, run: NerscRun | AlcfRun | undefined): Controller;
  /** Where the jobs write the results at that centre. */
  resultsRoot(hpc: HpcName): string;
}

function settingsFor<K extends HpcName>(settings: ReconSettings, hpc: K, beamline = '<id>'): NonNullable<ReconSettings[K]> {
  const s = settings[hpc];
  if (s === undefined) throw configError(`beamlines.${beamline}.recon.${hpc} is not set, so the beamline cannot reconstruct at ${HPC_LABEL[hpc]}`, `add beamlines."${beamline}".recon.${hpc} (docs/recon.md)`);
  return s;
}

export function reconPlan<O>(r: ReconRecipe<O>): ReconPlan {
  return {
    technique: r.technique,
    example: r.example,
    hpcs: r.alcf ? ['nersc', 'alcf'] : ['nersc'],
    computeFunction: r.alcf?.fn,
    prepare(settings, raw, field) {
      const o = r.parseOptions(settings.defaults, raw, field);
      const values = JSON.parse(JSON.stringify(o)) as Record<string, unknown>;
      const bindMultires = <S>(jobs: { reconstruct: (scan: Scan, o: O) => S; multires?: (scan: Scan, o: O) => S }) => ({
        reconstruct: (scan: Scan) => jobs.reconstruct(scan, o),
        ...(jobs.multires && settings.multires ? { multires: (scan: Scan) => (jobs.multires ?? jobs.reconstruct)(scan, o) } : {}),
      });
      const controller = (hpc: HpcName, run: NerscRun | AlcfRun | undefined): Controller => {
        if (hpc === 'nersc') return new NerscController<void>(bindMultires(r.nersc(settingsFor(settings, 'nersc'))), run as NerscRun | undefined);
        if (!r.alcf) throw usageError(`${r.technique} is not reconstructed at ALCF`, 'use hpc: nersc');
        return new AlcfController<void>(bindMultires(r.alcf.jobs(settingsFor(settings, 'alcf'))), run as AlcfRun | undefined);
      };
      return {
        options: r.describeOptions(o),
        values,
        controller,
        resultsRoot: (hpc) => (hpc === 'nersc' ? r.resultsRoot(settingsFor(settings, 'nersc')) : (r.alcf?.resultsRoot(settingsFor(settings, 'alcf')) ?? '')),
      };
    },
  };
}

export interface ReconInput {
  readonly beamline: BeamlineConfig;
  readonly plan: ReconPlan;
  readonly paths: readonly RelPath[];
  /** The `recon-options` input: JSON overriding the beamline's defaults ('' = defaults). */
  readonly options: string;
  /** Where to reconstruct; undefined = recon.hpc from config.yml. */
  readonly hpc?: readonly HpcName[] | undefined;
  readonly exportControlled: boolean;
  readonly dryRun: boolean;
  readonly services: Services;
  /** Where --dry-run writes the scripts (the CLI: stdout). */
  readonly print?: (text: string) => void;
}

export interface ReconResult {
  readonly scan: RelPath;
  readonly hpc: HpcName | undefined;
  status: 'reconstructed' | 'failed' | 'not reconstructed (export control)' | 'dry run';
  readonly jobs: JobOutcome[];
  readonly returned: { from: string; to: string; files: number }[];
  catalogued?: Catalogued;
}

/** `beamlines.<id>.recon`, or "not configured". */
export function reconSettingsOf(beamline: BeamlineConfig): ReconSettings {
  const r = beamline.settings.recon;
  if (!r) {
    throw new SplashError('not-configured', `beamline ${beamline.id} has no recon section in ${beamline.config.source}`, `add beamlines."${beamline.id}".recon (docs/recon.md)`);
  }
  return r;
}

interface Hop {
  readonly from: TransferEndpoint;
  readonly to: TransferEndpoint;
  readonly transfer: Transfer;
}

/** One centre's part of a run: its controller (describe only), scripts, hops, and where the runner reads results. */
export interface Site {
  readonly hpc: HpcName;
  readonly scripts: { scan: Scan; scripts: { kind: string; name: string; text: string }[] }[];
  /** ALCF: the hop that brings the scan to Eagle first. */
  readonly stage: Hop | undefined;
  readonly hops: readonly Hop[];
  readonly readFrom: FileSystemEndpoint | undefined;
}

function hopOf(beamline: BeamlineConfig, h: { from: string; to: string }, field: string): Hop {
  const from = beamline.endpoint(h.from, `${field}.from`);
  const to = beamline.endpoint(h.to, `${field}.to`);
  try {
    return { from, to, transfer: transferFor(from, to) };
  } catch (err) {
    if (err instanceof SplashError && err.kind === 'not-configured') throw configError(`${field}: ${err.message}`, err.hint);
    throw err;
  }
}

/** The centres a run uses: the input's, else config's; each must be one the beamline reconstructs at. */
export function hpcsOf(beamline: BeamlineConfig, plan: ReconPlan, wanted: readonly HpcName[] | undefined): readonly HpcName[] {
  const list = wanted ?? reconSettingsOf(beamline).hpc;
  for (const h of list) {
    if (!plan.hpcs.includes(h)) throw usageError(`hpc: beamline ${beamline.id} does not reconstruct at ${HPC_LABEL[h]}`, `${plan.technique} runs at ${plan.hpcs.map((x) => HPC_LABEL[x]).join(' or ')}`);
  }
  return list;
}

/** Everything checked before a job is submitted: options, scan names, scripts, hops. Config check runs it too. */
export function reconPreflight(beamline: BeamlineConfig, plan: ReconPlan, paths: readonly RelPath[], options: string, wanted?: readonly HpcName[]) {
  const settings = reconSettingsOf(beamline);
  const hpcs = hpcsOf(beamline, plan, wanted);
  const prepared = plan.prepare(settings, options, 'recon-options');
  const scans: Scan[] = paths.map((rel) => ({ beamline: beamline.id, rel }));
  const warnings: string[] = [];
  const base = `beamlines.${beamline.id}.recon`;
  const sites: Site[] = hpcs.map((hpc) => {
    const hopList = hpc === 'nersc' ? (settingsFor(settings, 'nersc', beamline.id), settings.results) : settingsFor(settings, 'alcf', beamline.id).results;
    const controller = prepared.controller(hpc, undefined);
    // Rendering every script now finds a name or a setting that cannot be written before anything runs.
    const scripts = scans.map((scan) => ({ scan, scripts: controller.describe(scan, undefined) }));
    const field = hpc === 'nersc' ? base : `${base}.alcf`;
    const stage = hpc === 'alcf' && settings.alcf?.stage ? hopOf(beamline, settings.alcf.stage, `${base}.alcf.stage`) : undefined;
    const hops = hopList.map((h, i) => hopOf(beamline, h, `${field}.results[${String(i)}]`));
    const root = prepared.resultsRoot(hpc);
    // The first NERSC hop reads the results where the jobs wrote them: a NERSC collection shows the file system
    // at the same paths, so its root_path should be that folder (a guest collection could differ, but that is
    // usually a slip, found only as "not found" after hours of computing). An Eagle collection has paths of its own.
    for (const h of hpc === 'nersc' ? hops.slice(0, 1) : []) {
      if (h.from.type !== 'hpss' && h.from.root_path !== root) {
        warnings.push(`${field}.results[0].from: ${h.from.name} has root_path ${h.from.root_path}, but the jobs write the results under ${root}: check that it shows that folder`);
      }
    }
    const readName = hpc === 'nersc' ? settings.read_from : settings.alcf?.read_from;
    let readFrom: FileSystemEndpoint | undefined;
    if (readName !== undefined) {
      const e = beamline.endpoint(readName, `${field}.read_from`);
      if (e.type !== 'filesystem') throw configError(`${field}.read_from: ${e.name} is a ${e.type} endpoint; the runner reads the results in a folder`, 'name a filesystem endpoint (a folder the runner mounts where the results land)');
      readFrom = e;
    }
    return { hpc, scripts, stage, hops, readFrom };
  });
  // Two centres' results must not land in one folder: the second would meet the first's files there.
  if (sites.length > 1) {
    const landing = sites.map((x) => x.hops.at(-1)?.to);
    const [a, b] = landing;
    if (a && b && a.type === b.type && a.root_path === b.root_path && (a.type !== 'globus' || b.type !== 'globus' || a.uuid === b.uuid)) {
      throw configError(`${base}: the results of NERSC and ALCF would both land in ${a.name} (${a.root_path}), under the same names`, `send one centre's results to another folder (recon.results / recon.alcf.results), or reconstruct at one centre`);
    }
  }
  return { settings, prepared, sites, warnings };
}

/** The wrapper's function at ALCF, its Compute client and the run settings. */
async function connectAlcf(ctx: StepContext, input: ReconInput, settings: AlcfJobSettings, signal: AbortSignal): Promise<AlcfRun> {
  const fn = input.plan.computeFunction;
  if (!fn) throw usageError(`${input.plan.technique} is not reconstructed at ALCF`);
  const client = await input.services.compute(settings.globus_app);
  const { functionId } = await alcfPreflight(client, settings.endpoint_id, settings.function_id, fn, settings.python_version, ctx);
  return { client, endpointId: settings.endpoint_id, functionId, ctx, signal, pollFirstMs: settings.poll_first_seconds * 1000, pollMaxMs: settings.poll_max_seconds * 1000 };
}

export async function reconStep(ctx: StepContext, input: ReconInput): Promise<ReconResult[]> {
  const { beamline } = input;
  const pre = reconPreflight(beamline, input.plan, input.paths, input.options, input.hpc);
  const hpcs = pre.sites.map((s) => s.hpc);
  const results: ReconResult[] = [];
  for (const w of pre.warnings) ctx.warn(w);

  if (input.exportControlled) {
    for (const { scan } of pre.sites[0]?.scripts ?? []) {
      ctx.info(`${scan.rel}: export controlled — not reconstructed off site; no job was submitted`);
      results.push({ scan: scan.rel, hpc: undefined, status: 'not reconstructed (export control)', jobs: [], returned: [] });
    }
    writeSummary(ctx, input, hpcs, pre.prepared.options, results, undefined);
    setOutputs(ctx, results);
    return results;
  }
  if (input.dryRun) {
    const print = input.print ?? ((t: string) => { ctx.info(t); });
    for (const site of pre.sites) {
      for (const { scan, scripts } of site.scripts) {
        for (const s of scripts) {
          print(site.hpc === 'nersc'
            ? `# ---- ${s.kind} of ${scan.rel} at NERSC (Slurm job ${s.name}); sbatch would receive exactly this:\n${s.text}`
            : `# ---- ${s.kind} of ${scan.rel} at ALCF (Globus Compute task ${s.name} on endpoint ${pre.settings.alcf?.endpoint_id ?? ''}); the wrapper ${input.plan.computeFunction?.name ?? ''} would receive exactly this argument:\n${s.text}`);
        }
        results.push({ scan: scan.rel, hpc: site.hpc, status: 'dry run', jobs: [], returned: [] });
      }
    }
    writeSummary(ctx, input, hpcs, pre.prepared.options, results, undefined);
    setOutputs(ctx, results);
    return results;
  }

  const warnings: string[] = [];
  const cancel = cancelOnSignals();
  const controllers = new Map<HpcName, Controller>();
  let failure: Error | undefined;
  try {
    for (const site of pre.sites) {
      if (site.hpc === 'nersc') {
        const sfapiSettings = sfapiSettingsOf(beamline.config);
        const client = await input.services.sfapi();
        warnings.push(...(await nerscPreflight(client, sfapiSettings, ctx)).warnings);
        controllers.set('nersc', pre.prepared.controller('nersc', { client, settings: sfapiSettings, ctx, signal: cancel.signal }));
      } else {
        const run = await connectAlcf(ctx, input, settingsFor(pre.settings, 'alcf', beamline.id), cancel.signal);
        controllers.set('alcf', pre.prepared.controller('alcf', run));
      }
    }
    if (pre.sites.some((s) => [...s.hops, ...(s.stage ? [s.stage] : [])].some((h) => h.from.type === 'globus' || h.to.type === 'globus'))) await input.services.globus();
    // SciCat credentials are checked before hours of computing, not after.
    const scicat = await input.services.scicat();

    const scanCount = pre.sites[0]?.scripts.length ?? 0;
    for (let k = 0; k < scanCount; k++) {
      const failed: { hpc: HpcName; err: Error }[] = [];
      for (const site of pre.sites) {
        const scan = site.scripts[k]?.scan;
        const controller = controllers.get(site.hpc);
        if (!scan || !controller) continue;
        const r: ReconResult = { scan: scan.rel, hpc: site.hpc, status: 'failed', jobs: [], returned: [] };
        results.push(r);
        try {
          await ctx.group(`recon ${scan.rel} at ${HPC_LABEL[site.hpc]}`, () => reconstructAt(ctx, input, pre.prepared.values, site, controller, scan, r, scicat));
        } catch (err) {
          const e = err instanceof Error ? err : new Error(String(err));
          // A cancelled run stops at once; another centre's failure does not stop this one's work on the scan.
          if (cancel.signal.aborted) throw e;
          failed.push({ hpc: site.hpc, err: e });
        }
      }
      const [first] = failed;
      if (first && failed.length === 1) throw first.err;
      if (first) throw stepError(failed.map((f) => `at ${HPC_LABEL[f.hpc]}: ${f.err.message}`).join('; '), first.err instanceof SplashError ? first.err.hint : undefined);
    }
  } catch (err) {
    failure = err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    cancel.dispose();
    writeSummary(ctx, input, hpcs, pre.prepared.options, results, warnings, failure);
    setOutputs(ctx, results);
  }
  return results;
}

/** One scan at one centre: stage, reconstruct, multi-resolution, results back, catalogue — each only after the one before. */
async function reconstructAt(ctx: StepContext, input: ReconInput, values: Readonly<Record<string, unknown>>, site: Site, controller: Controller, scan: Scan, r: ReconResult, scicat: Awaited<ReturnType<Services['scicat']>>): Promise<void> {
  const label = `splash ${input.beamline.id} recon`;
  if (site.stage) {
    const report = await site.stage.transfer([scan.rel], { ctx, services: input.services, label });
    ctx.info(`scan ${site.stage.from.name} → ${site.stage.to.name}: ${describeCopies(report.files)}`);
  }
  const recon = await controller.reconstruct(scan, undefined);
  r.jobs.push(recon);
  if (!recon.ok) throw jobFailed(scan, recon);
  if (controller.buildsMultiResolution && controller.buildMultiResolution) {
    const multi = await controller.buildMultiResolution(scan, recon, undefined);
    r.jobs.push(multi);
    if (!multi.ok) throw jobFailed(scan, multi);
  }
  // Results back only after every job succeeded.
  const rels = r.jobs.flatMap((j) => j.results);
  for (const h of site.hops) {
    const report = await h.transfer(rels, { ctx, services: input.services, label });
    r.returned.push({ from: h.from.name, to: h.to.name, files: report.files.length });
    ctx.info(`results ${h.from.name} → ${h.to.name}: ${describeCopies(report.files)}`);
  }
  r.catalogued = await catalogueRecon({
    ctx, beamline: input.beamline, technique: input.plan.technique, hpc: site.hpc, scan, jobs: r.jobs, options: values,
    landed: site.hops.at(-1)?.to, readFrom: site.readFrom, services: input.services, scicat,
  });
  if (r.catalogued.kind === 'not catalogued') ctx.warn(`${scan.rel}: the reconstruction at ${HPC_LABEL[site.hpc]} was not catalogued in SciCat: ${r.catalogued.why}`);
  r.status = 'reconstructed';
}

const describeCopies = (files: readonly { status: string }[]): string =>
  `${String(files.filter((f) => f.status === 'copied').length)} file(s) copied, ${String(files.filter((f) => f.status === 'identical').length)} already there`;

function jobFailed(scan: Scan, j: JobOutcome): SplashError {
  const tail = j.stderrTail.trim().split('\n').slice(-5).join(' ⏎ ');
  const where = HPC_LABEL[j.hpc];
  return stepError(
    `${j.kind} of ${scan.rel} at ${where} failed: ${j.reason ?? j.state}${tail ? ` — ${j.hpc === 'alcf' && j.status === undefined ? 'traceback' : 'stderr'}: ${tail}` : ''}`,
    `read ${j.logs.join(' and ')} at ${where}; fix the cause and dispatch the scan again (nothing after the failed job ran, and nothing was catalogued)`,
  );
}

function setOutputs(ctx: StepContext, results: readonly ReconResult[]): void {
  ctx.setOutput('job-ids', JSON.stringify(results.flatMap((r) => r.jobs.map((j) => j.jobId))));
  ctx.setOutput('output-paths', JSON.stringify(results.flatMap((r) => r.jobs.filter((j) => j.ok).flatMap((j) => j.outputs))));
  ctx.setOutput('derived-pids', JSON.stringify(results.flatMap((r) => (r.catalogued && 'pid' in r.catalogued ? [r.catalogued.pid] : []))));
}

const hhmmss = (d: Date): string => d.toISOString().slice(11, 19);

function writeSummary(ctx: StepContext, input: ReconInput, hpcs: readonly HpcName[], options: string, results: readonly ReconResult[], warnings: readonly string[] | undefined, failure?: Error): void {
  const s = ctx.summary;
  s.heading(`Recon · beamline ${input.beamline.id} (${input.plan.technique} at ${hpcs.map((h) => HPC_LABEL[h]).join(' and ')}${input.dryRun ? ', dry run' : ''})`, 2);
  s.text(`Options: ${options}.`);
  for (const w of warnings ?? []) s.text(`⚠️ ${w}`);
  const rows = results.flatMap((r) =>
    r.jobs.length === 0
      ? [[r.scan, r.hpc ? HPC_LABEL[r.hpc] : '', '', '', r.status, '', '', '', '']]
      : r.jobs.map((j) => [
          r.scan,
          HPC_LABEL[j.hpc],
          j.kind,
          `${j.jobId}${j.reused ? ` (${j.hpc === 'nersc' ? 'found from an earlier run' : 'the result of an earlier run'})` : ''}`,
          j.ok ? 'ok' : `failed: ${j.state}`,
          j.timeline.map((t) => `${t.state} ${hhmmss(t.at)} UTC`).join(' → '),
          `${j.elapsedSeconds === undefined ? '?' : formatDuration(j.elapsedSeconds)} of ${formatDuration(j.walltimeSeconds)}`,
          j.outputs.join(', '),
          j.centre ?? '',
        ]),
  );
  if (rows.length > 0) s.table(['scan', 'at', 'job', 'Slurm job / Compute task', 'result', 'states', 'elapsed / limit', 'outputs there', 'centre'], rows);
  if (hpcs.includes('alcf') && !input.dryRun && !input.exportControlled) {
    s.text('ALCF: Globus Compute cannot cancel a task. A task the step stopped waiting for runs on until the wrapper\'s time limit stops the program (and the endpoint\'s PBS walltime its worker).');
  }
  const back = results.flatMap((r) => r.returned.map((t) => `${r.scan} (${r.hpc ? HPC_LABEL[r.hpc] : ''}): ${t.from} → ${t.to} (${String(t.files)} file(s))`));
  if (back.length > 0) s.list(back);
  const catalogued = results.flatMap((r) => {
    const c = r.catalogued;
    if (!c) return [];
    const at = `${r.scan} (${r.hpc ? HPC_LABEL[r.hpc] : ''})`;
    if (c.kind === 'not catalogued') return [`${at}: not catalogued — ${c.why}`];
    const notes = c.warnings.length > 0 ? ` (${c.warnings.join('; ')})` : '';
    return [c.kind === 'dry-run' ? `${at}: SciCat dry run — the request bodies are in ${c.file}${notes}` : `${at}: derived dataset ${c.pid} (${c.kind})${notes}`];
  });
  if (catalogued.length > 0) {
    s.text('SciCat:');
    s.list(catalogued);
  }
  for (const r of results) {
    for (const j of r.jobs.filter((x) => !x.ok)) {
      s.text(`**${j.kind} of ${r.scan} at ${HPC_LABEL[j.hpc]} failed:** ${j.reason ?? j.state}`);
      if (j.stderrTail.trim() !== '') s.details(`last lines of ${j.hpc === 'alcf' && j.status === undefined ? 'the traceback' : `stderr (${j.logs[1] ?? ''})`}`, codeBlock(j.stderrTail));
    }
  }
  if (failure && !results.some((r) => r.jobs.some((j) => !j.ok))) s.text(`**Stopped:** ${failure.message}`);
}

/** The recon step as a link of a beamline's chain (defaults only: a dispatch carries no options). */
export function reconLink(beamline: BeamlineConfig, plan: ReconPlan, exportControlled: boolean): ChainStep {
  return {
    kind: 'step',
    name: 'recon',
    run: async (ctx, paths, services) => {
      const r = await reconStep(ctx, { beamline, plan, paths, options: '', exportControlled, dryRun: false, services });
      return r.map((x) => `${x.scan}${x.hpc ? ` at ${HPC_LABEL[x.hpc]}` : ''}: ${x.status}${x.jobs.length > 0 ? ` (jobs ${x.jobs.map((j) => j.jobId).join(', ')})` : ''}`).join('; ');
    },
  };
}

/**
 * The recon link where the beamline has a recon section and config.yml what its centres need (sfapi: for
 * NERSC, globus apps for ALCF); otherwise the chain reports recon as "not configured" (never faked) — and
 * `splash config check` refuses such a recon section, so that can only be a beamline that does not reconstruct.
 */
export function reconLinkOrWhy(beamline: BeamlineConfig, plan: ReconPlan, exportControlled: boolean): ChainStep {
  let recon: ReconSettings | undefined;
  try {
    recon = beamline.settings.recon;
  } catch {
    recon = undefined;
  }
  if (!recon) return unavailable('recon', `${plan.technique} reconstruction needs beamlines."${beamline.id}".recon in config.yml (docs/recon.md)`);
  if (recon.hpc.includes('nersc') && !beamline.config.sfapi) return unavailable('recon', `beamlines."${beamline.id}".recon is set, but config.yml has no sfapi: section (docs/recon.md)`);
  if (recon.hpc.includes('alcf') && beamline.config.globusApps.size === 0) return unavailable('recon', `beamlines."${beamline.id}".recon reconstructs at ALCF, but config.yml has no globus.globus_apps (docs/recon.md)`);
  return reconLink(beamline, plan, exportControlled);
}
