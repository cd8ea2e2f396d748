#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  hdf5_hl_default
} from "./chunk-UWJMCAUU.js";
import {
  SplashError
} from "./chunk-4VXUNQHW.js";

// src/scicat/hdf5-open.ts
import { closeSync, openSync, readSync, statSync } from "node:fs";
var Hdf5ReadError = class extends SplashError {
  path;
  reason;
  constructor(path, reason, message, cause) {
    super("step", message, hint(reason));
    this.name = "Hdf5ReadError";
    this.path = path;
    this.reason = reason;
    if (cause !== void 0) this.cause = cause;
  }
};
function hint(reason) {
  switch (reason) {
    case "not-found":
      return "check the path; the file may have been moved or not yet written";
    case "not-hdf5":
      return "only HDF5 (Data Exchange) files carry scan metadata; ingest this file with the generic file ingestor";
    case "truncated":
      return "the copy may be incomplete: compare its size with the source and copy it again";
    case "unreadable":
      return "the file may be damaged or still being written";
  }
}
var SIGNATURE = Buffer.from([137, 72, 68, 70, 13, 10, 26, 10]);
function messageOf(err) {
  if (err instanceof Error) return err.message;
  return typeof err === "string" ? err : JSON.stringify(err);
}
function checkSignature(path) {
  let size;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Hdf5ReadError(path, "not-found", `${path} is not a regular file`);
    size = st.size;
  } catch (err) {
    if (err instanceof Hdf5ReadError) throw err;
    throw new Hdf5ReadError(path, "not-found", `cannot read ${path}: ${messageOf(err)}`, err);
  }
  if (size < SIGNATURE.length) throw new Hdf5ReadError(path, "not-hdf5", `${path} is not an HDF5 file (${size} bytes, too small)`);
  let fd;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    throw new Hdf5ReadError(path, "unreadable", `cannot open ${path}: ${messageOf(err)}`, err);
  }
  try {
    const buf = Buffer.alloc(SIGNATURE.length);
    for (let offset = 0; offset + SIGNATURE.length <= size; offset = offset === 0 ? 512 : offset * 2) {
      if (readSync(fd, buf, 0, SIGNATURE.length, offset) === SIGNATURE.length && buf.equals(SIGNATURE)) return;
    }
  } finally {
    closeSync(fd);
  }
  throw new Hdf5ReadError(path, "not-hdf5", `${path} is not an HDF5 file (no HDF5 signature)`);
}
async function withHdf5File(path, fn) {
  await hdf5_hl_default.ready;
  checkSignature(path);
  let file;
  try {
    file = new hdf5_hl_default.File(path, "r");
  } catch (err) {
    throw new Hdf5ReadError(path, "unreadable", `cannot open ${path} as HDF5: ${messageOf(err)}`, err);
  }
  if (file.file_id < 0n) {
    throw new Hdf5ReadError(path, "truncated", `${path} is truncated or damaged: HDF5 could not open it although it has an HDF5 signature`);
  }
  try {
    return fn(file);
  } catch (err) {
    if (err instanceof Hdf5ReadError) throw err;
    throw new Hdf5ReadError(path, "unreadable", `cannot read ${path}: ${messageOf(err)} (the file may be truncated or damaged)`, err);
  } finally {
    try {
      file.close();
    } catch {
    }
  }
}
function isDataset(e) {
  return e instanceof hdf5_hl_default.Dataset;
}
function isGroup(e) {
  return e instanceof hdf5_hl_default.Group;
}
function getEntity(file, path) {
  try {
    return file.get(path);
  } catch {
    return null;
  }
}

// src/scicat/hdf5-values.ts
var TRAILING_NULS = /\0+$/u;
function hasControl(text) {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 || c === 127) return true;
  }
  return false;
}
var H5T = { INTEGER: 0, FLOAT: 1, STRING: 3, OPAQUE: 5, ENUM: 8 };
var utf8 = new TextDecoder("utf-8", { fatal: true });
function bytesToText(bytes) {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  try {
    const text = utf8.decode(bytes.subarray(0, end));
    return hasControl(text) ? void 0 : text;
  } catch {
    return void 0;
  }
}
function trimString(s) {
  return s.replace(TRAILING_NULS, "");
}
function scalarOf(v) {
  if (typeof v === "string") return trimString(v);
  if (typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return Number(v);
  return null;
}
function isReadableType(ds) {
  const t = ds.metadata.type;
  return t === H5T.INTEGER || t === H5T.FLOAT || t === H5T.STRING || t === H5T.OPAQUE || t === H5T.ENUM;
}
function elementCount(ds) {
  const shape = ds.shape;
  if (shape === null) return 0;
  return shape.reduce((a, b) => a * b, 1);
}
function plainValue(raw, opts = {}) {
  if (raw === null) return null;
  if (raw instanceof Uint8Array || raw instanceof Int8Array) {
    if (opts.opaque || opts.byteText && raw.length >= 2) {
      const text = bytesToText(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
      if (text !== void 0) return text;
    }
  }
  if (ArrayBuffer.isView(raw) || Array.isArray(raw)) {
    const items = [];
    for (const v of flatten(raw)) {
      const s = scalarOf(v);
      if (s !== null) items.push(s);
    }
    if (items.length === 1) return items[0] ?? null;
    return items;
  }
  return scalarOf(raw);
}
function* flatten(raw) {
  if (Array.isArray(raw)) {
    for (const v of raw) yield* flatten(v);
  } else if (ArrayBuffer.isView(raw) && !(raw instanceof DataView)) {
    yield* raw;
  } else {
    yield raw;
  }
}
function numbersOf(raw) {
  const out = [];
  if (raw === null) return out;
  for (const v of flatten(raw)) {
    if (typeof v === "number") out.push(v);
    else if (typeof v === "bigint") out.push(Number(v));
    else if (typeof v === "boolean") out.push(v ? 1 : 0);
    else if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) out.push(Number(v));
  }
  return out;
}
function sampleIndices(n, k) {
  if (n <= 0 || k <= 0) return [];
  if (n <= k) return Array.from({ length: n }, (_, i) => i);
  if (k === 1) return [0];
  const out = [];
  for (let i = 0; i < k; i++) {
    const idx = Math.round(i * (n - 1) / (k - 1));
    if (out[out.length - 1] !== idx) out.push(idx);
  }
  return out;
}

export {
  Hdf5ReadError,
  messageOf,
  withHdf5File,
  isDataset,
  isGroup,
  getEntity,
  H5T,
  isReadableType,
  elementCount,
  plainValue,
  numbersOf,
  sampleIndices
};
