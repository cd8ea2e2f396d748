import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, utimesSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const dist = (name: string): string => join(repoRoot, 'dist', name, 'index.js');

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A temp folder removed after the test file. */
export async function tempDir(prefix = 'splash-test-'): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

export async function writeFileAt(path: string, content: string | Buffer, mtime?: Date): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
  if (mtime) await utimes(path, mtime, mtime);
}

/** Every entry under a folder with type, size, mode, mtime and a content hash: equal snapshots mean nothing changed. */
export function snapshotTree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(abs);
      if (st.isDirectory()) {
        out.push(`d ${r}`);
        walk(abs, r);
      } else if (st.isSymbolicLink()) out.push(`l ${r} -> ${readlinkSync(abs)}`);
      else out.push(`f ${r} ${st.size} ${st.mtimeMs} ${createHash('sha256').update(readFileSync(abs)).digest('hex').slice(0, 16)}`);
    }
  };
  walk(root, '');
  return out;
}

/** snapshotTree without this system's state folders (`.splash/`, `.splash-spool/`): the data only. */
export function dataTree(root: string): string[] {
  return snapshotTree(root).filter((line) => !/^[dfl] (.*\/)?\.splash(-spool)?(\/| |$)/.test(line));
}

/** Give every folder below `root` (not the root) this mtime, as if they were made back then. */
export function ageFolders(root: string, mtime: Date): void {
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name);
      if (!lstatSync(abs).isDirectory()) continue;
      walk(abs);
      utimesSync(abs, mtime, mtime);
    }
  };
  walk(root);
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run a bundled script as the runner or a user would: a separate node process. */
export function runNode(script: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...opts.env };
    const child = spawn(process.execPath, [script, ...args], { env, cwd: opts.cwd ?? repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => { resolvePromise({ code, signal, stdout, stderr }); });
  });
}

/** The minimal file-system config of the foundation issue, rooted in `root`. */
export function fsConfig(root: string, extra = ''): string {
  return `endpoints:
  beamline: { type: filesystem, root_path: ${root}/beamline }
  server:   { type: filesystem, root_path: ${root}/server }
  archive:  { type: filesystem, root_path: ${root}/archive }
beamlines:
  "8.3.2":
    path_prefix: /global
    move:
      - { from: beamline, to: server }
      - { from: server, to: archive }
    prune:
      - { endpoint: beamline, after_days: 1, check: server }
      - { endpoint: server, after_days: 35, check: archive }
${extra}`;
}

/** A facility of three empty endpoint folders and its config.yml. */
export async function makeFacility(extra = ''): Promise<{ root: string; config: string }> {
  const root = await tempDir('splash-facility-');
  for (const d of ['beamline', 'server', 'archive']) await mkdir(join(root, d), { recursive: true });
  const config = join(root, 'config.yml');
  await writeFile(config, fsConfig(root, extra));
  return { root, config };
}

export const DAY = 86_400_000;

/** Parse the runner's GITHUB_OUTPUT heredoc format: name<<delimiter\nvalue\ndelimiter. */
export function readOutputs(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!m?.[1] || !m[2]) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i] ?? '');
    out[m[1]] = value.join('\n');
  }
  return out;
}

/** Run a bundled action as the runner does: INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, RUNNER_TEMP. */
export async function runAction(action: string, inputs: Record<string, string>, extraEnv: NodeJS.ProcessEnv = {}) {
  const io = await tempDir('splash-runner-');
  const env: NodeJS.ProcessEnv = { RUNNER_TEMP: io, ...extraEnv, GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: join(io, 'output'), GITHUB_STEP_SUMMARY: join(io, 'summary') };
  await writeFile(join(io, 'output'), '');
  await writeFile(join(io, 'summary'), '');
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = await runNode(dist(action), [], { env });
  return { ...r, outputs: readOutputs(join(io, 'output')), summary: readFileSync(join(io, 'summary'), 'utf8') };
}

/** A TCP port nothing listens on right now (for a server a test starts, or one that must refuse). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => {
        resolve(port);
      });
    });
  });
}
