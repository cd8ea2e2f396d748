import type { BeamlineConfig } from '../config/beamline.js';
import { describeError, SplashError } from '../errors.js';
import type { RelPath } from '../paths.js';
import type { StepContext } from '../run/context.js';
import type { Services } from '../services.js';

/** One link of a beamline's chain: a step that runs, or a capability that is not built/configured yet. */
export type ChainStep =
  | {
      readonly kind: 'step';
      readonly name: string;
      readonly run: (ctx: StepContext, paths: readonly RelPath[], services: Services) => Promise<string>;
      /** Called once after the last unit (also when the chain stopped): a step that ran file by file writes one summary for all. */
      readonly finish?: (ctx: StepContext) => void;
    }
  | { readonly kind: 'unavailable'; readonly name: string; readonly why: string };

/** Rows of the dispatch table in a job summary (GitHub refuses a step summary over 1 MiB). */
const SUMMARY_ROWS = 50;

export type ChainStatus = 'ok' | 'failed' | 'not configured' | 'not run';

export interface ChainOutcome {
  readonly unit: string;
  readonly step: string;
  readonly status: ChainStatus;
  readonly detail: string;
}

export interface ChainOptions {
  readonly exportControlled: boolean;
}

export const unavailable = (name: string, why: string): ChainStep => ({ kind: 'unavailable', name, why });

/**
 * The dispatcher's engine: run each unit of work (one file, or the whole list for beamlines that batch)
 * through the chain in order; the first failure stops everything after it — later steps are "not run".
 * A step that is not available is reported as "not configured" and the chain goes on: it is not a failure
 * of the data, and nothing pretends to have done it.
 */
export async function runChain(
  ctx: StepContext,
  beamline: BeamlineConfig,
  paths: readonly RelPath[],
  steps: readonly ChainStep[],
  services: Services,
): Promise<{ ok: boolean; outcomes: ChainOutcome[] }> {
  const units: { label: string; paths: readonly RelPath[] }[] =
    beamline.dispatchShape === 'list' ? [{ label: `${paths.length} file(s)`, paths }] : paths.map((p) => ({ label: p, paths: [p] }));
  const outcomes: ChainOutcome[] = [];
  let failed: SplashError | Error | undefined;
  for (const unit of units) {
    for (const step of steps) {
      if (failed) {
        outcomes.push({ unit: unit.label, step: step.name, status: 'not run', detail: 'an earlier step failed' });
        continue;
      }
      if (step.kind === 'unavailable') {
        ctx.warn(`${step.name}: not configured — ${step.why}`);
        outcomes.push({ unit: unit.label, step: step.name, status: 'not configured', detail: step.why });
        continue;
      }
      try {
        const detail = await step.run(ctx, unit.paths, services);
        outcomes.push({ unit: unit.label, step: step.name, status: 'ok', detail });
      } catch (err) {
        failed = err instanceof Error ? err : new Error(String(err));
        // A capability that is not built yet is "not configured", but it still stops what depends on it.
        const status: ChainStatus = err instanceof SplashError && err.kind === 'not-configured' ? 'not configured' : 'failed';
        // Not logged as an error here: the front door reports the error that ends the run, once (run/failure.ts).
        ctx.debug(`${step.name} ${status === 'failed' ? 'failed' : 'is not configured'} for ${unit.label}: ${describeError(err)}`);
        outcomes.push({ unit: unit.label, step: step.name, status, detail: describeError(err) });
      }
    }
  }
  for (const step of steps) if (step.kind === 'step') step.finish?.(ctx);
  ctx.summary.heading(`Dispatch · beamline ${beamline.id} (${beamline.title})`, 2);
  // When there are more rows than fit, failures first: they are the rows that matter.
  const shown = outcomes.length <= SUMMARY_ROWS ? outcomes : [...outcomes.filter((o) => o.status === 'failed'), ...outcomes.filter((o) => o.status !== 'failed')].slice(0, SUMMARY_ROWS);
  ctx.summary.table(['file', 'step', 'status', 'detail'], shown.map((o) => [o.unit, o.step, o.status, o.detail]));
  if (outcomes.length > SUMMARY_ROWS) {
    const tally = new Map<string, number>();
    for (const o of outcomes) tally.set(`${o.step}: ${o.status}`, (tally.get(`${o.step}: ${o.status}`) ?? 0) + 1);
    ctx.summary.text(`…and ${String(outcomes.length - SUMMARY_ROWS)} more row(s); in all ${[...tally].map(([k, n]) => `${k} ${String(n)}`).join(', ')}. The run log has every one.`);
  }
  if (failed) {
    ctx.summary.text(`**The chain stopped at the first failure.** Fix the cause above, then run the dispatch again: finished copies are verified and kept, so a re-run only does what is missing.`);
    // Usage, config and not-configured errors keep their kind; anything else is a failed step (exit 1).
    if (failed instanceof SplashError) throw failed;
    throw new SplashError('step', `dispatch for beamline ${beamline.id} failed: ${failed.message}`);
  }
  return { ok: true, outcomes };
}
