/**
 * The Globus Compute wire format, as far as a client that is not Python needs it (RECON §4.3): a function is
 * registered as its Python source text (strategy `st`), arguments travel as JSON (strategy `11`), and results
 * come back as JSON because the submission names JSONData as the only result serializer. Nothing here is dill.
 *
 * Each serialized buffer is a 3-character header (2 characters and a newline) and a payload; buffers are packed
 * as `<length>\n<buffer>` one after another. The length is Python's `len()` of the buffer — Unicode code points,
 * not UTF-16 units (a JavaScript string's `.length`) and not bytes: a name with an emoji counts 1 in Python and
 * 2 in `.length`, and a payload packed with `.length` fails to deserialize on the endpoint.
 */

/** The import path an endpoint takes in `result_serializers` to return JSON. */
export const JSON_DATA_SERIALIZER = 'globus_compute_sdk.serialize.JSONData';
/** `serde_identifier` of a function registered as source text (PureSourceTextInspect). */
export const SOURCE_TEXT_IDENTIFIER = 'st';
/** The strategy header of JSON data (JSONData). */
export const JSON_DATA_HEADER = '11\n';
const SOURCE_TEXT_HEADER = 'st\n';
/** The default data strategy (dill, base64): what a result is when the endpoint ignored result_serializers. */
const DILL_DATA_HEADER = '00\n';

/** A payload this client cannot build or read. */
export class ComputeFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ComputeFormatError';
  }
}

/** A lone surrogate cannot be encoded as UTF-8: JSON.stringify escapes it, but Python would read another string. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const wellFormed = (s: string): boolean => !LONE_SURROGATE.test(s);

/** Python's `len()` of a string: Unicode code points (a surrogate pair is one). */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is one code point; a lone surrogate counts as one, as in Python.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** `pack_buffers`: `<code points>\n<buffer>` for each buffer. */
export function packBuffers(buffers: readonly string[]): string {
  return buffers.map((b) => `${String(codePointLength(b))}\n${b}`).join('');
}

/** JSON the endpoint's `json.loads` reads back as the same value; refuses what JSON cannot carry exactly. */
function jsonText(value: unknown, what: string): string {
  const check = (v: unknown, path: string): void => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') {
      if (typeof v === 'string' && !wellFormed(v)) throw new ComputeFormatError(`${what}${path}: a string with a lone surrogate cannot be sent`);
      return;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new ComputeFormatError(`${what}${path}: ${String(v)} is not a JSON number`);
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => { check(x, `${path}[${String(i)}]`); });
      return;
    }
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (!wellFormed(k)) throw new ComputeFormatError(`${what}${path}: a key with a lone surrogate cannot be sent`);
        if (x !== undefined) check(x, `${path}.${k}`);
      }
      return;
    }
    throw new ComputeFormatError(`${what}${path}: ${typeof v} is not JSON data`);
  };
  check(value, '');
  return JSON.stringify(value);
}

/** One buffer of JSON data: `11\n<json>`. */
export function jsonData(value: unknown, what = 'argument'): string {
  return `${JSON_DATA_HEADER}${jsonText(value, what)}`;
}

/** What a submission carries per task: the packed positional and keyword arguments, both as JSON data. */
export function taskPayload(args: readonly unknown[], kwargs: Readonly<Record<string, unknown>> = {}): string {
  return packBuffers([jsonData(args, 'args'), jsonData(kwargs, 'kwargs')]);
}

/** A Python identifier the endpoint's `exec_ns[name]` finds (ASCII, so no normalisation question arises). */
const PYTHON_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `function_code` of a function registered from its source (what the SDK's `register_source_code` sends): one
 * packed buffer `st\n<name>:<source>`. The endpoint `exec`s the source and calls the function of that name.
 */
export function sourceFunctionCode(name: string, source: string): string {
  if (!PYTHON_NAME.test(name)) throw new ComputeFormatError(`function name ${JSON.stringify(name)} is not a Python identifier`);
  if (!wellFormed(source)) throw new ComputeFormatError('the function source has a lone surrogate');
  if (!new RegExp(`^(?:async\\s+)?def\\s+${name}\\s*\\(`, 'm').test(source)) {
    throw new ComputeFormatError(`the source does not define a function ${name} at the top level`);
  }
  return packBuffers([`${SOURCE_TEXT_HEADER}${name}:${source}`]);
}

/** A task's `result` (one serialized buffer): JSON data, or an error that says why it is not readable. */
export function decodeResult(result: string): unknown {
  const header = result.slice(0, 3);
  if (header === JSON_DATA_HEADER) {
    try {
      return JSON.parse(result.slice(3));
    } catch (err) {
      throw new ComputeFormatError(`the task's JSON result does not parse: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (header === DILL_DATA_HEADER) {
    throw new ComputeFormatError(`the task's result is dill-serialized (header 00), not JSON: the endpoint did not use ${JSON_DATA_SERIALIZER} (is it allowed in its allowed_serializers?)`);
  }
  throw new ComputeFormatError(`the task's result has an unknown serialization header ${JSON.stringify(header)}`);
}
