// The file watcher under a flood: 10,000 files appear in bursts in a watched folder; the bundled CLI
// (`splash watch`, a separate process, as on an acquisition computer) dispatches them to the GitHub simulator.
// Prints: dispatch requests per 100 files (target ≤ 1 while within payload limits), the time from a file
// becoming stable (last write + stability window) to GitHub accepting its dispatch (target ≤ 2 s), and the
// watcher's peak memory against its own idle footprint. No asserts: figures and ratios.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const FILES = Number(process.env.BENCH_WATCH_FILES ?? 10_000);
const BURST = Number(process.env.BENCH_WATCH_BURST ?? 500);
const GAP_MS = Number(process.env.BENCH_WATCH_GAP_MS ?? 1500);
const STABLE_S = 2;
const BATCH_S = 1;

const repo = fileURLToPath(new URL('..', import.meta.url));
const cli = join(repo, 'dist/cli/index.js');
if (!existsSync(cli)) {
  console.error('watch: dist/cli/index.js missing; run npm run bundle first');
  process.exit(1);
}

const tmp = mkdtempSync(join(tmpdir(), 'splash-bench-watch-'));
/** Linux: a process's resident set now and at its peak (kB), and CPU seconds used. */
function procStats(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const ticks = Number(stat[11]) + Number(stat[12]);
    return { rss: kb('VmRSS'), hwm: kb('VmHWM'), cpu: ticks / 100 };
  } catch {
    return { rss: NaN, hwm: NaN, cpu: NaN };
  }
}
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

let watcher;
let sim;
try {
  const simFile = join(tmp, 'sim.mjs');
  await build({ entryPoints: [join(repo, 'test/sim/github/index.ts')], outfile: simFile, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning' });
  const { startGitHubSim } = await import(simFile);
  sim = await startGitHubSim();

  const root = join(tmp, 'facility');
  for (const d of ['beamline', 'server']) mkdirSync(join(root, d), { recursive: true });
  const config = join(root, 'config.yml');
  writeFileSync(
    config,
    `endpoints:
  beamline: { type: filesystem, root_path: ${root}/beamline }
  server: { type: filesystem, root_path: ${root}/server }
beamlines:
  "8.3.2":
    path_prefix: /global
    move: [{ from: beamline, to: server }]
    watch: { stable_seconds: ${STABLE_S}, batch_seconds: ${BATCH_S} }
github:
  repository: als-computing/splash-flows-ts
  api_url: ${sim.url}
`,
  );

  const dir = join(root, 'beamline');
  watcher = spawn(process.execPath, [cli, 'watch', dir, '--beamline', '8.3.2', '--config', config, '--send-as', '/global'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', GITHUB_TOKEN: 'sim-token' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  watcher.stderr.on('data', (d) => (log += d.toString()));
  for (let i = 0; i < 100 && !log.includes('watching'); i++) await sleep(100);
  if (!log.includes('watching')) throw new Error(`watcher did not start:\n${log}`);
  await sleep(500);
  const idle = procStats(watcher.pid);

  // Bursts: BURST files each (scans of one proposal in a fresh folder every other burst), GAP_MS apart.
  const lastWrite = new Map();
  let peakSeen = 0;
  const sampler = setInterval(() => {
    peakSeen = Math.max(peakSeen, procStats(watcher.pid).rss || 0);
  }, 200);
  const t0 = performance.now();
  for (let start = 0, b = 0; start < FILES; start += BURST, b++) {
    const folder = `raw/proposal_${String(Math.floor(b / 2)).padStart(3, '0')}`;
    mkdirSync(join(dir, folder), { recursive: true });
    const buf = Buffer.alloc(4096, 66);
    for (let i = start; i < Math.min(FILES, start + BURST); i++) {
      const rel = `${folder}/scan_${String(i).padStart(6, '0')}.h5`;
      writeFileSync(join(dir, rel), buf);
      lastWrite.set(`/global/${rel}`, Date.now());
    }
    await sleep(GAP_MS);
  }
  const writeSeconds = (performance.now() - t0) / 1000;

  const deadline = Date.now() + 120_000;
  while (new Set(sim.dispatchedPaths()).size < FILES && Date.now() < deadline) await sleep(100);
  await sleep(STABLE_S * 1000 + 1000); // anything late or repeated would show up now
  clearInterval(sampler);
  const end = procStats(watcher.pid);

  const paths = sim.dispatchedPaths();
  const distinct = new Set(paths).size;
  const requests = sim.requests.filter((r) => r.path.endsWith('/dispatches')).length;
  const latencies = [];
  for (const d of sim.dispatches) {
    for (const p of d.client_payload.file_paths) {
      const w = lastWrite.get(p);
      if (w !== undefined) latencies.push((d.time - (w + STABLE_S * 1000)) / 1000);
    }
  }
  const perHundred = (requests / distinct) * 100;
  const p50 = pct(latencies, 50);
  const p95 = pct(latencies, 95);
  const max = Math.max(...latencies);
  const biggest = Math.max(...sim.dispatches.map((d) => d.bytes));

  console.log(`watch: ${FILES} files in ${Math.ceil(FILES / BURST)} bursts of ${BURST}, ${GAP_MS} ms apart (written in ${writeSeconds.toFixed(1)} s); stable_seconds ${STABLE_S}, batch_seconds ${BATCH_S}`);
  console.log(`  dispatched ${distinct} of ${FILES} files, ${paths.length - distinct} twice; ${requests} requests, largest body ${biggest} bytes (limit 64,000)`);
  console.log(`  requests per 100 files: ${perHundred.toFixed(2)} → ratio ${perHundred.toFixed(2)}x of target (≤ 1 per 100 files, ${perHundred <= 1 ? 'within target' : 'OVER target'})`);
  console.log(
    `  stable → dispatched: median ${p50.toFixed(2)} s, p95 ${p95.toFixed(2)} s, max ${max.toFixed(2)} s → ratio ${(max / 2).toFixed(2)}x of target (≤ 2 s, ${max <= 2 ? 'within target' : 'OVER target'})`,
  );
  const peak = Math.max(end.hwm || 0, peakSeen);
  console.log(
    `  watcher memory: idle ${(idle.rss / 1024).toFixed(0)} MiB, peak ${(peak / 1024).toFixed(0)} MiB (ratio ${(peak / idle.rss).toFixed(2)}x of idle); CPU ${(end.cpu - idle.cpu).toFixed(1)} s for the flood`,
  );
} finally {
  if (watcher && watcher.exitCode === null) {
    watcher.kill('SIGTERM');
    await new Promise((r) => watcher.once('exit', r));
  }
  await sim?.close();
  rmSync(tmp, { recursive: true, force: true });
}
