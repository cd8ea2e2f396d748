/**
 * Prune safety (issue #9): each test pins one way a prune could lose data, or a smaller prune defect, and
 * failed before its fix. Real files, real mounts (as root), real processes running the bundled CLI.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPrune } from '../beamlines/commands.js';
import type { FileSystemEndpoint } from '../src/endpoints.js';
import { SplashError } from '../src/errors.js';
import { hashFile } from '../src/fs/hash.js';
import { identityAt, readVerificationRecord, writeVerificationRecord, type FileIdentity } from '../src/fs/verification-record.js';
import { pruneFilesystem } from '../src/prune/filesystem.js';
import { createTerminalContext, type TerminalContext } from '../src/run/terminal.js';
import { ageFolders, DAY, dataTree, dist, runNode, tempDir, writeFileAt } from './helpers.js';

const capture = (): { ctx: TerminalContext; text: () => string } => {
  let out = '';
  const ctx = createTerminalContext({ stream: { write: (c: string) => { out += c; return true; } } as unknown as NodeJS.WritableStream, isTTY: false, verbose: true });
  return { ctx, text: () => out };
};
const ep = (name: string, root: string): FileSystemEndpoint => ({ type: 'filesystem', name, root_path: root });
const NOW = new Date();
const OLD = new Date(NOW.getTime() - 3 * DAY);
const opts = (over: Partial<Parameters<typeof pruneFilesystem>[2]> = {}) => ({
  afterDays: 1, verify: 'checksum' as const, now: NOW, dryRun: false, ctx: capture().ctx, ...over,
});
const failure = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);

async function twoEndpoints(prefix = 'splash-prune-safety-') {
  const root = await tempDir(prefix);
  const src = ep('beamline', join(root, 'beamline'));
  const check = ep('server', join(root, 'server'));
  await mkdir(src.root_path);
  await mkdir(check.root_path);
  return { root, src, check };
}

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

// ---------------------------------------------------------------------------------------------------------

describe('1. the check copy is the same storage under another name', () => {
  it.skipIf(!canMount)('an overlay mount of the pruned folder at the check root (own device number, no symlink) is refused; nothing is deleted', async () => {
    const { root, src, check } = await twoEndpoints();
    for (let i = 0; i < 20; i++) await writeFileAt(join(src.root_path, `raw/scan_${i}.h5`), `scan ${i}`, OLD);
    await mkdir(join(root, 'upper'));
    await mkdir(join(root, 'work'));
    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${src.root_path},upperdir=${join(root, 'upper')},workdir=${join(root, 'work')}`, check.root_path]);
    try {
      // The existing defences do not see it: other device number, other real path.
      expect(statSync(join(check.root_path, 'raw/scan_0.h5')).dev).not.toBe(statSync(join(src.root_path, 'raw/scan_0.h5')).dev);
      expect(realpathSync(check.root_path)).not.toBe(realpathSync(src.root_path));
      const before = dataTree(src.root_path);
      const err = await failure(pruneFilesystem(src, check, opts()));
      expect(err).toBeInstanceOf(SplashError);
      expect((err as SplashError).kind).toBe('config');
      expect((err as SplashError).message).toMatch(/prune of beamline is checked against server, but both are the same storage: a marker created under beamline .* is visible under server/);
      expect(dataTree(src.root_path)).toEqual(before);
      // The marker is gone again (and the folder made for it).
      expect(existsSync(join(src.root_path, '.splash'))).toBe(false);
    } finally {
      execFileSync('umount', [check.root_path]);
    }
  });

  it.skipIf(!canMount)('through the CLI: exit 2 and every file still there', async () => {
    const { root, src, check } = await twoEndpoints();
    for (let i = 0; i < 5; i++) await writeFileAt(join(src.root_path, `raw/scan_${i}.h5`), `scan ${i}`, OLD);
    await mkdir(join(root, 'upper'));
    await mkdir(join(root, 'work'));
    const config = join(root, 'config.yml');
    await writeFile(config, `endpoints:\n  beamline: { type: filesystem, root_path: ${src.root_path} }\n  server: { type: filesystem, root_path: ${check.root_path} }\nbeamlines:\n  "8.3.2":\n    prune: [ { endpoint: beamline, after_days: 1, check: server } ]\n`);
    // In a mount namespace of its own: the overlay exists only for that process.
    const r = await runCommand('unshare', ['-m', '--propagation', 'private', 'sh', '-c',
      `mount -t overlay overlay -o lowerdir=${src.root_path},upperdir=${join(root, 'upper')},workdir=${join(root, 'work')} ${check.root_path} && exec ${process.execPath} ${dist('cli')} prune --config ${config}`]);
    expect(r.stderr).toMatch(/both are the same storage/);
    expect(r.code).toBe(2);
    expect(readdirSync(join(src.root_path, 'raw'))).toHaveLength(5);
  });

  it.skipIf(!canMount)('a bind mount of the pruned folder at the check root is refused too (not only kept file by file)', async () => {
    const { src, check } = await twoEndpoints();
    await writeFileAt(join(src.root_path, 'raw/scan.h5'), 'scan', OLD);
    execFileSync('mount', ['--bind', src.root_path, check.root_path]);
    try {
      const err = await failure(pruneFilesystem(src, check, opts()));
      expect((err as SplashError).message).toMatch(/both are the same storage/);
    } finally {
      execFileSync('umount', [check.root_path]);
    }
    expect(existsSync(join(src.root_path, 'raw/scan.h5'))).toBe(true);
  });

  it('a .splash that is a symlink cannot carry the marker elsewhere: the rule stops, nothing deleted', async () => {
    const { root, src, check } = await twoEndpoints();
    await writeFileAt(join(src.root_path, 'a.h5'), 'A', OLD);
    await writeFileAt(join(check.root_path, 'a.h5'), 'A', OLD);
    await mkdir(join(root, 'elsewhere'));
    symlinkSync(join(root, 'elsewhere'), join(src.root_path, '.splash'));
    const err = await failure(pruneFilesystem(src, check, opts()));
    expect((err as SplashError).message).toMatch(/cannot prove that server .* is separate storage .*\.splash is not a folder/);
    expect(existsSync(join(src.root_path, 'a.h5'))).toBe(true);
    expect(readdirSync(join(root, 'elsewhere'))).toEqual([]);
  });

  it('a marker that cannot be removed (append-only root and .splash): a warning, and the prune goes on; a lock that cannot be removed warns too', async () => {
    const { src, check } = await twoEndpoints();
    await writeFileAt(join(src.root_path, 'raw/a.h5'), 'A', OLD);
    await writeFileAt(join(check.root_path, 'raw/a.h5'), 'A', OLD);
    mkdirSync(join(src.root_path, '.splash'));
    // The marker is made at the top of the root (see fs-identity.ts), the lock under .splash/.
    const appendOnly = [src.root_path, join(src.root_path, '.splash')];
    for (const d of appendOnly) execFileSync('chattr', ['+a', d]);
    try {
      const { ctx, text } = capture();
      const r = await pruneFilesystem(src, check, opts({ ctx }));
      expect(r.pruned.map((f) => f.rel)).toEqual(['raw/a.h5']);
      expect(text()).toMatch(/the storage-identity marker .*\/\.splash-identity-[0-9a-f]{32} could not be removed \(EPERM\); it is harmless/);
      expect(text()).toMatch(/the prune lock .*prune\.lock could not be removed \(EPERM\)/);
      // The next run meets the lock it left (this process is alive): it says who holds it, and deletes nothing.
      await writeFileAt(join(src.root_path, 'raw/b.h5'), 'B', OLD);
      await writeFileAt(join(check.root_path, 'raw/b.h5'), 'B', OLD);
      expect(((await failure(pruneFilesystem(src, check, opts()))) as SplashError).message).toMatch(/beamline is locked by another prune/);
      expect(existsSync(join(src.root_path, 'raw/b.h5'))).toBe(true);
    } finally {
      for (const d of appendOnly) execFileSync('chattr', ['-a', d]);
    }
  });

  it('config check refuses two endpoint names for one folder, or one inside the other (exit 2)', async () => {
    const root = await tempDir('splash-prune-safety-');
    const config = join(root, 'config.yml');
    await writeFile(config, `endpoints:
  beamline: { type: filesystem, root_path: /data/beamline }
  alias: { type: filesystem, root_path: /data/beamline/ }
  inner: { type: filesystem, root_path: /data/beamline/raw }
beamlines:
  "8.3.2":
    prune:
      - { endpoint: beamline, after_days: 1, check: alias }
      - { endpoint: inner, after_days: 1, check: beamline }
`);
    const r = await runNode(dist('cli'), ['config', 'check', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('config.yml:8:53 beamlines.8.3.2.prune[0].check: expected a check endpoint on other storage than "beamline", got "alias": the same folder (/data/beamline, /data/beamline)');
    expect(r.stderr).toContain('beamlines.8.3.2.prune[1].check: expected a check endpoint on other storage than "inner", got "beamline": one folder inside the other (/data/beamline/raw, /data/beamline)');
  });

  it('config check refuses two names for the same Globus collection and path (exit 2)', async () => {
    const root = await tempDir('splash-prune-safety-');
    const config = join(root, 'config.yml');
    await writeFile(config, `globus:
  globus_apps:
    app: { client_id: x, client_secret: y }
  globus_endpoints:
    spot832: { root_path: /raw, uuid: 44AE904C-ab64-4145-a8f0-7287de38324d }
    spotcopy: { root_path: /raw, uuid: 44ae904c-ab64-4145-a8f0-7287de38324d }
beamlines:
  "8.3.2":
    prune: [ { endpoint: spot832, after_days: 1, check: spotcopy } ]
`);
    const r = await runNode(dist('cli'), ['config', 'check', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/beamlines\.8\.3\.2\.prune\[0\]\.check: expected a check endpoint on other storage than "spot832", got "spotcopy": the same folder \(collection 44AE904C-ab64-4145-a8f0-7287de38324d: \/raw, \/raw\)/);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('2. rules that check each other', () => {
  const cycleConfig = (rules: string) => `endpoints:
  x: { type: filesystem, root_path: /data/x }
  y: { type: filesystem, root_path: /data/y }
  z: { type: filesystem, root_path: /data/z }
beamlines:
${rules}`;

  it('a cycle across beamlines is a config error (exit 2); a chain is not', async () => {
    const root = await tempDir('splash-prune-safety-');
    const config = join(root, 'config.yml');
    await writeFile(config, cycleConfig(`  "1.1.1":
    prune: [ { endpoint: x, after_days: 1, check: y } ]
  "2.2.2":
    prune: [ { endpoint: y, after_days: 1, check: z } ]
  "3.3.3":
    prune: [ { endpoint: z, after_days: 1, check: x } ]
`));
    const r = await runNode(dist('cli'), ['config', 'check', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('beamlines.1.1.1.prune[0].check: expected rules that do not check each other, got a cycle: beamlines.1.1.1.prune[0] prunes x checked against y; beamlines.2.2.2.prune[0] prunes y checked against z; beamlines.3.3.3.prune[0] prunes z checked against x');
    expect(r.stderr.match(/got a cycle/g)).toHaveLength(1);
    await writeFile(config, cycleConfig(`  "1.1.1":
    prune: [ { endpoint: x, after_days: 1, check: y }, { endpoint: y, after_days: 35, check: z } ]
`));
    expect((await runNode(dist('cli'), ['config', 'check', '--config', config])).code).toBe(0);
  });

  it('a cycle through nested roots is found; rules over unrelated parts of the same folders are not a cycle', async () => {
    const root = await tempDir('splash-prune-safety-');
    const config = join(root, 'config.yml');
    const withSub = (rules: string) => cycleConfig(rules).replace('beamlines:', '  xsub: { type: filesystem, root_path: /data/x/sub }\n  xother: { type: filesystem, root_path: /data/x/other }\n  ysub: { type: filesystem, root_path: /data/y/sub }\nbeamlines:');
    // x/sub/f relies on y/sub/f, which relies on x/sub/f.
    await writeFile(config, withSub('  "1.1.1":\n    prune: [ { endpoint: x, after_days: 1, check: y }, { endpoint: ysub, after_days: 1, check: xsub } ]\n'));
    const r = await runNode(dist('cli'), ['config', 'check', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/got a cycle: beamlines\.1\.1\.1\.prune\[0\] prunes x checked against y; beamlines\.1\.1\.1\.prune\[1\] prunes ysub checked against xsub/);
    // y/sub/f relies on x/other/f: no file comes back to itself.
    await writeFile(config, withSub('  "1.1.1":\n    prune: [ { endpoint: x, after_days: 1, check: y }, { endpoint: ysub, after_days: 1, check: xother } ]\n'));
    expect((await runNode(dist('cli'), ['config', 'check', '--config', config])).code).toBe(0);
  });

  it('two prunes at once with rules that check each other (two configs, 20,000 files): 0 files lost', async () => {
    const root = await tempDir('splash-prune-safety-');
    makeTree(join(root, 'x'), 20, 1000, OLD);
    makeTree(join(root, 'y'), 20, 1000, OLD);
    const config = async (name: string, id: string, pruned: string, check: string) => {
      const file = join(root, name);
      await writeFile(file, `endpoints:\n  x: { type: filesystem, root_path: ${root}/x }\n  y: { type: filesystem, root_path: ${root}/y }\nbeamlines:\n  "${id}":\n    prune: [ { endpoint: ${pruned}, after_days: 1, check: ${check} } ]\n`);
      return file;
    };
    const a = await config('a.yml', '1.1.1', 'x', 'y');
    const b = await config('b.yml', '2.2.2', 'y', 'x');
    const [ra, rb] = await Promise.all([runNode(dist('cli'), ['prune', '--config', a]), runNode(dist('cli'), ['prune', '--config', b])]);
    expect(lostFiles(join(root, 'x'), join(root, 'y'), 20, 1000)).toBe(0);
    // Either they excluded each other (one failed, naming the holder) or one ran after the other.
    for (const r of [ra, rb]) {
      if (r.code !== 0) {
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/is locked by another prune \((relied on by the )?prune of [xy] \(beamline \d\.\d\.\d\): host .*, pid \d+, since \d{4}-/);
      }
    }
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------------------

describe('3. verify: hash and a copy replaced while it is hashed', () => {
  /** A big file and its copy (equal), and another file of the same size and mtime but other bytes. */
  async function raceSetup() {
    const { root, src, check } = await twoEndpoints();
    const size = 256 << 20;
    await bigFile(join(src.root_path, 'big.h5'), size, 1);
    await bigFile(join(check.root_path, 'big.h5'), size, 1);
    await bigFile(join(root, 'other.h5'), size, 2);
    for (const p of [join(src.root_path, 'big.h5'), join(check.root_path, 'big.h5'), join(root, 'other.h5')]) utimesSync(p, OLD, OLD);
    return { root, src, check };
  }

  it('mv of another same-size file over the copy during the hash: the file is kept', async () => {
    const { root, src, check } = await raceSetup();
    const copy = join(check.root_path, 'big.h5');
    const swap = whenOpened(copy, () => { renameSync(join(root, 'other.h5'), copy); });
    const r = await pruneFilesystem(src, check, opts({ verify: 'hash' }));
    expect(await swap).toBe(true);
    expect(r.pruned).toEqual([]);
    expect(r.unsafe[0]?.reason).toMatch(/^(the )?copy at server changed (since the plan|since it was verified|while it was hashed)/);
    expect(existsSync(join(src.root_path, 'big.h5'))).toBe(true);
  }, 60_000);

  it('mv of another same-size file over the pruned file during the hash: it is kept', async () => {
    const { root, src, check } = await raceSetup();
    const file = join(src.root_path, 'big.h5');
    const swap = whenOpened(file, () => { renameSync(join(root, 'other.h5'), file); });
    const r = await pruneFilesystem(src, check, opts({ verify: 'hash' }));
    expect(await swap).toBe(true);
    expect(r.pruned).toEqual([]);
    // The file now there (other bytes, no copy anywhere) is still there.
    expect(existsSync(file)).toBe(true);
  }, 60_000);

  it('a copy proven by its verification record, replaced (mv) after the plan: kept at the last check', async () => {
    const { root, src, check } = await twoEndpoints();
    // a.h5 is big and hashed on both sides (no record); while it is hashed, b.h5's copy is replaced.
    await bigFile(join(src.root_path, 'a.h5'), 64 << 20, 1);
    await bigFile(join(check.root_path, 'a.h5'), 64 << 20, 1);
    await writeFileAt(join(src.root_path, 'b.h5'), 'BBBB', OLD);
    await writeFileAt(join(check.root_path, 'b.h5'), 'BBBB', OLD);
    await writeFileAt(join(root, 'other.h5'), 'XXXX', OLD);
    for (const p of ['a.h5']) for (const r of [src.root_path, check.root_path]) utimesSync(join(r, p), OLD, OLD);
    const checkRoot = realpathSync(check.root_path);
    writeVerificationRecord(checkRoot, {
      version: 1, rel: 'b.h5', algorithm: 'xxh128', digest: (await hashFile(join(check.root_path, 'b.h5'))).digest,
      copy: identityAt(join(check.root_path, 'b.h5')) as FileIdentity, source: { endpoint: 'beamline', identity: identityAt(join(src.root_path, 'b.h5')) as FileIdentity },
      verifiedAt: new Date().toISOString(),
    });
    const swap = whenOpened(join(check.root_path, 'a.h5'), () => { renameSync(join(root, 'other.h5'), join(check.root_path, 'b.h5')); });
    const { ctx, text } = capture();
    const r = await pruneFilesystem(src, check, opts({ ctx }));
    expect(await swap).toBe(true);
    expect(text()).toMatch(/1 proven by verification records/);
    expect(r.pruned.map((f) => f.rel)).toEqual(['a.h5']);
    expect(r.unsafe).toEqual([{ rel: 'b.h5', reason: 'copy at server changed since it was verified; left for the next run' }]);
    expect(readFileSync(join(src.root_path, 'b.h5'), 'utf8')).toBe('BBBB');
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------------------

describe('4. the default check proves content', () => {
  it('a copy of the same size and mtime but other bytes is kept by default (config without verify)', async () => {
    const root = await tempDir('splash-prune-safety-');
    for (const d of ['beamline', 'server']) await mkdir(join(root, d));
    await writeFileAt(join(root, 'beamline/scan.h5'), 'the real scan', OLD);
    await writeFileAt(join(root, 'server/scan.h5'), 'corrupt copy!', OLD);
    const config = join(root, 'config.yml');
    await writeFile(config, `endpoints:\n  beamline: { type: filesystem, root_path: ${root}/beamline }\n  server: { type: filesystem, root_path: ${root}/server }\nbeamlines:\n  "8.3.2":\n    prune: [ { endpoint: beamline, after_days: 1, check: server } ]\n`);
    const r = await runNode(dist('cli'), ['prune', '--config', config]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/kept, unsafe to delete: beamline:scan\.h5 — content differs at server \(xxh128\)/);
    expect(readFileSync(join(root, 'beamline/scan.h5'), 'utf8')).toBe('the real scan');
  });

  it('verify: size on a filesystem rule is a config error whose hint explains the default', async () => {
    const root = await tempDir('splash-prune-safety-');
    const config = join(root, 'config.yml');
    await writeFile(config, 'endpoints:\n  a: { type: filesystem, root_path: /a }\n  b: { type: filesystem, root_path: /b }\nbeamlines:\n  "8.3.2":\n    prune: [ { endpoint: a, after_days: 1, check: b, verify: size } ]\n');
    const r = await runNode(dist('cli'), ['config', 'check', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('config.yml:6:62 beamlines.8.3.2.prune[0].verify: expected checksum (the default) or hash for filesystem endpoints, got "size"');
    expect(r.stderr).toMatch(/hint: remove verify: size — the default \(checksum\) now proves each copy's content.*verify: hash re-reads both files/);
  });

  describe('verification records (written by the move; here by writeVerificationRecord)', () => {
    async function withRecord(content: { src: string; copy: string }) {
      const { src, check } = await twoEndpoints();
      await writeFileAt(join(src.root_path, 'raw/a.h5'), content.src, OLD);
      await writeFileAt(join(check.root_path, 'raw/a.h5'), content.copy, OLD);
      const digest = (await hashFile(join(check.root_path, 'raw/a.h5'))).digest;
      const record = (srcId: FileIdentity, copyId: FileIdentity) => {
        writeVerificationRecord(realpathSync(check.root_path), {
          version: 1, rel: 'raw/a.h5', algorithm: 'xxh128', digest, copy: copyId, source: { endpoint: 'beamline', identity: srcId }, verifiedAt: new Date().toISOString(),
        });
      };
      const idOf = (p: string): FileIdentity => {
        const id = identityAt(p);
        if (!id) throw new Error(`no identity for ${p}`);
        return id;
      };
      record(idOf(join(src.root_path, 'raw/a.h5')), idOf(join(check.root_path, 'raw/a.h5')));
      return { src, check, record, idOf };
    }

    it('a record binding both files: pruned without reading either', async () => {
      const { src, check } = await withRecord({ src: 'AAAA', copy: 'AAAA' });
      const { ctx, text } = capture();
      const r = await pruneFilesystem(src, check, opts({ ctx }));
      expect(r.pruned.map((f) => f.rel)).toEqual(['raw/a.h5']);
      expect(text()).toMatch(/1 candidates \(1 proven by verification records, 0 to hash here, 0 to hash on both sides\)/);
    });

    it('the pruned file changed identity since (same size and mtime, other bytes): hashed, compared with the record, kept', async () => {
      const { src, check } = await withRecord({ src: 'AAAA', copy: 'AAAA' });
      await writeFileAt(join(src.root_path, 'raw/a.h5'), 'AAAB', OLD);
      const { ctx, text } = capture();
      const r = await pruneFilesystem(src, check, opts({ ctx }));
      expect(text()).toMatch(/0 proven by verification records, 1 to hash here/);
      expect(r.pruned).toEqual([]);
      expect(r.unsafe).toEqual([{ rel: 'raw/a.h5', reason: 'content differs at server (xxh128), by its verification record' }]);
    });

    it('the pruned file only touched (ctime changed, same bytes): hashed here, pruned', async () => {
      const { src, check } = await withRecord({ src: 'AAAA', copy: 'AAAA' });
      execFileSync('chmod', ['600', join(src.root_path, 'raw/a.h5')]);
      const r = await pruneFilesystem(src, check, opts());
      expect(r.pruned.map((f) => f.rel)).toEqual(['raw/a.h5']);
    });

    it('a stale record (the copy was rewritten after it) is not trusted: both hashed', async () => {
      const { src, check } = await withRecord({ src: 'AAAA', copy: 'AAAA' });
      await writeFileAt(join(check.root_path, 'raw/a.h5'), 'AAAC', OLD);
      const { ctx, text } = capture();
      const r = await pruneFilesystem(src, check, opts({ ctx }));
      expect(text()).toMatch(/0 to hash here, 1 to hash on both sides/);
      expect(r.unsafe[0]?.reason).toBe('content differs at server (xxh128)');
    });

    it('verify: hash ignores records and re-reads both', async () => {
      const { src, check } = await withRecord({ src: 'AAAA', copy: 'AAAA' });
      const { ctx, text } = capture();
      const r = await pruneFilesystem(src, check, opts({ ctx, verify: 'hash' }));
      expect(text()).toMatch(/0 proven by verification records, 0 to hash here, 1 to hash on both sides/);
      expect(r.pruned).toHaveLength(1);
    });

    it('a deleted file that was itself a verified copy takes its record with it', async () => {
      const { root, src, check } = await twoEndpoints();
      const archive = ep('archive', join(root, 'archive'));
      await writeFileAt(join(src.root_path, 'a.h5'), 'AAAA', OLD);
      await writeFileAt(join(check.root_path, 'a.h5'), 'AAAA', OLD);
      // server's a.h5 is a copy of beamline's, with its record at server; server is pruned against archive.
      writeVerificationRecord(realpathSync(check.root_path), {
        version: 1, rel: 'a.h5', algorithm: 'xxh128', digest: (await hashFile(join(check.root_path, 'a.h5'))).digest,
        copy: identityAt(join(check.root_path, 'a.h5')) as FileIdentity, source: { endpoint: 'beamline', identity: identityAt(join(src.root_path, 'a.h5')) as FileIdentity }, verifiedAt: new Date().toISOString(),
      });
      await writeFileAt(join(archive.root_path, 'a.h5'), 'AAAA', OLD);
      const r = await pruneFilesystem(check, archive, opts());
      expect(r.pruned.map((f) => f.rel)).toEqual(['a.h5']);
      expect(readVerificationRecord(realpathSync(check.root_path), 'a.h5')).toBeUndefined();
    });
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('prune locks', () => {
  async function lockedFacility() {
    const { root, src, check } = await twoEndpoints();
    for (let i = 0; i < 3; i++) {
      await writeFileAt(join(src.root_path, `a${i}.h5`), `A${i}`, OLD);
      await writeFileAt(join(check.root_path, `a${i}.h5`), `A${i}`, OLD);
    }
    return { root, src, check };
  }
  const lockOf = (root: string) => JSON.parse(readFileSync(join(root, '.splash/prune.lock'), 'utf8')) as { since: string; pid: number };
  const plantLock = (root: string, holder: Record<string, unknown>, beat = new Date()) => {
    mkdirSync(join(root, '.splash'), { recursive: true });
    writeFileSync(join(root, '.splash/prune.lock'), JSON.stringify({ since: new Date().toISOString(), nonce: 'feedface', purpose: 'prune of beamline (beamline 9.9.9)', ...holder }));
    utimesSync(join(root, '.splash/prune.lock'), beat, beat);
  };

  it('a live prune holding the lock: the rule fails naming the holder, nothing is deleted, its lock stays', async () => {
    const { src, check } = await lockedFacility();
    const sleeper = spawn('sleep', ['30']);
    try {
      plantLock(src.root_path, { host: hostname(), pid: sleeper.pid });
      const err = await failure(pruneFilesystem(src, check, opts({ rule: 'prune of beamline (beamline 8.3.2)' })));
      expect((err as SplashError).kind).toBe('step');
      expect((err as SplashError).message).toBe(
        `prune of beamline (beamline 8.3.2): beamline is locked by another prune (prune of beamline (beamline 9.9.9): host ${hostname()}, pid ${sleeper.pid}, since ${lockOf(src.root_path).since}; lock ${realpathSync(src.root_path)}/.splash/prune.lock); nothing was deleted by this rule`,
      );
      expect(readdirSync(src.root_path).filter((n) => n.endsWith('.h5'))).toHaveLength(3);
      expect(lockOf(src.root_path).pid).toBe(sleeper.pid);
    } finally {
      sleeper.kill();
    }
  });

  it('the check endpoint is locked too: a prune of it waits its turn while it is relied on', async () => {
    const { src, check } = await lockedFacility();
    const sleeper = spawn('sleep', ['30']);
    try {
      plantLock(check.root_path, { host: hostname(), pid: sleeper.pid });
      const err = await failure(pruneFilesystem(src, check, opts()));
      expect((err as SplashError).message).toMatch(/server is locked by another prune/);
      expect(readdirSync(src.root_path).filter((n) => n.endsWith('.h5'))).toHaveLength(3);
    } finally {
      sleeper.kill();
    }
  });

  it('stale locks are taken over: a dead process on this host, another host silent for 11 minutes; a fresh one on another host is not', async () => {
    const { src, check } = await lockedFacility();
    const dead = spawn('true');
    await new Promise((r) => dead.on('exit', r));
    plantLock(src.root_path, { host: hostname(), pid: dead.pid });
    expect((await pruneFilesystem(src, check, opts())).pruned).toHaveLength(3);
    await writeFileAt(join(src.root_path, 'b.h5'), 'B', OLD);
    await writeFileAt(join(check.root_path, 'b.h5'), 'B', OLD);
    plantLock(src.root_path, { host: 'dtn99.example.org', pid: 4242 }, new Date(Date.now() - 11 * 60_000));
    expect((await pruneFilesystem(src, check, opts())).pruned).toHaveLength(1);
    await writeFileAt(join(src.root_path, 'c.h5'), 'C', OLD);
    await writeFileAt(join(check.root_path, 'c.h5'), 'C', OLD);
    plantLock(src.root_path, { host: 'dtn99.example.org', pid: 4242 }, new Date(Date.now() - 60_000));
    expect(await failure(pruneFilesystem(src, check, opts()))).toBeInstanceOf(SplashError);
    expect(existsSync(join(src.root_path, 'c.h5'))).toBe(true);
  });

  it('a lock that is not a lock file (torn, or a folder) counts as held until its mtime is stale', async () => {
    const { src, check } = await lockedFacility();
    mkdirSync(join(src.root_path, '.splash/prune.lock/junk'), { recursive: true });
    expect(((await failure(pruneFilesystem(src, check, opts()))) as SplashError).message).toMatch(/beamline is locked by another prune \(holder being written/);
    const old = new Date(Date.now() - 11 * 60_000);
    utimesSync(join(src.root_path, '.splash/prune.lock'), old, old);
    expect((await pruneFilesystem(src, check, opts())).pruned).toHaveLength(3);
  });

  it('locks are released when the rule ends, also when it fails', async () => {
    const { src, check } = await lockedFacility();
    await pruneFilesystem(src, check, opts());
    expect(existsSync(join(src.root_path, '.splash/prune.lock'))).toBe(false);
    expect(existsSync(join(check.root_path, '.splash/prune.lock'))).toBe(false);
  });

  it('a lock held on one rule fails that rule (exit 1); the other rules still run', async () => {
    const root = await tempDir('splash-prune-safety-');
    for (const d of ['a', 'b', 'c', 'd']) await mkdir(join(root, d));
    for (const d of ['a', 'b', 'c', 'd']) await writeFileAt(join(root, d, 'f.h5'), 'F', OLD);
    const config = join(root, 'config.yml');
    await writeFile(config, `endpoints:\n${['a', 'b', 'c', 'd'].map((d) => `  ${d}: { type: filesystem, root_path: ${root}/${d} }\n`).join('')}beamlines:\n  "8.3.2":\n    prune: [ { endpoint: a, after_days: 1, check: b }, { endpoint: c, after_days: 1, check: d } ]\n`);
    const sleeper = spawn('sleep', ['30']);
    try {
      plantLock(join(root, 'a'), { host: hostname(), pid: sleeper.pid });
      const r = await runNode(dist('cli'), ['prune', '--config', config]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/1 prune rule did not run: another prune holds a lock it needs \(a\); the other rules ran/);
      expect(existsSync(join(root, 'a/f.h5'))).toBe(true);
      expect(existsSync(join(root, 'c/f.h5'))).toBe(false);
    } finally {
      sleeper.kill();
    }
  });

  it('kill -9 while holding the lock: the next run takes the dead lock over and finishes; nothing lost', async () => {
    const root = await tempDir('splash-prune-safety-');
    makeTree(join(root, 'x'), 10, 1000, OLD);
    makeTree(join(root, 'y'), 10, 1000, OLD);
    const config = join(root, 'config.yml');
    await writeFile(config, `endpoints:\n  x: { type: filesystem, root_path: ${root}/x }\n  y: { type: filesystem, root_path: ${root}/y }\nbeamlines:\n  "8.3.2":\n    prune: [ { endpoint: x, after_days: 1, check: y, verify: hash } ]\n`);
    const child = spawn(process.execPath, [dist('cli'), 'prune', '--config', config], { stdio: 'ignore' });
    const lock = join(root, 'x/.splash/prune.lock');
    for (let i = 0; i < 2000 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    expect(existsSync(lock)).toBe(true);
    const r = await runNode(dist('cli'), ['prune', '--config', config]);
    expect(r.code).toBe(0);
    expect(lostFiles(join(root, 'x'), join(root, 'y'), 10, 1000)).toBe(0);
    expect(readdirSync(join(root, 'x')).filter((n) => n !== '.splash')).toEqual([]);
  }, 120_000);

  it('a holder that hangs past the stale bound, is taken over, and resumes: it stops before its next deletion; nothing lost', async () => {
    const root = await tempDir('splash-prune-safety-');
    makeTree(join(root, 'x'), 10, 1000, OLD);
    makeTree(join(root, 'y'), 10, 1000, OLD);
    const config = join(root, 'config.yml');
    await writeFile(config, `endpoints:\n  x: { type: filesystem, root_path: ${root}/x }\n  y: { type: filesystem, root_path: ${root}/y }\nbeamlines:\n  "8.3.2":\n    prune: [ { endpoint: x, after_days: 1, check: y, verify: hash } ]\n`);
    const a = spawn(process.execPath, [dist('cli'), 'prune', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let aErr = '';
    a.stderr.on('data', (d: Buffer) => (aErr += d.toString()));
    const aExit = new Promise<number | null>((r) => a.on('exit', (code) => { r(code); }));
    const locks = [join(root, 'x/.splash/prune.lock'), join(root, 'y/.splash/prune.lock')];
    // Stopped in the middle of its deletions: right after its first one.
    const first = join(root, 'x/d0/f0.dat');
    // Bounded by time, not by a count of polls: a loaded machine starts the process slowly.
    for (const until = Date.now() + 60_000; existsSync(first) && Date.now() < until;) await new Promise((r) => setTimeout(r, 2));
    a.kill('SIGSTOP');
    expect(existsSync(first)).toBe(false);
    expect(locks.every((l) => existsSync(l))).toBe(true);
    expect(existsSync(join(root, 'x/d9/f999.dat'))).toBe(true);
    // As another host sees a holder that hung for 11 minutes.
    const old = new Date(Date.now() - 11 * 60_000);
    for (const l of locks) utimesSync(l, old, old);
    const b = await runNode(dist('cli'), ['prune', '--config', config]);
    expect(b.code).toBe(0);
    // A resumes after its heartbeat came due (30 s): it finds its locks gone and stops.
    await new Promise((r) => setTimeout(r, 31_000));
    a.kill('SIGCONT');
    expect(await aExit).toBe(1);
    expect(aErr).toMatch(/prune lock .*prune\.lock was lost \(the lock file is gone\); stopped before the next deletion/);
    expect(lostFiles(join(root, 'x'), join(root, 'y'), 10, 1000)).toBe(0);
  }, 120_000);

  it.skipIf(!canMount)('a read-only check endpoint is not locked, and the prune still runs', async () => {
    const { src, check } = await lockedFacility();
    execFileSync('mount', ['--bind', check.root_path, check.root_path]);
    execFileSync('mount', ['-o', 'remount,ro,bind', check.root_path]);
    try {
      const { ctx, text } = capture();
      const r = await pruneFilesystem(src, check, opts({ ctx }));
      expect(r.pruned).toHaveLength(3);
      expect(text()).toMatch(/server is not writable here: not locked/);
    } finally {
      execFileSync('umount', [check.root_path]);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('smaller prune items', () => {
  it('the state folders (.splash, the watcher\'s .splash-spool) are not data: never listed as unsafe', async () => {
    const { src, check } = await twoEndpoints();
    await writeFileAt(join(src.root_path, '.splash-spool/pending/0001.json'), '{}', OLD);
    await writeFileAt(join(src.root_path, 'raw/.splash-spool/sent.log'), 'x', OLD);
    await writeFileAt(join(src.root_path, '.splash/verified/ab/x.json'), '{}', OLD);
    const r = await pruneFilesystem(src, check, opts());
    expect(r.unsafe).toEqual([]);
    expect(existsSync(join(src.root_path, '.splash-spool/pending/0001.json'))).toBe(true);
  });

  it('an emptied folder younger than the rule stays (acquisition may still write into it); an old one goes', async () => {
    const { src, check } = await twoEndpoints();
    await writeFileAt(join(src.root_path, 'old/a.h5'), 'a', OLD);
    await writeFileAt(join(src.root_path, 'busy/a.h5'), 'a', OLD);
    for (const d of ['old', 'busy']) await writeFileAt(join(check.root_path, d, 'a.h5'), 'a', OLD);
    utimesSync(join(src.root_path, 'old'), OLD, OLD);
    const r = await pruneFilesystem(src, check, opts());
    expect(r.pruned).toHaveLength(2);
    expect(r.removedDirs).toEqual(['old']);
    expect(existsSync(join(src.root_path, 'busy'))).toBe(true);
  });

  it('"younger than 1 day", not "1 day(s)", in the log and the summary', async () => {
    const root = await tempDir('splash-prune-safety-');
    for (const d of ['beamline', 'server']) await mkdir(join(root, d));
    const config = join(root, 'config.yml');
    await writeFile(config, `endpoints:\n  beamline: { type: filesystem, root_path: ${root}/beamline }\n  server: { type: filesystem, root_path: ${root}/server }\nbeamlines:\n  "9.9.9":\n    prune: [ { endpoint: beamline, after_days: 1, check: server } ]\n`);
    const { ctx, text } = capture();
    await runPrune(ctx, { config, beamline: '9.9.9', dryRun: true, now: NOW });
    await ctx.flushSummary();
    expect(text()).toContain('kept (younger than 1 day)');
    expect(text()).toContain('older than 1 day, checked against server by checksum');
    expect(text()).not.toContain('day(s)');
    const check = await runNode(dist('cli'), ['config', 'check', '--config', config]);
    expect(check.stdout).toContain('prune:  beamline after 1 day, checked on server by checksum');
  });
});

// ---------------------------------------------------------------------------------------------------------

function makeTree(root: string, dirs: number, perDir: number, mtime: Date): void {
  for (let d = 0; d < dirs; d++) {
    mkdirSync(join(root, `d${d}`), { recursive: true });
    for (let f = 0; f < perDir; f++) {
      const p = join(root, `d${d}/f${f}.dat`);
      writeFileSync(p, `file ${d} ${f}`);
      utimesSync(p, mtime, mtime);
    }
  }
  ageFolders(root, mtime);
}

/** Files of makeTree's shape present on neither side. */
function lostFiles(a: string, b: string, dirs: number, perDir: number): number {
  let lost = 0;
  for (let d = 0; d < dirs; d++) for (let f = 0; f < perDir; f++) if (!existsSync(join(a, `d${d}/f${f}.dat`)) && !existsSync(join(b, `d${d}/f${f}.dat`))) lost++;
  return lost;
}

async function bigFile(path: string, bytes: number, seed: number): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  // Deterministic per seed: two files of one seed are equal, of two seeds differ.
  const block = Buffer.alloc(1 << 20, seed);
  const fh = await open(path, 'w');
  for (let done = 0; done < bytes; done += block.length) await fh.write(block);
  await fh.close();
}

/** Run `act` as soon as this process has `path` open (the hash has started); resolves whether it ran. */
function whenOpened(path: string, act: () => void): Promise<boolean> {
  const target = realpathSync(path);
  return new Promise((resolve) => {
    const started = Date.now();
    const poll = (): void => {
      for (const fd of readdirSync('/proc/self/fd')) {
        let link: string;
        try {
          link = readlinkSync(`/proc/self/fd/${fd}`);
        } catch {
          continue;
        }
        if (link === target) {
          act();
          resolve(true);
          return;
        }
      }
      if (Date.now() - started > 20_000) resolve(false);
      else setImmediate(poll);
    };
    poll();
  });
}

function runCommand(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { PATH: process.env.PATH, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => { resolve({ code, stdout, stderr }); });
  });
}

