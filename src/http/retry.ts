/**
 * The retry policy the service clients share (Globus, SciCat): how many retries, jittered exponential
 * backoff `(base + 2·base·rand) · 2^n` seconds capped, an injectable sleep and jitter for tests, and a
 * hook told about every retry. Each client keeps its own rules for WHAT to retry.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** One retry of a request, as a client reports it to its `onRetry`. */
export interface HttpRetryEvent {
  method: string;
  path: string;
  /** 1 for the first retry. */
  retry: number;
  waitMs: number;
  /** `429 …`, `503 …`, `ECONNRESET`, … */
  reason: string;
}

export interface RetryOptions<Event> {
  /** Retries after the first attempt (default 5). */
  maxRetries?: number;
  /** Backoff for retry n (0-based) is `(base + 2·base·rand) · 2^n` s. */
  baseSeconds?: number;
  /** No wait is longer than this. */
  capSeconds?: number;
  /** Injectable so tests neither wait nor guess: receives the wait in milliseconds. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable jitter source, [0, 1). */
  random?: () => number;
  /** Told about every retry before its wait, e.g. to log it. */
  onRetry?: (event: Event) => void;
}

export type RetryPolicy<Event> = Required<Omit<RetryOptions<Event>, 'onRetry'>> & Pick<RetryOptions<Event>, 'onRetry'>;

/** Supplies a bearer token and drops it when the server rejects it. */
export interface Authorizer {
  accessToken(): Promise<string>;
  /** Forget `rejected` (only if it is still the cached token, so parallel 401s renew once). */
  invalidate(rejected?: string): void;
}

export function retryPolicy<Event>(r: RetryOptions<Event> | undefined, defaults: { baseSeconds: number; capSeconds: number }): RetryPolicy<Event> {
  return {
    maxRetries: r?.maxRetries ?? 5,
    baseSeconds: r?.baseSeconds ?? defaults.baseSeconds,
    capSeconds: r?.capSeconds ?? defaults.capSeconds,
    sleep: r?.sleep ?? ((ms) => delay(ms)),
    random: r?.random ?? Math.random,
    onRetry: r?.onRetry,
  };
}

/** Computed wait before retry `n` (0-based), in ms. */
export function backoffMs(policy: Pick<RetryPolicy<never>, 'baseSeconds' | 'capSeconds' | 'random'>, n: number): number {
  const seconds = (policy.baseSeconds + 2 * policy.baseSeconds * policy.random()) * 2 ** n;
  return Math.round(Math.min(seconds, policy.capSeconds) * 1000);
}
