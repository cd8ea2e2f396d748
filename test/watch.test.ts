// The watcher's parts (globs, filter, durations, spool) and the watcher itself in-process against the GitHub
// simulator over real HTTP: stability, batching within limits, retries through faults, restarts, --once.
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openBeamline } from '../beamlines/index.js';
import { loadConfig } from '../src/config/index.js';
import { SplashError } from '../src/errors.js';
import { GitHubClient } from '../src/github/client.js';
import { parseDuration } from '../src/watch/duration.js';
import { builtinIgnoreReason, makeFilter } from '../src/watch/filter.js';
import { globMatcher, globProblem } from '../src/watch/glob.js';
import { completeWatchSettings, defaultEventType } from '../src/watch/settings.js';
import { readSpoolStatus, Spool } from '../src/watch/spool.js';
import { dispatchPath, toPosixRelative, Watcher, type WatcherOptions } from '../src/watch/watcher.js';
import { formatStatus } from '../src/watch/commands.js';
import { tempDir } from './helpers.js';
import { counts, makeGitHubFacility, until } from './sim/github/facility.js';
import { startGitHubSim, type GitHubSim } from './sim/github/index.js';

describe('globs and the file filter', () => {
  it('name patterns match in any folder; path patterns from the watched folder', () => {
    const m = globMatcher(['*.h5', 'raw/**/*.tif', '/top/*.edf', 'scan_{a,b}?.dat', '[!x]y.txt']);
    expect(m('scan.h5')).toBe(true);
    expect(m('deep/down/scan.h5')).toBe(true);
    expect(m('raw/frame.tif')).toBe(true);
    expect(m('raw/p1/p2/frame.tif')).toBe(true);
    expect(m('other/frame.tif')).toBe(false);
    expect(m('top/x.edf')).toBe(true);
    expect(m('sub/top/x.edf')).toBe(false);
    expect(m('scan_a1.dat')).toBe(true);
    expect(m('scan_c1.dat')).toBe(false);
    expect(m('ay.txt')).toBe(true);
    expect(m('xy.txt')).toBe(false);
    expect(m('scan.h5.bak')).toBe(false);
    expect(globProblem('[abc')).toMatch(/unclosed "\["/);
    expect(globProblem('{a,b')).toMatch(/unclosed "\{"/);
    expect(globProblem('*.h5')).toBeUndefined();
  });

  it('hidden files, temporary names and ignored folders are never data', () => {
    for (const name of ['.scan.h5', 'raw/.cache/a.h5', 'a.tmp', 'a.h5.part', 'a.partial', 'a.crdownload', 'a.h5~', '~$report.docx', 'a.swp', 'Thumbs.db']) {
      expect(builtinIgnoreReason(name), name).toBeDefined();
    }
    const f = makeFilter({ patterns: ['*.h5', '*.tif'], ignore: ['scratch/**', '*_test.h5'], nocase: false });
    expect(f.accepts('raw/scan.h5')).toBe(true);
    expect(f.accepts('raw/scan.H5')).toBe(false);
    expect(f.accepts('raw/notes.txt')).toBe(false);
    expect(f.accepts('raw/scan_test.h5')).toBe(false);
    expect(f.accepts('scratch/a.h5')).toBe(false);
    expect(f.skipsDir('scratch')).toBe(true);
    expect(f.skipsDir('.splash-spool')).toBe(true);
    expect(f.skipsDir('raw')).toBe(false);
    expect(makeFilter({ patterns: ['*.h5'], ignore: [], nocase: true }).accepts('SCAN.H5')).toBe(true);
  });

  it('durations, default event types and defaults', () => {
    expect(parseDuration('6h', 'x')).toBe(21_600_000);
    expect(parseDuration('90', 'x')).toBe(90_000);
    expect(parseDuration('1.5s', 'x')).toBe(1500);
    expect(parseDuration('250ms', 'x')).toBe(250);
    expect(() => parseDuration('6 hours', '--older-than')).toThrow(/--older-than: expected a duration/);
    expect(defaultEventType('8.3.2')).toBe('new_file_832');
    expect(defaultEventType('7.0.1.2')).toBe('new_file_7012');
    expect(completeWatchSettings('7.3.3')).toEqual({ event_type: 'new_file_733', patterns: [], ignore: [], stable_seconds: 30, batch_seconds: 1, rescan_seconds: 30 });
  });

  it('Windows names: only the OS separator becomes "/"; a backslash in a Linux name stays (and the gate refuses it)', () => {
    expect(toPosixRelative('raw\\p1\\scan.h5', '\\')).toBe('raw/p1/scan.h5');
    expect(toPosixRelative('raw\\p1\\scan.h5', '/')).toBe('raw\\p1\\scan.h5');
    expect(dispatchPath('/global/raw', 'p1/a.h5')).toBe('/global/raw/p1/a.h5');
    expect(dispatchPath('/', 'raw/a.h5')).toBe('/raw/a.h5');
  });
});

describe('the spool', () => {
  const entry = (path: string, size = 1, mtimeMs = 1000) => ({ path, size, mtimeMs });

  it('a batch is on disk when add() returns, and in the ledger once sent; both survive a reopen', async () => {
    const dir = join(await tempDir(), 'spool');
    const { spool } = await Spool.open(dir);
    const r = await spool.add('new_file_832', false, [entry('/g/a'), entry('/g/b')]);
    expect(readdirSync(join(dir, 'pending'))).toEqual([`${r.id}.json`]);
    expect(spool.has('/g/a', 1, 1000)).toBe('pending');
    await spool.markFailed([r], 'GitHub answered 503', new Date(Date.now() + 5000));
    await spool.close();

    const again = await Spool.open(dir);
    expect(again.spool.pending()).toMatchObject([{ id: r.id, attempts: 1, last_error: 'GitHub answered 503' }]);
    await again.spool.markSent(again.spool.pending());
    expect(again.spool.has('/g/a', 1, 1000)).toBe('sent');
    expect(again.spool.has('/g/a', 2, 1000)).toBeUndefined(); // rewritten: a new file
    expect(readdirSync(join(dir, 'pending'))).toEqual([]);
    await again.spool.close();
    const third = await Spool.open(dir);
    expect(third.spool.has('/g/b', 1, 1000)).toBe('sent');
    expect(third.spool.sentCount).toBe(2);
    await third.spool.close();
  });

  it('a spool left by an older version (0644 files, a token in a last error) is tightened and masked on start', async () => {
    const dir = join(await tempDir(), 'spool');
    const { spool } = await Spool.open(dir);
    const record = await spool.add('new_file_832', false, [entry('/g/a')]);
    await spool.close();
    const file = join(dir, 'pending', `${record.id}.json`);
    const token = `ghp_${'a1B2'.repeat(9)}`;
    writeFileSync(file, `${JSON.stringify({ ...record, attempts: 1, last_error: `GitHub answered 500 (echo: authorization: token ${token})` })}\n`, { mode: 0o644 });
    chmodSync(file, 0o644);
    chmodSync(dir, 0o755);
    const status = await readSpoolStatus(dir);
    expect(JSON.stringify(status)).not.toContain(token);
    const again = await Spool.open(dir);
    await again.spool.close();
    expect(readFileSync(file, 'utf8')).not.toContain(token);
    expect(readFileSync(file, 'utf8')).toContain('authorization: ***');
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
    expect((statSync(dir).mode & 0o777).toString(8)).toBe('700');
  });

  it('tidies what a crash leaves: temp files, a record already in the ledger, a cut-off ledger line', async () => {
    const dir = join(await tempDir(), 'spool');
    const { spool } = await Spool.open(dir);
    const sent = await spool.add('new_file_832', false, [entry('/g/a')]);
    const waiting = await spool.add('new_file_832', false, [entry('/g/b')]);
    await spool.close();
    // Crash after the ledger line, before the record was removed; a temp write; a half-written ledger line.
    await appendFile(join(dir, 'sent.jsonl'), `${JSON.stringify({ path: '/g/a', size: 1, mtime: 1000, at: 'x' })}\n{"path":"/g/c","si`);
    await writeFile(join(dir, 'pending', `${sent.id}.json.123-abcd.tmp`), '{"half');
    const { spool: s2, notes } = await Spool.open(dir);
    expect(notes.join('\n')).toMatch(/already sent/);
    expect(s2.pending().map((r) => r.id)).toEqual([waiting.id]);
    expect(readdirSync(join(dir, 'pending'))).toEqual([`${waiting.id}.json`]);
    expect(s2.has('/g/c', 1, 1000)).toBeUndefined();
    await s2.markSent(s2.pending());
    expect(readFileSync(join(dir, 'sent.jsonl'), 'utf8').split('\n').filter((l) => l.includes('/g/b'))).toHaveLength(1);
    await s2.close();
    expect((await Spool.open(dir)).spool.has('/g/b', 1, 1000)).toBe('sent');
  });

  it('compaction drops ledger lines of files that are gone, keeps the rest, and loses no append made meanwhile', async () => {
    const dir = join(await tempDir(), 'spool');
    const { spool } = await Spool.open(dir);
    await spool.markBaseline(Array.from({ length: 1500 }, (_, i) => entry(`/g/f${i}`)));
    const present = new Map(Array.from({ length: 100 }, (_, i) => [`/g/f${i}`, '1:1000']));
    const batch = await spool.add('new_file_832', false, [entry('/g/new')]);
    present.set('/g/new', '1:1000');
    const [dropped] = await Promise.all([spool.compact(present), spool.markSent([batch])]);
    expect(dropped).toBe(1400);
    expect(await spool.compact(present)).toBe(0); // small now: nothing to do
    await spool.close();
    const again = await Spool.open(dir);
    expect(again.spool.sentCount).toBe(101);
    expect(again.spool.has('/g/new', 1, 1000)).toBe('sent');
    expect(again.spool.has('/g/f99', 1, 1000)).toBe('sent');
    expect(again.spool.has('/g/f100', 1, 1000)).toBeUndefined();
    await again.spool.close();
  });

  it('one watcher per spool; a lock left by a dead process is taken over', async () => {
    const dir = join(await tempDir(), 'spool');
    const { spool } = await Spool.open(dir);
    const second = await Spool.open(dir).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(SplashError);
    expect((second as Error).message).toMatch(/in use by another watcher \(pid \d+/);
    await spool.close();
    writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), started: 'earlier' }));
    const status = await readSpoolStatus(dir);
    expect(status.watcher).toMatchObject({ running: false });
    expect(formatStatus(status)).toMatch(/stopped without cleaning up/);
    const taken = await Spool.open(dir);
    expect(JSON.parse(readFileSync(join(dir, 'lock'), 'utf8'))).toMatchObject({ pid: process.pid });
    await taken.spool.close();
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  });
});

// ----- the watcher in-process -----

const sims: GitHubSim[] = [];
const running: Watcher[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((w) => w.stop()));
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

interface Harness {
  sim: GitHubSim;
  dir: string;
  spoolDir: string;
  logs: string[];
  start(extra?: Partial<WatcherOptions> & { token?: string }): Promise<{ watcher: Watcher; done: Promise<number>; spool: Spool }>;
}

async function harness(watch?: string[]): Promise<Harness> {
  const sim = await startGitHubSim();
  sims.push(sim);
  const f = await makeGitHubFacility({ apiUrl: sim.url, watch: watch ?? ['stable_seconds: 0.5', 'batch_seconds: 0.2', 'rescan_seconds: 0.5'] });
  const config = await loadConfig(f.config);
  const beamline = openBeamline(config, '8.3.2').config;
  const logs: string[] = [];
  const log = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(`warning: ${m}`), error: (m: string) => logs.push(`error: ${m}`), debug: () => undefined };
  const spoolDir = join(f.root, 'spool');
  return {
    sim,
    dir: f.beamline,
    spoolDir,
    logs,
    async start(extra = {}) {
      const { spool } = await Spool.open(spoolDir);
      const client = new GitHubClient({ apiUrl: sim.url, owner: 'als-computing', repo: 'splash-flows-ts', credentials: { kind: 'token', token: extra.token ?? 'sim-token' }, timeoutMs: 5000 });
      const settings = beamline.settings.watch ?? completeWatchSettings('8.3.2');
      const watcher = new Watcher({ dir: f.beamline, sendAs: '/global', beamline, settings, exportControl: false, spool, client, backoff: { firstMs: 50, maxMs: 300 }, log, ...extra });
      running.push(watcher);
      const done = watcher.run().finally(() => spool.close());
      return { watcher, done, spool };
    },
  };
}

describe('the watcher (in-process, simulator over HTTP)', () => {
  it('dispatches complete files once, in one batch; ignores hidden and temporary files; waits for growing files', async () => {
    const h = await harness();
    await h.start();
    await mkdir(join(h.dir, 'raw/p1'), { recursive: true });
    for (let i = 0; i < 5; i++) await writeFile(join(h.dir, `raw/p1/s${i}.h5`), `scan ${i}`);
    await writeFile(join(h.dir, 'raw/p1/.hidden.h5'), 'x');
    await writeFile(join(h.dir, 'raw/p1/s9.h5.part'), 'x');
    await writeFile(join(h.dir, 'raw/p1/notes.tmp'), 'x');
    await until(() => h.sim.dispatchedPaths().length >= 5, 10_000, () => JSON.stringify(h.sim.dispatchedPaths()));
    expect(h.sim.dispatches).toHaveLength(1);
    expect(h.sim.dispatchedPaths().sort()).toEqual([0, 1, 2, 3, 4].map((i) => `/global/raw/p1/s${i}.h5`));

    // A file that keeps growing (every 100 ms, for 1.5 s: three stability windows) goes out once, after its last write.
    const grow = join(h.dir, 'raw/p1/growing.h5');
    let lastWrite = 0;
    for (let i = 0; i < 15; i++) {
      await appendFile(grow, 'chunk ');
      lastWrite = Date.now();
      await new Promise((r) => setTimeout(r, 100));
    }
    await until(() => h.sim.dispatchedPaths().includes('/global/raw/p1/growing.h5'), 10_000, () => 'growing.h5 not dispatched');
    const when = h.sim.dispatches.find((d) => (d.client_payload.file_paths as string[]).includes('/global/raw/p1/growing.h5'))?.time ?? 0;
    expect(when).toBeGreaterThanOrEqual(lastWrite);
    await new Promise((r) => setTimeout(r, 800));
    expect([...counts(h.sim.dispatchedPaths()).values()].every((n) => n === 1)).toBe(true);
    expect(h.sim.dispatchedPaths()).toHaveLength(6);
  });

  it('a batch never exceeds the payload limit: a burst is split into several dispatches', async () => {
    const h = await harness();
    const { watcher } = await h.start({ maxBodyBytes: 600 });
    await mkdir(join(h.dir, 'raw'), { recursive: true });
    for (let i = 0; i < 40; i++) await writeFile(join(h.dir, `raw/frame_${String(i).padStart(3, '0')}.tif`), 'f');
    await until(() => h.sim.dispatchedPaths().length >= 40, 10_000, () => `${h.sim.dispatchedPaths().length} of 40`);
    expect(h.sim.dispatches.length).toBeGreaterThan(2);
    for (const d of h.sim.dispatches) expect(d.bytes).toBeLessThanOrEqual(600);
    expect(new Set(h.sim.dispatchedPaths()).size).toBe(40);
    // The simulator records a dispatch before its 204 reaches the watcher.
    await until(() => watcher.stats.filesDispatched === 40, 5000, () => JSON.stringify(watcher.stats));
  });

  it('5xx, 429 and a 403 secondary rate limit: backs off, honours retry-after, then sends every file exactly once', async () => {
    const h = await harness();
    h.sim.inject({ kind: 'status', status: 502 });
    h.sim.inject({ kind: 'status', status: 503 });
    h.sim.inject({ kind: 'secondary-rate-limit', status: 429, retryAfterSeconds: 1 });
    h.sim.inject({ kind: 'secondary-rate-limit', status: 403, retryAfterSeconds: 1 });
    const { watcher } = await h.start();
    await mkdir(join(h.dir, 'raw'), { recursive: true });
    for (let i = 0; i < 10; i++) await writeFile(join(h.dir, `raw/a${i}.h5`), 'a');
    await until(() => h.sim.dispatchedPaths().length >= 10, 20_000, () => h.logs.join('\n'));
    expect(watcher.stats.failedRequests).toBe(4);
    expect([...counts(h.sim.dispatchedPaths()).values()]).toEqual(Array(10).fill(1));
    expect(h.logs.join('\n')).toMatch(/GitHub answered 429.*stay in the spool, next attempt in 1 s/);
    // The retry after the 403 came no sooner than GitHub asked (the simulator's own clock).
    const answers = h.sim.requests.filter((r) => r.path.endsWith('/dispatches'));
    const after403 = answers.findIndex((r) => r.status === 403);
    expect((answers[after403 + 1]?.time ?? 0) - (answers[after403]?.time ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('a refused token keeps the batch in the spool with its error; a fixed watcher sends it', async () => {
    const h = await harness();
    const first = await h.start({ token: 'revoked' });
    await mkdir(join(h.dir, 'raw'), { recursive: true });
    await writeFile(join(h.dir, 'raw/a.h5'), 'a');
    await until(async () => (await readSpoolStatus(h.spoolDir)).pending.some((r) => r.attempts > 0), 10_000, () => h.logs.join('\n'));
    const status = await readSpoolStatus(h.spoolDir);
    expect(status.pending).toHaveLength(1);
    expect(status.pending[0]?.last_error).toMatch(/401.*Bad credentials/);
    expect(formatStatus(status)).toMatch(/pending: 1 batch\(es\), 1 file\(s\)/);
    await until(() => /error: .*Bad credentials[\s\S]*hint: the token is wrong/.test(h.logs.join('\n')), 5000, () => h.logs.join('\n'));
    await first.watcher.stop();
    expect(await first.done).toBe(0);
    expect(h.sim.dispatches).toHaveLength(0);

    await h.start();
    await until(() => h.sim.dispatchedPaths().length === 1, 10_000, () => h.logs.join('\n'));
    expect(h.sim.dispatchedPaths()).toEqual(['/global/raw/a.h5']);
  });

  it('after a restart nothing is sent again; a rewritten file is a new file', async () => {
    const h = await harness();
    const first = await h.start();
    await mkdir(join(h.dir, 'raw'), { recursive: true });
    await writeFile(join(h.dir, 'raw/a.h5'), 'a');
    await writeFile(join(h.dir, 'raw/b.h5'), 'b');
    await until(() => h.sim.dispatchedPaths().length === 2, 10_000, () => h.logs.join('\n'));
    await first.watcher.stop();
    await first.done;
    await h.start();
    await writeFile(join(h.dir, 'raw/b.h5'), 'b, rewritten');
    await writeFile(join(h.dir, 'raw/c.h5'), 'c');
    await until(() => h.sim.dispatchedPaths().length >= 4, 10_000, () => JSON.stringify(h.sim.dispatchedPaths()));
    await new Promise((r) => setTimeout(r, 1000));
    expect(h.sim.dispatchedPaths().sort()).toEqual(['/global/raw/a.h5', '/global/raw/b.h5', '/global/raw/b.h5', '/global/raw/c.h5']);
  });

  it('a file that changes after it was dispatched (grows, or is rewritten with the same size) is dispatched again once stable', async () => {
    const h = await harness();
    await h.start();
    await mkdir(join(h.dir, 'raw'), { recursive: true });
    const file = join(h.dir, 'raw/paused.h5');
    await writeFile(file, 'first part');
    await until(() => h.sim.dispatchedPaths().length === 1, 10_000, () => h.logs.join('\n'));
    // The writer was only paused: it appends the rest.
    await appendFile(file, ', and the rest');
    await until(() => h.sim.dispatchedPaths().length === 2, 10_000, () => h.logs.join('\n'));
    // Rewritten in place with the same size: only its mtime tells.
    await new Promise((r) => setTimeout(r, 50));
    await writeFile(file, 'FIRST PART, AND THE REST');
    await until(() => h.sim.dispatchedPaths().length === 3, 10_000, () => h.logs.join('\n'));
    await new Promise((r) => setTimeout(r, 1200)); // two rescans: nothing more
    expect(h.sim.dispatchedPaths()).toEqual(Array(3).fill('/global/raw/paused.h5'));
  });

  it('--ignore-existing adopts a folder without dispatching what is already there', async () => {
    const h = await harness();
    await mkdir(join(h.dir, 'old'), { recursive: true });
    for (let i = 0; i < 3; i++) await writeFile(join(h.dir, `old/o${i}.h5`), 'o');
    await h.start({ ignoreExisting: true });
    await writeFile(join(h.dir, 'old/new.h5'), 'n');
    await until(() => h.sim.dispatchedPaths().length >= 1, 10_000, () => h.logs.join('\n'));
    await new Promise((r) => setTimeout(r, 800));
    expect(h.sim.dispatchedPaths()).toEqual(['/global/old/new.h5']);
  });

  it('--once: waits for the files found, sends, and finishes; with GitHub down it gives up and keeps the spool', async () => {
    const h = await harness();
    await mkdir(join(h.dir, 'raw'), { recursive: true });
    await writeFile(join(h.dir, 'raw/a.h5'), 'a');
    await h.sim.stop();
    const down = await h.start({ once: true, retryForMs: 500 });
    expect(await down.done).toBe(1);
    expect(h.logs.join('\n')).toMatch(/giving up for now: 1 file\(s\) stay spooled/);
    expect((await readSpoolStatus(h.spoolDir)).pendingFiles).toBe(1);

    await h.sim.start();
    await writeFile(join(h.dir, 'raw/b.h5'), 'b');
    const up = await h.start({ once: true });
    expect(await up.done).toBe(0);
    expect(h.sim.dispatchedPaths().sort()).toEqual(['/global/raw/a.h5', '/global/raw/b.h5']);
    expect((await readSpoolStatus(h.spoolDir)).pendingFiles).toBe(0);
  });

  it('a name the path gate refuses is reported once and never sent', async () => {
    const h = await harness();
    await h.start();
    await mkdir(join(h.dir, 'raw'), { recursive: true });
    await writeFile(join(h.dir, 'raw/back\\slash.h5'), 'x');
    await writeFile(join(h.dir, 'raw/-rf.h5'), 'x');
    await writeFile(join(h.dir, 'raw/ok.h5'), 'x');
    await until(() => h.sim.dispatchedPaths().length >= 1, 10_000, () => h.logs.join('\n'));
    await new Promise((r) => setTimeout(r, 1200)); // two rescans
    expect(h.sim.dispatchedPaths()).toEqual(['/global/raw/ok.h5']);
    const refused = h.logs.filter((l) => l.includes('not dispatched'));
    expect(refused).toHaveLength(2);
    expect(refused.join('\n')).toMatch(/backslashes are not allowed/);
  });

  it('a spool record written by one watcher is the one the next watcher sends (format check)', async () => {
    const h = await harness();
    await h.sim.stop();
    const w = await h.start();
    await mkdir(join(h.dir, 'raw'), { recursive: true });
    await writeFile(join(h.dir, 'raw/a.h5'), 'abc');
    await until(async () => (await readSpoolStatus(h.spoolDir)).pendingFiles === 1, 10_000, () => h.logs.join('\n'));
    const [name] = readdirSync(join(h.spoolDir, 'pending')).filter((n) => n.endsWith('.json'));
    const record = JSON.parse(await readFile(join(h.spoolDir, 'pending', name ?? ''), 'utf8')) as Record<string, unknown>;
    expect(record).toMatchObject({ version: 1, event_type: 'new_file_832', is_export_control: false, files: [{ path: '/global/raw/a.h5', size: 3 }] });
    await w.watcher.stop();
  });
});
