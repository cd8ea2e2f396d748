// The Slurm job runner (src/hpc/slurm.ts) on its own, against the SFAPI simulator: what counts as success
// when the job itself says COMPLETED, the deadline, the not-found grace, and the bundled action as the
// runner runs it — cancelled with SIGTERM (its Slurm job must not outlive it) and killed with SIGKILL
// mid-wait (the re-run follows the job it already submitted).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { directives, prologue } from '../src/hpc/slurm-script.js';
import { runSlurmJob, type SlurmJobSpec } from '../src/hpc/slurm.js';
import { createTerminalContext } from '../src/run/terminal.js';
import { readCredentials, SfapiClient } from '../src/sfapi/index.js';
import { dist, readOutputs, repoRoot, tempDir } from './helpers.js';
import { nerscSite, type NerscSite } from './recon-site.js';
import type { Timings } from './sim/sfapi/index.js';

const sites: NerscSite[] = [];
afterAll(async () => {
  await Promise.all(sites.map((s) => s.sim.close()));
});

async function site(timings: Partial<Timings> = {}): Promise<NerscSite> {
  const s = await nerscSite({ timings });
  sites.push(s);
  return s;
}

function clientOf(s: NerscSite): SfapiClient {
  return new SfapiClient({
    apiUrl: s.sim.url, tokenUrl: s.sim.tokenUrl, machine: 'perlmutter', settingsHint: 'hint',
    credentials: readCredentials({ text: s.key.privateKeyPem, where: 'key', clientId: s.key.clientId, clientIdWhere: 'id' }),
    taskPollFirstMs: 10, taskPollMaxMs: 50,
  });
}

function spec(s: NerscSite, name: string, body: string[], o: Partial<SlurmJobSpec> = {}): SlurmJobSpec {
  const script = [
    ...directives({ jobName: name, account: 'als', qos: 'debug', constraint: 'cpu', nodes: 1, walltimeSeconds: 300, exclusive: false, logDir: s.logs }),
    ...prologue(s.logs),
    'status_fields() { :; }',
    ...body,
    '',
  ].join('\n');
  return { kind: 'test', name, script, walltimeSeconds: 300, queueAllowanceSeconds: 60, logDir: s.logs, outputs: [], results: [], verify: () => undefined, ...o };
}

const run = (s: NerscSite, sp: SlurmJobSpec, signal = new AbortController().signal) =>
  runSlurmJob(sp, { client: clientOf(s), ctx: createTerminalContext({ stream: { write: () => true } as unknown as NodeJS.WritableStream }), signal, pollFirstMs: 30, pollMaxMs: 100, notFoundGraceMs: 2000 });

describe('what counts as success', () => {
  it('COMPLETED 0:0 without a status file is not success: the outputs are not confirmed', async () => {
    const s = await site();
    const out = await run(s, { ...spec(s, 'no_status', []), script: '#!/bin/bash\n#SBATCH -q debug\n#SBATCH -A als\n#SBATCH -C cpu\n#SBATCH -t 5\n#SBATCH -J no_status\n' + `#SBATCH -o ${s.logs}/%x_%j.out\necho done\n` });
    expect([out.state, out.exitCode, out.ok]).toEqual(['COMPLETED', '0:0', false]);
    expect(out.reason).toMatch(/COMPLETED, but wrote no readable status file .*: its outputs are not confirmed/);
    expect(out.stderrTail).toBe('done');
  });

  it('COMPLETED with a status file the job kind does not accept is not success', async () => {
    const s = await site();
    const out = await run(s, spec(s, 'unconfirmed', ['write_status true "made nothing"'], { verify: () => 'the status file reports no slices written' }));
    expect([out.state, out.ok, out.reason]).toEqual(['COMPLETED', false, 'the status file reports no slices written']);
  });

  it('a job still queued at the deadline (walltime + allowance) is cancelled and fails', async () => {
    const s = await site();
    s.sim.failNextJob({ kind: 'pend', reason: 'QOSMaxJobsPerUserLimit' });
    const t0 = Date.now();
    const out = await run(s, spec(s, 'stuck', ['write_status true ok'], { walltimeSeconds: 1, queueAllowanceSeconds: 0.5 }));
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(out.ok).toBe(false);
    expect(out.reason).toMatch(/had not finished 1\.5?s? after submission .*; it was cancelled|had not finished .* it was cancelled/);
    const [job] = s.sim.jobs();
    expect(job?.state).toBe('CANCELLED');
  });

  it('a job held behind another job of its scan (afterany) is not cancelled at its own deadline while it waits its turn; the wait is still bounded', async () => {
    const s = await site();
    const scan = 'scan_0007';
    const first = spec(s, `splash_recon_${scan}_${'a'.repeat(12)}`, ['sleep 2.5', 'write_status true ok'], { walltimeSeconds: 3, queueAllowanceSeconds: 0.5 });
    const second = spec(s, `splash_recon_${scan}_${'b'.repeat(12)}`, ['write_status true ok'], { walltimeSeconds: 1, queueAllowanceSeconds: 1 });
    const a = run(s, first);
    const until = Date.now() + 20_000;
    while (!s.sim.jobs().some((j) => j.state === 'RUNNING')) {
      if (Date.now() > until) throw new Error('the first job never ran');
      await new Promise((r) => setTimeout(r, 20));
    }
    // Its own allowance (2 s) passes while the first job still runs; it starts only after that one ends.
    const b = await run(s, second);
    expect((await a).ok).toBe(true);
    expect([b.ok, b.state, b.reason]).toEqual([true, 'COMPLETED', undefined]);
    const [ja, jb] = s.sim.jobs();
    expect(jb?.startAt ?? 0).toBeGreaterThanOrEqual(ja?.endAt ?? Infinity);
    // Held behind a job that never ends, it gives up after its allowance and as much again for that job.
    s.sim.failNextJob({ kind: 'pend', reason: 'QOSMaxJobsPerUserLimit' });
    // (submitted and left: nobody follows it to cancel it)
    await clientOf(s).submitJob(spec(s, `splash_recon_${scan}_${'c'.repeat(12)}`, ['write_status true ok']).script, () => Promise.resolve(undefined));
    const held = await run(s, spec(s, `splash_recon_${scan}_${'d'.repeat(12)}`, ['write_status true ok'], { walltimeSeconds: 1, queueAllowanceSeconds: 1 }));
    expect(held.ok).toBe(false);
    expect(held.reason).toMatch(/had not finished 4(\.0)? ?s after submission .*as much again for each of the 1 job\(s\) of the scan it waited for\); it was cancelled/);
  });

  it('a job Slurm never lists within the grace period fails with advice', async () => {
    const s = await site({ notFoundMs: 60_000 });
    const err = await run(s, spec(s, 'invisible', ['write_status true ok'])).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/is in neither squeue nor sacct 2 s after it was submitted/);
  });
});

// ----- the bundled action, as the runner runs it

async function actionFacility(s: NerscSite) {
  const root = await tempDir('splash-recon-action-');
  await mkdir(join(s.scratch, 'scratch'), { recursive: true });
  const config = join(root, 'config.yml');
  await writeFile(config, `${s.sfapiSection()}beamlines:\n  "8.3.2":\n    path_prefix: /\n${s.recon832()}`);
  await s.writeScan('raw/p1/scan1.h5', 4);
  const io = await tempDir('splash-runner-');
  await writeFile(join(io, 'output'), '');
  await writeFile(join(io, 'summary'), '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...s.env, GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: join(io, 'output'), GITHUB_STEP_SUMMARY: join(io, 'summary'),
    'INPUT_BEAMLINE': '8.3.2', 'INPUT_FILE-PATHS': '/raw/p1/scan1.h5', INPUT_CONFIG: config,
  };
  const start = () => {
    const child = spawn(process.execPath, [dist('recon')], { env, cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('close', (code, signal) => { r({ code, signal }); }));
    return { child, done, out: () => out };
  };
  return { start, summary: () => readFileSync(join(io, 'summary'), 'utf8'), outputs: () => readOutputs(join(io, 'output')) };
}

async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the bundled action', () => {
  it('SIGTERM (a cancelled workflow run) cancels its Slurm job, and the step fails saying so', async () => {
    const s = await site();
    s.sim.setProgram('tomo-recon', { sleepMs: 30_000 });
    const a = await actionFacility(s);
    const p = a.start();
    await until('the job to run', () => s.sim.jobs().some((j) => j.state === 'RUNNING'));
    p.child.kill('SIGTERM');
    const end = await p.done;
    expect(end.code, p.out()).toBe(1);
    const [job] = s.sim.jobs();
    await s.sim.jobEnded(job?.id ?? 0);
    expect(s.sim.jobs()[0]?.state).toBe('CANCELLED');
    expect(s.sim.count('DELETE', '/api/v1.2/compute/jobs/perlmutter/')).toBe(1);
    expect(p.out()).toMatch(/::error::.*the step was cancelled; Slurm job \d+ was cancelled too/);
    expect(a.summary()).toMatch(/Recon · beamline 8\.3\.2/);
  }, 60_000);

  it('a re-run after SIGKILL mid-wait finds the job it already submitted and follows it to the end', async () => {
    const s = await site();
    // Long enough that the job still runs when the re-run looks, even on a loaded machine. (Not changed
    // afterwards: the job reads it when its recon program starts, which may be after the kill.)
    s.sim.setProgram('tomo-recon', { sleepMs: 6000 });
    const a = await actionFacility(s);
    const first = a.start();
    await until('the job to run', () => s.sim.jobs().some((j) => j.state === 'RUNNING'));
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    expect(s.sim.jobs()[0]?.state).toBe('RUNNING');
    const second = a.start();
    const end = await second.done;
    expect(end.code, second.out()).toBe(0);
    // one recon job (followed, not resubmitted) and then the multires job
    expect(s.sim.jobs().map((j) => [j.name.split('_')[1], j.state])).toEqual([['recon', 'COMPLETED'], ['multires', 'COMPLETED']]);
    expect(second.out()).toMatch(/was already submitted by an earlier run and is RUNNING: following it/);
    expect(a.summary()).toMatch(/\d+ \(found from an earlier run\)/);
    expect(JSON.parse(a.outputs()['job-ids'] ?? '[]')).toEqual(s.sim.jobs().map((j) => String(j.id)));
  }, 60_000);
});
