/**
 * How a front door reports the error that ended it: under the Actions runner one `::error::` annotation on
 * stdout (the runner turns it into the red line on the run page), in a terminal one line plus its hint on
 * stderr. Exactly once either way, and masked (describeError passes src/secrets.ts). Tiny on purpose: action
 * entries import it before anything heavy loads.
 */
import { describeError } from '../errors.js';

/** A workflow step (the runner sets both): commands render for the runner, failures become annotations. */
export function underRunner(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.GITHUB_ACTIONS === 'true' && (env.GITHUB_STEP_SUMMARY ?? '') !== '';
}

/** Escape a message for a workflow command (what @actions/core does), so a newline cannot forge a command. */
export function escapeCommandData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function reportFailure(err: unknown, to: 'runner' | 'terminal', prefix = 'splash: '): void {
  if (to === 'runner') process.stdout.write(`::error::${escapeCommandData(describeError(err))}\n`);
  else process.stderr.write(`${prefix}${describeError(err)}\n`);
}
