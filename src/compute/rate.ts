/**
 * Globus Compute allows a client 20 requests per 10 seconds (docs/limits.rst; the SDK raises
 * MaxRequestsExceeded beyond it). A sliding window keeps this client inside the limit however its calls are
 * timed — polls, retries and submissions alike — by waiting until the oldest request of a full window has
 * left it. Callers waiting together are served in order.
 *
 * The service counts a request when it arrives, which is some time after it was sent (a busy runner, a slow
 * network). So a slot is dated by when its answer came back — a time no earlier than the arrival — and a
 * request still in flight holds its slot: dating by the send alone let a later request arrive inside the
 * window of an earlier, delayed one and be answered 429.
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
  /** The requests of the current window, oldest first: `at` is when the answer came (or when sent, while in flight). */
  readonly #slots: { at: number; inFlight: boolean }[] = [];
  #queue: Promise<void> = Promise.resolve();

  constructor(o: RateLimitOptions = {}) {
    this.requests = o.requests ?? 20;
    this.windowMs = o.windowMs ?? 10_000;
    this.#margin = o.marginMs ?? 50;
    this.#now = o.now ?? Date.now;
    this.#sleep = o.sleep ?? ((ms) => delay(ms));
    if (!Number.isInteger(this.requests) || this.requests < 1) throw new RangeError(`requests per window must be a whole number >= 1, got ${String(o.requests)}`);
  }

  /**
   * Resolves when one more request may be sent now, counting it as sent; call the function it gives once the
   * answer (or a failure) is back, which dates the slot from then.
   */
  acquire(): Promise<() => void> {
    const turn = this.#queue.then(() => this.#take());
    this.#queue = turn.then(() => undefined, () => undefined);
    return turn;
  }

  async #take(): Promise<() => void> {
    for (;;) {
      const now = this.#now();
      for (let i = this.#slots.length - 1; i >= 0; i--) {
        const s = this.#slots[i];
        if (s && !s.inFlight && s.at <= now - this.windowMs) this.#slots.splice(i, 1);
      }
      if (this.#slots.length < this.requests) {
        const slot = { at: now, inFlight: true };
        this.#slots.push(slot);
        return () => {
          if (!slot.inFlight) return;
          slot.inFlight = false;
          slot.at = Math.max(slot.at, this.#now());
        };
      }
      // The earliest answered slot leaves the window first; with all in flight, look again shortly.
      const answered = this.#slots.filter((s) => !s.inFlight).map((s) => s.at);
      const wait = answered.length > 0 ? Math.max(0, Math.min(...answered) + this.windowMs - now) + this.#margin : Math.max(this.#margin, 10);
      this.waits++;
      this.waitedMs += wait;
      await this.#sleep(wait);
    }
  }
}
