// Many small files, one hop: `splash move` of a folder of BENCH_SMALL_FILES files (default 1,000 of 4 bytes,
// in 10 sub-folders) between two file-system endpoints — every file under a temporary name, size and XXH128 of
// both sides, mtime kept, durable before it gets its final name, a verification record — vs `cp -r` of the same
// folder followed by `sync -f` (both durable). Target ≤ 2x per hop. Also the same files named one by one (a
// list dispatch of 1,000 paths), and a re-run that finds them all in place.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median, report, sampleRotating, timeOnce } from './lib.mjs';

const cli = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));
const count = Number(process.env.BENCH_SMALL_FILES ?? 1000);
const bytes = Number(process.env.BENCH_SMALL_BYTES ?? 4);
const runs = Number(process.env.BENCH_RUNS_SMALL ?? 5);
const root = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'splash-bench-small-'));
try {
  const rels = [];
  for (let i = 0; i < count; i++) {
    const rel = `raw/many/d${i % 10}/f${String(i).padStart(5, '0')}.tif`;
    rels.push(rel);
    mkdirSync(join(root, 'a', rel, '..'), { recursive: true });
    writeFileSync(join(root, 'a', rel), 'x'.repeat(bytes));
  }
  for (const d of ['b', 'c']) mkdirSync(join(root, d));
  const config = join(root, 'config.yml');
  writeFileSync(config, `endpoints:
  a: { type: filesystem, root_path: ${root}/a }
  b: { type: filesystem, root_path: ${root}/b }
beamlines:
  "9.9.9":
    move: [ { from: a, to: b } ]
`);
  const env = { PATH: process.env.PATH, NO_COLOR: '1' };
  const move = (paths) => () => timeOnce(process.execPath, [cli, 'move', '--beamline', '9.9.9', '--config', config, ...paths], { env });
  const contenders = {
    cpsync: () => timeOnce('sh', ['-c', 'cp -r "$1" "$2" && sync -f "$2"', 'sh', join(root, 'a/raw/many'), join(root, 'c/many')]),
    folder: move(['raw/many']),
    list: move(rels),
  };
  const clean = () => {
    rmSync(join(root, 'c/many'), { recursive: true, force: true });
    rmSync(join(root, 'b/raw'), { recursive: true, force: true });
    rmSync(join(root, 'b/.splash'), { recursive: true, force: true });
    spawnSync('sync');
  };
  const samples = sampleRotating(contenders, runs, clean);
  // A re-run over copies already in place (each proven by its verification record).
  clean();
  contenders.folder();
  const rerun = Array.from({ length: runs }, () => contenders.folder());
  clean();
  console.log(`${count} files of ${bytes} B, one hop (median of ${runs}): cp -r + sync -f ${fmt(median(samples.cpsync))}, ` +
    `splash move of the folder ${fmt(median(samples.folder))}, of ${count} paths ${fmt(median(samples.list))}, re-run (all in place) ${fmt(median(rerun))}`);
  console.log(`  samples: cp+sync [${samples.cpsync.map(fmt).join(', ')}], folder [${samples.folder.map(fmt).join(', ')}], ` +
    `paths [${samples.list.map(fmt).join(', ')}], re-run [${rerun.map(fmt).join(', ')}]`);
  report(`${count} small files, one hop (folder)`, median(samples.folder), median(samples.cpsync), 'cp -r && sync -f', 2);
  report(`${count} small files, one hop (${count} paths)`, median(samples.list), median(samples.cpsync), 'cp -r && sync -f', 2);
} finally {
  rmSync(root, { recursive: true, force: true });
}
