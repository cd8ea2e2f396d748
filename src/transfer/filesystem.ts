import type { BigIntStats } from 'node:fs';
import { closeSync, lstatSync, realpathSync, rmSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { FileSystemEndpoint } from '../endpoints.js';
import { SplashError, stepError } from '../errors.js';
import { createContentHasher } from '../fs/hash.js';
import { type FileIdentity, identityOf, isStateName, readVerificationRecord, sameIdentity, type VerificationRecord } from '../fs/verification-record.js';
import { codeOf, walkTree } from '../fs/walk.js';
import { gateRootPath, joinInside, relPathUnder, resolveInside, type RelPath } from '../paths.js';
import type { StepContext } from '../run/context.js';
import { decideExisting } from './existing-destination.js';
import { copyLargeFile } from './large-file-copy.js';
import { isPartialName, removeStalePartialsIn } from './partial.js';
import { fsyncDirs, fsyncFd, publishHooks, publishNew, replaceVerified } from './publish.js';
import { recordOf, type RecordTarget, saveRecords } from './records.js';
import { SmallFileCopier, type VerifiedPartial } from './small-file-copy.js';
import { type FoundFile, SourceResolver } from './source-resolver.js';

/**
 * What happened to one file. `identical`: the destination already held the same bytes (a re-run).
 * `replaced`: the destination was a copy this system made from an earlier state of the source, which has
 * changed since (see existing-destination.ts); it now holds the source's current bytes.
 */
export interface FileCopy {
  readonly rel: RelPath;
  readonly status: 'copied' | 'identical' | 'replaced';
  readonly bytes: number;
  /** Content hash (HASH_ALGORITHM, hex) of the bytes that were verified; undefined when a service verified them. */
  readonly checksum: string | undefined;
}

export interface CopyReport {
  readonly files: FileCopy[];
  /** Entries inside a copied folder that were not copied (symlinks, sockets, unreadable) and why. */
  readonly skipped: { rel: string; reason: string }[];
  /** The service task that moved the files, for transfers that have one (Globus). */
  readonly task: TransferTask | undefined;
}

export interface TransferTask {
  readonly id: string;
  readonly files: number;
  readonly bytes: number;
  readonly bytesPerSecond: number;
  readonly seconds: number;
}

export { PARTIAL_SUFFIX, partialNameFor } from './partial.js';

export interface CopyOptions {
  readonly ctx: StepContext;
  /** fsync the copy before it gets its final name (default true: a power cut must not leave a torn file). */
  readonly fsync?: boolean;
}

/**
 * Files up to this size are copied on the calling thread and made durable in batches; larger ones one at a
 * time, with the copy hashed on a worker thread while it is written (whose start-up, ~30 ms, only pays off
 * for files that take longer than that to copy).
 */
export const SMALL_FILE_MAX = 16 * 1024 * 1024;
/** A batch is published when it holds this many files or bytes. Each file is an open descriptor until then, and one batch is copied while the one before is published: at most 256 descriptors. */
const BATCH_FILES = 128;
const BATCH_BYTES = 64 * 1024 * 1024;

/**
 * Copy `rel` (a file or a folder tree) from one file-system endpoint to another, same relative path.
 * Every file lands under a temporary name, is checked for size and content hash (XXH128) against the source, gets the
 * source's mtime, is made durable, and only then takes its final name — without ever replacing a file this system
 * did not make (see existing-destination.ts). Each copy leaves a verification record at the destination.
 */
export async function copyBetweenFilesystems(from: FileSystemEndpoint, to: FileSystemEndpoint, rel: RelPath, opts: CopyOptions): Promise<CopyReport> {
  return copyPathsBetweenFilesystems(from, to, [rel], opts);
}

/** The same for several paths, as one hop: small files from all of them share batches. The first failure stops it. */
export async function copyPathsBetweenFilesystems(
  from: FileSystemEndpoint,
  to: FileSystemEndpoint,
  rels: readonly RelPath[],
  opts: CopyOptions,
): Promise<CopyReport> {
  const report: CopyReport = { files: [], skipped: [], task: undefined };
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

interface SourceFile {
  readonly rel: RelPath;
  readonly src: string;
  readonly size: number;
  /** The file found (device, inode): the copy must read this very file, not whatever its path leads to later. */
  readonly found: FoundFile;
}

/** The files `rel` names at the source: itself, or every data file below it (symlinks, partials and state left out). */
async function sourceFiles(from: FileSystemEndpoint, sources: SourceResolver, rel: RelPath, skipped: { rel: string; reason: string }[]): Promise<SourceFile[]> {
  if (rel.split('/').some(isStateName)) throw stepError(`${from.name}:${rel} is this system's own state (.splash), not data; not moved`);
  const srcAbs = await sources.resolve(rel);
  const st = statSync(srcAbs);
  if (st.isFile()) {
    if (isPartialName(basename(rel))) throw stepError(`${from.name}:${rel} is an unfinished copy (.splash-partial), not data; not moved`);
    return [{ rel, src: srcAbs, size: st.size, found: { dev: st.dev, ino: st.ino } }];
  }
  if (!st.isDirectory()) throw stepError(`${from.name}:${rel} is neither a file nor a folder; nothing copied`);
  const files: SourceFile[] = [];
  for (const entry of walkTree(from.root_path, rel)) {
    if (entry.kind === 'skipped') skipped.push({ rel: entry.rel, reason: entry.reason });
    else if (isPartialName(basename(entry.rel))) {
      skipped.push({ rel: entry.rel, reason: 'an unfinished copy (.splash-partial), not data' });
    } else {
      try {
        files.push({ rel: relPathUnder(from.root_path, entry.abs), src: entry.abs, size: entry.stat.size, found: { dev: entry.stat.dev, ino: entry.stat.ino } });
      } catch (err) {
        // A name the gate refuses (say, starting with '-') is reported, not copied, and does not stop the rest.
        skipped.push({ rel: entry.rel, reason: `name refused by the path gate: ${err instanceof Error ? err.message : String(err)}` });
      }
    }
  }
  return files;
}

/** A small file to copy in the next batch. */
interface Waiting extends SourceFile {
  readonly index: number;
  readonly dst: string;
  /** The destination this copy replaces (a copy this system made of an older source), as it was checked. */
  readonly expected: FileIdentity | undefined;
}

/** A verified partial on its way to its final name. */
interface Pending extends VerifiedPartial {
  readonly index: number;
  readonly src: string;
  readonly found: FoundFile;
  readonly expected: FileIdentity | undefined;
}

/**
 * One hop's copies. Small files are copied into partials one after the other and published in batches: all
 * partials of a batch are fsynced at once (the file system commits them together), then each takes its final
 * name, then each folder that gained a name is fsynced once, then the records are written. Every published name
 * so points at durable, verified bytes, as with one fsync per file, at a fraction of the cost. A batch is made
 * durable while the next one is copied. Large files go one at a time, each with its own fsync.
 */
class FilesystemHop {
  readonly #from: FileSystemEndpoint;
  readonly #to: FileSystemEndpoint;
  readonly #toRoot: string;
  readonly #ctx: StepContext;
  readonly #fsync: boolean;
  readonly #small: SmallFileCopier;
  readonly #records: RecordTarget;
  /** Destination folders this hop created (inside the root) and cleared of dead runs' partials, by relative folder. */
  readonly #dirs = new Map<string, Promise<void>>();
  /** By the order files were met (a batch finishes after files found identical meanwhile). */
  readonly #results: (FileCopy | undefined)[] = [];
  /** Small files to copy that the next batch takes. */
  #waiting: Waiting[] = [];
  #waitingBytes = 0;
  /** The previous batch, being made durable and published while the next one is copied. */
  #inFlight: Promise<void> = Promise.resolve();
  #next = 0;

  constructor(from: FileSystemEndpoint, to: FileSystemEndpoint, opts: CopyOptions, small: SmallFileCopier) {
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
      // The root's own check (resolveInside) reports it before any byte moves.
    }
    let sourceRoot: string | undefined;
    try {
      sourceRoot = realpathSync(from.root_path);
    } catch {
      // Reported by the source's own checks; without it a copy's origin is the source file itself.
    }
    this.#records = { ctx: opts.ctx, rootReal, sourceEndpoint: from.name, sourceRoot };
  }

  results(): FileCopy[] {
    return this.#results.filter((r): r is FileCopy => r !== undefined);
  }

  async add(file: SourceFile): Promise<void> {
    const index = this.#next++;
    await this.#prepareDir(file.rel);
    const dst = joinInside(this.#toRoot, file.rel);
    const existing = lstatSync(dst, { bigint: true, throwIfNoEntry: false });
    let expected: FileIdentity | undefined;
    if (existing) {
      const d = await decideExisting({ ...this.#names(file.rel), src: file.src, found: file.found, dst }, existing, this.#records);
      if (d.kind === 'identical') {
        this.#results[index] = { rel: file.rel, status: 'identical', bytes: Number(existing.size), checksum: d.digest };
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
  async flush(): Promise<void> {
    await this.#copyBatch();
    await this.#inFlight;
  }

  /** After a failure: the batch in flight ends (its copies are whole and verified); files still waiting are not copied. */
  async discard(): Promise<void> {
    await this.#inFlight.catch(() => undefined);
    this.#waiting = [];
  }

  #names(rel: RelPath): { rel: RelPath; fromName: string; toName: string } {
    return { rel, fromName: this.#from.name, toName: this.#to.name };
  }

  /** Copy the waiting files into partials, then hand them to #publish, which runs while the next batch is copied. */
  async #copyBatch(): Promise<void> {
    const batch = this.#waiting;
    if (batch.length === 0) return;
    this.#waiting = [];
    this.#waitingBytes = 0;
    const copies: Pending[] = [];
    try {
      await this.#checkDirs(batch);
      for (const w of batch) copies.push({ ...this.#small.copy(w.src, w.found, w.dst, this.#names(w.rel)), index: w.index, src: w.src, found: w.found, expected: w.expected });
      await this.#inFlight;
    } catch (err) {
      closeAndRemove(copies, new Set());
      throw err;
    }
    this.#inFlight = this.#publish(copies);
    // Handled when awaited (the next batch, flush or discard); until then a failure must not count as unhandled.
    this.#inFlight.catch(() => undefined);
  }

  /** Make a batch durable, give it its final names, record it. */
  async #publish(batch: readonly Pending[]): Promise<void> {
    if (batch.length === 0) return;
    const published: { p: Pending; status: 'copied' | 'replaced' }[] = [];
    const lost: Pending[] = [];
    let failure: SplashError | undefined;
    let current: Pending | undefined;
    try {
      publishHooks.beforeBatch?.(batch.map((p) => p.tmp));
      if (this.#fsync) await Promise.all(batch.flatMap((p) => (p.fd === undefined ? [] : [fsyncFd(p.fd)])));
      await this.#checkDirs(batch);
      for (const p of batch) {
        current = p;
        const named = p.expected !== undefined ? replaceVerified(p.tmp, p.dst, p.expected) : publishNew(p.tmp, p.dst);
        if (named) published.push({ p, status: p.expected !== undefined ? 'replaced' : 'copied' });
        else lost.push(p);
      }
    } catch (err) {
      failure = err instanceof SplashError ? err : stepError(current === undefined
        ? `could not make ${String(batch.length)} verified cop${batch.length === 1 ? 'y' : 'ies'} at ${this.#to.name} durable: ${codeOf(err)}; none was given its final name`
        : `could not give ${this.#to.name}:${current.rel} its final name: ${codeOf(err)}`);
      if (current?.expected !== undefined) this.#rerecordPutBack(current.rel, current.dst, current.expected);
    } finally {
      closeAndRemove(batch, new Set(published.map(({ p }) => p)));
    }
    // What was published is made durable and recorded even when a later file of the batch failed.
    try {
      if (this.#fsync && published.length > 0) await fsyncDirs(published.map(({ p }) => dirname(p.dst)));
    } catch (err) {
      failure ??= stepError(`could not make the new names at ${this.#to.name} durable: ${codeOf(err)}`);
    }
    const records: (VerificationRecord | undefined)[] = [];
    for (const { p, status } of published) {
      this.#results[p.index] = { rel: p.rel, status, bytes: p.size, checksum: p.digest };
      const now = lstatSync(p.dst, { bigint: true, throwIfNoEntry: false });
      if (now && sameFile(now, p.partial)) records.push(recordOf(this.#records, p.rel, p.dst, p.digest, p.source, identityOf(now), true));
    }
    // One append per folder for the whole batch.
    saveRecords(this.#records, records);
    if (failure !== undefined) throw failure;
    // Another run published (or replaced) the same name first, or someone wrote there meanwhile: fine if it
    // holds the source's bytes; never overwritten.
    for (const p of lost) {
      const now = lstatSync(p.dst, { bigint: true, throwIfNoEntry: false });
      if (!now) throw stepError(`${this.#to.name}:${p.rel} changed while it was being written (it is gone now); run the move again`);
      const d = await decideExisting({ ...this.#names(p.rel), src: p.src, found: p.found, dst: p.dst }, now, this.#records);
      if (d.kind !== 'identical') {
        throw stepError(`${this.#to.name}:${p.rel} changed while it was being written, by someone else; not overwritten`, 'find out who writes there; run the move again');
      }
      this.#results[p.index] = { rel: p.rel, status: 'identical', bytes: p.size, checksum: d.digest };
    }
  }

  /**
   * A replacement that failed after the old copy was moved aside put it back (publish.ts); the move gave it a
   * new ctime, so its record is written again for its new identity, and a re-run can still replace it.
   */
  #rerecordPutBack(rel: RelPath, dst: string, expected: FileIdentity): void {
    const record = readVerificationRecord(this.#records.rootReal, rel);
    const now = lstatSync(dst, { bigint: true, throwIfNoEntry: false });
    if (!record || !sameIdentity(record.copy, expected) || !now?.isFile()) return;
    const id = identityOf(now);
    if (id.dev !== expected.dev || id.ino !== expected.ino || id.size !== expected.size || id.mtimeNs !== expected.mtimeNs) return;
    saveRecords(this.#records, [{ ...record, copy: id }]);
  }

  /** Create the destination folder of `rel` once per hop, inside the root, and clear it of dead runs' partials. */
  #prepareDir(rel: RelPath): Promise<void> {
    const cut = rel.lastIndexOf('/');
    const dirRel = cut < 0 ? '' : rel.slice(0, cut);
    let ready = this.#dirs.get(dirRel);
    if (!ready) {
      const field = `${this.#to.name}:${rel}`;
      ready = (async () => {
        const dst = await resolveInside(this.#to.root_path, rel, { field });
        await mkdir(dirname(dst), { recursive: true });
        // The folders just created could only be inside the root, but re-check: a concurrent symlink swap must not win.
        await resolveInside(this.#to.root_path, rel, { field });
        // Partials left by killed runs never got their final name: garbage.
        await removeStalePartialsIn(dirname(dst));
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
  async #checkDirs(files: readonly { rel: RelPath }[]): Promise<void> {
    const dirs = new Map<string, RelPath>();
    for (const f of files) {
      const cut = f.rel.lastIndexOf('/');
      if (cut > 0) dirs.set(f.rel.slice(0, cut), f.rel);
    }
    await Promise.all([...dirs.values()].map((rel) => resolveInside(this.#to.root_path, rel, { field: `${this.#to.name}:${rel}` })));
  }


}

function closeAndRemove(batch: readonly Pending[], keep: ReadonlySet<Pending>): void {
  for (const p of batch) {
    if (p.fd !== undefined) {
      try {
        closeSync(p.fd);
      } catch {
        // Already closed: nothing to release.
      }
    }
    if (!keep.has(p)) rmSync(p.tmp, { force: true });
  }
}

/** The final name points at the partial that was verified (its ctime moved with the link; the rest did not). */
function sameFile(st: BigIntStats, partial: BigIntStats): boolean {
  return st.dev === partial.dev && st.ino === partial.ino && st.size === partial.size && st.mtimeNs === partial.mtimeNs;
}
