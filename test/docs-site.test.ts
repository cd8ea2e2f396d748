// The documentation stays true: the generated pages equal a fresh generation (and the CI check fails when
// they do not), every message Troubleshooting lists is one the code prints, and every command a page shows
// in a shell block is run — here, or by a CI step — or is named below as one that cannot run here, and why.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedPages } from '../scripts/docs/generate.js';
import { startGitHubSim, type GitHubSim } from './sim/github/index.js';
import { seedHistory } from './sim/github/history.js';
import { repoCopy } from './site.js';
import { repoRoot, snapshotTree } from './helpers.js';

const read = (rel: string): string => readFileSync(join(repoRoot, rel), 'utf8');

describe('generated pages', () => {
  it('the committed config reference and beamline pages equal a fresh generation', () => {
    const pages = generatedPages(repoRoot);
    expect([...pages.keys()]).toEqual(expect.arrayContaining(['docs/reference/config.md', 'docs/beamlines/index.md', 'docs/beamlines/bl832.md', 'docs/beamlines/bl402.md']));
    const stale = [...pages].filter(([file, text]) => !existsSync(join(repoRoot, file)) || read(file) !== text).map(([file]) => file);
    expect(stale, 'run npm run docs:gen and commit the pages').toEqual([]);
  });

  it('the reference has every key of the schema with its error; a page edited by hand fails the CI check', async () => {
    const ref = read('docs/reference/config.md');
    for (const key of ['`beamlines."<id>".prune[].after_days`', '`endpoints.<name>.uuid` (type: globus)', '`github.token_env`', '`sfapi.machine`', '`hpss_<name>.ssh.host`', '`beamlines."<id>".recon.nersc.walltime`']) expect(ref).toContain(key);
    expect(ref).toContain('| `beamlines."<id>".prune[].after_days` | number ≥ 0 | required |  | `1` (config.yml) | expected a number &gt;= 0, got "ten" |');
    const copy = await repoCopy('splash-docs-gen-');
    writeFileSync(join(copy, 'docs/reference/config.md'), `${readFileSync(join(copy, 'docs/reference/config.md'), 'utf8')}\nedited by hand\n`);
    const r = spawnSync(process.execPath, ['scripts/docs-gen.mjs', '--check'], { cwd: copy, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('::error file=docs/reference/config.md,title=generated page::docs/reference/config.md differs from a fresh generation');
    const hand = readFileSync(join(copy, 'docs/beamlines/bl931.md'), 'utf8').replace('## Notes', '## Notes\n\nThe beamline scientist is on call.');
    writeFileSync(join(copy, 'docs/beamlines/bl931.md'), hand);
    expect(spawnSync(process.execPath, ['scripts/docs-gen.mjs'], { cwd: copy }).status).toBe(0);
    // Generation keeps the hand-written part.
    expect(readFileSync(join(copy, 'docs/beamlines/bl931.md'), 'utf8')).toBe(hand);
  }, 120_000);
});

/** Every file of the source tree that can print a message (code and the workflows' scripts). */
function sources(): string {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(join(repoRoot, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (/\.(ts|ya?ml)$/.test(e.name)) out.push(readFileSync(join(repoRoot, rel), 'utf8'));
    }
  };
  for (const d of ['src', 'beamlines', 'actions', '.github/workflows']) walk(d);
  return out.join('\n');
}

describe('Troubleshooting', () => {
  it('lists only messages the code prints: every fixed part of each is in the source', () => {
    const code = sources();
    const headings = [...read('docs/troubleshooting.md').matchAll(/^### `(.+)`$/gm)].map((m) => m[1] ?? '');
    expect(headings.length).toBeGreaterThanOrEqual(15);
    const missing = headings.filter((h) => {
      const parts = h.split(/<[^>]+>/).map((p) => p.trim().replace(/^[\s:;,.()"]+|[\s:;,.()"]+$/g, '')).filter((p) => p.length >= 3);
      return parts.length === 0 || parts.some((p) => !code.includes(p));
    });
    expect(missing).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// Every command shown

/** Commands the pages show that this test does not run, each with the reason. A new one fails the test. */
const NOT_RUN: Readonly<Record<string, string>> = {
  'npm run bench': 'the benchmarks take minutes and measure this machine; README\'s Benchmarks table is their output',
  'curl -X POST https://api.github.com/repos/<owner>/<repo>/dispatches -H "Authorization: Bearer $GITHUB_TOKEN" -H "Accept: application/vnd.github+json" -d \'{"event_type": "new_file_832", "client_payload": {"file_paths": ["/raw/p1/scan_0001.h5"]}}\'': 'a placeholder request to github.com (no network here); the same request is sent by splash dispatch against the simulator in test/dispatch.test.ts',
  'gh workflow run prune.yml -f dry-run=true -f beamline=8.3.2': 'GitHub\'s own CLI against github.com; the inputs are checked against prune.yml by test/workflows.test.ts',
  'gh workflow run prune.yml -f dry-run=false -f beamline=8.3.2': 'as above',
  'gh workflow run archive.yml -f beamline=8.3.2': 'as above, archive.yml',
  'gh workflow run archive.yml -f beamline=8.3.2 -f proposals=raw/BLS-00564 -f dry-run=false': 'as above, archive.yml',
  'npx esbuild /tmp/globus-sim.ts --bundle --platform=node --format=esm --outfile=/tmp/globus-sim.mjs': 'globus.md\'s walkthrough of the Globus simulator by hand (a file the reader writes first)',
  'mkdir -p /tmp/globus-sim/spot/raw/p1 /tmp/globus-sim/data/data /tmp/globus-sim/nersc/global/cfs/cdirs/als/data_mover/8.3.2': 'as above',
  'node /tmp/globus-sim.mjs 44ae904c-ab64-4145-a8f0-7287de38324d=/tmp/globus-sim/spot 75b478b2-37af-46df-bfbd-71ed692c6506=/tmp/globus-sim/data df82346e-9a15-11ea-b3c4-0ae144191ee3=/tmp/globus-sim/nersc': 'as above',
  'export GLOBUS_CLIENT_ID=sim-client GLOBUS_CLIENT_SECRET=sim-secret': 'as above (sets the variables for the next commands)',
  'hsi ls -l /home/a/alsdev/data_mover/8.3.2/raw/BLS-00564': 'NERSC\'s HPSS tools, run by hand on a NERSC host to restore from tape',
  'htar -tvf /home/a/alsdev/data_mover/8.3.2/raw/BLS-00564/BLS-00564_2026-1.tar': 'as above',
  'htar -xvf /home/a/alsdev/data_mover/8.3.2/raw/BLS-00564/BLS-00564_2026-1.tar raw/BLS-00564/scan_0001.h5': 'as above',
  'hsi get /home/a/alsdev/data_mover/8.3.2/raw/BLS-00564/huge_scan.h5': 'as above',
};

interface Shown {
  readonly page: string;
  readonly command: string;
}

/** The commands of every sh/bash/shell/console block: continuation lines joined, comments dropped, `&&` split. */
function shownCommands(): Shown[] {
  const pages = ['README.md', ...walkMd('docs')];
  const out: Shown[] = [];
  for (const page of pages) {
    for (const m of read(page).matchAll(/```(?:sh|bash|shell|console)\n([\s\S]*?)```/g)) {
      const joined = (m[1] ?? '').replace(/\\\n\s*/g, ' ');
      for (const raw of joined.split('\n')) {
        const line = raw.replace(/\s+#\s.*$/, '').trim();
        if (line === '' || line.startsWith('#')) continue;
        for (const command of line.split(/\s+&&\s+/)) out.push({ page, command: command.trim().replace(/\s+/g, ' ') });
      }
    }
  }
  return out;
}

function walkMd(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return e.name.startsWith('.') ? [] : walkMd(rel);
    return e.name.endsWith('.md') && !/^docs\/status\/bl\d+\.md$/.test(rel) ? [rel] : [];
  });
}

/** Commands the CI workflows run, as written in their `run:` scripts (`npm run -s x` counts as `npm run x`). */
function ciCommands(): string[] {
  const dir = join(repoRoot, '.github/workflows');
  return readdirSync(dir).flatMap((f) =>
    [...readFileSync(join(dir, f), 'utf8').matchAll(/^\s+(?:- )?run: (?:\|\n)?(.+)$/gm)].map((m) => (m[1] ?? '').trim().replace(/^npm run -s /, 'npm run ').replace(/ --no-audit --no-fund$/, '')),
  );
}

/** A shell line as a person types it, with `splash` meaning the bundled CLI; async, so the simulator in this process can answer. */
function runLine(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-c', `splash() { node dist/cli/index.js "$@"; }\n${command}`], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

const USAGE = /Unknown option|unknown command|unexpected argument|see: splash \S+ --help|usage: splash|is required|which beamline\?/;

describe('every command the docs show', () => {
  let sim: GitHubSim;
  let copy: string;
  const shown = shownCommands();
  const ci = ciCommands();

  beforeAll(async () => {
    sim = await startGitHubSim();
    seedHistory(sim, { runs: 20, days: 7, now: new Date(), beamlines: [{ id: '8.3.2', eventType: 'new_file_832' }] });
    copy = await repoCopy('splash-docs-commands-');
    symlinkSync(join(repoRoot, 'dist'), join(copy, 'dist'), 'dir');
  }, 120_000);
  afterAll(async () => {
    await sim.close();
  });

  it('are shown at all, and every command not run here has its reason (and is still shown)', () => {
    expect(shown.length).toBeGreaterThan(40);
    const texts = new Set(shown.map((s) => s.command));
    expect(Object.keys(NOT_RUN).filter((c) => !texts.has(c))).toEqual([]);
  });

  /** What the test does with a command: `ci` (a workflow step runs it), `run` (here), or `not run` with its reason. */
  const plan = (command: string): 'ci' | 'run' | 'not run' => {
    if (Object.hasOwn(NOT_RUN, command)) return 'not run';
    if (ci.includes(command)) return 'ci';
    if (/^(splash|node dist\/cli\/index\.js|npm run demo$|npm run docs:gen$)/.test(command)) return 'run';
    throw new Error(`a command the docs show is neither run by a test, nor by a CI step, nor listed with a reason: ${command}`);
  };

  it('each is run by a CI step, run here, or listed with a reason', () => {
    const unplanned = shown.filter((s) => {
      try {
        plan(s.command);
        return false;
      } catch {
        return true;
      }
    });
    expect(unplanned.map((s) => `${s.page}: ${s.command}`)).toEqual([]);
  });

  it('each command for this repository runs: in a copy of it, with its config.yml, no credentials and no network', async () => {
    const runs = [...new Set(shown.filter((s) => plan(s.command) === 'run').map((s) => s.command))];
    expect(runs.length).toBeGreaterThan(20);
    const failures: string[] = [];
    for (const command of runs) {
      const before = command.includes('new-beamline') ? snapshotTree(join(copy, 'beamlines')).concat(snapshotTree(join(copy, '.github'))) : [];
      // The status build reads the simulator; nothing else has a token, a secret or a network.
      const r = await runLine(command, copy, { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', GITHUB_API_URL: sim.url, GITHUB_REPOSITORY: 'als-computing/splash-flows-ts', ...(command.includes(' status ') ? { GITHUB_TOKEN: 'sim-token' } : {}) });
      const output = `${r.stdout}${r.stderr}`;
      const demo = /a throw-away facility in (\S+)/.exec(output)?.[1];
      if (demo !== undefined && demo.startsWith('/tmp/')) rmSync(demo, { recursive: true, force: true });
      if (r.signal !== null) failures.push(`${command}: did not finish in 60 s (${r.signal})`);
      else if (USAGE.test(r.stderr)) failures.push(`${command}: refused as written: ${r.stderr.trim().split('\n')[0] ?? ''}`);
      else if (r.status !== 0 && r.status !== 1 && r.status !== 2) failures.push(`${command}: exit ${String(r.status)}`);
      // The commands that need nothing outside this machine must succeed outright.
      const mustSucceed = /^(npm run demo|npm run docs:gen|splash config check|node dist\/cli\/index\.js (config check|status|new-beamline)|splash recon .*--dry-run)/.test(command);
      if (mustSucceed && r.status !== 0) failures.push(`${command}: exit ${String(r.status)}: ${output.trim().split('\n').slice(-2).join(' | ')}`);
      if (command.includes('new-beamline')) {
        const after = snapshotTree(join(copy, 'beamlines')).concat(snapshotTree(join(copy, '.github')));
        if (JSON.stringify(after) !== JSON.stringify(before)) failures.push(`${command}: changed the repository (it must hold exactly what the command makes)`);
      }
    }
    expect(failures).toEqual([]);
    // The status build the docs show wrote its pages from the simulator's runs.
    expect(readFileSync(join(copy, 'docs/status/bl832.md'), 'utf8')).toContain('## Last scans');
    expect(relative(repoRoot, copy).startsWith('..')).toBe(true);
  }, 600_000);
});
