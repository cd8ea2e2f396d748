// Recon at NERSC, against the SFAPI simulator (its Slurm runs the job for real):
//  1. SFAPI requests per reconstruction of a 30-minute job: this design (look-up by name, submit, poll with
//     backoff 10 s ×1.5 → 120 s, status file and logs) vs the original's behaviour (RECON §1.6, CONTRACTS §2.4:
//     submit, task polled every 1 s, one update, sleep 60 s, then complete() polling every 10 s, squeue then
//     sacct), replayed against the same simulator. Time is compressed SCALE×.
//  2. The system's own overhead from dispatch (the bundled action starting) to `sbatch` accepted, against a
//     bare Node process making the same HTTP calls (bench/recon-baseline.mjs), interleaved, medians.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reconJob832 } from '../beamlines/bl832/nersc.js';
import { Options832 } from '../beamlines/bl832/recon-options.js';
import { parseConfig } from '../src/config/index.js';
import { nerscPreflight } from '../src/hpc/nersc.js';
import { runSlurmJob } from '../src/hpc/slurm.js';
import { gatePath } from '../src/paths.js';
import { createTerminalContext } from '../src/run/terminal.js';
import { readCredentials, SfapiClient } from '../src/sfapi/index.js';
import { startSfapiSim } from '../test/sim/sfapi/index.js';

const SCALE = Number(process.env.BENCH_RECON_SCALE ?? 200);
const JOB_SECONDS = 1800;
const RUNS = Number(process.env.BENCH_RECON_RUNS ?? 7);
// Bundled into a temp folder by ts-runner.mjs: the repository is where the bench runs from (npm run bench).
const repo = process.env.SPLASH_REPO ?? process.cwd();
const root = mkdtempSync(join(tmpdir(), 'splash-bench-recon-'));
const quiet = createTerminalContext({ stream: { write: () => true } as unknown as NodeJS.WritableStream, isTTY: false });
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? (s[(s.length - 1) / 2] ?? 0) : ((s[s.length / 2 - 1] ?? 0) + (s[s.length / 2] ?? 0)) / 2; };

try {
  const sim = await startSfapiSim({ sandbox: root, assetsDir: join(repo, 'test/sim/sfapi'), timings: { taskMs: 1000 / SCALE, pendingMs: 0, completingMs: 0, notFoundMs: 0, timeScale: 1 / SCALE } });
  const key = await sim.createClient({ name: 'bench' });
  const cfs = join(sim.sandbox, 'cfs');
  const scratch = join(sim.sandbox, 'pscratch');
  const logs = join(sim.sandbox, 'logs');
  const scripts = join(sim.sandbox, 'scripts');
  mkdirSync(logs, { recursive: true });
  mkdirSync(join(cfs, 'raw/p1'), { recursive: true });
  writeFileSync(join(cfs, 'raw/p1/scan.h5'), 'slices=8\n');
  sim.installProgram('tomo-recon', join(scripts, 'sfapi_reconstruction.py'));
  sim.installProgram('tiff-to-zarr', join(scripts, 'tiff_to_zarr.py'));
  const configText = `sfapi:
  api_url: ${sim.url}
  token_url: ${sim.tokenUrl}
  client_id: \${SFAPI_CLIENT_ID}
  private_key: \${SFAPI_PRIVATE_KEY}
  poll_first_seconds: ${10 / SCALE}
  poll_max_seconds: ${120 / SCALE}
beamlines:
  "8.3.2":
    path_prefix: /
    recon:
      hpc: nersc
      multires: false
      nersc:
        account: als
        walltime: "0:45:00"
        images: { recon_image: ghcr.io/als-computing/microct:master, multires_image: ghcr.io/als-computing/microct:master }
        data_root: ${cfs}
        scratch_root: ${scratch}
        log_root: ${logs}
        scripts_root: ${scripts}
`;
  const env = { SFAPI_CLIENT_ID: key.clientId, SFAPI_PRIVATE_KEY: key.privateKeyPem };
  const config = parseConfig(configText, 'bench.yml', env);
  const settings = config.beamlines.get('8.3.2')?.recon?.nersc;
  if (!settings || !config.sfapi) throw new Error('bench config');
  const credentials = readCredentials({ text: key.privateKeyPem, where: 'key', clientId: key.clientId, clientIdWhere: 'id' });
  const newClient = (taskPollMs?: number) => new SfapiClient({ apiUrl: sim.url, tokenUrl: sim.tokenUrl, machine: 'perlmutter', settingsHint: '', credentials, ...(taskPollMs ? { taskPollFirstMs: taskPollMs, taskPollMaxMs: taskPollMs } : { taskPollFirstMs: 500 / SCALE, taskPollMaxMs: 5000 / SCALE }) });

  // ---- 1. requests per 30-minute reconstruction
  sim.setProgram('tomo-recon', { sleepMs: (JOB_SECONDS * 1000) / SCALE, slices: 8 });
  let before = sim.requests.length;
  const ours = newClient();
  await nerscPreflight(ours, config.sfapi, quiet);
  const spec = reconJob832(settings, { beamline: '8.3.2', rel: gatePath('raw/p1/scan.h5') }, Options832.parse({}));
  const outcome = await runSlurmJob(spec, { client: ours, ctx: quiet, signal: new AbortController().signal, pollFirstMs: (10 * 1000) / SCALE, pollMaxMs: (120 * 1000) / SCALE, notFoundGraceMs: 120_000 / SCALE });
  if (!outcome.ok) throw new Error(`bench job failed: ${outcome.reason ?? ''} ${outcome.stderrTail}`);
  const oursRequests = sim.requests.length - before;

  // The original: compute() checks the status, submit_job() polls the task every 1 s, one update(), sleep 60 s,
  // then complete() polls every 10 s (squeue; sacct once the job left the queue) until a terminal state.
  before = sim.requests.length;
  const orig = newClient(1000 / SCALE);
  await orig.status();
  const { jobId } = await orig.submitJob(spec.script.replace(spec.name, `${spec.name}_orig`));
  const update = async (): Promise<string | undefined> => {
    const q = (await orig.jobs({ jobIds: [jobId] }, 'squeue'))[0];
    if (q) return q.state;
    return (await orig.jobs({ jobIds: [jobId] }, 'sacct'))[0]?.state;
  };
  await update();
  await new Promise((r) => setTimeout(r, (60 * 1000) / SCALE));
  for (;;) {
    const st = await update();
    if (st !== undefined && ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'PREEMPTED'].includes(st)) break;
    await new Promise((r) => setTimeout(r, (10 * 1000) / SCALE));
  }
  const origRequests = sim.requests.length - before;
  // Real tokens live ~10 min and are renewed ~1 min early: a real 30-minute wait adds 3 token requests to both.
  const renewals = Math.floor(JOB_SECONDS / 540);
  console.log(`recon: SFAPI requests for one 30-minute reconstruction job (time compressed ${SCALE}x): splash ${oursRequests + renewals} vs the original's fixed 10 s polling ${origRequests + renewals} → ${((origRequests + renewals) / (oursRequests + renewals)).toFixed(1)}x fewer (${renewals} token renewals included in both; an 8.3.2 scan runs two such jobs)`);

  // ---- 2. overhead from dispatch to sbatch accepted
  sim.setProgram('tomo-recon', { slices: 8 });
  const cfgFile = join(root, 'config.yml');
  writeFileSync(cfgFile, configText.replace(`poll_first_seconds: ${10 / SCALE}`, 'poll_first_seconds: 0.05'));
  const accepted = async (start: () => void): Promise<number> => {
    const known = new Set(sim.jobs().map((j) => j.id));
    const t0 = Date.now();
    start();
    for (;;) {
      const j = sim.jobs().find((x) => !known.has(x.id));
      if (j) return j.submitAt - t0;
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  const runProcess = (args: string[], extra: NodeJS.ProcessEnv): Promise<void> =>
    new Promise((resolve) => {
      const p = spawn(process.execPath, args, { cwd: repo, env: { PATH: process.env.PATH, ...env, ...extra }, stdio: 'ignore' });
      p.on('close', () => { resolve(); });
    });
  const io = join(root, 'io');
  mkdirSync(io, { recursive: true });
  const samples: { splash: number[]; bare: number[] } = { splash: [], bare: [] };
  let n = 0;
  for (let i = 0; i < RUNS; i++) {
    for (const who of i % 2 === 0 ? (['splash', 'bare'] as const) : (['bare', 'splash'] as const)) {
      writeFileSync(join(cfs, `raw/p1/scan${String(++n)}.h5`), 'slices=2\n');
      let done: Promise<void> = Promise.resolve();
      const ms = await accepted(() => {
        done = who === 'splash'
          ? runProcess([join(repo, 'dist/recon/index.js')], { GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: join(io, 'out'), GITHUB_STEP_SUMMARY: join(io, 'sum'), INPUT_BEAMLINE: '8.3.2', 'INPUT_FILE-PATHS': `/raw/p1/scan${String(n)}.h5`, INPUT_CONFIG: cfgFile })
          : runProcess([join(repo, 'bench/recon-baseline.mjs')], { SFAPI_URL: sim.url, SFAPI_TOKEN_URL: sim.tokenUrl, SCRIPT: spec.script.replace(spec.name, `baseline_${String(n)}`) });
      });
      samples[who].push(ms);
      await done;
    }
  }
  const s = median(samples.splash);
  const b = median(samples.bare);
  console.log(`recon: dispatch → sbatch accepted: splash (bundled action: config, checks, scripts, look-up, submit) ${s.toFixed(0)} ms vs a bare node process making the same SFAPI calls ${b.toFixed(0)} ms → ratio ${(s / b).toFixed(2)}x (median of ${String(RUNS)}; the simulator's task takes ${(1000 / SCALE).toFixed(0)} ms in both)`);
  await sim.close();
} finally {
  rmSync(root, { recursive: true, force: true });
}
