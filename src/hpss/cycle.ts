/**
 * Beam cycles, the unit tape archives are bundled by (as the original system does): cycle 1 runs from
 * January 1 to July 15, cycle 2 from July 16 to December 31, both inclusive, in the facility's local time.
 * The zone is explicit (config `archive.time_zone`), so a runner in UTC files a scan taken on the evening
 * of July 15 in California into the same cycle as the beamline staff would.
 */
import { usageError } from '../errors.js';

export interface BeamCycle {
  readonly year: number;
  readonly cycle: 1 | 2;
}

/** "2026-1": the key in archive names (`<proposal>_2026-1.tar`) and what --cycle takes. */
export function cycleKey(c: BeamCycle): string {
  return `${String(c.year)}-${String(c.cycle)}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Calendar date of an instant in a zone. */
function localDate(ms: number, timeZone: string): { year: number; month: number; day: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' });
    formatters.set(timeZone, f);
  }
  const parts = f.formatToParts(new Date(ms));
  const part = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  return { year: part('year'), month: part('month'), day: part('day') };
}

export function cycleOf(ms: number, timeZone: string): BeamCycle {
  const { year, month, day } = localDate(ms, timeZone);
  return { year, cycle: month < 7 || (month === 7 && day <= 15) ? 1 : 2 };
}

/** The most recent cycle that has ended by `now`: what a scheduled archive run bundles. */
export function lastCompletedCycle(now: Date, timeZone: string): BeamCycle {
  const current = cycleOf(now.getTime(), timeZone);
  return current.cycle === 2 ? { year: current.year, cycle: 1 } : { year: current.year - 1, cycle: 2 };
}

export function sameCycle(a: BeamCycle, b: BeamCycle): boolean {
  return a.year === b.year && a.cycle === b.cycle;
}

export function compareCycles(a: BeamCycle, b: BeamCycle): number {
  return a.year - b.year || a.cycle - b.cycle;
}

/** `--cycle` / the action's `cycle` input: `last` (the default) or `YYYY-1` / `YYYY-2`. */
export function parseCycle(raw: string, field: string, now: Date, timeZone: string): BeamCycle {
  const text = raw.trim();
  const last = lastCompletedCycle(now, timeZone);
  if (text === '' || text === 'last') return last;
  const m = /^(\d{4})-([12])$/.exec(text);
  if (!m) throw usageError(`${field}: expected "last" or a beam cycle like 2026-1 (Jan 1 – Jul 15) or 2026-2 (Jul 16 – Dec 31), got ${JSON.stringify(raw)}`);
  const cycle: BeamCycle = { year: Number(m[1]), cycle: m[2] === '1' ? 1 : 2 };
  // An htar archive cannot be appended to: bundling a cycle before it ends would leave its later files out.
  if (compareCycles(cycle, last) > 0) {
    throw usageError(`${field}: beam cycle ${cycleKey(cycle)} has not ended yet (the last that has is ${cycleKey(last)})`, 'archive a cycle once it has ended');
  }
  return cycle;
}
