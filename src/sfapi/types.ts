/** The SFAPI documents the client reads (CONTRACTS §2.2–2.7), and the job view it makes of squeue/sacct rows. */


export interface SystemStatus {
  readonly name: string;
  /** active, unavailable, degraded or other. */
  readonly status: string;
  readonly notes: readonly string[];
  readonly description: string;
}

export interface IrisClient {
  readonly name: string;
  readonly clientId: string;
  readonly expiresAt: Date | undefined;
}

export type TaskStatus = 'new' | 'completed' | 'cancelled' | 'failed';

/** Slurm's states (sfapi_client `JobState`); a waiting client must treat every end state as the end. */
export const ACTIVE_STATES: ReadonlySet<string> = new Set([
  'PENDING', 'RUNNING', 'COMPLETING', 'CONFIGURING', 'REQUEUED', 'REQUEUE_FED', 'REQUEUE_HOLD', 'RESIZING', 'RESV_DEL_HOLD',
  'SIGNALING', 'STAGE_OUT', 'SUSPENDED', 'STOPPED',
]);

/** One job as squeue or sacct shows it, read into one shape. */
export interface JobView {
  readonly source: 'squeue' | 'sacct';
  readonly jobId: string;
  readonly name: string;
  /** Long form, normalised: sacct's "CANCELLED by 71234" is CANCELLED. */
  readonly state: string;
  readonly reason: string;
  /** sacct's "exit:signal" (squeue has none). */
  readonly exitCode: string | undefined;
  readonly user: string;
  readonly submitTime: string | undefined;
  readonly startTime: string | undefined;
  readonly endTime: string | undefined;
  /** Seconds run so far (sacct elapsedraw, squeue time). */
  readonly elapsedSeconds: number | undefined;
  readonly timeLimitSeconds: number | undefined;
}
