/**
 * The one secret boundary of the process. Every credential a client reads or obtains (configured secrets,
 * tokens from Globus, SciCat, a GitHub App) is registered here the moment it exists, and every output —
 * terminal and runner log lines, summaries, the CLI's last line, spool files, `--status`, dry-run files —
 * passes through `redact`. Errors that carry a request or a response are redacted where they are made.
 *
 * Registered values are masked in the forms they take on the wire: as they are, line by line, JSON-escaped,
 * URL- and form-encoded, and base64 (standard and url-safe) at the three byte alignments it can take inside
 * a longer encoded string (`Basic base64(id:secret)`), as the Actions runner's own masker does. Patterns
 * catch credentials that were never registered: Authorization headers, Bearer and Basic credentials, JWTs,
 * GitHub tokens, private keys, user:password in URLs and password/token fields in JSON, forms and queries.
 *
 * Process-wide on purpose: masking must not depend on which context object a client was handed.
 */

const MASK = '***';

/**
 * Values shorter than this are not masked as free text: a one-letter "secret" (a test value, a placeholder)
 * would turn every such letter of every line into ***, and a credential that short protects nothing.
 */
export const MIN_SECRET = 4;
/** A derived form shorter than this (a base64 fragment of a short value) would mask ordinary text. */
const MIN_DERIVED = 6;
/** Registered forms are found by their first characters: one map lookup per position of the text. */
const PREFIX = 3;

/** Values as registered (and their lines): what the Actions runner is told with ::add-mask::. */
const primaries = new Set<string>();
/** Every form masked, indexed by its first PREFIX characters, longest first within a prefix. */
const byPrefix = new Map<string, string[]>();
const forms = new Set<string>();
const listeners = new Set<(value: string) => void>();

function addForm(form: string): void {
  if (form.length < MIN_SECRET || forms.has(form)) return;
  forms.add(form);
  // Every form is at least MIN_SECRET (> PREFIX) long.
  const key = form.slice(0, PREFIX);
  const list = byPrefix.get(key) ?? [];
  list.push(form);
  list.sort((a, b) => b.length - a.length);
  byPrefix.set(key, list);
}

/** base64 of `value` as it appears at byte offset 0, 1 or 2 of a longer encoded text, with the edge characters that depend on neighbours trimmed. */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64').replace(/=+$/, '');
    // Leading characters that hold bits of the (unknown) preceding bytes; a trailing one that holds bits of the following ones.
    const head = shift === 0 ? 0 : shift === 1 ? 2 : 3;
    const tail = (shift + bytes.length) % 3 === 0 ? 0 : 1;
    const core = encoded.slice(head, encoded.length - tail);
    if (core.length >= MIN_DERIVED) out.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  const whole = bytes.toString('base64');
  out.push(whole, bytes.toString('base64url'));
  return out;
}

/** Every form of one value that may reach an output. */
function formsOf(value: string): string[] {
  const out = [value];
  const json = JSON.stringify(value).slice(1, -1);
  if (json !== value) out.push(json);
  const uri = encodeURIComponent(value);
  if (uri !== value) out.push(uri);
  const form = new URLSearchParams({ v: value }).toString().slice(2);
  if (form !== value && form !== uri) out.push(form);
  if (value.length >= 4) out.push(...base64Forms(value).filter((f) => f.length >= MIN_DERIVED));
  return out;
}

/**
 * Register a credential: from now on it and its encoded forms are masked in every output. Multi-line values
 * (private keys) are also registered line by line, since output is often split or re-wrapped by lines.
 */
export function registerSecret(value: string | undefined): void {
  if (value === undefined || value.trim() === '') return;
  const parts = [value, ...(value.includes('\n') ? value.split(/\r?\n/).map((l) => l.trim()) : [])];
  for (const part of parts) {
    if (part.length < MIN_SECRET || primaries.has(part)) continue;
    primaries.add(part);
    for (const f of formsOf(part)) addForm(f);
    for (const listener of listeners) listener(part);
  }
}

/** Be told of every registered value, those registered so far first (the Actions rendering: core.setSecret). */
export function onSecret(listener: (value: string) => void): () => void {
  for (const value of primaries) listener(value);
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** How many values are registered (for tests and run statistics). */
export function secretCount(): number {
  return primaries.size;
}

function maskRegistered(out: string): string {
  if (byPrefix.size === 0) return out;
  let result = '';
  let copied = 0;
  for (let i = 0; i <= out.length - PREFIX; ) {
    const candidates = byPrefix.get(out.slice(i, i + PREFIX));
    const hit = candidates?.find((f) => out.startsWith(f, i));
    if (hit === undefined) {
      i++;
      continue;
    }
    result += out.slice(copied, i) + MASK;
    i += hit.length;
    copied = i;
  }
  return copied === 0 ? out : result + out.slice(copied);
}

/** Field names whose value is a credential, in JSON, YAML-ish text, forms and query strings. */
const SECRET_FIELD = 'password|passwd|client_secret|secret|access_token|refresh_token|id_token|token|api_key|apikey|private_key|client_assertion|assertion';

/** Basic credentials always decode to `user:password`; prose after the word "Basic" does not. */
function isBasicCredential(b64: string): boolean {
  try {
    return Buffer.from(b64, 'base64').toString('utf8').includes(':');
  } catch {
    return false;
  }
}

const PATTERNS: readonly [RegExp, (substring: string, ...groups: string[]) => string][] = [
  // PEM private keys, whole.
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g, () => MASK],
  // Authorization-like headers and fields: "authorization: Bearer x", "authorization":"Basic y", \"x-api-key\":\"…\".
  // The value is one credential (with its scheme): a header echoed on one flattened line must not swallow the rest.
  [
    /\b(authorization|proxy-authorization|x-api-key|cookie|set-cookie)(\\?["']?\s*[:=]\s*\\?["']?)((?:[A-Za-z]+[ \t]+)?[^\s"'\\,;}]+)/gi,
    (_m, name = '', sep = '') => `${name}${sep}${MASK}`,
  ],
  // JSON fields: "password": "…" (escapes inside the value respected).
  [
    new RegExp(`"(${SECRET_FIELD})"(\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'),
    (_m, name = '', sep = '') => `"${name}"${sep}"${MASK}"`,
  ],
  // JSON inside a JSON string (a backend that quotes the request it refused): \"password\":\"…\".
  [
    new RegExp(`\\\\"(${SECRET_FIELD})\\\\"(\\s*:\\s*)\\\\".*?\\\\"`, 'gi'),
    (_m, name = '', sep = '') => `\\"${name}\\"${sep}\\"${MASK}\\"`,
  ],
  // Python/JS-style single quotes: 'password': '…'.
  [new RegExp(`'(${SECRET_FIELD})'(\\s*:\\s*)'[^']*'`, 'gi'), (_m, name = '', sep = '') => `'${name}'${sep}'${MASK}'`],
  // Forms and query strings: password=…&, ?access_token=….
  [
    new RegExp(`(?<![\\w-])(${SECRET_FIELD})=([^&\\s"'<>\\\\]+)`, 'gi'),
    // A value masked already (a registered one) keeps what follows it.
    (m, name = '', value = '') => (value.startsWith(MASK) ? m : `${name}=${MASK}`),
  ],
  // JWTs (the App's, SciCat's) wherever they stand.
  [/\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, () => MASK],
  // GitHub tokens: ghp_, gho_, ghu_, ghs_, ghr_, fine-grained PATs.
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g, () => MASK],
  // Bearer credentials of any kind.
  [/\b(Bearer|bearer|BEARER)(\s+)([A-Za-z0-9\-._~+/]{8,}=*)/g, (_m, scheme = '', space = '') => `${scheme}${space}${MASK}`],
  [
    /\b(Basic|basic|BASIC)(\s+)([A-Za-z0-9+/]{4,}={0,2})/g,
    (m, scheme = '', space = '', b64 = '') => (isBasicCredential(b64) ? `${scheme}${space}${MASK}` : m),
  ],
  // user:password@ in URLs.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@"']+:[^/\s@"']+@/gi, (_m, scheme = '') => `${scheme}${MASK}@`],
];

/** Something every pattern needs: most log lines have none of it and skip the patterns in one pass. */
const TRIGGER = /auth|bearer|basic|token|secret|passw|api[_-]?key|private|assertion|cookie|eyJ|gh[pousr]_|github_pat_|:\/\/[^\s/@]+@/i;

/** Credential patterns only (no registered values): for text read back from disk by another process (`--status`). */
export function scrubCredentials(text: string): string {
  if (!TRIGGER.test(text)) return text;
  let out = text;
  for (const [re, fn] of PATTERNS) out = out.replace(re, fn);
  return out;
}

/** The one mask every output passes: registered values in all their forms, then the credential patterns. */
export function redact(text: string): string {
  if (text === '') return text;
  return scrubCredentials(maskRegistered(text));
}

const SECRET_KEY = new RegExp(`^(?:${SECRET_FIELD}|authorization|proxy-authorization|cookie|set-cookie|x-api-key)$`, 'i');

/**
 * A parsed body (an error answer's JSON) with credentials masked: values under credential keys replaced,
 * every other string redacted. Used where an error keeps the body it was made from.
 */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v: unknown) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && (typeof v === 'string' || typeof v === 'number') ? MASK : redactValue(v, depth + 1);
  }
  return out;
}

/** Register the credential values a request carries: its Authorization header and credential fields of its body. */
export function registerRequestCredentials(headers: Readonly<Record<string, string>> | undefined, fields: unknown): void {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!/^(authorization|proxy-authorization|x-api-key|cookie)$/i.test(name)) continue;
    registerSecret(value);
    // The credential without its scheme, which is what a server echoes into a message most often.
    const credential = /^\S+\s+(\S+)$/.exec(value)?.[1];
    registerSecret(credential);
  }
  if (fields !== null && typeof fields === 'object' && !Array.isArray(fields)) {
    for (const [key, v] of Object.entries(fields)) if (SECRET_KEY.test(key) && typeof v === 'string') registerSecret(v);
  }
}
