// repository_dispatch from the beamline side: the client against the GitHub simulator over real HTTP, the
// payload limits, GitHub's retry rules, App authentication, and `splash dispatch` as a user runs it.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { GitHubClient } from '../src/github/client.js';
import { GitHubError, httpFailure, serverWaitMs, SECONDARY_LIMIT_MIN_MS } from '../src/github/errors.js';
import { bodyBytes, MAX_BODY_BYTES, planDispatches } from '../src/github/payload.js';
import { backoffMs, dispatchWithRetry, type RetryPolicy } from '../src/github/retry.js';
import { appJwt, appPrivateKey } from '../src/github/auth.js';
import { dist, runNode } from './helpers.js';
import { makeGitHubFacility, TOKEN_ENV } from './sim/github/facility.js';
import { startGitHubSim, type GitHubSim } from './sim/github/index.js';

const sims: GitHubSim[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});
async function sim(opts?: Parameters<typeof startGitHubSim>[0]): Promise<GitHubSim> {
  const s = await startGitHubSim(opts);
  sims.push(s);
  return s;
}

const tokenClient = (s: GitHubSim, token = 'sim-token'): GitHubClient =>
  new GitHubClient({ apiUrl: s.url, owner: 'als-computing', repo: 'splash-flows-ts', credentials: { kind: 'token', token }, timeoutMs: 5000 });

const body = (paths: string[], isExportControl = false) => ({ event_type: 'new_file_832', client_payload: { file_paths: paths, is_export_control: isExportControl } });

/** Never actually waits: records the waits asked for. */
function recordingPolicy(extra: Partial<RetryPolicy> = {}): RetryPolicy & { waits: number[] } {
  const waits: number[] = [];
  return { firstMs: 100, maxMs: 5000, maxRetries: 5, maxWaitMs: 120_000, random: () => 0.5, sleep: (ms) => { waits.push(ms); return Promise.resolve(); }, ...extra, waits };
}

describe('GitHubClient.dispatch against the simulator', () => {
  it('sends the payload dispatch.yml reads, with a bearer token, API version and user agent', async () => {
    const s = await sim();
    await tokenClient(s).dispatch(body(['/global/raw/p1/a.h5', '/global/raw/p1/b.h5'], true));
    expect(s.dispatches).toHaveLength(1);
    const d = s.dispatches[0];
    expect(d?.event_type).toBe('new_file_832');
    expect(d?.client_payload).toEqual({ file_paths: ['/global/raw/p1/a.h5', '/global/raw/p1/b.h5'], is_export_control: true });
    expect(d?.authorization).toBe('Bearer sim-token');
    expect(d?.apiVersion).toBe('2022-11-28');
    expect(d?.userAgent).toMatch(/^splash-flows/);
    expect(s.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['POST /repos/als-computing/splash-flows-ts/dispatches 204']);
  });

  it('classifies what GitHub answers: bad token, wrong repository, server error, no answer', async () => {
    const s = await sim();
    const bad = await tokenClient(s, 'wrong').dispatch(body(['/a'])).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(GitHubError);
    expect(bad).toMatchObject({ kind: 'auth', status: 401, retriable: false });
    expect((bad as Error).message).toContain('Bad credentials');

    const elsewhere = new GitHubClient({ apiUrl: s.url, owner: 'als-computing', repo: 'nope', credentials: { kind: 'token', token: 'sim-token' } });
    expect(await elsewhere.dispatch(body(['/a'])).catch((e: unknown) => e)).toMatchObject({ kind: 'not-found', status: 404, retriable: false });

    s.inject({ kind: 'status', status: 502 });
    expect(await tokenClient(s).dispatch(body(['/a'])).catch((e: unknown) => e)).toMatchObject({ kind: 'server', status: 502, retriable: true });

    s.inject({ kind: 'drop' });
    expect(await tokenClient(s).dispatch(body(['/a'])).catch((e: unknown) => e)).toMatchObject({ kind: 'network', status: undefined, retriable: true });

    await s.stop();
    expect(await tokenClient(s).dispatch(body(['/a'])).catch((e: unknown) => e)).toMatchObject({ kind: 'network', retriable: true });
    await s.start();
    await tokenClient(s).dispatch(body(['/a']));
    expect(s.dispatchedPaths()).toEqual(['/a']);
  });

  it('rate limits: retry-after, primary limit reset, secondary limit without headers', async () => {
    const s = await sim();
    s.inject({ kind: 'secondary-rate-limit', retryAfterSeconds: 7 });
    const secondary = (await tokenClient(s).dispatch(body(['/a'])).catch((e: unknown) => e)) as GitHubError;
    expect(secondary).toMatchObject({ kind: 'rate-limit', status: 403, retriable: true, serverWaitMs: 7000 });

    s.inject({ kind: 'secondary-rate-limit', status: 429, retryAfterSeconds: 2 });
    expect(await tokenClient(s).dispatch(body(['/a'])).catch((e: unknown) => e)).toMatchObject({ kind: 'rate-limit', status: 429, serverWaitMs: 2000 });

    s.inject({ kind: 'primary-rate-limit', resetInSeconds: 30 });
    const primary = (await tokenClient(s).dispatch(body(['/a'])).catch((e: unknown) => e)) as GitHubError;
    expect(primary.kind).toBe('rate-limit');
    expect(primary.serverWaitMs).toBeGreaterThan(25_000);
    expect(primary.serverWaitMs).toBeLessThanOrEqual(32_000);

    s.inject({ kind: 'secondary-rate-limit' });
    expect(await tokenClient(s).dispatch(body(['/a'])).catch((e: unknown) => e)).toMatchObject({ kind: 'rate-limit', serverWaitMs: SECONDARY_LIMIT_MIN_MS });

    // A 403 that is not a rate limit (token without contents: write) is not retried.
    s.inject({ kind: 'status', status: 403, body: { message: 'Resource not accessible by personal access token' } });
    expect(await tokenClient(s).dispatch(body(['/a'])).catch((e: unknown) => e)).toMatchObject({ kind: 'forbidden', retriable: false });
    expect(s.dispatches).toHaveLength(0);
  });

  it('the simulator refuses what GitHub refuses: 11 payload properties, 64 KB, no event type', async () => {
    const s = await sim();
    const post = (b: unknown) =>
      fetch(`${s.url}/repos/als-computing/splash-flows-ts/dispatches`, { method: 'POST', headers: { authorization: 'token sim-token' }, body: JSON.stringify(b) });
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i]));
    expect((await post({ event_type: 'x', client_payload: eleven })).status).toBe(422);
    expect((await post({ event_type: 'x', client_payload: { file_paths: ['a'.repeat(70_000)] } })).status).toBe(422);
    expect((await post({ client_payload: {} })).status).toBe(422);
    expect((await post({ event_type: 'x', client_payload: { file_paths: ['/a'] } })).status).toBe(204);
  });
});

describe('payload limits', () => {
  it('a list over 64 KB is split in order into bodies GitHub accepts', async () => {
    const paths = Array.from({ length: 3000 }, (_, i) => `/global/raw/proposal_2026_0042/scan_${String(i).padStart(5, '0')}_projections.h5`);
    const bodies = planDispatches('new_file_832', paths, false);
    expect(bodies.length).toBeGreaterThanOrEqual(3);
    for (const b of bodies) {
      expect(bodyBytes(b)).toBeLessThanOrEqual(MAX_BODY_BYTES);
      expect(Object.keys(b.client_payload).length).toBeLessThanOrEqual(10);
    }
    expect(bodies.flatMap((b) => b.client_payload.file_paths)).toEqual(paths);
    // Packed: every body but the last is nearly full.
    for (const b of bodies.slice(0, -1)) expect(bodyBytes(b)).toBeGreaterThan(MAX_BODY_BYTES - 200);

    const s = await sim();
    for (const b of bodies) await tokenClient(s).dispatch(b);
    expect(s.dispatchedPaths()).toEqual(paths);
  });

  it('a short list is one body; an event type GitHub would refuse is an error', () => {
    expect(planDispatches('new_file_832', ['/a', '/b'], true)).toEqual([body(['/a', '/b'], true)]);
    expect(() => planDispatches('x'.repeat(101), ['/a'], false)).toThrow(/1 to 100/);
  });
});

describe('retry rules', () => {
  it('backoff doubles per failure, is capped, and jitters between half and all of it', () => {
    const b = { firstMs: 1000, maxMs: 10_000 };
    expect(backoffMs(1, { ...b, random: () => 0 })).toBe(500);
    expect(backoffMs(1, { ...b, random: () => 0.999999 })).toBe(1000);
    expect(backoffMs(3, { ...b, random: () => 0.999999 })).toBe(4000);
    expect(backoffMs(20, { ...b, random: () => 0.999999 })).toBe(10_000);
  });

  it('retry-after and x-ratelimit-reset name the wait; an HTTP date works too', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(serverWaitMs({ 'retry-after': '3' }, now)).toBe(3000);
    expect(serverWaitMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' }, now)).toBe(10_000);
    expect(serverWaitMs({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 20) }, now)).toBe(21_000);
    expect(serverWaitMs({ 'x-ratelimit-remaining': '12' }, now)).toBeUndefined();
    expect(httpFailure(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 1e9) }, {}, 'x', now).serverWaitMs).toBe(3_600_000);
  });

  it('5xx twice, then accepted: three attempts, the waits growing', async () => {
    const s = await sim();
    s.inject({ kind: 'status', status: 500 });
    s.inject({ kind: 'status', status: 503 });
    const policy = recordingPolicy();
    const { attempts } = await dispatchWithRetry(tokenClient(s), body(['/a']), policy);
    expect(attempts).toBe(3);
    expect(policy.waits).toEqual([75, 150]);
    expect(s.dispatchedPaths()).toEqual(['/a']);
  });

  it('honours retry-after on 429 and 403 secondary limits even when longer than the backoff', async () => {
    const s = await sim();
    s.inject({ kind: 'secondary-rate-limit', status: 429, retryAfterSeconds: 4 });
    s.inject({ kind: 'secondary-rate-limit', status: 403, retryAfterSeconds: 9 });
    const policy = recordingPolicy();
    await dispatchWithRetry(tokenClient(s), body(['/a']), policy);
    expect(policy.waits).toEqual([4000, 9000]);
    expect(s.dispatches).toHaveLength(1);
  });

  it('does not retry what a retry cannot fix, and gives up on a wait longer than it may sit out', async () => {
    const s = await sim();
    const policy = recordingPolicy();
    await expect(dispatchWithRetry(tokenClient(s, 'revoked'), body(['/a']), policy)).rejects.toMatchObject({ kind: 'auth' });
    expect(policy.waits).toEqual([]);

    s.inject({ kind: 'primary-rate-limit', resetInSeconds: 3000 });
    await expect(dispatchWithRetry(tokenClient(s), body(['/a']), recordingPolicy({ maxWaitMs: 60_000 }))).rejects.toThrow(/asks to wait \d+ s/);

    s.inject({ kind: 'status', status: 500 }, 3);
    await expect(dispatchWithRetry(tokenClient(s), body(['/a']), recordingPolicy({ maxRetries: 2 }))).rejects.toMatchObject({ kind: 'server' });
    expect(s.dispatches).toHaveLength(0);
  });
});

describe('GitHub App authentication', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

  it('signs an RS256 JWT, finds the installation, gets a token and reuses it', async () => {
    const s = await sim({ app: { clientId: 'Iv23sim', publicKey, installationId: 4242 } });
    const client = new GitHubClient({ apiUrl: s.url, owner: 'als-computing', repo: 'splash-flows-ts', credentials: { kind: 'app', clientId: 'Iv23sim', privateKey: pem } });
    await client.dispatch(body(['/a']));
    await client.dispatch(body(['/b']));
    expect(s.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /repos/als-computing/splash-flows-ts/installation 200',
      'POST /app/installations/4242/access_tokens 201',
      'POST /repos/als-computing/splash-flows-ts/dispatches 204',
      'POST /repos/als-computing/splash-flows-ts/dispatches 204',
    ]);
    expect(s.dispatches.map((d) => d.authorization)).toEqual([`Bearer ${s.issuedTokens[0] ?? ''}`, `Bearer ${s.issuedTokens[0] ?? ''}`]);
  });

  it('a revoked installation token is renewed once; a wrong key never gets one', async () => {
    const s = await sim({ app: { clientId: '12345', publicKey, installationId: 7 } });
    const client = new GitHubClient({ apiUrl: s.url, owner: 'als-computing', repo: 'splash-flows-ts', credentials: { kind: 'app', clientId: '12345', privateKey: pem.replace(/\n/g, '\\n'), installationId: 7 } });
    await client.dispatch(body(['/a']));
    s.revokeInstallationTokens();
    await client.dispatch(body(['/b']));
    expect(s.issuedTokens).toHaveLength(2);
    expect(s.dispatchedPaths()).toEqual(['/a', '/b']);

    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const impostor = new GitHubClient({ apiUrl: s.url, owner: 'als-computing', repo: 'splash-flows-ts', credentials: { kind: 'app', clientId: '12345', privateKey: other, installationId: 7 } });
    await expect(impostor.dispatch(body(['/c']))).rejects.toMatchObject({ kind: 'auth', status: 401 });
  });

  it('the JWT has GitHub\'s shape: RS256, iss, iat 60 s back, under 10 minutes of life', () => {
    const key = appPrivateKey(pem);
    const [h = '', p = ''] = appJwt('Iv23sim', key, Date.parse('2026-01-01T00:00:00Z')).split('.');
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT' });
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { iat: number; exp: number; iss: string };
    expect(claims.iss).toBe('Iv23sim');
    expect(Date.parse('2026-01-01T00:00:00Z') / 1000 - claims.iat).toBe(60);
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(600);
    expect(() => appPrivateKey('not a key')).toThrow(/not a PEM private key/);
  });
});

describe('splash dispatch (the bundled CLI)', () => {
  const splash = (args: string[], env: NodeJS.ProcessEnv = TOKEN_ENV) => runNode(dist('cli'), args, { env });

  it('--help explains it', async () => {
    const r = await splash(['dispatch', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: splash dispatch');
  });

  it('sends one dispatch with the beamline\'s event type; paths normalised under the prefix', async () => {
    const s = await sim();
    const f = await makeGitHubFacility({ apiUrl: s.url });
    const r = await splash(['dispatch', '--beamline', '8.3.2', '--config', f.config, '/global/raw/p1/a.h5', 'raw/p1//b.h5']);
    expect(r.stderr).toContain('accepted');
    expect(r.code).toBe(0);
    expect(s.dispatches).toEqual([
      expect.objectContaining({ event_type: 'new_file_832', client_payload: { file_paths: ['/global/raw/p1/a.h5', '/global/raw/p1/b.h5'], is_export_control: false }, authorization: 'Bearer sim-token' }),
    ]);
    const ec = await splash(['dispatch', '-b', '8.3.2', '-c', f.config, '--export-control', '--file-paths', '["raw/c.h5"]']);
    expect(ec.code).toBe(0);
    expect(s.dispatches[1]?.client_payload).toEqual({ file_paths: ['/global/raw/c.h5'], is_export_control: true });
  });

  it.each(['../etc/passwd', '/other/raw/a.h5', 'raw/a\r.h5', 'raw\\a.h5', '-rf', 'raw/%2e%2e/x'])('refuses %j with exit 2 and sends nothing at all', async (bad) => {
    const s = await sim();
    const f = await makeGitHubFacility({ apiUrl: s.url });
    const r = await splash(['dispatch', '--beamline', '8.3.2', '--config', f.config, 'raw/ok.h5', '--', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/file-paths\[1\]/);
    expect(s.requests).toHaveLength(0);
  });

  it('a list over 64 KB goes out as several dispatches, in order', async () => {
    const s = await sim();
    const f = await makeGitHubFacility({ apiUrl: s.url });
    const paths = Array.from({ length: 2500 }, (_, i) => `/global/raw/proposal_2026_0042/frame_${String(i).padStart(6, '0')}.tif`);
    const r = await splash(['dispatch', '-b', '8.3.2', '-c', f.config, ...paths]);
    expect(r.code).toBe(0);
    expect(s.dispatches.length).toBeGreaterThanOrEqual(2);
    expect(r.stderr).toMatch(/dispatch 1\/\d+: \d+ path\(s\)/);
    expect(s.dispatchedPaths()).toEqual(paths);
    for (const d of s.dispatches) expect(d.bytes).toBeLessThan(64_000);
  });

  it('no token, or no github section: exit 2 before any request', async () => {
    const s = await sim();
    const f = await makeGitHubFacility({ apiUrl: s.url });
    const r = await splash(['dispatch', '-b', '8.3.2', '-c', f.config, 'raw/a.h5'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/GITHUB_TOKEN is not set/);
    await writeFile(f.config, readFileSync(f.config, 'utf8').replace(/^github:[\s\S]*$/m, ''));
    const r2 = await splash(['dispatch', '-b', '8.3.2', '-c', f.config, 'raw/a.h5']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/no github: section/);
    expect(s.requests).toHaveLength(0);
  });

  it('retries through a 503 and a secondary rate limit; a refused token is exit 1 with a hint', async () => {
    const s = await sim();
    const f = await makeGitHubFacility({ apiUrl: s.url });
    s.inject({ kind: 'status', status: 503 });
    s.inject({ kind: 'secondary-rate-limit', retryAfterSeconds: 0 });
    const r = await splash(['dispatch', '-b', '8.3.2', '-c', f.config, 'raw/a.h5']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/retry 1 in/);
    expect(r.stderr).toMatch(/accepted after 3 attempts/);
    expect(s.dispatchedPaths()).toEqual(['/global/raw/a.h5']);

    const bad = await splash(['dispatch', '-b', '8.3.2', '-c', f.config, 'raw/a.h5'], { GITHUB_TOKEN: 'ghp_notTheRightOne' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Bad credentials/);
    expect(bad.stderr).toMatch(/hint: the token is wrong/);
    expect(bad.stderr).not.toContain('ghp_notTheRightOne');
  });
});
