/**
 * Errors of the NERSC Superfacility API client. The SFAPI fails in two layers (CONTRACTS §2.8): HTTP errors
 * (401/403/404/422/5xx), and HTTP 200 bodies whose `status` is "ERROR" with an `error` text — both become an
 * SfapiApiError naming the method, the path and what NERSC said. Like every error that may quote an answer,
 * they are redacted where they are made (src/secrets.ts): a gateway that echoes the request must not leak the
 * bearer token or the client assertion.
 */
import { oneLine } from '../globus/errors.js';
import { redact, redactValue } from '../secrets.js';

export interface SfapiApiErrorInit {
  method: string;
  path: string;
  /** HTTP status; 200 when the body said status ERROR. */
  status: number;
  apiMessage: string;
  attempts: number;
  body?: unknown;
  advice?: string | undefined;
}

export class SfapiApiError extends Error {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly apiMessage: string;
  readonly attempts: number;
  readonly body: unknown;

  constructor(init: SfapiApiErrorInit) {
    const tries = init.attempts > 1 ? ` after ${init.attempts} attempts` : '';
    const advice = init.advice ? ` — ${init.advice}` : '';
    const what = init.status === 200 ? 'status ERROR' : String(init.status);
    super(redact(`NERSC SFAPI ${init.method} ${init.path} → ${what}: ${oneLine(redact(init.apiMessage))}${tries}${advice}`));
    this.name = 'SfapiApiError';
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.apiMessage = redact(init.apiMessage);
    this.attempts = init.attempts;
    this.body = redactValue(init.body);
  }
}

/** No usable HTTP answer (refused, reset, timed out) even after the retries. */
export class SfapiNetworkError extends Error {
  readonly errorCode: string | undefined;
  constructor(init: { method: string; path: string; attempts: number; errorCode?: string | undefined; cause: unknown }) {
    const what = oneLine(redact(init.cause instanceof Error ? init.cause.message : String(init.cause)));
    const tries = init.attempts === 1 ? '1 attempt' : `${init.attempts} attempts`;
    super(redact(`NERSC SFAPI ${init.method} ${init.path} failed after ${tries}: ${init.errorCode ? `${init.errorCode}: ` : ''}${what}`), { cause: init.cause });
    this.name = 'SfapiNetworkError';
    this.errorCode = init.errorCode;
  }
}

/** The message an SFAPI error body carries: `error`, `detail` (a string or FastAPI's list), or the raw text. */
export function sfapiMessage(body: unknown, text: string): string {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    if (typeof b.error === 'string' && b.error !== '') return typeof b.error_description === 'string' ? `${b.error}: ${b.error_description}` : b.error;
    if (typeof b.detail === 'string') return b.detail;
    if (Array.isArray(b.detail)) {
      return b.detail
        .map((d: unknown) => {
          const issue = (d ?? {}) as { loc?: unknown; msg?: unknown };
          return `${Array.isArray(issue.loc) ? issue.loc.join('.') : '?'}: ${typeof issue.msg === 'string' ? issue.msg : JSON.stringify(d)}`;
        })
        .join('; ');
    }
  }
  return text.trim() === '' ? 'an empty body' : text;
}
