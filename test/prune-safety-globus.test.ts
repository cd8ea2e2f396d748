/**
 * Prune safety (issue #9) on Globus collections, over real HTTP against the Globus simulator: two
 * collection ids over one folder, locks made of folders, an unreadable check folder, state folders.
 * Each test failed before its fix.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runPrune } from '../beamlines/commands.js';
import { SplashError } from '../src/errors.js';
import { createTerminalContext, type TerminalContext } from '../src/run/terminal.js';
import { type GlobusSim, startGlobusSim } from './sim/globus/index.js';
import { DAY, tempDir, writeFileAt } from './helpers.js';

const SPOT = '44ae904c-ab64-4145-a8f0-7287de38324d';
const DATA = '75b478b2-37af-46df-bfbd-71ed692c6506';
/** A second collection id over data832's folder (a guest collection, say). */
const DATA_ALIAS = '0b5c3cd4-5e0f-4b3a-9d43-0a6e0f0b7c21';

const sims: GlobusSim[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

const capture = (): { ctx: TerminalContext; text: () => string } => {
  let out = '';
  const ctx = createTerminalContext({ stream: { write: (c: string) => { out += c; return true; } } as unknown as NodeJS.WritableStream, isTTY: false, verbose: true });
  return { ctx, text: () => out };
};
const OLD = new Date(Date.now() - 3 * DAY);
const failure = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);
const dataDeletes = (sim: GlobusSim): number => sim.tasks().filter((t) => t.type === 'DELETE' && !(t.label ?? '').startsWith('splash prune state')).length;

/** spot832 (its own folder) and data832; `alias` adds a second collection id over data832's folder. */
async function facility(prune: string, o: { aliasRoot?: string } = {}) {
  const root = await tempDir('splash-prune-globus-');
  const dirs = { spot: join(root, 'spot'), data: join(root, 'data') };
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });
  await mkdir(join(dirs.data, 'data'));
  const sim = await startGlobusSim({ collections: { [SPOT]: dirs.spot, [DATA]: dirs.data, [DATA_ALIAS]: join(dirs.data, o.aliasRoot ?? '') }, minTaskMs: 20 });
  sims.push(sim);
  const config = join(root, 'config.yml');
  await writeFile(config, `globus:
  auth_url: ${sim.url}
  transfer_url: ${sim.url}
  poll_first_seconds: 0.02
  poll_max_seconds: 0.1
  stuck_grace_seconds: 0.3
  wait_timeout_minutes: 1
  globus_apps:
    als_transfer: { client_id: "\${GLOBUS_CLIENT_ID}", client_secret: "\${GLOBUS_CLIENT_SECRET}" }
  globus_endpoints:
    spot832: { root_path: /, uuid: ${SPOT} }
    data832: { root_path: /data, uuid: ${DATA} }
    guest832: { root_path: /data, uuid: ${DATA_ALIAS} }
    guestroot: { root_path: /, uuid: ${DATA_ALIAS} }
beamlines:
  "8.3.2":
    path_prefix: /
    prune:
${prune}`);
  process.env.GLOBUS_CLIENT_ID = 'sim-client';
  process.env.GLOBUS_CLIENT_SECRET = 'sim-secret';
  return { root, dirs, sim, config };
}

const prune = (config: string, ctx = capture().ctx, dryRun = false) => runPrune(ctx, { config, beamline: '8.3.2', dryRun, now: new Date() });

describe('Globus: the check copy is the same storage under another collection id', () => {
  it('a second collection id over the pruned folder is refused before anything is deleted', async () => {
    const f = await facility('      - { endpoint: data832, after_days: 1, check: guest832 }\n');
    for (let i = 0; i < 5; i++) await writeFileAt(join(f.dirs.data, `data/raw/scan_${i}.h5`), `scan ${i}`, OLD);
    const err = await failure(prune(f.config));
    expect(err).toBeInstanceOf(SplashError);
    expect((err as SplashError).kind).toBe('config');
    expect((err as SplashError).message).toMatch(new RegExp(`prune of data832 is checked against guest832, but both are the same storage: a marker made under data832 \\(${DATA}:/data\\) is listed under guest832 \\(${DATA_ALIAS}:/data\\)`));
    expect(readdirSync(join(f.dirs.data, 'data/raw'))).toHaveLength(5);
    expect(dataDeletes(f.sim)).toBe(0);
    // The marker went again (one delete task of the state folder).
    expect(readdirSync(join(f.dirs.data, 'data/.splash'))).toEqual([]);
  });

  it('also when the alias collection is rooted elsewhere in the same storage (another id and another path)', async () => {
    const f = await facility('      - { endpoint: data832, after_days: 1, check: guestroot }\n', { aliasRoot: 'data' });
    await writeFileAt(join(f.dirs.data, 'data/raw/scan.h5'), 'scan', OLD);
    const err = await failure(prune(f.config));
    expect((err as SplashError).message).toMatch(/both are the same storage/);
    expect(existsSync(join(f.dirs.data, 'data/raw/scan.h5'))).toBe(true);
  });

  it('a separate collection passes the proof, and the rule prunes; a dry run too proves it', async () => {
    const f = await facility('      - { endpoint: spot832, after_days: 1, check: data832 }\n');
    await writeFileAt(join(f.dirs.spot, 'raw/a.h5'), 'AAAA', OLD);
    await writeFileAt(join(f.dirs.data, 'data/raw/a.h5'), 'AAAA', OLD);
    const dry = await prune(f.config, capture().ctx, true);
    expect(dry[0]?.pruned.map((p) => p.rel)).toEqual(['raw/a.h5']);
    expect(f.sim.count('POST', `/v0.10/operation/endpoint/${SPOT}/mkdir`)).toBe(2);
    const reports = await prune(f.config);
    expect(reports[0]?.pruned.map((p) => p.rel)).toEqual(['raw/a.h5']);
    expect(existsSync(join(f.dirs.spot, 'raw/a.h5'))).toBe(false);
    // Markers and locks are gone again.
    expect(readdirSync(join(f.dirs.spot, '.splash'))).toEqual([]);
    expect(readdirSync(join(f.dirs.data, 'data/.splash'))).toEqual([]);
  });

  it('a marker that cannot be removed (its delete task fails) only warns; the dry run still reports', async () => {
    const f = await facility('      - { endpoint: spot832, after_days: 1, check: data832 }\n');
    await writeFileAt(join(f.dirs.spot, 'raw/a.h5'), 'AAAA', OLD);
    await writeFileAt(join(f.dirs.data, 'data/raw/a.h5'), 'AAAA', OLD);
    f.sim.failNextTask('PERMISSION_DENIED', 'permission denied');
    const { ctx, text } = capture();
    const dry = await prune(f.config, ctx, true);
    expect(dry[0]?.pruned.map((p) => p.rel)).toEqual(['raw/a.h5']);
    expect(text()).toMatch(/could not remove the prune's state folders on spot832 \(\/\.splash\/identity-[0-9a-f]{32}\).*they are harmless/);
    // The marker left behind is no data and no alias: the next run passes and lists nothing as unsafe.
    const reports = await prune(f.config);
    expect(reports[0]?.pruned.map((p) => p.rel)).toEqual(['raw/a.h5']);
    expect(reports[0]?.unsafe).toEqual([]);
  });
});

describe('Globus prune locks', () => {
  const plant = (dir: string, name: string): void => {
    mkdirSync(join(dir, '.splash/prune.lock', name), { recursive: true });
  };

  it('a live holder on this host: the rule fails naming it (exit 1), nothing deleted', async () => {
    const f = await facility('      - { endpoint: spot832, after_days: 1, check: data832 }\n');
    await writeFileAt(join(f.dirs.spot, 'raw/a.h5'), 'AAAA', OLD);
    await writeFileAt(join(f.dirs.data, 'data/raw/a.h5'), 'AAAA', OLD);
    const sleeper = spawn('sleep', ['30']);
    try {
      const since = Date.now() - 5000;
      plant(f.dirs.spot, `holder~pruned~${hostname()}~${sleeper.pid ?? 0}~${since}~${Date.now()}~abcdef~`);
      const err = await failure(prune(f.config));
      expect((err as SplashError).kind).toBe('step');
      expect((err as SplashError).message).toMatch(/1 prune rule did not run: another prune holds a lock it needs \(spot832\)/);
      expect(existsSync(join(f.dirs.spot, 'raw/a.h5'))).toBe(true);
      expect(dataDeletes(f.sim)).toBe(0);
      // Its lock is untouched.
      expect(readdirSync(join(f.dirs.spot, '.splash/prune.lock'))).toHaveLength(1);
    } finally {
      sleeper.kill();
    }
  });

  it('the holder named in the error: host, pid, since', async () => {
    const f = await facility('      - { endpoint: spot832, after_days: 1, check: data832 }\n');
    const sleeper = spawn('sleep', ['30']);
    try {
      const since = Date.parse('2026-11-30T05:17:00Z');
      plant(join(f.dirs.data, 'data'), `holder~pruned~${hostname()}~${sleeper.pid ?? 0}~${since}~${Date.now()}~abcdef~`);
      const { ctx, text } = capture();
      await failure(prune(f.config, ctx));
      expect(text()).toContain(`data832 is locked by another prune (a prune: host ${hostname()}, pid ${sleeper.pid ?? 0}, since 2026-11-30T05:17:00.000Z; lock ${DATA}:/data/.splash/prune.lock)`);
    } finally {
      sleeper.kill();
    }
  });

  it('a lock whose holder died (this host, process gone) is taken over', async () => {
    const f = await facility('      - { endpoint: spot832, after_days: 1, check: data832 }\n');
    await writeFileAt(join(f.dirs.spot, 'raw/a.h5'), 'AAAA', OLD);
    await writeFileAt(join(f.dirs.data, 'data/raw/a.h5'), 'AAAA', OLD);
    const dead = spawn('true');
    await new Promise((r) => dead.on('exit', r));
    plant(f.dirs.spot, `holder~pruned~${hostname()}~${dead.pid ?? 0}~${Date.now()}~${Date.now()}~abcdef~`);
    const reports = await prune(f.config);
    expect(reports[0]?.pruned.map((p) => p.rel)).toEqual(['raw/a.h5']);
    expect(readdirSync(join(f.dirs.spot, '.splash'))).toEqual([]);
  });

  it('a check collection the app may not write to is not locked, and the rule still runs', async () => {
    const f = await facility('      - { endpoint: spot832, after_days: 1, check: data832 }\n');
    await writeFileAt(join(f.dirs.spot, 'raw/a.h5'), 'AAAA', OLD);
    await writeFileAt(join(f.dirs.data, 'data/raw/a.h5'), 'AAAA', OLD);
    chmodSync(join(f.dirs.data, 'data'), 0o555);
    try {
      const { ctx, text } = capture();
      const reports = await prune(f.config, ctx);
      expect(reports[0]?.pruned.map((p) => p.rel)).toEqual(['raw/a.h5']);
      expect(text()).toMatch(/data832: the Globus app may not write there, so it is not locked/);
    } finally {
      chmodSync(join(f.dirs.data, 'data'), 0o755);
    }
  });
});

describe('Globus sweep: smaller items', () => {
  it('one unreadable folder on the check collection keeps its files as unsafe; the rest is pruned', async () => {
    const f = await facility('      - { endpoint: spot832, after_days: 1, check: data832 }\n');
    for (const p of ['raw/ok/a.h5', 'raw/locked/b.h5']) {
      await writeFileAt(join(f.dirs.spot, p), 'DATA', OLD);
      await writeFileAt(join(f.dirs.data, 'data', p), 'DATA', OLD);
    }
    chmodSync(join(f.dirs.data, 'data/raw/locked'), 0o000);
    try {
      const reports = await prune(f.config);
      expect(reports[0]?.pruned.map((p) => p.rel)).toEqual(['raw/ok/a.h5']);
      expect(reports[0]?.unsafe).toEqual([{ rel: 'raw/locked/b.h5', reason: 'the folder at data832 cannot be listed (ExternalError.DirListingFailed.PermissionDenied), so the copy is not verifiable' }]);
      expect(existsSync(join(f.dirs.spot, 'raw/locked/b.h5'))).toBe(true);
    } finally {
      chmodSync(join(f.dirs.data, 'data/raw/locked'), 0o755);
    }
  });

  it('the state folders (.splash, .splash-spool) are not data: not listed, not unsafe', async () => {
    const f = await facility('      - { endpoint: spot832, after_days: 1, check: data832 }\n');
    await writeFileAt(join(f.dirs.spot, '.splash-spool/pending/1.json'), '{}', OLD);
    await writeFileAt(join(f.dirs.spot, 'raw/.splash-spool/sent.log'), 'x', OLD);
    await writeFileAt(join(f.dirs.spot, '.splash/verified/ab/cd.json'), '{}', OLD);
    const reports = await prune(f.config);
    expect(reports[0]?.unsafe).toEqual([]);
    expect(reports[0]?.kept).toEqual([]);
  });

  it('the simulator, like a GCS running as a non-root user: no listing without r+x, no mkdir without w+x', async () => {
    const f = await facility('      - { endpoint: spot832, after_days: 1, check: data832 }\n');
    mkdirSync(join(f.dirs.spot, 'closed'));
    chmodSync(join(f.dirs.spot, 'closed'), 0o000);
    try {
      const { TransferClient } = await import('../src/globus/index.js');
      const c = new TransferClient({ authUrl: f.sim.url, transferUrl: f.sim.url, clientId: 'sim-client', clientSecret: 'sim-secret', retry: { maxRetries: 0 } });
      const ls = await failure((async () => { for await (const d of c.ls(SPOT, '/closed')) expect(d).toBeUndefined(); })());
      expect(ls).toMatchObject({ status: 502, code: 'ExternalError.DirListingFailed.PermissionDenied' });
      const mk = await failure(c.mkdir(SPOT, '/closed/x'));
      expect(mk).toMatchObject({ status: 502, code: 'ExternalError.MkdirFailed.PermissionDenied' });
      expect((await c.mkdir(SPOT, '/open')).code).toBe('DirectoryCreated');
    } finally {
      chmodSync(join(f.dirs.spot, 'closed'), 0o755);
    }
  });
});
