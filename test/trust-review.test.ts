/**
 * Adversarial review of the issue-9 mechanisms (verification records, replacement of a changed source's
 * copy, prune's proofs and locks, secret masking). Each test pins a way to lose data or leak a secret that
 * worked on the code before its fix.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { appendFile, mkdir, rename, symlink, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileSystemEndpoint } from '../src/endpoints.js';
import { SplashError } from '../src/errors.js';
import { identityAt, readVerificationRecord, sameIdentity } from '../src/fs/verification-record.js';
import { gatePath } from '../src/paths.js';
import { pruneFilesystem } from '../src/prune/filesystem.js';
import { createTerminalContext, type TerminalContext } from '../src/run/terminal.js';
import { copyBetweenFilesystems } from '../src/transfer/filesystem.js';
import { RACY_SOURCE_NS } from '../src/transfer/records.js';
import { dataTree, DAY, dist, runNode, tempDir, writeFileAt } from './helpers.js';

const capture = (): { ctx: TerminalContext; text: () => string } => {
  let out = '';
  const ctx = createTerminalContext({ stream: { write: (c: string) => { out += c; return true; } } as unknown as NodeJS.WritableStream, isTTY: false, verbose: true });
  return { ctx, text: () => out };
};
const quiet = (): TerminalContext => capture().ctx;
const ep = (name: string, root: string): FileSystemEndpoint => ({ type: 'filesystem', name, root_path: root });
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, Number(RACY_SOURCE_NS / 1_000_000n) + 150));
const OLD = new Date(Date.now() - 3 * DAY);

/** Whether this process may mount (root in a sandbox that allows it). */
const canMount = (() => {
  try {
    const d = execFileSync('mktemp', ['-d']).toString().trim();
    execFileSync('mount', ['-t', 'tmpfs', 'none', d], { stdio: 'ignore' });
    execFileSync('umount', [d]);
    return true;
  } catch {
    return false;
  }
})();

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
  });

  it('two hops, both pruned but the last: a new scan under the old name reaches the server again, and never replaces the archive\'s only copy of the old one', async () => {
    const { root, a, b } = await twoEndpoints();
    await mkdir(join(root, 'archive'));
    const c = ep('archive', join(root, 'archive'));
    const src = join(a.root_path, 'raw/scan_001.h5');
    await writeFileAt(src, 'the first experiment', OLD);
    await copyBetweenFilesystems(a, b, gatePath('raw/scan_001.h5'), { ctx: quiet() });
    await copyBetweenFilesystems(b, c, gatePath('raw/scan_001.h5'), { ctx: quiet() });
    const prune = { afterDays: 1, verify: 'checksum' as const, now: new Date(), dryRun: false, ctx: quiet() };
    expect((await pruneFilesystem(a, b, prune)).pruned).toHaveLength(1);
    expect((await pruneFilesystem(b, c, prune)).pruned).toHaveLength(1);
    await writeFileAt(src, 'a second, unrelated experiment');
    await settle();
    expect((await copyBetweenFilesystems(a, b, gatePath('raw/scan_001.h5'), { ctx: quiet() })).files[0]?.status).toBe('copied');
    await expect(copyBetweenFilesystems(b, c, gatePath('raw/scan_001.h5'), { ctx: quiet() })).rejects.toThrow(/archive:raw\/scan_001\.h5 is a copy this system made of another file of that name .*; not overwritten/);
    expect(readFileSync(join(c.root_path, 'raw/scan_001.h5'), 'utf8')).toBe('the first experiment');
  });

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
  });
});

/**
 * A process that swaps two names atomically (renameat2 RENAME_EXCHANGE) in a tight loop once it reads a line:
 * a folder inside the pruned root and a symlink to a folder outside it trade places ~300,000 times a second.
 */
const FLIPPER = `
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
a, b = sys.argv[1].encode(), sys.argv[2].encode()
sys.stdout.write('ready\\n'); sys.stdout.flush()
sys.stdin.readline()
n = 0
while True:
    if libc.renameat2(-100, a, -100, b, 2) != 0: sys.exit(1)
    n += 1
    if n % 1000 == 0 and sys.stdin.closed: break
`;

function startFlipper(a: string, b: string) {
  const child = spawn('python3', ['-c', FLIPPER, a, b], { stdio: ['pipe', 'pipe', 'inherit'] });
  const ready = new Promise<void>((resolve) => child.stdout.once('data', () => { resolve(); }));
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  return {
    ready,
    go: () => child.stdin.write('go\n'),
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('prune: a folder of the pruned endpoint swapped for a symlink out of it during the deletions', () => {
  /** One prune of N files in d/ while d/ and a symlink to N same-named files elsewhere trade places; how many of those were deleted. */
  async function round(N: number): Promise<number> {
    const { root, a, b } = await twoEndpoints();
    for (let i = 0; i < N; i++) {
      await writeFileAt(join(a.root_path, `d/f${i}`), `in the endpoint ${i}`, OLD);
      await writeFileAt(join(b.root_path, `d/f${i}`), `in the endpoint ${i}`, OLD);
      await writeFileAt(join(root, `victims/f${i}`), `someone else's file ${i}`, OLD);
    }
    await mkdir(join(root, 'attacker'));
    await symlink(join(root, 'victims'), join(root, 'attacker/d'));
    const flipper = startFlipper(join(a.root_path, 'd'), join(root, 'attacker/d'));
    await flipper.ready;
    // The swapping starts once the sweep is planned (the plan is made with the real folder in place).
    let started = false;
    const ctx = createTerminalContext({
      stream: { write: (c: string) => { if (!started && c.includes('planned')) { started = true; flipper.go(); } return true; } } as unknown as NodeJS.WritableStream,
      isTTY: false, verbose: true,
    });
    try {
      await pruneFilesystem(a, b, { afterDays: 1, verify: 'hash', now: new Date(), dryRun: false, ctx });
    } finally {
      await flipper.stop();
    }
    expect(started).toBe(true);
    for (let i = 0; i < N; i++) expect(existsSync(join(b.root_path, `d/f${i}`))).toBe(true);
    return N - readdirSync(join(root, 'victims')).length;
  }

  it('files outside the endpoint with the same names are never deleted (before the fix: 1 to 175 of 3,000 per round)', async () => {
    // A few rounds: the race is won by scheduling, on a loaded machine now and then not in one round.
    let lost = 0;
    for (let r = 0; r < 3 && lost === 0; r++) lost += await round(2000);
    expect(lost, 'files outside the endpoint deleted').toBe(0);
  }, 120_000);
});

describe('prune: the storage-identity proof after the move wrote its records into the check endpoint', () => {
  it.skipIf(!canMount)('an overlay of the pruned folder at the check root, whose .splash the move created first: refused, nothing deleted', async () => {
    const { root, a, b } = await twoEndpoints();
    for (let i = 0; i < 5; i++) await writeFileAt(join(a.root_path, `raw/scan_${i}.h5`), `scan ${i}`, OLD);
    await mkdir(join(root, 'upper'));
    await mkdir(join(root, 'work'));
    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${a.root_path},upperdir=${join(root, 'upper')},workdir=${join(root, 'work')}`, b.root_path]);
    try {
      // The normal order: files are moved to the check endpoint (found there already, so only recorded), then pruned.
      const moved = await copyBetweenFilesystems(a, b, gatePath('raw'), { ctx: quiet() });
      expect(moved.files.map((f) => f.status)).toEqual(Array(5).fill('identical'));
      const before = dataTree(a.root_path);
      const err = await pruneFilesystem(a, b, { afterDays: 1, verify: 'checksum', now: new Date(), dryRun: false, ctx: quiet() }).then(() => undefined, (e: unknown) => e);
      expect(dataTree(a.root_path)).toEqual(before);
      expect(err).toBeInstanceOf(SplashError);
      expect((err as SplashError).message).toMatch(/both are the same storage/);
    } finally {
      execFileSync('umount', [b.root_path]);
    }
  });
});

describe('config errors never show a secret', () => {
  it('a secret of the wrong type (a number YAML read, a list, a mapping; literal or from the environment): named, its value not shown (exit 2)', async () => {
    const root = await tempDir('splash-trust-review-');
    const config = join(root, 'config.yml');
    await writeFile(config, `globus:
  globus_apps:
    numeric: { client_id: a, client_secret: 0x5ec12e7 }
    listed: { client_id: b, client_secret: [ "literal-secret-in-a-list" ] }
    mapped: { client_id: c, client_secret: { value: "literal-secret-in-a-map" } }
    from_env: { client_id: d, client_secret: [ "\${REVIEW_SECRET}" ] }
endpoints:
  beamline: { type: filesystem, root_path: /data/beamline }
`);
    const r = await runNode(dist('cli'), ['config', 'check', '--config', config], { env: { ...process.env, REVIEW_SECRET: 'env-secret-9f8e7d6c' } });
    expect(r.code).toBe(2);
    const out = r.stdout + r.stderr;
    for (const app of ['numeric', 'listed', 'mapped', 'from_env']) expect(out).toContain(`globus.globus_apps.${app}.client_secret: expected`);
    expect(out).toMatch(/got a (number|list|mapping) \(not shown: the value of a secret\)/);
    for (const secret of ['99357415', '0x5ec12e7', 'literal-secret-in-a-list', 'literal-secret-in-a-map', 'env-secret-9f8e7d6c']) expect(out, secret).not.toContain(secret);
  });
});

describe.skipIf(!canMount)('a replacement on a full disk', () => {
  const mounted: string[] = [];
  afterAll(() => {
    for (const m of mounted.splice(0)) spawnSync('umount', ['-l', m]);
  });

  it('the new copy cannot take the name (link: ENOSPC, no inode left on a tmpfs): the old copy is put back, not dropped', async () => {
    const { a } = await twoEndpoints();
    const dir = await tempDir('splash-tmpfs-');
    // Root, the copy (and its partial's link while it is published), .splash/verified/<xx>/<folder>.jsonl: 7.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,nr_inodes=7', 'tmpfs', dir]);
    mounted.push(dir);
    const b = ep('server', dir);
    await writeFileAt(join(a.root_path, 'x.h5'), 'first part');
    await settle();
    await copyBetweenFilesystems(a, b, gatePath('x.h5'), { ctx: quiet() });
    expect(readVerificationRecord(realpathSync(dir), 'x.h5')).toBeDefined();
    // The writer goes on; the replacement's partial takes the last inode, so its link() fails.
    await appendFile(join(a.root_path, 'x.h5'), ', and the rest');
    await expect(copyBetweenFilesystems(a, b, gatePath('x.h5'), { ctx: quiet() })).rejects.toThrow(/ENOSPC/);
    expect(readFileSync(join(dir, 'x.h5'), 'utf8')).toBe('first part');
    expect(readdirSync(dir).filter((n) => n.endsWith('.splash-partial'))).toEqual([]);
    // Its record still describes it, so once there is room a re-run replaces it (not "not overwritten" forever).
    const rec = readVerificationRecord(realpathSync(dir), 'x.h5');
    expect(sameIdentity(rec?.copy ?? ({} as never), identityAt(join(dir, 'x.h5')) ?? ({} as never))).toBe(true);
    execFileSync('mount', ['-o', 'remount,nr_inodes=20', dir]);
    expect((await copyBetweenFilesystems(a, b, gatePath('x.h5'), { ctx: quiet() })).files[0]?.status).toBe('replaced');
    expect(readFileSync(join(dir, 'x.h5'), 'utf8')).toBe('first part, and the rest');
  });
});

describe('prune locks: a lock taken over while its holder is deleting', () => {
  it('taken over while the holder hashes a large file: that file is not deleted after the hash', async () => {
    const { a, b } = await twoEndpoints();
    const big = Buffer.alloc(192 << 20, 7);
    await writeFileAt(join(a.root_path, 'big.h5'), big, OLD);
    await writeFileAt(join(b.root_path, 'big.h5'), big, OLD);
    const copy = realpathSync(join(b.root_path, 'big.h5'));
    const hashing = (): boolean => readdirSync('/proc/self/fd').some((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === copy;
      } catch {
        return false;
      }
    });
    const running = pruneFilesystem(a, b, { afterDays: 1, verify: 'hash', now: new Date(), dryRun: false, ctx: quiet() }).then(() => undefined, (e: unknown) => e);
    let seen = false;
    for (let i = 0; i < 200_000 && !seen; i++) {
      await new Promise((r) => setImmediate(r));
      seen = hashing();
    }
    expect(seen).toBe(true);
    // Another prune takes the lock over now, while the big copy is being read.
    const lock = join(realpathSync(a.root_path), '.splash/prune.lock');
    await writeFile(`${lock}.theirs`, JSON.stringify({ host: 'dtn99.example.org', pid: 4242, since: new Date().toISOString(), nonce: 'c0ffee', purpose: 'prune of beamline' }));
    renameSync(lock, `${lock}.stale-aside`);
    renameSync(`${lock}.theirs`, lock);
    const err = await running;
    expect(String(err)).toMatch(/was lost/);
    expect(existsSync(join(a.root_path, 'big.h5'))).toBe(true);
  }, 60_000);

  it('another host takes the lock over (its clock runs ahead, so the heartbeat looked stale): the holder stops at its next deletion, not up to 30 s later', async () => {
    const root = await tempDir('splash-trust-review-');
    for (const side of ['x', 'y']) {
      for (let i = 0; i < 4000; i++) await writeFileAt(join(root, side, `d${i % 4}/f${i}.dat`), `file ${i}`, OLD);
    }
    const config = join(root, 'config.yml');
    await writeFile(config, `endpoints:\n  x: { type: filesystem, root_path: ${root}/x }\n  y: { type: filesystem, root_path: ${root}/y }\nbeamlines:\n  "8.3.2":\n    prune: [ { endpoint: x, after_days: 1, check: y, verify: hash } ]\n`);
    const a = spawn(process.execPath, [dist('cli'), 'prune', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let aErr = '';
    a.stderr.on('data', (d: Buffer) => (aErr += d.toString()));
    const aExit = new Promise<number | null>((r) => a.on('exit', (code) => { r(code); }));
    const count = (): number => [0, 1, 2, 3].reduce((n, d) => n + readdirSync(join(root, `x/d${d}`)).length, 0);
    // Once it deletes: the other host's takeover (rename aside, its own lock linked in).
    for (let i = 0; i < 400_000 && count() === 4000; i++) await new Promise((r) => setImmediate(r));
    const lock = join(root, 'x/.splash/prune.lock');
    await writeFile(`${lock}.theirs`, JSON.stringify({ host: 'dtn99.example.org', pid: 4242, since: new Date().toISOString(), nonce: 'c0ffee', purpose: 'prune of x (beamline 8.3.2)' }));
    renameSync(lock, `${lock}.stale-aside`);
    renameSync(`${lock}.theirs`, lock);
    const atTakeover = count();
    expect(atTakeover).toBeLessThan(4000);
    expect(await aExit).toBe(1);
    expect(aErr).toMatch(/prune lock .*prune\.lock was lost/);
    // The other host prunes from now on: the first holder must not go on deleting meanwhile.
    expect(atTakeover - count(), 'files deleted after the lock was taken over').toBeLessThanOrEqual(1);
  }, 120_000);
});
