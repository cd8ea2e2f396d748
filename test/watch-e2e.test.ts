// `splash watch` as it runs on an acquisition computer: the bundled CLI in its own process, files written
// slowly and in bursts by another process, the GitHub simulator over HTTP going away and coming back, and
// the watcher killed with SIGKILL and started again. Every file must be dispatched exactly once.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSpoolStatus } from '../src/watch/spool.js';
import { dist, runNode } from './helpers.js';
import { counts, makeGitHubFacility, spawnSplash, startWriter, TOKEN_ENV, until, type WriterFile } from './sim/github/facility.js';
import { startGitHubSim, type GitHubSim } from './sim/github/index.js';

const sims: GitHubSim[] = [];
const children: ReturnType<typeof spawnSplash>[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await c.exited;
  }
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function setup() {
  const sim = await startGitHubSim();
  sims.push(sim);
  const f = await makeGitHubFacility({ apiUrl: sim.url });
  const spool = join(f.beamline, '.splash-spool');
  const watch = (): ReturnType<typeof spawnSplash> => {
    const w = spawnSplash(['watch', f.beamline, '--beamline', '8.3.2', '--config', f.config, '--send-as', '/global']);
    children.push(w);
    return w;
  };
  return { sim, f, spool, watch };
}

/** A burst of `n` data files under `folder`, written in `chunks` pieces; plus a hidden and a temporary file. */
function burst(folder: string, n: number, chunks: number, viaPart = false): WriterFile[] {
  const files: WriterFile[] = Array.from({ length: n }, (_, i) => ({ name: `${folder}/scan_${String(i).padStart(3, '0')}.h5`, chunks, chunkBytes: 4096, viaPart: viaPart && i % 2 === 0 }));
  files.push({ name: `${folder}/.scan_999.h5`, chunks: 2 }, { name: `${folder}/scan_998.h5.tmp`, chunks: 2 });
  return files;
}

const expectExactlyOnce = (sim: GitHubSim, expected: string[]): void => {
  const seen = counts(sim.dispatchedPaths());
  expect([...seen.keys()].sort()).toEqual([...expected].sort());
  const repeated = [...seen].filter(([, n]) => n !== 1);
  expect(repeated).toEqual([]);
};

const names = (folder: string, n: number): string[] => Array.from({ length: n }, (_, i) => `/global/${folder}/scan_${String(i).padStart(3, '0')}.h5`);

describe('splash watch (bundled CLI, files written in bursts by another process)', () => {
  it('dispatches every complete file exactly once, in few requests; ignores hidden and temporary files; stops cleanly on SIGTERM', async () => {
    const { sim, f, spool, watch } = await setup();
    const w = watch();
    await until(() => w.output().includes('watching'), 10_000, w.output);
    const writer = startWriter({ dir: f.beamline, bursts: [burst('raw/p1', 15, 5, true), burst('raw/p2', 15, 5), burst('raw/p3/deep', 15, 5)], chunkGapMs: 80, burstGapMs: 1500 });
    await writer.done;
    const expected = [...names('raw/p1', 15), ...names('raw/p2', 15), ...names('raw/p3/deep', 15)];
    await until(() => sim.dispatchedPaths().length >= expected.length, 20_000, () => `${sim.dispatchedPaths().length} of ${expected.length}\n${w.output()}`);
    await new Promise((r) => setTimeout(r, 1500)); // a window and a rescan: nothing more may come
    expectExactlyOnce(sim, expected);
    expect(sim.dispatches.length).toBeLessThanOrEqual(9); // 45 files: batched, not one request each

    const status = await runNode(dist('cli'), ['watch', '--status', f.beamline]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/watcher: running \(pid \d+/);
    expect(status.stdout).toContain('pending: 0 batch(es), 0 file(s)');
    expect(status.stdout).toContain('sent: 45 file(s) in the ledger');

    w.child.kill('SIGTERM');
    expect(await w.exited).toEqual({ code: 0, signal: null });
    expect(w.output()).toMatch(/SIGTERM: stopping/);
    expect(w.output()).toMatch(/dispatched 45 file\(s\) in \d+ request\(s\)/);
    expect(existsSync(join(spool, 'lock'))).toBe(false);
  }, 60_000);

  it('GitHub unreachable for a stretch of a burst (refused, then dropped connections): after recovery every file is dispatched exactly once', async () => {
    const { sim, f, watch } = await setup();
    const w = watch();
    await until(() => w.output().includes('watching'), 10_000, w.output);
    const writer = startWriter({ dir: f.beamline, bursts: [burst('raw/a', 20, 6), burst('raw/b', 20, 6), burst('raw/c', 20, 6)], chunkGapMs: 100, burstGapMs: 1200 });
    // Down (not listening) while the first burst completes, dropping connections during the second.
    await until(() => writer.bursts() >= 1 || sim.dispatches.length > 0, 15_000, () => 'first burst');
    await sim.stop();
    await until(() => writer.bursts() >= 2, 15_000, () => 'second burst');
    await new Promise((r) => setTimeout(r, 800));
    await sim.start();
    sim.setDropAll(true);
    await new Promise((r) => setTimeout(r, 1500));
    sim.setDropAll(false);
    await writer.done;
    const expected = [...names('raw/a', 20), ...names('raw/b', 20), ...names('raw/c', 20)];
    await until(() => sim.dispatchedPaths().length >= expected.length, 25_000, () => `${sim.dispatchedPaths().length} of ${expected.length}\n${w.output()}`);
    await new Promise((r) => setTimeout(r, 1500));
    expectExactlyOnce(sim, expected);
    expect(w.output()).toMatch(/no answer from GitHub \(ECONNREFUSED\)/);
    expect(sim.requests.some((r) => r.status === 0)).toBe(true); // dropped connections were tried too
    w.child.kill('SIGINT');
    expect((await w.exited).code).toBe(0);
  }, 90_000);

  it('killed with SIGKILL while batches wait in the spool and files are half written, then restarted: nothing lost, nothing duplicated', async () => {
    const { sim, f, spool, watch } = await setup();
    const a = watch();
    await until(() => a.output().includes('watching'), 10_000, a.output);
    await startWriter({ dir: f.beamline, bursts: [burst('raw/one', 10, 3)], chunkGapMs: 80, burstGapMs: 0 }).done;
    await until(() => sim.dispatchedPaths().length >= 10, 15_000, a.output);

    // GitHub stops answering: the second burst completes and waits in the spool.
    sim.setDropAll(true);
    await startWriter({ dir: f.beamline, bursts: [burst('raw/two', 10, 3)], chunkGapMs: 80, burstGapMs: 0 }).done;
    await until(async () => (await readSpoolStatus(spool)).pending.some((r) => r.attempts > 0) && (await readSpoolStatus(spool)).pendingFiles >= 10, 15_000, a.output);
    // A third burst is being written (slowly: 3 s per file) when the watcher dies.
    const third = startWriter({ dir: f.beamline, bursts: [burst('raw/three', 10, 30)], chunkGapMs: 100, burstGapMs: 0 });
    await new Promise((r) => setTimeout(r, 1000));
    a.child.kill('SIGKILL');
    expect((await a.exited).signal).toBe('SIGKILL');

    // What a person sees meanwhile.
    const human = await runNode(dist('cli'), ['watch', '--status', '--spool', spool]);
    expect(human.stdout).toMatch(/stopped without cleaning up/);
    expect(human.stdout).toMatch(/pending: \d+ batch\(es\), 10 file\(s\)/);
    const json = JSON.parse((await runNode(dist('cli'), ['watch', '--status', '--json', f.beamline])).stdout) as {
      pending_files: number;
      sent_files: number;
      watcher: { running: boolean };
      batches: { attempts: number; last_error: string | null; first_path: string }[];
    };
    expect(json).toMatchObject({ pending_files: 10, sent_files: 10, watcher: { running: false } });
    expect(json.batches[0]?.attempts).toBeGreaterThan(0);
    expect(json.batches[0]?.last_error).toMatch(/no answer from GitHub/);
    expect(json.batches[0]?.first_path).toMatch(/^\/global\/raw\/two\//);

    sim.setDropAll(false);
    const b = watch();
    await third.done;
    const expected = [...names('raw/one', 10), ...names('raw/two', 10), ...names('raw/three', 10)];
    await until(() => sim.dispatchedPaths().length >= expected.length, 25_000, () => `${sim.dispatchedPaths().length} of ${expected.length}\n${b.output()}`);
    await new Promise((r) => setTimeout(r, 1500));
    expectExactlyOnce(sim, expected);
    expect(b.output()).toMatch(/from before are in the spool; sending them first/);
    b.child.kill('SIGTERM');
    expect((await b.exited).code).toBe(0);
    expect((await readSpoolStatus(spool)).pendingFiles).toBe(0);
  }, 90_000);

  it('--once sends what is there and exits 0; a second run sends nothing', async () => {
    const { sim, f } = await setup();
    await startWriter({ dir: f.beamline, bursts: [burst('raw/once', 8, 2)], chunkGapMs: 20, burstGapMs: 0 }).done;
    const args = ['watch', f.beamline, '-b', '8.3.2', '-c', f.config, '--send-as', '/global', '--once'];
    const first = await runNode(dist('cli'), args, { env: TOKEN_ENV });
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/dispatched 8 file\(s\) in 1 request\(s\)/);
    const second = await runNode(dist('cli'), args, { env: TOKEN_ENV });
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/dispatched 0 file\(s\)/);
    expectExactlyOnce(sim, names('raw/once', 8));
  });

  it('usage and config errors exit 2 before a spool is created or a request sent', async () => {
    const { sim, f, spool } = await setup();
    const splash = (args: string[], env: NodeJS.ProcessEnv = TOKEN_ENV) => runNode(dist('cli'), args, { env });
    const cases: [string[], RegExp, NodeJS.ProcessEnv?][] = [
      [['watch', '-b', '8.3.2', '-c', f.config], /which folder/],
      [['watch', f.beamline, '-c', f.config], /--beamline is required/],
      [['watch', join(f.root, 'nope'), '-b', '8.3.2', '-c', f.config], /is not a folder/],
      [['watch', f.beamline, '-b', '8.3.2', '-c', f.config, '--send-as', '/elsewhere'], /cannot be dispatched for 8\.3\.2.*outside the beamline prefix/],
      [['watch', f.beamline, '-b', '8.3.2', '-c', f.config, '--send-as', 'relative/path'], /absolute path/],
      [['watch', f.beamline, '-b', '8.3.2', '-c', f.config, '--json'], /--json goes with --status/],
      [['watch', f.beamline, '-b', '8.3.2', '-c', f.config, '--send-as', '/global', '--retry-for', '1m'], /--retry-for goes with --once/],
      [['watch', f.beamline, '-b', '8.3.2', '-c', f.config, '--send-as', '/global'], /GITHUB_TOKEN is not set/, {}],
      [['watch', '--status'], /which spool/],
    ];
    for (const [args, message, env] of cases) {
      const r = await splash(args, env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(spool)).toBe(false);
    expect(sim.requests).toHaveLength(0);
    const help = await splash(['watch', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: splash watch');
    const none = await splash(['watch', '--status', f.beamline]);
    expect(none.stdout).toMatch(/does not exist/);
  });
});
