/**
 * A step that holds work elsewhere (a Slurm job) must hand it back when it is cancelled: the runner cancels
 * a workflow step with SIGINT, then SIGTERM (a person presses Ctrl-C). While a step runs with this, those
 * signals abort its AbortSignal instead of ending the process, so it can cancel its job and report it.
 */
export interface Cancellation {
  readonly signal: AbortSignal;
  /** Which signal arrived, once one did. */
  readonly received: () => NodeJS.Signals | undefined;
  dispose(): void;
}

export function cancelOnSignals(signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): Cancellation {
  const ac = new AbortController();
  let received: NodeJS.Signals | undefined;
  const handler = (sig: NodeJS.Signals): void => {
    received ??= sig;
    ac.abort(new Error(`received ${sig}`));
  };
  for (const s of signals) process.on(s, handler);
  return {
    signal: ac.signal,
    received: () => received,
    dispose: () => {
      for (const s of signals) process.off(s, handler);
    },
  };
}
