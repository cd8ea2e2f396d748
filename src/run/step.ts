import { describeError } from '../errors.js';
import type { StepContext } from './context.js';

/**
 * Run a step on a context and always leave a summary. On failure the job summary (GitHub) also says what
 * failed and what to do, since staff read it apart from the log; a terminal shows the error once, as the
 * front door's last line (cli/main.ts), not again in the summary above it. The error is rethrown for the
 * exit code.
 */
export async function runStep<T>(ctx: StepContext, title: string, fn: (ctx: StepContext) => Promise<T>): Promise<T> {
  try {
    return await fn(ctx);
  } catch (err) {
    if (ctx.kind === 'github') ctx.summary.text(`**${title} failed:** ${describeError(err).replace(/\n/g, ' ')}`);
    throw err;
  } finally {
    await ctx.flushSummary();
  }
}
