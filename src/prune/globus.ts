import type { GlobusSettings } from '../config/index.js';
import type { GlobusEndpoint } from '../endpoints.js';
import { configError } from '../errors.js';
import { deleteDocument, GlobusApiError, parseGlobusTime, safeLabel, type TransferClient } from '../globus/index.js';
import type { StepContext } from '../run/context.js';
import { waitForTask } from '../transfer/globus.js';
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

/** Same collection and one root inside the other would let the sweep count files as their own copies. */
export function checkGlobusPruneRoots(endpoint: GlobusEndpoint, check: GlobusEndpoint, verify: 'size' | 'hash'): void {
  if (verify === 'hash') {
    throw configError(
      `prune of ${endpoint.name}: verify: hash is not available for Globus endpoints (the API offers no checksum of a stored file)`,
      'use verify: size — Globus already verified checksums when it transferred the files (verify_checksum)',
    );
  }
  const inside = (a: string, b: string): boolean => a === b || a === '/' || b.startsWith(`${a}/`);
  if (endpoint.uuid === check.uuid && (inside(endpoint.root_path, check.root_path) || inside(check.root_path, endpoint.root_path))) {
    throw configError(
      `prune of ${endpoint.name} is checked against ${check.name}: same collection, and one folder is the same as or inside the other`,
      'a check endpoint must be a separate copy of the data; fix the prune rule in config.yml',
    );
  }
}

/**
 * Retention sweep of a Globus collection: list it (operation/ls, folder by folder), keep what is young,
 * and delete an old file only when the check collection lists a file of the same name, size and a
 * last_modified no older than it (transfers preserve timestamps). Deletions go out as few delete tasks as
 * possible, and the step waits for them; a failed delete task fails the step.
 */
export async function pruneGlobus(endpoint: GlobusEndpoint, check: GlobusEndpoint, opts: GlobusPruneOptions): Promise<PruneReport> {
  const { client, ctx } = opts;
  const cutoff = opts.now.getTime() - opts.afterDays * DAY_MS;
  const report: PruneReport = { endpoint: endpoint.name, check: check.name, afterDays: opts.afterDays, dryRun: opts.dryRun, pruned: [], kept: [], unsafe: [], removedDirs: [] };
  const candidatesByDir = new Map<string, PrunedFile[]>();

  const dirs: string[] = [''];
  for (let dir = dirs.pop(); dir !== undefined; dir = dirs.pop()) {
    const abs = dir === '' ? endpoint.root_path : `${endpoint.root_path === '/' ? '' : endpoint.root_path}/${dir}`;
    for await (const e of client.ls(endpoint.uuid, abs)) {
      const rel = dir === '' ? e.name : `${dir}/${e.name}`;
      if (e.type === 'dir') {
        dirs.push(rel);
        continue;
      }
      if (e.type !== 'file') {
        report.unsafe.push({ rel, reason: `${e.type}, not a regular file` });
        continue;
      }
      const item: PrunedFile = { rel, size: e.size, mtimeMs: parseGlobusTime(e.last_modified).getTime() };
      if (item.mtimeMs > cutoff) {
        report.kept.push(item);
        continue;
      }
      const list = candidatesByDir.get(dir) ?? [];
      list.push(item);
      candidatesByDir.set(dir, list);
    }
  }

  const verified: PrunedFile[] = [];
  for (const [dir, items] of candidatesByDir) {
    const copies = await listCheckFolder(client, check, dir);
    for (const item of items) {
      const name = item.rel.slice(dir === '' ? 0 : dir.length + 1);
      const copy = copies?.get(name);
      if (!copy) report.unsafe.push({ rel: item.rel, reason: `not replicated: no copy at ${check.name}` });
      else if (copy.type !== 'file') report.unsafe.push({ rel: item.rel, reason: `copy at ${check.name} is not a regular file` });
      else if (copy.size !== item.size) report.unsafe.push({ rel: item.rel, reason: `size differs at ${check.name} (${copy.size} bytes there, ${item.size} here)` });
      else if (Math.floor(copy.mtimeMs / 1000) < Math.floor(item.mtimeMs / 1000)) {
        report.unsafe.push({ rel: item.rel, reason: `copy at ${check.name} is older than this file (modified after it was copied?)` });
      } else verified.push(item);
    }
  }
  verified.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));

  if (!opts.dryRun) {
    const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let i = 0; i < verified.length; i += DELETE_BATCH) {
      const batch = verified.slice(i, i + DELETE_BATCH);
      const doc = deleteDocument({
        collection: endpoint.uuid,
        notify: false,
        paths: batch.map((f) => `${endpoint.root_path === '/' ? '' : endpoint.root_path}/${f.rel}`),
        label: safeLabel(`splash prune ${endpoint.name} ${batch.length} file(s)`),
        recursive: false,
        ignoreMissing: true,
      });
      const { task_id: taskId } = await client.submitDelete(doc);
      ctx.info(`Globus delete task ${taskId}: ${batch.length} file(s) on ${endpoint.name}`);
      await waitForTask(client, taskId, { ctx, settings: opts.settings }, sleep);
      for (const f of batch) report.pruned.push(f);
    }
  } else {
    for (const f of verified) report.pruned.push(f);
  }
  return report;
}

async function listCheckFolder(client: TransferClient, check: GlobusEndpoint, dir: string): Promise<Map<string, { type: string; size: number; mtimeMs: number }> | undefined> {
  const abs = dir === '' ? check.root_path : `${check.root_path === '/' ? '' : check.root_path}/${dir}`;
  const found = new Map<string, { type: string; size: number; mtimeMs: number }>();
  try {
    for await (const e of client.ls(check.uuid, abs)) found.set(e.name, { type: e.type, size: e.size, mtimeMs: parseGlobusTime(e.last_modified).getTime() });
  } catch (err) {
    if (err instanceof GlobusApiError && err.status === 404) return undefined;
    throw err;
  }
  return found;
}
