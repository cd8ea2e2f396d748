/**
 * Globus Compute allows a client 20 requests per 10 seconds (docs/limits.rst; the SDK raises
 * MaxRequestsExceeded beyond it). A sliding window keeps this client inside the limit however its calls are
 * timed — polls, retries and submissions alike — by waiting until the oldest request of a full window has
 * left it. Callers waiting together are served in order.
 */
import { setTimeout as delay } from 'node:timers/promises';

export interface RateLimitOptions {
  /** Requests allowed per window (default 20). */
  readonly requests?: number;
  /** Window length in ms (default 10 000). */
  readonly windowMs?: number;
  /** Extra wait past the window's edge, for clock granularity on both sides (default 50 ms). */
  readonly marginMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export class SlidingWindowLimiter {
  readonly requests: number;
  readonly windowMs: number;
  /** Waits taken so far, and their total, for run statistics. */
  waits = 0;
  waitedMs = 0;

  readonly #margin: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  /** Send times of the requests in the current window, oldest first. */
  readonly #sent: number[] = [];
  #queue: Promise<void> = Promise.resolve();

  constructor(o: RateLimitOptions = {}) {
    this.requests = o.requests ?? 20;
    this.windowMs = o.windowMs ?? 10_000;
    this.#margin = o.marginMs ?? 50;
    this.#now = o.now ?? Date.now;
    this.#sleep = o.sleep ?? ((ms) => delay(ms));
    if (!Number.isInteger(this.requests) || this.requests < 1) throw new RangeError(`requests per window must be a whole number >= 1, got ${String(o.requests)}`);
  }

  /** Resolves when one more request may be sent now (and counts it as sent). */
  acquire(): Promise<void> {
    const turn = this.#queue.then(() => this.#take());
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #take(): Promise<void> {
    for (;;) {
      const now = this.#now();
      while (this.#sent.length > 0 && (this.#sent[0] ?? 0) <= now - this.windowMs) this.#sent.shift();
      if (this.#sent.length < this.requests) {
        this.#sent.push(now);
        return;
      }
      const wait = (this.#sent[0] ?? now) + this.windowMs - now + this.#margin;
      this.waits++;
      this.waitedMs += wait;
      await this.#sleep(wait);
    }
  }
}
