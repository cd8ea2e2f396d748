import type { GlobusSettings } from '../config/index.js';
import type { GlobusEndpoint } from '../endpoints.js';
import { configError, SplashError } from '../errors.js';
import { deleteDocument, parseGlobusTime, type TransferClient } from '../globus/index.js';
import { isInside } from '../paths.js';
import type { StepContext } from '../run/context.js';
import { lookupByFolder, requireRoot, waitForTask, walkCollection } from '../transfer/globus.js';
import type { PrunedFile, PruneReport } from './report.js';

export interface GlobusPruneOptions {
  readonly afterDays: number;
  readonly now: Date;
  readonly dryRun: boolean;
  readonly ctx: StepContext;
  readonly client: TransferClient;
  readonly settings: GlobusSettings;
  readonly sleep?: (ms: number) => Promise<void>;
}

const DAY_MS = 86_400_000;
/** Paths per delete task: big enough to keep the task count (and API calls) low, small enough to retry. */
const DELETE_BATCH = 10_000;

/** A prune that failed part-way: the report says what was already deleted, for the summary. */
export class PruneIncomplete extends SplashError {
  readonly report: PruneReport;
  constructor(cause: SplashError, report: PruneReport) {
    super(cause.kind, cause.message, cause.hint);
    this.report = report;
  }
}

/**
 * Before any rule deletes anything: `verify: hash` is not possible on Globus, the two roots must not be
 * the same folder or nested in one collection, and both must exist (a 404 here is a config mistake).
 */
export async function checkGlobusPruneRoots(endpoint: GlobusEndpoint, check: GlobusEndpoint, verify: 'size' | 'hash', client: () => Promise<TransferClient>): Promise<void> {
  if (verify === 'hash') {
    throw configError(
      `prune of ${endpoint.name}: verify: hash is not available for Globus endpoints (the API offers no checksum of a stored file)`,
      'use verify: size — Globus already verified checksums when it transferred the files (verify_checksum)',
    );
  }
  if (endpoint.uuid === check.uuid && (isInside(endpoint.root_path, check.root_path) || isInside(check.root_path, endpoint.root_path))) {
    throw configError(
      `prune of ${endpoint.name} is checked against ${check.name}: same collection, and one folder is the same as or inside the other`,
      'a check endpoint must be a separate copy of the data; fix the prune rule in config.yml',
    );
  }
  const c = await client();
  for (const e of [endpoint, check]) await requireRoot(c, e);
}

/**
 * Retention sweep of a Globus collection: list it folder by folder (never into a symlinked folder), keep
 * what is young, and delete an old file only when the check collection lists a regular file (not a symlink)
 * of the same name and size with a last_modified no older than it (transfers preserve timestamps).
 * Deletions go out as few delete tasks as possible, each with a deadline, and the step waits for them; a
 * delete task the step gives up on is cancelled, so it cannot resume later and remove a newer file.
 */
export async function pruneGlobus(endpoint: GlobusEndpoint, check: GlobusEndpoint, opts: GlobusPruneOptions): Promise<PruneReport> {
  const { client, ctx } = opts;
  const cutoff = opts.now.getTime() - opts.afterDays * DAY_MS;
  const report: PruneReport = { endpoint: endpoint.name, check: check.name, afterDays: opts.afterDays, dryRun: opts.dryRun, pruned: [], kept: [], unsafe: [], removedDirs: [] };
  const candidates: PrunedFile[] = [];
  for await (const e of walkCollection(client, endpoint)) {
    if (e.kind === 'skipped') report.unsafe.push({ rel: e.rel, reason: e.reason });
    else if (e.mtimeMs > cutoff) report.kept.push({ rel: e.rel, size: e.size, mtimeMs: e.mtimeMs });
    else candidates.push({ rel: e.rel, size: e.size, mtimeMs: e.mtimeMs });
  }

  const verified: PrunedFile[] = [];
  const copies = await lookupByFolder(client, check, candidates.map((c) => c.rel));
  for (const item of candidates) {
    const copy = copies.get(item.rel);
    const problem = !copy
      ? `not replicated: no copy at ${check.name}`
      : copy.link_target
        ? `copy at ${check.name} is a symlink (not followed)`
        : copy.type !== 'file'
          ? `copy at ${check.name} is not a regular file`
          : copy.size !== item.size
            ? `size differs at ${check.name} (${copy.size} bytes there, ${item.size} here)`
            : Math.floor(parseGlobusTime(copy.last_modified).getTime() / 1000) < Math.floor(item.mtimeMs / 1000)
              ? `copy at ${check.name} is older than this file (modified after it was copied?)`
              : undefined;
    if (problem) report.unsafe.push({ rel: item.rel, reason: problem });
    else verified.push(item);
  }
  verified.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));

  if (opts.dryRun) {
    for (const f of verified) report.pruned.push(f);
    return report;
  }
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const prefix = endpoint.root_path === '/' ? '' : endpoint.root_path;
  try {
    for (let i = 0; i < verified.length; i += DELETE_BATCH) {
      const batch = verified.slice(i, i + DELETE_BATCH);
      const doc = deleteDocument({
        collection: endpoint.uuid,
        paths: batch.map((f) => `${prefix}/${f.rel}`),
        label: `splash prune ${endpoint.name} ${batch.length} files`,
        recursive: false,
        ignoreMissing: true,
        notify: false,
        // The service itself stops the task when the step stops waiting for it.
        deadline: new Date(Date.now() + opts.settings.waitTimeoutMinutes * 60_000),
      });
      const { task_id: taskId } = await client.submitDelete(doc);
      ctx.info(`Globus delete task ${taskId}: ${batch.length} file(s) on ${endpoint.name}`);
      await waitForTask(client, taskId, { ctx, settings: opts.settings, onGiveUp: 'cancel' }, sleep);
      for (const f of batch) report.pruned.push(f);
    }
  } catch (err) {
    if (err instanceof SplashError) throw new PruneIncomplete(err, report);
    throw err;
  }
  return report;
}
