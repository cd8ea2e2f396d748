import { SplashError } from '../errors.js';

/** The same three lists for every kind of endpoint, so staff read one report whatever the storage. */
export interface PrunedFile {
  readonly rel: string;
  readonly size: number;
  /** Modification time, ms since the epoch (a number: a sweep may report 100,000s of files). */
  readonly mtimeMs: number;
}

export interface UnsafeFile {
  readonly rel: string;
  /** Why it was not deleted, in words a person can act on. */
  readonly reason: string;
}

export interface PruneReport {
  readonly endpoint: string;
  readonly check: string;
  readonly afterDays: number;
  readonly dryRun: boolean;
  /** Deleted (or, in a dry run, would be deleted): old enough and verified at the check endpoint. */
  readonly pruned: PrunedFile[];
  /** Younger than the retention period. */
  readonly kept: PrunedFile[];
  /** Old enough but not provably replicated, or not a file prune handles. */
  readonly unsafe: UnsafeFile[];
  readonly removedDirs: string[];
}

export function bytesOf(files: readonly PrunedFile[]): number {
  let total = 0;
  for (const f of files) total += f.size;
  return total;
}

/** "1 day", "0.5 days", "35 days"; "1 file", "3 files". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export const days = (n: number): string => plural(n, 'day');

/** A prune that failed part-way: the report says what was already deleted, for the summary. */
export class PruneIncomplete extends SplashError {
  readonly report: PruneReport;
  constructor(cause: SplashError, report: PruneReport) {
    super(cause.kind, cause.message, cause.hint);
    this.report = report;
  }
}
