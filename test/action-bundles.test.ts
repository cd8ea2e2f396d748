// The actions as the runner runs them: `node dist/<action>/index.js` with INPUT_* variables,
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files.
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DAY, makeFacility, runAction, snapshotTree, writeFileAt } from './helpers.js';

describe('move action (bundled)', () => {
  it('moves files along the hops, sets outputs and writes a job summary', async () => {
    const { root, config } = await makeFacility();
    await writeFileAt(join(root, 'beamline/raw/p1/scan_1.h5'), 'scan one');
    await writeFileAt(join(root, 'beamline/raw/p1/scan_2.h5'), 'scan two!');
    const r = await runAction('move', {
      beamline: '8.3.2',
      'file-paths': '/global/raw/p1/scan_1.h5\n/global/raw/p1/scan_2.h5\n',
      config,
    });
    expect(r.stdout).not.toContain('::error::');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.outputs['relative-paths'] ?? '')).toEqual(['raw/p1/scan_1.h5', 'raw/p1/scan_2.h5']);
    expect(r.outputs.moved).toBe('4');
    expect(readFileSync(join(root, 'archive/raw/p1/scan_2.h5'), 'utf8')).toBe('scan two!');
    expect(r.summary).toContain('Move · beamline 8.3.2');
    expect(r.summary).toMatch(/\| beamline → server \| done \| raw\/p1\/scan_1.h5 \|/);
    expect(r.stdout).toContain('::group::move beamline → server');
  });

  it('accepts a JSON array and is a no-op when re-run', async () => {
    const { root, config } = await makeFacility();
    await writeFileAt(join(root, 'beamline/raw/a.h5'), 'A');
    const inputs = { beamline: '8.3.2', 'file-paths': '["raw/a.h5"]', config };
    expect((await runAction('move', inputs)).outputs.moved).toBe('2');
    const again = await runAction('move', inputs);
    expect(again.code).toBe(0);
    expect(again.outputs.moved).toBe('0');
    expect(again.summary).toContain('identical');
  });

  it('skips hops marked skip_export_controlled when is-export-control is true', async () => {
    const { root, config } = await makeFacility();
    await writeFile(config, readFileSync(config, 'utf8').replace('{ from: server, to: archive }', '{ from: server, to: archive, skip_export_controlled: true }'));
    await writeFileAt(join(root, 'beamline/raw/a.h5'), 'A');
    const r = await runAction('move', { beamline: '8.3.2', 'file-paths': 'raw/a.h5', config, 'is-export-control': 'true' });
    expect(r.code).toBe(0);
    expect(existsSync(join(root, 'server/raw/a.h5'))).toBe(true);
    expect(existsSync(join(root, 'archive/raw/a.h5'))).toBe(false);
    expect(r.summary).toContain('skipped (export control)');
  });

  const hostile = [
    '/global/../etc/passwd',
    'raw/../../etc/passwd',
    '/etc/passwd',
    '["raw/p1/scan\\n.h5"]',
    '["raw/p1/\\u0000scan.h5"]',
    '["raw/p1/\\u202escan.h5"]',
    'C:\\data\\scan.h5',
    '["raw/ok.h5", "../escape.h5"]',
    '/global',
  ];
  it.each(hostile)('refuses hostile file-paths %j: failed step, nothing written', async (bad) => {
    const { root, config } = await makeFacility();
    await writeFileAt(join(root, 'beamline/raw/ok.h5'), 'ok');
    const before = snapshotTree(root);
    const r = await runAction('move', { beamline: '8.3.2', 'file-paths': bad, config });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/::error::(file-paths|.*no paths)/);
    expect(snapshotTree(root)).toEqual(before);
  });

  it('fails fast on a missing required input, naming it', async () => {
    const r = await runAction('move', { 'file-paths': 'raw/a.h5' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::error::input "beamline" is required');
  });

  it('a config error names file, line and column', async () => {
    const { config } = await makeFacility();
    await writeFile(config, readFileSync(config, 'utf8').replace('after_days: 35', 'after_days: ten'));
    const r = await runAction('move', { beamline: '8.3.2', 'file-paths': 'raw/a.h5', config });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/::error::.*config\.yml:\d+:\d+ beamlines\.8\.3\.2\.prune\[1\]\.after_days: expected a number >= 0, got "ten"/);
  });
});

describe('prune action (bundled)', () => {
  it('prunes replicated old files, keeps the rest, reports counts and a summary', async () => {
    const { root, config } = await makeFacility();
    const old = new Date(Date.now() - 3 * DAY);
    await writeFileAt(join(root, 'beamline/raw/a.h5'), 'AAA', old);
    await writeFileAt(join(root, 'server/raw/a.h5'), 'AAA', old);
    await writeFileAt(join(root, 'beamline/raw/lonely.h5'), 'L', old);
    await writeFileAt(join(root, 'beamline/raw/new.h5'), 'N');
    await writeFileAt(join(root, 'server/raw/new.h5'), 'N');

    const dry = await runAction('prune', { beamline: '8.3.2', config, 'dry-run': 'true' });
    expect(dry.code).toBe(0);
    expect(dry.outputs).toMatchObject({ pruned: '1', unsafe: '1' });
    expect(existsSync(join(root, 'beamline/raw/a.h5'))).toBe(true);
    expect(dry.summary).toContain('dry run');

    const r = await runAction('prune', { beamline: '', config });
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({ pruned: '1', kept: '3', unsafe: '1' });
    expect(existsSync(join(root, 'beamline/raw/a.h5'))).toBe(false);
    expect(existsSync(join(root, 'beamline/raw/lonely.h5'))).toBe(true);
    expect(r.summary).toContain('Unsafe to delete');
    expect(r.summary).toContain('lonely.h5');
    expect(r.stdout).toContain('::warning::kept, unsafe to delete: beamline:raw/lonely.h5');
  });

  it('rejects a bad dry-run value before touching anything', async () => {
    const { config } = await makeFacility();
    const r = await runAction('prune', { config, 'dry-run': 'yes please' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::error::dry-run: expected true or false');
  });
});
