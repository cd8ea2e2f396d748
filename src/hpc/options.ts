/**
 * Recon options: a beamline's defaults from config.yml, overridden per scan by the `recon-options` input
 * (JSON), validated with the beamline's zod schema. A mistake names the field and is a usage error (exit 2).
 */
import type * as z from 'zod';
import { usageError } from '../errors.js';

export function parseReconOptions<S extends z.ZodType>(schema: S, defaults: Readonly<Record<string, unknown>>, raw: string, field: string): z.output<S> {
  let given: unknown = {};
  if (raw.trim() !== '') {
    try {
      given = JSON.parse(raw);
    } catch (err) {
      throw usageError(`${field}: not valid JSON (${err instanceof Error ? err.message : String(err)})`, 'pass a JSON object, e.g. {"centre": 1196.5, "algorithm": "gridrec"}');
    }
    if (given === null || typeof given !== 'object' || Array.isArray(given)) throw usageError(`${field}: expected a JSON object, got ${JSON.stringify(given)}`);
  }
  const merged = { ...defaults, ...(given as Record<string, unknown>) };
  const r = schema.safeParse(merged);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => {
    const path = i.path.map(String).join('.');
    const fromDefaults = i.path.length > 0 && !(String(i.path[0]) in (given as Record<string, unknown>)) && String(i.path[0]) in defaults;
    return `${fromDefaults ? 'recon.defaults' : field}${path ? `.${path}` : ''}: ${i.message}`;
  });
  throw usageError(lines.join('; '), 'see docs/recon.md for the options each beamline takes');
}
