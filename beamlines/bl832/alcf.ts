/**
 * 8.3.2 tomography at ALCF (RECON §2): the same two jobs as at NERSC — the reconstruction, then the
 * multi-resolution zarr — each one call of the wrapper (alcf/recon_wrapper.py) through Globus Compute, with
 * the layout of the NERSC jobs: the scan the Globus hop put at data_root/<path> is staged to
 * <scratch_root>/raw/<proposal>/<scan>.h5 (nothing to do when that is the same file), the programs run in
 * <scratch_root> and write <scratch_root>/scratch/<proposal>/rec<scan>/ and rec<scan>.zarr. The programs take
 * the arguments the NERSC ones take: <scan>.h5 <proposal> [first last], and tiff_to_zarr.py <tiff folder>
 * --raw_file <scan>. The wrapper checks what the NERSC scripts check, and answers with the same status document.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { AlcfJobSettings } from '../../src/config/index.js';
import type { AlcfJobs, ComputeFunction, ComputeJobSpec } from '../../src/hpc/alcf.js';
import type { JobStatusDoc, Scan } from '../../src/hpc/job.js';
import { jobName, stableJson } from '../../src/hpc/naming.js';
import { gatePath } from '../../src/paths.js';
import wrapperSource from './alcf/recon_wrapper.py';
import { scanNames } from './nersc.js';
import type { ReconOptions832 } from './recon-options.js';
import { binnedSlices, refuseEmpty, ROWS_PROBE, sliceCountProblem } from './slice-count.js';

export const ALCF_RECON_SCRIPT = 'globus_reconstruction.py';
export const ALCF_MULTIRES_SCRIPT = 'tiff_to_zarr.py';

/** The wrapper Globus Compute runs: its source travels in the bundle and is registered as text (`st`). */
export const wrapper832: ComputeFunction = {
  name: 'splash_recon',
  source: wrapperSource,
  description: 'splash-flows 8.3.2: run one reconstruction job with a time limit, check its outputs, return a verdict',
};

/** Which wrapper ran, for the catalogue: its name and the hash of its source. */
const wrapperId = `splash-flows ${wrapper832.name} (recon_wrapper.py sha256:${createHash('sha256').update(wrapperSource).digest('hex').slice(0, 12)})`;

interface Layout {
  readonly folder: string;
  readonly file: string;
  readonly stem: string;
  readonly src: string;
  readonly raw: string;
  readonly tiffDir: string;
  readonly zarr: string;
}

function layout(s: AlcfJobSettings, scan: Scan): Layout {
  const { folder, file, stem } = scanNames(scan.rel);
  const scratch = posix.join(s.scratch_root, 'scratch', folder);
  return {
    folder, file, stem,
    src: posix.join(s.data_root, scan.rel),
    raw: posix.join(s.scratch_root, 'raw', folder, file),
    tiffDir: posix.join(scratch, `rec${stem}`),
    zarr: posix.join(scratch, `rec${stem}.zarr`),
  };
}

/** Where the results are on Eagle, as the results endpoint (`recon.alcf.results[0].from`) shows them. */
export const alcfResultsRoot832 = (s: AlcfJobSettings): string => posix.join(s.scratch_root, 'scratch');

const logsOf = (s: AlcfJobSettings, name: string): string[] => [posix.join(s.log_root, `${name}.out`), posix.join(s.log_root, `${name}.err`)];

export function alcfReconJob832(s: AlcfJobSettings, scan: Scan, o: ReconOptions832): ComputeJobSpec {
  const l = layout(s, scan);
  const script = posix.join(s.scripts_root, ALCF_RECON_SCRIPT);
  const name = jobName('recon', `${l.folder}_${l.stem}`, { beamline: scan.beamline, rel: scan.rel, options: o, hpc: 'alcf', script, python: s.python });
  // A range's count is known here; a full scan's only from the raw file: the wrapper runs the probe with the
  // environment's python (which has h5py) after staging, and divides by the binning (slice-count.ts).
  const count = o.slices ? binnedSlices(o.slices.end - o.slices.start, o.binning) : undefined;
  refuseEmpty(count, o.slices, o.binning);
  const expected = count ?? { rows_probe: [s.python, '-c', ROWS_PROBE, l.raw], binning: o.binning };
  return {
    kind: 'reconstruct',
    name,
    job: {
      version: 1,
      name,
      kind: 'reconstruct',
      workdir: s.scratch_root,
      stage: { from: l.src, to: l.raw },
      clean: [l.tiffDir],
      argv: [s.python, script, l.file, l.folder, ...(o.slices ? [String(o.slices.start), String(o.slices.end)] : [])],
      env: { SPLASH_RECON_OPTIONS: stableJson(o) },
      timeout_seconds: s.walltime_seconds,
      log_dir: s.log_root,
      check: { kind: 'tiff-stack', dir: l.tiffDir, expected, centre_file: 'center.txt', requested_centre: o.centre === 'auto' ? `auto (${o.centre_method})` : String(o.centre) },
    },
    walltimeSeconds: s.walltime_seconds,
    queueAllowanceSeconds: s.queue_allowance_seconds,
    outputs: [l.tiffDir],
    results: [gatePath(`${l.folder}/rec${l.stem}`)],
    logs: logsOf(s, name),
    verify: (st: JobStatusDoc) => sliceCountProblem(st, 'the verdict'),
    centreOf: (st: JobStatusDoc) => (typeof st.centre === 'string' ? st.centre : undefined),
    software: [script, wrapperId],
  };
}

export function alcfMultiresJob832(s: AlcfJobSettings, scan: Scan, o: ReconOptions832): ComputeJobSpec {
  const l = layout(s, scan);
  const script = posix.join(s.scripts_root, ALCF_MULTIRES_SCRIPT);
  const name = jobName('multires', `${l.folder}_${l.stem}`, { beamline: scan.beamline, rel: scan.rel, options: o, hpc: 'alcf', script, python: s.python });
  return {
    kind: 'multires',
    name,
    job: {
      version: 1,
      name,
      kind: 'multires',
      workdir: s.scratch_root,
      stage: null,
      clean: [l.zarr],
      argv: [s.python, script, `scratch/${l.folder}/rec${l.stem}/`, '--raw_file', `raw/${l.folder}/${l.file}`],
      env: {},
      timeout_seconds: s.walltime_seconds,
      log_dir: s.log_root,
      check: { kind: 'zarr', dir: l.zarr, tiff_dir: l.tiffDir },
    },
    walltimeSeconds: s.walltime_seconds,
    queueAllowanceSeconds: s.queue_allowance_seconds,
    outputs: [l.zarr],
    results: [gatePath(`${l.folder}/rec${l.stem}.zarr`)],
    logs: logsOf(s, name),
    verify: (st: JobStatusDoc) => (typeof st.levels === 'number' && st.levels > 0 ? undefined : 'the verdict reports no zarr levels'),
    software: [script, wrapperId],
  };
}

export const alcfJobs832 = (s: AlcfJobSettings): AlcfJobs<ReconOptions832> => ({
  reconstruct: (scan, o) => alcfReconJob832(s, scan, o),
  multires: (scan, o) => alcfMultiresJob832(s, scan, o),
});
