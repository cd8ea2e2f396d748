// Every kind of request the SciCat client sends, checked against the real service's rules — not against the
// simulator's or the client's own: replayed through the official generated client (@scicatproject/scicat-sdk-ts-fetch)
// and checked with the backend's DTO rules on validator.js (test/sim/scicat/contract.ts, replay.ts).
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runIngest } from '../beamlines/commands.js';
import { createTerminalContext } from '../src/run/terminal.js';
import { ScicatClient } from '../src/scicat/index.js';
import { writeDataExchange } from '../src/scicat/sample-scan.js';
import { ATTACHMENT, CREDENTIALS, contractIssues, type DtoRules, DERIVED_DATASET, ORIG_DATABLOCK, RAW_DATASET, SDK, type SdkModel, DATA_FILE } from './sim/scicat/contract.js';
import { type ScicatSim, startScicatSim } from './sim/scicat/index.js';
import { checkContract } from './sim/scicat/replay.js';
import { makeFacility, writeFileAt } from './helpers.js';

const sims: ScicatSim[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

const quiet = () => createTerminalContext({ stream: { write: () => true } as unknown as NodeJS.WritableStream, isTTY: false });

describe('the contract check itself', () => {
  it('the DTO rules transcribed from the backend agree with the generated client\'s models', () => {
    const agree = (rules: DtoRules, model: SdkModel, extra: readonly string[] = []): void => {
      const ours = [...Object.keys(rules.required), ...Object.keys(rules.optional)];
      // Every field the rules allow is one the model declares (the model may declare more: the v3 create
      // body is a union with derived datasets, whose fields the raw DTO refuses).
      expect(ours.filter((k) => !model.keys.includes(k)), model.name).toEqual([]);
      expect([...Object.keys(rules.required), ...(rules.defaulted ?? []), ...extra].sort(), model.name).toEqual([...model.required].sort());
    };
    agree(RAW_DATASET, SDK.rawDataset);
    agree(DERIVED_DATASET, SDK.derivedDataset);
    agree(ORIG_DATABLOCK, SDK.origDatablock);
    agree(DATA_FILE, SDK.dataFile);
    agree(ATTACHMENT, SDK.attachment);
    agree(CREDENTIALS, SDK.credentials);
  });

  it('catches the requests the client used to send', async () => {
    const dataset = { type: 'raw', owner: 'o', contactEmail: 'a@example.org', sourceFolder: '/raw/p1', creationTime: '2024-05-01T00:00:00.000Z', ownerGroup: 'g', accessGroups: ['g'], principalInvestigator: 'p', creationLocation: '/ALS/7.3.3', datasetName: 'frame_001', scientificMetadata: {} };
    expect(contractIssues('rawDataset', dataset)).toEqual([]);
    expect(contractIssues('attachment', { thumbnail: 'data:image/png;base64,AAAA', caption: 'first projection of scan' })).toEqual(['ownerGroup should not be empty', 'ownerGroup must be a string']);
    expect(contractIssues('attachment', { caption: 'x', pngBytes: 12, ownerGroup: 'g' })).toEqual(['property pngBytes should not exist']);
    expect(contractIssues('rawDataset', { ...dataset, size: 10.5 })).toEqual(['size must be an integer number']);
    expect(contractIssues('rawDataset', { ...dataset, contactEmail: `${'x'.repeat(65)}@example.org` })).toHaveLength(1);
    expect(contractIssues('origDatablock', { size: 1, chkAlg: '', dataFileList: [{ path: 'a', size: 1, time: '2024-05-01T00:00:00Z' }] })).toEqual(['chkAlg should not be empty']);
    // A derived dataset: its own required fields, and none of the raw DTO's (what splash_flows' PR #62 sent).
    const derived = { type: 'derived', owner: 'o', contactEmail: 'a@example.org', sourceFolder: '/rec/p1', creationTime: '2024-05-01T00:00:00.000Z', ownerGroup: 'g', accessGroups: ['g'], datasetName: 'recscan1', investigator: 'p', inputDatasets: ['20.500.12345/abc'], usedSoftware: ['ghcr.io/als-computing/microct:master'], jobParameters: { centre: 1196.5 } };
    expect(contractIssues('derivedDataset', derived)).toEqual([]);
    expect(contractIssues('derivedDataset', { ...derived, principalInvestigator: 'p', creationLocation: '/ALS/832', dataFormat: 'TIFF', sampleId: 's' })).toEqual([
      'property principalInvestigator should not exist', 'property creationLocation should not exist', 'property dataFormat should not exist', 'property sampleId should not exist',
    ]);
    expect(contractIssues('derivedDataset', { ...derived, inputDatasets: undefined, usedSoftware: 'x', investigator: 3 })).toEqual([
      'investigator must be a string', 'inputDatasets must be an array', 'usedSoftware must be an array',
    ]);
    // The lookup filter the client used to send: plain values, one of them date-like.
    const sim = await startScicatSim();
    sims.push(sim);
    const where = encodeURIComponent(JSON.stringify({ where: { sourceFolder: '/raw/2024-01-01', datasetName: 'frame_001' }, limits: { limit: 1 } }));
    await fetch(`${sim.url}/api/v3/Datasets?filter=${where}`);
    const report = await checkContract(sim.requests);
    expect(report.violations).toEqual([expect.stringMatching(/the v4\.27 WherePipe turns a value of where into a Date/)]);
  });
});

describe('every request the client sends keeps the SciCat contract', () => {
  it('login, lookup, create, get, datablocks, attachments — first runs, re-runs, recoveries and renewals: 0 violations', async () => {
    const sim = await startScicatSim({ users: { ingestor: 'pw' } });
    sims.push(sim);
    const f = await makeFacility(`scicat:\n  url: ${sim.url}\n  username: \${SCICAT_USER}\n  password: \${SCICAT_PASSWORD}\n  max_retries: 1\n`);
    Object.assign(process.env, { SCICAT_USER: 'ingestor', SCICAT_PASSWORD: 'pw' });
    // 8.3.2 Data Exchange scans (dataset with metadata, datablock, attachment) in a date-named folder.
    await mkdir(join(f.root, 'beamline/raw/2024-01-01'), { recursive: true });
    await writeDataExchange(join(f.root, 'beamline/raw/2024-01-01/scan_a.h5'), { projections: [2, 20, 30] });
    await writeDataExchange(join(f.root, 'beamline/raw/2024-01-01/scan_b.h5'), { projections: [2, 20, 30] });
    await runIngest(quiet(), { config: f.config, beamline: '8.3.2', filePaths: ['raw/2024-01-01/scan_a.h5'] });
    // A run whose datablock failed, completed by the re-run (lists the datablocks and attachments first).
    sim.inject('POST', /origdatablocks/i, { kind: 'status', status: 500, times: 2 });
    await expect(runIngest(quiet(), { config: f.config, beamline: '8.3.2', filePaths: ['raw/2024-01-01/scan_b.h5'] })).rejects.toThrow(/500/);
    await runIngest(quiet(), { config: f.config, beamline: '8.3.2', filePaths: ['raw/2024-01-01/scan_b.h5', 'raw/2024-01-01/scan_a.h5'] });
    // Generic files with checksums, names that look like dates; a create whose answer is lost; an expired token.
    await writeFile(f.config, readFileSync(f.config, 'utf8').replace('"8.3.2":', '"7.3.3":'));
    await writeFileAt(join(f.root, 'beamline/raw/p1/2024-03-15'), 'no extension');
    await writeFileAt(join(f.root, 'beamline/raw/p1/Sample 3.edf'), 'a sample');
    sim.inject('POST', /^\/api\/v3\/Datasets$/, { kind: 'drop-after' });
    await runIngest(quiet(), { config: f.config, beamline: '7.3.3', filePaths: ['raw/p1/2024-03-15', 'raw/p1/Sample 3.edf'] });
    sim.expireTokens();
    await runIngest(quiet(), { config: f.config, beamline: '7.3.3', filePaths: ['raw/p1/2024-03-15', 'raw/p1/Sample 3.edf'] });
    // The one call ingest does not make.
    const client = new ScicatClient({ baseUrl: sim.url, username: 'ingestor', password: 'pw' });
    await client.getDataset(String(sim.datasets()[0]?.pid));

    expect(sim.datasets().map((d) => d.datasetName).sort()).toEqual(['2024-03-15', 'Sample 3.edf', 'scan_a.h5', 'scan_b.h5']);
    // Every request that reached the simulator, also those a fault answered or dropped after reading.
    const report = await checkContract(sim.requests.filter((r) => r.status !== 0 || r.body !== undefined));
    console.log(`SciCat contract: ${report.checked} requests of ${Object.keys(report.kinds).length} kinds checked (${JSON.stringify(report.kinds)}), ${report.violations.length} break the contract`);
    expect(report.violations).toEqual([]);
    expect(Object.keys(report.kinds).sort()).toEqual(['create attachment', 'create dataset', 'create orig-datablock', 'find datasets', 'get dataset', 'list attachments', 'list orig-datablocks', 'login']);
    expect(sim.requests.filter((r) => r.status === 400 || r.status === 403)).toEqual([]);
  }, 60_000);
});
