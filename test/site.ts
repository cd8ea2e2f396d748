/**
 * Helpers for the tests of the published site: a copy of the repository to build it in (the docs link to
 * files outside docs/, and the status pages are written into docs/status/), the VitePress build, and a
 * static server that serves the built site under its base path, as GitHub Pages does.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { listenOnLoopback } from './sim/http.js';
import { repoRoot, tempDir } from './helpers.js';

/** The repository's files as git sees them (tracked and new, not ignored), without dist/, in a temp folder. */
export async function repoCopy(prefix = 'splash-site-'): Promise<string> {
  const dir = await tempDir(prefix);
  const listed = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: repoRoot, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files: ${listed.stderr}`);
  for (const rel of listed.stdout.split('\0')) {
    if (rel === '' || rel.startsWith('dist/')) continue;
    const from = join(repoRoot, rel);
    if (!existsSync(from) || !statSync(from).isFile()) continue; // deleted in the work tree
    cpSync(from, join(dir, rel), { preserveTimestamps: true });
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** `vitepress build docs` in `root`, under a base path; the output folder. */
export function buildSite(root: string, base: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'node_modules/vitepress/bin/vitepress.js'), 'build', 'docs'], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', DOCS_BASE: base },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => {
      if (code === 0) resolve(join(root, 'docs/.vitepress/dist'));
      else reject(new Error(`vitepress build failed (${String(code)}):\n${out}`));
    });
  });
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.woff2': 'font/woff2', '.png': 'image/png' };

/** Serve `dir` under `base` (e.g. /splash-flows-ts/) on 127.0.0.1; 404 for anything outside it. */
export async function serveStatic(dir: string, base: string): Promise<{ url: string; served: string[]; close(): Promise<void> }> {
  const served: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://site').pathname);
    served.push(path);
    if (!path.startsWith(base)) {
      res.writeHead(404).end('not under the base path');
      return;
    }
    let file = normalize(join(dir, path.slice(base.length)));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404</h1>');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}${base}`,
    served,
    close: () => new Promise<void>((resolve) => server.close(() => { resolve(); })),
  };
}
