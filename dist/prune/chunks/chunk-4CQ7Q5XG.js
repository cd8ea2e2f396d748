import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  errorCode,
  pathError
} from "./chunk-2H32LMKA.js";

// src/text.ts
var INVISIBLE = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;
var NEEDS_QUOTING = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;
function safeJson(value) {
  const text = JSON.stringify(value);
  return text.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
function displayName(name) {
  return NEEDS_QUOTING.test(name) ? safeJson(name) : name;
}

// src/paths.ts
import { lstat, readlink, realpath } from "node:fs/promises";
import { lstatSync } from "node:fs";
var MAX_PATH_BYTES = 4096;
var MAX_SEGMENT_BYTES = 255;
var SHOWN_CHARS = 80;
function showValue(value) {
  const points = Array.from(value.slice(0, SHOWN_CHARS * 2));
  const truncated = value.length > SHOWN_CHARS && (points.length > SHOWN_CHARS || value.length > SHOWN_CHARS * 2);
  const head = truncated ? points.slice(0, SHOWN_CHARS).join("") : value;
  const escaped = safeJson(head);
  return truncated ? `${escaped}… (${value.length} chars)` : escaped;
}
function describeType(input) {
  if (input === null) return "null";
  if (Array.isArray(input)) return "an array";
  return typeof input === "object" ? "an object" : `a ${typeof input}`;
}
function reject(field, what, input, hint) {
  throw pathError(`${field}: ${what} (got ${showValue(input)})`, hint);
}
function badCharacters(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 31 || c >= 127 && c <= 159) return "control characters are not allowed";
    if (c >= 8234 && c <= 8238 || c >= 8294 && c <= 8297 || c === 8206 || c === 8207 || c === 1564) {
      return "Unicode bidirectional control characters are not allowed";
    }
    if (c === 8232 || c === 8233) return "Unicode line/paragraph separators are not allowed";
    if (c === 65279) return "a byte-order mark (U+FEFF) is not allowed";
    if (c === 8725 || c === 10741 || c === 65295 || c === 65340) {
      return "look-alike slash characters are not allowed";
    }
    if (c >= 55296 && c <= 56319) {
      const next = s.charCodeAt(i + 1);
      if (next >= 56320 && next <= 57343) {
        i++;
        continue;
      }
      return "lone UTF-16 surrogates are not allowed (not valid Unicode)";
    }
    if (c >= 56320 && c <= 57343) return "lone UTF-16 surrogates are not allowed (not valid Unicode)";
  }
  return void 0;
}
function encodedTraversal(segments) {
  for (const seg of segments) {
    let s = seg.toLowerCase();
    for (let prev = ""; prev !== s; ) {
      prev = s;
      s = s.replaceAll("%25", "%");
    }
    if (/%(2f|5c|00)|%c0%(ae|af)|%c1%(9c|1c)/.test(s)) return true;
    const decodedDots = s.replace(/%2e|%c0%ae/g, ".");
    if (decodedDots !== s && (decodedDots === "." || decodedDots === "..")) return true;
  }
  return false;
}
function byteLength(s) {
  return Buffer.byteLength(s, "utf8");
}
function checkSegment(field, seg, input, allowDash) {
  if (byteLength(seg) > MAX_SEGMENT_BYTES) {
    reject(field, `a path segment is too long (${byteLength(seg)} bytes, limit ${MAX_SEGMENT_BYTES})`, input);
  }
  if (/^\s|\s$/.test(seg)) reject(field, "a path segment starts or ends with whitespace", input);
  if (!allowDash && seg.startsWith("-")) {
    reject(field, `a path segment starts with '-' (it could be read as a command-line option)`, input);
  }
}
var SEND_A_PATH = `send the path relative to the endpoint root, or absolute under the beamline's path_prefix, '/'-separated`;
var WRITE_A_ROOT = `write the absolute path in full, '/'-separated (e.g. /data/beamline)`;
function checkFirstSegment(field, first, input, fix) {
  if (first.startsWith("~")) {
    reject(field, `the first segment starts with '~', which a shell, ssh or hsi reads as a home folder`, input, `'~' is never expanded: ${fix}`);
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(first)?.[1];
  if (scheme === void 0) return;
  if (scheme.length === 1) reject(field, "Windows drive paths are not allowed", input, `${fix}; a Windows file watcher must convert its paths`);
  reject(field, `the path looks like a URL (scheme "${scheme}:"), not a file path`, input, `a file path, not a URL: ${fix}`);
}
function checkCommon(field, input, fix) {
  if (input.trim() === "") reject(field, "path is empty", input);
  if (byteLength(input) > MAX_PATH_BYTES) {
    reject(field, `path is too long (${byteLength(input)} bytes, limit ${MAX_PATH_BYTES})`, input);
  }
  const bad = badCharacters(input);
  if (bad !== void 0) reject(field, bad, input);
  if (input.includes("\\")) {
    reject(field, "backslashes are not allowed", input, `use '/' as the separator; a Windows file watcher must convert its paths`);
  }
  if (input.startsWith("//")) reject(field, `UNC-style paths ('//server/...') are not allowed`, input);
  checkFirstSegment(field, input.split("/", 1)[0] ?? "", input, fix);
  const segments = input.split("/");
  if (segments.includes("..")) reject(field, `".." segments are not allowed`, input);
  if (encodedTraversal(segments)) {
    reject(field, "percent-encoded traversal or separators (%2e%2e, %2f, %5c, %00) are not allowed", input);
  }
}
function gatePath(input, opts) {
  const field = opts?.field ?? "path";
  if (typeof input !== "string") throw pathError(`${field}: must be a string (got ${describeType(input)})`);
  const prefix = opts?.prefix === void 0 ? void 0 : gateRootPath(opts.prefix, "path_prefix");
  checkCommon(field, input, SEND_A_PATH);
  let rest = input;
  if (input.startsWith("/")) {
    if (prefix === void 0) {
      reject(field, "absolute paths are not allowed here", input, "send the path relative to the endpoint root");
    }
    if (prefix === "/") rest = input.slice(1);
    else if (input === prefix || input.startsWith(`${prefix}/`)) rest = input.slice(prefix.length);
    else reject(field, `absolute path outside the beamline prefix ${prefix}`, input);
  }
  const segments = rest.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.length === 0) reject(field, "path names no file (nothing left after the prefix and normalisation)", input);
  checkFirstSegment(field, segments[0] ?? "", input, SEND_A_PATH);
  for (const seg of segments) checkSegment(field, seg, input, false);
  return segments.join("/");
}
function gateRootPath(input, field) {
  if (typeof input !== "string") throw pathError(`${field}: must be a string (got ${describeType(input)})`);
  checkCommon(field, input, WRITE_A_ROOT);
  if (!input.startsWith("/")) reject(field, "must be an absolute path (starting with /)", input);
  if (input === "/") return "/";
  const trimmed = input.endsWith("/") ? input.slice(0, -1) : input;
  const segments = trimmed.slice(1).split("/");
  if (segments.includes("")) reject(field, `empty segments ('//') are not allowed`, input);
  if (segments.includes(".")) reject(field, `"." segments are not allowed`, input);
  for (const seg of segments) checkSegment(field, seg, input, true);
  return trimmed;
}
function assertRelPath(rel, field) {
  const gated = gatePath(rel, { field });
  if (gated !== rel) reject(field, "not a normalised relative path", rel);
  return gated;
}
function joinInside(root, rel) {
  const r = gateRootPath(root, "root");
  const p = assertRelPath(rel, "path");
  return r === "/" ? `/${p}` : `${r}/${p}`;
}
function isInside(root, p) {
  return root === "/" || p === root || p.startsWith(`${root}/`);
}
function relPathUnder(root, absolute) {
  const r = gateRootPath(root, "root");
  const a = gateRootPath(absolute, "path");
  if (a === r || !isInside(r, a)) reject("path", `not inside the root ${r}`, absolute);
  return gatePath(a.slice(r === "/" ? 1 : r.length + 1));
}
var MAX_SYMLINK_HOPS = 40;
function parentOf(p) {
  const i = p.lastIndexOf("/");
  return i <= 0 ? "/" : p.slice(0, i);
}
var END_OF_LINK = /* @__PURE__ */ Symbol("end-of-link");
async function resolveInside(root, rel, opts) {
  const field = opts?.field ?? "path";
  const rootNorm = gateRootPath(root, "root");
  const relNorm = assertRelPath(rel, field);
  const joined = joinInside(rootNorm, relNorm);
  let realRoot;
  try {
    realRoot = await realpath(rootNorm);
  } catch (err) {
    throw pathError(`${field}: endpoint root ${showValue(rootNorm)} cannot be resolved (${errorCode(err) ?? "error"})`);
  }
  const insideRoot = (p) => isInside(realRoot, p);
  const onRoadToRoot = (p) => insideRoot(p) || isInside(p, realRoot);
  let position = realRoot;
  const queue = relNorm.split("/");
  let shown = "";
  let linkDepth = 0;
  let hops = 0;
  const fail = (what) => reject(field, what, relNorm);
  for (let item = queue.shift(); item !== void 0; item = queue.shift()) {
    if (item === END_OF_LINK) {
      linkDepth--;
      if (!insideRoot(position)) fail(`${showValue(shown)} leads outside the endpoint root ${rootNorm} through a symlink`);
      continue;
    }
    if (linkDepth === 0) shown = shown === "" ? item : `${shown}/${item}`;
    if (item === "" || item === ".") continue;
    if (item === "..") {
      position = parentOf(position);
    } else {
      const candidate = position === "/" ? `/${item}` : `${position}/${item}`;
      let isLink;
      try {
        isLink = (await lstat(candidate)).isSymbolicLink();
      } catch (err) {
        const code = errorCode(err);
        if (code === "ENOENT" && linkDepth > 0) fail(`${showValue(shown)} is a symlink to a missing target; refusing to follow it`);
        if (code === "ENOENT") {
          if (opts?.mustExist === true) fail(`does not exist under ${rootNorm}`);
          return joined;
        }
        if (code === "ENOTDIR") fail(`a parent of ${showValue(shown)} is not a directory`);
        return fail(`cannot check ${showValue(shown)} (${code ?? "error"})`);
      }
      if (isLink) {
        if (++hops > MAX_SYMLINK_HOPS) fail(`too many symlinks (a loop?) at ${showValue(shown)}`);
        const target = await readlink(candidate);
        if (target.startsWith("/")) position = "/";
        else position = parentOf(candidate);
        queue.unshift(...target.split("/"), END_OF_LINK);
        linkDepth++;
        continue;
      }
      position = candidate;
    }
    if (linkDepth > 0 ? !onRoadToRoot(position) : !insideRoot(position)) {
      fail(`${showValue(shown)} leads outside the endpoint root ${rootNorm} through a symlink`);
    }
  }
  return joined;
}
var SweepLocator = class {
  root;
  dirs = /* @__PURE__ */ new Map([["", null]]);
  constructor(root) {
    this.root = gateRootPath(root, "root");
  }
  locate(rel) {
    if (rel === "" || rel.includes("\0") || /(^|\/)\.{0,2}(\/|$)/.test(rel)) {
      throw pathError(`not a walked path: ${showValue(rel)}`);
    }
    const cut = rel.lastIndexOf("/");
    const problem = cut < 0 ? null : this.dirProblem(rel.slice(0, cut));
    if (problem) return { abs: void 0, problem };
    return { abs: this.root === "/" ? `/${rel}` : `${this.root}/${rel}`, problem: null };
  }
  dirProblem(dirRel) {
    const known = this.dirs.get(dirRel);
    if (known !== void 0) return known;
    const cut = dirRel.lastIndexOf("/");
    let problem = cut < 0 ? null : this.dirProblem(dirRel.slice(0, cut));
    if (!problem) {
      try {
        const st = lstatSync(this.root === "/" ? `/${dirRel}` : `${this.root}/${dirRel}`);
        problem = st.isSymbolicLink() ? "symlink" : st.isDirectory() ? null : "not-a-directory";
      } catch (err) {
        const code = errorCode(err);
        problem = code === "ENOENT" || code === "ENOTDIR" ? "missing" : "unreadable";
      }
    }
    this.dirs.set(dirRel, problem);
    return problem;
  }
};

export {
  safeJson,
  displayName,
  gatePath,
  gateRootPath,
  joinInside,
  isInside,
  relPathUnder,
  resolveInside,
  SweepLocator
};
