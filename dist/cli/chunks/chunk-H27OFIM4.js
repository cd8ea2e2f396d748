#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  processAlive
} from "./chunk-D3FNX6KP.js";

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
var nonces = randomBytes(4).readUInt32BE(0);
var nextNonce = () => {
  nonces = nonces + 1 >>> 0;
  return nonces.toString(16).padStart(8, "0");
};
function partialNameFor(finalPath, pid = process.pid, nonce = nextNonce()) {
  return join(dirname(finalPath), `${partialStem(basename(finalPath))}${HOST}-${pid}-${nonce}${PARTIAL_SUFFIX}`);
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
      await rm(join(dir, name), { force: true });
    }
  }
}

export {
  isPartialName,
  partialNameFor,
  removeStalePartialsIn
};
