import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  H5T,
  getEntity,
  isDataset,
  withHdf5File
} from "./chunk-ETLYTRTN.js";

// src/scicat/png.ts
import { deflateSync } from "node:zlib";
var CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 3988292384 ^ c >>> 1 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();
function crc32(...parts) {
  let c = 4294967295;
  for (const buf of parts) {
    for (const byte of buf) c = (CRC_TABLE[(c ^ byte) & 255] ?? 0) ^ c >>> 8;
  }
  return (c ^ 4294967295) >>> 0;
}
var PNG_SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(head.subarray(4), data), 0);
  return Buffer.concat([head, data, crc]);
}
function encodeGrayPng(pixels, width, height) {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`PNG size must be positive integers, got ${width}x${height}`);
  }
  if (pixels.length !== width * height) throw new RangeError(`expected ${width * height} pixels, got ${pixels.length}`);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 0;
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0;
    raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  }
  return Buffer.concat([PNG_SIGNATURE, chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

// src/scicat/thumbnail.ts
var PROJECTIONS_PATH = "/exchange/data";
var MAX_READ_PIXELS = 4 * 1024 * 1024;
async function thumbnailFromDataExchange(path, opts = {}) {
  const maxSize = Math.max(1, Math.floor(opts.maxSize ?? 256));
  const frame = await withHdf5File(path, (file) => {
    const ds = getEntity(file, PROJECTIONS_PATH);
    if (!isDataset(ds)) return void 0;
    const type = ds.metadata.type;
    if (type !== H5T.INTEGER && type !== H5T.FLOAT) return void 0;
    const shape = ds.shape ?? [];
    const rows = shape.length === 3 ? shape[1] : shape.length === 2 ? shape[0] : void 0;
    const cols = shape.length === 3 ? shape[2] : shape.length === 2 ? shape[1] : void 0;
    if (rows === void 0 || cols === void 0 || rows === 0 || cols === 0 || shape[0] === 0) return void 0;
    const step = Math.max(1, Math.ceil(Math.sqrt(rows * cols / MAX_READ_PIXELS)));
    const height = Math.ceil(rows / step);
    const width = Math.ceil(cols / step);
    const raw = shape.length === 3 ? ds.slice([[0, 1], [0, rows, step], [0, cols, step]]) : ds.slice([[0, rows, step], [0, cols, step]]);
    const data = toFloat(raw);
    if (data.length !== width * height) throw new Error(`${PROJECTIONS_PATH}: read ${data.length} values for a ${width}x${height} frame`);
    return { data, width, height };
  });
  if (frame === void 0) return void 0;
  const small = downsample(frame, maxSize);
  return encodeGrayPng(stretch(small.data), small.width, small.height);
}
function toFloat(raw) {
  if (raw === null) return new Float64Array(0);
  if (raw instanceof BigInt64Array || raw instanceof BigUint64Array) return Float64Array.from(raw, Number);
  if (ArrayBuffer.isView(raw) && !(raw instanceof DataView)) return Float64Array.from(raw);
  throw new Error(`${PROJECTIONS_PATH}: unexpected data type`);
}
function downsample(img, maxSize) {
  const scale = Math.max(img.width, img.height) / maxSize;
  if (scale <= 1) return img;
  const width = Math.max(1, Math.round(img.width / scale));
  const height = Math.max(1, Math.round(img.height / scale));
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor(y * img.height / height);
    const y1 = Math.max(y0 + 1, Math.floor((y + 1) * img.height / height));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor(x * img.width / width);
      const x1 = Math.max(x0 + 1, Math.floor((x + 1) * img.width / width));
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
function stretch(data) {
  const finite = data.filter((v) => Number.isFinite(v)).sort();
  const out = new Uint8Array(data.length);
  if (finite.length === 0) return out;
  const at = (q) => finite[Math.min(finite.length - 1, Math.max(0, Math.round(q * (finite.length - 1))))] ?? 0;
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

export {
  encodeGrayPng,
  PROJECTIONS_PATH,
  thumbnailFromDataExchange,
  downsample,
  stretch
};
