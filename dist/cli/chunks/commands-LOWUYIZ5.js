#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  SummaryBuilder
} from "./chunk-MAGVZPY4.js";
import {
  BEAMLINE_ID,
  createServices,
  describeEndpoint,
  loadConfig,
  resolveEnv
} from "./chunk-XPTFQJJU.js";
import {
  VERSION
} from "./chunk-J7JXV4DQ.js";
import {
  isEmail,
  validateRawDataset
} from "./chunk-VA7TOS7D.js";
import "./chunk-RGYBIYOZ.js";
import {
  HASH_ALGORITHM,
  hashFile
} from "./chunk-Q6JBKXMH.js";
import {
  lookupByFolder,
  requireRoot,
  transferWithGlobus,
  waitForTask,
  walkCollection
} from "./chunk-VBIHU65M.js";
import {
  addSecret,
  describeDone,
  describeProgress,
  formatBytes,
  formatDuration,
  formatRate,
  maskSecrets
} from "./chunk-RMV2CBK6.js";
import {
  deleteDocument,
  parseGlobusTime,
  safeLabel
} from "./chunk-URVJ265Q.js";
import "./chunk-FORFTEBF.js";
import {
  isPartialName,
  partialNameFor,
  removeStalePartials,
  replicaProblem
} from "./chunk-PUUJ5OKS.js";
import {
  codeOf,
  walkTree
} from "./chunk-G5OPJ76Q.js";
import {
  SweepLocator,
  displayName,
  gatePath,
  isInside,
  joinInside,
  relPathUnder,
  resolveInside
} from "./chunk-UMPJOE7R.js";
import {
  SplashError,
  configError,
  describeError,
  pathError,
  stepError,
  usageError
} from "./chunk-UOHAREYA.js";
import "./chunk-CJW4YZWO.js";

// src/run/inputs.ts
function parsePathList(raw, field) {
  const text = raw.trim();
  if (text === "") throw usageError(`${field}: no paths given`, "pass one path per line or a JSON array of strings");
  if (text.startsWith("[")) {
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw usageError(`${field}: looks like a JSON array but does not parse (${describeError(err)})`, "pass one path per line or a valid JSON array of strings");
    }
    if (!Array.isArray(parsed) || parsed.length === 0) throw usageError(`${field}: expected a non-empty JSON array of strings`);
    return parsed.map((p, i) => {
      if (typeof p !== "string") throw usageError(`${field}[${i}]: expected a string, got ${JSON.stringify(p)}`);
      return p;
    });
  }
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
}
function parseBeamlineId(raw, field) {
  if (!BEAMLINE_ID.test(raw)) throw usageError(`${field}: expected a beamline id like 8.3.2, got ${JSON.stringify(raw)}`);
  return raw;
}

// src/steps/chain.ts
var unavailable = (name, why) => ({ kind: "unavailable", name, why });
async function runChain(ctx, beamline, paths, steps, services) {
  const units = beamline.dispatchShape === "list" ? [{ label: `${paths.length} file(s)`, paths }] : paths.map((p) => ({ label: p, paths: [p] }));
  const outcomes = [];
  let failed;
  for (const unit of units) {
    for (const step of steps) {
      if (failed) {
        outcomes.push({ unit: unit.label, step: step.name, status: "not run", detail: "an earlier step failed" });
        continue;
      }
      if (step.kind === "unavailable") {
        ctx.warn(`${step.name}: not configured — ${step.why}`);
        outcomes.push({ unit: unit.label, step: step.name, status: "not configured", detail: step.why });
        continue;
      }
      try {
        const detail = await step.run(ctx, unit.paths, services);
        outcomes.push({ unit: unit.label, step: step.name, status: "ok", detail });
      } catch (err) {
        failed = err instanceof Error ? err : new Error(String(err));
        const status = err instanceof SplashError && err.kind === "not-configured" ? "not configured" : "failed";
        ctx.error(`${step.name} ${status === "failed" ? "failed" : "is not configured"} for ${unit.label}: ${describeError(err)}`);
        outcomes.push({ unit: unit.label, step: step.name, status, detail: describeError(err) });
      }
    }
  }
  ctx.summary.heading(`Dispatch · beamline ${beamline.id} (${beamline.title})`, 2);
  ctx.summary.table(["file", "step", "status", "detail"], outcomes.map((o) => [o.unit, o.step, o.status, o.detail]));
  if (failed) {
    ctx.summary.text(`**The chain stopped at the first failure.** Fix the cause above, then run the dispatch again: finished copies are verified and kept, so a re-run only does what is missing.`);
    if (failed instanceof SplashError) throw failed;
    throw new SplashError("step", `dispatch for beamline ${beamline.id} failed: ${failed.message}`);
  }
  return { ok: true, outcomes };
}

// src/steps/move.ts
import { stat as stat2 } from "node:fs/promises";

// src/transfer/filesystem.ts
import { copyFile, link, lstat, mkdir, open, rename, rm, stat, unlink, utimes } from "node:fs/promises";
import { basename, dirname } from "node:path";
async function copyBetweenFilesystems(from, to, rel, opts) {
  const srcAbs = await resolveInside(from.root_path, rel, { mustExist: true, field: `${from.name}:${rel}` });
  const st = await stat(srcAbs);
  const report = { files: [], skipped: [], task: void 0 };
  if (st.isFile()) {
    if (isPartialName(basename(rel))) throw stepError(`${from.name}:${rel} is an unfinished copy (.splash-partial), not data; not moved`);
    report.files.push(await copyOneFile(from, to, rel, opts));
    return report;
  }
  if (!st.isDirectory()) throw stepError(`${from.name}:${rel} is neither a file nor a folder; nothing copied`);
  for (const entry of walkTree(from.root_path, rel)) {
    if (entry.kind === "skipped") report.skipped.push({ rel: entry.rel, reason: entry.reason });
    else if (isPartialName(basename(entry.rel))) {
      report.skipped.push({ rel: entry.rel, reason: "an unfinished copy (.splash-partial), not data" });
    } else {
      let fileRel;
      try {
        fileRel = relPathUnder(from.root_path, entry.abs);
      } catch (err) {
        report.skipped.push({ rel: entry.rel, reason: `name refused by the path gate: ${err instanceof Error ? err.message : String(err)}` });
        continue;
      }
      report.files.push(await copyOneFile(from, to, fileRel, opts));
    }
  }
  return report;
}
async function copyOneFile(from, to, rel, opts) {
  const { ctx } = opts;
  const src = await resolveInside(from.root_path, rel, { mustExist: true, field: `${from.name}:${rel}` });
  const dst = await resolveInside(to.root_path, rel, { field: `${to.name}:${rel}` });
  const before = await stat(src);
  const existing = await lstatOrUndefined(dst);
  if (existing) return compareExisting(src, dst, before, existing, rel, to);
  await mkdir(dirname(dst), { recursive: true });
  await resolveInside(to.root_path, rel, { field: `${to.name}:${rel}` });
  await removeStalePartials(dst);
  const tmp = partialNameFor(dst);
  const progress = ctx.progress(`${from.name} → ${to.name}: ${rel}`, before.size);
  let flushing = false;
  const poll = setInterval(() => {
    stat(tmp).then((s) => {
      progress.update(s.size);
    }, () => void 0);
    if (opts.fsync !== false && !flushing) {
      flushing = true;
      datasyncPath(tmp).then(() => {
        flushing = false;
      }, () => {
        flushing = false;
      });
    }
  }, 250);
  let srcHash;
  await (await open(tmp, "wx")).close();
  const { hashGrowingFile } = await import("./hash-growing-PVSKMBQJ.js");
  const dstHasher = hashGrowingFile(tmp);
  try {
    [srcHash] = await Promise.all([hashFile(src), copyFile(src, tmp)]);
  } catch (err) {
    dstHasher.abort();
    await rm(tmp, { force: true });
    throw stepError(`copy of ${rel} from ${from.name} to ${to.name} failed: ${codeOf(err)}`);
  } finally {
    clearInterval(poll);
  }
  progress.update(before.size);
  progress.done();
  try {
    const after = await stat(src);
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs || srcHash.bytes !== before.size) {
      throw stepError(
        `${from.name}:${rel} changed while it was being copied; not moved`,
        "the beamline may still be writing it: run the move again once the file is complete"
      );
    }
    await utimes(tmp, before.atime, before.mtime);
    const [dstHash] = await Promise.all([dstHasher.finish(srcHash.bytes), opts.fsync === false ? void 0 : fsyncPath(tmp)]);
    if (dstHash.bytes !== before.size || dstHash.digest !== srcHash.digest) {
      throw stepError(`verification of ${rel} at ${to.name} failed: the copy does not match the source (size or content hash); nothing was renamed`);
    }
    if (!await publish(tmp, dst)) {
      await rm(tmp, { force: true });
      const now = await lstat(dst);
      return await compareExisting(src, dst, before, now, rel, to);
    }
    if (opts.fsync !== false) await fsyncPath(dirname(dst));
  } catch (err) {
    dstHasher.abort();
    await rm(tmp, { force: true });
    throw err;
  }
  return { rel, status: "copied", bytes: before.size, checksum: srcHash.digest };
}
async function compareExisting(src, dst, srcStat, dstStat, rel, to) {
  if (!dstStat.isFile()) throw stepError(`${to.name}:${rel} exists and is not a regular file; not overwritten`);
  if (dstStat.size !== srcStat.size) {
    throw stepError(
      `${to.name}:${rel} already exists with a different size (${dstStat.size} bytes, source ${srcStat.size}); not overwritten`,
      "find out which copy is right; move or delete the wrong one by hand, then run the move again"
    );
  }
  const [a, b] = await Promise.all([hashFile(src), hashFile(dst)]);
  if (a.digest !== b.digest) {
    throw stepError(
      `${to.name}:${rel} already exists with different content (content hash differs); not overwritten`,
      "find out which copy is right; move or delete the wrong one by hand, then run the move again"
    );
  }
  return { rel, status: "identical", bytes: srcStat.size, checksum: a.digest };
}
async function publish(tmp, dst) {
  try {
    await link(tmp, dst);
    await unlink(tmp);
    return true;
  } catch (err) {
    const code = codeOf(err);
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "EXDEV") throw err;
  }
  try {
    await (await open(dst, "wx")).close();
  } catch (err) {
    if (codeOf(err) === "EEXIST") return false;
    throw err;
  }
  await rename(tmp, dst);
  return true;
}
async function datasyncPath(path) {
  const fh = await open(path, "r");
  try {
    await fh.datasync();
  } finally {
    await fh.close();
  }
}
async function fsyncPath(path) {
  const fh = await open(path, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
async function lstatOrUndefined(path) {
  try {
    return await lstat(path);
  } catch (err) {
    if (codeOf(err) === "ENOENT") return void 0;
    throw err;
  }
}

// src/transfer/index.ts
function transferFor(from, to) {
  if (from.type === "filesystem" && to.type === "filesystem") {
    return async (rels, opts) => {
      const report = { files: [], skipped: [], task: void 0 };
      for (const rel of rels) {
        const r = await copyBetweenFilesystems(from, to, rel, { ctx: opts.ctx });
        for (const f of r.files) report.files.push(f);
        for (const s of r.skipped) report.skipped.push(s);
      }
      return report;
    };
  }
  if (from.type === "globus" && to.type === "globus") {
    return async (rels, opts) => transferWithGlobus(from, to, rels, { ctx: opts.ctx, client: await opts.services.globus(), settings: opts.services.globusSettings, label: opts.label });
  }
  throw new SplashError(
    "not-configured",
    `no transfer controller for ${describeEndpoint(from)} → ${describeEndpoint(to)}: this build moves filesystem → filesystem and globus → globus`,
    "HPSS transfers are not built yet; a hop between a folder and a Globus collection needs the folder shared as a collection"
  );
}

// src/steps/move.ts
async function moveStep(ctx, input) {
  const { beamline, paths } = input;
  const hops = beamline.settings.move.map((hop, i) => {
    const from = beamline.endpoint(hop.from, `beamlines.${beamline.id}.move[${i}].from`);
    const to = beamline.endpoint(hop.to, `beamlines.${beamline.id}.move[${i}].to`);
    return { hop, from, to, transfer: transferFor(from, to) };
  });
  if (hops.length === 0) ctx.warn(`beamline ${beamline.id} has no move hops configured; nothing to do`);
  const unreached = /* @__PURE__ */ new Set();
  const planned = hops.map((h) => {
    let skip = "";
    if (input.exportControlled && h.hop.skip_export_controlled) skip = "export-controlled data does not take this hop";
    else if (input.exportControlled && unreached.has(h.from.name)) skip = `${h.from.name} was not reached (export control)`;
    if (skip) unreached.add(h.to.name);
    else unreached.delete(h.to.name);
    return { ...h, skip };
  });
  for (const { from, to, skip } of planned) {
    if (!skip) for (const e of [from, to]) await requireReachable(e);
  }
  await checkSources(beamline, paths);
  if (planned.some((h) => !h.skip && (h.from.type === "globus" || h.to.type === "globus"))) await input.services.globus();
  const result = { relPaths: paths, moved: 0, hops: [] };
  try {
    for (const { from, to, transfer, skip } of planned) {
      const hopResult = { from: from.name, to: to.name, status: "skipped (export control)", note: skip, files: [], skipped: [], task: void 0 };
      result.hops.push(hopResult);
      if (skip) {
        ctx.info(`${from.name} → ${to.name}: skipped — ${skip}`);
        continue;
      }
      hopResult.status = "failed";
      await ctx.group(`move ${from.name} → ${to.name} (${paths.length} path${paths.length === 1 ? "" : "s"})`, async () => {
        const report = await transfer(paths, { ctx, services: input.services, label: `splash ${beamline.id}` });
        for (const f of report.files) hopResult.files.push(f);
        for (const sk of report.skipped) hopResult.skipped.push(sk);
        hopResult.task = report.task;
        for (const f of report.files) {
          const sum = f.checksum === void 0 ? "" : `, ${HASH_ALGORITHM} ${f.checksum.slice(0, 12)}…`;
          ctx.info(f.status === "copied" ? `copied ${f.rel} (${formatBytes(f.bytes)}${sum})` : `already there, identical: ${f.rel}`);
        }
        for (const sk of report.skipped) ctx.warn(`not copied: ${displayName(sk.rel)}: ${sk.reason}`);
      });
      hopResult.status = "done";
      result.moved += hopResult.files.filter((f) => f.status === "copied").length;
    }
  } finally {
    writeMoveSummary(ctx, beamline, result);
  }
  ctx.setOutput("relative-paths", JSON.stringify(paths));
  ctx.setOutput("moved", result.moved);
  return result;
}
function writeMoveSummary(ctx, beamline, result) {
  const copied = result.hops.reduce((n, h) => n + h.files.filter((f) => f.status === "copied").length, 0);
  const bytes = result.hops.reduce((n, h) => n + h.files.filter((f) => f.status === "copied").reduce((b, f) => b + f.bytes, 0), 0);
  ctx.summary.heading(`Move · beamline ${beamline.id}`, 2);
  const byGlobus = result.hops.some((h) => h.task !== void 0);
  const byCopy = result.hops.some((h) => h.task === void 0 && h.files.some((f) => f.status === "copied"));
  const how = [
    byCopy ? `folder copies verified by size and ${HASH_ALGORITHM} content hash before taking their final name` : "",
    byGlobus ? "Globus transfers verified by Globus (checksum sync, verify_checksum)" : ""
  ].filter((x) => x !== "").join("; ");
  ctx.summary.text(`${result.relPaths.length} path(s) over ${result.hops.length} hop(s): ${copied} file cop${copied === 1 ? "y" : "ies"} written (${formatBytes(bytes)})${how ? `; ${how}` : ""}.`);
  ctx.summary.table(
    ["hop", "status", "file", "size", "result", HASH_ALGORITHM],
    result.hops.flatMap(
      (h) => h.files.length === 0 ? [[`${h.from} → ${h.to}`, h.note ? `${h.status}: ${h.note}` : h.status, "", "", "", ""]] : h.files.map((f) => [`${h.from} → ${h.to}`, h.status, f.rel, formatBytes(f.bytes), f.status, f.checksum === void 0 ? "verified by Globus" : `${f.checksum.slice(0, 16)}…`])
    )
  );
  const tasks = result.hops.flatMap((h) => h.task ? [[`${h.from} → ${h.to}`, h.task.id, h.task.files, formatBytes(h.task.bytes), formatRate(h.task.bytesPerSecond), formatDuration(h.task.seconds)]] : []);
  if (tasks.length > 0) ctx.summary.table(["hop", "Globus task", "files transferred", "bytes", "effective speed", "time"], tasks);
  const skipped = result.hops.flatMap((h) => h.skipped.map((s) => `${h.from}: ${displayName(s.rel)} — ${s.reason}`));
  if (skipped.length > 0) ctx.summary.details(`${skipped.length} entries not copied`, skipped.map((s) => `- ${s}`).join("\n"));
}
async function checkSources(beamline, paths) {
  const hop = beamline.settings.move[0];
  if (!hop) return;
  const first = beamline.endpoint(hop.from, `beamlines.${beamline.id}.move[0].from`);
  if (first.type !== "filesystem") return;
  await requireReachable(first);
  for (const rel of paths) {
    const abs = await resolveInside(first.root_path, rel, { mustExist: true, field: `${first.name}:${rel}` });
    const st = await stat2(abs);
    if (!st.isFile() && !st.isDirectory()) throw pathError(`${first.name}:${rel}: neither a file nor a folder; nothing was moved`);
  }
}
async function requireReachable(e) {
  if (e.type !== "filesystem") return;
  const st = await stat2(e.root_path).catch(() => void 0);
  if (!st?.isDirectory()) {
    throw configError(
      `endpoint ${e.name}: root_path ${e.root_path} is not a folder on this runner`,
      "is the storage mounted? check the runner, or the root_path in config.yml"
    );
  }
}
function moveLink(beamline, exportControlled) {
  return {
    kind: "step",
    name: "move",
    run: async (ctx, paths, services) => {
      const r = await moveStep(ctx, { beamline, paths, exportControlled, services });
      return `${r.moved} file(s) copied over ${r.hops.length} hop(s)`;
    }
  };
}

// src/steps/ingest.ts
import { mkdir as mkdir2, rename as rename2, writeFile } from "node:fs/promises";
import { join } from "node:path";

// src/scicat/ingestors.ts
import { stat as stat3 } from "node:fs/promises";
import { basename as basename2, dirname as dirname2, extname } from "node:path";
var groupOf = (beamline) => `bl${beamline.replace(/\./g, "")}`;
function cleanEmail(raw, fallback) {
  const candidate = (raw ?? "").split(/[\s,;<>()"']+/).map((t) => t.trim().toLowerCase()).find((t) => t.includes("@") && isEmail(t));
  if (candidate) return { email: candidate };
  return { email: fallback, warning: raw ? `contact e-mail ${JSON.stringify(raw)} is not valid; used ${fallback}` : `no contact e-mail in the file; used ${fallback}` };
}
async function basics(file) {
  const st = await stat3(file.abs);
  return { size: st.size, time: st.mtime.toISOString(), name: basename2(file.abs, extname(file.abs)) };
}
var genericIngestor = async (file) => {
  const { size, time, name } = await basics(file);
  const { digest } = await hashFile(file.abs);
  const group = groupOf(file.beamline);
  return {
    dataset: {
      type: "raw",
      owner: `beamline ${file.beamline}`,
      contactEmail: file.fallbackEmail,
      sourceFolder: file.sourceFolder,
      creationTime: time,
      ownerGroup: group,
      accessGroups: [group],
      principalInvestigator: `beamline ${file.beamline}`,
      creationLocation: `/ALS/${file.beamline}`,
      datasetName: name,
      size,
      numberOfFiles: 1,
      scientificMetadata: { file_name: basename2(file.abs) },
      dataFormat: extname(file.abs).slice(1) || "unknown"
    },
    datafile: { path: basename2(file.abs), size, time, chk: digest },
    thumbnail: void 0,
    warnings: []
  };
};
var dataExchangeIngestor = async (file) => {
  const { readDataExchangeMetadata } = await import("./hdf5-CQTNLVO6.js");
  const { thumbnailFromDataExchange } = await import("./thumbnail-W52RPURP.js");
  let meta;
  try {
    meta = await readDataExchangeMetadata(file.abs);
  } catch (err) {
    const plan = await genericIngestor(file);
    return { ...plan, warnings: [`metadata not read: ${err instanceof Error ? err.message : String(err)}`] };
  }
  const { size, time, name } = await basics(file);
  const c = meta.catalogue;
  const warnings = [...meta.warnings];
  const contact = cleanEmail(c.email, file.fallbackEmail);
  if (contact.warning) warnings.push(contact.warning);
  const owner = c.experimenterName ?? c.experimentLead ?? `beamline ${file.beamline}`;
  const group = groupOf(file.beamline);
  let thumbnail;
  try {
    thumbnail = await thumbnailFromDataExchange(file.abs, { maxSize: 256 });
    if (!thumbnail) warnings.push("no /exchange/data: no thumbnail");
  } catch (err) {
    warnings.push(`thumbnail not made: ${err instanceof Error ? err.message : String(err)}`);
  }
  return {
    dataset: {
      type: "raw",
      owner,
      contactEmail: contact.email,
      ...contact.warning ? {} : { ownerEmail: contact.email },
      sourceFolder: file.sourceFolder,
      creationTime: time,
      ownerGroup: c.proposal ?? group,
      accessGroups: [group, file.beamline],
      principalInvestigator: c.pi ?? owner,
      creationLocation: `/ALS/${file.beamline}`,
      // Named after the file, not the name recorded inside it: two scans must never share a dataset.
      datasetName: name,
      size,
      numberOfFiles: 1,
      scientificMetadata: { ...c.fileName ? { file_name: c.fileName } : {}, ...meta.scientific, ...Object.keys(meta.samples).length > 0 ? { samples: meta.samples } : {} },
      ...c.proposal ? { proposalId: c.proposal } : {},
      ...c.instrumentName ? { instrumentGroup: c.instrumentName } : {},
      dataFormat: "DataExchange HDF5"
    },
    datafile: { path: basename2(file.abs), size, time },
    thumbnail,
    warnings
  };
};
var sourceFolderOf = (root, rel) => {
  const dir = dirname2(rel);
  return dir === "." ? root : `${root === "/" ? "" : root}/${dir}`;
};

// src/steps/ingest.ts
function ingestSource(beamline) {
  const readFrom = beamline.settings.ingest_read_from;
  if (readFrom !== void 0) {
    const e = beamline.endpoint(readFrom, `beamlines.${beamline.id}.ingest.read_from`);
    if (e.type !== "filesystem") {
      throw configError(
        `beamlines.${beamline.id}.ingest.read_from: ${e.name} is a ${e.type} endpoint; ingest reads files on the runner`,
        "name a filesystem endpoint: the folder where the runner sees the moved files"
      );
    }
    return e;
  }
  const hop = beamline.settings.move[0];
  const source = hop ? beamline.endpoint(hop.from, `beamlines.${beamline.id}.move[0].from`) : void 0;
  if (source?.type !== "filesystem") {
    throw new SplashError(
      "not-configured",
      `ingest reads files from the beamline's first endpoint, and for ${beamline.id} that is ${source ? `a ${source.type} endpoint` : "not configured"}`,
      `set beamlines."${beamline.id}".ingest.read_from to a filesystem endpoint the runner mounts (where the move put the files)`
    );
  }
  return source;
}
async function ingestStep(ctx, input) {
  const { beamline } = input;
  const source = ingestSource(beamline);
  const plans = [];
  for (const rel of input.paths) {
    const abs = await resolveInside(source.root_path, rel, { mustExist: true, field: `${source.name}:${rel}` });
    const plan = await input.ingestor({ abs, sourceFolder: sourceFolderOf(source.root_path, rel), beamline: beamline.id, fallbackEmail: input.services.scicatSettings.fallbackEmail });
    const checked = validateRawDataset(plan.dataset);
    if (!checked.ok) throw stepError(`the SciCat dataset for ${rel} would be rejected: ${checked.issues.join("; ")}; nothing was sent`);
    for (const w of plan.warnings) ctx.warn(`${rel}: ${w}`);
    plans.push({ rel, plan });
  }
  const client = await input.services.scicat();
  const results = [];
  try {
    for (const { rel, plan } of plans) {
      const base = { rel, name: plan.dataset.datasetName, proposal: plan.dataset.proposalId ?? "", size: plan.dataset.size, warnings: plan.warnings };
      if (!client) {
        await writeDryRun(input.services.scicatSettings.dryRunDir, plan);
        results.push({ ...base, pid: `dry-run:${plan.dataset.datasetName}`, outcome: "dry-run" });
        continue;
      }
      const { dataset, created } = await client.ensureRawDataset(plan.dataset);
      if (created || await client.countRelated(dataset.pid, "origdatablocks") === 0) {
        await client.addOrigDatablock(dataset.pid, { size: plan.datafile.size, dataFileList: [plan.datafile], ...plan.datafile.chk ? { chkAlg: "xxh128" } : {} });
      }
      if (plan.thumbnail && (created || await client.countRelated(dataset.pid, "attachments") === 0)) {
        const { toDataUrl } = await import("./thumbnail-W52RPURP.js");
        await client.addAttachment(dataset.pid, { thumbnail: toDataUrl(plan.thumbnail), caption: `first projection of ${plan.dataset.datasetName}` });
      }
      ctx.info(`${created ? "registered" : "already registered"} ${rel} as ${dataset.pid}`);
      results.push({ ...base, pid: dataset.pid, outcome: created ? "created" : "existing" });
    }
  } finally {
    writeSummary(ctx, beamline, results, client === void 0 ? input.services.scicatSettings.dryRunDir : void 0);
  }
  ctx.setOutput("dataset-pids", JSON.stringify(results.map((r) => r.pid)));
  return results;
}
async function writeDryRun(dir, plan) {
  await mkdir2(dir, { recursive: true });
  const doc = {
    dataset: plan.dataset,
    origDatablock: { size: plan.datafile.size, dataFileList: [plan.datafile] },
    attachment: plan.thumbnail ? { caption: `first projection of ${plan.dataset.datasetName}`, pngBytes: plan.thumbnail.length } : null,
    warnings: plan.warnings
  };
  const file = join(dir, `${plan.dataset.datasetName}.json`);
  await writeFile(`${file}.tmp`, `${JSON.stringify(doc, null, 2)}
`);
  await rename2(`${file}.tmp`, file);
}
function writeSummary(ctx, beamline, results, dryRunDir) {
  ctx.summary.heading(`Ingest · beamline ${beamline.id}`, 2);
  if (dryRunDir) ctx.summary.text(`SciCat is not configured: dry run, the documents are in ${dryRunDir}.`);
  ctx.summary.table(["file", "pid", "dataset", "proposal", "size", "result", "warnings"], results.map((r) => [r.rel, r.pid, r.name, r.proposal, formatBytes(r.size), r.outcome, r.warnings.join("; ")]));
}
function ingestLink(beamline, ingestor) {
  return {
    kind: "step",
    name: "ingest",
    run: async (ctx, paths, services) => {
      const r = await ingestStep(ctx, { beamline, paths, ingestor, services });
      return `${r.length} dataset(s): ${r.map((d) => `${d.pid} (${d.outcome})`).join(", ")}`;
    }
  };
}

// src/prune/globus.ts
var DAY_MS = 864e5;
var DELETE_BATCH = 1e4;
var PruneIncomplete = class extends SplashError {
  report;
  constructor(cause, report) {
    super(cause.kind, cause.message, cause.hint);
    this.report = report;
  }
};
async function checkGlobusPruneRoots(endpoint, check, verify, client) {
  if (verify === "hash") {
    throw configError(
      `prune of ${endpoint.name}: verify: hash is not available for Globus endpoints (the API offers no checksum of a stored file)`,
      "use verify: size — Globus already verified checksums when it transferred the files (verify_checksum)"
    );
  }
  if (endpoint.uuid === check.uuid && (isInside(endpoint.root_path, check.root_path) || isInside(check.root_path, endpoint.root_path))) {
    throw configError(
      `prune of ${endpoint.name} is checked against ${check.name}: same collection, and one folder is the same as or inside the other`,
      "a check endpoint must be a separate copy of the data; fix the prune rule in config.yml"
    );
  }
  const c = await client();
  for (const e of [endpoint, check]) await requireRoot(c, e);
}
async function pruneGlobus(endpoint, check, opts) {
  const { client, ctx } = opts;
  const cutoff = opts.now.getTime() - opts.afterDays * DAY_MS;
  const report = { endpoint: endpoint.name, check: check.name, afterDays: opts.afterDays, dryRun: opts.dryRun, pruned: [], kept: [], unsafe: [], removedDirs: [] };
  const candidates = [];
  for await (const e of walkCollection(client, endpoint)) {
    if (e.kind === "skipped") report.unsafe.push({ rel: e.rel, reason: e.reason });
    else if (e.mtimeMs > cutoff) report.kept.push({ rel: e.rel, size: e.size, mtimeMs: e.mtimeMs });
    else candidates.push({ rel: e.rel, size: e.size, mtimeMs: e.mtimeMs });
  }
  const verified = [];
  const copies = await lookupByFolder(client, check, candidates.map((c) => c.rel));
  for (const item of candidates) {
    const copy = copies.get(item.rel);
    const problem = !copy ? `not replicated: no copy at ${check.name}` : copy.link_target ? `copy at ${check.name} is a symlink (not followed)` : copy.type !== "file" ? `copy at ${check.name} is not a regular file` : copy.size !== item.size ? `size differs at ${check.name} (${copy.size} bytes there, ${item.size} here)` : Math.floor(parseGlobusTime(copy.last_modified).getTime() / 1e3) < Math.floor(item.mtimeMs / 1e3) ? `copy at ${check.name} is older than this file (modified after it was copied?)` : void 0;
    if (problem) report.unsafe.push({ rel: item.rel, reason: problem });
    else verified.push(item);
  }
  verified.sort((a, b) => a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0);
  if (opts.dryRun) {
    for (const f of verified) report.pruned.push(f);
    return report;
  }
  const sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  const prefix = endpoint.root_path === "/" ? "" : endpoint.root_path;
  try {
    for (let i = 0; i < verified.length; i += DELETE_BATCH) {
      const batch = verified.slice(i, i + DELETE_BATCH);
      const doc = deleteDocument({
        collection: endpoint.uuid,
        paths: batch.map((f) => `${prefix}/${f.rel}`),
        label: safeLabel(`splash prune ${endpoint.name} ${batch.length} files`),
        recursive: false,
        ignoreMissing: true,
        notify: false,
        // The service itself stops the task when the step stops waiting for it.
        deadline: new Date(Date.now() + opts.settings.waitTimeoutMinutes * 6e4)
      });
      const { task_id: taskId } = await client.submitDelete(doc);
      ctx.info(`Globus delete task ${taskId}: ${batch.length} file(s) on ${endpoint.name}`);
      await waitForTask(client, taskId, { ctx, settings: opts.settings, onGiveUp: "cancel" }, sleep);
      for (const f of batch) report.pruned.push(f);
    }
  } catch (err) {
    if (err instanceof SplashError) throw new PruneIncomplete(err, report);
    throw err;
  }
  return report;
}

// src/prune/filesystem.ts
import { lstatSync, rmdirSync, unlinkSync } from "node:fs";
import { realpath } from "node:fs/promises";
var DAY_MS2 = 864e5;
async function pruneFilesystem(endpoint, check, opts) {
  const { root, checkRoot } = await checkPruneRoots(endpoint, check);
  const spec = { root, checkRoot, checkName: check.name, cutoffMs: opts.now.getTime() - opts.afterDays * DAY_MS2 };
  const { planTree } = await import("./sweep-parallel-JCD7UBSO.js");
  const started = performance.now();
  const plan = await planTree(spec);
  opts.ctx.debug(
    `prune ${endpoint.name}: planned ${plan.files} files in ${Math.round(performance.now() - started)} ms${plan.workers > 0 ? ` with ${plan.workers} worker threads` : ""}: ${plan.candidates.length} candidates, ${plan.kept.length} young, ${plan.unsafe.length} unsafe`
  );
  const report = {
    endpoint: endpoint.name,
    check: check.name,
    afterDays: opts.afterDays,
    dryRun: opts.dryRun,
    pruned: [],
    kept: plan.kept.map(toPruned),
    unsafe: plan.unsafe,
    removedDirs: []
  };
  const locator = new SweepLocator(checkRoot);
  const touched = /* @__PURE__ */ new Set();
  for (const item of plan.candidates) {
    const problem = opts.verify === "hash" ? await contentProblem(spec, item) : void 0;
    if (problem) {
      report.unsafe.push({ rel: item.rel, reason: problem });
      continue;
    }
    if (!opts.dryRun) {
      const changed = sourceChanged(`${root}/${item.rel}`, item) ?? replicaProblem(spec, locator, item);
      if (changed) {
        report.unsafe.push({ rel: item.rel, reason: `${changed}; left for the next run` });
        continue;
      }
      try {
        unlinkSync(`${root}/${item.rel}`);
      } catch (err) {
        report.unsafe.push({ rel: item.rel, reason: `could not delete (${codeOf(err)}); left for the next run` });
        continue;
      }
      touched.add(parentOf(item.rel));
    }
    report.pruned.push(toPruned(item));
  }
  if (!opts.dryRun) for (const d of removeEmptiedDirs(root, touched)) report.removedDirs.push(d);
  return report;
}
async function checkPruneRoots(endpoint, check) {
  const root = await realpathOrFail(endpoint);
  const checkRoot = await realpathOrFail(check);
  if (isInside(root, checkRoot) || isInside(checkRoot, root)) {
    throw configError(
      `prune of ${endpoint.name} is checked against ${check.name}, but ${root === checkRoot ? "both are the same folder" : "one folder is inside the other"} (${root}, ${checkRoot})`,
      "a check endpoint must be a separate copy of the data; fix the prune rule in config.yml"
    );
  }
  return { root, checkRoot };
}
var toPruned = (i) => ({ rel: i.rel, size: i.size, mtimeMs: i.mtimeMs });
function sourceChanged(abs, item) {
  let now;
  try {
    now = lstatSync(abs, { throwIfNoEntry: false });
  } catch (err) {
    return `unreadable now (${codeOf(err)})`;
  }
  if (!now) return "gone since the plan";
  if (now.ino !== item.ino || now.dev !== item.dev || now.size !== item.size || now.mtimeMs !== item.mtimeMs) return "changed during the sweep";
  return void 0;
}
async function contentProblem(spec, item) {
  try {
    const [a, b] = await Promise.all([hashFile(`${spec.root}/${item.rel}`), hashFile(`${spec.checkRoot}/${item.rel}`)]);
    return a.digest === b.digest ? void 0 : `content differs at ${spec.checkName} (${HASH_ALGORITHM})`;
  } catch (err) {
    return `could not read both copies to compare checksums (${codeOf(err)})`;
  }
}
function removeEmptiedDirs(root, touched) {
  const removed = [];
  const byDepth = /* @__PURE__ */ new Map();
  const add = (rel) => {
    if (rel === "") return;
    const depth = rel.split("/").length;
    let bucket = byDepth.get(depth);
    if (!bucket) byDepth.set(depth, bucket = /* @__PURE__ */ new Set());
    bucket.add(rel);
  };
  for (const rel of touched) add(rel);
  for (let depth = Math.max(0, ...byDepth.keys()); depth > 0; depth--) {
    for (const rel of [...byDepth.get(depth) ?? []].sort()) {
      try {
        rmdirSync(`${root}/${rel}`);
      } catch {
        continue;
      }
      removed.push(rel);
      add(parentOf(rel));
    }
  }
  return removed;
}
function parentOf(rel) {
  const i = rel.lastIndexOf("/");
  return i < 0 ? "" : rel.slice(0, i);
}
async function realpathOrFail(e) {
  try {
    return await realpath(e.root_path);
  } catch (err) {
    throw configError(`endpoint ${e.name}: root_path ${e.root_path} is not reachable (${codeOf(err)})`, "check the mount and the root_path in config.yml");
  }
}

// src/prune/index.ts
function pruneFor(endpoint, check, verify) {
  if (endpoint.type === "filesystem" && check.type === "filesystem") {
    return { check: async () => {
      await checkPruneRoots(endpoint, check);
    }, run: (opts) => pruneFilesystem(endpoint, check, opts) };
  }
  if (endpoint.type === "globus" && check.type === "globus") {
    return {
      check: (services) => checkGlobusPruneRoots(endpoint, check, verify, () => services.globus()),
      run: async (opts) => pruneGlobus(endpoint, check, { ...opts, client: await opts.services.globus(), settings: opts.services.globusSettings })
    };
  }
  throw new SplashError(
    "not-configured",
    `no prune controller for ${describeEndpoint(endpoint)} checked against ${describeEndpoint(check)}: this build prunes filesystem and Globus endpoints, each checked against one of its kind`,
    "HPSS pruning is not built yet; remove this rule or point it at an endpoint of the same kind"
  );
}

// src/prune/report.ts
function bytesOf(files) {
  let total = 0;
  for (const f of files) total += f.size;
  return total;
}

// src/steps/prune.ts
var SUMMARY_LIMIT = 50;
async function pruneStep(ctx, input) {
  const plan = input.beamlines.flatMap(
    (b) => b.settings.prune.map((rule, i) => {
      const endpoint = b.endpoint(rule.endpoint, `beamlines.${b.id}.prune[${i}].endpoint`);
      const check = b.endpoint(rule.check, `beamlines.${b.id}.prune[${i}].check`);
      try {
        return { beamline: b, rule, endpoint, check, run: pruneFor(endpoint, check, rule.verify), why: "" };
      } catch (err) {
        if (!(err instanceof SplashError) || err.kind !== "not-configured") throw err;
        return { beamline: b, rule, endpoint, check, run: void 0, why: err.message };
      }
    })
  );
  if (plan.length === 0) ctx.warn("no prune rules configured for the chosen beamline(s); nothing to do");
  const unavailable2 = plan.filter((p) => p.run === void 0);
  for (const u of unavailable2) ctx.warn(`prune ${u.endpoint.name} (beamline ${u.beamline.id}): not configured — ${u.why}`);
  for (const p of plan) if (p.run) await p.run.check(input.services);
  const reports = [];
  try {
    for (const { beamline, rule, endpoint, check, run } of plan) {
      if (!run) continue;
      const title = `prune ${endpoint.name} (beamline ${beamline.id}): older than ${rule.after_days} day(s), checked against ${check.name}${input.dryRun ? " — dry run" : ""}`;
      const report = await ctx.group(title, async () => {
        try {
          const r = await run.run({ afterDays: rule.after_days, verify: rule.verify, now: input.now, dryRun: input.dryRun, ctx, services: input.services });
          logReport(ctx, r);
          return r;
        } catch (err) {
          if (err instanceof PruneIncomplete) {
            logReport(ctx, err.report);
            reports.push(err.report);
          }
          throw err;
        }
      });
      reports.push(report);
    }
  } finally {
    writePruneSummary(ctx, input, reports, unavailable2.map((u) => [u.endpoint.name, u.check.name, u.why]));
  }
  ctx.setOutput("pruned", reports.reduce((n, r) => n + r.pruned.length, 0));
  ctx.setOutput("kept", reports.reduce((n, r) => n + r.kept.length, 0));
  ctx.setOutput("unsafe", reports.reduce((n, r) => n + r.unsafe.length, 0));
  if (reports.length === 0 && unavailable2.length > 0) {
    throw new SplashError("not-configured", `none of the ${unavailable2.length} prune rule(s) can run: ${unavailable2[0]?.why ?? ""}`);
  }
  return reports;
}
var LOG_BATCH = 2e3;
function logReport(ctx, r) {
  const verb = r.dryRun ? "would prune" : "pruned";
  for (let i = 0; i < r.pruned.length; i += LOG_BATCH) {
    ctx.info(r.pruned.slice(i, i + LOG_BATCH).map((f) => `${verb} ${r.endpoint}:${displayName(f.rel)} (${formatBytes(f.size)})`).join("\n"));
  }
  r.unsafe.slice(0, 10).forEach((u) => {
    ctx.warn(`kept, unsafe to delete: ${r.endpoint}:${displayName(u.rel)} — ${u.reason}`);
  });
  for (let i = 10; i < r.unsafe.length; i += LOG_BATCH) {
    ctx.info(r.unsafe.slice(i, i + LOG_BATCH).map((u) => `kept, unsafe to delete: ${r.endpoint}:${displayName(u.rel)} — ${u.reason}`).join("\n"));
  }
  ctx.info(`${r.endpoint}: ${r.pruned.length} ${verb} (${formatBytes(bytesOf(r.pruned))}), ${r.kept.length} kept (younger than ${r.afterDays} day(s)), ${r.unsafe.length} unsafe`);
}
function writePruneSummary(ctx, input, reports, unavailable2) {
  const s = ctx.summary;
  s.heading(`Prune${input.dryRun ? " (dry run: nothing was deleted)" : ""}`, 2);
  s.text(`Retention sweep as of ${input.now.toISOString()}. A file is deleted only when its check endpoint holds a verified copy.`);
  s.table(
    ["endpoint", "check", "older than", input.dryRun ? "would prune" : "pruned", "freed", "kept (young)", "unsafe", "folders removed"],
    reports.map((r) => [r.endpoint, r.check, `${r.afterDays} d`, r.pruned.length, formatBytes(bytesOf(r.pruned)), r.kept.length, r.unsafe.length, r.removedDirs.length])
  );
  if (unavailable2.length > 0) {
    s.heading(`Not configured (${unavailable2.length})`, 3);
    s.table(["endpoint", "check", "why nothing was pruned"], unavailable2);
  }
  const unsafe = reports.flatMap((r) => r.unsafe.map((u) => [r.endpoint, displayName(u.rel), u.reason]));
  if (unsafe.length > 0) {
    s.heading(`Unsafe to delete (${unsafe.length})`, 3);
    s.table(["endpoint", "file", "why it was kept"], unsafe.slice(0, SUMMARY_LIMIT));
    if (unsafe.length > SUMMARY_LIMIT) s.text(`…and ${unsafe.length - SUMMARY_LIMIT} more; the run log lists them all.`);
  }
  const pruned = reports.flatMap((r) => r.pruned.map((f) => `${r.endpoint}:${displayName(f.rel)} (${formatBytes(f.size)})`));
  if (pruned.length > 0) {
    s.details(
      `${input.dryRun ? "Would prune" : "Pruned"} (${pruned.length})`,
      pruned.slice(0, SUMMARY_LIMIT).map((p) => `- ${p}`).join("\n") + (pruned.length > SUMMARY_LIMIT ? `
- …and ${pruned.length - SUMMARY_LIMIT} more` : "")
    );
  }
}

// src/hpss/cycle.ts
function cycleKey(c) {
  return `${String(c.year)}-${String(c.cycle)}`;
}
var formatters = /* @__PURE__ */ new Map();
function localDate(ms, timeZone) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "numeric", day: "numeric" });
    formatters.set(timeZone, f);
  }
  const parts = f.formatToParts(new Date(ms));
  const part = (type) => Number(parts.find((p) => p.type === type)?.value);
  return { year: part("year"), month: part("month"), day: part("day") };
}
function cycleOf(ms, timeZone) {
  const { year, month, day } = localDate(ms, timeZone);
  return { year, cycle: month < 7 || month === 7 && day <= 15 ? 1 : 2 };
}
function lastCompletedCycle(now, timeZone) {
  const current = cycleOf(now.getTime(), timeZone);
  return current.cycle === 2 ? { year: current.year, cycle: 1 } : { year: current.year - 1, cycle: 2 };
}
function sameCycle(a, b) {
  return a.year === b.year && a.cycle === b.cycle;
}
function compareCycles(a, b) {
  return a.year - b.year || a.cycle - b.cycle;
}
function parseCycle(raw, field, now, timeZone) {
  const text = raw.trim();
  const last = lastCompletedCycle(now, timeZone);
  if (text === "" || text === "last") return last;
  const m = /^(\d{4})-([12])$/.exec(text);
  if (!m) throw usageError(`${field}: expected "last" or a beam cycle like 2026-1 (Jan 1 – Jul 15) or 2026-2 (Jul 16 – Dec 31), got ${JSON.stringify(raw)}`);
  const cycle = { year: Number(m[1]), cycle: m[2] === "1" ? 1 : 2 };
  if (compareCycles(cycle, last) > 0) {
    throw usageError(`${field}: beam cycle ${cycleKey(cycle)} has not ended yet (the last that has is ${cycleKey(last)})`, "archive a cycle once it has ended");
  }
  return cycle;
}

// src/hpss/host.ts
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
var SshFailed = class extends SplashError {
  constructor(message, hint) {
    super("step", message, hint);
  }
};
function hostLabel(e) {
  if (!e.ssh) return "this runner";
  return `${e.ssh.user === void 0 ? "" : `${e.ssh.user}@`}${e.ssh.host}${e.ssh.port === 22 ? "" : `:${String(e.ssh.port)}`}`;
}
function sshArgs(e) {
  const ssh = e.ssh;
  if (!ssh) return void 0;
  const key = resolveEnv(ssh.key_path, { secret: false, mask: () => void 0 });
  try {
    accessSync(key, constants.R_OK);
  } catch {
    throw configError(
      `${e.name}.ssh.key_path: cannot read the private key ${key}`,
      "check the path and that the runner user can read it (sshproxy writes a new key every 24 h)"
    );
  }
  const args = [
    "-o",
    "BatchMode=yes",
    // never prompt: a scheduled run has nobody to answer
    "-o",
    "StrictHostKeyChecking=yes",
    // an unknown host key is an error, not a question
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    `ConnectTimeout=${String(ssh.connect_timeout_seconds)}`,
    "-o",
    "ServerAliveInterval=30",
    "-o",
    "ServerAliveCountMax=6",
    "-i",
    key,
    "-p",
    String(ssh.port)
  ];
  if (ssh.known_hosts !== void 0) args.push("-o", `UserKnownHostsFile=${ssh.known_hosts}`);
  if (ssh.user !== void 0) args.push("-l", ssh.user);
  args.push("--", ssh.host, "bash -s");
  return args;
}
function runOnHost(e, script, opts = {}) {
  const args = sshArgs(e);
  const child = args ? spawn("ssh", args, { stdio: ["pipe", "pipe", "pipe"] }) : spawn("bash", ["-s"], { stdio: ["pipe", "pipe", "pipe"] });
  const out = [];
  const err = [];
  const lines = (sink) => {
    let pending = "";
    return (chunk) => {
      if (!sink) return;
      pending += chunk.toString("utf8");
      const parts = pending.split("\n");
      pending = parts.pop() ?? "";
      for (const line of parts) sink(line);
    };
  };
  const onOut = lines(opts.onLine);
  const onErr = lines(opts.onErrorLine);
  child.stdout.on("data", (c) => {
    out.push(c);
    onOut(c);
  });
  child.stderr.on("data", (c) => {
    err.push(c);
    onErr(c);
  });
  child.stdin.on("error", () => void 0);
  child.stdin.end(script);
  return new Promise((resolve2, reject) => {
    const timer = opts.timeoutMs === void 0 ? void 0 : setTimeout(() => {
      child.kill("SIGTERM");
    }, opts.timeoutMs);
    child.on("error", (error) => {
      if (timer) clearTimeout(timer);
      const what = args ? "ssh" : "bash";
      reject(stepError(`cannot start ${what}: ${error.message}`, `install the OpenSSH client (${what}) on the runner`));
    });
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      const stdout = Buffer.concat(out).toString("utf8");
      const stderr = Buffer.concat(err).toString("utf8");
      if (signal !== null) {
        reject(stepError(`the script on ${hostLabel(e)} was stopped (${signal})${opts.timeoutMs === void 0 ? "" : ` after ${String(Math.round(opts.timeoutMs / 1e3))} s`}`));
        return;
      }
      if (args && code === 255) {
        reject(
          new SshFailed(
            `ssh to ${hostLabel(e)} failed: ${lastLines(stderr)}`,
            "check ssh.host, ssh.user and ssh.key_path in config.yml, that the key is current (sshproxy keys last 24 h) and that the host key is in known_hosts"
          )
        );
        return;
      }
      resolve2({ code: code ?? 1, stdout, stderr });
    });
  });
}
function lastLines(text, n = 3) {
  const tail = text.split("\n").map((l) => l.trim()).filter((l) => l !== "").slice(-n).join(" | ").slice(0, 600);
  return tail === "" ? "no message" : tail;
}

// src/hpss/plan.ts
var HTAR_MEMBER_LIMIT = 68719476735;
var USTAR_NAME = 99;
var USTAR_PREFIX = 154;
var HSI_SAFE_SEGMENT = /^[A-Za-z0-9._,+=@%-]+$/;
function isHsiSafe(path) {
  return path.split("/").every((s) => s === "" || HSI_SAFE_SEGMENT.test(s));
}
function fitsUstar(rel) {
  const bytes = Buffer.byteLength(rel);
  if (bytes <= USTAR_NAME) return true;
  for (let i = rel.indexOf("/"); i !== -1; i = rel.indexOf("/", i + 1)) {
    if (Buffer.byteLength(rel.slice(0, i)) <= USTAR_PREFIX && Buffer.byteLength(rel.slice(i + 1)) <= USTAR_NAME) return true;
  }
  return false;
}
var byPath = (a, b) => a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0;
function planArchive(files, opts) {
  const singles = [];
  const refused = [];
  const deferred = [];
  const byCycle = /* @__PURE__ */ new Map();
  for (const f of [...files].sort(byPath)) {
    const tooBig = f.size > HTAR_MEMBER_LIMIT;
    if (tooBig || !fitsUstar(f.rel)) {
      const why = tooBig ? "larger than the htar member limit (68.7 GB)" : "path too long for a tar header";
      if (isHsiSafe(f.rel)) singles.push({ file: f, why });
      else refused.push({ rel: f.rel, why: `${why}, and its name has characters hsi cannot take (use letters, digits and . _ , + = @ % -)` });
      continue;
    }
    const cycle = cycleOf(f.mtimeMs, opts.timeZone);
    if (compareCycles(cycle, opts.upTo) > 0) {
      deferred.push(f);
      continue;
    }
    const key = cycleKey(cycle);
    let group = byCycle.get(key);
    if (!group) byCycle.set(key, group = { cycle, files: [] });
    group.files.push(f);
  }
  const bundles = [];
  for (const { cycle, files: group } of [...byCycle.values()].sort((a, b) => compareCycles(a.cycle, b.cycle))) {
    let current = [];
    let bytes = 0;
    let part = 0;
    const close = () => {
      const suffix = part === 0 ? "" : `_part${String(part)}`;
      bundles.push({ name: `${opts.proposal}_${cycleKey(cycle)}${suffix}.tar`, cycle, members: current, bytes });
      part++;
      current = [];
      bytes = 0;
    };
    for (const f of group) {
      if (current.length > 0 && bytes + f.size > opts.bundleMaxBytes) close();
      current.push(f);
      bytes += f.size;
    }
    if (current.length > 0) close();
  }
  const total = files.reduce((n, f) => n + f.size, 0);
  return { bundles, singles, refused, deferred, files: files.length, bytes: total };
}

// src/hpss/script.ts
import { randomBytes } from "node:crypto";
function shq(value) {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
var MARK = "@@splash";
var EXIT_NO_FOLDER = 3;
var EXIT_NO_DEST = 4;
var EXIT_NO_LISTING = 5;
var EXIT_CANNOT_ENTER = 6;
var BEGIN = "@@splash-begin";
var END = "@@splash-end";
var PROLOGUE = "set -u -f";
function tools(hsi, htar) {
  return [
    `HSI=${shq(hsi)}`,
    `HTAR=${shq(htar)}`,
    `say() { printf '${MARK} %s\\n' "$*"; }`,
    'hsi_() { "$HSI" -q "$@" </dev/null; }',
    'htar_() { "$HTAR" "$@" </dev/null; }'
  ];
}
function enter(dir) {
  return [
    `[ -d ${shq(dir)} ] || { echo "no such folder: "${shq(dir)} >&2; exit ${String(EXIT_NO_FOLDER)}; }`,
    `cd -- ${shq(dir)} || exit ${String(EXIT_CANNOT_ENTER)}`
  ].join("\n");
}
function proposalsScript(dir) {
  return [
    PROLOGUE,
    enter(dir),
    `printf '${BEGIN}\\0'`,
    "find . -mindepth 1 -maxdepth 1 ! -type d -printf 'o\\t%y\\t0\\t%P\\0'",
    "find . -mindepth 1 -maxdepth 1 -type d -printf '%P\\0' | while IFS= read -r -d '' d; do",
    `  newest=$(find "./$d" -type f -printf '%T@\\n' 2>/dev/null | sort -n | tail -n 1)`,
    `  printf 'd\\t%s\\t%s\\0' "\${newest:-0}" "$d"`,
    "done",
    `printf '${END}\\0'`
  ].join("\n") + "\n";
}
function inventoryScript(dir) {
  return [
    PROLOGUE,
    enter(dir),
    `printf '${BEGIN}\\0'`,
    "find . -mindepth 1 \\( -type f -printf 'f\\t%s\\t%T@\\t%P\\0' \\) -o \\( ! -type d -printf 'o\\t%y\\t0\\t%P\\0' \\) || exit",
    `printf '${END}\\0'`
  ].join("\n") + "\n";
}
function parseListing(stdout) {
  const records = stdout.split("\0");
  const begin = records.findIndex((r) => r === BEGIN || r.endsWith(`
${BEGIN}`));
  const end = records.lastIndexOf(END);
  if (begin === -1 || end < begin) throw stepError("the listing from the HPSS host is incomplete (no begin/end marker)", "run again; if it persists, check the host");
  const entries = [];
  for (const record of records.slice(begin + 1, end)) {
    const [kind = "", a = "", ...rest] = record.split("	");
    if (kind === "f" && rest.length >= 2) {
      const [b = "", ...name] = rest;
      const seconds = Number(b);
      const rel = name.join("	");
      if (/^\d+$/.test(a) && Number.isFinite(seconds) && rel !== "") {
        entries.push({ kind: "file", rel, size: Number(a), mtimeMs: Math.round(seconds * 1e3), type: "f" });
        continue;
      }
    } else if (kind === "d" && rest.length >= 1) {
      const rel = rest.join("	");
      if (Number.isFinite(Number(a)) && a !== "" && rel !== "") {
        entries.push({ kind: "folder", rel, size: 0, mtimeMs: Math.round(Number(a) * 1e3), type: "d" });
        continue;
      }
    } else if (kind === "o" && rest.length >= 2) {
      const rel = rest.slice(1).join("	");
      if (rel !== "") {
        entries.push({ kind: "other", rel, size: 0, mtimeMs: 0, type: a });
        continue;
      }
    }
    throw stepError(`unreadable record in the listing from the HPSS host: ${JSON.stringify(record.slice(0, 120))}`, "nothing was archived; check the host");
  }
  return entries;
}
function delimiter(members) {
  for (; ; ) {
    const d = `SPLASH_MEMBERS_${randomBytes(6).toString("hex")}`;
    if (!members.some((m) => m.rel === d)) return d;
  }
}
function archiveScript(input) {
  const lines = [
    PROLOGUE,
    ...tools(input.hsi, input.htar),
    `DEST=${shq(input.dest)}`,
    // Every hsi call is an HPSS session (seconds on the real system): look upwards from the folder for the
    // deepest one that exists (usually its parent), then create the missing levels one by one.
    "ensure_dir() {",
    '  local p="$1" missing=() d',
    // ${a[@]+"${a[@]}"}: an empty array under set -u, also on bash before 4.4.
    '  while [ -n "$p" ] && ! hsi_ ls "$p" >/dev/null 2>&1; do missing=("$p" ${missing[@]+"${missing[@]}"}); p="${p%/*}"; done',
    '  for d in ${missing[@]+"${missing[@]}"}; do hsi_ mkdir "$d" || { say mkdir-failed; return 1; }; done',
    "}",
    'list() { say list-begin "$1"; htar_ -tvf "$2" 2>&1; say list-end "$1" "$?"; }',
    'lsl() { say list-begin "$1"; hsi_ ls -l "$2" 2>&1; say list-end "$1" "$?"; }',
    enter(input.source),
    `ensure_dir "$DEST" || exit ${String(EXIT_NO_DEST)}`,
    // One listing of the folder tells which archives are complete. If it fails, which ones are is unknown,
    // and writing would overwrite complete archives: stop before anything is written.
    `have=$(hsi_ ls "$DEST" 2>&1) || { echo "cannot list $DEST: $have" >&2; exit ${String(EXIT_NO_LISTING)}; }`,
    // hsi lists in columns like ls; a word whose last path part is the name counts (names are hsi-safe).
    `listed() { printf '%s\\n' "$have" | awk -v n="$1" '{ for (i = 1; i <= NF; i++) { f = $i; sub(/.*\\//, "", f); if (f == n) found = 1 } } END { exit !found }'; }`
  ];
  input.bundles.forEach((b, i) => {
    const id = `b${String(i)}`;
    const d = delimiter(b.members);
    lines.push(
      `n=${shq(b.name)}; a="$DEST/$n"`,
      // An archive without its index was never finished: htar -c writes it again (it cannot append). One that
      // the listing shows without an index is looked at directly first, in case the listing was incomplete.
      `if listed "$n.idx" || { listed "$n" && hsi_ ls "$a.idx" >/dev/null 2>&1; }; then say present ${id}; else`,
      `  l=$(mktemp "\${TMPDIR:-/tmp}/splash-htar.XXXXXX") || { say failed ${id} mktemp; l=; }`,
      '  if [ -n "$l" ]; then',
      `    cat >"$l" <<'${d}'`,
      ...b.members.map((m) => m.rel),
      d,
      '    htar_ -cf "$a" -L "$l"; rc=$?; rm -f -- "$l"',
      `    if [ "$rc" -eq 0 ]; then say written ${id}; else say failed ${id} "htar exit $rc"; fi`,
      "  fi",
      "fi",
      `list ${id} "$a"`
    );
  });
  if (input.bundles.length > 0) lines.push('lsl bf "$DEST"');
  input.singles.forEach((s, i) => {
    const id = `s${String(i)}`;
    const slash = s.file.rel.lastIndexOf("/");
    const dir = slash === -1 ? "" : `/${s.file.rel.slice(0, slash)}`;
    lines.push(
      `t="$DEST"/${shq(s.file.rel)}`,
      `if ensure_dir "$DEST"${shq(dir)}; then`,
      // cput skips a file HPSS already holds (unless the local one is newer, then it replaces it).
      '  if hsi_ ls "$t" >/dev/null 2>&1; then done=present; else done=written; fi',
      // ` : ` separates local from HPSS name; without it hsi reads two files (CONTRACTS.md §4.5).
      `  if hsi_ cput ${shq(s.file.rel)} : "$t"; then say "$done" ${id}; else say failed ${id} "hsi cput exit $?"; fi`,
      `else say failed ${id} mkdir; fi`,
      `lsl ${id} "$t"`
    );
  });
  return lines.join("\n") + "\n";
}
function parseArchiveOutput(stdout) {
  const items = /* @__PURE__ */ new Map();
  const item = (id) => {
    let r = items.get(id);
    if (!r) items.set(id, r = { status: "unknown", reason: "", listing: [], listingExit: void 0 });
    return r;
  };
  let listing;
  for (const line of stdout.split("\n")) {
    if (!line.startsWith(`${MARK} `)) {
      listing?.listing.push(line);
      continue;
    }
    const [verb = "", id = "", ...rest] = line.slice(MARK.length + 1).split(" ");
    if (verb === "list-begin") listing = item(id);
    else if (verb === "list-end") {
      item(id).listingExit = Number(rest[0]);
      listing = void 0;
    } else if (verb === "written" || verb === "present" || verb === "failed") {
      const r = item(id);
      r.status = verb;
      r.reason = rest.join(" ");
    }
  }
  return items;
}
function verifyBundleListing(listing, listingExit, members) {
  const seen = /* @__PURE__ */ new Map();
  let successful = false;
  for (const line of listing) {
    if (/^HTAR: HTAR SUCCESSFUL\s*$/.test(line)) successful = true;
    const m = /^HTAR: [-dlcbpsh][-rwxsStT]{9}\S*\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(.+)$/.exec(line);
    if (m?.[1] !== void 0 && m[2] !== void 0) seen.set(m[2].replace(/^\.\//, ""), Number(m[1]));
  }
  const problems = [];
  if (listingExit !== 0) problems.push(`htar -tvf exited ${String(listingExit)}`);
  if (!successful) problems.push("the listing has no HTAR SUCCESSFUL line");
  for (const f of members) {
    const size = seen.get(f.rel);
    if (size === void 0) problems.push(`${f.rel} is not in the archive`);
    else if (size !== f.size) problems.push(`${f.rel} has ${String(size)} bytes in the archive, ${String(f.size)} on disk`);
  }
  return problems;
}
var MONTH = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)$/;
function lsSize(listing, name) {
  for (const line of listing) {
    const words = line.trim().split(/\s+/);
    if (words.length < 3 || words.at(-1)?.split("/").at(-1) !== name) continue;
    const date = words.findIndex((w) => MONTH.test(w) || /^\d{4}-\d{2}-\d{2}$/.test(w));
    const size = date > 0 ? words[date - 1] : void 0;
    if (size !== void 0 && /^\d+$/.test(size)) return Number(size);
  }
  return void 0;
}
function verifyLsListing(listing, listingExit, name, bytes, atLeast = false) {
  if (listingExit !== 0) return [`hsi ls -l of ${name} exited ${String(listingExit)}`];
  const size = lsSize(listing, name);
  if (size === void 0) return [`${name} is not on HPSS (hsi ls -l does not list it with a size)`];
  if (atLeast ? size < bytes : size !== bytes) return [`${name} has ${String(size)} bytes on HPSS, ${atLeast ? "at least " : ""}${String(bytes)} expected`];
  return [];
}

// src/hpss/archive.ts
function destinationOf(target, proposal) {
  const dest = joinInside(target.to.root_path, gatePath(`${target.beamlineId}/${proposal}`, { field: "proposal" }));
  if (!isHsiSafe(dest)) {
    throw pathError(
      `proposal ${displayName(proposal)}: the HPSS path ${displayName(dest)} has characters hsi cannot take safely`,
      "HPSS folder and proposal names may hold letters, digits and . _ , + = @ % -"
    );
  }
  return dest;
}
async function archiveProposal(ctx, target, proposal, opts) {
  const dest = destinationOf(target, proposal);
  const source = joinInside(target.from.root_path, proposal);
  const result = { proposal, dest, items: [], notArchived: [], ignored: [], plan: void 0, error: "" };
  const where = hostLabel(target.to);
  const listed = await runOnHost(target.to, inventoryScript(source));
  if (listed.code === EXIT_NO_FOLDER) throw pathError(`proposal ${displayName(proposal)}: no folder ${source} on ${where}`, `check the path; it is relative to ${target.from.name} (${target.from.root_path})`);
  if (listed.code === EXIT_CANNOT_ENTER) throw stepError(`cannot enter ${source} on ${where}: ${lastLines(listed.stderr)}`, "fix the folder's permissions for the HPSS account, then run again");
  if (listed.code !== 0) {
    throw stepError(`listing ${source} on ${where} failed (exit ${String(listed.code)}): ${lastLines(listed.stderr)}`, "fix the permissions or the folder, then run again");
  }
  const files = [];
  for (const entry of parseListing(listed.stdout)) {
    if (entry.kind !== "file") {
      result.ignored.push({ rel: entry.rel, why: entry.type === "l" ? "symbolic link (not followed)" : `not a regular file (find type ${entry.type})` });
      continue;
    }
    try {
      files.push({ rel: gatePath(entry.rel, { field: "file" }), size: entry.size, mtimeMs: entry.mtimeMs });
    } catch (err) {
      result.notArchived.push({ rel: entry.rel, why: err instanceof Error ? err.message : String(err) });
    }
  }
  const name = proposal.slice(proposal.lastIndexOf("/") + 1);
  const plan = planArchive(files, { proposal: name, timeZone: target.timeZone, bundleMaxBytes: target.bundleMaxBytes, upTo: opts.upTo });
  result.plan = plan;
  for (const r of plan.refused) result.notArchived.push(r);
  for (const b of plan.bundles) result.items.push({ path: `${dest}/${b.name}`, cycle: cycleKey(b.cycle), files: b.members.length, bytes: b.bytes, status: "planned", problem: "" });
  for (const s of plan.singles) result.items.push({ path: `${dest}/${s.file.rel}`, cycle: "", files: 1, bytes: s.file.size, status: "planned", problem: "" });
  ctx.info(
    `${displayName(proposal)}: ${String(plan.files)} file(s), ${formatBytes(plan.bytes)} → ${String(plan.bundles.length)} htar archive(s)` + (plan.singles.length > 0 ? ` + ${String(plan.singles.length)} single file(s)` : "") + ` in ${dest}`
  );
  for (const s of plan.singles) ctx.info(`  on its own: ${displayName(s.file.rel)} (${s.why})`);
  if (plan.deferred.length > 0) {
    ctx.info(`  ${String(plan.deferred.length)} file(s) of a beam cycle after ${cycleKey(opts.upTo)} wait for a run after that cycle ends`);
  }
  for (const n of result.ignored) ctx.info(`  ignored: ${displayName(n.rel)}: ${n.why}`);
  for (const n of result.notArchived) ctx.warn(`not archived: ${displayName(`${proposal}/${n.rel}`)}: ${n.why}`);
  if (opts.dryRun || result.items.length === 0) return result;
  const script = archiveScript({ hsi: target.to.hsi, htar: target.to.htar, source, dest, bundles: plan.bundles, singles: plan.singles });
  const ran = await runOnHost(target.to, script, {
    onErrorLine: (line) => {
      if (line.trim() !== "") ctx.info(`  ${line}`);
    }
  });
  if (ran.code === EXIT_NO_FOLDER) throw pathError(`proposal ${displayName(proposal)}: ${source} disappeared on ${where}`);
  if (ran.code === EXIT_NO_DEST || ran.code === EXIT_NO_LISTING) {
    const what = ran.code === EXIT_NO_DEST ? `cannot create ${dest} on HPSS` : `cannot list ${dest} on HPSS, so nothing was written`;
    result.error = `${what}: ${lastLines(ran.stderr)}`;
    for (const item of result.items) {
      item.status = "failed";
      item.problem = ran.code === EXIT_NO_DEST ? "destination folder missing" : "destination not listed";
    }
    return result;
  }
  const reports = parseArchiveOutput(ran.stdout);
  const verify = (id, item, check) => {
    const r = reports.get(id);
    if (!r || r.status === "unknown") {
      item.status = "failed";
      item.problem = `the script stopped before it (exit ${String(ran.code)}): ${lastLines(ran.stderr)}`;
      return;
    }
    if (r.status === "failed") {
      item.status = "failed";
      item.problem = `${r.reason}${ran.stderr ? `: ${lastLines(ran.stderr, 2)}` : ""}`;
      return;
    }
    const problems = check(r);
    if (problems.length > 0) {
      item.status = "failed";
      item.problem = `verification: ${problems.slice(0, 3).join("; ")}${problems.length > 3 ? ` (+${String(problems.length - 3)} more)` : ""}`;
      return;
    }
    item.status = r.status === "present" ? "already on HPSS" : "written";
  };
  plan.bundles.forEach((b, i) => {
    const item = result.items[i];
    if (!item) return;
    const file = reports.get("bf");
    verify(`b${String(i)}`, item, (r) => [
      ...verifyBundleListing(r.listing, r.listingExit, b.members),
      // The index is read without the archive; the archive itself must be there and hold at least the members.
      ...verifyLsListing(file?.listing ?? [], file?.listingExit, b.name, b.bytes, true)
    ]);
  });
  plan.singles.forEach((s, i) => {
    const item = result.items[plan.bundles.length + i];
    const base = s.file.rel.slice(s.file.rel.lastIndexOf("/") + 1);
    if (item) verify(`s${String(i)}`, item, (r) => verifyLsListing(r.listing, r.listingExit, base, s.file.size));
  });
  for (const item of result.items) {
    const what = `${item.path} (${String(item.files)} file(s), ${formatBytes(item.bytes)})`;
    if (item.status === "failed") ctx.error(`${what}: ${item.problem}`);
    else ctx.info(`${item.status === "written" ? "archived and verified" : "already on HPSS, verified"}: ${what}`);
  }
  return result;
}

// src/steps/hpss.ts
var SUMMARY_LIMIT2 = 50;
function archiveTargetOf(beamline) {
  const settings = beamline.settings.archive;
  if (!settings) {
    throw configError(
      `beamline ${beamline.id} has no archive settings in ${beamline.config.source}`,
      `add beamlines."${beamline.id}".archive with from: <endpoint holding the data> and to: <hpss endpoint> (docs/hpss.md)`
    );
  }
  const field = `beamlines.${beamline.id}.archive`;
  const from = beamline.endpoint(settings.from, `${field}.from`);
  const to = beamline.endpoint(settings.to, `${field}.to`);
  if (to.type !== "hpss") throw configError(`${field}.to: ${to.name} is a ${to.type} endpoint, not hpss`, "name an endpoint with type: hpss (or a hpss_<name> section)");
  if (from.type === "hpss") throw configError(`${field}.from: ${from.name} is an hpss endpoint`, "name the endpoint holding the data on disk (e.g. the NERSC CFS collection)");
  const hpss = to;
  return { settings, target: { from, to: hpss, beamlineId: beamline.id, timeZone: settings.time_zone, bundleMaxBytes: settings.bundle_max_bytes } };
}
async function selectProposals(ctx, settings, target, cycle) {
  const parent = gatePath(settings.proposals, { field: "archive.proposals" });
  const dir = joinInside(target.from.root_path, parent);
  const listed = await runOnHost(target.to, proposalsScript(dir));
  if (listed.code === EXIT_NO_FOLDER) throw configError(`archive.proposals: no folder ${dir} on ${hostLabel(target.to)}`, "check archive.from and archive.proposals in config.yml");
  if (listed.code !== 0) throw stepError(`listing ${dir} on ${hostLabel(target.to)} failed (exit ${String(listed.code)}): ${lastLines(listed.stderr)}`);
  const chosen = [];
  const refused = [];
  const entries = parseListing(listed.stdout).sort((a, b) => a.rel < b.rel ? -1 : 1);
  for (const e of entries.filter((x) => x.kind !== "folder")) {
    ctx.warn(`not a proposal folder, not archived: ${displayName(`${parent}/${e.rel}`)} (${e.type === "l" ? "symbolic link" : `find type ${e.type}`})`);
  }
  const folders = entries.filter((x) => x.kind === "folder");
  for (const p of folders) {
    if (p.mtimeMs === 0 || !sameCycle(cycleOf(p.mtimeMs, target.timeZone), cycle)) continue;
    try {
      chosen.push(gatePath(`${parent}/${p.rel}`, { field: "proposal" }));
    } catch (err) {
      refused.push({ name: `${parent}/${p.rel}`, why: err instanceof Error ? err.message : String(err) });
    }
  }
  ctx.info(`${String(folders.length)} proposal folder(s) in ${dir}; ${String(chosen.length + refused.length)} with their newest file in beam cycle ${cycleKey(cycle)}`);
  return { chosen, refused };
}
var unarchived = (proposal, error) => ({ proposal, dest: "", items: [], notArchived: [], ignored: [], plan: void 0, error });
async function hpssStep(ctx, input) {
  const { settings, target } = input;
  sshArgs(target.to);
  const selecting = input.proposals.length === 0;
  const result = { beamline: target.beamlineId, cycle: selecting ? cycleKey(input.cycle) : void 0, proposals: [] };
  ctx.info(`archiving from ${target.from.name} to ${target.to.name} (${target.to.root_path}) via ${hostLabel(target.to)}${input.dryRun ? " — dry run, nothing is written" : ""}`);
  try {
    const selected = selecting ? await selectProposals(ctx, settings, target, input.cycle) : { chosen: input.proposals, refused: [] };
    for (const r of selected.refused) {
      ctx.error(`proposal folder ${displayName(r.name)} cannot be archived: ${r.why}`);
      result.proposals.push(unarchived(r.name, r.why));
    }
    for (const proposal of selected.chosen) {
      await ctx.group(`archive ${proposal}`, async () => {
        try {
          result.proposals.push(await archiveProposal(ctx, target, proposal, { dryRun: input.dryRun, upTo: input.cycle }));
        } catch (err) {
          if (err instanceof SshFailed || err instanceof SplashError && err.kind === "config") throw err;
          const message = err instanceof Error ? err.message : String(err);
          ctx.error(message);
          result.proposals.push(unarchived(proposal, message));
        }
      });
    }
  } finally {
    writeSummary2(ctx, input, result);
  }
  const items = result.proposals.flatMap((p) => p.items);
  ctx.setOutput("archived", items.filter((i) => i.status === "written").length);
  ctx.setOutput("archives", JSON.stringify(items.filter((i) => i.status === "written" || i.status === "already on HPSS").map((i) => i.path)));
  const failedItems = items.filter((i) => i.status === "failed");
  const failedProposals = result.proposals.filter((p) => p.error !== "");
  const notArchived = result.proposals.reduce((n, p) => n + p.notArchived.length, 0);
  if (failedItems.length > 0 || failedProposals.length > 0 || notArchived > 0) {
    const parts = [
      failedProposals.length > 0 ? `${String(failedProposals.length)} proposal(s) could not be archived` : "",
      failedItems.length > 0 ? `${String(failedItems.length)} archive(s) failed` : "",
      notArchived > 0 ? `${String(notArchived)} file(s) are not on tape (see "not archived" in the log)` : ""
    ].filter((s) => s !== "");
    const err = stepError(
      `hpss: ${parts.join("; ")}`,
      "fix what the log names and run again: archives already on HPSS are verified, not written twice"
    );
    if (!selecting && failedProposals.length === result.proposals.length && failedItems.length === 0 && failedProposals.every((p) => /^proposal .*: no folder/.test(p.error))) {
      throw pathError(failedProposals.map((p) => p.error).join("; "));
    }
    throw err;
  }
  return result;
}
function writeSummary2(ctx, input, result) {
  const s = ctx.summary;
  s.heading(`HPSS archive · beamline ${result.beamline}${input.dryRun ? " (dry run)" : ""}`, 2);
  if (result.cycle !== void 0) s.text(`Proposals last modified in beam cycle **${result.cycle}**: ${String(result.proposals.length)}.`);
  const items = result.proposals.flatMap((p) => p.items.map((i) => ({ ...i, proposal: p.proposal })));
  if (items.length > 0) {
    const rows = items.slice(0, SUMMARY_LIMIT2).map((i) => [i.path, i.cycle || "single file", i.files, formatBytes(i.bytes), i.status === "failed" ? `failed: ${i.problem}` : i.status]);
    s.table(["archive on HPSS", "cycle", "files", "size", "status"], rows);
    if (items.length > SUMMARY_LIMIT2) s.text(`…and ${String(items.length - SUMMARY_LIMIT2)} more in the run log.`);
  } else if (result.proposals.length === 0) {
    s.text("Nothing to archive.");
  }
  const failed = result.proposals.filter((p) => p.error !== "");
  if (failed.length > 0) s.list(failed.map((p) => `${p.proposal}: ${p.error}`));
  const deferred = result.proposals.reduce((n, p) => n + (p.plan?.deferred.length ?? 0), 0);
  if (deferred > 0) s.text(`${String(deferred)} file(s) belong to a beam cycle that has not ended; a run after it ends archives them.`);
  const ignored = result.proposals.flatMap((p) => p.ignored.map((n) => `${p.proposal}/${n.rel}: ${n.why}`));
  if (ignored.length > 0) s.details(`Not data files, not archived (${String(ignored.length)})`, ignored.slice(0, SUMMARY_LIMIT2).map((m) => `- ${m}`).join("\n"));
  const missing = result.proposals.flatMap((p) => p.notArchived.map((n) => `${p.proposal}/${n.rel}: ${n.why}`));
  if (missing.length > 0) s.details(`Not archived (${String(missing.length)})`, missing.slice(0, SUMMARY_LIMIT2).map((m) => `- ${m}`).join("\n"));
}

// src/config/beamline.ts
var BeamlineConfig = class {
  dispatchShape = "per-file";
  config;
  constructor(config) {
    this.config = config;
  }
  /** Settings from `beamlines."<id>"`, or the defaults a beamline derives from the legacy layout. */
  get settings() {
    const settings = this.config.beamlines.get(this.id) ?? this.legacyDefaults();
    if (!settings) {
      throw configError(
        `beamline ${this.id} is not configured in ${this.config.source}`,
        `add a beamlines."${this.id}" section (see docs/config.md)`
      );
    }
    return settings;
  }
  /**
   * The original system's config.yml has no `beamlines:` section; a beamline that knows its endpoint names
   * there returns its settings from them. Undefined when the endpoints are not all present.
   */
  legacyDefaults() {
    return void 0;
  }
  endpoint(name, field) {
    const e = this.config.endpoints.get(name);
    if (!e) {
      const known2 = [...this.config.endpoints.keys()].join(", ") || "none";
      throw configError(`${field}: endpoint "${name}" is not defined in ${this.config.source} (defined: ${known2})`);
    }
    return e;
  }
  /** Every outside path for this beamline passes here: relative to its endpoints, prefix stripped. */
  gate(inputs, field = "file-paths") {
    const prefix = this.settings.path_prefix;
    return inputs.map((p, i) => gatePath(p, { prefix, field: `${field}[${i}]` }));
  }
};
var ConfiguredBeamline = class extends BeamlineConfig {
  id;
  title;
  constructor(config, id) {
    super(config);
    this.id = id;
    this.title = `beamline ${id}`;
  }
};

// beamlines/bl733/config.ts
var Config733 = class extends BeamlineConfig {
  id = "7.3.3";
  title = "SAXS/WAXS";
  dispatchShape = "list";
};

// beamlines/bl733/dispatcher.ts
function chain733(beamline, opts) {
  return [
    moveLink(beamline, opts.exportControlled),
    ingestLink(beamline, genericIngestor)
  ];
}

// beamlines/bl7012/config.ts
var Config7012 = class extends BeamlineConfig {
  id = "7.0.1.2";
  title = "COSMIC ptychography";
};

// beamlines/bl7012/dispatcher.ts
function chain7012(beamline, opts) {
  return [
    moveLink(beamline, opts.exportControlled),
    ingestLink(beamline, genericIngestor),
    unavailable("recon", "ptychography reconstruction is not built yet")
  ];
}

// beamlines/bl832/config.ts
var Config832 = class extends BeamlineConfig {
  id = "8.3.2";
  title = "microCT";
  /**
   * With the original system's config.yml (no `beamlines:` section) 8.3.2 moves spot832 → data832 → nersc832
   * and keeps data 1 day on spot832 (checked on data832) and 35 days on data832 (checked on nersc832).
   * NERSC is outside the facility, so export-controlled data stops before it.
   */
  legacyDefaults() {
    const e = this.config.endpoints;
    if (!e.has("spot832") || !e.has("data832") || !e.has("nersc832")) return void 0;
    return {
      id: this.id,
      path_prefix: void 0,
      move: [
        { from: "spot832", to: "data832", skip_export_controlled: false },
        { from: "data832", to: "nersc832", skip_export_controlled: true }
      ],
      prune: [
        { endpoint: "spot832", after_days: 1, check: "data832", verify: "size" },
        { endpoint: "data832", after_days: 35, check: "nersc832", verify: "size" }
      ],
      runner_labels: []
    };
  }
};

// beamlines/bl832/dispatcher.ts
function chain832(beamline, opts) {
  return [
    moveLink(beamline, opts.exportControlled),
    ingestLink(beamline, dataExchangeIngestor),
    unavailable("recon", "tomography reconstruction at NERSC/ALCF is not built yet")
  ];
}

// beamlines/index.ts
var known = {
  "8.3.2": (c) => {
    const b = new Config832(c);
    return { config: b, ingestor: dataExchangeIngestor, chain: (o) => chain832(b, o) };
  },
  "7.3.3": (c) => {
    const b = new Config733(c);
    return { config: b, ingestor: genericIngestor, chain: (o) => chain733(b, o) };
  },
  "7.0.1.2": (c) => {
    const b = new Config7012(c);
    return { config: b, ingestor: genericIngestor, chain: (o) => chain7012(b, o) };
  }
};
var knownBeamlineIds = Object.keys(known);
function openBeamline(config, id) {
  const beamline = openUnconfigured(config, id);
  const format = config.beamlines.get(id)?.ingest_format;
  if (format === void 0) return beamline;
  const ingestor = format === "data-exchange" ? dataExchangeIngestor : genericIngestor;
  return {
    config: beamline.config,
    ingestor,
    chain: (o) => beamline.chain(o).map((step) => step.name === "ingest" ? ingestLink(beamline.config, ingestor) : step)
  };
}
function openUnconfigured(config, id) {
  const make = known[id];
  if (make) return make(config);
  if (config.beamlines.has(id)) {
    const b = new ConfiguredBeamline(config, id);
    return { config: b, ingestor: genericIngestor, chain: (o) => [moveLink(b, o.exportControlled), ingestLink(b, genericIngestor)] };
  }
  const ids = [.../* @__PURE__ */ new Set([...knownBeamlineIds, ...config.beamlines.keys()])].join(", ");
  throw usageError(`unknown beamline ${JSON.stringify(id)}`, `known beamlines: ${ids}`);
}
function configuredBeamlines(config) {
  const ids = new Set(config.beamlines.keys());
  for (const id of knownBeamlineIds) {
    const b = openBeamline(config, id);
    try {
      if (b.config.settings.id === id) ids.add(id);
    } catch {
    }
  }
  return [...ids].sort().map((id) => openBeamline(config, id));
}

// beamlines/commands.ts
async function runMove(ctx, args) {
  const id = parseBeamlineId(args.beamline, "beamline");
  const raw = typeof args.filePaths === "string" ? parsePathList(args.filePaths, "file-paths") : args.filePaths;
  if (raw.length === 0) throw usageError("file-paths: no paths given");
  const config = await loadConfig(args.config);
  const beamline = openBeamline(config, id).config;
  const paths = beamline.gate(raw);
  return moveStep(ctx, { beamline, paths, exportControlled: args.exportControlled, services: createServices(config, ctx) });
}
async function runIngest(ctx, args) {
  const id = parseBeamlineId(args.beamline, "beamline");
  const raw = typeof args.filePaths === "string" ? parsePathList(args.filePaths, "file-paths") : args.filePaths;
  if (raw.length === 0) throw usageError("file-paths: no paths given");
  const config = await loadConfig(args.config);
  const beamline = openBeamline(config, id);
  const paths = beamline.config.gate(raw);
  return ingestStep(ctx, { beamline: beamline.config, paths, ingestor: beamline.ingestor, services: createServices(config, ctx) });
}
async function runPrune(ctx, args) {
  const config = await loadConfig(args.config);
  const beamlines = args.beamline === "" ? configuredBeamlines(config) : [openBeamline(config, parseBeamlineId(args.beamline, "beamline"))];
  return pruneStep(ctx, { beamlines: beamlines.map((b) => b.config), dryRun: args.dryRun, now: args.now, services: createServices(config, ctx) });
}
async function runHpss(ctx, args) {
  const raw = typeof args.proposals === "string" ? args.proposals.trim() === "" ? [] : parsePathList(args.proposals, "proposals") : args.proposals;
  if (raw.length > 0 && args.beamline === "") throw usageError("proposals: given without a beamline", "name the beamline the proposals belong to (--beamline 8.3.2)");
  const config = await loadConfig(args.config);
  const beamlines = args.beamline === "" ? configuredBeamlines(config).filter((b) => b.config.settings.archive !== void 0) : [openBeamline(config, parseBeamlineId(args.beamline, "beamline"))];
  if (beamlines.length === 0) ctx.warn(`no beamline in ${config.source} has archive settings; nothing to do`);
  const runs = beamlines.map((b) => {
    const { settings, target } = archiveTargetOf(b.config);
    const proposals = raw.map((p, i) => gatePath(p, { field: `proposals[${String(i)}]` }));
    for (const p of proposals) destinationOf(target, p);
    return { settings, target, proposals, cycle: parseCycle(args.cycle, "cycle", args.now, settings.time_zone) };
  });
  const results = [];
  let firstError;
  for (const r of runs) {
    try {
      results.push(await hpssStep(ctx, { ...r, dryRun: args.dryRun }));
    } catch (err) {
      if (runs.length === 1) throw err;
      ctx.error(`beamline ${r.target.beamlineId}: ${err instanceof Error ? err.message : String(err)}`);
      firstError ??= err instanceof Error ? err : new Error(String(err));
    }
  }
  if (firstError !== void 0) throw firstError;
  return results;
}
async function runDispatch(ctx, args) {
  const id = parseBeamlineId(args.beamline, "beamline");
  if (args.filePaths.length === 0) throw usageError("no paths given", `usage: splash run ${id} <path…>`);
  const config = await loadConfig(args.config);
  const beamline = openBeamline(config, id);
  const paths = beamline.config.gate(args.filePaths);
  await checkSources(beamline.config, paths);
  const { outcomes } = await runChain(ctx, beamline.config, paths, beamline.chain({ exportControlled: args.exportControlled }), createServices(config, ctx));
  return outcomes;
}
function parseNow(raw, field) {
  if (raw === "") return /* @__PURE__ */ new Date();
  const d = new Date(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(d.getTime())) {
    throw usageError(`${field}: expected a date like 2026-12-01 or 2026-12-01T08:00:00Z, got ${JSON.stringify(raw)}`);
  }
  return d;
}

// src/run/terminal.ts
import { AsyncLocalStorage } from "node:async_hooks";
var TTY_INTERVAL_MS = 100;
var PLAIN_INTERVAL_MS = 5e3;
var ANSI = { red: "31", yellow: "33", dim: "2", bold: "1" };
function createTerminalContext(opts = {}) {
  const stream = opts.stream ?? process.stderr;
  const isTTY = opts.isTTY ?? stream.isTTY === true;
  const noColorEnv = (process.env.NO_COLOR ?? "") !== "";
  const color = opts.color ?? (isTTY && !noColorEnv);
  const verbose = opts.verbose ?? false;
  const now = opts.now ?? Date.now;
  const secrets = /* @__PURE__ */ new Set();
  const outputs = /* @__PURE__ */ new Map();
  const summary = new SummaryBuilder(secrets);
  const depth = new AsyncLocalStorage();
  const indentNow = () => "  ".repeat(depth.getStore() ?? 0);
  const paint = (code, s) => color ? `\x1B[${code}m${s}\x1B[0m` : s;
  let liveLine;
  const clearLive = () => {
    if (liveLine !== void 0) stream.write("\r\x1B[K");
  };
  const redrawLive = () => {
    if (liveLine !== void 0) stream.write(liveLine);
  };
  const emit = (message, prefix = "", indent = indentNow()) => {
    const lines = maskSecrets(message, secrets).split(/\r?\n/);
    const text = lines.map((l, i) => `${indent}${i === 0 ? prefix : ""}${l}`.trimEnd()).join("\n");
    clearLive();
    stream.write(`${text}
`);
    redrawLive();
  };
  const progress = (label, totalBytes) => {
    const indent = indentNow();
    const start = now();
    let doneBytes = 0;
    let lastDraw = -Infinity;
    let finished = false;
    const elapsed = () => (now() - start) / 1e3;
    const heading = () => `${indent}${maskSecrets(label, secrets)}: `;
    return {
      update(bytes) {
        if (finished) return;
        doneBytes = bytes;
        const t = now();
        if (isTTY) {
          if (t - lastDraw < TTY_INTERVAL_MS) return;
          lastDraw = t;
          liveLine = heading() + maskSecrets(describeProgress(doneBytes, totalBytes, elapsed()), secrets);
          stream.write(`\r\x1B[K${liveLine}`);
        } else {
          if (lastDraw === -Infinity) lastDraw = start;
          if (t - lastDraw < PLAIN_INTERVAL_MS || totalBytes > 0 && bytes >= totalBytes) return;
          lastDraw = t;
          emit(describeProgress(doneBytes, totalBytes, elapsed()), `${maskSecrets(label, secrets)}: `, indent);
        }
      },
      done() {
        if (finished) return;
        finished = true;
        const bytes = doneBytes > 0 ? doneBytes : Math.max(0, totalBytes);
        const line = describeDone(bytes, totalBytes, elapsed());
        if (isTTY && liveLine !== void 0) {
          stream.write("\r\x1B[K");
          liveLine = void 0;
        }
        emit(line, `${maskSecrets(label, secrets)}: `, indent);
      }
    };
  };
  return {
    kind: "terminal",
    outputs,
    summary,
    info(message) {
      emit(message);
    },
    warn(message) {
      emit(message, `${paint(ANSI.yellow, "warning:")} `);
    },
    error(message) {
      emit(message, `${paint(ANSI.red, "error:")} `);
    },
    debug(message) {
      if (!verbose) return;
      emit(message, `${paint(ANSI.dim, "debug:")} `);
    },
    async group(title, fn) {
      emit(paint(ANSI.bold, title));
      return depth.run((depth.getStore() ?? 0) + 1, fn);
    },
    setOutput(name, value) {
      outputs.set(name, String(value));
    },
    mask(secret) {
      addSecret(secrets, secret);
    },
    progress,
    flushSummary() {
      if (summary.isEmpty) return Promise.resolve();
      const text = summary.toText();
      summary.clear();
      clearLive();
      stream.write(`
${text}`);
      redrawLive();
      return Promise.resolve();
    }
  };
}

// src/run/step.ts
async function runStep(ctx, title, fn) {
  try {
    return await fn(ctx);
  } catch (err) {
    ctx.summary.text(`**${title} failed:** ${describeError(err).replace(/\n/g, " ")}`);
    throw err;
  } finally {
    await ctx.flushSummary();
  }
}

// src/cli/args.ts
import { parseArgs } from "node:util";
function parseCommandArgs(command, argv, options) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw usageError(`${command}: ${message}`, `see: splash ${command} --help`);
  }
}

// src/cli/config-check.ts
import { existsSync } from "node:fs";
function notConfigured(probe, what, warnings) {
  try {
    probe();
  } catch (err) {
    if (!(err instanceof SplashError && err.kind === "not-configured")) throw err;
    warnings.push(`${what}: not configured — ${err.message}`);
  }
}
async function checkConfig(file, out) {
  const config = await loadConfig(file);
  const lines = [`${file}: valid`, "", `endpoints (${config.endpoints.size}):`];
  const warnings = [];
  for (const e of config.endpoints.values()) {
    lines.push(`  ${describeEndpoint(e)}`);
    if (e.type === "filesystem" && !existsSync(e.root_path)) warnings.push(`endpoint ${e.name}: ${e.root_path} does not exist on this machine`);
  }
  const beamlines = configuredBeamlines(config);
  lines.push("", `beamlines (${beamlines.length}):`);
  for (const { config: b } of beamlines) {
    const s = b.settings;
    const usesGlobus = [];
    s.move.forEach((h, i) => {
      const from2 = b.endpoint(h.from, `beamlines.${b.id}.move[${i}].from`);
      const to = b.endpoint(h.to, `beamlines.${b.id}.move[${i}].to`);
      if (from2.type === "globus" || to.type === "globus") usesGlobus.push(`beamlines.${b.id}.move[${i}]`);
      notConfigured(() => transferFor(from2, to), `beamline ${b.id} hop ${h.from} → ${h.to}`, warnings);
    });
    s.prune.forEach((r, i) => {
      const field = `beamlines.${b.id}.prune[${i}]`;
      const endpoint = b.endpoint(r.endpoint, `${field}.endpoint`);
      const check = b.endpoint(r.check, `${field}.check`);
      if (endpoint.type === "globus") {
        usesGlobus.push(field);
        if (r.verify === "hash") throw configError(`${config.locate(["beamlines", b.id, "prune", i, "verify"])} ${field}.verify: hash is not available for Globus endpoints`, "use verify: size (see docs/globus.md)");
      }
      notConfigured(() => pruneFor(endpoint, check, r.verify), `beamline ${b.id} prune of ${r.endpoint}`, warnings);
    });
    if (usesGlobus.length > 0 && config.globusApps.size === 0) {
      throw configError(`${usesGlobus[0] ?? ""} uses Globus endpoints, but ${config.source} has no globus.globus_apps with credentials`, "add globus: { globus_apps: { … } } (see docs/config.md)");
    }
    const from = config.beamlines.has(b.id) ? "" : " (derived from the legacy layout)";
    lines.push(`  ${b.id} ${b.title}${from}`);
    lines.push(`    prefix: ${s.path_prefix ?? "(none)"}`);
    lines.push(`    move:   ${s.move.map((h) => `${h.from} → ${h.to}${h.skip_export_controlled ? " (not for export-controlled data)" : ""}`).join(", ") || "(none)"}`);
    for (const r of s.prune) lines.push(`    prune:  ${r.endpoint} after ${r.after_days} day(s), checked on ${r.check} by ${r.verify}`);
    if (s.ingest_read_from !== void 0) lines.push(`    ingest: reads files from ${s.ingest_read_from}`);
    if (s.archive) {
      const { target } = archiveTargetOf(b);
      const a = s.archive;
      lines.push(
        `    tape:   ${a.from}/${a.proposals}/<proposal> → ${a.to} ${target.to.root_path}/${b.id}/… via ${hostLabel(target.to)}, bundles ≤ ${formatBytes(a.bundle_max_bytes)} per beam cycle (${a.time_zone})`
      );
    }
  }
  if (config.globusApps.size > 0) lines.push("", `globus apps: ${[...config.globusApps.keys()].join(", ")}`);
  if (warnings.length > 0) lines.push("", ...warnings.map((w) => `warning: ${w}`));
  out.write(`${lines.join("\n")}
`);
  return 0;
}

// src/cli/demo.ts
import { existsSync as existsSync2, readdirSync } from "node:fs";
import { mkdir as mkdir3, mkdtemp, readdir, rm as rm2, writeFile as writeFile2 } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join as join2, resolve } from "node:path";
var DAY_MS3 = 864e5;
var demoConfig = (root) => `# A throw-away facility made by "splash demo". Every endpoint is a local folder.
endpoints:
  beamline: { type: filesystem, root_path: ${root}/beamline }   # the acquisition computer's disk
  server:   { type: filesystem, root_path: ${root}/server }     # the facility data server
  archive:  { type: filesystem, root_path: ${root}/archive }    # long-term storage
beamlines:
  "8.3.2":
    path_prefix: /global          # the watcher sends /global/raw/<proposal>/<scan>.h5
    move:
      - { from: beamline, to: server }
      - { from: server, to: archive }
    prune:
      - { endpoint: beamline, after_days: 1, check: server, verify: hash }
      - { endpoint: server, after_days: 35, check: archive }
`;
async function runDemo(opts) {
  const root = opts.dir ? resolve(opts.dir) : await mkdtemp(join2(tmpdir(), "splash-demo-"));
  if (opts.dir && existsSync2(root) && readdirSync(root).length > 0) {
    throw usageError(`--dir ${root} is not empty`, "give a new or empty folder, or leave --dir out to use a temp folder");
  }
  const out = process.stdout;
  const say = (s = "") => out.write(`${s}
`);
  const config = join2(root, "config.yml");
  for (const d of ["beamline", "server", "archive"]) await mkdir3(join2(root, d), { recursive: true });
  await writeFile2(config, demoConfig(root));
  const proposal = join2(root, "beamline", "raw", "demo-proposal");
  await mkdir3(proposal, { recursive: true });
  const { writeDataExchange } = await import("./sample-scan-JH6NG3IN.js");
  const scans = [
    ["scan_0001.h5", 48],
    ["scan_0002.h5", 160]
  ];
  for (const [name, projections] of scans) await writeDataExchange(join2(proposal, name), { projections: [projections, 256, 256] });
  say(`splash demo — a throw-away facility in ${root}`);
  say(`  config:    ${config}`);
  say(`  endpoints: beamline/ → server/ → archive/ (local folders)`);
  say();
  say(`1. The file watcher dispatches two new scans to beamline 8.3.2:`);
  const dispatched = scans.map(([name]) => `/global/raw/demo-proposal/${name}`);
  for (const p of dispatched) say(`     ${p}`);
  say();
  const ctx = createTerminalContext({ verbose: opts.verbose });
  await runStep(ctx, "Dispatch 8.3.2", (c) => runDispatch(c, { config, beamline: "8.3.2", filePaths: dispatched, exportControlled: false }));
  await writeDataExchange(join2(proposal, "scan_0003.h5"), { projections: [16, 256, 256] });
  const later = new Date(Date.now() + 2 * DAY_MS3);
  say();
  say(`2. A third scan (scan_0003.h5) lands on the beamline disk, but its dispatch never fires.`);
  say(`3. Two days later (--now ${later.toISOString().slice(0, 10)}) the scheduled prune runs:`);
  say();
  const pruneCtx = createTerminalContext({ verbose: opts.verbose });
  const reports = await runStep(pruneCtx, "Prune", (c) => runPrune(c, { config, beamline: "8.3.2", dryRun: false, now: later }));
  say();
  say("What happened:");
  for (const r of reports) {
    say(`  ${r.endpoint}: ${r.pruned.length} pruned, ${r.kept.length} kept (younger than ${r.afterDays} days), ${r.unsafe.length} unsafe`);
    for (const u of r.unsafe) say(`    unsafe: ${u.rel} — ${u.reason}`);
  }
  say();
  say("Where the data is now:");
  for (const d of ["beamline", "server", "archive"]) {
    const files = [...walkTree(join2(root, d))].flatMap((e) => e.kind === "file" ? [`${e.rel} (${formatBytes(e.stat.size)})`] : []);
    say(`  ${d}/: ${files.length === 0 ? "(empty)" : files.join(", ")}`);
  }
  const catalogued = await readdir(join2(root, "scicat-dry-run")).catch(() => []);
  say(`  SciCat (dry run, none configured): ${catalogued.length} dataset document(s) in ${join2(root, "scicat-dry-run")}`);
  const left = await readdir(proposal);
  if (!left.includes("scan_0003.h5")) throw new Error("demo invariant broken: the unreplicated scan was deleted");
  say();
  if (opts.clean) {
    await rm2(root, { recursive: true, force: true });
    say(`Removed ${root}.`);
  } else {
    say("Look around, or try it yourself:");
    say(`  ls -R ${root}`);
    say(`  node dist/cli/index.js prune --config ${config} --dry-run --now ${new Date(Date.now() + 40 * DAY_MS3).toISOString().slice(0, 10)}`);
    say(`  node dist/cli/index.js run 8.3.2 --config ${config} /global/raw/demo-proposal/scan_0003.h5`);
    say(`  rm -rf ${root}    # when done`);
  }
  return 0;
}

// src/cli/commands.ts
var common = {
  config: { type: "string", short: "c", default: "config.yml" },
  verbose: { type: "boolean", short: "v", default: false }
};
async function configAndBeamline(configFile, id) {
  const beamlineId = parseBeamlineId(id, "beamline");
  const config = await loadConfig(configFile);
  return { config, beamline: openBeamline(config, beamlineId).config };
}
var userAgent = `splash-flows/${VERSION}`;
async function stepContext(verbose) {
  if (process.env.GITHUB_ACTIONS === "true" && process.env.GITHUB_STEP_SUMMARY) {
    const { createGithubContext } = await import("./github-X5EWVZII.js");
    return createGithubContext();
  }
  return createTerminalContext({ verbose });
}
async function runCommand(command, argv) {
  switch (command) {
    case "run": {
      const { values, positionals } = parseCommandArgs("run", argv, { ...common, "export-control": { type: "boolean", default: false } });
      const [beamline, ...paths] = positionals;
      if (beamline === void 0) throw usageError("run: which beamline?", "usage: splash run <beamline> <path…>");
      const ctx = await stepContext(values.verbose);
      await runStep(
        ctx,
        `Dispatch ${beamline}`,
        (c) => runDispatch(c, { config: values.config, beamline, filePaths: paths, exportControlled: values["export-control"] })
      );
      return 0;
    }
    case "ingest": {
      const { values, positionals } = parseCommandArgs("ingest", argv, { ...common, beamline: { type: "string", short: "b" }, "file-paths": { type: "string" } });
      if (!values.beamline) throw usageError("ingest: --beamline is required", "e.g. splash ingest --beamline 8.3.2 /global/raw/p1/scan.h5");
      const fromOption = values["file-paths"];
      if (fromOption !== void 0 && positionals.length > 0) throw usageError("ingest: give paths either as arguments or with --file-paths, not both");
      const ctx = await stepContext(values.verbose);
      await runStep(ctx, "Ingest", (c) => runIngest(c, { config: values.config, beamline: values.beamline ?? "", filePaths: fromOption ?? positionals }));
      return 0;
    }
    case "move": {
      const { values, positionals } = parseCommandArgs("move", argv, {
        ...common,
        beamline: { type: "string", short: "b" },
        "file-paths": { type: "string" },
        "export-control": { type: "boolean", default: false },
        "is-export-control": { type: "boolean", default: false }
      });
      if (!values.beamline) throw usageError("move: --beamline is required", "e.g. splash move --beamline 8.3.2 /global/raw/p1/scan.h5");
      const fromOption = values["file-paths"];
      if (fromOption !== void 0 && positionals.length > 0) throw usageError("move: give paths either as arguments or with --file-paths, not both");
      const ctx = await stepContext(values.verbose);
      await runStep(
        ctx,
        "Move",
        (c) => runMove(c, {
          config: values.config,
          beamline: values.beamline ?? "",
          filePaths: fromOption ?? positionals,
          exportControlled: values["export-control"] || values["is-export-control"]
        })
      );
      return 0;
    }
    case "prune": {
      const { values, positionals } = parseCommandArgs("prune", argv, {
        ...common,
        beamline: { type: "string", short: "b", default: "" },
        "dry-run": { type: "boolean", short: "n", default: false },
        now: { type: "string", default: "" }
      });
      if (positionals.length > 0) throw usageError(`prune: unexpected argument ${JSON.stringify(positionals[0])}`, "see: splash prune --help");
      const now = parseNow(values.now, "--now");
      const ctx = await stepContext(values.verbose);
      await runStep(ctx, "Prune", (c) => runPrune(c, { config: values.config, beamline: values.beamline, dryRun: values["dry-run"], now }));
      return 0;
    }
    case "hpss": {
      const { values, positionals } = parseCommandArgs("hpss", argv, {
        ...common,
        beamline: { type: "string", short: "b", default: "" },
        cycle: { type: "string", default: "" },
        "dry-run": { type: "boolean", short: "n", default: false },
        now: { type: "string", default: "" }
      });
      const now = parseNow(values.now, "--now");
      const ctx = await stepContext(values.verbose);
      await runStep(
        ctx,
        "HPSS archive",
        (c) => runHpss(c, { config: values.config, beamline: values.beamline, proposals: positionals, cycle: values.cycle, now, dryRun: values["dry-run"] })
      );
      return 0;
    }
    case "config": {
      const { values, positionals } = parseCommandArgs("config", argv, common);
      if (positionals[0] !== "check" || positionals.length > 1) throw usageError('config: expected "config check"', "see: splash config --help");
      return checkConfig(values.config, process.stdout);
    }
    case "demo": {
      const { values } = parseCommandArgs("demo", argv, { dir: { type: "string" }, clean: { type: "boolean", default: false }, verbose: common.verbose });
      return runDemo({ dir: values.dir, clean: values.clean, verbose: values.verbose });
    }
    case "dispatch": {
      const { values, positionals } = parseCommandArgs("dispatch", argv, {
        ...common,
        beamline: { type: "string", short: "b" },
        "file-paths": { type: "string" },
        "export-control": { type: "boolean", default: false }
      });
      if (!values.beamline) throw usageError("dispatch: --beamline is required", "e.g. splash dispatch --beamline 8.3.2 /global/raw/p1/scan.h5");
      const fromOption = values["file-paths"];
      if (fromOption !== void 0 && positionals.length > 0) throw usageError("dispatch: give paths either as arguments or with --file-paths, not both");
      const paths = fromOption !== void 0 ? parsePathList(fromOption, "file-paths") : positionals;
      if (paths.length === 0) throw usageError("dispatch: no paths given", "usage: splash dispatch --beamline <id> <path…>");
      const beamlineId = values.beamline;
      const ctx = await stepContext(values.verbose);
      const { dispatchCommand } = await import("./commands-2R5IYY66.js");
      await runStep(ctx, "Dispatch", async (c) => {
        const { config, beamline } = await configAndBeamline(values.config, beamlineId);
        return dispatchCommand(c, { config, beamline, paths, exportControl: values["export-control"], userAgent });
      });
      return 0;
    }
    case "watch": {
      const { values, positionals } = parseCommandArgs("watch", argv, {
        ...common,
        beamline: { type: "string", short: "b" },
        spool: { type: "string" },
        "send-as": { type: "string" },
        "export-control": { type: "boolean", default: false },
        once: { type: "boolean", default: false },
        "retry-for": { type: "string" },
        "ignore-existing": { type: "boolean", default: false },
        status: { type: "boolean", default: false },
        json: { type: "boolean", default: false }
      });
      if (positionals.length > 1) throw usageError(`watch: one folder, got ${positionals.length}`, "see: splash watch --help");
      const dir = positionals[0];
      const { watchCommand, watchStatus } = await import("./commands-2R5IYY66.js");
      const { parseDuration } = await import("./duration-PG52TPBA.js");
      if (values.status) return watchStatus({ dir, spool: values.spool, json: values.json }, process.stdout);
      if (values.json) throw usageError("watch: --json goes with --status");
      if (dir === void 0) throw usageError("watch: which folder?", "usage: splash watch <folder> --beamline <id>");
      if (!values.beamline) throw usageError("watch: --beamline is required", "e.g. splash watch /data/raw --beamline 8.3.2");
      if (values["retry-for"] !== void 0 && !values.once) throw usageError("watch: --retry-for goes with --once (a running watcher never gives up)");
      const retryForMs = values["retry-for"] === void 0 ? void 0 : parseDuration(values["retry-for"], "--retry-for");
      const beamlineId = values.beamline;
      const ctx = createTerminalContext({ verbose: values.verbose });
      return runStep(ctx, "Watch", async (c) => {
        const { config, beamline } = await configAndBeamline(values.config, beamlineId);
        return watchCommand(c, {
          config,
          beamline,
          dir,
          spool: values.spool,
          sendAs: values["send-as"],
          exportControl: values["export-control"],
          once: values.once,
          retryForMs,
          ignoreExisting: values["ignore-existing"],
          userAgent
        });
      });
    }
    case "reconcile": {
      const { values, positionals } = parseCommandArgs("reconcile", argv, {
        ...common,
        beamline: { type: "string", short: "b" },
        "older-than": { type: "string", default: "6h" },
        "dry-run": { type: "boolean", short: "n", default: false },
        "export-control": { type: "boolean" },
        "not-export-controlled": { type: "boolean" }
      });
      if (positionals.length > 0) throw usageError(`reconcile: unexpected argument ${JSON.stringify(positionals[0])}`, "see: splash reconcile --help");
      if (!values.beamline) throw usageError("reconcile: --beamline is required", "e.g. splash reconcile --beamline 8.3.2 --older-than 6h");
      if (values["export-control"] && values["not-export-controlled"]) throw usageError("reconcile: --export-control and --not-export-controlled contradict each other");
      const exportControl = values["export-control"] ? true : values["not-export-controlled"] ? false : void 0;
      const { reconcileCommand } = await import("./commands-2R5IYY66.js");
      const { parseDuration } = await import("./duration-PG52TPBA.js");
      const olderThanMs = parseDuration(values["older-than"], "--older-than");
      const beamlineId = values.beamline;
      const ctx = await stepContext(values.verbose);
      await runStep(ctx, "Reconcile", async (c) => {
        const { config, beamline } = await configAndBeamline(values.config, beamlineId);
        return reconcileCommand(c, { config, beamline, olderThanMs, dryRun: values["dry-run"], exportControl, now: /* @__PURE__ */ new Date(), userAgent });
      });
      return 0;
    }
    default:
      throw usageError(`unknown command ${JSON.stringify(command)}`, "see: splash --help");
  }
}
export {
  runCommand
};
