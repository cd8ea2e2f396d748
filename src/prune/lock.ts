/**
 * Prune locks: who holds one, and when a lock is stale. A prune locks the endpoint it deletes from and the
 * endpoint it relies on (when it may write there), in the storage itself (`<root>/.splash/prune.lock`), so
 * two runners, or a terminal and a runner, exclude each other whatever config.yml each one read: rules that
 * check each other (x against y, y against x) must never delete at the same time, and an endpoint must not
 * be pruned while another prune relies on it as its copy.
 *
 * A lock held by a live prune fails the rule at once (exit 1), naming the holder; the next run prunes it.
 * A holder refreshes its lock's heartbeat while it runs. A lock is stale, and taken over, when its holder
 * ran on this host and its process is gone (or the host restarted since), or when its heartbeat is older
 * than STALE_AFTER_MS (a holder on another host, whose process cannot be looked at).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { SplashError } from '../errors.js';
import { processAlive } from '../process-alive.js';

/** How often a holder refreshes its heartbeat. */
export const HEARTBEAT_MS = 30_000;
/** A lock whose heartbeat is this old belongs to a holder that died (or hangs): it may be taken over. */
export const STALE_AFTER_MS = 10 * 60_000;

export interface LockHolder {
  readonly host: string;
  readonly pid: number;
  /** ISO time the lock was taken. */
  readonly since: string;
  /** Unique per lock: tells a holder whether the lock file is still its own. */
  readonly nonce: string;
  /** The kernel's boot id on Linux: a pid from before a restart is not the process running now. */
  readonly boot?: string | undefined;
  /** What the holder does, e.g. "prune spot832 (beamline 8.3.2)" or "relied on by the prune of spot832". */
  readonly purpose: string;
}

const bootId = ((): string | undefined => {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
})();

/** This host's name as holders record it (the characters a Globus folder name can carry). */
export function thisHost(): string {
  return hostname().replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 64);
}

export function newHolder(purpose: string): LockHolder {
  return { host: thisHost(), pid: process.pid, since: new Date().toISOString(), nonce: randomBytes(12).toString('hex'), boot: bootId, purpose };
}

export function describeHolder(h: LockHolder): string {
  return `${h.purpose}: host ${h.host}, pid ${h.pid}, since ${h.since}`;
}

/** A holder read back from storage; undefined when it is not one (a torn or foreign file). */
export function parseHolder(text: string): LockHolder | undefined {
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    if (typeof h.host !== 'string' || typeof h.pid !== 'number' || typeof h.since !== 'string' || typeof h.nonce !== 'string' || typeof h.purpose !== 'string') return undefined;
    if (h.boot !== undefined && typeof h.boot !== 'string') return undefined;
    return h as LockHolder;
  } catch {
    return undefined;
  }
}

/**
 * Why a lock may be taken over, or undefined while its holder may still be running. `heartbeatMs` is when
 * the holder last showed life; a holder that cannot be read counts from then too.
 */
export function staleReason(holder: LockHolder | undefined, heartbeatMs: number, nowMs = Date.now()): string | undefined {
  if (holder && holder.host === thisHost()) {
    if (holder.boot !== undefined && bootId !== undefined && holder.boot !== bootId) return 'its host restarted since';
    if (holder.pid === process.pid && holder.boot === bootId) return undefined; // our own, e.g. a second rule on the same endpoint: never stale
    if (!processAlive(holder.pid)) return `process ${holder.pid} on this host is gone`;
  }
  const quiet = nowMs - heartbeatMs;
  if (quiet > STALE_AFTER_MS) return `no heartbeat for ${Math.round(quiet / 60_000)} min`;
  return undefined;
}

/** A live prune holds the lock: the rule fails (exit 1) and nothing of it was deleted. */
export class PruneLocked extends SplashError {
  constructor(endpoint: string, where: string, holder: LockHolder | undefined, forRule: string) {
    super(
      'step',
      `${forRule}: ${endpoint} is locked by another prune (${holder ? describeHolder(holder) : 'holder being written'}; lock ${where}); nothing was deleted by this rule`,
      'two prunes of one endpoint, or of an endpoint and the copy it relies on, never run at once; the next run prunes it. ' +
        `A lock whose holder died is taken over by itself (same host: when its process is gone; another host: after ${STALE_AFTER_MS / 60_000} min without heartbeat)`,
    );
  }
}
