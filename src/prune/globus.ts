import type { GlobusSettings } from '../config/index.js';
import type { GlobusEndpoint } from '../endpoints.js';
import { configError, SplashError } from '../errors.js';
import { deleteDocument, type FileDocument, GlobusApiError, hasGlobusCode, parseGlobusTime, type TransferClient } from '../globus/index.js';
import { isStateName } from '../fs/verification-record.js';
import { isInside } from '../paths.js';
import type { StepContext } from '../run/context.js';
import { listFolder, requireRoot, waitForTask, walkCollection } from '../transfer/globus.js';
import { GlobusLock, proveSeparateCollections, StateCleanup } from './globus-guard.js';
import { plural, type PrunedFile, PruneIncomplete, type PruneReport } from './report.js';

export interface GlobusPruneOptions {
  readonly afterDays: number;
  readonly now: Date;
  readonly dryRun: boolean;
  readonly ctx: StepContext;
  readonly client: TransferClient;
  readonly settings: GlobusSettings;
  readonly sleep?: (ms: number) => Promise<void>;
  /** For messages and locks: "prune of spot832 (beamline 8.3.2)". */
  readonly rule?: string;
}

const DAY_MS = 86_400_000;
/** Paths per delete task: big enough to keep the task count (and API calls) low, small enough to retry. */
const DELETE_BATCH = 10_000;

/**
 * Before any rule deletes anything: the two roots must not be the same folder or nested in one collection,
 * and both must exist (a 404 here is a config mistake).
 */
export async function checkGlobusPruneRoots(endpoint: GlobusEndpoint, check: GlobusEndpoint, client: () => Promise<TransferClient>): Promise<void> {
  if (endpoint.uuid.toLowerCase() === check.uuid.toLowerCase() && (isInside(endpoint.root_path, check.root_path) || isInside(check.root_path, endpoint.root_path))) {
    throw configError(
      `prune of ${endpoint.name} is checked against ${check.name}: same collection, and one folder is the same as or inside the other`,
      'a check endpoint must be a separate copy of the data; fix the prune rule in config.yml',
    );
  }
  const c = await client();
  for (const e of [endpoint, check]) await requireRoot(c, e);
}

/**
 * Retention sweep of a Globus collection: list it folder by folder (never into a symlinked folder, never
 * into this system's state folders), keep what is young, and delete an old file only when the check
 * collection lists a regular file (not a symlink) of the same name and size with a last_modified no older
 * than it (transfers preserve timestamps). A check folder that cannot be listed keeps its files, as unsafe.
 *
 * Before anything is listed the rule proves the check collection is not the pruned one under another id,
 * and (unless dry) locks both (the check collection when the app may write there) against other prunes.
 * Deletions go out as few delete tasks as possible, each with a deadline, and the step waits for them; a
 * delete task the step gives up on is cancelled, so it cannot resume later and remove a newer file.
 */
export async function pruneGlobus(endpoint: GlobusEndpoint, check: GlobusEndpoint, opts: GlobusPruneOptions): Promise<PruneReport> {
  const { client, ctx } = opts;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const rule = opts.rule ?? `prune of ${endpoint.name}`;
  const cleanup = new StateCleanup();
  const locks: GlobusLock[] = [];
  try {
    try {
      await proveSeparateCollections(client, endpoint, check, cleanup);
    } catch (err) {
      // A dry run where the app may not write still shows its plan; a real run stops here.
      if (!opts.dryRun || !(err instanceof SplashError) || err.kind !== 'step') throw err;
      ctx.warn(`${err.message.replace(/; nothing was deleted$/, '')} (dry run: going on; a real run stops here)`);
    }
    if (!opts.dryRun) {
      // In one order for every process (collection and path), as the filesystem locks.
      const wanted = [
        { e: endpoint, role: 'pruned' as const, ifWritable: false },
        { e: check, role: 'relied' as const, ifWritable: true },
      ].sort((a, b) => (`${a.e.uuid.toLowerCase()}:${a.e.root_path}` < `${b.e.uuid.toLowerCase()}:${b.e.root_path}` ? -1 : 1));
      for (const w of wanted) {
        const lock = await GlobusLock.acquire(client, w.e, w.role, rule, cleanup, w.ifWritable);
        if (lock) locks.push(lock);
        else ctx.info(`${w.e.name}: the Globus app may not write there, so it is not locked (a prune of it elsewhere is not excluded while this rule runs)`);
      }
    }
    // Heartbeats while listing and while waiting for delete tasks (keep() acts only when one is due).
    const keep = async (): Promise<void> => {
      for (const l of locks) await l.keep();
    };
    const keepingSleep = async (ms: number): Promise<void> => {
      await sleep(ms);
      await keep();
    };
    return await sweepCollection(endpoint, check, opts, locks, keepingSleep, keep);
  } finally {
    for (const l of locks.reverse()) await l.release(cleanup).catch(() => undefined);
    await cleanup.run(client, { ctx, settings: opts.settings, sleep });
  }
}

async function sweepCollection(
  endpoint: GlobusEndpoint, check: GlobusEndpoint, opts: GlobusPruneOptions, locks: readonly GlobusLock[], sleep: (ms: number) => Promise<void>, keep: () => Promise<void>,
): Promise<PruneReport> {
  const { client, ctx } = opts;
  const cutoff = opts.now.getTime() - opts.afterDays * DAY_MS;
  const report: PruneReport = { endpoint: endpoint.name, check: check.name, afterDays: opts.afterDays, dryRun: opts.dryRun, pruned: [], kept: [], unsafe: [], removedDirs: [] };
  const candidates: PrunedFile[] = [];
  const notState = (rel: string): boolean => !isStateName(rel.slice(rel.lastIndexOf('/') + 1));
  for await (const e of walkCollection(client, endpoint, '', { descend: notState })) {
    await keep();
    if (!notState(e.rel)) continue;
    if (e.kind === 'skipped') report.unsafe.push({ rel: e.rel, reason: e.reason });
    else if (e.mtimeMs > cutoff) report.kept.push({ rel: e.rel, size: e.size, mtimeMs: e.mtimeMs });
    else candidates.push({ rel: e.rel, size: e.size, mtimeMs: e.mtimeMs });
  }

  const verified: PrunedFile[] = [];
  const copies = await lookupCopies(client, check, candidates.map((c) => c.rel), keep);
  for (const item of candidates) {
    const copy = copies.get(item.rel);
    const problem = typeof copy === 'string'
      ? copy
      : !copy
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
  const prefix = endpoint.root_path === '/' ? '' : endpoint.root_path;
  try {
    for (let i = 0; i < verified.length; i += DELETE_BATCH) {
      for (const l of locks) await l.ensureHeld();
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
      ctx.info(`Globus delete task ${taskId}: ${plural(batch.length, 'file')} on ${endpoint.name}`);
      await waitForTask(client, taskId, { ctx, settings: opts.settings, onGiveUp: 'cancel' }, sleep);
      for (const f of batch) report.pruned.push(f);
    }
  } catch (err) {
    if (err instanceof SplashError) throw new PruneIncomplete(err, report);
    throw err;
  }
  return report;
}

/**
 * The check collection's entries for many paths, one listing per parent folder. A folder that cannot be
 * listed (permission denied) does not fail the rule: its files map to the reason they are kept.
 */
async function lookupCopies(client: TransferClient, check: GlobusEndpoint, rels: readonly string[], keep: () => Promise<void>): Promise<Map<string, FileDocument | string>> {
  const byParent = new Map<string, string[]>();
  for (const rel of rels) {
    const parent = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
    const list = byParent.get(parent);
    if (list) list.push(rel);
    else byParent.set(parent, [rel]);
  }
  const found = new Map<string, FileDocument | string>();
  for (const [parent, children] of byParent) {
    await keep();
    let listing: Map<string, FileDocument> | undefined;
    try {
      listing = await listFolder(client, check, parent);
    } catch (err) {
      if (!(err instanceof GlobusApiError)) throw err;
      const why = hasGlobusCode(err, 'ExternalError.DirListingFailed.NotDirectory')
        ? `not replicated: a parent folder at ${check.name} is a file`
        : err.status === 403 || hasGlobusCode(err, 'ExternalError.DirListingFailed')
          ? `the folder at ${check.name} cannot be listed (${err.code}), so the copy is not verifiable`
          : undefined;
      if (why === undefined) throw err;
      for (const rel of children) found.set(rel, why);
      continue;
    }
    for (const rel of children) {
      const d = listing?.get(rel.slice(rel.lastIndexOf('/') + 1));
      if (d) found.set(rel, d);
    }
  }
  return found;
}
