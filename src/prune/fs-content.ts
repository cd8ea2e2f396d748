import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { IHasher } from 'hash-wasm';
import { createContentHasher, HASH_ALGORITHM, hashHandle } from '../fs/hash.js';
import { identityOf } from '../fs/verification-record.js';
import { codeOf } from '../fs/walk.js';
import { identityKey, type PlanItem, type SweepSpec } from './sweep-plan.js';

/**
 * The content check of one candidate, as its plan decided (Proof): nothing to read when the check
 * endpoint's verification record binds both files, else the file (against the record's digest) or both
 * files are hashed. Every hash is bound to the identity the plan saw: it reads through an open
 * descriptor (never following a symlink) whose identity (device, inode, size, mtime, ctime) must equal the
 * planned one before and after reading, so a file replaced meanwhile (`mv` of another file of the same
 * size over it) is never the one whose hash decides; and the deletion re-checks both identities right
 * before the unlink. Undefined when the copy is proven; else why the file is kept.
 */
export async function contentProblem(spec: SweepSpec, item: PlanItem): Promise<string | undefined> {
  const differs = `content differs at ${spec.checkName} (${HASH_ALGORITHM})`;
  const hash = item.size <= SMALL_FILE ? hashSmall : hashLarge;
  switch (item.proof.kind) {
    case 'record':
      return undefined;
    case 'source': {
      const mine = await hash(`${spec.root}/${item.rel}`, item.id, 'this file');
      if ('problem' in mine) return mine.problem;
      return mine.digest === item.proof.digest ? undefined : `${differs}, by its verification record`;
    }
    case 'both': {
      const [mine, copy] = await Promise.all([
        hash(`${spec.root}/${item.rel}`, item.id, 'this file'),
        hash(`${spec.checkRoot}/${item.rel}`, item.copyId, `the copy at ${spec.checkName}`),
      ]);
      if ('problem' in mine) return mine.problem;
      if ('problem' in copy) return copy.problem;
      return mine.digest === copy.digest ? undefined : differs;
    }
  }
}

type Hashed = { digest: string } | { problem: string };
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW;

/**
 * Small files (most of a tree of detector frames) are hashed synchronously with one reused hasher and
 * buffer: per file that is ~15 µs instead of ~250 µs for a promise round trip per call and a new hasher.
 * Large ones are read asynchronously, so the process stays responsive (lock heartbeats) meanwhile.
 */
const SMALL_FILE = 8 << 20;
let smallHasher: IHasher | undefined;
// 64 KiB: a read into a 1 MiB buffer costs ~30 µs even for a 10-byte file here, into 64 KiB ~2 µs.
const smallBuffer = Buffer.allocUnsafe(64 << 10);

async function hashSmall(path: string, expected: string, what: string): Promise<Hashed> {
  smallHasher ??= await createContentHasher();
  const hasher = smallHasher;
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (err) {
    return { problem: `could not read ${what} to compare checksums (${codeOf(err)})` };
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    const before = identityKey(identityOf(st));
    if (before !== expected) return { problem: `${what} changed since the plan; left for the next run` };
    hasher.init();
    // As many bytes as it has: a file that grows or shrinks meanwhile changes its identity (checked after).
    const size = Number(st.size);
    for (let done = 0, n = 1; done < size && n > 0; done += n) {
      n = readSync(fd, smallBuffer, 0, Math.min(smallBuffer.length, size - done), null);
      hasher.update(smallBuffer.subarray(0, n));
    }
    const digest = hasher.digest('hex');
    const after = identityKey(identityOf(fstatSync(fd, { bigint: true })));
    if (after !== before) return { problem: `${what} changed while it was hashed; left for the next run` };
    return { digest };
  } catch (err) {
    return { problem: `could not read ${what} to compare checksums (${codeOf(err)})` };
  } finally {
    closeSync(fd);
  }
}

async function hashLarge(path: string, expected: string, what: string): Promise<Hashed> {
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
