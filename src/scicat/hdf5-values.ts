// Turning what h5wasm hands back into plain JS values: numbers, strings, booleans and small arrays of them.
// Strings arrive decoded already (fixed-length, variable-length, ASCII or UTF-8); bytes (opaque data, or
// short 8-bit integer arrays that hold text, as some writers store strings) become UTF-8 text; trailing NULs
// are trimmed; bigints become numbers; 1-element arrays become their element.
import type { Dataset, OutputData } from 'h5wasm/node';

export type Scalar = string | number | boolean;
export type Plain = Scalar | Scalar[] | null;

const TRAILING_NULS = /\0+$/u;
/** Whether text holds C0 control characters other than tab, newline and carriage return (or DEL). */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}

/** h5wasm's type class numbers (H5T_class_t). */
export const H5T = { INTEGER: 0, FLOAT: 1, STRING: 3, OPAQUE: 5, ENUM: 8 } as const;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as UTF-8 text with trailing NULs trimmed, or undefined when they are not text. */
export function bytesToText(bytes: Uint8Array): string | undefined {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  try {
    const text = utf8.decode(bytes.subarray(0, end));
    return hasControl(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

export function trimString(s: string): string {
  return s.replace(TRAILING_NULS, '');
}

function scalarOf(v: unknown): Scalar | null {
  if (typeof v === 'string') return trimString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  return null;
}

/** Whether a dataset is a string, opaque or integer/float/enum (the types this reader decodes). */
export function isReadableType(ds: Dataset): boolean {
  const t = ds.metadata.type;
  return t === H5T.INTEGER || t === H5T.FLOAT || t === H5T.STRING || t === H5T.OPAQUE || t === H5T.ENUM;
}

/** Number of elements of a dataset (1 for a scalar dataspace, 0 for a null one). */
export function elementCount(ds: Dataset): number {
  const shape = ds.shape;
  if (shape === null) return 0;
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * A decoded value for a small dataset's raw output. `byteText`: 8-bit integer arrays that read as text are
 * turned into text (only for arrays of 2+ bytes, so a lone uint8 number stays a number).
 */
export function plainValue(raw: OutputData | null, opts: { opaque?: boolean; byteText?: boolean } = {}): Plain {
  if (raw === null) return null;
  if (raw instanceof Uint8Array || raw instanceof Int8Array) {
    if (opts.opaque || (opts.byteText && raw.length >= 2)) {
      const text = bytesToText(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
      if (text !== undefined) return text;
    }
  }
  if (ArrayBuffer.isView(raw) || Array.isArray(raw)) {
    const items: Scalar[] = [];
    for (const v of flatten(raw)) {
      const s = scalarOf(v);
      if (s !== null) items.push(s);
    }
    if (items.length === 1) return items[0] ?? null;
    return items;
  }
  return scalarOf(raw);
}

function* flatten(raw: unknown): Generator {
  if (Array.isArray(raw)) {
    for (const v of raw as unknown[]) yield* flatten(v);
  } else if (ArrayBuffer.isView(raw) && !(raw instanceof DataView)) {
    yield* raw as unknown as Iterable<unknown>;
  } else {
    yield raw;
  }
}

/** Numbers in a raw slice (bigints converted; strings that parse as numbers kept, others dropped). */
export function numbersOf(raw: OutputData | null): number[] {
  const out: number[] = [];
  if (raw === null) return out;
  for (const v of flatten(raw)) {
    if (typeof v === 'number') out.push(v);
    else if (typeof v === 'bigint') out.push(Number(v));
    else if (typeof v === 'boolean') out.push(v ? 1 : 0);
    else if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) out.push(Number(v));
  }
  return out;
}

/** At most `k` evenly spaced indices in [0, n), the first and last included. */
export function sampleIndices(n: number, k: number): number[] {
  if (n <= 0 || k <= 0) return [];
  if (n <= k) return Array.from({ length: n }, (_, i) => i);
  if (k === 1) return [0];
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    const idx = Math.round((i * (n - 1)) / (k - 1));
    if (out[out.length - 1] !== idx) out.push(idx);
  }
  return out;
}
