// `splash reconcile` where the first hop's ends are Globus collections (either or both), over real HTTP
// against the Globus simulator; the CLI runs bundled and dispatches to the GitHub simulator.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openBeamline } from '../beamlines/index.js';
import { loadConfig } from '../src/config/index.js';
import { SplashError } from '../src/errors.js';
import { createTerminalContext } from '../src/run/terminal.js';
import { createServices } from '../src/services.js';
import { planReconcile } from '../src/watch/reconcile.js';
import { DAY, dist, runNode, tempDir, writeFileAt } from './helpers.js';
import { FAST_RETRY } from './sim/github/facility.js';
import { startGitHubSim, type GitHubSim } from './sim/github/index.js';
import { type GlobusSim, startGlobusSim } from './sim/globus/index.js';

const SPOT = '44ae904c-ab64-4145-a8f0-7287de38324d';
const DATA = '75b478b2-37af-46df-bfbd-71ed692c6506';
const UNKNOWN = '0b7e0a4e-5c1d-4b1e-9f0e-000000000000';
const HOUR = 3_600_000;
const LS = (uuid: string) => `/v0.10/operation/endpoint/${uuid}/ls`;
const STAT = (uuid: string) => `/v0.10/operation/endpoint/${uuid}/stat`;

const closers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((s) => s.close()));
});

const ENV = { GITHUB_TOKEN: 'sim-token', GLOBUS_CLIENT_ID: 'sim-client', GLOBUS_CLIENT_SECRET: 'sim-secret' };
const splash = (args: string[]) => runNode(dist('cli'), args, { env: ENV });
const old = new Date(Date.now() - DAY);

interface Facility {
  root: string;
  /** spot832 is the whole collection folder (root_path /); data832's root_path is /data inside its folder. */
  dirs: { spot: string; data: string; dataRoot: string; local: string };
  globus: GlobusSim;
  github: GitHubSim;
  config: string;
}

/** spot832 → data832 (both Globus) unless `move` says otherwise; `local` is a file-system endpoint for mixed hops. */
async function facility(o: { move?: string; dataUuid?: string } = {}): Promise<Facility> {
  const root = await tempDir('splash-reconcile-globus-');
  const dirs = { spot: join(root, 'spot'), data: join(root, 'data'), dataRoot: join(root, 'data/data'), local: join(root, 'local') };
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });
  const globus = await startGlobusSim({ collections: { [SPOT]: dirs.spot, [DATA]: dirs.data }, minTaskMs: 20 });
  const github = await startGitHubSim();
  closers.push(globus, github);
  const config = join(root, 'config.yml');
  await writeFile(config, `endpoints:
  local: { type: filesystem, root_path: ${dirs.local} }
globus:
  auth_url: ${globus.url}
  transfer_url: ${globus.url}
  poll_first_seconds: 0.02
  poll_max_seconds: 0.1
  wait_timeout_minutes: 1
  globus_apps:
    als_transfer: { client_id: "\${GLOBUS_CLIENT_ID}", client_secret: "\${GLOBUS_CLIENT_SECRET}" }
  globus_endpoints:
    spot832: { root_path: /, uuid: ${SPOT} }
    data832: { root_path: /data, uuid: ${o.dataUuid ?? DATA} }
beamlines:
  "8.3.2":
    path_prefix: /
    watch:
      patterns: ["*.h5"]
    move:
${o.move ?? '      - { from: spot832, to: data832 }'}
github:
  repository: als-computing/splash-flows-ts
  api_url: ${github.url}
${FAST_RETRY.map((l) => `  ${l}`).join('\n')}
`);
  Object.assign(process.env, { GLOBUS_CLIENT_ID: ENV.GLOBUS_CLIENT_ID, GLOBUS_CLIENT_SECRET: ENV.GLOBUS_CLIENT_SECRET });
  return { root, dirs, globus, github, config };
}

/** One of each case on spot832, and what data832 holds (under its root_path /data). */
async function seed(f: Facility): Promise<void> {
  const src = (rel: string, content: string, young = false) => writeFileAt(join(f.dirs.spot, rel), content, young ? undefined : old);
  const dst = (rel: string, content: string) => writeFileAt(join(f.dirs.dataRoot, rel), content, old);
  await src('raw/p1/arrived.h5', 'AAAA');
  await dst('raw/p1/arrived.h5', 'AAAA');
  await src('raw/p1/never_dispatched.h5', 'BBBB');
  // At the collection's /raw, outside data832's root_path /data: not a copy on that endpoint.
  await writeFileAt(join(f.dirs.data, 'raw/p1/never_dispatched.h5'), 'BBBB', old);
  await src('raw/p2/cut_short.h5', 'CCCCCCCC');
  await dst('raw/p2/cut_short.h5', 'CCC');
  await src('raw/p2/just_written.h5', 'DDDD', true); // young: may still be on its way
  await src('raw/p2/.partial_copy.h5', 'E'); // hidden
  await src('raw/.spool/batch.h5', 'E'); // in a hidden folder: not even listed
  await src('raw/p2/notes.tmp', 'F'); // temporary name
  await src('raw/p2/readme.txt', 'F'); // not a data pattern
  await src('raw/p3/dir_there.h5', 'GGGG');
  await mkdir(join(f.dirs.dataRoot, 'raw/p3/dir_there.h5'), { recursive: true });
  await symlink('../p1/arrived.h5', join(f.dirs.spot, 'raw/p3/link.h5'));
  await src('raw/p4/new_folder.h5', 'HHHH'); // its folder does not exist at data832
}

async function plan(f: Facility, olderThanMs = HOUR) {
  const config = await loadConfig(f.config);
  const beamline = openBeamline(config, '8.3.2').config;
  const services = createServices(config, createTerminalContext({ stream: { write: () => true } as unknown as NodeJS.WritableStream, isTTY: false }));
  return planReconcile(beamline, { olderThanMs, now: new Date(), globus: () => services.globus() });
}

describe('reconcile over Globus: the plan', () => {
  it('finds missing files, different sizes and non-files at the destination; skips young, hidden, temporary and symlinked entries', async () => {
    const f = await facility();
    await seed(f);
    const p = await plan(f);
    expect(p.from.name).toBe('spot832');
    expect(p.to.name).toBe('data832');
    expect(p.scanned).toBe(6);
    expect(p.young).toBe(1);
    expect(p.present).toBe(1);
    expect(p.missing).toEqual([
      { rel: 'raw/p1/never_dispatched.h5', why: 'missing' },
      { rel: 'raw/p2/cut_short.h5', why: 'size differs' },
      { rel: 'raw/p3/dir_there.h5', why: 'not a regular file' },
      { rel: 'raw/p4/new_folder.h5', why: 'missing' },
    ]);
    expect(p.skipped).toEqual([{ rel: 'raw/p3/link.h5', why: 'symlink (not followed)' }]);
    // One listing per source folder (/, raw, p1–p4; not the hidden one), one per destination folder with
    // old files (p1–p4, the missing p4 a 404), and a stat of each root. Nothing is written.
    expect(f.globus.count('GET', LS(SPOT))).toBe(6);
    expect(f.globus.count('GET', LS(DATA))).toBe(4);
    expect(f.globus.count('GET', STAT(SPOT)) + f.globus.count('GET', STAT(DATA))).toBe(2);
    expect(f.globus.count('POST', '/v0.10/')).toBe(0);
  });

  it('1,000 files in 10 folders: 22 listings and 2 stats, not a request per file', async () => {
    const f = await facility();
    await Promise.all(
      Array.from({ length: 1000 }, async (_, i) => {
        const rel = `raw/p${String(i % 10).padStart(2, '0')}/scan_${String(i).padStart(4, '0')}.h5`;
        await writeFileAt(join(f.dirs.spot, rel), 'x', old);
        if (i % 2 === 0) await writeFileAt(join(f.dirs.dataRoot, rel), 'x', old);
      }),
    );
    const p = await plan(f);
    expect([p.scanned, p.present, p.missing.length]).toEqual([1000, 500, 500]);
    expect(f.globus.count('GET', LS(SPOT))).toBe(12); // /, raw, p00–p09
    expect(f.globus.count('GET', LS(DATA))).toBe(10); // p00–p09
    expect(f.globus.count('*', '/v0.10/')).toBe(24);
    expect(f.globus.count('POST', '/v2/oauth2/token')).toBe(1);
  });

  it('mixed hop: a mounted folder checked against a Globus collection', async () => {
    const f = await facility({ move: '      - { from: local, to: data832 }' });
    await writeFileAt(join(f.dirs.local, 'raw/p1/a.h5'), 'AAAA', old);
    await writeFileAt(join(f.dirs.dataRoot, 'raw/p1/a.h5'), 'AAAA', old);
    await writeFileAt(join(f.dirs.local, 'raw/p1/b.h5'), 'BBBB', old);
    await writeFileAt(join(f.dirs.local, 'raw/p1/c.h5'), 'CCCC', old);
    await writeFileAt(join(f.dirs.dataRoot, 'raw/p1/c.h5'), 'C', old);
    const p = await plan(f);
    expect([p.scanned, p.present]).toEqual([3, 1]);
    expect(p.missing).toEqual([{ rel: 'raw/p1/b.h5', why: 'missing' }, { rel: 'raw/p1/c.h5', why: 'size differs' }]);
    expect(f.globus.count('GET', LS(DATA))).toBe(1);
    expect(f.globus.count('GET', LS(SPOT)) + f.globus.count('GET', STAT(SPOT))).toBe(0);
  });

  it('mixed hop: a Globus collection checked against a mounted folder, where a symlink is not a copy', async () => {
    const f = await facility({ move: '      - { from: spot832, to: local }' });
    await writeFileAt(join(f.dirs.spot, 'raw/a.h5'), 'AAAA', old);
    await writeFileAt(join(f.dirs.local, 'raw/a.h5'), 'AAAA', old);
    await writeFileAt(join(f.dirs.spot, 'raw/b.h5'), 'BBBB', old);
    await writeFileAt(join(f.dirs.spot, 'raw/c.h5'), 'CCCC', old);
    await writeFileAt(join(f.root, 'elsewhere/c.h5'), 'CCCC', old);
    await symlink(join(f.root, 'elsewhere/c.h5'), join(f.dirs.local, 'raw/c.h5'));
    const p = await plan(f);
    expect(p.missing).toEqual([{ rel: 'raw/b.h5', why: 'missing' }, { rel: 'raw/c.h5', why: 'not a regular file' }]);
    expect(p.present).toBe(1);
    expect(f.globus.count('GET', LS(DATA)) + f.globus.count('GET', STAT(DATA))).toBe(0);
  });

  it('a collection Globus does not know is a config error naming the endpoint and its uuid', async () => {
    const f = await facility({ dataUuid: UNKNOWN });
    const err = await plan(f).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SplashError);
    expect((err as SplashError).kind).toBe('config');
    expect((err as SplashError).message).toBe(`endpoint data832: Globus knows no collection ${UNKNOWN} (EndpointNotFound)`);
    expect((err as SplashError).hint).toMatch(/check the uuid of data832 in config\.yml/);
  });
});

describe('splash reconcile over Globus (bundled CLI)', () => {
  it('dispatches what never reached data832, under the beamline prefix, and reports it', async () => {
    const f = await facility();
    await seed(f);
    const r = await splash(['reconcile', '-b', '8.3.2', '-c', f.config, '--older-than', '1h']);
    expect(r.stderr).toMatch(/spot832 → data832: 6 data file\(s\) on spot832; 1 younger than 1 h \(not judged\); 1 at data832; 4 not there; 1 skipped/);
    expect(r.stderr).toMatch(/size differs: raw\/p2\/cut_short\.h5/);
    expect(r.code).toBe(0);
    expect(f.github.dispatches).toEqual([
      expect.objectContaining({
        event_type: 'new_file_832',
        client_payload: { file_paths: ['/raw/p1/never_dispatched.h5', '/raw/p2/cut_short.h5', '/raw/p3/dir_there.h5', '/raw/p4/new_folder.h5'], is_export_control: false },
      }),
    ]);
    // Secrets stay out of the log.
    expect(r.stderr).not.toContain('sim-secret');
  });

  it('closes the loop: the Globus move of what reconcile dispatched lands where reconcile looks, and the next run finds nothing', async () => {
    const f = await facility();
    await writeFileAt(join(f.dirs.spot, 'raw/p1/a.h5'), 'AAAA', old);
    await writeFileAt(join(f.dirs.dataRoot, 'raw/p1/a.h5'), 'AAAA', old);
    await writeFileAt(join(f.dirs.spot, 'raw/p1/b.h5'), 'BBBB', old);
    await writeFileAt(join(f.dirs.spot, 'raw/p4/c.h5'), 'CCCC', old);
    const r = await splash(['reconcile', '-b', '8.3.2', '-c', f.config]);
    expect(r.code).toBe(0);
    const paths = f.github.dispatchedPaths();
    expect(paths).toEqual(['/raw/p1/b.h5', '/raw/p4/c.h5']);
    // What the dispatch workflow then runs on the facility runner.
    const move = await splash(['move', '-b', '8.3.2', '-c', f.config, '--file-paths', JSON.stringify(paths)]);
    expect(move.stderr).toMatch(/SUCCEEDED/);
    expect(move.code).toBe(0);
    expect(readFileSync(join(f.dirs.dataRoot, 'raw/p4/c.h5'), 'utf8')).toBe('CCCC');
    const again = await splash(['reconcile', '-b', '8.3.2', '-c', f.config]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/3 at data832; 0 not there/);
    expect(f.github.dispatches).toHaveLength(1);
  });

  it('--dry-run lists over Globus and sends nothing to GitHub', async () => {
    const f = await facility();
    await seed(f);
    const r = await runNode(dist('cli'), ['reconcile', '-b', '8.3.2', '-c', f.config, '--older-than', '1h', '--dry-run'], {
      env: { GLOBUS_CLIENT_ID: ENV.GLOBUS_CLIENT_ID, GLOBUS_CLIENT_SECRET: ENV.GLOBUS_CLIENT_SECRET },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/dry run: would dispatch 4 file\(s\); nothing sent/);
    expect(f.github.requests).toHaveLength(0);
  });

  it('an unknown collection: exit 2 naming the endpoint and the fix; nothing listed, nothing dispatched', async () => {
    const f = await facility({ dataUuid: UNKNOWN });
    await seed(f);
    const r = await splash(['reconcile', '-b', '8.3.2', '-c', f.config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`endpoint data832: Globus knows no collection ${UNKNOWN} \\(EndpointNotFound\\)\\n {2}hint: check the uuid of data832`));
    expect(f.globus.count('GET', LS(SPOT))).toBe(0);
    expect(f.github.requests).toHaveLength(0);
  });

  it('access denied to a collection: exit 2 saying which endpoint and what to grant', async () => {
    const f = await facility();
    await seed(f);
    f.globus.inject('GET', new RegExp(`${STAT(SPOT)}$`), { kind: 'status', status: 403, code: 'EndpointPermissionDenied', message: 'Denied by endpoint' });
    const r = await splash(['reconcile', '-b', '8.3.2', '-c', f.config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/endpoint spot832: Globus refused access to \/ on collection 44ae904c-[0-9a-f-]+ \(EndpointPermissionDenied: Denied by endpoint\)\n {2}hint: give the Globus app/);
    expect(f.github.requests).toHaveLength(0);
  });

  it('a listing that fails on the endpoint (not retried) stops the run with the service\'s answer; nothing is dispatched', async () => {
    const f = await facility();
    await seed(f);
    f.globus.inject('GET', new RegExp(`${LS(SPOT)}$`), { kind: 'status', status: 502, code: 'ExternalError.DirListingFailed.LoginFailed', message: 'Login to the endpoint failed' });
    const r = await splash(['reconcile', '-b', '8.3.2', '-c', f.config]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Globus Transfer GET \/v0\.10\/operation\/endpoint\/44ae904c-[0-9a-f-]+\/ls → 502 ExternalError\.DirListingFailed\.LoginFailed: Login to the endpoint failed/);
    expect(f.globus.count('GET', LS(SPOT))).toBe(1);
    expect(f.github.requests).toHaveLength(0);
  });
});
