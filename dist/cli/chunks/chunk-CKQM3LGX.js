#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  usageError
} from "./chunk-4VXUNQHW.js";

// src/watch/duration.ts
var UNITS = { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5 };
function parseDuration(raw, field) {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(raw);
  const value = m?.[1];
  if (value === void 0) {
    throw usageError(`${field}: expected a duration like 90s, 30m, 6h or 2d, got ${JSON.stringify(raw)}`);
  }
  return Math.round(Number(value) * (UNITS[m?.[2] ?? "s"] ?? 1e3));
}
function formatDuration(ms) {
  const abs = Math.abs(ms);
  if (abs < 1e3) return `${Math.round(ms)} ms`;
  if (abs < 12e4) return `${trim(ms / 1e3)} s`;
  if (abs < 36e5) return `${trim(ms / 6e4)} min`;
  if (abs < 1728e5) return `${trim(ms / 36e5)} h`;
  return `${trim(ms / 864e5)} d`;
}
var trim = (n) => Number.isInteger(n) ? String(n) : n.toFixed(1).replace(/\.0$/, "");

export {
  parseDuration,
  formatDuration
};
