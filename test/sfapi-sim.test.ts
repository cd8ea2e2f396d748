/**
 * The SFAPI simulator (test/sim/sfapi) spoken to over real HTTP by a tiny client written here, as the real
 * client will: private_key_jwt token requests signed with jose, the async-task pattern, the squeue/sacct views,
 * jobs whose scripts really run with bash, the stand-ins (srun, podman-hpc, shifter, recon programs), files and
 * faults. Each simulator rule has a test here that fails without it.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT, generateKeyPair, importPKCS8 } from 'jose';
import type { CryptoKey } from 'jose';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSERTION_TYPE, SQUEUE_KEYS, SACCT_KEYS, startSfapiSim } from './sim/sfapi/index.js';
import type { ClientKey, SfapiSim, SfapiSimOptions } from './sim/sfapi/index.js';
import { tempDir, writeFileAt } from './helpers.js';

// ------------------------------------------------------------------ the tiny client

type Doc = Record<string, unknown>;
interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Doc;
  text: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function assertion(sim: SfapiSim, key: ClientKey, o: { claims?: Doc; drop?: string[]; alg?: string; signWith?: CryptoKey | Uint8Array } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Doc = { iss: key.clientId, sub: key.clientId, aud: sim.tokenUrl, iat: now, exp: now + 3600, jti: randomUUID(), ...o.claims };
  for (const k of o.drop ?? []) Reflect.deleteProperty(claims, k);
  const alg = o.alg ?? 'RS256';
  return new SignJWT(claims).setProtectedHeader({ alg }).sign(o.signWith ?? (await importPKCS8(key.privateKeyPem, 'RS256')));
}

async function tokenRequest(sim: SfapiSim, form: Record<string, string> | string, contentType = 'application/x-www-form-urlencoded'): Promise<Res> {
  const res = await request(sim.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': contentType, accept: 'application/json' },
    body: typeof form === 'string' ? form : new URLSearchParams(form).toString(),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: (text ? JSON.parse(text) : {}) as Doc, text };
}

const tokenForm = (jwt: string): Record<string, string> => ({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: jwt });

async function getToken(sim: SfapiSim, key: ClientKey): Promise<string> {
  const r = await tokenRequest(sim, tokenForm(await assertion(sim, key)));
  expect(r.status, r.text).toBe(200);
  return String(r.body.access_token);
}

async function api(sim: SfapiSim, token: string | undefined, method: 'GET' | 'POST' | 'DELETE', path: string, o: { form?: [string, string][]; query?: [string, string][] } = {}): Promise<Res> {
  const qs = o.query ? `?${new URLSearchParams(o.query).toString()}` : '';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (o.form) headers['content-type'] = 'application/x-www-form-urlencoded';
  const res = await request(`${sim.url}${path}${qs}`, { method, headers, body: o.form ? new URLSearchParams(o.form).toString() : undefined });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: (text ? JSON.parse(text) : {}) as Doc, text };
}

/** POST the script, then poll /tasks/{id} until it is no longer "new"; the parsed result. */
async function submitAndWait(sim: SfapiSim, token: string, script: string): Promise<{ task: Doc; result: Doc }> {
  const r = await api(sim, token, 'POST', '/compute/jobs/perlmutter', { form: [['job', script], ['isPath', 'false']] });
  expect(r.status, r.text).toBe(200);
  expect(r.body).toMatchObject({ status: 'OK', error: null });
  return waitTask(sim, token, String(r.body.task_id));
}

async function waitTask(sim: SfapiSim, token: string, id: string): Promise<{ task: Doc; result: Doc }> {
  for (let i = 0; i < 400; i++) {
    const t = await api(sim, token, 'GET', `/tasks/${id}`);
    expect(t.status, t.text).toBe(200);
    if (t.body.status !== 'new') {
      expect(typeof t.body.result).toBe('string');
      return { task: t.body, result: JSON.parse(String(t.body.result)) as Doc };
    }
    await sleep(20);
  }
  throw new Error(`task ${id} never finished`);
}

async function submitOk(sim: SfapiSim, token: string, script: string): Promise<string> {
  const { result } = await submitAndWait(sim, token, script);
  expect(result, JSON.stringify(result)).toMatchObject({ status: 'ok' });
  return String(result.jobid);
}

async function view(sim: SfapiSim, token: string, o: { sacct?: boolean; cached?: boolean | null; kwargs?: string[] } = {}): Promise<Doc[]> {
  const q: [string, string][] = [['sacct', String(o.sacct ?? false)]];
  if (o.cached !== null) q.push(['cached', String(o.cached ?? false)]);
  for (const k of o.kwargs ?? []) q.push(['kwargs', k]);
  const r = await api(sim, token, 'GET', '/compute/jobs/perlmutter', { query: q });
  expect(r.status, r.text).toBe(200);
  expect(r.body.status, r.text).toBe('OK');
  return r.body.output as Doc[];
}

/** Poll the sacct view until the job is in an end state (as a careful client does); its row. */
async function waitEnd(sim: SfapiSim, token: string, jobid: string, timeoutMs = 20_000): Promise<Doc> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const rows = await view(sim, token, { sacct: true, kwargs: [`jobid=${jobid}`] });
    const state = typeof rows[0]?.state === 'string' ? rows[0].state : '';
    if (rows.length === 1 && !['PENDING', 'RUNNING', 'COMPLETING', ''].includes(state)) return rows[0] as Doc;
    await sleep(25);
  }
  throw new Error(`job ${jobid} did not end within ${timeoutMs} ms`);
}

const header = (extra = '', o: { time?: string; name?: string } = {}): string =>
  `#!/bin/bash\n#SBATCH -q debug\n#SBATCH -A als\n#SBATCH -C cpu\n#SBATCH --time=${o.time ?? '0:05:00'}\n#SBATCH -J ${o.name ?? 'simtest'}\n${extra}`;

/** The first line of a file another process writes, once it is complete. */
async function lineOf(path: string): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (text.endsWith('\n')) return text.slice(0, -1);
    await sleep(20);
  }
  throw new Error(`${path} was never written`);
}

/** Whether a process still runs (a zombie waiting for its reaper does not). */
const alive = (pid: number | undefined): boolean => {
  if (pid === undefined) return false;
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${String(pid)}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

async function newSim(extra: Partial<SfapiSimOptions> = {}): Promise<{ sim: SfapiSim; key: ClientKey; token: string; sandbox: string }> {
  const sandbox = await tempDir('sfapi-sandbox-');
  const sim = await startSfapiSim({ sandbox, ...extra, timings: { pendingMs: 30, completingMs: 20, notFoundMs: 0, taskMs: 20, ...extra.timings } });
  const key = await sim.createClient({ name: 'splash-flows-test' });
  const token = await getToken(sim, key);
  return { sim, key, token, sandbox };
}

const sims: SfapiSim[] = [];
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});
async function fresh(extra: Partial<SfapiSimOptions> = {}): ReturnType<typeof newSim> {
  const s = await newSim(extra);
  sims.push(s.sim);
  return s;
}

// ------------------------------------------------------------------ token endpoint

describe('token endpoint (private_key_jwt client credentials)', () => {
  let sim: SfapiSim;
  let key: ClientKey;
  beforeAll(async () => {
    ({ sim, key } = await fresh());
  });

  it('issues a Bearer token for a valid RS256 assertion, and the token works on the API', async () => {
    expect(key.clientId).toMatch(/^[a-z0-9]{13}$/);
    expect(key.keyFileText.split('\n')[0]).toBe(key.clientId);
    const r = await tokenRequest(sim, tokenForm(await assertion(sim, key)));
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ access_token: expect.any(String) as unknown, token_type: 'Bearer', expires_in: 600 });
    const me = await api(sim, String(r.body.access_token), 'GET', '/account/');
    expect(me.status).toBe(200);
    expect(me.body.name).toBe('alsdev');
  });

  it('accepts the same client authenticating with its JWK form of the key', async () => {
    const { importJWK } = await import('jose');
    const jwt = await assertion(sim, key, { signWith: await importJWK(key.privateJwk, 'RS256') });
    expect((await tokenRequest(sim, tokenForm(jwt))).status).toBe(200);
  });

  it.each([
    ['an extra client_id field', (f: Record<string, string>, id: string) => ({ ...f, client_id: id })],
    ['an extra scope field', (f: Record<string, string>) => ({ ...f, scope: 'openid' })],
    ['no client_assertion_type', (f: Record<string, string>) => ({ grant_type: f.grant_type ?? '', client_assertion: f.client_assertion ?? '' })],
    ['no client_assertion', (f: Record<string, string>) => ({ grant_type: f.grant_type ?? '', client_assertion_type: f.client_assertion_type ?? '' })],
    ['a wrong assertion type', (f: Record<string, string>) => ({ ...f, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' })],
  ])('refuses a form with %s: 400 invalid_request', async (_what, change) => {
    const r = await tokenRequest(sim, change(tokenForm(await assertion(sim, key)), key.clientId));
    expect(r.status, r.text).toBe(400);
    expect(r.body.error).toBe('invalid_request');
  });

  it('refuses a repeated field, a JSON body and another grant type', async () => {
    const jwt = await assertion(sim, key);
    const repeated = `${new URLSearchParams(tokenForm(jwt)).toString()}&grant_type=client_credentials`;
    expect((await tokenRequest(sim, repeated)).body.error).toBe('invalid_request');
    const json = await tokenRequest(sim, JSON.stringify(tokenForm(jwt)), 'application/json');
    expect([json.status, json.body.error]).toEqual([400, 'invalid_request']);
    const grant = await tokenRequest(sim, { ...tokenForm(await assertion(sim, key)), grant_type: 'password' });
    expect([grant.status, grant.body.error]).toEqual([400, 'unsupported_grant_type']);
  });

  it('refuses each kind of bad assertion with 401 invalid_client', async () => {
    const now = Math.floor(Date.now() / 1000);
    const other = await generateKeyPair('RS256');
    const stranger = await sim.createClient();
    sim.expireClient(stranger.clientId);
    const cases: [string, Promise<string> | string][] = [
      ['unknown client', assertion(sim, key, { claims: { iss: 'zzzzzzzzzzzzz', sub: 'zzzzzzzzzzzzz' } })],
      ['iss != sub', assertion(sim, key, { claims: { sub: 'someoneelse12' } })],
      ['signed by another key', assertion(sim, key, { signWith: other.privateKey })],
      ['wrong aud', assertion(sim, key, { claims: { aud: 'https://oidc.nersc.gov/c2id' } })],
      ['expired', assertion(sim, key, { claims: { iat: now - 7200, exp: now - 3600 } })],
      ['exp 2 h ahead', assertion(sim, key, { claims: { exp: now + 7200 } })],
      ['no exp', assertion(sim, key, { drop: ['exp'] })],
      ['iat 10 min in the future', assertion(sim, key, { claims: { iat: now + 600 } })],
      ['no iat', assertion(sim, key, { drop: ['iat'] })],
      ['no jti', assertion(sim, key, { drop: ['jti'] })],
      ['HS256', assertion(sim, key, { alg: 'HS256', signWith: new TextEncoder().encode('x'.repeat(32)) })],
      ['expired client (48 h red client)', assertion(sim, stranger)],
      ['not a JWT', 'not.a.jwt'],
    ];
    for (const [what, jwt] of cases) {
      const r = await tokenRequest(sim, tokenForm(await jwt));
      expect([what, r.status, r.body.error]).toEqual([what, 401, 'invalid_client']);
    }
  });

  it('refuses a replayed assertion (same jti)', async () => {
    const jwt = await assertion(sim, key);
    expect((await tokenRequest(sim, tokenForm(jwt))).status).toBe(200);
    const again = await tokenRequest(sim, tokenForm(jwt));
    expect([again.status, again.body.error]).toEqual([401, 'invalid_client']);
    expect(String(again.body.error_description)).toMatch(/jti/);
  });

  it('lists the clients with their expiry; GET /account redirects to /account/', async () => {
    const token = await getToken(sim, key);
    const r = await api(sim, token, 'GET', '/account/clients');
    const mine = (r.body as unknown as Doc[]).find((c) => c.clientId === key.clientId);
    expect(mine).toEqual({ name: 'splash-flows-test', clientId: key.clientId, expiresAt: key.expiresAt.toISOString(), comments: '' });
    expect(Date.parse(String(mine?.expiresAt)) - Date.now()).toBeGreaterThan(47 * 3600_000);
    const redirect = await api(sim, token, 'GET', '/account');
    expect([redirect.status, redirect.headers.location]).toEqual([307, '/api/v1.2/account/']);
  });
});

describe('API authentication', () => {
  it('needs a live Bearer token everywhere but /status; expired and revoked tokens get 401', async () => {
    const { sim, key } = await fresh({ tokenLifetimeSeconds: 1 });
    expect((await api(sim, undefined, 'GET', '/status/perlmutter')).status).toBe(200);
    const none = await api(sim, undefined, 'GET', '/account/');
    expect([none.status, none.body]).toEqual([401, { detail: 'Not authenticated' }]);
    expect((await api(sim, 'made-up', 'GET', '/account/')).status).toBe(401);
    const token = await getToken(sim, key);
    expect((await api(sim, token, 'GET', '/account/')).status).toBe(200);
    await sleep(1100);
    expect((await api(sim, token, 'GET', '/account/')).status).toBe(401);
    const second = await getToken(sim, key);
    sim.expireTokens();
    expect((await api(sim, second, 'GET', '/compute/jobs/perlmutter', { query: [['sacct', 'false']] })).status).toBe(401);
  });
});

// ------------------------------------------------------------------ status

describe('system status', () => {
  it('answers /status/{machine} without auth, with the configured status and notes', async () => {
    const { sim } = await fresh();
    const r = await api(sim, undefined, 'GET', '/status/perlmutter');
    expect(r.body).toMatchObject({ name: 'perlmutter', status: 'active', notes: [], system_type: 'compute' });
    sim.setStatus('perlmutter', 'degraded', ['scratch slow']);
    expect((await api(sim, undefined, 'GET', '/status/perlmutter')).body).toMatchObject({ status: 'degraded', notes: ['scratch slow'] });
    const all = await api(sim, undefined, 'GET', '/status');
    expect((all.body as unknown as Doc[]).map((s) => s.name)).toEqual(expect.arrayContaining(['perlmutter', 'dtns', 'archive']));
    expect((await api(sim, undefined, 'GET', '/status/nosuch')).status).toBe(404);
  });
});

// ------------------------------------------------------------------ submit and the job lifecycle

describe('submit → task → job → squeue → sacct', () => {
  it('runs the script for real: COMPLETED 0:0, %x/%j output files, SLURM_* environment, no leaked test environment', async () => {
    const { sim, token, sandbox } = await fresh({ timings: { notFoundMs: 800, squeueLingerMs: 1500, pendingMs: 150 } });
    await mkdir(join(sandbox, 'logs'));
    process.env.SFAPI_SIM_LEAK_CHECK = 'leaked';
    const script = header(
      `#SBATCH --output=${sandbox}/logs/%x_%j.out\n#SBATCH --error=${sandbox}/logs/%x_%j.err\n#SBATCH -N 1\n#SBATCH --ntasks-per-node 1\n#SBATCH --cpus-per-task 64\n#SBATCH --exclusive\n` +
        `echo "job=$SLURM_JOB_ID name=$SLURM_JOB_NAME nodes=$SLURM_NNODES ntasks=$SLURM_NTASKS cpt=$SLURM_CPUS_PER_TASK"\n` +
        `echo "leak=\${SFAPI_SIM_LEAK_CHECK:-none} path=$PATH"\necho to-stderr >&2\nmkdir -p ${sandbox}/out && echo done > ${sandbox}/out/result.txt\n`,
      { name: 'tomo_recon_p1_scan' },
    );
    const submitted = Date.now();
    const r = await api(sim, token, 'POST', '/compute/jobs/perlmutter', { form: [['job', script], ['isPath', 'false']] });
    expect(r.body).toEqual({ task_id: expect.any(String) as unknown, status: 'OK', error: null });
    const first = await api(sim, token, 'GET', `/tasks/${String(r.body.task_id)}`);
    expect(first.body).toEqual({ id: r.body.task_id, status: 'new', result: null });
    const { task, result } = await waitTask(sim, token, String(r.body.task_id));
    expect(task.status).toBe('completed');
    expect(result).toEqual({ status: 'ok', jobid: expect.stringMatching(/^\d+$/) as unknown, error: null });
    const jobid = String(result.jobid);

    // The not-found window: in neither view right after submit, even asking Slurm directly.
    expect(await view(sim, token, { kwargs: [`jobid=${jobid}`] })).toEqual([]);
    expect(await view(sim, token, { sacct: true, kwargs: [`jobid=${jobid}`] })).toEqual([]);
    let queued: Doc[] = [];
    while (queued.length === 0) {
      await sleep(25);
      queued = await view(sim, token, { kwargs: [`jobid=${jobid}`] });
    }
    // Visible only once the window has passed: the job was created after the submit, so at least the window
    // (800 ms) lies between the submit and now, however late the test's own polls ran under load.
    expect(Date.now() - submitted).toBeGreaterThanOrEqual(800);
    expect(queued).toHaveLength(1);
    for (const k of SQUEUE_KEYS) expect(Object.keys(queued[0] ?? {})).toContain(k);
    expect(queued[0]).toMatchObject({ jobid, name: 'tomo_recon_p1_scan', account: 'als', qos: 'debug', features: 'cpu', user: 'alsdev' });
    expect(['PENDING', 'RUNNING', 'COMPLETING', 'COMPLETED']).toContain(queued[0]?.state);

    const end = await waitEnd(sim, token, jobid);
    for (const k of SACCT_KEYS) expect(Object.keys(end)).toContain(k);
    expect(end).toMatchObject({ jobid, jobname: 'tomo_recon_p1_scan', state: 'COMPLETED', exitcode: '0:0', user: 'alsdev', account: 'als', timelimit: '00:05:00' });
    expect(end.start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(end.end).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    const out = readFileSync(join(sandbox, 'logs', `tomo_recon_p1_scan_${jobid}.out`), 'utf8');
    expect(out).toContain(`job=${jobid} name=tomo_recon_p1_scan nodes=1 ntasks=1 cpt=64`);
    expect(out).toContain('leak=none');
    expect(out).toContain(`path=${sim.binDir}:`);
    expect(readFileSync(join(sandbox, 'logs', `tomo_recon_p1_scan_${jobid}.err`), 'utf8')).toBe('to-stderr\n');
    expect(readFileSync(join(sandbox, 'out', 'result.txt'), 'utf8')).toBe('done\n');

    // squeue shows the ended job by id for a while, then only sacct has it.
    const lingering = await view(sim, token, { kwargs: [`jobid=${jobid}`] });
    expect(lingering.map((j) => [j.state, j.st])).toEqual([['COMPLETED', 'CD']]);
    await sleep(1600);
    expect(await view(sim, token, { kwargs: [`jobid=${jobid}`] })).toEqual([]);
    expect((await view(sim, token, { sacct: true, kwargs: [`jobid=${jobid}`] }))[0]?.state).toBe('COMPLETED');
    const one = await api(sim, token, 'GET', `/compute/jobs/perlmutter/${jobid}`, { query: [['sacct', 'true'], ['cached', 'false']] });
    expect(one.body).toMatchObject({ status: 'OK', error: null, output: [expect.objectContaining({ jobid, state: 'COMPLETED' })] });
    Reflect.deleteProperty(process.env, 'SFAPI_SIM_LEAK_CHECK');
  });

  it('a failing script ends FAILED with its exit code; slurm-%j.out in the home folder by default', async () => {
    const { sim, token } = await fresh();
    const jobid = await submitOk(sim, token, header('echo about to fail\nexit 3\n'));
    const end = await waitEnd(sim, token, jobid);
    expect([end.state, end.exitcode]).toEqual(['FAILED', '3:0']);
    const home = join(sim.sandbox, 'home', 'alsdev');
    expect(readFileSync(join(home, `slurm-${jobid}.out`), 'utf8')).toBe('about to fail\n');
  });

  it('a script killed by a signal ends FAILED 0:<signal>; background processes die with the job', async () => {
    const { sim, token, sandbox } = await fresh();
    const jobid = await submitOk(sim, token, header(`( sleep 5; echo orphan > ${sandbox}/orphan ) &\necho $! > ${sandbox}/bg.pid\nkill -SEGV $$\n`));
    expect((await waitEnd(sim, token, jobid)).exitcode).toBe('0:11');
    expect(alive(Number(readFileSync(join(sandbox, 'bg.pid'), 'utf8')))).toBe(false);
  });

  it('an output folder that does not exist fails the job before the script runs', async () => {
    const { sim, token, sandbox } = await fresh();
    const jobid = await submitOk(sim, token, header(`#SBATCH --output=${sandbox}/nosuch/%j.out\ntouch ${sandbox}/ran\n`));
    expect((await waitEnd(sim, token, jobid)).state).toBe('FAILED');
    expect(existsSync(join(sandbox, 'ran'))).toBe(false);
  });

  it('submits a script by path (isPath=true) with args', async () => {
    const { sim, token, sandbox } = await fresh();
    await writeFileAt(join(sandbox, 'job.sh'), header(`echo "args: $1 $2" > ${sandbox}/args.txt\n`));
    const r = await api(sim, token, 'POST', '/compute/jobs/perlmutter', { form: [['job', join(sandbox, 'job.sh')], ['isPath', 'true'], ['args', 'a'], ['args', 'b c']] });
    const { result } = await waitTask(sim, token, String(r.body.task_id));
    await waitEnd(sim, token, String(result.jobid));
    expect(readFileSync(join(sandbox, 'args.txt'), 'utf8')).toBe('args: a b c\n');
    const outside = await api(sim, token, 'POST', '/compute/jobs/perlmutter', { form: [['job', '/etc/passwd'], ['isPath', 'true']] });
    expect((await waitTask(sim, token, String(outside.body.task_id))).result.status).toBe('error');
  });
});

describe('sbatch rejections (task completes with HTTP 200, result status "error")', () => {
  let sim: SfapiSim;
  let token: string;
  let sandbox: string;
  beforeAll(async () => {
    ({ sim, token, sandbox } = await fresh());
  });

  const base = ['#!/bin/bash', '#SBATCH -q realtime', '#SBATCH -A als', '#SBATCH -C cpu', '#SBATCH --time=0:15:00'];
  it.each([
    ['indented #SBATCH lines (Python triple-quoted string)', `#!/bin/bash\n    #SBATCH -q debug\n    #SBATCH -A als\n    #SBATCH -C cpu\n    #SBATCH -t 00:10:00\necho hi\n`, /No architecture specified/],
    ['directives after the first command', `#!/bin/bash\nset -euo pipefail\n#SBATCH -q debug\n#SBATCH -A als\n#SBATCH -C cpu\n#SBATCH -t 10\necho hi\n`, /No architecture specified/],
    ['no -C', [base[0], base[1], base[2], base[4], 'true'].join('\n'), /No architecture specified/],
    ['an unknown constraint', [...base.slice(0, 3), '#SBATCH -C knl', base[4], 'true'].join('\n'), /Invalid feature specification/],
    ['no -A', [base[0], base[1], base[3], base[4], 'true'].join('\n'), /Invalid account/],
    ['a foreign account', [base[0], base[1], '#SBATCH -A m9999', base[3], base[4], 'true'].join('\n'), /Invalid account/],
    ['no -q', [base[0], base[2], base[3], base[4], 'true'].join('\n'), /Invalid qos/],
    ['an unknown QOS', [base[0], '#SBATCH -q turbo', ...base.slice(2), 'true'].join('\n'), /Invalid qos/],
    ['no --time', [...base.slice(0, 4), 'true'].join('\n'), /time limit/],
    ['a malformed --time', [...base.slice(0, 4), '#SBATCH --time=15min', 'true'].join('\n'), /Invalid --time/],
    ['a time over the QOS limit (debug: 30 min)', [base[0], '#SBATCH -q debug', base[2], base[3], '#SBATCH --time=1:00:00', 'true'].join('\n'), /time limit is invalid/],
    ['--time=0', [...base.slice(0, 4), '#SBATCH --time=0', 'true'].join('\n'), /Job cost estimated/],
    ['too many nodes for debug', [base[0], '#SBATCH -q debug', ...base.slice(2), '#SBATCH -N 9', 'true'].join('\n'), /QOS policy/],
    ['an option sbatch does not know', [...base, '#SBATCH --frobnicate=1', 'true'].join('\n'), /unrecognized option '--frobnicate=1'/],
    ['no #! line', base.slice(1).join('\n'), /does not look like a batch script/],
    ['DOS line breaks', `${base.join('\r\n')}\r\ntrue\r\n`, /DOS line breaks/],
    ['an empty script', '', /empty/],
  ])('refuses %s', async (_what, script, message) => {
    const { task, result } = await submitAndWait(sim, token, script);
    expect(task.status).toBe('completed');
    expect(result).toMatchObject({ status: 'error', jobid: null });
    expect(String(result.error)).toMatch(message);
  });

  it('accepts the original recon header (column 0, trailing comment, -N/--ntasks-per-node/--exclusive) and ignores #SBATCH after a command', async () => {
    const script = [...base, `#SBATCH --job-name=tomo_recon_f_scan.h5   # a comment`, '#SBATCH -N 1', '#SBATCH --ntasks-per-node 1', '#SBATCH --cpus-per-task 64', '#SBATCH --exclusive', 'date', '#SBATCH -C gpu', `echo "$SLURM_JOB_NAME" > ${sandbox}/name.txt`].join('\n');
    const jobid = await submitOk(sim, token, script);
    const end = await waitEnd(sim, token, jobid);
    expect([end.state, end.jobname, end.constraints]).toEqual(['COMPLETED', 'tomo_recon_f_scan.h5', 'cpu']);
    expect(readFileSync(join(sandbox, 'name.txt'), 'utf8')).toBe('tomo_recon_f_scan.h5\n');
  });

  it('answers 422 FastAPI validation bodies for unknown or missing form fields, bad booleans and machines', async () => {
    const extra = await api(sim, token, 'POST', '/compute/jobs/perlmutter', { form: [['job', '#!/bin/bash\ntrue'], ['isPath', 'false'], ['is_path', 'false']] });
    expect(extra.status).toBe(422);
    expect(extra.body.detail).toEqual([expect.objectContaining({ type: 'extra_forbidden', loc: ['body', 'is_path'] })]);
    const missing = await api(sim, token, 'POST', '/compute/jobs/perlmutter', { form: [['job', '#!/bin/bash\ntrue']] });
    expect([missing.status, (missing.body.detail as Doc[])[0]?.loc]).toEqual([422, ['body', 'isPath']]);
    const bool = await api(sim, token, 'POST', '/compute/jobs/perlmutter', { form: [['job', '#!/bin/bash\ntrue'], ['isPath', 'maybe']] });
    expect([bool.status, (bool.body.detail as Doc[])[0]?.type]).toEqual([422, 'bool_parsing']);
    const machine = await api(sim, token, 'GET', '/compute/jobs/cori', { query: [['sacct', 'false']] });
    expect([machine.status, (machine.body.detail as Doc[])[0]?.loc]).toEqual([422, ['path', 'machine']]);
    const cached = await api(sim, token, 'GET', '/compute/jobs/perlmutter', { query: [['cached', 'nope']] });
    expect(cached.status).toBe(422);
  });

  it('reports an unknown kwargs filter as status ERROR', async () => {
    const r = await api(sim, token, 'GET', '/compute/jobs/perlmutter', { query: [['sacct', 'false'], ['cached', 'false'], ['kwargs', 'colour=red']] });
    expect([r.status, r.body.status]).toEqual([200, 'ERROR']);
    expect(String(r.body.error)).toMatch(/colour/);
  });
});

// ------------------------------------------------------------------ walltime, cancel, injected end states

describe('walltime, scancel and injected end states', () => {
  it('kills a script running past --time (scaled) and ends it TIMEOUT, with the time-limit line in its stderr', async () => {
    // --time=1 (one minute) × timeScale 1/150 → 400 ms real.
    const { sim, token, sandbox } = await fresh({ timings: { timeScale: 1 / 150, killWaitMs: 200 } });
    const jobid = await submitOk(sim, token, header(`#SBATCH -o ${sandbox}/%j.log\necho start\nsleep 30\necho never > ${sandbox}/never\n`, { time: '1' }));
    const end = await waitEnd(sim, token, jobid);
    expect([end.state, end.exitcode, end.timelimit]).toEqual(['TIMEOUT', '0:0', '00:01:00']);
    // elapsed is simulated time: about the one-minute limit, not the 0.4 s of real time
    expect(Number(end.elapsedraw)).toBeGreaterThanOrEqual(59);
    expect(readFileSync(join(sandbox, `${jobid}.log`), 'utf8')).toMatch(/^start\nslurmstepd: error: \*\*\* JOB \d+ ON nid001001 CANCELLED AT \S+ DUE TO TIME LIMIT \*\*\*\n$/);
    expect(alive(sim.jobs().find((j) => String(j.id) === jobid)?.pid)).toBe(false);
    expect(existsSync(join(sandbox, 'never'))).toBe(false);
  });

  it('cancel: DELETE → task; the running script gets SIGTERM, then SIGKILL after KillWait; CANCELLED by <uid> in sacct', async () => {
    const { sim, token, sandbox } = await fresh({ timings: { killWaitMs: 300 } });
    const script = header(`trap 'echo TERM >> ${sandbox}/signals' TERM\necho $$ > ${sandbox}/pid\nwhile true; do sleep 0.05; done\n`);
    const jobid = await submitOk(sim, token, script);
    const pid = Number(await lineOf(join(sandbox, 'pid')));
    expect(alive(pid)).toBe(true);
    const r = await api(sim, token, 'DELETE', `/compute/jobs/perlmutter/${jobid}`);
    expect(r.body).toEqual({ task_id: expect.any(String) as unknown, status: 'OK', error: null });
    expect((await waitTask(sim, token, String(r.body.task_id))).result.status).toBe('ok');
    const end = await waitEnd(sim, token, jobid);
    expect(end.state).toBe(`CANCELLED by ${String(sim.uid)}`);
    expect(readFileSync(join(sandbox, 'signals'), 'utf8')).toContain('TERM');
    expect(alive(pid)).toBe(false);
    const sq = await view(sim, token, { kwargs: [`jobid=${jobid}`] });
    expect(sq[0]?.state).toBe('CANCELLED');
    // Cancelling again is scancel's error, reported in the task result.
    const again = await api(sim, token, 'DELETE', `/compute/jobs/perlmutter/${jobid}`);
    expect((await waitTask(sim, token, String(again.body.task_id))).result).toMatchObject({ status: 'error', error: expect.stringMatching(/already completing or completed/) as unknown });
    const unknown = await api(sim, token, 'DELETE', '/compute/jobs/perlmutter/999');
    expect((await waitTask(sim, token, String(unknown.body.task_id))).result.error).toMatch(/Invalid job id/);
  });

  it('cancel of a pending job ends it CANCELLED with no start time; other users\' jobs cannot be cancelled', async () => {
    const { sim, token, sandbox } = await fresh();
    sim.failNextJob({ kind: 'pend', reason: 'QOSMaxJobsPerUserLimit' });
    const jobid = await submitOk(sim, token, header(`touch ${sandbox}/ran\n`));
    await sleep(100);
    expect((await view(sim, token, { kwargs: [`jobid=${jobid}`] }))[0]).toMatchObject({ state: 'PENDING', st: 'PD', reason: 'QOSMaxJobsPerUserLimit', 'nodelist(reason)': '(QOSMaxJobsPerUserLimit)' });
    const pendingJobs = await view(sim, token, { kwargs: ['state=PENDING'] });
    expect(pendingJobs.map((j) => j.user).sort()).toEqual(['alsdev', 'elvis']);
    expect(await view(sim, token, { kwargs: ['state=PD', 'user=alsdev'] })).toHaveLength(1);
    const r = await api(sim, token, 'DELETE', `/compute/jobs/perlmutter/${jobid}`);
    await waitTask(sim, token, String(r.body.task_id));
    const end = await waitEnd(sim, token, jobid);
    expect([end.state, end.start]).toEqual([`CANCELLED by ${String(sim.uid)}`, 'None']);
    expect(existsSync(join(sandbox, 'ran'))).toBe(false);
    const foreign = (await view(sim, token))[0];
    expect(foreign?.user).toBe('elvis');
    const f = await api(sim, token, 'DELETE', `/compute/jobs/perlmutter/${String(foreign?.jobid)}`);
    expect((await waitTask(sim, token, String(f.body.task_id))).result.error).toMatch(/permission denied/);
  });

  it.each([
    ['NODE_FAIL', '0:0'],
    ['OUT_OF_MEMORY', '0:125'],
    ['PREEMPTED', '0:0'],
    ['TIMEOUT', '0:0'],
    ['FAILED', '0:9'],
  ] as const)('an injected %s kills the running script and ends the job in that state', async (state, exitcode) => {
    const { sim, token, sandbox } = await fresh({ timings: { killWaitMs: 100 } });
    sim.failNextJob({ kind: 'end', state, afterMs: 500 });
    const jobid = await submitOk(sim, token, header(`echo $$ > ${sandbox}/pid\nsleep 30\ntouch ${sandbox}/finished\n`));
    const end = await waitEnd(sim, token, jobid);
    expect([end.state, end.exitcode]).toEqual([state, exitcode]);
    expect(alive(Number(readFileSync(join(sandbox, 'pid'), 'utf8')))).toBe(false);
    expect(existsSync(join(sandbox, 'finished'))).toBe(false);
  });

  it.each(['BOOT_FAIL', 'DEADLINE'] as const)('an injected %s ends the job without running the script', async (state) => {
    const { sim, token, sandbox } = await fresh();
    sim.failNextJob({ kind: 'never-runs', state });
    const jobid = await submitOk(sim, token, header(`touch ${sandbox}/ran\n`));
    expect((await waitEnd(sim, token, jobid)).state).toBe(state);
    expect(existsSync(join(sandbox, 'ran'))).toBe(false);
  });

  it('a task cancelled (DELETE /tasks/{id}) while new never submits; GET /tasks lists the client\'s tasks; dtns runs no jobs', async () => {
    const { sim, token } = await fresh({ timings: { taskMs: 300 } });
    const r = await api(sim, token, 'POST', '/compute/jobs/perlmutter', { form: [['job', header('true\n')], ['isPath', 'false']] });
    const id = String(r.body.task_id);
    const del = await api(sim, token, 'DELETE', `/tasks/${id}`);
    expect(del.body).toEqual({ id, status: 'cancelled', result: null });
    await sleep(400);
    expect(sim.jobs()).toEqual([]);
    const list = await api(sim, token, 'GET', '/tasks');
    expect(list.body).toEqual({ tasks: [{ id, status: 'cancelled', result: null }] });
    const rotated = await getToken(sim, await sim.createClient({ name: 'next red key' }));
    expect((await api(sim, rotated, 'GET', `/tasks/${id}`)).body.status).toBe('cancelled');
    expect((await api(sim, token, 'GET', '/tasks/99999')).status).toBe(404);
    const dtn = await api(sim, token, 'POST', '/compute/jobs/dtns', { form: [['job', header('true\n')], ['isPath', 'false']] });
    expect(dtn.body.status).toBe('ERROR');
  });

  it('an injected sbatch rejection completes the task with result status error (or the task itself failed)', async () => {
    const { sim, token } = await fresh();
    sim.failNextJob({ kind: 'reject', error: 'sbatch: error: Batch job submission failed: Socket timed out on send/recv operation' });
    sim.failNextJob({ kind: 'reject', error: 'internal error', taskStatus: 'failed' });
    const a = await submitAndWait(sim, token, header('true\n'));
    expect([a.task.status, a.result.status, a.result.error]).toEqual(['completed', 'error', 'sbatch: error: Batch job submission failed: Socket timed out on send/recv operation']);
    const b = await submitAndWait(sim, token, header('true\n'));
    expect([b.task.status, b.result.status]).toEqual(['failed', 'error']);
    expect(sim.jobs()).toEqual([]);
  });
});

// ------------------------------------------------------------------ views: stale cache, finding jobs, availability

describe('job views', () => {
  it('serves requests without cached=false from a stale snapshot: a new job is missing, an ended one still runs', async () => {
    const { sim, token } = await fresh();
    const jobid = await submitOk(sim, token, header('sleep 1\n'));
    await sleep(60);
    expect(await view(sim, token, { cached: null, kwargs: [`jobid=${jobid}`] })).toEqual([]);
    expect(await view(sim, token, { cached: true, sacct: true, kwargs: [`jobid=${jobid}`] })).toEqual([]);
    expect(await view(sim, token, { kwargs: [`jobid=${jobid}`] })).toHaveLength(1);
    sim.refreshCache();
    const snap = await view(sim, token, { cached: null, kwargs: [`jobid=${jobid}`] });
    expect(snap).toHaveLength(1);
    await waitEnd(sim, token, jobid);
    expect((await view(sim, token, { cached: null, kwargs: [`jobid=${jobid}`] }))[0]?.state).toBe(snap[0]?.state);
    expect(['PENDING', 'RUNNING']).toContain(snap[0]?.state);
  });

  it('finds jobs by name and user (a re-run finds the job it already submitted); unfiltered lists other users too', async () => {
    const { sim, token } = await fresh();
    const a = await submitOk(sim, token, header('#SBATCH --comment=splash:run-17\nsleep 2\n', { name: 'tomo_recon_p1_a.h5' }));
    const b = await submitOk(sim, token, header('sleep 2\n', { name: 'tomo_recon_p1_b.h5' }));
    await sleep(50);
    const byName = await view(sim, token, { kwargs: ['name=tomo_recon_p1_b.h5'] });
    expect(byName.map((j) => j.jobid)).toEqual([b]);
    const mine = await view(sim, token, { kwargs: ['user=alsdev'] });
    expect(mine.map((j) => j.jobid).sort()).toEqual([a, b].sort());
    expect(mine.find((j) => j.comment === 'splash:run-17')?.jobid).toBe(a);
    expect(mine.find((j) => j.jobid === b)?.comment).toBe('(null)');
    const all = await view(sim, token);
    expect(new Set(all.map((j) => j.user))).toEqual(new Set(['alsdev', 'elvis']));
    const both = await view(sim, token, { kwargs: [`jobid=${a},${b}`, 'name=tomo_recon_p1_a.h5'] });
    expect(both.map((j) => j.jobid)).toEqual([a]);
    const sacctByName = await view(sim, token, { sacct: true, kwargs: ['name=tomo_recon_p1_a.h5', 'user=alsdev'] });
    expect(sacctByName.map((j) => j.jobname)).toEqual(['tomo_recon_p1_a.h5']);
    const page = await api(sim, token, 'GET', '/compute/jobs/perlmutter', { query: [['sacct', 'false'], ['cached', 'false'], ['index', '1'], ['limit', '1']] });
    expect((page.body.output as Doc[]).length).toBe(1);
  });

  it('--dependency=singleton holds a job (reason Dependency) until every earlier job of its name and user has ended, afterany:<id> until that job has; other dependencies are refused', async () => {
    const { sim, token } = await fresh();
    const a = await submitOk(sim, token, header('#SBATCH --dependency=singleton\nsleep 1\n', { name: 'one_at_a_time' }));
    const b = await submitOk(sim, token, header('#SBATCH --dependency=singleton\ntrue\n', { name: 'one_at_a_time' }));
    const c = await submitOk(sim, token, header(`#SBATCH --dependency=afterany:${a}\ntrue\n`, { name: 'after_it' }));
    await sleep(300);
    const rows = await view(sim, token, { kwargs: ['user=alsdev'] });
    expect(rows.map((r) => [r.jobid, r.state, r.reason])).toEqual([[a, 'RUNNING', 'None'], [b, 'PENDING', 'Dependency'], [c, 'PENDING', 'Dependency']]);
    const endA = await waitEnd(sim, token, a);
    const [rowB, rowC] = [await waitEnd(sim, token, b), await waitEnd(sim, token, c)];
    expect([rowB.state, rowC.state]).toEqual(['COMPLETED', 'COMPLETED']);
    expect(String(rowB.start) >= String(endA.end) && String(rowC.start) >= String(endA.end)).toBe(true);
    const { result } = await submitAndWait(sim, token, header('#SBATCH --dependency=afterok:1\ntrue\n'));
    expect(result).toMatchObject({ status: 'error' });
    expect(String(result.error)).toMatch(/only --dependency=singleton and afterany:<ids> are modelled/);
  });

  it('while perlmutter is unavailable: job routes answer status ERROR and pending jobs wait; they start when it is back', async () => {
    const { sim, token, sandbox } = await fresh({ timings: { pendingMs: 400 } });
    const jobid = await submitOk(sim, token, header(`touch ${sandbox}/ran\n`));
    sim.setStatus('perlmutter', 'unavailable', ['Scheduled maintenance']);
    await sleep(500);
    expect(existsSync(join(sandbox, 'ran'))).toBe(false);
    const submit = await api(sim, token, 'POST', '/compute/jobs/perlmutter', { form: [['job', header('true\n')], ['isPath', 'false']] });
    expect(submit.body).toMatchObject({ status: 'ERROR', error: expect.stringMatching(/unavailable: Scheduled maintenance/) as unknown });
    const v = await api(sim, token, 'GET', '/compute/jobs/perlmutter', { query: [['sacct', 'true'], ['cached', 'false']] });
    expect(v.body.status).toBe('ERROR');
    sim.setStatus('perlmutter', 'active');
    expect((await waitEnd(sim, token, jobid)).state).toBe('COMPLETED');
    expect(existsSync(join(sandbox, 'ran'))).toBe(true);
  });
});

// ------------------------------------------------------------------ HTTP faults and the request log

describe('HTTP faults and the request log', () => {
  it('injects 5xx and 429 with Retry-After per route and count, and logs every request', async () => {
    const { sim, token } = await fresh();
    sim.inject('GET', /\/tasks\//, { kind: 'status', status: 503, times: 2 });
    sim.inject('POST', /\/compute\/jobs\/perlmutter$/, { kind: 'status', status: 429, retryAfter: 3 });
    const r429 = await api(sim, token, 'POST', '/compute/jobs/perlmutter', { form: [['job', header('true\n')], ['isPath', 'false']] });
    expect([r429.status, r429.headers['retry-after']]).toEqual([429, '3']);
    expect(sim.jobs()).toEqual([]);
    const r = await api(sim, token, 'POST', '/compute/jobs/perlmutter', { form: [['job', header('true\n')], ['isPath', 'false']] });
    const t1 = await api(sim, token, 'GET', `/tasks/${String(r.body.task_id)}`);
    const t2 = await api(sim, token, 'GET', `/tasks/${String(r.body.task_id)}`);
    expect([t1.status, t2.status]).toEqual([503, 503]);
    expect((await waitTask(sim, token, String(r.body.task_id))).result.status).toBe('ok');
    expect(sim.count('POST', '/api/v1.2/compute/jobs')).toBe(2);
    expect(sim.count('GET', '/api/v1.2/tasks/')).toBeGreaterThanOrEqual(3);
    expect(sim.requests.filter((q) => q.status === 503)).toHaveLength(2);
    expect(sim.requests.some((q) => q.path === '/c2id/token' && q.status === 200)).toBe(true);
  });

  it('drops connections: before handling nothing happens; after handling the job exists and a re-run finds it by name', async () => {
    const { sim, token } = await fresh();
    sim.inject('POST', /\/compute\/jobs\/perlmutter$/, { kind: 'drop-before' });
    await expect(api(sim, token, 'POST', '/compute/jobs/perlmutter', { form: [['job', header('true\n', { name: 'lost' })], ['isPath', 'false']] })).rejects.toThrow();
    await sleep(80);
    expect(sim.jobs()).toEqual([]);
    sim.inject('POST', /\/compute\/jobs\/perlmutter$/, { kind: 'drop-after' });
    await expect(api(sim, token, 'POST', '/compute/jobs/perlmutter', { form: [['job', header('sleep 1\n', { name: 'tomo_recon_p9_x.h5' })], ['isPath', 'false']] })).rejects.toThrow();
    let found: Doc[] = [];
    for (let i = 0; i < 100 && found.length === 0; i++) {
      await sleep(25);
      found = await view(sim, token, { kwargs: ['user=alsdev', 'name=tomo_recon_p9_x.h5'] });
    }
    expect(found).toHaveLength(1);
    expect(sim.requests.filter((q) => q.status === 0)).toHaveLength(2);
  });
});

// ------------------------------------------------------------------ files

describe('files: ls and download over the sandbox', () => {
  it('downloads small files (text, binary base64); a missing, outside or relative path is HTTP 200 status ERROR', async () => {
    const { sim, token, sandbox } = await fresh();
    await writeFileAt(join(sandbox, 'logs', 'a.out'), 'line 1\nline 2\n');
    await writeFileAt(join(sandbox, 'logs', 'b.bin'), Buffer.from([0xff, 0x00, 0xfe]));
    await symlink('/etc', join(sandbox, 'escape'));
    const ok = await api(sim, token, 'GET', `/utilities/download/perlmutter/${sandbox}/logs/a.out`);
    expect(ok.body).toEqual({ status: 'OK', file: 'line 1\nline 2\n', is_binary: false, error: null });
    const bin = await api(sim, token, 'GET', `/utilities/download/perlmutter/${sandbox}/logs/b.bin`, { query: [['binary', 'true']] });
    expect(bin.body).toMatchObject({ status: 'OK', is_binary: true, file: Buffer.from([0xff, 0x00, 0xfe]).toString('base64') });
    for (const p of [`${sandbox}/logs/missing.out`, '/etc/passwd', `${sandbox}/escape/passwd`, `${sandbox}/../x`]) {
      const r = await api(sim, token, 'GET', `/utilities/download/perlmutter/${p}`);
      expect([p, r.status, r.body.status]).toEqual([p, 200, 'ERROR']);
      expect(r.body.error).toEqual(expect.any(String) as unknown);
    }
    const relative = await api(sim, token, 'GET', `/utilities/download/perlmutter${sandbox}/logs/a.out`);
    expect(relative.body.status).toBe('ERROR');
  });

  it('lists a folder (with . and ..) and a single file (its full path as the name)', async () => {
    const { sim, token, sandbox } = await fresh();
    await writeFileAt(join(sandbox, 'scratch', 'recscan', 'scan_00000.tiff'), 'x');
    await writeFileAt(join(sandbox, 'scratch', 'recscan', 'scan_00001.tiff'), 'yy');
    const dir = await api(sim, token, 'GET', `/utilities/ls/perlmutter/${sandbox}/scratch/recscan`);
    expect(dir.body.status).toBe('OK');
    const entries = dir.body.entries as Doc[];
    expect(entries.map((e) => e.name)).toEqual(['.', '..', 'scan_00000.tiff', 'scan_00001.tiff']);
    expect(entries[3]).toMatchObject({ perms: '-rw-r--r--', size: 2, user: 'alsdev' });
    const file = await api(sim, token, 'GET', `/utilities/ls/perlmutter/${sandbox}/scratch/recscan/scan_00001.tiff`);
    expect((file.body.entries as Doc[]).map((e) => e.name)).toEqual([`${sandbox}/scratch/recscan/scan_00001.tiff`]);
    const missing = await api(sim, token, 'GET', `/utilities/ls/perlmutter/${sandbox}/nope`);
    expect([missing.status, missing.body.status]).toEqual([200, 'ERROR']);
    expect(String(missing.body.error)).toMatch(/No such file or directory/);
  });
});

// ------------------------------------------------------------------ stand-ins: the original recon scripts, run for real

const FOLDER = 'BLS-00564_dyparkinson';
const DIGEST = `sha256:${'ab'.repeat(32)}`;

interface Site {
  sim: SfapiSim;
  token: string;
  sandbox: string;
  pscratch: string;
  raw: string;
  scripts: string;
}

/** A NERSC-like sandbox: CFS raw data and recon scripts, pscratch with its log folder. */
async function site(extra: Partial<SfapiSimOptions> = {}): Promise<Site> {
  const s = await fresh(extra);
  const cfs = join(s.sandbox, 'global/cfs/cdirs/als/data_mover/8.3.2');
  const site: Site = { ...s, pscratch: join(s.sandbox, 'pscratch/sd/a/alsdev'), raw: join(cfs, 'raw'), scripts: join(cfs, 'tomography_reconstruction_scripts') };
  await mkdir(join(site.pscratch, 'tomo_recon_logs'), { recursive: true });
  await writeFileAt(join(site.raw, FOLDER, 'scan1.h5'), Buffer.from('\x89HDF\r\n\x1a\nsimulated scan'));
  s.sim.installProgram('tomo-recon', join(site.scripts, 'sfapi_reconstruction.py'));
  s.sim.installProgram('tomo-recon', join(site.scripts, 'sfapi_reconstruction_multinode.py'));
  s.sim.installProgram('tiff-to-zarr', join(site.scripts, 'tiff_to_zarr.py'));
  return site;
}

/** RECON §1.3: the original recon script as splash_flows renders it (unquoted, one srun podman-hpc line). */
function reconScript(x: Site, file = 'scan1.h5', o: { check?: boolean; image?: string; volumes?: string } = {}): string {
  const p = x.pscratch;
  const volumes = o.volumes ?? `--volume ${x.scripts}/sfapi_reconstruction.py:/alsuser/sfapi_reconstruction.py --volume ${p}/8.3.2:/alsdata --volume ${p}/8.3.2:/alsuser/`;
  return `#!/bin/bash
#SBATCH -q realtime
#SBATCH -A als
#SBATCH -C cpu
#SBATCH --job-name=tomo_recon_${FOLDER}_${file}
#SBATCH --output=${p}/tomo_recon_logs/%x_%j.out
#SBATCH --error=${p}/tomo_recon_logs/%x_%j.err
#SBATCH -N 1
#SBATCH --ntasks-per-node 1
#SBATCH --cpus-per-task 64
#SBATCH --time=0:15:00
#SBATCH --exclusive
date
mkdir -p ${p}/8.3.2/raw/${FOLDER}
mkdir -p ${p}/8.3.2/scratch/${FOLDER}
cp ${x.raw}/${FOLDER}/${file} ${p}/8.3.2/raw/${FOLDER}
if [ $? -ne 0 ]; then echo "Failed to copy data to pscratch."; exit 1; fi
srun podman-hpc run ${volumes} ${o.image ?? 'ghcr.io/als-computing/microct:master'} bash -c "python sfapi_reconstruction.py ${file} ${FOLDER}"${o.check === false ? '\ndate' : ' || exit $?'}
`;
}

const tiffs = (x: Site, stem = 'scan1'): string[] => {
  const dir = join(x.pscratch, '8.3.2/scratch', FOLDER, `rec${stem}`);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
};

const logOf = (x: Site, jobid: string, ext: 'out' | 'err', file = 'scan1.h5'): string =>
  readFileSync(join(x.pscratch, 'tomo_recon_logs', `tomo_recon_${FOLDER}_${file}_${jobid}.${ext}`), 'utf8');

describe('stand-ins: srun, podman-hpc and the recon programs in real jobs', () => {
  it('runs the original recon script: srun → podman-hpc (volumes, WORKDIR /alsuser) → python → TIFF slices; then tiff→zarr', async () => {
    const x = await site();
    const jobid = await submitOk(x.sim, x.token, reconScript(x));
    const end = await waitEnd(x.sim, x.token, jobid);
    expect([end.state, end.exitcode], logOf(x, jobid, 'err')).toEqual(['COMPLETED', '0:0']);
    expect(tiffs(x)).toEqual(Array.from({ length: 8 }, (_, i) => `scan1_${String(i).padStart(5, '0')}.tiff`));
    const tiff = readFileSync(join(x.pscratch, '8.3.2/scratch', FOLDER, 'recscan1', 'scan1_00003.tiff'));
    expect(tiff.subarray(0, 4).toString('latin1')).toBe('II*\0');
    expect(logOf(x, jobid, 'out')).toContain('reconstruction completed');

    const p = x.pscratch;
    const zarrJob = reconScript(x).replace(/srun podman-hpc .*$/m,
      `srun podman-hpc run --volume ${x.scripts}/tiff_to_zarr.py:/alsuser/tiff_to_zarr.py --volume ${p}/8.3.2:/alsdata --volume ${p}/8.3.2:/alsuser/ ghcr.io/als-computing/microct:master bash -c "python tiff_to_zarr.py scratch/${FOLDER}/recscan1/ --raw_file raw/${FOLDER}/scan1.h5" || exit $?`);
    const zid = await submitOk(x.sim, x.token, zarrJob);
    expect((await waitEnd(x.sim, x.token, zid)).state).toBe('COMPLETED');
    const zarr = join(p, '8.3.2/scratch', FOLDER, 'recscan1.zarr');
    expect(JSON.parse(readFileSync(join(zarr, '.zattrs'), 'utf8'))).toMatchObject({ sfapi_sim: { source_slices: 8 } });
    expect(existsSync(join(zarr, '.zgroup')) && existsSync(join(zarr, '0', '0', '0', '0'))).toBe(true);
  });

  it('takes the slice count from the input (slices=N in the fake HDF5 file) unless the test sets one', async () => {
    const x = await site();
    await writeFileAt(join(x.raw, FOLDER, 'scan1.h5'), Buffer.from('\x89HDF\r\n\x1a\nslices=3\n'));
    const a = await submitOk(x.sim, x.token, reconScript(x));
    expect((await waitEnd(x.sim, x.token, a)).state).toBe('COMPLETED');
    expect(tiffs(x)).toEqual(['scan1_00000.tiff', 'scan1_00001.tiff', 'scan1_00002.tiff']);
  });

  it.each([
    ['fail', { mode: 'fail', exitCode: 3 }, 'FAILED', '3:0', 0],
    ['crash', { mode: 'crash' }, 'FAILED', '139:0', 0],
    ['short', { mode: 'short', slices: 8 }, 'COMPLETED', '0:0', 7],
    ['swallow (traceback, "reconstruction completed", exit 0, nothing written)', { mode: 'swallow' }, 'COMPLETED', '0:0', 0],
  ] as const)('a recon told to %s: the job state and the slices tell the truth', async (_what, behaviour, state, exitcode, count) => {
    const x = await site();
    x.sim.setProgram('tomo-recon', behaviour);
    const jobid = await submitOk(x.sim, x.token, reconScript(x));
    const end = await waitEnd(x.sim, x.token, jobid);
    expect([end.state, end.exitcode]).toEqual([state, exitcode]);
    expect(tiffs(x)).toHaveLength(count);
  });

  it('the original script (no check after srun) ends COMPLETED even when the recon failed — the simulator does not hide that', async () => {
    const x = await site();
    x.sim.setProgram('tomo-recon', { mode: 'fail' });
    const jobid = await submitOk(x.sim, x.token, reconScript(x, 'scan1.h5', { check: false }));
    expect((await waitEnd(x.sim, x.token, jobid)).state).toBe('COMPLETED');
    expect(logOf(x, jobid, 'err')).toMatch(/RuntimeError: tomo-recon failed[\s\S]*srun: error: nid001001: task 0: Exited with exit code 1/);
    expect(tiffs(x)).toEqual([]);
  });

  it('a recon sleeping past the walltime is killed with the job (TIMEOUT, no slices)', async () => {
    const x = await site({ timings: { timeScale: 1 / 1800, killWaitMs: 100 } }); // 15 min → 0.5 s
    x.sim.setProgram('tomo-recon', { sleepMs: 20_000 });
    const jobid = await submitOk(x.sim, x.token, reconScript(x));
    expect((await waitEnd(x.sim, x.token, jobid)).state).toBe('TIMEOUT');
    expect(tiffs(x)).toEqual([]);
  });

  it('fails honestly on wrong shapes: an unquoted name with a space, a missing volume, an unknown image, a missing raw file', async () => {
    const x = await site();
    await writeFileAt(join(x.raw, FOLDER, 'scan 2.h5'), 'data');
    const p = x.pscratch;
    const cases: [string, string, RegExp][] = [
      ['unquoted space in cp', reconScript(x, 'scan 2.h5'), /cp: cannot stat/],
      ['unquoted space in the container command', reconScript(x, 'scan 2.h5').replace(/^cp .*$/m, `cp "${x.raw}/${FOLDER}/scan 2.h5" ${p}/8.3.2/raw/${FOLDER}/`), /expected 2 or 4 arguments, got 3/],
      ['raw volume not mounted', reconScript(x, 'scan1.h5', { volumes: `--volume ${x.scripts}/sfapi_reconstruction.py:/alsuser/sfapi_reconstruction.py` }), /No such file or directory/],
      ['image not in the registry', reconScript(x, 'scan1.h5', { image: 'ghcr.io/als-computing/microct-typo:master' }), /manifest unknown/],
      ['no recon script mounted', reconScript(x, 'scan1.h5', { volumes: `--volume ${p}/8.3.2:/alsuser/` }), /can't open file/],
      ['unknown podman flag', reconScript(x, 'scan1.h5', { volumes: `--volumes ${p}/8.3.2:/alsuser/` }), /unknown flag: --volumes/],
    ];
    for (const [what, script, message] of cases) {
      const jobid = await submitOk(x.sim, x.token, script.replace(/--job-name=\S+/, '--job-name=tomo_recon_case'));
      const end = await waitEnd(x.sim, x.token, jobid);
      expect([what, end.state]).toEqual([what, 'FAILED']);
      const err = readFileSync(join(p, 'tomo_recon_logs', `tomo_recon_case_${jobid}.err`), 'utf8');
      expect(err, what).toMatch(message);
    }
    expect(tiffs(x)).toEqual([]);
  });

  it('runs the PR #111 multinode shape: per-node srun → shifter (#SBATCH --image, --volume) and wait per PID', async () => {
    const x = await site();
    const p = x.pscratch;
    const script = (ranges: [number, number][], waitEach: boolean): string => `#!/bin/bash
#SBATCH -q realtime
#SBATCH -A als
#SBATCH -C cpu
#SBATCH -N 2
#SBATCH --ntasks=2
#SBATCH --cpus-per-task=128
#SBATCH --time=0:30:00
#SBATCH --exclusive
#SBATCH --image=ghcr.io/als-computing/microct@${DIGEST}
#SBATCH -J multinode
#SBATCH -o ${p}/tomo_recon_logs/%x_%j.out
set -u
mkdir -p ${p}/8.3.2/raw/${FOLDER} ${p}/8.3.2/scratch/${FOLDER}
cp ${x.raw}/${FOLDER}/scan1.h5 ${p}/8.3.2/raw/${FOLDER}/
pids=()
${ranges.map(([a, b]) => `srun --nodes=1 --ntasks=1 --exclusive shifter --env=OMP_NUM_THREADS=128 --volume=${p}/8.3.2:/alsuser --volume=${p}/8.3.2/scratch:/scratch --volume=${x.scripts}:/opt/scripts /bin/bash -c "cd /alsuser && python /opt/scripts/sfapi_reconstruction_multinode.py scan1.h5 ${FOLDER} ${a} ${b}" &\npids+=($!)`).join('\n')}
${waitEach ? 'for pid in "${pids[@]}"; do wait "$pid" || exit 1; done' : 'wait; WAIT_STATUS=$?; if [ $WAIT_STATUS -ne 0 ]; then exit 1; fi'}
`;
    const ok = await submitOk(x.sim, x.token, script([[0, 4], [4, 8]], true));
    expect((await waitEnd(x.sim, x.token, ok)).state, readFileSync(join(p, 'tomo_recon_logs', `multinode_${ok}.out`), 'utf8')).toBe('COMPLETED');
    expect(tiffs(x)).toHaveLength(8);
    // One node fails (an empty sino range): waiting per PID sees it, a bare `wait` does not (RECON §1.5).
    const perPid = await submitOk(x.sim, x.token, script([[0, 4], [4, 4]], true));
    expect((await waitEnd(x.sim, x.token, perPid)).state).toBe('FAILED');
    const bare = await submitOk(x.sim, x.token, script([[0, 4], [4, 4]], false));
    expect((await waitEnd(x.sim, x.token, bare)).state).toBe('COMPLETED');
  });
});

describe('stand-ins run directly: argument shapes', () => {
  let x: Site;
  beforeAll(async () => {
    x = await site();
  });
  const run = (cmd: string, args: string[], o: { cwd?: string; env?: Record<string, string> } = {}): { code: number | null; out: string } => {
    const r = spawnSync(cmd, args, { cwd: o.cwd ?? x.sandbox, env: { ...x.sim.standinEnv(), ...o.env }, encoding: 'utf8' });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };

  it('srun: only inside a job, no more nodes than allocated, runs ntasks copies, exits with the worst code', () => {
    const job = { SLURM_JOB_ID: '1', SLURM_NNODES: '2' };
    expect(run('srun', ['true']).out).toMatch(/no job allocation/);
    expect(run('srun', ['-N', '3', 'true'], { env: job }).out).toMatch(/Only allocated 2 nodes asked for 3/);
    expect(run('srun', ['--frob', 'true'], { env: job }).code).toBe(1);
    const r = run('srun', ['-n', '3', 'bash', '-c', 'echo "task $SLURM_PROCID"; exit $SLURM_PROCID'], { env: job });
    expect(r.code).toBe(2);
    expect(r.out.match(/task \d/g)?.sort()).toEqual(['task 0', 'task 1', 'task 2', 'task 1', 'task 2'].sort());
    expect(run('srun', ['no-such-program'], { env: job }).out).toMatch(/execve\(\): no-such-program: No such file or directory/);
  });

  it('podman-hpc: needs run and an image; volumes must exist and be absolute; the container sees only its volumes and --env', () => {
    const p = x.pscratch;
    expect(run('podman-hpc', ['run']).code).toBe(125);
    expect(run('podman-hpc', ['exec', 'x']).code).toBe(125);
    expect(run('podman-hpc', ['run', '--volume', '/nonexistent:/data', 'ghcr.io/als-computing/microct:master', 'true']).out).toMatch(/statfs \/nonexistent/);
    expect(run('podman-hpc', ['run', '--volume', `${p}:data`, 'ghcr.io/als-computing/microct:master', 'true']).out).toMatch(/must be an absolute path/);
    expect(run('podman-hpc', ['run', 'GHCR.io/Als/Microct', 'true']).out).toMatch(/lowercase/);
    expect(run('podman-hpc', ['run', `ghcr.io/als-computing/microct@sha256:123`, 'true']).out).toMatch(/invalid reference/);
    const env = run('podman-hpc', ['run', '--env', 'A=1', '--volume', `${p}:/data`, 'ghcr.io/als-computing/microct:master', 'bash', '-c', 'echo "A=$A job=${SLURM_JOB_ID:-none} pwd=$PWD"; ls /data'], { env: { SLURM_JOB_ID: '7' } });
    // WORKDIR /alsuser is not a volume here: the container starts in its own empty folder, not on the host
    expect(env.out).toMatch(/^A=1 job=none pwd=\S*sfapi-sim-rootfs-\w+\/alsuser$/m);
    expect(env.out).toContain('tomo_recon_logs');
  });

  it('python: runs only installed stand-in scripts; tiff_to_zarr refuses --raw_directory (the ALCF wrapper defect)', () => {
    const image = join(x.sim.binDir, '..', 'image', 'python');
    expect(run(image, ['-c', 'print(1)']).code).toBe(2);
    expect(run(image, ['missing.py']).out).toMatch(/can't open file/);
    const plain = join(x.sandbox, 'plain.py');
    spawnSync('bash', ['-c', `echo 'print(1)' > '${plain}'`]);
    expect(run(image, [plain]).out).toMatch(/not a stand-in script/);
    const zarr = run(image, [join(x.scripts, 'tiff_to_zarr.py'), 'scratch/x/recy/', '--raw_directory', 'raw/x']);
    expect([zarr.code, /unrecognized arguments: --raw_directory/.test(zarr.out)]).toEqual([2, true]);
    expect(run(image, [join(x.scripts, 'tiff_to_zarr.py')]).out).toMatch(/required: tiff_directory/);
    expect(run(image, [join(x.scripts, 'tiff_to_zarr.py'), join(x.sandbox, 'nope')]).code).toBe(1);
    expect(run(image, [join(x.scripts, 'sfapi_reconstruction.py'), 'raw/scan1.h5', FOLDER]).out).toMatch(/without folders/);
    expect(run(image, [join(x.scripts, 'sfapi_reconstruction.py'), '/etc/hosts.h5', FOLDER], { cwd: '/' }).code).toBe(2);
  });

  it('programs refuse paths outside what is visible (outside the sandbox, or outside the container volumes)', async () => {
    const image = join(x.sim.binDir, '..', 'image', 'python');
    const outside = run(image, [join(x.scripts, 'sfapi_reconstruction.py'), 'scan1.h5', FOLDER], { cwd: '/tmp' });
    expect([outside.code, /not visible here/.test(outside.out)]).toEqual([1, true]);
    await mkdir(join(x.pscratch, '8.3.2/raw', FOLDER), { recursive: true });
    await writeFile(join(x.pscratch, '8.3.2/raw', FOLDER, 'scan1.h5'), 'data');
    const ro = run('podman-hpc', ['run', '--volume', `${x.scripts}/sfapi_reconstruction.py:/alsuser/sfapi_reconstruction.py`, '--volume', `${x.pscratch}/8.3.2:/alsuser:ro`, 'ghcr.io/als-computing/microct:master', 'python', 'sfapi_reconstruction.py', 'scan1.h5', FOLDER]);
    expect([ro.code, ro.out]).toEqual([1, expect.stringMatching(/Read-only file system/) as unknown]);
  });

  it('python outside a container is the host python, but a recon stand-in script fails there (no image modules)', () => {
    const host = run('python3', ['-c', 'print(6 * 7)']);
    expect(host).toEqual({ code: 0, out: '42\n' });
    const recon = run('python', [join(x.scripts, 'sfapi_reconstruction.py'), 'scan1.h5', FOLDER]);
    expect([recon.code, /No module named 'tomopy'/.test(recon.out)]).toEqual([1, true]);
  });

  it('ptychocam and cdtools (7.0.1.2): argument shapes, input present, output written', async () => {
    const dir = join(x.sandbox, 'global/cfs/cdirs/als/gsharing/data_mover/7012/p1');
    await writeFileAt(join(dir, 'scan.cxi'), 'cxi');
    const pty = join(x.sandbox, 'cosmic/c_ptychocam/ptychocam_reconstruction.sh');
    const cdt = join(x.sandbox, 'cosmic/c_cdtools/cdtools_reconstruction.sh');
    x.sim.installProgram('ptychocam', pty);
    x.sim.installProgram('cdtools', cdt);
    expect(run(pty, ['scan.cxi'], { cwd: dir }).out).toMatch(/-i n_iter is required/);
    expect(run(pty, ['-i', '500', '-X', 'scan.cxi'], { cwd: dir }).code).toBe(2);
    expect(run(pty, ['-i', '500', '-M', 'missing.cxi'], { cwd: dir }).code).toBe(1);
    expect(run(pty, ['-i', '500', '-r', '10', '-M', 'scan.cxi'], { cwd: dir }).code).toBe(0);
    expect(existsSync(join(dir, 'scan_ptychocam.h5'))).toBe(true);
    const params = ['True', '1', '2', '0.1', 'False', '3', '10', '50', '0.5', 'probe', 'True', '12'];
    expect(run(cdt, ['scan.cxi', ...params.slice(1)], { cwd: dir }).out).toMatch(/expected 13 arguments, got 12/);
    expect(run(cdt, ['scan.cxi', ...params], { cwd: dir }).code).toBe(0);
    expect(existsSync(join(dir, 'scan_cdtools.h5'))).toBe(true);
    x.sim.setProgram('cdtools', { mode: 'fail', exitCode: 4 });
    expect(run(cdt, ['scan.cxi', ...params], { cwd: dir }).code).toBe(4);
    x.sim.setProgram('cdtools', undefined);
    expect(run(cdt, ['scan.cxi', ...params], { cwd: dir }).code).toBe(0);
  });
});
