#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  SplashError
} from "./chunk-4VXUNQHW.js";

// src/hpc/controller.ts
var SpecController = class {
  constructor(hpc, jobs, runner, show) {
    this.hpc = hpc;
    this.jobs = jobs;
    this.runner = runner;
    this.show = show;
  }
  hpc;
  jobs;
  runner;
  show;
  #go(spec) {
    if (!this.runner) throw new Error(`${this.hpc} controller: describe only (no client)`);
    return this.runner(spec);
  }
  reconstruct(scan, options) {
    return this.#go(this.jobs.reconstruct(scan, options));
  }
  get buildsMultiResolution() {
    return this.jobs.multires !== void 0;
  }
  buildMultiResolution(scan, _recon, options) {
    if (!this.jobs.multires) throw new Error("this beamline builds no multi-resolution copy");
    return this.#go(this.jobs.multires(scan, options));
  }
  /** Every job's spec as the centre would receive it. */
  describe(scan, options) {
    const specs = [this.jobs.reconstruct(scan, options), ...this.jobs.multires ? [this.jobs.multires(scan, options)] : []];
    return specs.map((s) => this.show(s));
  }
};

// src/hpc/wait.ts
import { setTimeout as delay } from "node:timers/promises";
var JobCancelled = class extends SplashError {
  constructor(message, hint) {
    super("step", message, hint);
    this.name = "JobCancelled";
  }
};
async function sleepOrAbort(ms, signal) {
  try {
    await delay(ms, void 0, { signal });
  } catch {
  }
}

export {
  SpecController,
  JobCancelled,
  sleepOrAbort
};
