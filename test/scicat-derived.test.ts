// The pieces of a reconstruction's catalogue entry: the TIFF reader behind the middle-slice thumbnail, the
// request bodies (checked against the backend's DTO rules in test/sim/scicat/contract.ts, which share no code
// with the project's validators), and the file list in blocks.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobOutcome } from '../src/hpc/job.js';
import { gatePath } from '../src/paths.js';
import { commonParent, derivedRequestIssues, derivedRequests, FILES_PER_BLOCK, middleSliceThumbnail, type RawFacts } from '../src/scicat/derived.js';
import { decodeTiff, TiffUnsupported } from '../src/scicat/tiff.js';
import { contractIssues } from './sim/scicat/contract.js';
import { tempDir } from './helpers.js';

interface TiffSpec {
  width: number;
  height: number;
  bits: 8 | 16 | 32 | 64;
  format?: 1 | 2 | 3;
  le?: boolean;
  photometric?: 0 | 1;
  compression?: number;
  strips?: number;
  tiled?: boolean;
  values: number[];
}

/** A baseline TIFF written independently of the reader: header, one IFD, then the strips. */
function tiff(t: TiffSpec): Buffer {
  const le = t.le ?? true;
  const bytes = t.bits / 8;
  const pixels = Buffer.alloc(t.width * t.height * bytes);
  t.values.forEach((v, i) => {
    const o = i * bytes;
    const f = t.format ?? 1;
    const kind = f === 3 ? `f${String(t.bits)}` : `${f === 2 ? 'i' : 'u'}${String(t.bits)}`;
    const writers: Record<string, () => number> = {
      f32: () => (le ? pixels.writeFloatLE(v, o) : pixels.writeFloatBE(v, o)),
      f64: () => (le ? pixels.writeDoubleLE(v, o) : pixels.writeDoubleBE(v, o)),
      i8: () => pixels.writeInt8(v, o),
      u8: () => pixels.writeUInt8(v, o),
      i16: () => (le ? pixels.writeInt16LE(v, o) : pixels.writeInt16BE(v, o)),
      u16: () => (le ? pixels.writeUInt16LE(v, o) : pixels.writeUInt16BE(v, o)),
      i32: () => (le ? pixels.writeInt32LE(v, o) : pixels.writeInt32BE(v, o)),
      u32: () => (le ? pixels.writeUInt32LE(v, o) : pixels.writeUInt32BE(v, o)),
    };
    writers[kind]?.();
  });
  const strips = t.strips ?? 1;
  const rowsPer = Math.ceil(t.height / strips);
  const stripBytes = Array.from({ length: strips }, (_, s) => Math.max(0, Math.min(rowsPer, t.height - s * rowsPer)) * t.width * bytes);
  const tags: [number, number, number[]][] = [
    [256, 4, [t.width]], [257, 4, [t.height]], [258, 3, [t.bits]], [259, 3, [t.compression ?? 1]], [262, 3, [t.photometric ?? 1]],
    [273, 4, []], [277, 3, [1]], [278, 4, [rowsPer]], [279, 4, stripBytes], [339, 3, [t.format ?? 1]],
    ...(t.tiled ? ([[322, 3, [16]]] as [number, number, number[]][]) : []),
  ];
  const ifd = 8;
  const ifdSize = 2 + tags.length * 12 + 4;
  const arrays = ifd + ifdSize;
  const arrayBytes = 8 * strips;
  const data = arrays + arrayBytes;
  const offsets = stripBytes.map((_, s) => data + stripBytes.slice(0, s).reduce((a, b) => a + b, 0));
  const buf = Buffer.alloc(data + pixels.length);
  const u16 = (v: number, o: number): void => { if (le) buf.writeUInt16LE(v, o); else buf.writeUInt16BE(v, o); };
  const u32 = (v: number, o: number): void => { if (le) buf.writeUInt32LE(v, o); else buf.writeUInt32BE(v, o); };
  buf.write(le ? 'II' : 'MM', 0, 'latin1');
  u16(42, 2);
  u32(ifd, 4);
  u16(tags.length, ifd);
  let extra = arrays;
  tags.forEach(([tag, type, values], i) => {
    const vals = tag === 273 ? offsets : values;
    const e = ifd + 2 + i * 12;
    u16(tag, e);
    u16(type, e + 2);
    u32(vals.length, e + 4);
    const size = type === 3 ? 2 : 4;
    const at = vals.length * size <= 4 ? e + 8 : extra;
    if (at === extra) { u32(extra, e + 8); extra += vals.length * size; }
    vals.forEach((v, k) => { if (size === 2) u16(v, at + k * 2); else u32(v, at + k * 4); });
  });
  pixels.copy(buf, data);
  return buf;
}

describe('the TIFF reader', () => {
  it.each([
    ['8-bit unsigned, little-endian', { bits: 8, values: [0, 1, 2, 255, 128, 7] }],
    ['16-bit unsigned, big-endian, three strips', { bits: 16, le: false, strips: 3, values: [0, 1000, 65535, 4, 5, 6] }],
    ['16-bit signed', { bits: 16, format: 2, values: [-32768, -1, 0, 1, 32767, 5] }],
    ['32-bit float (what tomopy writes)', { bits: 32, format: 3, values: [-0.5, 0, 1.25, 3.5e-4, -7e3, 42] }],
    ['32-bit float, big-endian', { bits: 32, format: 3, le: false, values: [1.5, -2.25, 0, 8, 16, 0.125] }],
    ['64-bit float', { bits: 64, format: 3, values: [1e-300, -1, 2, 3, 4, 5] }],
  ] as [string, Omit<TiffSpec, 'width' | 'height'>][])('%s', (_what, t) => {
    const img = decodeTiff(tiff({ width: 3, height: 2, ...t }));
    expect([img.width, img.height]).toEqual([3, 2]);
    expect([...img.data]).toEqual(t.values.map((v) => (t.format === 3 && t.bits === 32 ? Math.fround(v) : v)));
  });

  it('WhiteIsZero is inverted; what it does not read is said, not guessed', () => {
    expect([...decodeTiff(tiff({ width: 2, height: 1, bits: 8, photometric: 0, values: [0, 200] })).data]).toEqual([-0, -200]);
    expect(() => decodeTiff(tiff({ width: 2, height: 1, bits: 8, compression: 5, values: [1, 2] }))).toThrow(/compression 5 is not read/);
    expect(() => decodeTiff(tiff({ width: 2, height: 1, bits: 8, tiled: true, values: [1, 2] }))).toThrow(/tiled/);
    expect(() => decodeTiff(tiff({ width: 2, height: 2, bits: 8, values: [1, 2, 3, 4] }).subarray(0, 60))).toThrow(TiffUnsupported);
    expect(() => decodeTiff(Buffer.from('not a tiff at all'))).toThrow(/not a TIFF file/);
  });

  it('the thumbnail shows the middle slice of the stack (by name), and a slice it cannot read leaves a note, not an error', async () => {
    const root = await tempDir('derived-');
    await mkdir(join(root, 'p/recs'), { recursive: true });
    for (let i = 0; i < 5; i++) await writeFile(join(root, `p/recs/s_${String(i).padStart(5, '0')}.tiff`), tiff({ width: 4, height: 4, bits: 16, values: Array.from({ length: 16 }, (_, k) => i * 100 + k) }));
    const t = await middleSliceThumbnail(root, [gatePath('p/recs')]);
    expect(t.thumbnail?.of).toBe('s_00002.tiff');
    expect(t.thumbnail?.png.subarray(1, 4).toString()).toBe('PNG');
    await writeFile(join(root, 'p/recs/s_00002.tiff'), tiff({ width: 2, height: 1, bits: 8, compression: 8, values: [1, 2] }));
    const broken = await middleSliceThumbnail(root, [gatePath('p/recs')]);
    expect(broken.thumbnail).toBeUndefined();
    expect(broken.note).toMatch(/no thumbnail: p\/recs\/s_00002\.tiff: compression 8 is not read/);
  });
});

describe('the derived dataset\'s requests', () => {
  const raw: RawFacts = { pid: '20.500.12345/abc', datasetName: 'scan1.h5', owner: 'Dula Parkinson', ownerGroup: 'BLS-00564', accessGroups: ['bl832', 'BLS-00564'], contactEmail: 'dyparkinson@lbl.gov', principalInvestigator: 'D. Parkinson', proposalId: 'BLS-00564' };
  const job = (kind: string): JobOutcome => ({
    hpc: 'alcf', kind, jobId: 't-1', jobName: `splash_${kind}_x`, state: 'success', exitCode: '0', ok: true, reused: false, reason: undefined, timeline: [], elapsedSeconds: 600.5,
    walltimeSeconds: 1800, outputs: [], results: [], centre: kind === 'reconstruct' ? '1196.5' : undefined, status: { ok: true, slices_written: 4500, ...(kind === 'multires' ? { levels: 5 } : {}) }, software: [], stderrTail: '', logs: [],
  });
  const files = Array.from({ length: 4500 }, (_, i) => ({ path: `recscan1/scan1_${String(i).padStart(5, '0')}.tiff`, size: 1000 + i, time: '2026-05-01T00:00:00.000Z' }));
  const requests = derivedRequests({
    raw, technique: 'tomography', hpc: 'alcf', jobs: [job('reconstruct'), job('multires')], options: { centre: 1196.5, slices: { start: 0, end: 4500 } },
    sourceFolder: '/data/scratch/globus_share/BLS-00564', sourceFolderHost: 'data832.lbl.gov', datasetName: 'recscan1', files,
    thumbnail: { png: Buffer.from('\x89PNG\r\n\x1a\n'), of: 'scan1_02249.tiff' }, creationTime: '2026-05-01T00:10:00.000Z', software: ['ghcr.io/als-computing/microct:master'],
  });

  it('links to the raw dataset, names what made it and how, and keeps the backend\'s rules (the project\'s and the contract\'s)', () => {
    expect(requests.dataset).toMatchObject({
      type: 'derived', inputDatasets: [raw.pid], investigator: 'D. Parkinson', owner: raw.owner, ownerGroup: 'BLS-00564', accessGroups: ['bl832', 'BLS-00564'], proposalId: 'BLS-00564',
      usedSoftware: ['ghcr.io/als-computing/microct:master'], jobParameters: { hpc: 'alcf', centre: '1196.5', options: { centre: 1196.5 } }, scientificMetadata: { reconstruction: { slices: 4500, levels: 5, centre: '1196.5' } },
    });
    expect(derivedRequestIssues(requests)).toEqual([]);
    expect(contractIssues('derivedDataset', requests.dataset)).toEqual([]);
    for (const b of requests.origDatablocks) expect(contractIssues('origDatablock', b)).toEqual([]);
    expect(contractIssues('attachment', requests.attachment)).toEqual([]);
  });

  it('the file list goes in blocks, each with its own total size, all files once', () => {
    expect(requests.origDatablocks.map((b) => b.dataFileList.length)).toEqual([FILES_PER_BLOCK, FILES_PER_BLOCK, 4500 - 2 * FILES_PER_BLOCK]);
    expect(requests.origDatablocks.reduce((n, b) => n + b.size, 0)).toBe(files.reduce((n, f) => n + f.size, 0));
  });

  it('what the backend would refuse is found before anything is sent', () => {
    const bad = { ...requests, dataset: { ...requests.dataset, contactEmail: 'Unknown', inputDatasets: [] } };
    expect(derivedRequestIssues(bad)).toEqual(['derived dataset: contactEmail: must be an email address or a ";"-separated list of them', 'derived dataset: inputDatasets: must name the dataset(s) it was derived from']);
  });

  it('the results\' common folder', () => {
    expect(commonParent([gatePath('p/recs'), gatePath('p/recs.zarr')])).toBe('p');
    expect(commonParent([gatePath('a/b/x.h5')])).toBe('a/b');
    expect(commonParent([gatePath('x.h5')])).toBe('');
  });
});
