/**
 * When to ask GitHub again. Shared by the one-shot senders (`splash dispatch`, `reconcile`), which give up
 * after a bounded number of retries, and the watcher, which never gives up on a spooled batch but uses the
 * same waits.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { GitHubError } from './errors.js';
import type { GitHubClient } from './client.js';
import type { DispatchBody } from './payload.js';

export interface Backoff {
  /** First wait after a failure (ms); doubles per consecutive failure. */
  readonly firstMs: number;
  /** No computed wait is longer (a wait GitHub names is honoured even when longer). */
  readonly maxMs: number;
  /** [0, 1) jitter source; injectable for tests. */
  readonly random?: () => number;
}

/**
 * Wait after the `failures`-th consecutive failure (1-based): exponential, capped, with "equal jitter"
 * (half fixed, half random) so watchers at several beamlines that lost GitHub at the same moment do not
 * come back in lockstep.
 */
export function backoffMs(failures: number, b: Backoff): number {
  const base = Math.min(b.maxMs, b.firstMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
  const random = b.random ?? Math.random;
  return Math.round(base / 2 + (base / 2) * random());
}

/** The wait before the next attempt after `err`: the larger of the backoff and what GitHub asked for. */
export function waitAfter(err: GitHubError, failures: number, b: Backoff): number {
  return Math.max(backoffMs(failures, b), err.serverWaitMs ?? 0);
}

export interface RetryPolicy extends Backoff {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  /** A wait longer than this is not sat out: the sender gives up and says when to try again. */
  readonly maxWaitMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onRetry?: (e: { retry: number; waitMs: number; error: GitHubError }) => void;
}

/** Send one dispatch, retrying transient failures within the policy. Rejects with the last GitHubError. */
export async function dispatchWithRetry(client: GitHubClient, body: DispatchBody, policy: RetryPolicy): Promise<{ attempts: number }> {
  const sleep = policy.sleep ?? ((ms: number) => delay(ms));
  for (let attempt = 1; ; attempt++) {
    try {
      await client.dispatch(body);
      return { attempts: attempt };
    } catch (err) {
      if (!(err instanceof GitHubError) || !err.retriable || attempt > policy.maxRetries) throw err;
      const waitMs = waitAfter(err, attempt, policy);
      if (waitMs > policy.maxWaitMs) {
        throw new GitHubError({
          kind: err.kind,
          status: err.status,
          message: `${err.message}; GitHub asks to wait ${Math.ceil(waitMs / 1000)} s, longer than this command waits`,
          serverWaitMs: err.serverWaitMs,
          hint: 'try again later (splash watch keeps such batches in its spool and sends them when allowed)',
          cause: err,
        });
      }
      policy.onRetry?.({ retry: attempt, waitMs, error: err });
      await sleep(waitMs);
    }
  }
}
