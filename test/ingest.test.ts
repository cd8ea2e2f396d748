// The ingest step against the SciCat simulator over real HTTP, on real Data Exchange files.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runDispatch, runIngest } from '../beamlines/commands.js';
import { SplashError } from '../src/errors.js';
import { createTerminalContext, type TerminalContext } from '../src/run/terminal.js';
import { writeDataExchange } from '../src/scicat/sample-scan.js';
import { type ScicatSim, startScicatSim } from './sim/scicat/index.js';
import { dist, makeFacility, runNode, snapshotTree, tempDir, writeFileAt } from './helpers.js';

const sims: ScicatSim[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

const capture = (): { ctx: TerminalContext; text: () => string } => {
  let out = '';
  const ctx = createTerminalContext({ stream: { write: (c: string) => { out += c; return true; } } as unknown as NodeJS.WritableStream, isTTY: false });
  return { ctx, text: () => out };
};

/** A file-system facility whose config names the SciCat simulator. */
async function withScicat() {
  const sim = await startScicatSim({ users: { ingestor: 'pw-secret' } });
  sims.push(sim);
  // One retry keeps the failure tests short; the default is five.
  const f = await makeFacility(`scicat:\n  url: ${sim.url}\n  username: \${SCICAT_USER}\n  password: \${SCICAT_PASSWORD}\n  max_retries: 1\n`);
  process.env.SCICAT_USER = 'ingestor';
  process.env.SCICAT_PASSWORD = 'pw-secret';
  return { ...f, sim };
}

describe('ingest with SciCat', () => {
  it('registers a Data Exchange scan with its metadata, datablock and thumbnail — once, however often it runs', async () => {
    const f = await withScicat();
    await mkdir(join(f.root, 'beamline/raw/p1'), { recursive: true });
    await writeDataExchange(join(f.root, 'beamline/raw/p1/scan_a.h5'), { projections: [3, 40, 60] });
    const { ctx, text } = capture();
    const first = await runIngest(ctx, { config: f.config, beamline: '8.3.2', filePaths: ['/global/raw/p1/scan_a.h5'] });
    await ctx.flushSummary();
    expect(first).toHaveLength(1);
    expect(first[0]?.outcome).toBe('created');
    const again = await runIngest(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['/global/raw/p1/scan_a.h5'] });
    expect(again[0]?.outcome).toBe('existing');
    expect(again[0]?.pid).toBe(first[0]?.pid);
    const datasets = f.sim.datasets();
    expect(datasets).toHaveLength(1);
    expect(datasets[0]).toMatchObject({
      datasetName: 'scan_a.h5', proposalId: 'ALS-12345', ownerGroup: 'ALS-12345', principalInvestigator: 'Ada Lovelace',
      contactEmail: 'ada@example.org', sourceFolder: `${f.root}/beamline/raw/p1`, accessGroups: ['bl832', '8.3.2'], creationLocation: '/ALS/8.3.2',
    });
    expect(f.sim.origDatablocks(first[0]?.pid)).toHaveLength(1);
    expect(f.sim.attachments(first[0]?.pid)).toHaveLength(1);
    // The dataset is as big as its one file: its size and count come from the datablock alone, not twice.
    const size = statSync(join(f.root, 'beamline/raw/p1/scan_a.h5')).size;
    expect(datasets[0]).toMatchObject({ size, numberOfFiles: 1 });
    expect(f.sim.attachments(first[0]?.pid)[0]).toMatchObject({ ownerGroup: 'ALS-12345', caption: 'first projection of scan_a.h5' });
    expect(text()).toMatch(/Ingest · beamline 8\.3\.2/);
    expect(text()).not.toContain('pw-secret');
  });

  it('SciCat failing: the step fails clearly, the moved data is untouched, and a re-run completes', async () => {
    const f = await withScicat();
    await mkdir(join(f.root, 'beamline/raw'), { recursive: true });
    await writeDataExchange(join(f.root, 'beamline/raw/scan_b.h5'), { projections: [2, 20, 20] });
    f.sim.inject('*', /Datasets/i, { kind: 'status', status: 503, times: 10 });
    const before = snapshotTree(join(f.root, 'beamline'));
    const err = await runIngest(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['raw/scan_b.h5'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/SciCat .*503/);
    expect(snapshotTree(join(f.root, 'beamline'))).toEqual(before);
    expect(f.sim.datasets()).toHaveLength(0);
    // SciCat is back (a healthy instance at a new address).
    const sim2 = await startScicatSim({ users: { ingestor: 'pw-secret' } });
    sims.push(sim2);
    await writeFile(f.config, readFileSync(f.config, 'utf8').replace(f.sim.url, sim2.url));
    const ok = await runIngest(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['raw/scan_b.h5'] });
    expect(ok[0]?.outcome).toBe('created');
    expect(sim2.datasets()).toHaveLength(1);
  }, 60_000);

  it('a run that failed after creating the dataset is completed by the re-run (datablock and thumbnail added once)', async () => {
    const f = await withScicat();
    await mkdir(join(f.root, 'beamline/raw'), { recursive: true });
    await writeDataExchange(join(f.root, 'beamline/raw/e.h5'), { projections: [2, 20, 20] });
    // max_retries 1: both attempts of the first run's datablock POST fail, after the dataset was created.
    f.sim.inject('POST', /origdatablocks/i, { kind: 'status', status: 500, times: 2 });
    await expect(runIngest(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['raw/e.h5'] })).rejects.toThrow(/500/);
    expect(f.sim.datasets()).toHaveLength(1);
    expect(f.sim.origDatablocks()).toHaveLength(0);
    const r = await runIngest(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['raw/e.h5'] });
    expect(r[0]?.outcome).toBe('existing');
    expect(f.sim.datasets()).toHaveLength(1);
    expect(f.sim.origDatablocks()).toHaveLength(1);
    expect(f.sim.attachments()).toHaveLength(1);
    // A third run adds nothing.
    await runIngest(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['raw/e.h5'] });
    expect(f.sim.origDatablocks()).toHaveLength(1);
    expect(f.sim.attachments()).toHaveLength(1);
  }, 60_000);

  it('a file that is not HDF5 (or truncated) is catalogued plainly with the reason, not crashed on', async () => {
    const f = await withScicat();
    await writeFileAt(join(f.root, 'beamline/raw/not-hdf5.h5'), 'just bytes');
    await mkdir(join(f.root, 'beamline/raw'), { recursive: true });
    await writeDataExchange(join(f.root, 'beamline/raw/full.h5'), { projections: [2, 20, 20] });
    const whole = readFileSync(join(f.root, 'beamline/raw/full.h5'));
    await writeFile(join(f.root, 'beamline/raw/truncated.h5'), whole.subarray(0, Math.floor(whole.length / 3)));
    for (const name of ['not-hdf5.h5', 'truncated.h5']) {
      const r = await runIngest(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: [`raw/${name}`] });
      expect(r[0]?.warnings.join(' ')).toMatch(/metadata not read/);
    }
    expect(f.sim.datasets()).toHaveLength(2);
  });

  it('a contact e-mail that is garbage is replaced by the fallback, with a warning', async () => {
    const f = await withScicat();
    await mkdir(join(f.root, 'beamline/raw'), { recursive: true });
    await writeDataExchange(join(f.root, 'beamline/raw/c.h5'), { omit: ['/measurement/sample/experimenter/email'], projections: null });
    const r = await runIngest(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['raw/c.h5'] });
    expect(r[0]?.warnings.join(' ')).toMatch(/no contact e-mail in the file; used scicat-ingest@als\.lbl\.gov/);
    expect(f.sim.datasets()[0]).toMatchObject({ contactEmail: 'scicat-ingest@als.lbl.gov' });
  });
});

describe('one file, one dataset', () => {
  it('a dataset is named with its extension: frame_001.edf and frame_001.tif in one folder are two datasets, in SciCat and in the dry run', async () => {
    const f = await withScicat();
    await writeFile(f.config, readFileSync(f.config, 'utf8').replace('"8.3.2":', '"7.3.3":'));
    await writeFileAt(join(f.root, 'beamline/raw/p1/frame_001.edf'), 'EDF frame');
    await writeFileAt(join(f.root, 'beamline/raw/p1/frame_001.tif'), 'TIFF frame, longer');
    await writeFileAt(join(f.root, 'beamline/raw/p2/frame_001.edf'), 'another proposal');
    const paths = ['raw/p1/frame_001.edf', 'raw/p1/frame_001.tif', 'raw/p2/frame_001.edf'];
    const r = await runIngest(capture().ctx, { config: f.config, beamline: '7.3.3', filePaths: paths });
    expect(r.map((d) => [d.name, d.outcome])).toEqual([['frame_001.edf', 'created'], ['frame_001.tif', 'created'], ['frame_001.edf', 'created']]);
    const byName = (name: string, folder: string) => f.sim.datasets().find((d) => d.datasetName === name && d.sourceFolder === join(f.root, 'beamline', folder));
    expect(byName('frame_001.tif', 'raw/p1')).toMatchObject({ size: 18, numberOfFiles: 1, dataFormat: 'tif' });
    expect(byName('frame_001.edf', 'raw/p1')).toMatchObject({ size: 9, numberOfFiles: 1, dataFormat: 'edf' });
    expect(f.sim.datasets()).toHaveLength(3);
    expect(f.sim.origDatablocks().map((b) => b.chkAlg)).toEqual(['xxh128', 'xxh128', 'xxh128']);

    // The dry run writes one file per file, beside each other, none overwriting another.
    const dry = await makeFacility();
    await writeFile(dry.config, readFileSync(dry.config, 'utf8').replace('"8.3.2":', '"7.3.3":'));
    for (const p of paths) await writeFileAt(join(dry.root, 'beamline', p), p);
    await runIngest(capture().ctx, { config: dry.config, beamline: '7.3.3', filePaths: paths });
    const written = readdirSync(join(dry.root, 'scicat-dry-run'), { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.json')).sort();
    expect(written).toEqual(['raw/p1/frame_001.edf.json', 'raw/p1/frame_001.tif.json', 'raw/p2/frame_001.edf.json']);
  });

  it('a contact address validator.js refuses (65-character local part) is replaced by the fallback before anything is sent', async () => {
    const f = await withScicat();
    await mkdir(join(f.root, 'beamline/raw'), { recursive: true });
    const long = `${'a'.repeat(65)}@example.org`;
    await writeDataExchange(join(f.root, 'beamline/raw/e.h5'), { projections: null, values: { '/measurement/sample/experimenter/email': long } });
    const r = await runIngest(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['raw/e.h5'] });
    expect(r[0]?.warnings.join(' ')).toContain(`contact e-mail "${long}" is not valid; used scicat-ingest@als.lbl.gov`);
    expect(f.sim.datasets()[0]).toMatchObject({ contactEmail: 'scicat-ingest@als.lbl.gov' });
    expect(f.sim.datasets()[0]?.ownerEmail).toBeUndefined();
  });

  it('scicat.fallback_email must be an address SciCat accepts: a config error before any file is read', async () => {
    const f = await makeFacility('scicat:\n  fallback_email: nobody@localhost\n');
    await writeFileAt(join(f.root, 'beamline/raw/x.h5'), 'x');
    const err = await runIngest(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['raw/x.h5'] }).catch((e: unknown) => e);
    expect((err as SplashError).kind).toBe('config');
    expect((err as SplashError).message).toMatch(/scicat\.fallback_email: "nobody@localhost" is not an e-mail address SciCat accepts/);
    expect(existsSync(join(f.root, 'scicat-dry-run'))).toBe(false);
  });

  it('a folder is not a dataset: refused before anything is sent', async () => {
    const f = await withScicat();
    await writeFileAt(join(f.root, 'beamline/raw/scan/a.tif'), 'a');
    await writeFileAt(join(f.root, 'beamline/raw/b.tif'), 'b');
    const err = await runIngest(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['raw/b.tif', 'raw/scan'] }).catch((e: unknown) => e);
    expect((err as SplashError).message).toMatch(/beamline:raw\/scan is a folder; ingest catalogues files/);
    expect(f.sim.requests).toEqual([]);
  });
});

describe('ingest without SciCat (dry run)', () => {
  it('the chain moves, then writes the documents it would send, validated', async () => {
    const f = await makeFacility();
    await mkdir(join(f.root, 'beamline/raw'), { recursive: true });
    await writeDataExchange(join(f.root, 'beamline/raw/d.h5'), { projections: [2, 30, 30] });
    const outcomes = await runDispatch(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['raw/d.h5'], exportControlled: false });
    expect(outcomes.map((o) => [o.step, o.status])).toEqual([['move', 'ok'], ['ingest', 'ok'], ['recon', 'not configured']]);
    const doc = JSON.parse(readFileSync(join(f.root, 'scicat-dry-run/raw/d.h5.json'), 'utf8')) as { dataset: { proposalId: string }; attachment: { thumbnail: string; ownerGroup: string } | null };
    expect(doc.dataset.proposalId).toBe('ALS-12345');
    expect(doc.attachment?.thumbnail).toMatch(/^data:image\/png;base64,iVBOR/);
    expect(doc.attachment?.ownerGroup).toBe('ALS-12345');
  });

  it('config.yml chooses the ingestor per beamline (ingest.format), and refuses an unknown one', async () => {
    const f = await makeFacility();
    await writeFile(f.config, readFileSync(f.config, 'utf8').replace('    path_prefix: /global\n', '    path_prefix: /global\n    ingest: { format: generic }\n'));
    await mkdir(join(f.root, 'beamline/raw'), { recursive: true });
    await writeDataExchange(join(f.root, 'beamline/raw/g.h5'), { projections: [2, 20, 20] });
    const r = await runDispatch(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['raw/g.h5'], exportControlled: false });
    expect(r.find((o) => o.step === 'ingest')?.status).toBe('ok');
    const doc = JSON.parse(readFileSync(join(f.root, 'scicat-dry-run/raw/g.h5.json'), 'utf8')) as { dataset: { dataFormat: string; proposalId?: string }; origDatablock: { chkAlg?: string; dataFileList: { chk?: string }[] } };
    expect(doc.dataset.dataFormat).toBe('h5');
    expect(doc.dataset.proposalId).toBeUndefined();
    expect(doc.origDatablock.dataFileList[0]?.chk).toMatch(/^[0-9a-f]{32}$/);
    expect(doc.origDatablock.chkAlg).toBe('xxh128');
    await writeFile(f.config, readFileSync(f.config, 'utf8').replace('format: generic', 'format: tiff'));
    const err = await runIngest(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['raw/g.h5'] }).catch((e: unknown) => e);
    expect((err as SplashError).message).toMatch(/beamlines\.8\.3\.2\.ingest\.format: expected data-exchange or generic, got "tiff"/);
  });

  it('ingest.read_from: a beamline whose hops are Globus collections reads the files where the runner mounts them', async () => {
    const f = await makeFacility();
    // The first hop's source is a Globus collection; the runner sees the moved files in the server folder.
    await writeFile(
      f.config,
      readFileSync(f.config, 'utf8')
        .replace('endpoints:\n', 'endpoints:\n  spot: { type: globus, root_path: /, uuid: 44ae904c-ab64-4145-a8f0-7287de38324d }\n')
        .replace('      - { from: beamline, to: server }\n', '      - { from: spot, to: server }\n')
        .replace('    path_prefix: /global\n', '    path_prefix: /global\n    ingest: { read_from: server }\n'),
    );
    await mkdir(join(f.root, 'server/raw'), { recursive: true });
    await writeDataExchange(join(f.root, 'server/raw/m.h5'), { projections: [2, 20, 20] });
    const r = await runIngest(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['raw/m.h5'] });
    expect(r.map((d) => d.outcome)).toEqual(['dry-run']);
    const doc = JSON.parse(readFileSync(join(f.root, 'scicat-dry-run/raw/m.h5.json'), 'utf8')) as { dataset: { sourceFolder: string } };
    expect(doc.dataset.sourceFolder).toBe(join(f.root, 'server/raw'));

    // read_from must name a folder on the runner or a Globus collection, and must exist.
    await writeFile(f.config, readFileSync(f.config, 'utf8').replace('    ingest: { read_from: server }\n', '    ingest: { read_from: archive }\n').replace('  archive:  { type: filesystem', '  archive:  { type: hpss, ssh: { host: dtn.example.org, key_path: /k }, root_path: /home/a/x }\n  archive-fs:  { type: filesystem'));
    const hpss = await runIngest(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['raw/m.h5'] }).catch((e: unknown) => e);
    expect((hpss as SplashError).kind).toBe('config');
    expect((hpss as SplashError).message).toMatch(/beamlines\.8\.3\.2\.ingest\.read_from: archive is an hpss endpoint/);
    await writeFile(f.config, readFileSync(f.config, 'utf8').replace('read_from: archive', 'read_from: nowhere'));
    const missing = await runIngest(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['raw/m.h5'] }).catch((e: unknown) => e);
    expect((missing as SplashError).message).toMatch(/beamlines\.8\.3\.2\.ingest\.read_from: expected one of the defined endpoints/);
  });

  it('the bundled ingest action sets dataset-pids and refuses hostile paths before reading anything', async () => {
    const f = await makeFacility();
    await writeFileAt(join(f.root, 'beamline/raw/x.h5'), 'x');
    const io = await tempDir('splash-runner-');
    await writeFile(join(io, 'out'), '');
    await writeFile(join(io, 'sum'), '');
    const env = { GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: join(io, 'out'), GITHUB_STEP_SUMMARY: join(io, 'sum'), INPUT_BEAMLINE: '7.3.3', 'INPUT_FILE-PATHS': 'raw/x.h5', INPUT_CONFIG: f.config };
    await writeFile(f.config, readFileSync(f.config, 'utf8').replace('"8.3.2":', '"7.3.3":'));
    const r = await runNode(dist('ingest'), [], { env });
    expect(r.stdout).not.toContain('::error::');
    expect(readFileSync(join(io, 'out'), 'utf8')).toMatch(/dataset-pids<<.*\n\["dry-run:raw\/x\.h5"\]/);
    const bad = await runNode(dist('ingest'), [], { env: { ...env, 'INPUT_FILE-PATHS': '../../etc/passwd' } });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/::error::file-paths\[0\]/);
    expect(readdirSync(join(f.root, 'scicat-dry-run'), { recursive: true, encoding: 'utf8' }).sort()).toEqual(['raw', 'raw/x.h5.json']);
  });

  it('a beamline without SciCat credentials set fails with a config error naming the variable, before reading files', async () => {
    const f = await withScicat();
    delete process.env.SCICAT_PASSWORD;
    await writeFileAt(join(f.root, 'beamline/raw/x.h5'), 'x');
    const err = await runIngest(capture().ctx, { config: f.config, beamline: '8.3.2', filePaths: ['raw/x.h5'] }).catch((e: unknown) => e);
    expect((err as SplashError).kind).toBe('config');
    expect((err as SplashError).message).toMatch(/SCICAT_PASSWORD is not set/);
    expect(f.sim.datasets()).toHaveLength(0);
  });
});
