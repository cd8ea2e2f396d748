/**
 * A reader for the TIFF slices reconstructions write (tomopy/dxchange via tifffile, and the stand-ins): baseline
 * TIFF, one grayscale sample per pixel, uncompressed strips, 8/16/32/64-bit unsigned, signed or float, either
 * byte order. What it does not read (compression, tiles, colour, BigTIFF) it says, and the caller goes without
 * a thumbnail rather than guessing.
 */
import { readFile } from 'node:fs/promises';

export interface GrayImage {
  readonly width: number;
  readonly height: number;
  /** Row by row, as numbers (WhiteIsZero already inverted). */
  readonly data: Float64Array;
}

export class TiffUnsupported extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TiffUnsupported';
  }
}

/** Pixels beyond this are not read into memory (a 16k × 16k float slice). */
const MAX_PIXELS = 256 * 1024 * 1024;

const TYPE_SIZES: Record<number, number> = { 1: 1, 3: 2, 4: 4, 16: 8 };

export function decodeTiff(buf: Buffer): GrayImage {
  if (buf.length < 8) throw new TiffUnsupported('too short for a TIFF header');
  const order = buf.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') throw new TiffUnsupported('not a TIFF file');
  const le = order === 'II';
  const u16 = (o: number): number => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const magic = u16(2);
  if (magic === 43) throw new TiffUnsupported('BigTIFF is not read');
  if (magic !== 42) throw new TiffUnsupported('not a TIFF file');
  const ifd = u32(4);
  if (ifd + 2 > buf.length) throw new TiffUnsupported('the first IFD is past the end of the file');
  const count = u16(ifd);
  const tags = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > buf.length) throw new TiffUnsupported('truncated IFD');
    const tag = u16(e);
    const type = u16(e + 2);
    const n = u32(e + 4);
    const size = TYPE_SIZES[type];
    if (size === undefined) continue; // a type this reader never needs (ASCII, RATIONAL, …)
    const inline = size * n <= 4;
    const at = inline ? e + 8 : u32(e + 8);
    if (at + size * n > buf.length) throw new TiffUnsupported(`tag ${String(tag)} points past the end of the file`);
    const values: number[] = [];
    for (let k = 0; k < n; k++) {
      const o = at + k * size;
      values.push(size === 1 ? (buf[o] ?? 0) : size === 2 ? u16(o) : size === 4 ? u32(o) : Number(le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o)));
    }
    tags.set(tag, values);
  }
  const one = (tag: number, fallback?: number): number => {
    const v = tags.get(tag)?.[0] ?? fallback;
    if (v === undefined) throw new TiffUnsupported(`required tag ${String(tag)} is missing`);
    return v;
  };
  const width = one(256);
  const height = one(257);
  const bits = one(258, 1);
  const compression = one(259, 1);
  const photometric = one(262, 1);
  const samples = one(277, 1);
  const format = one(339, 1);
  if (compression !== 1) throw new TiffUnsupported(`compression ${String(compression)} is not read (uncompressed only)`);
  if (samples !== 1 || (photometric !== 0 && photometric !== 1)) throw new TiffUnsupported('only one-sample grayscale images are read');
  if (tags.has(322)) throw new TiffUnsupported('tiled images are not read');
  if (![8, 16, 32, 64].includes(bits) || (format === 3 && bits < 32) || ![1, 2, 3].includes(format)) throw new TiffUnsupported(`${String(bits)}-bit samples of format ${String(format)} are not read`);
  if (width < 1 || height < 1 || width * height > MAX_PIXELS) throw new TiffUnsupported(`a ${String(width)}×${String(height)} image is not read`);
  const offsets = tags.get(273) ?? [];
  const lengths = tags.get(279) ?? [];
  if (offsets.length === 0 || offsets.length !== lengths.length) throw new TiffUnsupported('strip offsets and byte counts do not match');
  const bytes = bits / 8;
  const need = width * height * bytes;
  const raw = Buffer.alloc(need);
  let filled = 0;
  for (let s = 0; s < offsets.length && filled < need; s++) {
    const at = offsets[s] ?? 0;
    const len = Math.min(lengths[s] ?? 0, need - filled);
    if (at + len > buf.length) throw new TiffUnsupported('a strip lies past the end of the file');
    buf.copy(raw, filled, at, at + len);
    filled += len;
  }
  if (filled < need) throw new TiffUnsupported(`the strips hold ${String(filled)} of ${String(need)} bytes`);
  const data = new Float64Array(width * height);
  const read = (o: number): number => {
    if (format === 3) return bits === 32 ? (le ? raw.readFloatLE(o) : raw.readFloatBE(o)) : le ? raw.readDoubleLE(o) : raw.readDoubleBE(o);
    if (bits === 8) return format === 2 ? raw.readInt8(o) : (raw[o] ?? 0);
    if (bits === 16) return format === 2 ? (le ? raw.readInt16LE(o) : raw.readInt16BE(o)) : le ? raw.readUInt16LE(o) : raw.readUInt16BE(o);
    if (bits === 32) return format === 2 ? (le ? raw.readInt32LE(o) : raw.readInt32BE(o)) : le ? raw.readUInt32LE(o) : raw.readUInt32BE(o);
    return Number(format === 2 ? (le ? raw.readBigInt64LE(o) : raw.readBigInt64BE(o)) : le ? raw.readBigUInt64LE(o) : raw.readBigUInt64BE(o));
  };
  for (let i = 0; i < data.length; i++) data[i] = read(i * bytes);
  if (photometric === 0) for (let i = 0; i < data.length; i++) data[i] = -(data[i] ?? 0);
  return { width, height, data };
}

export async function readTiff(path: string): Promise<GrayImage> {
  return decodeTiff(await readFile(path));
}
