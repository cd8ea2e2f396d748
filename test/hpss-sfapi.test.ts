// The hpss steps over the SFAPI transport: the same scripts as Slurm jobs in the transfer QOS, submitted to
// the SFAPI simulator, which runs them with bash and puts the hsi/htar stand-ins on the job's PATH
// (test/sim/sfapi/bin/hsi, htar → test/sim/hpss/tools.mjs over the folder SFAPI_SIM_HPSS_ROOT names).
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { dist, runNode, tempDir, writeFileAt } from './helpers.js';
import { HPSS_ROOT } from './hpss-site.js';
import { type ClientKey, type SfapiSim, startSfapiSim } from './sim/sfapi/index.js';
import { FAST_SFAPI } from './recon-site.js';

let sim: SfapiSim;
let key: ClientKey;
let sandbox: string;
let tape: string;

beforeAll(async () => {
  const dir = await tempDir('hpss-sfapi-');
  tape = join(dir, 'tape'); // HPSS is not a file system of Perlmutter's: outside the sandbox
  await mkdir(join(tape, HPSS_ROOT), { recursive: true });
  sim = await startSfapiSim({ sandbox: await tempDir('hpss-sfapi-sandbox-'), env: { SFAPI_SIM_HPSS_ROOT: tape }, timings: { pendingMs: 30, completingMs: 20, notFoundMs: 0, taskMs: 20 } });
  sandbox = sim.sandbox;
  key = await sim.createClient({ name: 'splash-flows hpss' });
});
afterAll(async () => {
  await (sim as SfapiSim | undefined)?.close();
});

interface Site {
  config: string;
  cfs: string;
  restored: string;
  logs: string;
  env: Record<string, string>;
}

let n = 0;
async function makeSite(): Promise<Site> {
  const base = join(sandbox, `site${String(n++)}`);
  const cfs = join(base, 'global/cfs/cdirs/als/data_mover/8.3.2');
  const restored = join(base, 'global/cfs/cdirs/als/data_mover/8.3.2/retrieved_from_tape');
  const logs = join(base, 'global/cfs/cdirs/als/data_mover/hpss_transfer_logs/8.3.2');
  for (const d of [join(cfs, 'raw'), restored, logs]) await mkdir(d, { recursive: true });
  const config = join(base, 'config.yml');
  writeFileSync(
    config,
    `sfapi:
  api_url: ${sim.url}
  token_url: ${sim.tokenUrl}
  client_id: \${SFAPI_CLIENT_ID}
  private_key: \${SFAPI_PRIVATE_KEY}
${FAST_SFAPI.join('\n')}
endpoints:
  nersc832: { type: filesystem, root_path: ${cfs} }
  retrieved832: { type: filesystem, root_path: ${restored} }
  hpss_alsdev:
    type: hpss
    root_path: ${HPSS_ROOT}
    sfapi: { account: als, walltime: "0:10:00", queue_allowance_minutes: 5, log_dir: ${logs} }
beamlines:
  "8.3.2":
    archive: { from: nersc832, to: hpss_alsdev, bundle_max_gib: 0.000001, restore_to: retrieved832 }
`,
  );
  return { config, cfs, restored, logs, env: { SFAPI_CLIENT_ID: key.clientId, SFAPI_PRIVATE_KEY: key.privateKeyPem } };
}

async function splash(site: Site, ...args: string[]) {
  const now = args[0] === 'restore' || args[0] === 'ls' ? [] : ['--now', '2027-01-05'];
  const r = await runNode(dist('cli'), ['hpss', '--config', site.config, ...now, ...args], { env: site.env });
  return { ...r, out: r.stdout + r.stderr };
}

async function fill(site: Site): Promise<string> {
  const dir = join(site.cfs, 'raw/BLS-00564');
  const spring = new Date('2026-03-02T17:00:00Z');
  await writeFileAt(join(dir, 'scan_001.h5'), 'A'.repeat(600), spring);
  await writeFileAt(join(dir, 'scan_002.h5'), 'B'.repeat(600), spring);
  await writeFileAt(join(dir, 'sub/with space.h5'), 'C'.repeat(100), spring);
  await writeFileAt(join(dir, 'autumn/scan_900.h5'), 'E'.repeat(70), new Date('2026-09-10T12:00:00Z'));
  return dir;
}

const jobsOf = (what: string) => sim.jobs().filter((j) => j.name.startsWith(`splash_hpss_${what}_`));

describe('hpss through the Superfacility API (Slurm jobs in the transfer QOS)', () => {
  it('archives with the same scripts and verification, as xfer jobs on Perlmutter', async () => {
    const site = await makeSite();
    await fill(site);
    const r = await splash(site, '-b', '8.3.2', 'raw/BLS-00564');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('via Slurm jobs (qos xfer, account als) through the Superfacility API');
    expect(r.out.match(/archived and verified: /g)).toHaveLength(3);
    const dest = join(tape, HPSS_ROOT, '8.3.2/raw/BLS-00564');
    expect(readdirSync(dest).filter((f) => f.endsWith('.tar.idx')).sort()).toEqual(['BLS-00564_2026-1.tar.idx', 'BLS-00564_2026-1_part1.tar.idx', 'BLS-00564_2026-2.tar.idx']);
    const survey = jobsOf('survey').at(-1);
    const archive = jobsOf('archive').at(-1);
    expect(survey?.state).toBe('COMPLETED');
    expect(archive?.state).toBe('COMPLETED');
    expect(archive?.qos).toBe('xfer');
    expect(archive?.script).toMatch(/^#SBATCH --constraint=cron$/m);
    expect(archive?.script).not.toMatch(/--nodes|^#SBATCH -N/m);
    // The job leaves its status file and packed results only, not the script or the raw output.
    expect(readdirSync(site.logs).filter((f) => f.endsWith('.sh') || f.endsWith('.stdout'))).toEqual([]);

    // A re-run: one survey job, nothing written (no archive job).
    const archiveJobs = jobsOf('archive').length;
    const again = await splash(site, '-b', '8.3.2', 'raw/BLS-00564');
    expect(again.code, again.out).toBe(0);
    expect(again.out.match(/already on HPSS, verified/g)).toHaveLength(3);
    expect(jobsOf('archive')).toHaveLength(archiveJobs);
  });

  it('the job scripts pass shellcheck, the wrapper and the script it carries', async () => {
    const shellcheck = inject('shellcheck');
    if (shellcheck === '') throw new Error(inject('shellcheckProblem'));
    const site = await makeSite();
    await fill(site);
    expect((await splash(site, '-b', '8.3.2', 'raw/BLS-00564')).code).toBe(0);
    rmSync(join(site.cfs, 'raw/BLS-00564'), { recursive: true });
    expect((await splash(site, 'restore', '-b', '8.3.2', 'raw/BLS-00564')).code).toBe(0);
    for (const what of ['survey', 'archive', 'list', 'restore']) {
      const job = jobsOf(what).at(-1);
      expect(job, what).toBeDefined();
      const text = job?.script ?? '';
      const inner = /<<'(SPLASH_SCRIPT_[0-9a-f_]+)'\n([\s\S]*?)\n\1\n/.exec(text)?.[2] ?? '';
      expect(inner, what).not.toBe('');
      for (const [name, script] of [[`${what} job`, text], [`${what} script`, `#!/bin/bash\n${inner}\n`]] as const) {
        const dir = await tempDir('shellcheck-');
        writeFileSync(join(dir, 'script.sh'), script);
        const lint = spawnSync(shellcheck, ['-S', 'warning', join(dir, 'script.sh')], { encoding: 'utf8' });
        expect(lint.stdout, name).toBe('');
      }
    }
  });

  it('restores through jobs; a job that fails mid-restore leaves no file under its final name, and the re-run completes', async () => {
    const site = await makeSite();
    const dir = await fill(site);
    expect((await splash(site, '-b', '8.3.2', 'raw/BLS-00564')).code).toBe(0);
    const original = Object.fromEntries(['scan_001.h5', 'scan_002.h5', 'sub/with space.h5', 'autumn/scan_900.h5'].map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
    rmSync(dir, { recursive: true });

    // The catalog job runs; the restore job's node fails while htar is half-way through a file.
    writeFileSync(join(tape, '.sim-fail'), 'htar-extract-slow');
    sim.failNextJob({ kind: 'none' });
    sim.failNextJob({ kind: 'end', state: 'NODE_FAIL', afterMs: 1500 });
    const r = await splash(site, 'restore', '-b', '8.3.2', 'raw/BLS-00564');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/HPSS restore job \d+ ended NODE_FAIL.*: the script did not run to its end/);
    const target = join(site.restored, 'raw/BLS-00564');
    const there = existsSync(target) ? readdirSync(target, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.h5')) : [];
    for (const f of there) expect(readFileSync(join(target, f), 'utf8'), f).toBe(original[f]);
    expect(there.length).toBeLessThan(4);

    rmSync(join(tape, '.sim-fail'));
    const again = await splash(site, 'restore', '-b', '8.3.2', 'raw/BLS-00564');
    expect(again.code, again.out).toBe(0);
    for (const [f, content] of Object.entries(original)) expect(readFileSync(join(target, f), 'utf8'), f).toBe(content);
    // The dead job's private folder is gone too (its process is not on this host; the next run cleans after 2 days,
    // or — as here — the job's own TERM trap did).
    expect(readdirSync(join(site.restored, '.splash/restore'))).toEqual([]);
  }, 60_000);

  it('HPSS down for maintenance: nothing is submitted', async () => {
    const site = await makeSite();
    await fill(site);
    sim.setStatus('archive', 'unavailable', ['HPSS scheduled maintenance']);
    try {
      const before = sim.jobs().length;
      const r = await splash(site, '-b', '8.3.2', 'raw/BLS-00564');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/archive is unavailable at NERSC: HPSS scheduled maintenance; nothing was submitted/);
      expect(sim.jobs()).toHaveLength(before);
    } finally {
      sim.setStatus('archive', 'active');
    }
  });

  it('an hpss endpoint with sfapi: needs the sfapi section; both ssh and sfapi is a config error', async () => {
    const site = await makeSite();
    const text = readFileSync(site.config, 'utf8');
    writeFileSync(site.config, text.replace(/^sfapi:\n(?: {2}.*\n)+/m, ''));
    const r = await splash(site, '-b', '8.3.2', 'raw/BLS-00564');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/hpss_alsdev\.sfapi: hsi and htar as Slurm jobs need the Superfacility API/);
    writeFileSync(site.config, text.replace('    sfapi: {', '    ssh: { host: dtn01.nersc.gov, key_path: /k }\n    sfapi: {'));
    const both = await splash(site, '-b', '8.3.2', 'raw/BLS-00564');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/endpoints\.hpss_alsdev\.sfapi: .*either ssh or sfapi, not both/);
  });
});
