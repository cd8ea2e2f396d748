#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  redact,
  redactValue
} from "./chunk-ZFJJYYNF.js";

// src/run/report.ts
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
var REPORT_SCHEMA = "splash-step-report/1";
var REPORT_LIST_LIMIT = 100;
var StepReport = class {
  #step;
  #beamline = null;
  #facts = /* @__PURE__ */ new Map();
  /** Names the step this context runs; a context that never names one writes no report (watch, demo). */
  begin(step, beamline = null) {
    this.#step = step;
    this.#beamline = beamline;
    return this;
  }
  get step() {
    return this.#step;
  }
  set(key, value) {
    this.#facts.set(key, value);
    return this;
  }
  /** A capped list under `key`, with `<key>_total` holding the full count. */
  list(key, items) {
    this.#facts.set(key, items.slice(0, REPORT_LIST_LIMIT));
    this.#facts.set(`${key}_total`, items.length);
    return this;
  }
  /** The document, masked: nothing a step put here can carry a secret out. */
  toDoc(end) {
    if (this.#step === void 0) return void 0;
    const doc = {
      schema: REPORT_SCHEMA,
      step: this.#step,
      title: end.title,
      beamline: this.#beamline,
      status: end.status,
      error: end.error === null ? null : redact(end.error.replace(/\s+/g, " ").trim()).slice(0, 500),
      started: end.started.toISOString(),
      finished: end.finished.toISOString(),
      seconds: Math.max(0, (end.finished.getTime() - end.started.getTime()) / 1e3),
      run: end.run,
      facts: Object.fromEntries(this.#facts)
    };
    return redactValue(doc);
  }
};
function runOf(env = process.env) {
  const id = Number(env.GITHUB_RUN_ID);
  if (env.GITHUB_ACTIONS !== "true" || !Number.isSafeInteger(id) || id <= 0) return null;
  return {
    repository: env.GITHUB_REPOSITORY ?? "",
    run_id: id,
    run_attempt: Number(env.GITHUB_RUN_ATTEMPT ?? "1") || 1,
    workflow: env.GITHUB_WORKFLOW ?? "",
    job: env.GITHUB_JOB ?? ""
  };
}
function reportDir(env = process.env) {
  const explicit = env.SPLASH_REPORT_DIR ?? "";
  if (explicit !== "") return path.resolve(explicit);
  const temp = env.RUNNER_TEMP ?? "";
  if (env.GITHUB_ACTIONS === "true" && temp !== "") return path.join(temp, "splash-reports");
  return void 0;
}
var written = 0;
async function writeReport(doc, dir) {
  await mkdir(dir, { recursive: true });
  const label = [doc.step, doc.beamline ?? "all"].join("-").replace(/[^A-Za-z0-9._-]/g, "_");
  const name = `${label}-${doc.started.replace(/[:.]/g, "")}-${process.pid}-${++written}.json`;
  const file = path.join(dir, name);
  const temp = `${file}.partial`;
  await writeFile(temp, `${JSON.stringify(doc, null, 2)}
`, { mode: 420 });
  await rename(temp, file);
  return file;
}

export {
  REPORT_SCHEMA,
  StepReport,
  runOf,
  reportDir,
  writeReport
};
