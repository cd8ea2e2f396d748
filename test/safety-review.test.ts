/**
 * Safety review (data loss, races, hostile names): each test pins one finding of the review of move and
 * prune — the ones that found bugs failed before the fix — or behaviour that was checked and is right.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { appendFile, link, mkdir, open, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runDispatch, runMove } from '../beamlines/commands.js';
import type { FileSystemEndpoint } from '../src/endpoints.js';
import { SplashError } from '../src/errors.js';
import { pruneFilesystem } from '../src/prune/filesystem.js';
import { gatePath, resolveInside } from '../src/paths.js';
import { createGithubContext } from '../src/run/github.js';
import { createTerminalContext } from '../src/run/terminal.js';
import { pruneStep } from '../src/steps/prune.js';
import { copyBetweenFilesystems } from '../src/transfer/filesystem.js';
import { ageFolders, DAY, dataTree, makeFacility, snapshotTree, tempDir, writeFileAt } from './helpers.js';

const quiet = () => createTerminalContext({ stream: { write: () => true } as unknown as NodeJS.WritableStream, isTTY: false });
const ep = (name: string, root: string): FileSystemEndpoint => ({ type: 'filesystem', name, root_path: root });
const NOW = new Date('2026-06-10T12:00:00Z');
const OLD = new Date(NOW.getTime() - 3 * DAY);
const opts = (over: Partial<Parameters<typeof pruneFilesystem>[2]> = {}) => ({
  afterDays: 1, verify: 'checksum' as const, now: NOW, dryRun: false, ctx: quiet(), ...over,
});

async function twoEndpoints() {
  const root = await tempDir('splash-review-');
  await mkdir(join(root, 'a'));
  await mkdir(join(root, 'b'));
  return { root, a: ep('a', join(root, 'a')), b: ep('b', join(root, 'b')) };
}

async function bigFile(path: string, mib: number): Promise<void> {
  const fh = await open(path, 'w');
  const block = randomBytes(1 << 20);
  for (let i = 0; i < mib; i++) await fh.write(block);
  await fh.close();
}

describe('move: bad input in a multi-file dispatch', () => {
  it('per-file dispatch: one missing path changes nothing (earlier files are not copied first)', async () => {
    const { root, config } = await makeFacility();
    await writeFileAt(join(root, 'beamline/raw/good.h5'), 'good');
    const err = await runDispatch(quiet(), {
      config, beamline: '8.3.2', filePaths: ['/global/raw/good.h5', '/global/raw/missing.h5'], exportControlled: false,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SplashError);
    expect(snapshotTree(join(root, 'server'))).toEqual([]);
    expect(snapshotTree(join(root, 'archive'))).toEqual([]);
  });

  it('a path that is neither file nor folder (FIFO) must fail before the first byte moves', async () => {
    const { root, config } = await makeFacility();
    await writeFileAt(join(root, 'beamline/raw/good.h5'), 'good');
    execFileSync('mkfifo', [join(root, 'beamline/raw/pipe.h5')]);
    await expect(runMove(quiet(), { config, beamline: '8.3.2', filePaths: ['/global/raw/good.h5', '/global/raw/pipe.h5'], exportControlled: false }))
      .rejects.toThrow(/neither a file nor a folder/);
    expect(snapshotTree(join(root, 'server'))).toEqual([]);
  });

  it('a list dispatch with one missing path changes nothing', async () => {
    const { root, config } = await makeFacility();
    await writeFileAt(join(root, 'beamline/raw/good.h5'), 'good');
    await expect(runMove(quiet(), { config, beamline: '8.3.2', filePaths: ['/global/raw/good.h5', '/global/raw/missing.h5'], exportControlled: false }))
      .rejects.toThrow(/does not exist/);
    expect(snapshotTree(join(root, 'server'))).toEqual([]);
  });
});

describe('move: temporary names', () => {
  it('two runs of the same file at once both end well: one copies, the other finds it identical', async () => {
    const { a, b } = await twoEndpoints();
    await bigFile(join(a.root_path, 'big.h5'), 4);
    const rel = gatePath('big.h5');
    // A watcher retry or a manual re-run while the first run is still going: both must end well
    // (one copies, the other finds an identical file), and the file must be there afterwards.
    const results = await Promise.all([0, 1].map(() =>
      copyBetweenFilesystems(a, b, rel, { ctx: quiet() }).then((r) => r.files[0]?.status ?? 'none', (e: unknown) => String(e))));
    expect(results.sort()).toEqual(['copied', 'identical']);
    expect(statSync(join(b.root_path, 'big.h5')).size).toBe(4 << 20);
  }, 60_000);

  it('a folder holding x.h5 and .x.h5.splash-partial: every file reported copied must exist at the destination', async () => {
    const { a, b } = await twoEndpoints();
    await writeFileAt(join(a.root_path, 'scan/.x.h5.splash-partial'), 'a real file with an unlucky name');
    await writeFileAt(join(a.root_path, 'scan/x.h5'), 'x');
    const r = await copyBetweenFilesystems(a, b, gatePath('scan'), { ctx: quiet() });
    for (const f of r.files.filter((f) => f.status === 'copied')) expect(existsSync(join(b.root_path, f.rel)), f.rel).toBe(true);
  });

  it('a name of 250 bytes (the gate allows 255) can be moved: its partial name must fit NAME_MAX', async () => {
    const { a, b } = await twoEndpoints();
    const name = `${'n'.repeat(247)}.h5`;
    await writeFileAt(join(a.root_path, name), 'data');
    const r = await copyBetweenFilesystems(a, b, gatePath(name), { ctx: quiet() });
    expect(r.files[0]?.status).toBe('copied');
  });

  it('a file that grows while it is copied never gets its final name, and no partial is left', async () => {
    const { a, b } = await twoEndpoints();
    const src = join(a.root_path, 'growing.h5');
    await bigFile(src, 64);
    let stop = false;
    const writer = (async () => {
      while (!(stop as boolean)) {
        await appendFile(src, 'more');
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const outcome = await copyBetweenFilesystems(a, b, gatePath('growing.h5'), { ctx: quiet(), fsync: false }).then(() => 'ok', (e: unknown) => String(e));
    stop = true;
    await writer;
    expect(outcome).toMatch(/changed while it was being copied|verification/);
    expect(readdirSync(b.root_path)).toEqual([]);
  }, 60_000);

  it('never writes through a destination symlink, nor through a symlinked parent', async () => {
    const { root, a, b } = await twoEndpoints();
    await writeFileAt(join(a.root_path, 'x.h5'), 'new');
    await writeFileAt(join(a.root_path, 'd/y.h5'), 'new');
    await writeFileAt(join(root, 'victim.h5'), 'precious');
    await mkdir(join(root, 'victim-dir'));
    await symlink(join(root, 'victim.h5'), join(b.root_path, 'x.h5'));
    await symlink(join(root, 'victim-dir'), join(b.root_path, 'd'));
    await expect(copyBetweenFilesystems(a, b, gatePath('x.h5'), { ctx: quiet() })).rejects.toThrow();
    await expect(copyBetweenFilesystems(a, b, gatePath('d/y.h5'), { ctx: quiet() })).rejects.toThrow(/outside/);
    expect(readFileSync(join(root, 'victim.h5'), 'utf8')).toBe('precious');
    expect(readdirSync(join(root, 'victim-dir'))).toEqual([]);
  });

  it('resolveInside refuses a link that leaves the root and comes back', async () => {
    const root = await tempDir('splash-review-');
    await mkdir(join(root, 'r/c'), { recursive: true });
    await mkdir(join(root, 'elsewhere'));
    await symlink(join(root, 'r/c'), join(root, 'elsewhere/b'));
    await symlink(join(root, 'elsewhere/b'), join(root, 'r/a'));
    await expect(resolveInside(join(root, 'r'), gatePath('a/f.h5'))).rejects.toThrow(/outside/);
  });
});

describe('prune', () => {
  it('verify: size keeps a source rewritten in place after the move (same size, newer mtime)', async () => {
    const root = await tempDir('splash-review-');
    const src = ep('beamline', join(root, 'beamline'));
    const check = ep('server', join(root, 'server'));
    const t0 = new Date(NOW.getTime() - 10 * DAY);
    await writeFileAt(join(src.root_path, 'scan.h5'), 'HDF5 before close', t0);
    await mkdir(check.root_path);
    await copyBetweenFilesystems(src, check, gatePath('scan.h5'), { ctx: quiet() });
    // The writer finalises the file after the watcher dispatched it: same size, new bytes, newer mtime.
    await writeFileAt(join(src.root_path, 'scan.h5'), 'HDF5 final  state', new Date(NOW.getTime() - 5 * DAY));
    const r = await pruneFilesystem(src, check, opts());
    expect(r.pruned).toEqual([]);
    expect(readFileSync(join(src.root_path, 'scan.h5'), 'utf8')).toBe('HDF5 final  state');
  });

  it('a check root inside the pruned root is refused before anything is deleted', async () => {
    const root = await tempDir('splash-review-');
    const src = ep('data', join(root, 'data'));
    const check = ep('zmirror', join(root, 'data/zmirror'));
    for (const p of ['data/x.h5', 'data/zmirror/x.h5', 'data/zmirror/zmirror/x.h5']) await writeFileAt(join(root, p), 'XXXX', OLD);
    const r = await pruneFilesystem(src, check, opts()).catch((e: unknown) => e);
    if (r instanceof SplashError) return; // refusing nested roots is the fix
    if (r instanceof Error) throw r;
    for (const f of (r as Awaited<ReturnType<typeof pruneFilesystem>>).pruned) {
      expect(existsSync(join(check.root_path, f.rel)), `check copy of pruned ${f.rel}`).toBe(true);
    }
  });

  it('a failed unlink is reported for that file and the sweep goes on', async () => {
    const root = await tempDir('splash-review-');
    const src = ep('beamline', join(root, 'beamline'));
    const check = ep('server', join(root, 'server'));
    for (const n of ['a.h5', 'b.h5', 'c.h5']) {
      await writeFileAt(join(src.root_path, n), 'data', OLD);
      await writeFileAt(join(check.root_path, n), 'data', OLD);
    }
    // A real refusal: an immutable file cannot be unlinked, not even by root (EPERM).
    execFileSync('chattr', ['+i', join(src.root_path, 'b.h5')]);
    try {
      const r = await pruneFilesystem(src, check, opts());
      expect(r.pruned.map((f) => f.rel)).toEqual(['a.h5', 'c.h5']);
      expect(r.unsafe).toEqual([{ rel: 'b.h5', reason: 'could not delete (EPERM); left for the next run' }]);
    } finally {
      execFileSync('chattr', ['-i', join(src.root_path, 'b.h5')]);
    }
  });

  it('a folder with ~130,000 sub-folders is swept (no argument-spread stack overflow)', async () => {
    const root = await tempDir('splash-review-');
    await mkdir(join(root, 'beamline/t'), { recursive: true });
    await mkdir(join(root, 'server'));
    for (let i = 0; i < 130_000; i++) mkdirSync(join(root, 'beamline/t', String(i)));
    const r = await pruneFilesystem(ep('beamline', join(root, 'beamline')), ep('server', join(root, 'server')), opts({ dryRun: true }));
    expect(r.pruned).toEqual([]);
  }, 120_000);

  it('a hostile file name cannot inject workflow commands into the run log', async () => {
    const { root, config } = await makeFacility();
    const evil = 'x\n::error title=forged::prune deleted everything';
    await writeFileAt(join(root, 'beamline', evil), 'd', OLD);
    await writeFileAt(join(root, 'server', evil), 'd', OLD);
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(...String(chunk).split(/\r?\n/));
      return true;
    });
    try {
      const { loadConfig } = await import('../src/config/index.js');
      const { openBeamline } = await import('../beamlines/index.js');
      const { createServices } = await import('../src/services.js');
      const loaded = await loadConfig(config);
      const beamline = openBeamline(loaded, '8.3.2').config;
      const ctx = createGithubContext();
      await pruneStep(ctx, { beamlines: [beamline], dryRun: true, now: NOW, services: createServices(loaded, ctx) });
    } finally {
      spy.mockRestore();
    }
    expect(lines.filter((l) => l.startsWith('::error'))).toEqual([]);
  });

  it('keeps future-dated files, partials and same-inode copies; follows no symlinked check folder', async () => {
    const root = await tempDir('splash-review-');
    const src = ep('beamline', join(root, 'beamline'));
    const check = ep('server', join(root, 'server'));
    const future = new Date(NOW.getTime() + 30 * DAY);
    await writeFileAt(join(src.root_path, 'future.h5'), 'f', future);
    await writeFileAt(join(check.root_path, 'future.h5'), 'f', future);
    await writeFileAt(join(src.root_path, 'same.h5'), 's', OLD);
    await link(join(src.root_path, 'same.h5'), join(check.root_path, 'same.h5'));
    await writeFileAt(join(src.root_path, 'sub/in.h5'), 'i', OLD);
    await writeFileAt(join(root, 'decoy/in.h5'), 'i', OLD);
    await symlink(join(root, 'decoy'), join(check.root_path, 'sub'));
    await writeFileAt(join(src.root_path, '.p.h5.splash-partial'), 'p', OLD);
    await writeFileAt(join(check.root_path, '.p.h5.splash-partial'), 'p', OLD);
    const before = dataTree(src.root_path);
    const r = await pruneFilesystem(src, check, opts());
    expect(r.pruned).toEqual([]);
    expect(dataTree(src.root_path)).toEqual(before);
  });

  it('a check root that is a symlink to the pruned root is refused', async () => {
    const root = await tempDir('splash-review-');
    await mkdir(join(root, 'data'));
    await symlink(join(root, 'data'), join(root, 'alias'));
    await writeFileAt(join(root, 'data/x.h5'), 'x', OLD);
    await utimes(join(root, 'data/x.h5'), OLD, OLD);
    await expect(pruneFilesystem(ep('data', join(root, 'data')), ep('alias', join(root, 'alias')), opts())).rejects.toThrow(/same folder/);
    expect(existsSync(join(root, 'data/x.h5'))).toBe(true);
  });

  it('a folder not emptied by this sweep is never removed', async () => {
    const root = await tempDir('splash-review-');
    const src = ep('beamline', join(root, 'beamline'));
    const check = ep('server', join(root, 'server'));
    await mkdir(join(src.root_path, 'fresh-from-move'), { recursive: true });
    await writeFileAt(join(src.root_path, 'old/a.h5'), 'a', OLD);
    await writeFileAt(join(check.root_path, 'old/a.h5'), 'a', OLD);
    await writeFile(join(root, 'unused'), '');
    ageFolders(src.root_path, OLD);
    const r = await pruneFilesystem(src, check, opts());
    expect(r.removedDirs).toEqual(['old']);
    expect(existsSync(join(src.root_path, 'fresh-from-move'))).toBe(true);
  });
});
