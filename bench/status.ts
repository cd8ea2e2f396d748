// See status.mjs. Prints each build's time, API requests and the ratio against the bare-fetch baseline.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GitHubClient } from '../src/github/index.js';
import { buildStatus, type BeamlineInfo } from '../src/status/index.js';
import { startGitHubSim, type GitHubSim } from '../test/sim/github/index.js';
import { seedHistory } from '../test/sim/github/history.js';

const RUNS = Number(process.env.BENCH_STATUS_RUNS ?? 3000);
const ROUNDS = Number(process.env.BENCH_STATUS_ROUNDS ?? 5);
const NOW = new Date();
const BEAMLINES: BeamlineInfo[] = [
  { id: '8.3.2', title: 'microCT', eventType: 'new_file_832', prune: [{ endpoint: 'spot832', check: 'data832', after_days: 1 }] },
  { id: '7.3.3', title: 'SAXS/WAXS', eventType: 'new_file_733', prune: [] },
];
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] ?? 0; };
const client = (sim: GitHubSim): GitHubClient => new GitHubClient({ apiUrl: sim.url, owner: 'als-computing', repo: 'splash-flows-ts', credentials: { kind: 'token', token: 'sim-token' } });

/** The same GETs the build made (the simulator's request log), by bare fetch, no parsing, no pages written. */
async function baseline(sim: GitHubSim, from: number): Promise<number> {
  const paths = sim.requests.slice(from).map((r) => r.path);
  const t = performance.now();
  for (const p of paths) {
    const res = await fetch(`${sim.url}${p.includes('/zip') ? p : `${p}?per_page=100`}`, { headers: { authorization: 'Bearer sim-token' }, redirect: 'manual' });
    await res.arrayBuffer();
  }
  return performance.now() - t;
}

async function measure(label: string, runs: number, cacheWarm: boolean): Promise<void> {
  const times: number[] = [];
  const bases: number[] = [];
  let requests = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const sim = await startGitHubSim({ rateLimit: 1_000_000 });
    if (runs > 0) seedHistory(sim, { runs, days: 28, now: NOW, beamlines: [{ id: '8.3.2', eventType: 'new_file_832', recon: true }, { id: '7.3.3', eventType: 'new_file_733' }], failEvery: 50, prune: BEAMLINES[0]?.prune });
    const out = mkdtempSync(join(tmpdir(), 'splash-bench-status-'));
    const build = (): ReturnType<typeof buildStatus> => buildStatus({ client: client(sim), beamlines: BEAMLINES, outDir: join(out, 'pages'), cacheDir: join(out, 'cache'), days: 28, maxRequests: 200, reserve: 100, now: NOW });
    if (cacheWarm) for (let b = 0; b < 60 && (await build()).unread > 0; b++);
    const from = sim.requests.length;
    const t = performance.now();
    const r = await build();
    times.push(performance.now() - t);
    requests = r.requests;
    bases.push(await baseline(sim, from));
    await sim.close();
    rmSync(out, { recursive: true, force: true });
  }
  const ms = median(times);
  const base = median(bases);
  console.log(`status build, ${label}: ${ms.toFixed(0)} ms, ${requests} API requests; the same requests by bare fetch ${base.toFixed(0)} ms (${(ms / Math.max(1, base)).toFixed(2)}x)`);
}

await measure('no runs yet', 0, false);
await measure(`${RUNS} dispatch runs, cold (the 200-request budget)`, RUNS, false);
await measure(`${RUNS} dispatch runs, warm cache`, RUNS, true);
