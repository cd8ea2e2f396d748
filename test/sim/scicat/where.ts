/**
 * What the SciCat backend does with a `filter`'s `where` before MongoDB sees it, and a small MongoDB matcher
 * to run it against the simulator's datasets, so a filter that finds nothing on the real backend finds
 * nothing here either.
 *
 * The backend's FilterPipe/WherePipe (SciCatProject/backend src/common/pipes/filter.pipe.ts) walks `where`:
 * Loopback operator keys become Mongo ones (inq → $in, …), and every value held by an object key — not the
 * items of an array — that is a string `new Date()` can read becomes a Date (backend#2346). A Date never
 * equals the stored string, so `{"datasetName": "2024-01-01"}` matches nothing (backend#2583). Which strings:
 * - v4.27.0: any string V8's `Date` parses — also `/raw/2024-01-01`, `Sample 3`, `a-35266`;
 * - v4.28.0 and later (commit c4dd43d7): only strings starting with `YYYY-MM-DD` that parse.
 */

export type WherePipeVersion = 'v4.27' | 'v4.28';

const OPERATORS: Record<string, string> = { inq: '$in', nin: '$nin', and: '$and', or: '$or', like: '$regex', ilike: '$regex', gte: '$gte', lte: '$lte', gt: '$gt', lt: '$lt' };

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof RegExp);

/** The WherePipe's value conversion: a date-like string becomes a Date. */
export function toDateIfDateLike(val: unknown, version: WherePipeVersion): unknown {
  if (typeof val !== 'string') return val;
  if (version === 'v4.28' && !/^\d{4}-\d{2}-\d{2}/.test(val)) return val;
  const date = new Date(val);
  return Number.isNaN(date.getTime()) ? val : date;
}

/** `WherePipe.applyTransform` (transformDeep with the operator key map, `ilike` → `$options: "i"`, the date valueFn). */
export function applyWherePipe(where: unknown, version: WherePipeVersion): unknown {
  const deep = (obj: unknown): unknown => {
    if (Array.isArray(obj)) return obj.map(deep);
    if (!isPlain(obj)) return obj;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(obj)) {
      let transformed: unknown;
      if (key === 'ilike') {
        out.$options = 'i';
        transformed = value;
      } else transformed = deep(value);
      out[Object.hasOwn(OPERATORS, key) ? (OPERATORS[key] ?? key) : key] = toDateIfDateLike(transformed, version);
    }
    return out;
  };
  return deep(where);
}

/** A MongoDB query error; the backend answers it with 400 and the error's message. */
export class MongoQueryError extends Error {}

/** Fields the backend stores as BSON dates (the simulator keeps ISO strings and compares them as dates). */
const DATE_FIELDS = new Set(['creationTime', 'startTime', 'endTime', 'createdAt', 'updatedAt']);

function fieldValue(doc: Record<string, unknown>, path: string): unknown {
  let v: unknown = doc;
  for (const part of path.split('.')) {
    if (!isPlain(v)) return undefined;
    v = v[part];
  }
  return DATE_FIELDS.has(path) && typeof v === 'string' ? new Date(v) : v;
}

/** BSON equality: types must agree (a Date never equals a string), documents compare field by field in order. */
function bsonEqual(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => bsonEqual(x, b[i]));
  if (isPlain(a) || isPlain(b)) {
    if (!isPlain(a) || !isPlain(b)) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && bsonEqual(a[k], b[k]));
  }
  return a === b || (a === undefined && b === null) || (a === null && b === undefined);
}

/** A field equals a value when it is that value, or an array holding it (Mongo's array semantics). */
const fieldEquals = (v: unknown, target: unknown): boolean => bsonEqual(v, target) || (Array.isArray(v) && v.some((x) => bsonEqual(x, target)));

function compare(v: unknown, target: unknown, op: (c: number) => boolean): boolean {
  const values = Array.isArray(v) ? v : [v];
  return values.some((x) => {
    if (x instanceof Date && target instanceof Date) return op(x.getTime() - target.getTime());
    if (typeof x === 'number' && typeof target === 'number') return op(x - target);
    if (typeof x === 'string' && typeof target === 'string') return op(x < target ? -1 : x > target ? 1 : 0);
    return false; // different BSON types never compare
  });
}

function matchOperators(v: unknown, cond: Record<string, unknown>): boolean {
  return Object.entries(cond).every(([op, arg]) => {
    switch (op) {
      case '$eq':
        return fieldEquals(v, arg);
      case '$ne':
        return !fieldEquals(v, arg);
      case '$in':
      case '$nin': {
        if (!Array.isArray(arg)) throw new MongoQueryError(`${op} needs an array`);
        const hit = arg.some((x) => fieldEquals(v, x));
        return op === '$in' ? hit : !hit;
      }
      case '$gt':
        return compare(v, arg, (c) => c > 0);
      case '$gte':
        return compare(v, arg, (c) => c >= 0);
      case '$lt':
        return compare(v, arg, (c) => c < 0);
      case '$lte':
        return compare(v, arg, (c) => c <= 0);
      case '$exists':
        return (v !== undefined) === Boolean(arg);
      case '$regex': {
        if (typeof arg !== 'string' && !(arg instanceof RegExp)) throw new MongoQueryError('$regex has to be a string');
        const flags = typeof cond.$options === 'string' ? cond.$options : '';
        const re = new RegExp(arg, flags);
        return (Array.isArray(v) ? v : [v]).some((x) => typeof x === 'string' && re.test(x));
      }
      case '$options':
        return true;
      default:
        throw new MongoQueryError(`unknown operator: ${op}`);
    }
  });
}

/** Does `doc` match the (already transformed) query, as MongoDB's `$match` would decide? */
export function matches(doc: Record<string, unknown>, query: unknown): boolean {
  if (!isPlain(query)) throw new MongoQueryError('$match needs an object');
  return Object.entries(query).every(([key, cond]) => {
    if (key === '$and' || key === '$or' || key === '$nor') {
      if (!Array.isArray(cond) || cond.length === 0) throw new MongoQueryError(`${key} argument must be a non-empty array`);
      const hits = cond.map((c) => matches(doc, c));
      return key === '$and' ? hits.every(Boolean) : key === '$or' ? hits.some(Boolean) : !hits.some(Boolean);
    }
    if (key.startsWith('$')) throw new MongoQueryError(`unknown top level operator: ${key}`);
    const v = fieldValue(doc, key);
    if (isPlain(cond) && Object.keys(cond).length > 0 && Object.keys(cond).every((k) => k.startsWith('$'))) return matchOperators(v, cond);
    return fieldEquals(v, cond);
  });
}
