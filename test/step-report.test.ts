// The step report (src/run/report.ts): the bundled actions write it under $RUNNER_TEMP/splash-reports as the
// runner runs them — ok or failed, masked — and the CLI writes it where SPLASH_REPORT_DIR says.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StepReportDoc } from '../src/run/report.js';
import { DAY, dist, makeFacility, runAction, runNode, tempDir, writeFileAt } from './helpers.js';

const RUN_ENV = { GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '2', GITHUB_REPOSITORY: 'als-computing/splash-flows-ts', GITHUB_WORKFLOW: 'dispatch', GITHUB_JOB: 'move' };

function reportsIn(dir: string): StepReportDoc[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as StepReportDoc);
}

describe('step report of the bundled actions', () => {
  it('move: what moved, bytes, time and the run it belongs to', async () => {
    const { root, config } = await makeFacility();
    await writeFileAt(join(root, 'beamline/raw/p1/scan_1.h5'), 'scan one');
    await writeFileAt(join(root, 'beamline/raw/p1/scan_2.h5'), 'scan two!');
    const temp = await tempDir('splash-runner-temp-');
    const r = await runAction('move', { beamline: '8.3.2', 'file-paths': '/global/raw/p1/scan_1.h5\n/global/raw/p1/scan_2.h5', config }, { RUNNER_TEMP: temp, ...RUN_ENV });
    expect(r.code).toBe(0);
    const [report, ...more] = reportsIn(join(temp, 'splash-reports'));
    expect(more).toEqual([]);
    expect(report).toMatchObject({
      schema: 'splash-step-report/1',
      step: 'move',
      title: 'Move',
      beamline: '8.3.2',
      status: 'ok',
      error: null,
      run: { repository: 'als-computing/splash-flows-ts', run_id: 4242, run_attempt: 2, workflow: 'dispatch', job: 'move' },
      facts: {
        paths: ['/global/raw/p1/scan_1.h5', '/global/raw/p1/scan_2.h5'],
        moved: 4,
        bytes: 17,
        bytes_written: 34,
        files: [{ path: 'raw/p1/scan_1.h5', bytes: 8 }, { path: 'raw/p1/scan_2.h5', bytes: 9 }],
        hops: [expect.objectContaining({ from: 'beamline', to: 'server', status: 'done', copied: 2 }), expect.objectContaining({ from: 'server', to: 'archive', copied: 2 })],
      },
    });
    expect(Date.parse(report?.finished ?? '') - Date.parse(report?.started ?? '')).toBeGreaterThanOrEqual(0);
    expect(report?.seconds).toBeGreaterThanOrEqual(0);
  });

  it('a failed step still reports which files and the one-line reason, masked', async () => {
    const { config } = await makeFacility();
    const temp = await tempDir('splash-runner-temp-');
    const token = `ghp_${'a1B2'.repeat(9)}`;
    const r = await runAction('move', { beamline: '8.3.2', 'file-paths': `/global/raw/${token}/scan.h5`, config }, { RUNNER_TEMP: temp, ...RUN_ENV });
    expect(r.code).toBe(1);
    const [report] = reportsIn(join(temp, 'splash-reports'));
    expect(report?.status).toBe('failed');
    expect(report?.error).toMatch(/does not exist/);
    expect(report?.facts.paths).toEqual(['/global/raw/***/scan.h5']);
    const raw = readdirSync(join(temp, 'splash-reports')).map((f) => readFileSync(join(temp, 'splash-reports', f), 'utf8')).join('');
    expect(raw).not.toContain(token);
    expect(raw).not.toContain('a1B2a1B2a1B2');
  });

  it('prune (dry run): per rule what would be deleted and the copy that makes it safe', async () => {
    const { root, config } = await makeFacility();
    const old = new Date(Date.now() - 3 * DAY);
    await writeFileAt(join(root, 'beamline/raw/a.h5'), 'AAA', old);
    await writeFileAt(join(root, 'server/raw/a.h5'), 'AAA', old);
    await writeFileAt(join(root, 'beamline/raw/lonely.h5'), 'L', old);
    const temp = await tempDir('splash-runner-temp-');
    const r = await runAction('prune', { beamline: '8.3.2', config, 'dry-run': 'true', now: '2030-01-01' }, { RUNNER_TEMP: temp, ...RUN_ENV });
    expect(r.code).toBe(0);
    const [report] = reportsIn(join(temp, 'splash-reports'));
    expect(report).toMatchObject({ step: 'prune', beamline: '8.3.2', status: 'ok', title: 'Prune (dry run)' });
    expect(report?.facts).toMatchObject({ dry_run: true, now: '2030-01-01T00:00:00.000Z' });
    const rules = report?.facts.rules as { endpoint: string; check: string; pruned: number; pruned_files: { path: string }[]; unsafe_files: { path: string; reason: string }[] }[];
    expect(rules[0]).toMatchObject({ endpoint: 'beamline', check: 'server', pruned: 1, pruned_files: [expect.objectContaining({ path: 'raw/a.h5', bytes: 3 })] });
    expect(rules[0]?.unsafe_files).toEqual([{ path: 'raw/lonely.h5', reason: expect.stringMatching(/not replicated/) as unknown }]);
    expect(existsSync(join(root, 'beamline/raw/a.h5'))).toBe(true);
  });

  it('outside a runner nothing is written unless SPLASH_REPORT_DIR says where', async () => {
    const { root, config } = await makeFacility();
    await writeFileAt(join(root, 'beamline/raw/a.h5'), 'A');
    const reports = await tempDir('splash-reports-');
    const plain = await runNode(dist('cli'), ['move', '--beamline', '8.3.2', '--config', config, 'raw/a.h5'], { cwd: root });
    expect(plain.code).toBe(0);
    expect(readdirSync(root).filter((f) => f.includes('report'))).toEqual([]);
    const r = await runNode(dist('cli'), ['move', '--beamline', '8.3.2', '--config', config, 'raw/a.h5'], { env: { SPLASH_REPORT_DIR: reports } });
    expect(r.code).toBe(0);
    expect(reportsIn(reports)).toEqual([expect.objectContaining({ step: 'move', status: 'ok', run: null, facts: expect.objectContaining({ moved: 0 }) as unknown })]);
  });
});
