import { closeSync, existsSync, fstatSync, openSync, statSync } from 'node:fs';
import { copyFile, lstat, open, rm, stat, utimes } from 'node:fs/promises';
import { SplashError, stepError } from '../errors.js';
import { hashFile } from '../fs/hash.js';
import { identityOf, sameIdentity } from '../fs/verification-record.js';
import { codeOf } from '../fs/walk.js';
import type { StepContext } from '../run/context.js';
import { partialNameFor } from './partial.js';
import { nsToSeconds, type SmallCopyNames, type VerifiedPartial } from './small-file-copy.js';
import { type FoundFile, isFound } from './source-resolver.js';

/**
 * Copy of a large file into a new partial: the kernel copies (sendfile, as cp does) while this thread hashes
 * the source and a worker hashes the copy right behind the writer, so verifying costs little time after the
 * copy. The partial is fsynced here (writeback is started while the copy runs, so little is left to flush).
 */
export async function copyLargeFile(ctx: StepContext, src: string, found: FoundFile, dst: string, n: SmallCopyNames, fsync: boolean): Promise<VerifiedPartial> {
  // The source is opened once and read through that descriptor (on Linux, /proc/self/fd/N reopens the same
  // inode for the kernel's copy and the hash), so a path swapped meanwhile cannot slip another file in.
  let sfd: number;
  try {
    sfd = openSync(src, 'r');
  } catch (err) {
    throw stepError(`copy of ${n.rel} from ${n.fromName} to ${n.toName} failed: ${codeOf(err)}`);
  }
  try {
    return await copyOpened(ctx, src, sfd, found, dst, n, fsync);
  } finally {
    closeSync(sfd);
  }
}

const PROC_FD = existsSync('/proc/self/fd') ? '/proc/self/fd' : undefined;

async function copyOpened(ctx: StepContext, srcPath: string, sfd: number, found: FoundFile, dst: string, n: SmallCopyNames, fsync: boolean): Promise<VerifiedPartial> {
  const changed = (): SplashError =>
    stepError(`${n.fromName}:${n.rel} changed while it was being copied; not moved`, 'the beamline may still be writing it: run the move again once the file is complete');
  const before = fstatSync(sfd, { bigint: true });
  if (!before.isFile() || !isFound(before, found)) throw changed();
  const src = PROC_FD === undefined ? srcPath : `${PROC_FD}/${String(sfd)}`;
  const size = Number(before.size);
  const tmp = partialNameFor(dst);
  const progress = ctx.progress(`${n.fromName} → ${n.toName}: ${n.rel}`, size);
  let flushing = false;
  const poll = setInterval(() => {
    stat(tmp).then((s) => { progress.update(s.size); }, () => undefined);
    if (fsync && !flushing) {
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
    // Unchanged, and still the file at its name.
    const after = statSync(srcPath, { bigint: true });
    if (!sameIdentity(identityOf(after), identityOf(before)) || srcHash.bytes !== size) throw changed();
    await utimes(tmp, nsToSeconds(before.atimeNs), nsToSeconds(before.mtimeNs));
    const [dstHash] = await Promise.all([dstHasher.finish(srcHash.bytes), fsync ? fsyncPath(tmp) : undefined]);
    if (dstHash.bytes !== size || dstHash.digest !== srcHash.digest) {
      throw stepError(`verification of ${n.rel} at ${n.toName} failed: the copy does not match the source (size or content hash); nothing was renamed`);
    }
    const partial = await lstat(tmp, { bigint: true });
    return { rel: n.rel, tmp, dst, fd: undefined, digest: srcHash.digest, size, source: before, partial };
  } catch (err) {
    dstHasher.abort();
    await rm(tmp, { force: true });
    throw err instanceof SplashError ? err : stepError(`copy of ${n.rel} from ${n.fromName} to ${n.toName} failed: ${codeOf(err)}`);
  }
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
