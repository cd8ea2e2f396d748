// The shipped config.yml, every beamline's whole chain (move → ingest → …) against the simulators: Globus
// collections are temp folders behind the Globus simulator, mounts are temp folders showing the same storage,
// SciCat is the SciCat simulator. And `splash config check` refuses every configuration whose chain cannot run.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { configuredBeamlines } from '../beamlines/index.js';
import { runDispatch, runIngest } from '../beamlines/commands.js';
import { loadConfig } from '../src/config/index.js';
import type { GlobusEndpoint } from '../src/endpoints.js';
import { SplashError } from '../src/errors.js';
import { createTerminalContext } from '../src/run/terminal.js';
import { dataExchangeIngestor } from '../src/scicat/ingestors.js';
import { writeDataExchange } from '../src/scicat/sample-scan.js';
import { type GlobusSim, startGlobusSim } from './sim/globus/index.js';
import { contractIssues } from './sim/scicat/contract.js';
import { checkContract } from './sim/scicat/replay.js';
import { type ScicatSim, startScicatSim } from './sim/scicat/index.js';
import { dist, makeFacility, repoRoot, runNode, tempDir, writeFileAt } from './helpers.js';

const sims: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

const quiet = () => createTerminalContext({ stream: { write: () => true } as unknown as NodeJS.WritableStream, isTTY: false });

/**
 * The folders the shipped config's filesystem endpoints are on the runners, as the Globus collection whose
 * storage they show. A mount added to config.yml must be added here (the test refuses an unknown one).
 */
const MOUNTS: Record<string, string> = { 'data832-mount': 'data832', 'data832-scratch-mount': 'data832_scratch' };

interface ShippedFacility {
  config: string;
  globus: GlobusSim;
  scicat: ScicatSim;
  /** Folder on disk of a Globus endpoint's root_path. */
  folderOf(endpoint: string): string;
}

/** config.yml as shipped, with every base URL pointed at a simulator and every mount at a temp folder. */
async function shippedFacility(): Promise<ShippedFacility> {
  const root = await tempDir('splash-shipped-');
  const doc = parseDocument(readFileSync(join(repoRoot, 'config.yml'), 'utf8'));
  const shipped = await loadConfig(join(repoRoot, 'config.yml'));
  const collections: Record<string, string> = {};
  const folders = new Map<string, string>();
  for (const e of shipped.endpoints.values()) {
    if (e.type !== 'globus') continue;
    const dir = (collections[e.uuid] ??= join(root, 'collections', e.uuid));
    const folder = join(dir, e.root_path);
    await mkdir(folder, { recursive: true });
    folders.set(e.name, folder);
  }
  const globus = await startGlobusSim({ collections, minTaskMs: 20 });
  const scicat = await startScicatSim({ users: { ingestor: 'shipped-pw' } });
  sims.push(globus, scicat);
  for (const e of shipped.endpoints.values()) {
    if (e.type !== 'filesystem') continue;
    const shows = MOUNTS[e.name];
    const folder = shows === undefined ? undefined : folders.get(shows);
    if (folder === undefined) throw new Error(`config.yml endpoint ${e.name} is a mount this test does not know: add it to MOUNTS`);
    doc.setIn(['endpoints', e.name, 'root_path'], folder);
  }
  for (const [k, v] of Object.entries({ auth_url: globus.url, transfer_url: globus.url, poll_first_seconds: 0.02, poll_max_seconds: 0.1, wait_timeout_minutes: 1 })) doc.setIn(['globus', k], v);
  doc.set('scicat', { url: scicat.url, username: '${SCICAT_USER}', password: '${SCICAT_PASSWORD}', max_retries: 1 });
  // Recon runs against the SFAPI simulator in test/recon*.test.ts: its NERSC folders here are real paths
  // (/pscratch, /global/cfs) that a test sandbox cannot hold, so the shipped chain stops short of it.
  for (const id of shipped.beamlines.keys()) doc.deleteIn(['beamlines', id, 'recon']);
  const config = join(root, 'config.yml');
  await writeFile(config, doc.toString());
  Object.assign(process.env, { GLOBUS_CLIENT_ID: 'sim-client', GLOBUS_CLIENT_SECRET: 'sim-secret', SCICAT_USER: 'ingestor', SCICAT_PASSWORD: 'shipped-pw' });
  return {
    config, globus, scicat,
    folderOf: (name) => {
      const f = folders.get(name);
      if (f === undefined) throw new Error(`no Globus endpoint ${name}`);
      return f;
    },
  };
}

describe('the shipped config.yml', () => {
  it('passes splash config check as shipped', async () => {
    const r = await runNode(dist('cli'), ['config', 'check', '--config', join(repoRoot, 'config.yml')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/7\.3\.3 SAXS\/WAXS[\s\S]*ingest: catalogues name, size and time from the Globus listing of bl733-als-data733/);
    expect(r.stdout).toMatch(/8\.3\.2 microCT[\s\S]*ingest: reads the files in data832-mount/);
    expect(r.stdout).not.toMatch(/not configured/);
  });

  it('every beamline runs its whole chain against the simulators: files arrive at every hop and are catalogued once, however often it runs', async () => {
    const f = await shippedFacility();
    const check = await runNode(dist('cli'), ['config', 'check', '--config', f.config]);
    expect([check.code, check.stderr]).toEqual([0, '']);
    const config = await loadConfig(f.config);
    const beamlines = configuredBeamlines(config);
    // Every beamline the file configures (today 7.0.1.2, 7.3.3 and 8.3.2), none left out.
    expect(beamlines.map((b) => b.config.id).sort()).toEqual([...config.beamlines.keys()].sort());
    expect(beamlines.length).toBeGreaterThanOrEqual(3);
    const mtime = new Date('2026-03-04T05:06:07Z');
    for (const beamline of beamlines) {
      const b = beamline.config;
      const s = b.settings;
      const first = s.move[0];
      if (!first) throw new Error(`beamline ${b.id} has no hops`);
      // One file per watched pattern (7.3.3: frame_001.edf, .tif and .h5 side by side), else one scan.
      const patterns = s.watch?.patterns ?? [];
      const extensions = (patterns.length > 0 ? patterns : ['*.h5']).map((p) => p.replace(/^\*/, ''));
      const rels = extensions.map((ext) => `raw/p-${b.id}/frame_001${ext}`);
      for (const rel of rels) {
        const abs = join(f.folderOf(first.from), rel);
        if (beamline.ingestor === dataExchangeIngestor) {
          await mkdir(join(abs, '..'), { recursive: true });
          await writeDataExchange(abs, { projections: [2, 20, 30] });
        } else await writeFileAt(abs, `frame of ${b.id} ${rel}`, mtime);
      }
      const paths = rels.map((rel) => `${s.path_prefix ?? ''}/${rel}`.replace(/^\/\//, '/'));
      for (const round of [1, 2]) {
        const outcomes = await runDispatch(quiet(), { config: f.config, beamline: b.id, filePaths: paths, exportControlled: false });
        for (const o of outcomes) expect([b.id, round, o.step, o.status]).toEqual([b.id, round, o.step, o.step === 'move' || o.step === 'ingest' ? 'ok' : 'not configured']);
        expect(outcomes.filter((o) => o.step === 'ingest')).not.toHaveLength(0);
      }
      for (const hop of s.move) {
        for (const rel of rels) expect(existsSync(join(f.folderOf(hop.to), rel)), `${b.id}: ${hop.to}:${rel}`).toBe(true);
      }
      for (const rel of rels) {
        const found = f.scicat.datasets().filter((d) => d.datasetName === basename(rel) && typeof d.sourceFolder === 'string' && d.sourceFolder.endsWith(`/raw/p-${b.id}`));
        expect(found, `${b.id}: ${rel} catalogued once`).toHaveLength(1);
        const size = statSync(join(f.folderOf(first.from), rel)).size;
        expect(found[0]).toMatchObject({ size, numberOfFiles: 1, ownerGroup: expect.any(String) as unknown });
      }
    }
    // Every request SciCat received keeps the backend's contract (replayed through the generated client).
    const report = await checkContract(f.scicat.requests);
    console.log(`SciCat contract, shipped chains: ${report.checked} requests of ${Object.keys(report.kinds).length} kinds checked (${JSON.stringify(report.kinds)}), ${report.violations.length} break the contract`);
    expect(report.violations).toEqual([]);
    expect(report.checked).toBe(f.scicat.requests.length);
    expect(f.scicat.requests.filter((r) => r.status >= 400)).toEqual([]);
    expect(f.scicat.attachments()).toHaveLength(1); // the 8.3.2 scan's first projection
  }, 120_000);

  it('a Globus-only beamline catalogues what the collection listing gives: name, size, time and host, also for export-controlled data that stays at the beamline', async () => {
    const f = await shippedFacility();
    const mtime = new Date('2026-01-02T03:04:05Z');
    await writeFileAt(join(f.folderOf('bl733-als-data733'), 'raw/p1/2024-01-01/frame_002.edf'), 'twelve bytes', mtime);
    const outcomes = await runDispatch(quiet(), { config: f.config, beamline: '7.3.3', filePaths: ['/raw/p1/2024-01-01/frame_002.edf'], exportControlled: true });
    expect(outcomes.map((o) => [o.step, o.status])).toEqual([['move', 'ok'], ['ingest', 'ok']]);
    expect(existsSync(join(f.folderOf('bl733-nersc-alsdev_raw'), 'raw/p1/2024-01-01/frame_002.edf'))).toBe(false);
    expect(f.scicat.datasets()).toEqual([
      expect.objectContaining({ datasetName: 'frame_002.edf', sourceFolder: '/raw/p1/2024-01-01', sourceFolderHost: 'data733.lbl.gov', creationTime: mtime.toISOString(), size: 12, numberOfFiles: 1 }),
    ]);
    expect(f.scicat.origDatablocks()[0]).toMatchObject({ dataFileList: [{ path: 'frame_002.edf', size: 12, time: mtime.toISOString() }] });
    expect(f.scicat.origDatablocks()[0]?.chkAlg).toBeUndefined();
    expect((await checkContract(f.scicat.requests)).violations).toEqual([]);
    // Nothing to read on the runner: a missing file or a folder is reported, nothing is sent.
    const before = f.scicat.requests.length;
    await writeFileAt(join(f.folderOf('bl733-als-data733'), 'raw/p1/series/f.edf'), 'x');
    for (const [path, message] of [['/raw/p1/none.edf', /bl733-als-data733:raw\/p1\/none\.edf is not on the collection/], ['/raw/p1/series', /raw\/p1\/series is a folder/]] as const) {
      const err = await runIngest(quiet(), { config: f.config, beamline: '7.3.3', filePaths: [path] }).catch((e: unknown) => e);
      expect((err as SplashError).message).toMatch(message);
    }
    expect(f.scicat.requests.slice(before).filter((r) => r.method === 'POST' && !r.path.endsWith('/login'))).toEqual([]);
  }, 60_000);

  it('the dry run writes every request body, each keeping the backend\'s contract', async () => {
    const f = await shippedFacility();
    const text = readFileSync(f.config, 'utf8');
    const doc = parseDocument(text);
    doc.delete('scicat');
    await writeFile(f.config, doc.toString());
    const spot = (await loadConfig(f.config)).endpoints.get('spot832') as GlobusEndpoint;
    expect(spot.type).toBe('globus');
    await mkdir(join(f.folderOf('spot832'), 'raw/p1'), { recursive: true });
    await writeDataExchange(join(f.folderOf('spot832'), 'raw/p1/scan.h5'), { projections: [2, 20, 30] });
    await runDispatch(quiet(), { config: f.config, beamline: '8.3.2', filePaths: ['/raw/p1/scan.h5'], exportControlled: false });
    const written = JSON.parse(readFileSync(join(f.config, '..', 'scicat-dry-run/raw/p1/scan.h5.json'), 'utf8')) as Record<string, unknown>;
    expect(contractIssues('rawDataset', written.dataset)).toEqual([]);
    expect(contractIssues('origDatablock', written.origDatablock)).toEqual([]);
    expect(contractIssues('attachment', written.attachment)).toEqual([]);
    expect(written.attachment).toMatchObject({ ownerGroup: 'ALS-12345', caption: 'first projection of scan.h5' });
  }, 60_000);
});

describe('splash config check refuses a chain that cannot run (exit 2, the field and the fix)', () => {
  const GLOBUS = '  nersc: { type: globus, root_path: /global/cfs/als, uuid: df82346e-9a15-11ea-b3c4-0ae144191ee3 }\n  tape: { type: hpss, root_path: /home/a/alsdev, ssh: { host: dtn01.nersc.gov, key_path: /k } }\n';
  const APPS = 'globus:\n  globus_apps:\n    a: { client_id: x, client_secret: y }\n';
  const cases: { name: string; edit: (t: string) => string; message: RegExp; hint: RegExp }[] = [
    {
      name: 'a hop between a folder and a Globus collection',
      edit: (t) => t.replace('      - { from: server, to: archive }\n', '      - { from: server, to: nersc }\n'),
      message: /config\.yml:\d+:\d+ beamlines\.8\.3\.2\.move\[1\] \(server → nersc\): no transfer controller for server/,
      hint: /folder shared as a collection/,
    },
    {
      name: 'ingest.read_from naming tape',
      edit: (t) => t.replace('    path_prefix: /global\n', '    path_prefix: /global\n    ingest: { read_from: tape }\n'),
      message: /beamlines\.8\.3\.2\.ingest\.read_from: tape is an hpss endpoint/,
      hint: /set beamlines\."8\.3\.2"\.ingest\.read_from to a filesystem endpoint/,
    },
    {
      name: 'no hops and no ingest.read_from',
      edit: (t) => t.replace('    move:\n      - { from: beamline, to: server }\n      - { from: server, to: archive }\n', ''),
      message: /beamlines\.8\.3\.2\.ingest: ingest finds the files where they first land, and beamline 8\.3\.2 has no move hops and no ingest\.read_from/,
      hint: /set beamlines\."8\.3\.2"\.ingest\.read_from/,
    },
    {
      name: 'scicat.url without a password',
      edit: (t) => `${t}scicat:\n  url: https://scicat.example.org\n  username: \${SCICAT_USER}\n`,
      message: /scicat\.password is required when scicat\.url is set/,
      hint: /\$\{ENV\}/,
    },
    {
      name: 'a fallback e-mail SciCat refuses',
      edit: (t) => `${t}scicat:\n  fallback_email: scicat@als\n`,
      message: /scicat\.fallback_email: "scicat@als" is not an e-mail address SciCat accepts/,
      hint: /set scicat\.fallback_email/,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const f = await makeFacility();
      await writeFile(f.config, `${APPS}${c.edit(readFileSync(f.config, 'utf8').replace('endpoints:\n', `endpoints:\n${GLOBUS}`))}`);
      const r = await runNode(dist('cli'), ['config', 'check', '--config', f.config]);
      expect(r.stderr).toMatch(c.message);
      expect(r.stderr).toMatch(c.hint);
      expect(r.code).toBe(2);
      // And the chain itself does not run: what config check refuses is what would fail.
      await writeFileAt(join(f.root, 'beamline/raw/a.h5'), 'A');
      const run = await runNode(dist('cli'), ['run', '8.3.2', '--config', f.config, 'raw/a.h5'], { env: { SCICAT_USER: 'u' } });
      expect(run.code).not.toBe(0);
    });
  }
});
