// The pipeline status build (src/status/, `splash status`) against the GitHub REST simulator: the Actions
// routes as strict as GitHub's (paging by Link, the 1,000-result search cap, signed downloads that refuse
// the API token), the request budget per build, rate limits, the cache, and pages from reports the bundled
// actions really wrote.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GitHubClient, GitHubError } from '../src/github/index.js';
import { nextLink } from '../src/github/client.js';
import type { StepReportDoc } from '../src/run/report.js';
import { buildStatus, type BeamlineInfo } from '../src/status/index.js';
import { reportsInZip } from '../src/status/collect.js';
import { startGitHubSim, type GitHubSim } from './sim/github/index.js';
import { keepReports, report, seedHistory } from './sim/github/history.js';
import { DAY, dist, makeFacility, runAction, runNode, tempDir, writeFileAt } from './helpers.js';

const sims: GitHubSim[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});
async function sim(opts: Parameters<typeof startGitHubSim>[0] = {}): Promise<GitHubSim> {
  const s = await startGitHubSim(opts);
  sims.push(s);
  return s;
}
const client = (s: GitHubSim, token = 'sim-token'): GitHubClient =>
  new GitHubClient({ apiUrl: s.url, owner: 'als-computing', repo: 'splash-flows-ts', credentials: { kind: 'token', token } });

const BEAMLINES: BeamlineInfo[] = [
  { id: '8.3.2', title: 'microCT', eventType: 'new_file_832', prune: [{ endpoint: 'spot832', check: 'data832', after_days: 1 }] },
  { id: '7.3.3', title: 'SAXS/WAXS', eventType: 'new_file_733', prune: [] },
];
const NOW = new Date('2026-12-06T12:00:00Z');

describe('GitHub simulator: the Actions routes, as strict as GitHub', () => {
  it('lists runs newest first, 100 per page at most, with GitHub\'s Link header under /repositories/{id}', async () => {
    const s = await sim();
    for (let i = 0; i < 250; i++) s.actions.addRun({ created_at: new Date(NOW.getTime() - i * 60_000) });
    const c = client(s);
    const first = await c.getPage('runs', '/repos/{owner}/{repo}/actions/runs', { per_page: 500 });
    const runs = (first.data as { workflow_runs: { created_at: string }[]; total_count: number }).workflow_runs;
    expect(runs).toHaveLength(100);
    expect((first.data as { total_count: number }).total_count).toBe(250);
    expect(runs[0]?.created_at).toBe('2026-12-06T12:00:00Z');
    expect(first.next).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/repositories\/\d+\/actions\/runs\?per_page=100&page=2$/);
    const second = await c.getPage('runs', first.next ?? '');
    const third = await c.getPage('runs', second.next ?? '');
    expect((third.data as { workflow_runs: unknown[] }).workflow_runs).toHaveLength(50);
    expect(third.next).toBeUndefined();
    expect(first.rate).toMatchObject({ limit: 5000, resource: 'core' });
    expect(third.rate?.remaining).toBe(4997);
  });

  it('reaches only the first 1,000 results of a search (created filter), and refuses a created it cannot read', async () => {
    const s = await sim();
    for (let i = 0; i < 1050; i++) s.actions.addRun({ created_at: new Date(NOW.getTime() - i * 60_000) });
    const c = client(s);
    const page11 = await c.getPage('runs', '/repos/{owner}/{repo}/actions/runs', { per_page: 100, page: 11, created: '>=2026-11-01' });
    expect((page11.data as { workflow_runs: unknown[] }).workflow_runs).toEqual([]);
    const plain11 = await c.getPage('runs', '/repos/{owner}/{repo}/actions/runs', { per_page: 100, page: 11 });
    expect((plain11.data as { workflow_runs: unknown[] }).workflow_runs).toHaveLength(50);
    await expect(c.getPage('runs', '/repos/{owner}/{repo}/actions/runs', { created: 'last week' })).rejects.toMatchObject({ kind: 'invalid', status: 422 });
  });

  it('answers 401 without or with a bad token, 404 for another repository', async () => {
    const s = await sim();
    await expect(client(s, 'nope').getPage('runs', '/repos/{owner}/{repo}/actions/runs')).rejects.toMatchObject({ kind: 'auth', status: 401 });
    const other = new GitHubClient({ apiUrl: s.url, owner: 'someone', repo: 'else', credentials: { kind: 'token', token: 'sim-token' } });
    await expect(other.getPage('runs', '/repos/{owner}/{repo}/actions/runs')).rejects.toMatchObject({ kind: 'not-found', status: 404 });
  });

  it('downloads an artifact through a signed redirect that refuses the API token; expired artifacts are 410', async () => {
    const s = await sim();
    const run = s.actions.addRun({ created_at: NOW });
    const doc = report({ step: 'move', beamline: '8.3.2', started: NOW.toISOString() });
    keepReports(s, run.id, 'move', [doc]);
    const [artifact] = s.actions.artifacts;
    const c = client(s);
    const url = await c.artifactZipUrl(artifact?.id ?? 0);
    expect(new URL(url).origin).not.toBe(new URL(s.url).origin);
    const withToken = await fetch(url, { headers: { authorization: 'Bearer sim-token' } });
    expect(withToken.status).toBe(400);
    expect(await withToken.text()).toContain('InvalidAuthenticationInfo');
    const forged = await fetch(url.replace(/sig=[^&]+/, 'sig=forged'));
    expect(forged.status).toBe(403);
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(reportsInZip(new Uint8Array(await ok.arrayBuffer()))).toEqual([doc]);
    const old = s.actions.addArtifact(run.id, 'splash-report-old', { 'a.json': '{}' }, { created_at: new Date(NOW.getTime() - DAY), expired: true });
    await expect(c.artifactZipUrl(old.id)).rejects.toMatchObject({ status: 410 });
    // Following the redirect blindly with the token (what a generic client does) fails at the storage.
    const followed = await fetch(`${s.url}/repos/als-computing/splash-flows-ts/actions/artifacts/${artifact?.id ?? 0}/zip`, { headers: { authorization: 'Bearer sim-token' } });
    expect([200, 400]).toContain(followed.status); // fetch drops Authorization on a cross-origin redirect; the storage would refuse it
  });

  it('enforces its hourly limit: past it, 403 with x-ratelimit-remaining 0 until the reset', async () => {
    const s = await sim({ rateLimit: 3 });
    const c = client(s);
    for (let i = 0; i < 3; i++) await c.getPage('runs', '/repos/{owner}/{repo}/actions/runs');
    const err = await c.getPage('runs', '/repos/{owner}/{repo}/actions/runs').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitHubError);
    expect(err).toMatchObject({ kind: 'rate-limit', status: 403 });
    expect((err as GitHubError).serverWaitMs).toBeGreaterThan(3_000_000);
  });

  it('reads Link headers the way RFC 8288 allows GitHub to write them', () => {
    expect(nextLink('<https://api.github.com/repositories/1/actions/runs?page=2>; rel="next", <https://api.github.com/repositories/1/actions/runs?page=5>; rel="last"')).toBe('https://api.github.com/repositories/1/actions/runs?page=2');
    expect(nextLink('<https://x/a?page=1>; rel="prev", <https://x/a?page=1>; rel="first"')).toBeUndefined();
    expect(nextLink(undefined)).toBeUndefined();
  });
});

describe('status build', () => {
  it('with no runs yet: an explanatory overview and empty beamline pages, in 2 requests', async () => {
    const s = await sim();
    const out = await tempDir('splash-status-');
    const r = await buildStatus({ client: client(s), beamlines: BEAMLINES, outDir: out, days: 28, maxRequests: 200, reserve: 100, now: NOW });
    expect(r).toMatchObject({ runs: 0, reports: 0, requests: 2, unread: 0, stopped: undefined });
    expect(readdirSync(out).sort()).toEqual(['bl733.md', 'bl832.md', 'index.md']);
    const index = readFileSync(join(out, 'index.md'), 'utf8');
    expect(index).toContain('## No runs yet');
    expect(readFileSync(join(out, 'bl832.md'), 'utf8')).toContain('No dispatch of this beamline in the window.');
    expect(readFileSync(join(out, 'bl733.md'), 'utf8')).toContain('7.3.3 has no prune rules');
  });

  it('pages from the reports the bundled actions wrote: the scan, its steps, the failure and its reason, the next prune', async () => {
    const s = await sim();
    const { root, config } = await makeFacility();
    const old = new Date(Date.now() - 3 * DAY);
    await writeFileAt(join(root, 'beamline/raw/p1/scan_1.h5'), 'x'.repeat(4096));
    await writeFileAt(join(root, 'beamline/raw/p0/old.h5'), 'AAA', old);
    await writeFileAt(join(root, 'server/raw/p0/old.h5'), 'AAA', old);
    const reportsOf = async (action: string, inputs: Record<string, string>, code: number): Promise<StepReportDoc[]> => {
      const temp = await tempDir('splash-runner-temp-');
      const r = await runAction(action, { config, ...inputs }, { RUNNER_TEMP: temp });
      expect(r.code, r.stdout).toBe(code);
      const dir = join(temp, 'splash-reports');
      return readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as StepReportDoc);
    };
    const ok = s.actions.addRun({ display_title: 'new_file_832', created_at: new Date() });
    keepReports(s, ok.id, 'move', await reportsOf('move', { beamline: '8.3.2', 'file-paths': '/global/raw/p1/scan_1.h5' }, 0));
    const bad = s.actions.addRun({ display_title: 'new_file_832', created_at: new Date(), conclusion: 'failure' });
    keepReports(s, bad.id, 'move', await reportsOf('move', { beamline: '8.3.2', 'file-paths': '/global/raw/p1/<{{ missing }}>.h5' }, 1));
    const prune = s.actions.addRun({ name: 'prune', display_title: 'prune', event: 'schedule', created_at: new Date() });
    keepReports(s, prune.id, 'prune', await reportsOf('prune', { 'dry-run': 'true', now: new Date(Date.now() + DAY).toISOString() }, 0));
    const silent = s.actions.addRun({ display_title: 'new_file_832', created_at: new Date(), conclusion: 'failure' });

    const out = await tempDir('splash-status-');
    const cfg = readFileSync(config, 'utf8') + `github:\n  repository: als-computing/splash-flows-ts\n  api_url: ${s.url}\n`;
    await writeFileAt(config, cfg);
    const r = await runNode(dist('cli'), ['status', '--config', config, '--out', out, '--cache', ''], { env: { GITHUB_TOKEN: 'sim-token' } });
    expect(r.stderr).toMatch(/status pages: 2 written .* from 4 runs and 3 reports, 5 API requests \(budget 200\)/);
    expect(r.code).toBe(0);
    const page = readFileSync(join(out, 'bl832.md'), 'utf8');
    expect(page).toContain(`actions/runs/${ok.id}" class="run-link">run ${ok.id}</a>`);
    expect(page).toContain('<code>/global/raw/p1/scan_1.h5</code>');
    expect(page).toContain('4.0 KiB');
    // The failure's reason, escaped: a file name cannot inject HTML or a Vue expression.
    expect(page).toMatch(/<td>move<\/td><td><code>\/global\/raw\/p1\/&lt;\{\{ missing \}\}&gt;\.h5<\/code><\/td><td>beamline:raw\/p1\/&lt;\{\{ missing \}\}&gt;\.h5: does not exist/);
    expect(page).not.toContain('<{{');
    expect(page).toContain(`run ${silent.id}`);
    expect(page).toContain('before a step reported');
    expect(page).toMatch(/<code>beamline<\/code><\/td><td>1 days<\/td><td>2 file\(s\), 4.0 KiB<\/td><td>each has a verified copy at the same path on <code>server<\/code>/);
    expect(page).toContain('<code>raw/p0/old.h5</code>');
    expect(page).toMatch(/<rect class="bar" data-day="\d{4}-\d{2}-\d{2}" data-bytes="4096"/);
  });

  it('thousands of runs: never more requests than the budget, newest first, the rest in later builds; a warm build reads only what is new', async () => {
    // A limit above the 5,000 an hour GitHub gives, so this test measures the budget, not the hour.
    const s = await sim({ rateLimit: 20_000 });
    seedHistory(s, { runs: 3000, days: 28, now: NOW, beamlines: [{ id: '8.3.2', eventType: 'new_file_832', recon: true }, { id: '7.3.3', eventType: 'new_file_733' }], failEvery: 50, prune: BEAMLINES[0]?.prune, archive: [{ beamline: '8.3.2', cycle: '2026-2', proposals: 3 }] });
    const artifacts = s.actions.artifacts.length;
    const out = await tempDir('splash-status-');
    const cache = await tempDir('splash-status-cache-');
    const build = () => buildStatus({ client: client(s), beamlines: BEAMLINES, outDir: out, cacheDir: cache, days: 28, maxRequests: 200, reserve: 100, now: NOW });
    const builds = [];
    let r = await build();
    builds.push(r);
    expect(r.requests).toBe(200);
    expect(r.stopped).toMatch(/budget of 200 API requests/);
    expect(r.unread).toBeGreaterThan(0);
    const overview = readFileSync(join(out, 'index.md'), 'utf8');
    expect(overview).toContain('report(s) wait for the next build');
    // The newest runs are read first: the first page already shows the latest scans.
    expect(readFileSync(join(out, 'bl832.md'), 'utf8')).toContain('scan_03000.h5');
    while (r.unread > 0 && builds.length < 60) {
      r = await build();
      builds.push(r);
      expect(r.requests).toBeLessThanOrEqual(200);
    }
    expect(r.unread).toBe(0);
    expect(r.reports).toBe(artifacts + 28 + 0); // one report per artifact, two in each prune artifact
    const warm = await build();
    expect(warm.requests).toBeLessThanOrEqual(4);
    expect(warm.stopped).toBeUndefined();
    // Every request the simulator answered is one a build counted: nothing unaccounted for.
    expect(s.apiRequests()).toBe([...builds, warm].reduce((a, b) => a + b.requests, 0));
    const page = readFileSync(join(out, 'bl832.md'), 'utf8');
    expect(page).toContain('The newest 50 of 1500 dispatches in the window.');
    expect(page).toMatch(/<td>2026-2<\/td><td>3<\/td>/);
    console.log(`status build, 3,000 dispatch runs (${artifacts} report artifacts) over 28 days: ${builds.length} builds of at most 200 requests to read all (cold), then ${warm.requests} requests per build (warm)`);
  }, 120_000);

  it('honours rate limits: waits out a short secondary limit, stops at the reserve, and at a long primary limit', async () => {
    const s = await sim({ rateLimit: 120 });
    seedHistory(s, { runs: 60, days: 7, now: NOW, beamlines: [{ id: '8.3.2', eventType: 'new_file_832' }] });
    s.injectActions({ kind: 'secondary-rate-limit', retryAfterSeconds: 2 });
    const waits: number[] = [];
    const out = await tempDir('splash-status-');
    const r = await buildStatus({ client: client(s), beamlines: BEAMLINES, outDir: out, days: 28, maxRequests: 500, reserve: 20, now: NOW, sleep: (ms) => { waits.push(ms); return Promise.resolve(); } });
    expect(waits).toEqual([2000]);
    expect(r.stopped).toMatch(/rate limit has 20 requests left this hour \(reserve 20\)/);
    expect(s.apiRequests()).toBe(100);
    expect(r.unread).toBeGreaterThan(0);

    const s2 = await sim();
    seedHistory(s2, { runs: 5, days: 7, now: NOW, beamlines: [{ id: '8.3.2', eventType: 'new_file_832' }] });
    s2.injectActions({ kind: 'primary-rate-limit', resetInSeconds: 1800 });
    const r2 = await buildStatus({ client: client(s2), beamlines: BEAMLINES, outDir: out, days: 28, maxRequests: 500, reserve: 20, now: NOW, sleep: () => Promise.reject(new Error('must not sleep 30 minutes')) });
    expect(r2.stopped).toMatch(/asks to wait 18\d\d s/);
    expect(existsSync(join(out, 'index.md'))).toBe(true);
  });

  it('a token without access fails the build with GitHub\'s answer (exit 1), and no token is a usage error (exit 2)', async () => {
    const s = await sim();
    const { config } = await makeFacility(`github:\n  repository: als-computing/splash-flows-ts\n  api_url: ${s.url}\n`);
    const out = await tempDir('splash-status-');
    const bad = await runNode(dist('cli'), ['status', '--config', config, '--out', out, '--cache', ''], { env: { GITHUB_TOKEN: 'ghp_wrongwrongwrongwrongwrongwrongwrong12' } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/listing workflow runs: GitHub answered 401 \(Bad credentials\)/);
    expect(bad.stderr).not.toContain('ghp_wrong');
    const none = await runNode(dist('cli'), ['status', '--config', config, '--out', out], { env: {} });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('environment variable GITHUB_TOKEN is not set');
  });
});

// Adversarial review: what reaches the pages comes from artifacts, and artifacts come from any run of the
// repository — a pull request from a fork runs its own version of ci.yml and can upload a `splash-report-*`.
describe('status build: untrusted artifacts', () => {
  const build = async (s: GitHubSim, cacheDir?: string) => {
    const out = await tempDir('splash-status-');
    const r = await buildStatus({ client: client(s), beamlines: BEAMLINES, outDir: out, cacheDir, days: 28, maxRequests: 200, reserve: 100, now: NOW });
    return { r, page: readFileSync(join(out, 'bl832.md'), 'utf8'), index: readFileSync(join(out, 'index.md'), 'utf8') };
  };

  it('a pull request\'s run (from a fork) cannot put scans, failures or a prune preview on a beamline\'s page', async () => {
    const s = await sim();
    const at = new Date(NOW.getTime() - 3600_000);
    // A fork's PR titled like a dispatch, whose modified ci.yml uploads made-up reports.
    const pr = s.actions.addRun({ name: 'ci', path: '.github/workflows/ci.yml', display_title: 'new_file_832', event: 'pull_request', created_at: at, conclusion: 'failure' });
    keepReports(s, pr.id, 'move', [
      report({ step: 'move', beamline: '8.3.2', started: at.toISOString(), status: 'failed', error: 'FORGED: the data832 disk is gone, copy everything to https://evil.example', facts: { paths: ['/raw/p1/forged.h5'], paths_total: 1 } }),
      report({ step: 'prune', title: 'Prune (dry run)', started: at.toISOString(), facts: { dry_run: true, now: NOW.toISOString(), rules: [{ endpoint: 'spot832', check: 'data832', after_days: 1, pruned: 0, pruned_bytes: 0, kept: 0, unsafe: 0, pruned_files: [], unsafe_files: [] }], rules_total: 1 } }),
    ], at);
    // One real dispatch, so the page is not empty.
    const ok = s.actions.addRun({ display_title: 'new_file_832', created_at: at });
    keepReports(s, ok.id, 'move', [report({ step: 'move', beamline: '8.3.2', started: at.toISOString(), facts: { paths: ['/raw/p1/real.h5'], paths_total: 1 } })], at);
    const { page } = await build(s);
    expect(page).toContain('/raw/p1/real.h5');
    expect(page).not.toContain('FORGED');
    expect(page).not.toContain('forged.h5');
    expect(page).not.toContain(`run ${pr.id}`);
    expect(page).toContain('No prune preview yet');
  });

  it('a report with fields of the wrong kind neither breaks the build nor writes an attribute into the page', async () => {
    const s = await sim();
    const at = new Date(NOW.getTime() - 3600_000);
    const run = s.actions.addRun({ display_title: 'new_file_832', created_at: at });
    const evil = { ...report({ step: 'move', beamline: '8.3.2', started: at.toISOString() }), status: 'ok"/onmouseover="alert(document.domain)' };
    const broken = { ...report({ step: 'ingest', beamline: '8.3.2', started: at.toISOString() }), facts: null };
    keepReports(s, run.id, 'move', [evil as unknown as StepReportDoc, broken as unknown as StepReportDoc], at);
    const { page } = await build(s);
    // HTML reads "/" between attributes as a blank: this would be an event handler.
    expect(page).not.toMatch(/onmouseover="/);
    expect(page).toContain(`run ${run.id}`);
  });

  it('a lone carriage return in a reason cannot end the HTML block and turn the rest into Markdown', async () => {
    const s = await sim();
    const at = new Date(NOW.getTime() - 3600_000);
    const run = s.actions.addRun({ display_title: 'new_file_832', created_at: at, conclusion: 'failure' });
    keepReports(s, run.id, 'move', [report({ step: 'move', beamline: '8.3.2', started: at.toISOString(), status: 'failed', error: 'x\r\r[log in again](https://evil.example/login) \r\r', facts: { paths: ['/raw/p1/a.h5'], paths_total: 1 } })], at);
    const { page } = await build(s);
    // markdown-it reads a lone CR as a line end: two of them are a blank line, which ends an HTML block.
    const html = page.slice(page.indexOf('## Failures'), page.indexOf('## Next prune'));
    expect(html).toContain('log in again');
    expect(html.replace(/\r\n?/g, '\n')).not.toMatch(/\n\s*\n[^\n]*log in again/);
  });

  it('an artifact whose files inflate to far more than a report can be is skipped (many small-enough files, or overlapping stored entries)', async () => {
    const { zipSync } = await import('fflate');
    const pad = (n: number) => `${JSON.stringify(report({ step: 'move', beamline: '8.3.2', started: NOW.toISOString() })).slice(0, -1)}, "pad": "${' '.repeat(n)}"}`;
    const files = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`r${i}.json`, new TextEncoder().encode(pad(3 * 1024 * 1024))]));
    const zip = zipSync(files, { level: 9 });
    expect(zip.length).toBeLessThan(1024 * 1024);
    expect(() => reportsInZip(zip)).toThrow(/larger than a report/);
  });
});
