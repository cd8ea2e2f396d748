import type { GlobusSettings } from '../config/index.js';
import type { GlobusEndpoint } from '../endpoints.js';
import { stepError } from '../errors.js';
import { GlobusApiError, parseGlobusTime, safeLabel, type TaskDocument, type TransferClient, transferDocument } from '../globus/index.js';
import { joinInside, type RelPath } from '../paths.js';
import type { StepContext } from '../run/context.js';
import { formatBytes, formatDuration, formatRate } from '../run/format.js';
import type { CopyReport, FileCopy } from './filesystem.js';

export interface GlobusTransferOptions {
  readonly ctx: StepContext;
  readonly client: TransferClient;
  readonly settings: GlobusSettings;
  readonly label: string;
  /** For tests: how long to sleep between polls. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Task states that need a person: the task keeps retrying, so waiting longer does not help. */
const STUCK = new Set(['FILE_NOT_FOUND', 'PERMISSION_DENIED']);

/**
 * Move every path of a dispatch from one Globus collection to another as ONE transfer task (sync_level
 * checksum, verify_checksum, preserve_timestamp), wait for it with backoff, and succeed only when it
 * ended SUCCEEDED. A task stuck on FILE_NOT_FOUND / PERMISSION_DENIED past the grace period is cancelled
 * and reported with its own event text; a FAILED task fails the step with its error.
 */
export async function transferWithGlobus(
  from: GlobusEndpoint,
  to: GlobusEndpoint,
  rels: readonly RelPath[],
  opts: GlobusTransferOptions,
): Promise<CopyReport> {
  const { ctx, client } = opts;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  // Files and folders are told apart by listing each parent folder once (not one stat per file): it also
  // proves every source exists before anything is submitted.
  const kinds = await sourceKinds(client, from, rels);
  const items = rels.map((rel) => ({
    source_path: joinInside(from.root_path, rel),
    destination_path: joinInside(to.root_path, rel),
    recursive: kinds.get(rel)?.type === 'dir' ? true : undefined,
  }));
  const first = rels[0] ?? '';
  const label = safeLabel(`${opts.label} ${first.split('/').pop() ?? ''}${rels.length > 1 ? ` +${rels.length - 1} more` : ''}`);
  const doc = transferDocument({
    source: from.uuid, destination: to.uuid, items, label,
    syncLevel: 'checksum', verifyChecksum: true, preserveTimestamp: true, notify: false,
  });
  const submitted = await client.submitTransfer(doc);
  const taskId = submitted.task_id;
  ctx.info(`Globus task ${taskId} submitted: ${rels.length} path(s) ${from.name} → ${to.name}${submitted.code === 'Duplicate' ? ' (already submitted by an earlier attempt)' : ''}`);

  const task = await waitForTask(client, taskId, opts, sleep);
  const copied = new Set<string>();
  const prefix = to.root_path === '/' ? '/' : `${to.root_path}/`;
  for await (const t of client.successfulTransfers(taskId)) {
    if (t.destination_path?.startsWith(prefix)) copied.add(t.destination_path.slice(prefix.length));
  }
  const files: FileCopy[] = rels.map((rel) => {
    const k = kinds.get(rel);
    const isCopied = k?.type === 'dir' ? [...copied].some((c) => c.startsWith(`${rel}/`)) : copied.has(rel);
    return { rel, status: isCopied ? 'copied' : 'identical', bytes: k?.size ?? 0, checksum: undefined };
  });
  const seconds = taskSeconds(task);
  ctx.info(
    `Globus task ${taskId} SUCCEEDED: ${task.files_transferred ?? 0} file(s) transferred, ${task.files_skipped ?? 0} already in sync, ` +
      `${formatBytes(task.bytes_transferred ?? 0)} in ${formatDuration(seconds)} (${formatRate(task.effective_bytes_per_second ?? 0)})`,
  );
  return {
    files,
    skipped: [],
    task: { id: taskId, files: task.files_transferred ?? 0, bytes: task.bytes_transferred ?? 0, bytesPerSecond: task.effective_bytes_per_second ?? 0, seconds },
  };
}

async function sourceKinds(client: TransferClient, from: GlobusEndpoint, rels: readonly RelPath[]): Promise<Map<string, { type: string; size: number }>> {
  const byParent = new Map<string, RelPath[]>();
  for (const rel of rels) {
    const cut = rel.lastIndexOf('/');
    const parent = cut < 0 ? '' : rel.slice(0, cut);
    const list = byParent.get(parent) ?? [];
    list.push(rel);
    byParent.set(parent, list);
  }
  const kinds = new Map<string, { type: string; size: number }>();
  for (const [parent, children] of byParent) {
    const dir = parent === '' ? from.root_path : joinInside(from.root_path, parent as RelPath);
    const wanted = new Set(children.map((c) => c.slice(parent === '' ? 0 : parent.length + 1)));
    try {
      for await (const entry of client.ls(from.uuid, dir)) {
        if (wanted.has(entry.name)) kinds.set(parent === '' ? entry.name : `${parent}/${entry.name}`, { type: entry.type, size: entry.size });
      }
    } catch (err) {
      if (err instanceof GlobusApiError && err.status === 404) throw stepError(`${from.name}: folder ${dir} does not exist; nothing was submitted`);
      throw err;
    }
    const missing = children.filter((c) => !kinds.has(c));
    if (missing.length > 0) {
      throw stepError(`${from.name}: ${missing.length} path(s) do not exist, e.g. ${missing[0] ?? ''}; nothing was submitted`, 'check the paths the watcher sent, then dispatch again');
    }
  }
  return kinds;
}

/** Wait for a transfer or delete task with backoff until it SUCCEEDED; anything else fails the step. */
export async function waitForTask(
  client: TransferClient,
  taskId: string,
  opts: { readonly ctx: StepContext; readonly settings: GlobusSettings },
  sleep: (ms: number) => Promise<void>,
): Promise<TaskDocument> {
  const { ctx, settings } = opts;
  const deadline = Date.now() + settings.waitTimeoutMinutes * 60_000;
  // Polling starts quick (small scans finish in seconds) and backs off (by default to a minute) for long ones.
  let delay = settings.pollFirstSeconds * 1000;
  let lastNice: string | null | undefined;
  let stuckSince: number | undefined;
  for (;;) {
    const task = await client.getTask(taskId);
    if (task.nice_status !== lastNice) {
      if (task.status === 'ACTIVE') ctx.info(`Globus task ${taskId}: ${task.nice_status ?? 'active'} (${task.files_transferred ?? 0}/${task.files ?? '?'} files, ${formatBytes(task.bytes_transferred ?? 0)})`);
      lastNice = task.nice_status;
    }
    if (task.status === 'SUCCEEDED') return task;
    if (task.status === 'FAILED') {
      const why = task.fatal_error ? `${task.fatal_error.code}: ${task.fatal_error.description}` : await lastErrorEvent(client, taskId);
      throw stepError(`Globus task ${taskId} FAILED — ${why}`, `see https://app.globus.org/activity/${taskId}; fix the cause and dispatch again`);
    }
    if (task.status === 'INACTIVE') {
      throw stepError(
        `Globus task ${taskId} is INACTIVE (suspended: ${task.nice_status ?? 'needs attention'}); it was left as it is`,
        `resume or cancel it at https://app.globus.org/activity/${taskId} (often an endpoint's credentials expired), then dispatch again`,
      );
    }
    if (task.nice_status && STUCK.has(task.nice_status)) {
      stuckSince ??= Date.now();
      if (Date.now() - stuckSince >= settings.stuckGraceSeconds * 1000) {
        const events = await lastErrorEvent(client, taskId);
        await client.cancelTask(taskId);
        throw stepError(`Globus task ${taskId} kept failing with ${task.nice_status} for ${settings.stuckGraceSeconds} s and was cancelled — ${events}`, 'check the paths and the permissions on both collections, then dispatch again');
      }
    } else {
      stuckSince = undefined;
    }
    if (Date.now() + delay > deadline) {
      throw stepError(
        `Globus task ${taskId} is still running after ${settings.waitTimeoutMinutes} min; it was left running`,
        `watch it at https://app.globus.org/activity/${taskId}; a later dispatch of the same files is safe (sync level checksum)`,
      );
    }
    await sleep(delay);
    delay = Math.min(settings.pollMaxSeconds * 1000, Math.round(delay * 1.5));
  }
}

/** The task's most recent error event (the event list is newest first). */
async function lastErrorEvent(client: TransferClient, taskId: string): Promise<string> {
  for await (const e of client.taskEvents(taskId)) {
    if (e.is_error) return `${e.code}: ${e.description}${e.details ? ` (${e.details.split('\n')[0] ?? ''})` : ''}`;
  }
  return 'no error event recorded';
}

function taskSeconds(task: TaskDocument): number {
  if (!task.completion_time) return 0;
  if (!task.request_time) return 0;
  const start = parseGlobusTime(task.request_time);
  const end = parseGlobusTime(task.completion_time);
  return Math.max(0, (end.getTime() - start.getTime()) / 1000);
}
