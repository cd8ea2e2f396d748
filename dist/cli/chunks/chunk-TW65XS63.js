#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  ACTIVE_STATES,
  SfapiApiError,
  SfapiClient,
  SfapiNetworkError,
  ownerRecord,
  readCredentials,
  scanOfJobName,
  statusPathOf,
  withAfterAny
} from "./chunk-BZ7FWTMI.js";
import {
  JobCancelled,
  SpecController,
  sleepOrAbort
} from "./chunk-ZKZFWNJI.js";
import {
  resolveEnv
} from "./chunk-YSF46SAP.js";
import {
  formatDuration
} from "./chunk-D3JGPBA4.js";
import {
  configError,
  stepError
} from "./chunk-4VXUNQHW.js";

// src/hpc/nersc.ts
import { readFileSync } from "node:fs";

// src/hpc/slurm.ts
var TAIL_LINES = 20;
function tail(text, lines = TAIL_LINES) {
  if (text === void 0) return "";
  const all = text.replace(/\s+$/, "").split("\n");
  return all.slice(-lines).join("\n");
}
var newest = (jobs) => [...jobs].sort((a, b) => Number(b.jobId) - Number(a.jobId))[0];
async function runSlurmJob(spec, o) {
  const { client, ctx } = o;
  const now = o.now ?? Date.now;
  const timeline = [];
  const mark = (state) => {
    if (timeline.at(-1)?.state !== state) timeline.push({ state, at: new Date(now()) });
  };
  const user = await client.user();
  let jobId;
  let reused = false;
  const [queued, accounted] = await Promise.all([client.jobs({ name: spec.name, user }, "squeue"), client.jobs({ name: spec.name, user }, "sacct")]);
  const active = newest(queued.filter((j) => ACTIVE_STATES.has(j.state)));
  if (active) {
    jobId = active.jobId;
    reused = true;
    mark(`found ${active.state}`);
    ctx.info(`${spec.kind}: job ${jobId} (${spec.name}) was already submitted by an earlier run and is ${active.state}: following it`);
  } else {
    const done = newest([...accounted, ...queued].filter((j) => !ACTIVE_STATES.has(j.state)));
    if (done?.state === "COMPLETED" && (done.exitCode ?? "0:0") === "0:0") {
      const status = await readStatus(client, spec, done.jobId);
      const confirmed = status !== void 0 && status.ok && spec.verify(status) === void 0;
      const taken = confirmed ? await takenOver(client, spec, done.jobId) : void 0;
      if (taken !== void 0) ctx.info(`${spec.kind}: job ${done.jobId} (${spec.name}) completed it with these options, but its outputs were ${taken}: submitting again`);
      else if (confirmed) {
        ctx.info(`${spec.kind}: job ${done.jobId} (${spec.name}) already completed it with these options; not submitted again`);
        mark("found COMPLETED");
        return finish(spec, o, done.jobId, true, timeline, done);
      }
    }
  }
  let waitedFor = 0;
  if (jobId === void 0) {
    if (o.signal.aborted) throw new JobCancelled(`${spec.kind}: cancelled before the job was submitted`);
    const scan = scanOfJobName(spec.name);
    const others = scan === void 0 ? [] : (await client.jobs({ user }, "squeue")).filter((j) => ACTIVE_STATES.has(j.state) && j.name !== spec.name && scanOfJobName(j.name) === scan);
    const waitFor = [...new Set(others.map((j) => j.jobId))].sort((a, b) => Number(a) - Number(b));
    waitedFor = waitFor.length;
    if (waitFor.length > 0) ctx.info(`${spec.kind}: job(s) ${waitFor.join(", ")} of the same scan (${others.map((j) => j.name).join(", ")}) are still in the queue: this job starts after they end`);
    const submittedAt = now();
    const { jobId: id, recovered } = await client.submitJob(withAfterAny(spec.script, waitFor), async () => {
      const again = await client.jobs({ name: spec.name, user }, "squeue");
      return newest(again.filter((j) => ACTIVE_STATES.has(j.state)))?.jobId;
    });
    jobId = id;
    mark("submitted");
    ctx.info(`${spec.kind}: submitted Slurm job ${jobId} (${spec.name})${recovered ? ", found after a lost answer" : ""} at ${new Date(submittedAt).toISOString()}`);
    const mine = jobId;
    const named = await client.jobs({ name: spec.name, user }, "squeue").catch((err) => {
      if (!transient(err)) throw err;
      ctx.warn(`${spec.kind}: could not look for a job of the same name submitted by another run (${err instanceof Error ? err.message : String(err)}); following ${mine}`);
      return [];
    });
    const earlier = named.filter((j) => ACTIVE_STATES.has(j.state) && j.jobId !== mine && Number(j.jobId) < Number(mine));
    const twin = [...earlier].sort((a, b) => Number(a.jobId) - Number(b.jobId))[0];
    if (twin) {
      await cancel(client, ctx, spec, mine, `job ${twin.jobId} of the same name was submitted first (by another run)`);
      jobId = twin.jobId;
      reused = true;
      mark(`following ${twin.jobId}`);
      ctx.info(`${spec.kind}: following Slurm job ${jobId}, submitted for the same scan and options by another run`);
    }
  }
  const allowanceSeconds = (spec.walltimeSeconds + spec.queueAllowanceSeconds) * (1 + waitedFor);
  const deadline = now() + allowanceSeconds * 1e3;
  let heardAt = now();
  let seen = false;
  let wait = o.pollFirstMs;
  let last;
  let lastLog = 0;
  const started = now();
  for (; ; ) {
    if (o.signal.aborted) {
      await cancel(client, ctx, spec, jobId, "the step was cancelled");
      mark("cancelled by the step");
      throw new JobCancelled(`${spec.kind}: the step was cancelled; Slurm job ${jobId} was cancelled too`, "dispatch the scan again to reconstruct it");
    }
    let view;
    let unreadable = false;
    try {
      view = await client.job(jobId);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!transient(err)) throw err;
      if (now() - heardAt > o.notFoundGraceMs) {
        throw stepError(`${spec.kind}: the state of Slurm job ${jobId} could not be read for ${Math.round((now() - heardAt) / 1e3)} s: ${message}`, `the job may still be running: dispatch the scan again to follow it (a re-run finds it by name), or cancel it (scancel ${jobId} on Perlmutter)`);
      }
      ctx.warn(`${spec.kind}: could not read the state of job ${jobId} (${message}); asking again`);
      unreadable = true;
    }
    if (unreadable) {
    } else if (view === void 0) {
      if (now() - heardAt > o.notFoundGraceMs) {
        throw stepError(`${spec.kind}: Slurm job ${jobId} is in neither squeue nor sacct ${Math.round(o.notFoundGraceMs / 1e3)} s after it was ${seen ? "last seen" : "submitted"}`, "check the job at https://iris.nersc.gov (or with sacct on Perlmutter), then dispatch again");
      }
    } else {
      heardAt = now();
      seen = true;
      last = view;
      mark(view.state);
      if (!ACTIVE_STATES.has(view.state)) break;
      if (now() - lastLog >= 6e4 || lastLog === 0) {
        lastLog = now();
        const ran = view.elapsedSeconds !== void 0 ? `, running ${formatDuration(view.elapsedSeconds)} of ${formatDuration(spec.walltimeSeconds)} walltime` : "";
        ctx.info(`${spec.kind}: job ${jobId} ${view.state}${view.state === "PENDING" && view.reason ? ` (${view.reason})` : ""}${ran}; waited ${formatDuration((now() - started) / 1e3)}`);
      }
    }
    if (now() >= deadline) {
      await cancel(client, ctx, spec, jobId, "the deadline passed");
      mark("cancelled at the deadline");
      const outcome = await finish(spec, o, jobId, reused, timeline, last);
      const behind = waitedFor > 0 ? `, and as much again for each of the ${String(waitedFor)} job(s) of the scan it waited for` : "";
      return { ...outcome, ok: false, state: last?.state ?? "UNKNOWN", reason: `Slurm job ${jobId} had not finished ${formatDuration(allowanceSeconds)} after submission (walltime ${formatDuration(spec.walltimeSeconds)} + queue allowance ${formatDuration(spec.queueAllowanceSeconds)}${behind}); it was cancelled` };
    }
    await sleepOrAbort(Math.min(wait, Math.max(0, deadline - now())), o.signal);
    wait = Math.min(o.pollMaxMs, Math.round(wait * 1.5));
  }
  return finish(spec, o, jobId, reused, timeline, last);
}
function transient(err) {
  if (err instanceof SfapiNetworkError) return true;
  return err instanceof SfapiApiError && (err.status === 200 || err.status >= 500);
}
async function cancel(client, ctx, spec, jobId, why) {
  try {
    await client.cancelJob(jobId);
    ctx.warn(`${spec.kind}: ${why}: cancelled Slurm job ${jobId}`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/already completing or completed|Invalid job id/i.test(message)) return;
    ctx.error(`${spec.kind}: ${why}, but cancelling Slurm job ${jobId} failed: ${message} — cancel it by hand (scancel ${jobId} on Perlmutter)`);
  }
}
async function takenOver(client, spec, jobId) {
  for (const path of spec.owners ?? []) {
    const text = await client.download(path).catch((err) => {
      if (err instanceof SfapiApiError) return void 0;
      throw err;
    });
    const owner = text?.trim();
    if (owner === ownerRecord(spec.name, jobId)) continue;
    const other = owner === void 0 ? void 0 : /^(\S+) (\d+)$/.exec(owner);
    return other ? `rewritten by Slurm job ${other[2] ?? "?"} (${other[1] ?? "?"}) since` : `not recorded as its own (${path})`;
  }
  return void 0;
}
async function readStatus(client, spec, jobId) {
  const text = await client.download(statusPathOf(spec.logDir, spec.name, jobId)).catch((err) => {
    if (err instanceof SfapiApiError) return void 0;
    throw err;
  });
  if (text === void 0) return void 0;
  try {
    const doc = JSON.parse(text);
    if (doc !== null && typeof doc === "object" && typeof doc.ok === "boolean") return doc;
  } catch {
  }
  return void 0;
}
async function finish(spec, o, jobId, reused, timeline, last) {
  const { client } = o;
  const state = last?.state ?? "UNKNOWN";
  const exitCode = last?.exitCode;
  const status = await readStatus(client, spec, jobId);
  const logs = [`${spec.logDir}/${spec.name}_${jobId}.out`, `${spec.logDir}/${spec.name}_${jobId}.err`];
  let reason;
  if (state !== "COMPLETED") reason = `Slurm job ${jobId} ended ${state}${exitCode !== void 0 ? ` (exit ${exitCode})` : ""}${last?.reason && last.reason !== "None" ? `, reason ${last.reason}` : ""}`;
  else if (exitCode !== void 0 && exitCode !== "0:0") reason = `Slurm job ${jobId} COMPLETED with exit code ${exitCode}`;
  else if (status === void 0) reason = `Slurm job ${jobId} COMPLETED, but wrote no readable status file (${statusPathOf(spec.logDir, spec.name, jobId)}): its outputs are not confirmed`;
  else if (!status.ok) reason = `Slurm job ${jobId} COMPLETED, but its status file says ${status.stage ?? "?"} failed: ${status.message ?? ""}`;
  else {
    reason = spec.verify(status);
    const taken = reason === void 0 ? await takenOver(client, spec, jobId) : void 0;
    if (taken !== void 0) reason = `Slurm job ${jobId} COMPLETED, but its outputs were ${taken}: they are not this job's`;
  }
  let stderrTail = "";
  if (reason !== void 0) {
    const [err, out] = await Promise.all(logs.map((p) => client.download(p).catch(() => void 0)).reverse());
    stderrTail = tail(err) || tail(out);
    if (status && !status.ok && status.message) reason = reason.includes(status.message) ? reason : `${reason}: ${status.message}`;
  }
  return {
    hpc: "nersc",
    kind: spec.kind,
    jobId,
    jobName: spec.name,
    state,
    exitCode,
    ok: reason === void 0,
    reused,
    reason,
    timeline,
    elapsedSeconds: last?.elapsedSeconds,
    walltimeSeconds: spec.walltimeSeconds,
    outputs: spec.outputs,
    results: spec.results,
    centre: status && spec.centreOf ? spec.centreOf(status) : void 0,
    status,
    software: spec.software ?? [],
    stderrTail,
    logs
  };
}

// src/hpc/nersc.ts
function sfapiSettingsOf(config) {
  if (!config.sfapi) {
    throw configError(
      `recon at NERSC needs the Superfacility API, but ${config.source} has no sfapi: section`,
      "add sfapi: { client_id: ${SFAPI_CLIENT_ID}, private_key: ${SFAPI_PRIVATE_KEY} } (docs/recon.md)"
    );
  }
  return config.sfapi;
}
var SETTINGS_HINT = "check sfapi.client_id and the private key (sfapi.private_key or sfapi.private_key_path) in config.yml and the secrets they name";
function connectSfapi(config, mask) {
  const s = sfapiSettingsOf(config);
  if (s.privateKey === void 0 === (s.privateKeyPath === void 0)) {
    throw configError(`${config.source}: sfapi needs exactly one of private_key or private_key_path, got ${s.privateKey === void 0 ? "neither" : "both"}`, "private_key: ${SFAPI_PRIVATE_KEY} (the PEM or JWK text), or private_key_path: a file the runner reads (docs/recon.md)");
  }
  let text;
  let where;
  if (s.privateKey !== void 0) {
    text = resolveEnv(s.privateKey, { secret: true, mask });
    where = `sfapi.private_key${typeof s.privateKey === "string" ? "" : ` (${s.privateKey.raw})`}`;
  } else {
    const path = resolveEnv(s.privateKeyPath ?? "", { secret: false, mask });
    where = `sfapi.private_key_path (${path})`;
    try {
      text = readFileSync(path, "utf8");
    } catch (err) {
      throw configError(`${where}: cannot read the key file (${err.code ?? String(err)})`, "put the SFAPI private key there, readable by the runner user only (chmod 600)");
    }
  }
  mask(text);
  const clientId = s.clientId === void 0 ? void 0 : resolveEnv(s.clientId, { secret: false, mask });
  const credentials = readCredentials({ text, where, clientId, clientIdWhere: "sfapi.client_id" });
  return new SfapiClient({
    apiUrl: s.apiUrl,
    tokenUrl: s.tokenUrl,
    credentials,
    settingsHint: SETTINGS_HINT,
    machine: s.machine,
    timeoutMs: s.timeoutSeconds * 1e3,
    taskTimeoutMs: s.taskTimeoutSeconds * 1e3
  });
}
async function nerscPreflight(client, s, ctx) {
  const st = await client.status();
  if (st.status === "unavailable") {
    throw stepError(`${client.machine} is unavailable at NERSC${st.notes.length > 0 ? `: ${st.notes.join("; ")}` : ""}; nothing was submitted`, "see https://www.nersc.gov/live-status/ and dispatch the scan again when it is back");
  }
  const warnings = [];
  if (st.status === "degraded") warnings.push(`${client.machine} is degraded${st.notes.length > 0 ? `: ${st.notes.join("; ")}` : ""}`);
  const clientId = client.auth.clientId;
  const mine = (await client.clients()).find((c) => c.clientId === clientId);
  const expires = mine?.expiresAt;
  if (expires !== void 0 && expires.getTime() - Date.now() < s.expiryWarningHours * 36e5) {
    const hours = Math.max(0, (expires.getTime() - Date.now()) / 36e5);
    warnings.push(`the SFAPI client ${mine?.name ?? clientId} expires ${expires.toISOString()} (in ${hours.toFixed(1)} h): create a new one in Iris and update the secrets before then (docs/recon.md)`);
  }
  for (const w of warnings) ctx.warn(w);
  return { clientExpires: expires, warnings };
}
var NerscController = class extends SpecController {
  constructor(jobs, run) {
    super(
      "nersc",
      jobs,
      run ? (spec) => runSlurmJob(spec, {
        client: run.client,
        ctx: run.ctx,
        signal: run.signal,
        pollFirstMs: run.settings.pollFirstSeconds * 1e3,
        pollMaxMs: run.settings.pollMaxSeconds * 1e3,
        notFoundGraceMs: run.settings.notFoundGraceSeconds * 1e3
      }) : void 0,
      (s) => ({ kind: s.kind, name: s.name, text: s.script })
    );
  }
};

export {
  sfapiSettingsOf,
  connectSfapi,
  nerscPreflight,
  NerscController
};
