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

  it('answers 401 without a valid bearer token, and after expireTokens', async () => {
    expect((await call('GET', '/api/v3/Datasets')).status).toBe(401);
    expect((await call('GET', '/api/v3/Datasets', undefined, 'made-up')).status).toBe(401);
    const token = await login();
    expect((await call('GET', '/api/v3/Datasets', undefined, token)).status).toBe(200);
    sim.expireTokens();
    expect((await call('GET', '/api/v3/Datasets', undefined, token)).status).toBe(401);
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
    expect((await call('GET', '/api/v3/datasets?filter=%7Bnot-json', undefined, token)).status).toBe(400);
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

  it('attachments need a thumbnail; 404 for an unknown dataset', async () => {
    const token = await login();
    const pid = ((await call('POST', '/api/v3/Datasets', minimal, token)).body as { pid: string }).pid;
    const path = `/api/v3/datasets/${encodeURIComponent(pid)}/attachments`;
    expect((await call('POST', path, { caption: 'x' }, token)).status).toBe(400);
    expect((await call('POST', path, { thumbnail: 'data:image/png;base64,AAAA', caption: 'x' }, token)).status).toBe(201);
    expect(sim.attachments(pid)).toHaveLength(1);
    expect((await call('POST', `/api/v3/datasets/${encodeURIComponent('nope/x')}/attachments`, { thumbnail: 'data:,' }, token)).status).toBe(404);
  });

  it('injects status faults a given number of times and logs requests', async () => {
    sim.inject('POST', /auth\/login$/, { kind: 'status', status: 503, times: 2 });
    expect((await call('POST', '/api/v3/auth/login', { username: 'ingestor', password: 'pw-123' })).status).toBe(503);
    expect((await call('POST', '/api/v3/auth/login', { username: 'ingestor', password: 'pw-123' })).status).toBe(503);
    expect((await call('POST', '/api/v3/auth/login', { username: 'ingestor', password: 'pw-123' })).status).toBe(201);
    expect(sim.requests.map((r) => r.status)).toEqual([503, 503, 201]);
  });
});
