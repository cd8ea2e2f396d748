#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  planDirectory
} from "./chunk-5LS3ENJB.js";
import "./chunk-H27OFIM4.js";
import "./chunk-D3FNX6KP.js";
import "./chunk-2647Y4NJ.js";
import {
  SweepLocator
} from "./chunk-2EMMB7EI.js";
import "./chunk-4VXUNQHW.js";
import "./chunk-ZFJJYYNF.js";
import "./chunk-CJW4YZWO.js";

// src/prune/sweep-parallel.ts
import { availableParallelism } from "node:os";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
var PARALLEL_AFTER_ENTRIES = 5e3;
var MAX_WORKERS = 4;
var IN_FLIGHT_PER_WORKER = 2;
var WORKER_TAG = "splash-prune-plan";
async function planTree(spec) {
  const tree = { files: 0, workers: 0, kept: [], candidates: [], unsafe: [], youngDirs: [] };
  const merge = (p) => {
    tree.files += p.files;
    for (const k of p.kept) tree.kept.push(k);
    for (const c of p.candidates) tree.candidates.push(c);
    for (const u of p.unsafe) tree.unsafe.push(u);
    for (const d of p.youngDirs) tree.youngDirs.push(d);
  };
  const locator = new SweepLocator(spec.checkRoot);
  const queue = [""];
  let entries = 0;
  while (queue.length > 0 && (entries < PARALLEL_AFTER_ENTRIES || !canRunWorkers())) {
    const dir = queue.pop() ?? "";
    const plan = planDirectory(spec, locator, dir);
    entries += plan.files + plan.subdirs.length + plan.unsafe.length;
    merge(plan);
    for (let i = plan.subdirs.length - 1; i >= 0; i--) queue.push(plan.subdirs[i] ?? "");
  }
  if (queue.length > 0) tree.workers = await planWithWorkers(spec, queue, merge);
  tree.kept.sort(byRel);
  tree.candidates.sort(byRel);
  tree.unsafe.sort(byRel);
  return tree;
}
var byRel = (a, b) => a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0;
function canRunWorkers() {
  return import.meta.url.endsWith(".js") && availableParallelism() > 1;
}
async function planWithWorkers(spec, queue, merge) {
  const count = Math.min(MAX_WORKERS, availableParallelism());
  const workers = [];
  const inFlight = /* @__PURE__ */ new Map();
  let busy = 0;
  let finishing = false;
  let results = 0;
  await new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err) => {
      if (settled) return;
      settled = true;
      for (const w of workers) void w.terminate();
      reject(err);
    };
    const feed = () => {
      for (let round = 0; round < IN_FLIGHT_PER_WORKER; round++) {
        for (const w of workers) {
          if ((inFlight.get(w) ?? 0) > round) continue;
          const dir = queue.pop();
          if (dir === void 0) break;
          inFlight.set(w, (inFlight.get(w) ?? 0) + 1);
          busy++;
          w.postMessage({ kind: "dir", dir });
        }
      }
      if (busy === 0 && queue.length === 0 && !finishing) {
        finishing = true;
        for (const w of workers) w.postMessage({ kind: "finish" });
      }
    };
    for (let i = 0; i < count; i++) {
      const w = new Worker(new URL(import.meta.url), { workerData: { tag: WORKER_TAG, spec } });
      workers.push(w);
      w.on("message", (msg) => {
        if (msg.kind === "result") {
          merge(msg.plan);
          if (++results === workers.length && !settled) {
            settled = true;
            resolve();
          }
          return;
        }
        busy--;
        inFlight.set(w, (inFlight.get(w) ?? 1) - 1);
        for (let j = msg.subdirs.length - 1; j >= 0; j--) queue.push(msg.subdirs[j] ?? "");
        feed();
      });
      w.on("error", fail);
      w.on("exit", (code) => {
        if (code !== 0) fail(new Error(`prune planning worker exited with code ${code}`));
      });
    }
    feed();
  });
  return count;
}
if (!isMainThread && parentPort && workerData?.tag === WORKER_TAG) {
  const port = parentPort;
  const spec = workerData.spec;
  const locator = new SweepLocator(spec.checkRoot);
  const all = { files: 0, kept: [], candidates: [], unsafe: [], subdirs: [], youngDirs: [] };
  port.on("message", (msg) => {
    if (msg.kind === "finish") {
      port.postMessage({ kind: "result", plan: all });
      port.close();
      return;
    }
    const plan = planDirectory(spec, locator, msg.dir);
    all.files += plan.files;
    for (const k of plan.kept) all.kept.push(k);
    for (const c of plan.candidates) all.candidates.push(c);
    for (const u of plan.unsafe) all.unsafe.push(u);
    for (const d of plan.youngDirs) all.youngDirs.push(d);
    port.postMessage({ kind: "subdirs", subdirs: plan.subdirs });
  });
}
export {
  planTree
};
