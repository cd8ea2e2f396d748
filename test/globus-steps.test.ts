// The move and prune steps on Globus collections, over real HTTP against the Globus simulator.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runDispatch, runMove, runPrune } from '../beamlines/commands.js';
import { SplashError } from '../src/errors.js';
import { createTerminalContext, type TerminalContext } from '../src/run/terminal.js';
import { type GlobusSim, startGlobusSim } from './sim/globus/index.js';
import { DAY, dist, runNode, tempDir, writeFileAt } from './helpers.js';

const SPOT = '44ae904c-ab64-4145-a8f0-7287de38324d';
const DATA = '75b478b2-37af-46df-bfbd-71ed692c6506';
const NERSC = 'df82346e-9a15-11ea-b3c4-0ae144191ee3';

const sims: GlobusSim[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

/** Delete tasks of data, not of the prune's own state folders (markers, locks) under .splash/. */
const dataDeletes = (sim: GlobusSim): number => sim.tasks().filter((t) => t.type === 'DELETE' && !(t.label ?? '').startsWith('splash prune state')).length;

const capture = (): { ctx: TerminalContext; text: () => string } => {
  let out = '';
  const ctx = createTerminalContext({ stream: { write: (c: string) => { out += c; return true; } } as unknown as NodeJS.WritableStream, isTTY: false, verbose: true });
  return { ctx, text: () => out };
};

/** Three collections on disk (spot832 "/" , data832 "/data", nersc832 "/global/…/8.3.2"), a simulator, a config. */
async function facility(extraGlobus = '', simOptions: { bytesPerSecond?: number } = {}) {
  const root = await tempDir('splash-globus-');
  const dirs = { spot: join(root, 'spot'), data: join(root, 'data'), nersc: join(root, 'nersc') };
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });
  await mkdir(join(dirs.data, 'data'), { recursive: true });
  await mkdir(join(dirs.nersc, 'global/cfs/als/8.3.2'), { recursive: true });
  const sim = await startGlobusSim({ collections: { [SPOT]: dirs.spot, [DATA]: dirs.data, [NERSC]: dirs.nersc }, minTaskMs: 20, ...simOptions });
  sims.push(sim);
  const config = join(root, 'config.yml');
  await writeFile(config, `globus:
  auth_url: ${sim.url}
  transfer_url: ${sim.url}
  poll_first_seconds: 0.02
  poll_max_seconds: 0.1
  stuck_grace_seconds: 0.3
  wait_timeout_minutes: 1
${extraGlobus}  globus_apps:
    als_transfer: { client_id: "\${GLOBUS_CLIENT_ID}", client_secret: "\${GLOBUS_CLIENT_SECRET}" }
  globus_endpoints:
    spot832: { root_path: /, uuid: ${SPOT} }
    data832: { root_path: /data, uuid: ${DATA} }
    nersc832: { root_path: /global/cfs/als/8.3.2, uuid: ${NERSC} }
beamlines:
  "8.3.2":
    path_prefix: /
    move:
      - { from: spot832, to: data832 }
      - { from: data832, to: nersc832, skip_export_controlled: true }
    prune:
      - { endpoint: spot832, after_days: 1, check: data832 }
      - { endpoint: data832, after_days: 35, check: nersc832 }
`);
  process.env.GLOBUS_CLIENT_ID = 'sim-client';
  process.env.GLOBUS_CLIENT_SECRET = 'sim-secret';
  return { root, dirs, sim, config, nerscRoot: join(dirs.nersc, 'global/cfs/als/8.3.2') };
}

describe('Globus move', () => {
  it('a dispatch of many files is one task per hop; bytes arrive with their mtime; the summary names the tasks', async () => {
    const f = await facility();
    const mtime = new Date('2026-03-04T05:06:07Z');
    const paths: string[] = [];
    for (let i = 0; i < 5; i++) {
      await writeFileAt(join(f.dirs.spot, `raw/p1/scan_${i}.h5`), `scan ${i}`, mtime);
      paths.push(`/raw/p1/scan_${i}.h5`);
    }
    const { ctx, text } = capture();
    const r = await runMove(ctx, { config: f.config, beamline: '8.3.2', filePaths: paths, exportControlled: false });
    await ctx.flushSummary();
    expect(f.sim.count('POST', '/v0.10/transfer')).toBe(2);
    expect(r.hops.map((h) => h.task?.id)).toEqual(f.sim.tasks().map((t) => t.task_id));
    expect(readFileSync(join(f.nerscRoot, 'raw/p1/scan_4.h5'), 'utf8')).toBe('scan 4');
    expect(statSync(join(f.dirs.data, 'data/raw/p1/scan_0.h5')).mtime.getTime()).toBe(mtime.getTime());
    expect(r.moved).toBe(10);
    // Globus verified these copies: no verification record is written for them.
    for (const d of [f.dirs.data, join(f.dirs.data, 'data'), f.nerscRoot]) expect(existsSync(join(d, '.splash')), d).toBe(false);
    expect(text()).toMatch(/Globus task [0-9a-f-]{36} SUCCEEDED: 5 file\(s\) transferred/);
    expect(text()).toMatch(/Globus task\s+files transferred\s+bytes\s+effective speed/);
    // The client secret and the access token never reach the log.
    expect(text()).not.toContain('sim-secret');
  });

  it('export-controlled data stops before NERSC', async () => {
    const f = await facility();
    await writeFileAt(join(f.dirs.spot, 'raw/ec.h5'), 'secret science');
    const r = await runMove(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['/raw/ec.h5'], exportControlled: true });
    expect(r.hops.map((h) => h.status)).toEqual(['done', 'skipped (export control)']);
    expect(existsSync(join(f.nerscRoot, 'raw/ec.h5'))).toBe(false);
    expect(f.sim.count('POST', '/v0.10/transfer')).toBe(1);
  });

  it('a failed task fails the step with the task\'s own error text, and the prune does not treat its files as replicated', async () => {
    const f = await facility();
    const old = new Date(Date.now() - 3 * DAY);
    await writeFileAt(join(f.dirs.spot, 'raw/a.h5'), 'AAAA', old);
    f.sim.failNextTask('PERMISSION_DENIED', 'permission denied on the destination');
    const err = await runMove(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['/raw/a.h5'], exportControlled: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SplashError);
    expect((err as SplashError).message).toMatch(/FAILED — PERMISSION_DENIED: permission denied on the destination/);
    const reports = await runPrune(capture().ctx, { config: f.config, beamline: '8.3.2', dryRun: false, now: new Date() });
    const spot = reports.find((r) => r.endpoint === 'spot832');
    expect(spot?.pruned).toEqual([]);
    expect(spot?.unsafe.map((u) => [u.rel, u.reason])).toEqual([['raw/a.h5', 'not replicated: no copy at data832']]);
    expect(existsSync(join(f.dirs.spot, 'raw/a.h5'))).toBe(true);
  });

  it('a task stuck on FILE_NOT_FOUND is cancelled after the grace period and reported with its event', async () => {
    const f = await facility();
    await writeFileAt(join(f.dirs.spot, 'raw/a.h5'), 'A');
    f.sim.stickNextTask('FILE_NOT_FOUND');
    const err = await runMove(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['/raw/a.h5'], exportControlled: false }).catch((e: unknown) => e);
    expect((err as SplashError).message).toMatch(/kept failing with FILE_NOT_FOUND for .* — FILE_NOT_FOUND.*; it was cancelled/);
    expect(f.sim.count('POST', '/v0.10/task/')).toBeGreaterThanOrEqual(1);
  });

  it('a token that expires mid-wait is renewed and the move completes', async () => {
    // A slow link: the first task takes about half a second, and the token expires while it runs.
    const f = await facility('', { bytesPerSecond: 2000 });
    await writeFileAt(join(f.dirs.spot, 'raw/a.h5'), 'A'.repeat(1000));
    const moving = runMove(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['/raw/a.h5'], exportControlled: false });
    while (f.sim.tasks().length === 0) await new Promise((r) => setTimeout(r, 5));
    f.sim.expireTokens();
    await moving;
    expect(f.sim.count('POST', '/v2/oauth2/token')).toBeGreaterThanOrEqual(2);
    expect(existsSync(join(f.nerscRoot, 'raw/a.h5'))).toBe(true);
  });

  it('a missing source stops the hop before anything is submitted', async () => {
    const f = await facility();
    await writeFileAt(join(f.dirs.spot, 'raw/a.h5'), 'A');
    const err = await runMove(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['/raw/a.h5', '/raw/missing.h5'], exportControlled: false }).catch((e: unknown) => e);
    expect((err as SplashError).message).toMatch(/spot832:raw\/missing\.h5 does not exist; nothing was submitted/);
    expect(f.sim.count('POST', '/v0.10/transfer')).toBe(0);
  });

  it('hostile paths never reach a request: refused before any call to Globus', async () => {
    const f = await facility();
    for (const bad of ['/raw/../../etc/passwd', '/raw/a\n.h5', '/raw/%2e%2e/x', 'raw\\a.h5']) {
      const err = await runDispatch(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: [bad], exportControlled: false }).catch((e: unknown) => e);
      expect((err as SplashError).kind).toBe('path');
    }
    expect(f.sim.requests).toEqual([]);
  });

  it('missing credentials are a config error naming the variable, and nothing is sent', async () => {
    const f = await facility();
    delete process.env.GLOBUS_CLIENT_SECRET;
    await writeFileAt(join(f.dirs.spot, 'raw/a.h5'), 'A');
    const err = await runMove(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['/raw/a.h5'], exportControlled: false }).catch((e: unknown) => e);
    expect((err as SplashError).kind).toBe('config');
    expect((err as SplashError).message).toMatch(/GLOBUS_CLIENT_SECRET is not set/);
    expect(f.sim.requests).toEqual([]);
  });
});

describe('Globus preflight', () => {
  it('a destination root that does not exist is a config error before anything is submitted (Globus would create it)', async () => {
    const f = await facility();
    await writeFile(f.config, readFileSync(f.config, 'utf8').replace('nersc832: { root_path: /global/cfs/als/8.3.2,', 'nersc832: { root_path: /global/cfs/als/8.3.3,'));
    await writeFileAt(join(f.dirs.spot, 'raw/a.h5'), 'A');
    const err = await runMove(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['/raw/a.h5'], exportControlled: false }).catch((e: unknown) => e);
    expect((err as SplashError).kind).toBe('config');
    expect((err as SplashError).message).toMatch(/endpoint nersc832: root_path \/global\/cfs\/als\/8\.3\.3 is not a folder/);
    expect(existsSync(join(f.dirs.nersc, 'global/cfs/als/8.3.3'))).toBe(false);
  });

  it('missing Globus credentials stop a mixed chain before its filesystem hop copies anything', async () => {
    const f = await facility();
    const text = readFileSync(f.config, 'utf8')
      .replace('globus:\n', `endpoints:\n  local: { type: filesystem, root_path: ${f.root}/local }\n  local2: { type: filesystem, root_path: ${f.root}/local2 }\nglobus:\n`)
      .replace('      - { from: spot832, to: data832 }\n      - { from: data832, to: nersc832, skip_export_controlled: true }\n', '      - { from: local, to: local2 }\n      - { from: spot832, to: data832 }\n');
    await writeFile(f.config, text);
    await mkdir(join(f.root, 'local2'), { recursive: true });
    await writeFileAt(join(f.root, 'local/raw/a.h5'), 'A');
    delete process.env.GLOBUS_CLIENT_SECRET;
    const err = await runMove(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['/raw/a.h5'], exportControlled: false }).catch((e: unknown) => e);
    expect((err as SplashError).kind).toBe('config');
    expect(existsSync(join(f.root, 'local2/raw/a.h5'))).toBe(false);
  });

  it('splash config check refuses Globus hops without credentials and verify: hash on Globus, and warns on mixed hops', async () => {
    const f = await facility();
    const noApps = readFileSync(f.config, 'utf8').replace(/ {2}globus_apps:\n.*\n/, '');
    await writeFile(f.config, noApps);
    const r1 = await runNode(dist('cli'), ['config', 'check', '--config', f.config]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/uses Globus endpoints, but .* has no globus\.globus_apps/);
    const hash = readFileSync(f.config, 'utf8').replace('globus:\n', 'globus:\n  globus_apps:\n    a: { client_id: x, client_secret: y }\n')
      .replace('{ endpoint: spot832, after_days: 1, check: data832 }', '{ endpoint: spot832, after_days: 1, check: data832, verify: hash }');
    await writeFile(f.config, hash);
    const r2 = await runNode(dist('cli'), ['config', 'check', '--config', f.config]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/config\.yml:\d+:\d+ beamlines\.8\.3\.2\.prune\[0\]\.verify: expected size \(the default\) for Globus endpoints, got "hash" \(hash is not available for Globus endpoints/);
  });
});

describe('Globus prune', () => {
  it('deletes verified old files in one delete task, keeps young and unreplicated ones; dry run deletes no data', async () => {
    const f = await facility();
    const old = new Date(Date.now() - 3 * DAY);
    await writeFileAt(join(f.dirs.spot, 'raw/p1/a.h5'), 'AAAA', old);
    await writeFileAt(join(f.dirs.spot, 'raw/p1/b.h5'), 'BBBB', old);
    await writeFileAt(join(f.dirs.spot, 'raw/p1/lonely.h5'), 'L', old);
    await writeFileAt(join(f.dirs.spot, 'raw/p1/short.h5'), 'SSSS', old);
    await writeFileAt(join(f.dirs.spot, 'raw/p1/young.h5'), 'Y');
    await writeFileAt(join(f.dirs.data, 'data/raw/p1/a.h5'), 'AAAA', old);
    await writeFileAt(join(f.dirs.data, 'data/raw/p1/b.h5'), 'BBBB', old);
    await writeFileAt(join(f.dirs.data, 'data/raw/p1/short.h5'), 'SS', old);
    await writeFileAt(join(f.dirs.data, 'data/raw/p1/young.h5'), 'Y');

    const dry = await runPrune(capture().ctx, { config: f.config, beamline: '8.3.2', dryRun: true, now: new Date() });
    expect(dry[0]?.pruned.map((p) => p.rel)).toEqual(['raw/p1/a.h5', 'raw/p1/b.h5']);
    // Its only delete task removes the storage-identity marker under .splash/.
    expect(dataDeletes(f.sim)).toBe(0);

    const reports = await runPrune(capture().ctx, { config: f.config, beamline: '8.3.2', dryRun: false, now: new Date() });
    const spot = reports[0];
    expect(spot?.pruned.map((p) => p.rel)).toEqual(['raw/p1/a.h5', 'raw/p1/b.h5']);
    expect(spot?.kept.map((p) => p.rel)).toEqual(['raw/p1/young.h5']);
    expect(Object.fromEntries(spot?.unsafe.map((u) => [u.rel, u.reason]) ?? [])).toEqual({
      'raw/p1/lonely.h5': 'not replicated: no copy at data832',
      'raw/p1/short.h5': 'size differs at data832 (2 bytes there, 4 here)',
    });
    expect(dataDeletes(f.sim)).toBe(1);
    expect(existsSync(join(f.dirs.spot, 'raw/p1/a.h5'))).toBe(false);
    expect(existsSync(join(f.dirs.spot, 'raw/p1/lonely.h5'))).toBe(true);
    expect(existsSync(join(f.dirs.data, 'data/raw/p1/a.h5'))).toBe(true);
  });

  it('verify: hash is refused for Globus endpoints before anything is listed', async () => {
    const f = await facility();
    await writeFile(f.config, readFileSync(f.config, 'utf8').replace('{ endpoint: spot832, after_days: 1, check: data832 }', '{ endpoint: spot832, after_days: 1, check: data832, verify: hash }'));
    const err = await runPrune(capture().ctx, { config: f.config, beamline: '8.3.2', dryRun: false, now: new Date() }).catch((e: unknown) => e);
    expect((err as SplashError).kind).toBe('config');
    expect(f.sim.requests).toEqual([]);
  });
});

describe('the bundled move action on Globus', () => {
  it('runs as the runner runs it, with credentials from the environment', async () => {
    const f = await facility();
    await writeFileAt(join(f.dirs.spot, 'raw/x.h5'), 'x');
    const io = await tempDir('splash-runner-');
    await writeFile(join(io, 'out'), '');
    await writeFile(join(io, 'sum'), '');
    const r = await runNode(dist('move'), [], {
      env: {
        GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: join(io, 'out'), GITHUB_STEP_SUMMARY: join(io, 'sum'),
        'INPUT_BEAMLINE': '8.3.2', 'INPUT_FILE-PATHS': '/raw/x.h5', INPUT_CONFIG: f.config,
        GLOBUS_CLIENT_ID: 'sim-client', GLOBUS_CLIENT_SECRET: 'sim-secret',
      },
    });
    expect(r.stdout).not.toContain('::error::');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('::add-mask::sim-secret');
    expect(readFileSync(join(io, 'sum'), 'utf8')).toMatch(/Globus task/);
    expect(existsSync(join(f.nerscRoot, 'raw/x.h5'))).toBe(true);
  });
});
