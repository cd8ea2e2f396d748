// Metadata extraction from a ~2 GiB Data Exchange file vs a ~2 MiB one with the same metadata. Each file is
// read in its own child process so peak RSS is the reader's alone. Target: large/small time ≤ 1.2x, peak RSS
// < 150 MB for the large file. Run: bundle with esbuild and run with node (see the report), or wire into run.mjs.
// BENCH_HDF5_GIB sets the large file's size (default 2).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import h5wasm from 'h5wasm/node';
import { readDataExchangeMetadata } from '../src/scicat/hdf5.js';
import { writeDataExchange } from '../src/scicat/sample-scan.js';

const FRAME = 1024; // 1024 x 1024 uint16 = 2 MiB per projection
const RUNS = 15;

interface Measurement {
  firstMs: number;
  medianMs: number;
  maxRssMb: number;
  fields: number;
}

/** A Data Exchange file with `frames` projections of 1024 x 1024 uint16, written 16 frames at a time. */
async function writeFile(path: string, frames: number): Promise<void> {
  await writeDataExchange(path, { projections: null, seriesLength: 1313 });
  const file = new h5wasm.File(path, 'a');
  try {
    const block = Math.min(16, frames);
    const data = new Uint16Array(block * FRAME * FRAME);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 20;
    const group = file.create_group('exchange');
    const ds = group.create_dataset({ name: 'data', data, shape: [block, FRAME, FRAME], maxshape: [null, FRAME, FRAME], chunks: [1, FRAME, FRAME], dtype: '<H' });
    if (frames > block) {
      ds.resize([frames, FRAME, FRAME]);
      for (let start = block; start < frames; start += block) {
        const end = Math.min(frames, start + block);
        ds.write_slice([[start, end], [], []], end - start === block ? data : data.subarray(0, (end - start) * FRAME * FRAME));
      }
    }
  } finally {
    file.close();
  }
}

async function measure(path: string): Promise<Measurement> {
  const times: number[] = [];
  let fields = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const md = await readDataExchangeMetadata(path);
    times.push(performance.now() - t0);
    fields = Object.keys(md.scientific).length + Object.keys(md.samples).length + Object.keys(md.catalogue).length;
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { firstMs: times[0] ?? 0, medianMs: sorted[Math.floor(sorted.length / 2)] ?? 0, maxRssMb: process.resourceUsage().maxRSS / 1024, fields };
}

function measureInChild(path: string): Measurement {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), 'measure', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  if (r.status !== 0) throw new Error(`measuring ${path} failed (exit ${String(r.status)})`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Measurement;
}

if (process.argv[2] === 'measure' && process.argv[3] !== undefined) {
  await h5wasm.ready;
  process.stdout.write(`${JSON.stringify(await measure(process.argv[3]))}\n`);
} else {
  const gib = Number(process.env.BENCH_HDF5_GIB ?? 2);
  const dir = mkdtempSync(join(tmpdir(), 'splash-bench-hdf5-'));
  try {
    const small = join(dir, 'small.h5');
    const large = join(dir, 'large.h5');
    await writeFile(small, 1);
    const t0 = performance.now();
    await writeFile(large, Math.round((gib * 1024) / 2));
    const writeS = (performance.now() - t0) / 1000;
    const s = measureInChild(small);
    const l = measureInChild(large);
    const mib = (p: string): string => (statSync(p).size / 2 ** 20).toFixed(1);
    console.log(`hdf5 metadata: small file ${mib(small)} MiB, large file ${mib(large)} MiB (written in ${writeS.toFixed(1)} s), ${l.fields} fields each`);
    console.log(`  small: first ${s.firstMs.toFixed(1)} ms, median of ${RUNS} ${s.medianMs.toFixed(2)} ms, peak RSS ${s.maxRssMb.toFixed(0)} MB`);
    console.log(`  large: first ${l.firstMs.toFixed(1)} ms, median of ${RUNS} ${l.medianMs.toFixed(2)} ms, peak RSS ${l.maxRssMb.toFixed(0)} MB`);
    const ratio = l.medianMs / s.medianMs;
    console.log(`  ratio large/small ${ratio.toFixed(2)}x (target ≤ 1.2x); large peak RSS ${l.maxRssMb.toFixed(0)} MB (target < 150 MB)`);
    if (s.fields !== l.fields) console.log(`  WARNING: field counts differ (${s.fields} vs ${l.fields})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
