// Tape archiving overhead: `splash hpss` on one proposal (list on the host, plan per cycle, write the
// bundles, verify each against its listing) vs the bare tool writing the same four bundles (`htar -cf` per
// bundle) through the same hsi/htar stand-ins (test/sim/hpss, which write real tars with GNU tar). Both run
// on this machine (no ssh), so the ratio is what the orchestration adds to the tool. Target ≤ 1.5x. Also
// printed: against one htar of everything. Every tool call here starts a node process (~50 ms), which the
// real, native hsi does not — but a real hsi call opens an HPSS session, so fewer calls matter there too.
// Size: BENCH_HPSS_FILES files of BENCH_HPSS_KIB KiB (defaults 2000 × 256 = 500 MiB), 4 bundles.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median, report, sampleRotating, timeOnce } from './lib.mjs';

const cli = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));
const tools = fileURLToPath(new URL('../test/sim/hpss/tools.mjs', import.meta.url));
const files = Number(process.env.BENCH_HPSS_FILES ?? 2000);
const kib = Number(process.env.BENCH_HPSS_KIB ?? 256);
const runs = Number(process.env.BENCH_RUNS_HPSS ?? 3);
const root = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'splash-bench-hpss-'));
try {
  const proposal = join(root, 'cfs/raw/BLS-00001');
  const spring = new Date('2026-03-01T12:00:00Z');
  for (let i = 0; i < files; i++) {
    const dir = join(proposal, `scan_${String(Math.floor(i / 100)).padStart(3, '0')}`);
    mkdirSync(dir, { recursive: true });
    const f = join(dir, `frame_${String(i).padStart(5, '0')}.tif`);
    writeFileSync(f, randomBytes(kib * 1024));
    utimesSync(f, spring, spring);
  }
  const tape = join(root, 'tape');
  const bin = join(root, 'bin');
  mkdirSync(bin);
  for (const tool of ['hsi', 'htar']) {
    writeFileSync(join(bin, tool), `#!/bin/sh\nexec '${process.execPath}' '${tools}' ${tool} --root '${tape}' -- "$@"\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  const bundleGib = (files * kib) / 1024 / 1024 / 4 + 0.0001;
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
