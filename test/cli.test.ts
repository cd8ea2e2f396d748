// The `splash` command as a user runs it: the bundled dist/cli/index.js in its own process.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DAY, dist, makeFacility, repoRoot, runNode, snapshotTree, tempDir, writeFileAt } from './helpers.js';

const splash = (args: string[], env: NodeJS.ProcessEnv = {}) => runNode(dist('cli'), args, { env });

describe('splash --help', () => {
  it.each(['run', 'move', 'prune', 'config', 'demo'])('%s --help explains the command', async (cmd) => {
    const r = await splash([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: splash ${cmd}`);
  });

  it('lists the commands and exit codes', async () => {
    const r = await splash(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/demo/);
    expect(r.stdout).toMatch(/2 usage or config error/);
  });

  it('an unknown command or option is a usage error (exit 2)', async () => {
    expect((await splash(['frobnicate'])).code).toBe(2);
    const r = await splash(['prune', '--dry-rnu']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--dry-rnu/);
  });
});

describe('splash move / run', () => {
  it('run 8.3.2 moves each file through both hops and reports the chain', async () => {
    const { root, config } = await makeFacility();
    await writeFileAt(join(root, 'beamline/raw/p1/s1.h5'), 'one');
    const r = await splash(['run', '8.3.2', '--config', config, '/global/raw/p1/s1.h5']);
    expect(r.code).toBe(0);
    expect(readFileSync(join(root, 'archive/raw/p1/s1.h5'), 'utf8')).toBe('one');
    expect(r.stderr).toMatch(/raw\/p1\/s1\.h5\s+move\s+ok/);
    // No SciCat in this config: ingest runs dry; 'one' is no HDF5 file, so it is catalogued plainly, with a warning.
    expect(r.stderr).toMatch(/raw\/p1\/s1\.h5\s+ingest\s+ok\s+1 dataset\(s\): dry-run:raw\/p1\/s1\.h5 \(dry-run\)/);
    expect(r.stderr).toMatch(/metadata not read: .*not an HDF5 file/);
    expect(r.stderr).toMatch(/recon: not configured/);
    expect(JSON.parse(readFileSync(join(root, 'scicat-dry-run/raw/p1/s1.h5.json'), 'utf8'))).toMatchObject({ dataset: { datasetName: 's1.h5', type: 'raw' }, origDatablock: { size: 3, chkAlg: 'xxh128' } });
  });

  it('the first failure stops the chain and exits 1', async () => {
    const { root, config } = await makeFacility();
    await writeFileAt(join(root, 'beamline/raw/a.h5'), 'source');
    await writeFileAt(join(root, 'server/raw/a.h5'), 'differs');
    const r = await splash(['run', '8.3.2', '--config', config, 'raw/a.h5']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not overwritten/);
    expect(r.stderr).toMatch(/ingest\s+not run/);
    expect(existsSync(join(root, 'archive/raw/a.h5'))).toBe(false);
  });

  it('a failure is reported once: one line + hint on stderr in a terminal, one ::error:: annotation under the runner', async () => {
    const { root, config } = await makeFacility();
    await writeFileAt(join(root, 'beamline/raw/a.h5'), 'source');
    await writeFileAt(join(root, 'server/raw/a.h5'), 'differs');
    const said = 'server:raw/a.h5 already exists with a different size';
    const count = (text: string, what: string): number => text.split(what).length - 1;

    const move = await splash(['move', '--beamline', '8.3.2', '--config', config, 'raw/a.h5']);
    expect(move.code).toBe(1);
    expect(count(move.stderr, said)).toBe(1);
    expect(move.stderr).toMatch(new RegExp(`^splash: ${said}.*\n  hint: .*find out which file is right`, 'm'));
    expect(move.stderr).not.toContain('**');

    // The chain's table names the failed step; the error itself is the last line, once, and no Markdown shows.
    const run = await splash(['run', '8.3.2', '--config', config, 'raw/a.h5']);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(/^error: /m);
    expect(run.stderr).not.toContain('**');
    expect(count(run.stderr, `splash: ${said}`)).toBe(1);
    expect(run.stderr.trimEnd().split('\n').slice(-2).join('\n')).toMatch(new RegExp(`^splash: ${said}.*\n  hint: `));

    const io = await tempDir('splash-runner-');
    await writeFile(join(io, 'summary'), '');
    await writeFile(join(io, 'output'), '');
    const runner = await splash(['move', '--beamline', '8.3.2', '--config', config, 'raw/a.h5'], {
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: join(io, 'summary'),
      GITHUB_OUTPUT: join(io, 'output'),
    });
    expect(runner.code).toBe(1);
    const annotations = runner.stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toMatch(new RegExp(`^::error::${said}.*%0A  hint: `));
    expect(runner.stderr).toBe('');
    expect(readFileSync(join(io, 'summary'), 'utf8')).toContain(`**Move failed:** ${said}`);
  });

  const hostile = ['../etc/passwd', '/global/../../etc/shadow', '/other/raw/a.h5', 'raw/a\r.h5', 'raw/%2e%2e/x', 'raw\\a.h5', '-rf', ' '];
  it.each(hostile)('refuses hostile path %j with exit 2 and writes nothing', async (bad) => {
    const { root, config } = await makeFacility();
    await writeFileAt(join(root, 'beamline/raw/a.h5'), 'A');
    const before = snapshotTree(root);
    for (const args of [['move', '--beamline', '8.3.2', '--config', config, 'raw/a.h5', '--', bad], ['run', '8.3.2', '--config', config, '--', bad]]) {
      const r = await splash(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/file-paths\[\d\]/);
      expect(snapshotTree(root)).toEqual(before);
    }
  });

  it('a dispatch naming one missing file copies nothing at all', async () => {
    const { root, config } = await makeFacility();
    await writeFileAt(join(root, 'beamline/raw/a.h5'), 'A');
    const before = snapshotTree(root);
    const r = await splash(['move', '--beamline', '8.3.2', '--config', config, 'raw/a.h5', 'raw/missing.h5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/beamline:raw\/missing\.h5: does not exist/);
    expect(snapshotTree(root)).toEqual(before);
  });

  it('an unknown beamline or a missing config is exit 2', async () => {
    const { config } = await makeFacility();
    const r1 = await splash(['move', '--beamline', '9.9.9', '--config', config, 'raw/a.h5']);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/unknown beamline "9.9.9"/);
    const r2 = await splash(['move', '--beamline', '8.3.2', '--config', '/nonexistent/config.yml', 'raw/a.h5']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/nonexistent\/config\.yml/);
  });
});

describe('splash prune', () => {
  it('--dry-run changes nothing and prints the plan; --now shifts time', async () => {
    const { root, config } = await makeFacility();
    await writeFileAt(join(root, 'beamline/raw/a.h5'), 'AAA');
    await writeFileAt(join(root, 'server/raw/a.h5'), 'AAA');
    const before = snapshotTree(root);
    const later = new Date(Date.now() + 2 * DAY).toISOString();
    const dry = await splash(['prune', '--config', config, '--dry-run', '--now', later]);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain('would prune beamline:raw/a.h5');
    expect(snapshotTree(root)).toEqual(before);
    const real = await splash(['prune', '--config', config, '--now', later]);
    expect(real.code).toBe(0);
    expect(existsSync(join(root, 'beamline/raw/a.h5'))).toBe(false);
  });

  it('a big tree is planned in worker threads and gives the same answers', async () => {
    const { root, config } = await makeFacility();
    const old = new Date(Date.now() - 3 * DAY);
    // 30 folders x 200 files: past the 5,000 entries after which the sweep hands folders to workers.
    for (let d = 0; d < 30; d++) {
      for (let f = 0; f < 200; f++) {
        const rel = `raw/scan_${String(d).padStart(2, '0')}/frame_${String(f).padStart(3, '0')}.tif`;
        const isOld = f % 2 === 0;
        await writeFileAt(join(root, 'beamline', rel), 'frame', isOld ? old : undefined);
        // Every 50th old frame has no copy, every 50th+2 a short one: unsafe, wherever they are planned.
        if (f % 50 === 0) continue;
        await writeFileAt(join(root, 'server', rel), f % 50 === 2 ? 'fram' : 'frame', isOld ? old : undefined);
      }
    }
    const dry = await splash(['prune', '-v', '--dry-run', '--beamline', '8.3.2', '--config', config]);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toMatch(/planned 6000 files in \d+ ms with [2-4] worker threads: 2760 candidates \(0 proven by verification records, 0 to hash here, 2760 to hash on both sides\), 3000 young, 240 unsafe/);
    const real = await splash(['prune', '--beamline', '8.3.2', '--config', config]);
    expect(real.code).toBe(0);
    expect(real.stderr).toMatch(/beamline: 2760 pruned .*, 3000 kept .*, 240 unsafe/);
    expect(existsSync(join(root, 'beamline/raw/scan_29/frame_000.tif'))).toBe(true);
    expect(existsSync(join(root, 'beamline/raw/scan_29/frame_002.tif'))).toBe(true);
    expect(existsSync(join(root, 'beamline/raw/scan_29/frame_004.tif'))).toBe(false);
    expect(existsSync(join(root, 'beamline/raw/scan_29/frame_001.tif'))).toBe(true);
  }, 60_000);

  it('a bad --now is a usage error', async () => {
    const { config } = await makeFacility();
    const r = await splash(['prune', '--config', config, '--now', 'next tuesday']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--now: expected a date/);
  });
});

describe('splash config check', () => {
  it('prints what a valid file configures', async () => {
    const { config } = await makeFacility();
    const r = await splash(['config', 'check', '--config', config]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/valid/);
    expect(r.stdout).toMatch(/beamline → server, server → archive/);
  });

  it('reads the original system config.yml unchanged', async () => {
    const r = await splash(['config', 'check', '--config', join(repoRoot, 'test/fixtures/legacy-config.yml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/spot832 \(globus 44ae904c/);
    expect(r.stdout).toMatch(/8\.3\.2 microCT \(derived from the legacy layout\)/);
  });

  it('reports errors with file:line:column and exits 2', async () => {
    const dir = await tempDir();
    const config = join(dir, 'config.yml');
    await writeFile(config, 'endpoints:\n  a: { type: filesystem, root_path: relative/path }\n');
    const r = await splash(['config', 'check', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/config\.yml:2:\d+ endpoints\.a\.root_path/);
  });
});

describe('splash demo', () => {
  it('runs on a fresh machine with no environment: prunes the replicated scans, keeps the lonely one', async () => {
    const dir = join(await tempDir(), 'facility');
    const r = await runNode(dist('cli'), ['demo', '--dir', dir], { env: {} });
    expect(r.stderr + r.stdout).not.toMatch(/error:/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/beamline: 2 pruned, 0 kept .*, 1 unsafe/);
    expect(r.stdout).toMatch(/unsafe: raw\/demo-proposal\/scan_0003\.h5 — not replicated/);
    expect(r.stdout).toContain('kept (younger than 1 day)');
    expect(readdirSync(join(dir, 'beamline/raw/demo-proposal'))).toEqual(['scan_0003.h5']);
    expect(readdirSync(join(dir, 'archive/raw/demo-proposal')).sort()).toEqual(['scan_0001.h5', 'scan_0002.h5']);
    // The scans were catalogued (dry run: no SciCat configured) with their metadata.
    expect(readdirSync(join(dir, 'scicat-dry-run/raw/demo-proposal')).sort()).toEqual(['scan_0001.h5.json', 'scan_0002.h5.json']);
    expect(r.stdout).toMatch(/SciCat \(dry run, none configured\): 2 dataset document/);
    // recon: honestly not configured (no credentials in a demo), and the script it would submit shown
    expect(r.stdout + r.stderr).toMatch(/recon: not configured — beamlines\."8\.3\.2"\.recon is set, but config\.yml has no sfapi: section/);
    expect(r.stdout).toMatch(/#!\/bin\/bash\n#SBATCH --job-name=splash_recon_demo-proposal_scan_0001_[0-9a-f]{12}\n[\s\S]*set -euo pipefail[\s\S]*'srun' '--nodes=1'/);
  });

  it('splash recon --dry-run prints the exact scripts with no credentials and no network; a bad option is exit 2', async () => {
    const dir = join(await tempDir(), 'facility');
    expect((await runNode(dist('cli'), ['demo', '--dir', dir], { env: {} })).code).toBe(0);
    const config = join(dir, 'config.yml');
    const r = await runNode(dist('cli'), ['recon', '--beamline', '8.3.2', '--config', config, '--dry-run', '/global/raw/demo-proposal/scan_0001.h5'], { env: {} });
    expect([r.code, r.stderr]).toEqual([0, expect.not.stringMatching(/error/) as unknown]);
    expect(r.stdout.match(/^#!\/bin\/bash$/gm)).toHaveLength(2);
    expect(r.stdout).toMatch(/tiff_to_zarr\.py/);
    const bad = await runNode(dist('cli'), ['recon', '--beamline', '8.3.2', '--config', config, '--dry-run', '--recon-options', '{"binning": 3}', '/global/raw/demo-proposal/scan_0001.h5'], { env: {} });
    expect([bad.code, bad.stdout]).toEqual([2, '']);
    expect(bad.stderr).toMatch(/recon-options\.binning: 1, 2, 4 or 8/);
  });

  it('--clean removes the facility afterwards and still exits 0', async () => {
    const dir = join(await tempDir(), 'facility');
    const r = await runNode(dist('cli'), ['demo', '--dir', dir, '--clean'], { env: {} });
    expect(r.stderr).not.toMatch(/^splash: /m);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Removed ${dir}.`);
    expect(existsSync(dir)).toBe(false);
  });
});
