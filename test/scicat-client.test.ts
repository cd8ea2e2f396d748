import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ScicatApiError,
  ScicatAuthError,
  ScicatClient,
  ScicatNetworkError,
  ScicatValidationError,
  backendMessage,
  validateRawDataset,
  type RawDatasetDocument,
  type ScicatClientOptions,
} from '../src/scicat/index.js';
import { startScicatSim, type ScicatSim } from './sim/scicat/index.js';

const USER = 'ingest-bot';
const PASSWORD = 'S3cret-Pa55word';

function rawDoc(over: Partial<RawDatasetDocument> = {}): RawDatasetDocument {
  return {
    type: 'raw',
    owner: 'Jane Doe',
    ownerEmail: 'jane@example.org',
    contactEmail: 'jane@example.org',
    sourceFolder: '/global/cfs/8.3.2/raw/p12345',
    creationTime: '2024-05-01T12:00:00.000Z',
    ownerGroup: 'p12345',
    accessGroups: ['8.3.2', 'p12345'],
    principalInvestigator: 'Jane Doe',
    creationLocation: '/ALS/8.3.2',
    datasetName: 'scan_0001.h5',
    size: 1024,
    numberOfFiles: 1,
    scientificMetadata: { energy: { value: 25, unit: 'keV' } },
    proposalId: 'ALS-12345',
    ...over,
  };
}

let sim: ScicatSim;
const sleeps: number[] = [];
const masked: string[] = [];

function client(over: Partial<ScicatClientOptions> = {}): ScicatClient {
  return new ScicatClient({
    baseUrl: sim.url,
    username: USER,
    password: PASSWORD,
    mask: (s) => masked.push(s),
    retry: { sleep: (ms) => { sleeps.push(ms); return Promise.resolve(); }, random: () => 0.5 },
    ...over,
  });
}

/** Runs `fn`, which must reject with an instance of `cls`, and returns the error. */
async function failure<E extends Error>(cls: abstract new (...args: never[]) => E, fn: () => Promise<unknown>): Promise<E> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  if (caught instanceof cls) return caught;
  throw new Error(`expected a ${cls.name} rejection, got ${String(caught)}`, { cause: caught });
}

function without(doc: object, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !keys.includes(k)));
}

function expectNoSecrets(err: Error): void {
  const text = `${err.message} ${err.stack ?? ''}`;
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(USER);
  for (const s of masked) expect(text).not.toContain(s);
}

beforeEach(async () => {
  sim = await startScicatSim({ users: { [USER]: PASSWORD } });
  sleeps.length = 0;
  masked.length = 0;
});
afterEach(async () => {
  await sim.close();
});

describe('ScicatClient: login and tokens', () => {
  it('logs in once, caches the token and masks password and token', async () => {
    const c = client();
    await c.createRawDataset(rawDoc());
    await c.findDataset({ sourceFolder: '/x', datasetName: 'y' });
    expect(c.logins).toBe(1);
    expect(sim.requests.filter((r) => r.path === '/api/v3/auth/login')).toHaveLength(1);
    expect(masked[0]).toBe(PASSWORD);
    expect(masked).toHaveLength(2);
    expect(masked[1]).toMatch(/^eyJ/);
  });

  it('renews the token once after expireTokens', async () => {
    const c = client();
    const { pid } = await c.createRawDataset(rawDoc());
    sim.expireTokens();
    expect((await c.getDataset(pid)).pid).toBe(pid);
    expect(c.logins).toBe(2);
    expect(sim.requests.map((r) => r.status)).toEqual([201, 201, 401, 201, 200]);
  });

  it('falls back to id when access_token is absent', async () => {
    await sim.close();
    sim = await startScicatSim({ users: { [USER]: PASSWORD }, legacyLogin: true });
    const c = client();
    expect(await c.findDataset({ sourceFolder: '/a', datasetName: 'b' })).toBeUndefined();
    expect(masked[1]).toMatch(/^eyJ/);
  });

  it('fails clearly on bad credentials, without retrying or naming them', async () => {
    const err = await failure(ScicatAuthError, () => client({ password: 'wrong-password' }).getDataset('a/b'));
    expect(err.status).toBe(401);
    expect(err.message).toContain('POST /api/v3/auth/login → 401: Unauthorized');
    expect(err.message).toContain('check the SciCat username and password');
    expect(err.message).not.toContain('wrong-password');
    expectNoSecrets(err);
    expect(sleeps).toEqual([]);
  });
});

describe('ScicatClient: retries', () => {
  it('retries 5xx with jittered backoff and succeeds', async () => {
    sim.inject('POST', /^\/api\/v3\/Datasets$/, { kind: 'status', status: 503, times: 2 });
    const c = client();
    const ds = await c.createRawDataset(rawDoc());
    expect(ds.pid).toMatch(/^20\.500\.12345\//);
    expect(sleeps).toEqual([1000, 2000]);
    expect(c.transport.retriesTaken).toBe(2);
  });

  it('gives up after maxRetries with the backend message', async () => {
    sim.inject('GET', /Datasets/, { kind: 'status', status: 500, times: 10 });
    const c = client({ retry: { maxRetries: 2, sleep: () => Promise.resolve() } });
    const err = await failure(ScicatApiError, () => c.findDataset({ sourceFolder: '/a', datasetName: 'b' }));
    expect(err).toBeInstanceOf(ScicatApiError);
    expect(err.message).toBe('SciCat GET /api/v3/Datasets → 500: Internal server error after 3 attempts');
    expectNoSecrets(err);
  });

  it('never retries a 4xx', async () => {
    sim.inject('POST', /Datasets/, { kind: 'status', status: 409, message: 'A dataset with pid x already exists!' });
    const err = await failure(ScicatApiError, () => client().createRawDataset(rawDoc()));
    expect(err.status).toBe(409);
    expect(err.message).toContain('A dataset with pid x already exists!');
    expect(sleeps).toEqual([]);
    expect(sim.requests.filter((r) => r.method === 'POST' && r.path === '/api/v3/Datasets')).toHaveLength(1);
  });

  it('retries a dropped connection', async () => {
    sim.inject('GET', /Datasets/, { kind: 'drop-before' });
    const c = client();
    expect(await c.findDataset({ sourceFolder: '/a', datasetName: 'b' })).toBeUndefined();
    expect(sleeps).toHaveLength(1);
    expect(sim.requests.filter((r) => r.method === 'GET').map((r) => r.status)).toEqual([0, 200]);
  });

  it('reports a server that is down as a network error naming method and path', async () => {
    const url = sim.url;
    await sim.close();
    const c = new ScicatClient({ baseUrl: url, username: USER, password: PASSWORD, retry: { maxRetries: 1, sleep: () => Promise.resolve() } });
    const err = await failure(ScicatNetworkError, () => c.getDataset('20.500.12345/x'));
    expect(err.message).toMatch(/^SciCat POST \/api\/v3\/auth\/login failed after 2 attempts: ECONNREFUSED/);
    expectNoSecrets(err);
    sim = await startScicatSim();
  });

  it('times out a slow answer and retries it', async () => {
    sim.inject('GET', /Datasets/, { kind: 'delay', ms: 1500 });
    const c = client({ timeoutMs: 200 });
    expect(await c.findDataset({ sourceFolder: '/a', datasetName: 'b' })).toBeUndefined();
    expect(sleeps).toHaveLength(1);
  });
});

describe('ScicatClient: datasets', () => {
  it('creates, finds and gets a dataset; the pid with "/" round-trips', async () => {
    const c = client();
    const created = await c.createRawDataset(rawDoc());
    expect(created.pid).toContain('/');
    expect(created).toMatchObject({ datasetName: 'scan_0001.h5', type: 'raw' });
    const found = await c.findDataset({ sourceFolder: '/global/cfs/8.3.2/raw/p12345/', datasetName: 'scan_0001.h5' });
    expect(found?.pid).toBe(created.pid);
    expect(await c.findDataset({ sourceFolder: '/global/cfs/8.3.2/raw/p12345', datasetName: 'other.h5' })).toBeUndefined();
    const got = await c.getDataset(created.pid);
    expect(got.pid).toBe(created.pid);
    expect(sim.requests.some((r) => r.path === `/api/v3/Datasets/${created.pid.replace('/', '%2F')}`)).toBe(true);
    const missing = await failure(ScicatApiError, () => c.getDataset('20.500.12345/missing'));
    expect(missing.message).toBe('SciCat GET /api/v3/Datasets/20.500.12345%2Fmissing → 404: dataset: 20.500.12345/missing not found');
  });

  it('ensureRawDataset twice leaves one dataset', async () => {
    const c = client();
    const first = await c.ensureRawDataset(rawDoc());
    const second = await client().ensureRawDataset(rawDoc());
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.dataset.pid).toBe(first.dataset.pid);
    expect(sim.datasets()).toHaveLength(1);
    await c.ensureRawDataset(rawDoc({ datasetName: 'scan_0002.h5' }));
    expect(sim.datasets()).toHaveLength(2);
  });

  it('finds a dataset whose folder or name looks like a date, on both WherePipes (backend#2583), so a re-run never duplicates it', async () => {
    for (const wherePipe of ['v4.27', 'v4.28'] as const) {
      await sim.close();
      sim = await startScicatSim({ users: { [USER]: PASSWORD }, wherePipe });
      const names = [
        { sourceFolder: '/global/raw/2024-01-01', datasetName: 'scan_0001.h5' },
        { sourceFolder: '/global/raw/p1', datasetName: '2024-03-15' },
        { sourceFolder: '/global/raw/p1', datasetName: 'Sample 3' },
      ];
      for (const n of names) {
        const first = await client().ensureRawDataset(rawDoc(n));
        const again = await client().ensureRawDataset(rawDoc(n));
        expect([wherePipe, n.datasetName, again.created, again.dataset.pid]).toEqual([wherePipe, n.datasetName, false, first.dataset.pid]);
      }
      expect(sim.datasets()).toHaveLength(names.length);
    }
  });

  it('ensureRawDataset does not duplicate when the create answer is lost', async () => {
    sim.inject('POST', /^\/api\/v3\/Datasets$/, { kind: 'drop-after' });
    const res = await client().ensureRawDataset(rawDoc());
    expect(sim.datasets()).toHaveLength(1);
    expect(res).toMatchObject({ created: false, dataset: { pid: sim.datasets()[0]?.pid } });
  });

  it('surfaces the backend validation message (local validation off)', async () => {
    const c = client({ validate: false });
    const e = await failure(ScicatApiError, () => c.createRawDataset(rawDoc({ contactEmail: 'Unknown' })));
    expect(e.status).toBe(400);
    expect(e.details).toEqual(["contactEmail must contain valid email(s), separated by ';'"]);
    expect(e.message).toBe("SciCat POST /api/v3/Datasets → 400: contactEmail must contain valid email(s), separated by ';'");
    const unknown = await failure(ScicatApiError, () => c.createRawDataset({ ...rawDoc(), investigator: 'x' } as RawDatasetDocument));
    expect(unknown.message).toContain('property investigator should not exist');
    expectNoSecrets(unknown);
    expect(sim.datasets()).toHaveLength(0);
  });

  it('validates locally before sending by default', async () => {
    const err = await failure(ScicatValidationError, () => client().createRawDataset(rawDoc({ contactEmail: 'Unknown', creationTime: '01/05/2024' })));
    expect(err.issues).toHaveLength(2);
    expect(sim.requests).toHaveLength(0);
  });
});

describe('ScicatClient: datablocks and attachments', () => {
  it('adds an orig-datablock and an attachment to a pid with "/"', async () => {
    const c = client();
    const { pid } = await c.createRawDataset(rawDoc({ size: 0, numberOfFiles: 0 }));
    const block = await c.addOrigDatablock(pid, {
      size: 300,
      dataFileList: [
        { path: 'scan_0001.h5', size: 200, time: '2024-05-01T12:00:00Z', chk: 'abc' },
        { path: 'scan_0001.log', size: 100, time: '2024-05-01T12:00:01Z' },
      ],
    });
    expect(block.datasetId).toBe(pid);
    expect(sim.datasets()[0]).toMatchObject({ size: 300, numberOfFiles: 2 });
    const att = await c.addAttachment(pid, { thumbnail: 'data:image/png;base64,iVBORw0KGgo=', caption: 'first projection', ownerGroup: 'p12345', accessGroups: ['8.3.2'] });
    expect(att).toMatchObject({ datasetId: pid, caption: 'first projection', ownerGroup: 'p12345' });
    expect(sim.attachments(pid)).toHaveLength(1);
  });

  it('surfaces the datablock rejection for a file without time', async () => {
    const c = client({ validate: false });
    const { pid } = await c.createRawDataset(rawDoc());
    const err = await failure(ScicatApiError, () => c.addOrigDatablock(pid, { size: 1, dataFileList: [{ path: 'a', size: 1 } as never] }));
    expect(err.status).toBe(400);
    expect(err.message).toContain('dataFileList.0.time must be a valid ISO 8601 date string');
    expect(err.message).toContain(`/origdatablocks`);
  });

  it('checks datablocks and attachments locally', async () => {
    const c = client();
    await expect(c.addOrigDatablock('a/b', { size: 1, dataFileList: [] })).rejects.toBeInstanceOf(ScicatValidationError);
    await expect(c.addAttachment('a/b', { thumbnail: 'not-a-data-url', caption: 'x', ownerGroup: 'p1' })).rejects.toBeInstanceOf(ScicatValidationError);
    // The backend's attachment DTO requires ownerGroup (not empty) and caption.
    const noOwner = await failure(ScicatValidationError, () => c.addAttachment('a/b', { thumbnail: 'data:image/png;base64,AAAA', caption: 'x', ownerGroup: '' }));
    expect(noOwner.issues).toEqual(['ownerGroup: must not be empty']);
    await expect(c.addAttachment('a/b', { thumbnail: 'data:image/png;base64,AAAA' } as never)).rejects.toBeInstanceOf(ScicatValidationError);
    await expect(c.addOrigDatablock('a/b', { size: 1.5, dataFileList: [{ path: 'a', size: 1.5, time: '2024-05-01T00:00:00Z' }] })).rejects.toBeInstanceOf(ScicatValidationError);
    await expect(c.addOrigDatablock('a/b', { size: 1, chkAlg: '', dataFileList: [{ path: 'a', size: 1, time: '2024-05-01T00:00:00Z' }] })).rejects.toBeInstanceOf(ScicatValidationError);
    expect(sim.requests).toHaveLength(0);
  });
});

describe('validateRawDataset and backendMessage', () => {
  it('accepts a full document and email lists', () => {
    expect(validateRawDataset(rawDoc())).toMatchObject({ ok: true });
    expect(validateRawDataset(rawDoc({ contactEmail: 'a@b.org; c@d.org' })).ok).toBe(true);
    expect(validateRawDataset(rawDoc({ creationTime: '2024-05-01' })).ok).toBe(true);
  });

  it('names each problem', () => {
    const r = validateRawDataset({ ...without(rawDoc(), 'type'), contactEmail: 'Unknown', ownerEmail: 'nope', creationTime: 'last week', size: '1', sourceFolderHost: 'HPSS', extra: true });
    expect(r.ok).toBe(false);
    expect(r.issues).toEqual(
      expect.arrayContaining([
        'type is required',
        'contactEmail: must be an email address or a ";"-separated list of them',
        'ownerEmail: must be an email address',
        'creationTime: must be an ISO 8601 date string',
        expect.stringMatching(/^size: .*number/) as unknown,
        expect.stringMatching(/^sourceFolderHost: /) as unknown,
        "unknown field(s) 'extra' (the backend forbids fields it does not know)",
      ]),
    );
    expect(validateRawDataset(rawDoc({ sourceFolderHost: 'nersc.gov' })).ok).toBe(true);
  });

  it('reads every backend error shape', () => {
    expect(backendMessage({ message: 'dataset: x not found', error: 'Not Found', statusCode: 404 }).message).toBe('dataset: x not found');
    expect(backendMessage({ message: ['a must be a string', 'b must be a number'], error: 'Bad Request', statusCode: 400 })).toEqual({
      message: 'a must be a string; b must be a number',
      details: ['a must be a string', 'b must be a number'],
    });
    expect(backendMessage({ status: 400, message: JSON.stringify([{ property: 'owner', constraints: { isString: 'owner must be a string' } }]) }).details).toEqual(['owner must be a string']);
    expect(backendMessage('Internal server error').message).toBe('Internal server error');
    expect(backendMessage(undefined).message).toBe('no error body');
  });
});
