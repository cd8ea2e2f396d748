/**
 * The recon step: reconstruct each scan at an HPC centre, then (8.3.2) build its multi-resolution copy, then
 * bring the results back along the hops config.yml names. Each stage runs only after the one before it
 * succeeded; a job that failed, in any end state, fails the step with its reason and the tail of its stderr.
 * Everything that can be checked before a job is submitted is — options, names, scripts, endpoints, the
 * machine's status — and export-controlled scans are never reconstructed off site.
 */
import type { BeamlineConfig } from '../config/beamline.js';
import type { NerscJobSettings, ReconSettings } from '../config/index.js';
import { configError, SplashError, stepError } from '../errors.js';
import type { JobController, JobOutcome, Scan } from '../hpc/job.js';
import { NerscController, type NerscJobs, nerscPreflight, sfapiSettingsOf } from '../hpc/nersc.js';
import type { RelPath } from '../paths.js';
import { cancelOnSignals } from '../run/cancel.js';
import type { StepContext } from '../run/context.js';
import { formatDuration } from '../run/format.js';
import type { Services } from '../services.js';
import { transferFor } from '../transfer/index.js';
import { type ChainStep, unavailable } from './chain.js';

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
}

/** A recipe with its options bound, so beamlines of different option types sit in one list. */
export interface ReconPlan {
  readonly technique: string;
  readonly example: string;
  prepare(settings: ReconSettings, raw: string, field: string): PreparedRecon;
  resultsRoot(settings: NerscJobSettings): string;
}

export interface PreparedRecon {
  readonly options: string;
  controller(run: ConstructorParameters<typeof NerscController>[1]): JobController<void> & { readonly buildsMultiResolution: boolean };
}

export function reconPlan<O>(r: ReconRecipe<O>): ReconPlan {
  return {
    technique: r.technique,
    example: r.example,
    resultsRoot: (s) => r.resultsRoot(s),
    prepare(settings, raw, field) {
      const o = r.parseOptions(settings.defaults, raw, field);
      const jobs = r.nersc(settings.nersc);
      const bound: NerscJobs<void> = {
        reconstruct: (scan) => jobs.reconstruct(scan, o),
        ...(jobs.multires && settings.multires ? { multires: (scan: Scan) => jobs.multires?.(scan, o) ?? jobs.reconstruct(scan, o) } : {}),
      };
      return { options: r.describeOptions(o), controller: (run) => new NerscController<void>(bound, run) };
    },
  };
}

export interface ReconInput {
  readonly beamline: BeamlineConfig;
  readonly plan: ReconPlan;
  readonly paths: readonly RelPath[];
  /** The `recon-options` input: JSON overriding the beamline's defaults ('' = defaults). */
  readonly options: string;
  readonly exportControlled: boolean;
  readonly dryRun: boolean;
  readonly services: Services;
  /** Where --dry-run writes the scripts (the CLI: stdout). */
  readonly print?: (text: string) => void;
}

export interface ReconResult {
  readonly scan: RelPath;
  status: 'reconstructed' | 'failed' | 'not reconstructed (export control)' | 'dry run';
  readonly jobs: JobOutcome[];
  readonly returned: { from: string; to: string; files: number }[];
}

/** `beamlines.<id>.recon`, or "not configured". */
export function reconSettingsOf(beamline: BeamlineConfig): ReconSettings {
  const r = beamline.settings.recon;
  if (!r) {
    throw new SplashError('not-configured', `beamline ${beamline.id} has no recon section in ${beamline.config.source}`, `add beamlines."${beamline.id}".recon (docs/recon.md)`);
  }
  return r;
}

/** Everything checked before a job is submitted: options, scan names, scripts, result hops. Config check runs it too. */
export function reconPreflight(beamline: BeamlineConfig, plan: ReconPlan, paths: readonly RelPath[], options: string) {
  const settings = reconSettingsOf(beamline);
  const prepared = plan.prepare(settings, options, 'recon-options');
  const controller = prepared.controller(undefined);
  const scans: Scan[] = paths.map((rel) => ({ beamline: beamline.id, rel }));
  // Rendering every script now finds a name or a setting that cannot be written before anything runs.
  const scripts = scans.map((scan) => ({ scan, scripts: controller.describe(scan, undefined) }));
  const hops = settings.results.map((h, i) => {
    const field = `beamlines.${beamline.id}.recon.results[${String(i)}]`;
    const from = beamline.endpoint(h.from, `${field}.from`);
    const to = beamline.endpoint(h.to, `${field}.to`);
    let transfer;
    try {
      transfer = transferFor(from, to);
    } catch (err) {
      if (err instanceof SplashError && err.kind === 'not-configured') throw configError(`${field}: ${err.message}`, err.hint);
      throw err;
    }
    return { from, to, transfer };
  });
  const root = plan.resultsRoot(settings.nersc);
  const warnings: string[] = [];
  for (const h of hops.slice(0, 1)) {
    // The first hop reads the results where the jobs wrote them. A NERSC collection shows the file system at
    // the same paths, so its root_path should be that folder; another layout is possible (a guest collection)
    // but usually a slip, which would only surface as "not found" after hours of computing.
    if (h.from.type !== 'hpss' && h.from.root_path !== root) {
      warnings.push(`beamlines.${beamline.id}.recon.results[0].from: ${h.from.name} has root_path ${h.from.root_path}, but the jobs write the results under ${root}: check that it shows that folder`);
    }
  }
  return { settings, prepared, scripts, hops, warnings };
}

export async function reconStep(ctx: StepContext, input: ReconInput): Promise<ReconResult[]> {
  const { beamline } = input;
  const pre = reconPreflight(beamline, input.plan, input.paths, input.options);
  const results: ReconResult[] = [];
  for (const w of pre.warnings) ctx.warn(w);

  if (input.exportControlled) {
    for (const { scan } of pre.scripts) {
      ctx.info(`${scan.rel}: export controlled — not reconstructed off site; no job was submitted`);
      results.push({ scan: scan.rel, status: 'not reconstructed (export control)', jobs: [], returned: [] });
    }
    writeSummary(ctx, input, pre.prepared.options, results, undefined);
    setOutputs(ctx, results);
    return results;
  }
  if (input.dryRun) {
    const print = input.print ?? ((t: string) => { ctx.info(t); });
    for (const { scan, scripts } of pre.scripts) {
      for (const s of scripts) {
        print(`# ---- ${s.kind} of ${scan.rel} at ${pre.settings.hpc.toUpperCase()} (Slurm job ${s.name}); sbatch would receive exactly this:\n${s.text}`);
      }
      results.push({ scan: scan.rel, status: 'dry run', jobs: [], returned: [] });
    }
    writeSummary(ctx, input, pre.prepared.options, results, undefined);
    setOutputs(ctx, results);
    return results;
  }

  const sfapiSettings = sfapiSettingsOf(beamline.config);
  const client = await input.services.sfapi();
  const preflight = await nerscPreflight(client, sfapiSettings, ctx);
  if (pre.hops.some((h) => h.from.type === 'globus' || h.to.type === 'globus')) await input.services.globus();
  const cancel = cancelOnSignals();
  const controller = pre.prepared.controller({ client, settings: sfapiSettings, ctx, signal: cancel.signal });
  let failure: Error | undefined;
  try {
    for (const { scan } of pre.scripts) {
      const r: ReconResult = { scan: scan.rel, status: 'failed', jobs: [], returned: [] };
      results.push(r);
      await ctx.group(`recon ${scan.rel} at NERSC`, async () => {
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
        for (const h of pre.hops) {
          const report = await h.transfer(rels, { ctx, services: input.services, label: `splash ${beamline.id} recon` });
          r.returned.push({ from: h.from.name, to: h.to.name, files: report.files.length });
          ctx.info(`results ${h.from.name} → ${h.to.name}: ${String(report.files.filter((f) => f.status === 'copied').length)} file(s) copied, ${String(report.files.filter((f) => f.status === 'identical').length)} already there`);
        }
        r.status = 'reconstructed';
      });
    }
  } catch (err) {
    failure = err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    cancel.dispose();
    writeSummary(ctx, input, pre.prepared.options, results, preflight.warnings, failure);
    setOutputs(ctx, results);
  }
  return results;
}

function jobFailed(scan: Scan, j: JobOutcome): SplashError {
  const tail = j.stderrTail.trim().split('\n').slice(-5).join(' ⏎ ');
  return stepError(
    `${j.kind} of ${scan.rel} failed: ${j.reason ?? j.state}${tail ? ` — stderr: ${tail}` : ''}`,
    `read ${j.logs.join(' and ')} at NERSC; fix the cause and dispatch the scan again (nothing after the failed job ran)`,
  );
}

function setOutputs(ctx: StepContext, results: readonly ReconResult[]): void {
  ctx.setOutput('job-ids', JSON.stringify(results.flatMap((r) => r.jobs.map((j) => j.jobId))));
  ctx.setOutput('output-paths', JSON.stringify(results.flatMap((r) => r.jobs.filter((j) => j.ok).flatMap((j) => j.outputs))));
}

const hhmmss = (d: Date): string => d.toISOString().slice(11, 19);

function writeSummary(ctx: StepContext, input: ReconInput, options: string, results: readonly ReconResult[], warnings: readonly string[] | undefined, failure?: Error): void {
  const s = ctx.summary;
  s.heading(`Recon · beamline ${input.beamline.id} (${input.plan.technique} at NERSC${input.dryRun ? ', dry run' : ''})`, 2);
  s.text(`Options: ${options}.`);
  for (const w of warnings ?? []) s.text(`⚠️ ${w}`);
  const rows = results.flatMap((r) =>
    r.jobs.length === 0
      ? [[r.scan, '', '', r.status, '', '', '', '']]
      : r.jobs.map((j) => [
          r.scan,
          j.kind,
          `${j.jobId}${j.reused ? ' (found from an earlier run)' : ''}`,
          j.ok ? 'ok' : `failed: ${j.state}`,
          j.timeline.map((t) => `${t.state} ${hhmmss(t.at)} UTC`).join(' → '),
          `${j.elapsedSeconds === undefined ? '?' : formatDuration(j.elapsedSeconds)} of ${formatDuration(j.walltimeSeconds)}`,
          j.outputs.join(', '),
          j.centre ?? '',
        ]),
  );
  if (rows.length > 0) s.table(['scan', 'job', 'Slurm job', 'result', 'states', 'elapsed / walltime', 'outputs at NERSC', 'centre'], rows);
  const back = results.flatMap((r) => r.returned.map((t) => `${r.scan}: ${t.from} → ${t.to} (${String(t.files)} file(s))`));
  if (back.length > 0) s.list(back);
  for (const r of results) {
    for (const j of r.jobs.filter((x) => !x.ok)) {
      s.text(`**${j.kind} of ${r.scan} failed:** ${j.reason ?? j.state}`);
      if (j.stderrTail.trim() !== '') s.details(`last lines of stderr (${j.logs[1] ?? ''})`, `\`\`\`\n${j.stderrTail}\n\`\`\``);
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
      return r.map((x) => `${x.scan}: ${x.status}${x.jobs.length > 0 ? ` (jobs ${x.jobs.map((j) => j.jobId).join(', ')})` : ''}`).join('; ');
    },
  };
}

/**
 * The recon link where the beamline has a recon section and config.yml an sfapi section; otherwise the chain
 * reports recon as "not configured" (never faked) — and `splash config check` refuses a recon section
 * without sfapi, so that can only be a beamline that does not reconstruct.
 */
export function reconLinkOrWhy(beamline: BeamlineConfig, plan: ReconPlan, exportControlled: boolean): ChainStep {
  let recon: ReconSettings | undefined;
  try {
    recon = beamline.settings.recon;
  } catch {
    recon = undefined;
  }
  if (!recon) return unavailable('recon', `${plan.technique} reconstruction needs beamlines."${beamline.id}".recon in config.yml (docs/recon.md)`);
  if (!beamline.config.sfapi) return unavailable('recon', `beamlines."${beamline.id}".recon is set, but config.yml has no sfapi: section (docs/recon.md)`);
  return reconLink(beamline, plan, exportControlled);
}
