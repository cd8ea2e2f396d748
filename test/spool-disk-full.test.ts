// Issue #9 item 13: the spool's disk is full after GitHub accepted a batch. The accepted state must be
// durable (no resend after a restart) and `--status` must not call the batch waiting. The disk is a real
// small tmpfs, filled by a file until the kernel answers ENOSPC — no fault is faked in the spool's code.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readSpoolStatus, Spool, SpoolLedgerError } from '../src/watch/spool.js';
import { dist, runNode, tempDir, writeFileAt } from './helpers.js';
import { makeGitHubFacility, spawnSplash, TOKEN_ENV, until } from './sim/github/facility.js';
import { startGitHubSim, type GitHubSim } from './sim/github/index.js';

/** A fresh tmpfs of `kib` KiB, or why one cannot be mounted here. */
function mountTmpfs(dir: string, kib: number): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k,mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message.split('\n')[0] : String(err);
  }
}

const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts.splice(0)) execFileSync('umount', ['-l', m]);
});

const probe = await tempDir('splash-tmpfs-probe-');
const cannotMount = mountTmpfs(probe, 64);
if (cannotMount === undefined) mounts.push(probe);
else console.log(`spool disk-full tests skipped: cannot mount a tmpfs here (${cannotMount})`);

/** A small real disk for a spool. */
async function smallDisk(kib = 256): Promise<string> {
  const dir = await tempDir('splash-full-');
  const why = mountTmpfs(dir, kib);
  if (why !== undefined) throw new Error(`mount failed: ${why}`);
  mounts.push(dir);
  return dir;
}

/** Fill the disk with one file until the kernel says ENOSPC; returns the file (delete it to free the space). */
function fill(disk: string): string {
  const file = join(disk, 'filler');
  const fd = openSync(file, 'a');
  const chunk = Buffer.alloc(4096, 0x5a);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  return file;
}

const sims: GitHubSim[] = [];
const children: ReturnType<typeof spawnSplash>[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await c.exited;
  }
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

describe.skipIf(cannotMount !== undefined)('the spool on a full disk (a real tmpfs)', () => {
  it('a batch accepted while the ledger cannot be written is marked accepted, never pending; recorded once there is room', async () => {
    const disk = await smallDisk();
    const dir = join(disk, 'spool');
    const { spool } = await Spool.open(dir);
    const record = await spool.add('file_ready', false, [{ path: '/global/raw/a.h5', size: 3, mtimeMs: 1000 }]);
    const filler = fill(disk);

    const err = await spool.markSent([record]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpoolLedgerError);
    expect((err as Error).message).toMatch(/GitHub accepted 1 file\(s\) but the sent ledger could not be written \(ENOSPC: no space left on the device\); marked as accepted \(pending\/.*\.sent\): not sent again/);
    expect(spool.has('/global/raw/a.h5', 3, 1000)).toBe('sent');
    expect(spool.pending()).toEqual([]);

    // Another process (splash watch --status) sees it accepted, not waiting.
    const status = await readSpoolStatus(dir);
    expect(status.pending).toEqual([]);
    expect(status.accepted.map((r) => r.id)).toEqual([record.id]);
    expect(status.acceptedFiles).toBe(1);

    // Still no room: the ledger stays unwritten, the marker stays.
    await expect(spool.flushAccepted()).rejects.toMatchObject({ code: 'ENOSPC' });
    rmSync(filler);
    await spool.flushAccepted();
    expect(spool.unrecorded).toBe(0);
    expect(readdirSync(join(dir, 'pending'))).toEqual([]);
    await spool.close();

    const again = await Spool.open(dir);
    expect(again.spool.has('/global/raw/a.h5', 3, 1000)).toBe('sent');
    expect(again.spool.pending()).toEqual([]);
    await again.spool.close();
  });

  it('a start on a full disk says so, leaves no empty lock behind, and starts once there is room', async () => {
    const disk = await smallDisk();
    const dir = join(disk, 'spool');
    await (await Spool.open(dir)).spool.close();
    const filler = fill(disk);
    await expect(Spool.open(dir)).rejects.toThrow(/spool .*: its disk is full \(ENOSPC\); the watcher cannot take the spool's lock/);
    expect(existsSync(join(dir, 'lock'))).toBe(false);
    rmSync(filler);
    await (await Spool.open(dir)).spool.close();
  });

  it('splash watch: --status says accepted while the disk is full; a restart on the full disk sends nothing and says why; after space is freed nothing is sent again', async () => {
    const sim = await startGitHubSim();
    sims.push(sim);
    const f = await makeGitHubFacility({ apiUrl: sim.url });
    const disk = await smallDisk();
    const spool = join(disk, 'spool');
    const watchArgs = ['watch', f.beamline, '--beamline', '8.3.2', '--config', f.config, '--send-as', '/global', '--spool', spool];
    // GitHub takes a moment to answer the first dispatch: time to fill the disk after the batch is spooled.
    sim.inject({ kind: 'delay', ms: 2500 });
    const w = spawnSplash(watchArgs);
    children.push(w);
    await until(() => w.output().includes('watching'), 10_000, w.output);
    await writeFileAt(join(f.beamline, 'raw/p1/scan_1.h5'), 'one');
    await until(() => existsSync(join(spool, 'pending')) && readdirSync(join(spool, 'pending')).some((n) => n.endsWith('.json')), 10_000, w.output);
    const filler = fill(disk);
    await until(() => w.output().includes('marked as accepted'), 15_000, w.output);
    expect(sim.dispatchedPaths()).toEqual(['/global/raw/p1/scan_1.h5']);
    expect(w.output()).toMatch(/GitHub accepted 1 file\(s\) but the sent ledger could not be written \(ENOSPC: no space left on the device\)/);

    const status = await runNode(dist('cli'), ['watch', '--status', '--spool', spool]);
    expect(status.stdout).toContain('pending: 0 batch(es), 0 file(s) waiting for GitHub to accept them');
    expect(status.stdout).toMatch(/accepted: 1 batch\(es\), 1 file\(s\) accepted by GitHub but not yet in the sent ledger \(its disk was full\); they are not sent again/);
    const json = JSON.parse((await runNode(dist('cli'), ['watch', '--status', '--json', '--spool', spool])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ pending_batches: 0, pending_files: 0, accepted_batches: 1, accepted_files: 1 });

    // The watcher dies (power cut, OOM kill) while the disk is still full, and is started again.
    w.child.kill('SIGKILL');
    await w.exited;
    // (The dead watcher's lock is removed and taken over, which is the one page the new one needs.)
    const onFull = await runNode(dist('cli'), [...watchArgs, '--once'], { env: TOKEN_ENV });
    expect(onFull.code, onFull.stderr).toBe(0);
    expect(onFull.stderr).toMatch(/1 batch\(es\) GitHub accepted are still waiting for room in the sent ledger \(ENOSPC: no space left on the device\); none is sent again/);
    expect(sim.dispatches).toHaveLength(1);

    // Room again: the next start records the accepted batch and sends nothing twice.
    rmSync(filler);
    const afterwards = await runNode(dist('cli'), [...watchArgs, '--once'], { env: TOKEN_ENV });
    expect(afterwards.code, afterwards.stderr).toBe(0);
    expect(afterwards.stderr).toMatch(/recorded 1 batch\(es\) GitHub had accepted while the spool's disk was full; none is sent again/);
    expect(sim.dispatches).toHaveLength(1);
    const final = await readSpoolStatus(spool);
    expect({ pending: final.pending.length, accepted: final.accepted.length, sent: final.sentFiles }).toEqual({ pending: 0, accepted: 0, sent: 1 });
  }, 60_000);
});
