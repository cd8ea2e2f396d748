// The recon step against the SFAPI simulator, whose Slurm runs the rendered scripts for real with bash and
// stand-ins for srun, podman-hpc/shifter and the recon programs. Success needs COMPLETED, exit 0:0 and the
// status file confirming the outputs; every other end fails the step with the reason and the stderr tail,
// and nothing after a failed job runs.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { runRecon } from '../beamlines/commands.js';
import { SplashError } from '../src/errors.js';
import { createGithubContext } from '../src/run/github.js';
import { createTerminalContext, type TerminalContext } from '../src/run/terminal.js';
import type { JobFault, ProgramBehaviour } from './sim/sfapi/index.js';
import { nerscSite, type NerscSite } from './recon-site.js';
import type { Timings } from './sim/sfapi/index.js';
import { tempDir } from './helpers.js';

const sites: NerscSite[] = [];
afterAll(async () => {
  await Promise.all(sites.map((s) => s.sim.close()));
});

const capture = (): { ctx: TerminalContext; text: () => string } => {
  let out = '';
  const ctx = createTerminalContext({ stream: { write: (c: string) => { out += c; return true; } } as unknown as NodeJS.WritableStream, isTTY: false, verbose: true });
  return { ctx, text: () => out };
};

interface Facility {
  site: NerscSite;
  config: string;
  /** Where the results come back to (a folder endpoint standing in for data832's scratch). */
  back: string;
}

async function facility(o: { nersc?: string; top?: string; sfapi?: string; timings?: Partial<Timings> } = {}): Promise<Facility> {
  const site = await nerscSite({ timings: o.timings });
  sites.push(site);
  const root = await tempDir('splash-recon-');
  const back = join(root, 'data832-scratch');
  await mkdir(back, { recursive: true });
  await mkdir(join(site.scratch, 'scratch'), { recursive: true });
  const config = join(root, 'config.yml');
  await writeFile(config, `endpoints:
  pscratch_scratch: { type: filesystem, root_path: ${join(site.scratch, 'scratch')} }
  data832_scratch: { type: filesystem, root_path: ${back} }
${site.sfapiSection(o.sfapi)}beamlines:
  "8.3.2":
    path_prefix: /
${site.recon832({ nersc: o.nersc, top: o.top ?? '      results:\n        - { from: pscratch_scratch, to: data832_scratch }' })}`);
  return { site, config, back };
}

async function recon(f: Facility, paths: string[], o: { options?: string; exportControlled?: boolean; dryRun?: boolean } = {}) {
  const { ctx, text } = capture();
  const printed: string[] = [];
  let error: unknown;
  let results;
  const saved = { ...process.env };
  Object.assign(process.env, f.site.env);
  try {
    results = await runRecon(ctx, { config: f.config, beamline: '8.3.2', filePaths: paths, hpc: 'nersc', reconOptions: o.options ?? '', exportControlled: o.exportControlled ?? false, dryRun: o.dryRun ?? false, print: (t) => printed.push(t) });
  } catch (err) {
    error = err;
  } finally {
    for (const k of Object.keys(f.site.env)) if (!(k in saved)) Reflect.deleteProperty(process.env, k);
  }
  await ctx.flushSummary();
  return { results, error, log: text(), outputs: ctx.outputs, printed };
}

const SCAN = 'raw/BLS-00564_dyparkinson/scan1.h5';
const submissions = (f: Facility): number => f.site.sim.count('POST', '/api/v1.2/compute/jobs');

function shellcheck(script: string): string {
  const bin = inject('shellcheck');
  if (bin === '') throw new Error(inject('shellcheckProblem'));
  const r = spawnSync(bin, ['-s', 'bash', '-S', 'style', '-'], { input: script, encoding: 'utf8' });
  return r.status === 0 ? '' : `${r.stdout}${r.stderr}`;
}

describe('8.3.2 at NERSC', () => {
  it('reconstructs, builds the zarr, brings both back; the summary says what ran, how long, where the result is', async () => {
    const f = await facility();
    await f.site.writeScan(SCAN, 6);
    const r = await recon(f, [`/${SCAN}`], { options: '{"centre": 1196.5}' });
    expect(r.error, r.log).toBeUndefined();
    const jobs = f.site.sim.jobs();
    expect(jobs.map((j) => [j.state, j.exitCode])).toEqual([['COMPLETED', '0:0'], ['COMPLETED', '0:0']]);
    expect(readdirSync(join(f.back, 'BLS-00564_dyparkinson')).sort()).toEqual(['recscan1', 'recscan1.zarr']);
    expect(readdirSync(join(f.back, 'BLS-00564_dyparkinson/recscan1'))).toHaveLength(6);
    expect(existsSync(join(f.back, 'BLS-00564_dyparkinson/recscan1.zarr/.zattrs'))).toBe(true);
    expect(JSON.parse(r.outputs.get('job-ids') ?? '[]')).toEqual(jobs.map((j) => String(j.id)));
    expect(JSON.parse(r.outputs.get('output-paths') ?? '[]')).toEqual([join(f.site.scratch, 'scratch/BLS-00564_dyparkinson/recscan1'), join(f.site.scratch, 'scratch/BLS-00564_dyparkinson/recscan1.zarr')]);
    expect(r.log).toMatch(/Recon · beamline 8\.3\.2 \(tomography at NERSC\)/);
    expect(r.log).toMatch(/centre 1196\.5 px/);
    expect(r.log).toMatch(/reconstruct +\d+ +ok +(submitted|PENDING|RUNNING).*COMPLETED \d\d:\d\d:\d\d UTC .* of 15m 00s/);
    expect(r.log).toContain('1196.5');
    expect(r.log).toMatch(/pscratch_scratch → data832_scratch/);
    // Every job query asked Slurm directly.
    expect(f.site.sim.requests.filter((q) => q.path.endsWith('/compute/jobs/perlmutter') && q.method === 'GET').every((q) => q.query.includes('cached=false'))).toBe(true);
  });

  it('a file name with spaces, quotes, $(), backticks, ; & and $VAR changes nothing: shellcheck-clean scripts, the job runs on that very file', async () => {
    const f = await facility({ nersc: '        nodes: 2' });
    const folder = 'BLS "q" $(touch PWNED-folder) `touch PWNED-tick` x';
    const file = "it's a; scan & $HOME $(touch PWNED-file) `id` | x.h5";
    const rel = `raw/${folder}/${file}`;
    await f.site.writeScan(rel, 4);
    const dry = await recon(f, [`/${rel}`], { dryRun: true, options: '{"slices": {"start": 0, "end": 4}}' });
    expect(dry.error, dry.log).toBeUndefined();
    expect(dry.printed).toHaveLength(2);
    for (const s of dry.printed) expect(shellcheck(s.slice(s.indexOf('#!/bin/bash')))).toBe('');
    // a full scan's script also reads the scan's detector rows (python -c, h5py) before reconstructing
    const full = await recon(f, [`/${rel}`], { dryRun: true, options: '{"binning": 2}' });
    expect(full.printed[0]).toContain('STAGE=count');
    for (const s of full.printed) expect(shellcheck(s.slice(s.indexOf('#!/bin/bash')))).toBe('');
    expect(submissions(f)).toBe(0);
    const r = await recon(f, [`/${rel}`], { options: '{"slices": {"start": 0, "end": 4}}' });
    expect(r.error, r.log).toBeUndefined();
    // two nodes, one process each over half the slices, both waited for
    expect(readdirSync(join(f.back, folder, `rec${file.slice(0, -3)}`))).toHaveLength(4);
    const pwned = [f.site.sandbox, f.site.scratch, join(f.site.sandbox, 'home/alsdev'), process.cwd()].flatMap((d) => (existsSync(d) ? readdirSync(d) : [])).filter((n) => n.startsWith('PWNED'));
    expect(pwned).toEqual([]);
    // a leading dash never gets this far: the path gate refuses it
    const dash = await recon(f, ['/raw/p1/-rf.h5']);
    expect((dash.error as SplashError).kind).toBe('path');
  });

  const failures: [string, { fault?: JobFault; program?: ProgramBehaviour; rows?: ProgramBehaviour; zarr?: ProgramBehaviour; options?: string }, RegExp][] = [
    ['the recon program fails (FAILED)', { program: { mode: 'fail', exitCode: 3 } }, /ended FAILED \(exit 1:0\)[\s\S]*RuntimeError: tomo-recon failed/],
    ['the recon crashes (SIGSEGV)', { program: { mode: 'crash' } }, /ended FAILED[\s\S]*Segmentation fault/],
    ['TIMEOUT', { fault: { kind: 'end', state: 'TIMEOUT', afterMs: 200 }, program: { sleepMs: 5000 } }, /ended TIMEOUT[\s\S]*DUE TO TIME LIMIT/],
    ['OUT_OF_MEMORY', { fault: { kind: 'end', state: 'OUT_OF_MEMORY', afterMs: 200 }, program: { sleepMs: 5000 } }, /ended OUT_OF_MEMORY \(exit 0:125\)[\s\S]*oom_kill/],
    ['NODE_FAIL', { fault: { kind: 'end', state: 'NODE_FAIL', afterMs: 200 }, program: { sleepMs: 5000 } }, /ended NODE_FAIL[\s\S]*DUE TO NODE FAILURE/],
    ['PREEMPTED', { fault: { kind: 'end', state: 'PREEMPTED', afterMs: 200 }, program: { sleepMs: 5000 } }, /ended PREEMPTED[\s\S]*DUE TO PREEMPTION/],
    ['CANCELLED (by someone else)', { fault: { kind: 'end', state: 'CANCELLED', afterMs: 200 }, program: { sleepMs: 5000 } }, /ended CANCELLED[\s\S]*CANCELLED AT/],
    ['BOOT_FAIL', { fault: { kind: 'never-runs', state: 'BOOT_FAIL' } }, /ended BOOT_FAIL/],
    ['DEADLINE', { fault: { kind: 'never-runs', state: 'DEADLINE' } }, /ended DEADLINE/],
    ['the program swallows its error, exits 0 and writes nothing (the original\'s defect): the script\'s check fails the job', { program: { mode: 'swallow' } }, /ended FAILED \(exit 1:0\)[\s\S]*the reconstruction wrote no (slices|output folder)/],
    ['one slice short of the range asked for', { program: { mode: 'short' }, options: '{"slices": {"start": 10, "end": 14}}' }, /ended FAILED \(exit 1:0\)[\s\S]*wrote 3 slices, expected 4/],
    ['a full scan one slice short, exit 0: the job counts the scan\'s detector rows and fails', { program: { mode: 'short' } }, /ended FAILED \(exit 1:0\)[\s\S]*wrote 3 slices, expected 4/],
    ['a binned full scan one slice short (4 rows, binning 2: 2 slices)', { program: { mode: 'short' }, options: '{"binning": 2}' }, /ended FAILED \(exit 1:0\)[\s\S]*wrote 1 slices, expected 2/],
    ['a binned range one slice short (rows 10–18, binning 2: 4 slices)', { program: { mode: 'short' }, options: '{"slices": {"start": 10, "end": 18}, "binning": 2}' }, /ended FAILED \(exit 1:0\)[\s\S]*wrote 3 slices, expected 4/],
    ['a full scan whose detector rows cannot be read: the job fails before reconstructing', { rows: { mode: 'fail', message: 'KeyError: "Unable to open object (object \'data\' doesn\'t exist)"' } }, /ended FAILED \(exit 1:0\)[\s\S]*count failed: could not read the detector rows \(\/exchange\/data shape\[1\]\)[\s\S]*KeyError/],
  ];
  it.each(failures)('%s: the step fails with the reason and the stderr tail; no multires, nothing back', async (_what, how, said) => {
    const f = await facility();
    await f.site.writeScan(SCAN, 4);
    if (how.fault) f.site.sim.failNextJob(how.fault);
    if (how.program) f.site.sim.setProgram('tomo-recon', how.program);
    if (how.rows) f.site.sim.setProgram('scan-rows', how.rows);
    const r = await recon(f, [`/${SCAN}`], { options: how.options });
    expect(r.error, r.log).toBeInstanceOf(SplashError);
    const message = `${(r.error as Error).message}\n${r.log}`;
    expect(message).toMatch(said);
    expect((r.error as SplashError).kind).toBe('step');
    expect(r.log).toMatch(/last lines of stderr|failed:/);
    expect(submissions(f)).toBe(1);
    expect(readdirSync(f.back)).toEqual([]);
    expect(r.outputs.get('output-paths')).toBe('[]');
  });

  it.each([
    ['a full scan', 7, undefined, 7],
    ['a full scan with binning 2 (7 rows: ⌊7/2⌋ slices)', 7, '{"binning": 2}', 3],
    ['a range over 2 nodes with binning 2 (rows 1–8: each node bins its share of 4 and 3 rows)', 9, '{"slices": {"start": 1, "end": 8}, "binning": 2}', 3],
  ] as const)('%s that writes the whole stack succeeds, its count checked against what was expected', async (_what, rows, options, slices) => {
    const f = await facility({ nersc: '        nodes: 2' });
    await f.site.writeScan(SCAN, rows);
    const r = await recon(f, [`/${SCAN}`], { options });
    expect(r.error, r.log).toBeUndefined();
    expect(readdirSync(join(f.back, 'BLS-00564_dyparkinson/recscan1'))).toHaveLength(slices);
    const status = readdirSync(f.site.logs).filter((n) => n.startsWith('splash_recon_') && n.endsWith('.status.json'));
    expect(status).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(f.site.logs, status[0] ?? ''), 'utf8'))).toMatchObject({ ok: true, slices_expected: slices, slices_written: slices });
  });

  it('a slice range that binning leaves empty is refused before anything is submitted (exit 2)', async () => {
    const f = await facility();
    await f.site.writeScan(SCAN, 4);
    const r = await recon(f, [`/${SCAN}`], { options: '{"slices": {"start": 0, "end": 1}, "binning": 2}' });
    expect((r.error as SplashError).kind).toBe('usage');
    expect((r.error as Error).message).toMatch(/slices 0–1 with binning 2 leave no slice to reconstruct/);
    expect(submissions(f)).toBe(0);
  });

  it('a zarr without data chunks fails the multires job; the results do not go back', async () => {
    const f = await facility();
    await f.site.writeScan(SCAN, 4);
    f.site.sim.setProgram('tiff-to-zarr', { mode: 'short' });
    const r = await recon(f, [`/${SCAN}`]);
    expect((r.error as Error).message).toMatch(/multires of .* failed: .*level 0 has no data chunks|multires of .*the zarr metadata does not describe/);
    expect(f.site.sim.jobs().map((j) => j.state)).toEqual(['COMPLETED', 'FAILED']);
    expect(readdirSync(f.back)).toEqual([]);
  });

  it('export-controlled scans are never reconstructed off site: the step says so and succeeds without a job', async () => {
    const f = await facility();
    await f.site.writeScan(SCAN, 4);
    const r = await recon(f, [`/${SCAN}`], { exportControlled: true });
    expect(r.error).toBeUndefined();
    expect(r.log).toMatch(/export controlled — not reconstructed off site; no job was submitted/);
    expect(f.site.sim.requests).toEqual([]);
  });

  it('a machine that is down fails the step at once with NERSC\'s note; nothing is submitted', async () => {
    const f = await facility();
    await f.site.writeScan(SCAN, 4);
    f.site.sim.setStatus('perlmutter', 'unavailable', ['Scheduled maintenance until 18:00']);
    const r = await recon(f, [`/${SCAN}`]);
    expect((r.error as Error).message).toMatch(/perlmutter is unavailable at NERSC: Scheduled maintenance until 18:00; nothing was submitted/);
    expect(submissions(f)).toBe(0);
  });

  it('a re-run after success finds the completed job with the same options and submits nothing; other options are another job', async () => {
    const f = await facility();
    await f.site.writeScan(SCAN, 4);
    expect((await recon(f, [`/${SCAN}`])).error).toBeUndefined();
    expect(submissions(f)).toBe(2);
    const again = await recon(f, [`/${SCAN}`]);
    expect(again.error, again.log).toBeUndefined();
    expect(again.log).toMatch(/already completed it with these options; not submitted again/);
    expect(submissions(f)).toBe(2);
    expect((await recon(f, [`/${SCAN}`], { options: '{"algorithm": "fbp"}' })).error).toBeUndefined();
    expect(submissions(f)).toBe(4);
  });

  it('a re-run with options whose outputs another run has since overwritten reconstructs again: the old job\'s verdict is not taken for the folder\'s new contents', async () => {
    const f = await facility();
    await f.site.writeScan(SCAN, 4);
    expect((await recon(f, [`/${SCAN}`])).error).toBeUndefined();
    // Other options write the same folder (the original layout has one output folder per scan).
    expect((await recon(f, [`/${SCAN}`], { options: '{"algorithm": "fbp"}' })).error).toBeUndefined();
    expect(submissions(f)).toBe(4);
    const back = await recon(f, [`/${SCAN}`]);
    expect(back.error, back.log).toBeUndefined();
    expect(back.log).not.toMatch(/already completed it with these options/);
    expect(back.log).toMatch(/outputs were rewritten by Slurm job \d+ \(splash_recon_\S+\) since: submitting again/);
    expect(submissions(f)).toBe(6);
  });

  it('after other options rewrote the TIFF stack the zarr is built again, even when their own zarr job failed (it claimed the zarr before it ran)', async () => {
    const f = await facility();
    await f.site.writeScan(SCAN, 4);
    expect((await recon(f, [`/${SCAN}`])).error).toBeUndefined();
    // Other options rewrite the TIFF stack; their zarr fails, so the zarr on disk is still the first run's.
    f.site.sim.setProgram('tiff-to-zarr', { mode: 'fail' });
    expect((await recon(f, [`/${SCAN}`], { options: '{"algorithm": "fbp"}' })).error).toBeInstanceOf(SplashError);
    f.site.sim.setProgram('tiff-to-zarr', undefined);
    const back = await recon(f, [`/${SCAN}`]);
    expect(back.error, back.log).toBeUndefined();
    expect(back.log).toMatch(/reconstruct: submitted/);
    expect(back.log).not.toMatch(/multires: job \d+ \(\S+\) already completed it/);
    expect(back.log).toMatch(/multires: submitted/);
  });

  it('two dispatches of the same scan at once: Slurm runs the reconstruction once, the later job is given up before it starts, and both runs succeed', async () => {
    const f = await facility();
    await f.site.writeScan(SCAN, 4);
    f.site.sim.setProgram('tomo-recon', { sleepMs: 1500 });
    const [a, b] = await Promise.all([recon(f, [`/${SCAN}`]), recon(f, [`/${SCAN}`])]);
    expect(a.error, a.log).toBeUndefined();
    expect(b.error, b.log).toBeUndefined();
    const recons = f.site.sim.jobs().filter((j) => j.name.startsWith('splash_recon_'));
    // Every recon job that ever started is the one that completed: no second job wrote into the folder.
    expect(recons.filter((j) => j.startAt !== undefined).map((j) => j.state)).toEqual(['COMPLETED']);
    const ids = (r: typeof a): string[] => JSON.parse(r.outputs.get('job-ids') ?? '[]') as string[];
    expect(ids(a)[0]).toBe(ids(b)[0]);
  }, 60_000);

  it('two dispatches of the same scan with other options at once: no two of its jobs run side by side; the later run wins, the earlier fails saying its folder was rewritten', async () => {
    const f = await facility();
    await f.site.writeScan(SCAN, 4);
    f.site.sim.setProgram('tomo-recon', { sleepMs: 1500 });
    const first = recon(f, [`/${SCAN}`]);
    await new Promise((r) => setTimeout(r, 300));
    const [a, b] = await Promise.all([first, recon(f, [`/${SCAN}`], { options: '{"algorithm": "fbp"}' })]);
    expect(b.error, b.log).toBeUndefined();
    if (a.error !== undefined) expect((a.error as Error).message, a.log).toMatch(/rewr/);
    const ran = f.site.sim.jobs().filter((j) => j.startAt !== undefined).map((j) => ({ name: j.name, start: j.startAt ?? 0, end: j.endAt ?? Infinity }));
    for (const x of ran) for (const y of ran) if (x !== y && x.start < y.start) expect(y.start, `${y.name} started while ${x.name} ran`).toBeGreaterThanOrEqual(x.end);
  }, 60_000);

  it('a status query that fails for a moment while the job runs (500, status ERROR) does not fail the step: the job is followed to its end', async () => {
    const f = await facility();
    await f.site.writeScan(SCAN, 4);
    f.site.sim.setProgram('tomo-recon', { sleepMs: 1500 });
    const run = recon(f, [`/${SCAN}`]);
    const until = Date.now() + 20_000;
    while (!f.site.sim.jobs().some((j) => j.state === 'RUNNING')) {
      if (Date.now() > until) throw new Error('the job never ran');
      await new Promise((r) => setTimeout(r, 20));
    }
    f.site.sim.inject('GET', /\/compute\/jobs\/perlmutter$/, { kind: 'status', status: 500, times: 3 });
    // Then the job routes answer 200 with status ERROR for a while, and every token expires.
    await new Promise((r) => setTimeout(r, 300));
    f.site.sim.setStatus('perlmutter', 'unavailable', ['slurmctld failover']);
    f.site.sim.expireTokens();
    await new Promise((r) => setTimeout(r, 400));
    f.site.sim.setStatus('perlmutter', 'active');
    const r = await run;
    expect(r.error, r.log).toBeUndefined();
    expect(r.log).toMatch(/reconstruct: could not read the state of job \d+ \(.*500.*\); asking again/);
    expect(r.log).toMatch(/reconstruct: could not read the state of job \d+ \(.*status ERROR.*\); asking again/);
    expect(f.site.sim.jobs().map((j) => j.state)).toEqual(['COMPLETED', 'COMPLETED']);
  }, 60_000);

  it('a program whose stderr holds a code fence and HTML cannot break out of the summary\'s code block', async () => {
    const f = await facility();
    await f.site.writeScan(SCAN, 4);
    f.site.sim.setProgram('tomo-recon', { mode: 'fail', message: 'ValueError: bad name ````\n</details>\n\n# Injected\n[re-authenticate](https://evil.example/)' });
    const summary = join(await tempDir('splash-summary-'), 'summary.md');
    await writeFile(summary, '');
    const saved = { ...process.env };
    Object.assign(process.env, f.site.env, { GITHUB_STEP_SUMMARY: summary });
    const ctx = createGithubContext();
    let error: unknown;
    try {
      await runRecon(ctx, { config: f.config, beamline: '8.3.2', filePaths: [`/${SCAN}`], hpc: 'nersc', reconOptions: '', exportControlled: false, dryRun: false, print: () => undefined });
    } catch (err) {
      error = err;
    } finally {
      await ctx.flushSummary();
      for (const k of [...Object.keys(f.site.env), 'GITHUB_STEP_SUMMARY']) if (!(k in saved)) Reflect.deleteProperty(process.env, k);
    }
    expect(error).toBeInstanceOf(SplashError);
    const md = readFileSync(summary, 'utf8');
    const block = /<details><summary>last lines of stderr[^<]*<\/summary>\n\n(`{3,})\n([\s\S]*?)\n\1\n\n<\/details>/.exec(md);
    expect(block, md).not.toBeNull();
    expect(block?.[2]).toContain('# Injected');
    // The fence is longer than any run of backticks inside, so the text stays code.
    expect((block?.[1] ?? '').length).toBeGreaterThan(4);
  });

  it('warns in the summary when the Iris client expires within a day', async () => {
    const f = await facility();
    await f.site.writeScan(SCAN, 4);
    f.site.sim.expireClient(f.site.key.clientId, new Date(Date.now() + 5 * 3600_000));
    const r = await recon(f, [`/${SCAN}`]);
    expect(r.error).toBeUndefined();
    expect(r.log).toMatch(/the SFAPI client splash-flows recon expires .* \(in 5\.0 h\): create a new one in Iris/);
  });

  it('recon-options are validated before anything runs: the field is named, exit 2', async () => {
    const f = await facility();
    for (const [options, said] of [
      ['{"centre": -3}', /recon-options\.centre: .*> 0/],
      ['{"slices": {"start": 5, "end": 2}}', /recon-options\.slices: start < end/],
      ['{"algoritm": "fbp"}', /unknown option\(s\) algoritm/],
      ['not json', /recon-options: not valid JSON/],
    ] as const) {
      const r = await recon(f, [`/${SCAN}`], { options });
      expect([(r.error as SplashError).kind, (r.error as Error).message]).toEqual(['usage', expect.stringMatching(said) as unknown]);
    }
    expect(f.site.sim.requests).toEqual([]);
  });
});

describe('7.0.1.2 ptychography at NERSC', () => {
  async function ptycho(program: 'ptychocam' | 'cdtools', behaviour?: ProgramBehaviour) {
    const site = await nerscSite();
    sites.push(site);
    const data = join(site.sandbox, 'global/cfs/cdirs/als/gsharing/data_mover/7012');
    await mkdir(join(data, 'p 1'), { recursive: true });
    await writeFile(join(data, 'p 1', "scan 'a'.cxi"), 'cxi');
    const root = await tempDir('splash-ptycho-');
    const config = join(root, 'config.yml');
    await writeFile(config, `${site.sfapiSection()}beamlines:
  "7.0.1.2":
    path_prefix: /
    recon:
      hpc: nersc
      nersc:
        qos: regular
        account: als_g
        constraint: gpu
        gpus: 1
        exclusive: false
        walltime: "4:00:00"
        data_root: ${data}
        scratch_root: ${join(site.sandbox, 'pscratch/sd/a/alsdev/7012')}
        log_root: ${site.logs}
        programs:
          ptychocam: ${join(site.ptycho, 'c_ptychocam/ptychocam_reconstruction.sh')}
          cdtools: ${join(site.ptycho, 'c_cdtools/cdtools_reconstruction.sh')}
      defaults: { program: ${program} }
`);
    if (behaviour) site.sim.setProgram(program, behaviour);
    const { ctx, text } = capture();
    Object.assign(process.env, site.env);
    const printed: string[] = [];
    const result = await runRecon(ctx, { config, beamline: '7.0.1.2', filePaths: ["/p 1/scan 'a'.cxi"], hpc: 'nersc', reconOptions: '{"n_iter": 20, "use_illu_mask": true}'.replace(program === 'cdtools' ? /.*/ : /^$/, ''), exportControlled: false, dryRun: false, print: (t) => printed.push(t) }).catch((e: unknown) => e);
    await ctx.flushSummary();
    return { site, data, result, log: text() };
  }

  it.each(['ptychocam', 'cdtools'] as const)('%s: a GPU job on als_g, its result file checked', async (program) => {
    const { site, data, result, log } = await ptycho(program);
    expect(result, log).not.toBeInstanceOf(Error);
    expect(existsSync(join(data, 'p 1', `scan 'a'_${program}.h5`))).toBe(true);
    const [job] = site.sim.jobs();
    expect([job?.account, job?.constraint, job?.qos, job?.timeLimitSec]).toEqual(['als_g', 'gpu', 'regular', 4 * 3600]);
    expect(shellcheck(job?.script ?? '')).toBe('');
    if (program === 'ptychocam') expect(readFileSync(join(data, 'p 1', `scan 'a'_${program}.h5`), 'utf8')).toContain('20 iterations');
  });

  it('a ptychocam that exits 0 without a result fails the step', async () => {
    const { result } = await ptycho('ptychocam', { mode: 'swallow' });
    expect((result as Error).message).toMatch(/ptychography of .* failed: .*ptychocam wrote no result file/);
  });
});

describe('configuration', () => {
  it('Shifter with the original layout\'s ghcr_images832 section: the image comes from #SBATCH --image, and the job runs', async () => {
    const f = await facility({ nersc: '        container: shifter' });
    // the recon832 block names images by mapping; swap in the legacy section by name
    const text = readFileSync(f.config, 'utf8')
      .replace(/ {8}images: \{[^\n]*\}\n/, '        images: ghcr_images832\n')
      .concat('ghcr_images832:\n  recon_image: ghcr.io/als-computing/microct:master\n  multires_image: ghcr.io/als-computing/microct:master\n');
    await writeFile(f.config, text);
    await f.site.writeScan(SCAN, 3);
    const r = await recon(f, [`/${SCAN}`]);
    expect(r.error, r.log).toBeUndefined();
    const [job] = f.site.sim.jobs();
    expect(job?.script).toMatch(/^#SBATCH --image=ghcr\.io\/als-computing\/microct:master$/m);
    expect(job?.script).toMatch(/'shifter' '--volume=[^']*:\/opt\/scripts;[^']*:\/alsuser;[^']*:\/alsdata'/);
    expect(shellcheck(job?.script ?? '')).toBe('');
    expect(readdirSync(join(f.back, 'BLS-00564_dyparkinson/recscan1'))).toHaveLength(3);
  });

  it('splash config check refuses what recon could not run (exit 2, the field and the fix)', async () => {
    const { dist: distOf, runNode } = await import('./helpers.js');
    const f = await facility();
    // a whole chain that can run: a move hop to where recon reads, a generic ingest
    await mkdir(join(f.site.sandbox, 'beamline'), { recursive: true });
    const base = readFileSync(f.config, 'utf8')
      .replace('endpoints:\n', `endpoints:\n  beamline: { type: filesystem, root_path: ${join(f.site.sandbox, 'beamline')} }\n  cfs: { type: filesystem, root_path: ${f.site.data} }\n`)
      .replace('    path_prefix: /\n', '    path_prefix: /\n    move:\n      - { from: beamline, to: cfs }\n    ingest: { format: generic }\n');
    const cases: [string, (t: string) => string, RegExp][] = [
      ['no sfapi section', (t) => t.replace(/^sfapi:[\s\S]*?(?=^beamlines:)/m, ''), /beamlines\.8\.3\.2\.recon: recon at NERSC needs an sfapi: section/],
      ['an image missing', (t) => t.replace(/, multires_image: "[^"]*"/, ''), /beamlines\.8\.3\.2\.recon\.nersc\.images: no multires_image/],
      ['a default option that is wrong', (t) => t.replace('      results:', '      defaults: { centre: zero }\n      results:'), /recon\.defaults\.centre: a number of pixels > 0, or "auto"/],
      ['a log folder sbatch cannot take', (t) => t.replace(/log_root: (\S+)/, 'log_root: $1/with%j'), /log_root: expected an absolute folder at NERSC of letters/],
      ['a results hop to nowhere', (t) => t.replace('to: data832_scratch', 'to: data833_scratch'), /recon\.results\[0\]\.to: expected one of the defined endpoints/],
      ['both private_key and private_key_path', (t) => t.replace('  private_key: ${SFAPI_PRIVATE_KEY}', '  private_key: ${SFAPI_PRIVATE_KEY}\n  private_key_path: /k'), /sfapi: expected exactly one of private_key or private_key_path, got both/],
    ];
    for (const [what, edit, said] of cases) {
      await writeFile(f.config, edit(base));
      const r = await runNode(distOf('cli'), ['config', 'check', '--config', f.config]);
      expect([what, r.code]).toEqual([what, 2]);
      expect(r.stderr, what).toMatch(said);
    }
    await writeFile(f.config, base);
    const ok = await runNode(distOf('cli'), ['config', 'check', '--config', f.config]);
    expect([ok.code, ok.stdout]).toEqual([0, expect.stringMatching(/recon: +tomography at NERSC \(perlmutter, qos realtime, account als/) as unknown]);
  });

  it('splash run 8.3.2: move, ingest, then recon in the chain; an export-controlled dispatch submits nothing', async () => {
    const f = await facility();
    const beamline = join(f.site.sandbox, 'beamline');
    await mkdir(join(beamline, 'raw/p1'), { recursive: true });
    await writeFile(join(beamline, 'raw/p1/scan1.h5'), '\x89HDF\r\n\x1a\nslices=3\n');
    const text = readFileSync(f.config, 'utf8')
      .replace('endpoints:\n', `endpoints:\n  beamline: { type: filesystem, root_path: ${beamline} }\n  cfs: { type: filesystem, root_path: ${f.site.data} }\n`)
      .replace('    path_prefix: /\n', '    path_prefix: /\n    move:\n      - { from: beamline, to: cfs }\n    ingest: { format: generic }\n');
    await writeFile(f.config, text);
    const { runDispatch } = await import('../beamlines/commands.js');
    Object.assign(process.env, f.site.env);
    const { ctx } = capture();
    const outcomes = await runDispatch(ctx, { config: f.config, beamline: '8.3.2', filePaths: ['/raw/p1/scan1.h5'], exportControlled: false });
    expect(outcomes.map((o) => [o.step, o.status])).toEqual([['move', 'ok'], ['ingest', 'ok'], ['recon', 'ok']]);
    expect(readdirSync(join(f.back, 'p1/recscan1'))).toHaveLength(3);
    // an export-controlled dispatch: no job, the chain succeeds
    const before = submissions(f);
    const ec = await runDispatch(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['/raw/p1/scan1.h5'], exportControlled: true });
    expect(ec.map((o) => [o.step, o.status])).toEqual([['move', 'ok'], ['ingest', 'ok'], ['recon', 'ok']]);
    expect(submissions(f)).toBe(before);
  });
});
