import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  JobCancelled,
  SpecController,
  resolveEnv,
  sleepOrAbort
} from "./chunk-AT2OW4QE.js";
import {
  decodeResult,
  sourceFunctionCode
} from "./chunk-DZDIGPBK.js";
import {
  formatDuration
} from "./chunk-YGNSDW3E.js";
import {
  configError,
  stepError
} from "./chunk-2H32LMKA.js";

// src/hpc/alcf.ts
function computeClientOf(config, appName, mask, make) {
  const names = [...config.globusApps.keys()];
  const name = appName ?? config.globus.app ?? names[0];
  const app = name === void 0 ? void 0 : config.globusApps.get(name);
  if (!app) {
    throw configError(
      appName === void 0 ? `recon at ALCF needs Globus credentials, but ${config.source} has no globus.globus_apps` : `recon.alcf.globus_app: ${config.source} has no globus app ${JSON.stringify(appName)}`,
      "add globus: { globus_apps: { <name>: { client_id: ${GLOBUS_CLIENT_ID}, client_secret: ${GLOBUS_CLIENT_SECRET} } } }: the confidential client the Polaris endpoint runs as (docs/recon.md)"
    );
  }
  return make({
    computeUrl: config.globus.computeUrl,
    authUrl: config.globus.authUrl,
    clientId: resolveEnv(app.client_id, { secret: true, mask }),
    clientSecret: resolveEnv(app.client_secret, { secret: true, mask }),
    mask
  });
}
async function alcfPreflight(client, endpointId, configured, fn, pythonVersion, ctx) {
  const st = await client.endpointStatus(endpointId);
  if (st.status !== "online") {
    throw stepError(`the Globus Compute endpoint ${endpointId} at ALCF is ${st.status}; nothing was submitted`, "start it on Polaris (globus-compute-endpoint start <name>) or ask ALCF, then dispatch the scan again");
  }
  if (configured !== void 0) {
    const code = await client.functionCode(configured);
    if (code !== sourceFunctionCode(fn.name, fn.source)) {
      throw stepError(
        `recon.alcf.function_id ${configured} is not the wrapper this version of splash-flows runs (${fn.name}); nothing was submitted`,
        "register the current wrapper with `splash recon register-function --beamline <id>` and put the id it prints into recon.alcf.function_id"
      );
    }
    return { functionId: configured, registered: false };
  }
  const functionId = await client.registerFunction({ name: fn.name, source: fn.source, description: fn.description, pythonVersion });
  ctx.warn(`registered the ALCF wrapper as Globus Compute function ${functionId} for this run: set recon.alcf.function_id to it (or run splash recon register-function) so every run uses one registration`);
  return { functionId, registered: true };
}
var NO_CANCEL = "Globus Compute cannot cancel a task: it runs on at ALCF until the program ends or the wrapper's time limit stops it";
function tailLines(text, n = 20) {
  return text.replace(/\s+$/, "").split("\n").slice(-n).join("\n");
}
async function runComputeJob(spec, run) {
  const { client, ctx } = run;
  const now = run.now ?? Date.now;
  const timeline = [];
  const mark = (state) => {
    if (timeline.at(-1)?.state !== state) timeline.push({ state, at: new Date(now()) });
  };
  if (run.signal.aborted) throw new JobCancelled(`${spec.kind}: cancelled before the task was submitted`);
  const [taskId = ""] = await client.submit(run.endpointId, run.functionId, [{ args: [spec.job] }]);
  mark("submitted");
  ctx.info(`${spec.kind}: submitted Globus Compute task ${taskId} (${spec.name})`);
  const allowance = spec.walltimeSeconds + spec.queueAllowanceSeconds;
  const deadline = now() + allowance * 1e3;
  const started = now();
  let wait = run.pollFirstMs;
  let lastLog = 0;
  let record;
  const aborted = () => run.signal.aborted;
  for (; ; ) {
    if (aborted()) {
      mark("abandoned by the step");
      throw new JobCancelled(`${spec.kind}: the step was cancelled; ${NO_CANCEL} (task ${taskId}, limit ${formatDuration(spec.walltimeSeconds)})`, "dispatch the scan again: the new task waits for this one and takes its result");
    }
    record = (await client.batchStatus([taskId])).get(taskId);
    if (record === void 0) throw stepError(`${spec.kind}: Globus Compute does not know task ${taskId} it accepted`, "dispatch the scan again");
    mark(record.status);
    if (!record.pending) break;
    if (now() - lastLog >= 6e4 || lastLog === 0) {
      lastLog = now();
      ctx.info(`${spec.kind}: task ${taskId} ${record.status}; waited ${formatDuration((now() - started) / 1e3)} of ${formatDuration(allowance)}`);
    }
    if (now() >= deadline) {
      mark(`given up at the deadline (${record.status})`);
      return outcome(spec, taskId, timeline, record, void 0, {
        reason: `Globus Compute task ${taskId} was still ${record.status} ${formatDuration(allowance)} after submission (time limit ${formatDuration(spec.walltimeSeconds)} + queue allowance ${formatDuration(spec.queueAllowanceSeconds)}); the step stopped waiting. ${NO_CANCEL}`
      });
    }
    await sleepOrAbort(Math.min(wait, Math.max(0, deadline - now())), run.signal);
    wait = Math.min(run.pollMaxMs, Math.round(wait * 1.5));
  }
  if (record.status === "failed") {
    const text = record.exception ?? "";
    const last = text.trim().split("\n").at(-1) ?? "";
    return outcome(spec, taskId, timeline, record, void 0, {
      reason: `Globus Compute task ${taskId} failed: ${text ? last : record.reason ?? "no reason given"}`,
      stderrTail: tailLines(text)
    });
  }
  let verdict;
  let why;
  try {
    const value = decodeResult(record.result ?? "");
    if (value !== null && typeof value === "object" && typeof value.ok === "boolean") verdict = value;
    else why = `Globus Compute task ${taskId} returned no verdict (${JSON.stringify(value).slice(0, 120)})`;
  } catch (err) {
    why = `Globus Compute task ${taskId}: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (verdict === void 0) return outcome(spec, taskId, timeline, record, void 0, { reason: why ?? "no verdict" });
  let reason;
  if (!verdict.ok) reason = `the job's verdict at ALCF: ${verdict.stage ?? "?"} failed: ${verdict.message ?? ""}`;
  else reason = spec.verify(verdict);
  const tail = typeof verdict.stderr_tail === "string" && verdict.stderr_tail !== "" ? verdict.stderr_tail : typeof verdict.stdout_tail === "string" ? verdict.stdout_tail : "";
  return outcome(spec, taskId, timeline, record, verdict, { reason, stderrTail: reason === void 0 ? "" : tail });
}
function outcome(spec, taskId, timeline, record, verdict, o) {
  const num = (v) => typeof v === "number" && Number.isFinite(v) ? v : void 0;
  const logs = verdict && Array.isArray(verdict.logs) && verdict.logs.every((l) => typeof l === "string") ? verdict.logs : spec.logs;
  return {
    hpc: "alcf",
    kind: spec.kind,
    jobId: taskId,
    jobName: spec.name,
    // The task's end state, and the stage the verdict failed at when the task itself ended well.
    state: verdict !== void 0 && !verdict.ok ? `${record.status}, verdict: ${verdict.stage ?? "?"} failed` : record.status,
    exitCode: verdict && typeof verdict.returncode === "number" ? String(verdict.returncode) : void 0,
    ok: o.reason === void 0,
    reused: verdict?.reused === true,
    reason: o.reason,
    timeline,
    elapsedSeconds: num(verdict?.elapsed_seconds),
    walltimeSeconds: spec.walltimeSeconds,
    outputs: spec.outputs,
    results: spec.results,
    centre: verdict && spec.centreOf ? spec.centreOf(verdict) : void 0,
    status: verdict,
    software: spec.software,
    stderrTail: o.stderrTail ?? "",
    logs
  };
}
var AlcfController = class extends SpecController {
  constructor(jobs, run) {
    super("alcf", jobs, run ? (spec) => runComputeJob(spec, run) : void 0, (s) => ({ kind: s.kind, name: s.name, text: `${JSON.stringify(s.job, null, 2)}
` }));
  }
};

export {
  computeClientOf,
  alcfPreflight,
  runComputeJob,
  AlcfController
};
