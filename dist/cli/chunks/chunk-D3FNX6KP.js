#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  HASH_ALGORITHM
} from "./chunk-2647Y4NJ.js";
import {
  errorCode
} from "./chunk-4VXUNQHW.js";

// src/fs/verification-record.ts
import { appendFileSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
var STATE_DIR = ".splash";
var SPOOL_DIR = ".splash-spool";
var MARKER_PREFIX = ".splash-identity-";
function isStateName(name) {
  return name === STATE_DIR || name === SPOOL_DIR || name.startsWith(MARKER_PREFIX);
}
function identityOf(st) {
  return { dev: String(st.dev), ino: String(st.ino), size: String(st.size), mtimeNs: String(st.mtimeNs), ctimeNs: String(st.ctimeNs) };
}
function sameIdentity(a, b) {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}
function originOf(rootReal, endpoint, rel, st) {
  if (rootReal !== void 0) {
    const made = readVerificationRecord(rootReal, rel);
    if (made && sameIdentity(made.copy, identityOf(st))) return made.source.origin;
  }
  return st.birthtimeNs > 0n ? `${endpoint}:${String(st.dev)}:${String(st.ino)}:${String(st.birthtimeNs)}` : void 0;
}
function folderOf(rel) {
  const cut = rel.lastIndexOf("/");
  return cut < 0 ? "" : rel.slice(0, cut);
}
function folderRecordPath(rootAbs, dirRel) {
  const memo = `${rootAbs}\0${dirRel}`;
  let path = pathMemo.get(memo);
  if (path === void 0) {
    const key = createHash("sha256").update(dirRel).digest("hex");
    path = join(rootAbs, STATE_DIR, "verified", key.slice(0, 2), `${key}.jsonl`);
    pathMemo.set(memo, path);
    if (pathMemo.size > CACHE_FOLDERS) pathMemo.delete(pathMemo.keys().next().value ?? "");
  }
  return path;
}
var pathMemo = /* @__PURE__ */ new Map();
function writeVerificationRecords(rootAbs, records) {
  const byFolder = /* @__PURE__ */ new Map();
  for (const r of records) {
    const dir = folderOf(r.rel);
    let lines = byFolder.get(dir);
    if (!lines) byFolder.set(dir, lines = []);
    lines.push(JSON.stringify(r));
  }
  for (const [dir, lines] of byFolder) {
    const path = folderRecordPath(rootAbs, dir);
    mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    appendFileSync(path, `
${lines.join("\n")}
`, { mode: 420 });
    cache.delete(path);
  }
}
function removeVerificationRecords(rootAbs, rels) {
  writeVerificationRecords(rootAbs, rels.map((rel) => ({ version: 1, rel, removed: true })));
}
function removeFolderRecords(rootAbs, dirRel) {
  const path = folderRecordPath(rootAbs, dirRel);
  rmSync(path, { force: true });
  cache.delete(path);
}
var cache = /* @__PURE__ */ new Map();
var CACHE_FOLDERS = 64;
var RECHECK_MS = 1e3;
function folderRecords(path) {
  const known = cache.get(path);
  const now = Date.now();
  if (known && now - known.checkedAt < RECHECK_MS) return known;
  let st;
  try {
    st = statSync(path, { bigint: true, throwIfNoEntry: false });
  } catch {
    return void 0;
  }
  if (!st?.isFile()) return void 0;
  if (known && known.size === st.size && known.mtimeNs === st.mtimeNs) {
    known.checkedAt = now;
    return known;
  }
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return void 0;
  }
  const byRel = /* @__PURE__ */ new Map();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    let r;
    try {
      r = JSON.parse(line);
    } catch {
      continue;
    }
    if (r.version !== 1 || typeof r.rel !== "string") continue;
    if (r.removed === true) byRel.delete(r.rel);
    else if (isRecord(r)) byRel.set(r.rel, r);
  }
  const entry = { size: st.size, mtimeNs: st.mtimeNs, checkedAt: now, byRel };
  cache.delete(path);
  cache.set(path, entry);
  if (cache.size > CACHE_FOLDERS) cache.delete(cache.keys().next().value ?? "");
  return entry;
}
function readVerificationRecord(rootAbs, rel) {
  return folderRecords(folderRecordPath(rootAbs, folderOf(rel)))?.byRel.get(rel);
}
function isRecord(r) {
  return r.algorithm === HASH_ALGORITHM && typeof r.digest === "string" && /^[0-9a-f]{32}$/.test(r.digest) && isIdentity(r.copy) && typeof r.source?.endpoint === "string" && isIdentity(r.source.identity) && (r.source.origin === void 0 || typeof r.source.origin === "string");
}
function isIdentity(x) {
  if (typeof x !== "object" || x === null) return false;
  const o = x;
  return ["dev", "ino", "size", "mtimeNs", "ctimeNs"].every((k) => typeof o[k] === "string" && /^\d+$/.test(o[k]));
}

// src/fs/walk.ts
import { lstatSync as lstatSync2, readdirSync } from "node:fs";
import { join as join2 } from "node:path";
function* walkTree(rootAbs, startRel = "") {
  const stack = [{ rel: startRel, abs: startRel ? join2(rootAbs, startRel) : rootAbs }];
  for (let top = stack.pop(); top !== void 0; top = stack.pop()) {
    let names;
    try {
      names = readdirSync(top.abs);
    } catch (err) {
      yield { kind: "skipped", rel: top.rel, abs: top.abs, reason: `unreadable folder (${codeOf(err)})` };
      continue;
    }
    names.sort();
    const dirs = [];
    for (const name of names) {
      const rel = top.rel ? `${top.rel}/${name}` : name;
      const abs = join2(top.abs, name);
      let st;
      try {
        st = lstatSync2(abs);
      } catch (err) {
        yield { kind: "skipped", rel, abs, reason: `unreadable (${codeOf(err)})` };
        continue;
      }
      if (st.isFile()) yield { kind: "file", rel, abs, stat: st };
      else if (st.isDirectory()) {
        if (!isStateName(name)) dirs.push({ rel, abs });
      } else if (st.isSymbolicLink()) yield { kind: "skipped", rel, abs, reason: "symlink (not followed)" };
      else yield { kind: "skipped", rel, abs, reason: "not a regular file" };
    }
    for (let i = dirs.length - 1; i >= 0; i--) {
      const d = dirs[i];
      if (d) stack.push(d);
    }
  }
}
function codeOf(err) {
  return errorCode(err) ?? (err instanceof Error ? err.message : String(err));
}

// src/process-alive.ts
function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) !== "ESRCH";
  }
}

export {
  STATE_DIR,
  MARKER_PREFIX,
  isStateName,
  identityOf,
  sameIdentity,
  originOf,
  writeVerificationRecords,
  removeVerificationRecords,
  removeFolderRecords,
  readVerificationRecord,
  walkTree,
  codeOf,
  processAlive
};
