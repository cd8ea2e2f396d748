import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  displayName,
  joinInside
} from "./chunk-4CQ7Q5XG.js";
import {
  formatBytes,
  formatDuration,
  formatRate
} from "./chunk-YGNSDW3E.js";
import {
  parseGlobusTime,
  transferDocument
} from "./chunk-HMQROMPL.js";
import {
  GlobusApiError,
  hasGlobusCode,
  isNotFound
} from "./chunk-YQKDHTZH.js";
import {
  configError,
  stepError
} from "./chunk-2H32LMKA.js";

// src/transfer/globus.ts
var LS_LIMIT = 1e5;
var defaultSleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function transferWithGlobus(from, to, rels, opts) {
  const { ctx, client } = opts;
  const report = { files: [], skipped: [], task: void 0 };
  for (const e of [from, to]) await requireRoot(client, e);
  const sources = await listSources(client, from, rels, report.skipped);
  const pending = [];
  for (const f of await compareDestinations(client, to, sources)) {
    if (f.identical) report.files.push({ rel: f.file.rel, status: "identical", bytes: f.file.size, checksum: void 0 });
    else pending.push(f.file);
  }
  if (pending.length === 0) {
    ctx.info(`${from.name} → ${to.name}: all ${sources.length} file(s) already there (same size and mtime); nothing submitted`);
    return report;
  }
  const first = rels[0] ?? "";
  const label = `${opts.label} ${first.split("/").pop() ?? ""}${rels.length > 1 ? ` and ${rels.length - 1} more` : ""}`;
  const doc = transferDocument({
    source: from.uuid,
    destination: to.uuid,
    label,
    items: pending.map((f) => ({ source_path: joinInside(from.root_path, f.rel), destination_path: joinInside(to.root_path, f.rel) })),
    syncLevel: "checksum",
    verifyChecksum: true,
    preserveTimestamp: true,
    notify: false
  });
  const submitted = await client.submitTransfer(doc);
  const taskId = submitted.task_id;
  ctx.info(`Globus task ${taskId} submitted: ${pending.length} file(s) ${from.name} → ${to.name}${submitted.code === "Duplicate" ? " (already submitted by an earlier attempt)" : ""}`);
  const task = await waitForTask(client, taskId, { ctx, settings: opts.settings, onGiveUp: "leave" }, opts.sleep ?? defaultSleep);
  const copied = /* @__PURE__ */ new Set();
  const prefix = to.root_path === "/" ? "/" : `${to.root_path}/`;
  for await (const t of client.successfulTransfers(taskId)) {
    if (t.destination_path?.startsWith(prefix)) copied.add(t.destination_path.slice(prefix.length));
  }
  for (const f of pending) {
    report.files.push({ rel: f.rel, status: copied.has(f.rel) ? "copied" : "identical", bytes: f.size, checksum: void 0 });
  }
  const seconds = taskSeconds(task);
  ctx.info(
    `Globus task ${taskId} SUCCEEDED: ${task.files_transferred ?? 0} file(s) transferred, ${task.files_skipped ?? 0} already in sync, ${formatBytes(task.bytes_transferred ?? 0)} in ${formatDuration(seconds)} (${formatRate(task.effective_bytes_per_second ?? 0)})`
  );
  return {
    ...report,
    task: { id: taskId, files: task.files_transferred ?? 0, bytes: task.bytes_transferred ?? 0, bytesPerSecond: task.effective_bytes_per_second ?? 0, seconds }
  };
}
async function requireRoot(client, e) {
  try {
    const st = await client.stat(e.uuid, e.root_path);
    if (st.type === "dir") return;
  } catch (err) {
    if (!(err instanceof GlobusApiError)) throw err;
    if (hasGlobusCode(err, "EndpointNotFound") || hasGlobusCode(err, "EndpointDeleted")) {
      throw configError(`endpoint ${e.name}: Globus knows no collection ${e.uuid} (${err.code})`, `check the uuid of ${e.name} in config.yml against the collection's page on app.globus.org`);
    }
    if (err.status === 403) {
      throw configError(
        `endpoint ${e.name}: Globus refused access to ${e.root_path} on collection ${e.uuid} (${err.code}: ${err.apiMessage.split("\n")[0] ?? ""})`,
        "give the Globus app of config.yml (globus.globus_apps) access to the collection (a permission on the collection or its guest collection), then run again"
      );
    }
    if (!isNotFound(err)) throw err;
  }
  throw configError(`endpoint ${e.name}: root_path ${e.root_path} is not a folder on collection ${e.uuid}`, "check the root_path in config.yml");
}
var parentOf = (rel) => rel.includes("/") ? rel.slice(0, rel.lastIndexOf("/")) : "";
var baseOf = (rel) => rel.slice(rel.lastIndexOf("/") + 1);
var absOf = (e, rel) => rel === "" ? e.root_path : joinInside(e.root_path, rel);
async function listFolder(client, e, rel) {
  const entries = /* @__PURE__ */ new Map();
  try {
    for await (const d of client.ls(e.uuid, absOf(e, rel), { limit: LS_LIMIT })) entries.set(d.name, d);
  } catch (err) {
    if (isNotFound(err)) return void 0;
    throw err;
  }
  return entries;
}
async function lookupByFolder(client, e, rels) {
  const byParent = /* @__PURE__ */ new Map();
  for (const rel of rels) byParent.set(parentOf(rel), [...byParent.get(parentOf(rel)) ?? [], rel]);
  const found = /* @__PURE__ */ new Map();
  for (const [parent, children] of byParent) {
    const listing = await listFolder(client, e, parent);
    for (const rel of children) {
      const d = listing?.get(baseOf(rel));
      if (d) found.set(rel, d);
    }
  }
  return found;
}
async function* walkCollection(client, e, startRel = "", opts = {}) {
  const stack = [startRel];
  for (let dir = stack.pop(); dir !== void 0; dir = stack.pop()) {
    const listing = [...await listFolder(client, e, dir) ?? []].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
    const dirs = [];
    for (const [name, d] of listing) {
      const rel = dir === "" ? name : `${dir}/${name}`;
      if (d.link_target) yield { kind: "skipped", rel, reason: "symlink (not followed)" };
      else if (d.type === "dir") {
        if (opts.descend?.(rel) ?? true) dirs.push(rel);
      } else if (d.type === "file") yield { kind: "file", rel, size: d.size, mtimeMs: parseGlobusTime(d.last_modified).getTime() };
      else yield { kind: "skipped", rel, reason: `not a regular file (${d.type})` };
    }
    for (let i = dirs.length - 1; i >= 0; i--) stack.push(dirs[i] ?? "");
  }
}
async function listSources(client, from, rels, skipped) {
  const files = [];
  const folders = [];
  const found = await lookupByFolder(client, from, rels);
  for (const rel of rels) {
    const d = found.get(rel);
    if (!d) throw stepError(`${from.name}:${rel} does not exist; nothing was submitted`, "check the paths the watcher sent, then dispatch again");
    if (d.link_target) throw stepError(`${from.name}:${rel} is a symlink (not followed); nothing was submitted`);
    if (d.type === "dir") folders.push(rel);
    else if (d.type === "file") files.push({ rel, size: d.size, mtimeMs: parseGlobusTime(d.last_modified).getTime() });
    else throw stepError(`${from.name}:${rel} is neither a file nor a folder (${d.type}); nothing was submitted`);
  }
  for (const folder of folders) {
    for await (const entry of walkCollection(client, from, folder)) {
      if (entry.kind === "file") files.push({ rel: entry.rel, size: entry.size, mtimeMs: entry.mtimeMs });
      else skipped.push({ rel: entry.rel, reason: entry.reason });
    }
  }
  return files;
}
async function compareDestinations(client, to, files) {
  const found = await lookupByFolder(client, to, files.map((f) => f.rel));
  return files.map((file) => {
    const d = found.get(file.rel);
    if (!d) return { file, identical: false };
    const sameTime = Math.floor(parseGlobusTime(d.last_modified).getTime() / 1e3) === Math.floor(file.mtimeMs / 1e3);
    if (d.type !== "file" || d.link_target || d.size !== file.size || !sameTime) {
      throw stepError(
        `${to.name}:${displayName(file.rel)} already exists and differs from the source (${d.type}, ${d.size} bytes, modified ${d.last_modified}); not overwritten, nothing was submitted`,
        "find out which copy is right; move or delete the wrong one by hand, then dispatch again"
      );
    }
    return { file, identical: true };
  });
}
var healthy = (nice) => nice === null || nice === void 0 || nice === "OK" || nice === "Queued";
async function waitForTask(client, taskId, opts, sleep) {
  const { ctx, settings } = opts;
  const deadline = Date.now() + settings.waitTimeoutMinutes * 6e4;
  let delay = settings.pollFirstSeconds * 1e3;
  let lastNice;
  let troubleSince;
  const link = `https://app.globus.org/activity/${taskId}`;
  for (; ; ) {
    const task = await client.getTask(taskId);
    if (task.nice_status !== lastNice) {
      if (task.status === "ACTIVE") ctx.info(`Globus task ${taskId}: ${task.nice_status ?? "active"} (${task.files_transferred ?? 0}/${task.files ?? "?"} files, ${formatBytes(task.bytes_transferred ?? 0)})`);
      lastNice = task.nice_status;
    }
    if (task.status === "SUCCEEDED") return task;
    if (task.status === "FAILED") {
      const why = task.fatal_error ? `${task.fatal_error.code}: ${task.fatal_error.description}` : await lastErrorEvent(client, taskId);
      throw stepError(`Globus task ${taskId} FAILED — ${why}`, `see ${link}; fix the cause and dispatch again`);
    }
    if (task.status === "INACTIVE") {
      const what = `Globus task ${taskId} is INACTIVE (suspended: ${task.nice_status ?? "needs attention"})`;
      if (opts.onGiveUp === "cancel") return cancelOrExplain(client, taskId, what, opts);
      throw stepError(`${what}; it was left as it is`, `resume or cancel it at ${link} (often an endpoint's credentials expired), then dispatch again`);
    }
    if (healthy(task.nice_status)) {
      troubleSince = void 0;
    } else {
      troubleSince ??= Date.now();
      if (Date.now() - troubleSince >= settings.stuckGraceSeconds * 1e3) {
        const event = await lastErrorEvent(client, taskId);
        return cancelOrExplain(client, taskId, `Globus task ${taskId} kept failing with ${task.nice_status ?? "?"} for ${settings.stuckGraceSeconds} s — ${event}`, opts);
      }
    }
    const now = Date.now();
    if (now >= deadline) {
      const what = `Globus task ${taskId} is still running after ${settings.waitTimeoutMinutes} min`;
      if (opts.onGiveUp === "cancel") return cancelOrExplain(client, taskId, what, opts);
      throw stepError(`${what}; it was left running`, `watch it at ${link}; dispatching the same files again later is safe`);
    }
    await sleep(Math.min(delay, deadline - now));
    delay = Math.min(settings.pollMaxSeconds * 1e3, Math.round(delay * 1.5));
  }
}
async function cancelOrExplain(client, taskId, what, opts) {
  let cancelError;
  try {
    await client.cancelTask(taskId);
  } catch (err) {
    cancelError = err instanceof Error ? err.message : String(err);
  }
  const after = await client.getTask(taskId).catch(() => void 0);
  if (after?.status === "SUCCEEDED") {
    opts.ctx.warn(`${what}; it finished before the cancel took effect`);
    return after;
  }
  if (cancelError !== void 0 || after && after.status !== "FAILED") {
    throw stepError(
      `${what}; it could not be cancelled (${cancelError ?? `status ${after?.status ?? "unknown"}`}): it is still running`,
      `cancel it at https://app.globus.org/activity/${taskId}, find the cause, then run the step again`
    );
  }
  throw stepError(`${what}; it was cancelled`, "check the paths and the permissions on both collections, then run the step again");
}
async function lastErrorEvent(client, taskId) {
  for await (const e of client.taskEvents(taskId)) {
    if (e.is_error) return `${e.code}: ${e.description}${e.details ? ` (${e.details.split("\n")[0] ?? ""})` : ""}`;
  }
  return "no error event recorded";
}
function taskSeconds(task) {
  if (!task.completion_time || !task.request_time) return 0;
  return Math.max(0, (parseGlobusTime(task.completion_time).getTime() - parseGlobusTime(task.request_time).getTime()) / 1e3);
}

export {
  LS_LIMIT,
  transferWithGlobus,
  requireRoot,
  listFolder,
  lookupByFolder,
  walkCollection,
  waitForTask
};
