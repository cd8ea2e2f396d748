/**
 * What every HPC centre's job controller shares (the seed's JobController per HPC): a scan goes in, a
 * JobOutcome comes out — the same record whether the job ran under Slurm at NERSC (src/hpc/slurm.ts) or
 * through Globus Compute at ALCF. Beamline folders (beamlines/blXXX/) say what the jobs do; the controller
 * says how they run and what counts as success.
 */
import type { RelPath } from '../paths.js';

import type { HpcName } from '../config/index.js';

export type { HpcName };

/** A scan as the recon step hands it over: its path relative to the endpoint roots. */
export interface Scan {
  readonly beamline: string;
  readonly rel: RelPath;
}

export interface TimelineEntry {
  /** A scheduler state (PENDING, RUNNING, COMPLETED, …) or a step event (submitted, found, cancelled). */
  readonly state: string;
  readonly at: Date;
}

/**
 * The status file a job writes at its end (and on any failure it can catch): a small JSON document with
 * numbers and fixed words only, so a shell script can write it safely. Fields beyond `ok` are per job kind.
 */
export interface JobStatusDoc {
  readonly ok: boolean;
  readonly stage?: string;
  readonly message?: string;
  readonly [key: string]: unknown;
}

export interface JobOutcome {
  readonly hpc: HpcName;
  /** What the job did: reconstruct, multires, ptychography. */
  readonly kind: string;
  readonly jobId: string;
  readonly jobName: string;
  /** The scheduler's end state (COMPLETED, FAILED, TIMEOUT, …), or CANCELLED by the step. */
  readonly state: string;
  readonly exitCode: string | undefined;
  /** Success: the scheduler says COMPLETED with exit 0:0 and the status file confirms the outputs. */
  readonly ok: boolean;
  /** A re-run found this job already submitted (and followed it) instead of submitting another. */
  readonly reused: boolean;
  /** Why it failed, one line. */
  readonly reason: string | undefined;
  readonly timeline: readonly TimelineEntry[];
  readonly elapsedSeconds: number | undefined;
  readonly walltimeSeconds: number;
  /** Absolute paths at the HPC centre the job promised. */
  readonly outputs: readonly string[];
  /** The outputs relative to the results folder, for the transfer back. */
  readonly results: readonly RelPath[];
  /** The rotation centre the reconstruction used (a number, or how it was found), when it says. */
  readonly centre: string | undefined;
  readonly status: JobStatusDoc | undefined;
  /** What made the outputs (container images, programs, the ALCF wrapper), for the catalogue. */
  readonly software: readonly string[];
  /** The last lines of the job's stderr (and stdout when stderr is empty). */
  readonly stderrTail: string;
  readonly logs: readonly string[];
}

/** The controller of one HPC centre for one beamline. ALCF's (Globus Compute) implements the same. */
export interface JobController<Options> {
  readonly hpc: HpcName;
  reconstruct(scan: Scan, options: Options): Promise<JobOutcome>;
  /** Beamlines with a viewing copy (8.3.2: multi-resolution zarr); runs only after a successful reconstruct. */
  buildMultiResolution?(scan: Scan, recon: JobOutcome, options: Options): Promise<JobOutcome>;
  /** The exact scripts (or requests) it would submit, for --dry-run; needs no credentials. */
  describe(scan: Scan, options: Options): { kind: string; name: string; text: string }[];
}
