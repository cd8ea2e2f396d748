// Recon at ALCF, against the Globus Compute simulator (its worker runs the 8.3.2 wrapper with python3 and the
// stand-in program sleeping as long as the job):
//  1. Globus Compute requests for one 30-minute job: this design (endpoint status, function check, submit,
//     batch_status with backoff 2 s ×1.5 → 60 s, every request inside a 20-per-10-s window) vs polling every
//     10 s as the original waited on its future (RECON §2.1), the same task on the same simulator.
//  2. How long after the task finished the step has its verdict (what polling costs in time), both ways.
// Time is compressed SCALE×: the job, the poll intervals and the rate-limit window alike.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alcfReconJob832, wrapper832 } from '../beamlines/bl832/alcf.js';
import { Options832 } from '../beamlines/bl832/recon-options.js';
import { ComputeClient, decodeResult } from '../src/compute/index.js';
import { parseConfig } from '../src/config/index.js';
import { runComputeJob } from '../src/hpc/alcf.js';
import { gatePath } from '../src/paths.js';
import { createTerminalContext } from '../src/run/terminal.js';
import { startComputeSim } from '../test/sim/globus-compute/index.js';
import { startGlobusSim } from '../test/sim/globus/index.js';

const SCALE = Number(process.env.BENCH_ALCF_SCALE ?? 60);
const JOB_SECONDS = 1800;
const EP = '4953017e-6127-4587-9ee3-b71db7623122';
const repo = process.env.SPLASH_REPO ?? process.cwd();
const root = mkdtempSync(join(tmpdir(), 'splash-bench-alcf-'));
const quiet = createTerminalContext({ stream: { write: () => true } as unknown as NodeJS.WritableStream, isTTY: false });
const python = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();

try {
  const eagle = join(root, 'eagle');
  for (const d of ['data/raw/p1', 'logs', 'scripts', 'worker']) mkdirSync(join(eagle, d), { recursive: true });
  writeFileSync(join(eagle, 'data/raw/p1/scan.h5'), 'slices=8\n');
  writeFileSync(join(eagle, 'scripts/globus_reconstruction.py'), '# sfapi-sim stand-in: tomo-recon\n');
  const control = join(root, 'programs.json');
  writeFileSync(control, JSON.stringify({ programs: { 'tomo-recon': { sleepMs: (JOB_SECONDS * 1000) / SCALE, slices: 8 } } }));
  const window = { requests: 20, windowMs: 10_000 / SCALE };
  const globus = await startGlobusSim({ collections: {} });
  const compute = await startComputeSim({
    introspect: (t) => globus.introspect(t), endpoints: { [EP]: 'online' }, python, worker: join(repo, 'test/sim/globus-compute/worker.py'),
    workerDir: join(eagle, 'worker'), rateLimit: window, timings: { receivedMs: 1000 / SCALE, nodesMs: 1000 / SCALE, launchMs: 1000 / SCALE },
    workerEnv: { PATH: `${join(repo, 'test/sim/sfapi/image')}:/usr/local/bin:/usr/bin:/bin`, SFAPI_SIM_NODE: process.execPath, SFAPI_SIM_CONTROL: control },
  });
  const client = new ComputeClient({ computeUrl: compute.url, authUrl: globus.url, clientId: 'sim-client', clientSecret: 'sim-secret', rateLimit: window });
  const config = parseConfig(`beamlines:
  "8.3.2":
    recon:
      hpc: alcf
      alcf:
        endpoint_id: ${EP}
        walltime: "0:45:00"
        data_root: ${join(eagle, 'data')}
        scratch_root: ${join(eagle, 'data')}
        log_root: ${join(eagle, 'logs')}
        scripts_root: ${join(eagle, 'scripts')}
`, 'bench.yml', {});
  const settings = config.beamlines.get('8.3.2')?.recon?.alcf;
  if (!settings) throw new Error('bench config');
  const functionId = await client.registerFunction({ name: wrapper832.name, source: wrapper832.source, description: wrapper832.description, pythonVersion: '3.11' });
  const spec = (n: number) => alcfReconJob832(settings, { beamline: '8.3.2', rel: gatePath(`raw/p1/scan.h5`) }, Options832.parse({ centre: 1000 + n }));

  // ---- 1 and 2: this design
  let before = compute.requests.length;
  await client.endpointStatus(EP);
  await client.functionCode(functionId);
  const outcome = await runComputeJob(spec(1), { client, endpointId: EP, functionId, ctx: quiet, signal: new AbortController().signal, pollFirstMs: 2000 / SCALE, pollMaxMs: 60_000 / SCALE });
  const fetchedAt = Date.now();
  if (!outcome.ok) throw new Error(`bench job failed: ${outcome.reason ?? ''}`);
  const ours = compute.requests.length - before;
  const oursLag = (fetchedAt - (compute.tasks().at(-1)?.completedAt ?? fetchedAt)) * SCALE / 1000;
  const peak = compute.peakRequestsPerWindow();

  // ---- the same task, polled every 10 s
  before = compute.requests.length;
  const [task = ''] = await client.submit(EP, functionId, [{ args: [spec(2).job] }]);
  let record;
  for (;;) {
    record = (await client.batchStatus([task])).get(task);
    if (record && !record.pending) break;
    await new Promise((r) => setTimeout(r, 10_000 / SCALE));
  }
  const fixedAt = Date.now();
  const verdict = decodeResult(record.result ?? '') as { ok?: boolean };
  if (verdict.ok !== true) throw new Error('bench job (fixed polling) failed');
  const fixed = compute.requests.length - before;
  const fixedLag = (fixedAt - (compute.tasks().at(-1)?.completedAt ?? fixedAt)) * SCALE / 1000;

  console.log(`alcf: Globus Compute requests for one 30-minute job (time compressed ${String(SCALE)}x): splash ${String(ours)} (1 endpoint status + 1 function check + 1 submit + ${String(ours - 3)} batch_status) vs polling every 10 s ${String(fixed)} → ${(fixed / ours).toFixed(1)}x fewer; peak ${String(peak)} requests in any 10 s (limit 20); an 8.3.2 scan runs two jobs (the zarr job is short), plus 1 Auth token request per run`);
  console.log(`alcf: verdict in hand after the task ended: splash ${oursLag.toFixed(0)} s vs ${fixedLag.toFixed(0)} s with 10 s polling (at most poll_max_seconds, 60 s, well inside the 30 minutes a result is kept)`);
  await compute.close();
  await globus.close();
} finally {
  rmSync(root, { recursive: true, force: true });
}
