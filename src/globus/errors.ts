/**
 * Errors of the Globus client. Each names the service, method and path and what the service said, so a run
 * log line is enough to act on. None carries request headers, tokens or the client secret: errors are built
 * only from the method, the URL path (never the query string) and the response body, and what they keep of
 * the body is redacted here, where they are made (a server may echo the request into its error text).
 */
import { redact, redactValue } from '../secrets.js';

export type GlobusService = 'Auth' | 'Transfer' | 'Compute';

/** Server text made safe for one log line: no control or invisible characters, bounded length. */
export function oneLine(text: string, max = 300): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export interface GlobusApiErrorInit {
  service: GlobusService;
  method: string;
  path: string;
  status: number;
  code: string;
  apiMessage: string;
  requestId?: string | undefined;
  resource?: string | undefined;
  attempts: number;
  body?: unknown;
  /** Appended after the standard text, e.g. what a person should check. */
  advice?: string | undefined;
}

/** The service answered, and the answer was an error (or a 2xx that is not what the API promises). */
export class GlobusApiError extends Error {
  readonly service: GlobusService;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** Globus code, hierarchical (`ClientError.BadRequest.NoTransferItems`), or the OAuth `error`. */
  readonly code: string;
  /** The service's own message, unformatted. */
  readonly apiMessage: string;
  readonly requestId: string | undefined;
  readonly resource: string | undefined;
  /** HTTP requests made for this call, retries included. */
  readonly attempts: number;
  /** Parsed error body, for callers that need a field this class does not lift out. */
  readonly body: unknown;

  constructor(init: GlobusApiErrorInit) {
    const request = init.requestId ? ` (request ${init.requestId})` : '';
    const tries = init.attempts > 1 ? ` after ${init.attempts} attempts` : '';
    const advice = init.advice ? ` — ${init.advice}` : '';
    // Redacted before it is cut to one line: a cut credential would no longer match its mask.
    super(redact(`Globus ${init.service} ${init.method} ${init.path} → ${init.status} ${init.code}: ${oneLine(redact(init.apiMessage))}${request}${tries}${advice}`));
    this.name = 'GlobusApiError';
    this.service = init.service;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.code = init.code;
    this.apiMessage = redact(init.apiMessage);
    this.requestId = init.requestId;
    this.resource = init.resource;
    this.attempts = init.attempts;
    this.body = redactValue(init.body);
  }
}

/** Globus Auth refused to issue a token: almost always a wrong client id or secret, so it says so. */
export class GlobusAuthError extends GlobusApiError {
  constructor(init: GlobusApiErrorInit) {
    super(init);
    this.name = 'GlobusAuthError';
  }
}

/** No usable HTTP answer (refused, reset, closed, timed out) even after the retries. */
export class GlobusNetworkError extends Error {
  readonly service: GlobusService;
  readonly method: string;
  readonly path: string;
  readonly attempts: number;
  /** The low-level error code (`ECONNREFUSED`, `UND_ERR_HEADERS_TIMEOUT`, …) when there is one. */
  readonly errorCode: string | undefined;

  constructor(init: { service: GlobusService; method: string; path: string; attempts: number; errorCode?: string | undefined; cause: unknown }) {
    const what = oneLine(redact(init.cause instanceof Error ? init.cause.message : String(init.cause)));
    const code = init.errorCode ? `${init.errorCode}: ` : '';
    const tries = init.attempts === 1 ? '1 attempt' : `${init.attempts} attempts`;
    super(redact(`Globus ${init.service} ${init.method} ${init.path} failed after ${tries}: ${code}${what}`), { cause: init.cause });
    this.name = 'GlobusNetworkError';
    this.service = init.service;
    this.method = init.method;
    this.path = init.path;
    this.attempts = init.attempts;
    this.errorCode = init.errorCode;
  }
}

/** Globus codes are dot-separated hierarchies; `ClientError.NotFound` matches `ClientError.NotFound.X`. */
export function hasGlobusCode(err: unknown, prefix: string): boolean {
  if (!(err instanceof GlobusApiError)) return false;
  return err.code === prefix || err.code.startsWith(`${prefix}.`);
}

/**
 * A missing path (or task), recognised by its code as the service reports it: `NotFound` from stat (as
 * recorded, and as the Globus CLI checks it), `ClientError.NotFound` from ls (documented). Never by the 404
 * alone: an unknown or deleted collection (`EndpointNotFound`, `EndpointDeleted`) and a proxy's 404 page are
 * 404s too, and reading them as "no such folder" would make a listing look empty.
 */
export function isNotFound(err: unknown): boolean {
  return hasGlobusCode(err, 'NotFound') || hasGlobusCode(err, 'ClientError.NotFound');
}
