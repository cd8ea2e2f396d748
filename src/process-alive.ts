import { errorCode } from './errors.js';

/**
 * Whether a process of this host exists (signal 0 checks without sending anything). Only ESRCH says it is
 * gone: EPERM means it exists under another user, and any other failure is no proof of death — a lock or a
 * partial file is never taken from a process that may still be working.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) !== 'ESRCH';
  }
}
