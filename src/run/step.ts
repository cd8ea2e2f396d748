import { describeError } from '../errors.js';
import type { StepContext } from './context.js';

/**
 * Run a step on a context and always leave a summary: on failure it says what failed and what to do,
 * so the job summary and the terminal tell the same story. The error is rethrown for the exit code.
 */
export async function runStep<T>(ctx: StepContext, title: string, fn: (ctx: StepContext) => Promise<T>): Promise<T> {
  try {
    return await fn(ctx);
  } catch (err) {
    ctx.summary.text(`**${title} failed:** ${describeError(err).replace(/\n/g, ' ')}`);
    throw err;
  } finally {
    await ctx.flushSummary();
  }
}
