/**
 * Small pure helpers shared by both renderings of a step's output. Binary units throughout: transfer
 * sizes are compared against filesystem quotas, which report GiB/TiB.
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;

/** Three significant-ish digits: "1.5 GiB", "12.3 MiB", "310 MiB", "812 B". */
function scaled(n: number, suffix = ''): string {
  if (!Number.isFinite(n)) return 'n/a';
  const sign = n < 0 ? '-' : '';
  let value = Math.abs(n);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${sign}${String(Math.round(value))} B${suffix}`;
  // Decide decimals on the rounded value so 99.96 prints "100", and 1023.96 KiB moves up to "1.0 MiB".
  let text = value < 99.95 ? value.toFixed(1) : value.toFixed(0);
  if (Number(text) >= 1024 && unit < UNITS.length - 1) {
    unit++;
    text = (value / 1024).toFixed(1);
  }
  return `${sign}${text} ${UNITS[unit] ?? '?'}${suffix}`;
}

/** "812 B", "1.5 GiB", "310 MiB". */
export function formatBytes(n: number): string {
  return scaled(n);
}

/** "310 MiB/s". */
export function formatRate(bytesPerSecond: number): string {
  return scaled(bytesPerSecond, '/s');
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** "850 ms", "6.1 s", "2m 05s", "1h 02m 05s", "3d 04h". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'n/a';
  if (seconds < 0) return `-${formatDuration(-seconds)}`;
  const ms = Math.round(seconds * 1000);
  if (ms < 1000) return `${String(ms)} ms`;
  // Round before choosing the form so 59.96 s becomes "1m 00s", not "60.0 s".
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

/** Percentage of a total, clamped to 0–100; undefined when the total is unknown. */
export function percentOf(done: number, total: number): number | undefined {
  if (!(total > 0)) return undefined;
  return Math.min(100, Math.max(0, (done / total) * 100));
}

/**
 * The pieces of a progress report, shared so the runner log and the terminal say the same thing:
 * "1.2 GiB / 2.0 GiB (60%), 310 MiB/s, ETA 2.6 s". The rate is the average since start: steadier
 * than an instantaneous one on bursty network copies, and the ETA follows it.
 */
export function describeProgress(done: number, total: number, elapsedSeconds: number): string {
  const parts: string[] = [];
  const pct = percentOf(done, total);
  parts.push(pct === undefined ? formatBytes(done) : `${formatBytes(done)} / ${formatBytes(total)} (${String(Math.floor(pct))}%)`);
  if (elapsedSeconds > 0 && done > 0) {
    const rate = done / elapsedSeconds;
    parts.push(formatRate(rate));
    if (pct !== undefined && done < total) parts.push(`ETA ${formatDuration((total - done) / rate)}`);
  }
  return parts.join(', ');
}

/** "2.0 GiB in 6.1 s (335 MiB/s)"; "1.0 GiB of 2.0 GiB in …" when finished short of the total. */
export function describeDone(done: number, total: number, elapsedSeconds: number): string {
  const amount = total > 0 && done < total ? `${formatBytes(done)} of ${formatBytes(total)}` : formatBytes(done);
  const rate = elapsedSeconds > 0 && done > 0 ? ` (${formatRate(done / elapsedSeconds)})` : '';
  return `${amount} in ${formatDuration(Math.max(0, elapsedSeconds))}${rate}`;
}

/** Replace every occurrence of every secret with `***`; longest first so a secret containing another is fully hidden. */
export function maskSecrets(text: string, secrets: Iterable<string>): string {
  const list = [...secrets].filter((s) => s !== '').sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of list) out = out.split(secret).join('***');
  return out;
}
