/**
 * The pipeline status pages (docs/status/): read recent runs and step reports from GitHub within a request
 * budget (collect.ts), fold them per beamline (model.ts) and write the Markdown pages (render.ts) that the
 * documentation site builds with the rest. `splash status` runs it; the site workflow runs that hourly.
 */
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { GitHubClient } from '../github/index.js';
import { collect } from './collect.js';
import { type BeamlineInfo, buildModel } from './model.js';
import { renderPages } from './render.js';

export type { BeamlineInfo } from './model.js';
export { pageName } from './render.js';

export interface StatusOptions {
  readonly client: GitHubClient;
  readonly beamlines: readonly BeamlineInfo[];
  readonly outDir: string;
  readonly cacheDir?: string | undefined;
  readonly days: number;
  readonly maxRequests: number;
  readonly reserve: number;
  readonly now?: Date;
  readonly maxWaitMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly log?: (line: string) => void;
}

export interface StatusResult {
  readonly pages: string[];
  readonly requests: number;
  readonly runs: number;
  readonly reports: number;
  readonly unread: number;
  readonly stopped: string | undefined;
}

export async function buildStatus(opts: StatusOptions): Promise<StatusResult> {
  const now = opts.now ?? new Date();
  const since = new Date(now.getTime() - opts.days * 86_400_000);
  const collected = await collect({
    client: opts.client,
    since,
    maxRequests: opts.maxRequests,
    reserve: opts.reserve,
    cacheDir: opts.cacheDir,
    maxWaitMs: opts.maxWaitMs,
    sleep: opts.sleep,
    log: opts.log,
  });
  const model = buildModel({ beamlines: opts.beamlines, runs: collected.runs, reports: collected.reports, unreadRuns: collected.unreadRuns, now, since, repository: opts.client.repository });
  const pages = renderPages(model, {
    requests: collected.requests,
    maxRequests: opts.maxRequests,
    unread: collected.unread,
    stopped: collected.stopped,
    rateRemaining: collected.rateRemaining,
  });
  await mkdir(opts.outDir, { recursive: true });
  // Pages of beamlines no longer configured go; every page is written whole (temp name, then rename).
  for (const name of await readdir(opts.outDir)) {
    if (/^bl\d+\.md$/.test(name) && !pages.has(name)) await rm(path.join(opts.outDir, name));
  }
  for (const [name, text] of pages) {
    const file = path.join(opts.outDir, name);
    await writeFile(`${file}.partial`, text);
    await rename(`${file}.partial`, file);
  }
  return {
    pages: [...pages.keys()],
    requests: collected.requests,
    runs: collected.runs.length,
    reports: collected.reports.length,
    unread: collected.unread,
    stopped: collected.stopped,
  };
}
