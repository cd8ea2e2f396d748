import type { BigIntStats } from 'node:fs';
import { closeSync, fchmodSync, fstatSync, futimesSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import type { IHasher } from 'hash-wasm';
import { SplashError, stepError } from '../errors.js';
import { identityOf, sameIdentity } from '../fs/verification-record.js';
import { codeOf } from '../fs/walk.js';
import type { RelPath } from '../paths.js';
import { partialNameFor } from './partial.js';
import { type FoundFile, isFound } from './source-resolver.js';

/**
 * Copy of a small file into a new partial, on the calling thread: read the source once into memory, hash those
 * bytes, write them to the partial, read the partial back and hash it. For a file of a few kilobytes this is a
 * dozen system calls — a worker thread that hashes the copy while it grows (the large-file path) costs tens of
 * milliseconds just to start. Durability is the caller's: the partial stays open so that a whole batch can be
 * fsynced at once before any of it is published.
 */
export interface VerifiedPartial {
  readonly rel: RelPath;
  readonly tmp: string;
  readonly dst: string;
  /** Open read-write descriptor of the partial (small files), for the batch fsync; undefined when already durable. */
  readonly fd: number | undefined;
  readonly digest: string;
  readonly size: number;
  /** The source as it was while it was read (unchanged from before to after, ctime included). */
  readonly source: BigIntStats;
  /** The partial after its mtime was set: after publishing, the final name must point at this file. */
  readonly partial: BigIntStats;
}

export interface SmallCopyNames {
  readonly rel: RelPath;
  readonly fromName: string;
  readonly toName: string;
}

export class SmallFileCopier {
  readonly #source = new ReadBuffer();
  readonly #copy = new ReadBuffer();

  constructor(private readonly hasher: IHasher) {}

  /** Copy `src` into a new partial next to `dst` and verify it; on failure nothing of it is left. */
  copy(src: string, found: FoundFile, dst: string, n: SmallCopyNames): VerifiedPartial {
    let sfd: number | undefined;
    let tmp: string | undefined;
    let dfd: number | undefined;
    try {
      sfd = openSync(src, 'r');
      const before = fstatSync(sfd, { bigint: true });
      if (!before.isFile()) throw stepError(`${n.fromName}:${n.rel} is not a regular file any more; not moved`);
      if (!isFound(before, found)) throw changed(n);
      const size = Number(before.size);
      const data = this.#source.readWhole(sfd, size);
      if (data.length !== size) throw changed(n);
      const digest = this.#digest(data);

      tmp = partialNameFor(dst);
      dfd = openSync(tmp, 'wx+', 0o600);
      // As copyFile: the copy gets the source's permission bits, whatever the umask.
      fchmodSync(dfd, Number(before.mode & 0o7777n));
      for (let off = 0; off < size; ) off += writeSync(dfd, data, off, size - off, off);
      futimesSync(dfd, nsToSeconds(before.atimeNs), nsToSeconds(before.mtimeNs));

      // The source did not change while it was read, and is still the file at its name: the name leads to the
      // same inode (dev, ino) as the descriptor did, with the same size, mtime and ctime.
      if (!sameIdentity(identityOf(statSync(src, { bigint: true })), identityOf(before))) throw changed(n);
      const written = this.#copy.readWhole(dfd, size);
      if (written.length !== size || this.#digest(written) !== digest) {
        throw stepError(`verification of ${n.rel} at ${n.toName} failed: the copy does not match the source (size or content hash); nothing was renamed`);
      }
      const partial = fstatSync(dfd, { bigint: true });
      return { rel: n.rel, tmp, dst, fd: dfd, digest, size, source: before, partial };
    } catch (err) {
      if (dfd !== undefined) closeSync(dfd);
      if (tmp !== undefined) rmSync(tmp, { force: true });
      throw err instanceof SplashError ? err : stepError(`copy of ${n.rel} from ${n.fromName} to ${n.toName} failed: ${codeOf(err)}`);
    } finally {
      if (sfd !== undefined) closeSync(sfd);
    }
  }

  #digest(data: Buffer): string {
    this.hasher.init();
    this.hasher.update(data);
    return this.hasher.digest('hex');
  }
}

/** One reused buffer per role: a batch of small files allocates nothing per file. */
class ReadBuffer {
  #buf = Buffer.allocUnsafe(1 << 16);

  /** Read a whole file from offset 0, one byte past the expected size so that growth shows. */
  readWhole(fd: number, size: number): Buffer {
    if (this.#buf.length < size + 1) this.#buf = Buffer.allocUnsafe(Math.max(size + 1, this.#buf.length * 2));
    const buf = this.#buf;
    let off = 0;
    while (off <= size) {
      const want = size + 1 - off;
      const got = readSync(fd, buf, off, want, off);
      off += got;
      // A regular file reads short only at its end: no second call just to see 0.
      if (got < want) break;
    }
    return buf.subarray(0, off);
  }
}

const changed = (n: SmallCopyNames): SplashError =>
  stepError(`${n.fromName}:${n.rel} changed while it was being copied; not moved`, 'the beamline may still be writing it: run the move again once the file is complete');

/**
 * Seconds as utimes takes them (a double: about 0.2 µs apart at today's dates). Cut to whole microseconds, so
 * that rounding never lifts a time into the next second, which tools comparing whole seconds would notice.
 */
export function nsToSeconds(ns: bigint): number {
  return Number(ns / 1_000_000_000n) + Number((ns % 1_000_000_000n) / 1000n) / 1e6;
}
