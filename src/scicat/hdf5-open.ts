// Opening HDF5 files with h5wasm (Node build: NODERAWFS, so reads go straight to the file on disk and a
// 2 GiB file is never loaded whole). h5wasm does not throw on a bad file (it hands back a negative id and
// prints HDF5-DIAG to stderr), so the file is checked here first and the id afterwards: a missing file, a
// file that is not HDF5, a truncated one and an unreadable one each become a clear Hdf5ReadError.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import h5wasm from 'h5wasm/node';
import type { Dataset, Entity, File as H5File, Group } from 'h5wasm/node';
import { SplashError } from '../errors.js';

export type Hdf5FailureReason = 'not-found' | 'not-hdf5' | 'truncated' | 'unreadable';

/** A file that could not be read as HDF5; `reason` says why, the message says it for a person. */
export class Hdf5ReadError extends SplashError {
  readonly path: string;
  readonly reason: Hdf5FailureReason;

  constructor(path: string, reason: Hdf5FailureReason, message: string, cause?: unknown) {
    super('step', message, hint(reason));
    this.name = 'Hdf5ReadError';
    this.path = path;
    this.reason = reason;
    if (cause !== undefined) this.cause = cause;
  }
}

function hint(reason: Hdf5FailureReason): string {
  switch (reason) {
    case 'not-found':
      return 'check the path; the file may have been moved or not yet written';
    case 'not-hdf5':
      return 'only HDF5 (Data Exchange) files carry scan metadata; ingest this file with the generic file ingestor';
    case 'truncated':
      return 'the copy may be incomplete: compare its size with the source and copy it again';
    case 'unreadable':
      return 'the file may be damaged or still being written';
  }
}

/** The 8-byte HDF5 format signature. */
const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Text of whatever was thrown (h5wasm sometimes throws plain strings). */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err);
}

/**
 * Checks the file exists and carries the HDF5 signature, at offset 0 or after a user block (512, 1024, 2048, …
 * bytes), reading a few bytes only.
 */
function checkSignature(path: string): void {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Hdf5ReadError(path, 'not-found', `${path} is not a regular file`);
    size = st.size;
  } catch (err) {
    if (err instanceof Hdf5ReadError) throw err;
    throw new Hdf5ReadError(path, 'not-found', `cannot read ${path}: ${messageOf(err)}`, err);
  }
  if (size < SIGNATURE.length) throw new Hdf5ReadError(path, 'not-hdf5', `${path} is not an HDF5 file (${size} bytes, too small)`);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new Hdf5ReadError(path, 'unreadable', `cannot open ${path}: ${messageOf(err)}`, err);
  }
  try {
    const buf = Buffer.alloc(SIGNATURE.length);
    for (let offset = 0; offset + SIGNATURE.length <= size; offset = offset === 0 ? 512 : offset * 2) {
      if (readSync(fd, buf, 0, SIGNATURE.length, offset) === SIGNATURE.length && buf.equals(SIGNATURE)) return;
    }
  } finally {
    closeSync(fd);
  }
  throw new Hdf5ReadError(path, 'not-hdf5', `${path} is not an HDF5 file (no HDF5 signature)`);
}

/** Opens `path` read-only, runs `fn` and closes the file whatever happens. */
export async function withHdf5File<T>(path: string, fn: (file: H5File) => T): Promise<T> {
  await h5wasm.ready;
  checkSignature(path);
  let file: H5File;
  try {
    file = new h5wasm.File(path, 'r');
  } catch (err) {
    throw new Hdf5ReadError(path, 'unreadable', `cannot open ${path} as HDF5: ${messageOf(err)}`, err);
  }
  if (file.file_id < 0n) {
    // The signature was there, so the superblock or what it points to is past the end of the file or damaged.
    throw new Hdf5ReadError(path, 'truncated', `${path} is truncated or damaged: HDF5 could not open it although it has an HDF5 signature`);
  }
  try {
    return fn(file);
  } catch (err) {
    if (err instanceof Hdf5ReadError) throw err;
    throw new Hdf5ReadError(path, 'unreadable', `cannot read ${path}: ${messageOf(err)} (the file may be truncated or damaged)`, err);
  } finally {
    try {
      file.close();
    } catch {
      // Closing a damaged file can fail too; nothing more to do.
    }
  }
}

export function isDataset(e: Entity | null): e is Dataset {
  return e instanceof h5wasm.Dataset;
}

export function isGroup(e: Entity | null): e is Group {
  return e instanceof h5wasm.Group;
}

/** `file.get(path)` that answers null instead of throwing for a path that is missing or whose parent is a dataset. */
export function getEntity(file: H5File, path: string): Entity | null {
  try {
    return file.get(path);
  } catch {
    return null;
  }
}
