// `splash new-beamline` on a copy of the repository: a scaffolded beamline passes every check a hand-written
// one does — `splash config check`, the workflow contract (every rule, runner labels, config variables,
// dispatch wiring) and actionlint — and moves a file in a demo run with a bundle built from the copy.
// The scaffold is idempotent, never overwrites a hand-edited file, and refuses bad input changing nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runActionlint, unknownRunnerLabel } from './workflows/actionlint.js';
import { checkConfigEnv, checkDispatchWiring, checkRepo, checkRunnerLabels, formatFinding, loadRepo } from './workflows/contract.js';
import { dist, runNode, snapshotTree, tempDir } from './helpers.js';
import { repoCopy } from './site.js';

const GLOBUS = [
  'new-beamline', '9.9.1', '--title', 'Test spectroscopy',
  '--endpoint', 'bl991-compute-dtn=11111111-2222-4333-8444-555555555555:/',
  '--endpoint', 'bl991-nersc_alsdev_raw=d40248e6-d874-4f7b-badd-2c06c16f1a58:/global/cfs/cdirs/als/data_mover/9.9.1/raw',
  '--move', 'bl991-compute-dtn:bl991-nersc_alsdev_raw:offsite',
];

let repo: string;
let first: { code: number | null; stdout: string; stderr: string };

beforeAll(async () => {
  repo = await repoCopy('splash-scaffold-');
  first = await runNode(dist('cli'), [...GLOBUS, '--root', repo]);
  // The copy's own CLI, bundled with the new beamline's code in it.
  const bundle = spawnSync(process.execPath, ['scripts/bundle.mjs', 'cli'], { cwd: repo, encoding: 'utf8' });
  if (bundle.status !== 0) throw new Error(bundle.stderr);
}, 120_000);

const copyCli = (): string => join(repo, 'dist/cli/index.js');

describe('splash new-beamline', () => {
  it('writes the folder, registry entry, config section, workflow, dispatch event, reconcile choice and docs', () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    for (const f of ['beamlines/bl991/config.ts', 'beamlines/bl991/dispatcher.ts', '.github/workflows/beamline-991.yml', 'docs/beamlines/bl991.md']) expect(existsSync(join(repo, f)), f).toBe(true);
    const config = parse(readFileSync(join(repo, 'config.yml'), 'utf8')) as { beamlines: Record<string, unknown>; globus: { globus_endpoints: Record<string, unknown> } };
    expect(config.beamlines['9.9.1']).toEqual({
      path_prefix: '/',
      runner_labels: ['bl991'],
      watch: { event_type: 'new_file_991' },
      move: [{ from: 'bl991-compute-dtn', to: 'bl991-nersc_alsdev_raw', skip_export_controlled: true }],
      prune: [{ endpoint: 'bl991-compute-dtn', after_days: 180, check: 'bl991-nersc_alsdev_raw' }],
    });
    expect(config.globus.globus_endpoints['bl991-compute-dtn']).toEqual({ root_path: '/', uuid: '11111111-2222-4333-8444-555555555555', name: 'bl991-compute-dtn' });
    expect(readFileSync(join(repo, 'beamlines/index.ts'), 'utf8')).toContain("'9.9.1': (c) => { const b = new Config991(c);");
    expect(readFileSync(join(repo, '.github/workflows/dispatch.yml'), 'utf8')).toContain('new_file_991) beamline=9.9.1 ;;');
    // The docs page was filled in from config.yml by the generator.
    const page = readFileSync(join(repo, 'docs/beamlines/bl991.md'), 'utf8');
    expect(page).toContain('| chain | move → ingest |');
    expect(page).toContain('| `bl991-compute-dtn` | 180 days | `bl991-nersc_alsdev_raw` |');
  });

  it('passes splash config check', async () => {
    const r = await runNode(copyCli(), ['config', 'check', '--config', join(repo, 'config.yml')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('9.9.1 Test spectroscopy');
  });

  it('passes the workflow contract and actionlint', () => {
    const wf = loadRepo(repo);
    const config: unknown = parse(readFileSync(join(repo, 'config.yml'), 'utf8'));
    expect(checkRepo(wf).map(formatFinding)).toEqual([]);
    expect(checkRunnerLabels(wf, config).map(formatFinding)).toEqual([]);
    expect(checkConfigEnv(wf, config).map(formatFinding)).toEqual([]);
    expect(checkDispatchWiring(wf, config).map(formatFinding)).toEqual([]);
    const lint = runActionlint(repo);
    expect(lint.unparsed, lint.output).toEqual([]);
    const labels = ['bl832', 'bl733', 'bl7012', 'bl7011', 'bl931', 'bl531', 'dichroism', 'bl991', 'prune', 'hpss', 'reconcile'];
    expect(lint.findings.filter((f) => !labels.includes(unknownRunnerLabel(f) ?? '')).map((f) => `${f.file}:${f.line} ${f.message}`)).toEqual([]);
  }, 120_000);

  it('is idempotent: run again it changes nothing, and --check says everything is in place', async () => {
    const before = snapshotTree(join(repo, '.github'));
    const again = await runNode(dist('cli'), [...GLOBUS, '--root', repo]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('9.9.1: already in place, nothing changed');
    expect(snapshotTree(join(repo, '.github'))).toEqual(before);
    const check = await runNode(dist('cli'), [...GLOBUS, '--root', repo, '--check']);
    expect(check.code).toBe(0);
  });

  it('a scaffolded beamline moves a file in a demo run (the CLI bundled from the copy)', async () => {
    const facility = await tempDir('splash-scaffold-demo-');
    for (const d of ['src', 'dst']) await mkdir(join(facility, d), { recursive: true });
    const r = await runNode(dist('cli'), ['new-beamline', '9.9.2', '--title', 'Demo line', '--endpoint', `bl992-src=${facility}/src`, '--endpoint', `bl992-dst=${facility}/dst`, '--move', 'bl992-src:bl992-dst', '--prune', 'bl992-src:2:bl992-dst', '--root', repo]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const bundle = spawnSync(process.execPath, ['scripts/bundle.mjs', 'cli'], { cwd: repo, encoding: 'utf8' });
    expect(bundle.status, bundle.stderr).toBe(0);
    await mkdir(join(facility, 'src/raw/p1'), { recursive: true });
    await writeFile(join(facility, 'src/raw/p1/scan.h5'), 'a scan');
    const run = await runNode(copyCli(), ['run', '9.9.2', '--config', join(repo, 'config.yml'), '/raw/p1/scan.h5'], { cwd: facility });
    expect(run.stderr).toContain('Dispatch · beamline 9.9.2 (Demo line)');
    expect(run.code).toBe(0);
    expect(readFileSync(join(facility, 'dst/raw/p1/scan.h5'), 'utf8')).toBe('a scan');
    expect(run.stderr).toMatch(/raw\/p1\/scan\.h5\s+ingest\s+ok/);
  }, 120_000);

  it('never overwrites a file changed by hand, and refuses bad input — changing nothing either way', async () => {
    writeFileSync(join(repo, 'beamlines/bl991/dispatcher.ts'), `${readFileSync(join(repo, 'beamlines/bl991/dispatcher.ts'), 'utf8')}// tuned by hand\n`);
    const before = snapshotTree(repo);
    const edited = await runNode(dist('cli'), [...GLOBUS, '--title', 'Renamed', '--root', repo]);
    expect(edited.code).toBe(2);
    expect(edited.stderr).toContain('beamlines/bl991/config.ts exists and differs from what the scaffold writes; it is not overwritten');
    for (const [args, message] of [
      [['new-beamline', '9.x', '--title', 'X', '--move', 'a:b'], '"9.x" is not a beamline id'],
      [['new-beamline', '9.9.3', '--title', 'X'], 'give at least one --move FROM:TO'],
      [['new-beamline', '9.9.3', '--title', 'X', '--move', 'a:b', '--endpoint', 'a=not-a-uuid:/x'], 'is not a collection UUID'],
      [['new-beamline', '9.9.3', '--title', 'X', '--move', 'a:b', '--endpoint', 'a=/x y'], 'must be an absolute path without blanks'],
      [['new-beamline', '9.9.3', '9.9.4', '--title', 'X', '--move', 'a:b'], 'several ids make one group'],
      [['new-beamline', '9.9.3', '--title', '<script>', '--move', 'a:b'], '--title "<script>"'],
      [['new-beamline', '9.9.3', '--title', 'X', '--move', 'a:b', '--prune', 'a:ten:b'], 'expected ENDPOINT:DAYS:CHECK'],
      [['new-beamline', '9.9.3', '--title', 'X', '--move', 'a:a'], 'a hop from an endpoint to itself'],
      [['new-beamline', '9.9.3', '--title', 'X', '--move', 'bl991-compute-dtn:b', '--endpoint', 'bl991-compute-dtn=11111111-2222-4333-8444-999999999999:/'], 'endpoint bl991-compute-dtn is already in config.yml with another collection'],
    ] as const) {
      const r = await runNode(dist('cli'), [...args, '--root', repo]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(message);
    }
    expect(snapshotTree(repo)).toEqual(before);
  }, 120_000);
});
