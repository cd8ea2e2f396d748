/**
 * The `/** … *\/` comments of src/config/schema.ts, keyed by where they sit: `<ConstName>.<key>[.<key>…]`
 * for a property of an object literal inside the initializer of `const ConstName`, so the reference
 * generator can put each key's comment beside it. A spread of another const's literal (`...hpssShape`) is
 * recorded, and looked up through.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TS from 'typescript';

export interface SchemaComments {
  /** The comment for `<ConstName>.<path>`, following spreads; undefined when there is none. */
  lookup(constName: string, keys: readonly string[]): string | undefined;
}

export function readSchemaComments(root: string): SchemaComments {
  // typescript is a devDependency; loaded from the repository so the bundled generator does not carry it.
  const ts = createRequire(path.join(root, 'package.json'))('typescript') as typeof TS;
  const file = path.join(root, 'src/config/schema.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const docs = new Map<string, string>();
  const spreads = new Map<string, string[]>();

  const commentOf = (node: TS.Node): string | undefined => {
    const text = source.getFullText();
    const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
    const jsdoc = ranges.filter((r) => text.slice(r.pos, r.pos + 3) === '/**').at(-1);
    if (!jsdoc) return undefined;
    return text
      .slice(jsdoc.pos + 3, jsdoc.end - 2)
      .split('\n')
      .map((l) => l.replace(/^\s*\*\s?/, '').trim())
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
  };

  /** Object literals that are arguments of calls inside `node` (not inside nested literals' own properties). */
  const literalsIn = (node: TS.Node): TS.ObjectLiteralExpression[] => {
    const found: TS.ObjectLiteralExpression[] = [];
    const visit = (n: TS.Node): void => {
      if (ts.isObjectLiteralExpression(n)) {
        found.push(n);
        return;
      }
      ts.forEachChild(n, visit);
    };
    visit(node);
    return found;
  };

  const record = (literal: TS.ObjectLiteralExpression, prefix: string): void => {
    for (const p of literal.properties) {
      if (ts.isSpreadAssignment(p) && ts.isIdentifier(p.expression)) {
        spreads.set(prefix, [...(spreads.get(prefix) ?? []), p.expression.text]);
        continue;
      }
      if (!ts.isPropertyAssignment(p)) continue;
      const name = ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) ? p.name.text : undefined;
      if (name === undefined) continue;
      const key = `${prefix}.${name}`;
      const doc = commentOf(p);
      if (doc !== undefined) docs.set(key, doc);
      for (const inner of literalsIn(p.initializer)) record(inner, key);
    }
  };

  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || d.initializer === undefined) continue;
      const name = d.name.text;
      const doc = commentOf(statement);
      if (doc !== undefined) docs.set(name, doc);
      for (const literal of literalsIn(d.initializer)) record(literal, name);
    }
  }

  const lookup = (constName: string, keys: readonly string[], depth = 0): string | undefined => {
    if (depth > 5) return undefined;
    const direct = docs.get([constName, ...keys].join('.'));
    if (direct !== undefined) return direct;
    // Through a spread at any level of the path: `HpssEndpointSchema.root_path` → `hpssShape.root_path`.
    for (let i = 0; i < keys.length; i++) {
      const at = [constName, ...keys.slice(0, i)].join('.');
      for (const other of spreads.get(at) ?? []) {
        const found = lookup(other, keys.slice(i), depth + 1);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  return { lookup: (constName, keys) => lookup(constName, keys) };
}
