import { mkdtempSync, rmSync, statSync, truncateSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hdf5ReadError, readDataExchangeMetadata, SAMPLE_SIZE } from '../src/scicat/hdf5.js';
import { sampleIndices } from '../src/scicat/hdf5-values.js';
import { crc32, PNG_SIGNATURE } from '../src/scicat/png.js';
import { toDataUrl } from '../src/scicat/requests.js';
import { thumbnailFromDataExchange } from '../src/scicat/thumbnail.js';
import { current, FIXTURE_VALUES, writeDataExchange } from '../src/scicat/sample-scan.js';

let dir: string;
const at = (name: string): string => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'splash-hdf5-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('readDataExchangeMetadata', () => {
  it('reads the catalogue fields, scalars, strings and units', async () => {
    const file = at('full.h5');
    await writeDataExchange(file);
    const md = await readDataExchangeMetadata(file);
    expect(md.warnings).toEqual([]);
    expect(md.catalogue).toEqual({
      instrumentName: FIXTURE_VALUES['/measurement/instrument/instrument_name'],
      beamline: '8.3.2',
      experimentLead: 'Dula Parkinson',
      pi: 'Ada Lovelace',
      proposal: 'ALS-12345',
      email: 'ada@example.org',
      experimenterName: 'Ada Lovelace',
      fileName: '20241201_120000_sample_a',
    });
    const sci = md.scientific;
    expect(sci['/measurement/instrument/detector/model']).toBe('PCO.edge');
    expect(sci['/measurement/instrument/detector/dimension_x']).toBe(2560); // 1-element array
    expect(sci['/measurement/instrument/detector/dimension_y']).toBe(2160);
    expect(sci['/measurement/instrument/detector/roi']).toEqual([0, 0, 2560, 2160]);
    expect(sci['/measurement/instrument/camera_motor_stack/setup/camera_distance']).toEqual({ value: 52.5, unit: 'mm' });
    expect(sci['/process/acquisition/rotation/range']).toEqual({ value: 180, unit: 'deg' });
    expect(sci['/process/acquisition/rotation/num_angles']).toBe(1313);
    expect(sci['/process/acquisition/flat_fields/num_flat_fields']).toBe(20); // int64 → number
    expect(sci['/process/acquisition/name']).toBe('tomo_scan'); // uint8 bytes, NULs trimmed
    expect(sci['/process/acquisition/mode']).toBe('continuous'); // 1-element vlen string array
    // A 2-D array over the size limit is summarised, not read; nothing outside the two groups is taken.
    expect(sci['/measurement/instrument/slits/matrix']).toEqual({ shape: [5, 6], dtype: '<f' });
    expect(Object.keys(sci).every((k) => k.startsWith('/measurement/instrument/') || k.startsWith('/process/acquisition/'))).toBe(true);
    // Series are sampled, not copied into the scientific metadata.
    expect(sci['/measurement/instrument/source/current']).toBeUndefined();
    expect(JSON.parse(JSON.stringify(md))).toEqual(md);
  });

  it('samples long series: at most 10 evenly spaced values, first and last included', async () => {
    const file = at('series.h5');
    const n = 1001;
    await writeDataExchange(file, { seriesLength: n });
    const { samples } = await readDataExchangeMetadata(file);
    const cur = samples['/measurement/instrument/source/current'];
    expect(cur).toBeDefined();
    expect(cur).toHaveLength(SAMPLE_SIZE);
    expect(cur?.[0]).toBeCloseTo(current(0));
    expect(cur?.[cur.length - 1]).toBeCloseTo(current(n - 1));
    const idx = sampleIndices(n, SAMPLE_SIZE);
    expect(idx).toEqual([0, 111, 222, 333, 444, 556, 667, 778, 889, 1000]);
    cur?.forEach((v, i) => {
      expect(v).toBeCloseTo(current(idx[i] ?? -1));
    });
    expect(samples['/measurement/instrument/monochromator/energy']).toEqual(Array.from({ length: 10 }, () => 25));
    expect(samples['/measurement/instrument/detector/exposure_time']).toHaveLength(10);
    expect(samples['/measurement/instrument/sample_motor_stack/setup/sample_x']).toHaveLength(10);
  });

  it('keeps short series whole and spaces indices evenly', async () => {
    expect(sampleIndices(5, 10)).toEqual([0, 1, 2, 3, 4]);
    expect(sampleIndices(0, 10)).toEqual([]);
    expect(sampleIndices(17, 10)).toEqual([0, 2, 4, 5, 7, 9, 11, 12, 14, 16]);
    const file = at('short.h5');
    await writeDataExchange(file, { seriesLength: 4 });
    const md = await readDataExchangeMetadata(file);
    expect(md.scientific['/measurement/instrument/source/current']).toEqual({ value: [500, 500.1, 500.2, 500.3], unit: 'mA' });
    expect(md.samples['/measurement/instrument/source/current']).toBeUndefined();
  });

  it('decodes fixed-length byte strings (NUL-padded)', async () => {
    const file = at('bytes.h5');
    await writeDataExchange(file, { strings: 'bytes' });
    const md = await readDataExchangeMetadata(file);
    expect(md.warnings).toEqual([]);
    expect(md.catalogue.pi).toBe('Ada Lovelace');
    expect(md.catalogue.proposal).toBe('ALS-12345');
    expect(md.catalogue.email).toBe('ada@example.org');
    expect(md.scientific['/measurement/instrument/instrument_name']).toBe('microCT');
  });

  it('reports missing fields and groups as warnings, without failing', async () => {
    const file = at('missing.h5');
    await writeDataExchange(file, {
      omit: ['/measurement/sample/experimenter', '/measurement/sample/experiment/pi', '/process', '/measurement/instrument/source/current'],
      projections: null,
    });
    const md = await readDataExchangeMetadata(file);
    expect(md.catalogue.email).toBeUndefined();
    expect(md.catalogue.pi).toBeUndefined();
    expect(md.catalogue.beamline).toBe('8.3.2');
    expect(md.warnings).toEqual(expect.arrayContaining([
      'missing /measurement/sample/experimenter/email',
      'missing /measurement/sample/experimenter/name',
      'missing /measurement/sample/experiment/pi',
      'missing /measurement/instrument/source/current',
      expect.stringContaining('/process/acquisition'),
    ]));
    expect(md.warnings).toHaveLength(5);
    expect(md.samples['/measurement/instrument/monochromator/energy']).toHaveLength(10);
  });

  it('handles an HDF5 file with nothing of Data Exchange in it', async () => {
    const file = at('empty.h5');
    await writeDataExchange(file, { omit: ['/measurement', '/process'], projections: null });
    const md = await readDataExchangeMetadata(file);
    expect(md.catalogue).toEqual({});
    expect(md.scientific).toEqual({});
    expect(md.warnings.length).toBe(8 + 2 + 3);
  });

  it('rejects a file that is not HDF5 with a clear error', async () => {
    const file = at('notes.txt');
    writeFileSync(file, 'this is a text file, not HDF5\n'.repeat(100));
    const err = await readDataExchangeMetadata(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Hdf5ReadError);
    expect((err as Hdf5ReadError).reason).toBe('not-hdf5');
    expect((err as Error).message).toMatch(/not an HDF5 file/);
    const tiny = at('tiny.h5');
    writeFileSync(tiny, 'x');
    await expect(readDataExchangeMetadata(tiny)).rejects.toThrow(/not an HDF5 file/);
    await expect(thumbnailFromDataExchange(file)).rejects.toThrow(/not an HDF5 file/);
  });

  it('rejects a missing file with a clear error', async () => {
    const err = await readDataExchangeMetadata(at('nope.h5')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Hdf5ReadError);
    expect((err as Hdf5ReadError).reason).toBe('not-found');
    expect((err as Error).message).toContain('nope.h5');
  });

  it('rejects a truncated file with a clear error, and keeps working afterwards', async () => {
    const full = at('to-truncate.h5');
    await writeDataExchange(full, { projections: [4, 64, 64] });
    const size = statSync(full).size;
    for (const keep of [0.5, 0.1]) {
      const cut = at(`truncated-${keep}.h5`);
      copyFileSync(full, cut);
      truncateSync(cut, Math.floor(size * keep));
      const err = await readDataExchangeMetadata(cut).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Hdf5ReadError);
      expect((err as Error).message).toMatch(/truncated|damaged/);
    }
    // The module is still usable after the failures (the files were closed).
    expect((await readDataExchangeMetadata(full)).warnings).toEqual([]);
  });
});

interface DecodedPng {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  pixels: Uint8Array;
}

function decodePng(png: Buffer): DecodedPng {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  let pos = 8;
  let ihdr: Buffer | undefined;
  const idat: Buffer[] = [];
  let ended = false;
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.subarray(pos + 4, pos + 8).toString('latin1');
    const data = png.subarray(pos + 8, pos + 8 + len);
    expect(png.readUInt32BE(pos + 8 + len)).toBe(crc32(png.subarray(pos + 4, pos + 8), data));
    if (type === 'IHDR') ihdr = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    pos += 12 + len;
  }
  expect(ended).toBe(true);
  if (!ihdr) throw new Error('no IHDR');
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe((width + 1) * height);
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width + 1)]).toBe(0);
    pixels.set(raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1)), y * width);
  }
  return { width, height, bitDepth: ihdr[8] ?? -1, colorType: ihdr[9] ?? -1, pixels };
}

describe('thumbnailFromDataExchange', () => {
  it('makes a contrast-stretched grayscale PNG of the first projection', async () => {
    const file = at('thumb.h5');
    await writeDataExchange(file, { projections: [3, 40, 60] });
    const png = await thumbnailFromDataExchange(file, { maxSize: 256 });
    if (!png) throw new Error('no thumbnail');
    const img = decodePng(png);
    expect(img).toMatchObject({ width: 60, height: 40, bitDepth: 8, colorType: 0 }); // never enlarged
    expect(Math.min(...img.pixels)).toBe(0);
    expect(Math.max(...img.pixels)).toBe(255);
    // The fixture's intensity grows left to right.
    expect(img.pixels[0]).toBeLessThan(img.pixels[59] ?? 0);
    expect(toDataUrl(png)).toBe(`data:image/png;base64,${png.toString('base64')}`);
  });

  it('scales a large projection down to fit maxSize', async () => {
    const file = at('thumb-large.h5');
    await writeDataExchange(file, { projections: [2, 300, 600] });
    const png = await thumbnailFromDataExchange(file, { maxSize: 256 });
    if (!png) throw new Error('no thumbnail');
    const img = decodePng(png);
    expect(img.width).toBe(256);
    expect(img.height).toBe(128);
    expect(Math.max(img.width, img.height)).toBeLessThanOrEqual(256);
    expect(Math.min(...img.pixels)).toBe(0);
    expect(Math.max(...img.pixels)).toBe(255);
    const small = await thumbnailFromDataExchange(file, { maxSize: 32 });
    expect(small && decodePng(small).width).toBe(32);
  });

  it('answers undefined when the file has no /exchange/data', async () => {
    const file = at('no-data.h5');
    await writeDataExchange(file, { projections: null });
    expect(await thumbnailFromDataExchange(file, { maxSize: 256 })).toBeUndefined();
  });

  it('computes the standard PNG CRC32', () => {
    expect(crc32(Buffer.from('IEND'))).toBe(0xae426082);
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });
});
