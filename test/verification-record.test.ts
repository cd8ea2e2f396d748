import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  folderRecordPath,
  type FileIdentity,
  readVerificationRecord,
  removeFolderRecords,
  removeVerificationRecords,
  type VerificationRecord,
  writeVerificationRecords,
} from '../src/fs/verification-record.js';
import { tempDir } from './helpers.js';

const id = (n: number): FileIdentity => ({ dev: '1', ino: String(n), size: '4', mtimeNs: '1000', ctimeNs: '2000' });
const rec = (rel: string, n: number, digest = 'ab'.repeat(16)): VerificationRecord => ({
  version: 1, rel, algorithm: 'xxh128', digest, copy: id(n), source: { endpoint: 'beamline', identity: id(n + 1000) }, verifiedAt: '2026-12-06T00:00:00.000Z',
});

describe('verification records: one append-only file per folder', () => {
  it('keeps every file of a folder in one file; the last record of a path wins; a tombstone forgets it', async () => {
    const root = await tempDir('splash-records-');
    writeVerificationRecords(root, [rec('raw/p1/a.h5', 1), rec('raw/p1/b.h5', 2), rec('raw/p2/a.h5', 3), rec('top.h5', 4)]);
    const p1 = folderRecordPath(root, 'raw/p1');
    expect(readFileSync(p1, 'utf8').trim().split('\n')).toHaveLength(2);
    expect(readVerificationRecord(root, 'raw/p1/a.h5')?.copy.ino).toBe('1');
    expect(readVerificationRecord(root, 'raw/p2/a.h5')?.copy.ino).toBe('3');
    expect(readVerificationRecord(root, 'top.h5')?.copy.ino).toBe('4');
    expect(readVerificationRecord(root, 'raw/p1/c.h5')).toBeUndefined();
    writeVerificationRecords(root, [rec('raw/p1/a.h5', 7, 'cd'.repeat(16))]);
    expect(readVerificationRecord(root, 'raw/p1/a.h5')?.digest).toBe('cd'.repeat(16));
    removeVerificationRecords(root, ['raw/p1/a.h5']);
    expect(readVerificationRecord(root, 'raw/p1/a.h5')).toBeUndefined();
    expect(readVerificationRecord(root, 'raw/p1/b.h5')?.copy.ino).toBe('2');
    removeFolderRecords(root, 'raw/p1');
    expect(readVerificationRecord(root, 'raw/p1/b.h5')).toBeUndefined();
    expect(readVerificationRecord(root, 'raw/p2/a.h5')?.copy.ino).toBe('3');
  });

  it('a line torn by a crashed writer costs only that record: the lines before and after it still count', async () => {
    const root = await tempDir('splash-records-');
    writeVerificationRecords(root, [rec('d/a.h5', 1)]);
    const path = folderRecordPath(root, 'd');
    // A writer killed mid-append leaves half a line without its newline.
    appendFileSync(path, JSON.stringify(rec('d/b.h5', 2)).slice(0, 60));
    writeVerificationRecords(root, [rec('d/c.h5', 3)]);
    expect(readVerificationRecord(root, 'd/a.h5')?.copy.ino).toBe('1');
    expect(readVerificationRecord(root, 'd/b.h5')).toBeUndefined();
    expect(readVerificationRecord(root, 'd/c.h5')?.copy.ino).toBe('3');
  });

  it('what another process appends is seen within a second (a cached folder is re-read when its file changed)', async () => {
    const root = await tempDir('splash-records-');
    writeVerificationRecords(root, [rec('d/a.h5', 1)]);
    expect(readVerificationRecord(root, 'd/b.h5')).toBeUndefined();
    const line = JSON.stringify(rec('d/b.h5', 2));
    const r = spawnSync(process.execPath, ['-e', `require('fs').appendFileSync(${JSON.stringify(folderRecordPath(root, 'd'))}, ${JSON.stringify(`\n${line}\n`)})`]);
    expect(r.status).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(readVerificationRecord(root, 'd/b.h5')?.copy.ino).toBe('2');
  });

  it('a line that is not a whole, valid record (wrong path key, digest or identity) is ignored', async () => {
    const root = await tempDir('splash-records-');
    await mkdir(join(root, '.splash'), { recursive: true });
    writeVerificationRecords(root, [rec('d/a.h5', 1)]);
    const bad = [
      { ...rec('d/b.h5', 2), digest: 'not-hex' },
      { ...rec('d/c.h5', 3), copy: { ...id(3), ino: '-1' } },
      { ...rec('d/e.h5', 5), version: 2 },
      { ...rec('d/f.h5', 6), source: { endpoint: 'x' } },
    ];
    appendFileSync(folderRecordPath(root, 'd'), `${bad.map((b) => JSON.stringify(b)).join('\n')}\n{"version":1,"rel":"d/a.h5","removed":false}\n`);
    for (const rel of ['d/b.h5', 'd/c.h5', 'd/e.h5', 'd/f.h5']) expect(readVerificationRecord(root, rel)).toBeUndefined();
    expect(readVerificationRecord(root, 'd/a.h5')?.copy.ino).toBe('1');
    writeVerificationRecords(root, [rec('g/a.h5', 8)]);
    writeFileSync(folderRecordPath(root, 'g'), 'garbage');
    expect(readVerificationRecord(root, 'g/a.h5')).toBeUndefined();
  });
});
