// The SFAPI client (src/sfapi) against the simulator over real HTTP: the token request and its assertion,
// every key form NERSC and splash_flows use, token caching and renewal, the two error layers, retries, the
// async tasks, squeue → sacct, cancel and download — and a refusal of the credentials as one error that
// names what to fix.
import { existsSync } from 'node:fs';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, exportPKCS8 } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { SplashError } from '../src/errors.js';
import { readCredentials, SfapiApiError, SfapiClient } from '../src/sfapi/index.js';
import { redact } from '../src/secrets.js';
import { startSfapiSim, type ClientKey, type SfapiSim } from './sim/sfapi/index.js';
import { tempDir } from './helpers.js';

const sims: SfapiSim[] = [];
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

async function sim(opts: { tokenLifetimeSeconds?: number } = {}): Promise<{ sim: SfapiSim; key: ClientKey }> {
  const s = await startSfapiSim({ sandbox: await tempDir('sfapi-client-'), timings: { pendingMs: 30, completingMs: 20, notFoundMs: 0, taskMs: 20 }, ...opts });
  sims.push(s);
  return { sim: s, key: await s.createClient({ name: 'splash test' }) };
}

function client(s: SfapiSim, text: string, clientId: string | undefined): SfapiClient {
  return new SfapiClient({
    apiUrl: s.url, tokenUrl: s.tokenUrl, machine: 'perlmutter', settingsHint: 'check sfapi.client_id and sfapi.private_key',
    credentials: readCredentials({ text, where: 'sfapi.private_key', clientId, clientIdWhere: 'sfapi.client_id' }),
    retry: { sleep: () => Promise.resolve(), maxRetries: 3 }, taskPollFirstMs: 10, taskPollMaxMs: 50,
  });
}

const script = (body: string, name = 'sfapi_client_test') => `#!/bin/bash\n#SBATCH -q debug\n#SBATCH -A als\n#SBATCH -C cpu\n#SBATCH --time=0:05:00\n#SBATCH -J ${name}\n${body}`;

describe('token: private_key_jwt client credentials', () => {
  it('signs RS256 with iss = sub = the trimmed client id, aud = the token URL, iat, exp, jti; the sim accepts exactly its three form fields', async () => {
    const { sim: s, key } = await sim();
    const c = client(s, key.privateKeyPem, `  ${key.clientId}\n`);
    const jwt = await c.auth.assertion();
    expect(decodeProtectedHeader(jwt).alg).toBe('RS256');
    const claims = decodeJwt(jwt);
    expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'sub']);
    expect([claims.iss, claims.sub, claims.aud]).toEqual([key.clientId, key.clientId, s.tokenUrl]);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBeLessThanOrEqual(3600);
    // The assertion is masked from the moment it exists.
    expect(redact(`x ${jwt} y`)).toBe('x *** y');
    expect((await c.user())).toBe('alsdev');
    expect(s.requests.filter((r) => r.path === '/c2id/token').map((r) => r.status)).toEqual([200]);
  });

  it.each([
    ['the PEM Iris gives', (k: ClientKey) => ({ text: k.privateKeyPem, id: k.clientId })],
    ['a JWK (the original splash_flows key file)', (k: ClientKey) => ({ text: JSON.stringify(k.privateJwk), id: k.clientId })],
    ["sfapi_client's text file (client id on the first line, then the PEM)", (k: ClientKey) => ({ text: k.keyFileText, id: undefined })],
    ["sfapi_client's JSON file {client_id, secret}", (k: ClientKey) => ({ text: JSON.stringify({ client_id: k.clientId, secret: k.privateKeyPem }), id: undefined })],
  ])('reads %s', async (_what, form) => {
    const { sim: s, key } = await sim();
    const f = form(key);
    expect(await client(s, f.text, f.id).user()).toBe('alsdev');
  });

  it('caches the token, renews it when it runs out, and once when the API answers 401', async () => {
    const { sim: s, key } = await sim({ tokenLifetimeSeconds: 2 });
    const c = client(s, key.privateKeyPem, key.clientId);
    await c.user();
    await c.status();
    await c.clients();
    expect(c.auth.tokensIssued).toBe(1);
    s.expireTokens();
    expect((await c.clients()).map((x) => x.clientId)).toContain(key.clientId);
    expect(c.auth.tokensIssued).toBe(2);
    // a 2 s token is renewed early (at half its life), without a 401
    await new Promise((r) => setTimeout(r, 1100));
    await c.clients();
    expect(c.auth.tokensIssued).toBe(3);
    expect(s.requests.filter((r) => r.status === 401)).toHaveLength(1);
  });

  it.each([
    ['a wrong key', async (_s: SfapiSim, k: ClientKey) => ({ text: await exportPKCS8((await generateKeyPair('RS256', { extractable: true })).privateKey), id: k.clientId }), /could not verify the client assertion of \w+: the private key does not belong to this client/],
    ['an unknown client id', (_s: SfapiSim, k: ClientKey) => Promise.resolve({ text: k.privateKeyPem, id: 'zzzzzzzzzzzzz' }), /NERSC does not know the SFAPI client id zzzzzzzzzzzzz/],
    ['an expired red client', (s: SfapiSim, k: ClientKey) => { s.expireClient(k.clientId); return Promise.resolve({ text: k.privateKeyPem, id: k.clientId }); }, /has expired \(red clients live 48 hours\)/],
  ])('%s: one config error that names what to fix', async (_what, make, said) => {
    const { sim: s, key } = await sim();
    const f = await make(s, key);
    const err = await client(s, f.text, f.id).user().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SplashError);
    const e = err as SplashError;
    expect([e.kind, e.message]).toEqual(['config', expect.stringMatching(said) as unknown]);
    expect(e.hint).toMatch(/sfapi\.client_id and sfapi\.private_key.*Iris/);
    // refused once, not retried
    expect(s.requests.filter((r) => r.path === '/c2id/token')).toHaveLength(1);
  });

  it('refuses key material that cannot be an SFAPI key, naming the setting', async () => {
    const { key } = await sim();
    const read = (text: string, id: string | undefined = key.clientId) => () => readCredentials({ text, where: 'sfapi.private_key (${SFAPI_PRIVATE_KEY})', clientId: id, clientIdWhere: 'sfapi.client_id' });
    expect(read('not a key')).toThrow(/sfapi\.private_key .*neither a PEM private key nor a JWK/);
    expect(read(key.publicKeyPem)).toThrow(/public key or certificate/);
    expect(read('{"kty":"RSA","n":"x","e":"AQAB"}')).toThrow(/not an RSA private key/);
    expect(read(key.privateKeyPem, 'short')).toThrow(/13-character client id/);
    expect(read(key.keyFileText, 'aaaaaaaaaaaaa')).toThrow(/is for client/);
    expect(read(key.privateKeyPem, '')).toThrow(/no SFAPI client id/);
  });
});

describe('API calls', () => {
  it('submits a script, follows the task (result parsed twice), follows the job squeue → sacct with cached=false', async () => {
    const { sim: s, key } = await sim();
    const c = client(s, key.privateKeyPem, key.clientId);
    const { jobId, recovered } = await c.submitJob(script('sleep 0.3\n'));
    expect([jobId, recovered]).toEqual([expect.stringMatching(/^\d+$/) as unknown, false]);
    let view = await c.job(jobId);
    expect(view?.source).toBe('squeue');
    while (view && ['PENDING', 'RUNNING', 'COMPLETING'].includes(view.state)) {
      await new Promise((r) => setTimeout(r, 50));
      view = await c.job(jobId);
    }
    expect([view?.source, view?.state, view?.exitCode, view?.name]).toEqual(['sacct', 'COMPLETED', '0:0', 'sfapi_client_test']);
    const views = s.requests.filter((r) => r.path === '/api/v1.2/compute/jobs/perlmutter' && r.method === 'GET');
    expect(views.length).toBeGreaterThan(0);
    expect(views.every((r) => r.query.includes('cached=false'))).toBe(true);
  });

  it('an sbatch refusal (task completed, result status error) is an error with sbatch\'s words', async () => {
    const { sim: s, key } = await sim();
    const c = client(s, key.privateKeyPem, key.clientId);
    const err = await c.submitJob('#!/bin/bash\n#SBATCH -q debug\n#SBATCH -A als\n#SBATCH --time=5\ntrue\n').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SfapiApiError);
    expect((err as Error).message).toMatch(/sbatch: .*No architecture specified/);
  });

  it('HTTP 200 with status ERROR is an error (a machine that is down)', async () => {
    const { sim: s, key } = await sim();
    const c = client(s, key.privateKeyPem, key.clientId);
    s.setStatus('perlmutter', 'unavailable', ['Scheduled maintenance']);
    expect((await c.status()).status).toBe('unavailable');
    const err = await c.submitJob(script('true\n')).catch((e: unknown) => e);
    expect([(err as SfapiApiError).status, (err as Error).message]).toEqual([200, expect.stringMatching(/status ERROR: perlmutter is unavailable: Scheduled maintenance/) as unknown]);
  });

  it('retries 503 and 429 (Retry-After), and a lost submit answer finds the job instead of submitting another', async () => {
    const { sim: s, key } = await sim();
    const c = client(s, key.privateKeyPem, key.clientId);
    s.inject('GET', /\/tasks\//, { kind: 'status', status: 503, times: 2 });
    s.inject('GET', /\/account\/$/, { kind: 'status', status: 429, retryAfter: 0, times: 1 });
    expect(await c.user()).toBe('alsdev');
    await c.submitJob(script('sleep 1\n', 'lost_answer'));
    s.inject('POST', /\/compute\/jobs\/perlmutter$/, { kind: 'drop-after' });
    const user = await c.user();
    const again = await c.submitJob(script('sleep 1\n', 'lost_answer_2'), async () => {
      await new Promise((r) => setTimeout(r, 100));
      return (await c.jobs({ name: 'lost_answer_2', user }, 'squeue'))[0]?.jobId;
    });
    expect(again.recovered).toBe(true);
    expect(s.jobs().filter((j) => j.name === 'lost_answer_2')).toHaveLength(1);
  });

  it('cancels a running job (CANCELLED in sacct) and downloads small files; a missing file is undefined', async () => {
    const { sim: s, key } = await sim();
    const c = client(s, key.privateKeyPem, key.clientId);
    const { jobId } = await c.submitJob(script(`echo hello > ${s.sandbox}/hello.txt\nsleep 30\n`));
    for (let i = 0; i < 100 && !existsSync(`${s.sandbox}/hello.txt`); i++) await new Promise((r) => setTimeout(r, 20));
    await c.cancelJob(jobId);
    await s.jobEnded(Number(jobId));
    expect((await c.job(jobId))?.state).toBe('CANCELLED');
    expect(await c.download(`${s.sandbox}/hello.txt`)).toBe('hello\n');
    expect(await c.download(`${s.sandbox}/nope.txt`)).toBeUndefined();
  });
});
