import type { Stats } from 'node:fs';
import { copyFile, link, lstat, mkdir, open, rename, rm, stat, unlink, utimes } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { FileSystemEndpoint } from '../endpoints.js';
import { stepError } from '../errors.js';
import { hashFile } from '../fs/hash.js';
import { codeOf, walkTree } from '../fs/walk.js';
import { relPathUnder, resolveInside, type RelPath } from '../paths.js';
import { isPartialName, partialNameFor, removeStalePartials } from './partial.js';
import type { StepContext } from '../run/context.js';

/** What happened to one file. `identical`: the destination already held the same bytes (a re-run). */
export interface FileCopy {
  readonly rel: RelPath;
  readonly status: 'copied' | 'identical';
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
 * Copy `rel` (a file or a folder tree) from one file-system endpoint to another, same relative path.
 * Every file lands under a temporary name, is checked for size and content hash (XXH128) against the source, gets the
 * source's mtime, and only then takes its final name — without ever replacing an existing file.
 */
export async function copyBetweenFilesystems(
  from: FileSystemEndpoint,
  to: FileSystemEndpoint,
  rel: RelPath,
  opts: CopyOptions,
): Promise<CopyReport> {
  const srcAbs = await resolveInside(from.root_path, rel, { mustExist: true, field: `${from.name}:${rel}` });
  const st = await stat(srcAbs);
  const report: CopyReport = { files: [], skipped: [], task: undefined };
  if (st.isFile()) {
    if (isPartialName(basename(rel))) throw stepError(`${from.name}:${rel} is an unfinished copy (.splash-partial), not data; not moved`);
    report.files.push(await copyOneFile(from, to, rel, opts));
    return report;
  }
  if (!st.isDirectory()) throw stepError(`${from.name}:${rel} is neither a file nor a folder; nothing copied`);
  for (const entry of walkTree(from.root_path, rel)) {
    if (entry.kind === 'skipped') report.skipped.push({ rel: entry.rel, reason: entry.reason });
    else if (isPartialName(basename(entry.rel))) {
      report.skipped.push({ rel: entry.rel, reason: 'an unfinished copy (.splash-partial), not data' });
    } else {
      let fileRel: RelPath;
      try {
        fileRel = relPathUnder(from.root_path, entry.abs);
      } catch (err) {
        // A name the gate refuses (say, starting with '-') is reported, not copied, and does not stop the rest.
        report.skipped.push({ rel: entry.rel, reason: `name refused by the path gate: ${err instanceof Error ? err.message : String(err)}` });
        continue;
      }
      report.files.push(await copyOneFile(from, to, fileRel, opts));
    }
  }
  return report;
}

async function copyOneFile(from: FileSystemEndpoint, to: FileSystemEndpoint, rel: RelPath, opts: CopyOptions): Promise<FileCopy> {
  const { ctx } = opts;
  const src = await resolveInside(from.root_path, rel, { mustExist: true, field: `${from.name}:${rel}` });
  const dst = await resolveInside(to.root_path, rel, { field: `${to.name}:${rel}` });
  const before = await stat(src);

  const existing = await lstatOrUndefined(dst);
  if (existing) return compareExisting(src, dst, before, existing, rel, to);

  await mkdir(dirname(dst), { recursive: true });
  // The dirs just created could only be inside the root, but re-check: a concurrent symlink swap must not win.
  await resolveInside(to.root_path, rel, { field: `${to.name}:${rel}` });
  // Partials left by killed runs never got their final name: garbage. Ours is new and ours alone.
  await removeStalePartials(dst);
  const tmp = partialNameFor(dst);

  const progress = ctx.progress(`${from.name} → ${to.name}: ${rel}`, before.size);
  // Writeback starts while the copy runs (a datasync every poll), so the fsync before the rename finds
  // little left to flush instead of the whole file.
  let flushing = false;
  const poll = setInterval(() => {
    stat(tmp).then((s) => { progress.update(s.size); }, () => undefined);
    if (opts.fsync !== false && !flushing) {
      flushing = true;
      datasyncPath(tmp).then(() => { flushing = false; }, () => { flushing = false; });
    }
  }, 250);
  let srcHash: { digest: string; bytes: number };
  // The partial must exist (empty) before the destination hasher opens it; the copy then refills it.
  await (await open(tmp, 'wx')).close();
  const { hashGrowingFile } = await import('../fs/hash-growing.js');
  const dstHasher = hashGrowingFile(tmp);
  try {
    // The kernel copies (sendfile, as cp does) while the source is hashed here and the copy on a worker.
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
        'the beamline may still be writing it: run the move again once the file is complete',
      );
    }
    await utimes(tmp, before.atime, before.mtime);
    const [dstHash] = await Promise.all([dstHasher.finish(srcHash.bytes), opts.fsync === false ? undefined : fsyncPath(tmp)]);
    if (dstHash.bytes !== before.size || dstHash.digest !== srcHash.digest) {
      throw stepError(`verification of ${rel} at ${to.name} failed: the copy does not match the source (size or content hash); nothing was renamed`);
    }
    if (!(await publish(tmp, dst))) {
      // Another run published the same file meanwhile: fine if it holds the same bytes.
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
  return { rel, status: 'copied', bytes: before.size, checksum: srcHash.digest };
}

/** A destination that already exists is fine only if it holds the same bytes; it is never overwritten. */
async function compareExisting(src: string, dst: string, srcStat: Stats, dstStat: Stats, rel: RelPath, to: FileSystemEndpoint): Promise<FileCopy> {
  if (!dstStat.isFile()) throw stepError(`${to.name}:${rel} exists and is not a regular file; not overwritten`);
  if (dstStat.size !== srcStat.size) {
    throw stepError(
      `${to.name}:${rel} already exists with a different size (${dstStat.size} bytes, source ${srcStat.size}); not overwritten`,
      'find out which copy is right; move or delete the wrong one by hand, then run the move again',
    );
  }
  const [a, b] = await Promise.all([hashFile(src), hashFile(dst)]);
  if (a.digest !== b.digest) {
    throw stepError(
      `${to.name}:${rel} already exists with different content (content hash differs); not overwritten`,
      'find out which copy is right; move or delete the wrong one by hand, then run the move again',
    );
  }
  return { rel, status: 'identical', bytes: srcStat.size, checksum: a.digest };
}

/**
 * Give the verified temporary file its final name without replacing anything: link() fails if the name
 * exists (rename() would silently overwrite). Where hard links are not supported, the final name is first
 * reserved with an exclusive create, then the copy is renamed over that reservation. Returns false when
 * the final name already exists (another run got there first); the caller decides whether that is fine.
 */
async function publish(tmp: string, dst: string): Promise<boolean> {
  try {
    await link(tmp, dst);
    await unlink(tmp);
    return true;
  } catch (err) {
    const code = codeOf(err);
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw err;
  }
  try {
    await (await open(dst, 'wx')).close();
  } catch (err) {
    if (codeOf(err) === 'EEXIST') return false;
    throw err;
  }
  await rename(tmp, dst);
  return true;
}

async function datasyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return undefined;
    throw err;
  }
}
