// Stand-ins for the programs a reconstruction job runs, with the argument shapes of the originals (RECON §1.3–1.5,
// §3) and strict about them: a wrong argument count, a missing or invisible input, or a path split by missing
// quotes ends the program with an error. Each obeys the behaviour the test set (common.mjs: fail, crash, short,
// swallow, sleepMs). They write small but well-formed outputs: 8-bit 4×4 TIFF slices, a zarr v2 group.
//   python <script.py> args…   runs the stand-in named by the script's marker line (sim.installProgram)
//   tomo-recon    = sfapi_reconstruction.py <stem>.h5 <folder> [sino_start sino_end]   (cwd: /alsuser)
//                   reads raw/<folder>/<stem>.h5, writes scratch/<folder>/rec<stem>/<stem>_NNNNN.tiff, one per
//                   slice of the sino range, else setProgram's `slices`, else `slices=N` in the input, else 8
//                   (binning n from SPLASH_RECON_OPTIONS: ⌊slices / n⌋ files, as tomopy's downsample floors)
//   scan-rows     = python -c <probe> <scan>.h5: the probe marked "# splash-flows: detector rows" (h5py's
//                   /exchange/data shape[1]); prints the rows tomo-recon would reconstruct of that scan
//   tiff-to-zarr  = tiff_to_zarr.py <tiff_directory> [--zarr_directory D] [--raw_file F]
//                   writes <tiff_directory>/../<name>.zarr (.zgroup, .zattrs, 3 levels of chunks)
//   ptychocam     = ptychocam_reconstruction.sh -i N [-r N] [-T N] [-M] <file>.cxi   → <stem>_ptychocam.h5
//   cdtools       = cdtools_reconstruction.sh <file>.cxi + 13 positional parameters     → <stem>_cdtools.h5
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { behaviour, checkAccess, die, sleep, traceback, visibleRoot } from './common.mjs';

const MARKER = /^# sfapi-sim stand-in: (\S+)$/m;

/** A 4×4 8-bit grayscale baseline TIFF whose pixels are `value`. */
function tinyTiff(value) {
  const tags = [
    [256, 3, 4], [257, 3, 4], [258, 3, 8], [259, 3, 1], [262, 3, 1], [273, 4, 0], [277, 3, 1], [278, 3, 4], [279, 4, 16],
  ];
  const dataOffset = 8 + 2 + tags.length * 12 + 4;
  const buf = Buffer.alloc(dataOffset + 16);
  buf.write('II', 0, 'latin1');
  buf.writeUInt16LE(42, 2);
  buf.writeUInt32LE(8, 4);
  buf.writeUInt16LE(tags.length, 8);
  tags.forEach(([tag, type, v], i) => {
    const o = 10 + i * 12;
    buf.writeUInt16LE(tag, o);
    buf.writeUInt16LE(type, o + 2);
    buf.writeUInt32LE(1, o + 4);
    const val = tag === 273 ? dataOffset : v;
    if (type === 3) buf.writeUInt16LE(val, o + 8);
    else buf.writeUInt32LE(val, o + 8);
  });
  buf.fill(value & 0xff, dataOffset);
  return buf;
}

/** Apply the modes that end a program before (or instead of) its work; returns the behaviour. */
async function prelude(name, script) {
  const b = behaviour(name);
  if (b.sleepMs) await sleep(b.sleepMs);
  if (b.mode === 'crash') {
    process.stderr.write(`Fatal Python error: Segmentation fault (sfapi-sim: injected crash of ${name})\n`);
    process.kill(process.pid, 'SIGSEGV');
    await sleep(10_000);
  }
  if (b.mode === 'fail') die(traceback(script, b.message ?? `RuntimeError: ${name} failed (sfapi-sim: injected failure)`), b.exitCode ?? 1);
  return b;
}

function requireFile(p, what, script) {
  checkAccess(p);
  if (!existsSync(p)) die(traceback(script, `FileNotFoundError: [Errno 2] No such file or directory: '${p}' (${what})`), 1);
  const st = statSync(p);
  if (!st.isFile()) die(traceback(script, `IsADirectoryError: [Errno 21] Is a directory: '${p}' (${what})`), 1);
  if (st.size === 0) die(traceback(script, `OSError: Unable to open file '${p}' (file signature not found: empty ${what})`), 1);
}

async function tomoRecon(argv, script) {
  const usage = `usage: ${basename(script)} <stem>.h5 <folder> [sino_start sino_end]`;
  if (argv.length !== 2 && argv.length !== 4) die(`${usage}\nerror: expected 2 or 4 arguments, got ${argv.length}: ${JSON.stringify(argv)}`, 2);
  const [file, folder, s0, s1] = argv;
  if (!/^[^/]+\.h5$/.test(file)) die(`${usage}\nerror: the file name must be <stem>.h5 without folders, got ${JSON.stringify(file)}`, 2);
  if (!folder || folder.includes('/') || folder === '.' || folder === '..') die(`${usage}\nerror: the folder must be one folder name, got ${JSON.stringify(folder)}`, 2);
  const b = await prelude('tomo-recon', script);
  let start = 0;
  let end;
  if (argv.length === 4) {
    if (!/^\d+$/.test(s0) || !/^\d+$/.test(s1) || Number(s0) >= Number(s1)) die(`${usage}\nerror: sino_start < sino_end must be integers, got ${JSON.stringify([s0, s1])}`, 2);
    start = Number(s0);
    end = Number(s1);
  }
  const input = resolve('raw', folder, file);
  if (b.mode === 'swallow') {
    process.stdout.write(`${traceback(script, 'RuntimeError: reconstruction failed (sfapi-sim: injected, swallowed)')}\nreconstruction completed\n`);
    return 0;
  }
  requireFile(input, 'raw HDF5 input', script);
  end ??= scanRows(input, b) ?? 8;
  const binning = Number(JSON.parse(process.env.SPLASH_RECON_OPTIONS ?? '{}').binning ?? 1);
  if (![1, 2, 4, 8].includes(binning)) die(traceback(script, `ValueError: binning ${binning} is not 1, 2, 4 or 8`), 1);
  const stem = file.slice(0, -3);
  const outDir = resolve('scratch', folder, `rec${stem}`);
  checkAccess(outDir, true);
  mkdirSync(outDir, { recursive: true });
  const slices = Math.floor((end - start) / binning);
  const first = Math.floor(start / binning);
  const count = b.mode === 'short' ? (b.writeSlices ?? slices - 1) : slices;
  process.stdout.write(`Reconstructing ${file}: rows ${start}..${end - 1} (${end - start}), binning ${binning}: ${slices} slices\n`);
  for (let i = 0; i < count; i++) writeFileSync(join(outDir, `${stem}_${String(first + i).padStart(5, '0')}.tiff`), tinyTiff(first + i));
  process.stdout.write(`Wrote ${count} slices to ${outDir}\nreconstruction completed\n`);
  return 0;
}

/**
 * The detector rows of a stand-in scan: the test's setting for tomo-recon, else `slices=N` in the (fake) HDF5
 * file itself — it travels with the file when the job copies it — else undefined.
 */
function scanRows(input, b = behaviour('tomo-recon')) {
  const n = /slices=(\d+)/.exec(readFileSync(input).subarray(0, 4096).toString('latin1'))?.[1];
  return b.slices ?? (n === undefined ? undefined : Number(n));
}

export const ROWS_PROBE_MARKER = '# splash-flows: detector rows of a Data Exchange scan (/exchange/data shape[1])\n';

/** python -c <the rows probe> <scan>.h5, as h5py would answer it for a stand-in scan. */
async function scanRowsProbe(argv) {
  const script = '<string>';
  if (argv.length !== 1) die(`sfapi-sim scan-rows: expected one argument (the scan), got ${JSON.stringify(argv)}`, 2);
  const b = await prelude('scan-rows', script);
  const input = resolve(argv[0]);
  checkAccess(input);
  if (!existsSync(input)) die(traceback(script, `FileNotFoundError: [Errno 2] Unable to synchronously open file (unable to open file: name = '${argv[0]}', errno = 2)`), 1);
  if (b.mode === 'swallow') return 0;
  const rows = scanRows(input);
  if (rows === undefined) die(traceback(script, 'KeyError: "Unable to synchronously open object (object \'exchange\' doesn\'t exist)"'), 1);
  process.stdout.write(`${rows}\n`);
  return 0;
}

async function tiffToZarr(argv, script) {
  const name = basename(script);
  const usage = `usage: ${name} [-h] [--zarr_directory ZARR_DIRECTORY] [--raw_file RAW_FILE] tiff_directory`;
  const opts = {};
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--(zarr_directory|raw_file)(?:=(.*))?$/.exec(a);
    if (m) {
      const v = m[2] ?? argv[++i];
      if (v === undefined) die(`${usage}\n${name}: error: argument --${m[1]}: expected one argument`, 2);
      opts[m[1]] = v;
    } else if (a.startsWith('-')) {
      die(`${usage}\n${name}: error: unrecognized arguments: ${argv.slice(i).join(' ')}`, 2);
    } else {
      positional.push(a);
    }
  }
  if (positional.length === 0) die(`${usage}\n${name}: error: the following arguments are required: tiff_directory`, 2);
  if (positional.length > 1) die(`${usage}\n${name}: error: unrecognized arguments: ${positional.slice(1).join(' ')}`, 2);
  const b = await prelude('tiff-to-zarr', script);
  const dir = resolve(positional[0]);
  checkAccess(dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) die(traceback(script, `FileNotFoundError: [Errno 2] No such file or directory: '${dir}'`), 1);
  const tiffs = readdirSync(dir).filter((f) => /\.tiff?$/.test(f)).sort();
  if (tiffs.length === 0) die(traceback(script, `ValueError: No TIFF files found in ${dir}`), 1);
  if (opts.raw_file !== undefined) requireFile(resolve(opts.raw_file), 'raw file', script);
  if (b.mode === 'swallow') {
    process.stdout.write(`${traceback(script, 'RuntimeError: zarr conversion failed (sfapi-sim: injected, swallowed)')}\n`);
    return 0;
  }
  const zarr = opts.zarr_directory !== undefined ? resolve(opts.zarr_directory) : join(dirname(dir), `${basename(dir)}.zarr`);
  checkAccess(zarr, true);
  mkdirSync(zarr, { recursive: true });
  const levels = 3;
  writeFileSync(join(zarr, '.zgroup'), JSON.stringify({ zarr_format: 2 }));
  const datasets = Array.from({ length: levels }, (_, l) => ({ path: String(l), coordinateTransformations: [{ type: 'scale', scale: [2 ** l, 2 ** l, 2 ** l] }] }));
  writeFileSync(join(zarr, '.zattrs'), JSON.stringify({
    multiscales: [{ version: '0.4', name: basename(zarr, '.zarr'), axes: [{ name: 'z', type: 'space' }, { name: 'y', type: 'space' }, { name: 'x', type: 'space' }], datasets }],
    sfapi_sim: { source_slices: tiffs.length },
  }));
  for (let l = 0; l < levels; l++) {
    const shape = [Math.max(1, Math.ceil(tiffs.length / 2 ** l)), Math.max(1, 4 >> l), Math.max(1, 4 >> l)];
    mkdirSync(join(zarr, String(l)), { recursive: true });
    writeFileSync(join(zarr, String(l), '.zarray'), JSON.stringify({ zarr_format: 2, shape, chunks: shape, dtype: '|u1', compressor: null, fill_value: 0, order: 'C', filters: null, dimension_separator: '/' }));
    if (b.mode === 'short') continue;
    mkdirSync(join(zarr, String(l), '0', '0'), { recursive: true });
    writeFileSync(join(zarr, String(l), '0', '0', '0'), Buffer.alloc(shape[0] * shape[1] * shape[2], l));
  }
  process.stdout.write(`Wrote ${zarr} (${tiffs.length} slices, ${levels} levels)\n`);
  return 0;
}

async function ptychocam(argv, script) {
  const usage = `usage: ${basename(script)} -i n_iter [-r period_illu_refine] [-T period_bg_refine] [-M] <file>.cxi`;
  const o = {};
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-M') o.M = true;
    else if (a === '-i' || a === '-r' || a === '-T') {
      const v = argv[++i];
      if (v === undefined || !/^\d+$/.test(v)) die(`${basename(script)}: option ${a} needs a whole number, got ${JSON.stringify(v)}\n${usage}`, 2);
      o[a.slice(1)] = Number(v);
    } else if (a.startsWith('-')) die(`${basename(script)}: illegal option -- ${a.slice(1)}\n${usage}`, 2);
    else positional.push(a);
  }
  if (o.i === undefined || o.i < 1) die(`${basename(script)}: -i n_iter is required\n${usage}`, 2);
  if (positional.length !== 1 || !positional[0].endsWith('.cxi')) die(`${usage}\nerror: expected one <file>.cxi, got ${JSON.stringify(positional)}`, 2);
  const b = await prelude('ptychocam', script);
  const cxi = resolve(positional[0]);
  requireFile(cxi, 'CXI input', script);
  const out = join(dirname(cxi), `${basename(cxi, '.cxi')}_ptychocam.h5`);
  checkAccess(out, true);
  if (b.mode === 'swallow' || b.mode === 'short') return 0;
  writeFileSync(out, `sfapi-sim ptychocam result: ${o.i} iterations\n`);
  process.stdout.write(`ptychocam: ${o.i} iterations on ${basename(cxi)} → ${out}\n`);
  return 0;
}

async function cdtools(argv, script) {
  const names = [
    'cxi', 'run_split_reconstructions', 'n_modes', 'oversampling_factor', 'propagation_distance', 'simulate_probe_translation',
    'n_init_rounds', 'n_init_iter', 'n_final_iter', 'translation_randomization', 'probe_initialization', 'init_background', 'probe_support_radius',
  ];
  if (argv.length !== names.length) die(`usage: ${basename(script)} ${names.join(' ')}\nerror: expected ${names.length} arguments, got ${argv.length}: ${JSON.stringify(argv)}`, 2);
  if (!argv[0].endsWith('.cxi')) die(`error: the first argument must be a <file>.cxi, got ${JSON.stringify(argv[0])}`, 2);
  const b = await prelude('cdtools', script);
  const cxi = resolve(argv[0]);
  requireFile(cxi, 'CXI input', script);
  const out = join(dirname(cxi), `${basename(cxi, '.cxi')}_cdtools.h5`);
  checkAccess(out, true);
  if (b.mode === 'swallow' || b.mode === 'short') return 0;
  writeFileSync(out, `sfapi-sim cdtools result: ${argv.slice(1).join(' ')}\n`);
  process.stdout.write(`cdtools: ${basename(cxi)} → ${out}\n`);
  return 0;
}

export const PROGRAMS = { 'tomo-recon': tomoRecon, 'tiff-to-zarr': tiffToZarr, ptychocam, cdtools };

/** The stand-in python: runs the program named by the marker in the script it is given. */
export async function python(argv) {
  let i = 0;
  while (['-u', '-B', '-E', '-s', '-I'].includes(argv[i])) i++;
  const first = argv[i];
  if (first === undefined) die('sfapi-sim python stand-in: no script given (interactive python is not simulated)', 2);
  if (first === '-c' && argv[i + 1]?.startsWith(ROWS_PROBE_MARKER)) return scanRowsProbe(argv.slice(i + 2));
  if (first === '-c' || first === '-m') die(`sfapi-sim python stand-in: ${first} is not simulated; run a script installed with sim.installProgram`, 2);
  if (first.startsWith('-')) die(`unknown option ${first}\nusage: python [option] ... [-c cmd | -m mod | file | -] [arg] ...`, 2);
  const script = resolve(first);
  if (visibleRoot(script) === undefined || !existsSync(script) || !statSync(script).isFile()) die(`python: can't open file '${script}': [Errno 2] No such file or directory`, 2);
  const m = MARKER.exec(readFileSync(script, 'utf8'));
  const run = m ? PROGRAMS[m[1]] : undefined;
  if (!run) die(`sfapi-sim python stand-in: ${script} is not a stand-in script (install one with sim.installProgram)`, 1);
  return run(argv.slice(i + 1), script);
}
