import type { GlobusSettings } from '../config/index.js';
import type { GlobusEndpoint } from '../endpoints.js';
import { configError, stepError } from '../errors.js';
import {
  type FileDocument, GlobusApiError, hasGlobusCode, isNotFound, parseGlobusTime, type TaskDocument, type TransferClient, transferDocument,
} from '../globus/index.js';
import { joinInside, type RelPath } from '../paths.js';
import type { StepContext } from '../run/context.js';
import { formatBytes, formatDuration, formatRate } from '../run/format.js';
import { displayName } from '../text.js';
import type { CopyReport } from './filesystem.js';

export interface GlobusTransferOptions {
  readonly ctx: StepContext;
  readonly client: TransferClient;
  readonly settings: GlobusSettings;
  readonly label: string;
  /** For tests and benchmarks: how to sleep between polls. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** One listing page holds a whole folder (Globus re-lists the folder for every page, so pages are costly). */
export const LS_LIMIT = 100_000;

/** A regular file as a listing described it (`last_modified` read as milliseconds). */
export interface ListedFile {
  readonly rel: string;
  readonly size: number;
  readonly mtimeMs: number;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Move every path of a dispatch from one Globus collection to another as ONE transfer task (sync_level
 * checksum, verify_checksum, preserve_timestamp), wait for it with backoff, and succeed only when it
 * ended SUCCEEDED. Before submitting: every source is listed (folders expanded to their files, so the
 * report is file by file and symlinks are never followed), and every destination is listed, so an existing
 * file that differs is refused — never overwritten — and one that matches (size and mtime) is not sent again.
 */
export async function transferWithGlobus(
  from: GlobusEndpoint,
  to: GlobusEndpoint,
  rels: readonly RelPath[],
  opts: GlobusTransferOptions,
): Promise<CopyReport> {
  const { ctx, client } = opts;
  const report: CopyReport = { files: [], skipped: [], task: undefined };
  // Globus would create a missing destination folder, even a mistyped root: both roots must exist first.
  for (const e of [from, to]) await requireRoot(client, e);
  const sources = await listSources(client, from, rels, report.skipped);
  const pending: ListedFile[] = [];
  for (const f of await compareDestinations(client, to, sources)) {
    if (f.identical) report.files.push({ rel: f.file.rel as RelPath, status: 'identical', bytes: f.file.size, checksum: undefined });
    else pending.push(f.file);
  }
  if (pending.length === 0) {
    ctx.info(`${from.name} → ${to.name}: all ${sources.length} file(s) already there (same size and mtime); nothing submitted`);
    return report;
  }

  const first = rels[0] ?? '';
  // Free text: transferDocument makes it a label Globus accepts (the `.` of a file name becomes `_`).
  const label = `${opts.label} ${first.split('/').pop() ?? ''}${rels.length > 1 ? ` and ${rels.length - 1} more` : ''}`;
  const doc = transferDocument({
    source: from.uuid, destination: to.uuid, label,
    items: pending.map((f) => ({ source_path: joinInside(from.root_path, f.rel as RelPath), destination_path: joinInside(to.root_path, f.rel as RelPath) })),
    syncLevel: 'checksum', verifyChecksum: true, preserveTimestamp: true, notify: false,
  });
  const submitted = await client.submitTransfer(doc);
  const taskId = submitted.task_id;
  ctx.info(`Globus task ${taskId} submitted: ${pending.length} file(s) ${from.name} → ${to.name}${submitted.code === 'Duplicate' ? ' (already submitted by an earlier attempt)' : ''}`);

  const task = await waitForTask(client, taskId, { ctx, settings: opts.settings, onGiveUp: 'leave' }, opts.sleep ?? defaultSleep);
  const copied = new Set<string>();
  const prefix = to.root_path === '/' ? '/' : `${to.root_path}/`;
  for await (const t of client.successfulTransfers(taskId)) {
    if (t.destination_path?.startsWith(prefix)) copied.add(t.destination_path.slice(prefix.length));
  }
  for (const f of pending) {
    // Not listed as transferred: Globus found it already in sync (sync level checksum).
    report.files.push({ rel: f.rel as RelPath, status: copied.has(f.rel) ? 'copied' : 'identical', bytes: f.size, checksum: undefined });
  }
  const seconds = taskSeconds(task);
  ctx.info(
    `Globus task ${taskId} SUCCEEDED: ${task.files_transferred ?? 0} file(s) transferred, ${task.files_skipped ?? 0} already in sync, ` +
      `${formatBytes(task.bytes_transferred ?? 0)} in ${formatDuration(seconds)} (${formatRate(task.effective_bytes_per_second ?? 0)})`,
  );
  return {
    ...report,
    task: { id: taskId, files: task.files_transferred ?? 0, bytes: task.bytes_transferred ?? 0, bytesPerSecond: task.effective_bytes_per_second ?? 0, seconds },
  };
}

/**
 * An endpoint's root must be an existing folder on its collection. Being the first call that touches an
 * endpoint, it also turns an unknown collection or a refused one into a config error naming the endpoint.
 */
export async function requireRoot(client: TransferClient, e: GlobusEndpoint): Promise<void> {
  try {
    const st = await client.stat(e.uuid, e.root_path);
    if (st.type === 'dir') return;
  } catch (err) {
    if (!(err instanceof GlobusApiError)) throw err;
    if (hasGlobusCode(err, 'EndpointNotFound') || hasGlobusCode(err, 'EndpointDeleted')) {
      throw configError(`endpoint ${e.name}: Globus knows no collection ${e.uuid} (${err.code})`, `check the uuid of ${e.name} in config.yml against the collection's page on app.globus.org`);
    }
    if (err.status === 403) {
      throw configError(
        `endpoint ${e.name}: Globus refused access to ${e.root_path} on collection ${e.uuid} (${err.code}: ${err.apiMessage.split('\n')[0] ?? ''})`,
        'give the Globus app of config.yml (globus.globus_apps) access to the collection (a permission on the collection or its guest collection), then run again',
      );
    }
    if (!isNotFound(err)) throw err;
  }
  throw configError(`endpoint ${e.name}: root_path ${e.root_path} is not a folder on collection ${e.uuid}`, 'check the root_path in config.yml');
}

const parentOf = (rel: string): string => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');
const baseOf = (rel: string): string => rel.slice(rel.lastIndexOf('/') + 1);
const absOf = (e: GlobusEndpoint, rel: string): string => (rel === '' ? e.root_path : joinInside(e.root_path, rel as RelPath));

/** List a folder into a map by name; undefined when the folder does not exist. */
export async function listFolder(client: TransferClient, e: GlobusEndpoint, rel: string): Promise<Map<string, FileDocument> | undefined> {
  const entries = new Map<string, FileDocument>();
  try {
    for await (const d of client.ls(e.uuid, absOf(e, rel), { limit: LS_LIMIT })) entries.set(d.name, d);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  return entries;
}

/**
 * Look up many paths with one listing per parent folder, not one stat per file. The map holds what
 * exists (by rel); a path that is absent, or whose folder is, is not in it.
 */
export async function lookupByFolder(client: TransferClient, e: GlobusEndpoint, rels: readonly string[]): Promise<Map<string, FileDocument>> {
  const byParent = new Map<string, string[]>();
  for (const rel of rels) byParent.set(parentOf(rel), [...(byParent.get(parentOf(rel)) ?? []), rel]);
  const found = new Map<string, FileDocument>();
  for (const [parent, children] of byParent) {
    const listing = await listFolder(client, e, parent);
    for (const rel of children) {
      const d = listing?.get(baseOf(rel));
      if (d) found.set(rel, d);
    }
  }
  return found;
}

export type CollectionEntry =
  | ({ readonly kind: 'file' } & ListedFile)
  | { readonly kind: 'skipped'; readonly rel: string; readonly reason: string };

/**
 * Every regular file below `startRel` of a collection, one listing per folder, folders in name order.
 * Like the file-system walk (src/fs/walk.ts) it never follows a symlink — a symlinked folder could lead
 * out of the endpoint root — and reports symlinks and special files as skipped. `descend` spares the
 * listing of folders whose files the caller would ignore anyway; a folder that vanished yields nothing.
 */
export async function* walkCollection(
  client: TransferClient,
  e: GlobusEndpoint,
  startRel = '',
  opts: { descend?: (rel: string) => boolean } = {},
): AsyncGenerator<CollectionEntry> {
  const stack = [startRel];
  for (let dir = stack.pop(); dir !== undefined; dir = stack.pop()) {
    const listing = [...((await listFolder(client, e, dir)) ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const dirs: string[] = [];
    for (const [name, d] of listing) {
      const rel = dir === '' ? name : `${dir}/${name}`;
      if (d.link_target) yield { kind: 'skipped', rel, reason: 'symlink (not followed)' };
      else if (d.type === 'dir') {
        if (opts.descend?.(rel) ?? true) dirs.push(rel);
      } else if (d.type === 'file') yield { kind: 'file', rel, size: d.size, mtimeMs: parseGlobusTime(d.last_modified).getTime() };
      else yield { kind: 'skipped', rel, reason: `not a regular file (${d.type})` };
    }
    // Pushed in reverse so they are listed in name order.
    for (let i = dirs.length - 1; i >= 0; i--) stack.push(dirs[i] ?? '');
  }
}

/**
 * Every file to move: each path's parent folder is listed once (it proves the path exists and says what it
 * is); folders are expanded to the files in them. A path that is missing, a symlink, or neither a file nor
 * a folder stops the hop before anything is submitted; symlinks found inside a folder are reported skipped.
 */
async function listSources(client: TransferClient, from: GlobusEndpoint, rels: readonly RelPath[], skipped: { rel: string; reason: string }[]): Promise<ListedFile[]> {
  const files: ListedFile[] = [];
  const folders: string[] = [];
  const found = await lookupByFolder(client, from, rels);
  for (const rel of rels) {
    const d = found.get(rel);
    if (!d) throw stepError(`${from.name}:${rel} does not exist; nothing was submitted`, 'check the paths the watcher sent, then dispatch again');
    if (d.link_target) throw stepError(`${from.name}:${rel} is a symlink (not followed); nothing was submitted`);
    if (d.type === 'dir') folders.push(rel);
    else if (d.type === 'file') files.push({ rel, size: d.size, mtimeMs: parseGlobusTime(d.last_modified).getTime() });
    else throw stepError(`${from.name}:${rel} is neither a file nor a folder (${d.type}); nothing was submitted`);
  }
  for (const folder of folders) {
    for await (const entry of walkCollection(client, from, folder)) {
      if (entry.kind === 'file') files.push({ rel: entry.rel, size: entry.size, mtimeMs: entry.mtimeMs });
      else skipped.push({ rel: entry.rel, reason: entry.reason });
    }
  }
  return files;
}

/** Each destination folder is listed once: same size and mtime → already there; anything else existing → refused. */
async function compareDestinations(client: TransferClient, to: GlobusEndpoint, files: readonly ListedFile[]): Promise<{ file: ListedFile; identical: boolean }[]> {
  const found = await lookupByFolder(client, to, files.map((f) => f.rel));
  return files.map((file) => {
    const d = found.get(file.rel);
    if (!d) return { file, identical: false };
    const sameTime = Math.floor(parseGlobusTime(d.last_modified).getTime() / 1000) === Math.floor(file.mtimeMs / 1000);
    if (d.type !== 'file' || d.link_target || d.size !== file.size || !sameTime) {
      throw stepError(
        `${to.name}:${displayName(file.rel)} already exists and differs from the source (${d.type}, ${d.size} bytes, modified ${d.last_modified}); not overwritten, nothing was submitted`,
        'find out which copy is right; move or delete the wrong one by hand, then dispatch again',
      );
    }
    return { file, identical: true };
  });
}

/** A nice_status that is not an error: the task is progressing or waiting its turn. */
const healthy = (nice: string | null | undefined): boolean => nice === null || nice === undefined || nice === 'OK' || nice === 'Queued';

export interface WaitOptions {
  readonly ctx: StepContext;
  readonly settings: GlobusSettings;
  /**
   * What to do with a task the step gives up on (INACTIVE, deadline): a transfer is left running (a later
   * dispatch is safe), a delete is cancelled — a delete that resumes hours later could remove a new file
   * written under the same name.
   */
  readonly onGiveUp: 'leave' | 'cancel';
}

/**
 * Wait for a transfer or delete task with backoff until it SUCCEEDED; anything else fails the step. A task
 * that keeps reporting an error (FILE_NOT_FOUND, PERMISSION_DENIED, ENDPOINT_ERROR, …) past the grace period
 * is cancelled and reported with its most recent error event.
 */
export async function waitForTask(client: TransferClient, taskId: string, opts: WaitOptions, sleep: (ms: number) => Promise<void>): Promise<TaskDocument> {
  const { ctx, settings } = opts;
  const deadline = Date.now() + settings.waitTimeoutMinutes * 60_000;
  let delay = settings.pollFirstSeconds * 1000;
  let lastNice: string | null | undefined;
  let troubleSince: number | undefined;
  const link = `https://app.globus.org/activity/${taskId}`;
  for (;;) {
    const task = await client.getTask(taskId);
    if (task.nice_status !== lastNice) {
      if (task.status === 'ACTIVE') ctx.info(`Globus task ${taskId}: ${task.nice_status ?? 'active'} (${task.files_transferred ?? 0}/${task.files ?? '?'} files, ${formatBytes(task.bytes_transferred ?? 0)})`);
      lastNice = task.nice_status;
    }
    if (task.status === 'SUCCEEDED') return task;
    if (task.status === 'FAILED') {
      const why = task.fatal_error ? `${task.fatal_error.code}: ${task.fatal_error.description}` : await lastErrorEvent(client, taskId);
      throw stepError(`Globus task ${taskId} FAILED — ${why}`, `see ${link}; fix the cause and dispatch again`);
    }
    if (task.status === 'INACTIVE') {
      const what = `Globus task ${taskId} is INACTIVE (suspended: ${task.nice_status ?? 'needs attention'})`;
      if (opts.onGiveUp === 'cancel') return cancelOrExplain(client, taskId, what, opts);
      throw stepError(`${what}; it was left as it is`, `resume or cancel it at ${link} (often an endpoint's credentials expired), then dispatch again`);
    }
    if (healthy(task.nice_status)) {
      troubleSince = undefined;
    } else {
      troubleSince ??= Date.now();
      if (Date.now() - troubleSince >= settings.stuckGraceSeconds * 1000) {
        const event = await lastErrorEvent(client, taskId);
        return cancelOrExplain(client, taskId, `Globus task ${taskId} kept failing with ${task.nice_status ?? '?'} for ${settings.stuckGraceSeconds} s — ${event}`, opts);
      }
    }
    const now = Date.now();
    if (now >= deadline) {
      const what = `Globus task ${taskId} is still running after ${settings.waitTimeoutMinutes} min`;
      if (opts.onGiveUp === 'cancel') return cancelOrExplain(client, taskId, what, opts);
      throw stepError(`${what}; it was left running`, `watch it at ${link}; dispatching the same files again later is safe`);
    }
    await sleep(Math.min(delay, deadline - now));
    delay = Math.min(settings.pollMaxSeconds * 1000, Math.round(delay * 1.5));
  }
}

/**
 * Cancel a task the step gives up on, and say exactly what state it is in: a cancel can fail, or come too
 * late (the task finished meanwhile — then the result counts).
 */
async function cancelOrExplain(client: TransferClient, taskId: string, what: string, opts: WaitOptions): Promise<TaskDocument> {
  let cancelError: string | undefined;
  try {
    await client.cancelTask(taskId);
  } catch (err) {
    cancelError = err instanceof Error ? err.message : String(err);
  }
  const after = await client.getTask(taskId).catch(() => undefined);
  if (after?.status === 'SUCCEEDED') {
    opts.ctx.warn(`${what}; it finished before the cancel took effect`);
    return after;
  }
  if (cancelError !== undefined || (after && after.status !== 'FAILED')) {
    throw stepError(
      `${what}; it could not be cancelled (${cancelError ?? `status ${after?.status ?? 'unknown'}`}): it is still running`,
      `cancel it at https://app.globus.org/activity/${taskId}, find the cause, then run the step again`,
    );
  }
  throw stepError(`${what}; it was cancelled`, 'check the paths and the permissions on both collections, then run the step again');
}

/** The task's most recent error event (the event list is newest first). */
async function lastErrorEvent(client: TransferClient, taskId: string): Promise<string> {
  for await (const e of client.taskEvents(taskId)) {
    if (e.is_error) return `${e.code}: ${e.description}${e.details ? ` (${e.details.split('\n')[0] ?? ''})` : ''}`;
  }
  return 'no error event recorded';
}

function taskSeconds(task: TaskDocument): number {
  if (!task.completion_time || !task.request_time) return 0;
  return Math.max(0, (parseGlobusTime(task.completion_time).getTime() - parseGlobusTime(task.request_time).getTime()) / 1000);
}
