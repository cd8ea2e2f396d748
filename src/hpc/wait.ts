/** What following a job shares at every centre: a wait that a cancelled step cuts short, and its error. */
import { setTimeout as delay } from 'node:timers/promises';
import { SplashError } from '../errors.js';

/** The step was cancelled (SIGINT/SIGTERM) while a job ran: what happened to the job is in the message. */
export class JobCancelled extends SplashError {
  constructor(message: string, hint?: string) {
    super('step', message, hint);
    this.name = 'JobCancelled';
  }
}

/** Sleeps `ms`, or less when the signal aborts (the caller checks the signal). */
export async function sleepOrAbort(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch {
    // aborted: the caller checks the signal
  }
}
