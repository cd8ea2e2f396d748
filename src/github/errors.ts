/**
 * What a failed GitHub request means for the sender. GitHub's own rules (REST API docs, "Rate limits"):
 *  - `retry-after` present (403 or 429): wait that many seconds.
 *  - `x-ratelimit-remaining: 0`: wait until `x-ratelimit-reset` (epoch seconds).
 *  - a secondary rate limit without either header: wait at least a minute, longer on repeats.
 *  - 5xx and no answer at all: transient, back off with jitter.
 *  - 401 / 404 / 422 / other 403: the request itself or its credentials are wrong; asking again will not help.
 * A GitHubError is redacted where it is made: what GitHub (or a proxy) said may quote the request, token included.
 */
import { redact } from '../secrets.js';
export type FailureKind = 'network' | 'server' | 'rate-limit' | 'auth' | 'forbidden' | 'not-found' | 'invalid' | 'other';

/** GitHub asks for at least this much quiet after a secondary rate limit that names no time. */
export const SECONDARY_LIMIT_MIN_MS = 60_000;
/** A server-named wait is honoured, but a broken header (a reset years ahead) must not stall a watcher forever. */
export const MAX_SERVER_WAIT_MS = 3_600_000;

export class GitHubError extends Error {
  readonly kind: FailureKind;
  /** HTTP status; undefined when no answer arrived. */
  readonly status: number | undefined;
  /** Worth asking again later. */
  readonly retriable: boolean;
  /** The wait GitHub asked for (retry-after / reset / the secondary-limit minimum), in ms. */
  readonly serverWaitMs: number | undefined;
  readonly hint: string | undefined;

  constructor(opts: { kind: FailureKind; status: number | undefined; message: string; serverWaitMs?: number | undefined; hint?: string | undefined; cause?: unknown }) {
    super(redact(opts.message), { cause: opts.cause });
    this.name = 'GitHubError';
    this.kind = opts.kind;
    this.status = opts.status;
    this.retriable = opts.kind === 'network' || opts.kind === 'server' || opts.kind === 'rate-limit';
    this.serverWaitMs = opts.serverWaitMs;
    this.hint = opts.hint === undefined ? undefined : redact(opts.hint);
  }
}

export type Headers = Readonly<Record<string, string | number | undefined>>;

const header = (h: Headers, name: string): string | undefined => {
  const v = h[name] ?? h[name.toLowerCase()];
  return v === undefined ? undefined : String(v);
};

/** The wait a 403/429 response asks for, in ms, or undefined when it names none. */
export function serverWaitMs(headers: Headers, nowMs: number): number | undefined {
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_SERVER_WAIT_MS);
    // HTTP also allows a date.
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.min(Math.max(0, at - nowMs), MAX_SERVER_WAIT_MS);
  }
  if (header(headers, 'x-ratelimit-remaining') === '0') {
    const reset = Number(header(headers, 'x-ratelimit-reset'));
    // +1 s: the reset is whole seconds of GitHub's clock, and arriving a moment early costs another 403.
    if (Number.isFinite(reset)) return Math.min(Math.max(0, reset * 1000 - nowMs) + 1000, MAX_SERVER_WAIT_MS);
    return SECONDARY_LIMIT_MIN_MS;
  }
  return undefined;
}

function bodyMessage(data: unknown): string {
  if (typeof data === 'object' && data !== null && 'message' in data && typeof data.message === 'string') return data.message;
  if (typeof data === 'string') return data;
  return '';
}

/**
 * One line, bounded: GitHub messages can hold newlines (422) and nothing from a response should flood a log.
 * Redacted before it is cut: half a token no longer matches its mask.
 */
const oneLine = (s: string): string => {
  const line = redact(s).replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
};

/** Classify an HTTP answer that was not 2xx. */
export function httpFailure(status: number, headers: Headers, data: unknown, what: string, nowMs = Date.now()): GitHubError {
  const said = oneLine(bodyMessage(data));
  const base = `${what}: GitHub answered ${status}${said ? ` (${said})` : ''}`;
  if (status === 403 || status === 429) {
    const wait = serverWaitMs(headers, nowMs);
    const rateLimited = status === 429 || wait !== undefined || /rate limit/i.test(said);
    if (rateLimited) {
      return new GitHubError({ kind: 'rate-limit', status, message: base, serverWaitMs: wait ?? SECONDARY_LIMIT_MIN_MS });
    }
    return new GitHubError({
      kind: 'forbidden',
      status,
      message: base,
      hint: 'the token or App may not create repository_dispatch events here: it needs contents: write on the repository',
    });
  }
  if (status >= 500) return new GitHubError({ kind: 'server', status, message: base });
  if (status === 401) {
    return new GitHubError({ kind: 'auth', status, message: base, hint: 'the token is wrong, expired or revoked: replace it (or check the GitHub App credentials)' });
  }
  if (status === 404) {
    return new GitHubError({
      kind: 'not-found',
      status,
      message: base,
      hint: 'GitHub answers 404 both for a wrong owner/name and for a token that cannot see the repository: check github.repository and the token\'s access',
    });
  }
  if (status === 422 || status === 400) {
    return new GitHubError({ kind: 'invalid', status, message: base, hint: 'GitHub refused the payload as sent; this is a bug in splash, please report it with this message' });
  }
  return new GitHubError({ kind: 'other', status, message: base });
}

export function networkFailure(err: unknown, what: string): GitHubError {
  const code = errorCode(err);
  const detail = code ?? (err instanceof Error ? err.message : String(err));
  return new GitHubError({
    kind: 'network',
    status: undefined,
    message: `${what}: no answer from GitHub (${oneLine(detail)})`,
    hint: 'check the network path to the GitHub API (proxy, firewall, DNS)',
    cause: err,
  });
}

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (e.name === 'TimeoutError') return 'timeout';
  }
  return undefined;
}
