// Restore throughput: `splash hpss restore` of a whole proposal (catalog, every member name through the path
// gate, extraction by list into a private folder, each file checked — size and the manifest's SHA-256 — then
// linked to its name) vs bare `htar -xf` of the same archives into an empty folder, through the same hsi/htar
// stand-ins (test/sim/hpss, real tars with GNU tar), both on this machine (no ssh): the ratio is what the
// checks add to the tool. Every tool call starts a node process (~50 ms) here; a real htar -x recalls tape.
// Size: BENCH_HPSS_FILES files of BENCH_HPSS_KIB KiB (defaults 2000 × 256 = 500 MiB), 4 archives.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, hpssFixture } from './hpss-fixture.mjs';
import { fmt, median, report, sampleRotating, timeOnce } from './lib.mjs';

const { files, kib, runs, root, tape, bin, bundleGib } = hpssFixture('splash-bench-restore-');
try {
  mkdirSync(join(tape, 'hpss'), { recursive: true });
  const config = join(root, 'config.yml');
  writeFileSync(config, `endpoints:
  cfs: { type: filesystem, root_path: ${root}/cfs }
  back: { type: filesystem, root_path: ${root}/back }
  tape: { type: hpss, root_path: /hpss, hsi: ${bin}/hsi, htar: ${bin}/htar }
beamlines:
  "9.9.9":
    archive: { from: cfs, to: tape, bundle_max_gib: ${bundleGib}, restore_to: back }
`);
  const env = { PATH: process.env.PATH, NO_COLOR: '1' };
  timeOnce(process.execPath, [cli, 'hpss', '--config', config, '--now', '2027-01-05', '-b', '9.9.9', 'raw/BLS-00001'], { env });
  const archiveDir = '/hpss/9.9.9/raw/BLS-00001';
  const archives = readdirSync(join(tape, archiveDir)).filter((n) => n.endsWith('.tar'));
  const clean = () => {
    rmSync(join(root, 'back'), { recursive: true, force: true });
    rmSync(join(root, 'bare'), { recursive: true, force: true });
    mkdirSync(join(root, 'back'));
    mkdirSync(join(root, 'bare'));
  };
  const contenders = {
    // What a person runs by hand: each archive extracted whole, nothing checked.
    htar: () => timeOnce('sh', ['-c', 'cd "$1" && shift && for a in "$@"; do "$HTAR" -xf "$a" || exit 1; done', 'sh', join(root, 'bare'), ...archives.map((a) => `${archiveDir}/${a}`)], { env: { ...env, HTAR: join(bin, 'htar') } }),
    splash: () => timeOnce(process.execPath, [cli, 'hpss', 'restore', '--config', config, '-b', '9.9.9', 'raw/BLS-00001'], { env }),
  };
  const samples = sampleRotating(contenders, runs, clean);
  const mib = (files * kib) / 1024;
  const ours = median(samples.splash);
  const base = median(samples.htar);
  // The same archives without their checksum manifests (as the original system wrote them): checked by size only.
  for (const a of archives) rmSync(join(tape, archiveDir, `${a}.b2sum`));
  const sizeOnly = median([0, 1, 2].slice(0, runs).map(() => { clean(); return contenders.splash(); }));
  clean();
  contenders.splash();
  const rerun = median([0, 1, 2].slice(0, runs).map(() => contenders.splash()));
  console.log(
    `hpss restore: ${files} files, ${mib.toFixed(0)} MiB from ${archives.length} archives; medians of ${runs}: splash ${fmt(ours)} (${(mib / ours).toFixed(0)} MiB/s), ` +
      `bare htar -xf ${fmt(base)} (${(mib / base).toFixed(0)} MiB/s); without manifests (size checks only) ${fmt(sizeOnly)} (${(sizeOnly / base).toFixed(2)}x); ` +
      `a re-run with everything in place (size only: fetched again and compared) ${fmt(rerun)}`,
  );
  report('hpss restore of one proposal (size + BLAKE2b of every file)', ours, base, 'bare htar -xf of the same archives', 1.5);
} finally {
  rmSync(root, { recursive: true, force: true });
}
