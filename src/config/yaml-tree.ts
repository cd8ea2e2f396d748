/**
 * YAML text → plain data plus the position of every value and key, so a problem found later (by zod or
 * by a cross-reference check) can name the line. The walk is our own rather than `doc.toJS()` because
 * the keys must stay as written: an unquoted beamline id `7.3` is a YAML number and `7.30` would
 * otherwise lose its zero.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Issue } from './issues.js';
import { pathId, type KeyPath } from './key-path.js';

export class SourcePositions {
  readonly source: string;
  private readonly lineCounter: LineCounter;
  private readonly values = new Map<string, number>();
  private readonly keys = new Map<string, number>();

  constructor(source: string, lineCounter: LineCounter) {
    this.source = source;
    this.lineCounter = lineCounter;
  }

  setValue(path: KeyPath, offset: number | undefined): void {
    if (offset !== undefined) this.values.set(pathId(path), offset);
  }

  setKey(path: KeyPath, offset: number | undefined): void {
    if (offset !== undefined) this.keys.set(pathId(path), offset);
  }

  /** Offset of the value at `path`, or of its nearest parent that exists in the file. */
  valueOffset(path: KeyPath): number | undefined {
    for (let length = path.length; length >= 0; length -= 1) {
      const offset = this.values.get(pathId(path.slice(0, length)));
      if (offset !== undefined) return offset;
    }
    return undefined;
  }

  /** Offset of the key that holds `path` (for unknown or invalid keys), else of the value. */
  keyOffset(path: KeyPath): number | undefined {
    return this.keys.get(pathId(path)) ?? this.valueOffset(path);
  }

  /** `config.yml:14:21`, or just the file name when there is no position. */
  format(offset: number | undefined): string {
    if (offset === undefined) return this.source;
    const { line, col } = this.lineCounter.linePos(offset);
    return `${this.source}:${line}:${col}`;
  }

  locate(path: KeyPath): string {
    return this.format(this.valueOffset(path));
  }
}

export type YamlTree =
  | { readonly kind: 'syntax'; readonly issues: readonly Issue[]; readonly positions: SourcePositions }
  | { readonly kind: 'empty'; readonly positions: SourcePositions }
  | { readonly kind: 'ok'; readonly data: unknown; readonly issues: readonly Issue[]; readonly positions: SourcePositions };

/** Aliases can multiply a small file into a huge tree ("billion laughs"); no config needs this many values. */
const MAX_VALUES = 100_000;

const YAML_HINT = 'fix the YAML at that position (often indentation, a missing ":", or an unclosed quote or bracket)';

type ParsedYaml = ReturnType<typeof parseDocument>;

/** A `${VAR}` reference as written (env.ts expands it after parsing). */
const ENV_REFERENCE = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/g;

/**
 * An unquoted `${VAR}` inside a flow collection (`{ a: ${DATA} }`, `[${A}]`) is not a string to YAML: its
 * braces open a nested mapping, and every token after it goes wrong too, one error each (a hundred and more
 * in a real config). Such a reference is recognised by the parser errors that start inside it; it is then
 * replaced by a placeholder of the same length (so every offset still points into the file as written) and
 * the text parsed again, until no error starts inside a reference (one more parse per reference; a config
 * has a few). What remains are the file's other errors.
 */
function parseQuotingFlowReferences(text: string, parse: (text: string) => ParsedYaml): { doc: ParsedYaml; unquoted: { offset: number; reference: string }[] } {
  const unquoted: { offset: number; reference: string }[] = [];
  let doc = parse(text);
  for (;;) {
    const errors = doc.errors;
    // Only the first such reference each time: errors after it are its cascade and may land anywhere, even
    // inside a `${VAR}` that is fine where it is (a block value).
    const m = [...text.matchAll(ENV_REFERENCE)].find((r) => errors.some((e) => e.pos[0] >= r.index && e.pos[0] <= r.index + r[0].length));
    if (m === undefined) return { doc, unquoted };
    unquoted.push({ offset: m.index, reference: m[0] });
    text = `${text.slice(0, m.index)}$(${m[0].slice(2, -1)})${text.slice(m.index + m[0].length)}`;
    doc = parse(text);
  }
}

/** The plain value a reference sits in, as written (`/data/${SUB}/x` in `{ root_path: /data/${SUB}/x }`), for the fix. */
function flowScalarAround(text: string, offset: number, reference: string): string {
  const lineStart = text.lastIndexOf('\n', offset) + 1;
  const before = text.slice(lineStart, offset);
  const start = Math.max(before.lastIndexOf(': '), before.lastIndexOf('{'), before.lastIndexOf('['), before.lastIndexOf(','));
  const head = (start < 0 ? '' : before.slice(before[start] === ':' ? start + 2 : start + 1)).trimStart();
  const after = text.slice(offset + reference.length);
  const tail = after.slice(0, after.search(/[,}\]\n]|$/)).trimEnd();
  return `${head}${reference}${tail}`;
}

export function readYamlTree(text: string, source: string): YamlTree {
  const lineCounter = new LineCounter();
  const positions = new SourcePositions(source, lineCounter);
  // Repeated keys are found by the walk below (not yaml's uniqueKeys), by their text as written, so they are
  // reported with their key path alongside every other problem instead of stopping the parse.
  // The first parse fills `lineCounter`; a placeholder keeps every offset and line, so it stays right.
  const parse = (t: string, counter = new LineCounter()): ParsedYaml => parseDocument(t, { lineCounter: counter, prettyErrors: false, uniqueKeys: false });
  let doc = parse(text, lineCounter);
  const quoting: Issue[] = [];
  if (doc.errors.length > 0) {
    const found = parseQuotingFlowReferences(text, parse);
    if (found.unquoted.length > 0) {
      doc = found.doc;
      for (const { offset, reference } of found.unquoted) {
        quoting.push({
          path: undefined,
          offset,
          text: `invalid YAML: ${reference} inside { … } or [ … ] must be quoted, or YAML reads its braces as a mapping: write ${JSON.stringify(flowScalarAround(text, offset, reference))}`,
          hint: 'quote ${VAR} references inside { … } and [ … ], e.g. { root_path: "${DATA}" }',
        });
      }
    }
  }

  // Warnings (an unknown !tag, say) are errors here: a config the parser had to guess about is not reviewable.
  const yamlProblems = [...doc.errors, ...doc.warnings];
  if (yamlProblems.length > 0 || quoting.length > 0) {
    const issues = yamlProblems.map((err): Issue => ({ path: undefined, offset: err.pos[0], text: `invalid YAML: ${err.message}`, hint: YAML_HINT }));
    return { kind: 'syntax', issues: [...quoting, ...issues], positions };
  }

  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { kind: 'empty', positions };

  const issues: Issue[] = [];
  let count = 0;
  const active = new Set<Node>();

  const walk = (node: Node | null, path: KeyPath, at: number | undefined): unknown => {
    count += 1;
    if (count > MAX_VALUES) {
      if (count === MAX_VALUES + 1) issues.push({ path, offset: at, text: `expected at most ${MAX_VALUES} values (check the aliases), got more` });
      return null;
    }
    if (node === null) {
      positions.setValue(path, at);
      return null;
    }
    const offset = node.range?.[0] ?? at;
    positions.setValue(path, offset);
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (target === undefined) {
        issues.push({ path, offset, text: `expected an alias to a defined anchor, got *${node.source}`, unreadable: true });
        return null;
      }
      if (active.has(target)) {
        issues.push({ path, offset, text: `expected an alias outside its own anchor, got *${node.source}`, unreadable: true });
        return null;
      }
      active.add(target);
      const value = walkContainer(target, path, offset);
      active.delete(target);
      return value;
    }
    return walkContainer(node, path, offset);
  };

  const walkContainer = (node: Node, path: KeyPath, offset: number | undefined): unknown => {
    if (isScalar(node)) return node.value;
    if (isSeq(node)) return node.items.map((item, index) => walk(item as Node | null, [...path, index], offset));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const keyOffset = keyNode?.range?.[0] ?? offset;
        const key = keyText(keyNode);
        if (key === undefined) {
          issues.push({ path, offset: keyOffset, text: 'expected keys that are plain text or numbers, got a complex or empty key' });
          continue;
        }
        const keyPath = [...path, key];
        if (key === '__proto__') {
          // Would replace the prototype of the object it is assigned to.
          issues.push({ path: keyPath, offset: keyOffset, text: 'expected a key other than "__proto__", got "__proto__"' });
          continue;
        }
        if (Object.hasOwn(out, key)) {
          // A repeated key would silently replace the first; also catches 7.3 and "7.3", one key once read as text.
          issues.push({ path: keyPath, offset: keyOffset, text: `expected each key once in a mapping, got ${JSON.stringify(key)} again` });
          continue;
        }
        positions.setKey(keyPath, keyOffset);
        out[key] = walk(pair.value as Node | null, keyPath, keyOffset);
      }
      return out;
    }
    return null;
  };

  const data = walk(root, [], 0);
  return { kind: 'ok', data, issues, positions };
}

/** A mapping key as written: numbers and booleans keep their source text (`7.30`, not 7.3). */
function keyText(node: Node | null): string | undefined {
  if (node === null || !isScalar(node)) return undefined;
  const value: unknown = node.value;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return node.source ?? String(value);
  return undefined;
}
