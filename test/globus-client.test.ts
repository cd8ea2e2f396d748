/**
 * The Globus client against the Globus simulator over real HTTP on 127.0.0.1. Only the waits are injected
 * (the retry sleep records what it was asked to wait and returns at once) and, for token expiry, the clock:
 * every request, retry, fault and renewal below crosses a real socket. What the client sent is read from an
 * undici interceptor on the client's dispatcher (it records, then passes the request on unchanged).
 */
import { join } from 'node:path';
import { Agent, type Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import {
  deleteDocument,
  formatGlobusTime,
  GlobusApiError,
  GlobusAuthError,
  GlobusNetworkError,
  isNotFound,
  parseGlobusTime,
  safeLabel,
  transferDocument,
  TransferClient,
  type FileDocument,
  type TaskDocument,
  type TransferClientOptions,
} from '../src/globus/index.js';
import { freePort, tempDir, writeFileAt } from './helpers.js';
import { startGlobusSim } from './sim/globus/index.js';

const SRC = '3b6c1a1e-5a0c-4f6e-9d3b-2f0a1c9e7b11';
const DST = '8e2f7d44-1c9a-4b5e-a6d2-7f3e0b9c4a22';
const CLIENT_ID = 'sim-client';
const SECRET = 'sim-secret-Zq8#pW';

type Sim = Awaited<ReturnType<typeof startGlobusSim>>;

interface Setup {
  sim: Sim;
  client: TransferClient;
  src: string;
  dst: string;
  /** Waits the retry policy asked for, in ms. */
  waits: number[];
  /** Everything handed to the mask callback. */
  masked: string[];
  /** Requests as the client put them on the wire. */
  sent: Sent[];
}

interface Sent {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string | undefined;
  authorization: string | undefined;
}

/** An Agent that records each request (method, path, query, body) before sending it as it is. */
function recordingAgent(sent: Sent[]): Dispatcher {
  return new Agent().compose((dispatch) => (opts, handler) => {
    const url = new URL(opts.path, 'http://x');
    const headers = (opts.headers ?? {}) as Record<string, string>;
    sent.push({
      method: opts.method,
      path: url.pathname,
      query: url.searchParams,
      body: typeof opts.body === 'string' ? opts.body : undefined,
      authorization: headers.authorization,
    });
    return dispatch(opts, handler);
  });
}

const open: Sim[] = [];
/** Every error any test saw: none may carry a secret or a token. */
const seenErrors: Error[] = [];
const seenTokens = new Set<string>();

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function setup(
  simOpts: Partial<Parameters<typeof startGlobusSim>[0]> = {},
  clientOpts: Partial<TransferClientOptions> = {},
): Promise<Setup> {
  const src = await tempDir('globus-src-');
  const dst = await tempDir('globus-dst-');
  const sim = await startGlobusSim({ collections: { [SRC]: src, [DST]: dst }, clients: { [CLIENT_ID]: SECRET }, ...simOpts });
  open.push(sim);
  const waits: number[] = [];
  const masked: string[] = [];
  const sent: Sent[] = [];
  const client = new TransferClient({
    dispatcher: recordingAgent(sent),
    authUrl: sim.url,
    transferUrl: sim.url,
    clientId: CLIENT_ID,
    clientSecret: SECRET,
    mask: (s) => {
      masked.push(s);
      if (s !== SECRET) seenTokens.add(s);
    },
    timeoutMs: 5_000,
    ...clientOpts,
    retry: {
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      random: () => 0.5,
      ...clientOpts.retry,
    },
  });
  return { sim, client, src, dst, waits, masked, sent };
}

/** The rejection of `p`, checked to be a `type`, recorded for the no-secrets check. */
async function failure<E extends Error = Error>(p: Promise<unknown>, type?: abstract new (...args: never[]) => E): Promise<E> {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  if (caught === undefined) throw new Error('expected a rejection');
  if (!(caught instanceof Error)) throw new Error(`rejected with a non-Error: ${JSON.stringify(caught)}`, { cause: caught });
  seenErrors.push(caught);
  if (type && !(caught instanceof type)) throw new Error(`expected a ${type.name}, got ${caught.name}: ${caught.message}`, { cause: caught });
  return caught as E;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function waitForTask(client: TransferClient, id: string, until: (t: TaskDocument) => boolean = (t) => t.status !== 'ACTIVE'): Promise<TaskDocument> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const task = await client.getTask(id);
    if (until(task) || Date.now() > deadline) return task;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const oneFile = (name = 'scan.h5'): ReturnType<typeof transferDocument> =>
  transferDocument({
    source: SRC,
    destination: DST,
    items: [{ source_path: `/raw/${name}`, destination_path: `/copy/${name}` }],
    label: name,
    syncLevel: 'checksum',
    verifyChecksum: true,
    preserveTimestamp: true,
  });

/** JSON bodies the client sent for method + path. */
function bodies(sent: readonly Sent[], method: string, path: string): Record<string, unknown>[] {
  return sent.filter((r) => r.method === method && r.path === path).map((r) => JSON.parse(r.body ?? 'null') as Record<string, unknown>);
}

const sentTo = (sent: readonly Sent[], method: string, path: string): number => sent.filter((r) => r.method === method && r.path === path).length;

describe('Globus Auth: client-credentials tokens', () => {
  it('caches the token, renews it 60 s before expiry, and masks secret and tokens', async () => {
    let clock = 1_000_000;
    const { sim, client, masked } = await setup({ tokenLifetimeSeconds: 61 }, { now: () => clock });
    expect(masked).toContain(SECRET);

    const first = await client.auth.accessToken();
    await client.getSubmissionId();
    await client.getSubmissionId();
    expect(sim.count('POST', '/v2/oauth2/token')).toBe(1);
    expect(masked).toContain(first);

    clock += 999; // 61 s lifetime - 60 s margin: still inside the last second of validity
    await client.getSubmissionId();
    expect(sim.count('POST', '/v2/oauth2/token')).toBe(1);

    clock += 2; // within 60 s of expiry: renew before use
    await client.getSubmissionId();
    expect(sim.count('POST', '/v2/oauth2/token')).toBe(2);
    const second = await client.auth.accessToken();
    expect(second).not.toBe(first);
    expect(masked).toContain(second);
    expect(client.auth.tokensIssued).toBe(2);
  });

  it('sends the form body with Basic auth and the Transfer scope', async () => {
    const { client, sent } = await setup();
    const token = await client.auth.accessToken();
    await client.getSubmissionId();
    const [auth, transfer] = sent;
    expect(auth).toMatchObject({ method: 'POST', path: '/v2/oauth2/token' });
    expect(auth?.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64')}`);
    const form = new URLSearchParams(auth?.body);
    expect([...form.keys()].sort()).toEqual(['grant_type', 'scope']);
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('scope')).toBe('urn:globus:auth:scope:transfer.api.globus.org:all');
    expect(transfer?.authorization).toBe(`Bearer ${token}`);
  });

  it('shares one token request among concurrent callers', async () => {
    const { sim, client } = await setup();
    const ids = await Promise.all(Array.from({ length: 6 }, () => client.getSubmissionId()));
    expect(new Set(ids).size).toBe(6);
    expect(sim.count('POST', '/v2/oauth2/token')).toBe(1);
  });

  it('a wrong secret is a clear error, asked once, and the secret is not in it', async () => {
    const { sim, client, waits } = await setup({}, { clientSecret: 'definitely-wrong-secret' });
    const err = await failure(client.getSubmissionId());
    expect(err).toBeInstanceOf(GlobusAuthError);
    expect(err.message).toMatch(/^Globus Auth POST \/v2\/oauth2\/token → 40[01] /);
    expect(err.message).toMatch(/check the Globus client id and secret/);
    expect(err.message).not.toContain('definitely-wrong-secret');
    expect(err.message).not.toContain(Buffer.from(`${CLIENT_ID}:definitely-wrong-secret`).toString('base64'));
    expect(sim.count('POST', '/v2/oauth2/token')).toBe(1);
    expect(sim.count(undefined, '/v0.10/')).toBe(0);
    expect(waits).toEqual([]);
  });

  it('a 401 mid-session renews the token once and succeeds', async () => {
    const { sim, client } = await setup();
    const before = await client.auth.accessToken();
    sim.expireTokens();
    const id = await client.getSubmissionId();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(sim.count('POST', '/v2/oauth2/token')).toBe(2);
    expect(sim.count('GET', '/v0.10/submission_id')).toBe(2);
    expect(await client.auth.accessToken()).not.toBe(before);
  });

  it('a second 401 right after renewal is reported, not looped on', async () => {
    const { sim, client, waits } = await setup();
    sim.inject('GET', /^\/v0\.10\/submission_id/, { kind: 'status', status: 401, code: 'AuthenticationFailed', message: 'Token is not active', times: 5 });
    const err = await failure(client.getSubmissionId(), GlobusApiError);
    expect(err.status).toBe(401);
    expect(sim.count('GET', '/v0.10/submission_id')).toBe(2);
    expect(sim.count('POST', '/v2/oauth2/token')).toBe(2);
    expect(waits).toEqual([]);
  });
});

describe('Transport: the retry policy of CONTRACTS §1.11', () => {
  it('429 with Retry-After waits exactly as told', async () => {
    const { sim, client, waits } = await setup();
    sim.inject('GET', /^\/v0\.10\/submission_id/, { kind: 'status', status: 429, retryAfter: 3, times: 1 });
    await client.getSubmissionId();
    expect(waits).toEqual([3000]);
    expect(sim.count('GET', '/v0.10/submission_id')).toBe(2);
  });

  it('503 is retried with the (0.25 + 0.5·rand)·2^n backoff', async () => {
    const { sim, client, waits } = await setup();
    sim.inject('GET', /^\/v0\.10\/submission_id/, { kind: 'status', status: 503, times: 3 });
    await client.getSubmissionId();
    // random() = 0.5 → 0.5 s · 2^n
    expect(waits).toEqual([500, 1000, 2000]);
    expect(sim.count('GET', '/v0.10/submission_id')).toBe(4);
    expect(client.transport.retriesTaken).toBe(3);
  });

  it('500, 502 and 504 are retried too', async () => {
    const { sim, client, waits } = await setup();
    for (const status of [500, 502, 504]) sim.inject('GET', /^\/v0\.10\/submission_id/, { kind: 'status', status, times: 1 });
    await client.getSubmissionId();
    expect(waits).toHaveLength(3);
    expect(sim.count('GET', '/v0.10/submission_id')).toBe(4);
  });

  it('the backoff is capped at 10 s', async () => {
    const { sim, client, waits } = await setup({}, { retry: { random: () => 0.99 } });
    sim.inject('GET', /^\/v0\.10\/submission_id/, { kind: 'status', status: 500, times: 5 });
    await client.getSubmissionId();
    expect(waits).toHaveLength(5);
    expect(Math.max(...waits)).toBe(10_000);
    expect(waits.every((w) => w <= 10_000)).toBe(true);
  });

  it('a 502 ExternalError (endpoint disconnected) is not retried', async () => {
    const { sim, client, waits } = await setup();
    sim.inject('GET', /\/ls$/, {
      kind: 'status',
      status: 502,
      code: 'ExternalError.DirListingFailed.GCDisconnected',
      message: 'The GridFTP server is not connected',
      times: 3,
    });
    const err = await failure(collect(client.ls(SRC, '/')), GlobusApiError);
    expect(err.code).toBe('ExternalError.DirListingFailed.GCDisconnected');
    expect(err.message).toContain(`Globus Transfer GET /v0.10/operation/endpoint/${SRC}/ls → 502 ExternalError.DirListingFailed.GCDisconnected`);
    expect(sim.count('GET', `/v0.10/operation/endpoint/${SRC}/ls`)).toBe(1);
    expect(waits).toEqual([]);
  });

  it('an EndpointError is not retried either', async () => {
    const { sim, client } = await setup();
    sim.inject('GET', /\/stat$/, { kind: 'status', status: 503, code: 'EndpointError', message: 'endpoint trouble', times: 3 });
    await failure(client.stat(SRC, '/'));
    expect(sim.count('GET', `/v0.10/operation/endpoint/${SRC}/stat`)).toBe(1);
  });

  it('4xx errors are not retried and carry code, message and request id', async () => {
    const { sim, client, waits } = await setup();
    const api = await failure(client.submitTransfer({ DATA_TYPE: 'transfer', source_endpoint: SRC, destination_endpoint: DST, DATA: [] }), GlobusApiError);
    expect(api.status).toBe(400);
    expect(api.code).toBe('ClientError.BadRequest.NoTransferItems');
    expect(api.method).toBe('POST');
    expect(api.path).toBe('/v0.10/transfer');
    expect(api.requestId).toBeTruthy();
    expect(api.message).toBe(
      `Globus Transfer POST /v0.10/transfer → 400 ClientError.BadRequest.NoTransferItems: ${api.apiMessage} (request ${api.requestId ?? ''})`,
    );
    expect(sim.count('POST', '/v0.10/transfer')).toBe(1);
    expect(waits).toEqual([]);
  });

  it('a response slower than timeoutMs is abandoned and retried', async () => {
    const { sim, client, waits, sent } = await setup({}, { timeoutMs: 300 });
    sim.inject('GET', /^\/v0\.10\/submission_id/, { kind: 'delay', ms: 1_500, times: 1 });
    const started = Date.now();
    await client.getSubmissionId();
    expect(Date.now() - started).toBeLessThan(1_400);
    expect(waits).toHaveLength(1);
    expect(sentTo(sent, 'GET', '/v0.10/submission_id')).toBe(2);
  });

  it('a dropped connection is retried', async () => {
    const { sim, client, waits } = await setup();
    sim.inject('GET', /^\/v0\.10\/task\//, { kind: 'drop-before', times: 2 });
    const { task_id } = await client.submitTransfer(oneFile());
    const task = await client.getTask(task_id);
    expect(task.task_id).toBe(task_id);
    expect(waits).toHaveLength(2);
  });

  it('gives up after 5 retries of a 503 with a message that says so', async () => {
    const { sim, client, waits } = await setup();
    sim.inject('GET', /^\/v0\.10\/submission_id/, { kind: 'status', status: 503, message: 'Service down for maintenance', times: 20 });
    const err = await failure(client.getSubmissionId(), GlobusApiError);
    expect(err.attempts).toBe(6);
    expect(err.message).toMatch(/^Globus Transfer GET \/v0\.10\/submission_id → 503 ServiceUnavailable: Service down for maintenance .*after 6 attempts$/);
    expect(sim.count('GET', '/v0.10/submission_id')).toBe(6);
    expect(waits).toHaveLength(5);
  });

  it('gives up after 5 retries of dropped connections with a GlobusNetworkError', async () => {
    const { sim, client, waits } = await setup();
    sim.inject('GET', /^\/v0\.10\/submission_id/, { kind: 'drop-before', times: 20 });
    const err = await failure(client.getSubmissionId(), GlobusNetworkError);
    expect(err.attempts).toBe(6);
    expect(err.message).toMatch(/^Globus Transfer GET \/v0\.10\/submission_id failed after 6 attempts: /);
    expect(waits).toHaveLength(5);
  });

  it('connection refused is retried, then reported', async () => {
    const port = await freePort();
    const waits: number[] = [];
    const client = new TransferClient({
      authUrl: `http://127.0.0.1:${port}`,
      transferUrl: `http://127.0.0.1:${port}`,
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      retry: { maxRetries: 2, sleep: (ms) => (waits.push(ms), Promise.resolve()) },
    });
    const err = await failure(client.getSubmissionId(), GlobusNetworkError);
    expect(err.errorCode).toBe('ECONNREFUSED');
    expect(err.message).toMatch(/^Globus Auth POST \/v2\/oauth2\/token failed after 3 attempts: ECONNREFUSED/);
    expect(waits).toHaveLength(2);
  });
});

describe('Transfer: submissions are idempotent', () => {
  it('a connection dropped after the POST is retried with the same submission id: one task', async () => {
    const { sim, client, waits, src, sent } = await setup();
    await writeFileAt(join(src, 'raw', 'scan.h5'), 'x'.repeat(100));
    sim.inject('POST', /^\/v0\.10\/transfer$/, { kind: 'drop-after', times: 1 });
    const result = await client.submitTransfer(oneFile());
    expect(sim.tasks()).toHaveLength(1);
    expect(result.task_id).toBe(sim.tasks()[0]?.task_id);
    expect(result.code).toBe('Duplicate');
    expect(waits).toHaveLength(1);
    expect(sim.count('GET', '/v0.10/submission_id')).toBe(1);
    const posts = bodies(sent, 'POST', '/v0.10/transfer');
    expect(posts).toHaveLength(2);
    expect(posts[0]?.submission_id).toBeTruthy();
    expect(posts[1]).toEqual(posts[0]);
    expect(result.submission_id).toBe(posts[0]?.submission_id);
    expect(sim.count('POST', '/v0.10/transfer')).toBe(2);
  });

  it('re-submitting with the same submission id answers Duplicate with the original task', async () => {
    const { sim, client } = await setup();
    const submissionId = await client.getSubmissionId();
    const doc = { ...oneFile(), submission_id: submissionId };
    const first = await client.submitTransfer(doc);
    const again = await client.submitTransfer(doc);
    expect(first.code).toBe('Accepted');
    expect(again.code).toBe('Duplicate');
    expect(again.task_id).toBe(first.task_id);
    expect(again.submission_id).toBe(submissionId);
    expect(sim.tasks()).toHaveLength(1);
  });

  it('sends the documented body and no null or undefined fields', async () => {
    const { client, sent } = await setup();
    // Unset members, however they arrive, are left out rather than sent as null.
    const doc = { ...oneFile(), encrypt_data: undefined, deadline: null as unknown as string };
    const { task_id } = await client.submitTransfer(doc);
    const [body] = bodies(sent, 'POST', '/v0.10/transfer');
    expect(body).toMatchObject({
      DATA_TYPE: 'transfer',
      source_endpoint: SRC,
      destination_endpoint: DST,
      label: 'scan_h5',
      sync_level: 3,
      verify_checksum: true,
      preserve_timestamp: true,
      DATA: [{ DATA_TYPE: 'transfer_item', source_path: '/raw/scan.h5', destination_path: '/copy/scan.h5' }],
    });
    const nulls = JSON.stringify(body).match(/null/g);
    expect(nulls).toBeNull();
    expect(Object.keys(body ?? {}).sort()).toEqual(
      ['DATA', 'DATA_TYPE', 'destination_endpoint', 'label', 'preserve_timestamp', 'source_endpoint', 'submission_id', 'sync_level', 'verify_checksum'].sort(),
    );
    expect(await client.getTask(task_id)).toMatchObject({ label: 'scan_h5', sync_level: 3, verify_checksum: true, preserve_timestamp: true });
  });

  it('a transfer runs to SUCCEEDED; events and successful_transfers page through', async () => {
    const { client, src, sent } = await setup();
    // The service pages successful_transfers by marker (the simulator: 100 a page), so 120 files take two pages.
    const names = Array.from({ length: 120 }, (_, i) => `f${String(i).padStart(3, '0')}.h5`);
    for (const n of names) await writeFileAt(join(src, 'raw', n), `data ${n}`);
    const doc = transferDocument({
      source: SRC,
      destination: DST,
      items: names.map((n) => ({ source_path: `/raw/${n}`, destination_path: `/copy/${n}` })),
      label: '120 files',
      syncLevel: 'checksum',
    });
    const { task_id } = await client.submitTransfer(doc);
    const task = await waitForTask(client, task_id);
    expect(task.status).toBe('SUCCEEDED');
    expect(task.type).toBe('TRANSFER');

    const copied = await collect(client.successfulTransfers(task_id));
    expect(copied.map((c) => c.destination_path).sort()).toEqual(names.map((n) => `/copy/${n}`));
    expect(sentTo(sent, 'GET', `/v0.10/task/${task_id}/successful_transfers`)).toBe(2);

    const events = await collect(client.taskEvents(task_id, { limit: 1 }));
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.map((e) => e.code)).toContain('SUCCEEDED');
    expect(events.every((e) => !Number.isNaN(parseGlobusTime(e.time).getTime()))).toBe(true);
    // limit 1: one request per event, plus none past the total
    expect(sentTo(sent, 'GET', `/v0.10/task/${task_id}/event_list`)).toBe(events.length);
    expect(new Set(events.map((e) => JSON.stringify(e))).size).toBe(events.length);
  });

  it('a failed task reports its fatal error; a stuck task can be cancelled', async () => {
    const { sim, client } = await setup();
    sim.failNextTask('FILE_NOT_FOUND', 'file not found');
    const failed = await client.submitTransfer(oneFile('missing.h5'));
    const done = await waitForTask(client, failed.task_id);
    expect(done.status).toBe('FAILED');
    expect(done.fatal_error).toMatchObject({ code: 'FILE_NOT_FOUND' });

    sim.stickNextTask('PERMISSION_DENIED');
    const stuck = await client.submitTransfer(oneFile('locked.h5'));
    const active = await waitForTask(client, stuck.task_id, (t) => t.nice_status === 'PERMISSION_DENIED');
    expect(active.status).toBe('ACTIVE');
    const cancel = await client.cancelTask(stuck.task_id);
    expect(cancel.code).toMatch(/^Cancel/);
    const after = await waitForTask(client, stuck.task_id);
    expect(after.status).toBe('FAILED');
  });
});

describe('Transfer: file operations', () => {
  it('ls pages with a small limit over every entry; parseGlobusTime reads last_modified', async () => {
    const { sim, client, src } = await setup();
    const mtime = new Date('2024-05-06T07:08:09Z');
    for (let i = 0; i < 25; i++) await writeFileAt(join(src, 'scan dir', `frame ${String(i).padStart(2, '0')}&#?.tif`), 'abc', mtime);
    const entries = await collect(client.ls(SRC, '/scan dir', { limit: 10, orderby: ['name'] }));
    expect(entries).toHaveLength(25);
    expect(entries[0]?.name).toBe('frame 00&#?.tif');
    expect(new Set(entries.map((e) => e.name)).size).toBe(25);
    expect(sim.count('GET', `/v0.10/operation/endpoint/${SRC}/ls`)).toBe(3);
    for (const e of entries) {
      expect(e.last_modified).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
      expect(parseGlobusTime(e.last_modified).getTime()).toBe(mtime.getTime());
    }
  });

  it('ls sends show_hidden, orderby and repeated filters as query parameters', async () => {
    const { client, src, sent } = await setup();
    await writeFileAt(join(src, 'd', 'a.h5'), 'aaaa');
    await writeFileAt(join(src, 'd', 'b.txt'), 'b');
    await writeFileAt(join(src, 'd', '.hidden.h5'), 'h');
    const entries = await collect(client.ls(SRC, '/d', { showHidden: false, orderby: ['size DESC', 'name'], filter: ['name:~*.h5', 'type:file'] }));
    expect(entries.map((e) => e.name)).toEqual(['a.h5']);
    const [req] = sent.filter((r) => r.path === `/v0.10/operation/endpoint/${SRC}/ls`);
    const query = req?.query ?? new URLSearchParams();
    expect(query.get('path')).toBe('/d');
    expect(query.get('show_hidden')).toBe('0');
    expect(query.get('orderby')).toBe('size DESC,name');
    expect(query.getAll('filter')).toEqual(['name:~*.h5', 'type:file']);
  });

  it('ls of a missing folder is a 404 the caller can recognise', async () => {
    const { client } = await setup();
    const err = await failure(collect(client.ls(SRC, '/nope')));
    expect(isNotFound(err)).toBe(true);
  });

  it('stat, mkdir (existOk) and a delete task', async () => {
    const { client, src } = await setup();
    await writeFileAt(join(src, 'raw', 'old.h5'), '12345');
    const st: FileDocument = await client.stat(SRC, '/raw/old.h5');
    expect(st).toMatchObject({ name: 'old.h5', type: 'file', size: 5 });

    const missing = await failure(client.stat(SRC, '/raw/none.h5'));
    expect(isNotFound(missing)).toBe(true);

    const made = await client.mkdir(SRC, '/new dir');
    expect(made.code).toBeTruthy();
    expect((await client.stat(SRC, '/new dir')).type).toBe('dir');
    const exists = await failure(client.mkdir(SRC, '/new dir'), GlobusApiError);
    expect(exists.code).toBe('ExternalError.MkdirFailed.Exists');
    await expect(client.mkdir(SRC, '/new dir', { existOk: true })).resolves.toMatchObject({ code: 'ExternalError.MkdirFailed.Exists' });

    const del = await client.submitDelete(deleteDocument({ collection: SRC, paths: ['/raw/old.h5'], label: 'prune old.h5', notify: false }));
    expect(del.code).toBe('Accepted');
    const task = await waitForTask(client, del.task_id);
    expect(task).toMatchObject({ status: 'SUCCEEDED', type: 'DELETE' });
    expect(isNotFound(await failure(client.stat(SRC, '/raw/old.h5')))).toBe(true);
  });

  it('a delete dropped after sending is retried with the same submission id', async () => {
    const { sim, client, src, sent } = await setup();
    await writeFileAt(join(src, 'x.h5'), 'x');
    sim.inject('POST', /^\/v0\.10\/delete$/, { kind: 'drop-after', times: 1 });
    const res = await client.submitDelete(deleteDocument({ collection: SRC, paths: ['/x.h5'] }));
    expect(sim.tasks()).toHaveLength(1);
    expect(res.task_id).toBe(sim.tasks()[0]?.task_id);
    const posts = bodies(sent, 'POST', '/v0.10/delete');
    expect(posts).toHaveLength(2);
    expect(posts[1]?.submission_id).toBe(posts[0]?.submission_id);
    expect(res.code).toBe('Duplicate');
  });
});

describe('documents', () => {
  it('safeLabel keeps only what the label rule allows: letters, digits, space, - _ , and at most 128 characters', () => {
    // The `.` of a file name is not allowed (the service answers 400 "Invalid label characters").
    expect(safeLabel('  scan_001.h5 \n')).toBe('scan_001_h5');
    expect(safeLabel('splash 7.3.3 frame_0001.edf and 499 more')).toBe('splash 7_3_3 frame_0001_edf and 499 more');
    expect(safeLabel('a\r\nb')).toBe('a b');
    expect(safeLabel('20240506: tomo/scan')).toBe('20240506_ tomo_scan');
    expect(safeLabel('café Größe x+y(1), a-b')).toBe('cafe Gro_e x_y_1_, a-b');
    const long = safeLabel(`${'x'.repeat(127)} y`);
    expect(long.length).toBeLessThanOrEqual(128);
    expect(long).toBe('x'.repeat(127));
    expect(safeLabel(' \n ')).toBe('');
    for (const text of ['scan_001.h5', '../etc/passwd', 'tab\tand\u00a0nbsp', '😀 emoji', '"quoted" <tag> & \\', 'a'.repeat(300)]) {
      expect(safeLabel(text)).toMatch(/^(?:[A-Za-z0-9_,-](?:[A-Za-z0-9 _,-]{0,126}[A-Za-z0-9_,-])?)?$/);
    }
  });

  it('the builders sanitise the label themselves: callers pass free text', () => {
    const items = [{ source_path: '/raw/scan_001.h5', destination_path: '/copy/scan_001.h5' }];
    expect(transferDocument({ source: SRC, destination: DST, items, label: 'splash bl832 scan_001.h5' }).label).toBe('splash bl832 scan_001_h5');
    expect(deleteDocument({ collection: SRC, paths: ['/raw/scan_001.h5'], label: 'splash prune data832.raw 1 files' }).label).toBe('splash prune data832_raw 1 files');
  });

  it('transferDocument maps the options and omits the unset ones', () => {
    const doc = transferDocument({
      source: SRC,
      destination: DST,
      items: [{ source_path: '/a', destination_path: '/b' }],
      label: '\n',
      syncLevel: 'mtime',
      deadline: new Date('2030-01-02T03:04:05.678Z'),
      notify: false,
    });
    expect(doc).toEqual({
      DATA_TYPE: 'transfer',
      source_endpoint: SRC,
      destination_endpoint: DST,
      DATA: [{ DATA_TYPE: 'transfer_item', source_path: '/a', destination_path: '/b' }],
      sync_level: 2,
      deadline: '2030-01-02T03:04:05+00:00',
      notify_on_succeeded: false,
      notify_on_failed: false,
      notify_on_inactive: false,
    });
    expect(() => transferDocument({ source: SRC, destination: DST, items: [] })).toThrow(/at least one item/);
  });

  it('deleteDocument (no submission id: the client fetches one from the service)', () => {
    expect(deleteDocument({ collection: SRC, paths: ['/a/'], recursive: true })).toEqual({
      DATA_TYPE: 'delete',
      endpoint: SRC,
      DATA: [{ DATA_TYPE: 'delete_item', path: '/a/' }],
      recursive: true,
    });
  });

  it('parseGlobusTime reads both Globus time forms and refuses others', () => {
    expect(parseGlobusTime('2020-09-23 18:53:12+00:00').toISOString()).toBe('2020-09-23T18:53:12.000Z');
    expect(parseGlobusTime('2021-10-06T16:13:57+00:00').toISOString()).toBe('2021-10-06T16:13:57.000Z');
    expect(parseGlobusTime('2021-10-06 16:13:57+02:00').toISOString()).toBe('2021-10-06T14:13:57.000Z');
    expect(parseGlobusTime('2021-10-06 16:13:57').toISOString()).toBe('2021-10-06T16:13:57.000Z');
    expect(() => parseGlobusTime('yesterday')).toThrow(RangeError);
    expect(formatGlobusTime(new Date('2017-10-12T12:33:54Z'))).toBe('2017-10-12T12:33:54+00:00');
  });
});

describe('secrets', () => {
  it('no error seen in this file carries the client secret or a token', () => {
    expect(seenErrors.length).toBeGreaterThan(5);
    const basic = Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64');
    for (const err of seenErrors) {
      const text = `${err.message}\n${err.stack ?? ''}\n${JSON.stringify(err)}`;
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(basic);
      for (const token of seenTokens) expect(text).not.toContain(token);
    }
  });
});
