// A thumbnail of a Data Exchange scan for its SciCat attachment: the first projection of /exchange/data
// (read alone with a slice, never the whole stack), box-averaged down to fit maxSize, contrast-stretched from
// the 1st–99th percentile to 0–255, as an 8-bit grayscale PNG.
import type { OutputData } from 'h5wasm/node';
import { getEntity, isDataset, withHdf5File } from './hdf5-open.js';
import { H5T } from './hdf5-values.js';
import { encodeGrayPng } from './png.js';

export interface ThumbnailOptions {
  /** Longest side of the thumbnail, in pixels (default 256). */
  maxSize?: number;
}

export const PROJECTIONS_PATH = '/exchange/data';
/** Frames bigger than this many pixels are read with a stride (nearest sample) before averaging. */
const MAX_READ_PIXELS = 4 * 1024 * 1024;

interface Image {
  data: Float64Array;
  width: number;
  height: number;
}

/**
 * PNG of the first projection of /exchange/data, or undefined when the file has none (or it is not a numeric
 * 2-D/3-D dataset). Throws Hdf5ReadError when the file cannot be read as HDF5.
 */
export async function thumbnailFromDataExchange(path: string, opts: ThumbnailOptions = {}): Promise<Buffer | undefined> {
  const maxSize = Math.max(1, Math.floor(opts.maxSize ?? 256));
  const frame = await withHdf5File(path, (file): Image | undefined => {
    const ds = getEntity(file, PROJECTIONS_PATH);
    if (!isDataset(ds)) return undefined;
    const type = ds.metadata.type;
    if (type !== H5T.INTEGER && type !== H5T.FLOAT) return undefined;
    const shape = ds.shape ?? [];
    const rows = shape.length === 3 ? shape[1] : shape.length === 2 ? shape[0] : undefined;
    const cols = shape.length === 3 ? shape[2] : shape.length === 2 ? shape[1] : undefined;
    if (rows === undefined || cols === undefined || rows === 0 || cols === 0 || shape[0] === 0) return undefined;
    // Very large frames: read every step-th pixel so no more than MAX_READ_PIXELS come into memory.
    const step = Math.max(1, Math.ceil(Math.sqrt((rows * cols) / MAX_READ_PIXELS)));
    const height = Math.ceil(rows / step);
    const width = Math.ceil(cols / step);
    const raw = shape.length === 3
      ? ds.slice([[0, 1], [0, rows, step], [0, cols, step]])
      : ds.slice([[0, rows, step], [0, cols, step]]);
    const data = toFloat(raw);
    if (data.length !== width * height) throw new Error(`${PROJECTIONS_PATH}: read ${data.length} values for a ${width}x${height} frame`);
    return { data, width, height };
  });
  if (frame === undefined) return undefined;
  const small = downsample(frame, maxSize);
  return encodeGrayPng(stretch(small.data), small.width, small.height);
}

function toFloat(raw: OutputData | null): Float64Array {
  if (raw === null) return new Float64Array(0);
  if (raw instanceof BigInt64Array || raw instanceof BigUint64Array) return Float64Array.from(raw, Number);
  if (ArrayBuffer.isView(raw) && !(raw instanceof DataView)) return Float64Array.from(raw as ArrayLike<number>);
  throw new Error(`${PROJECTIONS_PATH}: unexpected data type`);
}

/** Box-average to fit maxSize × maxSize (never enlarges). */
export function downsample(img: Image, maxSize: number): Image {
  const scale = Math.max(img.width, img.height) / maxSize;
  if (scale <= 1) return img;
  const width = Math.max(1, Math.round(img.width / scale));
  const height = Math.max(1, Math.round(img.height / scale));
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor((y * img.height) / height);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * img.height) / height));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor((x * img.width) / width);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * img.width) / width));
      let sum = 0;
      let count = 0;
      for (let yy = y0; yy < y1; yy++) {
        for (let xx = x0; xx < x1; xx++) {
          const v = img.data[yy * img.width + xx] ?? Number.NaN;
          if (Number.isFinite(v)) {
            sum += v;
            count++;
          }
        }
      }
      out[y * width + x] = count > 0 ? sum / count : Number.NaN;
    }
  }
  return { data: out, width, height };
}

/** 1st–99th percentile → 0–255 (min–max when the percentiles coincide); NaN → 0; a flat image is all 0. */
export function stretch(data: Float64Array): Uint8Array {
  const finite = data.filter((v) => Number.isFinite(v)).sort();
  const out = new Uint8Array(data.length);
  if (finite.length === 0) return out;
  const at = (q: number): number => finite[Math.min(finite.length - 1, Math.max(0, Math.round(q * (finite.length - 1))))] ?? 0;
  let lo = at(0.01);
  let hi = at(0.99);
  if (hi <= lo) {
    lo = finite[0] ?? 0;
    hi = finite[finite.length - 1] ?? 0;
  }
  if (hi <= lo) return out;
  const k = 255 / (hi - lo);
  for (let i = 0; i < data.length; i++) {
    const v = data[i] ?? Number.NaN;
    out[i] = Number.isFinite(v) ? Math.round(Math.min(255, Math.max(0, (v - lo) * k))) : 0;
  }
  return out;
}
