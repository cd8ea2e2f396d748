// Tape archiving overhead: `splash hpss` on one proposal (list on the host, plan per cycle, write the
// bundles, verify each against its listing) vs the bare tool writing the same four bundles (`htar -cf` per
// bundle) through the same hsi/htar stand-ins (test/sim/hpss, which write real tars with GNU tar). Both run
// on this machine (no ssh), so the ratio is what the orchestration adds to the tool. Target ≤ 1.5x. Also
// printed: against one htar of everything. Every tool call here starts a node process (~50 ms), which the
// real, native hsi does not — but a real hsi call opens an HPSS session, so fewer calls matter there too.
// Size: BENCH_HPSS_FILES files of BENCH_HPSS_KIB KiB (defaults 2000 × 256 = 500 MiB), 4 bundles.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, hpssFixture } from './hpss-fixture.mjs';
import { fmt, median, report, sampleRotating, timeOnce } from './lib.mjs';

const { files, kib, runs, root, proposal, tape, bin, bundleGib } = hpssFixture('splash-bench-hpss-');
try {
  const config = join(root, 'config.yml');
  writeFileSync(config, `endpoints:
  cfs: { type: filesystem, root_path: ${root}/cfs }
  tape: { type: hpss, root_path: /hpss, hsi: ${bin}/hsi, htar: ${bin}/htar }
beamlines:
  "9.9.9":
    archive: { from: cfs, to: tape, bundle_max_gib: ${bundleGib} }
`);
  const env = { PATH: process.env.PATH, NO_COLOR: '1' };
  const clean = () => {
    rmSync(tape, { recursive: true, force: true });
    mkdirSync(join(tape, 'hpss/bare'), { recursive: true });
  };
  const contenders = {
    htar: () => timeOnce('sh', ['-c', 'cd "$1" && find . -type f > "$2/list" && "$3" -cf /hpss/bare/all.tar -L "$2/list"', 'sh', proposal, root, join(bin, 'htar')]),
    // The same four bundles by hand: what a careful person runs without planning, idx checks or verification.
    htar4: () =>
      timeOnce('sh', [
        '-c',
        'cd "$1" && find . -type f | sort > "$2/list" && split -n l/4 "$2/list" "$2/part." && for p in "$2"/part.*; do "$3" -cf "/hpss/bare/${p##*/}.tar" -L "$p" || exit 1; done; rm -f "$2"/part.*',
        'sh',
        proposal,
        root,
        join(bin, 'htar'),
      ]),
    splash: () => timeOnce(process.execPath, [cli, 'hpss', '--config', config, '-b', '9.9.9', 'raw/BLS-00001'], { env }),
  };
  const samples = sampleRotating(contenders, runs, clean);
  clean();
  contenders.splash();
  const archives = readdirSync(join(tape, 'hpss/9.9.9/raw/BLS-00001')).filter((n) => n.endsWith('.tar'));
  const rerun = median([0, 1, 2].map(() => contenders.splash()));
  const mib = (files * kib) / 1024;
  console.log(
    `hpss: ${files} files, ${mib.toFixed(0)} MiB → ${archives.length} archives; medians of ${runs}: splash ${fmt(median(samples.splash))}, ` +
      `one bare htar ${fmt(median(samples.htar))}, four bare htar ${fmt(median(samples.htar4))}; re-run (all on HPSS, verify only) ${fmt(rerun)}`,
  );
  console.log(`hpss vs one bare htar -cf of everything (no bundles, no checks): ${(median(samples.splash) / median(samples.htar)).toFixed(2)}x (information)`);
  report('hpss archive of one proposal', median(samples.splash), median(samples.htar4), 'the same 4 bundles by bare htar -cf', 1.5);
} finally {
  rmSync(root, { recursive: true, force: true });
}
