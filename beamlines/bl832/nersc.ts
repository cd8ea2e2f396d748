/**
 * 8.3.2 tomography at NERSC (RECON §1.3–1.5, §8c): the reconstruction job and the multi-resolution (zarr)
 * job, as Slurm scripts rendered from config.yml's `recon.nersc` and the scan's options. The layout is the
 * original system's: the moved scan (data_root/<rel>) is staged to <scratch_root>/raw/<folder>/<file>, the
 * TIFF stack is written to <scratch_root>/scratch/<folder>/rec<stem>/ and the zarr next to it, where
 * <folder> is the scan's proposal folder. What the scripts check and report is theirs, not the program's:
 * every process is waited for by its pid, the slice files are counted, the zarr's metadata read back, and a
 * status file says what happened.
 */
import { posix } from 'node:path';
import type { NerscJobSettings } from '../../src/config/index.js';
import { configError, usageError } from '../../src/errors.js';
import { containerArgv, type Mount } from '../../src/hpc/container.js';
import type { JobStatusDoc, Scan } from '../../src/hpc/job.js';
import { jobName, stableJson } from '../../src/hpc/naming.js';
import { directives, ownerPathOf, prologue } from '../../src/hpc/slurm-script.js';
import type { SlurmJobSpec } from '../../src/hpc/slurm.js';
import { gatePath, type RelPath } from '../../src/paths.js';
import { shq } from '../../src/shell.js';
import type { ReconOptions832 } from './recon-options.js';
import { rangeSlices, refuseEmpty, ROWS_PROBE, sliceCountProblem } from './slice-count.js';

export const RECON_SCRIPT = 'sfapi_reconstruction.py';
export const MULTIRES_SCRIPT = 'tiff_to_zarr.py';

/** The names the original layout uses: the proposal folder, the file, its stem. */
export interface ScanNames {
  readonly folder: string;
  readonly file: string;
  readonly stem: string;
}

export function scanNames(rel: RelPath): ScanNames {
  const parts = rel.split('/');
  const file = parts.at(-1) ?? '';
  const folder = parts.at(-2);
  if (!file.endsWith('.h5') || file === '.h5') throw usageError(`${rel}: 8.3.2 reconstructs Data Exchange HDF5 scans (<name>.h5)`, 'dispatch the .h5 file of the scan');
  if (folder === undefined) throw usageError(`${rel}: an 8.3.2 scan lives in a proposal folder (<proposal>/<scan>.h5)`, 'dispatch the path with its proposal folder');
  return { folder, file, stem: file.slice(0, -3) };
}

const q = (argv: readonly string[]): string => argv.map(shq).join(' ');

interface Layout {
  readonly names: ScanNames;
  readonly src: string;
  readonly rawDir: string;
  readonly raw: string;
  readonly tiffDir: string;
  readonly zarr: string;
  readonly resultsRel: { tiff: RelPath; zarr: RelPath };
}

function layout(s: NerscJobSettings, scan: Scan): Layout {
  const names = scanNames(scan.rel);
  const scratch = posix.join(s.scratch_root, 'scratch', names.folder);
  return {
    names,
    src: posix.join(s.data_root, scan.rel),
    rawDir: posix.join(s.scratch_root, 'raw', names.folder),
    raw: posix.join(s.scratch_root, 'raw', names.folder, names.file),
    tiffDir: posix.join(scratch, `rec${names.stem}`),
    zarr: posix.join(scratch, `rec${names.stem}.zarr`),
    resultsRel: { tiff: gatePath(`${names.folder}/rec${names.stem}`), zarr: gatePath(`${names.folder}/rec${names.stem}.zarr`) },
  };
}

/** Where the results are, as the results endpoint (`recon.results[].from`) must see them. */
export const resultsRoot832 = (s: NerscJobSettings): string => posix.join(s.scratch_root, 'scratch');

function image(s: NerscJobSettings, key: string): string {
  const ref = s.images[key];
  if (ref === undefined) throw configError(`${s.images_from}: no ${key}`, `add ${key}: <image reference> (the original layout's ghcr_images832 has recon_image and multires_image)`);
  return ref;
}

function scriptsRoot(s: NerscJobSettings): string {
  if (s.scripts_root === undefined) throw configError('beamlines.8.3.2.recon.nersc.scripts_root is not set', `set it to the folder at NERSC holding ${RECON_SCRIPT} and ${MULTIRES_SCRIPT}`);
  return s.scripts_root;
}

/** The container's view: the work folder at /alsuser (the image's WORKDIR) and /alsdata, the scripts read-only at /opt/scripts. */
function mounts(s: NerscJobSettings): Mount[] {
  return [
    { host: scriptsRoot(s), container: '/opt/scripts', readOnly: true },
    { host: s.scratch_root, container: '/alsuser' },
    { host: s.scratch_root, container: '/alsdata' },
  ];
}

function threads(s: NerscJobSettings): Record<string, string> {
  if (s.cpus_per_task === undefined) return {};
  const n = String(s.cpus_per_task);
  return { OMP_NUM_THREADS: n, MKL_NUM_THREADS: n, NUMEXPR_NUM_THREADS: n, NUMEXPR_MAX_THREADS: n };
}

/** [start, end) split over the nodes, one range per node, none empty. */
export function splitRange(start: number, end: number, nodes: number): [number, number][] {
  const size = Math.ceil((end - start) / nodes);
  const out: [number, number][] = [];
  for (let a = start; a < end; a += size) out.push([a, Math.min(end, a + size)]);
  return out;
}

const header = (s: NerscJobSettings, name: string, imageRef: string) =>
  directives({
    jobName: name, account: s.account, qos: s.qos, constraint: s.constraint, nodes: s.nodes, ntasksPerNode: 1,
    cpusPerTask: s.cpus_per_task, gpus: s.gpus, walltimeSeconds: s.walltime_seconds, exclusive: s.exclusive, logDir: s.log_root,
    image: s.container === 'shifter' ? imageRef : undefined, singleton: true,
  });

/** The reconstruction job's name: the scan, the options and the image make it. */
const reconName = (s: NerscJobSettings, scan: Scan, l: Layout, o: ReconOptions832): string =>
  jobName('recon', `${l.names.folder}_${l.names.stem}`, { beamline: scan.beamline, rel: scan.rel, options: o, image: image(s, 'recon_image') });

/** The reconstruction job: stage the scan, run the recon (one process per node over its slice range), count the slices. */
export function reconJob832(s: NerscJobSettings, scan: Scan, o: ReconOptions832): SlurmJobSpec {
  const l = layout(s, scan);
  const ref = image(s, 'recon_image');
  const name = reconName(s, scan, l, o);
  const ranges = o.slices ? splitRange(o.slices.start, o.slices.end, s.nodes) : [undefined];
  // A range's count is known here; a full scan's only from the raw file, read in the job (slice-count.ts).
  const expected = ranges[0] ? rangeSlices(ranges as [number, number][], o.binning) : undefined;
  refuseEmpty(expected, o.slices, o.binning);
  const requested = o.centre === 'auto' ? `auto (${o.centre_method})` : String(o.centre);
  const env = { ...threads(s), SPLASH_RECON_OPTIONS: stableJson(o) };
  const container = (command: string[]): string[] => containerArgv({ runtime: s.container, image: ref, mounts: mounts(s), env, workdir: '/alsuser', command });
  const count = expected !== undefined ? [] : [
    'STAGE=count',
    '# a full scan: its slices are the detector rows of the raw file (/exchange/data shape[1]), binned',
    `ROWS=$(${q(container(['python', '-c', ROWS_PROBE, `raw/${l.names.folder}/${l.names.file}`]))} | tail -n 1) || fail "could not read the detector rows (/exchange/data shape[1]) of the scan, so the slices cannot be counted"`,
    '# (the message goes into the status JSON as it is: no quotes, nothing read from outside)',
    'case "$ROWS" in ""|*[!0-9]*) fail "the detector rows of the scan (/exchange/data shape[1]) did not read as a number" ;; esac',
    `EXPECTED=$(( 10#$ROWS / ${String(o.binning)} ))`,
    `[ "$EXPECTED" -gt 0 ] || fail "$ROWS detector rows with binning ${String(o.binning)} leave no slice to reconstruct"`,
  ];
  const runs = ranges.flatMap((r) => [
    `${q(['srun', '--nodes=1', '--ntasks=1', ...container(['python', `/opt/scripts/${RECON_SCRIPT}`, l.names.file, l.names.folder, ...(r ? [String(r[0]), String(r[1])] : [])])])} &`,
    'pids+=("$!")',
  ]);
  const script = [
    ...header(s, name, ref),
    ...prologue(s.log_root),
    `# splash-flows: 8.3.2 tomography reconstruction (generated; every value is quoted). Options: ${stableJson(o).replace(/[^\x20-\x7e]/g, '?')}`,
    `SRC=${shq(l.src)}`,
    `RAW_DIR=${shq(l.rawDir)}`,
    `RAW=${shq(l.raw)}`,
    `OUT=${shq(l.tiffDir)}`,
    `OWNER=${shq(ownerPathOf(s.log_root, l.tiffDir))}`,
    `EXPECTED=${shq(expected === undefined ? '' : String(expected))}`,
    'WRITTEN=',
    `centre() { local c; c=$(head -c 64 -- "$OUT/center.txt" 2>/dev/null | tr -d '[:space:]' || true); case "$c" in ""|*[!0-9.]*) c=${shq(requested)} ;; esac; printf '"%s"' "$c"; }`,
    `status_fields() { printf ',"slices_expected":%s,"slices_written":%s,"centre":%s' "$(num "$EXPECTED")" "$(num "$WRITTEN")" "$(centre)"; }`,
    'STAGE=stage',
    '[ -f "$SRC" ] || fail "the scan is not at NERSC where the move put it (recon.nersc.data_root)"',
    'mkdir -p -- "$RAW_DIR" "$(dirname -- "$OUT")"',
    '# stage the scan on scratch unless an identical copy (size and mtime) is there',
    'if [ "$(stat -c \'%s %Y\' -- "$SRC")" != "$(stat -c \'%s %Y\' -- "$RAW" 2>/dev/null || true)" ]; then',
    '  cp -p -- "$SRC" "$RAW.splash-partial"',
    '  mv -f -- "$RAW.splash-partial" "$RAW"',
    'fi',
    '# the slices counted below must be this job\'s',
    ...count,
    'claim "$OWNER"',
    'rm -rf -- "$OUT"',
    'STAGE=reconstruct',
    'pids=()',
    ...runs,
    'for pid in "${pids[@]}"; do wait "$pid" || fail "a reconstruction process exited with an error"; done',
    'STAGE=check',
    '[ -d "$OUT" ] || fail "the reconstruction wrote no output folder"',
    'WRITTEN=$(find "$OUT" -maxdepth 1 -type f \\( -name \'*.tif\' -o -name \'*.tiff\' \\) | wc -l)',
    'EMPTY=$(find "$OUT" -maxdepth 1 -type f \\( -name \'*.tif\' -o -name \'*.tiff\' \\) -size 0 | wc -l)',
    '[ "$WRITTEN" -gt 0 ] || fail "the reconstruction wrote no slices"',
    '[ "$EMPTY" -eq 0 ] || fail "$EMPTY slice file(s) are empty"',
    '[ "$WRITTEN" -eq "$EXPECTED" ] || fail "wrote $WRITTEN slices, expected $EXPECTED"',
    'owned "$OWNER" || fail "another job rewrote the output folder while this one ran"',
    'STAGE=finished',
    'write_status true "wrote $WRITTEN slices"',
    '',
  ].join('\n');
  return {
    kind: 'reconstruct',
    name,
    script,
    walltimeSeconds: s.walltime_seconds,
    queueAllowanceSeconds: s.queue_allowance_seconds,
    logDir: s.log_root,
    outputs: [l.tiffDir],
    owners: [ownerPathOf(s.log_root, l.tiffDir)],
    results: [l.resultsRel.tiff],
    verify: (st: JobStatusDoc) => sliceCountProblem(st, 'the status file'),
    centreOf: (st: JobStatusDoc) => (typeof st.centre === 'string' ? st.centre : undefined),
    software: [ref, `${scriptsRoot(s)}/${RECON_SCRIPT}`],
  };
}

/** The multi-resolution job: the TIFF stack to an OME-Zarr pyramid, its metadata read back. */
export function multiresJob832(s: NerscJobSettings, scan: Scan, o: ReconOptions832): SlurmJobSpec {
  const l = layout(s, scan);
  const ref = image(s, 'multires_image');
  const name = jobName('multires', `${l.names.folder}_${l.names.stem}`, { beamline: scan.beamline, rel: scan.rel, options: o, image: ref });
  const env = threads(s);
  const run = containerArgv({
    runtime: s.container, image: ref, mounts: mounts(s), env, workdir: '/alsuser',
    command: ['python', `/opt/scripts/${MULTIRES_SCRIPT}`, `scratch/${l.names.folder}/rec${l.names.stem}/`, '--raw_file', `raw/${l.names.folder}/${l.names.file}`],
  });
  const script = [
    ...header(s, name, ref),
    ...prologue(s.log_root),
    '# splash-flows: 8.3.2 multi-resolution copy (generated; every value is quoted)',
    `TIFF=${shq(l.tiffDir)}`,
    `ZARR=${shq(l.zarr)}`,
    `OWNER=${shq(ownerPathOf(s.log_root, l.zarr))}`,
    `TIFF_OWNER=${shq(ownerPathOf(s.log_root, l.tiffDir))}`,
    `RECON_JOB=${shq(reconName(s, scan, l, o))}`,
    '# the TIFF stack must be the reconstruction of these options: another run may have rewritten it since',
    'from_recon() { case "$(cat -- "$TIFF_OWNER" 2>/dev/null || true)" in "$RECON_JOB "*) return 0 ;; *) return 1 ;; esac; }',
    'SLICES=',
    'LEVELS=',
    `status_fields() { printf ',"slices":%s,"levels":%s' "$(num "$SLICES")" "$(num "$LEVELS")"; }`,
    'STAGE=stage',
    '[ -d "$TIFF" ] || fail "no TIFF stack to convert (the reconstruction output is missing)"',
    'from_recon || fail "the TIFF stack is not the reconstruction of these options (another run rewrote it)"',
    'SLICES=$(find "$TIFF" -maxdepth 1 -type f \\( -name \'*.tif\' -o -name \'*.tiff\' \\) | wc -l)',
    '[ "$SLICES" -gt 0 ] || fail "the TIFF stack is empty"',
    'claim "$OWNER"',
    'rm -rf -- "$ZARR"',
    'STAGE=multires',
    `${q(['srun', '--nodes=1', '--ntasks=1', ...run])} &`,
    'pid=$!',
    'wait "$pid" || fail "tiff_to_zarr exited with an error"',
    'STAGE=check',
    'if [ ! -f "$ZARR/.zgroup" ] || [ ! -f "$ZARR/.zattrs" ]; then fail "the zarr has no group metadata (.zgroup, .zattrs)"; fi',
    '# read the OME-Zarr metadata back: every level has an array, level 0 holds every slice and data chunks',
    'if ! LEVELS=$(python3 - "$ZARR" "$SLICES" <<\'PY\'',
    'import json, os, sys',
    'zarr, slices = sys.argv[1], int(sys.argv[2])',
    'attrs = json.load(open(os.path.join(zarr, ".zattrs")))',
    'datasets = attrs["multiscales"][0]["datasets"]',
    'for d in datasets:',
    '    json.load(open(os.path.join(zarr, d["path"], ".zarray")))',
    'level0 = os.path.join(zarr, datasets[0]["path"])',
    'shape = json.load(open(os.path.join(level0, ".zarray")))["shape"]',
    'if shape[0] != slices:',
    '    sys.exit("level 0 has %d slices, the TIFF stack %d" % (shape[0], slices))',
    'chunks = [f for r, _, fs in os.walk(level0) for f in fs if not f.startswith(".z")]',
    'if not chunks:',
    '    sys.exit("level 0 has no data chunks")',
    'print(len(datasets))',
    'PY',
    '); then LEVELS=; fail "the zarr metadata does not describe the TIFF stack (the error is above)"; fi',
    'owned "$OWNER" || fail "another job rewrote the zarr while this one ran"',
    'from_recon || fail "another run rewrote the TIFF stack while the zarr was built"',
    'STAGE=finished',
    'write_status true "zarr with $LEVELS levels of $SLICES slices"',
    '',
  ].join('\n');
  return {
    kind: 'multires',
    name,
    script,
    walltimeSeconds: s.walltime_seconds,
    queueAllowanceSeconds: s.queue_allowance_seconds,
    logDir: s.log_root,
    outputs: [l.zarr],
    owners: [ownerPathOf(s.log_root, l.zarr)],
    results: [l.resultsRel.zarr],
    verify: (st: JobStatusDoc) => (typeof st.levels === 'number' && st.levels > 0 ? undefined : 'the status file reports no zarr levels'),
    software: [ref, `${scriptsRoot(s)}/${MULTIRES_SCRIPT}`],
  };
}
