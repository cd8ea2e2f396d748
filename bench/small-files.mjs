// Many small files: `splash move` of a folder of BENCH_SMALL_FILES files (default 1,000 of 4 bytes, in 10
// sub-folders) over two file-system hops (a → b → c, as a dispatch moves them) — every file under a temporary
// name, size and XXH128 of both sides, mtime kept, durable before it gets its final name, a verification
// record — vs the same two hops done by `cp -r` and `sync` (cp -r a b && sync && cp -r b c && sync: both
// durable). Target ≤ 2x per hop. Also printed: the same files named one by one (a list of 1,000 paths), a
// re-run that finds them all in place, and the fixed cost of a move (one 1-byte file) that every run pays.
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
  writeFileSync(join(root, 'a/raw/one.tif'), 'x');
  for (const d of ['b', 'c', 'cb', 'cc']) mkdirSync(join(root, d));
  const config = join(root, 'config.yml');
  writeFileSync(config, `endpoints:
  a: { type: filesystem, root_path: ${root}/a }
  b: { type: filesystem, root_path: ${root}/b }
  c: { type: filesystem, root_path: ${root}/c }
beamlines:
  "9.9.9":
    move: [ { from: a, to: b }, { from: b, to: c } ]
`);
  // TMPDIR: the list of moved files a terminal run writes (over 50 files) stays in the bench folder.
  const env = { PATH: process.env.PATH, NO_COLOR: '1', TMPDIR: root };
  const move = (paths) => () => timeOnce(process.execPath, [cli, 'move', '--beamline', '9.9.9', '--config', config, ...paths], { env });
  const contenders = {
    cpsync: () => timeOnce('sh', ['-c', 'cp -r "$1/raw/many" "$2/" && sync && cp -r "$2/many" "$3/" && sync', 'sh', join(root, 'a'), join(root, 'cb'), join(root, 'cc')]),
    // The same with `sync -f`: only the destination's file system is flushed (on a shared machine `sync` also
    // waits for everyone else's writes).
    cpsyncf: () => timeOnce('sh', ['-c', 'cp -r "$1/raw/many" "$2/" && sync -f "$2" && cp -r "$2/many" "$3/" && sync -f "$3"', 'sh', join(root, 'a'), join(root, 'cb'), join(root, 'cc')]),
    folder: move(['raw/many']),
    list: move(rels),
  };
  const clean = () => {
    for (const d of ['cb/many', 'cc/many', 'b/raw', 'b/.splash', 'c/raw', 'c/.splash']) rmSync(join(root, d), { recursive: true, force: true });
    spawnSync('sync');
  };
  const samples = sampleRotating(contenders, runs, clean);
  // A re-run over copies already in place (each proven by its verification record), and the cost of any move.
  clean();
  contenders.folder();
  const rerun = Array.from({ length: runs }, () => contenders.folder());
  const one = Array.from({ length: runs }, () => {
    clean();
    return move(['raw/one.tif'])();
  });
  clean();
  console.log(`${count} files of ${bytes} B over 2 hops (median of ${runs}): cp -r + sync ${fmt(median(samples.cpsync))} (with sync -f ${fmt(median(samples.cpsyncf))}), ` +
    `splash move of the folder ${fmt(median(samples.folder))}, of ${count} paths ${fmt(median(samples.list))}; ` +
    `re-run (all in place) ${fmt(median(rerun))}; a move of one file ${fmt(median(one))}`);
  console.log(`  samples: cp+sync [${samples.cpsync.map(fmt).join(', ')}], cp+sync -f [${samples.cpsyncf.map(fmt).join(', ')}], folder [${samples.folder.map(fmt).join(', ')}], ` +
    `paths [${samples.list.map(fmt).join(', ')}], re-run [${rerun.map(fmt).join(', ')}], one file [${one.map(fmt).join(', ')}]`);
  report(`${count} small files, per hop (folder)`, median(samples.folder) / 2, median(samples.cpsync) / 2, 'cp -r && sync', 2);
  report(`${count} small files, per hop (${count} paths)`, median(samples.list) / 2, median(samples.cpsync) / 2, 'cp -r && sync', 2);
  report(`${count} small files, per hop (folder)`, median(samples.folder) / 2, median(samples.cpsyncf) / 2, 'cp -r && sync -f', 2);
} finally {
  rmSync(root, { recursive: true, force: true });
}
