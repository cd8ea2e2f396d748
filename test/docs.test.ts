// Docs that restate files must agree with them: README's copy of examples/filesystem.yml, and the runner
// labels in docs/workflows.md against the `runs-on:` of .github/workflows/ and config.yml's runner_labels.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../src/config/index.js';
import { repoRoot } from './helpers.js';

const read = (rel: string): string => readFileSync(join(repoRoot, rel), 'utf8');

/** The body of the first ```yaml block after `marker` in a Markdown text. */
function yamlBlockAfter(markdown: string, marker: string): string {
  const at = markdown.indexOf(marker);
  expect(at, `README mentions ${marker}`).toBeGreaterThanOrEqual(0);
  const block = /```ya?ml\n([\s\S]*?)```/.exec(markdown.slice(at));
  expect(block, `a yaml block after ${marker}`).not.toBeNull();
  return block?.[1] ?? '';
}

describe('README', () => {
  it('shows examples/filesystem.yml as it is (without its header comment), and the example loads', () => {
    const file = read('examples/filesystem.yml');
    const body = file.replace(/^(#.*\n|\n)*/, '');
    expect(yamlBlockAfter(read('README.md'), '`examples/filesystem.yml` is')).toBe(body);
    const config = parseConfig(file, 'examples/filesystem.yml', {});
    expect([...config.endpoints.keys()]).toEqual(['beamline', 'server', 'archive']);
  });
});

describe('README: what npm test runs', () => {
  it('says what the test scripts in package.json do, and no more', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    const run = [scripts.pretest, scripts.test, scripts.posttest].filter((s) => s !== undefined).join(' && ');
    const line = /^npm ci && npm test +# (.*)$/m.exec(read('README.md'))?.[1] ?? '';
    expect(line, 'the README line for npm ci && npm test').not.toBe('');
    const claims: [RegExp, boolean][] = [
      [/\bbundle/, run.includes('scripts/bundle.mjs')],
      [/\bvitest\b/, run.includes('vitest run')],
      [/\blint/, run.includes('eslint') || run.includes('npm run lint')],
      [/type-check/, run.includes('tsc') || run.includes('typecheck')],
    ];
    for (const [claim, done] of claims) expect(claim.test(line), `README claims ${String(claim)}: ${line}`).toBe(done);
  });
});

describe('docs/workflows.md runner labels', () => {
  interface Job {
    file: string;
    id: string;
    /** The custom labels of a self-hosted job, or 'github' for a GitHub-hosted one; undefined for a job that calls a workflow. */
    runsOn: readonly string[] | 'github' | undefined;
  }
  const jobs: Job[] = readdirSync(join(repoRoot, '.github/workflows'))
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .flatMap((file) => {
      const wf = parse(read(`.github/workflows/${file}`)) as { jobs: Record<string, { 'runs-on'?: unknown }> };
      return Object.entries(wf.jobs).map(([id, job]): Job => {
        const r = job['runs-on'];
        if (r === undefined) return { file, id, runsOn: undefined };
        if (typeof r === 'string' && r.startsWith('ubuntu-')) return { file, id, runsOn: 'github' };
        const labels = (Array.isArray(r) ? (r as unknown[]) : [r]).map((l) => (typeof l === 'string' ? l : JSON.stringify(l)));
        expect(labels[0], `${file} › ${id}: self-hosted first`).toBe('self-hosted');
        return { file, id, runsOn: labels.slice(1) };
      });
    });
  const customLabels = (j: Job): readonly string[] => (typeof j.runsOn === 'object' ? j.runsOn : []);
  const doc = read('docs/workflows.md');
  /** Rows of the first Markdown table at or after `marker` (a heading, or the table's header row), as cells. */
  const tableAfter = (marker: string): string[][] => {
    expect(doc).toContain(marker);
    const section = doc.slice(doc.indexOf(marker) - 1);
    const table = /\n(\|.*\|\n)+/.exec(section)?.[0] ?? '';
    return table
      .trim()
      .split('\n')
      .slice(2)
      .map((row) => row.slice(1, -1).split(' | ').map((c) => c.trim()));
  };
  const ticks = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');

  it('the Runners table lists every label the workflows use, with exactly the jobs that use it', () => {
    const want = new Map<string, string[]>();
    for (const j of jobs) {
      for (const label of customLabels(j)) want.set(label, [...(want.get(label) ?? []), `${j.file} › ${j.id}`]);
    }
    const rows = tableAfter('### Runners');
    const have = new Map(
      rows.map(([label = '', where = '']) => {
        const [file, ...ids] = ticks(where);
        return [ticks(label)[0] ?? label, ids.map((id) => `${file ?? ''} › ${id}`)];
      }),
    );
    expect(Object.fromEntries(have)).toEqual(Object.fromEntries(want));
  });

  it('the Runners table gives the runner_labels that config.yml sets, and no others', () => {
    const config = parse(read('config.yml')) as { beamlines: Record<string, { runner_labels?: string[] }> };
    const want = Object.entries(config.beamlines)
      .filter(([, b]) => b.runner_labels !== undefined)
      .map(([id, b]) => `beamlines."${id}".runner_labels: [${(b.runner_labels ?? []).join(', ')}]`)
      .sort();
    const have = tableAfter('### Runners')
      .flatMap(([, , cell = '']) => ticks(cell))
      .sort();
    expect(have).toEqual(want);
  });

  it('the overview table names each workflow’s runners', () => {
    const rows = tableAfter('| workflow | starts on | runs on | does |');
    const listed = new Set<string>();
    for (const [files = '', , runsOn = ''] of rows) {
      const named = [...files.matchAll(/\[`([^`]+\.yml)`\]/g)].map((m) => m[1] ?? '');
      for (const f of named) listed.add(f);
      const own = jobs.filter((j) => named.includes(j.file));
      const labels = [...new Set(own.flatMap(customLabels))].sort();
      expect(ticks(runsOn).sort(), `${named.join(', ')}: runs on`).toEqual(labels);
      expect(runsOn.includes('GitHub-hosted'), `${named.join(', ')}: GitHub-hosted`).toBe(own.some((j) => j.runsOn === 'github'));
      expect(runsOn.includes('self-hosted'), `${named.join(', ')}: self-hosted`).toBe(labels.length > 0);
    }
    expect([...listed].sort()).toEqual([...new Set(jobs.map((j) => j.file))].sort());
  });
});
