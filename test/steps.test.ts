// The steps in-process on a terminal context: what they decide before any byte moves.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDispatch, runMove, runPrune } from '../beamlines/commands.js';
import { SplashError } from '../src/errors.js';
import { createTerminalContext } from '../src/run/terminal.js';
import { DAY, makeFacility, snapshotTree, writeFileAt } from './helpers.js';

const quiet = () => createTerminalContext({ stream: { write: () => true } as unknown as NodeJS.WritableStream, isTTY: false });
const GLOBUS = '  nersc: { type: globus, root_path: /global/cfs/als, uuid: df82346e-9a15-11ea-b3c4-0ae144191ee3 }\n';

async function withGlobusEndpoint(mutate: (text: string) => string) {
  const f = await makeFacility();
  const text = readFileSync(f.config, 'utf8').replace('endpoints:\n', `endpoints:\n${GLOBUS}`);
  await writeFile(f.config, mutate(text));
  return f;
}

describe('move step', () => {
  it('a hop without a controller is "not configured" before any byte moves', async () => {
    const { root, config } = await withGlobusEndpoint((t) => t.replace('      - { from: server, to: archive }\n', '      - { from: server, to: nersc }\n'));
    await writeFileAt(join(root, 'beamline/raw/a.h5'), 'A');
    const before = snapshotTree(root);
    const err = await runMove(quiet(), { config, beamline: '8.3.2', filePaths: ['raw/a.h5'], exportControlled: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SplashError);
    expect((err as SplashError).kind).toBe('not-configured');
    expect((err as SplashError).message).toMatch(/no transfer controller for server .* → nersc \(globus/);
    expect(snapshotTree(root)).toEqual(before);
  });

  it('export-controlled data skips the marked hop and every hop that would start where it never arrived', async () => {
    const { root, config } = await makeFacility();
    const text = readFileSync(config, 'utf8')
      .replace('      - { from: server, to: archive }\n', '      - { from: server, to: archive, skip_export_controlled: true }\n      - { from: archive, to: beamline2 }\n      - { from: server, to: beamline3 }\n')
      .replace('endpoints:\n', `endpoints:\n  beamline2: { type: filesystem, root_path: ${root}/b2 }\n  beamline3: { type: filesystem, root_path: ${root}/b3 }\n`);
    await writeFile(config, text);
    await mkdir(join(root, 'b3'));
    await writeFileAt(join(root, 'beamline/raw/a.h5'), 'A');
    const r = await runMove(quiet(), { config, beamline: '8.3.2', filePaths: ['raw/a.h5'], exportControlled: true });
    expect(r.hops.map((h) => [h.from, h.to, h.status])).toEqual([
      ['beamline', 'server', 'done'],
      ['server', 'archive', 'skipped (export control)'],
      ['archive', 'beamline2', 'skipped (export control)'],
      ['server', 'beamline3', 'done'],
    ]);
    expect(existsSync(join(root, 'archive/raw/a.h5'))).toBe(false);
    expect(existsSync(join(root, 'b3/raw/a.h5'))).toBe(true);
  });

  it('data that reaches an endpoint by another hop moves on from it, export control or not', async () => {
    const { root, config } = await makeFacility();
    // beamline→server, beamline→archive (skipped), server→archive (reaches archive after all), archive→b4.
    const text = readFileSync(config, 'utf8')
      .replace('      - { from: beamline, to: server }\n      - { from: server, to: archive }\n',
        '      - { from: beamline, to: server }\n      - { from: beamline, to: archive, skip_export_controlled: true }\n      - { from: server, to: archive }\n      - { from: archive, to: b4 }\n')
      .replace('endpoints:\n', `endpoints:\n  b4: { type: filesystem, root_path: ${root}/b4 }\n`);
    await writeFile(config, text);
    await mkdir(join(root, 'b4'));
    await writeFileAt(join(root, 'beamline/raw/a.h5'), 'A');
    const r = await runMove(quiet(), { config, beamline: '8.3.2', filePaths: ['raw/a.h5'], exportControlled: true });
    expect(r.hops.map((h) => h.status)).toEqual(['done', 'skipped (export control)', 'done', 'done']);
    expect(existsSync(join(root, 'b4/raw/a.h5'))).toBe(true);
  });

  it('a failed hop is reported as failed, not done', async () => {
    const { root, config } = await makeFacility();
    await writeFileAt(join(root, 'beamline/raw/a.h5'), 'source');
    await writeFileAt(join(root, 'archive/raw/a.h5'), 'other!');
    const ctx = quiet();
    await expect(runMove(ctx, { config, beamline: '8.3.2', filePaths: ['raw/a.h5'], exportControlled: false })).rejects.toThrow(/not overwritten/);
    await ctx.flushSummary();
  });
});

describe('move preflight', () => {
  it('a destination root that is not there (storage not mounted) stops the move before the first copy', async () => {
    const { root, config } = await makeFacility();
    const { rm } = await import('node:fs/promises');
    await rm(join(root, 'archive'), { recursive: true });
    await writeFileAt(join(root, 'beamline/raw/a.h5'), 'A');
    const before = snapshotTree(root);
    const err = await runMove(quiet(), { config, beamline: '8.3.2', filePaths: ['raw/a.h5'], exportControlled: false }).catch((e: unknown) => e);
    expect((err as SplashError).kind).toBe('config');
    expect((err as SplashError).message).toMatch(/endpoint archive: root_path .* is not a folder on this runner/);
    expect(snapshotTree(root)).toEqual(before);
    expect(existsSync(join(root, 'archive'))).toBe(false);
  });
});

describe('dispatch chain', () => {
  it('a move that is not configured stops the chain and says so', async () => {
    const { root, config } = await withGlobusEndpoint((t) => t.replace('{ from: beamline, to: server }', '{ from: beamline, to: nersc }'));
    await writeFileAt(join(root, 'beamline/raw/a.h5'), 'A');
    const err = await runDispatch(quiet(), { config, beamline: '8.3.2', filePaths: ['raw/a.h5'], exportControlled: false }).catch((e: unknown) => e);
    expect((err as SplashError).kind).toBe('not-configured');
  });
});

describe('prune step', () => {
  it('rules whose storage cannot be pruned yet are reported and do not stop the others', async () => {
    const { root, config } = await withGlobusEndpoint((t) => t.replace('      - { endpoint: server, after_days: 35, check: archive }\n', '      - { endpoint: server, after_days: 35, check: nersc }\n'));
    const old = new Date(Date.now() - 3 * DAY);
    await writeFileAt(join(root, 'beamline/raw/a.h5'), 'A', old);
    await writeFileAt(join(root, 'server/raw/a.h5'), 'A', old);
    const reports = await runPrune(quiet(), { config, beamline: '8.3.2', dryRun: false, now: new Date() });
    expect(reports.map((r) => [r.endpoint, r.pruned.length])).toEqual([['beamline', 1]]);
    expect(existsSync(join(root, 'server/raw/a.h5'))).toBe(true);
  });

  it('a later rule with unusable storage stops the sweep before the first rule deletes anything', async () => {
    const { root, config } = await makeFacility();
    // Rule 2 checks server against a folder inside it: refused — and so nothing of rule 1 may run either.
    const text = readFileSync(config, 'utf8')
      .replace('endpoints:\n', `endpoints:\n  inner: { type: filesystem, root_path: ${root}/server/inner }\n`)
      .replace('{ endpoint: server, after_days: 35, check: archive }', '{ endpoint: server, after_days: 35, check: inner }');
    await writeFile(config, text);
    await mkdir(join(root, 'server/inner'));
    const old = new Date(Date.now() - 3 * DAY);
    await writeFileAt(join(root, 'beamline/raw/a.h5'), 'A', old);
    await writeFileAt(join(root, 'server/raw/a.h5'), 'A', old);
    const before = snapshotTree(root);
    const err = await runPrune(quiet(), { config, beamline: '8.3.2', dryRun: false, now: new Date() }).catch((e: unknown) => e);
    expect((err as SplashError).kind).toBe('config');
    expect((err as SplashError).message).toMatch(/one folder (is )?inside the other/);
    expect(snapshotTree(root)).toEqual(before);
  });

  it('when no rule can run, the step fails as not configured, having deleted nothing', async () => {
    const { root, config } = await withGlobusEndpoint((t) =>
      t.replace('{ endpoint: beamline, after_days: 1, check: server }', '{ endpoint: beamline, after_days: 1, check: nersc }').replace('      - { endpoint: server, after_days: 35, check: archive }\n', ''),
    );
    await writeFileAt(join(root, 'beamline/raw/a.h5'), 'A', new Date(Date.now() - 3 * DAY));
    const err = await runPrune(quiet(), { config, beamline: '8.3.2', dryRun: false, now: new Date() }).catch((e: unknown) => e);
    expect((err as SplashError).kind).toBe('not-configured');
    expect(existsSync(join(root, 'beamline/raw/a.h5'))).toBe(true);
  });
});
