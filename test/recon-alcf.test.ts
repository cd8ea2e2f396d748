// Recon at ALCF end to end: the scan goes data832 → Eagle by the Globus simulator, the 8.3.2 wrapper
// (beamlines/bl832/alcf/recon_wrapper.py) is registered from its source and runs for real — python3 in the
// Globus Compute simulator's worker, decoding the payload by Python's rules — against the stand-in recon
// programs, the results come back by Globus, and the reconstruction is catalogued in the SciCat simulator as a
// derived dataset of its raw scan, every request checked against the backend's DTOs and the official client.
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runIngest, runRecon, runRegisterFunction } from '../beamlines/commands.js';
import { sourceFunctionCode } from '../src/compute/index.js';
import { SplashError } from '../src/errors.js';
import { createTerminalContext, type TerminalContext } from '../src/run/terminal.js';
import { alcfSite, type AlcfSite } from './alcf-site.js';
import { dist, repoRoot, runNode, tempDir } from './helpers.js';
import { nerscSite } from './recon-site.js';
import { contractIssues } from './sim/scicat/contract.js';
import { checkContract } from './sim/scicat/replay.js';

const sites: AlcfSite[] = [];
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all([...sites.map((s) => s.close()), ...closers.map((c) => c())]);
});

const capture = (): { ctx: TerminalContext; text: () => string } => {
  let out = '';
  const ctx = createTerminalContext({ stream: { write: (c: string) => { out += c; return true; } } as unknown as NodeJS.WritableStream, isTTY: false, verbose: true });
  return { ctx, text: () => out };
};

async function site(o: Parameters<typeof alcfSite>[0] = {}): Promise<AlcfSite> {
  const s = await alcfSite(o);
  sites.push(s);
  return s;
}

async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const k of Object.keys(env)) if (!(k in saved)) Reflect.deleteProperty(process.env, k);
  }
}

async function recon(s: AlcfSite, config: string, paths: string[], o: { options?: string; hpc?: string; dryRun?: boolean; exportControlled?: boolean } = {}) {
  const { ctx, text } = capture();
  const printed: string[] = [];
  let error: unknown;
  let results;
  await withEnv(s.env, async () => {
    try {
      results = await runRecon(ctx, { config, beamline: '8.3.2', filePaths: paths, hpc: o.hpc ?? '', reconOptions: o.options ?? '', exportControlled: o.exportControlled ?? false, dryRun: o.dryRun ?? false, print: (t) => printed.push(t) });
    } catch (err) {
      error = err;
    }
  });
  await ctx.flushSummary();
  return { results, error, log: text(), outputs: ctx.outputs, printed };
}

async function ingest(s: AlcfSite, config: string, paths: string[]): Promise<void> {
  const { ctx, text } = capture();
  await withEnv(s.env, async () => {
    await runIngest(ctx, { config, beamline: '8.3.2', filePaths: paths }).catch((err: unknown) => {
      throw new Error(`ingest failed: ${String(err)}\n${text()}`);
    });
  });
}

const SCAN = 'raw/BLS-00564_dyparkinson/scan1.h5';
const submits = (s: AlcfSite): number => s.compute.count('POST', '/v3/endpoints/');

describe('8.3.2 at ALCF', () => {
  it('stages the scan to Eagle, runs the wrapper (reconstruction, then zarr), brings the results back and catalogues them as a derived dataset', async () => {
    const s = await site({ scicat: true });
    const config = await s.config();
    await s.writeScan(SCAN, 6);
    await ingest(s, config, [`/${SCAN}`]);
    const t0 = performance.now();
    const r = await recon(s, config, [`/${SCAN}`], { options: '{"centre": 1196.5}' });
    const wallMs = performance.now() - t0;
    expect(r.error, r.log).toBeUndefined();

    // The scan reached Eagle by one Globus transfer; both tasks ran the wrapper and succeeded.
    expect(existsSync(join(s.eagle, 'data', SCAN))).toBe(true);
    const tasks = s.compute.tasks();
    expect(tasks.map((t) => t.status)).toEqual(['success', 'success']);
    expect(tasks[0]?.transitions.map((t) => t.status)).toEqual(['received', 'waiting-for-nodes', 'waiting-for-launch', 'running', 'success']);
    // The results are back on data832, TIFF stack and zarr.
    const back = join(s.data832, 'data/scratch/globus_share/BLS-00564_dyparkinson');
    expect(readdirSync(back).sort()).toEqual(['recscan1', 'recscan1.zarr']);
    expect(readdirSync(join(back, 'recscan1'))).toHaveLength(6);
    expect(JSON.parse(r.outputs.get('job-ids') ?? '[]')).toEqual(tasks.map((t) => t.id));
    expect(JSON.parse(r.outputs.get('output-paths') ?? '[]')).toEqual([join(s.eagle, 'data/scratch/BLS-00564_dyparkinson/recscan1'), join(s.eagle, 'data/scratch/BLS-00564_dyparkinson/recscan1.zarr')]);
    // The summary: the task timeline, what the verdict said, the centre, that no task can be cancelled.
    expect(r.log).toMatch(/Recon · beamline 8\.3\.2 \(tomography at ALCF\)/);
    expect(r.log).toMatch(/ALCF +reconstruct +[0-9a-f-]{36} +ok +submitted \d\d:\d\d:\d\d UTC → .*running .* → success/);
    expect(r.log).toContain('1196.5');
    expect(r.log).toMatch(/Globus Compute cannot cancel a task/);
    expect(r.log).toMatch(/registered the ALCF wrapper as Globus Compute function [0-9a-f-]{36} for this run/);

    // SciCat: one raw dataset (ingest), one derived dataset linked to it, with every result file and a thumbnail.
    const sc = s.scicat;
    if (!sc) throw new Error('no scicat');
    const [raw, derived, ...more] = sc.datasets();
    expect(more).toEqual([]);
    expect(derived).toMatchObject({
      type: 'derived',
      datasetName: 'recscan1',
      sourceFolder: '/data/scratch/globus_share/BLS-00564_dyparkinson',
      sourceFolderHost: 'data832.lbl.gov',
      inputDatasets: [raw?.pid],
      owner: raw?.owner,
      ownerGroup: raw?.ownerGroup,
      accessGroups: raw?.accessGroups,
      contactEmail: raw?.contactEmail,
      investigator: expect.any(String) as unknown,
      jobParameters: { hpc: 'alcf', technique: 'tomography', centre: '1196.5', options: { centre: 1196.5, algorithm: 'gridrec' } },
    });
    expect((derived?.usedSoftware as string[]).join(' ')).toMatch(/scripts\/globus_reconstruction\.py .*splash_recon \(recon_wrapper\.py sha256:[0-9a-f]{12}\)/);
    const files = sc.origDatablocks(derived?.pid as string).flatMap((b) => b.dataFileList as { path: string }[]).map((f) => f.path);
    expect(files.filter((p) => p.startsWith('recscan1/'))).toHaveLength(6);
    expect(files.some((p) => p.startsWith('recscan1.zarr/'))).toBe(true);
    const [att] = sc.attachments(derived?.pid as string);
    expect(att?.caption).toBe('middle slice of recscan1 (scan1_00002.tiff)');
    expect(Buffer.from(String(att?.thumbnail).split(',')[1] ?? '', 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(JSON.parse(r.outputs.get('derived-pids') ?? '[]')).toEqual([derived?.pid]);
    // Every request, raw and derived, as the backend's DTOs and the official generated client take it.
    const contract = await checkContract(sc.requests);
    expect(contract.violations).toEqual([]);

    // Figures: Compute requests for this reconstruction (2 tasks), and the time beyond what the programs took.
    const computeRequests = s.compute.requests.length;
    const programSeconds = tasks.length; // upper bound is irrelevant: the verdicts carry whole seconds
    console.log(`[figures] ALCF recon of one scan: ${String(computeRequests)} Compute requests (${String(s.compute.count('GET', '/v2/endpoints'))} status, ${String(s.compute.count('POST', '/v3/functions'))} register, ${String(s.compute.count('GET', '/v2/functions'))} function check, ${String(submits(s))} submit, ${String(s.compute.count('POST', '/v2/batch_status'))} batch_status); peak ${String(s.compute.peakRequestsPerWindow())} requests in 10 s; step wall ${(wallMs / 1000).toFixed(2)} s for ${String(programSeconds)} tasks`);
    expect(s.compute.peakRequestsPerWindow()).toBeLessThanOrEqual(20);
    expect(s.compute.requests.filter((q) => q.status === 429)).toEqual([]);
  });

  const failures: [string, { program?: Parameters<AlcfSite['setProgram']>[1]; rows?: Parameters<AlcfSite['setProgram']>[1]; options?: string; walltime?: string }, RegExp][] = [
    ['the program fails (exit 3)', { program: { mode: 'fail', exitCode: 3 } }, /verdict at ALCF: reconstruct failed: the program exited with code 3 — stderr:.*RuntimeError: tomo-recon failed/],
    ['the program crashes (SIGSEGV)', { program: { mode: 'crash' } }, /verdict at ALCF: reconstruct failed: the program was killed by signal 11 — stderr:.*Segmentation fault/],
    ['the program swallows its error, exits 0 and writes nothing (the original\'s defect at ALCF)', { program: { mode: 'swallow' } }, /verdict at ALCF: check failed: the reconstruction wrote no (slices|output folder)/],
    ['one slice short of the range asked for', { program: { mode: 'short' }, options: '{"slices": {"start": 10, "end": 14}}' }, /verdict at ALCF: check failed: wrote 3 slices, expected 4/],
    ['a full scan one slice short, exit 0: the wrapper counts the scan\'s detector rows and fails', { program: { mode: 'short' } }, /verdict at ALCF: check failed: wrote 3 slices, expected 4/],
    ['a binned full scan one slice short (4 rows, binning 2: 2 slices)', { program: { mode: 'short' }, options: '{"binning": 2}' }, /verdict at ALCF: check failed: wrote 1 slices, expected 2/],
    ['a full scan whose detector rows cannot be read: the wrapper fails before reconstructing', { rows: { mode: 'fail', message: 'KeyError: "Unable to open object (object \'data\' doesn\'t exist)"' } }, /verdict at ALCF: count failed: could not read the detector rows \(\/exchange\/data shape\[1\]\) of the scan, so the slices cannot be counted: the probe exited with code 1: KeyError/],
    ['the program runs past the wrapper\'s time limit (Globus Compute cannot cancel: the wrapper stops it)', { program: { sleepMs: 30_000 }, walltime: '0.04' }, /verdict at ALCF: reconstruct failed: the program passed its time limit of 2 s and was stopped/],
  ];
  it.each(failures)('%s: the step fails with the reason and the output tail; no zarr, nothing back, nothing catalogued', async (_what, how, said) => {
    const s = await site({ scicat: true });
    const config = await s.config({ walltime: how.walltime });
    await s.writeScan(SCAN, 4);
    await ingest(s, config, [`/${SCAN}`]);
    if (how.program) await s.setProgram('tomo-recon', how.program);
    if (how.rows) await s.setProgram('scan-rows', how.rows);
    const r = await recon(s, config, [`/${SCAN}`], { options: how.options });
    expect(r.error, r.log).toBeInstanceOf(SplashError);
    expect((r.error as SplashError).kind).toBe('step');
    expect((r.error as Error).message.replace(/\n/g, ' ')).toMatch(said);
    expect(r.log).toMatch(how.walltime || how.rows ? /reconstruct of .* at ALCF failed:/ : /last lines of stderr/);
    expect(submits(s)).toBe(1);
    expect(readdirSync(join(s.data832, 'data/scratch/globus_share'))).toEqual([]);
    expect(s.scicat?.datasets().map((d) => d.type)).toEqual(['raw']);
    expect(r.outputs.get('output-paths')).toBe('[]');
    expect(r.outputs.get('derived-pids')).toBe('[]');
  });

  it('a binned full scan that writes the whole stack (7 rows, binning 2: 3 slices) succeeds; the verdict says what was expected', async () => {
    const s = await site();
    const config = await s.config();
    await s.writeScan(SCAN, 7);
    const r = await recon(s, config, [`/${SCAN}`], { options: '{"binning": 2}' });
    expect(r.error, r.log).toBeUndefined();
    expect(readdirSync(join(s.data832, 'data/scratch/globus_share/BLS-00564_dyparkinson/recscan1'))).toHaveLength(3);
    const verdicts = readdirSync(join(s.eagle, 'logs')).filter((n) => n.startsWith('splash_recon_') && n.endsWith('.status.json'));
    expect(verdicts).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(s.eagle, 'logs', verdicts[0] ?? ''), 'utf8'))).toMatchObject({ ok: true, slices_expected: 3, slices_written: 3 });
  });

  it('an endpoint that is offline fails the step at once: nothing goes to Eagle, nothing is submitted', async () => {
    const s = await site();
    const config = await s.config();
    await s.writeScan(SCAN, 4);
    s.compute.setEndpointStatus('4953017e-6127-4587-9ee3-b71db7623122', 'offline');
    const r = await recon(s, config, [`/${SCAN}`]);
    expect((r.error as Error).message).toMatch(/the Globus Compute endpoint 4953017e-6127-4587-9ee3-b71db7623122 at ALCF is offline; nothing was submitted/);
    expect(submits(s)).toBe(0);
    expect(s.globus.tasks()).toEqual([]);
    expect(existsSync(join(s.eagle, 'data', SCAN))).toBe(false);
  });

  it('a task that fails with a traceback fails the step with its last line; the traceback is in the summary', async () => {
    const s = await site({ scicat: true });
    const config = await s.config();
    await s.writeScan(SCAN, 4);
    await ingest(s, config, [`/${SCAN}`]);
    s.compute.failNextTask('ManagerLost: the worker on x3004c0s13b0n0 was lost');
    const r = await recon(s, config, [`/${SCAN}`]);
    expect((r.error as Error).message).toMatch(/reconstruct of .* at ALCF failed: Globus Compute task [0-9a-f-]{36} failed: InjectedFault: ManagerLost: the worker on x3004c0s13b0n0 was lost — traceback:/);
    expect(r.log).toMatch(/last lines of the traceback[\s\S]*Traceback \(most recent call last\)[\s\S]*InjectedFault: ManagerLost/);
    expect(s.scicat?.datasets().map((d) => d.type)).toEqual(['raw']);
  });

  it('a result not fetched within its time to live is abandoned: the step fails saying so; a re-run takes the finished job\'s verdict at ALCF instead of reconstructing again', async () => {
    const s = await site({ compute: { timings: { resultTtlMs: 50 } } });
    const slow = await s.config({ pollFirst: 1.5, pollMax: 1.5 });
    await s.writeScan(SCAN, 4);
    const first = await recon(s, slow, [`/${SCAN}`]);
    expect((first.error as Error).message).toMatch(/Globus Compute task [0-9a-f-]{36} failed: Task result abandoned: not fetched within 30 minutes of completion/);
    const slices = join(s.eagle, 'data/scratch/BLS-00564_dyparkinson/recscan1');
    const before = readdirSync(slices).map((f) => statSync(join(slices, f)).mtimeMs);
    // The next run polls in time: the new task finds the job's status at ALCF and returns it; nothing runs twice.
    s.compute.setResultTtl(30 * 60_000);
    const again = await recon(s, await s.config(), [`/${SCAN}`]);
    expect(again.error, again.log).toBeUndefined();
    expect(again.log).toMatch(/reconstruct +[0-9a-f-]{36} \(the result of an earlier run\) +ok/);
    expect(readdirSync(slices).map((f) => statSync(join(slices, f)).mtimeMs)).toEqual(before);
    expect(readdirSync(join(s.data832, 'data/scratch/globus_share/BLS-00564_dyparkinson')).sort()).toEqual(['recscan1', 'recscan1.zarr']);
  });

  it('a re-run with options whose outputs another run has since overwritten reconstructs again: the old job\'s verdict is not taken for the folder\'s new contents', async () => {
    const s = await site();
    const config = await s.config();
    await s.writeScan(SCAN, 4);
    expect((await recon(s, config, [`/${SCAN}`])).error).toBeUndefined();
    // Other options write the same folders (one output folder per scan, as at NERSC); the results already back
    // at the beamline are cleared by hand each time (the transfer back never overwrites a differing file).
    const backHome = join(s.data832, 'data/scratch/globus_share/BLS-00564_dyparkinson');
    rmSync(backHome, { recursive: true });
    expect((await recon(s, config, [`/${SCAN}`], { options: '{"algorithm": "fbp"}' })).error).toBeUndefined();
    rmSync(backHome, { recursive: true });
    const back = await recon(s, config, [`/${SCAN}`]);
    expect(back.error, back.log).toBeUndefined();
    expect(back.log).not.toMatch(/the result of an earlier run/);
    const last = s.compute.tasks().slice(-2);
    expect(last.map((t) => /"reused": false/.test(t.result ?? ''))).toEqual([true, true]);
  });

  it('two runs with other options for the same scan at once: the second task waits for the first instead of writing into the same folders', async () => {
    const s = await site();
    const config = await s.config();
    await s.writeScan(SCAN, 4);
    await s.setProgram('tomo-recon', { sleepMs: 2500 });
    // The transfer back of the second may refuse the first's results: only what ran at ALCF matters here.
    await Promise.all([recon(s, config, [`/${SCAN}`]), recon(s, config, [`/${SCAN}`], { options: '{"algorithm": "fbp"}' })]);
    const verdicts = s.compute.tasks()
      .map((t) => JSON.parse(t.result?.slice(3) ?? 'null') as { kind?: string; ok?: boolean; start: number; end: number } | null)
      .filter((v) => v?.kind === 'reconstruct');
    expect(verdicts.map((v) => v?.ok)).toEqual([true, true]);
    const [a, b] = verdicts.sort((x, y) => (x?.start ?? 0) - (y?.start ?? 0));
    expect(b?.start).toBeGreaterThanOrEqual(a?.end ?? Infinity);
  }, 60_000);

  it('429 and 5xx answers are retried; the client never exceeds 20 requests in 10 s however fast it polls', async () => {
    const s = await site();
    const config = await s.config({ pollFirst: 0.01, pollMax: 0.01 });
    await s.writeScan(SCAN, 4);
    await s.setProgram('tomo-recon', { sleepMs: 600 });
    s.compute.inject('POST', /^\/v2\/batch_status$/, { kind: 'status', status: 429, retryAfter: 1 });
    s.compute.inject('POST', /^\/v2\/batch_status$/, { kind: 'status', status: 503 });
    const r = await recon(s, config, [`/${SCAN}`]);
    expect(r.error, r.log).toBeUndefined();
    expect(s.compute.requests.filter((q) => q.status === 429 || q.status === 503)).toHaveLength(2);
    // Polling every 10 ms asks for far more than 20 requests in 10 s: the client waited instead of being refused.
    expect(s.compute.requests.filter((q) => q.status === 429 && q.path !== '/v2/batch_status')).toEqual([]);
    expect(s.compute.peakRequestsPerWindow()).toBeLessThanOrEqual(20);
  });

  it('export-controlled scans never go to ALCF: no transfer, no Compute request', async () => {
    const s = await site();
    const config = await s.config();
    await s.writeScan(SCAN, 4);
    const r = await recon(s, config, [`/${SCAN}`], { exportControlled: true });
    expect(r.error).toBeUndefined();
    expect(r.log).toMatch(/export controlled — not reconstructed off site; no job was submitted/);
    expect(s.compute.requests).toEqual([]);
    expect(s.globus.requests).toEqual([]);
  });

  it('a scan whose names have spaces, quotes, non-ASCII letters and emoji reaches the program as it is, and comes back', async () => {
    const s = await site();
    const config = await s.config();
    const folder = 'BLS "q" Übung ü';
    const file = "it's a scan 😀 ñ.h5";
    await s.writeScan(`raw/${folder}/${file}`, 3);
    const r = await recon(s, config, [`/raw/${folder}/${file}`]);
    expect(r.error, r.log).toBeUndefined();
    expect(readdirSync(join(s.data832, 'data/scratch/globus_share', folder, `rec${file.slice(0, -3)}`))).toHaveLength(3);
    const job = (JSON.parse(s.compute.tasks()[0]?.payload.split('\n').slice(2).join('\n').replace(/\d+\n11\n\{\}$/, '') ?? '[]') as { argv: string[] }[])[0];
    expect(job?.argv.slice(-2)).toEqual([file, folder]);
  });

  it('--dry-run prints the exact argument each task\'s wrapper would get, and needs no credentials or service', async () => {
    const s = await site();
    const config = await s.config();
    const r = await recon({ ...s, env: {} }, config, [`/${SCAN}`], { dryRun: true, options: '{"slices": {"start": 0, "end": 2}}' });
    expect(r.error, r.log).toBeUndefined();
    expect(r.printed).toHaveLength(2);
    expect(r.printed[0]).toMatch(/^# ---- reconstruct of raw\/BLS-00564_dyparkinson\/scan1\.h5 at ALCF \(Globus Compute task splash_recon_\S+ on endpoint 4953017e-6127-4587-9ee3-b71db7623122\); the wrapper splash_recon would receive exactly this argument:\n\{/);
    const job = JSON.parse((r.printed[0] ?? '').split('\n').slice(1).join('\n')) as Record<string, unknown>;
    expect(job).toMatchObject({ version: 1, kind: 'reconstruct', argv: ['python', join(s.eagle, 'scripts/globus_reconstruction.py'), 'scan1.h5', 'BLS-00564_dyparkinson', '0', '2'], check: { kind: 'tiff-stack', expected: 2 } });
    expect(s.compute.requests).toEqual([]);
  });

  it('splash recon register-function registers the wrapper once; a configured function_id is checked against the wrapper this build carries', async () => {
    const s = await site();
    await s.writeScan(SCAN, 4);
    const { ctx } = capture();
    const { functionId } = await withEnv(s.env, async () => runRegisterFunction(ctx, { config: await s.config(), beamline: '8.3.2' }));
    expect(s.compute.functions().map((f) => [f.id, f.name, f.meta])).toEqual([[functionId, 'splash_recon', { python_version: '3.11', sdk_version: '4.15.0', serde_identifier: 'st' }]]);
    const run = await recon(s, await s.config({ alcf: `        function_id: ${functionId}\n` }), [`/${SCAN}`]);
    expect(run.error, run.log).toBeUndefined();
    expect(s.compute.count('POST', '/v3/functions')).toBe(1);
    expect(run.log).not.toMatch(/registered the ALCF wrapper/);
    // A function that is not this wrapper (an older registration, another function): refused before anything runs.
    const token = await fetch(`${s.globus.url}/v2/oauth2/token`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('sim-client:sim-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&scope=https%3A%2F%2Fauth.globus.org%2Fscopes%2Ffacd7ccc-c5f4-42aa-916b-a0e270e2c2a9%2Fall' }).then(async (x) => ((await x.json()) as { access_token: string }).access_token);
    const other = await fetch(`${s.compute.url}/v3/functions`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ function_name: 'splash_recon', function_code: sourceFunctionCode('splash_recon', 'def splash_recon(job):\n    return {}\n'), meta: { python_version: '3.11', sdk_version: '4.15.0', serde_identifier: 'st' } }) }).then(async (x) => ((await x.json()) as { function_uuid: string }).function_uuid);
    const submitted = submits(s);
    const stale = await recon(s, await s.config({ alcf: `        function_id: ${other}\n` }), [`/${SCAN}`]);
    expect((stale.error as Error).message).toMatch(new RegExp(`recon\\.alcf\\.function_id ${other} is not the wrapper this version of splash-flows runs \\(splash_recon\\); nothing was submitted`));
    expect((stale.error as SplashError).hint).toMatch(/splash recon register-function --beamline/);
    expect(submits(s)).toBe(submitted);
  });
});

describe('both centres, and the catalogue at NERSC', () => {
  /** NERSC (the SFAPI simulator) and ALCF side by side; NERSC's results come back to a folder, ALCF's by Globus. */
  async function both(o: { scicat?: boolean; hpc?: string } = {}) {
    const s = await site({ scicat: o.scicat ?? true });
    const n = await nerscSite();
    closers.push(() => n.sim.close());
    const nerscBack = join(s.data832, 'data/scratch/nersc');
    await mkdir(nerscBack, { recursive: true });
    await mkdir(join(n.scratch, 'scratch'), { recursive: true });
    const recon832 = n.recon832({ top: '      results:\n        - { from: pscratch_scratch, to: nersc_back }\n      read_from: nersc_back' }).replace('      hpc: nersc\n', `      hpc: ${o.hpc ?? '[nersc, alcf]'}\n`);
    const config = join(s.sandbox, 'both.yml');
    await writeFile(config, `${s.globusSection()}endpoints:
${s.endpointLines()}  pscratch_scratch: { type: filesystem, root_path: ${join(n.scratch, 'scratch')} }
  nersc_back: { type: filesystem, root_path: ${nerscBack} }
${n.sfapiSection()}${s.scicatSection()}beamlines:
  "8.3.2":
    path_prefix: /
    ingest: { format: generic, read_from: data832-mount }
${recon832}${s.alcfBlock()}`);
    const env = { ...s.env, ...n.env };
    const write = async (rel: string, slices: number): Promise<void> => {
      await s.writeScan(rel, slices);
      await n.writeScan(rel, slices);
    };
    return { s, n, config, nerscBack, env: { ...s, env } as AlcfSite, write };
  }

  it('hpc [nersc, alcf]: both reconstruct, each result lands in its own folder and becomes its own derived dataset of the one raw scan; a re-run submits nothing new and duplicates nothing', async () => {
    const b = await both();
    await b.write(SCAN, 4);
    await ingest(b.env, b.config, [`/${SCAN}`]);
    const r = await recon(b.env, b.config, [`/${SCAN}`]);
    expect(r.error, r.log).toBeUndefined();
    expect(r.log).toMatch(/tomography at NERSC and ALCF/);
    expect(readdirSync(join(b.nerscBack, 'BLS-00564_dyparkinson')).sort()).toEqual(['recscan1', 'recscan1.zarr']);
    expect(readdirSync(join(b.s.data832, 'data/scratch/globus_share/BLS-00564_dyparkinson')).sort()).toEqual(['recscan1', 'recscan1.zarr']);
    const sc = b.s.scicat;
    if (!sc) throw new Error('no scicat');
    const [raw, ...derived] = sc.datasets();
    expect(derived.map((d) => [d.type, (d.jobParameters as { hpc: string }).hpc, d.sourceFolder, d.inputDatasets])).toEqual([
      ['derived', 'nersc', join(b.nerscBack, 'BLS-00564_dyparkinson'), [raw?.pid]],
      ['derived', 'alcf', '/data/scratch/globus_share/BLS-00564_dyparkinson', [raw?.pid]],
    ]);
    expect((derived[0]?.usedSoftware as string[]).join(' ')).toMatch(/ghcr\.io\/als-computing\/microct:master .*sfapi_reconstruction\.py/);
    expect(sc.attachments().map((a) => a.caption)).toEqual(['middle slice of recscan1 (scan1_00001.tiff)', 'middle slice of recscan1 (scan1_00001.tiff)']);
    const blocks = sc.origDatablocks().length;
    expect(JSON.parse(r.outputs.get('derived-pids') ?? '[]')).toEqual(derived.map((d) => d.pid));

    const jobs = b.n.sim.jobs().length;
    const again = await recon(b.env, b.config, [`/${SCAN}`]);
    expect(again.error, again.log).toBeUndefined();
    expect(b.n.sim.jobs()).toHaveLength(jobs);
    expect(again.log).toMatch(/already completed it with these options; not submitted again/);
    expect(again.log).toMatch(/\(the result of an earlier run\)/);
    expect(again.log).toMatch(/already catalogued the reconstruction of .* as /);
    expect(sc.datasets()).toHaveLength(3);
    expect(sc.origDatablocks()).toHaveLength(blocks);
    expect(sc.attachments()).toHaveLength(2);
    const contract = await checkContract(sc.requests);
    console.log(`[figures] both centres, run twice: ${String(contract.checked)} SciCat requests checked against the backend's DTOs and the generated client (${JSON.stringify(contract.kinds)}): ${String(contract.violations.length)} violations`);
    expect(contract.violations).toEqual([]);
  });

  it('a recon that fails at one centre fails the step with that reason; the other centre\'s is back and catalogued, the failed one is not', async () => {
    const b = await both();
    await b.write(SCAN, 4);
    await ingest(b.env, b.config, [`/${SCAN}`]);
    await b.s.setProgram('tomo-recon', { mode: 'fail', exitCode: 4 });
    const r = await recon(b.env, b.config, [`/${SCAN}`]);
    expect((r.error as Error).message).toMatch(/reconstruct of raw\/BLS-00564_dyparkinson\/scan1\.h5 at ALCF failed: the job's verdict at ALCF: reconstruct failed: the program exited with code 4/);
    expect(b.s.scicat?.datasets().map((d) => [d.type, (d.jobParameters as { hpc?: string } | undefined)?.hpc])).toEqual([['raw', undefined], ['derived', 'nersc']]);
    expect(readdirSync(join(b.s.data832, 'data/scratch/globus_share'))).toEqual([]);
  });

  it('results of both centres landing in one folder is a config error before anything runs', async () => {
    const b = await both({ scicat: false });
    // ALCF's results go on from data832 to the folder NERSC's land in.
    await writeFile(b.config, readFileSync(b.config, 'utf8').replace('          - { from: alcf832_scratch, to: data832_scratch }', '          - { from: alcf832_scratch, to: data832_scratch }\n          - { from: data832-scratch-mount, to: nersc_back }'));
    const r = await recon(b.env, b.config, [`/${SCAN}`]);
    expect((r.error as SplashError).kind).toBe('config');
    expect((r.error as Error).message).toMatch(/the results of NERSC and ALCF would both land in nersc_back/);
    expect(b.n.sim.requests).toEqual([]);
    expect(b.s.compute.requests).toEqual([]);
  });

  it('NERSC without SciCat: a dry run writes the derived dataset\'s every request body next to ingest\'s, linked to its dry-run raw dataset, and the backend\'s rules accept them all', async () => {
    const b = await both({ scicat: false, hpc: 'nersc' });
    await b.write(SCAN, 4);
    await ingest(b.env, b.config, [`/${SCAN}`]);
    const r = await recon(b.env, b.config, [`/${SCAN}`]);
    expect(r.error, r.log).toBeUndefined();
    const file = join(b.s.sandbox, 'scicat-dry-run/derived/nersc', `${SCAN}.json`);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { dataset: Record<string, unknown>; origDatablocks: Record<string, unknown>[]; attachment: Record<string, unknown> };
    expect(doc.dataset).toMatchObject({ type: 'derived', inputDatasets: [`dry-run:${SCAN}`], datasetName: 'recscan1', jobParameters: { hpc: 'nersc' } });
    expect(doc.origDatablocks.flatMap((blk) => blk.dataFileList as unknown[]).length).toBeGreaterThan(4);
    expect(contractIssues('derivedDataset', doc.dataset)).toEqual([]);
    for (const blk of doc.origDatablocks) expect(contractIssues('origDatablock', blk)).toEqual([]);
    expect(contractIssues('attachment', doc.attachment)).toEqual([]);
    expect(r.log).toMatch(/SciCat dry run — the request bodies are in .*derived\/nersc/);
  });
});

describe('the bundled action at ALCF', () => {
  it('SIGTERM (a cancelled workflow run): the step fails saying the Compute task cannot be cancelled and what stops it; a re-run waits for that task and takes its result', async () => {
    const s = await site();
    await s.writeScan(SCAN, 4);
    await s.setProgram('tomo-recon', { sleepMs: 3000 });
    const config = await s.config();
    const io = await tempDir('splash-runner-');
    await writeFile(join(io, 'output'), '');
    await writeFile(join(io, 'summary'), '');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...s.env, GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: join(io, 'output'), GITHUB_STEP_SUMMARY: join(io, 'summary'),
      INPUT_BEAMLINE: '8.3.2', 'INPUT_FILE-PATHS': `/${SCAN}`, INPUT_CONFIG: config, INPUT_HPC: 'alcf',
    };
    const child = spawn(process.execPath, [dist('recon')], { env, cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const done = new Promise<number | null>((r) => child.on('close', (code) => { r(code); }));
    const end = Date.now() + 30_000;
    while (!s.compute.tasks().some((t) => t.status === 'running')) {
      if (Date.now() > end) throw new Error(`the task never ran\n${out}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGTERM');
    expect(await done, out).toBe(1);
    expect(out).toMatch(/::error::.*the step was cancelled; Globus Compute cannot cancel a task: it runs on at ALCF until the program ends or the wrapper's time limit stops it \(task [0-9a-f-]{36}, limit 5m 00s\)/);
    expect(readFileSync(join(io, 'summary'), 'utf8')).toMatch(/Globus Compute cannot cancel a task/);
    // The task runs on; a re-run submits again, and the new task waits for the first one's job and takes its verdict.
    const again = await recon(s, config, [`/${SCAN}`]);
    expect(again.error, again.log).toBeUndefined();
    const [first, second] = s.compute.tasks();
    expect(first?.status).toBe('success');
    expect(second?.result).toMatch(/"waited_for_another_task": true|"reused": true/);
  }, 60_000);
});

describe('configuration and arguments', () => {
  it('splash config check and splash recon refuse what ALCF could not run: exit 2, the field and the fix, nothing sent', async () => {
    const s = await site();
    const base = readFileSync(await s.config(), 'utf8');
    const file = join(s.sandbox, 'check.yml');
    const cases: [string, (t: string) => string, RegExp][] = [
      ['hpc alcf without its settings', (t) => t.replace(/ {6}alcf:\n( {8}.*\n)+/, ''), /beamlines\.8\.3\.2\.recon\.alcf: expected the alcf settings \(hpc includes alcf\), got nothing \(the key is missing\)/],
      ['an unknown centre', (t) => t.replace('hpc: alcf', 'hpc: [alcf, mars]'), /beamlines\.8\.3\.2\.recon\.hpc: expected nersc, alcf, or a list of both/],
      ['a function id that is no id', (t) => t.replace('        walltime:', '        function_id: latest\n        walltime:'), /recon\.alcf\.function_id: expected a UUID/],
      ['polling slower than a result is kept', (t) => t.replace('        poll_max_seconds: 0.25', '        poll_max_seconds: 2400'), /recon\.alcf\.poll_max_seconds: expected a number of seconds > 0, at most 600/],
      ['a globus app that does not exist', (t) => t.replace('        walltime:', '        globus_app: compute_app\n        walltime:'), /recon\.alcf\.globus_app: .* has no globus app "compute_app"/],
      ['no Globus credentials at all', (t) => t.replace(/ {2}globus_apps:\n {4}als: .*\n/, ''), /uses Globus endpoints, but .* has no globus\.globus_apps/],
      ['a stage hop to nowhere', (t) => t.replace('to: alcf832 }', 'to: alcf833 }'), /recon\.alcf\.stage\.to: expected one of the defined endpoints/],
      ['read_from a Globus collection', (t) => t.replace('read_from: data832-scratch-mount', 'read_from: data832_scratch'), /recon\.alcf\.read_from: data832_scratch is a globus endpoint; the runner reads the results in a folder/],
    ];
    for (const [what, edit, said] of cases) {
      await writeFile(file, edit(base));
      const r = await runNode(dist('cli'), ['config', 'check', '--config', file], { env: s.env });
      expect([what, r.code]).toEqual([what, 2]);
      expect(r.stderr, what).toMatch(said);
    }
    await writeFile(file, base);
    const ok = await runNode(dist('cli'), ['config', 'check', '--config', file], { env: s.env });
    expect([ok.code, ok.stdout]).toEqual([0, expect.stringMatching(/recon: +tomography at ALCF \(Globus Compute endpoint 4953017e-6127-4587-9ee3-b71db7623122, function registered at each run/) as unknown]);
    for (const [args, said] of [
      [['--hpc', 'polaris'], /hpc: expected nersc, alcf or both, got "polaris"/],
      [['--hpc', 'nersc'], /beamlines\.8\.3\.2\.recon\.nersc is not set, so the beamline cannot reconstruct at NERSC/],
    ] as [string[], RegExp][]) {
      const r = await runNode(dist('cli'), ['recon', '--beamline', '8.3.2', '--config', file, ...args, `/${SCAN}`], { env: s.env });
      expect([args.join(' '), r.code]).toEqual([args.join(' '), 2]);
      expect(r.stderr).toMatch(said);
    }
    expect(s.compute.requests).toEqual([]);
    expect(s.globus.requests).toEqual([]);
  });
});
