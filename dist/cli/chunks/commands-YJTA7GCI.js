#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  GitHubError,
  MAX_BODY_BYTES,
  backoffMs,
  dispatchWithRetry,
  emptyBodyBytes,
  githubClient,
  githubCredentials,
  githubSettings,
  networkFailure,
  pathBytes,
  planDispatches,
  retryPolicy,
  waitAfter
} from "./chunk-UAXXYRI7.js";
import {
  createServices
} from "./chunk-2ATJ5AKA.js";
import {
  describeEndpoint
} from "./chunk-FJRQZ2JG.js";
import {
  processAlive,
  walkTree
} from "./chunk-D3FNX6KP.js";
import {
  formatDuration
} from "./chunk-CKQM3LGX.js";
import {
  watchSettingsOf
} from "./chunk-TCTI7BQX.js";
import {
  globMatcher
} from "./chunk-YSF46SAP.js";
import "./chunk-LYSRECY6.js";
import "./chunk-2647Y4NJ.js";
import {
  SweepLocator,
  gatePath,
  gateRootPath
} from "./chunk-2EMMB7EI.js";
import "./chunk-YQAML7Q2.js";
import {
  configError,
  describeError,
  errorCode,
  stepError,
  usageError
} from "./chunk-4VXUNQHW.js";
import {
  redact,
  redactValue,
  scrubCredentials
} from "./chunk-ZFJJYYNF.js";
import "./chunk-CJW4YZWO.js";

// src/watch/commands.ts
import { statSync } from "node:fs";
import { isAbsolute, join as join3, resolve } from "node:path";

// src/watch/reconcile.ts
import { lstatSync } from "node:fs";

// src/watch/filter.ts
var TEMPORARY = /(\.(tmp|temp|part|partial|crdownload|download|swp|swx|swo|lck|lock)$|~$|^~\$|^#.*#$|^thumbs\.db$|^desktop\.ini$)/i;
function builtinIgnoreReason(rel) {
  const segments = rel.split("/");
  if (segments.some((s) => s.startsWith("."))) return "hidden";
  const base = segments.at(-1) ?? "";
  if (TEMPORARY.test(base)) return "temporary name";
  return void 0;
}
function makeFilter(opts) {
  const nocase = opts.nocase ?? process.platform === "win32";
  const wanted = opts.patterns.length > 0 ? globMatcher(opts.patterns, { nocase }) : void 0;
  const ignored = globMatcher(opts.ignore, { nocase });
  return {
    accepts(rel) {
      if (builtinIgnoreReason(rel) !== void 0) return false;
      if (ignored(rel)) return false;
      return wanted === void 0 || wanted(rel);
    },
    skipsDir(rel) {
      if (rel === "") return false;
      if (rel.split("/").some((s) => s.startsWith("."))) return true;
      return ignored(rel) || ignored(`${rel}/`);
    }
  };
}

// src/watch/reconcile.ts
async function planReconcile(beamline, opts) {
  const hop = beamline.settings.move[0];
  if (!hop) throw configError(`reconcile: beamline ${beamline.id} has no move hops`, `add a move: list to beamlines."${beamline.id}" in ${beamline.config.source}`);
  const field = `beamlines.${beamline.id}.move[0]`;
  const from = reconcilable(beamline.endpoint(hop.from, `${field}.from`), `${field}.from`);
  const to = reconcilable(beamline.endpoint(hop.to, `${field}.to`), `${field}.to`);
  let loaded;
  const globus = () => loaded ??= (async () => ({ client: await opts.globus(), lib: await import("./globus-EN3V5TKF.js") }))();
  for (const e of [from, to]) {
    if (e.type !== "globus") continue;
    const { client, lib } = await globus();
    await lib.requireRoot(client, e);
  }
  const watch2 = watchSettingsOf(beamline.settings);
  const filter = makeFilter({ patterns: watch2.patterns, ignore: watch2.ignore, nocase: false });
  const cutoff = opts.now.getTime() - opts.olderThanMs;
  let scanned = 0;
  let young = 0;
  const candidates = [];
  const skipped = [];
  for await (const entry of sourceEntries(from, globus, filter)) {
    if (entry.rel.split("/").some((s) => s.startsWith("."))) continue;
    if (entry.kind === "skipped") {
      skipped.push({ rel: entry.rel, why: entry.reason });
      continue;
    }
    if (!filter.accepts(entry.rel)) continue;
    scanned++;
    if (entry.mtimeMs > cutoff) {
      young++;
      continue;
    }
    try {
      gatePath(entry.rel, { field: "file" });
    } catch (err) {
      skipped.push({ rel: entry.rel, why: err instanceof Error ? err.message : String(err) });
      continue;
    }
    candidates.push(entry);
  }
  const missing = await notAtDestination(to, globus, candidates);
  return { from, to, scanned, young, present: candidates.length - missing.length, missing, skipped };
}
function reconcilable(e, field) {
  if (e.type === "filesystem" || e.type === "globus") return e;
  throw configError(
    `reconcile: ${field} is ${describeEndpoint(e)}; reconcile lists file-system endpoints and Globus collections only`,
    "reconcile compares the first move hop; make it a filesystem or globus endpoint, or re-dispatch by hand with splash dispatch"
  );
}
async function* sourceEntries(from, globus, filter) {
  if (from.type === "filesystem") {
    for (const e of walkTree(from.root_path)) yield e.kind === "file" ? { kind: "file", rel: e.rel, size: e.stat.size, mtimeMs: e.stat.mtimeMs } : e;
    return;
  }
  const { client, lib } = await globus();
  yield* lib.walkCollection(client, from, "", { descend: (rel) => !filter.skipsDir(rel) });
}
async function notAtDestination(to, globus, files) {
  const judge = (f, copy) => !copy ? "missing" : !copy.isFile ? "not a regular file" : copy.size !== f.size ? "size differs" : void 0;
  let whys;
  if (to.type === "filesystem") {
    const locator = new SweepLocator(to.root_path);
    whys = files.map((f) => {
      const where = locator.locate(f.rel);
      const st = where.problem === null ? lstatSync(where.abs, { throwIfNoEntry: false }) : void 0;
      return judge(f, st && { isFile: st.isFile(), size: st.size });
    });
  } else {
    const { client, lib } = await globus();
    const found = await lib.lookupByFolder(client, to, files.map((f) => f.rel));
    whys = files.map((f) => {
      const d = found.get(f.rel);
      return judge(f, d && { isFile: d.type === "file" && !d.link_target, size: d.size });
    });
  }
  return files.flatMap((f, i) => {
    const why = whys[i];
    return why === void 0 ? [] : [{ rel: f.rel, why }];
  });
}
function prefixed(beamline, rel) {
  const prefix = beamline.settings.path_prefix;
  if (prefix === void 0) return rel;
  return prefix === "/" ? `/${rel}` : `${prefix}/${rel}`;
}

// src/watch/spool.ts
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { chmod, mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
var PENDING = "pending";
var LEDGER = "sent.jsonl";
var LOCK = "lock";
var ACCEPTED = ".sent";
var FILE_MODE = 384;
var DIR_MODE = 448;
var keyOf = (size, mtimeMs) => `${size}:${mtimeMs}`;
async function fsyncDir(dir) {
  let handle;
  try {
    handle = await open(dir, "r");
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch {
  } finally {
    await handle.close();
  }
}
async function writeAtomic(file, text, durable) {
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  try {
    const handle = await open(tmp, "wx", FILE_MODE);
    try {
      await handle.writeFile(text);
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  if (durable) await fsyncDir(join(file, ".."));
}
function isRecord(v) {
  if (typeof v !== "object" || v === null) return false;
  const r = v;
  return r.version === 1 && typeof r.id === "string" && typeof r.event_type === "string" && typeof r.is_export_control === "boolean" && Array.isArray(r.files) && r.files.every((f) => {
    const e = f;
    return typeof e?.path === "string" && typeof e.size === "number" && typeof e.mtimeMs === "number";
  });
}
function parseLedgerLine(line) {
  try {
    const v = JSON.parse(line);
    if (typeof v.path === "string" && typeof v.size === "number" && typeof v.mtime === "number") return v;
  } catch {
  }
  return void 0;
}
async function readRecord(file) {
  try {
    const record = JSON.parse(await readFile(file, "utf8"));
    return isRecord(record) ? record : void 0;
  } catch {
    return void 0;
  }
}
function ledgerText(records, at) {
  const iso = at.toISOString();
  return records.flatMap((r) => r.files.map((f) => `${JSON.stringify({ path: f.path, size: f.size, mtime: f.mtimeMs, at: iso })}
`)).join("");
}
function describeFsError(err) {
  const code = errorCode(err);
  return code === "ENOSPC" ? "ENOSPC: no space left on the device" : code ?? (err instanceof Error ? err.message : String(err));
}
var SpoolLedgerError = class extends Error {
  constructor(message, cause) {
    super(message, { cause });
    this.name = "SpoolLedgerError";
  }
};
function readLock(dir) {
  try {
    const v = JSON.parse(readFileSync(join(dir, LOCK), "utf8"));
    if (typeof v.pid === "number" && typeof v.host === "string") return { pid: v.pid, host: v.host, started: typeof v.started === "string" ? v.started : "" };
  } catch {
  }
  return void 0;
}
var openHere = /* @__PURE__ */ new Set();
function acquireLock(dir) {
  const file = join(dir, LOCK);
  const info = { pid: process.pid, host: hostname(), started: (/* @__PURE__ */ new Date()).toISOString() };
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(file, "wx", FILE_MODE);
      try {
        writeSync(fd, `${JSON.stringify(info)}
`);
      } catch (err) {
        closeSync(fd);
        unlinkSync(file);
        if (errorCode(err) === "ENOSPC" || errorCode(err) === "EDQUOT") {
          throw stepError(
            `spool ${dir}: its disk is full (${String(errorCode(err))}); the watcher cannot take the spool's lock`,
            "free space on that disk, then start the watcher again; batches GitHub already accepted are not sent again (splash watch --status lists them)"
          );
        }
        throw err;
      }
      closeSync(fd);
      return;
    } catch (err) {
      if (errorCode(err) !== "EEXIST") throw err;
    }
    const holder = readLock(dir);
    if (holder && holder.host !== info.host) {
      throw configError(
        `spool ${dir} is locked by a watcher on ${holder.host} (pid ${holder.pid})`,
        `one watcher per spool; if that watcher is gone for good, delete ${file}`
      );
    }
    const ours = holder?.pid === process.pid;
    if (holder && (ours && openHere.has(dir) || !ours && processAlive(holder.pid))) {
      throw configError(`spool ${dir} is in use by another watcher (pid ${holder.pid}, started ${holder.started})`, "stop it first, or give this one its own --spool");
    }
    try {
      unlinkSync(file);
    } catch {
    }
  }
  throw configError(`cannot lock spool ${dir}`, `delete ${file} if no watcher is running`);
}
var Spool = class _Spool {
  dir;
  /** path → key of the last version sent. */
  #sent = /* @__PURE__ */ new Map();
  /** `path\0key` of every file in a pending record. */
  #pendingKeys = /* @__PURE__ */ new Set();
  #pending = /* @__PURE__ */ new Map();
  /** Accepted by GitHub, ledger lines not yet written (the disk was full): written when there is room. */
  #unrecorded = /* @__PURE__ */ new Map();
  /** An append failed part-way: the next one starts on a fresh line. */
  #ledgerTorn = false;
  #ledgerLines = 0;
  #seq = 0;
  #closed = false;
  /** Ledger appends and compaction one at a time: a compaction's rename must not drop an append made meanwhile. */
  #ledgerQueue = Promise.resolve();
  constructor(dir) {
    this.dir = dir;
  }
  /** Open (creating) a spool: take its lock, read ledger and pending batches, tidy what a crash left. */
  static async open(dir) {
    await mkdir(join(dir, PENDING), { recursive: true, mode: DIR_MODE });
    acquireLock(dir);
    openHere.add(dir);
    const spool = new _Spool(dir);
    try {
      const notes = await spool.#load();
      return { spool, notes };
    } catch (err) {
      await spool.close();
      throw err;
    }
  }
  async #load() {
    const notes = [];
    let text = "";
    try {
      text = await readFile(join(this.dir, LEDGER), "utf8");
    } catch (err) {
      if (errorCode(err) !== "ENOENT") throw err;
    }
    for (const line of text.split("\n")) {
      if (line === "") continue;
      const entry = parseLedgerLine(line);
      if (!entry) continue;
      this.#sent.set(entry.path, keyOf(entry.size, entry.mtime));
      this.#ledgerLines++;
    }
    if (text !== "" && !text.endsWith("\n")) this.#ledgerTorn = true;
    const dir = join(this.dir, PENDING);
    await Promise.all([this.dir, dir].map((d) => chmod(d, DIR_MODE).catch(() => void 0)));
    await chmod(join(this.dir, LEDGER), FILE_MODE).catch(() => void 0);
    for (const name of (await readdir(dir)).sort()) {
      const file = join(dir, name);
      await chmod(file, FILE_MODE).catch(() => void 0);
      if (name.endsWith(ACCEPTED)) {
        const record2 = await readRecord(file);
        if (!record2) {
          await rename(file, `${file}.unreadable`);
          notes.push(`set aside an unreadable record of an accepted batch: ${file}.unreadable`);
          continue;
        }
        for (const f of record2.files) this.#sent.set(f.path, keyOf(f.size, f.mtimeMs));
        this.#unrecorded.set(record2.id, record2);
        continue;
      }
      if (name.endsWith(".tmp")) {
        await rm(file, { force: true });
        continue;
      }
      if (!name.endsWith(".json")) continue;
      const record = await readRecord(file);
      if (!record) {
        await rename(file, `${file}.unreadable`);
        notes.push(`set aside an unreadable spool record: ${file}.unreadable`);
        continue;
      }
      if (record.files.every((f) => this.#sent.get(f.path) === keyOf(f.size, f.mtimeMs))) {
        await rm(file, { force: true });
        notes.push(`removed batch ${record.id}: already sent (the watcher stopped before removing it)`);
        continue;
      }
      const lastError = record.last_error === void 0 ? void 0 : redact(record.last_error);
      if (lastError !== record.last_error) {
        const cleaned = { ...record, last_error: lastError };
        await writeAtomic(file, `${JSON.stringify(cleaned)}
`, true).catch(() => void 0);
        this.#addPending(cleaned);
      } else {
        this.#addPending(record);
      }
    }
    if (this.#unrecorded.size > 0) {
      const n = this.#unrecorded.size;
      try {
        await this.flushAccepted();
        notes.push(`recorded ${n} batch(es) GitHub had accepted while the spool's disk was full; none is sent again`);
      } catch (err) {
        notes.push(`${n} batch(es) GitHub accepted are still waiting for room in the sent ledger (${describeFsError(err)}); none is sent again`);
      }
    }
    return notes;
  }
  #addPending(record) {
    this.#pending.set(record.id, record);
    for (const f of record.files) this.#pendingKeys.add(`${f.path}\0${keyOf(f.size, f.mtimeMs)}`);
    const seq = /-(\d+)-/.exec(record.id)?.[1];
    if (seq !== void 0) this.#seq = Math.max(this.#seq, Number(seq));
  }
  /** Is this version of the file already spooled or sent? */
  has(path, size, mtimeMs) {
    const key = keyOf(size, mtimeMs);
    if (this.#sent.get(path) === key) return "sent";
    if (this.#pendingKeys.has(`${path}\0${key}`)) return "pending";
    return void 0;
  }
  /** Pending batches, oldest first. */
  pending() {
    return [...this.#pending.values()].sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  }
  get sentCount() {
    return this.#sent.size;
  }
  /** Spool a batch durably. Its files count as known from the moment this is called. */
  async add(eventType, isExportControl, files) {
    this.#seq++;
    const id = `${String(Date.now()).padStart(15, "0")}-${String(this.#seq).padStart(6, "0")}-${randomBytes(2).toString("hex")}`;
    const record = { version: 1, id, created: (/* @__PURE__ */ new Date()).toISOString(), event_type: eventType, is_export_control: isExportControl, files, attempts: 0 };
    for (const f of files) this.#pendingKeys.add(`${f.path}\0${keyOf(f.size, f.mtimeMs)}`);
    try {
      await writeAtomic(join(this.dir, PENDING, `${id}.json`), `${JSON.stringify(record)}
`, true);
    } catch (err) {
      for (const f of files) this.#pendingKeys.delete(`${f.path}\0${keyOf(f.size, f.mtimeMs)}`);
      throw err;
    }
    this.#pending.set(id, record);
    return record;
  }
  /**
   * GitHub accepted these batches: ledger lines first (durable), then the records go. Memory is updated
   * before the disk, so a failing disk cannot make this process send them again (a restart might: a
   * duplicate, never a loss).
   */
  async markSent(records, at = /* @__PURE__ */ new Date()) {
    for (const r of records) {
      for (const f of r.files) {
        this.#sent.set(f.path, keyOf(f.size, f.mtimeMs));
        this.#pendingKeys.delete(`${f.path}\0${keyOf(f.size, f.mtimeMs)}`);
      }
      this.#pending.delete(r.id);
    }
    const lines = records.reduce((n, r) => n + r.files.length, 0);
    this.#ledgerLines += lines;
    try {
      await this.#appendLedger(ledgerText(records, at));
    } catch (err) {
      this.#ledgerLines -= lines;
      throw await this.#keepAccepted(records, err);
    }
    for (const r of records) await rm(join(this.dir, PENDING, `${r.id}.json`), { force: true });
  }
  /**
   * The ledger could not take these accepted batches: rename their records to `.sent` (no free space needed),
   * so `--status` and a restart know GitHub has them, and write the ledger later. Returns the error to report,
   * which says exactly what a restart would send again if even the rename failed.
   */
  async #keepAccepted(records, cause) {
    const unmarked = [];
    for (const r of records) {
      this.#unrecorded.set(r.id, r);
      try {
        await rename(join(this.dir, PENDING, `${r.id}.json`), join(this.dir, PENDING, `${r.id}${ACCEPTED}`));
      } catch {
        unmarked.push(r);
      }
    }
    await fsyncDir(join(this.dir, PENDING));
    const files = records.reduce((n, r) => n + r.files.length, 0);
    const why = describeFsError(cause);
    if (unmarked.length === 0) {
      return new SpoolLedgerError(
        `GitHub accepted ${files} file(s) but the sent ledger could not be written (${why}); marked as accepted (${records.map((r) => `pending/${r.id}${ACCEPTED}`).join(", ")}): not sent again, recorded in the ledger once there is room`,
        cause
      );
    }
    const resend = unmarked.reduce((n, r) => n + r.files.length, 0);
    return new SpoolLedgerError(
      `GitHub accepted ${files} file(s) but neither the sent ledger nor the batch records could be updated (${why}); this watcher will not send them again, but a restart before the disk recovers sends these ${resend} file(s) again: batch(es) ${unmarked.map((r) => `${r.id} (${r.files.length} file(s) from ${JSON.stringify(r.files[0]?.path ?? "")})`).join(", ")}`,
      cause
    );
  }
  /** Batches accepted while the ledger could not be written, still waiting for room. */
  get unrecorded() {
    return this.#unrecorded.size;
  }
  /** Write the ledger lines of batches accepted while the disk was full, then drop their records. Throws while there is still no room. */
  async flushAccepted(at = /* @__PURE__ */ new Date()) {
    if (this.#unrecorded.size === 0) return;
    const records = [...this.#unrecorded.values()];
    await this.#appendLedger(ledgerText(records, at));
    this.#ledgerLines += records.reduce((n, r) => n + r.files.length, 0);
    for (const r of records) {
      this.#unrecorded.delete(r.id);
      await rm(join(this.dir, PENDING, `${r.id}${ACCEPTED}`), { force: true });
      await rm(join(this.dir, PENDING, `${r.id}.json`), { force: true });
    }
  }
  /** Record files as already handled without sending them (`--ignore-existing`: adopting a folder of old data). */
  async markBaseline(entries) {
    if (entries.length === 0) return;
    const at = (/* @__PURE__ */ new Date()).toISOString();
    await this.#appendLedger(entries.map((f) => `${JSON.stringify({ path: f.path, size: f.size, mtime: f.mtimeMs, at, baseline: true })}
`).join(""));
    for (const f of entries) this.#sent.set(f.path, keyOf(f.size, f.mtimeMs));
    this.#ledgerLines += entries.length;
  }
  /** A failed attempt: counted and explained in the record (for --status); no fsync, it is only bookkeeping. */
  async markFailed(records, error, nextAttempt, at = /* @__PURE__ */ new Date()) {
    for (const r of records) {
      if (!this.#pending.has(r.id)) continue;
      const updated = { ...r, attempts: r.attempts + 1, last_error: redact(error), last_attempt: at.toISOString(), next_attempt: nextAttempt.toISOString() };
      this.#pending.set(r.id, updated);
      await writeAtomic(join(this.dir, PENDING, `${r.id}.json`), `${JSON.stringify(updated)}
`, false);
    }
  }
  /**
   * Keep the ledger small: drop lines for files that are gone or changed (`present`: path → key of every
   * file now in the watched folder, from a complete scan). Only when at least half of it is dead weight.
   */
  async compact(present) {
    return this.#serialLedger(async () => {
      let live = 0;
      for (const [path, key] of this.#sent) if (present.get(path) === key) live++;
      if (this.#ledgerLines < 1e3 || this.#ledgerLines < 2 * live) return 0;
      const keep = [];
      const at = (/* @__PURE__ */ new Date()).toISOString();
      for (const [path, key] of this.#sent) {
        if (present.get(path) !== key) continue;
        const [size = 0, mtime = 0] = key.split(":").map(Number);
        keep.push(`${JSON.stringify({ path, size, mtime, at })}
`);
      }
      await writeAtomic(join(this.dir, LEDGER), keep.join(""), true);
      for (const [path, key] of [...this.#sent]) if (present.get(path) !== key) this.#sent.delete(path);
      const dropped = this.#ledgerLines - keep.length;
      this.#ledgerLines = keep.length;
      return dropped;
    });
  }
  #serialLedger(fn) {
    const run = this.#ledgerQueue.then(fn, fn);
    this.#ledgerQueue = run.catch(() => void 0);
    return run;
  }
  async #appendLedger(text) {
    await this.#serialLedger(async () => {
      const handle = await open(join(this.dir, LEDGER), "a", FILE_MODE);
      try {
        await handle.writeFile(this.#ledgerTorn ? `
${text}` : text);
        await handle.sync();
        this.#ledgerTorn = false;
      } catch (err) {
        this.#ledgerTorn = true;
        throw err;
      } finally {
        await handle.close();
      }
    });
  }
  /** Release the lock. */
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    openHere.delete(this.dir);
    const holder = readLock(this.dir);
    if (holder?.pid === process.pid) await rm(join(this.dir, LOCK), { force: true });
  }
};
async function readSpoolStatus(dir) {
  let names;
  try {
    names = (await readdir(join(dir, PENDING))).sort();
  } catch (err) {
    if (errorCode(err) === "ENOENT") return { dir, exists: false, watcher: void 0, pending: [], pendingFiles: 0, accepted: [], acceptedFiles: 0, sentFiles: 0, unreadable: [] };
    throw err;
  }
  const pending = [];
  const accepted = [];
  const unreadable = [];
  for (const name of names) {
    if (name.endsWith(".unreadable")) unreadable.push(name);
    const kind = name.endsWith(".json") ? pending : name.endsWith(ACCEPTED) ? accepted : void 0;
    if (!kind) continue;
    try {
      const record = JSON.parse(await readFile(join(dir, PENDING, name), "utf8"));
      if (isRecord(record)) kind.push(record.last_error === void 0 ? record : { ...record, last_error: scrubCredentials(record.last_error) });
      else unreadable.push(name);
    } catch (err) {
      if (errorCode(err) !== "ENOENT") unreadable.push(name);
    }
  }
  const acceptedIds = new Set(accepted.map((r) => r.id));
  const waiting = pending.filter((r) => !acceptedIds.has(r.id));
  const sent = /* @__PURE__ */ new Map();
  try {
    for (const line of (await readFile(join(dir, LEDGER), "utf8")).split("\n")) {
      const e = line === "" ? void 0 : parseLedgerLine(line);
      if (e) sent.set(e.path, keyOf(e.size, e.mtime));
    }
  } catch (err) {
    if (errorCode(err) !== "ENOENT") throw err;
  }
  const lock = readLock(dir);
  const watcher = lock ? { ...lock, running: lock.host === hostname() ? processAlive(lock.pid) : true } : void 0;
  const files = (rs) => rs.reduce((n, r) => n + r.files.length, 0);
  return { dir, exists: true, watcher, pending: waiting, pendingFiles: files(waiting), accepted, acceptedFiles: files(accepted), sentFiles: sent.size, unreadable };
}

// src/watch/watcher.ts
import { lstatSync as lstatSync2, readdirSync, watch } from "node:fs";
import { join as join2, sep as nativeSep } from "node:path";
function toPosixRelative(name, sep = nativeSep) {
  return sep === "/" ? name : name.split(sep).join("/");
}
function dispatchPath(sendAs, rel) {
  return sendAs === "/" ? `/${rel}` : `${sendAs}/${rel}`;
}
function statOf(path) {
  try {
    return lstatSync2(path, { throwIfNoEntry: false });
  } catch {
    return void 0;
  }
}
var stamp = () => (/* @__PURE__ */ new Date()).toISOString().replace(/\.\d+Z$/, "Z");
var Watcher = class {
  stats = { filesDispatched: 0, requests: 0, failedRequests: 0, batchesSpooled: 0 };
  #o;
  #filter;
  #stableMs;
  #batchMs;
  #maxBytes;
  #sep;
  #tracked = /* @__PURE__ */ new Map();
  /** Paths (relative, '/') reported by fs events since the last tick. */
  #dirty = /* @__PURE__ */ new Set();
  /** rel → key of a version the path gate refused (warned once). */
  #refused = /* @__PURE__ */ new Map();
  #forming = [];
  #formingBytes = 0;
  #formingSince = 0;
  /** `path\0key` of files in the forming batch and in batches being written to the spool. */
  #unsealed = /* @__PURE__ */ new Set();
  #sealing = Promise.resolve();
  #watchers = /* @__PURE__ */ new Map();
  /** Folders seen by the last scan or walked since: an event naming one of them needs no walk. */
  #knownDirs = /* @__PURE__ */ new Set();
  #watchDisabled = false;
  #tickTimer;
  #rescanTimer;
  #pumpTimer;
  #pumping;
  #pauseUntil = 0;
  #failures = 0;
  #failingSince;
  #stopping = false;
  #finish;
  #exitCode = 0;
  #rescanRequested = false;
  #compacting = false;
  #recordingAccepted = false;
  #recordAcceptedAt = 0;
  constructor(opts) {
    this.#o = opts;
    this.#filter = makeFilter({ patterns: opts.settings.patterns, ignore: opts.settings.ignore });
    this.#stableMs = opts.settings.stable_seconds * 1e3;
    this.#batchMs = opts.settings.batch_seconds * 1e3;
    this.#maxBytes = opts.maxBodyBytes ?? MAX_BODY_BYTES;
    this.#sep = opts.sep ?? nativeSep;
  }
  /** Runs until stop() (or, with `once`, until everything found is sent); resolves with the exit code. */
  async run() {
    const o = this.#o;
    const done = new Promise((resolve2) => this.#finish = resolve2);
    o.log.info(
      `${stamp()} watching ${o.dir} as ${o.sendAs} for ${o.beamline.id}: ${o.settings.event_type} → ${o.client.repository}; complete after ${formatDuration(this.#stableMs)} unchanged, batches of ${formatDuration(this.#batchMs)}; spool ${o.spool.dir}`
    );
    const waiting = o.spool.pending();
    if (waiting.length > 0) {
      o.log.info(`${stamp()} ${waiting.length} batch(es) (${waiting.reduce((n, r) => n + r.files.length, 0)} files) from before are in the spool; sending them first`);
    }
    const initial = this.#scan(!o.once);
    if (o.ignoreExisting) {
      const entries = [...this.#tracked].map(([rel, t]) => ({ path: dispatchPath(o.sendAs, rel), size: t.size, mtimeMs: t.mtimeMs }));
      this.#tracked.clear();
      await o.spool.markBaseline(entries);
      o.log.info(`${stamp()} --ignore-existing: ${entries.length} file(s) already here recorded as handled, not dispatched`);
    }
    o.log.debug(`initial scan: ${initial.files} file(s), ${this.#tracked.size} to wait for`);
    const tickMs = Math.max(25, Math.min(250, Math.min(this.#stableMs, this.#batchMs > 0 ? this.#batchMs : this.#stableMs) / 4));
    this.#tickTimer = setInterval(() => {
      this.#tick();
    }, tickMs);
    if (!o.once) {
      this.#rescanTimer = setInterval(() => {
        this.#rescanRequested = true;
      }, o.settings.rescan_seconds * 1e3);
    }
    this.#kick();
    this.#tick();
    return done;
  }
  /** Stop watching; seal what is forming, let a request in flight finish (its answer must be recorded). */
  async stop() {
    if (this.#stopping) return;
    this.#stopping = true;
    clearInterval(this.#tickTimer);
    clearInterval(this.#rescanTimer);
    clearTimeout(this.#pumpTimer);
    for (const w of this.#watchers.values()) w.close();
    this.#watchers.clear();
    this.#seal();
    await this.#sealing;
    await this.#pumping;
    this.#finish?.(this.#exitCode);
  }
  // ----- discovery -----
  #abs(rel) {
    return rel === "" ? this.#o.dir : join2(this.#o.dir, this.#sep === "/" ? rel : rel.split("/").join(this.#sep));
  }
  /** Walk the folder (no symlinks followed, ignored folders not entered); observe every data file. */
  #scan(withWatches) {
    const now = Date.now();
    const present = /* @__PURE__ */ new Map();
    const seenDirs = /* @__PURE__ */ new Set();
    const stack = [""];
    let files = 0;
    let complete = true;
    while (stack.length > 0) {
      const relDir = stack.pop() ?? "";
      let names;
      try {
        names = readdirSync(this.#abs(relDir));
      } catch (err) {
        complete = false;
        if (relDir === "") this.#o.log.warn(`${stamp()} cannot read ${this.#o.dir}: ${describeError(err)}`);
        continue;
      }
      seenDirs.add(relDir);
      if (withWatches) this.#watchDir(relDir);
      for (const name of names) {
        const rel = relDir === "" ? toPosixRelative(name, this.#sep) : `${relDir}/${toPosixRelative(name, this.#sep)}`;
        const st = statOf(this.#abs(rel));
        if (!st) {
          complete = false;
          continue;
        }
        if (st.isDirectory()) {
          if (!this.#filter.skipsDir(rel)) stack.push(rel);
        } else if (st.isFile() && this.#filter.accepts(rel)) {
          files++;
          present.set(dispatchPath(this.#o.sendAs, rel), keyOf(st.size, st.mtimeMs));
          this.#observe(rel, st, now);
        }
      }
    }
    this.#knownDirs = seenDirs;
    if (withWatches) {
      for (const [relDir, w] of this.#watchers) {
        if (!seenDirs.has(relDir) && !(this.#o.nativeRecursive ?? process.platform !== "linux")) {
          w.close();
          this.#watchers.delete(relDir);
        }
      }
    }
    return { files, present, complete };
  }
  #watchDir(relDir) {
    if (this.#watchDisabled || this.#stopping || this.#watchers.has(relDir)) return;
    const recursive = this.#o.nativeRecursive ?? process.platform !== "linux";
    if (recursive && relDir !== "") return;
    try {
      const w = watch(this.#abs(relDir), { recursive, persistent: true }, (_event, filename) => {
        if (filename === null) {
          this.#rescanRequested = true;
          return;
        }
        const name = toPosixRelative(filename, this.#sep);
        this.#dirty.add(relDir === "" ? name : `${relDir}/${name}`);
      });
      w.on("error", () => {
        w.close();
        this.#watchers.delete(relDir);
        this.#rescanRequested = true;
      });
      this.#watchers.set(relDir, w);
    } catch (err) {
      const code = err instanceof Error && "code" in err ? String(err.code) : "";
      if (code === "ENOENT" || code === "ENOTDIR") return;
      this.#watchDisabled = true;
      this.#o.log.warn(
        `${stamp()} file-system events unavailable (${code || describeError(err)}): finding new files by rescanning every ${formatDuration(this.#o.settings.rescan_seconds * 1e3)}` + (code === "ENOSPC" ? " (raise fs.inotify.max_user_watches to get events back)" : "")
      );
    }
  }
  /** A path an event named: a new folder is walked, a file observed, a vanished one forgotten. */
  #examine(rel, now) {
    if (rel.split("/").some((s) => s.startsWith("."))) return;
    const st = statOf(this.#abs(rel));
    if (!st) {
      this.#tracked.delete(rel);
      return;
    }
    if (st.isDirectory()) {
      if (this.#filter.skipsDir(rel) || this.#knownDirs.has(rel)) return;
      const stack = [rel];
      while (stack.length > 0) {
        const relDir = stack.pop() ?? "";
        let names;
        try {
          names = readdirSync(this.#abs(relDir));
        } catch {
          continue;
        }
        this.#knownDirs.add(relDir);
        this.#watchDir(relDir);
        for (const name of names) {
          const child = `${relDir}/${toPosixRelative(name, this.#sep)}`;
          const cst = statOf(this.#abs(child));
          if (cst?.isDirectory() && !this.#filter.skipsDir(child)) stack.push(child);
          else if (cst?.isFile() && this.#filter.accepts(child)) this.#observe(child, cst, now);
        }
      }
      return;
    }
    if (st.isFile() && this.#filter.accepts(rel)) this.#observe(rel, st, now);
  }
  /** Start or continue waiting for a file to settle; versions already spooled, sent or refused are ignored. */
  #observe(rel, st, now) {
    const path = dispatchPath(this.#o.sendAs, rel);
    const key = keyOf(st.size, st.mtimeMs);
    if (this.#o.spool.has(path, st.size, st.mtimeMs) !== void 0 || this.#unsealed.has(`${path}\0${key}`) || this.#refused.get(rel) === key) {
      this.#tracked.delete(rel);
      return;
    }
    const t = this.#tracked.get(rel);
    if (!t) {
      this.#tracked.set(rel, { size: st.size, mtimeMs: st.mtimeMs, since: now, due: now + this.#stableMs });
    } else if (t.size !== st.size || t.mtimeMs !== st.mtimeMs) {
      t.size = st.size;
      t.mtimeMs = st.mtimeMs;
      t.since = now;
      t.due = now + this.#stableMs;
    }
  }
  // ----- the clock -----
  #tick() {
    if (this.#stopping) return;
    try {
      this.#step();
    } catch (err) {
      this.#o.log.error(`${stamp()} ${describeError(err)}`);
    }
  }
  #step() {
    const now = Date.now();
    if (this.#rescanRequested && !this.#o.once) {
      this.#rescanRequested = false;
      const { present, complete } = this.#scan(true);
      if (complete) void this.#compact(present);
    }
    for (const rel of this.#dirty) this.#examine(rel, now);
    this.#dirty.clear();
    for (const [rel, t] of this.#tracked) {
      if (t.due > now) continue;
      const st = statOf(this.#abs(rel));
      if (!st?.isFile()) {
        this.#tracked.delete(rel);
        continue;
      }
      if (st.size !== t.size || st.mtimeMs !== t.mtimeMs) {
        t.size = st.size;
        t.mtimeMs = st.mtimeMs;
        t.since = now;
        t.due = now + this.#stableMs;
      } else if (now - t.since >= this.#stableMs) {
        this.#tracked.delete(rel);
        this.#complete(rel, st, now);
      } else {
        t.due = t.since + this.#stableMs;
      }
    }
    if (this.#forming.length > 0 && now - this.#formingSince >= this.#batchMs) this.#seal();
    if (this.#o.spool.unrecorded > 0 && now >= this.#recordAcceptedAt) void this.#recordAccepted(now);
    if (this.#o.once) void this.#checkOnceDone();
  }
  async #compact(present) {
    if (this.#compacting) return;
    this.#compacting = true;
    try {
      const dropped = await this.#o.spool.compact(present);
      if (dropped > 0) this.#o.log.debug(`ledger compacted: ${dropped} line(s) for files no longer here`);
    } catch (err) {
      this.#o.log.warn(`${stamp()} could not compact the sent ledger: ${describeError(err)}`);
    } finally {
      this.#compacting = false;
    }
  }
  /** Batches GitHub accepted while the disk was full: into the ledger once there is room (tried every 5 s). */
  async #recordAccepted(now) {
    if (this.#recordingAccepted) return;
    this.#recordingAccepted = true;
    this.#recordAcceptedAt = now + 5e3;
    const n = this.#o.spool.unrecorded;
    try {
      await this.#o.spool.flushAccepted();
      this.#o.log.info(`${stamp()} the sent ledger has room again: ${n} accepted batch(es) recorded`);
    } catch {
    } finally {
      this.#recordingAccepted = false;
    }
  }
  /** A file settled: gate its path, add it to the forming batch. */
  #complete(rel, st, now) {
    const path = dispatchPath(this.#o.sendAs, rel);
    try {
      this.#o.beamline.gate([path], "watched file");
    } catch (err) {
      this.#refused.set(rel, keyOf(st.size, st.mtimeMs));
      this.#o.log.warn(`${stamp()} not dispatched: ${describeError(err)}`);
      return;
    }
    const add = pathBytes(path);
    const fixed = emptyBodyBytes(this.#o.settings.event_type, this.#o.exportControl);
    if (this.#forming.length > 0 && fixed + this.#formingBytes + add > this.#maxBytes) this.#seal();
    if (this.#forming.length === 0) this.#formingSince = now;
    this.#forming.push({ path, size: st.size, mtimeMs: st.mtimeMs });
    this.#formingBytes += add;
    this.#unsealed.add(`${path}\0${keyOf(st.size, st.mtimeMs)}`);
  }
  /** Write the forming batch to the spool (in order, one write at a time), then wake the sender. */
  #seal() {
    if (this.#forming.length === 0) return;
    const files = this.#forming;
    this.#forming = [];
    this.#formingBytes = 0;
    const o = this.#o;
    this.#sealing = this.#sealing.then(async () => {
      try {
        const record = await o.spool.add(o.settings.event_type, o.exportControl, files);
        this.stats.batchesSpooled++;
        o.log.debug(`spooled batch ${record.id}: ${files.length} file(s)`);
      } catch (err) {
        o.log.error(`${stamp()} cannot write to the spool ${o.spool.dir} (${describeError(err)}); ${files.length} file(s) wait for the next rescan`);
        this.#rescanRequested = true;
      } finally {
        for (const f of files) this.#unsealed.delete(`${f.path}\0${keyOf(f.size, f.mtimeMs)}`);
      }
      this.#kick();
    });
  }
  // ----- sending -----
  #kick() {
    if (this.#pumping || this.#stopping) return;
    this.#pumping = this.#pump().finally(() => {
      this.#pumping = void 0;
    });
  }
  /** The pending batches the next request carries: oldest first, same event type and flag, within the limit. */
  #nextGroup() {
    const pending = this.#o.spool.pending();
    const first = pending[0];
    if (!first) return void 0;
    const fixed = emptyBodyBytes(first.event_type, first.is_export_control);
    const records = [];
    const paths = /* @__PURE__ */ new Set();
    let bytes = fixed;
    for (const r of pending) {
      if (r.event_type !== first.event_type || r.is_export_control !== first.is_export_control) continue;
      const fresh = r.files.filter((f) => !paths.has(f.path));
      const add = fresh.reduce((n, f) => n + pathBytes(f.path), 0);
      if (records.length > 0 && bytes + add > this.#maxBytes) break;
      records.push(r);
      for (const f of fresh) paths.add(f.path);
      bytes += add;
    }
    return { records, body: { event_type: first.event_type, client_payload: { file_paths: [...paths], is_export_control: first.is_export_control } } };
  }
  async #pump() {
    const o = this.#o;
    while (!this.#stopping) {
      const wait = this.#pauseUntil - Date.now();
      if (wait > 0) {
        clearTimeout(this.#pumpTimer);
        this.#pumpTimer = setTimeout(() => {
          this.#kick();
        }, wait);
        return;
      }
      const group = this.#nextGroup();
      if (!group) return;
      const files = group.body.client_payload.file_paths.length;
      try {
        this.stats.requests++;
        await o.client.dispatch(group.body);
      } catch (err) {
        this.stats.failedRequests++;
        await this.#failed(group.records, err instanceof GitHubError ? err : networkFailure(err, "repository_dispatch"));
        continue;
      }
      try {
        await o.spool.markSent(group.records);
      } catch (err) {
        o.log.error(`${stamp()} ${err instanceof SpoolLedgerError ? err.message : `GitHub accepted ${files} file(s) but the spool could not record it (${describeError(err)}); a restart may send them again`}`);
      }
      this.stats.filesDispatched += files;
      if (this.#failures > 0) o.log.info(`${stamp()} GitHub is answering again`);
      this.#failures = 0;
      this.#failingSince = void 0;
      const left = o.spool.pending().length;
      o.log.info(`${stamp()} dispatched ${files} file(s) (${group.records.length} batch${group.records.length === 1 ? "" : "es"})${left > 0 ? `; ${left} batch(es) still spooled` : ""}`);
    }
  }
  async #failed(records, err) {
    const o = this.#o;
    const now = Date.now();
    this.#failures++;
    this.#failingSince ??= now;
    const waitMs = err.retriable ? waitAfter(err, this.#failures, o.backoff) : Math.max(o.backoff.maxMs, backoffMs(this.#failures, o.backoff));
    this.#pauseUntil = now + waitMs;
    try {
      await o.spool.markFailed(records, err.message, new Date(this.#pauseUntil));
    } catch (writeErr) {
      o.log.debug(`could not record the attempt: ${describeError(writeErr)}`);
    }
    const pending = o.spool.pending();
    const files = pending.reduce((n, r) => n + r.files.length, 0);
    const line = `${stamp()} ${err.message}; ${pending.length} batch(es) (${files} files) stay in the spool, next attempt in ${formatDuration(waitMs)}`;
    if (err.retriable) o.log.warn(line);
    else o.log.error(`${line}${err.hint ? `
  hint: ${err.hint}` : ""}`);
    if (o.once && (!err.retriable || now - this.#failingSince >= (o.retryForMs ?? 12e4))) {
      o.log.error(`${stamp()} giving up for now: ${files} file(s) stay spooled in ${o.spool.dir}; the next run sends them`);
      this.#exitCode = 1;
      void this.stop();
    }
  }
  /** --once: done when every file found has settled and everything spooled has been sent. */
  async #checkOnceDone() {
    if (this.#tracked.size > 0 || this.#forming.length > 0 || this.#dirty.size > 0) return;
    await this.#sealing;
    if (this.#o.spool.pending().length > 0 || this.#pumping) return;
    if (!this.#stopping) await this.stop();
  }
};

// src/watch/commands.ts
function openClient(config, ctx, userAgent, env) {
  const settings = githubSettings(config);
  const credentials = githubCredentials(settings, { env, mask: (s) => {
    ctx.mask(s);
  } });
  return { client: githubClient(settings, credentials, userAgent), policy: retryPolicy(settings) };
}
async function sendPaths(ctx, client, policy, args) {
  const bodies = planDispatches(args.eventType, args.paths, args.exportControl);
  let sentPaths = 0;
  for (const [i, body] of bodies.entries()) {
    const n = body.client_payload.file_paths.length;
    const label = bodies.length > 1 ? `dispatch ${i + 1}/${bodies.length}` : "dispatch";
    try {
      const { attempts } = await dispatchWithRetry(client, body, {
        ...policy,
        onRetry: ({ retry, waitMs, error }) => {
          ctx.warn(`${label}: ${error.message}; retry ${retry} in ${formatDuration(waitMs)}`);
        }
      });
      sentPaths += n;
      ctx.info(`${label}: ${n} path(s) → ${client.repository} (${args.eventType}): accepted${attempts > 1 ? ` after ${attempts} attempts` : ""}`);
    } catch (err) {
      const unsent = args.paths.length - sentPaths;
      const what = err instanceof GitHubError ? err.message : String(err);
      const first = bodies[i]?.client_payload.file_paths[0] ?? "";
      throw stepError(
        `${what}. ${sentPaths > 0 ? `${sentPaths} path(s) were dispatched; ` : "nothing was dispatched; "}${unsent} path(s) were not, from ${JSON.stringify(first)} on`,
        err instanceof GitHubError && err.hint ? err.hint : "run the same command again once GitHub answers (paths already dispatched are safe to send twice)"
      );
    }
  }
  return { requests: bodies.length, paths: sentPaths };
}
async function dispatchCommand(ctx, args) {
  if (args.paths.length === 0) throw usageError("dispatch: no paths given", `usage: splash dispatch --beamline ${args.beamline.id} <path…>`);
  const rels = args.beamline.gate(args.paths);
  const eventType = watchSettingsOf(args.beamline.settings).event_type;
  const { client, policy } = openClient(args.config, ctx, args.userAgent);
  const paths = rels.map((rel) => prefixed(args.beamline, rel));
  const outcome = await sendPaths(ctx, client, policy, { eventType, paths, exportControl: args.exportControl });
  ctx.summary.heading(`Dispatched to ${client.repository}`, 3).table(["event type", "paths", "requests", "export controlled"], [[eventType, outcome.paths, outcome.requests, args.exportControl ? "yes" : "no"]]);
  return outcome;
}
function spoolDirFor(dir, spool) {
  return spool !== void 0 ? resolve(spool) : join3(resolve(dir), ".splash-spool");
}
function sendAsFor(beamline, dir, given) {
  let raw = given;
  if (raw === void 0) {
    if (process.platform === "win32") {
      throw usageError("watch: --send-as is required on Windows", "give the folder as the beamline's paths name it, e.g. --send-as /raw (see docs/watcher.md)");
    }
    raw = resolve(dir);
  }
  let root;
  try {
    root = gateRootPath(raw, "--send-as");
  } catch (err) {
    throw usageError(err instanceof Error ? err.message : String(err), "an absolute POSIX path, e.g. --send-as /global/raw");
  }
  try {
    beamline.gate([`${root === "/" ? "" : root}/probe`], "--send-as");
  } catch (err) {
    const prefix = beamline.settings.path_prefix;
    throw usageError(
      `watch: files under ${root} cannot be dispatched for ${beamline.id}: ${err instanceof Error ? err.message : String(err)}`,
      prefix === void 0 ? "the beamline has no path_prefix; pass --send-as with the folder relative to the endpoint root" : `pass --send-as with the folder's path under ${prefix}`
    );
  }
  return root;
}
async function watchCommand(ctx, args) {
  const dir = resolve(args.dir);
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory()) throw usageError(`watch: ${dir} is not a folder`, "give the folder the acquisition software writes into");
  const sendAs = sendAsFor(args.beamline, dir, args.sendAs);
  const settings = watchSettingsOf(args.beamline.settings);
  const gh = githubSettings(args.config);
  const { client } = openClient(args.config, ctx, args.userAgent);
  const spoolDir = spoolDirFor(dir, args.spool);
  if (!isAbsolute(spoolDir)) throw configError(`watch: spool ${spoolDir} is not absolute`);
  const { spool, notes } = await Spool.open(spoolDir);
  for (const note of notes) ctx.info(note);
  const watcher = new Watcher({
    dir,
    sendAs,
    beamline: args.beamline,
    settings,
    exportControl: args.exportControl,
    spool,
    client,
    backoff: { firstMs: gh.retryFirstSeconds * 1e3, maxMs: gh.retryMaxSeconds * 1e3 },
    log: ctx,
    once: args.once,
    retryForMs: args.retryForMs,
    ignoreExisting: args.ignoreExisting
  });
  const onSignal = (signal) => {
    ctx.info(`${signal}: stopping (batches not yet sent stay in the spool)`);
    void watcher.stop();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const code = await watcher.run();
    const s = watcher.stats;
    ctx.info(`dispatched ${s.filesDispatched} file(s) in ${s.requests - s.failedRequests} request(s)${s.failedRequests > 0 ? ` (${s.failedRequests} failed attempt(s))` : ""}; ${spool.pending().length} batch(es) left in the spool`);
    return code;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await spool.close();
  }
}
var ago = (iso, now) => {
  if (!iso) return "-";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = t - now;
  return d >= 0 ? `in ${formatDuration(d)}` : `${formatDuration(-d)} ago`;
};
function formatStatus(s, now = Date.now()) {
  if (!s.exists) return `spool ${s.dir}: does not exist (no watcher has used it yet)
`;
  const lines = [];
  const w = s.watcher;
  lines.push(`spool ${s.dir}`);
  lines.push(
    w === void 0 ? "watcher: not running" : w.running ? `watcher: running (pid ${w.pid} on ${w.host}, since ${w.started})` : `watcher: not running (pid ${w.pid} stopped without cleaning up; the next start takes over)`
  );
  lines.push(`pending: ${s.pending.length} batch(es), ${s.pendingFiles} file(s) waiting for GitHub to accept them`);
  if (s.accepted.length > 0) {
    lines.push(
      `accepted: ${s.accepted.length} batch(es), ${s.acceptedFiles} file(s) accepted by GitHub but not yet in the sent ledger (its disk was full); they are not sent again, and are recorded once there is room`
    );
  }
  lines.push(`sent: ${s.sentFiles} file(s) in the ledger`);
  if (s.unreadable.length > 0) lines.push(`unreadable records (look at them, then delete): ${s.unreadable.join(", ")}`);
  if (s.pending.length > 0) {
    lines.push("");
    const rows = s.pending.map((r) => [r.id, String(r.files.length), r.created, String(r.attempts), ago(r.next_attempt, now), r.last_error ?? ""]);
    const header = ["batch", "files", "spooled", "attempts", "next attempt", "last error"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
    const fmt = (row) => row.map((c, i) => i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
    lines.push(fmt(header), ...rows.map(fmt));
  }
  return `${lines.join("\n")}
`;
}
async function watchStatus(args, out) {
  if (args.dir === void 0 && args.spool === void 0) throw usageError("watch --status: which spool?", "give the watched folder or --spool <folder>");
  const status = await readSpoolStatus(spoolDirFor(args.dir ?? ".", args.spool));
  if (args.json) {
    out.write(
      `${JSON.stringify(
        redactValue({
          spool: status.dir,
          exists: status.exists,
          watcher: status.watcher ?? null,
          pending_batches: status.pending.length,
          pending_files: status.pendingFiles,
          accepted_batches: status.accepted.length,
          accepted_files: status.acceptedFiles,
          sent_files: status.sentFiles,
          batches: status.pending.map((r) => ({
            id: r.id,
            event_type: r.event_type,
            is_export_control: r.is_export_control,
            files: r.files.length,
            first_path: r.files[0]?.path ?? null,
            created: r.created,
            attempts: r.attempts,
            last_error: r.last_error ?? null,
            next_attempt: r.next_attempt ?? null
          })),
          accepted: status.accepted.map((r) => ({ id: r.id, files: r.files.length, first_path: r.files[0]?.path ?? null, created: r.created })),
          unreadable: status.unreadable
        }),
        null,
        2
      )}
`
    );
  } else {
    out.write(redact(formatStatus(status)));
  }
  return 0;
}
async function reconcileCommand(ctx, args) {
  const { beamline } = args;
  const services = createServices(args.config, ctx);
  const plan = await planReconcile(beamline, { olderThanMs: args.olderThanMs, now: args.now, globus: () => services.globus() });
  const paths = plan.missing.map((m) => prefixed(beamline, m.rel));
  const guarded = beamline.settings.move.some((hop) => hop.skip_export_controlled);
  if (guarded && args.exportControl === void 0 && !args.dryRun && paths.length > 0) {
    throw usageError(
      `reconcile: ${beamline.id} has hops that export-controlled data must skip, and whether these ${paths.length} file(s) are export controlled is not known`,
      "pass --export-control (they stay at the facility; safe) or --not-export-controlled (you checked none of them is)"
    );
  }
  const exportControl = args.exportControl ?? false;
  const age = formatDuration(args.olderThanMs);
  ctx.info(
    `${plan.from.name} → ${plan.to.name}: ${plan.scanned} data file(s) on ${plan.from.name}; ${plan.young} younger than ${age} (not judged); ${plan.present} at ${plan.to.name}; ${plan.missing.length} not there${plan.skipped.length > 0 ? `; ${plan.skipped.length} skipped` : ""}`
  );
  for (const m of plan.missing.slice(0, 50)) ctx.info(`  ${m.why}: ${m.rel}`);
  if (plan.missing.length > 50) ctx.info(`  … and ${plan.missing.length - 50} more`);
  for (const s of plan.skipped.slice(0, 20)) ctx.warn(`skipped ${s.rel}: ${s.why}`);
  let dispatched = 0;
  let requests = 0;
  const futile = exportControl && beamline.settings.move[0]?.skip_export_controlled === true && paths.length > 0;
  if (futile) {
    ctx.warn(
      `not dispatched: ${String(paths.length)} file(s) are not at ${plan.to.name}, but ${plan.from.name} → ${plan.to.name} is skipped for export-controlled data, so sending them as export controlled would move nothing. If they are export controlled, that is where they belong; if you checked that they are not, run splash reconcile --not-export-controlled`
    );
  } else if (paths.length > 0 && !args.dryRun) {
    const eventType = watchSettingsOf(beamline.settings).event_type;
    const { client, policy } = openClient(args.config, ctx, args.userAgent);
    const sent = await sendPaths(ctx, client, policy, { eventType, paths, exportControl });
    dispatched = sent.paths;
    requests = sent.requests;
  } else if (args.dryRun && paths.length > 0) {
    ctx.info(`dry run: would dispatch ${paths.length} file(s); nothing sent`);
  }
  ctx.summary.heading(`Reconcile ${beamline.id}: ${plan.from.name} → ${plan.to.name}`, 3).table(
    ["on source", `younger than ${age}`, "at destination", "missing or different", "skipped", args.dryRun ? "would dispatch" : "dispatched"],
    [[plan.scanned, plan.young, plan.present, plan.missing.length, plan.skipped.length, futile ? 0 : args.dryRun ? paths.length : dispatched]]
  );
  if (plan.missing.length > 0) {
    ctx.summary.details(
      `${plan.missing.length} file(s) not at ${plan.to.name}`,
      plan.missing.slice(0, 200).map((m) => `- ${m.rel} (${m.why})`).join("\n") + (plan.missing.length > 200 ? `
- … and ${plan.missing.length - 200} more` : "")
    );
  }
  return { plan, dispatched, requests };
}
export {
  dispatchCommand,
  formatStatus,
  reconcileCommand,
  sendPaths,
  spoolDirFor,
  watchCommand,
  watchStatus
};
