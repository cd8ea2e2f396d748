/**
 * Reading step inputs the way the Actions runner passes them (INPUT_<NAME> variables), without loading
 * @actions/core: a bad input must fail in the time it takes Node to start, before anything heavy loads.
 * Only tiny modules (errors, secrets, beamline-id, failure) may be imported here.
 */
import { BEAMLINE_ID } from '../beamline-id.js';
import { describeError, usageError } from '../errors.js';
import { reportFailure } from './failure.js';

export function getInput(name: string, opts: { required?: boolean; fallback?: string } = {}): string {
  const value = (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
  if (value === '') {
    if (opts.required) throw usageError(`input "${name}" is required and was not given`, `add \`${name}:\` under \`with:\` in the workflow step`);
    return opts.fallback ?? '';
  }
  return value;
}

/** YAML 1.2 core-schema booleans, as @actions/core's getBooleanInput accepts them. */
export function parseBoolean(raw: string, field: string, fallback: boolean): boolean {
  if (raw === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(raw)) return true;
  if (['false', 'False', 'FALSE'].includes(raw)) return false;
  throw usageError(`${field}: expected true or false, got ${JSON.stringify(raw)}`);
}

/** A list of paths: a JSON array of strings, or one path per line (blank lines ignored). */
export function parsePathList(raw: string, field: string): string[] {
  const text = raw.trim();
  if (text === '') throw usageError(`${field}: no paths given`, 'pass one path per line or a JSON array of strings');
  if (text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw usageError(`${field}: looks like a JSON array but does not parse (${describeError(err)})`, 'pass one path per line or a valid JSON array of strings');
    }
    if (!Array.isArray(parsed) || parsed.length === 0) throw usageError(`${field}: expected a non-empty JSON array of strings`);
    return parsed.map((p: unknown, i) => {
      if (typeof p !== 'string') throw usageError(`${field}[${i}]: expected a string, got ${JSON.stringify(p)}`);
      return p;
    });
  }
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
}


export function parseBeamlineId(raw: string, field: string): string {
  if (!BEAMLINE_ID.test(raw)) throw usageError(`${field}: expected a beamline id like 8.3.2, got ${JSON.stringify(raw)}`);
  return raw;
}

/**
 * Run an action's main function. Whatever it throws becomes one `::error::` line and a failed step (exit 1),
 * written directly so even a failure before the step context exists is reported the runner's way.
 */
export async function actionEntry(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    reportFailure(err, 'runner');
    process.exitCode = 1;
  }
}
