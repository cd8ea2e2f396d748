/**
 * Adversarial review of the issue-9 mechanisms (verification records, replacement of a changed source's
 * copy, prune's proofs and locks, secret masking). Each test pins a way to lose data or leak a secret that
 * worked on the code before its fix.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileSystemEndpoint } from '../src/endpoints.js';
import { readVerificationRecord } from '../src/fs/verification-record.js';
import { gatePath } from '../src/paths.js';
import { pruneFilesystem } from '../src/prune/filesystem.js';
import { createTerminalContext, type TerminalContext } from '../src/run/terminal.js';
import { copyBetweenFilesystems } from '../src/transfer/filesystem.js';
import { RACY_SOURCE_NS } from '../src/transfer/records.js';
import { DAY, tempDir, writeFileAt } from './helpers.js';

const capture = (): { ctx: TerminalContext; text: () => string } => {
  let out = '';
  const ctx = createTerminalContext({ stream: { write: (c: string) => { out += c; return true; } } as unknown as NodeJS.WritableStream, isTTY: false, verbose: true });
  return { ctx, text: () => out };
};
const quiet = (): TerminalContext => capture().ctx;
const ep = (name: string, root: string): FileSystemEndpoint => ({ type: 'filesystem', name, root_path: root });
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, Number(RACY_SOURCE_NS / 1_000_000n) + 150));
const OLD = new Date(Date.now() - 3 * DAY);

async function twoEndpoints() {
  const root = await tempDir('splash-trust-review-');
  await mkdir(join(root, 'beamline'));
  await mkdir(join(root, 'server'));
  return { root, a: ep('beamline', join(root, 'beamline')), b: ep('server', join(root, 'server')) };
}

describe('a new file under an old name is not "the same source changed"', () => {
  it('pruned at the beamline, then a new scan under the same name (ext4 may give it the freed inode number): the only copy of the old scan is never replaced', async () => {
    const { a, b } = await twoEndpoints();
    const src = join(a.root_path, 'raw/scan_001.h5');
    await writeFileAt(src, 'the first experiment', OLD);
    await copyBetweenFilesystems(a, b, gatePath('raw/scan_001.h5'), { ctx: quiet() });
    expect(readVerificationRecord(realpathSync(b.root_path), 'raw/scan_001.h5')).toBeDefined();
    // Retention: the beamline copy goes, the server's is now the only one.
    const pruned = await pruneFilesystem(a, b, { afterDays: 1, verify: 'checksum', now: new Date(), dryRun: false, ctx: quiet() });
    expect(pruned.pruned.map((f) => f.rel)).toEqual(['raw/scan_001.h5']);
    // Months later the acquisition software counts from 1 again.
    await writeFileAt(src, 'a second, unrelated experiment');
    await settle();
    await expect(copyBetweenFilesystems(a, b, gatePath('raw/scan_001.h5'), { ctx: quiet() })).rejects.toThrow(/server:raw\/scan_001\.h5 is a copy this system made of another file of that name .*; not overwritten/);
    expect(readFileSync(join(b.root_path, 'raw/scan_001.h5'), 'utf8')).toBe('the first experiment');
  }, 30_000);

  it('a file deleted by hand and written anew under its name (a new inode): its old copy is never replaced', async () => {
    const { a, b } = await twoEndpoints();
    const src = join(a.root_path, 'scan.h5');
    await writeFileAt(src, 'take one');
    await settle();
    await copyBetweenFilesystems(a, b, gatePath('scan.h5'), { ctx: quiet() });
    await writeFile(`${src}.new`, 'take two, longer');
    await rename(`${src}.new`, src);
    await expect(copyBetweenFilesystems(a, b, gatePath('scan.h5'), { ctx: quiet() })).rejects.toThrow(/another file of that name .*; not overwritten/);
    expect(readFileSync(join(b.root_path, 'scan.h5'), 'utf8')).toBe('take one');
    expect(statSync(join(b.root_path, 'scan.h5')).size).toBe(8);
  }, 30_000);
});
