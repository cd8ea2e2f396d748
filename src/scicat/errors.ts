/**
 * Errors of the SciCat client. Each names the method, path and status and what the backend said, so a run
 * log line is enough to act on. None carries the username, password, token, request headers or the query
 * string: errors are built only from the method, the URL path and the response body, and what they keep of
 * the body is redacted here, where they are made (a backend may echo the request into its error text).
 */
import { redact, redactValue } from '../secrets.js';
import { isRecord } from '../is-record.js';

/** Server text made safe for one log line: no control or invisible characters, bounded length. */
export function oneLine(text: string, max = 400): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export interface ScicatApiErrorInit {
  method: string;
  path: string;
  status: number;
  /** The backend's message, flattened to one readable string. */
  apiMessage: string;
  /** Individual validation messages when the backend listed several (class-validator), else []. */
  details?: string[];
  attempts: number;
  body?: unknown;
  advice?: string | undefined;
}

/** The backend answered, and the answer was an error (or a 2xx that is not what the API promises). */
export class ScicatApiError extends Error {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly apiMessage: string;
  readonly details: readonly string[];
  readonly attempts: number;
  readonly body: unknown;

  constructor(init: ScicatApiErrorInit) {
    const tries = init.attempts > 1 ? ` after ${init.attempts} attempts` : '';
    const advice = init.advice ? ` — ${init.advice}` : '';
    // Redacted before it is cut to one line: a cut credential would no longer match its mask.
    super(redact(`SciCat ${init.method} ${init.path} → ${init.status}: ${oneLine(redact(init.apiMessage))}${tries}${advice}`));
    this.name = 'ScicatApiError';
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.apiMessage = redact(init.apiMessage);
    this.details = (init.details ?? []).map(redact);
    this.attempts = init.attempts;
    this.body = redactValue(init.body);
  }
}

/** Login refused: wrong username or password (never named in the message). */
export class ScicatAuthError extends ScicatApiError {
  constructor(init: ScicatApiErrorInit) {
    super(init);
    this.name = 'ScicatAuthError';
  }
}

/** No usable HTTP answer (refused, reset, closed, timed out) even after the retries. */
export class ScicatNetworkError extends Error {
  readonly method: string;
  readonly path: string;
  readonly attempts: number;
  readonly errorCode: string | undefined;

  constructor(init: { method: string; path: string; attempts: number; errorCode?: string | undefined; cause: unknown }) {
    const what = oneLine(redact(init.cause instanceof Error ? init.cause.message : String(init.cause)));
    const code = init.errorCode ? `${init.errorCode}: ` : '';
    const tries = init.attempts === 1 ? '1 attempt' : `${init.attempts} attempts`;
    super(redact(`SciCat ${init.method} ${init.path} failed after ${tries}: ${code}${what}`), { cause: init.cause });
    this.name = 'ScicatNetworkError';
    this.method = init.method;
    this.path = init.path;
    this.attempts = init.attempts;
    this.errorCode = init.errorCode;
  }
}

/** A client-side check failed before anything was sent (see validateRawDataset). */
export class ScicatValidationError extends Error {
  readonly issues: readonly string[];

  constructor(what: string, issues: string[]) {
    super(redact(`${what} is not valid for SciCat: ${oneLine(redact(issues.join('; ')))}`));
    this.name = 'ScicatValidationError';
    this.issues = issues;
  }
}

/** class-validator's error tree → "field: constraint message" lines. */
function flattenValidation(errors: unknown[], prefix = ''): string[] {
  const out: string[] = [];
  for (const e of errors) {
    if (!isRecord(e)) {
      if (typeof e === 'string') out.push(e);
      continue;
    }
    const prop = typeof e.property === 'string' ? `${prefix}${e.property}` : prefix.replace(/\.$/, '');
    if (isRecord(e.constraints)) {
      for (const m of Object.values(e.constraints)) if (typeof m === 'string') out.push(m.includes(prop) || prop === '' ? m : `${prop}: ${m}`);
    }
    if (Array.isArray(e.children)) out.push(...flattenValidation(e.children, prop ? `${prop}.` : ''));
  }
  return out;
}

/**
 * The backend's message out of its error body. Shapes (CONTRACTS §3.8): NestJS `{message: str|[str], error,
 * statusCode}`; dataset validation `{status: 400, message: "<JSON of class-validator errors>"}`; a bare JSON
 * string (`"Internal server error"`); or a proxy's text page.
 */
export function backendMessage(body: unknown): { message: string; details: string[] } {
  if (body === undefined) return { message: 'no error body', details: [] };
  if (typeof body === 'string') return { message: oneLine(body, 200) || 'an empty body', details: [] };
  if (!isRecord(body)) return { message: oneLine(JSON.stringify(body), 200), details: [] };
  const m = body.message;
  if (Array.isArray(m)) {
    const details = flattenValidation(m);
    return { message: details.join('; ') || 'validation failed', details };
  }
  if (typeof m === 'string' && m !== '') {
    const trimmed = m.trim();
    if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
      try {
        const parsed: unknown = JSON.parse(trimmed);
        const details = flattenValidation(Array.isArray(parsed) ? parsed : [parsed]);
        if (details.length > 0) return { message: details.join('; '), details };
      } catch {
        /* not JSON after all: use as is */
      }
    }
    return { message: m, details: [] };
  }
  if (typeof body.error === 'string') return { message: body.error, details: [] };
  return { message: oneLine(JSON.stringify(body), 200), details: [] };
}
