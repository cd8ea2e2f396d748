/**
 * Names a job is found by. A re-run must find the job an earlier run submitted for the same scan, kind and
 * options — and never take another scan's job, or the same scan's job with other options, for its own — so
 * the name carries a readable part of the scan and a hash of everything that makes the job what it is.
 */
import { createHash } from 'node:crypto';

/** Stable JSON (keys sorted at every level): equal options give equal text. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return value === undefined ? 'null' : JSON.stringify(value);
}

/**
 * The scan part of a job name (`splash_<kind>_<scan>_<hash>`), or undefined for a name not made here. Jobs of
 * one scan — any kind, any options — write the same folders.
 */
export function scanOfJobName(name: string): string | undefined {
  return /^splash_[a-z0-9]+_(.+)_[0-9a-f]{12}$/.exec(name)?.[1];
}

/** `splash_<kind>_<readable part of the scan>_<12 hex>`: letters, digits, `_ . -` only (safe in #SBATCH and squeue filters). */
export function jobName(kind: string, readable: string, identity: unknown): string {
  const hash = createHash('sha256').update(stableJson(identity)).digest('hex').slice(0, 12);
  const slug = readable.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+/, '').slice(0, 40) || 'scan';
  return `splash_${kind}_${slug}_${hash}`;
}
