import type { BeamlineConfig } from '../config/beamline.js';
import { prune, type PruneReport } from '../prune/index.js';
import { bytesOf } from '../prune/report.js';
import type { StepContext } from '../run/context.js';
import { formatBytes } from '../run/format.js';

export interface PruneInput {
  readonly beamlines: readonly BeamlineConfig[];
  readonly dryRun: boolean;
  /** The sweep's notion of "now" (a demo or test shifts it). */
  readonly now: Date;
}

/** How many entries of each list the job summary shows; the run log has them all. */
const SUMMARY_LIMIT = 50;

/**
 * The prune step: every retention rule of the chosen beamlines, one after the other. Rules and endpoints
 * are all resolved first, so a config mistake in the last rule stops the run before the first deletion.
 */
export async function pruneStep(ctx: StepContext, input: PruneInput): Promise<PruneReport[]> {
  const plan = input.beamlines.flatMap((b) =>
    b.settings.prune.map((rule, i) => ({
      beamline: b,
      rule,
      endpoint: b.endpoint(rule.endpoint, `beamlines.${b.id}.prune[${i}].endpoint`),
      check: b.endpoint(rule.check, `beamlines.${b.id}.prune[${i}].check`),
    })),
  );
  if (plan.length === 0) ctx.warn('no prune rules configured for the chosen beamline(s); nothing to do');
  const reports: PruneReport[] = [];
  try {
    for (const { beamline, rule, endpoint, check } of plan) {
      const title = `prune ${endpoint.name} (beamline ${beamline.id}): older than ${rule.after_days} day(s), checked against ${check.name}${input.dryRun ? ' — dry run' : ''}`;
      const report = await ctx.group(title, async () => {
        const r = await prune(endpoint, check, { afterDays: rule.after_days, verify: rule.verify, now: input.now, dryRun: input.dryRun, ctx });
        logReport(ctx, r);
        return r;
      });
      reports.push(report);
    }
  } finally {
    writePruneSummary(ctx, input, reports);
  }
  ctx.setOutput('pruned', reports.reduce((n, r) => n + r.pruned.length, 0));
  ctx.setOutput('kept', reports.reduce((n, r) => n + r.kept.length, 0));
  ctx.setOutput('unsafe', reports.reduce((n, r) => n + r.unsafe.length, 0));
  return reports;
}

function logReport(ctx: StepContext, r: PruneReport): void {
  const verb = r.dryRun ? 'would prune' : 'pruned';
  for (const f of r.pruned) ctx.info(`${verb} ${r.endpoint}:${f.rel} (${formatBytes(f.size)})`);
  for (const u of r.unsafe) ctx.warn(`kept, unsafe to delete: ${r.endpoint}:${u.rel} — ${u.reason}`);
  ctx.info(`${r.endpoint}: ${r.pruned.length} ${verb} (${formatBytes(bytesOf(r.pruned))}), ${r.kept.length} kept (younger than ${r.afterDays} day(s)), ${r.unsafe.length} unsafe`);
}

function writePruneSummary(ctx: StepContext, input: PruneInput, reports: readonly PruneReport[]): void {
  const s = ctx.summary;
  s.heading(`Prune${input.dryRun ? ' (dry run: nothing was deleted)' : ''}`, 2);
  s.text(`Retention sweep as of ${input.now.toISOString()}. A file is deleted only when its check endpoint holds a verified copy.`);
  s.table(
    ['endpoint', 'check', 'older than', input.dryRun ? 'would prune' : 'pruned', 'freed', 'kept (young)', 'unsafe', 'folders removed'],
    reports.map((r) => [r.endpoint, r.check, `${r.afterDays} d`, r.pruned.length, formatBytes(bytesOf(r.pruned)), r.kept.length, r.unsafe.length, r.removedDirs.length]),
  );
  const unsafe = reports.flatMap((r) => r.unsafe.map((u) => [r.endpoint, u.rel, u.reason] as const));
  if (unsafe.length > 0) {
    s.heading(`Unsafe to delete (${unsafe.length})`, 3);
    s.table(['endpoint', 'file', 'why it was kept'], unsafe.slice(0, SUMMARY_LIMIT));
    if (unsafe.length > SUMMARY_LIMIT) s.text(`…and ${unsafe.length - SUMMARY_LIMIT} more; the run log lists them all.`);
  }
  const pruned = reports.flatMap((r) => r.pruned.map((f) => `${r.endpoint}:${f.rel} (${formatBytes(f.size)})`));
  if (pruned.length > 0) {
    s.details(
      `${input.dryRun ? 'Would prune' : 'Pruned'} (${pruned.length})`,
      pruned.slice(0, SUMMARY_LIMIT).map((p) => `- ${p}`).join('\n') + (pruned.length > SUMMARY_LIMIT ? `\n- …and ${pruned.length - SUMMARY_LIMIT} more` : ''),
    );
  }
}
