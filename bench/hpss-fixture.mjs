// The tape benchmarks' facility: one proposal of BENCH_HPSS_FILES files of BENCH_HPSS_KIB KiB (defaults
// 2000 × 256 = 500 MiB) in 20 scan folders, and hsi/htar wrappers for the stand-ins (test/sim/hpss), which
// write real tars with GNU tar into a folder playing HPSS.
import { chmodSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const cli = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));
const tools = fileURLToPath(new URL('../test/sim/hpss/tools.mjs', import.meta.url));

export function hpssFixture(prefix) {
  const files = Number(process.env.BENCH_HPSS_FILES ?? 2000);
  const kib = Number(process.env.BENCH_HPSS_KIB ?? 256);
  const runs = Number(process.env.BENCH_RUNS_HPSS ?? 3);
  const root = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), prefix));
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
  // Four bundles of the proposal.
  const bundleGib = (files * kib) / 1024 / 1024 / 4 + 0.0001;
  return { files, kib, runs, root, proposal, tape, bin, bundleGib };
}
