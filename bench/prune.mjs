// Prune sweep (dry run: walk, age test, replica check at the check endpoint) over a tree of
// BENCH_PRUNE_FILES files (default 200,000 in folders of 1,000; half old, all replicated, each copy with
// the verification record a verified move leaves, so the default `verify: checksum` reads no data) vs
// `find <root> -type f -mtime +N`. Target ≤ 2x. Measured twice: with a warm cache (metadata in memory:
// pure CPU cost per file) and, where this process may drop the page cache (root), cold (what a daily
// sweep over a big disk meets). Then, reported but not compared: the same dry run without records (both
// sides of every old file hashed, as for data moved before records existed), and one real prune.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createXXHash128 } from 'hash-wasm';
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
  // The replica keeps sizes and mtimes, as a verified move does, and gets the move's verification records.
  spawnSync('cp', ['-a', join(root, 'ep'), join(root, 'check')]);
  await writeRecords(join(root, 'ep'), join(root, 'check'));
  console.log(`made ${total} files (+${total} replicas and their verification records) in ${fmt((Date.now() - t0) / 1000)}`);
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
  // Data moved before verification records existed: the first prune hashes both sides of every old file.
  renameSync(join(root, 'check/.splash'), join(root, 'check-records'));
  console.log(`dry run without verification records (hashes ${total / 2} files on each side): ${fmt(timeOnce(process.execPath, pruneArgs, { env }))}`);
  renameSync(join(root, 'check-records'), join(root, 'check/.splash'));
  const real = timeOnce(process.execPath, [cli, 'prune', '--beamline', '9.9.9', '--config', config], { env });
  console.log(`real prune deleting ${total / 2} verified files: ${fmt(real)}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}

/**
 * What a verified move leaves with each copy (src/fs/verification-record.ts): under the copy's endpoint root,
 * one `.splash/verified/<2 hex>/<sha256(folder)>.jsonl` per folder, a line per file binding the XXH128 digest
 * to both files' identities.
 */
async function writeRecords(srcRoot, copyRoot) {
  const hasher = await createXXHash128();
  const identity = (st) => ({ dev: String(st.dev), ino: String(st.ino), size: String(st.size), mtimeNs: String(st.mtimeNs), ctimeNs: String(st.ctimeNs) });
  for (let d = 0; d < total / perDir; d++) {
    const dir = `raw/p${String(d % 20).padStart(2, '0')}/scan_${String(d).padStart(4, '0')}`;
    const lines = [];
    for (let f = 0; f < perDir; f++) {
      const rel = `${dir}/frame_${String(f).padStart(5, '0')}.tif`;
      hasher.init();
      hasher.update(readFileSync(join(copyRoot, rel)));
      lines.push(JSON.stringify({
        version: 1, rel, algorithm: 'xxh128', digest: hasher.digest('hex'),
        copy: identity(lstatSync(join(copyRoot, rel), { bigint: true })),
        source: { endpoint: 'ep', identity: identity(lstatSync(join(srcRoot, rel), { bigint: true })) },
        verifiedAt: new Date().toISOString(),
      }));
    }
    const key = createHash('sha256').update(dir).digest('hex');
    const folder = join(copyRoot, '.splash/verified', key.slice(0, 2));
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `${key}.jsonl`), `${lines.join('\n')}\n`);
  }
}
