import { describeError } from '../errors.js';
import type { StepContext } from './context.js';
import { reportDir, runOf, writeReport } from './report.js';

/**
 * Run a step on a context and always leave a summary — and, for a step that named itself in `ctx.report`,
 * its JSON report (report.ts). On failure the job summary (GitHub) also says what failed and what to do,
 * since staff read it apart from the log; a terminal shows the error once, as the front door's last line
 * (cli/main.ts), not again in the summary above it. The error is rethrown for the exit code.
 */
export async function runStep<T>(ctx: StepContext, title: string, fn: (ctx: StepContext) => Promise<T>): Promise<T> {
  const started = new Date();
  let error: string | null = null;
  try {
    return await fn(ctx);
  } catch (err) {
    error = describeError(err).replace(/\n/g, ' ');
    if (ctx.kind === 'github') ctx.summary.text(`**${title} failed:** ${error}`);
    throw err;
  } finally {
    await ctx.flushSummary();
    await keepReport(ctx, title, started, error);
  }
}

/** A report that cannot be written must not turn a finished step into a failed one: a warning says so. */
async function keepReport(ctx: StepContext, title: string, started: Date, error: string | null): Promise<void> {
  const dir = reportDir();
  if (dir === undefined) return;
  const doc = ctx.report.toDoc({ title, status: error === null ? 'ok' : 'failed', error, started, finished: new Date(), run: runOf() });
  if (doc === undefined) return;
  try {
    const file = await writeReport(doc, dir);
    ctx.debug(`step report: ${file}`);
  } catch (err) {
    ctx.warn(`could not write the step report to ${dir}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
