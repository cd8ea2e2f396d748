/**
 * The Globus simulator (test/sim/globus) spoken to over raw HTTP with undici, as a client would:
 * Auth token flow, Transfer v0.10 documents, status codes and error bodies (CONTRACTS §1), task lifecycle
 * with bytes really copied/removed on disk, paging, and every fault kind.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGlobusSim, TRANSFER_SCOPE } from './sim/globus/index.js';
import type { GlobusSim, TaskDocument } from './sim/globus/index.js';
import { tempDir, writeFileAt } from './helpers.js';

const SRC = 'aaaaaaaa-1111-4111-8111-111111111111';
const DST = 'bbbbbbbb-2222-4222-8222-222222222222';
const UNKNOWN = 'cccccccc-3333-4333-8333-333333333333';

interface Doc {
  [key: string]: unknown;
  DATA?: Doc[];
}
interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Doc;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function call(
  sim: GlobusSim,
  method: 'GET' | 'POST',
  path: string,
  opts: { token?: string; json?: unknown; query?: Record<string, string | number> } = {},
): Promise<Res> {
  const qs = opts.query ? `?${new URLSearchParams(Object.entries(opts.query).map(([k, v]): [string, string] => [k, String(v)])).toString()}` : '';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.json !== undefined) headers['content-type'] = 'application/json';
  const res = await request(`${sim.url}${path}${qs}`, { method, headers, body: opts.json === undefined ? undefined : JSON.stringify(opts.json) });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: (text ? JSON.parse(text) : {}) as Doc };
}

async function tokenRequest(sim: GlobusSim, id: string, secret: string, form: Record<string, string>): Promise<Res> {
  const res = await request(`${sim.url}/v2/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as Doc };
}

async function getToken(sim: GlobusSim, id = 'sim-client', secret = 'sim-secret'): Promise<string> {
  const r = await tokenRequest(sim, id, secret, { grant_type: 'client_credentials', scope: TRANSFER_SCOPE });
  expect(r.status).toBe(200);
  return String(r.body.access_token);
}

async function submissionId(sim: GlobusSim, token: string): Promise<string> {
  const r = await call(sim, 'GET', '/v0.10/submission_id', { token });
  expect(r.status).toBe(200);
  return String(r.body.value);
}

const item = (source_path: string, destination_path: string, extra: Record<string, unknown> = {}) => ({ DATA_TYPE: 'transfer_item', source_path, destination_path, ...extra });

async function transferDoc(sim: GlobusSim, token: string, items: unknown[], extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  return { DATA_TYPE: 'transfer', submission_id: await submissionId(sim, token), source_endpoint: SRC, destination_endpoint: DST, DATA: items, ...extra };
}

/** Submit a transfer and return its task id (asserts Accepted). */
async function submit(sim: GlobusSim, token: string, items: unknown[], extra: Record<string, unknown> = {}): Promise<string> {
  const r = await call(sim, 'POST', '/v0.10/transfer', { token, json: await transferDoc(sim, token, items, extra) });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  expect(r.body.code).toBe('Accepted');
  return String(r.body.task_id);
}

async function submitDelete(sim: GlobusSim, token: string, paths: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const json = { DATA_TYPE: 'delete', submission_id: await submissionId(sim, token), endpoint: DST, DATA: paths.map((path) => ({ DATA_TYPE: 'delete_item', path })), ...extra };
  const r = await call(sim, 'POST', '/v0.10/delete', { token, json });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  expect(r.body).toMatchObject({ DATA_TYPE: 'delete_result', code: 'Accepted' });
  return String(r.body.task_id);
}

async function getTask(sim: GlobusSim, token: string, id: string): Promise<TaskDocument> {
  const r = await call(sim, 'GET', `/v0.10/task/${id}`, { token });
  expect(r.status).toBe(200);
  return r.body as unknown as TaskDocument;
}

/** Poll the task (short sleeps, generous timeout) until pred holds. */
async function waitTask(sim: GlobusSim, token: string, id: string, pred: (t: TaskDocument) => boolean, timeoutMs = 8000): Promise<TaskDocument> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const t = await getTask(sim, token, id);
    if (pred(t)) return t;
    if (Date.now() > end) throw new Error(`task ${id} did not reach the expected state: ${JSON.stringify(t)}`);
    await sleep(15);
  }
}
const finished = (t: TaskDocument): boolean => t.status === 'SUCCEEDED' || t.status === 'FAILED';

function expectErrorBody(r: Res, status: number, code: string, resource: string): void {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body).toEqual({ code, message: expect.any(String) as unknown, request_id: expect.any(String) as unknown, resource });
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/;

let sim: GlobusSim;
let srcRoot: string;
let dstRoot: string;
let outside: string;
let token: string;

beforeAll(async () => {
  srcRoot = await tempDir('globus-sim-src-');
  dstRoot = await tempDir('globus-sim-dst-');
  outside = await tempDir('globus-sim-outside-');
  sim = await startGlobusSim({
    collections: { [SRC]: srcRoot, [DST]: dstRoot },
    clients: { 'sim-client': 'sim-secret', 'other-client': 'other-secret' },
    minTaskMs: 20,
  });
  token = await getToken(sim);
});

afterAll(async () => {
  await sim.close();
});

describe('Globus Auth token endpoint', () => {
  it('issues a bearer token for the transfer scope with the fixture shape', async () => {
    const r = await tokenRequest(sim, 'sim-client', 'sim-secret', { grant_type: 'client_credentials', scope: TRANSFER_SCOPE });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      access_token: expect.any(String) as unknown,
      scope: TRANSFER_SCOPE,
      expires_in: 172800,
      token_type: 'Bearer',
      resource_server: 'transfer.api.globus.org',
      other_tokens: [],
    });
    expect(r.body.access_token).not.toBe(token);
  });

  it('refuses a wrong secret or unknown client (401 invalid_client) and a wrong grant (400 unsupported_grant_type)', async () => {
    const bad = await tokenRequest(sim, 'sim-client', 'wrong', { grant_type: 'client_credentials', scope: TRANSFER_SCOPE });
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ error: 'invalid_client' });
    const unknown = await tokenRequest(sim, 'nobody', 'sim-secret', { grant_type: 'client_credentials', scope: TRANSFER_SCOPE });
    expect(unknown.status).toBe(401);
    const grant = await tokenRequest(sim, 'sim-client', 'sim-secret', { grant_type: 'password', scope: TRANSFER_SCOPE });
    expect(grant.status).toBe(400);
    expect(grant.body).toEqual({ error: 'unsupported_grant_type' });
  });

  it('honours tokenLifetimeSeconds: the token is refused once expired', async () => {
    const root = await tempDir();
    const s = await startGlobusSim({ collections: { [SRC]: root }, tokenLifetimeSeconds: 1 });
    try {
      const r = await tokenRequest(s, 'sim-client', 'sim-secret', { grant_type: 'client_credentials', scope: TRANSFER_SCOPE });
      expect(r.body.expires_in).toBe(1);
      const t = String(r.body.access_token);
      expect((await call(s, 'GET', '/v0.10/submission_id', { token: t })).status).toBe(200);
      await sleep(1050);
      expectErrorBody(await call(s, 'GET', '/v0.10/submission_id', { token: t }), 401, 'AuthenticationFailed', '/v0.10/submission_id');
    } finally {
      await s.close();
    }
  });
});

describe('Transfer authentication', () => {
  it('answers 401 AuthenticationFailed without a token, with a bogus one, and after expireTokens()', async () => {
    expectErrorBody(await call(sim, 'GET', '/v0.10/submission_id'), 401, 'AuthenticationFailed', '/v0.10/submission_id');
    expectErrorBody(await call(sim, 'GET', '/v0.10/submission_id', { token: 'not-a-token' }), 401, 'AuthenticationFailed', '/v0.10/submission_id');
    const t = await getToken(sim);
    expect((await call(sim, 'GET', '/v0.10/submission_id', { token: t })).status).toBe(200);
    sim.expireTokens();
    expectErrorBody(await call(sim, 'GET', '/v0.10/submission_id', { token: t }), 401, 'AuthenticationFailed', '/v0.10/submission_id');
    expect((await call(sim, 'GET', '/v0.10/submission_id', { token })).status).toBe(401);
    token = await getToken(sim); // a fresh token works again
    expect((await call(sim, 'GET', '/v0.10/submission_id', { token })).status).toBe(200);
  });

  it('answers an unknown route with 404 ClientError.NotFound', async () => {
    expectErrorBody(await call(sim, 'GET', '/v0.10/nope', { token }), 404, 'ClientError.NotFound', '/v0.10/nope');
    expectErrorBody(await call(sim, 'GET', '/v9/whatever'), 404, 'ClientError.NotFound', '/v9/whatever');
  });
});

describe('transfer tasks', () => {
  it('gets a submission id, transfers, polls to SUCCEEDED, really copies bytes and preserves mtime', async () => {
    const mtime = new Date('2020-03-04T05:06:07Z');
    await writeFileAt(join(srcRoot, 'raw/scan1/a.h5'), 'hello globus', mtime);
    await writeFileAt(join(srcRoot, 'raw/scan1/b.h5'), Buffer.alloc(5000, 7), mtime);
    const sid = await submissionId(sim, token);
    expect(sid).toMatch(/^[0-9a-f-]{36}$/);
    const r = await call(sim, 'POST', '/v0.10/transfer', {
      token,
      json: {
        DATA_TYPE: 'transfer', submission_id: sid, source_endpoint: SRC, destination_endpoint: DST, label: 'scan1',
        sync_level: 3, verify_checksum: true, preserve_timestamp: true,
        DATA: [item('/raw/scan1/a.h5', '/out/scan1/a.h5'), item('/raw/scan1/b.h5', '/out/scan1/b.h5')],
      },
    });
    expect(r.status).toBe(202);
    const id = String(r.body.task_id);
    expect(r.body).toEqual({
      DATA_TYPE: 'transfer_result', code: 'Accepted', message: expect.any(String) as unknown, request_id: expect.any(String) as unknown,
      resource: '/v0.10/transfer', submission_id: sid, task_id: id,
      task_link: { DATA_TYPE: 'link', href: `task/${id}?format=json`, rel: 'related', resource: 'task', title: 'related task' },
    });
    const active = await getTask(sim, token, id);
    expect(active).toMatchObject({ DATA_TYPE: 'task', task_id: id, type: 'TRANSFER', status: 'ACTIVE', is_ok: true, completion_time: null, label: 'scan1' });
    const done = await waitTask(sim, token, id, finished);
    expect(done).toMatchObject({
      status: 'SUCCEEDED', fatal_error: null, nice_status: null, nice_status_short_description: null, is_ok: null,
      source_endpoint_id: SRC, destination_endpoint_id: DST, sync_level: 3, verify_checksum: true, preserve_timestamp: true,
      files: 2, files_transferred: 2, files_skipped: 0, bytes_transferred: 5012, bytes_checksummed: 5012,
      subtasks_total: 2, subtasks_succeeded: 2, subtasks_pending: 0, subtasks_failed: 0, command: 'API 0.10',
    });
    expect(done.completion_time).toMatch(ISO);
    expect(done.request_time).toMatch(ISO);
    expect(done.deadline).toMatch(ISO);
    expect(done.effective_bytes_per_second).toBeGreaterThan(0);
    expect(readFileSync(join(dstRoot, 'out/scan1/a.h5'), 'utf8')).toBe('hello globus');
    expect(readFileSync(join(dstRoot, 'out/scan1/b.h5'))).toEqual(Buffer.alloc(5000, 7));
    expect(statSync(join(dstRoot, 'out/scan1/a.h5')).mtime.getTime()).toBe(mtime.getTime());
    expect(sim.tasks().find((t) => t.task_id === id)?.status).toBe('SUCCEEDED');

    // the same files again with sync_level 3: nothing is copied, both are skipped
    const again = await submit(sim, token, [item('/raw/scan1/a.h5', '/out/scan1/a.h5'), item('/raw/scan1/b.h5', '/out/scan1/b.h5')], { sync_level: 3 });
    const skipped = await waitTask(sim, token, again, finished);
    expect(skipped).toMatchObject({ status: 'SUCCEEDED', files_transferred: 0, files_skipped: 2, bytes_transferred: 0 });
    const st = await call(sim, 'GET', `/v0.10/task/${again}/successful_transfers`, { token });
    expect(st.body).toEqual({ DATA_TYPE: 'successful_transfers', marker: 0, next_marker: null, DATA: [] });
  });

  it('does not preserve the timestamp unless asked', async () => {
    await writeFileAt(join(srcRoot, 'ts/old.txt'), 'x', new Date('2019-01-01T00:00:00Z'));
    const id = await submit(sim, token, [item('/ts/old.txt', '/ts/old.txt')]);
    await waitTask(sim, token, id, finished);
    expect(statSync(join(dstRoot, 'ts/old.txt')).mtime.getFullYear()).toBeGreaterThan(2019);
  });

  it('copies a recursive directory item', async () => {
    await writeFileAt(join(srcRoot, 'tree/x/1.txt'), '1');
    await writeFileAt(join(srcRoot, 'tree/x/y/2.txt'), '22');
    await mkdir(join(srcRoot, 'tree/x/empty'), { recursive: true });
    const id = await submit(sim, token, [item('/tree/x', '/copied/x', { recursive: true })]);
    const t = await waitTask(sim, token, id, finished);
    expect(t).toMatchObject({ status: 'SUCCEEDED', files: 2, files_transferred: 2, bytes_transferred: 3 });
    expect(t.directories).toBeGreaterThanOrEqual(3);
    expect(readFileSync(join(dstRoot, 'copied/x/y/2.txt'), 'utf8')).toBe('22');
    expect(statSync(join(dstRoot, 'copied/x/empty')).isDirectory()).toBe(true);
  });

  it('answers Duplicate with the original task id for a re-POSTed submission id, and creates no second task', async () => {
    await writeFileAt(join(srcRoot, 'dup/f.txt'), 'dup');
    const json = await transferDoc(sim, token, [item('/dup/f.txt', '/dup/f.txt')]);
    const first = await call(sim, 'POST', '/v0.10/transfer', { token, json });
    expect(first.body.code).toBe('Accepted');
    const before = sim.tasks().length;
    const second = await call(sim, 'POST', '/v0.10/transfer', { token, json });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ DATA_TYPE: 'transfer_result', code: 'Duplicate', task_id: first.body.task_id, submission_id: json.submission_id });
    expect(sim.tasks().length).toBe(before);
  });

  it('refuses an empty DATA with 400 ClientError.BadRequest.NoTransferItems', async () => {
    const r = await call(sim, 'POST', '/v0.10/transfer', { token, json: await transferDoc(sim, token, []) });
    expectErrorBody(r, 400, 'ClientError.BadRequest.NoTransferItems', '/v0.10/transfer');
  });

  it('validates the document: DATA_TYPE, submission_id, endpoints, unknown keys, sync_level', async () => {
    const ok = await transferDoc(sim, token, [item('/a', '/b')]);
    const bad = async (json: unknown, status = 400, code = 'ClientError.BadRequest'): Promise<void> => {
      expectErrorBody(await call(sim, 'POST', '/v0.10/transfer', { token, json }), status, code, '/v0.10/transfer');
    };
    await bad({ ...ok, DATA_TYPE: 'delete' });
    await bad({ ...ok, submission_id: undefined });
    await bad({ ...ok, submission_id: 'not-a-uuid' });
    await bad({ ...ok, source_endpoint_id: SRC });
    await bad({ ...ok, sync_level: 'checksum' });
    await bad({ ...ok, DATA: [{ source_path: '/a', destination_path: '/b' }] });
    await bad({ ...ok, source_endpoint: UNKNOWN }, 404, 'EndpointNotFound');
    await bad({ ...ok, destination_endpoint: UNKNOWN }, 404, 'EndpointNotFound');
  });

  it('enforces the label rules: letters, digits, space, - _ , only; <=128 chars; no leading/trailing whitespace', async () => {
    await writeFileAt(join(srcRoot, 'label/f.txt'), 'l');
    const refused = async (label: string, message: RegExp): Promise<void> => {
      const r = await call(sim, 'POST', '/v0.10/transfer', { token, json: await transferDoc(sim, token, [item('/label/f.txt', '/label/f.txt')], { label }) });
      expectErrorBody(r, 400, 'BadRequest', '/v0.10/transfer');
      expect(r.body.message, label).toMatch(message);
    };
    // The recorded refusal (DKISTDC/dkist#195): 400 BadRequest "Invalid label characters".
    for (const label of ['scan_001.h5', 'a:b', 'two\nlines', 'cr\rhere', 'tab\there', 'a/b', 'ü', 'x+y', '(1)']) await refused(label, /^Invalid label characters$/);
    await refused('x'.repeat(129), /too long/);
    await refused(' leading', /whitespace/);
    await refused('trailing ', /whitespace/);
    const id = await submit(sim, token, [item('/label/f.txt', '/label/f.txt')], { label: 'y'.repeat(128) });
    expect((await getTask(sim, token, id)).label).toBe('y'.repeat(128));
    const ok = await submit(sim, token, [item('/label/f.txt', '/label/f.txt')], { label: 'splash bl832 scan_001-h5, and 3 more' });
    expect((await getTask(sim, token, ok)).label).toBe('splash bl832 scan_001-h5, and 3 more');
  });

  it('keeps a task with a missing source ACTIVE with nice_status FILE_NOT_FOUND, retrying, until cancelled', async () => {
    const id = await submit(sim, token, [item('/missing/nothing.h5', '/missing/nothing.h5')]);
    const t = await waitTask(sim, token, id, (x) => x.nice_status === 'FILE_NOT_FOUND');
    expect(t).toMatchObject({ status: 'ACTIVE', is_ok: false, completion_time: null, fatal_error: null, subtasks_retrying: 1 });
    await sleep(150);
    const later = await getTask(sim, token, id);
    expect(later.status).toBe('ACTIVE');
    expect(later.faults).toBeGreaterThan(1); // it retried
    const ev = await call(sim, 'GET', `/v0.10/task/${id}/event_list`, { token });
    expect(ev.body.DATA?.some((e) => e.code === 'FILE_NOT_FOUND' && e.is_error === true)).toBe(true);

    const c = await call(sim, 'POST', `/v0.10/task/${id}/cancel`, { token });
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ DATA_TYPE: 'result', code: 'Canceled', message: expect.any(String) as unknown, request_id: expect.any(String) as unknown });
    const done = await getTask(sim, token, id);
    expect(done).toMatchObject({ status: 'FAILED', fatal_error: { code: 'CANCELED', description: 'canceled' }, nice_status: null, is_ok: null, subtasks_canceled: 1 });
    expect(done.completion_time).toMatch(ISO);
    const ev2 = await call(sim, 'GET', `/v0.10/task/${id}/event_list`, { token, query: { limit: 1 } });
    expect(ev2.body.DATA?.[0]).toMatchObject({ DATA_TYPE: 'event', code: 'CANCELED', is_error: true });
    // A finished task is no error: 200 TaskComplete, as the live service answered globus-sdk-python's test_cancel_task.
    const again = await call(sim, 'POST', `/v0.10/task/${id}/cancel`, { token });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({
      DATA_TYPE: 'result', code: 'TaskComplete', message: 'The task completed before the cancel request was processed.',
      resource: `/task/${id}/cancel`, request_id: expect.any(String) as unknown,
    });
  });

  it('finishes a retrying task once the missing source appears', async () => {
    const id = await submit(sim, token, [item('/late/f.txt', '/late/f.txt')]);
    await waitTask(sim, token, id, (x) => x.nice_status === 'FILE_NOT_FOUND');
    await writeFileAt(join(srcRoot, 'late/f.txt'), 'arrived');
    const t = await waitTask(sim, token, id, finished);
    expect(t).toMatchObject({ status: 'SUCCEEDED', files_transferred: 1 });
    expect(t.faults).toBeGreaterThanOrEqual(1);
    expect(readFileSync(join(dstRoot, 'late/f.txt'), 'utf8')).toBe('arrived');
  });

  it('skips missing sources with skip_source_errors and lists them in skipped_errors', async () => {
    await writeFileAt(join(srcRoot, 'skip/ok.txt'), 'ok');
    const id = await submit(sim, token, [item('/skip/ok.txt', '/skip/ok.txt'), item('/skip/gone.txt', '/skip/gone.txt')], { skip_source_errors: true });
    const t = await waitTask(sim, token, id, finished);
    expect(t).toMatchObject({ status: 'SUCCEEDED', skip_source_errors: true, files_transferred: 1, subtasks_skipped_errors: 1, subtasks_succeeded: 1 });
    const se = await call(sim, 'GET', `/v0.10/task/${id}/skipped_errors`, { token });
    expect(se.body).toMatchObject({ DATA_TYPE: 'skipped_errors', next_marker: null, DATA: [{ DATA_TYPE: 'skipped_error', error_code: 'FILE_NOT_FOUND', source_path: '/skip/gone.txt' }] });
  });

  it('pages event_list by limit/offset with a total, newest first', async () => {
    await writeFileAt(join(srcRoot, 'ev/f.txt'), 'e');
    const id = await submit(sim, token, [item('/ev/f.txt', '/ev/f.txt')]);
    await waitTask(sim, token, id, finished);
    const all = await call(sim, 'GET', `/v0.10/task/${id}/event_list`, { token });
    expect(all.body).toMatchObject({ DATA_TYPE: 'event_list', limit: 10, offset: 0, total: 3, length: 3 });
    expect(all.body.DATA?.map((e) => e.code)).toEqual(['SUCCEEDED', 'PROGRESS', 'STARTED']);
    for (const e of all.body.DATA ?? []) {
      expect(Object.keys(e).sort()).toEqual(['DATA_TYPE', 'code', 'description', 'details', 'is_error', 'time']);
      expect(e.time).toMatch(ISO);
    }
    const p1 = await call(sim, 'GET', `/v0.10/task/${id}/event_list`, { token, query: { limit: 2, offset: 0 } });
    const p2 = await call(sim, 'GET', `/v0.10/task/${id}/event_list`, { token, query: { limit: 2, offset: 2 } });
    expect(p1.body).toMatchObject({ limit: 2, offset: 0, total: 3, length: 2 });
    expect(p2.body).toMatchObject({ limit: 2, offset: 2, total: 3, length: 1 });
    expect([...(p1.body.DATA ?? []), ...(p2.body.DATA ?? [])]).toEqual(all.body.DATA);
    expect((await call(sim, 'GET', `/v0.10/task/${id}/event_list`, { token, query: { limit: 0 } })).status).toBe(400);
  });

  it('pages successful_transfers by marker (100 per page, next_marker null at the end)', async () => {
    const items = [];
    for (let i = 0; i < 150; i++) {
      const name = `f${String(i).padStart(3, '0')}.dat`;
      await writeFileAt(join(srcRoot, 'many', name), `#${i}`);
      items.push(item(`/many/${name}`, `/many/${name}`));
    }
    const id = await submit(sim, token, items);
    const t = await waitTask(sim, token, id, finished);
    expect(t).toMatchObject({ status: 'SUCCEEDED', files: 150, files_transferred: 150 });
    const p1 = await call(sim, 'GET', `/v0.10/task/${id}/successful_transfers`, { token });
    expect(p1.body).toMatchObject({ DATA_TYPE: 'successful_transfers', marker: 0, next_marker: 100 });
    expect(p1.body.DATA).toHaveLength(100);
    expect(p1.body.DATA?.[0]).toEqual({ DATA_TYPE: 'successful_transfer', source_path: '/many/f000.dat', destination_path: '/many/f000.dat' });
    const p2 = await call(sim, 'GET', `/v0.10/task/${id}/successful_transfers`, { token, query: { marker: Number(p1.body.next_marker) } });
    expect(p2.body).toMatchObject({ marker: 100, next_marker: null });
    expect(p2.body.DATA).toHaveLength(50);
    const paths = new Set([...(p1.body.DATA ?? []), ...(p2.body.DATA ?? [])].map((d) => d.destination_path));
    expect(paths.size).toBe(150);
    expect(existsSync(join(dstRoot, 'many/f149.dat'))).toBe(true);
  });

  it('answers 404 ClientError.NotFound for an unknown task and for another client\'s task', async () => {
    expectErrorBody(await call(sim, 'GET', `/v0.10/task/${UNKNOWN}`, { token }), 404, 'ClientError.NotFound', `/v0.10/task/${UNKNOWN}`);
    const mine = sim.tasks().at(-1)?.task_id ?? '';
    const other = await getToken(sim, 'other-client', 'other-secret');
    expect((await call(sim, 'GET', `/v0.10/task/${mine}`, { token: other })).status).toBe(404);
    expect((await call(sim, 'POST', `/v0.10/task/${UNKNOWN}/cancel`, { token })).status).toBe(404);
  });
});

describe('test hooks: failed, stuck and suspended tasks', () => {
  it('failNextTask ends the next task FAILED with that fatal_error and an error event', async () => {
    await writeFileAt(join(srcRoot, 'hook/f.txt'), 'h');
    sim.failNextTask('PERMISSION_DENIED', 'permission denied');
    const id = await submit(sim, token, [item('/hook/f.txt', '/hook/failed.txt')]);
    const t = await waitTask(sim, token, id, finished);
    expect(t).toMatchObject({ status: 'FAILED', fatal_error: { code: 'PERMISSION_DENIED', description: 'permission denied' }, nice_status: null, subtasks_failed: 1 });
    const ev = await call(sim, 'GET', `/v0.10/task/${id}/event_list`, { token });
    expect(ev.body.DATA?.[0]).toMatchObject({ code: 'PERMISSION_DENIED', is_error: true });
    expect(existsSync(join(dstRoot, 'hook/failed.txt'))).toBe(false);
  });

  it('stickNextTask keeps the next task ACTIVE with that nice_status until cancelled', async () => {
    sim.stickNextTask('PERMISSION_DENIED');
    const id = await submit(sim, token, [item('/hook/f.txt', '/hook/stuck.txt')]);
    await waitTask(sim, token, id, (x) => x.nice_status === 'PERMISSION_DENIED');
    await sleep(100);
    expect(await getTask(sim, token, id)).toMatchObject({ status: 'ACTIVE', nice_status: 'PERMISSION_DENIED', is_ok: false });
    expect((await call(sim, 'POST', `/v0.10/task/${id}/cancel`, { token })).body.code).toBe('Canceled');
    expect(existsSync(join(dstRoot, 'hook/stuck.txt'))).toBe(false);
  });

  it('inactivateNextTask suspends the next task (INACTIVE) for a while, then it resumes and succeeds', async () => {
    sim.inactivateNextTask(200);
    const id = await submit(sim, token, [item('/hook/f.txt', '/hook/resumed.txt')]);
    const inactive = await waitTask(sim, token, id, (x) => x.status === 'INACTIVE');
    expect(inactive).toMatchObject({ nice_status: 'AUTH', is_ok: false });
    const t = await waitTask(sim, token, id, finished);
    expect(t.status).toBe('SUCCEEDED');
    expect(readFileSync(join(dstRoot, 'hook/resumed.txt'), 'utf8')).toBe('h');
  });

  it('fails a task that reaches its deadline', async () => {
    const deadline = new Date(Date.now() + 300).toISOString(); // RFC 3339 with milliseconds
    const id = await submit(sim, token, [item('/never/there.txt', '/never/there.txt')], { deadline });
    const t = await waitTask(sim, token, id, finished);
    expect(t).toMatchObject({ status: 'FAILED', fatal_error: { code: 'EXPIRED' }, subtasks_expired: 1 });
  });
});

describe('operation/ls, stat, mkdir', () => {
  beforeAll(async () => {
    await writeFileAt(join(srcRoot, 'list/b.h5'), 'bb', new Date('2020-09-23T18:53:12Z'));
    await writeFileAt(join(srcRoot, 'list/a.h5'), 'a', new Date('2021-01-01T00:00:00Z'));
    await writeFileAt(join(srcRoot, 'list/c.txt'), 'cccc', new Date('2022-01-01T00:00:00Z'));
    await writeFileAt(join(srcRoot, 'list/.hidden'), '');
    await mkdir(join(srcRoot, 'list/sub'));
  });
  const ls = (query: Record<string, string | number>, id = SRC) => call(sim, 'GET', `/v0.10/operation/endpoint/${id}/ls`, { token, query });

  it('lists a directory with the recorded shape (space in last_modified)', async () => {
    const r = await ls({ path: '/list/' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ DATA_TYPE: 'file_list', endpoint: SRC, path: '/list/', length: 5, total: 5 });
    const names = r.body.DATA?.map((d) => d.name);
    expect(names).toEqual(['.hidden', 'a.h5', 'b.h5', 'c.txt', 'sub']);
    const b = r.body.DATA?.find((d) => d.name === 'b.h5');
    expect(b).toEqual({
      DATA_TYPE: 'file', name: 'b.h5', type: 'file', size: 2, permissions: expect.stringMatching(/^0[0-7]{3}$/) as unknown,
      last_modified: '2020-09-23 18:53:12+00:00', user: expect.any(String) as unknown, group: expect.any(String) as unknown,
      link_target: null, link_group: null, link_last_modified: null, link_size: null, link_user: null,
    });
    expect(r.body.DATA?.find((d) => d.name === 'sub')?.type).toBe('dir');
    for (const d of r.body.DATA ?? []) expect(d.last_modified).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00:00$/);
  });

  it('slices with limit/offset, orders, filters and hides dotfiles', async () => {
    const p = await ls({ path: '/list', limit: 2, offset: 1 });
    expect(p.body).toMatchObject({ length: 2, total: 5 });
    expect(p.body.DATA?.map((d) => d.name)).toEqual(['a.h5', 'b.h5']);
    const hidden = await ls({ path: '/list', show_hidden: 0 });
    expect(hidden.body.DATA?.map((d) => d.name)).not.toContain('.hidden');
    const bySize = await ls({ path: '/list', orderby: 'size DESC,name', filter: 'type:file' });
    expect(bySize.body.DATA?.map((d) => d.name)).toEqual(['c.txt', 'b.h5', 'a.h5', '.hidden']);
    const h5 = await ls({ path: '/list', filter: 'name:~*.h5' });
    expect(h5.body.DATA?.map((d) => d.name)).toEqual(['a.h5', 'b.h5']);
    const old = await ls({ path: '/list', filter: 'last_modified:,2021-06-01' });
    expect(old.body.DATA?.map((d) => d.name)).toEqual(['a.h5', 'b.h5']);
    expect((await ls({ path: '/list', orderby: 'bogus' })).status).toBe(400);
  });

  it('answers 404 ClientError.NotFound for a missing path and 502 NotDirectory for a file', async () => {
    expectErrorBody(await ls({ path: '/list/nope/' }), 404, 'ClientError.NotFound', `/v0.10/operation/endpoint/${SRC}/ls`);
    expectErrorBody(await ls({ path: '/list/a.h5' }), 502, 'ExternalError.DirListingFailed.NotDirectory', `/v0.10/operation/endpoint/${SRC}/ls`);
    expectErrorBody(await ls({ path: '/' }, UNKNOWN), 404, 'EndpointNotFound', `/v0.10/operation/endpoint/${UNKNOWN}/ls`);
  });

  it('stats a file; 404 NotFound for a missing one', async () => {
    const r = await call(sim, 'GET', `/v0.10/operation/endpoint/${SRC}/stat`, { token, query: { path: '/list/c.txt' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ DATA_TYPE: 'file', name: 'c.txt', type: 'file', size: 4, last_modified: '2022-01-01 00:00:00+00:00' });
    const missing = await call(sim, 'GET', `/v0.10/operation/endpoint/${SRC}/stat`, { token, query: { path: '/list/none.txt' } });
    expectErrorBody(missing, 404, 'NotFound', `/v0.10/operation/endpoint/${SRC}/stat`);
  });

  it('mkdir creates a directory; an existing one answers 502 ExternalError.MkdirFailed.Exists', async () => {
    const path = `/v0.10/operation/endpoint/${DST}/mkdir`;
    const r = await call(sim, 'POST', path, { token, json: { DATA_TYPE: 'mkdir', path: '/made' } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ DATA_TYPE: 'mkdir_result', code: 'DirectoryCreated', message: expect.any(String) as unknown, request_id: expect.any(String) as unknown, resource: path });
    expect(statSync(join(dstRoot, 'made')).isDirectory()).toBe(true);
    expectErrorBody(await call(sim, 'POST', path, { token, json: { DATA_TYPE: 'mkdir', path: '/made' } }), 502, 'ExternalError.MkdirFailed.Exists', path);
    expect((await call(sim, 'POST', path, { token, json: { DATA_TYPE: 'mkdir', path: '/no/parent/here' } })).status).toBe(404);
  });
});

describe('delete tasks', () => {
  it('removes files and directories (recursive) in a DELETE task', async () => {
    await writeFileAt(join(dstRoot, 'prune/scan/a.h5'), 'a');
    await writeFileAt(join(dstRoot, 'prune/scan/deep/b.h5'), 'b');
    await writeFileAt(join(dstRoot, 'prune/single.h5'), 's');
    await writeFileAt(join(dstRoot, 'prune/keep.h5'), 'k');
    const id = await submitDelete(sim, token, ['/prune/scan/', '/prune/single.h5'], { recursive: true });
    const t = await waitTask(sim, token, id, finished);
    expect(t).toMatchObject({ type: 'DELETE', status: 'SUCCEEDED', source_endpoint_id: DST, destination_endpoint_id: null, subtasks_total: 2, subtasks_succeeded: 2, files: 3 });
    expect(existsSync(join(dstRoot, 'prune/scan'))).toBe(false);
    expect(existsSync(join(dstRoot, 'prune/single.h5'))).toBe(false);
    expect(readFileSync(join(dstRoot, 'prune/keep.h5'), 'utf8')).toBe('k');
  });

  it('fails on a directory without recursive, and on a missing path unless ignore_missing', async () => {
    await writeFileAt(join(dstRoot, 'prune2/dir/f.h5'), 'f');
    const noRec = await waitTask(sim, token, await submitDelete(sim, token, ['/prune2/dir']), finished);
    expect(noRec).toMatchObject({ status: 'FAILED', fatal_error: { code: 'ENDPOINT_ERROR' } });
    expect(existsSync(join(dstRoot, 'prune2/dir/f.h5'))).toBe(true);
    const missing = await waitTask(sim, token, await submitDelete(sim, token, ['/prune2/absent.h5']), finished);
    expect(missing).toMatchObject({ status: 'FAILED', fatal_error: { code: 'FILE_NOT_FOUND', description: 'file not found' }, nice_status: null });
    const ignored = await waitTask(sim, token, await submitDelete(sim, token, ['/prune2/absent.h5'], { ignore_missing: true }), finished);
    expect(ignored.status).toBe('SUCCEEDED');
  });

  it('answers Duplicate for a re-POSTed delete submission id and NoDeleteItems for an empty one', async () => {
    await writeFileAt(join(dstRoot, 'prune3/f.h5'), 'f');
    const json = { DATA_TYPE: 'delete', submission_id: await submissionId(sim, token), endpoint: DST, DATA: [{ DATA_TYPE: 'delete_item', path: '/prune3/f.h5' }] };
    const a = await call(sim, 'POST', '/v0.10/delete', { token, json });
    const b = await call(sim, 'POST', '/v0.10/delete', { token, json });
    expect(b.body).toMatchObject({ DATA_TYPE: 'delete_result', code: 'Duplicate', task_id: a.body.task_id });
    const empty = await call(sim, 'POST', '/v0.10/delete', { token, json: { ...json, submission_id: await submissionId(sim, token), DATA: [] } });
    expectErrorBody(empty, 400, 'ClientError.BadRequest.NoDeleteItems', '/v0.10/delete');
  });
});

describe('concurrency limit', () => {
  it('runs at most 3 transfer tasks per client; the 4th waits ACTIVE "Queued" until a slot frees', async () => {
    const a = await tempDir();
    const b = await tempDir();
    await writeFileAt(join(a, 'f.txt'), 'f');
    const s = await startGlobusSim({ collections: { [SRC]: a, [DST]: b }, minTaskMs: 10 });
    try {
      const t = await getToken(s);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        s.stickNextTask('FILE_NOT_FOUND');
        ids.push(await submit(s, t, [item('/f.txt', `/stuck${i}.txt`)]));
      }
      const fourth = await submit(s, t, [item('/f.txt', '/fourth.txt')]);
      for (const id of ids) await waitTask(s, t, id, (x) => x.nice_status === 'FILE_NOT_FOUND');
      await sleep(100);
      expect(await getTask(s, t, fourth)).toMatchObject({ status: 'ACTIVE', nice_status: 'Queued', nice_status_short_description: 'Queued', is_ok: true, subtasks_pending: 1 });
      // delete tasks have their own 3 slots
      const del = await submitDelete(s, t, ['/nothing'], { ignore_missing: true });
      expect((await waitTask(s, t, del, finished)).status).toBe('SUCCEEDED');
      await call(s, 'POST', `/v0.10/task/${ids[0] ?? ''}/cancel`, { token: t });
      expect((await waitTask(s, t, fourth, finished)).status).toBe('SUCCEEDED');
      expect(readFileSync(join(b, 'fourth.txt'), 'utf8')).toBe('f');
      for (const id of ids.slice(1)) await call(s, 'POST', `/v0.10/task/${id}/cancel`, { token: t });
    } finally {
      await s.close();
    }
  });

  it('keeps a task ACTIVE for about bytes / bytesPerSecond', async () => {
    const a = await tempDir();
    const b = await tempDir();
    await writeFileAt(join(a, 'big.bin'), Buffer.alloc(30_000));
    const s = await startGlobusSim({ collections: { [SRC]: a, [DST]: b }, bytesPerSecond: 100_000, minTaskMs: 1 });
    try {
      const t = await getToken(s);
      const started = Date.now();
      const id = await submit(s, t, [item('/big.bin', '/big.bin')]);
      await sleep(100);
      expect((await getTask(s, t, id)).status).toBe('ACTIVE');
      await waitTask(s, t, id, finished);
      expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    } finally {
      await s.close();
    }
  });
});

describe('fault injection and request log', () => {
  it('status: answers the injected status with a Globus error body and Retry-After, before auth, `times` times', async () => {
    sim.inject('GET', /^\/v0\.10\/submission_id$/, { kind: 'status', status: 503, retryAfter: 2, times: 2 });
    const r1 = await call(sim, 'GET', '/v0.10/submission_id'); // no token: the fault comes first
    expectErrorBody(r1, 503, 'ServiceUnavailable', '/v0.10/submission_id');
    expect(r1.headers['retry-after']).toBe('2');
    expect((await call(sim, 'GET', '/v0.10/submission_id', { token })).status).toBe(503);
    expect((await call(sim, 'GET', '/v0.10/submission_id', { token })).status).toBe(200);

    sim.inject('*', /\/ls$/, { kind: 'status', status: 502, code: 'ExternalError.DirListingFailed.GCDisconnected', message: 'gc down' });
    const r2 = await call(sim, 'GET', `/v0.10/operation/endpoint/${SRC}/ls`, { token, query: { path: '/' } });
    expect(r2.body).toMatchObject({ code: 'ExternalError.DirListingFailed.GCDisconnected', message: 'gc down' });
    sim.inject('POST', /oauth2\/token/, { kind: 'status', status: 429 });
    const r3 = await tokenRequest(sim, 'sim-client', 'sim-secret', { grant_type: 'client_credentials', scope: TRANSFER_SCOPE });
    expect(r3.status).toBe(429);
  });

  it('drop-before: the connection is destroyed and nothing happens', async () => {
    await writeFileAt(join(srcRoot, 'faults/f.txt'), 'f');
    const json = await transferDoc(sim, token, [item('/faults/f.txt', '/faults/before.txt')]);
    const before = sim.tasks().length;
    sim.inject('POST', /^\/v0\.10\/transfer$/, { kind: 'drop-before' });
    await expect(call(sim, 'POST', '/v0.10/transfer', { token, json })).rejects.toThrow();
    expect(sim.tasks().length).toBe(before);
    expect(sim.requests.at(-1)).toMatchObject({ method: 'POST', path: '/v0.10/transfer', status: 0 });
    const r = await call(sim, 'POST', '/v0.10/transfer', { token, json });
    expect(r.body.code).toBe('Accepted');
  });

  it('drop-after: the task IS created, the answer is lost; re-POSTing the same submission id gives Duplicate', async () => {
    const json = await transferDoc(sim, token, [item('/faults/f.txt', '/faults/after.txt')]);
    const before = sim.tasks().length;
    sim.inject('POST', /^\/v0\.10\/transfer$/, { kind: 'drop-after' });
    await expect(call(sim, 'POST', '/v0.10/transfer', { token, json })).rejects.toThrow();
    expect(sim.tasks().length).toBe(before + 1);
    const created = sim.tasks().at(-1);
    expect(sim.requests.at(-1)?.status).toBe(0);
    const r = await call(sim, 'POST', '/v0.10/transfer', { token, json });
    expect(r.body).toMatchObject({ code: 'Duplicate', task_id: created?.task_id });
    expect(sim.tasks().length).toBe(before + 1);
    await waitTask(sim, token, String(r.body.task_id), finished);
    expect(existsSync(join(dstRoot, 'faults/after.txt'))).toBe(true);
  });

  it('delay: answers normally after the delay', async () => {
    sim.inject('GET', /submission_id/, { kind: 'delay', ms: 150 });
    const t0 = Date.now();
    const r = await call(sim, 'GET', '/v0.10/submission_id', { token });
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(sim.requests.at(-1)).toMatchObject({ path: '/v0.10/submission_id', status: 200 });
  });

  it('counts requests by method and path prefix and logs each with its status', async () => {
    const id = sim.tasks().at(-1)?.task_id ?? '';
    const before = sim.count('GET', '/v0.10/task/');
    const all = sim.count();
    await getTask(sim, token, id);
    await getTask(sim, token, id);
    await call(sim, 'GET', '/v0.10/task/nope', { token });
    expect(sim.count('GET', '/v0.10/task/')).toBe(before + 3);
    expect(sim.count()).toBe(all + 3);
    expect(sim.count('POST', '/v0.10/task/')).toBe(sim.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/v0.10/task/')).length);
    expect(sim.requests.slice(-3).map((r) => r.status)).toEqual([200, 200, 404]);
    expect(sim.requests.at(-1)).toEqual({ method: 'GET', path: '/v0.10/task/nope', status: 404, time: expect.any(Number) as unknown });
  });
});

describe("the real service's rules for what a client sends (contract.ts)", () => {
  it('issues submission ids (DATA_TYPE submission_id) and accepts only ids it issued to the same client', async () => {
    await writeFileAt(join(srcRoot, 'sid/f.txt'), 's');
    const r = await call(sim, 'GET', '/v0.10/submission_id', { token });
    expect(r.body).toEqual({ DATA_TYPE: 'submission_id', value: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown });
    const doc = await transferDoc(sim, token, [item('/sid/f.txt', '/sid/f.txt')]);
    const before = sim.tasks().length;
    // A well-formed UUID the service never issued, and one issued to another client: both refused, nothing starts.
    const invented = await call(sim, 'POST', '/v0.10/transfer', { token, json: { ...doc, submission_id: '0f8d7a2e-4b1c-4e6f-9a3d-5c2b1e0f7a6d' } });
    expectErrorBody(invented, 400, 'ClientError.BadRequest', '/v0.10/transfer');
    expect(invented.body.message).toMatch(/not issued by GET \/v0\.10\/submission_id/);
    const other = await getToken(sim, 'other-client', 'other-secret');
    const theirs = await submissionId(sim, other);
    expectErrorBody(await call(sim, 'POST', '/v0.10/transfer', { token, json: { ...doc, submission_id: theirs } }), 400, 'ClientError.BadRequest', '/v0.10/transfer');
    const del = { DATA_TYPE: 'delete', submission_id: '0f8d7a2e-4b1c-4e6f-9a3d-5c2b1e0f7a6d', endpoint: DST, DATA: [{ DATA_TYPE: 'delete_item', path: '/sid/f.txt' }] };
    expectErrorBody(await call(sim, 'POST', '/v0.10/delete', { token, json: del }), 400, 'ClientError.BadRequest', '/v0.10/delete');
    expect(sim.tasks().length).toBe(before);
  });

  it('a re-used submission id returns the existing task, even with another document (executed once)', async () => {
    await writeFileAt(join(srcRoot, 'once/a.txt'), 'a');
    const doc = await transferDoc(sim, token, [item('/once/a.txt', '/once/a.txt')]);
    const first = await call(sim, 'POST', '/v0.10/transfer', { token, json: doc });
    expect(first.body.code).toBe('Accepted');
    const changed = await call(sim, 'POST', '/v0.10/transfer', { token, json: { ...doc, DATA: [item('/once/a.txt', '/once/b.txt')] } });
    expect(changed.body).toMatchObject({ code: 'Duplicate', task_id: first.body.task_id, submission_id: doc.submission_id });
    await waitTask(sim, token, String(first.body.task_id), finished);
    expect(existsSync(join(dstRoot, 'once/b.txt'))).toBe(false);
  });

  it('refuses query parameters a route does not take, and repeats of those that are not repeatable', async () => {
    const id = sim.tasks().at(-1)?.task_id ?? '';
    const refused = async (method: 'GET' | 'POST', path: string, query: Record<string, string | number>): Promise<void> => {
      const r = await call(sim, method, path, { token, query, ...(method === 'POST' ? { json: {} } : {}) });
      expectErrorBody(r, 400, 'ClientError.BadRequest', path);
      expect(r.body.message).toMatch(/query parameter/i);
    };
    await refused('GET', '/v0.10/submission_id', { format: 'json' });
    await refused('GET', `/v0.10/task/${id}`, { limit: 1 });
    await refused('GET', `/v0.10/task/${id}/event_list`, { marker: 0 });
    await refused('GET', `/v0.10/task/${id}/successful_transfers`, { limit: 10 });
    await refused('POST', `/v0.10/task/${id}/cancel`, { force: 1 });
    await refused('POST', '/v0.10/transfer', { dry_run: 1 });
    await refused('POST', '/v0.10/delete', { recursive: 'true' });
    await refused('GET', `/v0.10/operation/endpoint/${SRC}/ls`, { path: '/', recursive: 1 });
    await refused('GET', `/v0.10/operation/endpoint/${SRC}/stat`, { path: '/', show_hidden: 1 });
    await refused('POST', `/v0.10/operation/endpoint/${SRC}/mkdir`, { path: '/x' });
    // ls takes filter more than once, never path.
    const ls = `/v0.10/operation/endpoint/${SRC}/ls`;
    const twice = await request(`${sim.url}${ls}?path=%2F&path=%2Flist`, { headers: { authorization: `Bearer ${token}` } });
    expect(twice.statusCode).toBe(400);
    await twice.body.dump();
    const filters = await request(`${sim.url}${ls}?path=%2F&filter=type%3Afile&filter=name%3A~*.txt`, { headers: { authorization: `Bearer ${token}` } });
    expect(filters.statusCode).toBe(200);
    await filters.body.dump();
    // Globus Auth refuses in its own error shape.
    const res = await request(`${sim.url}/v2/oauth2/token?scope=${encodeURIComponent(TRANSFER_SCOPE)}`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('sim-client:sim-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: TRANSFER_SCOPE }).toString(),
    });
    expect(res.statusCode).toBe(400);
    expect(await res.body.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses a client_credentials token request without a scope (400 invalid_scope)', async () => {
    for (const form of [{ grant_type: 'client_credentials' }, { grant_type: 'client_credentials', scope: ' ' }] as Record<string, string>[]) {
      const r = await tokenRequest(sim, 'sim-client', 'sim-secret', form);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ error: 'invalid_scope' });
    }
  });

  it('serves at most 1000 events: offset + limit past that is a 400', async () => {
    const id = sim.tasks().at(-1)?.task_id ?? '';
    const path = `/v0.10/task/${id}/event_list`;
    expect((await call(sim, 'GET', path, { token, query: { limit: 1000, offset: 0 } })).status).toBe(200);
    expectErrorBody(await call(sim, 'GET', path, { token, query: { limit: 1000, offset: 1 } }), 400, 'ClientError.BadRequest', path);
    expectErrorBody(await call(sim, 'GET', path, { token, query: { limit: 1, offset: 1000 } }), 400, 'ClientError.BadRequest', path);
  });

  it('a missing path answers as recorded: stat 404 NotFound, ls 404 ClientError.NotFound, with the GridFTP reply', async () => {
    for (const [op, code] of [['stat', 'NotFound'], ['ls', 'ClientError.NotFound']] as const) {
      const path = `/v0.10/operation/endpoint/${SRC}/${op}`;
      const r = await call(sim, 'GET', path, { token, query: { path: '/no/such/thing' } });
      expectErrorBody(r, 404, code, path);
      const message = String(r.body.message);
      expect(message).toMatch(/^Path not found, Error \(list\)\nEndpoint: .+ \(aaaaaaaa-1111-4111-8111-111111111111\)\nServer: .+\nMessage: No such file or directory\n---\nDetails: /);
      expect(message).toContain("Error: '/no/such/thing' not found\\r\\n550-GlobusError: v=1 c=PATH_NOT_FOUND\\r\\n");
    }
  });
});

describe('paths stay inside the collection folder', () => {
  it('refuses `..` and relative paths with 400, in transfers, deletes and ls', async () => {
    await writeFile(join(outside, 'secret.txt'), 'secret');
    for (const [s, d] of [['/../secret.txt', '/x.txt'], ['/a/../../secret.txt', '/x.txt'], ['/ok.txt', '/../../x.txt'], ['relative.txt', '/x.txt']] as const) {
      const r = await call(sim, 'POST', '/v0.10/transfer', { token, json: await transferDoc(sim, token, [item(s, d)]) });
      expectErrorBody(r, 400, 'ClientError.BadRequest', '/v0.10/transfer');
    }
    const del = await call(sim, 'POST', '/v0.10/delete', {
      token,
      json: { DATA_TYPE: 'delete', submission_id: await submissionId(sim, token), endpoint: DST, recursive: true, DATA: [{ DATA_TYPE: 'delete_item', path: '/../' }] },
    });
    expect(del.status).toBe(400);
    expect((await call(sim, 'GET', `/v0.10/operation/endpoint/${SRC}/ls`, { token, query: { path: '/../' } })).status).toBe(400);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('does not follow symlinks out of the collection', async () => {
    await mkdir(join(outside, 'dir'), { recursive: true });
    await writeFile(join(outside, 'dir/leak.txt'), 'leak');
    await mkdir(join(srcRoot, 'links'), { recursive: true });
    await symlink(join(outside, 'dir'), join(srcRoot, 'links/out'));
    const ls = await call(sim, 'GET', `/v0.10/operation/endpoint/${SRC}/ls`, { token, query: { path: '/links/out' } });
    expect(ls.body.code).toBe('EndpointPermissionDenied');
    expect(ls.status).toBe(403);
    const parent = await call(sim, 'GET', `/v0.10/operation/endpoint/${SRC}/ls`, { token, query: { path: '/links' } });
    expect(parent.body.DATA?.[0]).toMatchObject({ name: 'out', type: 'invalid_symlink', link_target: null });
    const id = await submit(sim, token, [item('/links/out/leak.txt', '/leak.txt')]);
    await waitTask(sim, token, id, (x) => x.nice_status === 'PERMISSION_DENIED');
    await call(sim, 'POST', `/v0.10/task/${id}/cancel`, { token });
    expect(existsSync(join(dstRoot, 'leak.txt'))).toBe(false);
    // a delete through the link removes nothing outside
    await mkdir(join(dstRoot, 'links'), { recursive: true });
    await symlink(join(outside, 'dir'), join(dstRoot, 'links/out'));
    const d = await waitTask(sim, token, await submitDelete(sim, token, ['/links/out/leak.txt']), finished);
    expect(d).toMatchObject({ status: 'FAILED', fatal_error: { code: 'PERMISSION_DENIED' } });
    expect(readFileSync(join(outside, 'dir/leak.txt'), 'utf8')).toBe('leak');
  });
});
