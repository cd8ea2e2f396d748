import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startScicatSim, type ScicatSim } from './sim/scicat/index.js';

const minimal = {
  type: 'raw',
  owner: 'Jane Doe',
  contactEmail: 'jane@example.org',
  sourceFolder: '/data/832/scan1',
  creationTime: '2024-05-01T12:00:00Z',
  ownerGroup: 'p12345',
  principalInvestigator: 'Jane Doe',
  creationLocation: '/ALS/8.3.2',
  datasetName: 'scan1.h5',
};

let sim: ScicatSim;

function without(doc: object, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !keys.includes(k)));
}

beforeEach(async () => {
  sim = await startScicatSim({ users: { ingestor: 'pw-123' } });
});
afterEach(async () => {
  await sim.close();
});

async function call(method: 'GET' | 'POST', path: string, body?: unknown, token?: string): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await request(`${sim.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.statusCode, body: await res.body.json() };
}

async function login(): Promise<string> {
  const r = await call('POST', '/api/v3/auth/login', { username: 'ingestor', password: 'pw-123' });
  return (r.body as { access_token: string }).access_token;
}

describe('SciCat simulator', () => {
  it('logs in with 201, access_token and id; 401 for bad credentials', async () => {
    const ok = await call('POST', '/api/v3/auth/login', { username: 'ingestor', password: 'pw-123' });
    expect(ok.status).toBe(201);
    const b = ok.body as Record<string, unknown>;
    expect(typeof b.access_token).toBe('string');
    expect(b.id).toBe(b.access_token);
    expect(b.expires_in).toBe(3600);
    const bad = await call('POST', '/api/v3/auth/login', { username: 'ingestor', password: 'nope' });
    expect(bad).toEqual({ status: 401, body: { message: 'Unauthorized', statusCode: 401 } });
  });

  it('401 only for an expired token; a missing or unknown token is anonymous: 403 on writes, published datasets only', async () => {
    const token = await login();
    const pid = ((await call('POST', '/api/v3/Datasets', minimal, token)).body as { pid: string }).pid;
    const published = ((await call('POST', '/api/v3/Datasets', { ...minimal, datasetName: 'public.h5', isPublished: true }, token)).body as { pid: string }).pid;
    for (const anonymous of [undefined, 'made-up']) {
      const list = await call('GET', '/api/v3/Datasets', undefined, anonymous);
      expect(list.status).toBe(200);
      expect((list.body as { pid: string }[]).map((d) => d.pid)).toEqual([published]);
      expect(await call('POST', '/api/v3/Datasets', minimal, anonymous)).toEqual({ status: 403, body: { message: 'Forbidden resource', error: 'Forbidden', statusCode: 403 } });
      expect((await call('GET', `/api/v3/Datasets/${encodeURIComponent(pid)}`, undefined, anonymous)).status).toBe(403);
      expect((await call('GET', `/api/v3/Datasets/${encodeURIComponent(pid)}/origdatablocks`, undefined, anonymous)).status).toBe(403);
      expect((await call('GET', `/api/v3/Datasets/${encodeURIComponent(published)}`, undefined, anonymous)).status).toBe(200);
    }
    expect((await call('GET', '/api/v3/Datasets', undefined, token)).body).toHaveLength(2);
    sim.expireTokens();
    expect(await call('GET', '/api/v3/Datasets', undefined, token)).toEqual({ status: 401, body: { message: 'SESSION_EXPIRED', error: 'Unauthorized', statusCode: 401 } });
    expect((await call('POST', '/api/v3/Datasets', minimal, token)).status).toBe(401);
  });

  it('expires tokens after their lifetime', async () => {
    await sim.close();
    sim = await startScicatSim({ users: { ingestor: 'pw-123' }, tokenLifetimeSeconds: 0 });
    const token = await login();
    expect((await call('GET', '/api/v3/Datasets', undefined, token)).status).toBe(401);
  });

  it('creates a raw dataset (201, pid prefix/uuid) and reads it back by encoded pid, any route case', async () => {
    const token = await login();
    const created = await call('POST', '/api/v3/Datasets', minimal, token);
    expect(created.status).toBe(201);
    const pid = (created.body as { pid: string }).pid;
    expect(pid).toMatch(/^20\.500\.12345\/[0-9a-f-]{36}$/);
    const got = await call('GET', `/api/v3/datasets/${encodeURIComponent(pid)}`, undefined, token);
    expect(got.status).toBe(200);
    expect((got.body as { datasetName: string }).datasetName).toBe('scan1.h5');
    // An unencoded '/' makes it a different route.
    expect((await call('GET', `/api/v3/Datasets/${pid}`, undefined, token)).status).toBe(404);
    const missing = await call('GET', `/api/v3/Datasets/${encodeURIComponent('20.500.12345/none')}`, undefined, token);
    expect(missing).toEqual({ status: 404, body: { message: 'dataset: 20.500.12345/none not found', error: 'Not Found', statusCode: 404 } });
  });

  it('defaults datasetName from the last two components of sourceFolder', async () => {
    const token = await login();
    const created = await call('POST', '/api/v3/Datasets', { ...without(minimal, 'datasetName'), sourceFolder: '/data/derived/' }, token);
    expect((created.body as { datasetName: string }).datasetName).toBe('data/derived');
  });

  it('rejects invalid datasets with the dataset validation shape', async () => {
    const token = await login();
    const r = await call('POST', '/api/v3/Datasets', { ...without(minimal, 'owner'), contactEmail: 'Unknown', ownerEmail: 'x@', size: '12', extra: 1 }, token);
    expect(r.status).toBe(400);
    const body = r.body as { status: number; message: string };
    expect(body.status).toBe(400);
    const errors = JSON.parse(body.message) as { property: string; constraints: Record<string, string> }[];
    expect(errors.map((e) => e.property).sort()).toEqual(['contactEmail', 'extra', 'owner', 'ownerEmail', 'size']);
    expect(body.message).toContain('property extra should not exist');
    expect(sim.datasets()).toHaveLength(0);
    const notRaw = await call('POST', '/api/v3/Datasets', { ...minimal, type: 'derived' }, token);
    expect(notRaw.status).toBe(400);
    expect(await call('POST', '/api/v3/Datasets', { ...minimal, creationTime: 'yesterday' }, token)).toMatchObject({ status: 400 });
    expect(await call('POST', '/api/v3/Datasets', { ...minimal, contactEmail: 'a@b.org;c@d.org' }, token)).toMatchObject({ status: 201 });
  });

  it('finds datasets with a filter where-clause', async () => {
    const token = await login();
    await call('POST', '/api/v3/Datasets', minimal, token);
    await call('POST', '/api/v3/Datasets', { ...minimal, datasetName: 'scan2.h5' }, token);
    const q = (where: unknown): string => `/api/v3/datasets?filter=${encodeURIComponent(JSON.stringify({ where, limits: { limit: 5 } }))}`;
    const both = await call('GET', q({ sourceFolder: '/data/832/scan1' }), undefined, token);
    expect(both.body).toHaveLength(2);
    const one = await call('GET', q({ sourceFolder: '/data/832/scan1', datasetName: 'scan2.h5' }), undefined, token);
    expect((one.body as { datasetName: string }[]).map((d) => d.datasetName)).toEqual(['scan2.h5']);
    expect((await call('GET', q({ sourceFolder: '/elsewhere' }), undefined, token)).body).toEqual([]);
    const badJson = await call('GET', '/api/v3/datasets?filter=%7Bnot-json', undefined, token);
    expect(badJson.status).toBe(400);
    expect((badJson.body as { message: string }).message).toMatch(/^Invalid JSON in filter: /);
  });

  it('orig-datablocks: rejects files without time or with non-number size, counts the rest', async () => {
    const token = await login();
    const pid = ((await call('POST', '/api/v3/Datasets', minimal, token)).body as { pid: string }).pid;
    const path = `/api/v3/Datasets/${encodeURIComponent(pid)}/OrigDatablocks`;
    const bad = await call('POST', path, { size: 3, dataFileList: [{ path: 'a', size: '3' }] }, token);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'Bad Request', statusCode: 400 });
    const messages = (bad.body as { message: string[] }).message;
    expect(messages).toContain('dataFileList.0.time must be a valid ISO 8601 date string');
    expect(messages.some((m) => m.startsWith('dataFileList.0.size must be a number'))).toBe(true);
    expect((await call('POST', path, { size: 3, ownerGroup: 'x', dataFileList: [{ path: 'a', size: 3, time: '2024-05-01T00:00:00Z' }] }, token)).status).toBe(400);
    const ok = await call('POST', path, { size: 5, dataFileList: [{ path: 'a', size: 3, time: '2024-05-01T00:00:00Z' }, { path: 'b', size: 2, time: '2024-05-01T00:00:00Z' }] }, token);
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ datasetId: pid, ownerGroup: 'p12345' });
    expect(sim.datasets()[0]).toMatchObject({ size: 5, numberOfFiles: 2 });
    expect((await call('GET', path, undefined, token)).body).toHaveLength(1);
  });

  it('attachments: ownerGroup (not empty) and caption are required, the thumbnail is not; the dataset\'s ownerGroup is stored; 404 for an unknown dataset', async () => {
    const token = await login();
    const pid = ((await call('POST', '/api/v3/Datasets', minimal, token)).body as { pid: string }).pid;
    const path = `/api/v3/datasets/${encodeURIComponent(pid)}/attachments`;
    const thumbnail = 'data:image/png;base64,AAAA';
    const noOwner = await call('POST', path, { thumbnail, caption: 'x' }, token);
    expect(noOwner.status).toBe(400);
    expect((noOwner.body as { message: string[] }).message).toContain('ownerGroup should not be empty');
    expect((await call('POST', path, { thumbnail, caption: 'x', ownerGroup: '' }, token)).status).toBe(400);
    const noCaption = await call('POST', path, { thumbnail, ownerGroup: 'p12345' }, token);
    expect((noCaption.body as { message: string[] }).message).toContain('caption must be a string');
    expect((await call('POST', path, { thumbnail, caption: 'x', ownerGroup: 'p1', owner: 'nobody' }, token)).status).toBe(400);
    expect(sim.attachments(pid)).toHaveLength(0);
    expect((await call('POST', path, { caption: 'no picture', ownerGroup: 'p1' }, token)).status).toBe(201);
    const ok = await call('POST', path, { thumbnail, caption: 'x', ownerGroup: 'someone-else', accessGroups: ['8.3.2'] }, token);
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ datasetId: pid, ownerGroup: 'p12345', accessGroups: ['8.3.2'] });
    expect(sim.attachments(pid)).toHaveLength(2);
    expect((await call('POST', `/api/v3/datasets/${encodeURIComponent('nope/x')}/attachments`, { thumbnail, caption: 'x', ownerGroup: 'p1' }, token)).status).toBe(404);
  });

  it('sizes and counts are integers, chkAlg and ownerGroup not empty, e-mails as validator.js sees them', async () => {
    const token = await login();
    const bad = async (doc: object): Promise<string> => {
      const r = await call('POST', '/api/v3/Datasets', doc, token);
      expect(r.status).toBe(400);
      return (r.body as { message: string }).message;
    };
    expect(await bad({ ...minimal, size: 1.5 })).toContain('size must be an integer number');
    expect(await bad({ ...minimal, numberOfFiles: 2.5 })).toContain('numberOfFiles must be an integer number');
    expect(await bad({ ...minimal, ownerGroup: '' })).toContain('ownerGroup should not be empty');
    // A 65-character local part passes a plain pattern, not validator.js's isEmail (RFC 5321 limits).
    expect(await bad({ ...minimal, contactEmail: `${'x'.repeat(65)}@example.org` })).toContain('contactEmail');
    expect(await bad({ ...minimal, ownerEmail: `a@${'b'.repeat(64)}.org` })).toContain('ownerEmail must be an email');
    expect((await call('POST', '/api/v3/Datasets', { ...minimal, contactEmail: 'o.neil+scans@example.org; éa@example.org' }, token)).status).toBe(201);
    const pid = sim.datasets()[0]?.pid as string;
    const path = `/api/v3/Datasets/${encodeURIComponent(pid)}/origdatablocks`;
    const file = { path: 'a', size: 3, time: '2024-05-01T00:00:00Z' };
    expect((await call('POST', path, { size: 3.5, dataFileList: [file] }, token)).body).toMatchObject({ message: ['size must be an integer number'] });
    expect((await call('POST', path, { size: 3, chkAlg: '', dataFileList: [file] }, token)).body).toMatchObject({ message: ['chkAlg should not be empty'] });
    expect((await call('POST', path, { size: 3, dataFileList: [] }, token)).body).toMatchObject({ message: ['dataFileList should not be empty'] });
    // A file's own size is `@IsNumber()`: a fraction is allowed there.
    expect((await call('POST', path, { size: 3, chkAlg: 'xxh128', dataFileList: [{ ...file, size: 2.5, chk: 'abc' }] }, token)).status).toBe(201);
  });

  it('the filter goes through the backend\'s WherePipe: date-like strings in where become Dates and match nothing; inq items are left alone', async () => {
    const token = await login();
    const q = (where: unknown, extra = ''): string => `/api/v3/datasets?filter=${encodeURIComponent(JSON.stringify({ where }))}${extra}`;
    const found = async (where: unknown): Promise<number> => ((await call('GET', q(where), undefined, token)).body as unknown[]).length;
    await call('POST', '/api/v3/Datasets', { ...minimal, sourceFolder: '/raw/2024-01-01', datasetName: 'Sample 3' }, token);
    await call('POST', '/api/v3/Datasets', { ...minimal, sourceFolder: '/raw/p1', datasetName: '2024-03-15' }, token);
    // v4.27 (the default): any string Date parses.
    expect(await found({ sourceFolder: '/raw/2024-01-01' })).toBe(0);
    expect(await found({ datasetName: 'Sample 3' })).toBe(0);
    expect(await found({ datasetName: '2024-03-15' })).toBe(0);
    expect(await found({ sourceFolder: '/raw/p1' })).toBe(1);
    expect(await found({ sourceFolder: { inq: ['/raw/2024-01-01'] }, datasetName: { inq: ['Sample 3'] } })).toBe(1);
    expect(await found({ datasetName: { inq: ['2024-03-15'] } })).toBe(1);
    // Dates do match date fields; an unknown operator is a 400, as Mongo's error.
    expect(await found({ creationTime: '2024-05-01T12:00:00Z' })).toBe(2);
    expect((await call('GET', q({ datasetName: { $foo: 1 } }), undefined, token)).status).toBe(400);

    await sim.close();
    sim = await startScicatSim({ users: { ingestor: 'pw-123' }, wherePipe: 'v4.28' });
    const t2 = await login();
    await call('POST', '/api/v3/Datasets', { ...minimal, sourceFolder: '/raw/2024-01-01', datasetName: '2024-03-15' }, t2);
    const n = async (where: unknown): Promise<number> => ((await call('GET', q(where), undefined, t2)).body as unknown[]).length;
    // v4.28+: only strings starting YYYY-MM-DD.
    expect(await n({ sourceFolder: '/raw/2024-01-01' })).toBe(1);
    expect(await n({ datasetName: '2024-03-15' })).toBe(0);
    expect(await n({ datasetName: { inq: ['2024-03-15'] } })).toBe(1);
  });

  it('a list answers 100 datasets unless limits.limit says otherwise', async () => {
    const token = await login();
    for (let i = 0; i < 105; i++) await call('POST', '/api/v3/Datasets', { ...minimal, datasetName: `scan${i}.h5` }, token);
    expect((await call('GET', '/api/v3/Datasets', undefined, token)).body).toHaveLength(100);
    const page = (limits: unknown): string => `/api/v3/Datasets?filter=${encodeURIComponent(JSON.stringify({ limits }))}`;
    expect((await call('GET', page({ skip: 100 }), undefined, token)).body).toHaveLength(5);
    expect((await call('GET', page({ limit: 3 }), undefined, token)).body).toHaveLength(3);
  });

  it('injects status faults a given number of times and logs requests', async () => {
    sim.inject('POST', /auth\/login$/, { kind: 'status', status: 503, times: 2 });
    expect((await call('POST', '/api/v3/auth/login', { username: 'ingestor', password: 'pw-123' })).status).toBe(503);
    expect((await call('POST', '/api/v3/auth/login', { username: 'ingestor', password: 'pw-123' })).status).toBe(503);
    expect((await call('POST', '/api/v3/auth/login', { username: 'ingestor', password: 'pw-123' })).status).toBe(201);
    expect(sim.requests.map((r) => r.status)).toEqual([503, 503, 201]);
  });
});
