// A throw-away facility for the hpss tests: a proposal folder on "CFS", a folder playing HPSS that the
// hsi/htar stand-ins (test/sim/hpss/tools.mjs) write real tar archives into, a restore folder, and the
// config.yml that names them. The tools run over ssh (an sshd the test starts) or on the runner itself.
import { chmodSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { dist, repoRoot, runNode, tempDir, writeFileAt } from './helpers.js';
import type { Sshd } from './sim/sshd.js';

export const HPSS_ROOT = '/home/a/alsdev/data_mover';
export const TOOLS = join(repoRoot, 'test/sim/hpss/tools.mjs');

export interface SiteConfig {
  ssh?: boolean;
  archive?: string;
  port?: number;
  /** Extra lines under the hpss endpoint (e.g. an sfapi: section) instead of ssh. */
  transport?: string;
  /** Extra top-level sections (scicat:, sfapi:). */
  extra?: string;
  /** Extra beamline keys (ingest:, prune:). */
  beamline?: string;
}

export interface Site {
  root: string;
  config: string;
  /** The folder playing HPSS (HPSS paths map below it). */
  tape: string;
  /** Where a restore writes (endpoint restore832). */
  restored: string;
  bin: string;
  /** Every hsi/htar invocation, one JSON array per line. */
  calls: () => string[][];
  tools: (opts?: { fail?: string }) => void;
  writeConfig: (opts?: SiteConfig) => void;
}

export async function makeSite(sshd: Sshd | undefined): Promise<Site> {
  const root = await tempDir('splash-hpss-');
  const tape = join(root, 'tape');
  const bin = join(root, 'bin');
  const log = join(root, 'calls.log');
  await mkdir(join(tape, HPSS_ROOT), { recursive: true });
  await mkdir(bin, { recursive: true });
  await mkdir(join(root, 'cfs/raw'), { recursive: true });
  await mkdir(join(root, 'restored'), { recursive: true });
  writeFileSync(log, '');
  const tools = (opts: { fail?: string } = {}): void => {
    for (const tool of ['hsi', 'htar']) {
      const extra = opts.fail ? ` --fail '${opts.fail}'` : '';
      writeFileSync(join(bin, tool), `#!/bin/sh\nexec '${process.execPath}' '${TOOLS}' ${tool} --root '${tape}' --log '${log}'${extra} -- "$@"\n`);
      chmodSync(join(bin, tool), 0o755);
    }
  };
  tools();
  const config = join(root, 'config.yml');
  const writeConfig = (opts: SiteConfig = {}): void => {
    const ssh =
      opts.transport ??
      (opts.ssh === false || !sshd ? '' : `    ssh: { host: 127.0.0.1, port: ${String(opts.port ?? sshd.port)}, user: ${sshd.user}, key_path: ${sshd.keyPath}, known_hosts: ${sshd.knownHosts} }\n`);
    writeFileSync(
      config,
      `endpoints:
  cfs832: { type: filesystem, root_path: ${root}/cfs }
  restore832: { type: filesystem, root_path: ${root}/restored }
  hpss_alsdev:
    type: hpss
    root_path: ${HPSS_ROOT}
${ssh}    hsi: ${bin}/hsi
    htar: ${bin}/htar
${opts.extra ?? ''}beamlines:
  "8.3.2":
    archive: ${opts.archive ?? '{ from: cfs832, to: hpss_alsdev, time_zone: America/Los_Angeles, bundle_max_gib: 0.000001 }'}
${opts.beamline ?? ''}`,
    );
  };
  writeConfig();
  const calls = (): string[][] =>
    readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as string[]);
  return { root, config, tape, restored: join(root, 'restored'), bin, calls, tools, writeConfig };
}

/** The CLI as a user runs it; the terminal context writes its log to stderr, so `out` is what they read. */
export async function splash(site: Site, ...args: string[]) {
  // Cycles are reckoned from a fixed date (all of 2026 ended) unless a test gives its own.
  const restoreOrLs = args[0] === 'restore' || args[0] === 'ls';
  const now = restoreOrLs || args.includes('--now') ? [] : ['--now', '2027-01-05'];
  const r = await runNode(dist('cli'), ['hpss', '--config', site.config, ...now, ...args]);
  return { ...r, out: r.stdout + r.stderr };
}

export const LONG = `${'n'.repeat(120)}.h5`;

/** The data files fillProposal writes, with their content (the symlink is not data). */
export const PROPOSAL_FILES: Readonly<Record<string, string>> = {
  'autumn/scan_900.h5': 'E'.repeat(70),
  'evening.h5': 'D'.repeat(50),
  [LONG]: 'L'.repeat(30),
  'scan_001.h5': 'A'.repeat(600),
  'scan_002.h5': 'B'.repeat(600),
  'sub/with space.h5': 'C'.repeat(100),
};

/** A proposal with files in two beam cycles, a sub-folder, a name with a space, an over-long name and a symlink. */
export async function fillProposal(site: Site, name = 'BLS-00564'): Promise<string> {
  const dir = join(site.root, 'cfs/raw', name);
  const spring = new Date('2026-03-02T17:00:00Z');
  await writeFileAt(join(dir, 'scan_001.h5'), 'A'.repeat(600), spring);
  await writeFileAt(join(dir, 'scan_002.h5'), 'B'.repeat(600), spring);
  await writeFileAt(join(dir, 'sub/with space.h5'), 'C'.repeat(100), spring);
  // 23:30 on July 15 in California: still cycle 1 there, already July 16 in UTC.
  await writeFileAt(join(dir, 'evening.h5'), 'D'.repeat(50), new Date('2026-07-16T06:30:00Z'));
  await writeFileAt(join(dir, 'autumn/scan_900.h5'), 'E'.repeat(70), new Date('2026-09-10T12:00:00Z'));
  await writeFileAt(join(dir, LONG), 'L'.repeat(30), spring);
  symlinkSync('/etc/passwd', join(dir, 'link.h5'));
  return dir;
}
