/**
 * docs/reference/config.md, generated from the zod schema (src/config/schema.ts): every key with its type,
 * default, the comment the schema gives it, an example from the shipped config files, and the error
 * `splash config check` prints for a wrong value — produced by loading a config with such a value through the
 * real loader, so the page shows exactly what a person will see.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type * as z from 'zod';
import { parseConfig } from '../../src/config/index.js';
import * as schema from '../../src/config/schema.js';
import { readSchemaComments, type SchemaComments } from './schema-comments.js';

type Schema = z.core.$ZodType;
interface Def {
  type: string;
  innerType?: Schema;
  defaultValue?: unknown;
  shape?: Record<string, Schema>;
  element?: Schema;
  keyType?: Schema;
  valueType?: Schema;
  options?: Schema[];
  in?: Schema;
  out?: Schema;
  entries?: Record<string, string>;
  values?: unknown[];
  checks?: { _zod: { def: { check: string; value?: unknown; inclusive?: boolean; format?: string; pattern?: RegExp } } }[];
  discriminator?: string;
  format?: string;
}
const defOf = (s: Schema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** A segment of a key path: a fixed key, a placeholder for a mapping's keys, or a list's items. */
type Segment = { kind: 'key'; name: string } | { kind: 'any'; label: string; sample: string } | { kind: 'item' };

export interface KeyRow {
  readonly section: string;
  readonly path: readonly Segment[];
  readonly type: string;
  readonly required: boolean;
  readonly default: string;
  readonly description: string;
  readonly example: string;
  readonly error: string;
  /** Fixed values a fixture needs beside this key (a discriminated union's `type`)… */
  readonly siblings: Readonly<Record<string, unknown>>;
  /** …in the mapping at this index of [section, ...path]. */
  readonly siblingsAt: number;
  readonly bad: readonly unknown[];
}

const display = (segments: readonly Segment[]): string =>
  segments.map((s, i) => (s.kind === 'item' ? '[]' : `${i === 0 ? '' : '.'}${s.kind === 'key' ? s.name : s.label}`)).join('');

const SECTIONS: readonly { key: string; label: string; schema: Schema }[] = [
  { key: 'endpoints', label: 'endpoints', schema: schema.SectionsSchema.shape.endpoints },
  { key: 'beamlines', label: 'beamlines', schema: schema.SectionsSchema.shape.beamlines },
  { key: 'globus', label: 'globus', schema: schema.SectionsSchema.shape.globus },
  { key: 'github', label: 'github', schema: schema.SectionsSchema.shape.github },
  { key: 'sfapi', label: 'sfapi', schema: schema.SectionsSchema.shape.sfapi },
  { key: 'scicat', label: 'scicat', schema: schema.SectionsSchema.shape.scicat },
  { key: 'hpss_alsdev', label: 'hpss_<name>', schema: schema.LegacyHpssEndpointSchema },
  { key: 'ghcr_images832', label: 'ghcr_images<suffix>', schema: schema.ImagesSchema },
];

/** Names of the exported schemas, so a comment can be found by the const a runtime schema came from. */
const names = new Map<unknown, string>(Object.entries(schema as Record<string, unknown>).filter(([, v]) => typeof v === 'object' && v !== null && '_zod' in v).map(([k, v]) => [v, k]));

function describeType(s: Schema): string {
  const d = defOf(s);
  switch (d.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
      return d.innerType ? describeType(d.innerType) : '?';
    case 'pipe':
      return d.in ? describeType(d.in) : '?';
    case 'string': {
      const fmt = d.format ?? d.checks?.map((c) => c._zod.def.format).find((f) => f !== undefined);
      if (fmt === 'guid' || fmt === 'uuid') return 'UUID';
      return 'string';
    }
    case 'number': {
      const int = d.checks?.some((c) => c._zod.def.format === 'safeint' || c._zod.def.check === 'number_format');
      const bounds = (d.checks ?? []).flatMap((c) => {
        const cd = c._zod.def;
        if (cd.check === 'greater_than') return [`${cd.inclusive ? '≥' : '>'} ${String(cd.value)}`];
        if (cd.check === 'less_than') return [`${cd.inclusive ? '≤' : '<'} ${String(cd.value)}`];
        return [];
      });
      return `${int ? 'integer' : 'number'}${bounds.length > 0 ? ` ${bounds.join(', ')}` : ''}`;
    }
    case 'boolean':
      return 'boolean';
    case 'enum':
      return Object.values(d.entries ?? {}).map((v) => `\`${v}\``).join(' | ');
    case 'literal':
      return (d.values ?? []).map((v) => `\`${String(v)}\``).join(' | ');
    case 'array':
      return d.element ? `list of ${describeType(d.element)}` : 'list';
    case 'record':
      return d.valueType ? `mapping of name → ${describeType(d.valueType)}` : 'mapping';
    case 'object':
      return 'mapping';
    case 'union': {
      const parts = (d.options ?? []).map(describeType).filter((t) => t !== '');
      return [...new Set(parts)].join(' or ');
    }
    case 'custom':
      return '${ENV} reference';
    case 'unknown':
    case 'any':
      return 'any';
    default:
      return d.type;
  }
}

function defaultOf(s: Schema): { required: boolean; value: string } {
  let required = true;
  let value = '';
  for (let cur: Schema | undefined = s; cur !== undefined; ) {
    const d = defOf(cur);
    if (d.type === 'optional' || d.type === 'nullable') required = false;
    if (d.type === 'default') {
      required = false;
      value = JSON.stringify(typeof d.defaultValue === 'function' ? (d.defaultValue as () => unknown)() : d.defaultValue);
    }
    cur = d.type === 'optional' || d.type === 'nullable' || d.type === 'default' || d.type === 'prefault' ? d.innerType : undefined;
  }
  return { required, value };
}

const unwrap = (s: Schema): Schema => {
  let cur = s;
  for (;;) {
    const d = defOf(cur);
    if ((d.type === 'optional' || d.type === 'nullable' || d.type === 'default' || d.type === 'prefault') && d.innerType) cur = d.innerType;
    else return cur;
  }
};

/** Wrong values to try, in order, for a schema: the first that the loader refuses gives the error shown. */
function badValues(s: Schema): unknown[] {
  const d = defOf(unwrap(s));
  switch (d.type) {
    case 'number':
      return ['ten', -1];
    case 'boolean':
      return ['maybe'];
    case 'enum':
    case 'literal':
      return ['something-else'];
    case 'string':
      return ['not valid! ~', '', 42];
    case 'pipe':
      return ['relative/path', 'not valid! ~', 42];
    case 'array':
      return ['not-a-list'];
    case 'object':
    case 'record':
      return ['not-a-mapping'];
    case 'union':
      return ['not valid! ~', 'ten', 42, -1, ['x']];
    default:
      return [42];
  }
}

function walk(s: Schema, section: string, prefix: Segment[], owner: string, rel: string[], comments: SchemaComments, siblings: Record<string, unknown>, siblingsAt: number, rows: KeyRow[]): void {
  const inner = unwrap(s);
  const named = names.get(inner);
  const here = named !== undefined ? { owner: named, rel: [] as string[] } : { owner, rel };
  const d = defOf(inner);
  if (d.type === 'object' && d.shape) {
    for (const [key, child] of Object.entries(d.shape)) {
      const path: Segment[] = [...prefix, { kind: 'key', name: key }];
      const childRel = [...here.rel, key];
      const leaf = unwrap(child);
      const ld = defOf(leaf);
      const { required, value } = defaultOf(child);
      const description = comments.lookup(here.owner, childRel) ?? (names.has(leaf) ? comments.lookup(names.get(leaf) ?? '', []) : undefined) ?? '';
      rows.push({ section, path, type: describeType(child), required, default: value, description, example: '', error: '', siblings, siblingsAt, bad: badValues(child) });
      const nested = ld.type === 'array' ? ld.element : ld.type === 'record' ? ld.valueType : leaf;
      if (nested === undefined) continue;
      const nd = defOf(unwrap(nested));
      const nestedPath: Segment[] = ld.type === 'array' ? [...path, { kind: 'item' }] : ld.type === 'record' ? [...path, { kind: 'any', label: '<name>', sample: 'example' }] : path;
      if (nd.type === 'object' || nd.type === 'union') walk(nested, section, nestedPath, here.owner, childRel, comments, siblings, siblingsAt, rows);
    }
    return;
  }
  if (d.type === 'union' && d.options) {
    // A discriminated union (endpoints): each variant's keys, with its discriminator value as a sibling.
    for (const option of d.options) {
      const od = defOf(unwrap(option));
      if (od.type !== 'object' || !od.shape) continue;
      const disc = d.discriminator === undefined ? undefined : od.shape[d.discriminator];
      const value = disc === undefined ? undefined : defOf(disc).values?.[0];
      walk(option, section, prefix, owner, rel, comments, value === undefined || d.discriminator === undefined ? {} : { [d.discriminator]: value }, prefix.length, rows);
    }
  }
}

/** A config document with `value` at the row's key (placeholders filled in), and the row's siblings. */
function fixture(row: KeyRow, value: unknown): { doc: Record<string, unknown>; keyPath: string } {
  const doc: Record<string, unknown> = {};
  let parent: Record<string, unknown> | unknown[] = doc;
  const keys: (string | number)[] = [];
  const segs: Segment[] = [{ kind: 'key', name: row.section }, ...row.path];
  segs.forEach((seg, i) => {
    const last = i === segs.length - 1;
    const key = seg.kind === 'key' ? seg.name : seg.kind === 'any' ? seg.sample : 0;
    keys.push(seg.kind === 'any' && row.section === 'beamlines' && i === 1 ? '1.2.3' : key);
    const k = keys[keys.length - 1] ?? key;
    const next = segs[i + 1];
    const child: unknown = last ? value : next?.kind === 'item' ? [] : {};
    if (Array.isArray(parent)) parent.push(child);
    else parent[String(k)] = child;
    // The row's siblings belong to the mapping of the union variant.
    if (!last && i === row.siblingsAt && typeof child === 'object' && child !== null && !Array.isArray(child)) Object.assign(child, row.siblings);
    if (!last) parent = child as Record<string, unknown> | unknown[];
  });
  const keyPath = keys.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i === 0 ? '' : '.'}${k}`)).join('');
  return { doc, keyPath };
}

function errorFor(row: KeyRow): string {
  for (const bad of row.bad) {
    const { doc, keyPath } = fixture(row, bad);
    try {
      parseConfig(stringify(doc), 'config.yml', {});
    } catch (err) {
      const lines = (err instanceof Error ? err.message : String(err)).split('\n');
      const line = lines.find((l) => l.includes(` ${keyPath}: `));
      if (line !== undefined) return line.slice(line.indexOf(` ${keyPath}: `) + keyPath.length + 3).trim();
    }
  }
  return '';
}

/**
 * The value at a key path in a parsed YAML document: the first one found, through placeholders and lists,
 * where the mapping at index `at` of the path holds `siblings` (a union variant's `type: globus`).
 */
function valueAt(doc: unknown, segs: readonly Segment[], siblings: Readonly<Record<string, unknown>> = {}, at = -1, depth = 0): unknown {
  if (depth === at && Object.keys(siblings).length > 0) {
    if (typeof doc !== 'object' || doc === null) return undefined;
    for (const [k, v] of Object.entries(siblings)) if ((doc as Record<string, unknown>)[k] !== v) return undefined;
  }
  if (segs.length === 0) return doc;
  const [seg, ...rest] = segs;
  if (seg === undefined) return doc;
  if (seg.kind === 'key') {
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
    return valueAt((doc as Record<string, unknown>)[seg.name], rest, siblings, at, depth + 1);
  }
  const children = Array.isArray(doc) ? doc : typeof doc === 'object' && doc !== null ? Object.values(doc) : [];
  for (const c of children) {
    const v = valueAt(c, rest, siblings, at, depth + 1);
    if (v !== undefined) return v;
  }
  return undefined;
}

function exampleFor(row: KeyRow, docs: readonly { doc: unknown; file: string }[]): string {
  const segs: Segment[] = row.section.startsWith('hpss_') || row.section.startsWith('ghcr_')
    ? [{ kind: 'any', label: '', sample: '' }, ...row.path]
    : [{ kind: 'key', name: row.section }, ...row.path];
  for (const { doc, file } of docs) {
    const top = row.section.startsWith('hpss_') ? pick(doc, /^hpss_/) : row.section.startsWith('ghcr_') ? pick(doc, /^(ghcr|harbor)_images/) : doc;
    const v = valueAt(top, segs, row.siblings, row.siblingsAt + 1);
    if (v === undefined || v === null || typeof v === 'object') continue;
    const text = JSON.stringify(v);
    return `\`${text.length > 60 ? `${text.slice(0, 57)}…` : text}\` (${file})`;
  }
  return '';
}

function pick(doc: unknown, re: RegExp): unknown {
  if (typeof doc !== 'object' || doc === null) return undefined;
  return Object.fromEntries(Object.entries(doc).filter(([k]) => re.test(k)));
}

/** A table cell: `|` escaped, and outside code spans `<` `>` as entities (Vue would read them as tags). */
const cell = (s: string): string =>
  s
    .replace(/\n/g, ' ')
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith('`') ? part : part.replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('')
    .replace(/\|/g, '\\|');

export function configReferenceRows(root: string): KeyRow[] {
  const comments = readSchemaComments(root);
  const docs = ['config.yml', 'examples/filesystem.yml']
    .filter((f) => existsSync(path.join(root, f)))
    .map((file) => ({ file, doc: parse(readFileSync(path.join(root, file), 'utf8')) as unknown }));
  const rows: KeyRow[] = [];
  for (const section of SECTIONS) {
    const start: Segment[] = section.key === 'beamlines' || section.key === 'endpoints' ? [{ kind: 'any', label: section.key === 'beamlines' ? '"<id>"' : '<name>', sample: 'example' }] : [];
    const s = unwrap(section.schema);
    const d = defOf(s);
    const target = d.type === 'record' && d.valueType ? d.valueType : s;
    const before = rows.length;
    if (section.key === 'scicat') {
      rows.push({ section: section.key, path: [{ kind: 'any', label: '<key>', sample: 'url' }], type: 'any', required: false, default: '', description: 'SciCat settings: url, username, password, fallback_email, dry_run_dir, max_retries (see the SciCat section of config.md)', example: '', error: '', siblings: {}, siblingsAt: 0, bad: [] });
      continue;
    }
    if (section.key === 'ghcr_images832') {
      rows.push({ section: section.key, path: [{ kind: 'any', label: '<image name>', sample: 'recon_image' }], type: 'string', required: false, default: '', description: 'A container image reference, by name (recon_image, multires_image): the legacy images section a recon job names in `images:`', example: '', error: '', siblings: {}, siblingsAt: 0, bad: [42] });
      continue;
    }
    walk(target, section.key, start, names.get(unwrap(target)) ?? '', [], comments, {}, 0, rows);
    for (let i = before; i < rows.length; i++) {
      const r = rows[i];
      if (r) rows[i] = { ...r, example: exampleFor(r, docs), error: errorFor(r) };
    }
  }
  return rows;
}

export function renderConfigReference(root: string): string {
  const rows = configReferenceRows(root);
  const out: string[] = [
    '<!-- Generated by `npm run docs:gen` from src/config/schema.ts: do not edit by hand; CI fails when this page differs from a fresh generation. -->',
    '',
    '# config.yml reference (generated)',
    '',
    'Every key `splash config check` accepts, read from the schema itself ([src/config/schema.ts](../../src/config/schema.ts)):',
    'its type, its default, what it is, an example from the shipped [config.yml](../../config.yml) or',
    '[examples/filesystem.yml](../../examples/filesystem.yml), and the error a wrong value gives — each produced by loading',
    'a config with such a value, so it is the line `splash config check` prints after `config.yml:<line>:<col> <key>: `.',
    'The explanations with examples and the original system\'s layout are in [config.md](../config.md).',
    '',
    'In a key, `<name>` stands for a name you choose, `"<id>"` for a beamline id like `"8.3.2"`, and `[]` for each',
    'item of a list. A key without a default and not marked optional must be there.',
    '',
  ];
  for (const section of SECTIONS) {
    const mine = rows.filter((r) => r.section === section.key);
    const heading = section.label;
    out.push(`## \`${heading}\``, '');
    const siblings = (r: KeyRow): string => Object.entries(r.siblings).map(([k, v]) => `${k}: ${String(v)}`).join(', ');
    // v-pre: a `{{ }}` in a comment or an error is text, not a Vue expression.
    out.push('::: v-pre', '| key | type | default | what it is | example | error for a wrong value |', '|---|---|---|---|---|---|');
    for (const r of mine) {
      const key = `${section.label}${r.path[0]?.kind === 'item' ? '' : '.'}${display(r.path)}`;
      const when = siblings(r);
      const req = r.required ? 'required' : r.default === '' ? 'optional' : `\`${r.default}\``;
      out.push(`| ${cell(`\`${key}\``)}${when === '' ? '' : ` (${cell(when)})`} | ${cell(r.type)} | ${req} | ${cell(r.description)} | ${cell(r.example)} | ${r.error === '' ? '' : cell(r.error)} |`);
    }
    out.push(':::', '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
