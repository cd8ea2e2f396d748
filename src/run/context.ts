/**
 * The one interface a step talks to. Two renderings exist: the GitHub runner (`github.ts`, @actions/core:
 * workflow commands, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) and a terminal (`terminal.ts`, readable lines and
 * progress). A step never knows which one it has.
 */
import type { StepReport } from './report.js';

export type Cell = string | number;

export interface Summary {
  heading(text: string, level?: 1 | 2 | 3): Summary;
  /** A paragraph of markdown text. */
  text(markdown: string): Summary;
  /** A table; the first row is the header. Cells are escaped by the renderer. */
  table(header: readonly string[], rows: readonly (readonly Cell[])[]): Summary;
  list(items: readonly string[]): Summary;
  /** Collapsible details block (GitHub) / indented block (terminal). */
  details(label: string, markdown: string): Summary;
}

export interface Progress {
  /** Report bytes done so far (absolute, not a delta). */
  update(doneBytes: number): void;
  /** Finish the bar; prints a final line with total, rate and time. */
  done(): void;
}

export interface StepContext {
  /** 'github' when running under the Actions runner, 'terminal' otherwise. */
  readonly kind: 'github' | 'terminal';
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  /** A collapsible group in the run log; nested output is indented in a terminal. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
  setOutput(name: string, value: string | number): void;
  /** Register a secret so its value never appears in any log line or summary. */
  mask(secret: string): void;
  /** Progress for long work measured in bytes (copies). */
  progress(label: string, totalBytes: number): Progress;
  readonly summary: Summary;
  /** The machine-readable report of the step (report.ts): written by runStep when the step ends. */
  readonly report: StepReport;
  /** Write the summary out (job summary file, or the terminal). Called once by the front door. */
  flushSummary(): Promise<void>;
}
