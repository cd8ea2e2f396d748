/**
 * The JobController both centres share: a beamline's jobs (one spec per job kind, bound to its options), a
 * runner that takes one spec to its verdict — Slurm through the SFAPI, or a Globus Compute task — and how a
 * spec is shown for --dry-run. Without a runner the controller only describes.
 */
import type { HpcName, JobController, JobOutcome, Scan } from './job.js';

export interface JobSpecs<O, S> {
  reconstruct(scan: Scan, options: O): S;
  /** Beamlines with a viewing copy (8.3.2: multi-resolution zarr). */
  multires?(scan: Scan, options: O): S;
}

export interface ShownJob {
  readonly kind: string;
  readonly name: string;
  readonly text: string;
}

export class SpecController<O, S> implements JobController<O> {
  constructor(
    readonly hpc: HpcName,
    private readonly jobs: JobSpecs<O, S>,
    private readonly runner: ((spec: S) => Promise<JobOutcome>) | undefined,
    private readonly show: (spec: S) => ShownJob,
  ) {}

  #go(spec: S): Promise<JobOutcome> {
    if (!this.runner) throw new Error(`${this.hpc} controller: describe only (no client)`);
    return this.runner(spec);
  }

  reconstruct(scan: Scan, options: O): Promise<JobOutcome> {
    return this.#go(this.jobs.reconstruct(scan, options));
  }

  get buildsMultiResolution(): boolean {
    return this.jobs.multires !== undefined;
  }

  buildMultiResolution(scan: Scan, _recon: JobOutcome, options: O): Promise<JobOutcome> {
    if (!this.jobs.multires) throw new Error('this beamline builds no multi-resolution copy');
    return this.#go(this.jobs.multires(scan, options));
  }

  /** Every job's spec as the centre would receive it. */
  describe(scan: Scan, options: O): ShownJob[] {
    const specs = [this.jobs.reconstruct(scan, options), ...(this.jobs.multires ? [this.jobs.multires(scan, options)] : [])];
    return specs.map((s) => this.show(s));
  }
}
