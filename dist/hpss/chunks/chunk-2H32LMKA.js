import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);

// src/secrets.ts
var MASK = "***";
var MIN_SECRET = 4;
var MIN_DERIVED = 6;
var PREFIX = 3;
var primaries = /* @__PURE__ */ new Set();
var byPrefix = /* @__PURE__ */ new Map();
var forms = /* @__PURE__ */ new Set();
var listeners = /* @__PURE__ */ new Set();
function addForm(form) {
  if (form.length < MIN_SECRET || forms.has(form)) return;
  forms.add(form);
  const key = form.slice(0, PREFIX);
  const list = byPrefix.get(key) ?? [];
  list.push(form);
  list.sort((a, b) => b.length - a.length);
  byPrefix.set(key, list);
}
function base64Forms(value) {
  const bytes = Buffer.from(value, "utf8");
  const out = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString("base64").replace(/=+$/, "");
    const head = shift === 0 ? 0 : shift === 1 ? 2 : 3;
    const tail = (shift + bytes.length) % 3 === 0 ? 0 : 1;
    const core = encoded.slice(head, encoded.length - tail);
    if (core.length >= MIN_DERIVED) out.push(core, core.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  const whole = bytes.toString("base64");
  out.push(whole, bytes.toString("base64url"));
  return out;
}
function formsOf(value) {
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
function registerSecret(value) {
  if (value === void 0 || value.trim() === "") return;
  const parts = [value, ...value.includes("\n") ? value.split(/\r?\n/).map((l) => l.trim()) : []];
  for (const part of parts) {
    if (part.length < MIN_SECRET || primaries.has(part)) continue;
    primaries.add(part);
    for (const f of formsOf(part)) addForm(f);
    for (const listener of listeners) listener(part);
  }
}
function onSecret(listener) {
  for (const value of primaries) listener(value);
  listeners.add(listener);
  return () => listeners.delete(listener);
}
function maskRegistered(out) {
  if (byPrefix.size === 0) return out;
  let result = "";
  let copied = 0;
  for (let i = 0; i <= out.length - PREFIX; ) {
    const candidates = byPrefix.get(out.slice(i, i + PREFIX));
    const hit = candidates?.find((f) => out.startsWith(f, i));
    if (hit === void 0) {
      i++;
      continue;
    }
    result += out.slice(copied, i) + MASK;
    i += hit.length;
    copied = i;
  }
  return copied === 0 ? out : result + out.slice(copied);
}
var SECRET_FIELD = "password|passwd|client_secret|secret|access_token|refresh_token|id_token|token|api_key|apikey|private_key|client_assertion|assertion";
function isBasicCredential(b64) {
  try {
    return Buffer.from(b64, "base64").toString("utf8").includes(":");
  } catch {
    return false;
  }
}
var PATTERNS = [
  // PEM private keys, whole.
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g, () => MASK],
  // Authorization-like headers and fields: "authorization: Bearer x", "authorization":"Basic y", \"x-api-key\":\"…\".
  // The value is one credential (with its scheme): a header echoed on one flattened line must not swallow the rest.
  [
    /\b(authorization|proxy-authorization|x-api-key|cookie|set-cookie)(\\?["']?\s*[:=]\s*\\?["']?)((?:[A-Za-z]+[ \t]+)?[^\s"'\\,;}]+)/gi,
    (_m, name = "", sep = "") => `${name}${sep}${MASK}`
  ],
  // JSON fields: "password": "…" (escapes inside the value respected).
  [
    new RegExp(`"(${SECRET_FIELD})"(\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, "gi"),
    (_m, name = "", sep = "") => `"${name}"${sep}"${MASK}"`
  ],
  // JSON inside a JSON string (a backend that quotes the request it refused): \"password\":\"…\".
  [
    new RegExp(`\\\\"(${SECRET_FIELD})\\\\"(\\s*:\\s*)\\\\".*?\\\\"`, "gi"),
    (_m, name = "", sep = "") => `\\"${name}\\"${sep}\\"${MASK}\\"`
  ],
  // Python/JS-style single quotes: 'password': '…'.
  [new RegExp(`'(${SECRET_FIELD})'(\\s*:\\s*)'[^']*'`, "gi"), (_m, name = "", sep = "") => `'${name}'${sep}'${MASK}'`],
  // Forms and query strings: password=…&, ?access_token=….
  [
    new RegExp(`(?<![\\w-])(${SECRET_FIELD})=([^&\\s"'<>\\\\]+)`, "gi"),
    // A value masked already (a registered one) keeps what follows it.
    (m, name = "", value = "") => value.startsWith(MASK) ? m : `${name}=${MASK}`
  ],
  // JWTs (the App's, SciCat's) wherever they stand.
  [/\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, () => MASK],
  // GitHub tokens: ghp_, gho_, ghu_, ghs_, ghr_, fine-grained PATs.
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g, () => MASK],
  // Bearer credentials of any kind.
  [/\b(Bearer|bearer|BEARER)(\s+)([A-Za-z0-9\-._~+/]{8,}=*)/g, (_m, scheme = "", space = "") => `${scheme}${space}${MASK}`],
  [
    /\b(Basic|basic|BASIC)(\s+)([A-Za-z0-9+/]{4,}={0,2})/g,
    (m, scheme = "", space = "", b64 = "") => isBasicCredential(b64) ? `${scheme}${space}${MASK}` : m
  ],
  // user:password@ in URLs.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@"']+:[^/\s@"']+@/gi, (_m, scheme = "") => `${scheme}${MASK}@`]
];
var TRIGGER = /auth|bearer|basic|token|secret|passw|api[_-]?key|private|assertion|cookie|eyJ|gh[pousr]_|github_pat_|:\/\/[^\s/@]+@/i;
function scrubCredentials(text) {
  if (!TRIGGER.test(text)) return text;
  let out = text;
  for (const [re, fn] of PATTERNS) out = out.replace(re, fn);
  return out;
}
function redact(text) {
  if (text === "") return text;
  return scrubCredentials(maskRegistered(text));
}
var SECRET_KEY = new RegExp(`^(?:${SECRET_FIELD}|authorization|proxy-authorization|cookie|set-cookie|x-api-key)$`, "i");
function redactValue(value, depth = 0) {
  if (typeof value === "string") return redact(value);
  if (depth > 20 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && (typeof v === "string" || typeof v === "number") ? MASK : redactValue(v, depth + 1);
  }
  return out;
}
function registerRequestCredentials(headers, fields) {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!/^(authorization|proxy-authorization|x-api-key|cookie)$/i.test(name)) continue;
    registerSecret(value);
    const credential = /^\S+\s+(\S+)$/.exec(value)?.[1];
    registerSecret(credential);
  }
  if (fields !== null && typeof fields === "object" && !Array.isArray(fields)) {
    for (const [key, v] of Object.entries(fields)) if (SECRET_KEY.test(key) && typeof v === "string") registerSecret(v);
  }
}

// src/errors.ts
var SplashError = class extends Error {
  kind;
  /** What a person should do about it, shown under the message. */
  hint;
  constructor(kind, message, hint) {
    super(redact(message));
    this.name = "SplashError";
    this.kind = kind;
    this.hint = hint === void 0 ? void 0 : redact(hint);
  }
};
var usageError = (message, hint) => new SplashError("usage", message, hint);
var configError = (message, hint) => new SplashError("config", message, hint);
var pathError = (message, hint) => new SplashError("path", message, hint);
var stepError = (message, hint) => new SplashError("step", message, hint);
function describeError(err) {
  if (err instanceof SplashError) return redact(err.hint ? `${err.message}
  hint: ${err.hint}` : err.message);
  if (err instanceof Error) return redact(err.message);
  return redact(String(err));
}
function errorCode(err) {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = e.code;
    if (typeof code === "string") return code;
  }
  return void 0;
}

export {
  registerSecret,
  onSecret,
  redact,
  redactValue,
  registerRequestCredentials,
  SplashError,
  usageError,
  configError,
  pathError,
  stepError,
  describeError,
  errorCode
};
