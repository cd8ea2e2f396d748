// Prune sweep (dry run: walk, age test, replica check at the check endpoint) over a tree of
// BENCH_PRUNE_FILES files (default 200,000 in folders of 1,000; half old, all replicated) vs
// `find <root> -type f -mtime +N`. Target ≤ 2x. Measured twice: with a warm cache (metadata in memory:
// pure CPU cost per file) and, where this process may drop the page cache (root), cold (what a daily
// sweep over a big disk meets). Then one real prune, reported but not compared.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median, report, timeOnce } from './lib.mjs';

const cli = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));
const total = Number(process.env.BENCH_PRUNE_FILES ?? 200_000);
const runs = Number(process.env.BENCH_RUNS_PRUNE ?? 3);
const perDir = 1000;
const root = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'splash-bench-prune-'));

function dropCaches() {
  spawnSync('sync');
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '3');
    return true;
  } catch {
    return false;
  }
}

try {
  const old = new Date(Date.now() - 10 * 86_400_000);
  const t0 = Date.now();
  for (let d = 0; d < total / perDir; d++) {
    const rel = `raw/p${String(d % 20).padStart(2, '0')}/scan_${String(d).padStart(4, '0')}`;
    mkdirSync(join(root, 'ep', rel), { recursive: true });
    for (let f = 0; f < perDir; f++) {
      const a = join(root, 'ep', rel, `frame_${String(f).padStart(5, '0')}.tif`);
      writeFileSync(a, 'frame');
      if (f % 2 === 0) utimesSync(a, old, old);
    }
  }
  // The replica keeps sizes and mtimes, as a verified move does.
  spawnSync('cp', ['-a', join(root, 'ep'), join(root, 'check')]);
  console.log(`made ${total} files (+${total} replicas) in ${fmt((Date.now() - t0) / 1000)}`);
  const config = join(root, 'config.yml');
  writeFileSync(config, `endpoints:
  ep: { type: filesystem, root_path: ${root}/ep }
  check: { type: filesystem, root_path: ${root}/check }
beamlines:
  "9.9.9":
    prune: [ { endpoint: ep, after_days: 5, check: check } ]
`);
  const env = { PATH: process.env.PATH, NO_COLOR: '1' };
  const findArgs = ['-c', 'find "$1" -type f -mtime +5 > /dev/null', 'sh', join(root, 'ep')];
  const pruneArgs = [cli, 'prune', '--dry-run', '--beamline', '9.9.9', '--config', config];

  const warm = { ours: [], base: [] };
  for (let i = 0; i < runs + 1; i++) {
    const b = timeOnce('sh', findArgs);
    const o = timeOnce(process.execPath, pruneArgs, { env });
    if (i > 0) { warm.base.push(b); warm.ours.push(o); } // the first round only warms the cache
  }
  report(`prune sweep over ${total} files, warm cache (dry run, median of ${runs})`, median(warm.ours), median(warm.base), 'find -type f -mtime +5', 2);

  if (dropCaches()) {
    const cold = { ours: [], base: [] };
    for (let i = 0; i < runs; i++) {
      dropCaches();
      cold.base.push(timeOnce('sh', findArgs));
      dropCaches();
      cold.ours.push(timeOnce(process.execPath, pruneArgs, { env }));
    }
    report(`prune sweep over ${total} files, cold cache (dry run, median of ${runs})`, median(cold.ours), median(cold.base), 'find -type f -mtime +5', 2);
  } else {
    console.log('cold-cache run skipped: cannot write /proc/sys/vm/drop_caches (needs root)');
  }
  const real = timeOnce(process.execPath, [cli, 'prune', '--beamline', '9.9.9', '--config', config], { env });
  console.log(`real prune deleting ${total / 2} verified files: ${fmt(real)}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
