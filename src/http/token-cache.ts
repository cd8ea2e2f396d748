/**
 * An access token shared by every caller of one client (Globus Auth, the SFAPI, SciCat): the cached token
 * while it is fresh, otherwise one request however many callers wait for it; a 401 forgets it once.
 */
import type { Authorizer } from './retry.js';

export interface FetchedToken {
  readonly value: string;
  /** When to ask for a new one (ms on the cache's clock); Infinity for a token that lasts until refused. */
  readonly renewAt: number;
}

export class TokenCache implements Authorizer {
  readonly #fetch: () => Promise<FetchedToken>;
  readonly #now: () => number;
  #token: FetchedToken | undefined;
  #pending: Promise<string> | undefined;

  constructor(fetch: () => Promise<FetchedToken>, now: () => number = Date.now) {
    this.#fetch = fetch;
    this.#now = now;
  }

  accessToken(): Promise<string> {
    if (this.#token && this.#now() < this.#token.renewAt) return Promise.resolve(this.#token.value);
    this.#pending ??= this.#fetch()
      .then((t) => {
        this.#token = t;
        return t.value;
      })
      .finally(() => {
        this.#pending = undefined;
      });
    return this.#pending;
  }

  invalidate(rejected?: string): void {
    if (rejected === undefined || this.#token?.value === rejected) this.#token = undefined;
  }
}
