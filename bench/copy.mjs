// Verified copy of a large file between file-system endpoints (temp name, XXH128 of source and copy,
// fsync, mtime, rename) vs `cp` of the same file. Target ≤ 1.5x. Size: BENCH_COPY_GIB (default 2).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, rmSync, writeSync, closeSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median, report, sampleRotating, timeOnce } from './lib.mjs';

const cli = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));
const gib = Number(process.env.BENCH_COPY_GIB ?? 2);
const runs = Number(process.env.BENCH_RUNS_COPY ?? 3);
const root = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'splash-bench-copy-'));
try {
  for (const d of ['a/raw', 'b', 'c']) mkdirSync(join(root, d), { recursive: true });
  const src = join(root, 'a/raw/big.h5');
  const block = randomBytes(8 << 20);
  const fd = openSync(src, 'w');
  for (let i = 0; i < (gib * 1024) / 8; i++) writeSync(fd, block);
  closeSync(fd);
  const config = join(root, 'config.yml');
  writeFileSync(config, `endpoints:
  a: { type: filesystem, root_path: ${root}/a }
  b: { type: filesystem, root_path: ${root}/b }
beamlines:
  "9.9.9":
    move: [ { from: a, to: b } ]
`);
  const env = { PATH: process.env.PATH, NO_COLOR: '1' };
  const contenders = {
    cp: () => timeOnce('cp', [src, join(root, 'c/big.h5')]),
    cpsync: () => timeOnce('sh', ['-c', 'cp "$1" "$2" && sync -f "$2"', 'sh', src, join(root, 'c/big.h5')]),
    splash: () => timeOnce(process.execPath, [cli, 'move', '--beamline', '9.9.9', '--config', config, 'raw/big.h5'], { env }),
  };
  // Each run writes to an empty destination; its output is removed and flushed before the next run, and
  // the order rotates every round, so no contender always pays for the one before it.
  const clean = () => {
    rmSync(join(root, 'c/big.h5'), { force: true });
    rmSync(join(root, 'b/raw'), { recursive: true, force: true });
    spawnSync('sync');
  };
  const samples = sampleRotating(contenders, runs, clean);
  clean();
  const [base, baseSync, ours] = [samples.cp, samples.cpsync, samples.splash];
  console.log(`verified copy of ${gib} GiB (median of ${runs}): cp ${fmt(median(base))}, cp+sync ${fmt(median(baseSync))}, splash move ${fmt(median(ours))}`);
  console.log(`  samples: cp [${base.map(fmt).join(', ')}], cp+sync [${baseSync.map(fmt).join(', ')}], splash [${ours.map(fmt).join(', ')}]`);
  report(`verified copy ${gib} GiB`, median(ours), median(base), 'cp', 1.5);
  report(`verified copy ${gib} GiB (both durable)`, median(ours), median(baseSync), 'cp && sync', 1.5);
} finally {
  rmSync(root, { recursive: true, force: true });
}
