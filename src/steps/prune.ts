import type { BeamlineConfig } from '../config/beamline.js';
import { pruneRuleProblems, pruneRulesError, pruneRulesOf } from '../config/index.js';
import { SplashError, stepError } from '../errors.js';
import { type PruneReport, pruneFor } from '../prune/index.js';
import { PruneLocked } from '../prune/lock.js';
import { bytesOf, days, plural, PruneIncomplete } from '../prune/report.js';
import type { StepContext } from '../run/context.js';
import type { Services } from '../services.js';
import { formatBytes } from '../run/format.js';
import { displayName } from '../text.js';

export interface PruneInput {
  readonly beamlines: readonly BeamlineConfig[];
  readonly dryRun: boolean;
  /** The sweep's notion of "now" (a demo or test shifts it). */
  readonly now: Date;
  readonly services: Services;
  /**
   * Every beamline of the config, for the check that no rules check each other (a cycle can span beamlines
   * that are not pruned in this run); default: the chosen ones.
   */
  readonly everyBeamline?: readonly BeamlineConfig[];
}

/** How many entries of each list the job summary shows; the run log has them all. */
const SUMMARY_LIMIT = 50;

/**
 * The prune step: every retention rule of the chosen beamlines, one after the other. Rules and endpoints
 * are all resolved first, so a config mistake in the last rule stops the run before the first deletion.
 */
export async function pruneStep(ctx: StepContext, input: PruneInput): Promise<PruneReport[]> {
  const config = input.beamlines[0]?.config;
  if (config) {
    // config.yml's own rules were checked when it loaded; rules of the legacy layout are built in code.
    const problems = pruneRuleProblems(pruneRulesOf(config, (input.everyBeamline ?? input.beamlines).map((b) => b.settings)));
    const err = pruneRulesError(problems);
    if (err) throw err;
  }
  const plan = input.beamlines.flatMap((b) =>
    b.settings.prune.map((rule, i) => {
      const endpoint = b.endpoint(rule.endpoint, `beamlines.${b.id}.prune[${i}].endpoint`);
      const check = b.endpoint(rule.check, `beamlines.${b.id}.prune[${i}].check`);
      try {
        return { beamline: b, rule, endpoint, check, run: pruneFor(endpoint, check, rule.verify, { beamline: b.id, config: b.config }), why: '' };
      } catch (err) {
        if (!(err instanceof SplashError) || err.kind !== 'not-configured') throw err;
        return { beamline: b, rule, endpoint, check, run: undefined, why: err.message };
      }
    }),
  );
  if (plan.length === 0) ctx.warn('no prune rules configured for the chosen beamline(s); nothing to do');
  // Rules whose storage kind cannot be pruned yet are reported, not faked, and do not stop the others.
  const unavailable = plan.filter((p) => p.run === undefined);
  for (const u of unavailable) ctx.warn(`prune ${u.endpoint.name} (beamline ${u.beamline.id}): not configured — ${u.why}`);
  // Every rule's storage is checked before the first rule deletes anything: a config error stops all of it.
  for (const p of plan) if (p.run) await p.run.check(input.services);
  const reports: PruneReport[] = [];
  /** Rules another prune's lock kept from running: they fail the step, the other rules still run. */
  const locked: (readonly [string, string, string])[] = [];
  try {
    for (const { beamline, rule, endpoint, check, run } of plan) {
      if (!run) continue;
      const name = `prune of ${endpoint.name} (beamline ${beamline.id})`;
      const title = `prune ${endpoint.name} (beamline ${beamline.id}): older than ${days(rule.after_days)}, checked against ${check.name} by ${rule.verify}${input.dryRun ? ' — dry run' : ''}`;
      const report = await ctx.group(title, async () => {
        try {
          const r = await run.run({ afterDays: rule.after_days, now: input.now, dryRun: input.dryRun, ctx, services: input.services, rule: name });
          logReport(ctx, r);
          return r;
        } catch (err) {
          // What a rule did before it failed still belongs in the log and the summary.
          if (err instanceof PruneIncomplete) {
            logReport(ctx, err.report);
            reports.push(err.report);
          }
          if (err instanceof PruneLocked) {
            ctx.error(err.message);
            locked.push([endpoint.name, check.name, err.message]);
            return undefined;
          }
          throw err;
        }
      });
      if (report) reports.push(report);
    }
  } finally {
    writePruneSummary(ctx, input, reports, unavailable.map((u) => [u.endpoint.name, u.check.name, u.why]), locked);
  }
  ctx.setOutput('pruned', reports.reduce((n, r) => n + r.pruned.length, 0));
  ctx.setOutput('kept', reports.reduce((n, r) => n + r.kept.length, 0));
  ctx.setOutput('unsafe', reports.reduce((n, r) => n + r.unsafe.length, 0));
  if (locked.length > 0) {
    throw stepError(
      `${plural(locked.length, 'prune rule')} did not run: another prune holds a lock ${locked.length === 1 ? 'it needs' : 'they need'} (${locked.map(([e]) => e).join(', ')}); the other rules ran`,
      'the next run prunes them; the log names each holder (host, pid, since)',
    );
  }
  if (reports.length === 0 && unavailable.length > 0) {
    throw new SplashError('not-configured', `${unavailable.length === 1 ? 'the only prune rule cannot run' : `none of the ${unavailable.length} prune rules can run`}: ${unavailable[0]?.why ?? ''}`);
  }
  return reports;
}

/** Lines per log call: a sweep can list 100,000 files, and one write per line would dominate its run time. */
const LOG_BATCH = 2000;

function logReport(ctx: StepContext, r: PruneReport): void {
  const verb = r.dryRun ? 'would prune' : 'pruned';
  for (let i = 0; i < r.pruned.length; i += LOG_BATCH) {
    ctx.info(r.pruned.slice(i, i + LOG_BATCH).map((f) => `${verb} ${r.endpoint}:${displayName(f.rel)} (${formatBytes(f.size)})`).join('\n'));
  }
  // One annotation per unsafe file would flood the run page; the first few are annotations, the rest log lines.
  r.unsafe.slice(0, 10).forEach((u) => { ctx.warn(`kept, unsafe to delete: ${r.endpoint}:${displayName(u.rel)} — ${u.reason}`); });
  for (let i = 10; i < r.unsafe.length; i += LOG_BATCH) {
    ctx.info(r.unsafe.slice(i, i + LOG_BATCH).map((u) => `kept, unsafe to delete: ${r.endpoint}:${displayName(u.rel)} — ${u.reason}`).join('\n'));
  }
  ctx.info(`${r.endpoint}: ${r.pruned.length} ${verb} (${formatBytes(bytesOf(r.pruned))}), ${r.kept.length} kept (younger than ${days(r.afterDays)}), ${r.unsafe.length} unsafe`);
}

type Row = readonly [string, string, string];

function writePruneSummary(ctx: StepContext, input: PruneInput, reports: readonly PruneReport[], unavailable: readonly Row[], locked: readonly Row[]): void {
  const s = ctx.summary;
  s.heading(`Prune${input.dryRun ? ' (dry run: nothing was deleted)' : ''}`, 2);
  s.text(`Retention sweep as of ${input.now.toISOString()}. A file is deleted only when its check endpoint holds a verified copy.`);
  s.table(
    ['endpoint', 'check', 'older than', input.dryRun ? 'would prune' : 'pruned', 'freed', 'kept (young)', 'unsafe', 'folders removed'],
    reports.map((r) => [r.endpoint, r.check, days(r.afterDays), r.pruned.length, formatBytes(bytesOf(r.pruned)), r.kept.length, r.unsafe.length, r.removedDirs.length]),
  );
  if (unavailable.length > 0) {
    s.heading(`Not configured (${unavailable.length})`, 3);
    s.table(['endpoint', 'check', 'why nothing was pruned'], unavailable);
  }
  if (locked.length > 0) {
    s.heading(`Not run: locked by another prune (${locked.length})`, 3);
    s.table(['endpoint', 'check', 'lock holder'], locked);
  }
  const unsafe = reports.flatMap((r) => r.unsafe.map((u) => [r.endpoint, displayName(u.rel), u.reason] as const));
  if (unsafe.length > 0) {
    s.heading(`Unsafe to delete (${unsafe.length})`, 3);
    s.table(['endpoint', 'file', 'why it was kept'], unsafe.slice(0, SUMMARY_LIMIT));
    if (unsafe.length > SUMMARY_LIMIT) s.text(`…and ${unsafe.length - SUMMARY_LIMIT} more; the run log lists them all.`);
  }
  const pruned = reports.flatMap((r) => r.pruned.map((f) => `${r.endpoint}:${displayName(f.rel)} (${formatBytes(f.size)})`));
  if (pruned.length > 0) {
    s.details(
      `${input.dryRun ? 'Would prune' : 'Pruned'} (${pruned.length})`,
      pruned.slice(0, SUMMARY_LIMIT).map((p) => `- ${p}`).join('\n') + (pruned.length > SUMMARY_LIMIT ? `\n- …and ${pruned.length - SUMMARY_LIMIT} more` : ''),
    );
  }
}
