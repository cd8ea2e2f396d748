import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);

// src/run/format.ts
var UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
function scaled(n, suffix = "") {
  if (!Number.isFinite(n)) return "n/a";
  const sign = n < 0 ? "-" : "";
  let value = Math.abs(n);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${sign}${String(Math.round(value))} B${suffix}`;
  let text = value < 99.95 ? value.toFixed(1) : value.toFixed(0);
  if (Number(text) >= 1024 && unit < UNITS.length - 1) {
    unit++;
    text = (value / 1024).toFixed(1);
  }
  return `${sign}${text} ${UNITS[unit] ?? "?"}${suffix}`;
}
function formatBytes(n) {
  return scaled(n);
}
function formatRate(bytesPerSecond) {
  return scaled(bytesPerSecond, "/s");
}
var pad2 = (n) => String(n).padStart(2, "0");
function formatDuration(seconds) {
  if (!Number.isFinite(seconds)) return "n/a";
  if (seconds < 0) return `-${formatDuration(-seconds)}`;
  const ms = Math.round(seconds * 1e3);
  if (ms < 1e3) return `${String(ms)} ms`;
  const tenths = Math.round(seconds * 10) / 10;
  if (tenths < 60) return `${tenths.toFixed(1)} s`;
  const whole = Math.round(seconds);
  const s = whole % 60;
  const m = Math.floor(whole / 60) % 60;
  const h = Math.floor(whole / 3600) % 24;
  const d = Math.floor(whole / 86400);
  if (d > 0) return `${String(d)}d ${pad2(h)}h`;
  if (h > 0) return `${String(h)}h ${pad2(m)}m ${pad2(s)}s`;
  return `${String(m)}m ${pad2(s)}s`;
}
function percentOf(done, total) {
  if (!(total > 0)) return void 0;
  return Math.min(100, Math.max(0, done / total * 100));
}
function describeProgress(done, total, elapsedSeconds) {
  const parts = [];
  const pct = percentOf(done, total);
  parts.push(pct === void 0 ? formatBytes(done) : `${formatBytes(done)} / ${formatBytes(total)} (${String(Math.floor(pct))}%)`);
  if (elapsedSeconds > 0 && done > 0) {
    const rate = done / elapsedSeconds;
    parts.push(formatRate(rate));
    if (pct !== void 0 && done < total) parts.push(`ETA ${formatDuration((total - done) / rate)}`);
  }
  return parts.join(", ");
}
function describeDone(done, total, elapsedSeconds) {
  const amount = total > 0 && done < total ? `${formatBytes(done)} of ${formatBytes(total)}` : formatBytes(done);
  const rate = elapsedSeconds > 0 && done > 0 ? ` (${formatRate(done / elapsedSeconds)})` : "";
  return `${amount} in ${formatDuration(Math.max(0, elapsedSeconds))}${rate}`;
}
function maskSecrets(text, secrets) {
  const list = [...secrets].filter((s) => s !== "").sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of list) out = out.split(secret).join("***");
  return out;
}

export {
  formatBytes,
  formatRate,
  formatDuration,
  percentOf,
  describeProgress,
  describeDone,
  maskSecrets
};
