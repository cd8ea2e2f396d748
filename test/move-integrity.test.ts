/**
 * Move integrity: verification records written by every verified copy, a file that changed after it was
 * moved (copied again and replaced, only where this system made the copy), many small files in batches,
 * and the move summary for thousands of files. Each adversarial case (kill -9, two runs, a source or a
 * destination swapped at the worst moment, a full disk) has its own test.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, watch, writeFileSync } from 'node:fs';
import { appendFile, chmod, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { xxhash128 } from 'hash-wasm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { FileSystemEndpoint } from '../src/endpoints.js';
import { identityAt, readVerificationRecord, sameIdentity } from '../src/fs/verification-record.js';
import { gatePath } from '../src/paths.js';
import { createTerminalContext, type TerminalContext } from '../src/run/terminal.js';
import { copyBetweenFilesystems, PARTIAL_SUFFIX, SMALL_FILE_MAX } from '../src/transfer/filesystem.js';
import { publishHooks } from '../src/transfer/publish.js';
import { RACY_SOURCE_NS } from '../src/transfer/records.js';
import { dist, makeFacility, runAction, runNode, tempDir, writeFileAt } from './helpers.js';
import { makeGitHubFacility, spawnSplash, until } from './sim/github/facility.js';
import { startGitHubSim, type GitHubSim } from './sim/github/index.js';

const capture = (): { ctx: TerminalContext; text: () => string } => {
  let out = '';
  const ctx = createTerminalContext({ stream: { write: (c: string) => { out += c; return true; } } as unknown as NodeJS.WritableStream, isTTY: false, verbose: true });
  return { ctx, text: () => out };
};
const quiet = (): TerminalContext => capture().ctx;
const ep = (name: string, root: string): FileSystemEndpoint => ({ type: 'filesystem', name, root_path: root });

async function twoEndpoints() {
  const root = await tempDir('splash-integrity-');
  await mkdir(join(root, 'a'));
  await mkdir(join(root, 'b'));
  return { root, a: ep('a', join(root, 'a')), b: ep('b', join(root, 'b')) };
}

/** Wait until files written so far are older than the racy window: only then may a record pin a source's identity. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, Number(RACY_SOURCE_NS / 1_000_000n) + 150));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const partialsUnder = (dir: string): string[] => (readdirSync(dir, { recursive: true }) as string[]).filter((n) => n.endsWith(PARTIAL_SUFFIX));
const recordOf = (e: FileSystemEndpoint, rel: string) => readVerificationRecord(realpathSync(e.root_path), rel);

describe('verification records', () => {
  it('a copy records the digest, the published copy\'s identity and the source\'s as it was hashed (small and large files)', async () => {
    const { a, b } = await twoEndpoints();
    await writeFileAt(join(a.root_path, 'raw/small.h5'), 'four');
    const big = Buffer.alloc(SMALL_FILE_MAX + 4096, 7);
    await writeFileAt(join(a.root_path, 'raw/big.h5'), big);
    await settle();
    for (const [rel, content] of [['raw/small.h5', Buffer.from('four')], ['raw/big.h5', big]] as const) {
      const r = await copyBetweenFilesystems(a, b, gatePath(rel), { ctx: quiet() });
      expect(r.files[0]?.status).toBe('copied');
      const rec = recordOf(b, rel);
      expect(rec, rel).toMatchObject({ version: 1, rel, algorithm: 'xxh128', digest: await xxhash128(content), source: { endpoint: 'a' } });
      expect(sameIdentity(rec?.copy ?? ({} as never), identityAt(join(b.root_path, rel)) ?? ({} as never)), rel).toBe(true);
      expect(sameIdentity(rec?.source.identity ?? ({} as never), identityAt(join(a.root_path, rel)) ?? ({} as never)), rel).toBe(true);
    }
  });

  it('a copy keeps its source\'s mtime to the microsecond, never a later second (a source at .999999999 s; small and large files)', async () => {
    const { a, b } = await twoEndpoints();
    await writeFileAt(join(a.root_path, 'small.h5'), 'x');
    await writeFileAt(join(a.root_path, 'big.h5'), Buffer.alloc(SMALL_FILE_MAX + 1));
    for (const rel of ['small.h5', 'big.h5']) {
      expect(spawnSync('touch', ['-m', '-d', '@1733500000.999999999', join(a.root_path, rel)]).status).toBe(0);
      await copyBetweenFilesystems(a, b, gatePath(rel), { ctx: quiet() });
      const copy = statSync(join(b.root_path, rel), { bigint: true }).mtimeNs;
      expect(copy, rel).toBe(1733500000999999000n);
    }
  });

  it('a source changed moments ago is copied but not pinned by a record; a later re-run proves it identical and records it', async () => {
    const { a, b } = await twoEndpoints();
    await writeFileAt(join(a.root_path, 'fresh.h5'), 'just written');
    const { ctx, text } = capture();
    expect((await copyBetweenFilesystems(a, b, gatePath('fresh.h5'), { ctx })).files[0]?.status).toBe('copied');
    expect(recordOf(b, 'fresh.h5')).toBeUndefined();
    expect(text()).toMatch(/no verification record for fresh\.h5: the source changed less than 2 s ago/);
    await settle();
    expect((await copyBetweenFilesystems(a, b, gatePath('fresh.h5'), { ctx: quiet() })).files[0]?.status).toBe('identical');
    expect(recordOf(b, 'fresh.h5')?.digest).toBe(await xxhash128('just written'));
  });

  it('an identical destination this system did not write gets a record once both sides were hashed; a re-run then trusts it', async () => {
    const { a, b } = await twoEndpoints();
    await writeFileAt(join(a.root_path, 'x.h5'), 'same bytes');
    await writeFileAt(join(b.root_path, 'x.h5'), 'same bytes');
    await settle();
    expect((await copyBetweenFilesystems(a, b, gatePath('x.h5'), { ctx: quiet() })).files[0]).toMatchObject({ status: 'identical', checksum: await xxhash128('same bytes') });
    const rec = recordOf(b, 'x.h5');
    expect(rec?.digest).toBe(await xxhash128('same bytes'));
    const again = await copyBetweenFilesystems(a, b, gatePath('x.h5'), { ctx: quiet() });
    expect(again.files[0]).toMatchObject({ status: 'identical', checksum: rec?.digest });
    // Trusted, not rewritten.
    expect(recordOf(b, 'x.h5')?.verifiedAt).toBe(rec?.verifiedAt);
  });

  it('a record that cannot be written does not fail the move; it is said at debug level', async () => {
    const { a, b } = await twoEndpoints();
    await writeFileAt(join(a.root_path, 'x.h5'), 'data');
    await writeFile(join(b.root_path, '.splash'), 'a file where the state folder should be');
    await settle();
    const { ctx, text } = capture();
    expect((await copyBetweenFilesystems(a, b, gatePath('x.h5'), { ctx })).files[0]?.status).toBe('copied');
    expect(readFileSync(join(b.root_path, 'x.h5'), 'utf8')).toBe('data');
    expect(text()).toMatch(/debug: could not write the verification record of x\.h5 \(.*ENOTDIR/);
  });

  it('the walk of a folder never copies .splash or .splash-spool, and naming state directly is refused', async () => {
    const { a, b } = await twoEndpoints();
    await writeFileAt(join(a.root_path, 'run/scan.h5'), 'scan');
    await writeFileAt(join(a.root_path, 'run/.splash/verified/ab/x.json'), '{}');
    await writeFileAt(join(a.root_path, 'run/.splash-spool/batch.json'), '{}');
    await writeFileAt(join(a.root_path, 'run/deep/.splash/lock'), 'x');
    const r = await copyBetweenFilesystems(a, b, gatePath('run'), { ctx: quiet() });
    expect(r.files.map((f) => f.rel)).toEqual(['run/scan.h5']);
    expect(r.skipped).toEqual([]);
    expect(existsSync(join(b.root_path, 'run/.splash'))).toBe(false);
    expect(existsSync(join(b.root_path, 'run/.splash-spool'))).toBe(false);
    await expect(copyBetweenFilesystems(a, b, gatePath('run/.splash/verified/ab/x.json'), { ctx: quiet() })).rejects.toThrow(/own state \(\.splash\), not data/);
  });
});

describe('a file that changed after it was moved', () => {
  const sims: GitHubSim[] = [];
  const children: ReturnType<typeof spawnSplash>[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) {
      if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
      await c.exited;
    }
    await Promise.all(sims.splice(0).map((s) => s.close()));
  });

  it('the whole story: part of a file is dispatched and moved, the writer goes on, the file is dispatched again and replaces both copies', async () => {
    const sim = await startGitHubSim();
    sims.push(sim);
    // The writer pauses longer than stable_seconds (which is longer than the racy window, as in production).
    const f = await makeGitHubFacility({ apiUrl: sim.url, watch: ['stable_seconds: 2.3', 'batch_seconds: 0.2', 'rescan_seconds: 0.5'] });
    const w = spawnSplash(['watch', f.beamline, '--beamline', '8.3.2', '--config', f.config, '--send-as', '/global']);
    children.push(w);
    await until(() => w.output().includes('watching'), 10_000, w.output);
    const src = join(f.beamline, 'raw/p1/scan.h5');
    const part = Buffer.alloc(300_000, 1);
    await writeFileAt(src, part);
    await until(() => sim.dispatchedPaths().length === 1, 15_000, w.output);
    const move = () => runAction('move', { beamline: '8.3.2', 'file-paths': JSON.stringify(sim.dispatchedPaths().slice(-1)), config: f.config });
    const first = await move();
    expect(first.code, first.stdout).toBe(0);
    expect(first.outputs.moved).toBe('2');
    for (const tier of ['server', 'archive']) expect(statSync(join(f.root, tier, 'raw/p1/scan.h5')).size).toBe(part.length);
    const before = recordOf(ep('server', join(f.root, 'server')), 'raw/p1/scan.h5');
    expect(before?.digest).toBe(await xxhash128(part));

    // The writer comes back and finishes the file.
    const rest = Buffer.alloc(500_000, 2);
    await appendFile(src, rest);
    await until(() => sim.dispatchedPaths().length === 2, 15_000, w.output);
    expect(sim.dispatchedPaths()).toEqual(['/global/raw/p1/scan.h5', '/global/raw/p1/scan.h5']);
    const second = await move();
    expect(second.code, second.stdout).toBe(0);
    expect(second.outputs.moved).toBe('2');
    expect(second.stdout).toMatch(/::warning::replaced raw\/p1\/scan\.h5: the source changed after this system had copied it/);
    expect(second.summary).toMatch(/2 file copies written .*; 2 replaced|2 replaced \(the source changed since it was copied\)/);
    const complete = readFileSync(src);
    for (const tier of ['server', 'archive']) {
      const dst = join(f.root, tier, 'raw/p1/scan.h5');
      expect(readFileSync(dst).equals(complete), tier).toBe(true);
      const rec = recordOf(ep(tier, join(f.root, tier)), 'raw/p1/scan.h5');
      expect(rec?.digest, tier).toBe(await xxhash128(complete));
      expect(sameIdentity(rec?.copy ?? ({} as never), identityAt(dst) ?? ({} as never)), tier).toBe(true);
      expect(partialsUnder(join(f.root, tier))).toEqual([]);
    }
    // A third move finds everything in place.
    const third = await move();
    expect(third.outputs.moved).toBe('0');
  }, 90_000);

  it('a large file (the worker path) that grew after it was moved is replaced as well', async () => {
    const { a, b } = await twoEndpoints();
    const src = join(a.root_path, 'big.h5');
    await writeFileAt(src, Buffer.alloc(SMALL_FILE_MAX + 1, 3));
    await settle();
    expect((await copyBetweenFilesystems(a, b, gatePath('big.h5'), { ctx: quiet() })).files[0]?.status).toBe('copied');
    await appendFile(src, Buffer.alloc(1 << 20, 4));
    const r = await copyBetweenFilesystems(a, b, gatePath('big.h5'), { ctx: quiet() });
    expect(r.files[0]).toMatchObject({ status: 'replaced', bytes: SMALL_FILE_MAX + 1 + (1 << 20) });
    expect(readFileSync(join(b.root_path, 'big.h5')).equals(readFileSync(src))).toBe(true);
    expect(partialsUnder(b.root_path)).toEqual([]);
  });

  it('a destination this system did not make, or that changed since its record, is never overwritten', async () => {
    const { a, b } = await twoEndpoints();
    // No record: someone else's file.
    await writeFileAt(join(a.root_path, 'theirs.h5'), 'the source, longer');
    await writeFileAt(join(b.root_path, 'theirs.h5'), 'theirs');
    // Ours once, then edited at the destination (its ctime moves, the record no longer describes it).
    await writeFileAt(join(a.root_path, 'edited.h5'), 'version 1');
    await settle();
    await copyBetweenFilesystems(a, b, gatePath('edited.h5'), { ctx: quiet() });
    expect(recordOf(b, 'edited.h5')).toBeDefined();
    await chmod(join(b.root_path, 'edited.h5'), 0o600);
    await appendFile(join(a.root_path, 'edited.h5'), ' and more');
    await expect(copyBetweenFilesystems(a, b, gatePath('theirs.h5'), { ctx: quiet() })).rejects.toThrow(/already exists with a different size.*not overwritten/);
    await expect(copyBetweenFilesystems(a, b, gatePath('edited.h5'), { ctx: quiet() })).rejects.toThrow(/already exists with a different size.*not overwritten/);
    expect(readFileSync(join(b.root_path, 'theirs.h5'), 'utf8')).toBe('theirs');
    expect(readFileSync(join(b.root_path, 'edited.h5'), 'utf8')).toBe('version 1');
    // A record of another source endpoint does not make it ours either.
    const c = ep('c', a.root_path);
    await writeFileAt(join(a.root_path, 'other.h5'), 'v1');
    await settle();
    await copyBetweenFilesystems(a, b, gatePath('other.h5'), { ctx: quiet() });
    await appendFile(join(a.root_path, 'other.h5'), ' v2');
    await expect(copyBetweenFilesystems(c, b, gatePath('other.h5'), { ctx: quiet() })).rejects.toThrow(/different size/);
  });

  it('a source only touched (same bytes, new mtime) stays identical, and the record follows the source', async () => {
    const { a, b } = await twoEndpoints();
    await writeFileAt(join(a.root_path, 'x.h5'), 'unchanged bytes');
    await settle();
    await copyBetweenFilesystems(a, b, gatePath('x.h5'), { ctx: quiet() });
    await utimes(join(a.root_path, 'x.h5'), new Date(), new Date('2030-01-01T00:00:00Z'));
    await settle();
    const r = await copyBetweenFilesystems(a, b, gatePath('x.h5'), { ctx: quiet() });
    expect(r.files[0]?.status).toBe('identical');
    expect(sameIdentity(recordOf(b, 'x.h5')?.source.identity ?? ({} as never), identityAt(join(a.root_path, 'x.h5')) ?? ({} as never))).toBe(true);
  });

  it('two runs replacing the same changed file at once both end well: one replaces it, the other finds it identical', async () => {
    const { a, b } = await twoEndpoints();
    await writeFileAt(join(a.root_path, 'x.h5'), 'v1');
    await settle();
    await copyBetweenFilesystems(a, b, gatePath('x.h5'), { ctx: quiet() });
    await appendFile(join(a.root_path, 'x.h5'), ', v2');
    const results = await Promise.all([0, 1].map(() => copyBetweenFilesystems(a, b, gatePath('x.h5'), { ctx: quiet() }).then((r) => r.files[0]?.status, (e: unknown) => String(e))));
    expect(results.sort()).toEqual(['identical', 'replaced']);
    expect(readFileSync(join(b.root_path, 'x.h5'), 'utf8')).toBe('v1, v2');
    expect(partialsUnder(b.root_path)).toEqual([]);
  });

  it('a destination swapped for another file between its last check and the rename is put back, not overwritten', async () => {
    const { a, b } = await twoEndpoints();
    await writeFileAt(join(a.root_path, 'x.h5'), 'v1');
    await settle();
    await copyBetweenFilesystems(a, b, gatePath('x.h5'), { ctx: quiet() });
    await appendFile(join(a.root_path, 'x.h5'), ', v2');
    const dst = join(b.root_path, 'x.h5');
    publishHooks.beforeMoveAside = () => {
      // Someone else's file takes the name at the worst moment.
      writeFileSync(`${dst}.theirs`, 'precious, not ours');
      spawnSync('mv', [`${dst}.theirs`, dst]);
    };
    try {
      await expect(copyBetweenFilesystems(a, b, gatePath('x.h5'), { ctx: quiet() })).rejects.toThrow(/already exists with a different size.*not overwritten/);
    } finally {
      delete publishHooks.beforeMoveAside;
    }
    expect(readFileSync(dst, 'utf8')).toBe('precious, not ours');
    expect(readdirSync(b.root_path).sort()).toEqual(['.splash', 'x.h5']);
  });
});

describe('many small files', () => {
  function manyFiles(root: string, n: number, dirs = 10): string[] {
    const rels: string[] = [];
    for (let d = 0; d < dirs; d++) mkdirSync(join(root, `many/d${String(d)}`), { recursive: true });
    for (let i = 0; i < n; i++) {
      const rel = `many/d${String(i % dirs)}/f${String(i).padStart(5, '0')}.tif`;
      writeFileSync(join(root, rel), `file ${String(i)}`);
      rels.push(rel);
    }
    return rels;
  }

  it('2,600 files over several batches: every one verified, with its mtime and a record; a re-run finds all in place', async () => {
    const { a, b } = await twoEndpoints();
    const rels = manyFiles(a.root_path, 2600);
    const old = new Date('2025-05-05T05:05:05Z');
    await utimes(join(a.root_path, rels[7] ?? ''), old, old);
    await settle();
    const r = await copyBetweenFilesystems(a, b, gatePath('many'), { ctx: quiet() });
    expect(r.files).toHaveLength(2600);
    expect(r.files.every((f) => f.status === 'copied')).toBe(true);
    expect(r.files.map((f) => f.rel)).toEqual([...rels].sort());
    for (const rel of rels) expect(readFileSync(join(b.root_path, rel), 'utf8')).toBe(readFileSync(join(a.root_path, rel), 'utf8'));
    expect(statSync(join(b.root_path, rels[7] ?? '')).mtime.getTime()).toBe(old.getTime());
    expect(partialsUnder(b.root_path)).toEqual([]);
    const rec = recordOf(b, rels[2599] ?? '');
    expect(rec?.digest).toBe(await xxhash128('file 2599'));
    const again = await copyBetweenFilesystems(a, b, gatePath('many'), { ctx: quiet() });
    expect(again.files.every((f) => f.status === 'identical')).toBe(true);
  }, 60_000);

  it('two runs on the same folder at once both end well', async () => {
    const { a, b } = await twoEndpoints();
    const rels = manyFiles(a.root_path, 700);
    const results = await Promise.all([0, 1].map(() => copyBetweenFilesystems(a, b, gatePath('many'), { ctx: quiet() })));
    for (const r of results) expect(r.files).toHaveLength(700);
    // Every file was written by exactly one of them; the other found it identical.
    for (let i = 0; i < 700; i++) expect([results[0]?.files[i]?.status, results[1]?.files[i]?.status].sort()).toEqual(['copied', 'identical']);
    for (const rel of rels) expect(readFileSync(join(b.root_path, rel), 'utf8')).toBe(readFileSync(join(a.root_path, rel), 'utf8'));
    expect(partialsUnder(b.root_path)).toEqual([]);
  }, 60_000);

  it('a batch that fails to publish while the next one is being copied: the error names the file, nothing half-done is left', async () => {
    const { a, b } = await twoEndpoints();
    const rels = manyFiles(a.root_path, 700);
    // Files of the second batch already there (copied by hand, no record): comparing them reads both files, so
    // the first batch's failure arrives while the second is still being prepared.
    for (const rel of [...rels].sort().slice(150, 160)) await writeFileAt(join(b.root_path, rel), readFileSync(join(a.root_path, rel)));
    let batches = 0;
    publishHooks.beforeBatch = (tmps) => {
      // An adversary removes one verified partial of the first batch before it gets its name.
      if (batches++ === 0) rmSync(tmps[100] ?? '');
    };
    try {
      await expect(copyBetweenFilesystems(a, b, gatePath('many'), { ctx: quiet() })).rejects.toThrow(/could not give b:many\/d\d\/f\d{5}\.tif its final name: ENOENT/);
    } finally {
      delete publishHooks.beforeBatch;
    }
    expect(partialsUnder(b.root_path)).toEqual([]);
    const published = rels.filter((rel) => existsSync(join(b.root_path, rel)));
    expect(published).toHaveLength(110);
    for (const rel of published) expect(readFileSync(join(b.root_path, rel), 'utf8')).toBe(readFileSync(join(a.root_path, rel), 'utf8'));
    // The next run completes it.
    expect((await copyBetweenFilesystems(a, b, gatePath('many'), { ctx: quiet() })).files.filter((f) => f.status === 'copied')).toHaveLength(590);
  }, 60_000);

  it('a destination folder swapped for a symlink out of the root during a move: nothing is written outside, not even a partial', async () => {
    const { root, a, b } = await twoEndpoints();
    manyFiles(a.root_path, 600, 3);
    const outside = join(root, 'outside');
    await mkdir(outside);
    const seen: string[] = [];
    const watcher = watch(outside, (_e, name) => { seen.push(String(name)); });
    let batches = 0;
    publishHooks.beforeBatch = () => {
      // While the second batch is published, d1 (still being filled by later batches) becomes a link out.
      if (++batches === 2) {
        renameSync(join(b.root_path, 'many/d1'), join(b.root_path, 'many/d1-moved'));
        symlinkSync(outside, join(b.root_path, 'many/d1'));
      }
    };
    try {
      await expect(copyBetweenFilesystems(a, b, gatePath('many'), { ctx: quiet() })).rejects.toThrow(/outside the endpoint root|ENOENT/);
      await sleep(200);
    } finally {
      delete publishHooks.beforeBatch;
      watcher.close();
    }
    expect(readdirSync(outside)).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('a source folder swapped for a symlink out of the root during a move: nothing from outside is copied', async () => {
    const { root, a, b } = await twoEndpoints();
    const rels = manyFiles(a.root_path, 600, 3);
    const outside = join(root, 'outside');
    await mkdir(outside);
    // Files of the same names outside the root, which the move must never read as the source's.
    for (const rel of rels.filter((r) => r.startsWith('many/d2/'))) writeFileSync(join(outside, rel.slice('many/d2/'.length)), 'SECRET');
    publishHooks.beforeBatch = () => {
      if (existsSync(join(a.root_path, 'many/d2-real'))) return;
      renameSync(join(a.root_path, 'many/d2'), join(a.root_path, 'many/d2-real'));
      symlinkSync(outside, join(a.root_path, 'many/d2'));
    };
    try {
      await expect(copyBetweenFilesystems(a, b, gatePath('many'), { ctx: quiet() })).rejects.toThrow(/many\/d2\/f\d+\.tif changed while it was being copied; not moved/);
    } finally {
      delete publishHooks.beforeBatch;
    }
    const copied = (readdirSync(b.root_path, { recursive: true }) as string[]).filter((n) => n.endsWith('.tif'));
    expect(copied.length).toBeGreaterThan(0);
    for (const n of copied) expect(readFileSync(join(b.root_path, n), 'utf8'), n).not.toBe('SECRET');
  });

  it('killed with SIGKILL mid-batch: every final name holds its whole, verified file; a re-run completes and clears the partials', async () => {
    const { root, config } = await makeFacility();
    const rels = manyFiles(join(root, 'beamline/raw'), 6000);
    const server = join(root, 'server/raw');
    const finals = (): string[] => (existsSync(server) ? (readdirSync(server, { recursive: true }) as string[]).filter((n) => n.endsWith('.tif') && !n.endsWith(PARTIAL_SUFFIX)) : []);
    const child = spawn(process.execPath, [dist('cli'), 'move', '--beamline', '8.3.2', '--config', config, '/global/raw/many'], { stdio: 'ignore', env: { PATH: process.env.PATH, NO_COLOR: '1', TMPDIR: root } });
    const closed = new Promise<void>((r) => child.on('close', () => { r(); }));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && finals().length === 0) await sleep(2);
    child.kill('SIGKILL');
    await closed;
    const published = finals();
    expect(published.length).toBeGreaterThan(0);
    expect(published.length).toBeLessThan(rels.length);
    for (const rel of published) expect(readFileSync(join(server, rel), 'utf8'), rel).toBe(readFileSync(join(root, 'beamline/raw', rel), 'utf8'));

    const again = await runNode(dist('cli'), ['move', '--beamline', '8.3.2', '--config', config, '/global/raw/many'], { env: { TMPDIR: root } });
    expect(again.code, again.stderr).toBe(0);
    for (const tier of ['server', 'archive']) {
      for (const rel of rels) expect(readFileSync(join(root, tier, 'raw', rel), 'utf8')).toBe(readFileSync(join(root, 'beamline/raw', rel), 'utf8'));
      expect(partialsUnder(join(root, tier))).toEqual([]);
    }
  }, 120_000);

  it('a source replaced again and again while it is moved: each move either stops as "changed" or publishes one whole version', async () => {
    const { a, b } = await twoEndpoints();
    const versions = ['A'.repeat(3000), 'B'.repeat(5000)];
    for (const [i, v] of versions.entries()) await writeFile(join(a.root_path, `v${String(i)}`), v);
    await writeFile(join(a.root_path, 'x.h5'), versions[0] ?? '');
    // Another process renames fresh copies of the two versions over the source, as fast as it can.
    const swapper = spawn('sh', ['-c', 'cd "$1" && while :; do cp v0 t0 && mv t0 x.h5; cp v1 t1 && mv t1 x.h5; done', 'sh', a.root_path], { stdio: 'ignore' });
    const outcomes = new Map<string, number>();
    try {
      for (let i = 0; i < 60; i++) {
        const outcome = await copyBetweenFilesystems(a, b, gatePath('x.h5'), { ctx: quiet() }).then(() => 'copied', (e: unknown) => (String(e).includes('changed while it was being copied') ? 'changed' : String(e)));
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        if (outcome === 'copied') expect(versions).toContain(readFileSync(join(b.root_path, 'x.h5'), 'utf8'));
        expect(partialsUnder(b.root_path)).toEqual([]);
        await rm(join(b.root_path, 'x.h5'), { force: true });
      }
    } finally {
      swapper.kill('SIGKILL');
    }
    expect([...outcomes.keys()].filter((k) => k !== 'copied' && k !== 'changed')).toEqual([]);
  }, 60_000);
});

// ----- a full disk: a small tmpfs as the destination (needs root, as CI runs) -----

/** Root, and allowed to mount (a container without CAP_SYS_ADMIN is not): tried once on a scratch folder. */
function mountWorks(): boolean {
  if (process.getuid?.() !== 0) return false;
  const dir = mkdtempSync(join(tmpdir(), 'splash-mount-probe-'));
  try {
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]).status !== 0) return false;
    spawnSync('umount', [dir]);
    return true;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const canMount = mountWorks();
const mounted: string[] = [];
afterAll(() => {
  for (const m of mounted.splice(0)) spawnSync('umount', ['-l', m]);
});
async function tmpfs(options: string): Promise<string> {
  const dir = await tempDir('splash-tmpfs-');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
  if (r.status !== 0) throw new Error(`mount: ${r.stderr.toString()}`);
  mounted.push(dir);
  return dir;
}

describe.skipIf(!canMount)('a full destination disk (tmpfs)', () => {
  it('a copy that does not fit fails with ENOSPC and leaves neither a final name nor a partial (small and large files)', async () => {
    const { a } = await twoEndpoints();
    const b = ep('b', await tmpfs('size=1m'));
    await writeFileAt(join(a.root_path, 'small.h5'), Buffer.alloc(2 << 20, 1));
    await writeFileAt(join(a.root_path, 'big.h5'), Buffer.alloc(SMALL_FILE_MAX + 1, 2));
    for (const rel of ['small.h5', 'big.h5']) {
      await expect(copyBetweenFilesystems(a, b, gatePath(rel), { ctx: quiet() })).rejects.toThrow(new RegExp(`copy of ${rel} from a to b failed: ENOSPC`));
    }
    expect(readdirSync(b.root_path)).toEqual([]);
  });

  it('a replacement that does not fit leaves the old copy in place, still matching its record', async () => {
    const { a } = await twoEndpoints();
    const b = ep('b', await tmpfs('size=1m'));
    await writeFileAt(join(a.root_path, 'x.h5'), Buffer.alloc(600_000, 1));
    await settle();
    await copyBetweenFilesystems(a, b, gatePath('x.h5'), { ctx: quiet() });
    await appendFile(join(a.root_path, 'x.h5'), Buffer.alloc(100_000, 2));
    await expect(copyBetweenFilesystems(a, b, gatePath('x.h5'), { ctx: quiet() })).rejects.toThrow(/ENOSPC/);
    expect(statSync(join(b.root_path, 'x.h5')).size).toBe(600_000);
    expect(sameIdentity(recordOf(b, 'x.h5')?.copy ?? ({} as never), identityAt(join(b.root_path, 'x.h5')) ?? ({} as never))).toBe(true);
    expect(partialsUnder(b.root_path)).toEqual([]);
  });

  it('when the data fits but its record does not, the move succeeds and says so at debug level', async () => {
    const { a } = await twoEndpoints();
    // Inodes for the root, the copy and one folder: the record's folders cannot all be made.
    const b = ep('b', await tmpfs('size=1m,nr_inodes=3'));
    await writeFileAt(join(a.root_path, 'x.h5'), 'fits');
    await settle();
    const { ctx, text } = capture();
    expect((await copyBetweenFilesystems(a, b, gatePath('x.h5'), { ctx })).files[0]?.status).toBe('copied');
    expect(readFileSync(join(b.root_path, 'x.h5'), 'utf8')).toBe('fits');
    // (Node's recursive mkdir reports the full disk as ENOENT of the folder it could not make.)
    expect(text()).toMatch(/debug: could not write the verification record of x\.h5 \((ENOSPC|ENOENT)/);
    expect(recordOf(b, 'x.h5')).toBeUndefined();
  });
});

describe('the move summary for thousands of files', () => {
  it('stays small: totals and the first rows; every file is in the list file named by the output moved-list', async () => {
    const { root, config } = await makeFacility();
    const paths: string[] = [];
    for (let i = 0; i < 3000; i++) {
      await writeFileAt(join(root, `beamline/raw/p1/f${String(i).padStart(4, '0')}.tif`), 'x');
      paths.push(`/global/raw/p1/f${String(i).padStart(4, '0')}.tif`);
    }
    const runnerTemp = await tempDir('splash-runner-temp-');
    const r = await runAction('move', { beamline: '8.3.2', 'file-paths': paths.join('\n'), config }, { RUNNER_TEMP: runnerTemp });
    expect(r.code, r.stdout.slice(-2000)).toBe(0);
    expect(r.outputs.moved).toBe('6000');
    expect(r.summary.length).toBeLessThan(20_000);
    expect(r.summary).toMatch(/3000 path\(s\) over 2 hop\(s\): 6000 file copies written/);
    expect(r.summary).toMatch(/\| beamline → server \| done \| 3000 \| 0 \| 0 \|/);
    const list = r.outputs['moved-list'] ?? '';
    expect(list.startsWith(runnerTemp)).toBe(true);
    expect(r.summary).toContain(list);
    const lines = readFileSync(list, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('hop\tresult\tfile\tbytes\txxh128');
    expect(lines).toHaveLength(6001);
    const files = new Set(lines.slice(1).map((l) => l.split('\t')[2]));
    for (const p of paths) expect(files.has(p.slice('/global/'.length))).toBe(true);
  }, 120_000);

  it('at a terminal, a long list goes to a file the summary names; a short one stays in the summary only', async () => {
    const { root, config } = await makeFacility();
    const paths: string[] = [];
    for (let i = 0; i < 60; i++) {
      await writeFileAt(join(root, `beamline/raw/f${String(i)}.tif`), 'x');
      paths.push(`/global/raw/f${String(i)}.tif`);
    }
    const long = await runNode(dist('cli'), ['move', '--beamline', '8.3.2', '--config', config, ...paths]);
    expect(long.code).toBe(0);
    const named = /every file is listed in `([^`]+)`/.exec(long.stdout + long.stderr)?.[1] ?? '';
    expect(readFileSync(named, 'utf8').trim().split('\n')).toHaveLength(121);
    await rm(named);
    const short = await runNode(dist('cli'), ['move', '--beamline', '8.3.2', '--config', config, paths[0] ?? '']);
    expect(short.code).toBe(0);
    expect(short.stdout + short.stderr).not.toMatch(/splash-moved-/);
  }, 60_000);
});
