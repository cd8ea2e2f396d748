// The Globus Compute client against the Compute simulator, whose worker runs each task with python3 the way an
// endpoint does: the payload unpacked by Python's own string lengths, strategy headers checked against the
// endpoint's allow-list, the source exec'd, the function called, the result serialized with the
// submission's result_serializers. What the client builds must come back exactly as it was given.
import { afterAll, describe, expect, it } from 'vitest';
import { ComputeClient, ComputeFormatError, decodeResult, JSON_DATA_HEADER, packBuffers, SlidingWindowLimiter, sourceFunctionCode, taskPayload } from '../src/compute/index.js';
import { GlobusApiError } from '../src/globus/index.js';
import { startComputeSim, type ComputeSim } from './sim/globus-compute/index.js';
import { startGlobusSim, type GlobusSim } from './sim/globus/index.js';


const EP = '4953017e-6127-4587-9ee3-b71db7623122';
const ECHO = `import json

def echo(*args, **kwargs):
    """Returns what it was called with, and what Python sees of it."""
    return {"args": list(args), "kwargs": kwargs, "lengths": [len(a) for a in args if isinstance(a, str)]}
`;

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(closers.map((c) => c()));
});

interface Setup {
  globus: GlobusSim;
  sim: ComputeSim;
  client: ComputeClient;
  fresh(o?: Partial<ConstructorParameters<typeof ComputeClient>[0]>): ComputeClient;
}

async function setup(o: { rateLimit?: { requests: number; windowMs: number }; status?: 'online' | 'offline'; resultTtlMs?: number } = {}): Promise<Setup> {
  const globus = await startGlobusSim({ collections: {} });
  const sim = await startComputeSim({ introspect: (t) => globus.introspect(t), endpoints: { [EP]: o.status ?? 'online' }, rateLimit: o.rateLimit, timings: { resultTtlMs: o.resultTtlMs } });
  closers.push(() => sim.close(), () => globus.close());
  const fresh = (x: Partial<ConstructorParameters<typeof ComputeClient>[0]> = {}): ComputeClient =>
    new ComputeClient({ computeUrl: sim.url, authUrl: globus.url, clientId: 'sim-client', clientSecret: 'sim-secret', retry: { baseSeconds: 0.01, capSeconds: 0.05 }, rateLimit: o.rateLimit, ...x });
  return { globus, sim, client: fresh(), fresh };
}

async function result(s: Setup, taskId: string): Promise<{ status: string; value?: unknown; exception?: string }> {
  await s.sim.taskEnded(taskId);
  const r = (await s.client.batchStatus([taskId])).get(taskId);
  if (!r) throw new Error('no record');
  return { status: r.status, ...(r.result !== undefined ? { value: decodeResult(r.result) } : {}), ...(r.exception !== undefined ? { exception: r.exception } : {}) };
}

/** Names a scan may have: spaces, both quotes, backslashes, shell and Python syntax, non-ASCII letters, emoji, a ZWJ sequence, CJK. */
const NAMES = [
  'scan 1 with spaces.h5',
  `it's a "quoted" name.h5`,
  'back\\slash\\n not a newline.h5',
  '"; import os; os.system(\'touch PWNED\') #.h5',
  'Übergangsmetall-Probe_Ødegård_ñandú.h5',
  'эксперимент_δοκιμή.h5',
  '试样 サンプル 시료.h5',
  'sample 😀 🔬.h5',
  'family 👩‍👩‍👧 flag 🇩🇪.h5',
  'a\ttab and\nnewline.h5',
  '𝕏 math 𝔸 letters.h5',
];

describe('the wire format (decoded by the simulated endpoint with Python\'s rules)', () => {
  it('arguments with spaces, quotes, non-ASCII letters and emoji reach the function exactly as given, and come back as JSON', async () => {
    const s = await setup();
    const fid = await s.client.registerFunction({ name: 'echo', source: ECHO, pythonVersion: '3.11' });
    const kwargs = { options: { centre: 1196.5, algorithm: 'gridrec', slices: { start: 0, end: 4 } }, 'key with space ✓': NAMES[7], nested: [null, true, 0, -1.5e-7, 'x'] };
    const [id] = await s.client.submit(EP, fid, [{ args: NAMES, kwargs }]);
    const r = await result(s, id ?? '');
    expect(r.exception).toBeUndefined();
    expect(r.value).toEqual({ args: NAMES, kwargs, lengths: NAMES.map((n) => Array.from(n).length) });
    // Python's len() is the code-point count the length prefixes carried, not UTF-16 units.
    expect(Array.from(NAMES[7] ?? '').length).not.toBe((NAMES[7] ?? '').length);
  });

  it('a payload packed with JavaScript string lengths (UTF-16 units) fails on the endpoint: the simulator does not guess', async () => {
    const s = await setup();
    const fid = await s.client.registerFunction({ name: 'echo', source: ECHO, pythonVersion: '3.11' });
    const naive = (bufs: string[]): string => bufs.map((b) => `${String(b.length)}\n${b}`).join('');
    const payload = naive([`${JSON_DATA_HEADER}${JSON.stringify(['sample 😀.h5'])}`, `${JSON_DATA_HEADER}{}`]);
    expect(payload).not.toBe(taskPayload(['sample 😀.h5']));
    const res = await fetch(`${s.sim.url}/v3/endpoints/${EP}/submit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await s.client.auth.accessToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tasks: { [fid]: [payload] }, result_serializers: ['globus_compute_sdk.serialize.JSONData'] }),
    });
    const { tasks } = (await res.json()) as { tasks: Record<string, string[]> };
    const r = await result(s, tasks[fid]?.[0] ?? '');
    expect(r.status).toBe('failed');
    expect(r.exception).toMatch(/Traceback \(most recent call last\)[\s\S]*(JSONDecodeError|Invalid header|Truncated buffer|Invalid length delimiter)/);
    // ASCII-only names pack the same either way.
    expect(naive([`${JSON_DATA_HEADER}["a b.h5"]`])).toBe(packBuffers([`${JSON_DATA_HEADER}["a b.h5"]`]));
  });

  it('dill arguments are refused by the endpoint\'s allow-list; without result_serializers the result is dill, which the client refuses to guess at', async () => {
    const s = await setup();
    const fid = await s.client.registerFunction({ name: 'echo', source: ECHO, pythonVersion: '3.11' });
    const token = await s.client.auth.accessToken();
    const send = async (payload: string, serializers?: string[]): Promise<string> => {
      const res = await fetch(`${s.sim.url}/v3/endpoints/${EP}/submit`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tasks: { [fid]: [payload] }, ...(serializers ? { result_serializers: serializers } : {}) }),
      });
      return ((await res.json()) as { tasks: Record<string, string[]> }).tasks[fid]?.[0] ?? '';
    };
    const dill = await send(packBuffers(['00\ngASVBAAAAAAAAABdlC4=', '11\n{}']), ['globus_compute_sdk.serialize.JSONData']);
    await s.sim.taskEnded(dill);
    const dillRecord = (await s.client.batchStatus([dill])).get(dill);
    expect(dillRecord?.exception).toMatch(/DeserializationError: Deserializer '00\\n' disabled/);
    const noSerializers = await send(taskPayload(['x']));
    await s.sim.taskEnded(noSerializers);
    const rec = (await s.client.batchStatus([noSerializers])).get(noSerializers);
    expect(rec?.status).toBe('success');
    expect(() => decodeResult(rec?.result ?? '')).toThrow(/dill-serialized \(header 00\), not JSON/);
  });

  it('the client refuses what JSON cannot carry exactly, and a function name Python cannot call', () => {
    expect(() => taskPayload([Number.NaN])).toThrow(ComputeFormatError);
    expect(() => taskPayload(['\ud800'])).toThrow(/lone surrogate/);
    expect(() => taskPayload([new Date()])).toThrow(/not JSON data/);
    expect(() => sourceFunctionCode('splash-run', 'def splash_run(): pass')).toThrow(/not a Python identifier/);
    expect(() => sourceFunctionCode('splash_run', 'def other(): pass')).toThrow(/does not define a function splash_run/);
    expect(sourceFunctionCode('f', 'def f():\n    return "😀"\n')).toBe(`${String(Array.from('st\nf:def f():\n    return "😀"\n').length)}\nst\nf:def f():\n    return "😀"\n`);
  });

  it('registration is the SDK\'s register_source_code body; a function_code that does not match its serde_identifier is refused', async () => {
    const s = await setup();
    await s.client.registerFunction({ name: 'echo', source: ECHO, description: 'échoes 😀', pythonVersion: '3.11' });
    const [f] = s.sim.functions();
    expect(f?.meta).toEqual({ python_version: '3.11', sdk_version: '4.15.0', serde_identifier: 'st' });
    expect(f?.code.startsWith(`${String(Array.from(`st\necho:${ECHO}`).length)}\nst\necho:import json`)).toBe(true);
    const res = await fetch(`${s.sim.url}/v3/functions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await s.client.auth.accessToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ function_name: 'echo', function_code: packBuffers(['01\nAAAA']), meta: { python_version: '3.11', sdk_version: '4.15.0', serde_identifier: 'st' } }),
    });
    expect(res.status).toBe(422);
  });
});

describe('the service', () => {
  it('a task that raises shows its traceback text', async () => {
    const s = await setup();
    const fid = await s.client.registerFunction({ name: 'boom', source: 'def boom(path):\n    raise FileNotFoundError(2, "No such file", path)\n', pythonVersion: '3.11' });
    const [id] = await s.client.submit(EP, fid, [{ args: ['/eagle/raw/scan 😀.h5'] }]);
    const r = await result(s, id ?? '');
    expect(r.status).toBe('failed');
    expect(r.exception).toMatch(/Traceback[\s\S]*line 2, in boom[\s\S]*FileNotFoundError: \[Errno 2\] No such file: '\/eagle\/raw\/scan 😀\.h5'/);
  });

  it('endpoint status, and tasks wait in waiting-for-ep while it is offline', async () => {
    const s = await setup({ status: 'offline' });
    expect((await s.client.endpointStatus(EP)).status).toBe('offline');
    const fid = await s.client.registerFunction({ name: 'echo', source: ECHO, pythonVersion: '3.11' });
    const [id = ''] = await s.client.submit(EP, fid, [{ args: ['x'] }]);
    await new Promise((r) => setTimeout(r, 150));
    expect((await s.client.batchStatus([id])).get(id)?.status).toBe('waiting-for-ep');
    s.sim.setEndpointStatus(EP, 'online');
    expect((await result(s, id)).status).toBe('success');
    expect(s.sim.tasks()[0]?.transitions.map((t) => t.status)).toEqual(['received', 'waiting-for-ep', 'waiting-for-nodes', 'waiting-for-launch', 'running', 'success']);
    await expect(s.client.endpointStatus('00000000-0000-4000-8000-000000000000')).rejects.toThrow(/Compute GET \/v2\/endpoints\/.*\/status → 404 ENDPOINT_NOT_FOUND/);
  });

  it('a Transfer token is not a Compute token: 401, and the client asks Auth for the Compute scope', async () => {
    const s = await setup();
    const res = await fetch(`${s.globus.url}/v2/oauth2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('sim-client:sim-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=urn%3Aglobus%3Aauth%3Ascope%3Atransfer.api.globus.org%3Aall',
    });
    const { access_token: transferToken } = (await res.json()) as { access_token: string };
    expect((await fetch(`${s.sim.url}/v2/endpoints/${EP}/status`, { headers: { authorization: `Bearer ${transferToken}` } })).status).toBe(401);
    expect((await s.client.endpointStatus(EP)).status).toBe('online');
    expect(s.client.auth.scope).toBe('https://auth.globus.org/scopes/facd7ccc-c5f4-42aa-916b-a0e270e2c2a9/all');
  });

  it('stays inside the rate limit however fast it is asked; a client that does not is answered 429, and its retries back off', async () => {
    const window = { requests: 5, windowMs: 400 };
    const s = await setup({ rateLimit: window });
    const fid = await s.client.registerFunction({ name: 'echo', source: ECHO, pythonVersion: '3.11' });
    const [id = ''] = await s.client.submit(EP, fid, [{ args: ['x'] }]);
    for (let i = 0; i < 16; i++) await s.client.batchStatus([id]);
    expect(s.sim.count('*', '/v2/batch_status')).toBe(16);
    expect(s.sim.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(s.sim.peakRequestsPerWindow()).toBeLessThanOrEqual(window.requests);
    expect(s.client.limiter.waits).toBeGreaterThan(0);
    // The same calls without the client-side limit: the service answers 429, each is retried after a backoff.
    const unlimited = s.fresh({ rateLimit: { requests: 10_000, windowMs: 400 }, retry: { baseSeconds: 0.1, capSeconds: 0.4, maxRetries: 8 } });
    await Promise.all(Array.from({ length: 12 }, () => unlimited.batchStatus([id])));
    expect(s.sim.requests.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    expect(unlimited.transport.retriesTaken).toBeGreaterThan(0);
  });

  it('a 5xx and a dropped connection on batch_status are retried; a 422 is not', async () => {
    const s = await setup();
    const fid = await s.client.registerFunction({ name: 'echo', source: ECHO, pythonVersion: '3.11' });
    const [id = ''] = await s.client.submit(EP, fid, [{ args: ['x'] }]);
    s.sim.inject('POST', /^\/v2\/batch_status$/, { kind: 'status', status: 503 });
    s.sim.inject('POST', /^\/v2\/batch_status$/, { kind: 'drop-before' });
    expect((await s.client.batchStatus([id])).get(id)?.taskId).toBe(id);
    s.sim.inject('POST', /^\/v2\/batch_status$/, { kind: 'status', status: 422, detail: 'task_ids: Input should be a valid list' });
    const err = await s.client.batchStatus([id]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GlobusApiError);
    expect((err as GlobusApiError).message).toMatch(/Globus Compute POST \/v2\/batch_status → 422 INJECTED: task_ids: Input should be a valid list/);
  });
});

describe('the sliding-window limiter', () => {
  it('never lets more than N requests into any window, with a fake clock', async () => {
    let now = 0;
    const sent: number[] = [];
    const l = new SlidingWindowLimiter({ requests: 20, windowMs: 10_000, marginMs: 0, now: () => now, sleep: (ms) => { now += ms; return Promise.resolve(); } });
    for (let i = 0; i < 75; i++) {
      const answered = await l.acquire();
      sent.push(now);
      answered();
      now += 37;
    }
    for (let i = 20; i < sent.length; i++) expect((sent[i] ?? 0) - (sent[i - 20] ?? 0)).toBeGreaterThanOrEqual(10_000);
    expect(l.waits).toBeGreaterThan(0);
  });

  it('counts a request where the service does: a slow request, arriving late, is not followed by more than N in its window', async () => {
    // The service dates a request by its arrival, anywhere between the send and the answer. Take the worst
    // case, arrival = answer: every 7th request is slow (a busy runner), the others quick.
    let now = 0;
    const arrived: number[] = [];
    const l = new SlidingWindowLimiter({ requests: 20, windowMs: 10_000, marginMs: 0, now: () => now, sleep: (ms) => { now += ms; return Promise.resolve(); } });
    for (let i = 0; i < 90; i++) {
      const answered = await l.acquire();
      now += i % 7 === 0 ? 900 : 5;
      arrived.push(now);
      answered();
    }
    for (let i = 20; i < arrived.length; i++) expect((arrived[i] ?? 0) - (arrived[i - 20] ?? 0), `request ${String(i)}`).toBeGreaterThanOrEqual(10_000);
  });

  it('a request in flight holds its slot: callers at once never have more than N unanswered or answered inside a window', async () => {
    let now = 0;
    const l = new SlidingWindowLimiter({ requests: 3, windowMs: 1_000, marginMs: 0, now: () => now, sleep: (ms) => { now += ms; return Promise.resolve(); } });
    const held = await Promise.all([l.acquire(), l.acquire(), l.acquire()]);
    let fourth = false;
    const p = l.acquire().then((a) => { fourth = true; return a; });
    for (let i = 0; i < 5; i++) await Promise.resolve();
    now += 5_000; // long past the window of the sends, but none has been answered
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(fourth).toBe(false);
    held[0]();
    (await p)();
    expect(fourth).toBe(true);
    expect(now).toBeGreaterThanOrEqual(5_000 + 1_000);
  });
});



