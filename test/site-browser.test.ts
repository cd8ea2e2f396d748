// The published site in a real browser: the status pages are built by the bundled `splash status` from a
// facility history in the GitHub simulator, the site by VitePress under a Pages base path, and headless
// Chromium (Debian's, driven by playwright-core; installed by test/global-setup.ts) opens the pages, checks
// the tables and the chart, follows every link, and leaves a screenshot in test-artifacts/site-browser/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startGitHubSim, type GitHubSim } from './sim/github/index.js';
import { keepReports, report, seedHistory } from './sim/github/history.js';
import { buildSite, repoCopy, serveStatic } from './site.js';
import { dist, repoRoot, runNode } from './helpers.js';

const BASE = '/splash-flows-ts/';
const ARTIFACTS = join(repoRoot, 'test-artifacts', 'site-browser');
/** The flags known to work here (no network, no GPU, no sandbox as root), and a fresh profile. */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let sim: GitHubSim;
let site: Awaited<ReturnType<typeof serveStatic>>;
let context: BrowserContext;
let profile: string;
const NOW = new Date();
const HOSTILE = '/raw/p9/<img src=x onerror=alert(1)>{{ 7*7 }}.h5';

beforeAll(async () => {
  const chromiumPath = inject('chromium');
  if (chromiumPath === '') throw new Error(inject('chromiumProblem'));
  sim = await startGitHubSim();
  seedHistory(sim, {
    runs: 300,
    days: 28,
    now: NOW,
    beamlines: [{ id: '8.3.2', eventType: 'new_file_832', recon: true }, { id: '7.3.3', eventType: 'new_file_733' }, { id: '9.3.1', eventType: 'new_file_931' }],
    failEvery: 40,
    prune: [{ endpoint: 'spot832', check: 'data832', after_days: 1 }],
    archive: [{ beamline: '8.3.2', cycle: '2026-2', proposals: 4 }],
  });
  // A failure whose file name tries to be HTML and a Vue expression.
  const bad = sim.actions.addRun({ display_title: 'new_file_832', created_at: new Date(NOW.getTime() - 60_000), conclusion: 'failure' });
  keepReports(sim, bad.id, 'move', [report({ step: 'move', beamline: '8.3.2', started: new Date(NOW.getTime() - 60_000).toISOString(), status: 'failed', error: `beamline:${HOSTILE.slice(1)}: does not exist under /`, facts: { paths: [HOSTILE], paths_total: 1 } })]);

  const root = await repoCopy();
  const status = await runNode(dist('cli'), ['status', '--config', join(root, 'config.yml'), '--out', join(root, 'docs/status'), '--cache', '', '--max-requests', '2000', '--api-url', sim.url, '--repository', 'als-computing/splash-flows-ts'], { env: { GITHUB_TOKEN: 'sim-token' } });
  expect(status.code, status.stderr).toBe(0);
  const out = await buildSite(root, BASE);
  site = await serveStatic(out, BASE);
  profile = mkdtempSync(join(tmpdir(), 'splash-chromium-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true, args: FLAGS, viewport: { width: 1280, height: 900 } });
}, 240_000);

afterAll(async () => {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  await site.close();
  await sim.close();
});

async function open(path: string): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => {
    errors.push(`a dialog opened: ${d.message()}`);
    void d.dismiss();
  });
  const res = await page.goto(`${site.url}${path}`, { waitUntil: 'networkidle' });
  expect(res?.status(), path).toBe(200);
  expect(errors, path).toEqual([]);
  return page;
}

/** The little of the DOM the checks use (the project compiles without the DOM library). */
interface El {
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<El>;
  getBBox(): { height: number };
}

const cells = (page: Page, table: string): Promise<string[][]> =>
  page.$$eval(`table.${table} tbody tr`, (rows) => Array.from(rows as unknown as ArrayLike<El>).map((r) => Array.from(r.querySelectorAll('td')).map((td) => (td.textContent ?? '').trim())));

describe('the status pages in headless Chromium', () => {
  it('overview: a row per configured beamline, with its scans and failures', async () => {
    const page = await open('status/index.html');
    expect(await page.locator('h1').first().textContent()).toContain('Pipeline status');
    const rows = await cells(page, 'status-overview');
    expect(rows.map((r) => r[0])).toEqual(['4.0.2', '5.3.1', '6.3.1', '7.0.1.1', '7.0.1.2', '7.3.3', '8.3.2', '9.3.1']);
    const row832 = rows.find((r) => r[0] === '8.3.2') ?? [];
    expect(Number(row832[2])).toBe(101); // 100 seeded dispatches + the hostile one
    expect(Number(row832[3])).toBeGreaterThanOrEqual(4);
    expect(rows.find((r) => r[0] === '5.3.1')?.[2]).toBe('0');
    await page.close();
  });

  it('a beamline page: the scans, the failure (escaped), the next prune, tape per cycle, and the chart', async () => {
    const page = await open('status/bl832.html');
    const scans = await cells(page, 'status-scans');
    expect(scans).toHaveLength(50);
    expect(scans[0]?.[2]).toBe(HOSTILE);
    const done = scans.find((r) => r[4]?.startsWith('ok')) ?? [];
    expect(done[4]).toMatch(/^ok \d+(\.\d)?(m|s| s)/); // move: outcome, time, throughput
    expect(done[4]).toMatch(/MiB\/s|GiB\/s/);
    expect(done[5]).toMatch(/^ok/); // ingest
    expect(done[6]).toMatch(/^ok/); // recon
    expect(scans.filter((r) => r[4]?.startsWith('failed')).length).toBeGreaterThan(0);
    const failures = await cells(page, 'status-failures');
    expect(failures[0]?.[3]).toBe(HOSTILE);
    expect(failures[0]?.[4]).toContain('does not exist under /');
    // The file name stayed text: no element was made from it, no expression evaluated, no dialog opened.
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    const prune = await cells(page, 'status-prune');
    expect(prune).toEqual([['spot832', '1 days', expect.stringMatching(/^40 file\(s\), 200 GiB$/) as unknown as string, 'each has a verified copy at the same path on data832, checked again just before the delete', expect.stringContaining('raw/p9/lonely.h5') as unknown as string]]);
    expect(await cells(page, 'status-tape')).toEqual([['2026-2', '4', '480', '1.2 TiB', '0', expect.stringMatching(/UTC$/) as unknown as string]]);

    const chart = page.locator('svg.throughput-chart');
    expect(await chart.isVisible()).toBe(true);
    const bars = await chart.locator('rect.bar').evaluateAll((rects) => Array.from(rects as unknown as ArrayLike<El>).map((r) => ({ day: r.getAttribute('data-day') ?? '', bytes: Number(r.getAttribute('data-bytes')), height: r.getBBox().height })));
    expect(bars.length).toBeGreaterThanOrEqual(28);
    const max = Math.max(...bars.map((b) => b.bytes));
    expect(max).toBeGreaterThan(0);
    const tallest = Math.max(...bars.map((b) => b.height));
    for (const b of bars) expect(b.height).toBeCloseTo((b.bytes / max) * tallest, 0);
    expect(bars.filter((b) => b.bytes > 0).length).toBeGreaterThan(20);

    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, 'status-bl832.png');
    await page.screenshot({ path: shot, fullPage: true });
    await (await open('status/index.html')).screenshot({ path: join(ARTIFACTS, 'status-index.png'), fullPage: true });
    console.log(`site screenshots: ${ARTIFACTS}`);
    await page.close();
  });

  it('an empty beamline says so, and a page with no runs explains itself', async () => {
    const page = await open('status/bl531.html');
    expect(await page.locator('main').textContent()).toContain('No dispatch of this beamline in the window.');
    expect(await page.locator('table.status-scans').count()).toBe(0);
    await page.close();
  });

  it('every link on every status page leads somewhere: site pages through the base path, runs to their run page', async () => {
    const index = await open('status/index.html');
    const pages = ['status/index.html', ...(await index.$$eval('a.beamline-link', (as) => as.map((a) => (a as unknown as { href: string }).href)))].map((u) => u.replace(site.url, ''));
    await index.close();
    expect(pages).toHaveLength(9);
    const followed = new Set<string>();
    for (const p of pages) {
      const page = await open(p);
      const hrefs = await page.$$eval('main a[href]', (as) => as.map((a) => (a as unknown as { href: string }).href));
      for (const href of hrefs) {
        const url = new URL(href);
        if (url.hash !== '' && url.pathname === new URL(page.url()).pathname) continue; // an anchor on this page
        const key = `${url.origin}${url.pathname}`;
        if (followed.has(key)) continue;
        followed.add(key);
        if (url.origin === new URL(site.url).origin) {
          expect(url.pathname.startsWith(BASE), `${p} → ${href}: under the base path`).toBe(true);
          const target = await context.newPage();
          const res = await target.goto(href, { waitUntil: 'domcontentloaded' });
          expect(res?.status(), `${p} → ${href}`).toBe(200);
          expect(await target.locator('h1').count(), `${p} → ${href}: a page`).toBeGreaterThan(0);
          await target.close();
        } else if (url.origin === new URL(sim.url).origin) {
          // A run's page on GitHub (here the simulator's): fetched by the browser's own request context.
          const res = await context.request.get(href);
          expect(res.status(), `${p} → ${href}`).toBe(200);
          expect(await res.text()).toMatch(new RegExp(`<h1 id="run">[^<]* run ${url.pathname.split('/').at(-1) ?? ''}</h1>`));
        } else {
          // The only other links are to the repository on GitHub, which this machine cannot reach.
          expect(href, `${p}: an external link`).toMatch(/^https:\/\/github\.com\/als-computing\/splash-flows-ts\//);
        }
      }
      await page.close();
    }
    expect([...followed].filter((u) => u.startsWith(new URL(sim.url).origin)).length).toBeGreaterThan(50);
    expect([...followed].some((u) => u.endsWith('/beamlines/bl832.html'))).toBe(true);
  }, 180_000);
});
