/**
 * Every problem in config.yml becomes one line `<source>:<line>:<col> <key path>: expected …, got …`, so a
 * person (or an editor, or a GitHub problem matcher) can jump to it. All problems are collected and reported
 * at once: fixing a config one error per CI run is slow.
 */
import { safeJson } from '../text.js';
import type * as z from 'zod';
import { configError, type SplashError } from '../errors.js';
import { isSecretPath } from './env.js';
import { formatKeyPath, type KeyPath } from './key-path.js';
import type { SourcePositions } from './yaml-tree.js';
import { isRecord } from '../is-record.js';

export interface Issue {
  /** Where the problem is; undefined for YAML syntax errors, which have only a position. */
  readonly path: KeyPath | undefined;
  /** Character offset in the file; when absent the key path (or its nearest parent) gives the position. */
  readonly offset?: number | undefined;
  /** Everything after `<key path>: `, e.g. `expected a number >= 0, got "ten"`. */
  readonly text: string;
  /** What to do about it, when it differs from the general hint. */
  readonly hint?: string | undefined;
  /** The value itself could not be read (unset ${VAR}, bad alias): schema problems with it are not repeated. */
  readonly unreadable?: boolean;
}

export const CONFIG_HINT = 'docs/config.md describes every section and key of config.yml';

const MAX_VALUE_CHARS = 80;

/** The `got …` part: JSON of the value as it was in the file, shortened so one bad section stays one line. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the key is missing)';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text = safeJson(value);
  } catch {
    text = '(a value that cannot be shown)';
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/**
 * The `got …` part for the value at `path`: as describeValue, but a value at or below a secret key (a
 * password YAML read as a number, a secret put in a list) is described by its kind only, never shown.
 */
export function describeValueAt(path: KeyPath, value: unknown): string {
  if (value === undefined || !isSecretPath(path)) return describeValue(value);
  const kind = value === null ? 'nothing' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping' : TYPE_PHRASES[typeof value] ?? 'a value';
  return `${kind} (not shown: the value of a secret)`;
}

const quote = (v: unknown): string => (typeof v === 'string' ? safeJson(v) : String(v));

export function oneOf(values: readonly unknown[]): string {
  return values.length === 1 ? quote(values[0]) : `one of ${values.map(quote).join(', ')}`;
}

const TYPE_PHRASES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
  array: 'a list',
  null: 'nothing',
};

/**
 * The per-parse zod error map: turns an issue into the "expected …" phrase (without "expected"). Schema
 * fields with a better phrase of their own (`after_days: a number >= 0`) override it, as zod gives
 * schema-level errors precedence.
 */
export const expectedPhrase: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_PHRASES[issue.expected] ?? `a value of type ${issue.expected}`;
    case 'too_small': {
      const min = String(issue.minimum);
      if (issue.origin === 'string') return issue.minimum === 1 ? 'a non-empty string' : `a string of at least ${min} characters`;
      if (issue.origin === 'array') return `a list of at least ${min} item${issue.minimum === 1 ? '' : 's'}`;
      return `a number ${issue.inclusive === false ? '>' : '>='} ${min}`;
    }
    case 'too_big': {
      const max = String(issue.maximum);
      if (issue.origin === 'string') return `a string of at most ${max} characters`;
      if (issue.origin === 'array') return `a list of at most ${max} items`;
      return `a number ${issue.inclusive === false ? '<' : '<='} ${max}`;
    }
    case 'invalid_format':
      if (issue.format === 'guid' || issue.format === 'uuid') return 'a UUID like 44ae904c-ab64-4145-a8f0-7287de38324d';
      if (issue.format === 'regex' && issue.pattern !== undefined) return `a string matching ${issue.pattern}`;
      return `a valid ${issue.format}`;
    case 'not_multiple_of':
      return `a multiple of ${issue.divisor}`;
    case 'invalid_value':
      return oneOf(issue.values);
    case 'invalid_union':
      if (issue.discriminator !== undefined && Array.isArray(issue.options)) return oneOf(issue.options);
      return 'a value in one of the accepted forms';
    case 'unrecognized_keys':
      return 'only the documented keys';
    case 'invalid_key':
      return 'a valid key';
    case 'invalid_element':
      return 'a valid element';
    case 'custom':
      return issue.message ?? 'a valid value';
  }
};

/** Zod issues → positioned issues. `prefix` is where the validated value sits in the file. */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[], prefix: KeyPath, positions: SourcePositions): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    const path: KeyPath = [...prefix, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))];
    switch (issue.code) {
      case 'unrecognized_keys':
        // One line per key, at the key itself; the message lists what is accepted.
        for (const key of issue.keys) {
          const keyPath = [...path, key];
          out.push({ path: keyPath, offset: positions.keyOffset(keyPath), text: `unknown key ${JSON.stringify(key)}; expected one of ${issue.message}` });
        }
        break;
      case 'invalid_key':
        out.push({ path, offset: positions.keyOffset(path), text: `expected ${issue.issues[0]?.message ?? issue.message}, got ${describeValueAt(path, issue.input)}` });
        break;
      case 'invalid_union': {
        // A bad discriminator: zod already points the path at `type`; show that value, not the whole mapping.
        const input = issue.discriminator !== undefined && isRecord(issue.input) ? issue.input[issue.discriminator] : issue.input;
        out.push({ path, text: `expected ${issue.message}, got ${describeValueAt(path, input)}` });
        break;
      }
      default:
        out.push({ path, text: `expected ${issue.message}, got ${describeValueAt(path, issue.input)}` });
    }
  }
  return out;
}

/** Sort by position, drop repeats, and throw one config error holding every line. */
export function issuesError(
  source: string,
  issues: readonly Issue[],
  positions: SourcePositions | undefined,
  secrets: ReadonlySet<string> = new Set(),
): SplashError {
  const mask = (line: string): string => [...secrets].reduce((l, secret) => l.split(secret).join('***'), line);
  const lines = issues
    .map((issue, index) => {
      const offset = issue.offset ?? (issue.path && positions ? positions.valueOffset(issue.path) : undefined);
      const where = positions ? positions.format(offset) : source;
      const line = issue.path ? `${where} ${formatKeyPath(issue.path)}: ${issue.text}` : `${where} ${issue.text}`;
      return { line: mask(line), offset: offset ?? -1, index };
    })
    .sort((a, b) => a.offset - b.offset || a.index - b.index)
    .map((entry) => entry.line)
    .filter((line, index, all) => all.indexOf(line) === index);
  const hints = [...new Set(issues.map((issue) => issue.hint).filter((hint): hint is string => hint !== undefined))];
  const hint = hints.length > 0 ? `${hints.join('; ')} (see docs/config.md)` : CONFIG_HINT;
  const message = lines.length === 1 ? lines.join('') : `${source} has ${lines.length} errors:\n${lines.join('\n')}`;
  return configError(message, hint);
}
