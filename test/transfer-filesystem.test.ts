import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, open, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileSystemEndpoint } from '../src/endpoints.js';
import { SplashError } from '../src/errors.js';
import { gatePath } from '../src/paths.js';
import { xxhash128 } from 'hash-wasm';
import { hashFile } from '../src/fs/hash.js';
import { createTerminalContext } from '../src/run/terminal.js';
import { copyBetweenFilesystems, PARTIAL_SUFFIX, partialNameFor } from '../src/transfer/filesystem.js';
import { dist, makeFacility, runNode, snapshotTree, tempDir, writeFileAt } from './helpers.js';

const quiet = () => createTerminalContext({ stream: { write: () => true } as unknown as NodeJS.WritableStream, isTTY: false });
const ep = (name: string, root: string): FileSystemEndpoint => ({ type: 'filesystem', name, root_path: root });

async function twoEndpoints() {
  const root = await tempDir();
  await mkdir(join(root, 'a'));
  await mkdir(join(root, 'b'));
  return { root, a: ep('a', join(root, 'a')), b: ep('b', join(root, 'b')) };
}

describe('content hash', () => {
  it('is XXH128 (known answers), streamed over chunks the same as in one piece', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'empty'), '');
    expect((await hashFile(join(dir, 'empty'))).digest).toBe('99aa06d3014798d86001c324468d497f');
    const big = randomBytes(9 * 1024 * 1024 + 7);
    await writeFile(join(dir, 'big'), big);
    expect(await hashFile(join(dir, 'big'))).toEqual({ digest: await xxhash128(big), bytes: big.length });
  });
});

describe('filesystem transfer', () => {
  it('copies a file, preserves mtime and reports the content hash', async () => {
    const { a, b } = await twoEndpoints();
    const mtime = new Date('2026-01-02T03:04:05Z');
    await writeFileAt(join(a.root_path, 'raw/p1/scan.h5'), 'hello scan', mtime);
    const r = await copyBetweenFilesystems(a, b, gatePath('raw/p1/scan.h5'), { ctx: quiet() });
    expect(r.files).toEqual([
      { rel: 'raw/p1/scan.h5', status: 'copied', bytes: 10, checksum: await xxhash128('hello scan') },
    ]);
    expect(readFileSync(join(b.root_path, 'raw/p1/scan.h5'), 'utf8')).toBe('hello scan');
    expect(statSync(join(b.root_path, 'raw/p1/scan.h5')).mtime.getTime()).toBe(mtime.getTime());
    expect(readdirSync(join(b.root_path, 'raw/p1'))).toEqual(['scan.h5']);
  });

  it('is a no-op when the destination is already identical', async () => {
    const { a, b } = await twoEndpoints();
    await writeFileAt(join(a.root_path, 'x.h5'), 'same bytes');
    await copyBetweenFilesystems(a, b, gatePath('x.h5'), { ctx: quiet() });
    const before = snapshotTree(b.root_path);
    const r = await copyBetweenFilesystems(a, b, gatePath('x.h5'), { ctx: quiet() });
    expect(r.files[0]?.status).toBe('identical');
    expect(snapshotTree(b.root_path)).toEqual(before);
  });

  it('refuses to overwrite a different existing file (same size or not)', async () => {
    const { a, b } = await twoEndpoints();
    await writeFileAt(join(a.root_path, 'x.h5'), 'source AAAA');
    await writeFileAt(join(b.root_path, 'x.h5'), 'other BBBBB');
    await expect(copyBetweenFilesystems(a, b, gatePath('x.h5'), { ctx: quiet() })).rejects.toThrow(/different content.*not overwritten/);
    await writeFileAt(join(b.root_path, 'y.h5'), 'short');
    await writeFileAt(join(a.root_path, 'y.h5'), 'much longer');
    await expect(copyBetweenFilesystems(a, b, gatePath('y.h5'), { ctx: quiet() })).rejects.toThrow(/different size/);
    expect(readFileSync(join(b.root_path, 'x.h5'), 'utf8')).toBe('other BBBBB');
    expect(readFileSync(join(b.root_path, 'y.h5'), 'utf8')).toBe('short');
  });

  it('copies a folder tree, skipping symlinks and reporting them', async () => {
    const { root, a, b } = await twoEndpoints();
    await writeFileAt(join(a.root_path, 'scan/f1.tif'), '1');
    await writeFileAt(join(a.root_path, 'scan/sub/f2.tif'), '22');
    await writeFile(join(root, 'secret.txt'), 'outside');
    await symlink(join(root, 'secret.txt'), join(a.root_path, 'scan/link.txt'));
    const r = await copyBetweenFilesystems(a, b, gatePath('scan'), { ctx: quiet() });
    expect(r.files.map((f) => f.rel).sort()).toEqual(['scan/f1.tif', 'scan/sub/f2.tif']);
    expect(r.skipped).toEqual([{ rel: 'scan/link.txt', reason: 'symlink (not followed)' }]);
    expect(existsSync(join(b.root_path, 'scan/link.txt'))).toBe(false);
  });

  it('refuses a source that escapes its root through a symlink', async () => {
    const { root, a, b } = await twoEndpoints();
    await writeFile(join(root, 'secret.txt'), 'outside');
    await symlink(root, join(a.root_path, 'up'));
    const err = await copyBetweenFilesystems(a, b, gatePath('up/secret.txt'), { ctx: quiet() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SplashError);
    expect((err as SplashError).kind).toBe('path');
    expect(readdirSync(b.root_path)).toEqual([]);
  });

  it('a missing source is an error and nothing is written', async () => {
    const { a, b } = await twoEndpoints();
    await expect(copyBetweenFilesystems(a, b, gatePath('nope.h5'), { ctx: quiet() })).rejects.toThrow(/does not exist/);
    expect(readdirSync(b.root_path)).toEqual([]);
  });

  it('removes a stale partial left by a killed run and completes', async () => {
    const { a, b } = await twoEndpoints();
    await writeFileAt(join(a.root_path, 'x.h5'), 'complete content');
    // A partial of a process that is gone (no such pid) on this host.
    await writeFileAt(partialNameFor(join(b.root_path, 'x.h5'), 99_999_999), 'compl');
    // A partial of a live process (this one) is someone's copy in flight: left alone.
    const live = partialNameFor(join(b.root_path, 'x.h5'));
    await writeFileAt(live, 'in flight');
    await copyBetweenFilesystems(a, b, gatePath('x.h5'), { ctx: quiet() });
    expect(readdirSync(b.root_path).sort()).toEqual([basename(live), 'x.h5'].sort());
    expect(readFileSync(join(b.root_path, 'x.h5'), 'utf8')).toBe('complete content');
  });
});

describe('a copy killed with SIGKILL midway', () => {
  it('leaves no file under the final name, and running again completes it', async () => {
    const { root, config } = await makeFacility();
    const size = 512 * 1024 * 1024;
    const src = join(root, 'beamline/raw/p1/big.h5');
    await mkdir(join(root, 'beamline/raw/p1'), { recursive: true });
    // Real (non-sparse) bytes, so the kernel really has to copy them and the kill lands midway.
    const block = randomBytes(1024 * 1024);
    const fh = await open(src, 'w');
    for (let i = 0; i < size / block.length; i++) await fh.write(block);
    await fh.close();
    await writeFileAt(join(root, 'beamline/raw/p1/head.txt'), 'x');

    const final = join(root, 'server/raw/p1/big.h5');
    const child = spawn(process.execPath, [dist('cli'), 'move', '--beamline', '8.3.2', '--config', config, '/global/raw/p1/big.h5'], {
      stdio: 'ignore',
      env: { PATH: process.env.PATH, NO_COLOR: '1' },
    });
    const closed = new Promise<void>((r) => child.on('close', () => { r(); }));
    // Kill it once the partial file holds some bytes but not all of them.
    const deadline = Date.now() + 20_000;
    let seen = 0;
    const partialOf = (): string | undefined => readdirSync(dirname(final)).find((n) => n.startsWith(`.big.h5.`) && n.endsWith(PARTIAL_SUFFIX));
    let partial: string | undefined;
    while (Date.now() < deadline) {
      partial = existsSync(dirname(final)) ? partialOf() : undefined;
      seen = partial ? statSync(join(dirname(final), partial)).size : 0;
      if (seen > 0 && seen < size) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    await closed;
    expect(seen).toBeGreaterThan(0);
    expect(partial).toMatch(new RegExp(`-${String(child.pid)}-[0-9a-f]+\\.splash-partial$`));
    expect(existsSync(final)).toBe(false);

    const again = await runNode(dist('cli'), ['move', '--beamline', '8.3.2', '--config', config, '/global/raw/p1/big.h5']);
    expect(again.stderr).toContain('copied raw/p1/big.h5');
    expect(again.code).toBe(0);
    expect(statSync(final).size).toBe(size);
    // The killed run's partial is removed by the next copy into that folder.
    expect(partialOf()).toBeUndefined();
    expect(statSync(join(root, 'archive/raw/p1/big.h5')).size).toBe(size);
  }, 120_000);
});
