/**
 * Our Globus client held to the real service's rules (issue #9, item 9), over real HTTP against the simulator,
 * which enforces them (test/sim/globus/contract.ts: labels, submission ids, query parameters per route, token
 * scope; recorded error bodies for missing paths). Labels and NotFound tests failed before their fixes.
 */
import { join } from 'node:path';
import { Agent, type Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { GlobusSettings } from '../src/config/index.js';
import type { GlobusEndpoint } from '../src/endpoints.js';
import { SplashError } from '../src/errors.js';
import { deleteDocument, GlobusApiError, isNotFound, TransferClient } from '../src/globus/index.js';
import { createTerminalContext } from '../src/run/terminal.js';
import { listFolder, lookupByFolder, requireRoot, transferWithGlobus, waitForTask, walkCollection } from '../src/transfer/globus.js';
import { tempDir, writeFileAt } from './helpers.js';
import { startGlobusSim, type GlobusSim } from './sim/globus/index.js';

const SPOT = '44ae904c-ab64-4145-a8f0-7287de38324d';
const DATA = '75b478b2-37af-46df-bfbd-71ed692c6506';
const GONE = '0d6c3f1e-8b2a-4c5d-9e7f-1a2b3c4d5e6f';

interface Sent {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string | undefined;
}

/** An Agent that records each request as the client put it on the wire, then sends it unchanged. */
function recordingAgent(sent: Sent[]): Dispatcher {
  return new Agent().compose((dispatch) => (opts, handler) => {
    const url = new URL(opts.path, 'http://x');
    sent.push({ method: opts.method, path: url.pathname, query: url.searchParams, body: typeof opts.body === 'string' ? opts.body : undefined });
    return dispatch(opts, handler);
  });
}

const sims: GlobusSim[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

const endpoint = (name: string, uuid: string, root_path: string): GlobusEndpoint => ({ type: 'globus', name, uuid, root_path, uri: undefined, display_name: undefined });

async function setup() {
  const spot = await tempDir('globus-contract-spot-');
  const data = await tempDir('globus-contract-data-');
  const sim = await startGlobusSim({ collections: { [SPOT]: spot, [DATA]: data }, minTaskMs: 20 });
  sims.push(sim);
  const sent: Sent[] = [];
  const client = new TransferClient({
    authUrl: sim.url, transferUrl: sim.url, clientId: 'sim-client', clientSecret: 'sim-secret', dispatcher: recordingAgent(sent),
    retry: { sleep: () => Promise.resolve() },
  });
  const settings: GlobusSettings = { app: undefined, authUrl: sim.url, transferUrl: sim.url, computeUrl: sim.url, waitTimeoutMinutes: 1, stuckGraceSeconds: 0.2, pollFirstSeconds: 0.02, pollMaxSeconds: 0.05 };
  const ctx = createTerminalContext({ stream: { write: () => true } as unknown as NodeJS.WritableStream, isTTY: false });
  return { sim, client, sent, settings, ctx, spot, data, from: endpoint('spot832', SPOT, '/'), to: endpoint('data832', DATA, '/') };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function drain<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('labels: letters, digits, space, - _ , only (the service refuses the rest)', () => {
  it('a move of files named like data (dots, a dotted beamline id) is accepted, with the label made valid', async () => {
    const s = await setup();
    await writeFileAt(join(s.spot, 'scans', 'frame_0001.edf'), 'one');
    await writeFileAt(join(s.spot, 'scans', 'frame_0002.edf'), 'two');
    const report = await transferWithGlobus(s.from, s.to, ['scans/frame_0001.edf', 'scans/frame_0002.edf'] as never[], {
      ctx: s.ctx, client: s.client, settings: s.settings, label: 'splash 7.3.3', sleep,
    });
    expect(report.files.map((f) => f.status)).toEqual(['copied', 'copied']);
    expect(s.sim.tasks().map((t) => t.label)).toEqual(['splash 7_3_3 frame_0001_edf and 1 more']);
  });

  it('a delete labelled with an endpoint name holding a dot is accepted', async () => {
    const s = await setup();
    await writeFileAt(join(s.spot, 'old.h5'), 'x');
    const res = await s.client.submitDelete(deleteDocument({ collection: SPOT, paths: ['/old.h5'], label: 'splash prune spot832.raw 1 files', notify: false }));
    expect(res.code).toBe('Accepted');
    expect(s.sim.tasks()[0]?.label).toBe('splash prune spot832_raw 1 files');
  });
});

describe('a missing path is recognised by its code (NotFound / ClientError.NotFound), not by a 404 alone', () => {
  it('isNotFound: the codes of stat and ls, never another 404', () => {
    const err = (status: number, code: string): GlobusApiError =>
      new GlobusApiError({ service: 'Transfer', method: 'GET', path: '/x', status, code, apiMessage: 'm', attempts: 1 });
    expect(isNotFound(err(404, 'NotFound'))).toBe(true);
    expect(isNotFound(err(404, 'ClientError.NotFound'))).toBe(true);
    expect(isNotFound(err(404, 'EndpointNotFound'))).toBe(false);
    expect(isNotFound(err(404, 'EndpointDeleted'))).toBe(false);
    expect(isNotFound(err(404, 'Unknown'))).toBe(false);
  });

  it('a folder that does not exist lists as absent; a collection Globus does not know is an error, not an empty listing', async () => {
    const s = await setup();
    await writeFileAt(join(s.spot, 'a', 'f.h5'), 'f');
    expect(await listFolder(s.client, s.from, 'nope')).toBeUndefined();
    expect([...((await listFolder(s.client, s.from, 'a')) ?? []).keys()]).toEqual(['f.h5']);
    const gone = endpoint('gone', GONE, '/');
    expect(await rejection(drain(walkCollection(s.client, gone)))).toMatchObject({ name: 'GlobusApiError', status: 404, code: 'EndpointNotFound' });
    expect(await rejection(lookupByFolder(s.client, gone, ['a/f.h5']))).toMatchObject({ status: 404, code: 'EndpointNotFound' });
  });

  it('a collection deleted mid-run (404 EndpointDeleted on ls) stops the lookup instead of reading as "no copy there"', async () => {
    const s = await setup();
    await writeFileAt(join(s.data, 'a', 'f.h5'), 'f');
    s.sim.inject('GET', /\/ls$/, { kind: 'status', status: 404, code: 'EndpointDeleted', message: 'Endpoint has been deleted' });
    expect(await rejection(lookupByFolder(s.client, s.to, ['a/f.h5']))).toMatchObject({ status: 404, code: 'EndpointDeleted' });
  });

  it('a 404 that is not Globus saying "no such path" is passed on, not turned into "root_path is not a folder"', async () => {
    const s = await setup();
    s.sim.inject('GET', /\/stat$/, { kind: 'status', status: 404, code: 'Unknown', message: '<html>404 Not Found</html>' });
    const err = await rejection(requireRoot(s.client, s.to));
    expect(err).toBeInstanceOf(GlobusApiError);
    expect(err).not.toBeInstanceOf(SplashError);
    // The real NotFound still is the config error it always was.
    const missing = await rejection(requireRoot(s.client, endpoint('data832', DATA, '/no/such/root')));
    expect(missing).toBeInstanceOf(SplashError);
    expect(String(missing)).toMatch(/root_path \/no\/such\/root is not a folder/);
  });
});

/** The kind of a request: method and path with collection and task ids replaced. */
const kindOf = (r: Sent): string => `${r.method} ${r.path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ':id')}`;

describe('audit: every kind of request the client sends, against the rules the simulator enforces', () => {
  it('a session of move, wait, cancel, events, listings, stat, mkdir and prune: no request is refused', async () => {
    const s = await setup();
    await writeFileAt(join(s.spot, 'raw', 'scan_1.h5'), 'scan one');
    await s.client.mkdir(DATA, '/raw');
    await transferWithGlobus(s.from, s.to, ['raw/scan_1.h5'] as never[], { ctx: s.ctx, client: s.client, settings: s.settings, label: 'splash 8.3.2', sleep });
    // A task stuck on an error is cancelled after the grace period, with its events read.
    s.sim.stickNextTask('FILE_NOT_FOUND');
    const stuck = await s.client.submitTransfer({ DATA_TYPE: 'transfer', source_endpoint: SPOT, destination_endpoint: DATA, DATA: [{ DATA_TYPE: 'transfer_item', source_path: '/none.h5', destination_path: '/none.h5' }] });
    expect(await rejection(waitForTask(s.client, stuck.task_id, { ctx: s.ctx, settings: s.settings, onGiveUp: 'cancel' }, sleep))).toBeInstanceOf(SplashError);
    const del = await s.client.submitDelete(deleteDocument({ collection: SPOT, paths: ['/raw/scan_1.h5'], label: 'splash prune spot832 1 files', notify: false }));
    await waitForTask(s.client, del.task_id, { ctx: s.ctx, settings: s.settings, onGiveUp: 'cancel' }, sleep);
    expect(await drain(s.client.ls(SPOT, '/', { showHidden: false, orderby: ['name', 'last_modified'], filter: ['type:file', 'name:~*.h5'] }))).toEqual([]);

    // Nothing the client sent was refused (4xx) by the simulator's contract checks.
    expect(s.sim.requests.filter((r) => r.status >= 400)).toEqual([]);
    const kinds = new Map<string, Set<string>>();
    for (const r of s.sent) {
      const names = r.method === 'POST' && r.path === '/v2/oauth2/token' ? [...new URLSearchParams(r.body ?? '').keys()].map((k) => `form:${k}`) : [...r.query.keys()];
      kinds.set(kindOf(r), new Set([...(kinds.get(kindOf(r)) ?? []), ...names]));
    }
    expect(Object.fromEntries([...kinds].map(([k, v]) => [k, [...v].sort()]))).toEqual({
      'POST /v2/oauth2/token': ['form:grant_type', 'form:scope'],
      'GET /v0.10/submission_id': [],
      'POST /v0.10/transfer': [],
      'POST /v0.10/delete': [],
      'GET /v0.10/task/:id': [],
      'GET /v0.10/task/:id/event_list': ['limit', 'offset'],
      'GET /v0.10/task/:id/successful_transfers': [],
      'POST /v0.10/task/:id/cancel': [],
      'GET /v0.10/operation/endpoint/:id/ls': ['filter', 'limit', 'offset', 'orderby', 'path', 'show_hidden'],
      'GET /v0.10/operation/endpoint/:id/stat': ['path'],
      'POST /v0.10/operation/endpoint/:id/mkdir': [],
    });
    // One submission id fetched per submission, each used by exactly one submission.
    const posts = s.sent.filter((r) => r.method === 'POST' && (r.path === '/v0.10/transfer' || r.path === '/v0.10/delete'));
    const ids = posts.map((r) => (JSON.parse(r.body ?? '{}') as { submission_id?: string }).submission_id);
    expect(new Set(ids).size).toBe(3);
    expect(s.sent.filter((r) => r.path === '/v0.10/submission_id')).toHaveLength(3);
    for (const r of posts) {
      const label = (JSON.parse(r.body ?? '{}') as { label?: string }).label;
      if (label !== undefined) expect(label).toMatch(/^[A-Za-z0-9_,-](?:[A-Za-z0-9 _,-]{0,126}[A-Za-z0-9_,-])?$/);
    }
  });
});
