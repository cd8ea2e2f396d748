/**
 * The GitHub REST calls the watcher needs, through @octokit/rest: create a repository_dispatch and, for a
 * GitHub App, get an installation token. One call = one HTTP attempt (plus one token renewal for an App on
 * 401); whether and when to try again is the caller's decision (retry.ts, the watcher's spool), because a
 * one-shot CLI and a long-running watcher want different answers.
 */
import type { KeyObject } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { registerSecret } from '../secrets.js';
import { appJwt, appPrivateKey, type Credentials } from './auth.js';
import { GitHubError, httpFailure, networkFailure } from './errors.js';
import type { DispatchBody } from './payload.js';

export interface GitHubClientOptions {
  /** https://api.github.com, or a GitHub Enterprise Server / simulator base URL. */
  readonly apiUrl: string;
  readonly owner: string;
  readonly repo: string;
  readonly credentials: Credentials;
  /** Per request (default 30 s): a hung connection must not hold the spool forever. */
  readonly timeoutMs?: number;
  readonly now?: () => number;
  /** GitHub asks every client to name itself (default "splash-flows"). */
  readonly userAgent?: string;
}

/** The response parts of an @octokit/request RequestError we read (duck-typed: it is a transitive dependency). */
interface OctokitFailure {
  status: number;
  response?: { status: number; headers: Record<string, string | number | undefined>; data: unknown };
}

function isOctokitFailure(err: unknown): err is OctokitFailure {
  return err instanceof Error && typeof (err as { status?: unknown }).status === 'number';
}

const QUIET = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Renew an installation token this long before it expires, so no request goes out with a dying one. */
const RENEW_BEFORE_MS = 5 * 60_000;

export class GitHubClient {
  readonly repository: string;
  readonly apiUrl: string;
  /** HTTP requests sent (every attempt, token requests included): for statistics, tests and the bench. */
  requestsSent = 0;

  readonly #octokit: Octokit;
  readonly #owner: string;
  readonly #repo: string;
  readonly #credentials: Credentials;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  #appKey: KeyObject | undefined;
  #installationId: number | undefined;
  #installationToken: { token: string; expiresAt: number } | undefined;

  constructor(opts: GitHubClientOptions) {
    this.#owner = opts.owner;
    this.#repo = opts.repo;
    this.repository = `${opts.owner}/${opts.repo}`;
    this.apiUrl = opts.apiUrl.replace(/\/+$/, '');
    this.#credentials = opts.credentials;
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#now = opts.now ?? Date.now;
    // Masked from the moment this client holds them, whoever resolved them.
    registerSecret(opts.credentials.kind === 'token' ? opts.credentials.token : opts.credentials.privateKey);
    if (opts.credentials.kind === 'app') {
      // Parsed now, so a bad key is a config error before anything is spooled or sent.
      this.#appKey = appPrivateKey(opts.credentials.privateKey);
      this.#installationId = opts.credentials.installationId;
    }
    this.#octokit = new Octokit({ baseUrl: this.apiUrl, userAgent: opts.userAgent ?? 'splash-flows', log: QUIET });
  }

  /** POST /repos/{owner}/{repo}/dispatches. Resolves on 204; rejects with GitHubError. */
  async dispatch(body: DispatchBody): Promise<void> {
    const what = `repository_dispatch ${body.event_type} to ${this.repository}`;
    for (let renewed = false; ; renewed = true) {
      const authorization = await this.#authorization();
      try {
        await this.#call(what, 'POST /repos/{owner}/{repo}/dispatches', {
          owner: this.#owner,
          repo: this.#repo,
          event_type: body.event_type,
          client_payload: body.client_payload,
          headers: { authorization },
        });
        return;
      } catch (err) {
        // An installation token can be revoked early (App reinstalled): renew once, as with any expired token.
        if (err instanceof GitHubError && err.kind === 'auth' && this.#credentials.kind === 'app' && !renewed) {
          this.#installationToken = undefined;
          continue;
        }
        throw err;
      }
    }
  }

  async #authorization(): Promise<string> {
    if (this.#credentials.kind === 'token') return `Bearer ${this.#credentials.token}`;
    const cached = this.#installationToken;
    if (cached && cached.expiresAt - RENEW_BEFORE_MS > this.#now()) return `Bearer ${cached.token}`;
    const key = this.#appKey;
    if (!key) throw new Error('GitHub App key missing');
    const signed = appJwt(this.#credentials.clientId, key, this.#now());
    registerSecret(signed);
    const jwt = `Bearer ${signed}`;
    if (this.#installationId === undefined) {
      const found = await this.#call(`finding the GitHub App installation on ${this.repository}`, 'GET /repos/{owner}/{repo}/installation', {
        owner: this.#owner,
        repo: this.#repo,
        headers: { authorization: jwt },
      });
      const id = (found as { id?: unknown }).id;
      if (typeof id !== 'number') throw new GitHubError({ kind: 'other', status: 200, message: 'GitHub answered the installation lookup without an id' });
      this.#installationId = id;
    }
    const issued = await this.#call(`getting an installation token for ${this.repository}`, 'POST /app/installations/{installation_id}/access_tokens', {
      installation_id: this.#installationId,
      // Least privilege: this repository only, and only what a repository_dispatch needs.
      repositories: [this.#repo],
      permissions: { contents: 'write' },
      headers: { authorization: jwt },
    });
    const { token, expires_at: expiresAt } = issued as { token?: unknown; expires_at?: unknown };
    // The installation token is a credential the moment it arrives: masked before anything can print it.
    if (typeof token === 'string') registerSecret(token);
    if (typeof token !== 'string' || typeof expiresAt !== 'string') {
      throw new GitHubError({ kind: 'other', status: 201, message: 'GitHub answered the installation token request without a token' });
    }
    const expires = Date.parse(expiresAt);
    this.#installationToken = { token, expiresAt: Number.isNaN(expires) ? this.#now() + 3_600_000 : expires };
    return `Bearer ${token}`;
  }

  /**
   * GET one page of a list (a route, or the `next` URL of the previous page's Link header, which keeps the
   * query GitHub wants followed as it is). Returns the body, the next page's URL and the rate limit left.
   */
  async getPage(what: string, routeOrUrl: string, params: Record<string, unknown> = {}): Promise<{ data: unknown; next: string | undefined; rate: RateLimit | undefined }> {
    const response = await this.#send(what, `GET ${routeOrUrl}`, { owner: this.#owner, repo: this.#repo, ...params, headers: { authorization: await this.#authorization() } });
    return { data: response.data, next: nextLink(response.headers.link), rate: this.lastRate };
  }

  /**
   * Where an artifact's zip can be fetched: GitHub answers 302 with a short-lived signed URL on its blob
   * storage. The redirect is not followed here: the signed URL must be fetched without our Authorization
   * header (the storage refuses a request that carries both), so the caller downloads it with a plain GET.
   */
  async artifactZipUrl(artifactId: number): Promise<string> {
    const what = `downloading artifact ${artifactId} of ${this.repository}`;
    const response = await this.#send(what, 'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', {
      owner: this.#owner,
      repo: this.#repo,
      artifact_id: artifactId,
      archive_format: 'zip',
      headers: { authorization: await this.#authorization() },
      request: { redirect: 'manual' },
    });
    const location = response.headers.location;
    if (response.status !== 302 || typeof location !== 'string' || location === '') {
      throw new GitHubError({ kind: 'other', status: response.status, message: `${what}: GitHub answered ${response.status} without a download location` });
    }
    return location;
  }

  /** What the last answer's x-ratelimit-* headers said; undefined before the first answer. */
  lastRate: RateLimit | undefined;

  /** One request; any failure becomes a classified GitHubError. */
  async #call(what: string, route: string, params: Record<string, unknown>): Promise<unknown> {
    return (await this.#send(what, route, params)).data;
  }

  async #send(what: string, route: string, params: Record<string, unknown>): Promise<{ status: number; data: unknown; headers: Record<string, string | number | undefined> }> {
    this.requestsSent++;
    const headers = { 'x-github-api-version': '2022-11-28', ...(params.headers as Record<string, string>) };
    const extra = (params.request ?? {}) as Record<string, unknown>;
    try {
      const response = await this.#octokit.request(route, { ...params, headers, request: { ...extra, signal: AbortSignal.timeout(this.#timeoutMs) } });
      this.lastRate = rateOf(response.headers) ?? this.lastRate;
      return { status: response.status, data: response.data, headers: response.headers };
    } catch (err) {
      if (isOctokitFailure(err) && err.response) {
        this.lastRate = rateOf(err.response.headers) ?? this.lastRate;
        // A manual redirect is an answer, not a failure (@octokit/request throws on 3xx).
        if (err.response.status === 302) return { status: 302, data: err.response.data, headers: err.response.headers };
        throw httpFailure(err.response.status, err.response.headers, err.response.data, what, this.#now());
      }
      throw networkFailure(err, what);
    }
  }
}

/** The x-ratelimit-* headers GitHub sends with every answer. */
export interface RateLimit {
  readonly limit: number;
  readonly remaining: number;
  /** Epoch seconds. */
  readonly reset: number;
  readonly resource: string;
}

function rateOf(headers: Record<string, string | number | undefined>): RateLimit | undefined {
  const n = (name: string): number => Number(headers[name]);
  const remaining = n('x-ratelimit-remaining');
  if (!Number.isFinite(remaining) || headers['x-ratelimit-remaining'] === undefined) return undefined;
  return { limit: n('x-ratelimit-limit'), remaining, reset: n('x-ratelimit-reset'), resource: String(headers['x-ratelimit-resource'] ?? 'core') };
}

/** The `rel="next"` URL of a Link header (RFC 8288 as GitHub writes it), if any. */
export function nextLink(link: string | number | undefined): string | undefined {
  if (typeof link !== 'string') return undefined;
  for (const part of link.split(',')) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (m && /(^|;)\s*rel="?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/.test(m[2] ?? '')) return m[1];
  }
  return undefined;
}
