import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  HASH_ALGORITHM
} from "./chunk-IUYC6642.js";
import {
  errorCode
} from "./chunk-2H32LMKA.js";

// src/prune/sweep-plan.ts
import { lstatSync as lstatSync3, readdirSync as readdirSync2 } from "node:fs";

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

// src/transfer/partial.ts
import { createHash as createHash2, randomBytes } from "node:crypto";
import { readdir, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join as join3 } from "node:path";

// src/process-alive.ts
function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) !== "ESRCH";
  }
}

// src/transfer/partial.ts
var PARTIAL_SUFFIX = ".splash-partial";
var HOST = createHash2("sha256").update(hostname()).digest("hex").slice(0, 8);
var MAX_BASE_BYTES = 255 - 1 - 1 - HOST.length - 1 - 10 - 1 - 8 - PARTIAL_SUFFIX.length;
function isPartialName(name) {
  return name.endsWith(PARTIAL_SUFFIX);
}
function partialStem(finalBase) {
  const base = Buffer.byteLength(finalBase) <= MAX_BASE_BYTES ? finalBase : createHash2("sha256").update(finalBase).digest("hex").slice(0, 32);
  return `.${base}.`;
}
var nonces = randomBytes(4).readUInt32BE(0);
var nextNonce = () => {
  nonces = nonces + 1 >>> 0;
  return nonces.toString(16).padStart(8, "0");
};
function partialNameFor(finalPath, pid = process.pid, nonce = nextNonce()) {
  return join3(dirname(finalPath), `${partialStem(basename(finalPath))}${HOST}-${pid}-${nonce}${PARTIAL_SUFFIX}`);
}
var OWNER = /\.([0-9a-f]{8})-(\d+)-[0-9a-f]+\.splash-partial$/;
async function removeStalePartialsIn(dir) {
  let names;
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(".") || !name.endsWith(PARTIAL_SUFFIX)) continue;
    const m = OWNER.exec(name);
    if (m?.[1] === HOST && m[2] !== void 0 && Number(m[2]) !== process.pid && !processAlive(Number(m[2]))) {
      await rm(join3(dir, name), { force: true });
    }
  }
}

// src/prune/sweep-plan.ts
function identityKey(id) {
  return `${id.dev}:${id.ino}:${id.size}:${id.mtimeNs}:${id.ctimeNs}`;
}
var SWEEP_REASONS = {
  missing: (c) => `not replicated: no copy at ${c}`,
  symlink: (c) => `the folder at ${c} is a symlink (not followed), so the copy is not verifiable`,
  "not-a-directory": (c) => `not replicated: a parent folder at ${c} is a file`,
  unreadable: (c) => `the folder at ${c} is unreadable`
};
function planDirectory(spec, locator, dirRel) {
  const plan = { files: 0, kept: [], candidates: [], unsafe: [], subdirs: [], youngDirs: [] };
  const dirAbs = dirRel === "" ? spec.root : `${spec.root}/${dirRel}`;
  let names;
  try {
    names = readdirSync2(dirAbs);
  } catch (err) {
    plan.unsafe.push({ rel: dirRel || ".", reason: `unreadable folder (${codeOf(err)}); nothing in it was pruned` });
    return plan;
  }
  names.sort();
  const cutoffNs = BigInt(Math.floor(spec.cutoffMs)) * 1000000n;
  for (const name of names) {
    if (isStateName(name)) continue;
    const rel = dirRel === "" ? name : `${dirRel}/${name}`;
    let st;
    try {
      st = lstatSync3(`${dirAbs}/${name}`, { bigint: true, throwIfNoEntry: false });
    } catch (err) {
      plan.unsafe.push({ rel, reason: `unreadable (${codeOf(err)})` });
      continue;
    }
    if (st === void 0) continue;
    if (st.isDirectory()) {
      plan.subdirs.push(rel);
      if (st.mtimeNs > cutoffNs) plan.youngDirs.push(rel);
      continue;
    }
    if (st.isSymbolicLink()) {
      plan.unsafe.push({ rel, reason: "symlink (not followed)" });
      continue;
    }
    if (!st.isFile()) {
      plan.unsafe.push({ rel, reason: "not a regular file" });
      continue;
    }
    plan.files++;
    if (st.mtimeNs > cutoffNs) {
      plan.kept.push({ rel, size: Number(st.size), mtimeMs: Number(st.mtimeNs / 1000000n) });
      continue;
    }
    if (isPartialName(name)) {
      plan.unsafe.push({ rel, reason: "unfinished copy left by an interrupted move; re-run the move, or delete it by hand" });
      continue;
    }
    const c = candidate(spec, locator, rel, st);
    if ("problem" in c) plan.unsafe.push({ rel, reason: c.problem });
    else plan.candidates.push(c.item);
  }
  return plan;
}
function candidate(spec, locator, rel, src) {
  const copy = copyAt(spec, locator, rel);
  if ("problem" in copy) return copy;
  const c = spec.checkName;
  const st = copy.stat;
  if (st.dev === src.dev && st.ino === src.ino) return { problem: `copy at ${c} is this very file (same inode), not a second copy` };
  if (st.size !== src.size) return { problem: `size differs at ${c} (${st.size} bytes there, ${src.size} here)` };
  if (st.mtimeNs / 1000000000n < src.mtimeNs / 1000000000n) return { problem: `copy at ${c} is older than this file (modified after it was copied?)` };
  const id = identityOf(src);
  const copyId = identityOf(st);
  const proof = spec.verify === "hash" || !spec.records ? { kind: "both" } : proofFromRecord(spec.checkRoot, rel, id, copyId);
  return { item: { rel, size: Number(src.size), mtimeMs: Number(src.mtimeNs / 1000000n), id: identityKey(id), copyId: identityKey(copyId), proof } };
}
function proofFromRecord(checkRoot, rel, id, copyId) {
  const record = readVerificationRecord(checkRoot, rel);
  if (!record || !sameIdentity(record.copy, copyId)) return { kind: "both" };
  if (sameIdentity(record.source.identity, id)) return { kind: "record" };
  return { kind: "source", digest: record.digest };
}
function copyAt(spec, locator, rel) {
  const c = spec.checkName;
  const where = locator.locate(rel);
  if (where.problem) return { problem: SWEEP_REASONS[where.problem](c) };
  let copy;
  try {
    copy = lstatSync3(where.abs, { bigint: true, throwIfNoEntry: false });
  } catch (err) {
    const code = codeOf(err);
    return { problem: code === "ENOTDIR" ? `not replicated: no copy at ${c}` : `copy at ${c} is unreadable (${code})` };
  }
  if (copy === void 0) return { problem: `not replicated: no copy at ${c}` };
  if (copy.isSymbolicLink()) return { problem: `copy at ${c} is a symlink (not followed)` };
  if (!copy.isFile()) return { problem: `copy at ${c} is not a regular file` };
  return { stat: copy };
}

export {
  isStateName,
  identityOf,
  sameIdentity,
  originOf,
  writeVerificationRecords,
  readVerificationRecord,
  walkTree,
  codeOf,
  isPartialName,
  partialNameFor,
  removeStalePartialsIn,
  planDirectory
};
