import { createHash, randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

/**
 * Temporary names for copies in flight. Every copy writes its own `.<name>.<host>-<pid>-<nonce>.splash-partial` next
 * to the final name, so two runs on the same file never touch each other's bytes; a partial whose process
 * is gone (same host, pid not alive) is garbage and is removed by the next copy into that folder.
 */
export const PARTIAL_SUFFIX = '.splash-partial';

const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
/** Room for ".<host>-<pid>-<nonce>.splash-partial" and the leading dot within a 255-byte file name. */
const MAX_BASE_BYTES = 255 - 1 - 1 - HOST.length - 1 - 10 - 1 - 8 - PARTIAL_SUFFIX.length;

export function isPartialName(name: string): boolean {
  return name.endsWith(PARTIAL_SUFFIX);
}

/** The part of a partial's name that identifies its final name (a hash when the name is too long to embed). */
function partialStem(finalBase: string): string {
  const base = Buffer.byteLength(finalBase) <= MAX_BASE_BYTES ? finalBase : createHash('sha256').update(finalBase).digest('hex').slice(0, 32);
  return `.${base}.`;
}

/** A fresh temporary name for one copy into `finalPath` (the nonce keeps two copies in one process apart). */
export function partialNameFor(finalPath: string, pid = process.pid, nonce = randomBytes(4).toString('hex')): string {
  return join(dirname(finalPath), `${partialStem(basename(finalPath))}${HOST}-${pid}-${nonce}${PARTIAL_SUFFIX}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err instanceof Error && 'code' in err && err.code === 'EPERM';
  }
}

/** Remove partials of `finalPath` left by dead processes of this host; others' are left alone. */
export async function removeStalePartials(finalPath: string): Promise<void> {
  const stem = partialStem(basename(finalPath));
  let names: string[];
  try {
    names = await readdir(dirname(finalPath));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(stem) || !name.endsWith(PARTIAL_SUFFIX)) continue;
    const owner = name.slice(stem.length, -PARTIAL_SUFFIX.length);
    const m = /^([0-9a-f]{8})-(\d+)-[0-9a-f]+$/.exec(owner);
    if (m?.[1] === HOST && m[2] !== undefined && Number(m[2]) !== process.pid && !alive(Number(m[2]))) {
      await rm(join(dirname(finalPath), name), { force: true });
    }
  }
}
