// What an 8.3.2 reconstruction must write (beamlines/bl832/slice-count.ts): the binning rule, and the rows probe
// the full-scan jobs run with the recon environment's python. h5py is not on this machine, so the probe runs
// under the real python3 against a minimal h5py module that serves one dataset shape: what is tested is the
// probe's own code (it reads shape[1] of /exchange/data, refuses anything that is not 3-D, prints one number).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binnedSlices, rangeSlices, ROWS_PROBE } from '../beamlines/bl832/slice-count.js';
import { splitRange } from '../beamlines/bl832/nersc.js';
import { tempDir } from './helpers.js';

async function probe(shape: number[] | null): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const dir = await tempDir('rows-probe-');
  writeFileSync(join(dir, 'h5py.py'), [
    'import json, os',
    'class File:',
    '    def __init__(self, path, mode):',
    '        assert mode == "r", mode',
    '        self.doc = json.load(open(path))',
    '    def __enter__(self): return self',
    '    def __exit__(self, *a): return False',
    '    def __getitem__(self, key):',
    '        if key not in self.doc: raise KeyError("Unable to open object %r" % key)',
    '        return type("Dataset", (), {"shape": tuple(self.doc[key])})()',
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'scan.h5'), JSON.stringify(shape ? { '/exchange/data': shape } : {}));
  const r = spawnSync('python3', ['-c', ROWS_PROBE, 'scan.h5'], { cwd: dir, env: { ...process.env, PYTHONPATH: dir }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the slice count', () => {
  it('binning drops the remainder (tomopy downsample); a range split over nodes is binned share by share', () => {
    expect(binnedSlices(2160, 1)).toBe(2160);
    expect(binnedSlices(7, 2)).toBe(3);
    expect(binnedSlices(3, 4)).toBe(0);
    expect(rangeSlices(splitRange(1, 8, 2), 2)).toBe(3); // shares of 4 and 3 rows: 2 + 1
    expect(rangeSlices(splitRange(0, 2160, 4), 1)).toBe(2160);
  });

  it('the rows probe prints /exchange/data shape[1]', async () => {
    expect(await probe([1313, 2160, 2560])).toMatchObject({ status: 0, stdout: '2160\n' });
  });

  it('the rows probe fails, saying why, when the dataset is missing or not (angles, rows, columns)', async () => {
    const missing = await probe(null);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/KeyError/);
    const flat = await probe([1313, 2160]);
    expect(flat.status).toBe(1);
    expect(flat.stderr).toMatch(/\/exchange\/data has shape \(1313, 2160\); expected \(angles, rows, columns\)/);
    expect(flat.stdout).toBe('');
  });
});
