#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  errorCode
} from "./chunk-UOHAREYA.js";

// src/fs/walk.ts
import { lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";
function* walkTree(rootAbs, startRel = "") {
  const stack = [{ rel: startRel, abs: startRel ? join(rootAbs, startRel) : rootAbs }];
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
      const abs = join(top.abs, name);
      let st;
      try {
        st = lstatSync(abs);
      } catch (err) {
        yield { kind: "skipped", rel, abs, reason: `unreadable (${codeOf(err)})` };
        continue;
      }
      if (st.isFile()) yield { kind: "file", rel, abs, stat: st };
      else if (st.isDirectory()) dirs.push({ rel, abs });
      else if (st.isSymbolicLink()) yield { kind: "skipped", rel, abs, reason: "symlink (not followed)" };
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

export {
  walkTree,
  codeOf
};
