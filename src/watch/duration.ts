import { usageError } from '../errors.js';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `30m`, `6h`, `2d`, `500ms`, or a plain number of seconds → milliseconds. Usage error otherwise. */
export function parseDuration(raw: string, field: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(raw);
  const value = m?.[1];
  if (value === undefined) {
    throw usageError(`${field}: expected a duration like 90s, 30m, 6h or 2d, got ${JSON.stringify(raw)}`);
  }
  return Math.round(Number(value) * (UNITS[m?.[2] ?? 's'] ?? 1000));
}

/** 1500 → "1.5 s", 7_200_000 → "2 h": for log lines and summaries. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms)} ms`;
  if (abs < 120_000) return `${trim(ms / 1000)} s`;
  if (abs < 3_600_000) return `${trim(ms / 60_000)} min`;
  if (abs < 172_800_000) return `${trim(ms / 3_600_000)} h`;
  return `${trim(ms / 86_400_000)} d`;
}

const trim = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1).replace(/\.0$/, ''));
