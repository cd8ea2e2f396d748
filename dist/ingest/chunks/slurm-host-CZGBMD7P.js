import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  ACTIVE_STATES,
  directiveValue,
  jobName,
  shq,
  slurmTime
} from "./chunk-PDQ2NNZ5.js";
import {
  formatDuration
} from "./chunk-YGNSDW3E.js";
import "./chunk-YQKDHTZH.js";
import "./chunk-GVRVAWF6.js";
import {
  SplashError,
  stepError
} from "./chunk-2H32LMKA.js";
import "./chunk-56GLMHBG.js";

// src/hpss/slurm-host.ts
import { createHash } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
var PART_BYTES = 3e6;
function delimiter(script) {
  const lines = new Set(script.split("\n"));
  const base = `SPLASH_SCRIPT_${createHash("sha256").update(script).digest("hex").slice(0, 12)}`;
  let d = base;
  for (let i = 1; lines.has(d); i++) d = `${base}_${String(i)}`;
  return d;
}
function slurmWrapper(script, name, s) {
  const v = directiveValue;
  const d = delimiter(script);
  return [
    "#!/bin/bash",
    `#SBATCH --job-name=${v(name, "the job name")}`,
    `#SBATCH --account=${v(s.account, "the account")}`,
    `#SBATCH --qos=${v(s.qos, "the QOS")}`,
    `#SBATCH --constraint=${v(s.constraint, "the constraint")}`,
    `#SBATCH --time=${slurmTime(s.walltimeSeconds)}`,
    `#SBATCH --output=${v(s.logDir, "the log folder")}/%x_%j.out`,
    `#SBATCH --error=${v(s.logDir, "the log folder")}/%x_%j.err`,
    "# The step's script, verbatim; its exit code, stdout and stderr are packed for the SFAPI download.",
    "set -u",
    "umask 077",
    `R=${shq(s.logDir)}/"\${SLURM_JOB_NAME}_\${SLURM_JOB_ID}"`,
    `cat >"$R.sh" <<'${d}'`,
    script.endsWith("\n") ? script.slice(0, -1) : script,
    d,
    'bash "$R.sh" </dev/null >"$R.stdout" 2>"$R.stderr"',
    "code=$?",
    "pack() {",
    "  local f=$1 n=0 p",
    `  split -b ${String(PART_BYTES)} -d -a 5 -- "$f" "$f.part-" || return 1`,
    '  for p in "$f".part-?????; do',
    '    [ -e "$p" ] || continue',
    '    base64 -w 0 -- "$p" >"$p.b64" || return 1',
    '    rm -f -- "$p"',
    "    n=$((n + 1))",
    "  done",
    '  printf %s "$n"',
    "}",
    `meta() { printf '"%s_bytes":%s,"%s_sha256":"%s","%s_parts":%s' "$1" "$(stat -c %s -- "$2")" "$1" "$(sha256sum -- "$2" | cut -d" " -f1)" "$1" "$3"; }`,
    'op=$(pack "$R.stdout") || exit 1',
    'ep=$(pack "$R.stderr") || exit 1',
    `printf '{"ok":true,"exit":%s,%s,%s}\\n' "$code" "$(meta out "$R.stdout" "$op")" "$(meta err "$R.stderr" "$ep")" >"$R.status.tmp" || exit 1`,
    'mv -f -- "$R.status.tmp" "$R.status.json" || exit 1',
    'rm -f -- "$R.sh" "$R.stdout" "$R.stderr"',
    ""
  ].join("\n");
}
function readStatus(text) {
  if (text === void 0) return void 0;
  try {
    const d = JSON.parse(text);
    const part = (k) => {
      const bytes = d[`${k}_bytes`];
      const sha256 = d[`${k}_sha256`];
      const parts = d[`${k}_parts`];
      return typeof bytes === "number" && typeof sha256 === "string" && typeof parts === "number" ? { bytes, sha256, parts } : void 0;
    };
    const out = part("out");
    const err = part("err");
    if (d.ok !== true || typeof d.exit !== "number" || !out || !err) return void 0;
    return { exit: d.exit, out, err };
  } catch {
    return void 0;
  }
}
var newest = (jobs) => [...jobs].sort((a, b) => Number(b.jobId) - Number(a.jobId))[0];
var sleep = async (ms, signal) => {
  try {
    await delay(ms, void 0, signal ? { signal } : {});
  } catch {
  }
};
function slurmHost(o) {
  const s = o.settings;
  const label = `Slurm jobs (qos ${s.qos}, account ${s.account}) through the Superfacility API`;
  return {
    label,
    async check() {
      const client = await o.client();
      for (const system of [client.machine, "archive"]) {
        const st = await client.status(system);
        if (st.status === "unavailable") {
          throw stepError(`${system} is unavailable at NERSC${st.notes.length > 0 ? `: ${st.notes.join("; ")}` : ""}; nothing was submitted`, "see https://www.nersc.gov/live-status/ and run again when it is back");
        }
      }
    },
    run: (script, what, opts) => runJob(o, script, what, opts ?? {})
  };
}
async function runJob(o, script, what, opts) {
  const { ctx, settings: s } = o;
  const client = await o.client();
  const name = jobName("hpss", what, script);
  const user = await client.user();
  const job = (j) => `HPSS ${what} job ${j}`;
  const running = newest((await client.jobs({ name, user }, "squeue")).filter((j) => ACTIVE_STATES.has(j.state)));
  let jobId = running?.jobId;
  if (jobId !== void 0) ctx.info(`${job(jobId)} (${name}) was submitted by an earlier run and is ${running?.state ?? ""}: following it`);
  else {
    const submitted = await client.submitJob(slurmWrapper(script, name, s), async () => {
      const again = await client.jobs({ name, user }, "squeue");
      return newest(again.filter((j) => ACTIVE_STATES.has(j.state)))?.jobId;
    });
    jobId = submitted.jobId;
    ctx.info(`submitted ${job(jobId)} (${name}) to qos ${s.qos}`);
  }
  const started = Date.now();
  const deadline = started + (s.walltimeSeconds + s.queueAllowanceSeconds) * 1e3;
  const notFoundUntil = started + o.notFoundGraceMs;
  let wait = o.pollFirstMs;
  let last;
  let lastLog = started;
  for (; ; ) {
    if (o.signal?.aborted) {
      await client.cancelJob(jobId).catch(() => void 0);
      throw new SplashError("step", `the step was cancelled; ${job(jobId)} was cancelled too`, "run the step again");
    }
    const view = await client.job(jobId);
    if (view === void 0) {
      if (Date.now() > notFoundUntil) throw stepError(`${job(jobId)} is in neither squeue nor sacct ${formatDuration(o.notFoundGraceMs / 1e3)} after it was submitted`, "check it at https://iris.nersc.gov, then run again");
    } else {
      last = view;
      if (!ACTIVE_STATES.has(view.state)) break;
      if (Date.now() - lastLog >= 6e4) {
        lastLog = Date.now();
        ctx.info(`${job(jobId)} ${view.state}${view.state === "PENDING" && view.reason ? ` (${view.reason})` : ""}; waited ${formatDuration((Date.now() - started) / 1e3)}`);
      }
    }
    if (Date.now() >= deadline) {
      await client.cancelJob(jobId).catch(() => void 0);
      throw stepError(`${job(jobId)} had not finished ${formatDuration(s.walltimeSeconds + s.queueAllowanceSeconds)} after submission; it was cancelled`, "raise sfapi.walltime or queue_allowance_minutes of the hpss endpoint, or run again");
    }
    await sleep(Math.min(wait, Math.max(0, deadline - Date.now())), o.signal);
    wait = Math.min(o.pollMaxMs, Math.round(wait * 1.5));
  }
  const base = `${s.logDir}/${name}_${jobId}`;
  const status = readStatus(await client.download(`${base}.status.json`).catch(() => void 0));
  if (last.state !== "COMPLETED" || status === void 0) {
    const tail = await client.download(`${base}.err`).catch(() => void 0);
    const lines = (tail ?? "").trim().split("\n").filter((l) => l !== "").slice(-3).join(" | ");
    const how = last.state === "COMPLETED" ? "COMPLETED without its status file" : `ended ${last.state}${last.exitCode ? ` (exit ${last.exitCode})` : ""}`;
    throw stepError(`${job(jobId)} ${how}: the script did not run to its end${lines ? `: ${lines.slice(0, 400)}` : ""}`, `run the step again (it completes what is missing); logs: ${base}.out / .err`);
  }
  const fetch = async (k, m) => {
    const parts = [];
    for (let i = 0; i < m.parts; i++) {
      const text = await client.download(`${base}.${k}.part-${String(i).padStart(5, "0")}.b64`);
      if (text === void 0) throw stepError(`${job(jobId)}: part ${String(i)} of its ${k} is missing`, "run the step again");
      parts.push(Buffer.from(text.trim(), "base64"));
    }
    const all = Buffer.concat(parts);
    if (all.length !== m.bytes || createHash("sha256").update(all).digest("hex") !== m.sha256) {
      throw stepError(`${job(jobId)}: its ${k} came back damaged (${String(all.length)} of ${String(m.bytes)} bytes, or another checksum)`, "run the step again");
    }
    return all.toString("utf8");
  };
  const stdout = await fetch("stdout", status.out);
  const stderr = await fetch("stderr", status.err);
  for (const line of stderr.split("\n")) opts.onErrorLine?.(line);
  if (opts.onLine) for (const line of stdout.split("\n")) opts.onLine(line);
  return { code: status.exit, stdout, stderr };
}
export {
  PART_BYTES,
  slurmHost,
  slurmWrapper
};
