#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  cancelOnSignals,
  checkSources,
  configuredBeamlines,
  dataExchangeIngestor,
  ingestPreflight,
  ingestSource,
  ingestStep,
  moveStep,
  openBeamline,
  reconPreflight,
  reconStep,
  runChain,
  sourceFolderOf,
  transferFor
} from "./chunk-OR4MGSNX.js";
import "./chunk-X6V6M5FP.js";
import "./chunk-PPB26NPS.js";
import {
  changedSincePlanned,
  identityKey
} from "./chunk-5LS3ENJB.js";
import "./chunk-H27OFIM4.js";
import "./chunk-UWJMCAUU.js";
import {
  StepReport,
  SummaryBuilder,
  reportDir,
  runOf,
  writeReport
} from "./chunk-6CS6BZN2.js";
import {
  createServices,
  scicatConnection,
  scicatSettingsOf
} from "./chunk-2ATJ5AKA.js";
import {
  describeEndpoint
} from "./chunk-FJRQZ2JG.js";
import {
  MARKER_PREFIX,
  STATE_DIR,
  codeOf,
  identityOf,
  isStateName,
  processAlive,
  removeFolderRecords,
  removeVerificationRecords,
  walkTree
} from "./chunk-D3FNX6KP.js";
import {
  VERSION,
  underRunner
} from "./chunk-XZPXOAPG.js";
import "./chunk-TW65XS63.js";
import {
  shq
} from "./chunk-BZ7FWTMI.js";
import "./chunk-DRKAAUWT.js";
import "./chunk-ZKZFWNJI.js";
import {
  loadConfig,
  pruneRuleProblems,
  pruneRulesError,
  pruneRulesOf
} from "./chunk-TCTI7BQX.js";
import {
  BEAMLINE_ID,
  resolveEnv
} from "./chunk-YSF46SAP.js";
import "./chunk-SJJOETN5.js";
import {
  validateDatablock
} from "./chunk-77DN62NS.js";
import "./chunk-LYSRECY6.js";
import {
  HASH_ALGORITHM,
  createContentHasher,
  hashHandle
} from "./chunk-2647Y4NJ.js";
import {
  listFolder,
  requireRoot,
  waitForTask,
  walkCollection
} from "./chunk-E7X6DG2Z.js";
import {
  describeDone,
  describeProgress,
  formatBytes,
  formatDuration
} from "./chunk-D3JGPBA4.js";
import {
  SweepLocator,
  displayName,
  gatePath,
  isInside,
  joinInside
} from "./chunk-2EMMB7EI.js";
import {
  deleteDocument,
  parseGlobusTime
} from "./chunk-3SCF2YMY.js";
import "./chunk-CM3S2AB6.js";
import {
  GlobusApiError,
  hasGlobusCode,
  isNotFound
} from "./chunk-BKXTPT6A.js";
import "./chunk-Z46AX643.js";
import "./chunk-YQAML7Q2.js";
import {
  SplashError,
  configError,
  describeError,
  pathError,
  stepError,
  usageError
} from "./chunk-4VXUNQHW.js";
import {
  redact,
  registerSecret
} from "./chunk-ZFJJYYNF.js";
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

// src/prune/filesystem.ts
import { existsSync as existsSync2, rmdirSync, unlinkSync as unlinkSync3 } from "node:fs";
import { realpath } from "node:fs/promises";

// src/fs/pinned-folder.ts
import { closeSync, constants, existsSync, openSync, readlinkSync } from "node:fs";
var PROC_FD = existsSync("/proc/self/fd") ? "/proc/self/fd" : void 0;
function pinFolder(abs) {
  if (PROC_FD === void 0) return { entry: (name) => `${abs}/${name}`, close: () => void 0 };
  let fd;
  try {
    fd = openSync(abs, constants.O_RDONLY | constants.O_DIRECTORY);
  } catch {
    return void 0;
  }
  const at = `${PROC_FD}/${String(fd)}`;
  let where;
  try {
    where = readlinkSync(at);
  } catch {
    where = "";
  }
  if (where !== abs) {
    closeSync(fd);
    return void 0;
  }
  return { entry: (name) => `${at}/${name}`, close: () => {
    closeSync(fd);
  } };
}

// src/prune/fs-content.ts
import { closeSync as closeSync2, constants as constants2, fstatSync, openSync as openSync2, readSync } from "node:fs";
import { open } from "node:fs/promises";
async function contentProblem(spec, item) {
  const differs = `content differs at ${spec.checkName} (${HASH_ALGORITHM})`;
  const hash = item.size <= SMALL_FILE ? hashSmall : hashLarge;
  switch (item.proof.kind) {
    case "record":
      return void 0;
    case "source": {
      const mine = await hash(`${spec.root}/${item.rel}`, item.id, "this file");
      if ("problem" in mine) return mine.problem;
      return mine.digest === item.proof.digest ? void 0 : `${differs}, by its verification record`;
    }
    case "both": {
      const [mine, copy] = await Promise.all([
        hash(`${spec.root}/${item.rel}`, item.id, "this file"),
        hash(`${spec.checkRoot}/${item.rel}`, item.copyId, `the copy at ${spec.checkName}`)
      ]);
      if ("problem" in mine) return mine.problem;
      if ("problem" in copy) return copy.problem;
      return mine.digest === copy.digest ? void 0 : differs;
    }
  }
}
var OPEN_FLAGS = constants2.O_RDONLY | constants2.O_NOFOLLOW;
var SMALL_FILE = 8 << 20;
var smallHasher;
var smallBuffer = Buffer.allocUnsafe(64 << 10);
async function hashSmall(path, expected, what) {
  smallHasher ??= await createContentHasher();
  const hasher = smallHasher;
  let fd;
  try {
    fd = openSync2(path, OPEN_FLAGS);
  } catch (err) {
    return { problem: `could not read ${what} to compare checksums (${codeOf(err)})` };
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    const before = identityKey(identityOf(st));
    if (before !== expected) return { problem: `${what} changed since the plan; left for the next run` };
    hasher.init();
    const size = Number(st.size);
    for (let done = 0, n = 1; done < size && n > 0; done += n) {
      n = readSync(fd, smallBuffer, 0, Math.min(smallBuffer.length, size - done), null);
      hasher.update(smallBuffer.subarray(0, n));
    }
    const digest = hasher.digest("hex");
    const after = identityKey(identityOf(fstatSync(fd, { bigint: true })));
    if (after !== before) return { problem: `${what} changed while it was hashed; left for the next run` };
    return { digest };
  } catch (err) {
    return { problem: `could not read ${what} to compare checksums (${codeOf(err)})` };
  } finally {
    closeSync2(fd);
  }
}
async function hashLarge(path, expected, what) {
  let fh;
  try {
    fh = await open(path, OPEN_FLAGS);
  } catch (err) {
    return { problem: `could not read ${what} to compare checksums (${codeOf(err)})` };
  }
  try {
    const before = identityKey(identityOf(await fh.stat({ bigint: true })));
    if (before !== expected) return { problem: `${what} changed since the plan; left for the next run` };
    const { digest } = await hashHandle(fh);
    const after = identityKey(identityOf(await fh.stat({ bigint: true })));
    if (after !== before) return { problem: `${what} changed while it was hashed; left for the next run` };
    return { digest };
  } catch (err) {
    return { problem: `could not read ${what} to compare checksums (${codeOf(err)})` };
  } finally {
    await fh.close();
  }
}

// src/prune/fs-identity.ts
import { randomBytes } from "node:crypto";
import { closeSync as closeSync3, lstatSync, openSync as openSync3, unlinkSync } from "node:fs";
import { basename } from "node:path";
function proveSeparateStorage(endpoint, root, check, checkRoot) {
  const cannot = (what, err) => stepError(
    `prune of ${endpoint}: cannot prove that ${check} (${checkRoot}) is separate storage — ${what} (${codeOf(err)}); nothing was deleted`,
    `the runner needs write access to ${root} and read access to ${checkRoot}`
  );
  const state = `${root}/${STATE_DIR}`;
  try {
    const st = lstatSync(state, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) throw stepError(`${state} is not a folder (a symlink or a file)`);
  } catch (err) {
    throw cannot(`${state} cannot be used`, err);
  }
  const marker = `${root}/${MARKER_PREFIX}${randomBytes(16).toString("hex")}`;
  try {
    closeSync3(openSync3(marker, "wx", 384));
  } catch (err) {
    throw cannot(`the marker ${marker} cannot be created`, err);
  }
  let visible;
  try {
    visible = lstatSync(`${checkRoot}/${basename(marker)}`, { throwIfNoEntry: false }) !== void 0;
  } catch (err) {
    removeMarker(marker);
    throw cannot(`${checkRoot} cannot be read`, err);
  }
  const warning = removeMarker(marker);
  if (visible) {
    throw configError(
      `prune of ${endpoint} is checked against ${check}, but both are the same storage: a marker created under ${endpoint} (${root}) is visible under ${check} (${checkRoot}); nothing was deleted`,
      `${checkRoot} is the pruned folder under another name (an NFS, SMB or overlay mount of it?); a check endpoint must be a separate copy of the data — fix the mount or the prune rule in config.yml`
    );
  }
  return warning;
}
function removeMarker(marker) {
  try {
    unlinkSync(marker);
  } catch (err) {
    return `the storage-identity marker ${marker} could not be removed (${codeOf(err)}); it is harmless (prune, move and the watcher skip it), remove it by hand`;
  }
  return void 0;
}

// src/prune/fs-lock.ts
import { linkSync, lstatSync as lstatSync2, mkdirSync, readFileSync as readFileSync2, renameSync, rmSync, unlinkSync as unlinkSync2, utimesSync, writeFileSync } from "node:fs";
import { randomBytes as randomBytes3 } from "node:crypto";

// src/prune/lock.ts
import { randomBytes as randomBytes2 } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
var HEARTBEAT_MS = 3e4;
var STALE_AFTER_MS = 10 * 6e4;
var bootId = (() => {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() || void 0;
  } catch {
    return void 0;
  }
})();
function thisHost() {
  return hostname().replace(/[^A-Za-z0-9.-]/g, "-").slice(0, 64);
}
function newHolder(purpose) {
  return { host: thisHost(), pid: process.pid, since: (/* @__PURE__ */ new Date()).toISOString(), nonce: randomBytes2(12).toString("hex"), boot: bootId, purpose };
}
function describeHolder(h) {
  return `${h.purpose}: host ${h.host}, pid ${h.pid}, since ${h.since}`;
}
function parseHolder(text) {
  try {
    const h = JSON.parse(text);
    if (typeof h.host !== "string" || typeof h.pid !== "number" || typeof h.since !== "string" || typeof h.nonce !== "string" || typeof h.purpose !== "string") return void 0;
    if (h.boot !== void 0 && typeof h.boot !== "string") return void 0;
    return h;
  } catch {
    return void 0;
  }
}
function staleReason(holder, heartbeatMs, nowMs = Date.now()) {
  if (holder && holder.host === thisHost()) {
    if (holder.boot !== void 0 && bootId !== void 0 && holder.boot !== bootId) return "its host restarted since";
    if (holder.pid === process.pid && holder.boot === bootId) return void 0;
    if (!processAlive(holder.pid)) return `process ${holder.pid} on this host is gone`;
  }
  const quiet = nowMs - heartbeatMs;
  if (quiet > STALE_AFTER_MS) return `no heartbeat for ${Math.round(quiet / 6e4)} min`;
  return void 0;
}
var PruneLocked = class extends SplashError {
  constructor(endpoint, where, holder, forRule) {
    super(
      "step",
      `${forRule}: ${endpoint} is locked by another prune (${holder ? describeHolder(holder) : "holder being written"}; lock ${where}); nothing was deleted by this rule`,
      `two prunes of one endpoint, or of an endpoint and the copy it relies on, never run at once; the next run prunes it. A lock whose holder died is taken over by itself (same host: when its process is gone; another host: after ${STALE_AFTER_MS / 6e4} min without heartbeat)`
    );
  }
};

// src/prune/fs-lock.ts
var NOT_WRITABLE = /* @__PURE__ */ new Set(["EROFS", "EACCES", "EPERM"]);
function stateDir(root) {
  const path = `${root}/${STATE_DIR}`;
  let created = false;
  try {
    mkdirSync(path, { mode: 493 });
    created = true;
  } catch (err) {
    if (codeOf(err) !== "EEXIST") throw err;
  }
  if (!lstatSync2(path).isDirectory()) throw stepError(`${path} is not a folder (a symlink or a file); prune keeps its state there`, `remove ${path}; prune creates it`);
  return { path, created };
}
var FilesystemLock = class _FilesystemLock {
  path;
  holder;
  #lastBeat = Date.now();
  #timer;
  #lost;
  #released = false;
  /** The lock file as published (inode and birth time): a takeover publishes another file at the name. */
  #file;
  constructor(path, holder) {
    this.path = path;
    this.holder = holder;
    this.#file = fileKey(lstatSync2(path, { bigint: true }));
    this.#timer = setInterval(() => {
      this.#beat();
    }, HEARTBEAT_MS);
    this.#timer.unref();
  }
  /** Take the lock of the endpoint at `root` (a real path) for `purpose`. Throws PruneLocked when a live prune holds it. */
  static acquire(root, endpoint, purpose, forRule) {
    const lock = _FilesystemLock.#take(root, endpoint, purpose, forRule, false);
    if (!lock) throw lockError(endpoint, root, new Error("not writable"));
    return lock;
  }
  /** The same, but an endpoint this process cannot write to (a read-only mount) is not locked: undefined. */
  static acquireIfWritable(root, endpoint, purpose, forRule) {
    return _FilesystemLock.#take(root, endpoint, purpose, forRule, true);
  }
  static #take(root, endpoint, purpose, forRule, ifWritable) {
    let dir;
    try {
      dir = stateDir(root).path;
    } catch (err) {
      if (ifWritable && NOT_WRITABLE.has(codeOf(err))) return void 0;
      throw lockError(endpoint, root, err);
    }
    const path = `${dir}/prune.lock`;
    const holder = newHolder(purpose);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        publish(path, holder);
        return new _FilesystemLock(path, holder);
      } catch (err) {
        const code = codeOf(err);
        if (code === "ENOENT") {
          stateDir(root);
          continue;
        }
        if (code !== "EEXIST") {
          if (ifWritable && NOT_WRITABLE.has(code)) return void 0;
          throw lockError(endpoint, root, err);
        }
      }
      const found = readLock(path);
      if (found === void 0) continue;
      let taken = false;
      if (staleReason(found.holder, found.beatMs) !== void 0) {
        try {
          taken = takeOver(path, found.holder);
        } catch (err) {
          throw lockError(endpoint, root, err);
        }
      }
      if (!taken) {
        throw new PruneLocked(endpoint, path, found.holder, forRule);
      }
    }
    throw new PruneLocked(endpoint, path, readLock(path)?.holder, forRule);
  }
  /**
   * Refresh the heartbeat when it is due and make sure the lock is still ours; throws when it was lost. Called
   * before every deletion: between heartbeats, one lstat tells whether the lock file is still the one this
   * holder published. Another prune may take a lock over while its holder runs (a host whose clock runs ahead
   * sees a fresh heartbeat as stale); the holder must stop at once, not at its next heartbeat.
   */
  keep() {
    if (Date.now() - this.#lastBeat >= HEARTBEAT_MS) this.#beat();
    else this.#checkFile();
    if (this.#lost !== void 0) throw stepError(`prune lock ${this.path} was lost (${this.#lost}); stopped before the next deletion`, "another prune may have taken it over as stale; run the prune again");
  }
  #checkFile() {
    if (this.#released || this.#lost !== void 0) return;
    let st;
    try {
      st = lstatSync2(this.path, { bigint: true, throwIfNoEntry: false });
    } catch (err) {
      this.#lost = `it cannot be read (${codeOf(err)})`;
      return;
    }
    if (st === void 0) this.#lost = "the lock file is gone";
    else if (fileKey(st) !== this.#file) this.#lost = "another lock file took its place";
  }
  #beat() {
    if (this.#released || this.#lost !== void 0) return;
    this.#lastBeat = Date.now();
    const found = readLock(this.path);
    if (found?.holder?.nonce !== this.holder.nonce) {
      this.#lost = found ? `now held by pid ${found.holder?.pid ?? "?"} on ${found.holder?.host ?? "?"}` : "the lock file is gone";
      return;
    }
    try {
      const now = /* @__PURE__ */ new Date();
      utimesSync(this.path, now, now);
    } catch (err) {
      this.#lost = `its heartbeat cannot be written (${codeOf(err)})`;
    }
  }
  /** Remove the lock if it is still ours; a warning when it cannot be removed (it then goes stale). */
  release() {
    if (this.#released) return void 0;
    this.#released = true;
    clearInterval(this.#timer);
    try {
      if (readLock(this.path)?.holder?.nonce === this.holder.nonce) unlinkSync2(this.path);
    } catch (err) {
      if (codeOf(err) === "ENOENT") return void 0;
      return `the prune lock ${this.path} could not be removed (${codeOf(err)}); the next prune takes it over once its process is gone (same host) or its heartbeat is ${STALE_AFTER_MS / 6e4} min old`;
    }
    return void 0;
  }
};
var fileKey = (st) => `${String(st.dev)}:${String(st.ino)}:${String(st.birthtimeNs)}`;
function publish(path, holder) {
  const tmp = `${path}.${holder.nonce}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(holder)}
`, { flag: "wx", mode: 420 });
  try {
    linkSync(tmp, path);
  } finally {
    try {
      rmSync(tmp, { force: true });
    } catch {
    }
  }
}
function readLock(path) {
  let beatMs;
  try {
    beatMs = lstatSync2(path).mtimeMs;
  } catch (err) {
    if (codeOf(err) === "ENOENT") return void 0;
    throw err;
  }
  try {
    return { holder: parseHolder(readFileSync2(path, "utf8")), beatMs };
  } catch {
    return { holder: void 0, beatMs };
  }
}
function takeOver(path, stale) {
  const aside = `${path}.stale-${randomBytes3(6).toString("hex")}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if (codeOf(err) === "ENOENT") return true;
    throw err;
  }
  const moved = readLock(aside)?.holder;
  if (stale === void 0 ? moved === void 0 : moved?.nonce === stale.nonce) {
    rmSync(aside, { recursive: true, force: true });
    return true;
  }
  try {
    linkSync(aside, path);
  } catch {
  }
  rmSync(aside, { force: true });
  return false;
}
function lockError(endpoint, root, err) {
  return stepError(`cannot lock ${endpoint} for the prune (${root}/${STATE_DIR}/prune.lock: ${codeOf(err)}); nothing was deleted`, "the runner needs write access to the pruned endpoint");
}

// src/prune/report.ts
function bytesOf(files) {
  let total = 0;
  for (const f of files) total += f.size;
  return total;
}
function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
var days = (n) => plural(n, "day");
var PruneIncomplete = class extends SplashError {
  report;
  constructor(cause, report) {
    super(cause.kind, cause.message, cause.hint);
    this.report = report;
  }
};

// src/prune/filesystem.ts
var DAY_MS = 864e5;
async function pruneFilesystem(endpoint, check, opts) {
  const { root, checkRoot } = await checkPruneRoots(endpoint, check);
  const rule = opts.rule ?? `prune of ${endpoint.name}`;
  try {
    const warning = proveSeparateStorage(endpoint.name, root, check.name, checkRoot);
    if (warning) opts.ctx.warn(warning);
  } catch (err) {
    if (!opts.dryRun || !(err instanceof SplashError) || err.kind !== "step") throw err;
    opts.ctx.warn(`${err.message.replace(/; nothing was deleted$/, "")} (dry run: going on; a real run stops here)`);
  }
  const locks = [];
  if (!opts.dryRun) {
    const wanted = [
      { root, name: endpoint.name, purpose: rule, ifWritable: false },
      { root: checkRoot, name: check.name, purpose: `relied on by the ${rule}`, ifWritable: true }
    ].sort((a, b) => a.root < b.root ? -1 : 1);
    try {
      for (const w of wanted) {
        const lock = w.ifWritable ? FilesystemLock.acquireIfWritable(w.root, w.name, w.purpose, rule) : FilesystemLock.acquire(w.root, w.name, w.purpose, rule);
        if (lock) locks.push(lock);
        else opts.ctx.info(`${w.name} is not writable here: not locked (a prune of it elsewhere is not excluded while this rule runs)`);
      }
    } catch (err) {
      for (const l of locks) l.release();
      throw err;
    }
  }
  try {
    return await sweep(endpoint, check, root, checkRoot, opts, locks);
  } finally {
    for (const l of locks.reverse()) {
      const warning = l.release();
      if (warning) opts.ctx.warn(warning);
    }
  }
}
async function sweep(endpoint, check, root, checkRoot, opts, locks) {
  const cutoffMs = opts.now.getTime() - opts.afterDays * DAY_MS;
  const records = opts.verify === "checksum" && existsSync2(`${checkRoot}/${STATE_DIR}/verified`);
  const spec = { root, checkRoot, checkName: check.name, cutoffMs, verify: opts.verify, records };
  const { planTree } = await import("./sweep-parallel-XT4WB7KT.js");
  const started = performance.now();
  const plan = await planTree(spec);
  const proofs = { record: 0, source: 0, both: 0 };
  for (const c of plan.candidates) proofs[c.proof.kind]++;
  opts.ctx.debug(
    `prune ${endpoint.name}: planned ${plan.files} files in ${Math.round(performance.now() - started)} ms${plan.workers > 0 ? ` with ${plan.workers} worker threads` : ""}: ${plan.candidates.length} candidates (${proofs.record} proven by verification records, ${proofs.source} to hash here, ${proofs.both} to hash on both sides), ${plan.kept.length} young, ${plan.unsafe.length} unsafe`
  );
  const report = {
    endpoint: endpoint.name,
    check: check.name,
    afterDays: opts.afterDays,
    dryRun: opts.dryRun,
    pruned: [],
    kept: plan.kept,
    unsafe: plan.unsafe,
    removedDirs: []
  };
  const locator = new SweepLocator(checkRoot);
  const ownRecords = existsSync2(`${root}/${STATE_DIR}/verified`);
  const deletedRecords = [];
  const touched = /* @__PURE__ */ new Set();
  const folders = new FolderPins(root);
  try {
    const stillLocked = () => {
      try {
        for (const l of locks) l.keep();
      } catch (err) {
        if (err instanceof SplashError) throw new PruneIncomplete(err, report);
        throw err;
      }
    };
    for (const item of plan.candidates) {
      stillLocked();
      const problem = item.proof.kind === "record" ? void 0 : await contentProblem(spec, item);
      if (problem) {
        report.unsafe.push({ rel: item.rel, reason: problem });
        continue;
      }
      if (!opts.dryRun) {
        if (item.proof.kind !== "record") stillLocked();
        const dir = folders.pin(parentOf(item.rel));
        const name = item.rel.slice(item.rel.lastIndexOf("/") + 1);
        const changed = dir ? changedSincePlanned(spec, locator, item, dir.entry(name)) : "its folder changed since the plan (moved, or swapped for a symlink)";
        if (changed !== void 0 || !dir) {
          report.unsafe.push({ rel: item.rel, reason: `${changed ?? ""}; left for the next run` });
          continue;
        }
        try {
          unlinkSync3(dir.entry(name));
        } catch (err) {
          report.unsafe.push({ rel: item.rel, reason: `could not delete (${codeOf(err)}); left for the next run` });
          continue;
        }
        if (ownRecords) deletedRecords.push(item.rel);
        touched.add(parentOf(item.rel));
      }
      report.pruned.push(toPruned(item));
    }
  } finally {
    folders.close();
  }
  if (!opts.dryRun) for (const d of removeEmptiedDirs(root, touched, new Set(plan.youngDirs))) report.removedDirs.push(d);
  if (deletedRecords.length > 0) forgetRecords(root, deletedRecords, new Set(report.removedDirs));
  return report;
}
var FolderPins = class {
  #root;
  #current;
  constructor(root) {
    this.#root = root;
  }
  pin(dirRel) {
    if (this.#current?.rel !== dirRel) {
      this.close();
      this.#current = { rel: dirRel, pinned: pinFolder(dirRel === "" ? this.#root : `${this.#root}/${dirRel}`) };
    }
    return this.#current.pinned;
  }
  close() {
    this.#current?.pinned?.close();
    this.#current = void 0;
  }
};
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
async function checkSeparateFilesystems(endpoint, check) {
  const { root, checkRoot } = await checkPruneRoots(endpoint, check);
  try {
    proveSeparateStorage(endpoint.name, root, check.name, checkRoot);
  } catch (err) {
    if (err instanceof SplashError && err.kind === "config") throw err;
  }
}
var toPruned = (i) => ({ rel: i.rel, size: i.size, mtimeMs: i.mtimeMs });
function forgetRecords(root, rels, removedDirs) {
  try {
    for (const dir of removedDirs) removeFolderRecords(root, dir);
    removeVerificationRecords(root, rels.filter((rel) => !removedDirs.has(parentOf(rel))));
  } catch {
  }
}
function removeEmptiedDirs(root, touched, young) {
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
      if (young.has(rel)) continue;
      const parent = pinFolder(parentOf(rel) === "" ? root : `${root}/${parentOf(rel)}`);
      if (!parent) continue;
      try {
        rmdirSync(parent.entry(rel.slice(rel.lastIndexOf("/") + 1)));
      } catch {
        continue;
      } finally {
        parent.close();
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

// src/prune/globus-guard.ts
import { randomBytes as randomBytes4 } from "node:crypto";
function statePath(e, name) {
  const base = `${e.root_path === "/" ? "" : e.root_path}/${STATE_DIR}`;
  return name === void 0 ? base : `${base}/${name}`;
}
var refused = (err) => err instanceof GlobusApiError && (err.status === 403 || /^ExternalError\.\w+\.PermissionDenied/.test(err.code));
async function namesIn(client, collection, path) {
  const names = /* @__PURE__ */ new Map();
  try {
    for await (const d of client.ls(collection, path, { showHidden: true })) names.set(d.name, d.last_modified);
  } catch (err) {
    if (isNotFound(err)) return void 0;
    throw err;
  }
  return names;
}
async function proveSeparateCollections(client, endpoint, check, cleanup) {
  const cannot = (what, err) => stepError(
    `prune of ${endpoint.name}: cannot prove that ${check.name} is separate storage — ${what} (${err instanceof Error ? err.message.split("\n")[0] ?? "" : String(err)}); nothing was deleted`,
    `the Globus app needs write access to ${statePath(endpoint)} on ${endpoint.uuid} and read access to ${statePath(check)} on ${check.uuid}`
  );
  const name = `identity-${randomBytes4(16).toString("hex")}`;
  try {
    await client.mkdir(endpoint.uuid, statePath(endpoint), { existOk: true });
    await client.mkdir(endpoint.uuid, statePath(endpoint, name));
  } catch (err) {
    throw cannot(`the marker ${statePath(endpoint, name)} cannot be created`, err);
  }
  cleanup.add(endpoint, statePath(endpoint, name));
  let seen;
  try {
    seen = await namesIn(client, check.uuid, statePath(check));
  } catch (err) {
    throw cannot(`${statePath(check)} cannot be listed`, err);
  }
  if (seen?.has(name)) {
    throw configError(
      `prune of ${endpoint.name} is checked against ${check.name}, but both are the same storage: a marker made under ${endpoint.name} (${endpoint.uuid}:${endpoint.root_path}) is listed under ${check.name} (${check.uuid}:${check.root_path}); nothing was deleted`,
      "two collection ids (or paths) over one folder are not two copies; point the rule at the collection the files were moved to"
    );
  }
}
var HOLDER = /^holder~(\w+)~([A-Za-z0-9.-]*)~(\d+)~(\d+)~(\d+)~([0-9a-f]+)~([0-9a-f-]*)$/;
function holderName(role, h, beatMs) {
  return `holder~${role}~${h.host}~${h.pid}~${Date.parse(h.since)}~${beatMs}~${h.nonce}~${h.boot ?? ""}`;
}
function parseHolderName(name) {
  const m = HOLDER.exec(name);
  if (!m) return void 0;
  const [, role = "", host = "", pid = "", since = "", beat = "", nonce = "", boot = ""] = m;
  return {
    holder: { host, pid: Number(pid), since: new Date(Number(since)).toISOString(), nonce, boot: boot || void 0, purpose: role === "relied" ? "relied on by a prune" : "a prune" },
    beatMs: Number(beat)
  };
}
var GlobusLock = class _GlobusLock {
  path;
  #client;
  #endpoint;
  #role;
  #holder;
  #name;
  #lastBeat;
  constructor(client, endpoint, role, holder, beatMs) {
    this.#client = client;
    this.#endpoint = endpoint;
    this.#role = role;
    this.#holder = holder;
    this.path = statePath(endpoint, "prune.lock");
    this.#lastBeat = beatMs;
    this.#name = holderName(role, holder, beatMs);
  }
  /**
   * Lock `endpoint` for a prune: `role` "pruned" or "relied". Throws PruneLocked when a live prune holds
   * it; with `ifWritable`, an endpoint the app may not write to is not locked (undefined).
   */
  static async acquire(client, endpoint, role, forRule, cleanup, ifWritable = false) {
    const lock = new _GlobusLock(client, endpoint, role, newHolder(forRule), Date.now());
    try {
      await client.mkdir(endpoint.uuid, statePath(endpoint), { existOk: true });
    } catch (err) {
      if (ifWritable && refused(err)) return void 0;
      throw lockError2(endpoint, err);
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await client.mkdir(endpoint.uuid, lock.path);
      } catch (err) {
        if (!hasGlobusCode(err, "ExternalError.MkdirFailed.Exists")) {
          if (ifWritable && refused(err)) return void 0;
          throw lockError2(endpoint, err);
        }
        const found = await lock.#read(lock.path);
        if (found === "gone") continue;
        if (staleReason(found.holder, found.beatMs) === void 0 || !await lock.#takeOver(found.name, cleanup)) {
          throw new PruneLocked(endpoint.name, `${endpoint.uuid}:${lock.path}`, found.holder, forRule);
        }
        continue;
      }
      try {
        await client.mkdir(endpoint.uuid, `${lock.path}/${lock.#name}`);
      } catch (err) {
        cleanup.add(endpoint, lock.path);
        throw lockError2(endpoint, err);
      }
      return lock;
    }
    const last = await lock.#read(lock.path);
    throw new PruneLocked(endpoint.name, `${endpoint.uuid}:${lock.path}`, last === "gone" ? void 0 : last.holder, forRule);
  }
  /** Who holds the lock folder at `path`, and its last heartbeat; a folder without a holder counts from its mtime. */
  async #read(path) {
    const inside = await namesIn(this.#client, this.#endpoint.uuid, path);
    if (inside === void 0) return "gone";
    for (const name of inside.keys()) {
      const parsed = parseHolderName(name);
      if (parsed) return { ...parsed, name };
    }
    const st = await this.#client.stat(this.#endpoint.uuid, path).catch(() => void 0);
    return { holder: void 0, beatMs: st ? parseGlobusTime(st.last_modified).getTime() : 0, name: void 0 };
  }
  /** Move a stale lock aside (rename is atomic) and keep it aside only if it is the one judged stale. */
  async #takeOver(staleName, cleanup) {
    const aside = statePath(this.#endpoint, `prune.lock.stale-${randomBytes4(6).toString("hex")}`);
    try {
      await this.#client.rename(this.#endpoint.uuid, this.path, aside);
    } catch (err) {
      if (isNotFound(err)) return true;
      throw lockError2(this.#endpoint, err);
    }
    const moved = await this.#read(aside);
    if (moved !== "gone" && moved.name === staleName) {
      cleanup.add(this.#endpoint, aside);
      return true;
    }
    await this.#client.rename(this.#endpoint.uuid, aside, this.path).catch(() => void 0);
    return false;
  }
  /** Refresh the heartbeat when due (rename of the holder folder); never throws: the owner check is `ensureHeld`. */
  async keep() {
    if (Date.now() - this.#lastBeat < HEARTBEAT_MS) return;
    const beat = Date.now();
    const next = holderName(this.#role, this.#holder, beat);
    try {
      await this.#client.rename(this.#endpoint.uuid, `${this.path}/${this.#name}`, `${this.path}/${next}`);
      this.#name = next;
      this.#lastBeat = beat;
    } catch {
    }
  }
  /** Before a deletion: the lock must still hold our holder folder. */
  async ensureHeld() {
    await this.keep();
    const inside = await namesIn(this.#client, this.#endpoint.uuid, this.path);
    if (!inside?.has(this.#name)) {
      throw stepError(`prune lock ${this.#endpoint.uuid}:${this.path} was lost; stopped before the next deletion`, "another prune may have taken it over as stale; run the prune again");
    }
  }
  /** Move the lock aside (if still ours) for the rule's cleanup task to delete. */
  async release(cleanup) {
    const aside = statePath(this.#endpoint, `prune.lock.released-${this.#holder.nonce}`);
    try {
      await this.#client.rename(this.#endpoint.uuid, this.path, aside);
    } catch {
      return;
    }
    const moved = await this.#read(aside);
    if (moved !== "gone" && moved.name === this.#name) {
      cleanup.add(this.#endpoint, aside);
      return;
    }
    await this.#client.rename(this.#endpoint.uuid, aside, this.path).catch(() => void 0);
  }
};
function lockError2(e, err) {
  return stepError(
    `cannot lock ${e.name} for the prune (${e.uuid}:${statePath(e, "prune.lock")}: ${err instanceof Error ? err.message.split("\n")[0] ?? "" : String(err)}); nothing was deleted`,
    "the Globus app needs write access to the pruned collection"
  );
}
var StateCleanup = class {
  #paths = /* @__PURE__ */ new Map();
  add(endpoint, path) {
    const key = endpoint.uuid.toLowerCase();
    const entry = this.#paths.get(key) ?? { endpoint, paths: [] };
    entry.paths.push(path);
    this.#paths.set(key, entry);
  }
  async run(client, opts) {
    for (const { endpoint, paths } of this.#paths.values()) {
      try {
        const doc = deleteDocument({
          collection: endpoint.uuid,
          paths,
          label: `splash prune state ${endpoint.name}`,
          recursive: true,
          ignoreMissing: true,
          notify: false,
          deadline: new Date(Date.now() + opts.settings.waitTimeoutMinutes * 6e4)
        });
        const { task_id: taskId } = await client.submitDelete(doc);
        opts.ctx.info(`Globus delete task ${taskId}: the prune's marker and lock folders under ${STATE_DIR}/ on ${endpoint.name}`);
        await waitForTask(client, taskId, { ctx: opts.ctx, settings: opts.settings, onGiveUp: "cancel" }, opts.sleep);
      } catch (err) {
        opts.ctx.warn(
          `could not remove the prune's state folders on ${endpoint.name} (${paths.join(", ")}): ${err instanceof Error ? err.message.split("\n")[0] ?? "" : String(err)}; they are harmless (prune, move and the watcher skip ${STATE_DIR}/), remove them by hand`
        );
      }
    }
    this.#paths.clear();
  }
};

// src/prune/globus.ts
var DAY_MS2 = 864e5;
var DELETE_BATCH = 1e4;
async function checkGlobusPruneRoots(endpoint, check, client) {
  if (endpoint.uuid.toLowerCase() === check.uuid.toLowerCase() && (isInside(endpoint.root_path, check.root_path) || isInside(check.root_path, endpoint.root_path))) {
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
  const sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  const rule = opts.rule ?? `prune of ${endpoint.name}`;
  const cleanup = new StateCleanup();
  const locks = [];
  try {
    try {
      await proveSeparateCollections(client, endpoint, check, cleanup);
    } catch (err) {
      if (!opts.dryRun || !(err instanceof SplashError) || err.kind !== "step") throw err;
      ctx.warn(`${err.message.replace(/; nothing was deleted$/, "")} (dry run: going on; a real run stops here)`);
    }
    if (!opts.dryRun) {
      const wanted = [
        { e: endpoint, role: "pruned", ifWritable: false },
        { e: check, role: "relied", ifWritable: true }
      ].sort((a, b) => `${a.e.uuid.toLowerCase()}:${a.e.root_path}` < `${b.e.uuid.toLowerCase()}:${b.e.root_path}` ? -1 : 1);
      for (const w of wanted) {
        const lock = await GlobusLock.acquire(client, w.e, w.role, rule, cleanup, w.ifWritable);
        if (lock) locks.push(lock);
        else ctx.info(`${w.e.name}: the Globus app may not write there, so it is not locked (a prune of it elsewhere is not excluded while this rule runs)`);
      }
    }
    const keep = async () => {
      for (const l of locks) await l.keep();
    };
    const keepingSleep = async (ms) => {
      await sleep(ms);
      await keep();
    };
    return await sweepCollection(endpoint, check, opts, locks, keepingSleep, keep);
  } finally {
    for (const l of locks.reverse()) await l.release(cleanup).catch(() => void 0);
    await cleanup.run(client, { ctx, settings: opts.settings, sleep });
  }
}
async function sweepCollection(endpoint, check, opts, locks, sleep, keep) {
  const { client, ctx } = opts;
  const cutoff = opts.now.getTime() - opts.afterDays * DAY_MS2;
  const report = { endpoint: endpoint.name, check: check.name, afterDays: opts.afterDays, dryRun: opts.dryRun, pruned: [], kept: [], unsafe: [], removedDirs: [] };
  const candidates = [];
  const notState = (rel) => !isStateName(rel.slice(rel.lastIndexOf("/") + 1));
  for await (const e of walkCollection(client, endpoint, "", { descend: notState })) {
    await keep();
    if (!notState(e.rel)) continue;
    if (e.kind === "skipped") report.unsafe.push({ rel: e.rel, reason: e.reason });
    else if (e.mtimeMs > cutoff) report.kept.push({ rel: e.rel, size: e.size, mtimeMs: e.mtimeMs });
    else candidates.push({ rel: e.rel, size: e.size, mtimeMs: e.mtimeMs });
  }
  const verified = [];
  const copies = await lookupCopies(client, check, candidates.map((c) => c.rel), keep);
  for (const item of candidates) {
    const copy = copies.get(item.rel);
    const problem = typeof copy === "string" ? copy : !copy ? `not replicated: no copy at ${check.name}` : copy.link_target ? `copy at ${check.name} is a symlink (not followed)` : copy.type !== "file" ? `copy at ${check.name} is not a regular file` : copy.size !== item.size ? `size differs at ${check.name} (${copy.size} bytes there, ${item.size} here)` : Math.floor(parseGlobusTime(copy.last_modified).getTime() / 1e3) < Math.floor(item.mtimeMs / 1e3) ? `copy at ${check.name} is older than this file (modified after it was copied?)` : void 0;
    if (problem) report.unsafe.push({ rel: item.rel, reason: problem });
    else verified.push(item);
  }
  verified.sort((a, b) => a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0);
  if (opts.dryRun) {
    for (const f of verified) report.pruned.push(f);
    return report;
  }
  const prefix = endpoint.root_path === "/" ? "" : endpoint.root_path;
  try {
    for (let i = 0; i < verified.length; i += DELETE_BATCH) {
      for (const l of locks) await l.ensureHeld();
      const batch = verified.slice(i, i + DELETE_BATCH);
      const doc = deleteDocument({
        collection: endpoint.uuid,
        paths: batch.map((f) => `${prefix}/${f.rel}`),
        label: `splash prune ${endpoint.name} ${batch.length} files`,
        recursive: false,
        ignoreMissing: true,
        notify: false,
        // The service itself stops the task when the step stops waiting for it.
        deadline: new Date(Date.now() + opts.settings.waitTimeoutMinutes * 6e4)
      });
      const { task_id: taskId } = await client.submitDelete(doc);
      ctx.info(`Globus delete task ${taskId}: ${plural(batch.length, "file")} on ${endpoint.name}`);
      await waitForTask(client, taskId, { ctx, settings: opts.settings, onGiveUp: "cancel" }, sleep);
      for (const f of batch) report.pruned.push(f);
    }
  } catch (err) {
    if (err instanceof SplashError) throw new PruneIncomplete(err, report);
    throw err;
  }
  return report;
}
async function lookupCopies(client, check, rels, keep) {
  const byParent = /* @__PURE__ */ new Map();
  for (const rel of rels) {
    const parent = rel.includes("/") ? rel.slice(0, rel.lastIndexOf("/")) : "";
    const list = byParent.get(parent);
    if (list) list.push(rel);
    else byParent.set(parent, [rel]);
  }
  const found = /* @__PURE__ */ new Map();
  for (const [parent, children] of byParent) {
    await keep();
    let listing;
    try {
      listing = await listFolder(client, check, parent);
    } catch (err) {
      if (!(err instanceof GlobusApiError)) throw err;
      const why = hasGlobusCode(err, "ExternalError.DirListingFailed.NotDirectory") ? `not replicated: a parent folder at ${check.name} is a file` : err.status === 403 || hasGlobusCode(err, "ExternalError.DirListingFailed") ? `the folder at ${check.name} cannot be listed (${err.code}), so the copy is not verifiable` : void 0;
      if (why === void 0) throw err;
      for (const rel of children) found.set(rel, why);
      continue;
    }
    for (const rel of children) {
      const d = listing?.get(rel.slice(rel.lastIndexOf("/") + 1));
      if (d) found.set(rel, d);
    }
  }
  return found;
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

// src/hpss/script-common.ts
var MARK = "@@splash";
var HSI_WORD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._,+=@%/:-";
var FRAME = "|";
function toolLines(hsi, htar) {
  return [
    `HSI=${shq(hsi)}`,
    `HTAR=${shq(htar)}`,
    `say() { printf '${MARK} %s\\n' "$*"; }`,
    // hsi re-reads its arguments as a command line: it splits them at spaces and ';' and expands `*`, `?` and `[…]`
    // against HPSS (CONTRACTS.md §4.2), so `rm /a/*` removes all of /a. Every argument of every hsi call is a plain
    // word of the characters isHsiSafe (plan.ts) takes, or the call is refused before hsi sees it.
    `hsi_() { local a; for a in "$@"; do case $a in ''|*[!${HSI_WORD}]*) printf 'hsi: refused the argument %s: hsi would read it as a pattern or split it\\n' "$a" >&2; return 64;; esac; done; "$HSI" -q "$@" </dev/null; }`,
    'htar_() { "$HTAR" "$@" </dev/null; }',
    // A tool's output passed on as data: every line framed, so none can read as a marker line (a member name may
    // hold a line break followed by anything) — awk also ends an unterminated last line.
    `frame() { awk '{ print "${FRAME}" $0 }'; }`
  ];
}
function* markerLines(stdout) {
  for (const line of stdout.split("\n")) {
    if (!line.startsWith(`${MARK} `)) continue;
    const [verb = "", id = "", ...rest] = line.slice(MARK.length + 1).split(" ");
    yield { verb, id, rest: rest.join(" ") };
  }
}
function framed(line) {
  return line.startsWith(FRAME) ? line.slice(FRAME.length) : void 0;
}

// src/hpss/catalog.ts
var CONSISTENCY_FILE = /^\/tmp\/HTAR_CF_CHK_\d+_\d+$/;
function catalogLines(base) {
  return [
    `CDEST=${shq(base)}`,
    `say catalog-begin`,
    'cout=$(hsi_ ls -l -R "$CDEST" 2>&1); crc=$?',
    "say ls-begin",
    `printf '%s\\n' "$cout" | frame`,
    'say ls-end "$crc"',
    'if [ "$crc" -eq 0 ]; then',
    // Every name with its folder ("<dir>:" headers before each block): the last word of each line.
    `  call=$(printf '%s\\n' "$cout" | awk '/^\\/[^ ]*:$/ { d = substr($0, 1, length($0) - 1); next } d != "" && NF > 0 { n = $NF; sub(/.*\\//, "", n); print d "/" n }')`,
    // An index without its archive is listed too (htar reads the index): the archive file is then found missing.
    `  for cn in $(printf '%s\\n' "$call" | sed -n 's,\\.tar\\.idx$,.tar,; /\\.tar$/p' | sort -u); do`,
    '    say tar-begin "$cn"; htar_ -tvf "$cn" 2>&1 | frame; say tar-end "$cn" "${PIPESTATUS[0]}"',
    "  done",
    `  for cn in $(printf '%s\\n' "$call" | sed -n '/\\.tar\\.b2sum$/p'); do`,
    `    cm=$(mktemp "\${TMPDIR:-/tmp}/splash-manifest.XXXXXX") || { say man-end "\${cn%.b2sum}" 99; continue; }`,
    '    say man-begin "${cn%.b2sum}"',
    '    if hsi_ get "$cm" : "$cn" >/dev/null 2>&1; then frame <"$cm"; cr=$?; else cr=$?; fi',
    '    rm -f -- "$cm"; say man-end "${cn%.b2sum}" "$cr"',
    "  done",
    "fi",
    "say catalog-end"
  ];
}
function catalogScript(hsi, htar, dest) {
  return ["set -u -f", ...toolLines(hsi, htar), ...catalogLines(dest)].join("\n") + "\n";
}
var MONTH = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)$/;
function lsEntry(line, dir) {
  const words = line.trim().split(/\s+/);
  if (words.length < 4) return void 0;
  const mode = words[0] ?? "";
  if (!/^[-dlcbps][-rwxsStT]{9}/.test(mode)) return void 0;
  const date = words.findIndex((w, i) => i > 0 && (MONTH.test(w) || /^\d{4}-\d{2}-\d{2}$/.test(w)));
  const size = date > 0 ? words[date - 1] : void 0;
  if (size === void 0 || !/^\d+$/.test(size)) return void 0;
  const name = words.at(-1) ?? "";
  const modified = words.slice(date, -1).join(" ");
  return { dir, name: name.slice(name.lastIndexOf("/") + 1), type: mode.charAt(0), size: Number(size), modified };
}
function memberLine(line) {
  const m = /^HTAR: ([-dlhcbps])[-rwxsStT]{9}\S*\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(.+)$/.exec(line);
  if (!m?.[1] || m[2] === void 0 || m[3] === void 0) return void 0;
  const size = Number(m[2]);
  let name = m[3];
  let link;
  let type = "other";
  if (m[1] === "-") type = "file";
  else if (m[1] === "d") type = "dir";
  else if (m[1] === "h") {
    type = "hardlink";
    const at = name.indexOf(" link to ");
    if (at !== -1) [name, link] = [name.slice(0, at), name.slice(at + 9)];
  } else if (m[1] === "l") {
    type = "symlink";
    const at = name.indexOf(" -> ");
    if (at !== -1) [name, link] = [name.slice(0, at), name.slice(at + 4)];
  }
  return { rel: name.replace(/^(\.\/)+/, ""), stored: name, size, type, link };
}
function archiveNameParts(name, proposal) {
  if (!name.startsWith(`${proposal}_`)) return void 0;
  const m = /^(\d{4})-([12])(?:_part(\d+))?\.tar$/.exec(name.slice(proposal.length + 1));
  if (!m) return void 0;
  return { cycle: { year: Number(m[1]), cycle: m[2] === "1" ? 1 : 2 }, part: m[3] === void 0 ? 0 : Number(m[3]) };
}
function archiveOrder(a, b) {
  if (a.cycle && b.cycle) return compareCycles(a.cycle, b.cycle) || (a.part ?? 0) - (b.part ?? 0);
  if (a.cycle) return -1;
  if (b.cycle) return 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
function parseManifest(lines) {
  const map = /* @__PURE__ */ new Map();
  for (const line of lines) {
    if (line === "") continue;
    const m = /^([0-9a-f]{128}) [ *](.+)$/.exec(line);
    if (!m?.[1] || m[2] === void 0) return { map, problem: `unreadable manifest line ${JSON.stringify(line.slice(0, 100))}` };
    map.set(m[2].replace(/^\.\//, ""), m[1]);
  }
  return { map, problem: "" };
}
var isMissing = (text) => /HPSS_ENOENT|No such file or directory/.test(text);
function parseCatalogTree(stdout, base) {
  const lines = stdout.split("\n");
  const problems = [];
  const begin = lines.indexOf(`${MARK} catalog-begin`);
  const end = lines.indexOf(`${MARK} catalog-end`);
  if (begin === -1 || end < begin) {
    return { base, exists: false, archives: [], singles: [], problems: ["the catalog of the HPSS folder is incomplete (no begin/end marker)"] };
  }
  let lsText = [];
  let lsExit;
  const tars = /* @__PURE__ */ new Map();
  const manifests = /* @__PURE__ */ new Map();
  let into;
  for (const line of lines.slice(begin + 1, end)) {
    if (!line.startsWith(`${MARK} `)) {
      const text = framed(line);
      if (text !== void 0) into?.push(text);
      continue;
    }
    const [verb = "", a = "", b = ""] = line.slice(MARK.length + 1).split(" ");
    if (verb === "ls-begin") into = lsText = [];
    else if (verb === "ls-end") [lsExit, into] = [Number(a), void 0];
    else if (verb === "tar-begin") tars.set(a, { lines: into = [], exit: void 0 });
    else if (verb === "tar-end") {
      const t = tars.get(a);
      if (t) t.exit = Number(b);
      into = void 0;
    } else if (verb === "man-begin") manifests.set(a, { lines: into = [], exit: void 0 });
    else if (verb === "man-end") {
      const m = manifests.get(a) ?? { lines: [], exit: void 0 };
      m.exit = Number(b);
      manifests.set(a, m);
      into = void 0;
    }
  }
  if (lsExit !== 0) {
    const text = lsText.join("\n");
    if (isMissing(text)) return { base, exists: false, archives: [], singles: [], problems: [] };
    return { base, exists: false, archives: [], singles: [], problems: [`hsi ls of ${base} failed (exit ${String(lsExit)}): ${text.trim().split("\n").slice(-2).join(" | ").slice(0, 300)}`] };
  }
  const entries = [];
  let dir;
  for (const line of lsText) {
    const header = /^(\/\S*):$/.exec(line);
    if (header?.[1] !== void 0) {
      dir = header[1];
      continue;
    }
    if (line.trim() === "") continue;
    const e = dir === void 0 ? void 0 : lsEntry(line, dir);
    if (e) entries.push(e);
    else problems.push(`unreadable line in the listing of ${base}: ${JSON.stringify(line.slice(0, 120))}`);
  }
  const files = new Map(entries.filter((e) => e.type === "-").map((e) => [`${e.dir}/${e.name}`, e]));
  const archivePaths = /* @__PURE__ */ new Set();
  for (const [path, e] of files) {
    if (path.endsWith(".tar.idx")) archivePaths.add(path.slice(0, -4));
    else if (path.endsWith(".tar") && (files.has(`${path}.idx`) || archiveNameParts(e.name, e.dir.slice(e.dir.lastIndexOf("/") + 1)))) archivePaths.add(path);
  }
  const archives = [];
  for (const path of archivePaths) {
    const folder = path.slice(0, path.lastIndexOf("/"));
    const name = path.slice(folder.length + 1);
    const file = files.get(path);
    const indexed = files.has(`${path}.idx`);
    const parts = archiveNameParts(name, folder.slice(folder.lastIndexOf("/") + 1));
    let members = [];
    let listingProblem = "";
    if (indexed) {
      const t = tars.get(path);
      if (t === void 0) listingProblem = "its index was not listed";
      else {
        members = t.lines.map(memberLine).filter((m) => m !== void 0 && !CONSISTENCY_FILE.test(m.rel));
        if (t.exit !== 0) listingProblem = `htar -tvf exited ${String(t.exit)}: ${t.lines.filter((l) => l.trim() !== "").slice(-2).join(" | ").slice(0, 300)}`;
        else if (!t.lines.some((l) => /^HTAR: HTAR SUCCESSFUL\s*$/.test(l))) listingProblem = "the listing has no HTAR SUCCESSFUL line";
        else if (t.lines.some((l) => l.trim() !== "" && !l.startsWith("HTAR: "))) listingProblem = `a line of its listing is not htar's (a member name with a line break?): ${JSON.stringify(t.lines.find((l) => l.trim() !== "" && !l.startsWith("HTAR: "))?.slice(0, 80))}`;
      }
    } else listingProblem = "no index: the archive was never completed";
    let manifest;
    let manifestProblem = "";
    if (files.has(`${path}.b2sum`)) {
      const man = manifests.get(path);
      if (man?.exit === 0) {
        const parsed = parseManifest(man.lines);
        manifest = parsed.map;
        manifestProblem = parsed.problem;
      } else manifestProblem = `its checksum manifest could not be read (exit ${String(man?.exit)})`;
    }
    const modified = file?.modified ?? files.get(`${path}.idx`)?.modified ?? "";
    archives.push({ name, path, cycle: parts?.cycle, part: parts?.part, bytes: file?.size, modified, indexed, members, listingProblem, manifest, manifestProblem });
  }
  archives.sort((a, b) => a.path.slice(0, a.path.lastIndexOf("/")) < b.path.slice(0, b.path.lastIndexOf("/")) ? -1 : a.path.slice(0, a.path.lastIndexOf("/")) > b.path.slice(0, b.path.lastIndexOf("/")) ? 1 : archiveOrder(a, b));
  const sidecar = (p) => archivePaths.has(p) || p.endsWith(".idx") && archivePaths.has(p.slice(0, -4)) || p.endsWith(".b2sum") && archivePaths.has(p.slice(0, -6));
  const singles = [...files].filter(([p]) => !sidecar(p) && p.startsWith(`${base}/`)).map(([p, e]) => ({ rel: p.slice(base.length + 1), path: p, size: e.size, modified: e.modified })).sort((a, b) => a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0);
  return { base, exists: true, archives, singles, problems };
}
function parseCatalog(stdout, dest) {
  const tree = parseCatalogTree(stdout, dest);
  const archives = tree.archives.filter((a) => a.path === `${dest}/${a.name}`);
  return { dest, exists: tree.exists, archives, singles: tree.singles, problems: tree.problems };
}
function locations(catalog) {
  const out = /* @__PURE__ */ new Map();
  for (const archive of catalog.archives) {
    if (!archive.indexed || archive.listingProblem !== "") continue;
    for (const member of archive.members) if (member.type !== "dir") out.set(member.rel, { kind: "member", archive, member });
  }
  for (const file of catalog.singles) if (!out.has(file.rel)) out.set(file.rel, { kind: "single", file });
  return out;
}

// src/hpss/host.ts
import { spawn } from "node:child_process";
import { accessSync, constants as constants3 } from "node:fs";
function sshHost(e) {
  return {
    label: hostLabel(e),
    check: () => {
      sshArgs(e);
      return Promise.resolve();
    },
    run: (script, _what, opts) => runOnHost(e, script, opts)
  };
}
var SshFailed = class extends SplashError {
  constructor(message, hint) {
    super("step", message, hint);
  }
};
function hostLabel(e) {
  if (e.sfapi) return `Slurm jobs (qos ${e.sfapi.qos}) through the Superfacility API`;
  if (!e.ssh) return "this runner";
  return `${e.ssh.user === void 0 ? "" : `${e.ssh.user}@`}${e.ssh.host}${e.ssh.port === 22 ? "" : `:${String(e.ssh.port)}`}`;
}
function sshArgs(e) {
  const ssh = e.ssh;
  if (!ssh) return void 0;
  const key = resolveEnv(ssh.key_path, { secret: false, mask: () => void 0 });
  try {
    accessSync(key, constants3.R_OK);
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
  const refused2 = [];
  const deferred = [];
  const byCycle = /* @__PURE__ */ new Map();
  for (const f of [...files].sort(byPath)) {
    const tooBig = f.size > HTAR_MEMBER_LIMIT;
    if (tooBig || !fitsUstar(f.rel)) {
      const why = tooBig ? "larger than the htar member limit (68.7 GB)" : "path too long for a tar header";
      if (isHsiSafe(f.rel)) singles.push({ file: f, why });
      else refused2.push({ rel: f.rel, why: `${why}, and its name has characters hsi cannot take (use letters, digits and . _ , + = @ % -)` });
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
    let part = (opts.partsOnTape?.get(cycleKey(cycle)) ?? -1) + 1;
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
  return { bundles, singles, refused: refused2, deferred, files: files.length, bytes: total };
}

// src/hpss/prune.ts
var HSI_UNSAFE_NAME = "its name on HPSS has characters hsi would read as a pattern or split (only letters, digits and . _ , + = @ % - are passed to hsi rm); remove it by hand if it should go";
var PLAN_MAX_DAYS = 7;
var planLine = (u) => `${u.path} ${u.bytes === void 0 ? "-" : String(u.bytes)}`;
function pruneScript(input) {
  const lines = [
    "set -u -f",
    ...toolLines(input.hsi, input.htar),
    `PLAN=${shq(input.planFile)}`,
    // A copy is a regular file reached without a symbolic link at its end, of the size, with the checksum.
    "copy() {",
    '  if [ -L "$1" ] || [ ! -f "$1" ]; then echo "no copy at $1"; return 1; fi',
    '  local s; s=$(stat -c %s -- "$1") || { echo "cannot stat $1"; return 1; }',
    '  [ "$s" = "$2" ] || { echo "$1 has $s bytes, the archive $2"; return 1; }',
    '  if [ "$3" != - ]; then local h; h=$(b2sum -- "$1" | cut -d" " -f1); [ "$h" = "$3" ] || { echo "$1 has other content (BLAKE2b)"; return 1; }; fi',
    "}",
    // Whether HPSS says a path is not there: by what hsi ls answers, not by its exit code alone.
    'gone() { local out; out=$(hsi_ ls "$1" 2>&1); case $out in *HPSS_ENOENT*|*"No such file or directory"*) return 0 ;; *) return 1 ;; esac; }',
    // In a plan younger than a week: the path with the size the dry run saw ("-": an index whose archive is gone, any size).
    "planned() {",
    `  [ -f "$PLAN" ] && [ -n "$(find "$PLAN" -maxdepth 0 -mtime -${String(PLAN_MAX_DAYS)} 2>/dev/null)" ] &&`,
    `    awk -v p="$1" -v b="$2" 'substr($0, 1, length(p) + 1) == p " " && (b == "-" || substr($0, length(p) + 2) == b) { hit = 1 } END { exit !hit }' "$PLAN"`,
    "}",
    `mkdir -p -- "\${PLAN%/*}" || { echo "cannot write the plan folder \${PLAN%/*}" >&2; exit 8; }`,
    'NEWPLAN=$(mktemp "$PLAN.XXXXXX") || exit 8',
    // What a real run deleted leaves the plan: an archive written again under the same name and size is a new
    // archive, deleted only after a new dry run showed it.
    ...input.dryRun ? [] : ['DONE=$(mktemp "$PLAN.done.XXXXXX") || exit 8']
  ];
  input.units.forEach((u, i) => {
    const id = `u${String(i)}`;
    lines.push(`# ${id}: ${u.path}`, "why=");
    for (const c of u.copies) lines.push(`[ -n "$why" ] || why=$(copy ${shq(c.path)} ${String(c.size)} ${c.checksum ?? "-"})`);
    lines.push(`if [ -n "$why" ]; then say unsafe ${id} "$why"; else`);
    lines.push(`  printf '%s\\n' ${shq(planLine(u))} >>"$NEWPLAN"`);
    if (input.dryRun) lines.push(`  say ok ${id}`);
    else {
      lines.push(
        `  if ! planned ${shq(u.path)} ${u.bytes === void 0 ? "-" : String(u.bytes)}; then say unplanned ${id}`,
        "  else",
        "    rc=0",
        ...u.bytes === void 0 ? [] : [`    hsi_ rm ${shq(u.path)} >/dev/null 2>&1 || rc="hsi rm exit $?"`, `    [ "$rc" != 0 ] || gone ${shq(u.path)} || rc="hsi rm exited 0, but the archive file is still on HPSS"`],
        ...u.sidecars.map((s) => `    [ "$rc" != 0 ] || hsi_ rm ${shq(s)} >/dev/null 2>&1 || rc="hsi rm exit $?"`),
        // A delete that failed half-way stays planned: the next run finishes it (an index without its archive).
        `    if [ "$rc" = 0 ]; then say deleted ${id}; printf '%s\\n' ${shq(u.path)} >>"$DONE"; else say failed ${id} "$rc"; fi`,
        "  fi"
      );
    }
    lines.push("fi");
  });
  if (input.dryRun) lines.push('mv -f -- "$NEWPLAN" "$PLAN"');
  else {
    lines.push(
      // The plan without the deleted paths (paths hold no spaces: hsi-safe), keeping its time: its age still counts from the dry run.
      'if [ -s "$DONE" ] && [ -f "$PLAN" ]; then',
      `  awk 'NR == FNR { d[$0] = 1; next } { p = $0; sub(/ [^ ]*$/, "", p) } !(p in d)' "$DONE" "$PLAN" >"$NEWPLAN" && touch -r "$PLAN" -- "$NEWPLAN" && mv -f -- "$NEWPLAN" "$PLAN"`,
      "fi",
      'rm -f -- "$NEWPLAN" "$DONE"'
    );
  }
  return lines.join("\n") + "\n";
}
function parsePruneOutput(stdout) {
  const out = /* @__PURE__ */ new Map();
  for (const { verb, id, rest } of markerLines(stdout)) {
    if (verb === "ok" || verb === "unsafe" || verb === "deleted" || verb === "unplanned" || verb === "failed") out.set(id, { outcome: verb, why: rest });
  }
  return out;
}
var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
function lsTime(text, now) {
  let m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}))?$/.exec(text.trim());
  if (m) return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0));
  m = /^([A-Z][a-z]{2}) +(\d{1,2}) +(?:(\d{4})|(\d{2}):(\d{2}))$/.exec(text.trim());
  const month = m?.[1] === void 0 ? -1 : MONTHS.indexOf(m[1]);
  if (!m || month === -1) return void 0;
  if (m[3] !== void 0) return Date.UTC(Number(m[3]), month, Number(m[2]));
  const year = now.getUTCFullYear();
  const t = Date.UTC(year, month, Number(m[2]), Number(m[4]), Number(m[5]));
  return t > now.getTime() + 864e5 ? Date.UTC(year - 1, month, Number(m[2]), Number(m[4]), Number(m[5])) : t;
}

// src/hpss/transport.ts
async function tapeHostFor(e, config, services, ctx, signal) {
  if (!e.sfapi) return sshHost(e);
  const sfapi = config.sfapi;
  if (!sfapi) {
    throw configError(
      `${e.name}.sfapi: hsi and htar as Slurm jobs need the Superfacility API, but ${config.source} has no sfapi: section`,
      "add sfapi: { client_id: ${SFAPI_CLIENT_ID}, private_key: ${SFAPI_PRIVATE_KEY} } (docs/recon.md), or reach HPSS with ssh: instead"
    );
  }
  const { slurmHost } = await import("./slurm-host-C2JWK3OM.js");
  return slurmHost({
    settings: e.sfapi,
    client: () => services.sfapi(),
    ctx,
    pollFirstMs: sfapi.pollFirstSeconds * 1e3,
    pollMaxMs: sfapi.pollMaxSeconds * 1e3,
    notFoundGraceMs: sfapi.notFoundGraceSeconds * 1e3,
    signal
  });
}

// src/prune/hpss.ts
var DAY_MS3 = 864e5;
var beamlineFolder = (e, beamline) => joinInside(e.root_path, gatePath(beamline, { field: "beamline" }));
function checkHpssPrune(endpoint, check, verify) {
  if (verify !== "size" && verify !== "hash" && verify !== "checksum") throw configError(`prune of ${endpoint.name}: verify: ${verify} is not available on tape (expected size, or hash: each copy against the archive's BLAKE2b manifest)`);
  if (check.root_path === "/") throw configError(`prune of ${endpoint.name}: check endpoint ${check.name} has root_path /; name the folder that holds the copies`);
}
async function pruneHpss(endpoint, check, verify, where, opts) {
  const { ctx } = opts;
  const hash = verify === "hash" || verify === "checksum";
  const base = beamlineFolder(endpoint, where.beamline);
  const report = { endpoint: endpoint.name, check: check.name, afterDays: opts.afterDays, dryRun: opts.dryRun, pruned: [], kept: [], unsafe: [], removedDirs: [] };
  const host = await tapeHostFor(endpoint, where.config, opts.services, ctx);
  await host.check();
  const listed = await host.run(catalogScript(endpoint.hsi, endpoint.htar, base), "list");
  if (listed.code !== 0) throw stepError(`listing ${base} on ${host.label} failed (exit ${String(listed.code)}): ${lastLines(listed.stderr)}; nothing was deleted`);
  const tree = parseCatalogTree(listed.stdout, base);
  if (tree.problems.length > 0) throw stepError(`cannot tell what is on HPSS in ${base}: ${tree.problems.slice(0, 2).join("; ")}; nothing was deleted`, "run again; if it persists, check the listing with splash hpss ls");
  if (!tree.exists) {
    ctx.info(`${base}: nothing on tape for beamline ${where.beamline}`);
    return report;
  }
  const units = [];
  const unsafe = (rel, reason) => {
    report.unsafe.push({ rel, reason });
  };
  const cutoff = opts.now.getTime() - opts.afterDays * DAY_MS3;
  const relOf = (path) => path.slice(base.length + 1);
  const copyPath = (rel, what) => {
    try {
      return joinInside(check.root_path, gatePath(rel, { field: what }));
    } catch {
      return void 0;
    }
  };
  const consider = (rel, path, bytes, modified, build) => {
    const t = lsTime(modified, opts.now);
    if (t === void 0) {
      unsafe(rel, `its age cannot be read from the HPSS listing (${JSON.stringify(modified)})`);
      return;
    }
    if (t > cutoff) {
      report.kept.push({ rel, size: bytes, mtimeMs: t });
      return;
    }
    const unit = isHsiSafe(path) ? build() : HSI_UNSAFE_NAME;
    if (typeof unit === "string") unsafe(rel, unit);
    else units.push({ unit, rel, bytes, mtimeMs: t });
  };
  for (const a of tree.archives) {
    const rel = relOf(a.path);
    const folder = rel.includes("/") ? rel.slice(0, rel.lastIndexOf("/")) : "";
    if (!a.indexed) {
      unsafe(rel, "no index: an interrupted write (not pruned; the archive step writes it again or it is removed by hand)");
      continue;
    }
    const bytes = a.members.reduce((n, m) => n + m.size, 0);
    consider(rel, a.path, a.bytes ?? bytes, a.modified, () => archiveUnit(a, folder, hash, copyPath));
  }
  for (const f of tree.singles) {
    consider(f.rel, f.path, f.size, f.modified, () => {
      const copy = copyPath(f.rel, "file on tape");
      if (copy === void 0) return "its name cannot be checked at the check endpoint (the path gate refuses it)";
      if (hash) return "stored on its own, without a checksum manifest: verify: hash cannot vouch for its copy";
      return { path: f.path, sidecars: [], bytes: f.size, copies: [{ path: copy, size: f.size, checksum: void 0 }] };
    });
  }
  const indexOnly = tree.archives.filter((a) => a.indexed && a.bytes === void 0);
  for (const a of indexOnly) ctx.info(`${relOf(a.path)}: only its index is on HPSS (an interrupted prune); it goes once its copies verify`);
  const planFile = `${check.root_path === "/" ? "" : check.root_path}/.splash/tape-prune/${endpoint.name}.${where.beamline}.plan`;
  if (units.length > 0) {
    const ran = await host.run(pruneScript({ hsi: endpoint.hsi, htar: endpoint.htar, planFile, units: units.map((u) => u.unit), dryRun: opts.dryRun }), "prune");
    const outcomes = parsePruneOutput(ran.stdout);
    let unplanned = 0;
    const failures = [];
    units.forEach((u, i) => {
      const o = outcomes.get(`u${String(i)}`);
      const pruned = { rel: u.rel, size: u.bytes, mtimeMs: u.mtimeMs };
      if (!o) unsafe(u.rel, `not checked: the script stopped (exit ${String(ran.code)}): ${lastLines(ran.stderr)}`);
      else if (o.outcome === "ok" || o.outcome === "deleted") report.pruned.push(pruned);
      else if (o.outcome === "unplanned") {
        unplanned++;
        unsafe(u.rel, "verified, but no dry run in the last week planned its deletion: run the prune with --dry-run first");
      } else if (o.outcome === "failed") failures.push(`${u.rel}: ${o.why}`);
      else unsafe(u.rel, `the copy does not verify: ${o.why}`);
    });
    if (unplanned > 0) ctx.warn(`${endpoint.name}: ${String(unplanned)} archive(s) verified but not deleted: tape is pruned only after a dry run planned it (splash prune --dry-run, then again within a week)`);
    if (failures.length > 0) throw new PruneIncomplete(stepError(`deleting from HPSS failed for ${String(failures.length)} archive(s): ${failures.slice(0, 3).join("; ")}`, "run the prune again: what was left (an index without its archive) is finished then"), report);
  }
  return report;
}
function archiveUnit(a, folder, hash, copyPath) {
  if (a.listingProblem !== "") return `its listing cannot be read: ${a.listingProblem}`;
  if (a.members.length === 0) return "its listing names no members";
  if (hash && (a.manifest === void 0 || a.manifestProblem !== "")) return a.manifestProblem || "no checksum manifest (an archive of the original system, or written before manifests): verify: hash cannot vouch for its copies";
  const copies = [];
  for (const m of a.members) {
    if (m.type === "dir") continue;
    if (m.type !== "file") return `member ${JSON.stringify(m.rel)} is a ${m.type}: its copy cannot be checked as a file`;
    const path = copyPath(folder === "" ? m.rel : `${folder}/${m.rel}`, `member of ${a.name}`);
    if (path === void 0) return `member ${JSON.stringify(m.rel)} has a name the path gate refuses: its copy cannot be checked`;
    const checksum = hash ? a.manifest?.get(m.rel) : void 0;
    if (hash && checksum === void 0) return `member ${JSON.stringify(m.rel)} is not in the archive's manifest`;
    copies.push({ path, size: m.size, checksum });
  }
  const sidecars = [`${a.path}.idx`, ...a.manifest !== void 0 || a.manifestProblem !== "" ? [`${a.path}.b2sum`] : []];
  return { path: a.path, sidecars, bytes: a.bytes, copies };
}

// src/prune/index.ts
function pruneFor(endpoint, check, verify, where) {
  const refuse = (expected) => configError(`prune of ${endpoint.name}: verify: ${verify} is not available for ${endpoint.type} endpoints (expected ${expected})`, "see docs/config.md, prune rules");
  if (endpoint.type === "hpss" && check.type !== "hpss" && where !== void 0) {
    if (verify === "checksum") throw refuse("size, the default, or hash");
    const checked = check;
    return {
      check: async () => {
        checkHpssPrune(endpoint, checked, verify);
        await Promise.resolve();
      },
      run: (opts) => pruneHpss(endpoint, checked, verify, where, opts)
    };
  }
  if (endpoint.type === "filesystem" && check.type === "filesystem") {
    if (verify === "size") throw refuse("checksum, the default, or hash");
    return { check: async () => {
      await checkSeparateFilesystems(endpoint, check);
    }, run: (opts) => pruneFilesystem(endpoint, check, { ...opts, verify }) };
  }
  if (endpoint.type === "globus" && check.type === "globus") {
    if (verify !== "size") throw refuse("size, the default");
    return {
      check: (services) => checkGlobusPruneRoots(endpoint, check, () => services.globus()),
      run: async (opts) => pruneGlobus(endpoint, check, { ...opts, client: await opts.services.globus(), settings: opts.services.globusSettings })
    };
  }
  throw new SplashError(
    "not-configured",
    `no prune controller for ${describeEndpoint(endpoint)} checked against ${describeEndpoint(check)}: this build prunes filesystem and Globus endpoints each checked against one of its kind, and HPSS checked against a filesystem or Globus endpoint`,
    "an hpss endpoint is pruned against a folder the HPSS host sees (a filesystem or Globus endpoint); other pairs are not built: remove this rule or point it at an endpoint of the same kind"
  );
}

// src/steps/prune.ts
var SUMMARY_LIMIT = 50;
async function pruneStep(ctx, input) {
  const config = input.beamlines[0]?.config;
  if (config) {
    const problems = pruneRuleProblems(pruneRulesOf(config, (input.everyBeamline ?? input.beamlines).map((b) => b.settings)));
    const err = pruneRulesError(problems);
    if (err) throw err;
  }
  const plan = input.beamlines.flatMap(
    (b) => b.settings.prune.map((rule, i) => {
      const endpoint = b.endpoint(rule.endpoint, `beamlines.${b.id}.prune[${i}].endpoint`);
      const check = b.endpoint(rule.check, `beamlines.${b.id}.prune[${i}].check`);
      try {
        return { beamline: b, rule, endpoint, check, run: pruneFor(endpoint, check, rule.verify, { beamline: b.id, config: b.config }), why: "" };
      } catch (err) {
        if (!(err instanceof SplashError) || err.kind !== "not-configured") throw err;
        return { beamline: b, rule, endpoint, check, run: void 0, why: err.message };
      }
    })
  );
  if (plan.length === 0) ctx.warn("no prune rules configured for the chosen beamline(s); nothing to do");
  const unavailable = plan.filter((p) => p.run === void 0);
  for (const u of unavailable) ctx.warn(`prune ${u.endpoint.name} (beamline ${u.beamline.id}): not configured — ${u.why}`);
  for (const p of plan) if (p.run) await p.run.check(input.services);
  const reports = [];
  const locked = [];
  try {
    for (const { beamline, rule, endpoint, check, run } of plan) {
      if (!run) continue;
      const name = `prune of ${endpoint.name} (beamline ${beamline.id})`;
      const title = `prune ${endpoint.name} (beamline ${beamline.id}): older than ${days(rule.after_days)}, checked against ${check.name} by ${rule.verify}${input.dryRun ? " — dry run" : ""}`;
      const report = await ctx.group(title, async () => {
        try {
          const r = await run.run({ afterDays: rule.after_days, now: input.now, dryRun: input.dryRun, ctx, services: input.services, rule: name });
          logReport(ctx, r);
          return r;
        } catch (err) {
          if (err instanceof PruneIncomplete) {
            logReport(ctx, err.report);
            reports.push(err.report);
          }
          if (err instanceof PruneLocked) {
            ctx.error(err.message);
            locked.push([endpoint.name, check.name, err.message]);
            return void 0;
          }
          throw err;
        }
      });
      if (report) reports.push(report);
    }
  } finally {
    writePruneSummary(ctx, input, reports, unavailable.map((u) => [u.endpoint.name, u.check.name, u.why]), locked);
  }
  ctx.setOutput("pruned", reports.reduce((n, r) => n + r.pruned.length, 0));
  ctx.setOutput("kept", reports.reduce((n, r) => n + r.kept.length, 0));
  ctx.setOutput("unsafe", reports.reduce((n, r) => n + r.unsafe.length, 0));
  if (locked.length > 0) {
    throw stepError(
      `${plural(locked.length, "prune rule")} did not run: another prune holds a lock ${locked.length === 1 ? "it needs" : "they need"} (${locked.map(([e]) => e).join(", ")}); the other rules ran`,
      "the next run prunes them; the log names each holder (host, pid, since)"
    );
  }
  if (reports.length === 0 && unavailable.length > 0) {
    throw new SplashError("not-configured", `${unavailable.length === 1 ? "the only prune rule cannot run" : `none of the ${unavailable.length} prune rules can run`}: ${unavailable[0]?.why ?? ""}`);
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
  ctx.info(`${r.endpoint}: ${r.pruned.length} ${verb} (${formatBytes(bytesOf(r.pruned))}), ${r.kept.length} kept (younger than ${days(r.afterDays)}), ${r.unsafe.length} unsafe`);
}
function writePruneSummary(ctx, input, reports, unavailable, locked) {
  const s = ctx.summary;
  s.heading(`Prune${input.dryRun ? " (dry run: nothing was deleted)" : ""}`, 2);
  s.text(`Retention sweep as of ${input.now.toISOString()}. A file is deleted only when its check endpoint holds a verified copy.`);
  s.table(
    ["endpoint", "check", "older than", input.dryRun ? "would prune" : "pruned", "freed", "kept (young)", "unsafe", "folders removed"],
    reports.map((r) => [r.endpoint, r.check, days(r.afterDays), r.pruned.length, formatBytes(bytesOf(r.pruned)), r.kept.length, r.unsafe.length, r.removedDirs.length])
  );
  if (unavailable.length > 0) {
    s.heading(`Not configured (${unavailable.length})`, 3);
    s.table(["endpoint", "check", "why nothing was pruned"], unavailable);
  }
  if (locked.length > 0) {
    s.heading(`Not run: locked by another prune (${locked.length})`, 3);
    s.table(["endpoint", "check", "lock holder"], locked);
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

// src/hpss/script.ts
import { createHash } from "node:crypto";
var EXIT_NO_FOLDER = 3;
var EXIT_NO_DEST = 4;
var EXIT_NO_LISTING = 5;
var EXIT_CANNOT_ENTER = 6;
var BEGIN = "@@splash-begin";
var END = "@@splash-end";
var PROLOGUE = "set -u -f";
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
function inventoryLines(dir) {
  return [
    enter(dir),
    `printf '${BEGIN}\\0'`,
    "find . -mindepth 1 \\( -type f -links +1 -printf 'h\\t%s\\t%T@\\t%D:%i\\t%P\\0' \\) -o \\( -type f -printf 'f\\t%s\\t%T@\\t%P\\0' \\) -o \\( ! -type d -printf 'o\\t%y\\t0\\t%P\\0' \\) || exit",
    `printf '${END}\\0'`
  ];
}
function surveyScript(hsi, htar, source, dest) {
  return [PROLOGUE, ...toolLines(hsi, htar), ...inventoryLines(source), "printf '\\n'", ...catalogLines(dest)].join("\n") + "\n";
}
function afterListing(stdout) {
  const at = stdout.lastIndexOf(`\0${END}\0`);
  return at === -1 ? "" : stdout.slice(at + END.length + 2);
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
    } else if (kind === "h" && rest.length >= 3) {
      const [b = "", key = "", ...name] = rest;
      const seconds = Number(b);
      const rel = name.join("	");
      if (/^\d+$/.test(a) && Number.isFinite(seconds) && /^\d+:\d+$/.test(key) && rel !== "") {
        entries.push({ kind: "file", rel, size: Number(a), mtimeMs: Math.round(seconds * 1e3), type: "f", linkKey: key });
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
function delimiter(prefix, names) {
  const taken = new Set(names);
  const base = `${prefix}_${createHash("sha256").update(names.join("\n")).digest("hex").slice(0, 12)}`;
  let d = base;
  for (let i = 1; taken.has(d); i++) d = `${base}_${String(i)}`;
  return d;
}
function archiveScript(input) {
  const lines = [
    PROLOGUE,
    ...toolLines(input.hsi, input.htar),
    `DEST=${shq(input.dest)}`,
    // Every hsi call is an HPSS session (seconds on the real system): look upwards from the folder for the
    // deepest one that exists (usually its parent), then create the missing levels one by one.
    "ensure_dir() {",
    '  local p="$1" missing=() d',
    // ${a[@]+"${a[@]}"}: an empty array under set -u, also on bash before 4.4.
    '  while [ -n "$p" ] && ! hsi_ ls "$p" >/dev/null 2>&1; do missing=("$p" ${missing[@]+"${missing[@]}"}); p="${p%/*}"; done',
    '  for d in ${missing[@]+"${missing[@]}"}; do hsi_ mkdir "$d" || { say mkdir-failed; return 1; }; done',
    "}",
    'list() { say list-begin "$1"; htar_ -tvf "$2" 2>&1 | frame; say list-end "$1" "${PIPESTATUS[0]}"; }',
    // inode, size, mtime, ctime and name of each file in a list (names hold no tabs: the path gate).
    `stamps() { xargs -d '\\n' -r -a "$1" stat --printf='%i\\t%s\\t%y\\t%z\\t%n\\n' -- 2>&1; }`,
    'lsl() { say list-begin "$1"; hsi_ ls -l "$2" 2>&1 | frame; say list-end "$1" "${PIPESTATUS[0]}"; }',
    enter(input.source),
    `ensure_dir "$DEST" || exit ${String(EXIT_NO_DEST)}`,
    // One listing of the folder tells which archives are complete. If it fails, which ones are is unknown,
    // and writing would overwrite complete archives: stop before anything is written.
    `have=$(hsi_ ls "$DEST" 2>&1) || { echo "cannot list $DEST: $have" >&2; exit ${String(EXIT_NO_LISTING)}; }`,
    // hsi lists in columns like ls; a word whose last path part is the name counts (names are hsi-safe).
    `listed() { printf '%s\\n' "$have" | awk -v n="$1" '{ for (i = 1; i <= NF; i++) { f = $i; sub(/.*\\//, "", f); if (f == n) found = 1 } } END { exit !found }'; }`
  ];
  const crc = input.verifyContent ? " -Hcrc" : "";
  input.bundles.forEach((b, i) => {
    const id = `b${String(i)}`;
    const d = delimiter("SPLASH_MEMBERS", b.members.map((m) => m.rel));
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
      // The checksum manifest is read from the same files while htar reads them (a second reader, in parallel):
      // a restore checks each file against it, a tape prune each copy. Stored only with a complete archive.
      // Each member's inode, size, mtime and ctime before and after: a file written to while htar and b2sum read it
      // leaves an archive that holds neither version (or another one than the manifest), which must not count as complete.
      '    stamps "$l" >"$l.before"',
      '    xargs -d "\\n" -a "$l" b2sum -- >"$l.b2sum" 2>/dev/null & mp=$!',
      `    htar_ -cf "$a"${crc} -L "$l" | frame; rc=\${PIPESTATUS[0]}`,
      '    wait "$mp"; mrc=$?',
      '    stamps "$l" >"$l.after"',
      '    if [ "$rc" = 0 ] && ! cmp -s -- "$l.before" "$l.after"; then',
      `      ch=$(awk 'NR == FNR { b[FNR] = $0; next } $0 != b[FNR]' "$l.before" "$l.after" | cut -f5 | head -n 3 | paste -sd , -)`,
      // Without its index the archive is an interrupted write, never used: the next run archives the files as they are then.
      `      if hsi_ rm "$a.idx" >/dev/null 2>&1; then say failed ${id} "changed while it was archived: $ch (its index was removed, so it counts as an interrupted write: the next run archives its files again)"; else say failed ${id} "changed while it was archived: $ch, and its index could not be removed: remove $a.idx by hand"; fi`,
      "      rc=changed",
      `    elif [ "$rc" = 0 ]; then say written ${id}; else say failed ${id} "htar exit $rc"; fi`,
      '    if [ "$rc" = 0 ]; then',
      `      if [ "$mrc" -eq 0 ] && hsi_ put "$l.b2sum" : "$a.b2sum" >/dev/null 2>&1; then say manifest ${id} ok; else say manifest ${id} "b2sum exit $mrc or hsi put failed"; fi`,
      // The sums come back too: the tape locations in SciCat carry each file's checksum.
      `      say sums-begin ${id}; frame 2>/dev/null <"$l.b2sum"; say sums-end ${id} 0`,
      "    fi",
      '    rm -f -- "$l" "$l.b2sum" "$l.before" "$l.after"',
      "  fi",
      "fi",
      `list ${id} "$a"`,
      ...input.verifyContent ? [`say check-begin ${id}`, 'htar_ -K -Hverify=crc -f "$a" 2>&1 | frame', `say check-end ${id} "\${PIPESTATUS[0]}"`] : []
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
      // Never replaced: cput would overwrite a file HPSS holds when the one on disk is newer — and a file cut short
      // or damaged on disk is newer. One there already is verified as it is (archive.ts): of another size it stays,
      // since it may be the only good copy.
      `  if hsi_ ls "$t" >/dev/null 2>&1; then say present ${id}`,
      // ` : ` separates local from HPSS name; without it hsi reads two files (CONTRACTS.md §4.5).
      `  elif hsi_ cput ${shq(s.file.rel)} : "$t"; then say written ${id}; else say failed ${id} "hsi cput exit $?"; fi`,
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
    if (!r) items.set(id, r = { status: "unknown", reason: "", listing: [], listingExit: void 0, manifest: "", sums: [], check: [], checkExit: void 0 });
    return r;
  };
  let into;
  for (const line of stdout.split("\n")) {
    if (!line.startsWith(`${MARK} `)) {
      const text = framed(line);
      if (text !== void 0) into?.push(text);
      continue;
    }
    const [verb = "", id = "", ...rest] = line.slice(MARK.length + 1).split(" ");
    if (verb === "list-begin") into = item(id).listing;
    else if (verb === "check-begin") into = item(id).check;
    else if (verb === "sums-begin") into = item(id).sums;
    else if (verb === "sums-end") into = void 0;
    else if (verb === "list-end" || verb === "check-end") {
      item(id)[verb === "list-end" ? "listingExit" : "checkExit"] = Number(rest[0]);
      into = void 0;
    } else if (verb === "manifest") item(id).manifest = rest.join(" ");
    else if (verb === "written" || verb === "present" || verb === "failed") {
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
var MONTH2 = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)$/;
function lsSize(listing, name) {
  for (const line of listing) {
    const words = line.trim().split(/\s+/);
    if (words.length < 3 || words.at(-1)?.split("/").at(-1) !== name) continue;
    const date = words.findIndex((w) => MONTH2.test(w) || /^\d{4}-\d{2}-\d{2}$/.test(w));
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
var proposalName = (proposal) => proposal.slice(proposal.lastIndexOf("/") + 1);
function archiveProblems(a) {
  if (!a.indexed) return ["no index: the archive was never completed"];
  if (a.listingProblem !== "") return [a.listingProblem];
  const bytes = a.members.reduce((n, m) => n + m.size, 0);
  if (a.bytes === void 0) return [`${a.name} is not on HPSS (only its index is)`];
  if (a.bytes < bytes) return [`${a.name} has ${String(a.bytes)} bytes on HPSS, less than its ${String(bytes)} bytes of members`];
  return [];
}
function readFiles(result, stdout) {
  const files = [];
  const links = /* @__PURE__ */ new Map();
  for (const entry of parseListing(stdout)) {
    if (entry.kind !== "file") {
      result.ignored.push({ rel: entry.rel, why: entry.type === "l" ? "symbolic link (not followed)" : `not a regular file (find type ${entry.type})` });
      continue;
    }
    try {
      const rel = gatePath(entry.rel, { field: "file" });
      if (entry.linkKey !== void 0) links.set(entry.linkKey, [...links.get(entry.linkKey) ?? [], rel]);
      files.push({ rel, size: entry.size, mtimeMs: entry.mtimeMs });
    } catch (err) {
      result.notArchived.push({ rel: entry.rel, why: err instanceof Error ? err.message : String(err) });
    }
  }
  const refused2 = /* @__PURE__ */ new Set();
  for (const names of links.values()) {
    if (names.length < 2) continue;
    for (const rel of names) {
      refused2.add(rel);
      result.notArchived.push({
        rel,
        why: `hard link: the same data as ${names.filter((n) => n !== rel).map((n) => displayName(n)).join(", ")} (htar would store all but one name as a link of size 0); make them separate files (cp) or remove the extra names, then run again`
      });
    }
  }
  return files.filter((f) => !refused2.has(f.rel));
}
function reconcile(ctx, result, files, catalog) {
  const onTape = /* @__PURE__ */ new Map();
  for (const a of catalog.archives) {
    if (archiveProblems(a).length > 0) continue;
    for (const m of a.members) if (m.type === "file") onTape.set(m.rel, [...onTape.get(m.rel) ?? [], a]);
  }
  const covered = /* @__PURE__ */ new Map();
  const singles = [];
  const uncovered = [];
  for (const f of files) {
    const archives = onTape.get(f.rel) ?? [];
    const same = [...archives].reverse().find((a) => a.members.some((m) => m.rel === f.rel && m.size === f.size));
    if (same) {
      covered.set(same, [...covered.get(same) ?? [], f]);
      continue;
    }
    const single = catalog.singles.find((s) => s.rel === f.rel);
    if (single?.size === f.size) {
      singles.push({ file: f, path: single.path });
      continue;
    }
    const before = archives.at(-1);
    if (before) ctx.warn(`${displayName(`${result.proposal}/${f.rel}`)} changed since it was archived in ${before.name} (${String(before.members.find((m) => m.rel === f.rel)?.size)} bytes there, ${String(f.size)} now): the new version goes into a new archive; both stay on tape`);
    uncovered.push(f);
  }
  return { uncovered, covered, singles };
}
async function archiveProposal(ctx, host, target, proposal, opts) {
  const dest = destinationOf(target, proposal);
  const source = joinInside(target.from.root_path, proposal);
  const result = { proposal, dest, items: [], notArchived: [], ignored: [], plan: void 0, error: "" };
  const where = host.label;
  const { hsi, htar } = target.to;
  const surveyed = await host.run(surveyScript(hsi, htar, source, dest), "survey");
  if (surveyed.code === EXIT_NO_FOLDER) throw pathError(`proposal ${displayName(proposal)}: no folder ${source} on ${where}`, `check the path; it is relative to ${target.from.name} (${target.from.root_path})`);
  if (surveyed.code === EXIT_CANNOT_ENTER) throw stepError(`cannot enter ${source} on ${where}: ${lastLines(surveyed.stderr)}`, "fix the folder's permissions for the HPSS account, then run again");
  if (surveyed.code !== 0) {
    throw stepError(`listing ${source} on ${where} failed (exit ${String(surveyed.code)}): ${lastLines(surveyed.stderr)}`, "fix the permissions or the folder, then run again");
  }
  const files = readFiles(result, surveyed.stdout);
  const name = proposalName(proposal);
  const catalog = parseCatalog(afterListing(surveyed.stdout), dest);
  if (catalog.problems.length > 0) {
    throw stepError(`cannot tell what is on HPSS in ${dest}, so nothing was written: ${catalog.problems.slice(0, 2).join("; ")}`, "run again; if it persists, check HPSS and the listing with splash hpss ls");
  }
  const { uncovered, covered, singles } = reconcile(ctx, result, files, catalog);
  const partsOnTape = /* @__PURE__ */ new Map();
  for (const a of catalog.archives) {
    if (a.cycle && a.indexed) partsOnTape.set(cycleKey(a.cycle), Math.max(partsOnTape.get(cycleKey(a.cycle)) ?? -1, a.part ?? 0));
  }
  const plan = planArchive(uncovered, { proposal: name, timeZone: target.timeZone, bundleMaxBytes: target.bundleMaxBytes, upTo: opts.upTo, partsOnTape });
  result.plan = plan;
  for (const r of plan.refused) result.notArchived.push(r);
  for (const a of catalog.archives) {
    if (!a.indexed) {
      if (!plan.bundles.some((b) => b.name === a.name)) ctx.info(`  ${a.name} on HPSS has no index (an interrupted write): not used`);
      continue;
    }
    const problems = archiveProblems(a);
    result.items.push({
      path: a.path,
      kind: "archive",
      cycle: a.cycle ? cycleKey(a.cycle) : "",
      files: a.members.filter((m) => m.type === "file").length,
      bytes: a.members.reduce((n, m) => n + m.size, 0),
      members: covered.get(a) ?? [],
      status: problems.length > 0 ? "failed" : "already on HPSS",
      problem: problems.length > 0 ? `verification: ${problems.join("; ")}` : "",
      checksums: a.manifest !== void 0 && a.manifestProblem === "",
      sums: a.manifestProblem === "" ? a.manifest : void 0
    });
  }
  for (const s of singles) result.items.push({ path: s.path, kind: "single", cycle: "", files: 1, bytes: s.file.size, members: [s.file], status: "already on HPSS", problem: "", checksums: false });
  const firstNew = result.items.length;
  for (const b of plan.bundles) result.items.push({ path: `${dest}/${b.name}`, kind: "archive", cycle: cycleKey(b.cycle), files: b.members.length, bytes: b.bytes, members: b.members, status: "planned", problem: "", checksums: false });
  for (const s of plan.singles) result.items.push({ path: `${dest}/${s.file.rel}`, kind: "single", cycle: "", files: 1, bytes: s.file.size, members: [s.file], status: "planned", problem: "", checksums: false });
  const onTape = files.length - uncovered.length;
  ctx.info(
    `${displayName(proposal)}: ${String(files.length)} file(s), ${formatBytes(files.reduce((n, f) => n + f.size, 0))}` + (onTape > 0 ? `, ${String(onTape)} already on HPSS in ${String(covered.size + singles.length)} archive(s) and file(s)` : "") + ` → ${String(plan.bundles.length)} new htar archive(s)` + (plan.singles.length > 0 ? ` + ${String(plan.singles.length)} single file(s)` : "") + ` in ${dest}`
  );
  for (const s of plan.singles) ctx.info(`  on its own: ${displayName(s.file.rel)} (${s.why})`);
  if (plan.deferred.length > 0) {
    ctx.info(`  ${String(plan.deferred.length)} file(s) of a beam cycle after ${cycleKey(opts.upTo)} wait for a run after that cycle ends`);
  }
  for (const n of result.ignored) ctx.info(`  ignored: ${displayName(n.rel)}: ${n.why}`);
  for (const n of result.notArchived) ctx.warn(`not archived: ${displayName(`${proposal}/${n.rel}`)}: ${n.why}`);
  const fresh = result.items.slice(firstNew);
  if (opts.dryRun || fresh.length === 0) {
    logItems(ctx, result.items.slice(0, firstNew));
    return result;
  }
  const script = archiveScript({ hsi, htar, source, dest, bundles: plan.bundles, singles: plan.singles, verifyContent: target.verifyContent });
  const ran = await host.run(script, "archive", {
    onErrorLine: (line) => {
      if (line.trim() !== "") ctx.info(`  ${line}`);
    }
  });
  if (ran.code === EXIT_NO_FOLDER) throw pathError(`proposal ${displayName(proposal)}: ${source} disappeared on ${where}`);
  if (ran.code === EXIT_NO_DEST || ran.code === EXIT_NO_LISTING) {
    const what = ran.code === EXIT_NO_DEST ? `cannot create ${dest} on HPSS` : `cannot list ${dest} on HPSS, so nothing was written`;
    result.error = `${what}: ${lastLines(ran.stderr)}`;
    for (const item of fresh) {
      item.status = "failed";
      item.problem = ran.code === EXIT_NO_DEST ? "destination folder missing" : "destination not listed";
    }
    logItems(ctx, result.items);
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
    item.checksums = r.manifest === "ok";
    if (item.checksums) {
      const parsed = parseManifest(r.sums);
      if (parsed.problem === "") item.sums = parsed.map;
    }
    if (r.status === "written" && r.manifest !== "ok") ctx.warn(`${item.path}: no checksum manifest stored (${r.manifest || "not attempted"}): restores of it check sizes only`);
    item.status = r.status === "present" ? "already on HPSS" : "written";
  };
  plan.bundles.forEach((b, i) => {
    const item = fresh[i];
    if (!item) return;
    const file = reports.get("bf");
    verify(`b${String(i)}`, item, (r) => [
      ...verifyBundleListing(r.listing, r.listingExit, b.members),
      // The index is read without the archive; the archive itself must be there and hold at least the members.
      ...verifyLsListing(file?.listing ?? [], file?.listingExit, b.name, b.bytes, true),
      ...target.verifyContent && r.checkExit !== 0 ? [`htar -K (read back from tape) exited ${String(r.checkExit)}: ${lastLines(r.check.join("\n"), 2)}`] : []
    ]);
  });
  plan.singles.forEach((s, i) => {
    const item = fresh[plan.bundles.length + i];
    const base = s.file.rel.slice(s.file.rel.lastIndexOf("/") + 1);
    if (item) {
      verify(`s${String(i)}`, item, (r) => {
        const problems = verifyLsListing(r.listing, r.listingExit, base, s.file.size);
        const onTape2 = r.status === "present" && problems.length > 0 ? lsSize(r.listing, base) : void 0;
        return onTape2 !== void 0 ? [`another version of the file (${String(onTape2)} bytes) is on HPSS and is not replaced: if the file on disk (${String(s.file.size)} bytes) is the right one, move the tape copy aside first (hsi mv), then run again`] : problems;
      });
    }
  });
  logItems(ctx, result.items);
  return result;
}
function logItems(ctx, items) {
  for (const item of items) {
    const what = `${item.path} (${String(item.files)} file(s), ${formatBytes(item.bytes)})`;
    if (item.status === "failed") ctx.error(`${what}: ${item.problem}`);
    else if (item.status !== "planned") ctx.info(`${item.status === "written" ? "archived and verified" : "already on HPSS, verified"}: ${what}`);
  }
}

// src/hpss/scicat.ts
import { basename as basename2 } from "node:path";
var archiveIdOf = (e) => `HPSS:${e.archivePath}${e.member === void 0 ? "" : `#${e.member}`}`;
function datablockFor(e, dataset) {
  const block = {
    datasetId: dataset.pid,
    ownerGroup: dataset.ownerGroup,
    accessGroups: [...dataset.accessGroups],
    archiveId: archiveIdOf(e),
    size: e.size,
    packedSize: e.size,
    version: e.member === void 0 ? "hsi" : "htar",
    // The algorithm as the backend's own example names it ("e.g., sha2 or blake2b").
    ...e.checksum === void 0 ? {} : { chkAlg: "blake2b" },
    dataFileList: [{ path: basename2(e.rel), size: e.size, time: new Date(e.mtimeMs).toISOString(), ...e.checksum === void 0 ? {} : { chk: e.checksum } }]
  };
  const v = validateDatablock(block);
  if (!v.ok) throw new Error(`the datablock for ${e.rel} would be rejected: ${v.issues.join("; ")}`);
  return block;
}
async function recordTapeLocations(client, ingestRoot, entries) {
  const result = { recorded: 0, already: 0, notCatalogued: [], failed: [] };
  const known = await client.datablocksWithArchiveIds(entries.map(archiveIdOf));
  for (const e of entries) {
    if (known.has(archiveIdOf(e))) {
      result.already++;
      continue;
    }
    try {
      const dataset = await client.findDataset({ sourceFolder: sourceFolderOf(ingestRoot, e.rel), datasetName: basename2(e.rel) });
      if (!dataset) {
        result.notCatalogued.push(e.rel);
        continue;
      }
      const ownerGroup = typeof dataset.ownerGroup === "string" ? dataset.ownerGroup : "";
      const accessGroups = Array.isArray(dataset.accessGroups) ? dataset.accessGroups.filter((g) => typeof g === "string") : [];
      const outcome = await client.addDatablock(datablockFor(e, { pid: dataset.pid, ownerGroup, accessGroups }));
      if (outcome === "created") result.recorded++;
      else result.already++;
    } catch (err) {
      result.failed.push({ rel: e.rel, why: err instanceof Error ? err.message : String(err) });
    }
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
  return { settings, target: { from, to: hpss, beamlineId: beamline.id, timeZone: settings.time_zone, bundleMaxBytes: settings.bundle_max_bytes, verifyContent: settings.verify === "content" } };
}
async function selectProposals(ctx, host, settings, target, cycle) {
  const parent = gatePath(settings.proposals, { field: "archive.proposals" });
  const dir = joinInside(target.from.root_path, parent);
  const listed = await host.run(proposalsScript(dir), "select");
  if (listed.code === EXIT_NO_FOLDER) throw configError(`archive.proposals: no folder ${dir} on ${host.label}`, "check archive.from and archive.proposals in config.yml");
  if (listed.code !== 0) throw stepError(`listing ${dir} on ${host.label} failed (exit ${String(listed.code)}): ${lastLines(listed.stderr)}`);
  const chosen = [];
  const refused2 = [];
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
      refused2.push({ name: `${parent}/${p.rel}`, why: err instanceof Error ? err.message : String(err) });
    }
  }
  ctx.info(`${String(folders.length)} proposal folder(s) in ${dir}; ${String(chosen.length + refused2.length)} with their newest file in beam cycle ${cycleKey(cycle)}`);
  return { chosen, refused: refused2 };
}
var unarchived = (proposal, error) => ({ proposal, dest: "", items: [], notArchived: [], ignored: [], plan: void 0, error });
async function hpssStep(ctx, input) {
  const { settings, target, host } = input;
  await host.check();
  if (!input.dryRun && input.catalogue?.ingestRoot !== void 0) await input.catalogue.client();
  const selecting = input.proposals.length === 0;
  const result = { beamline: target.beamlineId, cycle: selecting ? cycleKey(input.cycle) : void 0, proposals: [] };
  ctx.info(`archiving from ${target.from.name} to ${target.to.name} (${target.to.root_path}) via ${host.label}${input.dryRun ? " — dry run, nothing is written" : ""}`);
  try {
    const selected = selecting ? await selectProposals(ctx, host, settings, target, input.cycle) : { chosen: input.proposals, refused: [] };
    for (const r of selected.refused) {
      ctx.error(`proposal folder ${displayName(r.name)} cannot be archived: ${r.why}`);
      result.proposals.push(unarchived(r.name, r.why));
    }
    for (const proposal of selected.chosen) {
      await ctx.group(`archive ${proposal}`, async () => {
        try {
          result.proposals.push(await archiveProposal(ctx, host, target, proposal, { dryRun: input.dryRun, upTo: input.cycle }));
        } catch (err) {
          if (err instanceof SshFailed || err instanceof SplashError && err.kind === "config") throw err;
          const message = err instanceof Error ? err.message : String(err);
          ctx.error(message);
          result.proposals.push(unarchived(proposal, message));
        }
      });
    }
    if (!input.dryRun) result.tapeLocations = await recordLocations(ctx, input, result);
  } finally {
    writeSummary(ctx, input, result);
  }
  const items = result.proposals.flatMap((p) => p.items);
  ctx.setOutput("archived", items.filter((i) => i.status === "written").length);
  ctx.setOutput("archives", JSON.stringify(items.filter((i) => i.status === "written" || i.status === "already on HPSS").map((i) => i.path)));
  const failedItems = items.filter((i) => i.status === "failed");
  const failedProposals = result.proposals.filter((p) => p.error !== "");
  const notArchived = result.proposals.reduce((n, p) => n + p.notArchived.length, 0);
  const notRecorded = result.tapeLocations?.failed ?? 0;
  if (failedItems.length > 0 || failedProposals.length > 0 || notArchived > 0 || notRecorded > 0) {
    const parts = [
      failedProposals.length > 0 ? `${String(failedProposals.length)} proposal(s) could not be archived` : "",
      failedItems.length > 0 ? `${String(failedItems.length)} archive(s) failed` : "",
      notArchived > 0 ? `${String(notArchived)} file(s) are not on tape (see "not archived" in the log)` : "",
      notRecorded > 0 ? `the tape location of ${String(notRecorded)} file(s) could not be recorded in SciCat` : ""
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
async function recordLocations(ctx, input, result) {
  const entries = result.proposals.flatMap(
    (p) => p.items.filter((i) => i.status === "written" || i.status === "already on HPSS").flatMap((i) => i.members.map((m) => ({ rel: `${p.proposal}/${m.rel}`, archivePath: i.path, member: i.kind === "archive" ? m.rel : void 0, size: m.size, mtimeMs: m.mtimeMs, checksum: i.sums?.get(m.rel) })))
  );
  if (entries.length === 0 || input.catalogue === void 0) return void 0;
  const { ingestRoot } = input.catalogue;
  if (ingestRoot === void 0) {
    ctx.info("tape locations are not recorded in SciCat: this beamline does not ingest");
    return void 0;
  }
  const client = await input.catalogue.client();
  if (!client) {
    ctx.info("tape locations are not recorded in SciCat: config.yml names no scicat.url");
    return void 0;
  }
  const r = await recordTapeLocations(client, ingestRoot, entries);
  ctx.info(`SciCat: the tape location of ${String(r.recorded)} file(s) recorded, ${String(r.already)} recorded before${r.notCatalogued.length > 0 ? `, ${String(r.notCatalogued.length)} without a dataset (not ingested)` : ""}`);
  for (const f of r.failed.slice(0, 10)) ctx.error(`SciCat: the tape location of ${displayName(f.rel)} was not recorded: ${f.why}`);
  return { recorded: r.recorded, already: r.already, notCatalogued: r.notCatalogued.length, failed: r.failed.length };
}
function writeSummary(ctx, input, result) {
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
  const t = result.tapeLocations;
  if (t) s.text(`SciCat: tape location recorded for ${String(t.recorded)} file(s) now, ${String(t.already)} before${t.notCatalogued > 0 ? `; ${String(t.notCatalogued)} file(s) have no dataset` : ""}${t.failed > 0 ? `; **${String(t.failed)} failed** (run again)` : ""}.`);
  const deferred = result.proposals.reduce((n, p) => n + (p.plan?.deferred.length ?? 0), 0);
  if (deferred > 0) s.text(`${String(deferred)} file(s) belong to a beam cycle that has not ended; a run after it ends archives them.`);
  const ignored = result.proposals.flatMap((p) => p.ignored.map((n) => `${p.proposal}/${n.rel}: ${n.why}`));
  if (ignored.length > 0) s.details(`Not data files, not archived (${String(ignored.length)})`, ignored.slice(0, SUMMARY_LIMIT2).map((m) => `- ${m}`).join("\n"));
  const missing = result.proposals.flatMap((p) => p.notArchived.map((n) => `${p.proposal}/${n.rel}: ${n.why}`));
  if (missing.length > 0) s.details(`Not archived (${String(missing.length)})`, missing.slice(0, SUMMARY_LIMIT2).map((m) => `- ${m}`).join("\n"));
}

// src/hpss/restore.ts
var HEARTBEAT_SECONDS = 600;
var STALE_MINUTES = 2 * 24 * 60;
var EXIT_NO_TARGET = 7;
function memberProblem(m) {
  switch (m.type) {
    case "file":
      return void 0;
    case "hardlink":
      return `a hard link to ${JSON.stringify(m.link ?? "?")} in the archive (restore that name)`;
    case "symlink":
      return `a symbolic link in the archive${m.link === void 0 ? "" : ` (to ${JSON.stringify(m.link)})`}; links are not restored`;
    default:
      return "not a regular file in the archive";
  }
}
function planRestore(catalog, sel) {
  const refused2 = [];
  const missing = [];
  const where = locations(catalog);
  const picked = /* @__PURE__ */ new Map();
  const singles = [];
  const take = (archive, member) => {
    picked.set(archive.name, [...picked.get(archive.name) ?? [], { archive, member }]);
  };
  for (const name of sel.archives) {
    const archive = catalog.archives.find((a) => a.name === name);
    if (!archive) missing.push(name);
    else if (!archive.indexed || archive.listingProblem !== "") refused2.push({ rel: name, why: archive.indexed ? archive.listingProblem : "no index: the archive was never completed" });
    else for (const m of archive.members) if (m.type !== "dir") take(archive, m);
  }
  const everything = sel.archives.length === 0 && sel.files.length === 0;
  const wanted = everything ? [...where.keys()] : sel.files;
  for (const rel of wanted) {
    const loc = where.get(rel);
    if (!loc) missing.push(rel);
    else if (loc.kind === "member") take(loc.archive, loc.member);
    else if (!isHsiSafe(loc.file.path)) refused2.push({ rel, why: "stored on its own under a name hsi would read as a pattern or split: fetch it by hand" });
    else {
      let gated;
      try {
        gated = gatePath(rel, { field: "file stored alone on tape" });
      } catch (err) {
        refused2.push({ rel, why: err instanceof Error ? err.message : String(err) });
        continue;
      }
      singles.push({ path: loc.file.path, file: { rel: gated, size: loc.file.size, checksum: void 0 } });
    }
  }
  if (everything) {
    for (const a of catalog.archives) if (a.indexed && a.listingProblem !== "") refused2.push({ rel: a.name, why: `its listing cannot be read: ${a.listingProblem}` });
  }
  const groups = [];
  for (const members of picked.values()) {
    const archive = members[0]?.archive;
    if (!archive) continue;
    const files = [];
    const seen = /* @__PURE__ */ new Set();
    for (const { member } of members) {
      if (seen.has(member.stored)) continue;
      seen.add(member.stored);
      const problem = memberProblem(member);
      if (problem) {
        refused2.push({ rel: member.rel, why: `${problem} (${archive.name})` });
        continue;
      }
      let rel;
      try {
        rel = gatePath(member.rel, { field: `member of ${archive.name}` });
      } catch (err) {
        refused2.push({ rel: member.rel, why: err instanceof Error ? err.message : String(err) });
        continue;
      }
      files.push({ rel, stored: member.stored, size: member.size, checksum: archive.manifest?.get(member.rel) });
    }
    if (files.length > 0) groups.push({ kind: "archive", archive, files });
  }
  for (const s of singles) groups.push({ kind: "single", path: s.path, file: s.file });
  return { groups, refused: refused2, missing };
}
var JUDGE_AWK = [
  "FILENAME == ARGV[1] { type[$3] = $2; size[$3] = $1; next }",
  'FILENAME == ARGV[2] { i = index($0, "  "); sum[substr($0, i + 2)] = substr($0, 1, i - 1); next }',
  "{ d = P $4",
  "  if (d in type) {",
  '    if (type[d] !~ /^regular/) { print M " conflict " $1 " not a regular file"; next }',
  '    if (size[d] != $2) { print M " conflict " $1 " " size[d] " bytes"; next }',
  '    if ($3 != "-") { if (sum[d] == $3) print M " same " $1; else print M " conflict " $1 " other content"; next }',
  "  }",
  '  print $1 "\\t" $2 "\\t" $3 "\\t" $4 > need; print $5 > list }'
].join("\n");
var CHECK_AWK = [
  "FILENAME == ARGV[1] { type[$3] = $2; size[$3] = $1; next }",
  'FILENAME == ARGV[2] { i = index($0, "  "); sum[substr($0, i + 2)] = substr($0, 1, i - 1); next }',
  "{ d = P $4",
  '  if (!(d in type) || type[d] !~ /^regular/) { print M " failed " $1 " not extracted as a regular file"; next }',
  '  if (size[d] != $2) { print M " failed " $1 " " size[d] " bytes extracted, " $2 " in the listing"; next }',
  '  if ($3 != "-" && sum[d] != $3) { print M " failed " $1 " checksum does not match the archive manifest"; next }',
  '  dir = $4; if (sub(/\\/[^\\/]*$/, "", dir) == 0) dir = "."',
  '  print dir "\\t" $1 "\\t" $4 > good }'
].join("\n");
var LINKED_AWK = [
  "FILENAME == ARGV[1] { bad[$0] = 1; next }",
  "FILENAME == ARGV[2] { ino[$3] = $1; type[$3] = $2; next }",
  '{ if ($1 in bad) { print M " failed " $2 " cannot make its folder"; next }',
  "  a = A $3; b = B $3",
  '  if ((a in ino) && (b in ino) && ino[a] == ino[b]) { print M " restored " $2; next }',
  '  if (b in ino) { print $2 "\\t" $3 > cmpf; next }',
  '  print M " failed " $2 " cannot link into place" }'
].join("\n");
var FUNCTIONS = [
  "TAB=$(printf '\\t')",
  // Create <base>/<rel> level by level; a symbolic link or a non-folder on the way is refused.
  "mkin() {",
  "  local p=$1 part IFS=/",
  "  for part in $2; do",
  '    p="$p/$part"',
  '    if [ -L "$p" ]; then echo "$p is a symbolic link: not followed" >&2; return 1; fi',
  '    [ -e "$p" ] || mkdir -- "$p" 2>/dev/null || [ -d "$p" ] || return 1',
  '    if [ -L "$p" ] || [ ! -d "$p" ]; then echo "$p is not a folder" >&2; return 1; fi',
  "  done",
  "}",
  // lstat (a link is a link) of paths read from stdin: `size TAB type TAB path`; a missing path prints nothing.
  `lstats() { xargs -d '\\n' -r stat --printf='%s\\t%F\\t%n\\n' -- 2>/dev/null; }`,
  `sums() { xargs -d '\\n' -r b2sum -- 2>/dev/null; }`,
  // Which files of the table are at their final name already: the same (said), a conflict (said), or unknown
  // without a checksum (fetched, then compared); the rest is fetched. Writes $W/need and $W/list.
  "judge() {",
  `  awk -F "$TAB" -v P="$T/" '{ print P $4 }' "$W/table" | lstats >"$W/have"`,
  `  awk -F "$TAB" -v P="$T/" 'FILENAME == ARGV[1] { if ($2 ~ /^regular/) r[$3] = 1; next } $3 != "-" && ((P $4) in r) { print P $4 }' "$W/have" "$W/table" | sums >"$W/havesum"`,
  `  awk -F "$TAB" -v P="$T/" -v M=${shq(MARK)} -v need="$W/need" -v list="$W/list" '${JUDGE_AWK}' "$W/have" "$W/havesum" "$W/table"`,
  "}",
  // Check the fetched copies (a regular file, the listing's size, the manifest's checksum), give the good ones
  // their names with one `ln -t` per folder (ln never replaces a file), and say what became of each: a name
  // that is the same inode as the copy is restored; another file there is compared.
  "place() {",
  `  awk -F "$TAB" -v P="$X/" '{ print P $4 }' "$W/need" | lstats >"$W/got"`,
  `  awk -F "$TAB" -v P="$X/" '$3 != "-" { print P $4 }' "$W/need" | sums >"$W/gotsum"`,
  `  awk -F "$TAB" -v P="$X/" -v M=${shq(MARK)} -v good="$W/good" '${CHECK_AWK}' "$W/got" "$W/gotsum" "$W/need"`,
  '  [ -s "$W/good" ] || return 0',
  // No set-user-ID, set-group-ID or sticky bit from tape: a program restored with them would run as whoever
  // restores (a collaboration account; root keeps them where tar extracts as root).
  `  awk -F "$TAB" -v P="$X/" '{ print P $3 }' "$W/good" | xargs -d '\\n' -r chmod -- ug-s,o-t 2>/dev/null`,
  '  sort -t "$TAB" -k1,1 -s "$W/good" >"$W/bydir"',
  '  : >"$W/baddir"',
  '  cut -f1 "$W/bydir" | uniq | while IFS= read -r dir; do',
  '    if [ "$dir" = . ] || mkin "$T" "$dir"; then',
  `      awk -F "$TAB" -v d="$dir" -v P="$X/" '$1 == d { print P $3 }' "$W/bydir" | xargs -d '\\n' -r ln -t "$T/$dir" -- 2>/dev/null`,
  `    else printf '%s\\n' "$dir" >>"$W/baddir"; fi`,
  "  done",
  `  awk -F "$TAB" -v A="$X/" -v B="$T/" '{ print A $3; print B $3 }' "$W/bydir" | xargs -d '\\n' -r stat --printf='%d:%i\\t%F\\t%n\\n' -- 2>/dev/null >"$W/ino"`,
  `  awk -F "$TAB" -v A="$X/" -v B="$T/" -v M=${shq(MARK)} -v cmpf="$W/cmp" '${LINKED_AWK}' "$W/baddir" "$W/ino" "$W/bydir"`,
  '  [ -s "$W/cmp" ] || return 0',
  '  while IFS="$TAB" read -r id rel; do',
  '    if [ -f "$T/$rel" ] && [ ! -L "$T/$rel" ] && cmp -s -- "$X/$rel" "$T/$rel"; then say same "$id"; else say conflict "$id" other content; fi',
  '  done <"$W/cmp"',
  "}",
  // A private folder per fetch under <root>/.splash/restore (never inside a data folder); gone on every exit.
  // Members go to its x/, the tables beside it: no member name can meet them.
  "ME=$(hostname -s 2>/dev/null || echo host)",
  "WS=()",
  // A restore from tape can run for days, and a run on another host (each Slurm job may land elsewhere) cannot be
  // asked whether it is alive: this run's folders say so by their time, refreshed while it lives.
  // (sleep in the background and wait: a trapped TERM ends the wait at once, and the sleep with it.)
  `( s=; trap 'kill $s 2>/dev/null; exit 0' TERM; while kill -0 $$ 2>/dev/null; do find "$SPOOL" -mindepth 1 -maxdepth 1 -name "$ME.$$.*" -exec touch -c -- {} + 2>/dev/null; sleep ${String(HEARTBEAT_SECONDS)} & s=$!; wait "$s"; done ) </dev/null >/dev/null 2>&1 &`,
  "HB=$!",
  'cleanup() { local w; kill "$HB" 2>/dev/null; for w in ${WS[@]+"${WS[@]}"}; do rm -rf -- "$w"; done; }',
  "trap cleanup EXIT",
  "trap 'exit 129' HUP",
  "trap 'exit 141' PIPE",
  "trap 'exit 143' TERM",
  "trap 'exit 130' INT",
  "workdir() {",
  '  W=$(mktemp -d "$SPOOL/$ME.$$.XXXXXX") || return 1',
  '  WS+=("$W"); X="$W/x"',
  '  mkdir -- "$X"',
  "}"
];
function restoreScript(input) {
  const lines = [
    "set -u -f",
    ...toolLines(input.hsi, input.htar),
    `ROOT=${shq(input.root)}`,
    `T=${shq(`${input.root === "/" ? "" : input.root}/${input.proposal}`)}`,
    'SPOOL="$ROOT/.splash/restore"',
    ...FUNCTIONS,
    `[ -d "$ROOT" ] || { echo "no folder $ROOT" >&2; exit ${String(EXIT_NO_TARGET)}; }`,
    `mkin "$ROOT" ${shq(input.proposal)} && mkin "$ROOT" .splash/restore || exit ${String(EXIT_NO_TARGET)}`,
    // Folders of runs that died are removed: on this host, when their process is gone (a live one is kept however
    // old: its tape recall may take days); from another host, when their time was not refreshed for two days.
    "set +f",
    'for old in "$SPOOL"/*; do',
    '  [ -d "$old" ] && [ ! -L "$old" ] || continue',
    "  n=${old##*/}; h=${n%%.*}; r=${n#*.}; p=${r%%.*}",
    `  if [ "$h" = "$ME" ]; then kill -0 "$p" 2>/dev/null || rm -rf -- "$old"; elif [ -n "$(find "$old" -maxdepth 0 -mmin +${String(STALE_MINUTES)} 2>/dev/null)" ]; then rm -rf -- "$old"; fi`,
    "done",
    "set -f"
  ];
  let n = 0;
  input.plan.groups.forEach((g, gi) => {
    const group = `g${String(gi)}`;
    const files = g.kind === "archive" ? g.files : [{ ...g.file, stored: g.file.rel }];
    const rows = files.map((f) => `f${String(n++)}	${String(f.size)}	${f.checksum ?? "-"}	${f.rel}	${f.stored}`);
    const d = delimiter("SPLASH_TABLE", rows);
    lines.push(
      `# ${group}: ${g.kind === "archive" ? g.archive.path : g.path}`,
      `if ! workdir; then say fetch-end ${group} mktemp; else`,
      `  cat >"$W/table" <<'${d}'`,
      ...rows,
      d,
      "  judge",
      '  if [ -s "$W/need" ]; then',
      g.kind === "archive" ? `    (cd -- "$X" && htar_ -xf ${shq(g.archive.path)} -L "$W/list") | frame; rc=\${PIPESTATUS[0]}` : `    { mkin "$X" ${shq(g.file.rel.includes("/") ? g.file.rel.slice(0, g.file.rel.lastIndexOf("/")) : "")} && hsi_ get "$X/"${shq(g.file.rel)} : ${shq(g.path)}; } | frame; rc=\${PIPESTATUS[0]}`,
      `    say fetch-end ${group} "$rc"`,
      // A failed fetch places nothing: what it left in the private folder may be cut short.
      '    if [ "$rc" -eq 0 ]; then place; else cut -f1 "$W/need" | while IFS= read -r id; do say failed "$id" fetch failed; done; fi',
      "  fi",
      '  rm -rf -- "$W"',
      "fi"
    );
  });
  return lines.join("\n") + "\n";
}
function parseRestoreOutput(stdout) {
  const files = /* @__PURE__ */ new Map();
  const fetches = /* @__PURE__ */ new Map();
  for (const { verb, id, rest } of markerLines(stdout)) {
    if (verb === "fetch-end") fetches.set(id, rest);
    else if (verb === "restored" || verb === "same" || verb === "conflict" || verb === "failed") files.set(id, { status: verb, why: rest });
  }
  return { files, fetches };
}
function planFiles(plan) {
  let n = 0;
  return plan.groups.flatMap((g, gi) => {
    const files = g.kind === "archive" ? g.files : [g.file];
    return files.map((file) => ({ id: `f${String(n++)}`, group: `g${String(gi)}`, file, from: g.kind === "archive" ? g.archive.name : g.path }));
  });
}

// src/steps/hpss-restore.ts
function restoreTargetOf(beamline, to) {
  const settings = beamline.settings.archive;
  if (!settings) throw usageError(`beamline ${beamline.id} has no archive settings, so nothing of it is on tape`, `add beamlines."${beamline.id}".archive (docs/hpss.md)`);
  const hpss = beamline.endpoint(settings.to, `beamlines.${beamline.id}.archive.to`);
  if (hpss.type !== "hpss") throw usageError(`beamlines.${beamline.id}.archive.to: ${hpss.name} is not an hpss endpoint`);
  const name = to !== "" ? to : settings.restore_to;
  if (name === void 0) throw usageError("restore: where to? give --to <endpoint>, or set archive.restore_to in config.yml", "the endpoint's root_path is a folder on the HPSS host; files land under <root>/<proposal>/…");
  const into = beamline.endpoint(name, to !== "" ? "--to" : `beamlines.${beamline.id}.archive.restore_to`);
  if (into.type === "hpss") throw usageError(`--to: ${into.name} is an hpss endpoint; restore writes to a folder (a filesystem or Globus endpoint whose root_path the HPSS host sees)`);
  return { hpss, into };
}
async function readCatalog(host, hpss, beamlineId, proposal) {
  const dest = destinationOf({ to: hpss, beamlineId }, proposal);
  const ran = await host.run(catalogScript(hpss.hsi, hpss.htar, dest), "list");
  if (ran.code !== 0) throw stepError(`listing ${dest} on ${host.label} failed (exit ${String(ran.code)}): ${lastLines(ran.stderr)}`, "run again; if it persists, check HPSS");
  const catalog = parseCatalog(ran.stdout, dest);
  if (catalog.problems.length > 0) throw stepError(`cannot read what is on HPSS in ${dest}: ${catalog.problems.slice(0, 2).join("; ")}`, "run again; if it persists, check HPSS");
  if (!catalog.exists) throw pathError(`proposal ${displayName(proposal)}: nothing on HPSS (no folder ${dest})`, "check the proposal path (relative to the archive's from endpoint, e.g. raw/BLS-00564) and the beamline");
  return catalog;
}
function catalogJson(proposal, c) {
  return {
    proposal,
    folder: c.dest,
    archives: c.archives.map((a) => ({
      name: a.name,
      path: a.path,
      cycle: a.cycle ? cycleKey(a.cycle) : null,
      part: a.part ?? null,
      bytes: a.bytes ?? null,
      complete: a.indexed && a.listingProblem === "" && a.bytes !== void 0,
      problem: a.indexed ? a.listingProblem || (a.bytes === void 0 ? "the archive file is missing (only its index is on HPSS)" : null) : "no index: never completed",
      checksums: a.manifest !== void 0,
      members: a.members.map((m) => ({ path: m.rel, size: m.size, type: m.type, ...m.link === void 0 ? {} : { link: m.link }, ...a.manifest?.has(m.rel) ? { blake2b: a.manifest.get(m.rel) } : {} }))
    })),
    files: c.singles.map((f) => ({ path: f.rel, hpss: f.path, size: f.size }))
  };
}
async function listStep(ctx, input) {
  await input.host.check();
  const catalog = await readCatalog(input.host, input.hpss, input.beamlineId, input.proposal);
  if (input.json) {
    (input.print ?? ((t) => {
      ctx.info(t);
    }))(JSON.stringify(catalogJson(input.proposal, catalog), null, 2));
    return catalog;
  }
  ctx.info(`${displayName(input.proposal)} on HPSS: ${catalog.dest}`);
  for (const a of catalog.archives) {
    const bytes = a.members.reduce((n, m) => n + m.size, 0);
    const state = !a.indexed ? "INCOMPLETE (no index)" : a.listingProblem || (a.bytes === void 0 ? "archive file missing" : `${String(a.members.length)} member(s), ${formatBytes(bytes)}`);
    ctx.info(`  ${a.name}  cycle ${a.cycle ? cycleKey(a.cycle) : "-"}  ${state}${a.manifest ? "  checksum manifest (BLAKE2b)" : ""}`);
    for (const m of a.members) ctx.info(`      ${formatBytes(m.size).padStart(10)}  ${displayName(m.rel)}${m.type === "file" ? "" : `  (${m.type}${m.link === void 0 ? "" : ` → ${displayName(m.link)}`})`}`);
  }
  for (const f of catalog.singles) ctx.info(`  ${displayName(f.rel)}  stored on its own, ${formatBytes(f.size)}`);
  const s = ctx.summary;
  s.heading(`On tape · ${input.proposal}`, 2);
  s.table(["archive", "cycle", "members", "size", "state"], catalog.archives.map((a) => [a.name, a.cycle ? cycleKey(a.cycle) : "", a.members.length, formatBytes(a.members.reduce((n, m) => n + m.size, 0)), a.indexed ? a.listingProblem || "complete" : "incomplete"]));
  return catalog;
}
var SUMMARY_LIMIT3 = 50;
async function restoreStep(ctx, input) {
  const { host, hpss, proposal } = input;
  const target = joinInside(input.into.root_path, proposal);
  await host.check();
  const catalog = await readCatalog(host, hpss, input.beamlineId, proposal);
  const plan = planRestore(catalog, input.selection);
  if (plan.missing.length > 0) {
    throw pathError(`not on HPSS for ${displayName(proposal)}: ${plan.missing.slice(0, 5).map((m) => displayName(m)).join(", ")}${plan.missing.length > 5 ? ` (+${String(plan.missing.length - 5)} more)` : ""}; nothing was restored`, "see what is there with splash hpss ls");
  }
  const files = planFiles(plan).map((p) => ({ rel: `${proposal}/${p.file.rel}`, size: p.file.size, from: p.from, checksum: p.file.checksum !== void 0, status: "planned", why: "" }));
  const result = { proposal, into: target, files, refused: plan.refused.map((r) => ({ ...r })) };
  ctx.info(`restoring ${String(files.length)} file(s), ${formatBytes(files.reduce((n, f) => n + f.size, 0))}, of ${displayName(proposal)} from ${catalog.dest} into ${input.into.name}: ${target} via ${host.label}${input.dryRun ? " — dry run, nothing is fetched" : ""}`);
  for (const g of plan.groups) {
    const n = g.kind === "archive" ? g.files.length : 1;
    ctx.info(`  ${g.kind === "archive" ? `from ${g.archive.name}` : `stored alone: ${g.path}`}: ${String(n)} file(s)${g.kind === "archive" && g.archive.manifest === void 0 ? " (no checksum manifest: checked by size)" : ""}`);
  }
  for (const r of result.refused) ctx.warn(`not restored: ${displayName(r.rel)}: ${r.why}`);
  try {
    if (input.dryRun || files.length === 0) return result;
    const ran = await host.run(restoreScript({ hsi: hpss.hsi, htar: hpss.htar, root: input.into.root_path, proposal, plan }), "restore", {
      onErrorLine: (line) => {
        if (line.trim() !== "") ctx.info(`  ${line}`);
      }
    });
    if (ran.code === EXIT_NO_TARGET) throw stepError(`cannot restore into ${target} on ${host.label}: ${lastLines(ran.stderr)}`, "the folder (and every folder on its way) must be a real folder the HPSS account can write, not a symbolic link");
    const report = parseRestoreOutput(ran.stdout);
    planFiles(plan).forEach((p, i) => {
      const f = files[i];
      if (!f) return;
      const r = report.files.get(p.id);
      if (r) [f.status, f.why] = [r.status, r.why];
      else [f.status, f.why] = ["not run", `the script stopped before it (exit ${String(ran.code)}): ${lastLines(ran.stderr)}`];
    });
    for (const f of files) {
      if (f.status === "restored") ctx.info(`restored and verified${f.checksum ? " (size, BLAKE2b)" : " (size)"}: ${displayName(f.rel)} from ${f.from}`);
      else if (f.status === "same") ctx.info(`already there with the same content: ${displayName(f.rel)}`);
      else if (f.status === "conflict") ctx.error(`${displayName(f.rel)} exists with other content (${f.why}); kept as it is, not overwritten`);
      else ctx.error(`${displayName(f.rel)} was not restored: ${f.why}`);
    }
  } finally {
    writeSummary2(ctx, input, result);
  }
  ctx.setOutput("restored", files.filter((f) => f.status === "restored").length);
  const bad = files.filter((f) => f.status !== "restored" && f.status !== "same");
  if (bad.length > 0 || result.refused.length > 0) {
    const conflicts = bad.filter((f) => f.status === "conflict").length;
    const parts = [
      bad.length - conflicts > 0 ? `${String(bad.length - conflicts)} file(s) failed` : "",
      conflicts > 0 ? `${String(conflicts)} file(s) exist with other content (not overwritten)` : "",
      result.refused.length > 0 ? `${String(result.refused.length)} name(s) on tape were not restored (see "not restored")` : ""
    ].filter((s) => s !== "");
    throw stepError(`restore: ${parts.join("; ")}`, "run again to complete the failed ones (nothing half-restored is left under its name); move a conflicting file aside first if the tape copy should replace it");
  }
  return result;
}
function writeSummary2(ctx, input, result) {
  const s = ctx.summary;
  s.heading(`Restore from HPSS · ${result.proposal}${input.dryRun ? " (dry run)" : ""}`, 2);
  s.text(`Into ${input.into.name}: \`${result.into}\`.`);
  s.table(
    ["file", "from", "size", "checked", "status"],
    result.files.slice(0, SUMMARY_LIMIT3).map((f) => [f.rel, f.from, formatBytes(f.size), f.checksum ? "size, BLAKE2b" : "size", f.why ? `${f.status}: ${f.why}` : f.status])
  );
  if (result.files.length > SUMMARY_LIMIT3) s.text(`…and ${String(result.files.length - SUMMARY_LIMIT3)} more in the run log.`);
  if (result.refused.length > 0) s.details(`Not restored (${String(result.refused.length)})`, result.refused.slice(0, SUMMARY_LIMIT3).map((r) => `- ${r.rel}: ${r.why}`).join("\n"));
}

// src/steps/report.ts
function reportPaths(report, paths) {
  report.list("paths", [...paths]);
}
function reportMove(report, result) {
  const sizes = /* @__PURE__ */ new Map();
  let written = 0;
  for (const hop of result.hops) {
    for (const f of hop.files) {
      if (!sizes.has(f.rel)) sizes.set(f.rel, f.bytes);
      if (f.status === "copied") written += f.bytes;
    }
  }
  report.set("moved", result.moved).set("bytes", [...sizes.values()].reduce((a, b) => a + b, 0)).set("bytes_written", written).list("files", [...sizes].map(([path, bytes]) => ({ path, bytes }))).list(
    "hops",
    result.hops.map((h) => ({
      from: h.from,
      to: h.to,
      status: h.status,
      files: h.files.length,
      copied: h.files.filter((f) => f.status === "copied").length,
      note: h.note
    }))
  );
}
function reportIngest(report, datasets) {
  report.set("datasets", datasets.length).set("created", datasets.filter((d) => d.outcome === "created").length).list("items", datasets.map((d) => ({ path: d.rel, pid: d.pid, outcome: d.outcome, bytes: d.size })));
}
function reportRecon(report, results) {
  report.list(
    "scans",
    results.map((r) => ({
      path: r.scan,
      status: r.status,
      jobs: r.jobs.map((j) => ({ kind: j.kind, job_id: j.jobId, state: j.state, ok: j.ok }))
    }))
  );
}
function reportPrune(report, reports, opts) {
  report.set("dry_run", opts.dryRun).set("now", opts.now.toISOString());
  report.list(
    "rules",
    reports.map((r) => ({
      endpoint: r.endpoint,
      check: r.check,
      after_days: r.afterDays,
      pruned: r.pruned.length,
      pruned_bytes: r.pruned.reduce((a, f) => a + f.size, 0),
      kept: r.kept.length,
      unsafe: r.unsafe.length,
      pruned_files: r.pruned.slice(0, 20).map((f) => ({ path: f.rel, bytes: f.size, mtime: new Date(f.mtimeMs).toISOString() })),
      unsafe_files: r.unsafe.slice(0, 20).map((u) => ({ path: u.rel, reason: u.reason }))
    }))
  );
}
function reportHpss(report, results, opts) {
  report.set("dry_run", opts.dryRun);
  report.list(
    "archives",
    results.flatMap(
      (r) => r.proposals.map((p) => ({
        beamline: r.beamline,
        cycle: r.cycle ?? null,
        proposal: p.proposal,
        items: p.items.length,
        files: p.items.reduce((a, i) => a + i.files, 0),
        bytes: p.items.reduce((a, i) => a + i.bytes, 0),
        not_archived: p.notArchived.length,
        error: p.error === "" ? null : p.error
      }))
    )
  );
}

// beamlines/commands.ts
async function runMove(ctx, args) {
  const id = parseBeamlineId(args.beamline, "beamline");
  const raw = typeof args.filePaths === "string" ? parsePathList(args.filePaths, "file-paths") : args.filePaths;
  reportPaths(ctx.report.begin("move", id), raw);
  if (raw.length === 0) throw usageError("file-paths: no paths given");
  const config = await loadConfig(args.config);
  const beamline = openBeamline(config, id).config;
  const paths = beamline.gate(raw);
  const result = await moveStep(ctx, { beamline, paths, exportControlled: args.exportControlled, services: createServices(config, ctx) });
  reportMove(ctx.report, result);
  return result;
}
async function runIngest(ctx, args) {
  const id = parseBeamlineId(args.beamline, "beamline");
  const raw = typeof args.filePaths === "string" ? parsePathList(args.filePaths, "file-paths") : args.filePaths;
  reportPaths(ctx.report.begin("ingest", id), raw);
  if (raw.length === 0) throw usageError("file-paths: no paths given");
  const config = await loadConfig(args.config);
  const beamline = openBeamline(config, id);
  const paths = beamline.config.gate(raw);
  const datasets = await ingestStep(ctx, { beamline: beamline.config, paths, ingestor: beamline.ingestor, services: createServices(config, ctx) });
  reportIngest(ctx.report, datasets);
  return datasets;
}
function parseHpc(raw, field = "hpc") {
  const text = raw.trim().toLowerCase();
  if (text === "") return void 0;
  if (text === "both") return ["nersc", "alcf"];
  const parts = text.split(/[\s,]+/).filter((p) => p !== "");
  const bad = parts.find((p) => p !== "nersc" && p !== "alcf");
  if (bad !== void 0 || parts.length === 0) throw usageError(`${field}: expected nersc, alcf or both, got ${JSON.stringify(raw)}`, "leave it empty for the beamline's recon.hpc in config.yml");
  return [...new Set(parts)];
}
async function runRecon(ctx, args) {
  const id = parseBeamlineId(args.beamline, "beamline");
  const raw = typeof args.filePaths === "string" ? parsePathList(args.filePaths, "file-paths") : args.filePaths;
  reportPaths(ctx.report.begin("recon", id), raw);
  if (raw.length === 0) throw usageError("file-paths: no paths given");
  const hpc = parseHpc(args.hpc);
  const config = await loadConfig(args.config);
  const beamline = openBeamline(config, id);
  if (!beamline.recon) throw usageError(`beamline ${id} has no reconstruction`, "beamlines that reconstruct: 8.3.2 (tomography), 7.0.1.2 (ptychography)");
  const paths = beamline.config.gate(raw);
  const results = await reconStep(ctx, {
    beamline: beamline.config,
    plan: beamline.recon,
    paths,
    options: args.reconOptions,
    hpc,
    exportControlled: args.exportControlled,
    dryRun: args.dryRun,
    services: createServices(config, ctx),
    print: args.print
  });
  reportRecon(ctx.report, results);
  return results;
}
async function runRegisterFunction(ctx, args) {
  const id = parseBeamlineId(args.beamline, "beamline");
  const config = await loadConfig(args.config);
  const beamline = openBeamline(config, id);
  const fn = beamline.recon?.computeFunction;
  if (!fn) throw usageError(`beamline ${id} does not reconstruct at ALCF`, "beamlines with an ALCF wrapper: 8.3.2");
  const alcf = beamline.config.settings.recon?.alcf;
  if (!alcf) throw configError(`${config.source}: beamlines."${id}".recon.alcf is not set`, "add it first (docs/recon.md): the wrapper is registered with the globus app and Python version it names");
  const client = await createServices(config, ctx).compute(alcf.globus_app);
  const functionId = await client.registerFunction({ name: fn.name, source: fn.source, description: fn.description, pythonVersion: alcf.python_version });
  ctx.info(`registered ${fn.name} as Globus Compute function ${functionId}`);
  return { functionId, name: fn.name };
}
async function runPrune(ctx, args) {
  ctx.report.begin("prune", args.beamline === "" ? null : args.beamline).set("dry_run", args.dryRun).set("now", args.now.toISOString());
  const config = await loadConfig(args.config);
  const every = configuredBeamlines(config);
  const beamlines = args.beamline === "" ? every : [openBeamline(config, parseBeamlineId(args.beamline, "beamline"))];
  const reports = await pruneStep(ctx, {
    beamlines: beamlines.map((b) => b.config),
    everyBeamline: every.map((b) => b.config),
    dryRun: args.dryRun,
    now: args.now,
    services: createServices(config, ctx)
  });
  reportPrune(ctx.report, reports, args);
  return reports;
}
async function runHpss(ctx, args) {
  const raw = typeof args.proposals === "string" ? args.proposals.trim() === "" ? [] : parsePathList(args.proposals, "proposals") : args.proposals;
  ctx.report.begin("hpss", args.beamline === "" ? null : args.beamline).set("dry_run", args.dryRun).set("cycle", args.cycle);
  if (raw.length > 0 && args.beamline === "") throw usageError("proposals: given without a beamline", "name the beamline the proposals belong to (--beamline 8.3.2)");
  const config = await loadConfig(args.config);
  const beamlines = args.beamline === "" ? configuredBeamlines(config).filter((b) => b.config.settings.archive !== void 0) : [openBeamline(config, parseBeamlineId(args.beamline, "beamline"))];
  if (beamlines.length === 0) ctx.warn(`no beamline in ${config.source} has archive settings; nothing to do`);
  const runs = beamlines.map((b) => {
    const { settings, target } = archiveTargetOf(b.config);
    const proposals = raw.map((p, i) => gatePath(p, { field: `proposals[${String(i)}]` }));
    for (const p of proposals) destinationOf(target, p);
    return { beamline: b.config, settings, target, proposals, cycle: parseCycle(args.cycle, "cycle", args.now, settings.time_zone) };
  });
  const services = createServices(config, ctx);
  const cancel = cancelOnSignals();
  const results = [];
  let firstError;
  try {
    for (const r of runs) {
      try {
        const host = await tapeHostFor(r.target.to, config, services, ctx, cancel.signal);
        const catalogue = { client: () => services.scicat(), ingestRoot: ingestRootOf(r.beamline) };
        results.push(await hpssStep(ctx, { ...r, dryRun: args.dryRun, host, catalogue }));
      } catch (err) {
        if (runs.length === 1) throw err;
        ctx.error(`beamline ${r.target.beamlineId}: ${err instanceof Error ? err.message : String(err)}`);
        firstError ??= err instanceof Error ? err : new Error(String(err));
      }
    }
  } finally {
    cancel.dispose();
  }
  reportHpss(ctx.report, results, args);
  if (firstError !== void 0) throw firstError;
  return results;
}
async function runHpssRestore(ctx, args) {
  if (args.beamline === "") throw usageError("restore: --beamline is required", "e.g. splash hpss restore -b 8.3.2 raw/BLS-00564");
  if (args.proposal === "") throw usageError("restore: which proposal?", "e.g. splash hpss restore -b 8.3.2 raw/BLS-00564 --to nersc832");
  const id = parseBeamlineId(args.beamline, "beamline");
  const proposal = gatePath(args.proposal, { field: "proposal" });
  const archives = args.archives.map((a, i) => {
    if (!/^[A-Za-z0-9._,+=@%-]+\.tar$/.test(a)) throw usageError(`archive[${String(i)}]: expected an archive name like BLS-00564_2026-1.tar, got ${JSON.stringify(a)}`, "see the names with splash hpss ls");
    return a;
  });
  const files = args.files.map((f, i) => {
    const rel = gatePath(f, { field: `file[${String(i)}]` });
    return rel.startsWith(`${proposal}/`) ? gatePath(rel.slice(proposal.length + 1), { field: `file[${String(i)}]` }) : rel;
  });
  const config = await loadConfig(args.config);
  const beamline = openBeamline(config, id).config;
  const { hpss, into } = restoreTargetOf(beamline, args.to);
  destinationOf({ to: hpss, beamlineId: id }, proposal);
  const services = createServices(config, ctx);
  const cancel = cancelOnSignals();
  try {
    const host = await tapeHostFor(hpss, config, services, ctx, cancel.signal);
    return await restoreStep(ctx, { hpss, beamlineId: id, proposal, into, selection: { archives, files }, dryRun: args.dryRun, host });
  } finally {
    cancel.dispose();
  }
}
async function runHpssList(ctx, args) {
  if (args.beamline === "") throw usageError("ls: --beamline is required", "e.g. splash hpss ls -b 8.3.2 raw/BLS-00564");
  if (args.proposal === "") throw usageError("ls: which proposal?", "e.g. splash hpss ls -b 8.3.2 raw/BLS-00564");
  const id = parseBeamlineId(args.beamline, "beamline");
  const proposal = gatePath(args.proposal, { field: "proposal" });
  const config = await loadConfig(args.config);
  const beamline = openBeamline(config, id).config;
  const { target } = archiveTargetOf(beamline);
  destinationOf(target, proposal);
  const host = await tapeHostFor(target.to, config, createServices(config, ctx), ctx);
  await listStep(ctx, { hpss: target.to, beamlineId: id, proposal, host, json: args.json, print: args.print });
}
function ingestRootOf(beamline) {
  try {
    return ingestSource(beamline).endpoint.root_path;
  } catch {
    return void 0;
  }
}
async function runDispatch(ctx, args) {
  const id = parseBeamlineId(args.beamline, "beamline");
  reportPaths(ctx.report.begin("dispatch", id), args.filePaths);
  if (args.filePaths.length === 0) throw usageError("no paths given", `usage: splash run ${id} <path…>`);
  const config = await loadConfig(args.config);
  const beamline = openBeamline(config, id);
  const paths = beamline.config.gate(args.filePaths);
  await checkSources(beamline.config, paths);
  const { outcomes } = await runChain(ctx, beamline.config, paths, beamline.chain({ exportControlled: args.exportControlled }), createServices(config, ctx));
  ctx.report.list("outcomes", outcomes.map((o) => ({ unit: o.unit, step: o.step, status: o.status, detail: o.detail })));
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
  const outputs = /* @__PURE__ */ new Map();
  const summary = new SummaryBuilder();
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
    const lines = redact(message).split(/\r?\n/);
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
    const heading = () => `${indent}${redact(label)}: `;
    return {
      update(bytes) {
        if (finished) return;
        doneBytes = bytes;
        const t = now();
        if (isTTY) {
          if (t - lastDraw < TTY_INTERVAL_MS) return;
          lastDraw = t;
          liveLine = heading() + redact(describeProgress(doneBytes, totalBytes, elapsed()));
          stream.write(`\r\x1B[K${liveLine}`);
        } else {
          if (lastDraw === -Infinity) lastDraw = start;
          if (t - lastDraw < PLAIN_INTERVAL_MS || totalBytes > 0 && bytes >= totalBytes) return;
          lastDraw = t;
          emit(describeProgress(doneBytes, totalBytes, elapsed()), `${redact(label)}: `, indent);
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
        emit(line, `${redact(label)}: `, indent);
      }
    };
  };
  return {
    kind: "terminal",
    outputs,
    summary,
    report: new StepReport(),
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
      outputs.set(name, redact(String(value)));
    },
    mask(secret) {
      registerSecret(secret);
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
  const started = /* @__PURE__ */ new Date();
  let error = null;
  try {
    return await fn(ctx);
  } catch (err) {
    error = describeError(err).replace(/\n/g, " ");
    if (ctx.kind === "github") ctx.summary.text(`**${title} failed:** ${error}`);
    throw err;
  } finally {
    await ctx.flushSummary();
    await keepReport(ctx, title, started, error);
  }
}
async function keepReport(ctx, title, started, error) {
  const dir = reportDir();
  if (dir === void 0) return;
  const doc = ctx.report.toDoc({ title, status: error === null ? "ok" : "failed", error, started, finished: /* @__PURE__ */ new Date(), run: runOf() });
  if (doc === void 0) return;
  try {
    const file = await writeReport(doc, dir);
    ctx.debug(`step report: ${file}`);
  } catch (err) {
    ctx.warn(`could not write the step report to ${dir}: ${err instanceof Error ? err.message : String(err)}`);
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
import { existsSync as existsSync3 } from "node:fs";
function notConfigured(probe, what, warnings) {
  try {
    probe();
  } catch (err) {
    if (!(err instanceof SplashError && err.kind === "not-configured")) throw err;
    warnings.push(`${what}: not configured — ${err.message}`);
  }
}
function runnable(probe, where) {
  try {
    return probe();
  } catch (err) {
    if (!(err instanceof SplashError && err.kind === "not-configured")) throw err;
    throw configError(`${where}: ${err.message}; the beamline's chain cannot run as configured`, err.hint);
  }
}
async function checkConfig(file, out) {
  const config = await loadConfig(file);
  const lines = [`${file}: valid`, "", `endpoints (${config.endpoints.size}):`];
  const warnings = [];
  for (const e of config.endpoints.values()) {
    lines.push(`  ${describeEndpoint(e)}`);
    if (e.type === "filesystem" && !existsSync3(e.root_path)) warnings.push(`endpoint ${e.name}: ${e.root_path} does not exist on this machine`);
    if (e.type === "globus" && /^0{8}-0{4}-0{4}-0{4}-0{12}$/.test(e.uuid)) warnings.push(`endpoint ${e.name}: its collection id is the nil UUID, a placeholder: set the real one before the first dispatch`);
  }
  const beamlines = configuredBeamlines(config);
  lines.push("", `beamlines (${beamlines.length}):`);
  const scicat = scicatConnection(config);
  const settings = scicatSettingsOf(config);
  for (const beamline of beamlines) {
    const { config: b } = beamline;
    const s = b.settings;
    const chain = beamline.chain({ exportControlled: false }).filter((step) => step.kind === "step").map((step) => step.name);
    const usesGlobus = [];
    s.move.forEach((h, i) => {
      const field = `beamlines.${b.id}.move[${i}]`;
      const from2 = b.endpoint(h.from, `${field}.from`);
      const to = b.endpoint(h.to, `${field}.to`);
      if (from2.type === "globus" || to.type === "globus") usesGlobus.push(field);
      if (chain.includes("move")) runnable(() => transferFor(from2, to), `${config.locate(["beamlines", b.id, "move", i])} ${field} (${h.from} → ${h.to})`);
    });
    s.prune.forEach((r2, i) => {
      const field = `beamlines.${b.id}.prune[${i}]`;
      const endpoint = b.endpoint(r2.endpoint, `${field}.endpoint`);
      const check = b.endpoint(r2.check, `${field}.check`);
      if (endpoint.type === "globus") usesGlobus.push(field);
      notConfigured(() => pruneFor(endpoint, check, r2.verify, { beamline: b.id, config: b.config }), `beamline ${b.id} prune of ${r2.endpoint}`, warnings);
    });
    let ingest = "";
    if (chain.includes("ingest")) {
      const source = runnable(() => ingestPreflight(b, settings), `${config.locate(["beamlines", b.id])} beamlines.${b.id}.ingest`);
      if (source.kind === "files") ingest = `reads the files in ${source.endpoint.name}${scicat ? "" : " (dry run: no scicat.url)"}`;
      else {
        usesGlobus.push(`beamlines.${b.id}.ingest`);
        ingest = `catalogues name, size and time from the Globus listing of ${source.endpoint.name}${scicat ? "" : " (dry run: no scicat.url)"}`;
        if (beamline.ingestor === dataExchangeIngestor) {
          warnings.push(`beamline ${b.id}: ingest sees only the Globus listing of ${source.endpoint.name}, so no Data Exchange metadata or thumbnails — set beamlines."${b.id}".ingest.read_from to a folder the runner mounts`);
        }
      }
    }
    let recon = "";
    const r = s.recon;
    if (r) {
      const where = `${config.locate(["beamlines", b.id, "recon"])} beamlines.${b.id}.recon`;
      if (!beamline.recon) throw configError(`${where}: beamline ${b.id} has no reconstruction of its own`, "remove the recon section, or add the beamline's recon to beamlines/ (8.3.2 and 7.0.1.2 have one)");
      const plan = beamline.recon;
      const centres = ["nersc", "alcf"].filter((h) => r[h] !== void 0);
      for (const h of centres) {
        if (!plan.hpcs.includes(h)) throw configError(`${where}.${h}: beamline ${b.id} does not reconstruct at ${h.toUpperCase()}`, `remove recon.${h}; ${plan.technique} runs at ${plan.hpcs.join(" or ")}`);
      }
      if (centres.includes("nersc") && !config.sfapi) throw configError(`${where}: recon at NERSC needs an sfapi: section`, "add sfapi: { client_id: ${SFAPI_CLIENT_ID}, private_key: ${SFAPI_PRIVATE_KEY} } (docs/recon.md)");
      const app = r.alcf?.globus_app;
      if (app !== void 0 && !config.globusApps.has(app)) throw configError(`${where}.alcf.globus_app: ${config.source} has no globus app ${JSON.stringify(app)}`, `name one of globus.globus_apps (${[...config.globusApps.keys()].join(", ") || "none defined"})`);
      const example = [gatePath(plan.example)];
      const pres = centres.map((h) => runnable(() => reconPreflight(b, plan, example, "", [h]), where));
      const defaults = runnable(() => reconPreflight(b, plan, example, "", r.hpc), where);
      warnings.push(...new Set(pres.flatMap((p) => p.warnings)));
      const landings = pres.map((p) => p.sites[0]?.hops.at(-1)?.to).filter((e) => e !== void 0);
      if (landings.length === 2 && landings[0]?.name === landings[1]?.name && r.hpc.length === 1) {
        warnings.push(`beamlines.${b.id}.recon: the results of NERSC and ALCF both come back to ${landings[0]?.name ?? ""}: a scan reconstructed at one centre and then at the other would meet the first one's results there (and not be overwritten)`);
      }
      for (const site of pres.flatMap((p) => p.sites)) {
        const hops = [...site.hops, ...site.stage ? [site.stage] : []];
        if (site.hpc === "alcf" || hops.some((h) => h.from.type === "globus" || h.to.type === "globus")) usesGlobus.push(`beamlines.${b.id}.recon${site.hpc === "alcf" ? ".alcf" : ".results"}`);
      }
      const n = r.nersc;
      const a = r.alcf;
      const parts = [
        n && config.sfapi ? `NERSC (${config.sfapi.machine}, qos ${n.qos}, account ${n.account}, ${n.constraint}, ${String(n.nodes)} node(s), walltime ${formatDuration(n.walltime_seconds)} + ${formatDuration(n.queue_allowance_seconds)} in the queue per job, ${n.container})` + (r.results.length > 0 ? `; results ${r.results.map((h) => `${h.from} → ${h.to}`).join(", ")}` : "; results stay at NERSC") : void 0,
        a ? `ALCF (Globus Compute endpoint ${a.endpoint_id}, function ${a.function_id ?? "registered at each run"}, time limit ${formatDuration(a.walltime_seconds)} + ${formatDuration(a.queue_allowance_seconds)} waiting per job${a.stage ? `; scan ${a.stage.from} → ${a.stage.to}` : ""}${a.results.length > 0 ? `; results ${a.results.map((h) => `${h.from} → ${h.to}`).join(", ")}` : "; results stay at ALCF"})` : void 0
      ].filter((x) => x !== void 0);
      const at = parts.length === 1 ? parts[0] ?? "" : `${r.hpc.map((h) => h.toUpperCase()).join(" and ")} by default; ${parts.join("; ")}`;
      recon = `${plan.technique} at ${at}; defaults: ${defaults.prepared.options}`;
    }
    if (usesGlobus.length > 0 && config.globusApps.size === 0) {
      throw configError(`${usesGlobus[0] ?? ""} uses Globus endpoints, but ${config.source} has no globus.globus_apps with credentials`, "add globus: { globus_apps: { … } } (see docs/config.md)");
    }
    const from = config.beamlines.has(b.id) ? "" : " (derived from the legacy layout)";
    lines.push(`  ${b.id} ${b.title}${from}`);
    lines.push(`    prefix: ${s.path_prefix ?? "(none)"}`);
    lines.push(`    move:   ${s.move.map((h) => `${h.from} → ${h.to}${h.skip_export_controlled ? " (not for export-controlled data)" : ""}`).join(", ") || "(none)"}`);
    for (const r2 of s.prune) lines.push(`    prune:  ${r2.endpoint} after ${days(r2.after_days)}, checked on ${r2.check} by ${r2.verify}`);
    if (ingest !== "") lines.push(`    ingest: ${ingest}`);
    if (recon !== "") lines.push(`    recon:  ${recon}`);
    if (s.archive) {
      const { target } = archiveTargetOf(b);
      const a = s.archive;
      lines.push(
        `    tape:   ${a.from}/${a.proposals}/<proposal> → ${a.to} ${target.to.root_path}/${b.id}/… via ${hostLabel(target.to)}, bundles ≤ ${formatBytes(a.bundle_max_bytes)} per beam cycle (${a.time_zone})`
      );
    }
  }
  const ruleProblem = pruneRulesError(pruneRuleProblems(pruneRulesOf(config, beamlines.map((b) => b.config.settings))));
  if (ruleProblem) throw ruleProblem;
  if (config.globusApps.size > 0) lines.push("", `globus apps: ${[...config.globusApps.keys()].join(", ")}`);
  if (warnings.length > 0) lines.push("", ...warnings.map((w) => `warning: ${w}`));
  out.write(redact(`${lines.join("\n")}
`));
  return 0;
}

// src/cli/demo.ts
import { existsSync as existsSync4, readdirSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
var DAY_MS4 = 864e5;
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
    # Reconstruction at NERSC: the demo has no sfapi: section (no credentials), so the chain reports recon as
    # "not configured"; \`splash recon --dry-run\` shows the exact Slurm scripts it would submit.
    recon:
      hpc: nersc
      nersc:
        account: als
        walltime: "0:30:00"
        cpus_per_task: 128
        images: { recon_image: ghcr.io/als-computing/microct:master, multires_image: ghcr.io/als-computing/microct:master }
        data_root: /global/cfs/cdirs/als/data_mover/8.3.2
        scratch_root: /pscratch/sd/a/alsdev/8.3.2
        log_root: /pscratch/sd/a/alsdev/tomo_recon_logs
        scripts_root: /global/cfs/cdirs/als/data_mover/8.3.2/tomography_reconstruction_scripts
`;
async function runDemo(opts) {
  const root = opts.dir ? resolve(opts.dir) : await mkdtemp(join(tmpdir(), "splash-demo-"));
  if (opts.dir && existsSync4(root) && readdirSync(root).length > 0) {
    throw usageError(`--dir ${root} is not empty`, "give a new or empty folder, or leave --dir out to use a temp folder");
  }
  const out = process.stdout;
  const say = (s = "") => out.write(`${s}
`);
  const config = join(root, "config.yml");
  for (const d of ["beamline", "server", "archive"]) await mkdir(join(root, d), { recursive: true });
  await writeFile(config, demoConfig(root));
  const proposal = join(root, "beamline", "raw", "demo-proposal");
  await mkdir(proposal, { recursive: true });
  const { writeDataExchange } = await import("./sample-scan-OKSPTQ66.js");
  const scans = [
    ["scan_0001.h5", 48],
    ["scan_0002.h5", 160]
  ];
  for (const [name, projections] of scans) await writeDataExchange(join(proposal, name), { projections: [projections, 256, 256] });
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
  await writeDataExchange(join(proposal, "scan_0003.h5"), { projections: [16, 256, 256] });
  const later = new Date(Date.now() + 2 * DAY_MS4);
  say();
  say(`2. A third scan (scan_0003.h5) lands on the beamline disk, but its dispatch never fires.`);
  say(`3. Two days later (--now ${later.toISOString().slice(0, 10)}) the scheduled prune runs:`);
  say();
  const pruneCtx = createTerminalContext({ verbose: opts.verbose });
  const reports = await runStep(pruneCtx, "Prune", (c) => runPrune(c, { config, beamline: "8.3.2", dryRun: false, now: later }));
  say();
  say(`4. The reconstruction at NERSC that a dispatch of ${dispatched[0] ?? ""} would submit (splash recon --dry-run:`);
  say("   no credentials needed; with an sfapi: section in config.yml the dispatch submits it through the Superfacility API):");
  say();
  const scripts = [];
  const reconCtx = createTerminalContext({ verbose: opts.verbose, stream: { write: () => true } });
  await runRecon(reconCtx, { config, beamline: "8.3.2", filePaths: dispatched.slice(0, 1), hpc: "nersc", reconOptions: "", exportControlled: false, dryRun: true, print: (t) => scripts.push(t) });
  say(scripts[0] ?? "");
  say(`   …then the multi-resolution (zarr) job: node dist/cli/index.js recon --beamline 8.3.2 --config ${config} --dry-run ${dispatched[0] ?? ""}`);
  say();
  say("What happened:");
  for (const r of reports) {
    say(`  ${r.endpoint}: ${r.pruned.length} pruned, ${r.kept.length} kept (younger than ${days(r.afterDays)}), ${r.unsafe.length} unsafe`);
    for (const u of r.unsafe) say(`    unsafe: ${u.rel} — ${u.reason}`);
  }
  say();
  say("Where the data is now:");
  for (const d of ["beamline", "server", "archive"]) {
    const files = [...walkTree(join(root, d))].flatMap((e) => e.kind === "file" ? [`${e.rel} (${formatBytes(e.stat.size)})`] : []);
    say(`  ${d}/: ${files.length === 0 ? "(empty)" : files.join(", ")}`);
  }
  const catalogued = (await readdir(join(root, "scicat-dry-run"), { recursive: true }).catch(() => [])).filter((n) => n.endsWith(".json"));
  say(`  SciCat (dry run, none configured): ${catalogued.length} dataset document(s) in ${join(root, "scicat-dry-run")}`);
  const left = await readdir(proposal);
  if (!left.includes("scan_0003.h5")) throw new Error("demo invariant broken: the unreplicated scan was deleted");
  say();
  if (opts.clean) {
    await rm(root, { recursive: true, force: true });
    say(`Removed ${root}.`);
  } else {
    say("Look around, or try it yourself:");
    say(`  ls -R ${root}`);
    say(`  node dist/cli/index.js prune --config ${config} --dry-run --now ${new Date(Date.now() + 40 * DAY_MS4).toISOString().slice(0, 10)}`);
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
  if (underRunner()) {
    const { createGithubContext } = await import("./github-KAVZX6LV.js");
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
    case "recon": {
      if (argv[0] === "register-function") {
        const { values: values2, positionals: positionals2 } = parseCommandArgs("recon", argv.slice(1), { ...common, beamline: { type: "string", short: "b" } });
        if (!values2.beamline) throw usageError("recon register-function: --beamline is required", "e.g. splash recon register-function --beamline 8.3.2");
        if (positionals2.length > 0) throw usageError(`recon register-function: unexpected argument ${JSON.stringify(positionals2[0])}`);
        const ctx2 = await stepContext(values2.verbose);
        await runStep(ctx2, "Register the ALCF wrapper", async (c) => {
          const r = await runRegisterFunction(c, { config: values2.config, beamline: values2.beamline ?? "" });
          process.stdout.write(`${r.functionId}
`);
          return r;
        });
        return 0;
      }
      const { values, positionals } = parseCommandArgs("recon", argv, {
        ...common,
        beamline: { type: "string", short: "b" },
        "file-paths": { type: "string" },
        hpc: { type: "string", default: "" },
        "recon-options": { type: "string", default: "" },
        "export-control": { type: "boolean", default: false },
        "dry-run": { type: "boolean", short: "n", default: false }
      });
      if (!values.beamline) throw usageError("recon: --beamline is required", "e.g. splash recon --beamline 8.3.2 --dry-run /raw/p1/scan.h5");
      const fromOption = values["file-paths"];
      if (fromOption !== void 0 && positionals.length > 0) throw usageError("recon: give paths either as arguments or with --file-paths, not both");
      const ctx = await stepContext(values.verbose);
      const dryRun = values["dry-run"];
      await runStep(
        ctx,
        dryRun ? "Recon (dry run)" : "Recon",
        (c) => runRecon(c, {
          config: values.config,
          beamline: values.beamline ?? "",
          filePaths: fromOption ?? positionals,
          hpc: values.hpc,
          reconOptions: values["recon-options"],
          exportControlled: values["export-control"],
          dryRun,
          // The scripts are the command's output: stdout, masked like every output.
          print: (text) => process.stdout.write(`${redact(text)}
`)
        })
      );
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
        now: { type: "string", default: "" },
        to: { type: "string", default: "" },
        archive: { type: "string", multiple: true, default: [] },
        file: { type: "string", multiple: true, default: [] },
        json: { type: "boolean", default: false }
      });
      const [sub, ...rest] = positionals;
      if (sub === "restore" || sub === "ls") {
        if (rest.length > 1) throw usageError(`hpss ${sub}: one proposal at a time, got ${String(rest.length)}`, "see: splash hpss --help");
        const proposal = rest[0] ?? "";
        if (sub === "ls") {
          if (values["dry-run"] || values.to !== "" || values.archive.length > 0 || values.file.length > 0) throw usageError("hpss ls: --dry-run, --to, --archive and --file go with restore");
          const ctx3 = await stepContext(values.verbose);
          await runStep(
            ctx3,
            "HPSS listing",
            (c) => runHpssList(c, { config: values.config, beamline: values.beamline, proposal, json: values.json, print: (text) => process.stdout.write(`${redact(text)}
`) })
          );
          return 0;
        }
        if (values.json) throw usageError("hpss restore: --json goes with ls");
        const ctx2 = await stepContext(values.verbose);
        await runStep(
          ctx2,
          values["dry-run"] ? "HPSS restore (dry run)" : "HPSS restore",
          (c) => runHpssRestore(c, { config: values.config, beamline: values.beamline, proposal, to: values.to, archives: values.archive, files: values.file, dryRun: values["dry-run"] })
        );
        return 0;
      }
      if (values.to !== "" || values.archive.length > 0 || values.file.length > 0 || values.json) throw usageError("hpss: --to, --archive, --file go with restore, --json with ls", "see: splash hpss --help");
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
      const { dispatchCommand } = await import("./commands-YJTA7GCI.js");
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
      const { watchCommand, watchStatus } = await import("./commands-YJTA7GCI.js");
      const { parseDuration } = await import("./duration-C4I6OJMF.js");
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
      const { reconcileCommand } = await import("./commands-YJTA7GCI.js");
      const { parseDuration } = await import("./duration-C4I6OJMF.js");
      const olderThanMs = parseDuration(values["older-than"], "--older-than");
      const beamlineId = values.beamline;
      const ctx = await stepContext(values.verbose);
      await runStep(ctx, "Reconcile", async (c) => {
        const { config, beamline } = await configAndBeamline(values.config, beamlineId);
        return reconcileCommand(c, { config, beamline, olderThanMs, dryRun: values["dry-run"], exportControl, now: /* @__PURE__ */ new Date(), userAgent });
      });
      return 0;
    }
    case "new-beamline": {
      const { values, positionals } = parseCommandArgs("new-beamline", argv, {
        title: { type: "string" },
        group: { type: "string" },
        label: { type: "string" },
        list: { type: "boolean", default: false },
        endpoint: { type: "string", multiple: true, default: [] },
        move: { type: "string", multiple: true, default: [] },
        prune: { type: "string", multiple: true, default: [] },
        root: { type: "string", default: "." },
        check: { type: "boolean", default: false }
      });
      const { applyScaffold, planScaffold, scaffoldSpec } = await import("./scaffold-HKR3SCHR.js");
      const spec = scaffoldSpec({ ids: positionals, title: values.title, group: values.group, label: values.label, list: values.list, endpoints: values.endpoint, moves: values.move, prunes: values.prune });
      const changes = await planScaffold(values.root, spec);
      const say = (line) => {
        process.stdout.write(`${line}
`);
      };
      if (values.check) {
        for (const c of changes) say(`would change ${c.file} (${c.what})`);
        if (changes.length > 0) throw usageError(`new-beamline --check: ${changes.length} file(s) differ from what the scaffold makes`, "run it without --check to make them");
        say(`${positionals.join(", ")}: everything the scaffold makes is in place`);
        return 0;
      }
      await applyScaffold(values.root, changes, say);
      say(changes.length === 0 ? `${positionals.join(", ")}: already in place, nothing changed` : `next: review the changes, run splash config check and npm test, and open a pull request (docs/adding-a-beamline.md)`);
      return 0;
    }
    case "status": {
      const { values, positionals } = parseCommandArgs("status", argv, {
        ...common,
        out: { type: "string", short: "o", default: "docs/status" },
        cache: { type: "string", default: ".splash-status-cache" },
        days: { type: "string", default: "28" },
        "max-requests": { type: "string", default: "200" },
        reserve: { type: "string", default: "100" },
        repository: { type: "string" },
        "api-url": { type: "string" }
      });
      if (positionals.length > 0) throw usageError(`status: unexpected argument ${JSON.stringify(positionals[0])}`, "see: splash status --help");
      const ctx = await stepContext(values.verbose);
      const { statusCommand } = await import("./status-CSB2ZZHX.js");
      await runStep(
        ctx,
        "Status pages",
        (c) => statusCommand(c, {
          config: values.config,
          out: values.out,
          cache: values.cache,
          days: values.days,
          maxRequests: values["max-requests"],
          reserve: values.reserve,
          repository: values.repository,
          apiUrl: values["api-url"],
          userAgent
        })
      );
      return 0;
    }
    default:
      throw usageError(`unknown command ${JSON.stringify(command)}`, "see: splash --help");
  }
}
export {
  runCommand
};
