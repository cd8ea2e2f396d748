/**
 * `splash status`: build the pipeline status pages (src/status/) from this repository's runs and step
 * reports. The site workflow runs it with the job's GITHUB_TOKEN (actions: read) before the docs build.
 */
import { configuredBeamlines } from '../../beamlines/index.js';
import { loadConfig } from '../config/index.js';
import { usageError } from '../errors.js';
import { GitHubClient } from '../github/index.js';
import type { StepContext } from '../run/context.js';
import { type BeamlineInfo, buildStatus, type StatusResult } from '../status/index.js';
import { defaultEventType } from '../watch/settings.js';

export interface StatusArgs {
  readonly config: string;
  readonly out: string;
  readonly cache: string;
  readonly days: string;
  readonly maxRequests: string;
  readonly reserve: string;
  readonly repository: string | undefined;
  readonly apiUrl: string | undefined;
  readonly userAgent: string;
}

function whole(raw: string, field: string, min: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min) throw usageError(`${field}: expected a whole number >= ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

export async function statusCommand(ctx: StepContext, args: StatusArgs, env: NodeJS.ProcessEnv = process.env): Promise<StatusResult> {
  const days = whole(args.days, '--days', 1);
  const maxRequests = whole(args.maxRequests, '--max-requests', 1);
  const reserve = whole(args.reserve, '--reserve', 0);
  const config = await loadConfig(args.config);
  const repository = args.repository ?? env.GITHUB_REPOSITORY ?? config.github?.repository ?? '';
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(repository);
  if (!m) throw usageError(`--repository: expected owner/name, got ${JSON.stringify(repository)}`, 'give --repository, or set GITHUB_REPOSITORY, or github.repository in config.yml');
  const tokenEnv = config.github?.tokenEnv ?? 'GITHUB_TOKEN';
  const token = (env[tokenEnv] ?? '').trim();
  if (token === '') {
    throw usageError(`environment variable ${tokenEnv} is not set: the status build reads runs and artifacts with it`, 'in a workflow: env: GITHUB_TOKEN: ${{ github.token }} with permissions actions: read');
  }
  ctx.mask(token);
  // In a workflow the runner names the API of the GitHub it runs on (GitHub Enterprise Server included).
  const apiUrl = args.apiUrl ?? env.GITHUB_API_URL ?? config.github?.apiUrl ?? 'https://api.github.com';
  const client = new GitHubClient({ apiUrl, owner: m[1] ?? '', repo: m[2] ?? '', credentials: { kind: 'token', token }, userAgent: args.userAgent });
  const beamlines: BeamlineInfo[] = configuredBeamlines(config).map((b) => {
    const s = b.config.settings;
    return { id: s.id, title: b.config.title, eventType: s.watch?.event_type ?? defaultEventType(s.id), prune: s.prune.map((p) => ({ endpoint: p.endpoint, check: p.check, after_days: p.after_days })) };
  });
  ctx.report.begin('status').set('repository', repository);
  const result = await buildStatus({ client, beamlines, outDir: args.out, cacheDir: args.cache === '' ? undefined : args.cache, days, maxRequests, reserve, log: (l) => { ctx.info(l); } });
  ctx.info(`status pages: ${result.pages.length} written to ${args.out} from ${result.runs} runs and ${result.reports} reports, ${result.requests} API requests (budget ${maxRequests})`);
  if (result.stopped !== undefined) ctx.warn(`read stopped early: ${result.stopped}; ${result.unread} report(s) left for the next build`);
  ctx.summary.heading('Status pages', 2).table(['pages', 'runs', 'reports', 'API requests', 'budget', 'unread'], [[result.pages.length, result.runs, result.reports, result.requests, maxRequests, result.unread]]);
  ctx.report.set('requests', result.requests).set('runs', result.runs).set('reports', result.reports).set('unread', result.unread);
  return result;
}
