import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  createContentHasher,
  hashFile
} from "./chunk-IUYC6642.js";
import "./chunk-56GLMHBG.js";

// src/fs/hash-growing.ts
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
var WORKER_TAG = "splash-hash-growing";
var CHUNK = 4 * 1024 * 1024;
var UNKNOWN = -1n;
var ABORT = -2n;
function hashGrowingFile(path) {
  if (!import.meta.url.endsWith(".js")) {
    return { finish: () => hashFile(path), abort: () => void 0 };
  }
  const target = new BigInt64Array(new SharedArrayBuffer(8));
  target[0] = UNKNOWN;
  const worker = new Worker(new URL(import.meta.url), { workerData: { tag: WORKER_TAG, path, target } });
  const result = new Promise((resolve, reject) => {
    worker.once("message", (msg) => {
      if ("error" in msg) reject(new Error(msg.error));
      else resolve(msg);
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`hashing worker exited with code ${code}`));
    });
  });
  result.catch(() => void 0);
  const signal = (value) => {
    Atomics.store(target, 0, value);
    Atomics.notify(target, 0);
  };
  return {
    finish: (size) => {
      signal(BigInt(size));
      return result;
    },
    abort: () => {
      signal(ABORT);
      void worker.terminate();
    }
  };
}
async function followAndHash(path, target) {
  const hash = await createContentHasher();
  const buf = Buffer.allocUnsafe(CHUNK);
  const fd = openSync(path, "r");
  let pos = 0;
  try {
    for (; ; ) {
      const goal = Atomics.load(target, 0);
      if (goal === ABORT) break;
      const available = goal >= 0n ? Number(goal) : fstatSync(fd).size;
      if (pos < available) {
        const n = readSync(fd, buf, 0, Math.min(CHUNK, available - pos), pos);
        if (n === 0) throw new Error(`${path} is shorter than expected (${pos} of ${available} bytes)`);
        hash.update(buf.subarray(0, n));
        pos += n;
      } else if (goal >= 0n) {
        break;
      } else {
        Atomics.wait(target, 0, UNKNOWN, 5);
      }
    }
  } finally {
    closeSync(fd);
  }
  return { digest: hash.digest("hex"), bytes: pos };
}
if (!isMainThread && parentPort && workerData?.tag === WORKER_TAG) {
  const { path, target } = workerData;
  const port = parentPort;
  followAndHash(path, target).then(
    (result) => {
      port.postMessage(result);
    },
    (err) => {
      port.postMessage({ error: err instanceof Error ? err.message : String(err) });
    }
  );
}
export {
  hashGrowingFile
};
