#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  isPartialName
} from "./chunk-H27OFIM4.js";
import {
  codeOf,
  identityOf,
  isStateName,
  readVerificationRecord,
  sameIdentity
} from "./chunk-D3FNX6KP.js";

// src/prune/sweep-plan.ts
import { lstatSync, readdirSync } from "node:fs";
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
    names = readdirSync(dirAbs);
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
      st = lstatSync(`${dirAbs}/${name}`, { bigint: true, throwIfNoEntry: false });
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
    copy = lstatSync(where.abs, { bigint: true, throwIfNoEntry: false });
  } catch (err) {
    const code = codeOf(err);
    return { problem: code === "ENOTDIR" ? `not replicated: no copy at ${c}` : `copy at ${c} is unreadable (${code})` };
  }
  if (copy === void 0) return { problem: `not replicated: no copy at ${c}` };
  if (copy.isSymbolicLink()) return { problem: `copy at ${c} is a symlink (not followed)` };
  if (!copy.isFile()) return { problem: `copy at ${c} is not a regular file` };
  return { stat: copy };
}
function changedSincePlanned(spec, locator, item, srcPath = `${spec.root}/${item.rel}`) {
  let src;
  try {
    src = lstatSync(srcPath, { bigint: true, throwIfNoEntry: false });
  } catch (err) {
    return `unreadable now (${codeOf(err)})`;
  }
  if (!src) return "gone since the plan";
  if (!src.isFile() || identityKey(identityOf(src)) !== item.id) return "changed since it was verified";
  const copy = copyAt(spec, locator, item.rel);
  if ("problem" in copy) return copy.problem;
  if (identityKey(identityOf(copy.stat)) !== item.copyId) return `copy at ${spec.checkName} changed since it was verified`;
  return void 0;
}

export {
  identityKey,
  planDirectory,
  changedSincePlanned
};
