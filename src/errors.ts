/**
 * The error kinds every front door (action, CLI) understands. The kind decides the exit code:
 * usage, config and path errors are the caller's to fix (exit 2, nothing was touched);
 * a step error means the work itself failed (exit 1).
 */
import { redact } from './secrets.js';

export type ErrorKind = 'usage' | 'config' | 'path' | 'step' | 'not-configured';

export class SplashError extends Error {
  readonly kind: ErrorKind;
  /** What a person should do about it, shown under the message. */
  readonly hint: string | undefined;

  constructor(kind: ErrorKind, message: string, hint?: string) {
    // Redacted where it is made, like every error that may quote a request or an answer (src/secrets.ts).
    super(redact(message));
    this.name = 'SplashError';
    this.kind = kind;
    this.hint = hint === undefined ? undefined : redact(hint);
  }
}

export const usageError = (message: string, hint?: string): SplashError => new SplashError('usage', message, hint);
export const configError = (message: string, hint?: string): SplashError => new SplashError('config', message, hint);
export const pathError = (message: string, hint?: string): SplashError => new SplashError('path', message, hint);
export const stepError = (message: string, hint?: string): SplashError => new SplashError('step', message, hint);

/** Exit code for an error: 2 when the input was wrong (nothing happened), 1 when a step failed. */
export function exitCodeFor(err: unknown): 1 | 2 {
  if (err instanceof SplashError && (err.kind === 'usage' || err.kind === 'config' || err.kind === 'path')) return 2;
  return 1;
}

/** One line (plus hint) a person can act on, whatever was thrown; masked, since it goes to an output. */
export function describeError(err: unknown): string {
  if (err instanceof SplashError) return redact(err.hint ? `${err.message}\n  hint: ${err.hint}` : err.message);
  if (err instanceof Error) return redact(err.message);
  return redact(String(err));
}

/** The errno-style code of an error (ENOENT, ECONNRESET, UND_ERR_…), looking through its `cause` chain. */
export function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}
