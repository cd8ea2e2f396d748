// Review of the Globus move and prune controllers: data-safety and correctness, over real HTTP against the
// Globus simulator. Each test pins a finding of the review (those that found bugs failed before the fix).
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runMove, runPrune } from '../beamlines/commands.js';
import { SplashError } from '../src/errors.js';
import { createTerminalContext, type TerminalContext } from '../src/run/terminal.js';
import { type GlobusSim, startGlobusSim } from './sim/globus/index.js';
import { DAY, tempDir, writeFileAt } from './helpers.js';

const SPOT = '44ae904c-ab64-4145-a8f0-7287de38324d';
const DATA = '75b478b2-37af-46df-bfbd-71ed692c6506';
const NERSC = 'df82346e-9a15-11ea-b3c4-0ae144191ee3';

const sims: GlobusSim[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

const capture = (): { ctx: TerminalContext; text: () => string } => {
  let out = '';
  const ctx = createTerminalContext({ stream: { write: (c: string) => { out += c; return true; } } as unknown as NodeJS.WritableStream, isTTY: false, verbose: true });
  return { ctx, text: () => out };
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Delete tasks of data, not of the prune's own state folders (markers, locks) under .splash/. */
const dataDeletes = (sim: GlobusSim): number => sim.tasks().filter((t) => t.type === 'DELETE' && !(t.label ?? '').startsWith('splash prune state')).length;

interface FacilityOptions {
  /** Lines of the globus: settings (replace the defaults). */
  settings?: string;
  /** Extra lines under globus.globus_endpoints (4-space indent). */
  endpoints?: string;
  /** Extra top-level sections (e.g. a new-layout `endpoints:`), written before `globus:`. */
  top?: (root: string) => string;
  move?: string;
  prune?: string;
}

const DEFAULT_SETTINGS = `  poll_first_seconds: 0.02
  poll_max_seconds: 0.1
  stuck_grace_seconds: 0.3
  wait_timeout_minutes: 1
`;
const DEFAULT_MOVE = `      - { from: spot832, to: data832 }
      - { from: data832, to: nersc832, skip_export_controlled: true }
`;
const DEFAULT_PRUNE = `      - { endpoint: spot832, after_days: 1, check: data832 }
      - { endpoint: data832, after_days: 35, check: nersc832 }
`;

/** Three collections on disk (spot832 "/", data832 "/data", nersc832 "/global/cfs/als/8.3.2"), a simulator, a config. */
async function facility(o: FacilityOptions = {}) {
  const root = await tempDir('splash-globus-review-');
  const dirs = { spot: join(root, 'spot'), data: join(root, 'data'), nersc: join(root, 'nersc') };
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });
  await mkdir(join(dirs.data, 'data'), { recursive: true });
  await mkdir(join(dirs.nersc, 'global/cfs/als/8.3.2'), { recursive: true });
  const sim = await startGlobusSim({ collections: { [SPOT]: dirs.spot, [DATA]: dirs.data, [NERSC]: dirs.nersc }, minTaskMs: 20 });
  sims.push(sim);
  const config = join(root, 'config.yml');
  const move = o.move ?? DEFAULT_MOVE;
  const prune = o.prune ?? DEFAULT_PRUNE;
  await writeFile(config, `${o.top?.(root) ?? ''}globus:
  auth_url: ${sim.url}
  transfer_url: ${sim.url}
${o.settings ?? DEFAULT_SETTINGS}  globus_apps:
    als_transfer: { client_id: "\${GLOBUS_CLIENT_ID}", client_secret: "\${GLOBUS_CLIENT_SECRET}" }
  globus_endpoints:
    spot832: { root_path: /, uuid: ${SPOT} }
    data832: { root_path: /data, uuid: ${DATA} }
    nersc832: { root_path: /global/cfs/als/8.3.2, uuid: ${NERSC} }
${o.endpoints ?? ''}beamlines:
  "8.3.2":
    path_prefix: /
${move ? `    move:\n${move}` : ''}${prune ? `    prune:\n${prune}` : ''}`);
  process.env.GLOBUS_CLIENT_ID = 'sim-client';
  process.env.GLOBUS_CLIENT_SECRET = 'sim-secret';
  return { root, dirs, sim, config, nerscRoot: join(dirs.nersc, 'global/cfs/als/8.3.2') };
}

const move = (config: string, filePaths: string[], ctx = capture().ctx) =>
  runMove(ctx, { config, beamline: '8.3.2', filePaths, exportControlled: false });
const prune = (config: string, ctx = capture().ctx) => runPrune(ctx, { config, beamline: '8.3.2', dryRun: false, now: new Date() });
const failure = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);

// ---------------------------------------------------------------------------------------------------------

describe('Globus move: review', () => {
  it('a different file already at the destination is never overwritten (docs/config.md "Existing files")', async () => {
    const f = await facility();
    // data832 holds the only copy of an older scan with the same name (spot832 was pruned long ago).
    await writeFileAt(join(f.dirs.data, 'data/raw/scan_0001.h5'), 'OLD SCAN, the only copy left', new Date(Date.now() - 40 * DAY));
    await writeFileAt(join(f.dirs.spot, 'raw/scan_0001.h5'), 'new scan');
    const err = await failure(move(f.config, ['/raw/scan_0001.h5']));
    expect(readFileSync(join(f.dirs.data, 'data/raw/scan_0001.h5'), 'utf8')).toBe('OLD SCAN, the only copy left');
    expect(err).toBeInstanceOf(SplashError);
  });

  it('a source that is neither a file nor a folder (invalid_symlink) is refused before anything is submitted', async () => {
    const f = await facility();
    await writeFileAt(join(f.dirs.spot, 'raw/ok.h5'), 'ok');
    await symlink('/nonexistent/target.h5', join(f.dirs.spot, 'raw/dangling.h5'));
    const err = await failure(move(f.config, ['/raw/ok.h5', '/raw/dangling.h5']));
    expect(err).toBeInstanceOf(SplashError);
    expect(f.sim.count('POST', '/v0.10/transfer')).toBe(0);
  });

  it('a folder in a dispatch is reported file by file (moved count, bytes), not as one entry with the folder inode size', async () => {
    const f = await facility();
    for (const n of ['a', 'b', 'c']) await writeFileAt(join(f.dirs.spot, `raw/p1/${n}.h5`), 'DATA');
    const r = await move(f.config, ['/raw/p1']);
    expect(readFileSync(join(f.nerscRoot, 'raw/p1/c.h5'), 'utf8')).toBe('DATA');
    const copiedBytes = r.hops[0]?.files.filter((x) => x.status === 'copied').reduce((n, x) => n + x.bytes, 0);
    expect(copiedBytes).toBe(12);
    expect(r.moved).toBe(6);
  });

  it('finding one file in a huge folder does not page through the whole listing', async () => {
    const f = await facility();
    const big = join(f.dirs.spot, 'raw/big');
    await mkdir(big, { recursive: true });
    await Promise.all(Array.from({ length: 2500 }, (_, i) => writeFile(join(big, `f${String(i).padStart(4, '0')}.h5`), 'x')));
    await move(f.config, ['/raw/big/f1234.h5']);
    expect(existsSync(join(f.dirs.data, 'data/raw/big/f1234.h5'))).toBe(true);
    expect(f.sim.count('GET', `/v0.10/operation/endpoint/${SPOT}/ls`)).toBeLessThanOrEqual(1);
  });

  it('the wait runs up to its deadline (does not give up one poll interval early)', async () => {
    const f = await facility({ settings: '  poll_first_seconds: 1\n  poll_max_seconds: 1\n  stuck_grace_seconds: 1\n  wait_timeout_minutes: 0.01\n' });
    await writeFileAt(join(f.dirs.spot, 'raw/a.h5'), 'A');
    // The task takes about 20 ms; the wait may last 600 ms. It must not claim "still running after 0.01 min" at once.
    const r = await move(f.config, ['/raw/a.h5']);
    expect(r.hops.map((h) => h.status)).toEqual(['done', 'done']);
  });

  it('a stuck task whose cancel fails is a clear step error saying the task may still be running', async () => {
    const f = await facility();
    await writeFileAt(join(f.dirs.spot, 'raw/a.h5'), 'A');
    f.sim.stickNextTask('FILE_NOT_FOUND');
    f.sim.inject('POST', /\/cancel$/, { kind: 'status', status: 403, code: 'PermissionDenied', message: 'not allowed to cancel' });
    const err = await failure(move(f.config, ['/raw/a.h5']));
    expect(err).toBeInstanceOf(SplashError);
    expect((err as Error).message).toMatch(/FILE_NOT_FOUND/);
    expect((err as Error).message).toMatch(/not cancel|still (running|active)|left running/i);
  });

  it('the summary of a Globus move does not claim an XXH128 check that never happened', async () => {
    const f = await facility();
    await writeFileAt(join(f.dirs.spot, 'raw/a.h5'), 'A');
    const { ctx } = capture();
    await move(f.config, ['/raw/a.h5'], ctx);
    expect(ctx.summary.toText()).not.toMatch(/each verified by size and xxh128 content hash/i);
  });

  it('a hop mixing filesystem and globus is refused before anything is sent or moved', async () => {
    const f = await facility({
      top: (root) => `endpoints:\n  archive: { type: filesystem, root_path: ${root}/archive }\n`,
      move: '      - { from: spot832, to: data832 }\n      - { from: data832, to: archive }\n',
    });
    await mkdir(join(f.root, 'archive'));
    await writeFileAt(join(f.dirs.spot, 'raw/a.h5'), 'A');
    const err = await failure(move(f.config, ['/raw/a.h5']));
    expect((err as SplashError).kind).toBe('not-configured');
    expect(f.sim.requests).toEqual([]);
    expect(existsSync(join(f.dirs.data, 'data/raw/a.h5'))).toBe(false);
  });

  it('root "/" as destination — copied, then identical on a re-run', async () => {
    const f = await facility({ move: '      - { from: data832, to: spot832 }\n', prune: '' });
    await writeFileAt(join(f.dirs.data, 'data/raw/a.h5'), 'AAAA');
    const first = await move(f.config, ['/raw/a.h5']);
    expect(first.hops[0]?.files.map((x) => [x.rel, x.status])).toEqual([['raw/a.h5', 'copied']]);
    expect(readFileSync(join(f.dirs.spot, 'raw/a.h5'), 'utf8')).toBe('AAAA');
    const again = await move(f.config, ['/raw/a.h5']);
    expect(again.hops[0]?.files.map((x) => [x.rel, x.status])).toEqual([['raw/a.h5', 'identical']]);
    expect(again.moved).toBe(0);
  });

  it('a submission whose answer is lost is retried with the same submission id (one task per hop)', async () => {
    const f = await facility();
    await writeFileAt(join(f.dirs.spot, 'raw/a.h5'), 'A');
    f.sim.inject('POST', /^\/v0\.10\/transfer$/, { kind: 'drop-after' });
    const r = await move(f.config, ['/raw/a.h5']);
    expect(r.moved).toBe(2);
    expect(f.sim.tasks()).toHaveLength(2);
  });
});

describe('Globus prune: review', () => {
  it('a check "copy" that is a symlink to the very file being pruned does not count (same collection, separate roots)', async () => {
    const f = await facility({
      endpoints: `    spotsrc: { root_path: /spot, uuid: ${SPOT} }\n    spotarc: { root_path: /archive, uuid: ${SPOT} }\n`,
      move: '',
      prune: '      - { endpoint: spotsrc, after_days: 1, check: spotarc }\n',
    });
    await writeFileAt(join(f.dirs.spot, 'spot/raw/a.h5'), 'the only copy', new Date(Date.now() - 3 * DAY));
    await mkdir(join(f.dirs.spot, 'archive/raw'), { recursive: true });
    await symlink('../../spot/raw/a.h5', join(f.dirs.spot, 'archive/raw/a.h5'));
    const reports = await prune(f.config);
    expect(existsSync(join(f.dirs.spot, 'spot/raw/a.h5'))).toBe(true);
    expect(reports[0]?.pruned).toEqual([]);
    expect(reports[0]?.unsafe.map((u) => u.rel)).toEqual(['raw/a.h5']);
  });

  it('the sweep does not follow a symlinked folder out of the endpoint root and delete there', async () => {
    const f = await facility({ prune: '      - { endpoint: data832, after_days: 1, check: nersc832 }\n' });
    const old = new Date(Date.now() - 3 * DAY);
    await writeFileAt(join(f.dirs.data, 'outside/x.h5'), 'XXXX', old);
    await mkdir(join(f.dirs.data, 'data/raw'), { recursive: true });
    await symlink('../../outside', join(f.dirs.data, 'data/raw/ext'));
    await writeFileAt(join(f.nerscRoot, 'raw/ext/x.h5'), 'XXXX', old);
    await prune(f.config);
    expect(existsSync(join(f.dirs.data, 'outside/x.h5'))).toBe(true);
  });

  it('a delete task the step gave up on (INACTIVE) is cancelled, so it cannot delete a newer file later', async () => {
    const f = await facility();
    const old = new Date(Date.now() - 3 * DAY);
    await writeFileAt(join(f.dirs.spot, 'raw/a.h5'), 'AAAA', old);
    await writeFileAt(join(f.dirs.data, 'data/raw/a.h5'), 'AAAA', old);
    f.sim.inactivateNextTask(500);
    const err = await failure(prune(f.config));
    expect(err).toBeInstanceOf(SplashError);
    // The step reported failure and nothing pruned; the beamline now writes a new scan under the same name.
    await writeFileAt(join(f.dirs.spot, 'raw/a.h5'), 'NEW SCAN, not replicated yet');
    await sleep(900);
    expect(existsSync(join(f.dirs.spot, 'raw/a.h5'))).toBe(true);
  });

  it('a missing endpoint root is a config error found before the first rule deletes anything', async () => {
    const f = await facility({
      endpoints: `    ghost: { root_path: /nope, uuid: ${DATA} }\n`,
      prune: '      - { endpoint: spot832, after_days: 1, check: data832 }\n      - { endpoint: ghost, after_days: 1, check: nersc832 }\n',
    });
    const old = new Date(Date.now() - 3 * DAY);
    await writeFileAt(join(f.dirs.spot, 'raw/a.h5'), 'AAAA', old);
    await writeFileAt(join(f.dirs.data, 'data/raw/a.h5'), 'AAAA', old);
    const err = await failure(prune(f.config));
    expect(dataDeletes(f.sim)).toBe(0);
    expect(existsSync(join(f.dirs.spot, 'raw/a.h5'))).toBe(true);
    expect((err as SplashError).kind).toBe('config');
  });

  it('a failed delete task still leaves the rule (and its unsafe list) in the job summary', async () => {
    const f = await facility();
    const old = new Date(Date.now() - 3 * DAY);
    await writeFileAt(join(f.dirs.spot, 'raw/a.h5'), 'AAAA', old);
    await writeFileAt(join(f.dirs.data, 'data/raw/a.h5'), 'AAAA', old);
    await writeFileAt(join(f.dirs.spot, 'raw/lonely.h5'), 'L', old);
    f.sim.failNextTask('PERMISSION_DENIED', 'permission denied');
    const { ctx } = capture();
    const err = await failure(prune(f.config, ctx));
    expect(err).toBeInstanceOf(SplashError);
    const summary = ctx.summary.toText();
    expect(summary).toContain('spot832');
    expect(summary).toContain('lonely.h5');
  });

  it('a missing check folder and an empty one both keep the file (not replicated)', async () => {
    const f = await facility();
    const old = new Date(Date.now() - 3 * DAY);
    await writeFileAt(join(f.dirs.spot, 'raw/missing/a.h5'), 'AAAA', old);
    await writeFileAt(join(f.dirs.spot, 'raw/empty/b.h5'), 'BBBB', old);
    await mkdir(join(f.dirs.data, 'data/raw/empty'), { recursive: true });
    const reports = await prune(f.config);
    expect(reports[0]?.pruned).toEqual([]);
    expect(Object.fromEntries(reports[0]?.unsafe.map((u) => [u.rel, u.reason]) ?? [])).toEqual({
      'raw/missing/a.h5': 'not replicated: no copy at data832',
      'raw/empty/b.h5': 'not replicated: no copy at data832',
    });
    expect(dataDeletes(f.sim)).toBe(0);
  });

  it('a copy one second older than the file is unsafe; the same second is a copy', async () => {
    const f = await facility();
    const t = Math.floor((Date.now() - 3 * DAY) / 1000) * 1000;
    await writeFileAt(join(f.dirs.spot, 'raw/stale.h5'), 'SSSS', new Date(t));
    await writeFileAt(join(f.dirs.data, 'data/raw/stale.h5'), 'ssss', new Date(t - 1000));
    await writeFileAt(join(f.dirs.spot, 'raw/same.h5'), 'MMMM', new Date(t + 400));
    await writeFileAt(join(f.dirs.data, 'data/raw/same.h5'), 'MMMM', new Date(t));
    const reports = await prune(f.config);
    expect(reports[0]?.pruned.map((p) => p.rel)).toEqual(['raw/same.h5']);
    expect(reports[0]?.unsafe.map((u) => [u.rel, u.reason])).toEqual([['raw/stale.h5', 'copy at data832 is older than this file (modified after it was copied?)']]);
    expect(existsSync(join(f.dirs.spot, 'raw/stale.h5'))).toBe(true);
  });
});
