/**
 * Characters that must never reach a log line or an error raw: JSON.stringify escapes C0 controls but
 * leaves DEL, C1 controls, bidi overrides/isolates/marks, line/paragraph separators and the BOM alone —
 * each can hide or reorder what a person reads, or forge a workflow command after a newline.
 */
const INVISIBLE = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;
// eslint-disable-next-line no-control-regex -- control characters are what this detects
const NEEDS_QUOTING = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;

/** JSON text with the invisible characters above written as \uXXXX escapes too. */
export function safeJson(value: unknown): string {
  const text = JSON.stringify(value);
  return text.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A name for a log line: as it is when harmless, JSON-quoted and escaped when it holds anything invisible. */
export function displayName(name: string): string {
  return NEEDS_QUOTING.test(name) ? safeJson(name) : name;
}
