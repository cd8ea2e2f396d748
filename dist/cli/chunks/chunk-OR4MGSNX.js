#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  downsample,
  encodeGrayPng,
  stretch
} from "./chunk-X6V6M5FP.js";
import {
  isPartialName,
  partialNameFor,
  removeStalePartialsIn
} from "./chunk-H27OFIM4.js";
import {
  codeBlock
} from "./chunk-6CS6BZN2.js";
import {
  describeEndpoint
} from "./chunk-FJRQZ2JG.js";
import {
  codeOf,
  identityOf,
  isStateName,
  originOf,
  readVerificationRecord,
  sameIdentity,
  walkTree,
  writeVerificationRecords
} from "./chunk-D3FNX6KP.js";
import {
  NerscController,
  nerscPreflight,
  sfapiSettingsOf
} from "./chunk-TW65XS63.js";
import {
  directives,
  jobName,
  ownerPathOf,
  prologue,
  shq,
  stableJson
} from "./chunk-BZ7FWTMI.js";
import {
  AlcfController,
  alcfPreflight
} from "./chunk-DRKAAUWT.js";
import {
  defaultVerify
} from "./chunk-TCTI7BQX.js";
import {
  isEmail,
  isUrlLike,
  validateAttachment,
  validateDerivedDataset,
  validateOrigDatablock,
  validateRawDataset
} from "./chunk-77DN62NS.js";
import {
  _enum,
  boolean,
  literal,
  number,
  strictObject,
  string,
  union
} from "./chunk-LYSRECY6.js";
import {
  HASH_ALGORITHM,
  createContentHasher,
  hashFile
} from "./chunk-2647Y4NJ.js";
import {
  formatBytes,
  formatDuration,
  formatRate
} from "./chunk-D3JGPBA4.js";
import {
  displayName,
  gatePath,
  gateRootPath,
  joinInside,
  relPathUnder,
  resolveInside
} from "./chunk-2EMMB7EI.js";
import {
  SplashError,
  configError,
  describeError,
  pathError,
  stepError,
  usageError
} from "./chunk-4VXUNQHW.js";
import {
  redactValue
} from "./chunk-ZFJJYYNF.js";

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

// src/scicat/ingestors.ts
import { stat } from "node:fs/promises";
import { basename, dirname, extname } from "node:path";
var groupOf = (beamline) => `bl${beamline.replace(/\./g, "")}`;
function cleanEmail(raw, fallback) {
  const candidate = (raw ?? "").split(/[\s,;<>()"']+/).map((t) => t.trim().toLowerCase()).find((t) => t.includes("@") && isEmail(t));
  if (candidate) return { email: candidate };
  return { email: fallback, warning: raw ? `contact e-mail ${JSON.stringify(raw)} is not valid; used ${fallback}` : `no contact e-mail in the file; used ${fallback}` };
}
async function basics(file) {
  const st = await stat(file.abs);
  return { size: st.size, time: st.mtime.toISOString(), name: basename(file.abs) };
}
function genericPlan(f) {
  const group = groupOf(f.beamline);
  return {
    dataset: {
      type: "raw",
      owner: `beamline ${f.beamline}`,
      contactEmail: f.fallbackEmail,
      sourceFolder: f.sourceFolder,
      ...f.sourceFolderHost === void 0 ? {} : { sourceFolderHost: f.sourceFolderHost },
      creationTime: f.time,
      ownerGroup: group,
      accessGroups: [group],
      principalInvestigator: `beamline ${f.beamline}`,
      creationLocation: `/ALS/${f.beamline}`,
      datasetName: f.name,
      scientificMetadata: { file_name: f.name },
      dataFormat: extname(f.name).slice(1) || "unknown"
    },
    datafile: { path: f.name, size: f.size, time: f.time, ...f.chk === void 0 ? {} : { chk: f.chk } },
    thumbnail: void 0,
    warnings: []
  };
}
var genericIngestor = async (file) => {
  const { size, time, name } = await basics(file);
  const { digest } = await hashFile(file.abs);
  return genericPlan({ name, size, time, chk: digest, sourceFolder: file.sourceFolder, beamline: file.beamline, fallbackEmail: file.fallbackEmail });
};
var dataExchangeIngestor = async (file) => {
  const { readDataExchangeMetadata } = await import("./hdf5-IBLGKJRV.js");
  const { thumbnailFromDataExchange } = await import("./thumbnail-UANQUT3K.js");
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
      // Named after the file (with its extension), not the name recorded inside it: two scans must never share
      // a dataset. No size or file count here: the orig-datablock adds them.
      datasetName: name,
      scientificMetadata: { ...c.fileName ? { file_name: c.fileName } : {}, ...meta.scientific, ...Object.keys(meta.samples).length > 0 ? { samples: meta.samples } : {} },
      ...c.proposal ? { proposalId: c.proposal } : {},
      ...c.instrumentName ? { instrumentGroup: c.instrumentName } : {},
      dataFormat: "DataExchange HDF5"
    },
    datafile: { path: basename(file.abs), size, time },
    thumbnail,
    warnings
  };
};
var sourceFolderOf = (root, rel) => {
  const dir = dirname(rel);
  return dir === "." ? root : `${root === "/" ? "" : root}/${dir}`;
};

// src/steps/chain.ts
var SUMMARY_ROWS = 50;
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
        ctx.debug(`${step.name} ${status === "failed" ? "failed" : "is not configured"} for ${unit.label}: ${describeError(err)}`);
        outcomes.push({ unit: unit.label, step: step.name, status, detail: describeError(err) });
      }
    }
  }
  for (const step of steps) if (step.kind === "step") step.finish?.(ctx);
  ctx.summary.heading(`Dispatch · beamline ${beamline.id} (${beamline.title})`, 2);
  const shown = outcomes.length <= SUMMARY_ROWS ? outcomes : [...outcomes.filter((o) => o.status === "failed"), ...outcomes.filter((o) => o.status !== "failed")].slice(0, SUMMARY_ROWS);
  ctx.summary.table(["file", "step", "status", "detail"], shown.map((o) => [o.unit, o.step, o.status, o.detail]));
  if (outcomes.length > SUMMARY_ROWS) {
    const tally = /* @__PURE__ */ new Map();
    for (const o of outcomes) tally.set(`${o.step}: ${o.status}`, (tally.get(`${o.step}: ${o.status}`) ?? 0) + 1);
    ctx.summary.text(`…and ${String(outcomes.length - SUMMARY_ROWS)} more row(s); in all ${[...tally].map(([k, n]) => `${k} ${String(n)}`).join(", ")}. The run log has every one.`);
  }
  if (failed) {
    ctx.summary.text(`**The chain stopped at the first failure.** Fix the cause above, then run the dispatch again: finished copies are verified and kept, so a re-run only does what is missing.`);
    if (failed instanceof SplashError) throw failed;
    throw new SplashError("step", `dispatch for beamline ${beamline.id} failed: ${failed.message}`);
  }
  return { ok: true, outcomes };
}

// src/steps/ingest.ts
import { mkdir, rename, stat as stat2, writeFile } from "node:fs/promises";
import { dirname as dirname2, join } from "node:path";

// src/scicat/requests.ts
function toDataUrl(png) {
  return `data:image/png;base64,${png.toString("base64")}`;
}
function ingestRequests(plan) {
  const { dataset, datafile } = plan;
  return {
    dataset,
    origDatablock: { size: datafile.size, dataFileList: [datafile], ...datafile.chk === void 0 ? {} : { chkAlg: HASH_ALGORITHM } },
    attachment: plan.thumbnail ? {
      thumbnail: toDataUrl(plan.thumbnail),
      caption: `first projection of ${dataset.datasetName}`,
      // Required by the backend's attachment DTO (it then stores the dataset's own ownerGroup).
      ownerGroup: dataset.ownerGroup,
      accessGroups: dataset.accessGroups
    } : void 0
  };
}
function requestIssues(r) {
  const issues = [];
  const add = (what, v) => {
    for (const i of v.issues) issues.push(`${what}: ${i}`);
  };
  add("dataset", validateRawDataset(r.dataset));
  add("orig-datablock", validateOrigDatablock(r.origDatablock));
  if (r.attachment) add("attachment", validateAttachment(r.attachment));
  return issues;
}

// src/steps/ingest.ts
function ingestSource(beamline) {
  const { id } = beamline;
  const readFrom = beamline.settings.ingest_read_from;
  const name = readFrom ?? beamline.settings.move[0]?.from;
  if (name === void 0) {
    throw new SplashError(
      "not-configured",
      `ingest finds the files where they first land, and beamline ${id} has no move hops and no ingest.read_from`,
      `set beamlines."${id}".ingest.read_from to the endpoint that holds the files (a folder the runner mounts, or a Globus collection)`
    );
  }
  const field = readFrom === void 0 ? `beamlines.${id}.move[0].from` : `beamlines.${id}.ingest.read_from`;
  const e = beamline.endpoint(name, field);
  switch (e.type) {
    case "filesystem":
      return { kind: "files", endpoint: e };
    case "globus":
      return { kind: "listing", endpoint: e };
    case "hpss":
      throw configError(
        `${field}: ${e.name} is an hpss endpoint; ingest catalogues files in a folder on the runner or in a Globus collection's listing`,
        `set beamlines."${id}".ingest.read_from to a filesystem endpoint the runner mounts, or to the Globus collection the files were moved from`
      );
  }
}
function ingestPreflight(beamline, settings) {
  if (!isEmail(settings.fallbackEmail)) {
    throw configError(
      `scicat.fallback_email: ${JSON.stringify(settings.fallbackEmail)} is not an e-mail address SciCat accepts`,
      "set scicat.fallback_email in config.yml to a valid address: it is the contact of every file that names none"
    );
  }
  return ingestSource(beamline);
}
async function ingestStep(ctx, input) {
  const { beamline } = input;
  const source = ingestPreflight(beamline, input.services.scicatSettings);
  const client = await input.services.scicat();
  const planned = source.kind === "files" ? await planFromFiles(source.endpoint, input) : await planFromListing(ctx, source.endpoint, input);
  const results = [];
  try {
    for (const { rel, plan, requests } of planned) {
      const base = { rel, name: plan.dataset.datasetName, proposal: plan.dataset.proposalId ?? "", size: plan.datafile.size, warnings: plan.warnings };
      if (!client) {
        await writeDryRun(input.services.scicatSettings.dryRunDir, rel, requests, plan.warnings);
        results.push({ ...base, pid: `dry-run:${rel}`, outcome: "dry-run" });
        continue;
      }
      const { dataset, created } = await client.ensureRawDataset(requests.dataset);
      if (created || await client.countRelated(dataset.pid, "origdatablocks") === 0) {
        await client.addOrigDatablock(dataset.pid, requests.origDatablock);
      }
      if (requests.attachment && (created || await client.countRelated(dataset.pid, "attachments") === 0)) {
        await client.addAttachment(dataset.pid, requests.attachment);
      }
      ctx.info(`${created ? "registered" : "already registered"} ${rel} as ${dataset.pid}`);
      results.push({ ...base, pid: dataset.pid, outcome: created ? "created" : "existing" });
    }
  } finally {
    writeSummary(ctx, beamline, source, results, client === void 0 ? input.services.scicatSettings.dryRunDir : void 0);
  }
  ctx.setOutput("dataset-pids", JSON.stringify(results.map((r) => r.pid)));
  return results;
}
function checked(rel, plan) {
  const requests = ingestRequests(plan);
  const issues = requestIssues(requests);
  if (issues.length > 0) throw stepError(`the SciCat requests for ${rel} would be rejected: ${issues.join("; ")}; nothing was sent`);
  return { rel, plan, requests };
}
async function planFromFiles(source, input) {
  const planned = [];
  for (const rel of input.paths) {
    const abs = await resolveInside(source.root_path, rel, { mustExist: true, field: `${source.name}:${rel}` });
    const st = await stat2(abs);
    if (!st.isFile()) throw notAFile(source.name, rel, st.isDirectory() ? "a folder" : "not a regular file");
    const plan = await input.ingestor({ abs, sourceFolder: sourceFolderOf(source.root_path, rel), beamline: input.beamline.id, fallbackEmail: input.services.scicatSettings.fallbackEmail });
    planned.push(checked(rel, plan));
  }
  return planned;
}
async function planFromListing(ctx, source, input) {
  const { lookupByFolder } = await import("./globus-EN3V5TKF.js");
  const { parseGlobusTime } = await import("./globus-KR5XXKYG.js");
  const client = await input.services.globus();
  ctx.info(`${source.name} is a Globus collection the runner does not read: cataloguing name, size and time from its listing`);
  const found = await lookupByFolder(client, source, input.paths);
  const host = source.uri !== void 0 && isUrlLike(source.uri) ? source.uri : void 0;
  return input.paths.map((rel) => {
    const d = found.get(rel);
    if (!d) throw stepError(`${source.name}:${rel} is not on the collection; nothing was sent`, "check the path the watcher sent (ingest lists the collection the move started from)");
    if (d.link_target) throw notAFile(source.name, rel, "a symlink (not followed)");
    if (d.type !== "file") throw notAFile(source.name, rel, d.type === "dir" ? "a folder" : `not a regular file (${d.type})`);
    const plan = genericPlan({
      name: d.name,
      size: d.size,
      time: parseGlobusTime(d.last_modified).toISOString(),
      sourceFolder: sourceFolderOf(source.root_path, rel),
      sourceFolderHost: host,
      beamline: input.beamline.id,
      fallbackEmail: input.services.scicatSettings.fallbackEmail
    });
    return checked(rel, plan);
  });
}
var notAFile = (endpoint, rel, what) => stepError(`${endpoint}:${rel} is ${what}; ingest catalogues files, one dataset each — nothing was sent`, "dispatch the files themselves");
async function writeDryRun(dir, rel, requests, warnings) {
  const file = join(dir, `${rel}.json`);
  await mkdir(dirname2(file), { recursive: true });
  const doc = { dataset: requests.dataset, origDatablock: requests.origDatablock, attachment: requests.attachment ?? null, warnings };
  await writeFile(`${file}.tmp`, `${JSON.stringify(redactValue(doc), null, 2)}
`);
  await rename(`${file}.tmp`, file);
}
function writeSummary(ctx, beamline, source, results, dryRunDir) {
  ctx.summary.heading(`Ingest · beamline ${beamline.id}`, 2);
  if (dryRunDir) ctx.summary.text(`SciCat is not configured: dry run, the request bodies are in ${dryRunDir}.`);
  if (source.kind === "listing") ctx.summary.text(`Catalogued from the Globus listing of ${source.endpoint.name} (name, size, time): the runner does not read these files.`);
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

// src/steps/move.ts
import { statSync as statSync5 } from "node:fs";
import { stat as stat4 } from "node:fs/promises";

// src/transfer/filesystem.ts
import { closeSync as closeSync4, lstatSync as lstatSync5, realpathSync, rmSync as rmSync3, statSync as statSync4 } from "node:fs";
import { mkdir as mkdir2 } from "node:fs/promises";
import { basename as basename2, dirname as dirname3 } from "node:path";

// src/transfer/existing-destination.ts
import { lstatSync as lstatSync3, statSync } from "node:fs";

// src/transfer/records.ts
import { lstatSync } from "node:fs";
var RACY_SOURCE_NS = 2000000000n;
function isRacy(st, nowMs = Date.now()) {
  const since = BigInt(nowMs) * 1000000n - RACY_SOURCE_NS;
  return st.mtimeNs > since && st.ctimeNs > since;
}
function recordOf(t, rel, dstAbs, digest, source, copy, checkedJustNow = false) {
  if (isRacy(source)) {
    t.ctx.debug(`no verification record for ${rel}: the source changed less than ${String(RACY_SOURCE_NS / 1000000000n)} s ago`);
    return void 0;
  }
  if (!checkedJustNow) {
    const now = lstatSync(dstAbs, { bigint: true, throwIfNoEntry: false });
    if (!now || !sameIdentity(identityOf(now), copy)) {
      t.ctx.debug(`no verification record for ${rel}: the copy changed after it was verified`);
      return void 0;
    }
  }
  const origin = originOf(t.sourceRoot, t.sourceEndpoint, rel, source);
  return {
    version: 1,
    rel,
    algorithm: HASH_ALGORITHM,
    digest,
    copy,
    source: { endpoint: t.sourceEndpoint, identity: identityOf(source), ...origin === void 0 ? {} : { origin } },
    verifiedAt: (/* @__PURE__ */ new Date()).toISOString()
  };
}
function saveRecords(t, records) {
  const valid = records.filter((r) => r !== void 0);
  if (valid.length === 0) return;
  try {
    writeVerificationRecords(t.rootReal, valid);
  } catch (err) {
    const which = valid.length === 1 ? `the verification record of ${valid[0]?.rel ?? ""}` : `the verification records of ${valid[0]?.rel ?? ""} and ${String(valid.length - 1)} more`;
    t.ctx.debug(`could not write ${which} (${describeError(err)}); a later check re-reads ${valid.length === 1 ? "the file" : "those files"} instead`);
  }
}
function recordCopy(t, rel, dstAbs, digest, source, copy, checkedJustNow = false) {
  try {
    saveRecords(t, [recordOf(t, rel, dstAbs, digest, source, copy, checkedJustNow)]);
  } catch (err) {
    t.ctx.debug(`could not write the verification record of ${rel} (${describeError(err)}); a later check re-reads the file instead`);
  }
}

// src/transfer/source-resolver.ts
import { lstatSync as lstatSync2 } from "node:fs";
var SourceResolver = class {
  #endpoint;
  #dirs = /* @__PURE__ */ new Map();
  constructor(endpoint) {
    this.#endpoint = endpoint;
  }
  /** The absolute path of an existing `rel`, inside the root (symlinks inside it followed, as resolveInside does). */
  async resolve(rel) {
    const { root_path: root, name } = this.#endpoint;
    const field = `${name}:${rel}`;
    const full = () => resolveInside(root, rel, { mustExist: true, field });
    const cut = rel.lastIndexOf("/");
    if (cut > 0) {
      const dir = rel.slice(0, cut);
      let checked2 = this.#dirs.get(dir);
      if (!checked2) {
        checked2 = resolveInside(root, dir, { mustExist: true, field });
        this.#dirs.set(dir, checked2);
      }
      try {
        await checked2;
      } catch {
        return full();
      }
    }
    const abs = joinInside(root, rel);
    const st = lstatSync2(abs, { throwIfNoEntry: false });
    return st && !st.isSymbolicLink() ? abs : full();
  }
};
function isFound(st, found) {
  return Number(st.dev) === found.dev && Number(st.ino) === found.ino;
}

// src/transfer/existing-destination.ts
async function decideExisting(f, dstSt, records) {
  if (!dstSt.isFile()) throw stepError(`${f.toName}:${f.rel} exists and is not a regular file; not overwritten`);
  const srcSt = statSync(f.src, { bigint: true });
  if (!isFound(srcSt, f.found)) throw stepError(`${f.fromName}:${f.rel} changed while it was being compared with ${f.toName}; not moved`, "run the move again");
  const dstId = identityOf(dstSt);
  const record = readVerificationRecord(records.rootReal, f.rel);
  const ours = record !== void 0 && record.source.endpoint === records.sourceEndpoint && sameIdentity(record.copy, dstId);
  if (ours) {
    if (sameIdentity(record.source.identity, identityOf(srcSt))) return { kind: "identical", digest: record.digest };
    if (srcSt.size === dstSt.size) {
      const src2 = await hashUnchanged(f, srcSt);
      if (src2.digest === record.digest) {
        recordCopy(records, f.rel, f.dst, src2.digest, srcSt, dstId);
        return { kind: "identical", digest: src2.digest };
      }
    }
    const origin = originOf(records.sourceRoot, records.sourceEndpoint, f.rel, srcSt);
    if (origin !== void 0 && origin === record.source.origin) return { kind: "replace", expected: dstId };
    throw stepError(
      `${f.toName}:${f.rel} is a copy this system made of another file of that name (${f.fromName}:${f.rel} is not the file it was copied from: it was deleted or replaced since, and written anew${origin === void 0 || record.source.origin === void 0 ? ", or the file system keeps no birth time to tell" : ""}); not overwritten`,
      "the copy may be the only one left of the earlier file: keep it (rename one of the two), then run the move again"
    );
  }
  if (dstSt.size !== srcSt.size) {
    throw stepError(
      `${f.toName}:${f.rel} already exists with a different size (${String(dstSt.size)} bytes, source ${String(srcSt.size)}); not overwritten`,
      "this system did not make that copy (or it was changed since): find out which file is right; move or delete the wrong one by hand, then run the move again"
    );
  }
  const [src, dst] = await Promise.all([hashUnchanged(f, srcSt), hashFile(f.dst)]);
  if (src.digest !== dst.digest) {
    throw stepError(
      `${f.toName}:${f.rel} already exists with different content (content hash differs); not overwritten`,
      "this system did not make that copy (or it was changed since): find out which file is right; move or delete the wrong one by hand, then run the move again"
    );
  }
  const after = lstatSync3(f.dst, { bigint: true, throwIfNoEntry: false });
  if (after && sameIdentity(identityOf(after), dstId)) recordCopy(records, f.rel, f.dst, src.digest, srcSt, dstId);
  return { kind: "identical", digest: src.digest };
}
async function hashUnchanged(f, before) {
  const h = await hashFile(f.src);
  const after = statSync(f.src, { bigint: true });
  if (!sameIdentity(identityOf(after), identityOf(before)) || BigInt(h.bytes) !== before.size) {
    throw stepError(`${f.fromName}:${f.rel} changed while it was being compared with ${f.toName}; not moved`, "the beamline may still be writing it: run the move again once the file is complete");
  }
  return h;
}

// src/transfer/large-file-copy.ts
import { closeSync as closeSync2, existsSync, fstatSync as fstatSync2, openSync as openSync2, statSync as statSync3 } from "node:fs";
import { copyFile, lstat, open, rm, stat as stat3, utimes } from "node:fs/promises";

// src/transfer/small-file-copy.ts
import { closeSync, fchmodSync, fstatSync, futimesSync, openSync, readSync, rmSync, statSync as statSync2, writeSync } from "node:fs";
var SmallFileCopier = class {
  constructor(hasher) {
    this.hasher = hasher;
  }
  hasher;
  #source = new ReadBuffer();
  #copy = new ReadBuffer();
  /** Copy `src` into a new partial next to `dst` and verify it; on failure nothing of it is left. */
  copy(src, found, dst, n) {
    let sfd;
    let tmp;
    let dfd;
    try {
      sfd = openSync(src, "r");
      const before = fstatSync(sfd, { bigint: true });
      if (!before.isFile()) throw stepError(`${n.fromName}:${n.rel} is not a regular file any more; not moved`);
      if (!isFound(before, found)) throw changed(n);
      const size = Number(before.size);
      const data = this.#source.readWhole(sfd, size);
      if (data.length !== size) throw changed(n);
      const digest = this.#digest(data);
      tmp = partialNameFor(dst);
      dfd = openSync(tmp, "wx+", 384);
      fchmodSync(dfd, Number(before.mode & 0o7777n));
      for (let off = 0; off < size; ) off += writeSync(dfd, data, off, size - off, off);
      futimesSync(dfd, nsToSeconds(before.atimeNs), nsToSeconds(before.mtimeNs));
      if (!sameIdentity(identityOf(statSync2(src, { bigint: true })), identityOf(before))) throw changed(n);
      const written2 = this.#copy.readWhole(dfd, size);
      if (written2.length !== size || this.#digest(written2) !== digest) {
        throw stepError(`verification of ${n.rel} at ${n.toName} failed: the copy does not match the source (size or content hash); nothing was renamed`);
      }
      const partial = fstatSync(dfd, { bigint: true });
      return { rel: n.rel, tmp, dst, fd: dfd, digest, size, source: before, partial };
    } catch (err) {
      if (dfd !== void 0) closeSync(dfd);
      if (tmp !== void 0) rmSync(tmp, { force: true });
      throw err instanceof SplashError ? err : stepError(`copy of ${n.rel} from ${n.fromName} to ${n.toName} failed: ${codeOf(err)}`);
    } finally {
      if (sfd !== void 0) closeSync(sfd);
    }
  }
  #digest(data) {
    this.hasher.init();
    this.hasher.update(data);
    return this.hasher.digest("hex");
  }
};
var ReadBuffer = class {
  #buf = Buffer.allocUnsafe(1 << 16);
  /** Read a whole file from offset 0, one byte past the expected size so that growth shows. */
  readWhole(fd, size) {
    if (this.#buf.length < size + 1) this.#buf = Buffer.allocUnsafe(Math.max(size + 1, this.#buf.length * 2));
    const buf = this.#buf;
    let off = 0;
    while (off <= size) {
      const want = size + 1 - off;
      const got = readSync(fd, buf, off, want, off);
      off += got;
      if (got < want) break;
    }
    return buf.subarray(0, off);
  }
};
var changed = (n) => stepError(`${n.fromName}:${n.rel} changed while it was being copied; not moved`, "the beamline may still be writing it: run the move again once the file is complete");
function nsToSeconds(ns) {
  return Number(ns / 1000000000n) + Number(ns % 1000000000n / 1000n) / 1e6;
}

// src/transfer/large-file-copy.ts
async function copyLargeFile(ctx, src, found, dst, n, fsync2) {
  let sfd;
  try {
    sfd = openSync2(src, "r");
  } catch (err) {
    throw stepError(`copy of ${n.rel} from ${n.fromName} to ${n.toName} failed: ${codeOf(err)}`);
  }
  try {
    return await copyOpened(ctx, src, sfd, found, dst, n, fsync2);
  } finally {
    closeSync2(sfd);
  }
}
var PROC_FD = existsSync("/proc/self/fd") ? "/proc/self/fd" : void 0;
async function copyOpened(ctx, srcPath, sfd, found, dst, n, fsync2) {
  const changed2 = () => stepError(`${n.fromName}:${n.rel} changed while it was being copied; not moved`, "the beamline may still be writing it: run the move again once the file is complete");
  const before = fstatSync2(sfd, { bigint: true });
  if (!before.isFile() || !isFound(before, found)) throw changed2();
  const src = PROC_FD === void 0 ? srcPath : `${PROC_FD}/${String(sfd)}`;
  const size = Number(before.size);
  const tmp = partialNameFor(dst);
  const progress = ctx.progress(`${n.fromName} → ${n.toName}: ${n.rel}`, size);
  let flushing = false;
  const poll = setInterval(() => {
    stat3(tmp).then((s) => {
      progress.update(s.size);
    }, () => void 0);
    if (fsync2 && !flushing) {
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
  const { hashGrowingFile } = await import("./hash-growing-JDAI656R.js");
  const dstHasher = hashGrowingFile(tmp);
  try {
    [srcHash] = await Promise.all([hashFile(src), copyFile(src, tmp)]);
  } catch (err) {
    dstHasher.abort();
    await rm(tmp, { force: true });
    throw stepError(`copy of ${n.rel} from ${n.fromName} to ${n.toName} failed: ${codeOf(err)}`);
  } finally {
    clearInterval(poll);
  }
  progress.update(size);
  progress.done();
  try {
    const after = statSync3(srcPath, { bigint: true });
    if (!sameIdentity(identityOf(after), identityOf(before)) || srcHash.bytes !== size) throw changed2();
    await utimes(tmp, nsToSeconds(before.atimeNs), nsToSeconds(before.mtimeNs));
    const [dstHash] = await Promise.all([dstHasher.finish(srcHash.bytes), fsync2 ? fsyncPath(tmp) : void 0]);
    if (dstHash.bytes !== size || dstHash.digest !== srcHash.digest) {
      throw stepError(`verification of ${n.rel} at ${n.toName} failed: the copy does not match the source (size or content hash); nothing was renamed`);
    }
    const partial = await lstat(tmp, { bigint: true });
    return { rel: n.rel, tmp, dst, fd: void 0, digest: srcHash.digest, size, source: before, partial };
  } catch (err) {
    dstHasher.abort();
    await rm(tmp, { force: true });
    throw err instanceof SplashError ? err : stepError(`copy of ${n.rel} from ${n.fromName} to ${n.toName} failed: ${codeOf(err)}`);
  }
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

// src/transfer/publish.ts
import { closeSync as closeSync3, fsync, linkSync, lstatSync as lstatSync4, openSync as openSync3, renameSync, rmSync as rmSync2, unlinkSync } from "node:fs";
function publishNew(tmp, dst) {
  try {
    linkSync(tmp, dst);
    unlinkSync(tmp);
    return true;
  } catch (err) {
    const code = codeOf(err);
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "EXDEV") throw err;
  }
  try {
    closeSync3(openSync3(dst, "wx"));
  } catch (err) {
    if (codeOf(err) === "EEXIST") return false;
    throw err;
  }
  renameSync(tmp, dst);
  return true;
}
var publishHooks = {};
function replaceVerified(tmp, dst, expected) {
  const now = lstatSync4(dst, { bigint: true, throwIfNoEntry: false });
  if (now === void 0) return publishNew(tmp, dst);
  if (!sameIdentity(identityOf(now), expected)) return false;
  publishHooks.beforeMoveAside?.(dst);
  const aside = partialNameFor(dst);
  try {
    renameSync(dst, aside);
  } catch (err) {
    if (codeOf(err) !== "ENOENT") throw err;
    return publishNew(tmp, dst);
  }
  const captured = lstatSync4(aside, { bigint: true });
  if (!sameFileAndContent(captured, expected)) {
    putBack(aside, dst);
    return false;
  }
  try {
    linkSync(tmp, dst);
  } catch (err) {
    if (codeOf(err) === "EEXIST") {
      rmSync2(aside, { force: true });
      return false;
    }
    putBack(aside, dst);
    throw err;
  }
  unlinkSync(tmp);
  rmSync2(aside, { force: true });
  return true;
}
function sameFileAndContent(st, expected) {
  const id = identityOf(st);
  return st.isFile() && id.dev === expected.dev && id.ino === expected.ino && id.size === expected.size && id.mtimeNs === expected.mtimeNs;
}
function putBack(aside, dst) {
  try {
    linkSync(aside, dst);
    unlinkSync(aside);
  } catch (err) {
    if (codeOf(err) !== "EEXIST") {
      if (lstatSync4(dst, { throwIfNoEntry: false }) !== void 0) throw err;
      renameSync(aside, dst);
      return;
    }
    const kept = `${dst}.splash-kept-${String(Date.now())}`;
    renameSync(aside, kept);
    throw stepError(`${dst} changed twice while it was being replaced; the file that was there is kept as ${kept}`, "find out who writes there and which file is right");
  }
}
function fsyncFd(fd) {
  return new Promise((resolve, reject) => {
    fsync(fd, (err) => {
      if (err) reject(err);
      else resolve();
    });
  });
}
async function fsyncDirs(paths) {
  await Promise.all([...new Set(paths)].map(async (p) => {
    const fd = openSync3(p, "r");
    try {
      await fsyncFd(fd);
    } finally {
      closeSync3(fd);
    }
  }));
}

// src/transfer/filesystem.ts
var SMALL_FILE_MAX = 16 * 1024 * 1024;
var BATCH_FILES = 128;
var BATCH_BYTES = 64 * 1024 * 1024;
async function copyPathsBetweenFilesystems(from, to, rels, opts) {
  const report = { files: [], skipped: [], task: void 0 };
  const hop = new FilesystemHop(from, to, opts, new SmallFileCopier(await createContentHasher()));
  const sources = new SourceResolver(from);
  try {
    for (const rel of rels) {
      for (const file of await sourceFiles(from, sources, rel, report.skipped)) await hop.add(file);
    }
    await hop.flush();
  } finally {
    await hop.discard();
  }
  for (const f of hop.results()) report.files.push(f);
  return report;
}
async function sourceFiles(from, sources, rel, skipped) {
  if (rel.split("/").some(isStateName)) throw stepError(`${from.name}:${rel} is this system's own state (.splash), not data; not moved`);
  const srcAbs = await sources.resolve(rel);
  const st = statSync4(srcAbs);
  if (st.isFile()) {
    if (isPartialName(basename2(rel))) throw stepError(`${from.name}:${rel} is an unfinished copy (.splash-partial), not data; not moved`);
    return [{ rel, src: srcAbs, size: st.size, found: { dev: st.dev, ino: st.ino } }];
  }
  if (!st.isDirectory()) throw stepError(`${from.name}:${rel} is neither a file nor a folder; nothing copied`);
  const files = [];
  for (const entry of walkTree(from.root_path, rel)) {
    if (entry.kind === "skipped") skipped.push({ rel: entry.rel, reason: entry.reason });
    else if (isPartialName(basename2(entry.rel))) {
      skipped.push({ rel: entry.rel, reason: "an unfinished copy (.splash-partial), not data" });
    } else {
      try {
        files.push({ rel: relPathUnder(from.root_path, entry.abs), src: entry.abs, size: entry.stat.size, found: { dev: entry.stat.dev, ino: entry.stat.ino } });
      } catch (err) {
        skipped.push({ rel: entry.rel, reason: `name refused by the path gate: ${err instanceof Error ? err.message : String(err)}` });
      }
    }
  }
  return files;
}
var FilesystemHop = class {
  #from;
  #to;
  #toRoot;
  #ctx;
  #fsync;
  #small;
  #records;
  /** Destination folders this hop created (inside the root) and cleared of dead runs' partials, by relative folder. */
  #dirs = /* @__PURE__ */ new Map();
  /** By the order files were met (a batch finishes after files found identical meanwhile). */
  #results = [];
  /** Small files to copy that the next batch takes. */
  #waiting = [];
  #waitingBytes = 0;
  /** The previous batch, being made durable and published while the next one is copied. */
  #inFlight = Promise.resolve();
  #next = 0;
  constructor(from, to, opts, small) {
    this.#from = from;
    this.#to = to;
    this.#toRoot = gateRootPath(to.root_path, `${to.name}.root_path`);
    this.#ctx = opts.ctx;
    this.#fsync = opts.fsync !== false;
    this.#small = small;
    let rootReal = this.#toRoot;
    try {
      rootReal = realpathSync(this.#toRoot);
    } catch {
    }
    let sourceRoot;
    try {
      sourceRoot = realpathSync(from.root_path);
    } catch {
    }
    this.#records = { ctx: opts.ctx, rootReal, sourceEndpoint: from.name, sourceRoot };
  }
  results() {
    return this.#results.filter((r) => r !== void 0);
  }
  async add(file) {
    const index = this.#next++;
    await this.#prepareDir(file.rel);
    const dst = joinInside(this.#toRoot, file.rel);
    const existing = lstatSync5(dst, { bigint: true, throwIfNoEntry: false });
    let expected;
    if (existing) {
      const d = await decideExisting({ ...this.#names(file.rel), src: file.src, found: file.found, dst }, existing, this.#records);
      if (d.kind === "identical") {
        this.#results[index] = { rel: file.rel, status: "identical", bytes: Number(existing.size), checksum: d.digest };
        return;
      }
      expected = d.expected;
    }
    if (file.size > SMALL_FILE_MAX) {
      await this.flush();
      await this.#checkDirs([file]);
      const copy = await copyLargeFile(this.#ctx, file.src, file.found, dst, this.#names(file.rel), this.#fsync);
      await this.#publish([{ ...copy, index, src: file.src, found: file.found, expected }]);
      return;
    }
    this.#waiting.push({ ...file, index, dst, expected });
    this.#waitingBytes += file.size;
    if (this.#waiting.length >= BATCH_FILES || this.#waitingBytes >= BATCH_BYTES) await this.#copyBatch();
  }
  /** Copy, publish and record everything added so far. */
  async flush() {
    await this.#copyBatch();
    await this.#inFlight;
  }
  /** After a failure: the batch in flight ends (its copies are whole and verified); files still waiting are not copied. */
  async discard() {
    await this.#inFlight.catch(() => void 0);
    this.#waiting = [];
  }
  #names(rel) {
    return { rel, fromName: this.#from.name, toName: this.#to.name };
  }
  /** Copy the waiting files into partials, then hand them to #publish, which runs while the next batch is copied. */
  async #copyBatch() {
    const batch = this.#waiting;
    if (batch.length === 0) return;
    this.#waiting = [];
    this.#waitingBytes = 0;
    const copies = [];
    try {
      await this.#checkDirs(batch);
      for (const w of batch) copies.push({ ...this.#small.copy(w.src, w.found, w.dst, this.#names(w.rel)), index: w.index, src: w.src, found: w.found, expected: w.expected });
      await this.#inFlight;
    } catch (err) {
      closeAndRemove(copies, /* @__PURE__ */ new Set());
      throw err;
    }
    this.#inFlight = this.#publish(copies);
    this.#inFlight.catch(() => void 0);
  }
  /** Make a batch durable, give it its final names, record it. */
  async #publish(batch) {
    if (batch.length === 0) return;
    const published = [];
    const lost = [];
    let failure;
    let current;
    try {
      publishHooks.beforeBatch?.(batch.map((p) => p.tmp));
      if (this.#fsync) await Promise.all(batch.flatMap((p) => p.fd === void 0 ? [] : [fsyncFd(p.fd)]));
      await this.#checkDirs(batch);
      for (const p of batch) {
        current = p;
        const named = p.expected !== void 0 ? replaceVerified(p.tmp, p.dst, p.expected) : publishNew(p.tmp, p.dst);
        if (named) published.push({ p, status: p.expected !== void 0 ? "replaced" : "copied" });
        else lost.push(p);
      }
    } catch (err) {
      failure = err instanceof SplashError ? err : stepError(current === void 0 ? `could not make ${String(batch.length)} verified cop${batch.length === 1 ? "y" : "ies"} at ${this.#to.name} durable: ${codeOf(err)}; none was given its final name` : `could not give ${this.#to.name}:${current.rel} its final name: ${codeOf(err)}`);
      if (current?.expected !== void 0) this.#rerecordPutBack(current.rel, current.dst, current.expected);
    } finally {
      closeAndRemove(batch, new Set(published.map(({ p }) => p)));
    }
    try {
      if (this.#fsync && published.length > 0) await fsyncDirs(published.map(({ p }) => dirname3(p.dst)));
    } catch (err) {
      failure ??= stepError(`could not make the new names at ${this.#to.name} durable: ${codeOf(err)}`);
    }
    const records = [];
    for (const { p, status } of published) {
      this.#results[p.index] = { rel: p.rel, status, bytes: p.size, checksum: p.digest };
      const now = lstatSync5(p.dst, { bigint: true, throwIfNoEntry: false });
      if (now && sameFile(now, p.partial)) records.push(recordOf(this.#records, p.rel, p.dst, p.digest, p.source, identityOf(now), true));
    }
    saveRecords(this.#records, records);
    if (failure !== void 0) throw failure;
    for (const p of lost) {
      const now = lstatSync5(p.dst, { bigint: true, throwIfNoEntry: false });
      if (!now) throw stepError(`${this.#to.name}:${p.rel} changed while it was being written (it is gone now); run the move again`);
      const d = await decideExisting({ ...this.#names(p.rel), src: p.src, found: p.found, dst: p.dst }, now, this.#records);
      if (d.kind !== "identical") {
        throw stepError(`${this.#to.name}:${p.rel} changed while it was being written, by someone else; not overwritten`, "find out who writes there; run the move again");
      }
      this.#results[p.index] = { rel: p.rel, status: "identical", bytes: p.size, checksum: d.digest };
    }
  }
  /**
   * A replacement that failed after the old copy was moved aside put it back (publish.ts); the move gave it a
   * new ctime, so its record is written again for its new identity, and a re-run can still replace it.
   */
  #rerecordPutBack(rel, dst, expected) {
    const record = readVerificationRecord(this.#records.rootReal, rel);
    const now = lstatSync5(dst, { bigint: true, throwIfNoEntry: false });
    if (!record || !sameIdentity(record.copy, expected) || !now?.isFile()) return;
    const id = identityOf(now);
    if (id.dev !== expected.dev || id.ino !== expected.ino || id.size !== expected.size || id.mtimeNs !== expected.mtimeNs) return;
    saveRecords(this.#records, [{ ...record, copy: id }]);
  }
  /** Create the destination folder of `rel` once per hop, inside the root, and clear it of dead runs' partials. */
  #prepareDir(rel) {
    const cut = rel.lastIndexOf("/");
    const dirRel = cut < 0 ? "" : rel.slice(0, cut);
    let ready = this.#dirs.get(dirRel);
    if (!ready) {
      const field = `${this.#to.name}:${rel}`;
      ready = (async () => {
        const dst = await resolveInside(this.#to.root_path, rel, { field });
        await mkdir2(dirname3(dst), { recursive: true });
        await resolveInside(this.#to.root_path, rel, { field });
        await removeStalePartialsIn(dirname3(dst));
      })();
      this.#dirs.set(dirRel, ready);
      ready.catch(() => this.#dirs.delete(dirRel));
    }
    return ready;
  }
  /**
   * Every folder a batch writes into is still inside the root (no folder on the way swapped for a symlink that
   * leads out): checked right before its partials are written, and again right before they take their names.
   */
  async #checkDirs(files) {
    const dirs = /* @__PURE__ */ new Map();
    for (const f of files) {
      const cut = f.rel.lastIndexOf("/");
      if (cut > 0) dirs.set(f.rel.slice(0, cut), f.rel);
    }
    await Promise.all([...dirs.values()].map((rel) => resolveInside(this.#to.root_path, rel, { field: `${this.#to.name}:${rel}` })));
  }
};
function closeAndRemove(batch, keep) {
  for (const p of batch) {
    if (p.fd !== void 0) {
      try {
        closeSync4(p.fd);
      } catch {
      }
    }
    if (!keep.has(p)) rmSync3(p.tmp, { force: true });
  }
}
function sameFile(st, partial) {
  return st.dev === partial.dev && st.ino === partial.ino && st.size === partial.size && st.mtimeNs === partial.mtimeNs;
}

// src/transfer/index.ts
function transferFor(from, to) {
  if (from.type === "filesystem" && to.type === "filesystem") {
    return async (rels, opts) => copyPathsBetweenFilesystems(from, to, rels, { ctx: opts.ctx });
  }
  if (from.type === "globus" && to.type === "globus") {
    return async (rels, opts) => {
      const { transferWithGlobus } = await import("./globus-EN3V5TKF.js");
      return transferWithGlobus(from, to, rels, { ctx: opts.ctx, client: await opts.services.globus(), settings: opts.services.globusSettings, label: opts.label });
    };
  }
  throw new SplashError(
    "not-configured",
    `no transfer controller for ${describeEndpoint(from)} → ${describeEndpoint(to)}: this build moves filesystem → filesystem and globus → globus`,
    "HPSS transfers are not built yet; a hop between a folder and a Globus collection needs the folder shared as a collection"
  );
}

// src/steps/move-summary.ts
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as join2 } from "node:path";
var SUMMARY_FILE_ROWS = 50;
var written = (f) => f.status !== "identical";
function writeMoveSummary(ctx, title, paths, hops) {
  const count = (pred) => hops.reduce((n, h) => n + h.files.filter(pred).length, 0);
  const copied = count((f) => f.status === "copied");
  const replaced = count((f) => f.status === "replaced");
  const identical = count((f) => f.status === "identical");
  const bytes = hops.reduce((n, h) => n + h.files.filter(written).reduce((b, f) => b + f.bytes, 0), 0);
  const s = ctx.summary;
  s.heading(title, 2);
  const byGlobus = hops.some((h) => h.tasks.length > 0);
  const byCopy = hops.some((h) => h.tasks.length === 0 && h.files.some(written));
  const how = [
    byCopy ? `folder copies verified by size and ${HASH_ALGORITHM} content hash before taking their final name` : "",
    byGlobus ? "Globus transfers verified by Globus (checksum sync, verify_checksum)" : ""
  ].filter((x) => x !== "").join("; ");
  const also = [
    replaced > 0 ? `${String(replaced)} replaced (the source changed since it was copied)` : "",
    identical > 0 ? `${String(identical)} already there, identical` : ""
  ].filter((x) => x !== "").join(", ");
  s.text(
    `${String(paths)} path(s) over ${String(hops.length)} hop(s): ${String(copied + replaced)} file cop${copied + replaced === 1 ? "y" : "ies"} written (${formatBytes(bytes)})${also ? `; ${also}` : ""}${how ? `; ${how}` : ""}.`
  );
  const rows = hops.flatMap(
    (h) => h.files.length === 0 ? [[`${h.from} → ${h.to}`, h.note ? `${h.status}: ${h.note}` : h.status, "", "", "", ""]] : h.files.map((f) => [`${h.from} → ${h.to}`, h.status, f.rel, formatBytes(f.bytes), f.status, f.checksum === void 0 ? "verified by Globus" : `${f.checksum.slice(0, 16)}…`])
  );
  const fileRows = hops.reduce((n, h) => n + h.files.length, 0);
  if (rows.length > SUMMARY_FILE_ROWS) {
    s.table(
      ["hop", "status", "copied", "replaced", "identical", "written"],
      hops.map((h) => [
        `${h.from} → ${h.to}`,
        h.note ? `${h.status}: ${h.note}` : h.status,
        h.files.filter((f) => f.status === "copied").length,
        h.files.filter((f) => f.status === "replaced").length,
        h.files.filter((f) => f.status === "identical").length,
        formatBytes(h.files.filter(written).reduce((b, f) => b + f.bytes, 0))
      ])
    );
  }
  s.table(["hop", "status", "file", "size", "result", HASH_ALGORITHM], rows.slice(0, SUMMARY_FILE_ROWS));
  const runnerTemp = ctx.kind === "github" ? process.env.RUNNER_TEMP : void 0;
  const list = fileRows > 0 && (runnerTemp !== void 0 || rows.length > SUMMARY_FILE_ROWS) ? writeMovedList(ctx, hops, runnerTemp ?? tmpdir()) : void 0;
  if (rows.length > SUMMARY_FILE_ROWS) {
    s.text(`…and ${String(rows.length - SUMMARY_FILE_ROWS)} more row(s); ${list === void 0 ? "the run log lists every file" : `every file is listed in \`${list}\``}.`);
  } else if (list !== void 0) {
    s.text(`File list: \`${list}\`.`);
  }
  const tasks = hops.flatMap((h) => h.tasks.map((t) => [`${h.from} → ${h.to}`, t.id, t.files, formatBytes(t.bytes), formatRate(t.bytesPerSecond), formatDuration(t.seconds)]));
  if (tasks.length > 0) s.table(["hop", "Globus task", "files transferred", "bytes", "effective speed", "time"], tasks.slice(0, SUMMARY_FILE_ROWS));
  if (tasks.length > SUMMARY_FILE_ROWS) s.text(`…and ${String(tasks.length - SUMMARY_FILE_ROWS)} more Globus task(s); the run log names them all.`);
  const skipped = hops.flatMap((h) => h.skipped.map((k) => `${h.from}: ${displayName(k.rel)} — ${k.reason}`));
  if (skipped.length > 0) {
    s.details(
      `${String(skipped.length)} entries not copied`,
      skipped.slice(0, SUMMARY_FILE_ROWS).map((k) => `- ${k}`).join("\n") + (skipped.length > SUMMARY_FILE_ROWS ? `
- …and ${String(skipped.length - SUMMARY_FILE_ROWS)} more (the run log lists them all)` : "")
    );
  }
}
var lists = 0;
function writeMovedList(ctx, hops, dir) {
  const stamp = (/* @__PURE__ */ new Date()).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const path = join2(dir, `splash-moved-${stamp}-${String(process.pid)}-${String(++lists)}.tsv`);
  const lines = [`hop	result	file	bytes	${HASH_ALGORITHM}`];
  for (const h of hops) for (const f of h.files) lines.push(`${h.from} → ${h.to}	${f.status}	${f.rel}	${String(f.bytes)}	${f.checksum ?? "verified by Globus"}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, `${lines.join("\n")}
`, { flag: "wx" });
  } catch (err) {
    ctx.warn(`could not write the list of moved files to ${path}: ${err instanceof Error ? err.message : String(err)}`);
    return void 0;
  }
  ctx.setOutput("moved-list", path);
  return path;
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
  input.collect?.push(result);
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
        logFiles(ctx, report.files);
        report.skipped.slice(0, 10).forEach((sk) => {
          ctx.warn(`not copied: ${displayName(sk.rel)}: ${sk.reason}`);
        });
        for (let i = 10; i < report.skipped.length; i += LOG_BATCH) {
          ctx.info(report.skipped.slice(i, i + LOG_BATCH).map((sk) => `not copied: ${displayName(sk.rel)}: ${sk.reason}`).join("\n"));
        }
      });
      hopResult.status = "done";
      result.moved += hopResult.files.filter((f) => f.status !== "identical").length;
    }
  } finally {
    if (!input.collect) writeMoveSummary(ctx, `Move · beamline ${beamline.id}`, paths.length, mergeHops([result]));
  }
  if (!input.collect) setMoveOutputs(ctx, [result]);
  return result;
}
function setMoveOutputs(ctx, results) {
  ctx.setOutput("relative-paths", JSON.stringify(results.flatMap((r) => r.relPaths)));
  ctx.setOutput("moved", results.reduce((n, r) => n + r.moved, 0));
}
function mergeHops(results) {
  const merged = [];
  for (const r of results) {
    r.hops.forEach((h, i) => {
      const m = merged[i] ??= { from: h.from, to: h.to, statuses: /* @__PURE__ */ new Set(), note: "", files: [], skipped: [], tasks: [] };
      m.statuses.add(h.status);
      m.note ||= h.note;
      for (const f of h.files) m.files.push(f);
      for (const k of h.skipped) m.skipped.push(k);
      if (h.task) m.tasks.push(h.task);
    });
  }
  const worst = ["failed", "done", "skipped (export control)"];
  return merged.map((m) => ({ ...m, status: worst.find((w) => m.statuses.has(w)) ?? "done" }));
}
var LOG_BATCH = 2e3;
function logFiles(ctx, files) {
  files.filter((f) => f.status === "replaced").slice(0, 10).forEach((f) => {
    ctx.warn(`replaced ${f.rel}: the source changed after this system had copied it (was it still being written?); the copy now holds its current bytes`);
  });
  const line = (f) => {
    const sum = f.checksum === void 0 ? "" : `, ${HASH_ALGORITHM} ${f.checksum.slice(0, 12)}…`;
    if (f.status === "identical") return `already there, identical: ${f.rel}`;
    if (f.status === "replaced") return `replaced ${f.rel} (${formatBytes(f.bytes)}${sum}): the source changed since this system copied it`;
    return `copied ${f.rel} (${formatBytes(f.bytes)}${sum})`;
  };
  for (let i = 0; i < files.length; i += LOG_BATCH) ctx.info(files.slice(i, i + LOG_BATCH).map(line).join("\n"));
}
async function checkSources(beamline, paths) {
  const hop = beamline.settings.move[0];
  if (!hop) return;
  const first = beamline.endpoint(hop.from, `beamlines.${beamline.id}.move[0].from`);
  if (first.type !== "filesystem") return;
  await requireReachable(first);
  const sources = new SourceResolver(first);
  for (const rel of paths) {
    const st = statSync5(await sources.resolve(rel));
    if (!st.isFile() && !st.isDirectory()) throw pathError(`${first.name}:${rel}: neither a file nor a folder; nothing was moved`);
  }
}
async function requireReachable(e) {
  if (e.type !== "filesystem") return;
  const st = await stat4(e.root_path).catch(() => void 0);
  if (!st?.isDirectory()) {
    throw configError(
      `endpoint ${e.name}: root_path ${e.root_path} is not a folder on this runner`,
      "is the storage mounted? check the runner, or the root_path in config.yml"
    );
  }
}
function moveLink(beamline, exportControlled) {
  const results = [];
  return {
    kind: "step",
    name: "move",
    run: async (ctx, paths, services) => {
      const r = await moveStep(ctx, { beamline, paths, exportControlled, services, collect: results });
      return `${r.moved} file(s) written over ${r.hops.length} hop(s)`;
    },
    finish: (ctx) => {
      if (results.length === 0) return;
      writeMoveSummary(ctx, `Move · beamline ${beamline.id}`, results.reduce((n, r) => n + r.relPaths.length, 0), mergeHops(results));
      setMoveOutputs(ctx, results);
    }
  };
}

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

// src/run/cancel.ts
function cancelOnSignals(signals = ["SIGINT", "SIGTERM"]) {
  const ac = new AbortController();
  let received;
  const handler = (sig) => {
    received ??= sig;
    ac.abort(new Error(`received ${sig}`));
  };
  for (const s of signals) process.on(s, handler);
  return {
    signal: ac.signal,
    received: () => received,
    dispose: () => {
      for (const s of signals) process.off(s, handler);
    }
  };
}

// src/steps/recon-catalogue.ts
import { mkdir as mkdir3, readFile as readFile2, rename as rename2, writeFile as writeFile2 } from "node:fs/promises";
import { basename as basename4, dirname as dirname4, join as join3, posix as posix2 } from "node:path";

// src/scicat/derived.ts
import { basename as basename3, posix } from "node:path";

// src/scicat/tiff.ts
import { readFile } from "node:fs/promises";
var TiffUnsupported = class extends Error {
  constructor(message) {
    super(message);
    this.name = "TiffUnsupported";
  }
};
var MAX_PIXELS = 256 * 1024 * 1024;
var TYPE_SIZES = { 1: 1, 3: 2, 4: 4, 16: 8 };
function decodeTiff(buf) {
  if (buf.length < 8) throw new TiffUnsupported("too short for a TIFF header");
  const order = buf.toString("latin1", 0, 2);
  if (order !== "II" && order !== "MM") throw new TiffUnsupported("not a TIFF file");
  const le = order === "II";
  const u16 = (o) => le ? buf.readUInt16LE(o) : buf.readUInt16BE(o);
  const u32 = (o) => le ? buf.readUInt32LE(o) : buf.readUInt32BE(o);
  const magic = u16(2);
  if (magic === 43) throw new TiffUnsupported("BigTIFF is not read");
  if (magic !== 42) throw new TiffUnsupported("not a TIFF file");
  const ifd = u32(4);
  if (ifd + 2 > buf.length) throw new TiffUnsupported("the first IFD is past the end of the file");
  const count = u16(ifd);
  const tags = /* @__PURE__ */ new Map();
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > buf.length) throw new TiffUnsupported("truncated IFD");
    const tag = u16(e);
    const type = u16(e + 2);
    const n = u32(e + 4);
    const size = TYPE_SIZES[type];
    if (size === void 0) continue;
    const inline = size * n <= 4;
    const at = inline ? e + 8 : u32(e + 8);
    if (at + size * n > buf.length) throw new TiffUnsupported(`tag ${String(tag)} points past the end of the file`);
    const values = [];
    for (let k = 0; k < n; k++) {
      const o = at + k * size;
      values.push(size === 1 ? buf[o] ?? 0 : size === 2 ? u16(o) : size === 4 ? u32(o) : Number(le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o)));
    }
    tags.set(tag, values);
  }
  const one = (tag, fallback) => {
    const v = tags.get(tag)?.[0] ?? fallback;
    if (v === void 0) throw new TiffUnsupported(`required tag ${String(tag)} is missing`);
    return v;
  };
  const width = one(256);
  const height = one(257);
  const bits = one(258, 1);
  const compression = one(259, 1);
  const photometric = one(262, 1);
  const samples = one(277, 1);
  const format = one(339, 1);
  if (compression !== 1) throw new TiffUnsupported(`compression ${String(compression)} is not read (uncompressed only)`);
  if (samples !== 1 || photometric !== 0 && photometric !== 1) throw new TiffUnsupported("only one-sample grayscale images are read");
  if (tags.has(322)) throw new TiffUnsupported("tiled images are not read");
  if (![8, 16, 32, 64].includes(bits) || format === 3 && bits < 32 || ![1, 2, 3].includes(format)) throw new TiffUnsupported(`${String(bits)}-bit samples of format ${String(format)} are not read`);
  if (width < 1 || height < 1 || width * height > MAX_PIXELS) throw new TiffUnsupported(`a ${String(width)}×${String(height)} image is not read`);
  const offsets = tags.get(273) ?? [];
  const lengths = tags.get(279) ?? [];
  if (offsets.length === 0 || offsets.length !== lengths.length) throw new TiffUnsupported("strip offsets and byte counts do not match");
  const bytes = bits / 8;
  const need = width * height * bytes;
  const raw = Buffer.alloc(need);
  let filled = 0;
  for (let s = 0; s < offsets.length && filled < need; s++) {
    const at = offsets[s] ?? 0;
    const len = Math.min(lengths[s] ?? 0, need - filled);
    if (at + len > buf.length) throw new TiffUnsupported("a strip lies past the end of the file");
    buf.copy(raw, filled, at, at + len);
    filled += len;
  }
  if (filled < need) throw new TiffUnsupported(`the strips hold ${String(filled)} of ${String(need)} bytes`);
  const data = new Float64Array(width * height);
  const read = (o) => {
    if (format === 3) return bits === 32 ? le ? raw.readFloatLE(o) : raw.readFloatBE(o) : le ? raw.readDoubleLE(o) : raw.readDoubleBE(o);
    if (bits === 8) return format === 2 ? raw.readInt8(o) : raw[o] ?? 0;
    if (bits === 16) return format === 2 ? le ? raw.readInt16LE(o) : raw.readInt16BE(o) : le ? raw.readUInt16LE(o) : raw.readUInt16BE(o);
    if (bits === 32) return format === 2 ? le ? raw.readInt32LE(o) : raw.readInt32BE(o) : le ? raw.readUInt32LE(o) : raw.readUInt32BE(o);
    return Number(format === 2 ? le ? raw.readBigInt64LE(o) : raw.readBigInt64BE(o) : le ? raw.readBigUInt64LE(o) : raw.readBigUInt64BE(o));
  };
  for (let i = 0; i < data.length; i++) data[i] = read(i * bytes);
  if (photometric === 0) for (let i = 0; i < data.length; i++) data[i] = -(data[i] ?? 0);
  return { width, height, data };
}
async function readTiff(path) {
  return decodeTiff(await readFile(path));
}

// src/scicat/derived.ts
var text = (v) => typeof v === "string" && v !== "" ? v : void 0;
function rawFactsOf(d, pid) {
  const missing = ["owner", "ownerGroup", "contactEmail", "datasetName"].filter((k) => text(d[k]) === void 0);
  if (missing.length > 0) return { missing };
  const groups = Array.isArray(d.accessGroups) ? d.accessGroups.filter((g) => typeof g === "string") : [];
  return {
    pid,
    datasetName: text(d.datasetName) ?? "",
    owner: text(d.owner) ?? "",
    ownerGroup: text(d.ownerGroup) ?? "",
    accessGroups: groups,
    contactEmail: text(d.contactEmail) ?? "",
    ownerEmail: text(d.ownerEmail),
    principalInvestigator: text(d.principalInvestigator),
    proposalId: text(d.proposalId),
    instrumentGroup: text(d.instrumentGroup)
  };
}
var FILES_PER_BLOCK = 2e3;
var HPC_NAMES = { nersc: "NERSC", alcf: "ALCF" };
function derivedRequests(i) {
  const { raw } = i;
  const statusNumbers = (key) => {
    for (const j of i.jobs) {
      const v = j.status?.[key];
      if (typeof v === "number") return v;
    }
    return void 0;
  };
  const centre = i.jobs.find((j) => j.centre !== void 0)?.centre;
  const facts = Object.fromEntries(
    Object.entries({ slices: statusNumbers("slices_written"), levels: statusNumbers("levels"), centre }).filter(([, v]) => v !== void 0)
  );
  const dataset = {
    type: "derived",
    datasetName: i.datasetName,
    description: `${i.technique} reconstruction of ${raw.datasetName} at ${HPC_NAMES[i.hpc]}`,
    owner: raw.owner,
    ...raw.ownerEmail === void 0 ? {} : { ownerEmail: raw.ownerEmail },
    contactEmail: raw.contactEmail,
    ownerGroup: raw.ownerGroup,
    accessGroups: [...raw.accessGroups],
    ...raw.instrumentGroup === void 0 ? {} : { instrumentGroup: raw.instrumentGroup },
    ...raw.proposalId === void 0 ? {} : { proposalId: raw.proposalId },
    sourceFolder: i.sourceFolder,
    ...i.sourceFolderHost === void 0 ? {} : { sourceFolderHost: i.sourceFolderHost },
    creationTime: i.creationTime,
    investigator: raw.principalInvestigator ?? raw.owner,
    inputDatasets: [raw.pid],
    usedSoftware: [...i.software],
    jobParameters: {
      hpc: i.hpc,
      technique: i.technique,
      options: i.options,
      ...centre === void 0 ? {} : { centre },
      jobs: i.jobs.map((j) => ({
        kind: j.kind,
        id: j.jobId,
        name: j.jobName,
        state: j.state,
        ...j.elapsedSeconds === void 0 ? {} : { elapsed_seconds: j.elapsedSeconds },
        walltime_seconds: j.walltimeSeconds,
        ...j.reused ? { reused: true } : {}
      }))
    },
    keywords: ["reconstruction", i.technique, HPC_NAMES[i.hpc]],
    ...Object.keys(facts).length > 0 ? { scientificMetadata: { reconstruction: facts } } : {}
  };
  const origDatablocks = [];
  for (let k = 0; k < i.files.length; k += FILES_PER_BLOCK) {
    const list = i.files.slice(k, k + FILES_PER_BLOCK);
    origDatablocks.push({ size: list.reduce((sum, f) => sum + f.size, 0), dataFileList: list });
  }
  return {
    dataset,
    origDatablocks,
    attachment: i.thumbnail ? { thumbnail: toDataUrl(i.thumbnail.png), caption: `middle slice of ${i.datasetName} (${i.thumbnail.of})`, ownerGroup: raw.ownerGroup, accessGroups: [...raw.accessGroups] } : void 0
  };
}
function derivedRequestIssues(r) {
  const issues = [];
  const add = (what, v) => {
    for (const x of v.issues) issues.push(`${what}: ${x}`);
  };
  add("derived dataset", validateDerivedDataset(r.dataset));
  r.origDatablocks.forEach((b, k) => {
    add(`orig-datablock ${String(k + 1)}`, validateOrigDatablock(b));
  });
  if (r.attachment) add("attachment", validateAttachment(r.attachment));
  return issues;
}
function commonParent(rels) {
  const dirs = rels.map((r) => posix.dirname(r).split("/").filter((p) => p !== "."));
  const first = dirs[0] ?? [];
  let n = first.length;
  for (const d of dirs) {
    let k = 0;
    while (k < n && d[k] === first[k]) k++;
    n = k;
  }
  return first.slice(0, n).join("/");
}
function resultFiles(root, rels, base) {
  const files = [];
  const skipped = [];
  const strip = base === "" ? 0 : base.length + 1;
  for (const rel of rels) {
    for (const e of walkTree(root, rel)) {
      if (e.kind === "skipped") skipped.push(`${e.rel}: ${e.reason}`);
      else files.push({ path: e.rel.slice(strip), size: e.stat.size, time: e.stat.mtime.toISOString() });
    }
  }
  return { files, skipped };
}
async function middleSliceThumbnail(root, rels, maxSize = 256) {
  for (const rel of rels) {
    const slices = [...walkTree(root, rel)].filter((e) => e.kind === "file" && /\.tiff?$/i.test(e.rel) && !e.rel.slice(rel.length + 1).includes("/"));
    if (slices.length === 0) continue;
    const middle = slices[Math.floor((slices.length - 1) / 2)];
    if (middle === void 0) continue;
    try {
      const img = await readTiff(middle.abs);
      const small = downsample(img, maxSize);
      return { thumbnail: { png: encodeGrayPng(stretch(small.data), small.width, small.height), of: basename3(middle.rel) }, note: void 0 };
    } catch (err) {
      if (err instanceof TiffUnsupported) return { thumbnail: void 0, note: `no thumbnail: ${middle.rel}: ${err.message}` };
      throw err;
    }
  }
  return { thumbnail: void 0, note: void 0 };
}

// src/steps/recon-catalogue.ts
var HOSTS = { nersc: "nersc.gov", alcf: "alcf.anl.gov" };
async function rawFacts(i) {
  let source;
  try {
    source = ingestSource(i.beamline);
  } catch (err) {
    if (err instanceof SplashError && (err.kind === "not-configured" || err.kind === "config")) return `ingest has no source for beamline ${i.beamline.id} (${err.message}), so the raw dataset cannot be found`;
    throw err;
  }
  const rel = i.scan.rel;
  if (i.scicat) {
    const q2 = { sourceFolder: sourceFolderOf(source.endpoint.root_path, rel), datasetName: basename4(rel) };
    const found = await i.scicat.findDataset(q2);
    if (!found) {
      throw stepError(
        `${rel}: reconstructed at ${i.hpc.toUpperCase()}, but its raw dataset is not in SciCat (sourceFolder ${q2.sourceFolder}, datasetName ${q2.datasetName}); the reconstruction was not catalogued`,
        `ingest the scan (splash ingest --beamline ${i.beamline.id} ${rel}), then run recon again: it finds the finished jobs and only catalogues`
      );
    }
    const facts2 = rawFactsOf(found, found.pid);
    if ("missing" in facts2) throw stepError(`${rel}: the raw dataset ${found.pid} has no ${facts2.missing.join(", ")}; the reconstruction was not catalogued`);
    return facts2;
  }
  const file = join3(i.services.scicatSettings.dryRunDir, `${rel}.json`);
  let doc;
  try {
    doc = JSON.parse(await readFile2(file, "utf8"));
  } catch {
    return `SciCat is not configured and ingest's dry run wrote no ${file} for the raw scan to link to`;
  }
  const dataset = doc !== null && typeof doc === "object" ? doc.dataset : void 0;
  if (dataset === null || typeof dataset !== "object") return `${file} holds no dataset`;
  const facts = rawFactsOf(dataset, `dry-run:${rel}`);
  return "missing" in facts ? `${file}: the raw dataset has no ${facts.missing.join(", ")}` : facts;
}
async function location(i, rels) {
  const notes = [];
  const base = commonParent(rels);
  const to = i.landed;
  if (to === void 0) {
    const outputs = i.jobs.flatMap((j) => j.outputs);
    const parent = outputs.length > 0 ? posix2.dirname(outputs[0] ?? "/") : "/";
    notes.push("the results stayed at the HPC centre: no file list or thumbnail");
    return { sourceFolder: parent, host: HOSTS[i.hpc], files: [], thumbnail: void 0, notes };
  }
  const sourceFolder = base === "" ? to.root_path : `${to.root_path === "/" ? "" : to.root_path}/${base}`;
  const host = to.type === "globus" && to.uri !== void 0 && isUrlLike(to.uri) ? to.uri : void 0;
  const readRoot = i.readFrom?.root_path ?? (to.type === "filesystem" ? to.root_path : void 0);
  if (readRoot !== void 0) {
    const { files, skipped } = resultFiles(readRoot, rels, base);
    for (const s of skipped) notes.push(`not listed: ${s}`);
    const t = await middleSliceThumbnail(readRoot, rels);
    if (t.note) notes.push(t.note);
    return { sourceFolder, host, files, thumbnail: t.thumbnail, notes };
  }
  if (to.type === "globus") {
    const { walkCollection } = await import("./globus-EN3V5TKF.js");
    const client = await i.services.globus();
    const files = [];
    const strip = base === "" ? 0 : base.length + 1;
    for (const rel of rels) {
      for await (const e of walkCollection(client, to, rel)) {
        if (e.kind === "file") files.push({ path: e.rel.slice(strip), size: e.size, time: new Date(e.mtimeMs).toISOString() });
        else notes.push(`not listed: ${e.rel}: ${e.reason}`);
      }
    }
    notes.push(`no thumbnail: the runner does not read ${to.name} (set recon.read_from to a folder endpoint that shows it)`);
    return { sourceFolder, host, files, thumbnail: void 0, notes };
  }
  notes.push(`the results are on ${to.name} (${to.type}), which the runner cannot list`);
  return { sourceFolder, host, files: [], thumbnail: void 0, notes };
}
async function catalogueRecon(i) {
  const raw = await rawFacts(i);
  if (typeof raw === "string") return { kind: "not catalogued", why: raw };
  const rels = [...new Set(i.jobs.flatMap((j) => j.results))];
  if (rels.length === 0) return { kind: "not catalogued", why: "the jobs name no results" };
  const where = await location(i, rels);
  const ends = i.jobs.map((j) => j.status?.end).filter((e) => typeof e === "number");
  const requests = derivedRequests({
    raw,
    technique: i.technique,
    hpc: i.hpc,
    jobs: i.jobs,
    options: i.options,
    sourceFolder: where.sourceFolder,
    sourceFolderHost: where.host,
    datasetName: basename4(rels[0] ?? "reconstruction"),
    files: where.files,
    thumbnail: where.thumbnail,
    creationTime: new Date(ends.length > 0 ? Math.max(...ends) * 1e3 : Date.now()).toISOString(),
    software: [...new Set(i.jobs.flatMap((j) => j.software))]
  });
  const issues = derivedRequestIssues(requests);
  if (issues.length > 0) throw stepError(`the SciCat requests for the reconstruction of ${i.scan.rel} would be rejected: ${issues.join("; ")}; nothing was sent`);
  if (!i.scicat) {
    const file = join3(i.services.scicatSettings.dryRunDir, "derived", i.hpc, `${i.scan.rel}.json`);
    await mkdir3(dirname4(file), { recursive: true });
    const doc = { dataset: requests.dataset, origDatablocks: requests.origDatablocks, attachment: requests.attachment ?? null, warnings: where.notes };
    await writeFile2(`${file}.tmp`, `${JSON.stringify(redactValue(doc), null, 2)}
`);
    await rename2(`${file}.tmp`, file);
    return { kind: "dry-run", file, warnings: where.notes };
  }
  const { dataset, created } = await i.scicat.ensureDerivedDataset(requests.dataset);
  const have = created ? 0 : await i.scicat.countRelated(dataset.pid, "origdatablocks");
  for (const block of requests.origDatablocks.slice(have)) await i.scicat.addOrigDatablock(dataset.pid, block);
  if (requests.attachment && (created || await i.scicat.countRelated(dataset.pid, "attachments") === 0)) {
    await i.scicat.addAttachment(dataset.pid, requests.attachment);
  }
  i.ctx.info(`${created ? "catalogued" : "already catalogued"} the reconstruction of ${i.scan.rel} as ${dataset.pid} (derived from ${raw.pid})`);
  return { kind: created ? "created" : "existing", pid: dataset.pid, warnings: where.notes };
}

// src/steps/recon.ts
var HPC_LABEL = { nersc: "NERSC", alcf: "ALCF" };
function settingsFor(settings, hpc, beamline = "<id>") {
  const s = settings[hpc];
  if (s === void 0) throw configError(`beamlines.${beamline}.recon.${hpc} is not set, so the beamline cannot reconstruct at ${HPC_LABEL[hpc]}`, `add beamlines."${beamline}".recon.${hpc} (docs/recon.md)`);
  return s;
}
function reconPlan(r) {
  return {
    technique: r.technique,
    example: r.example,
    hpcs: r.alcf ? ["nersc", "alcf"] : ["nersc"],
    computeFunction: r.alcf?.fn,
    prepare(settings, raw, field) {
      const o = r.parseOptions(settings.defaults, raw, field);
      const values = JSON.parse(JSON.stringify(o));
      const bindMultires = (jobs) => ({
        reconstruct: (scan) => jobs.reconstruct(scan, o),
        ...jobs.multires && settings.multires ? { multires: (scan) => (jobs.multires ?? jobs.reconstruct)(scan, o) } : {}
      });
      const controller = (hpc, run) => {
        if (hpc === "nersc") return new NerscController(bindMultires(r.nersc(settingsFor(settings, "nersc"))), run);
        if (!r.alcf) throw usageError(`${r.technique} is not reconstructed at ALCF`, "use hpc: nersc");
        return new AlcfController(bindMultires(r.alcf.jobs(settingsFor(settings, "alcf"))), run);
      };
      return {
        options: r.describeOptions(o),
        values,
        controller,
        resultsRoot: (hpc) => hpc === "nersc" ? r.resultsRoot(settingsFor(settings, "nersc")) : r.alcf?.resultsRoot(settingsFor(settings, "alcf")) ?? ""
      };
    }
  };
}
function reconSettingsOf(beamline) {
  const r = beamline.settings.recon;
  if (!r) {
    throw new SplashError("not-configured", `beamline ${beamline.id} has no recon section in ${beamline.config.source}`, `add beamlines."${beamline.id}".recon (docs/recon.md)`);
  }
  return r;
}
function hopOf(beamline, h, field) {
  const from = beamline.endpoint(h.from, `${field}.from`);
  const to = beamline.endpoint(h.to, `${field}.to`);
  try {
    return { from, to, transfer: transferFor(from, to) };
  } catch (err) {
    if (err instanceof SplashError && err.kind === "not-configured") throw configError(`${field}: ${err.message}`, err.hint);
    throw err;
  }
}
function hpcsOf(beamline, plan, wanted) {
  const list = wanted ?? reconSettingsOf(beamline).hpc;
  for (const h of list) {
    if (!plan.hpcs.includes(h)) throw usageError(`hpc: beamline ${beamline.id} does not reconstruct at ${HPC_LABEL[h]}`, `${plan.technique} runs at ${plan.hpcs.map((x) => HPC_LABEL[x]).join(" or ")}`);
  }
  return list;
}
function reconPreflight(beamline, plan, paths, options, wanted) {
  const settings = reconSettingsOf(beamline);
  const hpcs = hpcsOf(beamline, plan, wanted);
  const prepared = plan.prepare(settings, options, "recon-options");
  const scans = paths.map((rel) => ({ beamline: beamline.id, rel }));
  const warnings = [];
  const base = `beamlines.${beamline.id}.recon`;
  const sites = hpcs.map((hpc) => {
    const hopList = hpc === "nersc" ? (settingsFor(settings, "nersc", beamline.id), settings.results) : settingsFor(settings, "alcf", beamline.id).results;
    const controller = prepared.controller(hpc, void 0);
    const scripts = scans.map((scan) => ({ scan, scripts: controller.describe(scan, void 0) }));
    const field = hpc === "nersc" ? base : `${base}.alcf`;
    const stage = hpc === "alcf" && settings.alcf?.stage ? hopOf(beamline, settings.alcf.stage, `${base}.alcf.stage`) : void 0;
    const hops = hopList.map((h, i) => hopOf(beamline, h, `${field}.results[${String(i)}]`));
    const root = prepared.resultsRoot(hpc);
    for (const h of hpc === "nersc" ? hops.slice(0, 1) : []) {
      if (h.from.type !== "hpss" && h.from.root_path !== root) {
        warnings.push(`${field}.results[0].from: ${h.from.name} has root_path ${h.from.root_path}, but the jobs write the results under ${root}: check that it shows that folder`);
      }
    }
    const readName = hpc === "nersc" ? settings.read_from : settings.alcf?.read_from;
    let readFrom;
    if (readName !== void 0) {
      const e = beamline.endpoint(readName, `${field}.read_from`);
      if (e.type !== "filesystem") throw configError(`${field}.read_from: ${e.name} is a ${e.type} endpoint; the runner reads the results in a folder`, "name a filesystem endpoint (a folder the runner mounts where the results land)");
      readFrom = e;
    }
    return { hpc, scripts, stage, hops, readFrom };
  });
  if (sites.length > 1) {
    const landing = sites.map((x) => x.hops.at(-1)?.to);
    const [a, b] = landing;
    if (a && b && a.type === b.type && a.root_path === b.root_path && (a.type !== "globus" || b.type !== "globus" || a.uuid === b.uuid)) {
      throw configError(`${base}: the results of NERSC and ALCF would both land in ${a.name} (${a.root_path}), under the same names`, `send one centre's results to another folder (recon.results / recon.alcf.results), or reconstruct at one centre`);
    }
  }
  return { settings, prepared, sites, warnings };
}
async function connectAlcf(ctx, input, settings, signal) {
  const fn = input.plan.computeFunction;
  if (!fn) throw usageError(`${input.plan.technique} is not reconstructed at ALCF`);
  const client = await input.services.compute(settings.globus_app);
  const { functionId } = await alcfPreflight(client, settings.endpoint_id, settings.function_id, fn, settings.python_version, ctx);
  return { client, endpointId: settings.endpoint_id, functionId, ctx, signal, pollFirstMs: settings.poll_first_seconds * 1e3, pollMaxMs: settings.poll_max_seconds * 1e3 };
}
async function reconStep(ctx, input) {
  const { beamline } = input;
  const pre = reconPreflight(beamline, input.plan, input.paths, input.options, input.hpc);
  const hpcs = pre.sites.map((s) => s.hpc);
  const results = [];
  for (const w of pre.warnings) ctx.warn(w);
  if (input.exportControlled) {
    for (const { scan } of pre.sites[0]?.scripts ?? []) {
      ctx.info(`${scan.rel}: export controlled — not reconstructed off site; no job was submitted`);
      results.push({ scan: scan.rel, hpc: void 0, status: "not reconstructed (export control)", jobs: [], returned: [] });
    }
    writeSummary2(ctx, input, hpcs, pre.prepared.options, results, void 0);
    setOutputs(ctx, results);
    return results;
  }
  if (input.dryRun) {
    const print = input.print ?? ((t) => {
      ctx.info(t);
    });
    for (const site of pre.sites) {
      for (const { scan, scripts } of site.scripts) {
        for (const s of scripts) {
          print(site.hpc === "nersc" ? `# ---- ${s.kind} of ${scan.rel} at NERSC (Slurm job ${s.name}); sbatch would receive exactly this:
${s.text}` : `# ---- ${s.kind} of ${scan.rel} at ALCF (Globus Compute task ${s.name} on endpoint ${pre.settings.alcf?.endpoint_id ?? ""}); the wrapper ${input.plan.computeFunction?.name ?? ""} would receive exactly this argument:
${s.text}`);
        }
        results.push({ scan: scan.rel, hpc: site.hpc, status: "dry run", jobs: [], returned: [] });
      }
    }
    writeSummary2(ctx, input, hpcs, pre.prepared.options, results, void 0);
    setOutputs(ctx, results);
    return results;
  }
  const warnings = [];
  const cancel = cancelOnSignals();
  const controllers = /* @__PURE__ */ new Map();
  let failure;
  try {
    for (const site of pre.sites) {
      if (site.hpc === "nersc") {
        const sfapiSettings = sfapiSettingsOf(beamline.config);
        const client = await input.services.sfapi();
        warnings.push(...(await nerscPreflight(client, sfapiSettings, ctx)).warnings);
        controllers.set("nersc", pre.prepared.controller("nersc", { client, settings: sfapiSettings, ctx, signal: cancel.signal }));
      } else {
        const run = await connectAlcf(ctx, input, settingsFor(pre.settings, "alcf", beamline.id), cancel.signal);
        controllers.set("alcf", pre.prepared.controller("alcf", run));
      }
    }
    if (pre.sites.some((s) => [...s.hops, ...s.stage ? [s.stage] : []].some((h) => h.from.type === "globus" || h.to.type === "globus"))) await input.services.globus();
    const scicat = await input.services.scicat();
    const scanCount = pre.sites[0]?.scripts.length ?? 0;
    for (let k = 0; k < scanCount; k++) {
      const failed = [];
      for (const site of pre.sites) {
        const scan = site.scripts[k]?.scan;
        const controller = controllers.get(site.hpc);
        if (!scan || !controller) continue;
        const r = { scan: scan.rel, hpc: site.hpc, status: "failed", jobs: [], returned: [] };
        results.push(r);
        try {
          await ctx.group(`recon ${scan.rel} at ${HPC_LABEL[site.hpc]}`, () => reconstructAt(ctx, input, pre.prepared.values, site, controller, scan, r, scicat));
        } catch (err) {
          const e = err instanceof Error ? err : new Error(String(err));
          if (cancel.signal.aborted) throw e;
          failed.push({ hpc: site.hpc, err: e });
        }
      }
      const [first] = failed;
      if (first && failed.length === 1) throw first.err;
      if (first) throw stepError(failed.map((f) => `at ${HPC_LABEL[f.hpc]}: ${f.err.message}`).join("; "), first.err instanceof SplashError ? first.err.hint : void 0);
    }
  } catch (err) {
    failure = err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    cancel.dispose();
    writeSummary2(ctx, input, hpcs, pre.prepared.options, results, warnings, failure);
    setOutputs(ctx, results);
  }
  return results;
}
async function reconstructAt(ctx, input, values, site, controller, scan, r, scicat) {
  const label = `splash ${input.beamline.id} recon`;
  if (site.stage) {
    const report = await site.stage.transfer([scan.rel], { ctx, services: input.services, label });
    ctx.info(`scan ${site.stage.from.name} → ${site.stage.to.name}: ${describeCopies(report.files)}`);
  }
  const recon = await controller.reconstruct(scan, void 0);
  r.jobs.push(recon);
  if (!recon.ok) throw jobFailed(scan, recon);
  if (controller.buildsMultiResolution && controller.buildMultiResolution) {
    const multi = await controller.buildMultiResolution(scan, recon, void 0);
    r.jobs.push(multi);
    if (!multi.ok) throw jobFailed(scan, multi);
  }
  const rels = r.jobs.flatMap((j) => j.results);
  for (const h of site.hops) {
    const report = await h.transfer(rels, { ctx, services: input.services, label });
    r.returned.push({ from: h.from.name, to: h.to.name, files: report.files.length });
    ctx.info(`results ${h.from.name} → ${h.to.name}: ${describeCopies(report.files)}`);
  }
  r.catalogued = await catalogueRecon({
    ctx,
    beamline: input.beamline,
    technique: input.plan.technique,
    hpc: site.hpc,
    scan,
    jobs: r.jobs,
    options: values,
    landed: site.hops.at(-1)?.to,
    readFrom: site.readFrom,
    services: input.services,
    scicat
  });
  if (r.catalogued.kind === "not catalogued") ctx.warn(`${scan.rel}: the reconstruction at ${HPC_LABEL[site.hpc]} was not catalogued in SciCat: ${r.catalogued.why}`);
  r.status = "reconstructed";
}
var describeCopies = (files) => `${String(files.filter((f) => f.status === "copied").length)} file(s) copied, ${String(files.filter((f) => f.status === "identical").length)} already there`;
function jobFailed(scan, j) {
  const tail = j.stderrTail.trim().split("\n").slice(-5).join(" ⏎ ");
  const where = HPC_LABEL[j.hpc];
  return stepError(
    `${j.kind} of ${scan.rel} at ${where} failed: ${j.reason ?? j.state}${tail ? ` — ${j.hpc === "alcf" && j.status === void 0 ? "traceback" : "stderr"}: ${tail}` : ""}`,
    `read ${j.logs.join(" and ")} at ${where}; fix the cause and dispatch the scan again (nothing after the failed job ran, and nothing was catalogued)`
  );
}
function setOutputs(ctx, results) {
  ctx.setOutput("job-ids", JSON.stringify(results.flatMap((r) => r.jobs.map((j) => j.jobId))));
  ctx.setOutput("output-paths", JSON.stringify(results.flatMap((r) => r.jobs.filter((j) => j.ok).flatMap((j) => j.outputs))));
  ctx.setOutput("derived-pids", JSON.stringify(results.flatMap((r) => r.catalogued && "pid" in r.catalogued ? [r.catalogued.pid] : [])));
}
var hhmmss = (d) => d.toISOString().slice(11, 19);
function writeSummary2(ctx, input, hpcs, options, results, warnings, failure) {
  const s = ctx.summary;
  s.heading(`Recon · beamline ${input.beamline.id} (${input.plan.technique} at ${hpcs.map((h) => HPC_LABEL[h]).join(" and ")}${input.dryRun ? ", dry run" : ""})`, 2);
  s.text(`Options: ${options}.`);
  for (const w of warnings ?? []) s.text(`⚠️ ${w}`);
  const rows = results.flatMap(
    (r) => r.jobs.length === 0 ? [[r.scan, r.hpc ? HPC_LABEL[r.hpc] : "", "", "", r.status, "", "", "", ""]] : r.jobs.map((j) => [
      r.scan,
      HPC_LABEL[j.hpc],
      j.kind,
      `${j.jobId}${j.reused ? ` (${j.hpc === "nersc" ? "found from an earlier run" : "the result of an earlier run"})` : ""}`,
      j.ok ? "ok" : `failed: ${j.state}`,
      j.timeline.map((t) => `${t.state} ${hhmmss(t.at)} UTC`).join(" → "),
      `${j.elapsedSeconds === void 0 ? "?" : formatDuration(j.elapsedSeconds)} of ${formatDuration(j.walltimeSeconds)}`,
      j.outputs.join(", "),
      j.centre ?? ""
    ])
  );
  if (rows.length > 0) s.table(["scan", "at", "job", "Slurm job / Compute task", "result", "states", "elapsed / limit", "outputs there", "centre"], rows);
  if (hpcs.includes("alcf") && !input.dryRun && !input.exportControlled) {
    s.text("ALCF: Globus Compute cannot cancel a task. A task the step stopped waiting for runs on until the wrapper's time limit stops the program (and the endpoint's PBS walltime its worker).");
  }
  const back = results.flatMap((r) => r.returned.map((t) => `${r.scan} (${r.hpc ? HPC_LABEL[r.hpc] : ""}): ${t.from} → ${t.to} (${String(t.files)} file(s))`));
  if (back.length > 0) s.list(back);
  const catalogued = results.flatMap((r) => {
    const c = r.catalogued;
    if (!c) return [];
    const at = `${r.scan} (${r.hpc ? HPC_LABEL[r.hpc] : ""})`;
    if (c.kind === "not catalogued") return [`${at}: not catalogued — ${c.why}`];
    const notes = c.warnings.length > 0 ? ` (${c.warnings.join("; ")})` : "";
    return [c.kind === "dry-run" ? `${at}: SciCat dry run — the request bodies are in ${c.file}${notes}` : `${at}: derived dataset ${c.pid} (${c.kind})${notes}`];
  });
  if (catalogued.length > 0) {
    s.text("SciCat:");
    s.list(catalogued);
  }
  for (const r of results) {
    for (const j of r.jobs.filter((x) => !x.ok)) {
      s.text(`**${j.kind} of ${r.scan} at ${HPC_LABEL[j.hpc]} failed:** ${j.reason ?? j.state}`);
      if (j.stderrTail.trim() !== "") s.details(`last lines of ${j.hpc === "alcf" && j.status === void 0 ? "the traceback" : `stderr (${j.logs[1] ?? ""})`}`, codeBlock(j.stderrTail));
    }
  }
  if (failure && !results.some((r) => r.jobs.some((j) => !j.ok))) s.text(`**Stopped:** ${failure.message}`);
}
function reconLink(beamline, plan, exportControlled) {
  return {
    kind: "step",
    name: "recon",
    run: async (ctx, paths, services) => {
      const r = await reconStep(ctx, { beamline, plan, paths, options: "", exportControlled, dryRun: false, services });
      return r.map((x) => `${x.scan}${x.hpc ? ` at ${HPC_LABEL[x.hpc]}` : ""}: ${x.status}${x.jobs.length > 0 ? ` (jobs ${x.jobs.map((j) => j.jobId).join(", ")})` : ""}`).join("; ");
    }
  };
}
function reconLinkOrWhy(beamline, plan, exportControlled) {
  let recon;
  try {
    recon = beamline.settings.recon;
  } catch {
    recon = void 0;
  }
  if (!recon) return unavailable("recon", `${plan.technique} reconstruction needs beamlines."${beamline.id}".recon in config.yml (docs/recon.md)`);
  if (recon.hpc.includes("nersc") && !beamline.config.sfapi) return unavailable("recon", `beamlines."${beamline.id}".recon is set, but config.yml has no sfapi: section (docs/recon.md)`);
  if (recon.hpc.includes("alcf") && beamline.config.globusApps.size === 0) return unavailable("recon", `beamlines."${beamline.id}".recon reconstructs at ALCF, but config.yml has no globus.globus_apps (docs/recon.md)`);
  return reconLink(beamline, plan, exportControlled);
}

// beamlines/bl7012/recon.ts
import { posix as posix3 } from "node:path";

// src/hpc/options.ts
function parseReconOptions(schema, defaults, raw, field) {
  let given = {};
  if (raw.trim() !== "") {
    try {
      given = JSON.parse(raw);
    } catch (err) {
      throw usageError(`${field}: not valid JSON (${err instanceof Error ? err.message : String(err)})`, 'pass a JSON object, e.g. {"centre": 1196.5, "algorithm": "gridrec"}');
    }
    if (given === null || typeof given !== "object" || Array.isArray(given)) throw usageError(`${field}: expected a JSON object, got ${JSON.stringify(given)}`);
  }
  const merged = { ...defaults, ...given };
  const r = schema.safeParse(merged);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => {
    const path = i.path.map(String).join(".");
    const fromDefaults = i.path.length > 0 && !(String(i.path[0]) in given) && String(i.path[0]) in defaults;
    return `${fromDefaults ? "recon.defaults" : field}${path ? `.${path}` : ""}: ${i.message}`;
  });
  throw usageError(lines.join("; "), "see docs/recon.md for the options each beamline takes");
}

// beamlines/bl7012/recon.ts
var Whole = (min) => number({ error: `a whole number >= ${String(min)}` }).int({ error: `a whole number >= ${String(min)}` }).min(min, { error: `a whole number >= ${String(min)}` });
var Num = number({ error: "a number" });
var CdtoolsParams = strictObject({
  run_split_reconstructions: boolean().default(false),
  n_modes: Whole(1).default(1),
  oversampling_factor: Whole(1).default(1),
  propagation_distance: Num.default(0),
  simulate_probe_translation: boolean().default(false),
  n_init_rounds: Whole(0).default(1),
  n_init_iter: Whole(0).default(50),
  n_final_iter: Whole(0).default(100),
  translation_randomization: Num.default(0),
  probe_initialization: string().regex(/^[A-Za-z0-9_.-]+$/, { error: "a word (letters, digits, _ . -)" }).default("None"),
  init_background: boolean().default(false),
  probe_support_radius: Num.default(0)
});
var Options7012 = strictObject({
  program: _enum(["ptychocam", "cdtools"], { error: "ptychocam or cdtools" }).default("ptychocam"),
  /** ptychocam: iterations, refinement periods, illumination mask. */
  n_iter: Whole(1).default(500),
  period_illu_refine: Whole(0).default(0),
  period_bg_refine: Whole(0).default(0),
  use_illu_mask: boolean().default(false),
  cdtools: CdtoolsParams.default(CdtoolsParams.parse({}))
});
var pyStr = (v) => typeof v === "boolean" ? v ? "True" : "False" : String(v);
function ptychoJob(s, scan, o) {
  const file = posix3.basename(scan.rel);
  if (!file.endsWith(".cxi") || file === ".cxi") throw usageError(`${scan.rel}: 7.0.1.2 reconstructs CXI files (<name>.cxi)`, "dispatch the .cxi file of the scan");
  const program = s.programs[o.program];
  if (program === void 0) throw configError(`beamlines.7.0.1.2.recon.nersc.programs: no ${o.program}`, `add ${o.program}: <absolute path of ${o.program}_reconstruction.sh at NERSC>`);
  const stem = file.slice(0, -4);
  const dirRel = posix3.dirname(scan.rel);
  const dir = dirRel === "." ? s.data_root : posix3.join(s.data_root, dirRel);
  const outName = `${stem}_${o.program}.h5`;
  const out = posix3.join(dir, outName);
  const args = o.program === "ptychocam" ? ["-i", String(o.n_iter), ...o.period_illu_refine > 0 ? ["-r", String(o.period_illu_refine)] : [], ...o.period_bg_refine > 0 ? ["-T", String(o.period_bg_refine)] : [], ...o.use_illu_mask ? ["-M"] : [], file] : [file, ...Object.keys(CdtoolsParams.shape).map((k) => pyStr(o.cdtools[k]))];
  const name = jobName("ptycho", stem, { beamline: scan.beamline, rel: scan.rel, options: o, program });
  const script = [
    ...directives({ jobName: name, account: s.account, qos: s.qos, constraint: s.constraint, nodes: s.nodes, gpus: s.gpus, cpusPerTask: s.cpus_per_task, walltimeSeconds: s.walltime_seconds, exclusive: s.exclusive, logDir: s.log_root, singleton: true }),
    ...prologue(s.log_root),
    `# splash-flows: 7.0.1.2 ptychography with ${o.program} (generated; every value is quoted). Options: ${stableJson(o)}`,
    `DIR=${shq(dir)}`,
    `CXI=${shq(file)}`,
    `OUT=${shq(out)}`,
    `status_fields() { printf ',"result_bytes":%s' "$(num "$(stat -c %s -- "$OUT" 2>/dev/null || true)")"; }`,
    "STAGE=stage",
    '[ -f "$DIR/$CXI" ] || fail "the CXI file is not at NERSC where the move put it (recon.nersc.data_root)"',
    'cd -- "$DIR"',
    'rm -f -- "$OUT"',
    "STAGE=reconstruct",
    `${["srun", "--nodes=1", "--ntasks=1", program, ...args].map(shq).join(" ")} &`,
    "pid=$!",
    `wait "$pid" || fail ${shq(`${o.program} exited with an error`)}`,
    "STAGE=check",
    `[ -s "$OUT" ] || fail ${shq(`${o.program} wrote no result file`)}`,
    "STAGE=finished",
    'write_status true "result written"',
    ""
  ].join("\n");
  return {
    kind: "ptychography",
    name,
    script,
    walltimeSeconds: s.walltime_seconds,
    queueAllowanceSeconds: s.queue_allowance_seconds,
    logDir: s.log_root,
    outputs: [out],
    results: [gatePath(dirRel === "." ? outName : `${dirRel}/${outName}`)],
    verify: (st) => typeof st.result_bytes === "number" && st.result_bytes > 0 ? void 0 : "the status file reports no result file",
    software: [program]
  };
}
var recon7012 = reconPlan({
  technique: "ptychography",
  example: "example/example_scan.cxi",
  parseOptions: (defaults, raw, field) => parseReconOptions(Options7012, defaults, raw, field),
  describeOptions: (o) => o.program === "ptychocam" ? `ptychocam, ${String(o.n_iter)} iterations` : `cdtools ${stableJson(o.cdtools)}`,
  nersc: (s) => ({ reconstruct: (scan, o) => ptychoJob(s, scan, o) }),
  /** The result lands next to the CXI file, under the folder the move put it in. */
  resultsRoot: (s) => s.data_root
});

// beamlines/bl7012/dispatcher.ts
function chain7012(beamline, opts) {
  return [
    moveLink(beamline, opts.exportControlled),
    ingestLink(beamline, genericIngestor),
    reconLinkOrWhy(beamline, recon7012, opts.exportControlled)
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
        { endpoint: "spot832", after_days: 1, check: "data832", verify: defaultVerify(e.get("spot832"), e.get("data832")) },
        { endpoint: "data832", after_days: 35, check: "nersc832", verify: defaultVerify(e.get("data832"), e.get("nersc832")) }
      ],
      runner_labels: []
    };
  }
};

// beamlines/bl832/alcf.ts
import { createHash } from "node:crypto";
import { posix as posix5 } from "node:path";

// beamlines/bl832/alcf/recon_wrapper.py
var recon_wrapper_default = `"""splash-flows: one 8.3.2 job (the reconstruction, or the multi-resolution copy) at ALCF, run by Globus Compute.

Registered as source text (strategy "st"): the endpoint exec's this module and calls splash_recon(job) with one
JSON document that says everything the job is (see beamlines/bl832/alcf.ts). Standard library only.

It returns a verdict -- a JSON object, the same document the NERSC jobs write as their status file -- instead of
raising late: ok, the stage that failed and why, the program's return code, the counts it checked, the centre
used, and the tails of the program's output. The original flow never looked at the return code, so a crashed
reconstruction was a "successful" task; here the program's exit status and its outputs are both checked.
A TIFF stack must hold exactly the slices expected: the job's number (a slice range), or for a full scan the
scan's detector rows -- read by the job's probe (the environment's python with h5py, /exchange/data shape[1])
before the program runs -- divided by the binning (beamlines/bl832/slice-count.ts).

Globus Compute cannot cancel a task. The limit is enforced here: the program runs in its own process group
and is stopped (SIGTERM, then SIGKILL) when it passes timeout_seconds; the endpoint's PBS walltime bounds
the worker itself.

A job is identified by its name (a hash of the scan, the options and the programs). The verdict is also
written to <log_dir>/<name>.status.json: a later task for the same job whose outputs are still its own returns
it at once (a re-run after the client lost the result). The outputs of a scan are the same folders whatever the
options, so each run records itself as their owner before it rewrites them: a verdict is reused only while the
outputs (and, for the zarr, the TIFF stack it was built from) are still owned by the run it describes. A lock
per output folder makes a second task that would write the same folders -- the same job, or other options for
the same scan -- wait for the first one instead of writing into them at the same time.
"""
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid

JOB_VERSION = 1
TAIL_LINES = 20
LOCK_GRACE_SECONDS = 600
LOCK_POLL_SECONDS = 5
TIFF_SUFFIXES = (".tif", ".tiff")
PROBE_TIMEOUT_SECONDS = 300


class JobFailed(Exception):
    """An expected failure: becomes the verdict's stage and message."""


def splash_recon(job):
    """Run one job to its verdict (a dict). Raises only for a malformed job document."""
    _check_job(job)
    name = job["name"]
    log_dir = job["log_dir"]
    os.makedirs(log_dir, exist_ok=True)
    status_path = os.path.join(log_dir, name + ".status.json")
    # One lock per set of output folders, not per job: other options write the same folders.
    lock_path = os.path.join(log_dir, "splash_lock_%s.lock" % _key("\\n".join(sorted(job.get("clean") or [name]))))

    earlier = _reusable(job, status_path)
    if earlier is not None:
        return earlier
    other = _lock(job, lock_path, status_path)
    if other is not None:
        return other
    try:
        verdict = _run(job)
        _write_json(status_path, verdict)
        return verdict
    finally:
        try:
            os.unlink(lock_path)
        except FileNotFoundError:
            pass


def _check_job(job):
    if not isinstance(job, dict):
        raise ValueError("the job document must be a JSON object")
    if job.get("version") != JOB_VERSION:
        raise ValueError("job document version %r; this wrapper reads version %d" % (job.get("version"), JOB_VERSION))
    for key in ("name", "kind", "workdir", "log_dir"):
        if not isinstance(job.get(key), str) or job[key] == "":
            raise ValueError("job document: %s must be a non-empty string" % key)
    if not all(c.isalnum() or c in "._-" for c in job["name"]):
        raise ValueError("job document: name may hold letters, digits and . _ - only")
    for key in ("workdir", "log_dir"):
        if not os.path.isabs(job[key]):
            raise ValueError("job document: %s must be an absolute path" % key)
    argv = job.get("argv")
    if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv):
        raise ValueError("job document: argv must be a non-empty list of strings")
    env = job.get("env", {})
    if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
        raise ValueError("job document: env must map strings to strings")
    timeout = job.get("timeout_seconds")
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        raise ValueError("job document: timeout_seconds must be a number > 0")
    check = job.get("check")
    if not isinstance(check, dict) or check.get("kind") not in ("tiff-stack", "zarr"):
        raise ValueError("job document: check.kind must be tiff-stack or zarr")
    if check["kind"] == "tiff-stack":
        _check_expected(check.get("expected"))
    stage = job.get("stage")
    if stage is not None and not (isinstance(stage, dict) and all(isinstance(stage.get(k), str) and os.path.isabs(stage[k]) for k in ("from", "to"))):
        raise ValueError("job document: stage must be null or {from, to} with absolute paths")
    for p in job.get("clean", []):
        if not isinstance(p, str) or not _inside(p, job["workdir"]):
            raise ValueError("job document: clean may only name paths inside workdir, got %r" % (p,))


def _whole(n, least):
    return isinstance(n, int) and not isinstance(n, bool) and n >= least


def _check_expected(expected):
    # Success means the whole stack: a job that does not say how many slices it must write is refused.
    if _whole(expected, 1):
        return
    if isinstance(expected, dict) and set(expected) == {"rows_probe", "binning"} and _whole(expected["binning"], 1):
        probe = expected["rows_probe"]
        if isinstance(probe, list) and probe and all(isinstance(a, str) for a in probe):
            return
    raise ValueError("job document: check.expected must be a whole number > 0 or {rows_probe: [argv...], binning: n >= 1}")


def _expected(job):
    """The slices the reconstruction must write: the job's number, or the scan's detector rows (read by the
    job's probe, /exchange/data shape[1]) divided by the binning, the remainder dropped as tomopy's downsample does."""
    expected = job["check"]["expected"]
    if isinstance(expected, int):
        return expected
    env = dict(os.environ)
    env.update(job.get("env", {}))
    why = "could not read the detector rows (/exchange/data shape[1]) of the scan, so the slices cannot be counted"
    try:
        done = subprocess.run(expected["rows_probe"], cwd=job["workdir"], env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=PROBE_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise JobFailed("%s: the probe took over %d s" % (why, PROBE_TIMEOUT_SECONDS))
    except OSError as e:
        raise JobFailed("%s: cannot start %s: %s" % (why, expected["rows_probe"][0], e.strerror or e))
    err = done.stderr.decode("utf-8", errors="replace").strip().split("\\n")[-1]
    if done.returncode != 0:
        raise JobFailed("%s: the probe exited with code %d: %s" % (why, done.returncode, err))
    out = done.stdout.decode("utf-8", errors="replace").strip().split("\\n")[-1].strip()
    if not out.isdigit() or int(out) < 1:
        raise JobFailed("%s: the probe printed %r, not a number of rows" % (why, out[:40]))
    rows = int(out)
    n = rows // expected["binning"]
    if n < 1:
        raise JobFailed("%d detector rows with binning %d leave no slice to reconstruct" % (rows, expected["binning"]))
    return n


def _inside(path, root):
    path = os.path.normpath(path)
    root = os.path.normpath(root)
    return os.path.isabs(path) and path != root and path.startswith(root.rstrip("/") + "/")


def _key(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _owner_path(job, path):
    """Where the record of the run that last (re)wrote an output folder is."""
    return os.path.join(job["log_dir"], "splash_owner_%s.json" % _key(os.path.normpath(path)))


def _owner(job, path):
    doc = _read_json(_owner_path(job, path))
    return doc.get("run") if doc else None


def _claim(job, run):
    for p in job.get("clean", []):
        _write_json(_owner_path(job, p), {"job": job["name"], "run": run})


def _owns(job, run):
    return all(_owner(job, p) == run for p in job.get("clean", []))


def _input_owner(job):
    """The run that wrote the job's input (the zarr's TIFF stack), as far as it is recorded."""
    check = job["check"]
    return _owner(job, check["tiff_dir"]) if check["kind"] == "zarr" else None


def _now():
    return int(time.time())


def _write_json(path, doc):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f)
    os.replace(tmp, path)


def _read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        return doc if isinstance(doc, dict) else None
    except (OSError, ValueError):
        return None


def _reusable(job, status_path):
    """The verdict of an earlier run of this very job, if it succeeded and its outputs still check out."""
    doc = _read_json(status_path)
    if not doc or doc.get("ok") is not True or doc.get("job") != job["name"]:
        return None
    # Other options for the same scan may have rewritten the folders (or the zarr's TIFF stack) since.
    if not isinstance(doc.get("run"), str) or not _owns(job, doc["run"]) or doc.get("input_run") != _input_owner(job):
        return None
    try:
        fields = _check_outputs(job, _expected(job) if job["check"]["kind"] == "tiff-stack" else None)
    except JobFailed:
        return None
    if any(doc.get(k) != v for k, v in fields.items() if k != "centre"):
        return None
    return dict(doc, reused=True)


def _lock(job, lock_path, status_path):
    """Take the job's lock; if another task holds it, wait for that task and return its verdict when it succeeded."""
    limit = job["timeout_seconds"] + LOCK_GRACE_SECONDS
    poll = job.get("lock_poll_seconds", LOCK_POLL_SECONDS)
    while True:
        try:
            fd = os.open(lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                age = time.time() - os.stat(lock_path).st_mtime
            except FileNotFoundError:
                continue
            if age > limit:
                # A task that died without removing its lock (a lost node): take over.
                try:
                    os.unlink(lock_path)
                except FileNotFoundError:
                    pass
                continue
            time.sleep(poll)
            if not os.path.exists(lock_path):
                done = _reusable(job, status_path)
                if done is not None:
                    return dict(done, waited_for_another_task=True)
            continue
        with os.fdopen(fd, "w") as f:
            json.dump({"host": socket.gethostname(), "pid": os.getpid(), "start": _now()}, f)
        return None


def _tail(path, lines=TAIL_LINES):
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 65536))
            text = f.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    return "\\n".join(text.rstrip().split("\\n")[-lines:])


def _stage(spec):
    src, dst = spec["from"], spec["to"]
    if not os.path.isfile(src):
        raise JobFailed("the scan is not at ALCF where the transfer put it (%s)" % src)
    if os.path.exists(dst) and os.path.samefile(src, dst):
        return
    s = os.stat(src)
    try:
        d = os.stat(dst)
        if d.st_size == s.st_size and int(d.st_mtime) == int(s.st_mtime):
            return
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    partial = dst + ".splash-partial"
    shutil.copy2(src, partial)
    os.replace(partial, dst)


def _clean(paths):
    for p in paths:
        if os.path.islink(p) or os.path.isfile(p):
            os.unlink(p)
        elif os.path.isdir(p):
            shutil.rmtree(p)


def _stop(proc):
    """SIGTERM to the program's process group, SIGKILL after 10 s."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 30)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _execute(job, out_path, err_path):
    """Run the program; returns (returncode, timed_out)."""
    env = dict(os.environ)
    env.update(job.get("env", {}))
    with open(out_path, "w") as out, open(err_path, "w") as err:
        try:
            proc = subprocess.Popen(job["argv"], cwd=job["workdir"], env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True)
        except OSError as e:
            raise JobFailed("cannot start %s: %s" % (job["argv"][0], e.strerror or e))
        try:
            return proc.wait(timeout=job["timeout_seconds"]), False
        except subprocess.TimeoutExpired:
            _stop(proc)
            return proc.returncode, True


def _tiffs(folder):
    return sorted((e for e in os.scandir(folder) if e.is_file(follow_symlinks=False) and e.name.lower().endswith(TIFF_SUFFIXES)), key=lambda e: e.name)


def _check_outputs(job, expected):
    """The outputs as the job's check sees them (expected: the slices a TIFF stack must hold): verdict fields,
    or JobFailed with the reason."""
    check = job["check"]
    if check["kind"] == "tiff-stack":
        folder = check["dir"]
        if not os.path.isdir(folder):
            raise JobFailed("the reconstruction wrote no output folder")
        files = _tiffs(folder)
        empty = sum(1 for e in files if e.stat().st_size == 0)
        fields = {"slices_expected": expected, "slices_written": len(files)}
        if not files:
            raise JobFailed("the reconstruction wrote no slices")
        if empty:
            raise JobFailed("%d slice file(s) are empty" % empty)
        if len(files) != expected:
            raise JobFailed("wrote %d slices, expected %d" % (len(files), expected))
        fields["centre"] = _centre(os.path.join(folder, check.get("centre_file", "center.txt")), check.get("requested_centre", ""))
        return fields
    zarr, tiff_dir = check["dir"], check["tiff_dir"]
    if not os.path.isdir(tiff_dir):
        raise JobFailed("no TIFF stack to convert (the reconstruction output is missing)")
    slices = len(_tiffs(tiff_dir))
    if slices == 0:
        raise JobFailed("the TIFF stack is empty")
    if not (os.path.isfile(os.path.join(zarr, ".zgroup")) and os.path.isfile(os.path.join(zarr, ".zattrs"))):
        raise JobFailed("the zarr has no group metadata (.zgroup, .zattrs)")
    try:
        with open(os.path.join(zarr, ".zattrs"), encoding="utf-8") as f:
            datasets = json.load(f)["multiscales"][0]["datasets"]
        for d in datasets:
            with open(os.path.join(zarr, d["path"], ".zarray"), encoding="utf-8") as f:
                json.load(f)
        level0 = os.path.join(zarr, datasets[0]["path"])
        with open(os.path.join(level0, ".zarray"), encoding="utf-8") as f:
            shape = json.load(f)["shape"]
    except (OSError, ValueError, KeyError, IndexError, TypeError) as e:
        raise JobFailed("the zarr metadata does not describe the TIFF stack (%s: %s)" % (type(e).__name__, e))
    if shape[0] != slices:
        raise JobFailed("level 0 has %d slices, the TIFF stack %d" % (shape[0], slices))
    if not any(not f.startswith(".z") for _, _, fs in os.walk(level0) for f in fs):
        raise JobFailed("level 0 has no data chunks")
    return {"slices": slices, "levels": len(datasets)}


def _centre(path, requested):
    """The centre the program reports in center.txt (digits and a dot only), else the one asked for."""
    try:
        with open(path, "rb") as f:
            text = f.read(64).decode("ascii", errors="replace").strip()
    except OSError:
        return requested
    return text if text and all(c.isdigit() or c == "." for c in text) else requested


def _run(job):
    name = job["name"]
    out_path = os.path.join(job["log_dir"], name + ".out")
    err_path = os.path.join(job["log_dir"], name + ".err")
    start = _now()
    clock = time.monotonic()
    verdict = {
        "ok": False,
        "stage": "stage",
        "message": "",
        "job": name,
        "kind": job["kind"],
        "host": socket.gethostname(),
        "start": start,
        "end": None,
        "elapsed_seconds": None,
        "returncode": None,
        "timeout_seconds": job["timeout_seconds"],
        "reused": False,
        "run": uuid.uuid4().hex,
        "input_run": None,
        "logs": [out_path, err_path],
        "stdout_tail": "",
        "stderr_tail": "",
    }
    try:
        if job.get("stage"):
            _stage(job["stage"])
        expected = None
        if job["check"]["kind"] == "tiff-stack":
            verdict["stage"] = "count"
            expected = _expected(job)
        verdict["stage"] = job["kind"]
        verdict["input_run"] = _input_owner(job)
        _claim(job, verdict["run"])
        _clean(job.get("clean", []))
        returncode, timed_out = _execute(job, out_path, err_path)
        verdict["returncode"] = returncode
        verdict["stdout_tail"] = _tail(out_path)
        verdict["stderr_tail"] = _tail(err_path)
        if timed_out:
            raise JobFailed("the program passed its time limit of %d s and was stopped" % job["timeout_seconds"])
        if returncode < 0:
            raise JobFailed("the program was killed by signal %d" % -returncode)
        if returncode != 0:
            raise JobFailed("the program exited with code %d" % returncode)
        verdict["stage"] = "check"
        verdict.update(_check_outputs(job, expected))
        if not _owns(job, verdict["run"]) or verdict["input_run"] != _input_owner(job):
            raise JobFailed("another task rewrote the outputs (or their input) while this one ran")
        verdict["stage"] = "finished"
        verdict["ok"] = True
        verdict["message"] = ("wrote %d slices" % verdict["slices_written"]) if job["check"]["kind"] == "tiff-stack" else ("zarr with %d levels of %d slices" % (verdict["levels"], verdict["slices"]))
    except JobFailed as e:
        verdict["message"] = str(e)
    except OSError as e:
        verdict["message"] = "%s: %s" % (type(e).__name__, e)
    verdict["end"] = _now()
    verdict["elapsed_seconds"] = round(time.monotonic() - clock, 3)
    return verdict
`;

// beamlines/bl832/nersc.ts
import { posix as posix4 } from "node:path";

// src/hpc/container.ts
function containerArgv(r) {
  const spec = (m) => `${m.host}:${m.container}${m.readOnly ? ":ro" : ""}`;
  if (r.runtime === "podman-hpc") {
    return [
      "podman-hpc",
      "run",
      "--rm",
      ...r.mounts.flatMap((m) => ["--volume", spec(m)]),
      ...Object.entries(r.env).flatMap(([k, v]) => ["--env", `${k}=${v}`]),
      "--workdir",
      r.workdir,
      r.image,
      ...r.command
    ];
  }
  return [
    "shifter",
    // Shifter volumes take no :ro flag [UNVERIFIED for per-volume options]: mounted as they are.
    `--volume=${r.mounts.map((m) => `${m.host}:${m.container}`).join(";")}`,
    ...Object.entries(r.env).map(([k, v]) => `--env=${k}=${v}`),
    `--workdir=${r.workdir}`,
    ...r.command
  ];
}

// beamlines/bl832/slice-count.ts
var ROWS_PROBE = [
  "# splash-flows: detector rows of a Data Exchange scan (/exchange/data shape[1])",
  "import sys, h5py",
  'with h5py.File(sys.argv[1], "r") as f:',
  '    shape = f["/exchange/data"].shape',
  "if len(shape) != 3 or shape[1] < 1:",
  '    sys.exit("/exchange/data has shape %r; expected (angles, rows, columns)" % (shape,))',
  "print(shape[1])"
].join("\n");
var binnedSlices = (rows, binning) => Math.floor(rows / binning);
var rangeSlices = (shares, binning) => shares.reduce((n, [a, b]) => n + binnedSlices(b - a, binning), 0);
function refuseEmpty(expected, slices, binning) {
  if (expected === 0) throw usageError(`slices ${String(slices?.start)}–${String(slices?.end)} with binning ${String(binning)} leave no slice to reconstruct`, "widen the slice range or lower the binning");
}
function sliceCountProblem(st, what) {
  const written2 = typeof st.slices_written === "number" ? st.slices_written : 0;
  if (written2 <= 0) return `${what} reports no slices written`;
  if (typeof st.slices_expected !== "number") return `${what} does not say how many slices were expected`;
  if (st.slices_expected !== written2) return `${what} reports ${String(written2)} slices, ${String(st.slices_expected)} expected`;
  return void 0;
}

// beamlines/bl832/nersc.ts
var RECON_SCRIPT = "sfapi_reconstruction.py";
var MULTIRES_SCRIPT = "tiff_to_zarr.py";
function scanNames(rel) {
  const parts = rel.split("/");
  const file = parts.at(-1) ?? "";
  const folder = parts.at(-2);
  if (!file.endsWith(".h5") || file === ".h5") throw usageError(`${rel}: 8.3.2 reconstructs Data Exchange HDF5 scans (<name>.h5)`, "dispatch the .h5 file of the scan");
  if (folder === void 0) throw usageError(`${rel}: an 8.3.2 scan lives in a proposal folder (<proposal>/<scan>.h5)`, "dispatch the path with its proposal folder");
  return { folder, file, stem: file.slice(0, -3) };
}
var q = (argv) => argv.map(shq).join(" ");
function layout(s, scan) {
  const names = scanNames(scan.rel);
  const scratch = posix4.join(s.scratch_root, "scratch", names.folder);
  return {
    names,
    src: posix4.join(s.data_root, scan.rel),
    rawDir: posix4.join(s.scratch_root, "raw", names.folder),
    raw: posix4.join(s.scratch_root, "raw", names.folder, names.file),
    tiffDir: posix4.join(scratch, `rec${names.stem}`),
    zarr: posix4.join(scratch, `rec${names.stem}.zarr`),
    resultsRel: { tiff: gatePath(`${names.folder}/rec${names.stem}`), zarr: gatePath(`${names.folder}/rec${names.stem}.zarr`) }
  };
}
var resultsRoot832 = (s) => posix4.join(s.scratch_root, "scratch");
function image(s, key) {
  const ref = s.images[key];
  if (ref === void 0) throw configError(`${s.images_from}: no ${key}`, `add ${key}: <image reference> (the original layout's ghcr_images832 has recon_image and multires_image)`);
  return ref;
}
function scriptsRoot(s) {
  if (s.scripts_root === void 0) throw configError("beamlines.8.3.2.recon.nersc.scripts_root is not set", `set it to the folder at NERSC holding ${RECON_SCRIPT} and ${MULTIRES_SCRIPT}`);
  return s.scripts_root;
}
function mounts(s) {
  return [
    { host: scriptsRoot(s), container: "/opt/scripts", readOnly: true },
    { host: s.scratch_root, container: "/alsuser" },
    { host: s.scratch_root, container: "/alsdata" }
  ];
}
function threads(s) {
  if (s.cpus_per_task === void 0) return {};
  const n = String(s.cpus_per_task);
  return { OMP_NUM_THREADS: n, MKL_NUM_THREADS: n, NUMEXPR_NUM_THREADS: n, NUMEXPR_MAX_THREADS: n };
}
function splitRange(start, end, nodes) {
  const size = Math.ceil((end - start) / nodes);
  const out = [];
  for (let a = start; a < end; a += size) out.push([a, Math.min(end, a + size)]);
  return out;
}
var header = (s, name, imageRef) => directives({
  jobName: name,
  account: s.account,
  qos: s.qos,
  constraint: s.constraint,
  nodes: s.nodes,
  ntasksPerNode: 1,
  cpusPerTask: s.cpus_per_task,
  gpus: s.gpus,
  walltimeSeconds: s.walltime_seconds,
  exclusive: s.exclusive,
  logDir: s.log_root,
  image: s.container === "shifter" ? imageRef : void 0,
  singleton: true
});
var reconName = (s, scan, l, o) => jobName("recon", `${l.names.folder}_${l.names.stem}`, { beamline: scan.beamline, rel: scan.rel, options: o, image: image(s, "recon_image") });
function reconJob832(s, scan, o) {
  const l = layout(s, scan);
  const ref = image(s, "recon_image");
  const name = reconName(s, scan, l, o);
  const ranges = o.slices ? splitRange(o.slices.start, o.slices.end, s.nodes) : [void 0];
  const expected = ranges[0] ? rangeSlices(ranges, o.binning) : void 0;
  refuseEmpty(expected, o.slices, o.binning);
  const requested = o.centre === "auto" ? `auto (${o.centre_method})` : String(o.centre);
  const env = { ...threads(s), SPLASH_RECON_OPTIONS: stableJson(o) };
  const container = (command) => containerArgv({ runtime: s.container, image: ref, mounts: mounts(s), env, workdir: "/alsuser", command });
  const count = expected !== void 0 ? [] : [
    "STAGE=count",
    "# a full scan: its slices are the detector rows of the raw file (/exchange/data shape[1]), binned",
    `ROWS=$(${q(container(["python", "-c", ROWS_PROBE, `raw/${l.names.folder}/${l.names.file}`]))} | tail -n 1) || fail "could not read the detector rows (/exchange/data shape[1]) of the scan, so the slices cannot be counted"`,
    "# (the message goes into the status JSON as it is: no quotes, nothing read from outside)",
    'case "$ROWS" in ""|*[!0-9]*) fail "the detector rows of the scan (/exchange/data shape[1]) did not read as a number" ;; esac',
    `EXPECTED=$(( 10#$ROWS / ${String(o.binning)} ))`,
    `[ "$EXPECTED" -gt 0 ] || fail "$ROWS detector rows with binning ${String(o.binning)} leave no slice to reconstruct"`
  ];
  const runs = ranges.flatMap((r) => [
    `${q(["srun", "--nodes=1", "--ntasks=1", ...container(["python", `/opt/scripts/${RECON_SCRIPT}`, l.names.file, l.names.folder, ...r ? [String(r[0]), String(r[1])] : []])])} &`,
    'pids+=("$!")'
  ]);
  const script = [
    ...header(s, name, ref),
    ...prologue(s.log_root),
    `# splash-flows: 8.3.2 tomography reconstruction (generated; every value is quoted). Options: ${stableJson(o).replace(/[^\x20-\x7e]/g, "?")}`,
    `SRC=${shq(l.src)}`,
    `RAW_DIR=${shq(l.rawDir)}`,
    `RAW=${shq(l.raw)}`,
    `OUT=${shq(l.tiffDir)}`,
    `OWNER=${shq(ownerPathOf(s.log_root, l.tiffDir))}`,
    `EXPECTED=${shq(expected === void 0 ? "" : String(expected))}`,
    "WRITTEN=",
    `centre() { local c; c=$(head -c 64 -- "$OUT/center.txt" 2>/dev/null | tr -d '[:space:]' || true); case "$c" in ""|*[!0-9.]*) c=${shq(requested)} ;; esac; printf '"%s"' "$c"; }`,
    `status_fields() { printf ',"slices_expected":%s,"slices_written":%s,"centre":%s' "$(num "$EXPECTED")" "$(num "$WRITTEN")" "$(centre)"; }`,
    "STAGE=stage",
    '[ -f "$SRC" ] || fail "the scan is not at NERSC where the move put it (recon.nersc.data_root)"',
    'mkdir -p -- "$RAW_DIR" "$(dirname -- "$OUT")"',
    "# stage the scan on scratch unless an identical copy (size and mtime) is there",
    `if [ "$(stat -c '%s %Y' -- "$SRC")" != "$(stat -c '%s %Y' -- "$RAW" 2>/dev/null || true)" ]; then`,
    '  cp -p -- "$SRC" "$RAW.splash-partial"',
    '  mv -f -- "$RAW.splash-partial" "$RAW"',
    "fi",
    "# the slices counted below must be this job's",
    ...count,
    'claim "$OWNER"',
    'rm -rf -- "$OUT"',
    "STAGE=reconstruct",
    "pids=()",
    ...runs,
    'for pid in "${pids[@]}"; do wait "$pid" || fail "a reconstruction process exited with an error"; done',
    "STAGE=check",
    '[ -d "$OUT" ] || fail "the reconstruction wrote no output folder"',
    `WRITTEN=$(find "$OUT" -maxdepth 1 -type f \\( -name '*.tif' -o -name '*.tiff' \\) | wc -l)`,
    `EMPTY=$(find "$OUT" -maxdepth 1 -type f \\( -name '*.tif' -o -name '*.tiff' \\) -size 0 | wc -l)`,
    '[ "$WRITTEN" -gt 0 ] || fail "the reconstruction wrote no slices"',
    '[ "$EMPTY" -eq 0 ] || fail "$EMPTY slice file(s) are empty"',
    '[ "$WRITTEN" -eq "$EXPECTED" ] || fail "wrote $WRITTEN slices, expected $EXPECTED"',
    'owned "$OWNER" || fail "another job rewrote the output folder while this one ran"',
    "STAGE=finished",
    'write_status true "wrote $WRITTEN slices"',
    ""
  ].join("\n");
  return {
    kind: "reconstruct",
    name,
    script,
    walltimeSeconds: s.walltime_seconds,
    queueAllowanceSeconds: s.queue_allowance_seconds,
    logDir: s.log_root,
    outputs: [l.tiffDir],
    owners: [ownerPathOf(s.log_root, l.tiffDir)],
    results: [l.resultsRel.tiff],
    verify: (st) => sliceCountProblem(st, "the status file"),
    centreOf: (st) => typeof st.centre === "string" ? st.centre : void 0,
    software: [ref, `${scriptsRoot(s)}/${RECON_SCRIPT}`]
  };
}
function multiresJob832(s, scan, o) {
  const l = layout(s, scan);
  const ref = image(s, "multires_image");
  const name = jobName("multires", `${l.names.folder}_${l.names.stem}`, { beamline: scan.beamline, rel: scan.rel, options: o, image: ref });
  const env = threads(s);
  const run = containerArgv({
    runtime: s.container,
    image: ref,
    mounts: mounts(s),
    env,
    workdir: "/alsuser",
    command: ["python", `/opt/scripts/${MULTIRES_SCRIPT}`, `scratch/${l.names.folder}/rec${l.names.stem}/`, "--raw_file", `raw/${l.names.folder}/${l.names.file}`]
  });
  const script = [
    ...header(s, name, ref),
    ...prologue(s.log_root),
    "# splash-flows: 8.3.2 multi-resolution copy (generated; every value is quoted)",
    `TIFF=${shq(l.tiffDir)}`,
    `ZARR=${shq(l.zarr)}`,
    `OWNER=${shq(ownerPathOf(s.log_root, l.zarr))}`,
    `TIFF_OWNER=${shq(ownerPathOf(s.log_root, l.tiffDir))}`,
    `RECON_JOB=${shq(reconName(s, scan, l, o))}`,
    "# the TIFF stack must be the reconstruction of these options: another run may have rewritten it since",
    'from_recon() { case "$(cat -- "$TIFF_OWNER" 2>/dev/null || true)" in "$RECON_JOB "*) return 0 ;; *) return 1 ;; esac; }',
    "SLICES=",
    "LEVELS=",
    `status_fields() { printf ',"slices":%s,"levels":%s' "$(num "$SLICES")" "$(num "$LEVELS")"; }`,
    "STAGE=stage",
    '[ -d "$TIFF" ] || fail "no TIFF stack to convert (the reconstruction output is missing)"',
    'from_recon || fail "the TIFF stack is not the reconstruction of these options (another run rewrote it)"',
    `SLICES=$(find "$TIFF" -maxdepth 1 -type f \\( -name '*.tif' -o -name '*.tiff' \\) | wc -l)`,
    '[ "$SLICES" -gt 0 ] || fail "the TIFF stack is empty"',
    'claim "$OWNER"',
    'rm -rf -- "$ZARR"',
    "STAGE=multires",
    `${q(["srun", "--nodes=1", "--ntasks=1", ...run])} &`,
    "pid=$!",
    'wait "$pid" || fail "tiff_to_zarr exited with an error"',
    "STAGE=check",
    'if [ ! -f "$ZARR/.zgroup" ] || [ ! -f "$ZARR/.zattrs" ]; then fail "the zarr has no group metadata (.zgroup, .zattrs)"; fi',
    "# read the OME-Zarr metadata back: every level has an array, level 0 holds every slice and data chunks",
    `if ! LEVELS=$(python3 - "$ZARR" "$SLICES" <<'PY'`,
    "import json, os, sys",
    "zarr, slices = sys.argv[1], int(sys.argv[2])",
    'attrs = json.load(open(os.path.join(zarr, ".zattrs")))',
    'datasets = attrs["multiscales"][0]["datasets"]',
    "for d in datasets:",
    '    json.load(open(os.path.join(zarr, d["path"], ".zarray")))',
    'level0 = os.path.join(zarr, datasets[0]["path"])',
    'shape = json.load(open(os.path.join(level0, ".zarray")))["shape"]',
    "if shape[0] != slices:",
    '    sys.exit("level 0 has %d slices, the TIFF stack %d" % (shape[0], slices))',
    'chunks = [f for r, _, fs in os.walk(level0) for f in fs if not f.startswith(".z")]',
    "if not chunks:",
    '    sys.exit("level 0 has no data chunks")',
    "print(len(datasets))",
    "PY",
    '); then LEVELS=; fail "the zarr metadata does not describe the TIFF stack (the error is above)"; fi',
    'owned "$OWNER" || fail "another job rewrote the zarr while this one ran"',
    'from_recon || fail "another run rewrote the TIFF stack while the zarr was built"',
    "STAGE=finished",
    'write_status true "zarr with $LEVELS levels of $SLICES slices"',
    ""
  ].join("\n");
  return {
    kind: "multires",
    name,
    script,
    walltimeSeconds: s.walltime_seconds,
    queueAllowanceSeconds: s.queue_allowance_seconds,
    logDir: s.log_root,
    outputs: [l.zarr],
    owners: [ownerPathOf(s.log_root, l.zarr)],
    results: [l.resultsRel.zarr],
    verify: (st) => typeof st.levels === "number" && st.levels > 0 ? void 0 : "the status file reports no zarr levels",
    software: [ref, `${scriptsRoot(s)}/${MULTIRES_SCRIPT}`]
  };
}

// beamlines/bl832/alcf.ts
var ALCF_RECON_SCRIPT = "globus_reconstruction.py";
var ALCF_MULTIRES_SCRIPT = "tiff_to_zarr.py";
var wrapper832 = {
  name: "splash_recon",
  source: recon_wrapper_default,
  description: "splash-flows 8.3.2: run one reconstruction job with a time limit, check its outputs, return a verdict"
};
var wrapperId = `splash-flows ${wrapper832.name} (recon_wrapper.py sha256:${createHash("sha256").update(recon_wrapper_default).digest("hex").slice(0, 12)})`;
function layout2(s, scan) {
  const { folder, file, stem } = scanNames(scan.rel);
  const scratch = posix5.join(s.scratch_root, "scratch", folder);
  return {
    folder,
    file,
    stem,
    src: posix5.join(s.data_root, scan.rel),
    raw: posix5.join(s.scratch_root, "raw", folder, file),
    tiffDir: posix5.join(scratch, `rec${stem}`),
    zarr: posix5.join(scratch, `rec${stem}.zarr`)
  };
}
var alcfResultsRoot832 = (s) => posix5.join(s.scratch_root, "scratch");
var logsOf = (s, name) => [posix5.join(s.log_root, `${name}.out`), posix5.join(s.log_root, `${name}.err`)];
function alcfReconJob832(s, scan, o) {
  const l = layout2(s, scan);
  const script = posix5.join(s.scripts_root, ALCF_RECON_SCRIPT);
  const name = jobName("recon", `${l.folder}_${l.stem}`, { beamline: scan.beamline, rel: scan.rel, options: o, hpc: "alcf", script, python: s.python });
  const count = o.slices ? binnedSlices(o.slices.end - o.slices.start, o.binning) : void 0;
  refuseEmpty(count, o.slices, o.binning);
  const expected = count ?? { rows_probe: [s.python, "-c", ROWS_PROBE, l.raw], binning: o.binning };
  return {
    kind: "reconstruct",
    name,
    job: {
      version: 1,
      name,
      kind: "reconstruct",
      workdir: s.scratch_root,
      stage: { from: l.src, to: l.raw },
      clean: [l.tiffDir],
      argv: [s.python, script, l.file, l.folder, ...o.slices ? [String(o.slices.start), String(o.slices.end)] : []],
      env: { SPLASH_RECON_OPTIONS: stableJson(o) },
      timeout_seconds: s.walltime_seconds,
      log_dir: s.log_root,
      check: { kind: "tiff-stack", dir: l.tiffDir, expected, centre_file: "center.txt", requested_centre: o.centre === "auto" ? `auto (${o.centre_method})` : String(o.centre) }
    },
    walltimeSeconds: s.walltime_seconds,
    queueAllowanceSeconds: s.queue_allowance_seconds,
    outputs: [l.tiffDir],
    results: [gatePath(`${l.folder}/rec${l.stem}`)],
    logs: logsOf(s, name),
    verify: (st) => sliceCountProblem(st, "the verdict"),
    centreOf: (st) => typeof st.centre === "string" ? st.centre : void 0,
    software: [script, wrapperId]
  };
}
function alcfMultiresJob832(s, scan, o) {
  const l = layout2(s, scan);
  const script = posix5.join(s.scripts_root, ALCF_MULTIRES_SCRIPT);
  const name = jobName("multires", `${l.folder}_${l.stem}`, { beamline: scan.beamline, rel: scan.rel, options: o, hpc: "alcf", script, python: s.python });
  return {
    kind: "multires",
    name,
    job: {
      version: 1,
      name,
      kind: "multires",
      workdir: s.scratch_root,
      stage: null,
      clean: [l.zarr],
      argv: [s.python, script, `scratch/${l.folder}/rec${l.stem}/`, "--raw_file", `raw/${l.folder}/${l.file}`],
      env: {},
      timeout_seconds: s.walltime_seconds,
      log_dir: s.log_root,
      check: { kind: "zarr", dir: l.zarr, tiff_dir: l.tiffDir }
    },
    walltimeSeconds: s.walltime_seconds,
    queueAllowanceSeconds: s.queue_allowance_seconds,
    outputs: [l.zarr],
    results: [gatePath(`${l.folder}/rec${l.stem}.zarr`)],
    logs: logsOf(s, name),
    verify: (st) => typeof st.levels === "number" && st.levels > 0 ? void 0 : "the verdict reports no zarr levels",
    software: [script, wrapperId]
  };
}
var alcfJobs832 = (s) => ({
  reconstruct: (scan, o) => alcfReconJob832(s, scan, o),
  multires: (scan, o) => alcfMultiresJob832(s, scan, o)
});

// beamlines/bl832/recon-options.ts
var Positive = number({ error: "a number > 0" }).positive({ error: "a number > 0" });
var Whole2 = number({ error: "a whole number >= 0" }).int({ error: "a whole number >= 0" }).min(0, { error: "a whole number >= 0" });
var Options832 = strictObject(
  {
    /** Rotation centre in pixels, or "auto" (found by centre_method). */
    centre: union([Positive, literal("auto")], { error: 'a number of pixels > 0, or "auto"' }).default("auto"),
    /** How an automatic centre is found: Vo's method, phase correlation, or Nelder–Mead (recon_setup corFunction). */
    centre_method: _enum(["vo", "pc", "nm"], { error: "vo, pc or nm" }).default("vo"),
    algorithm: _enum(["gridrec", "fbp", "sirt", "mlem", "art"], { error: "gridrec, fbp, sirt, mlem or art" }).default("gridrec"),
    /** Sinogram rows to reconstruct, [start, end): a preview is a small range; absent = the whole scan. */
    slices: strictObject({ start: Whole2, end: Whole2 }, { error: "a mapping {start, end} of whole numbers" }).refine((s) => s.start < s.end, { error: "start < end" }).optional(),
    binning: union([literal(1), literal(2), literal(4), literal(8)], { error: "1, 2, 4 or 8" }).default(1),
    ring_removal: union([boolean(), strictObject({ sigma: Positive.default(3), level: number().int().min(1).default(8) })], { error: "true, false, or {sigma, level}" }).default(true),
    phase_retrieval: union([literal(false), strictObject({ energy_kev: Positive, distance_mm: Positive, alpha: Positive.default(2e-4) })], {
      error: "false, or {energy_kev, distance_mm, alpha}"
    }).default(false)
  },
  { error: (issue) => issue.code === "unrecognized_keys" ? `unknown option(s) ${issue.keys.join(", ")}; options are centre, centre_method, algorithm, slices, binning, ring_removal, phase_retrieval` : void 0 }
);
function describeOptions832(o) {
  const ring = o.ring_removal === false ? "off" : o.ring_removal === true ? "on" : `sigma ${o.ring_removal.sigma}, level ${o.ring_removal.level}`;
  const phase = o.phase_retrieval === false ? "off" : `${o.phase_retrieval.energy_kev} keV, ${o.phase_retrieval.distance_mm} mm, alpha ${o.phase_retrieval.alpha}`;
  return [
    `centre ${o.centre === "auto" ? `auto (${o.centre_method})` : `${o.centre} px`}`,
    `algorithm ${o.algorithm}`,
    `slices ${o.slices ? `${o.slices.start}–${o.slices.end - 1}` : "all"}`,
    `binning ${o.binning}`,
    `ring removal ${ring}`,
    `phase retrieval ${phase}`
  ].join(", ");
}

// beamlines/bl832/recon.ts
var recon832 = reconPlan({
  technique: "tomography",
  example: "raw/BLS-00000_example/example_scan.h5",
  parseOptions: (defaults, raw, field) => parseReconOptions(Options832, defaults, raw, field),
  describeOptions: describeOptions832,
  nersc: (s) => ({
    reconstruct: (scan, o) => reconJob832(s, scan, o),
    multires: (scan, o) => multiresJob832(s, scan, o)
  }),
  resultsRoot: resultsRoot832,
  alcf: { jobs: alcfJobs832, resultsRoot: alcfResultsRoot832, fn: wrapper832 }
});

// beamlines/bl832/dispatcher.ts
function chain832(beamline, opts) {
  return [
    moveLink(beamline, opts.exportControlled),
    ingestLink(beamline, dataExchangeIngestor),
    reconLinkOrWhy(beamline, recon832, opts.exportControlled)
  ];
}

// beamlines/bl7011/config.ts
var Config7011 = class extends BeamlineConfig {
  id = "7.0.1.1";
  title = "COSMIC scattering (XPCS)";
};

// beamlines/bl7011/dispatcher.ts
function chain7011(beamline, opts) {
  return [
    moveLink(beamline, opts.exportControlled),
    ingestLink(beamline, genericIngestor)
  ];
}

// beamlines/bl931/config.ts
var Config931 = class extends BeamlineConfig {
  id = "9.3.1";
  title = "Tender X-ray spectroscopy";
};

// beamlines/bl931/dispatcher.ts
function chain931(beamline, opts) {
  return [
    moveLink(beamline, opts.exportControlled),
    ingestLink(beamline, genericIngestor)
  ];
}

// beamlines/bl531/config.ts
var Config531 = class extends BeamlineConfig {
  id = "5.3.1";
  title = "Scans from compute-dtn";
};

// beamlines/bl531/dispatcher.ts
function chain531(beamline, opts) {
  return [
    moveLink(beamline, opts.exportControlled),
    ingestLink(beamline, genericIngestor)
  ];
}

// beamlines/dichroism/config.ts
var ConfigDichroism = class extends BeamlineConfig {
  id;
  title = "Dichroism (XMCD, XMLD)";
  dispatchShape = "list";
  constructor(config, id) {
    super(config);
    this.id = id;
  }
};

// beamlines/dichroism/dispatcher.ts
function chainDichroism(beamline, opts) {
  return [
    moveLink(beamline, opts.exportControlled),
    ingestLink(beamline, genericIngestor)
  ];
}

// beamlines/index.ts
var known = {
  "8.3.2": (c) => {
    const b = new Config832(c);
    return { config: b, ingestor: dataExchangeIngestor, recon: recon832, chain: (o) => chain832(b, o) };
  },
  "7.3.3": (c) => {
    const b = new Config733(c);
    return { config: b, ingestor: genericIngestor, chain: (o) => chain733(b, o) };
  },
  "7.0.1.2": (c) => {
    const b = new Config7012(c);
    return { config: b, ingestor: genericIngestor, recon: recon7012, chain: (o) => chain7012(b, o) };
  },
  "7.0.1.1": (c) => {
    const b = new Config7011(c);
    return { config: b, ingestor: genericIngestor, chain: (o) => chain7011(b, o) };
  },
  "9.3.1": (c) => {
    const b = new Config931(c);
    return { config: b, ingestor: genericIngestor, chain: (o) => chain931(b, o) };
  },
  "5.3.1": (c) => {
    const b = new Config531(c);
    return { config: b, ingestor: genericIngestor, chain: (o) => chain531(b, o) };
  },
  "4.0.2": (c) => {
    const b = new ConfigDichroism(c, "4.0.2");
    return { config: b, ingestor: genericIngestor, chain: (o) => chainDichroism(b, o) };
  },
  "6.3.1": (c) => {
    const b = new ConfigDichroism(c, "6.3.1");
    return { config: b, ingestor: genericIngestor, chain: (o) => chainDichroism(b, o) };
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
    ...beamline.recon ? { recon: beamline.recon } : {},
    chain: (o) => beamline.chain(o).map((step) => step.name === "ingest" ? ingestLink(beamline.config, ingestor) : step)
  };
}
function openUnconfigured(config, id) {
  const make = known[id];
  if (make) return make(config);
  if (config.beamlines.has(id)) {
    const b = new ConfiguredBeamline(config, id);
    const dispatched = (s) => s.move.length > 0 || s.ingest_read_from !== void 0;
    return {
      config: b,
      ingestor: genericIngestor,
      chain: (o) => dispatched(b.settings) ? [moveLink(b, o.exportControlled), ingestLink(b, genericIngestor)] : [unavailable("move", `beamline ${id} has no move hops in ${config.source}`), unavailable("ingest", `beamline ${id} has no move hops and no ingest.read_from`)]
    };
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

export {
  runChain,
  transferFor,
  moveStep,
  checkSources,
  dataExchangeIngestor,
  sourceFolderOf,
  ingestSource,
  ingestPreflight,
  ingestStep,
  cancelOnSignals,
  reconPreflight,
  reconStep,
  openBeamline,
  configuredBeamlines
};
