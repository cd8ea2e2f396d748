/**
 * Test fixtures for the GitHub side: a file-system facility whose config points `github.api_url` at a
 * simulator, and a writer that produces files slowly and in bursts from its own process, the way
 * acquisition software does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dist, repoRoot, tempDir } from '../../helpers.js';

export interface GitHubFacility {
  readonly root: string;
  readonly beamline: string;
  readonly config: string;
}

export interface FacilityOptions {
  /** Simulator URL for github.api_url. */
  readonly apiUrl: string;
  /** Lines under beamlines."8.3.2".watch (indented by the helper). */
  readonly watch?: readonly string[];
  /** Extra lines under github: */
  readonly github?: readonly string[];
  /** Mark the first hop skip_export_controlled. */
  readonly guardedFirstHop?: boolean;
}

/** Fast windows for tests: complete after 1 s unchanged, 0.3 s batches, rescans every second. */
export const FAST_WATCH = ['stable_seconds: 1', 'batch_seconds: 0.3', 'rescan_seconds: 1'];
/** Short, bounded waits: first retry after 50 ms, never more than 400 ms unless GitHub names a wait. */
export const FAST_RETRY = ['retry_first_seconds: 0.05', 'retry_max_seconds: 0.4', 'timeout_seconds: 5'];

export function facilityConfig(root: string, o: FacilityOptions): string {
  const watch = o.watch ?? FAST_WATCH;
  const github = o.github ?? FAST_RETRY;
  return `endpoints:
  beamline: { type: filesystem, root_path: ${root}/beamline }
  server:   { type: filesystem, root_path: ${root}/server }
  archive:  { type: filesystem, root_path: ${root}/archive }
beamlines:
  "8.3.2":
    path_prefix: /global
    move:
      - { from: beamline, to: server${o.guardedFirstHop ? ', skip_export_controlled: true' : ''} }
      - { from: server, to: archive }
    prune:
      - { endpoint: beamline, after_days: 1, check: server }
${watch.length > 0 ? `    watch:\n${watch.map((l) => `      ${l}`).join('\n')}\n` : ''}github:
  repository: als-computing/splash-flows-ts
  api_url: ${o.apiUrl}
${github.map((l) => `  ${l}`).join('\n')}
`;
}

export async function makeGitHubFacility(o: FacilityOptions): Promise<GitHubFacility> {
  const root = await tempDir('splash-gh-');
  for (const d of ['beamline', 'server', 'archive']) await mkdir(join(root, d), { recursive: true });
  const config = join(root, 'config.yml');
  await writeFile(config, facilityConfig(root, o));
  return { root, beamline: join(root, 'beamline'), config };
}

export const TOKEN_ENV = { GITHUB_TOKEN: 'sim-token' };

/** Spawn the bundled CLI (as a user or a service manager runs it) and collect its output. */
export function spawnSplash(args: string[], env: NodeJS.ProcessEnv = TOKEN_ENV): { child: ChildProcess; output: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, [dist('cli'), ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => { resolve({ code, signal }); });
  });
  return { child, output: () => out, exited };
}

export interface WriterFile {
  /** Relative to the writer's folder, '/'-separated. */
  readonly name: string;
  /** Bytes per chunk and number of chunks. */
  readonly chunks: number;
  readonly chunkBytes?: number;
  /** Written as `<name>.part` and renamed when complete (a common acquisition pattern). */
  readonly viaPart?: boolean;
}

export interface WriterPlan {
  readonly dir: string;
  /** Bursts written one after another; inside a burst files are written concurrently, chunk by chunk. */
  readonly bursts: readonly (readonly WriterFile[])[];
  /** Pause between chunks of one file: well under the stability window. */
  readonly chunkGapMs: number;
  /** Pause between bursts. */
  readonly burstGapMs: number;
}

/**
 * The writer, run as its own process (`node -e`): appends chunks to each file of a burst in turn, so every
 * file grows gradually; prints `burst <n> done` after each burst.
 */
const WRITER = `
const fs = require('node:fs');
const path = require('node:path');
const plan = JSON.parse(process.argv[1]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  for (const [b, burst] of plan.bursts.entries()) {
    const max = Math.max(...burst.map((f) => f.chunks));
    for (let c = 0; c < max; c++) {
      for (const f of burst) {
        if (c >= f.chunks) continue;
        const final = path.join(plan.dir, f.name);
        const target = f.viaPart ? final + '.part' : final;
        fs.mkdirSync(path.dirname(final), { recursive: true });
        fs.appendFileSync(target, Buffer.alloc(f.chunkBytes || 1024, 65 + (c % 26)));
        if (f.viaPart && c === f.chunks - 1) fs.renameSync(target, final);
      }
      await sleep(plan.chunkGapMs);
    }
    process.stdout.write('burst ' + b + ' done\\n');
    if (b < plan.bursts.length - 1) await sleep(plan.burstGapMs);
  }
})();
`;

export function startWriter(plan: WriterPlan): { child: ChildProcess; done: Promise<void>; bursts: () => number } {
  const child = spawn(process.execPath, ['-e', WRITER, JSON.stringify(plan)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  child.stdout.on('data', (d: Buffer) => (text += d.toString()));
  const done = new Promise<void>((resolve, reject) => {
    child.on('exit', (code) => { if (code === 0) resolve(); else reject(new Error(`writer exited ${String(code)}`)); });
  });
  return { child, done, bursts: () => (text.match(/done/g) ?? []).length };
}

/** Poll until `check` holds (or fail after `timeoutMs`, with `describe` in the message). */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** How often each path was dispatched. */
export function counts(paths: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const p of paths) m.set(p, (m.get(p) ?? 0) + 1);
  return m;
}
