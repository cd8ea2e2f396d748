#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  codeOf
} from "./chunk-G5OPJ76Q.js";

// src/prune/sweep-plan.ts
import { lstatSync, readdirSync } from "node:fs";

// src/transfer/partial.ts
import { createHash, randomBytes } from "node:crypto";
import { readdir, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
var PARTIAL_SUFFIX = ".splash-partial";
var HOST = createHash("sha256").update(hostname()).digest("hex").slice(0, 8);
var MAX_BASE_BYTES = 255 - 1 - 1 - HOST.length - 1 - 10 - 1 - 8 - PARTIAL_SUFFIX.length;
function isPartialName(name) {
  return name.endsWith(PARTIAL_SUFFIX);
}
function partialStem(finalBase) {
  const base = Buffer.byteLength(finalBase) <= MAX_BASE_BYTES ? finalBase : createHash("sha256").update(finalBase).digest("hex").slice(0, 32);
  return `.${base}.`;
}
function partialNameFor(finalPath, pid = process.pid, nonce = randomBytes(4).toString("hex")) {
  return join(dirname(finalPath), `${partialStem(basename(finalPath))}${HOST}-${pid}-${nonce}${PARTIAL_SUFFIX}`);
}
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err instanceof Error && "code" in err && err.code === "EPERM";
  }
}
async function removeStalePartials(finalPath) {
  const stem = partialStem(basename(finalPath));
  let names;
  try {
    names = await readdir(dirname(finalPath));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(stem) || !name.endsWith(PARTIAL_SUFFIX)) continue;
    const owner = name.slice(stem.length, -PARTIAL_SUFFIX.length);
    const m = /^([0-9a-f]{8})-(\d+)-[0-9a-f]+$/.exec(owner);
    if (m?.[1] === HOST && m[2] !== void 0 && Number(m[2]) !== process.pid && !alive(Number(m[2]))) {
      await rm(join(dirname(finalPath), name), { force: true });
    }
  }
}

// src/prune/sweep-plan.ts
var SWEEP_REASONS = {
  missing: (c) => `not replicated: no copy at ${c}`,
  symlink: (c) => `the folder at ${c} is a symlink (not followed), so the copy is not verifiable`,
  "not-a-directory": (c) => `not replicated: a parent folder at ${c} is a file`,
  unreadable: (c) => `the folder at ${c} is unreadable`
};
function planDirectory(spec, locator, dirRel) {
  const plan = { files: 0, kept: [], candidates: [], unsafe: [], subdirs: [] };
  const dirAbs = dirRel === "" ? spec.root : `${spec.root}/${dirRel}`;
  let names;
  try {
    names = readdirSync(dirAbs);
  } catch (err) {
    plan.unsafe.push({ rel: dirRel || ".", reason: `unreadable folder (${codeOf(err)}); nothing in it was pruned` });
    return plan;
  }
  names.sort();
  for (const name of names) {
    const rel = dirRel === "" ? name : `${dirRel}/${name}`;
    let st;
    try {
      st = lstatSync(`${dirAbs}/${name}`, { throwIfNoEntry: false });
    } catch (err) {
      plan.unsafe.push({ rel, reason: `unreadable (${codeOf(err)})` });
      continue;
    }
    if (st === void 0) continue;
    if (st.isDirectory()) {
      plan.subdirs.push(rel);
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
    const item = { rel, size: st.size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino };
    if (st.mtimeMs > spec.cutoffMs) {
      plan.kept.push(item);
      continue;
    }
    if (isPartialName(name)) {
      plan.unsafe.push({ rel, reason: "unfinished copy left by an interrupted move; re-run the move, or delete it by hand" });
      continue;
    }
    const problem = replicaProblem(spec, locator, item);
    if (problem) plan.unsafe.push({ rel, reason: problem });
    else plan.candidates.push(item);
  }
  return plan;
}
function replicaProblem(spec, locator, item) {
  const c = spec.checkName;
  const where = locator.locate(item.rel);
  if (where.problem) return SWEEP_REASONS[where.problem](c);
  let copy;
  try {
    copy = lstatSync(where.abs, { throwIfNoEntry: false });
  } catch (err) {
    const code = codeOf(err);
    return code === "ENOTDIR" ? `not replicated: no copy at ${c}` : `copy at ${c} is unreadable (${code})`;
  }
  if (copy === void 0) return `not replicated: no copy at ${c}`;
  if (copy.isSymbolicLink()) return `copy at ${c} is a symlink (not followed)`;
  if (!copy.isFile()) return `copy at ${c} is not a regular file`;
  if (copy.dev === item.dev && copy.ino === item.ino) return `copy at ${c} is this very file (same inode), not a second copy`;
  if (copy.size !== item.size) return `size differs at ${c} (${copy.size} bytes there, ${item.size} here)`;
  if (Math.floor(copy.mtimeMs / 1e3) < Math.floor(item.mtimeMs / 1e3)) {
    return `copy at ${c} is older than this file (modified after it was copied?)`;
  }
  return void 0;
}

export {
  isPartialName,
  partialNameFor,
  removeStalePartials,
  planDirectory,
  replicaProblem
};
