// The tape location in SciCat: after the archives verify, each ingested file's dataset gets a datablock whose
// archiveId names the archive and the member. Against the strict SciCat simulator (DTO rules and the official
// generated client's models), replayed through that client; idempotent across re-runs and lost answers.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dist, runNode } from './helpers.js';
import { fillProposal, HPSS_ROOT, LONG, makeSite, type Site } from './hpss-site.js';
import { type ScicatSim, startScicatSim } from './sim/scicat/index.js';
import { checkContract } from './sim/scicat/replay.js';

let sim: ScicatSim;
beforeAll(async () => {
  sim = await startScicatSim({ users: { ingestor: 'pw-secret' } });
});
afterAll(async () => {
  await (sim as ScicatSim | undefined)?.close();
});

const P = 'raw/BLS-00564';
const ENV = { SCICAT_USER: 'ingestor', SCICAT_PASSWORD: 'pw-secret' };

async function scicatSite(): Promise<Site> {
  const site = await makeSite(undefined);
  site.writeConfig({
    ssh: false,
    extra: `scicat:\n  url: ${sim.url}\n  username: \${SCICAT_USER}\n  password: \${SCICAT_PASSWORD}\n  max_retries: 1\n`,
    beamline: '    ingest: { format: generic, read_from: cfs832 }\n',
  });
  await fillProposal(site);
  return site;
}

async function run(site: Site, cmd: string, ...args: string[]) {
  const now = cmd === 'hpss' ? ['--now', '2027-01-05'] : [];
  const r = await runNode(dist('cli'), [cmd, '--config', site.config, ...now, ...args], { env: ENV });
  return { ...r, out: r.stdout + r.stderr };
}

const archiveIdsOf = (pid: string): string[] => sim.datablocks(pid).map((d) => d.archiveId as string).sort();

describe('tape locations in SciCat', () => {
  it('each ingested file’s dataset records its archive and member; a re-run adds nothing; every request keeps the contract', async () => {
    const site = await scicatSite();
    const names = ['scan_001.h5', 'evening.h5', 'sub/with space.h5', LONG];
    const ingest = await run(site, 'ingest', '-b', '8.3.2', ...names.map((n) => `${P}/${n}`));
    expect(ingest.code, ingest.out).toBe(0);
    const r = await run(site, 'hpss', '-b', '8.3.2', P);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('SciCat: the tape location of 4 file(s) recorded, 0 recorded before, 2 without a dataset (not ingested)');

    const byName = new Map(sim.datasets().map((d) => [d.datasetName as string, d]));
    const scan = byName.get('scan_001.h5');
    expect(scan).toBeDefined();
    const dest = `${HPSS_ROOT}/8.3.2/${P}`;
    expect(archiveIdsOf(scan?.pid as string)).toEqual([`HPSS:${dest}/BLS-00564_2026-1.tar#scan_001.h5`]);
    const block = sim.datablocks(scan?.pid as string)[0];
    const b2 = execFileSync('b2sum', [join(site.root, 'cfs', P, 'scan_001.h5')], { encoding: 'utf8' }).slice(0, 128);
    expect(block).toMatchObject({ version: 'htar', size: 600, packedSize: 600, ownerGroup: scan?.ownerGroup, chkAlg: 'blake2b', dataFileList: [{ path: 'scan_001.h5', size: 600, time: '2026-03-02T17:00:00.000Z', chk: b2 }] });
    expect(sim.datablocks(byName.get(LONG)?.pid as string)[0]?.chkAlg).toBeUndefined(); // stored alone: no manifest
    expect(archiveIdsOf(byName.get('with space.h5')?.pid as string)).toEqual([`HPSS:${dest}/BLS-00564_2026-1_part1.tar#sub/with space.h5`]);
    expect(archiveIdsOf(byName.get(LONG)?.pid as string)).toEqual([`HPSS:${dest}/${LONG}`]);
    expect(sim.datablocks(byName.get(LONG)?.pid as string)[0]?.version).toBe('hsi');
    // The archive counters, not the dataset's size (the orig-datablock counted that already).
    const after = sim.datasets().find((d) => d.pid === scan?.pid);
    expect(after).toMatchObject({ size: 600, numberOfFiles: 1, packedSize: 600, numberOfFilesArchived: 1 });

    const again = await run(site, 'hpss', '-b', '8.3.2', P);
    expect(again.code, again.out).toBe(0);
    expect(again.out).toContain('SciCat: the tape location of 0 file(s) recorded, 4 recorded before');
    expect(sim.datablocks()).toHaveLength(4);

    const report = await checkContract(sim.requests);
    expect(report.violations).toEqual([]);
    expect(report.kinds['create datablock']).toBe(4);
    expect(report.kinds['find datablocks']).toBeGreaterThanOrEqual(2);
  });

  it('a lost answer to the create is found by its archiveId, not sent twice; SciCat down fails the step and the re-run records', async () => {
    const site = await scicatSite();
    expect((await run(site, 'ingest', '-b', '8.3.2', `${P}/scan_002.h5`, `${P}/autumn/scan_900.h5`)).code).toBe(0);
    sim.inject('POST', /\/api\/v3\/datablocks$/, { kind: 'drop-after' });
    const r = await run(site, 'hpss', '-b', '8.3.2', P);
    expect(r.code, r.out).toBe(0);
    const pids = sim.datasets().filter((d) => ['scan_002.h5', 'scan_900.h5'].includes(d.datasetName as string)).map((d) => d.pid as string);
    for (const pid of pids) expect(sim.datablocks(pid)).toHaveLength(1);

    // Another proposal, SciCat failing every create: the archive is done, the record is not — the step says so.
    await fillProposal(site, 'BLS-00600');
    expect((await run(site, 'ingest', '-b', '8.3.2', 'raw/BLS-00600/scan_001.h5')).code).toBe(0);
    sim.inject('POST', /\/api\/v3\/datablocks$/, { kind: 'status', status: 500, times: 2 });
    const down = await run(site, 'hpss', '-b', '8.3.2', 'raw/BLS-00600');
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/the tape location of 1 file\(s\) could not be recorded in SciCat/);
    expect(down.out).toMatch(/archived and verified: .*BLS-00600_2026-1\.tar/);
    const fixed = await run(site, 'hpss', '-b', '8.3.2', 'raw/BLS-00600');
    expect(fixed.code, fixed.out).toBe(0);
    expect(fixed.out).toContain('SciCat: the tape location of 1 file(s) recorded');
    expect((await checkContract(sim.requests)).violations).toEqual([]);
  });

  it('SciCat configured without its credentials: refused before anything goes to tape', async () => {
    const site = await scicatSite();
    const r = await runNode(dist('cli'), ['hpss', '--config', site.config, '--now', '2027-01-05', '-b', '8.3.2', P], { env: {} });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SCICAT_USER/);
    expect(site.calls().filter((c) => c[0] === 'htar')).toEqual([]);
  });

  it('the simulator refuses a datablock the backend would refuse', async () => {
    const login = await fetch(`${sim.url}/api/v3/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ingestor', password: 'pw-secret' }) });
    const { access_token: token } = (await login.json()) as { access_token: string };
    const post = (body: unknown) => fetch(`${sim.url}/api/v3/datablocks`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    const ok = { datasetId: 'x/1', ownerGroup: 'g', archiveId: `HPSS:/t/a.tar#${String(Date.now())}`, size: 1, packedSize: 1, version: 'htar', dataFileList: [{ path: 'a', size: 1, time: '2026-01-01T00:00:00Z' }] };
    expect((await post(ok)).status).toBe(201);
    expect((await post(ok)).status).toBe(409);
    expect((await post({ ...ok, archiveId: 'other', location: 'tape' })).status).toBe(400);
    expect((await post({ ...ok, archiveId: 'other2', size: 1.5 })).status).toBe(400);
    const noTime = { ...ok, archiveId: 'other3', dataFileList: [{ path: 'a', size: 1 }] };
    expect((await post(noTime)).status).toBe(400);
    expect((await post(Object.fromEntries(Object.entries({ ...ok, archiveId: 'other4' }).filter(([k]) => k !== 'ownerGroup')))).status).toBe(400);
  });
});
