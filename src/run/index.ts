/**
 * Front door for step output: picks the rendering for where we run. The GitHub one is imported lazily
 * so the CLI (and its bundle) never loads @actions/core.
 */
import type { StepContext } from './context.js';
import { createTerminalContext, type TerminalOptions } from './terminal.js';

export type { Cell, Progress, StepContext, Summary } from './context.js';
export type { GithubContext, GithubOptions } from './github.js';
export type { TerminalContext, TerminalOptions } from './terminal.js';
export { createTerminalContext } from './terminal.js';
export { SummaryBuilder } from './summary.js';
export { formatBytes, formatDuration, formatRate } from './format.js';

/** The runner sets GITHUB_ACTIONS=true for every step; anything else is a person at a terminal. */
export async function createContext(terminal: TerminalOptions = {}): Promise<StepContext> {
  if (process.env.GITHUB_ACTIONS === 'true') {
    const { createGithubContext } = await import('./github.js');
    return createGithubContext();
  }
  return createTerminalContext(terminal);
}
