/**
 * The Globus side of a prune's guards, made of what the Transfer API offers (mkdir, ls, rename, delete
 * tasks), under `<root>/.splash/` of a collection:
 * - the storage-identity proof: a marker folder made on the pruned collection must not be listed under
 *   the check collection (two collection ids over one folder would delete a file and its "copy" at once);
 * - the prune lock: `.splash/prune.lock/`, made by mkdir (which fails when it exists), holding one folder
 *   whose name says who holds it and when it last showed life (renamed on every heartbeat).
 * Folders this leaves are removed by one delete task per collection when the rule ends.
 */
import { randomBytes } from 'node:crypto';
import type { GlobusSettings } from '../config/index.js';
import type { GlobusEndpoint } from '../endpoints.js';
import { configError, stepError } from '../errors.js';
import { deleteDocument, GlobusApiError, hasGlobusCode, isNotFound, parseGlobusTime, type TransferClient } from '../globus/index.js';
import { STATE_DIR } from '../fs/verification-record.js';
import type { StepContext } from '../run/context.js';
import { waitForTask } from '../transfer/globus.js';
import { HEARTBEAT_MS, type LockHolder, newHolder, PruneLocked, staleReason } from './lock.js';

/** `<root>/.splash[/name]` on the endpoint's collection. */
export function statePath(e: GlobusEndpoint, name?: string): string {
  const base = `${e.root_path === '/' ? '' : e.root_path}/${STATE_DIR}`;
  return name === undefined ? base : `${base}/${name}`;
}

/** Globus refused to let this app write or list there (as opposed to: the service is down). */
const refused = (err: unknown): boolean =>
  err instanceof GlobusApiError && (err.status === 403 || /^ExternalError\.\w+\.PermissionDenied/.test(err.code));

/** The names in a folder, or undefined when it does not exist. */
async function namesIn(client: TransferClient, collection: string, path: string): Promise<Map<string, string> | undefined> {
  const names = new Map<string, string>();
  try {
    for await (const d of client.ls(collection, path, { showHidden: true })) names.set(d.name, d.last_modified);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  return names;
}

/**
 * Prove the check collection is not the pruned one under another id or path: returns the marker folder
 * (removed with the rule's other state at the end), or throws a config error when it is visible there.
 */
export async function proveSeparateCollections(client: TransferClient, endpoint: GlobusEndpoint, check: GlobusEndpoint, cleanup: StateCleanup): Promise<void> {
  const cannot = (what: string, err: unknown) =>
    stepError(
      `prune of ${endpoint.name}: cannot prove that ${check.name} is separate storage — ${what} (${err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err)}); nothing was deleted`,
      `the Globus app needs write access to ${statePath(endpoint)} on ${endpoint.uuid} and read access to ${statePath(check)} on ${check.uuid}`,
    );
  const name = `identity-${randomBytes(16).toString('hex')}`;
  try {
    await client.mkdir(endpoint.uuid, statePath(endpoint), { existOk: true });
    await client.mkdir(endpoint.uuid, statePath(endpoint, name));
  } catch (err) {
    throw cannot(`the marker ${statePath(endpoint, name)} cannot be created`, err);
  }
  cleanup.add(endpoint, statePath(endpoint, name));
  let seen: Map<string, string> | undefined;
  try {
    seen = await namesIn(client, check.uuid, statePath(check));
  } catch (err) {
    throw cannot(`${statePath(check)} cannot be listed`, err);
  }
  if (seen?.has(name)) {
    throw configError(
      `prune of ${endpoint.name} is checked against ${check.name}, but both are the same storage: a marker made under ${endpoint.name} (${endpoint.uuid}:${endpoint.root_path}) is listed under ${check.name} (${check.uuid}:${check.root_path}); nothing was deleted`,
      'two collection ids (or paths) over one folder are not two copies; point the rule at the collection the files were moved to',
    );
  }
}

/** Holder folder names: `holder~<role>~<host>~<pid>~<since ms>~<beat ms>~<nonce>~<boot>`. */
const HOLDER = /^holder~(\w+)~([A-Za-z0-9.-]*)~(\d+)~(\d+)~(\d+)~([0-9a-f]+)~([0-9a-f-]*)$/;

function holderName(role: string, h: LockHolder, beatMs: number): string {
  return `holder~${role}~${h.host}~${h.pid}~${Date.parse(h.since)}~${beatMs}~${h.nonce}~${h.boot ?? ''}`;
}

function parseHolderName(name: string): { holder: LockHolder; beatMs: number } | undefined {
  const m = HOLDER.exec(name);
  if (!m) return undefined;
  const [, role = '', host = '', pid = '', since = '', beat = '', nonce = '', boot = ''] = m;
  return {
    holder: { host, pid: Number(pid), since: new Date(Number(since)).toISOString(), nonce, boot: boot || undefined, purpose: role === 'relied' ? 'relied on by a prune' : 'a prune' },
    beatMs: Number(beat),
  };
}

/** The Globus prune lock of one endpoint (see the file comment). */
export class GlobusLock {
  readonly path: string;
  readonly #client: TransferClient;
  readonly #endpoint: GlobusEndpoint;
  readonly #role: string;
  readonly #holder: LockHolder;
  #name: string;
  #lastBeat: number;

  private constructor(client: TransferClient, endpoint: GlobusEndpoint, role: string, holder: LockHolder, beatMs: number) {
    this.#client = client;
    this.#endpoint = endpoint;
    this.#role = role;
    this.#holder = holder;
    this.path = statePath(endpoint, 'prune.lock');
    this.#lastBeat = beatMs;
    this.#name = holderName(role, holder, beatMs);
  }

  /**
   * Lock `endpoint` for a prune: `role` "pruned" or "relied". Throws PruneLocked when a live prune holds
   * it; with `ifWritable`, an endpoint the app may not write to is not locked (undefined).
   */
  static async acquire(client: TransferClient, endpoint: GlobusEndpoint, role: 'pruned' | 'relied', forRule: string, cleanup: StateCleanup, ifWritable = false): Promise<GlobusLock | undefined> {
    const lock = new GlobusLock(client, endpoint, role, newHolder(forRule), Date.now());
    try {
      await client.mkdir(endpoint.uuid, statePath(endpoint), { existOk: true });
    } catch (err) {
      if (ifWritable && refused(err)) return undefined;
      throw lockError(endpoint, err);
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await client.mkdir(endpoint.uuid, lock.path);
      } catch (err) {
        if (!hasGlobusCode(err, 'ExternalError.MkdirFailed.Exists')) {
          if (ifWritable && refused(err)) return undefined;
          throw lockError(endpoint, err);
        }
        const found = await lock.#read(lock.path);
        if (found === 'gone') continue;
        if (staleReason(found.holder, found.beatMs) === undefined || !(await lock.#takeOver(found.name, cleanup))) {
          throw new PruneLocked(endpoint.name, `${endpoint.uuid}:${lock.path}`, found.holder, forRule);
        }
        continue;
      }
      try {
        await client.mkdir(endpoint.uuid, `${lock.path}/${lock.#name}`);
      } catch (err) {
        cleanup.add(endpoint, lock.path);
        throw lockError(endpoint, err);
      }
      return lock;
    }
    const last = await lock.#read(lock.path);
    throw new PruneLocked(endpoint.name, `${endpoint.uuid}:${lock.path}`, last === 'gone' ? undefined : last.holder, forRule);
  }

  /** Who holds the lock folder at `path`, and its last heartbeat; a folder without a holder counts from its mtime. */
  async #read(path: string): Promise<{ holder: LockHolder | undefined; beatMs: number; name: string | undefined } | 'gone'> {
    const inside = await namesIn(this.#client, this.#endpoint.uuid, path);
    if (inside === undefined) return 'gone';
    for (const name of inside.keys()) {
      const parsed = parseHolderName(name);
      if (parsed) return { ...parsed, name };
    }
    const st = await this.#client.stat(this.#endpoint.uuid, path).catch(() => undefined);
    return { holder: undefined, beatMs: st ? parseGlobusTime(st.last_modified).getTime() : 0, name: undefined };
  }

  /** Move a stale lock aside (rename is atomic) and keep it aside only if it is the one judged stale. */
  async #takeOver(staleName: string | undefined, cleanup: StateCleanup): Promise<boolean> {
    const aside = statePath(this.#endpoint, `prune.lock.stale-${randomBytes(6).toString('hex')}`);
    try {
      await this.#client.rename(this.#endpoint.uuid, this.path, aside);
    } catch (err) {
      if (isNotFound(err)) return true;
      throw lockError(this.#endpoint, err);
    }
    const moved = await this.#read(aside);
    if (moved !== 'gone' && moved.name === staleName) {
      cleanup.add(this.#endpoint, aside);
      return true;
    }
    // A live lock was moved by mistake (another prune took the stale one over first): put it back.
    await this.#client.rename(this.#endpoint.uuid, aside, this.path).catch(() => undefined);
    return false;
  }

  /** Refresh the heartbeat when due (rename of the holder folder); never throws: the owner check is `ensureHeld`. */
  async keep(): Promise<void> {
    if (Date.now() - this.#lastBeat < HEARTBEAT_MS) return;
    const beat = Date.now();
    const next = holderName(this.#role, this.#holder, beat);
    try {
      await this.#client.rename(this.#endpoint.uuid, `${this.path}/${this.#name}`, `${this.path}/${next}`);
      this.#name = next;
      this.#lastBeat = beat;
    } catch {
      // checked by ensureHeld before the next deletion
    }
  }

  /** Before a deletion: the lock must still hold our holder folder. */
  async ensureHeld(): Promise<void> {
    await this.keep();
    const inside = await namesIn(this.#client, this.#endpoint.uuid, this.path);
    if (!inside?.has(this.#name)) {
      throw stepError(`prune lock ${this.#endpoint.uuid}:${this.path} was lost; stopped before the next deletion`, 'another prune may have taken it over as stale; run the prune again');
    }
  }

  /** Move the lock aside (if still ours) for the rule's cleanup task to delete. */
  async release(cleanup: StateCleanup): Promise<void> {
    const aside = statePath(this.#endpoint, `prune.lock.released-${this.#holder.nonce}`);
    try {
      await this.#client.rename(this.#endpoint.uuid, this.path, aside);
    } catch {
      return; // gone (taken over): nothing of ours to remove
    }
    const moved = await this.#read(aside);
    if (moved !== 'gone' && moved.name === this.#name) {
      cleanup.add(this.#endpoint, aside);
      return;
    }
    await this.#client.rename(this.#endpoint.uuid, aside, this.path).catch(() => undefined);
  }
}

function lockError(e: GlobusEndpoint, err: unknown) {
  return stepError(
    `cannot lock ${e.name} for the prune (${e.uuid}:${statePath(e, 'prune.lock')}: ${err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err)}); nothing was deleted`,
    'the Globus app needs write access to the pruned collection',
  );
}

/** State folders a rule made, removed at its end by one delete task per collection; a failure only warns. */
export class StateCleanup {
  readonly #paths = new Map<string, { endpoint: GlobusEndpoint; paths: string[] }>();

  add(endpoint: GlobusEndpoint, path: string): void {
    const key = endpoint.uuid.toLowerCase();
    const entry = this.#paths.get(key) ?? { endpoint, paths: [] };
    entry.paths.push(path);
    this.#paths.set(key, entry);
  }

  async run(client: TransferClient, opts: { ctx: StepContext; settings: GlobusSettings; sleep: (ms: number) => Promise<void> }): Promise<void> {
    for (const { endpoint, paths } of this.#paths.values()) {
      try {
        const doc = deleteDocument({
          collection: endpoint.uuid, paths, label: `splash prune state ${endpoint.name}`, recursive: true, ignoreMissing: true, notify: false,
          deadline: new Date(Date.now() + opts.settings.waitTimeoutMinutes * 60_000),
        });
        const { task_id: taskId } = await client.submitDelete(doc);
        opts.ctx.info(`Globus delete task ${taskId}: the prune's marker and lock folders under ${STATE_DIR}/ on ${endpoint.name}`);
        await waitForTask(client, taskId, { ctx: opts.ctx, settings: opts.settings, onGiveUp: 'cancel' }, opts.sleep);
      } catch (err) {
        opts.ctx.warn(
          `could not remove the prune's state folders on ${endpoint.name} (${paths.join(', ')}): ${err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err)}; ` +
            `they are harmless (prune, move and the watcher skip ${STATE_DIR}/), remove them by hand`,
        );
      }
    }
    this.#paths.clear();
  }
}
