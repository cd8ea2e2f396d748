/**
 * How many slices an 8.3.2 reconstruction must write, so that a program that writes part of the stack and exits
 * 0 fails the job. A scan's slices are its detector rows: `/exchange/data` is (angles, rows, columns) and each
 * row is one sinogram, one slice (RECON §1.5, §2: the original reads shape[1] with h5py inside the job).
 *
 * - A slice range [start, end) asks for end − start rows; a full scan for all of them, a count only the raw file
 *   knows, so the job reads it (ROWS_PROBE, with the recon image's or environment's python and h5py) before the
 *   reconstruction runs, and fails when it cannot.
 * - Binning n (tomopy-cli's --binning log2 n; tomopy.downsample) merges n rows into one slice and drops the
 *   remainder: a process given r rows writes ⌊r / n⌋ slices. With the range split over nodes, each process bins
 *   its own share, so the count is the sum over the shares.
 */
import { usageError } from '../../src/errors.js';
import type { JobStatusDoc } from '../../src/hpc/job.js';

/** Python that prints the number of detector rows of a Data Exchange scan (argv[1]), or exits non-zero saying why. */
export const ROWS_PROBE = [
  '# splash-flows: detector rows of a Data Exchange scan (/exchange/data shape[1])',
  'import sys, h5py',
  'with h5py.File(sys.argv[1], "r") as f:',
  '    shape = f["/exchange/data"].shape',
  'if len(shape) != 3 or shape[1] < 1:',
  '    sys.exit("/exchange/data has shape %r; expected (angles, rows, columns)" % (shape,))',
  'print(shape[1])',
].join('\n');

/** Slices a process given `rows` sinogram rows writes with binning `binning`. */
export const binnedSlices = (rows: number, binning: number): number => Math.floor(rows / binning);

/** Slices the processes given these [start, end) shares write together. */
export const rangeSlices = (shares: readonly (readonly [number, number])[], binning: number): number =>
  shares.reduce((n, [a, b]) => n + binnedSlices(b - a, binning), 0);

/** A slice range the binning leaves empty is refused before anything is submitted (a usage error). */
export function refuseEmpty(expected: number | undefined, slices: { start: number; end: number } | undefined, binning: number): void {
  if (expected === 0) throw usageError(`slices ${String(slices?.start)}–${String(slices?.end)} with binning ${String(binning)} leave no slice to reconstruct`, 'widen the slice range or lower the binning');
}

/** Whether a job's status (`what`: the status file at NERSC, the verdict at ALCF) shows the whole stack written; the reason when not. */
export function sliceCountProblem(st: JobStatusDoc, what: string): string | undefined {
  const written = typeof st.slices_written === 'number' ? st.slices_written : 0;
  if (written <= 0) return `${what} reports no slices written`;
  if (typeof st.slices_expected !== 'number') return `${what} does not say how many slices were expected`;
  if (st.slices_expected !== written) return `${what} reports ${String(written)} slices, ${String(st.slices_expected)} expected`;
  return undefined;
}
