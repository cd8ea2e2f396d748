// The documentation site: `npm run docs:build` writes it to docs/.vitepress/dist (`npm run docs:dev` serves it
// with live reload). The pages are the Markdown files in docs/, which also read well on GitHub as they are.
//
// Environment:
//   DOCS_BASE  the path the site is served under, e.g. /splash-flows/ for a GitHub Pages project site
//              (default /).
// Links from a page to a file of the repository outside docs/ (`../README.md`, `../.github/workflows/x.yml`)
// work on GitHub but not on the site; the build turns them into links to the file on GitHub, branch main (in
// the repository of the Actions run that builds it, else the one config.yml dispatches to), and fails if the
// file does not exist, as VitePress fails on a dead link between pages.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitepress';

const DOCS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = path.dirname(DOCS);

/** `splash-flows`, `/splash-flows` and `/splash-flows/` all mean `/splash-flows/`; VitePress wants both slashes. */
function basePath(value: string | undefined): string {
  const trimmed = (value ?? '').trim().replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '/' : `/${trimmed}/`;
}

const repoUrl =
  process.env.GITHUB_SERVER_URL && process.env.GITHUB_REPOSITORY
    ? `${process.env.GITHUB_SERVER_URL}/${process.env.GITHUB_REPOSITORY}`
    : 'https://github.com/als-computing/splash-flows-ts';

/** A link target outside docs/, as a URL of the file on GitHub; undefined for every other link. */
function repoFileUrl(href: string, page: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:|^\/\/|^#|^\//i.test(href)) return undefined; // external, anchor or site-absolute
  const [file = '', hash = ''] = href.split(/(?=#)/);
  const target = path.resolve(path.dirname(page), decodeURIComponent(file));
  if (target === DOCS || target.startsWith(DOCS + path.sep)) return undefined; // a page: VitePress checks it
  const relative = path.relative(ROOT, target);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new Error(`${path.relative(ROOT, page)}: link ${href} leaves the repository`);
  }
  if (!existsSync(target)) {
    throw new Error(`${path.relative(ROOT, page)}: dead link ${href} (${relative} does not exist)`);
  }
  const kind = statSync(target).isDirectory() ? 'tree' : 'blob';
  return `${repoUrl}/${kind}/main/${relative.split(path.sep).map(encodeURIComponent).join('/')}${hash}`;
}

/** The generated beamline pages (docs/beamlines/bl*.md, `npm run docs:gen`), by their title line. */
function beamlinePages(): { text: string; link: string }[] {
  const dir = path.join(DOCS, 'beamlines');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^bl\d+\.md$/.test(f))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((f) => {
      const title = /^# (.+)$/m.exec(readFileSync(path.join(dir, f), 'utf8'))?.[1] ?? f;
      return { text: title, link: `/beamlines/${f.replace(/\.md$/, '')}` };
    });
}

export default defineConfig({
  title: 'splash-flows',
  description:
    'Data orchestration for synchrotron beamlines on GitHub Actions: move, ingest, recon, hpss, prune.',
  base: basePath(process.env.DOCS_BASE),
  lastUpdated: false,
  markdown: {
    config(md) {
      md.core.ruler.push('splash_links_and_code', (state) => {
        const page = (state.env as { path?: unknown }).path;
        for (const block of state.tokens) {
          for (const token of block.children ?? []) {
            // Inline code is literal text: without v-pre, Vue would evaluate `${{ secrets.X }}` in it.
            // (VitePress already does this for code blocks.)
            if (token.type === 'code_inline') token.attrSet('v-pre', '');
            if (token.type !== 'link_open' || typeof page !== 'string') continue;
            const url = repoFileUrl(token.attrGet('href') ?? '', page);
            if (url !== undefined) token.attrSet('href', url);
          }
        }
      });
    },
  },
  themeConfig: {
    nav: [
      { text: 'Home', link: '/' },
      { text: 'Getting started', link: '/getting-started' },
      { text: 'Status', link: '/status/' },
      { text: 'Beamlines', link: '/beamlines/' },
      { text: 'config.yml', link: '/reference/config' },
      { text: 'Operations', link: '/operations' },
    ],
    sidebar: [
      {
        text: 'Start here',
        items: [
          { text: 'Overview', link: '/' },
          { text: 'Getting started', link: '/getting-started' },
          { text: 'How it fits together', link: '/concepts' },
        ],
      },
      {
        text: 'Pipeline status',
        items: [
          { text: 'Status of every beamline', link: '/status/' },
          { text: 'How the status pages are built', link: '/status-pages' },
        ],
      },
      {
        text: 'Beamlines',
        items: [
          { text: 'All beamlines', link: '/beamlines/' },
          ...beamlinePages(),
          { text: 'Adding a beamline', link: '/adding-a-beamline' },
        ],
      },
      {
        text: 'Steps and services',
        items: [
          { text: 'The GitHub workflows', link: '/workflows' },
          { text: 'Globus moves and prunes', link: '/globus' },
          { text: 'Reconstruction (NERSC, ALCF)', link: '/recon' },
          { text: 'Tape archiving (HPSS)', link: '/hpss' },
          { text: 'The file watcher', link: '/watcher' },
        ],
      },
      {
        text: 'Configuration',
        items: [
          { text: 'config.yml explained', link: '/config' },
          { text: 'config.yml reference (generated)', link: '/reference/config' },
        ],
      },
      {
        text: 'Running it',
        items: [
          { text: 'Operations', link: '/operations' },
          { text: 'Security notes', link: '/security' },
          { text: 'Troubleshooting', link: '/troubleshooting' },
          { text: 'Migrating from the Python system', link: '/migrating' },
        ],
      },
    ],
    outline: { level: [2, 3] },
    search: { provider: 'local' },
    socialLinks: [{ icon: 'github', link: repoUrl }],
  },
});
