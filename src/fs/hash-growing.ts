import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createContentHasher, hashFile } from './hash.js';

/**
 * Hash a file while another writer (the kernel's copy) is still filling it, on a worker thread, so that
 * verifying a copy costs no time after the copy: the main thread hashes the source, the worker hashes the
 * destination right behind the writer, and the kernel copies — three jobs at once instead of one after the
 * other. The worker reads only bytes below the file's current size, which the writer has finished.
 *
 * The worker is this module started again (see the bottom); when it cannot run as a worker (TypeScript
 * source under the test runner) the destination is hashed after the copy instead — same result, slower.
 */
export interface GrowingHash {
  /** The writer is done and the file has `size` bytes: hash the rest and return the digest. */
  finish(size: number): Promise<{ digest: string; bytes: number }>;
  /** The copy failed: stop reading. */
  abort(): void;
}

const WORKER_TAG = 'splash-hash-growing';
const CHUNK = 4 * 1024 * 1024;
/** Worker's view of the final size: -1 while the writer is still going, -2 to abort. */
const UNKNOWN = -1n;
const ABORT = -2n;

export function hashGrowingFile(path: string): GrowingHash {
  if (!import.meta.url.endsWith('.js')) {
    return { finish: () => hashFile(path), abort: () => undefined };
  }
  const target = new BigInt64Array(new SharedArrayBuffer(8));
  target[0] = UNKNOWN;
  const worker = new Worker(new URL(import.meta.url), { workerData: { tag: WORKER_TAG, path, target } });
  const result = new Promise<{ digest: string; bytes: number }>((resolve, reject) => {
    worker.once('message', (msg: { digest: string; bytes: number } | { error: string }) => {
      if ('error' in msg) reject(new Error(msg.error));
      else resolve(msg);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => { if (code !== 0) reject(new Error(`hashing worker exited with code ${code}`)); });
  });
  // Unhandled if the caller aborts; the caller only awaits it through finish().
  result.catch(() => undefined);
  const signal = (value: bigint): void => {
    Atomics.store(target, 0, value);
    Atomics.notify(target, 0);
  };
  return {
    finish: (size) => {
      signal(BigInt(size));
      return result;
    },
    abort: () => {
      signal(ABORT);
      void worker.terminate();
    },
  };
}

// Worker side: follow the file's size, hash what is there, wait (briefly, on the shared word) for more.
async function followAndHash(path: string, target: BigInt64Array): Promise<{ digest: string; bytes: number }> {
  const hash = await createContentHasher();
  const buf = Buffer.allocUnsafe(CHUNK);
  const fd = openSync(path, 'r');
  let pos = 0;
  try {
    for (;;) {
      const goal = Atomics.load(target, 0);
      if (goal === ABORT) break;
      const available = goal >= 0n ? Number(goal) : fstatSync(fd).size;
      if (pos < available) {
        const n = readSync(fd, buf, 0, Math.min(CHUNK, available - pos), pos);
        if (n === 0) throw new Error(`${path} is shorter than expected (${pos} of ${available} bytes)`);
        hash.update(buf.subarray(0, n));
        pos += n;
      } else if (goal >= 0n) {
        break;
      } else {
        // Nothing new yet: sleep until told the final size, or 5 ms, whichever comes first.
        Atomics.wait(target, 0, UNKNOWN, 5);
      }
    }
  } finally {
    closeSync(fd);
  }
  return { digest: hash.digest('hex'), bytes: pos };
}

if (!isMainThread && parentPort && (workerData as { tag?: unknown } | null)?.tag === WORKER_TAG) {
  const { path, target } = workerData as { path: string; target: BigInt64Array };
  const port = parentPort;
  followAndHash(path, target).then(
    (result) => { port.postMessage(result); },
    (err: unknown) => { port.postMessage({ error: err instanceof Error ? err.message : String(err) }); },
  );
}
