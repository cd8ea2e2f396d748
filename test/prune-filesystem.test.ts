import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { link, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileSystemEndpoint } from '../src/endpoints.js';
import { SplashError } from '../src/errors.js';
import { pruneFilesystem } from '../src/prune/filesystem.js';
import { createTerminalContext } from '../src/run/terminal.js';
import { ageFolders, DAY, dataTree, tempDir, writeFileAt } from './helpers.js';

const quiet = () => createTerminalContext({ stream: { write: () => true } as unknown as NodeJS.WritableStream, isTTY: false });
const ep = (name: string, root: string): FileSystemEndpoint => ({ type: 'filesystem', name, root_path: root });
const NOW = new Date('2026-06-10T12:00:00Z');
const OLD = new Date(NOW.getTime() - 3 * DAY);
const YOUNG = new Date(NOW.getTime() - 0.5 * DAY);

async function setup() {
  const root = await tempDir();
  const src = ep('beamline', join(root, 'beamline'));
  const check = ep('server', join(root, 'server'));
  await mkdir(src.root_path);
  await mkdir(check.root_path);
  return { root, src, check };
}

const opts = (over: Partial<Parameters<typeof pruneFilesystem>[2]> = {}) => ({
  afterDays: 1, verify: 'checksum' as const, now: NOW, dryRun: false, ctx: quiet(), ...over,
});

describe('filesystem prune', () => {
  it('deletes an old file only when the check endpoint holds a copy of the same size', async () => {
    const { src, check } = await setup();
    await writeFileAt(join(src.root_path, 'raw/p1/a.h5'), 'AAAA', OLD);
    await writeFileAt(join(check.root_path, 'raw/p1/a.h5'), 'AAAA', OLD);
    ageFolders(src.root_path, OLD);
    const r = await pruneFilesystem(src, check, opts());
    expect(r.pruned.map((f) => f.rel)).toEqual(['raw/p1/a.h5']);
    expect(existsSync(join(src.root_path, 'raw/p1/a.h5'))).toBe(false);
    expect(existsSync(join(check.root_path, 'raw/p1/a.h5'))).toBe(true);
    // The folders it emptied are gone; the root stays.
    expect(r.removedDirs).toEqual(['raw/p1', 'raw']);
    expect(existsSync(src.root_path)).toBe(true);
  });

  it('never deletes a file whose copy is missing, shorter, or not a readable regular file', async () => {
    const { src, check } = await setup();
    await writeFileAt(join(src.root_path, 'missing.h5'), 'data', OLD);
    await writeFileAt(join(src.root_path, 'shorter.h5'), 'data data', OLD);
    await writeFileAt(join(check.root_path, 'shorter.h5'), 'data', OLD);
    await writeFileAt(join(src.root_path, 'dir-instead.h5'), 'data', OLD);
    await mkdir(join(check.root_path, 'dir-instead.h5'));
    await writeFileAt(join(src.root_path, 'dangling.h5'), 'data', OLD);
    await symlink(join(check.root_path, 'nowhere'), join(check.root_path, 'dangling.h5'));
    await writeFileAt(join(src.root_path, 'fifo.h5'), 'data', OLD);
    execFileSync('mkfifo', [join(check.root_path, 'fifo.h5')]);
    await writeFileAt(join(src.root_path, 'parent-is-file/x.h5'), 'data', OLD);
    await writeFileAt(join(check.root_path, 'parent-is-file'), 'a file, not a folder', OLD);
    const before = dataTree(src.root_path);

    const r = await pruneFilesystem(src, check, opts());
    expect(r.pruned).toEqual([]);
    const reasons = Object.fromEntries(r.unsafe.map((u) => [u.rel, u.reason]));
    expect(reasons['missing.h5']).toMatch(/not replicated/);
    expect(reasons['shorter.h5']).toMatch(/size differs/);
    expect(reasons['dir-instead.h5']).toMatch(/not a regular file/);
    expect(reasons['dangling.h5']).toMatch(/not usable|symlink/);
    expect(reasons['fifo.h5']).toMatch(/not a regular file/);
    expect(reasons['parent-is-file/x.h5']).toMatch(/not replicated|not usable/);
    expect(dataTree(src.root_path)).toEqual(before);
  });

  it('keeps files younger than the retention period', async () => {
    const { src, check } = await setup();
    await writeFileAt(join(src.root_path, 'young.h5'), 'y', YOUNG);
    await writeFileAt(join(check.root_path, 'young.h5'), 'y', YOUNG);
    const r = await pruneFilesystem(src, check, opts());
    expect(r.kept.map((f) => f.rel)).toEqual(['young.h5']);
    expect(r.pruned).toEqual([]);
    expect(existsSync(join(src.root_path, 'young.h5'))).toBe(true);
  });

  it('with verify: hash, a copy of the same size but other content is unsafe', async () => {
    const { src, check } = await setup();
    await writeFileAt(join(src.root_path, 'a.h5'), 'AAAA', OLD);
    await writeFileAt(join(check.root_path, 'a.h5'), 'AAAB', OLD);
    await writeFileAt(join(src.root_path, 'b.h5'), 'BBBB', OLD);
    await writeFileAt(join(check.root_path, 'b.h5'), 'BBBB', OLD);
    const r = await pruneFilesystem(src, check, opts({ verify: 'hash' }));
    expect(r.pruned.map((f) => f.rel)).toEqual(['b.h5']);
    expect(r.unsafe).toEqual([{ rel: 'a.h5', reason: 'content differs at server (xxh128)' }]);
    expect(existsSync(join(src.root_path, 'a.h5'))).toBe(true);
  });

  it('a hard link at the check endpoint is the same file, not a copy', async () => {
    const { src, check } = await setup();
    await writeFileAt(join(src.root_path, 'a.h5'), 'AAAA', OLD);
    await link(join(src.root_path, 'a.h5'), join(check.root_path, 'a.h5'));
    const r = await pruneFilesystem(src, check, opts());
    expect(r.pruned).toEqual([]);
    expect(r.unsafe[0]?.reason).toMatch(/same inode/);
  });

  it('refuses a check endpoint that is the same folder', async () => {
    const { root, src } = await setup();
    await symlink(src.root_path, join(root, 'alias'));
    const err = await pruneFilesystem(src, ep('alias', join(root, 'alias')), opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SplashError);
    expect((err as SplashError).kind).toBe('config');
  });

  it('follows no symlinks: neither out of the root nor into a check copy', async () => {
    const { root, src, check } = await setup();
    await writeFileAt(join(root, 'outside/keep.h5'), 'precious', OLD);
    await writeFileAt(join(check.root_path, 'outside/keep.h5'), 'precious', OLD);
    await symlink(join(root, 'outside'), join(src.root_path, 'outside'));
    await writeFileAt(join(src.root_path, 'a.h5'), 'AAAA', OLD);
    await writeFileAt(join(root, 'elsewhere/a.h5'), 'AAAA', OLD);
    await symlink(join(root, 'elsewhere/a.h5'), join(check.root_path, 'a.h5'));
    const r = await pruneFilesystem(src, check, opts());
    expect(r.pruned).toEqual([]);
    expect(existsSync(join(root, 'outside/keep.h5'))).toBe(true);
    expect(existsSync(join(src.root_path, 'a.h5'))).toBe(true);
    expect(r.unsafe.map((u) => u.rel).sort()).toEqual(['a.h5', 'outside']);
  });

  it('a dry run changes nothing and lists the plan', async () => {
    const { src, check } = await setup();
    await writeFileAt(join(src.root_path, 'raw/a.h5'), 'AAAA', OLD);
    await writeFileAt(join(check.root_path, 'raw/a.h5'), 'AAAA', OLD);
    const before = dataTree(src.root_path);
    const r = await pruneFilesystem(src, check, opts({ dryRun: true }));
    expect(r.pruned.map((f) => f.rel)).toEqual(['raw/a.h5']);
    expect(r.removedDirs).toEqual([]);
    expect(dataTree(src.root_path)).toEqual(before);
  });

  it('leaves folders that were empty before the sweep and unfinished copies alone', async () => {
    const { src, check } = await setup();
    await mkdir(join(src.root_path, 'empty-already'));
    await writeFileAt(join(src.root_path, '.a.h5.splash-partial'), 'half', OLD);
    const r = await pruneFilesystem(src, check, opts());
    expect(readdirSync(src.root_path).filter((n) => n !== '.splash').sort()).toEqual(['.a.h5.splash-partial', 'empty-already']);
    expect(r.unsafe[0]?.reason).toMatch(/unfinished copy/);
  });

  it('retention is measured from the given "now"', async () => {
    const { src, check } = await setup();
    await writeFile(join(src.root_path, 'fresh.h5'), 'F');
    await writeFile(join(check.root_path, 'fresh.h5'), 'F');
    const r1 = await pruneFilesystem(src, check, opts({ now: new Date() }));
    expect(r1.kept).toHaveLength(1);
    const r2 = await pruneFilesystem(src, check, opts({ now: new Date(Date.now() + 2 * DAY) }));
    expect(r2.pruned).toHaveLength(1);
  });
});
