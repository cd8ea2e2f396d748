/**
 * Fault injection for the Globus simulator: a table of armed faults, each matching a method ('*' for any)
 * and a path regex, consumed a given number of times. The first armed fault that matches a request wins.
 */

export type Fault =
  /** Answer with a Globus error body (`code` defaults from the status) and optionally a Retry-After header. */
  | { kind: 'status'; status: number; code?: string; message?: string; retryAfter?: number; times?: number }
  /** Destroy the socket without handling the request: nothing happens on the server. */
  | { kind: 'drop-before'; times?: number }
  /** Handle the request (e.g. create the task), then destroy the socket before the response is written. */
  | { kind: 'drop-after'; times?: number }
  /** Wait `ms`, then handle and answer normally. */
  | { kind: 'delay'; ms: number; times?: number };

interface ArmedFault {
  method: string;
  path: RegExp;
  fault: Fault;
  remaining: number;
}

/** The code a Globus-style error body carries for an injected status when the test gives none. */
export function defaultCodeFor(status: number): string {
  switch (status) {
    case 400:
      return 'ClientError.BadRequest';
    case 401:
      return 'AuthenticationFailed';
    case 403:
      return 'PermissionDenied';
    case 404:
      return 'ClientError.NotFound';
    case 409:
      return 'Conflict';
    case 429:
      return 'ClientError.RequestLimitExceeded';
    case 500:
      return 'InternalError';
    case 502:
      return 'BadGateway';
    case 503:
      return 'ServiceUnavailable';
    case 504:
      return 'GatewayTimeout';
    default:
      return status >= 500 ? 'ServerError' : 'ClientError';
  }
}

export class FaultTable {
  private readonly armed: ArmedFault[] = [];

  inject(method: string, path: RegExp, fault: Fault): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new Error(`fault times must be a positive integer, got ${String(fault.times)}`);
    if (fault.kind === 'status' && (!Number.isInteger(fault.status) || fault.status < 100 || fault.status > 599)) {
      throw new Error(`fault status must be an HTTP status, got ${String(fault.status)}`);
    }
    if (fault.kind === 'delay' && (!Number.isFinite(fault.ms) || fault.ms < 0)) throw new Error(`fault delay must be >= 0 ms`);
    this.armed.push({ method: method.toUpperCase(), path, fault, remaining: times });
  }

  /** The fault for this request, if any; consumes one use of it. */
  take(method: string, path: string): Fault | undefined {
    const m = method.toUpperCase();
    for (const a of this.armed) {
      if (a.remaining <= 0) continue;
      if (a.method !== '*' && a.method !== m) continue;
      a.path.lastIndex = 0; // a /g or /y regex must not carry state between requests
      if (!a.path.test(path)) continue;
      a.remaining -= 1;
      return a.fault;
    }
    return undefined;
  }

  /** How many armed uses are left over all faults (tests can assert every fault fired). */
  pending(): number {
    return this.armed.reduce((n, a) => n + a.remaining, 0);
  }
}
