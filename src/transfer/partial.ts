import { createHash, randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { processAlive } from '../process-alive.js';

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

/** Nonces of this process: a random start (a reused pid meets other names), then counted (no random draw per file). */
let nonces = randomBytes(4).readUInt32BE(0);
const nextNonce = (): string => {
  nonces = (nonces + 1) >>> 0;
  return nonces.toString(16).padStart(8, '0');
};

/** A fresh temporary name for one copy into `finalPath` (the nonce keeps two copies in one process apart). */
export function partialNameFor(finalPath: string, pid = process.pid, nonce = nextNonce()): string {
  return join(dirname(finalPath), `${partialStem(basename(finalPath))}${HOST}-${pid}-${nonce}${PARTIAL_SUFFIX}`);
}

const OWNER = /\.([0-9a-f]{8})-(\d+)-[0-9a-f]+\.splash-partial$/;

/**
 * Remove the partials in folder `dir` left by dead processes of this host (whatever file they were for);
 * others' are left alone. Called once per destination folder a run copies into, not once per file.
 */
export async function removeStalePartialsIn(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith('.') || !name.endsWith(PARTIAL_SUFFIX)) continue;
    const m = OWNER.exec(name);
    if (m?.[1] === HOST && m[2] !== undefined && Number(m[2]) !== process.pid && !processAlive(Number(m[2]))) {
      await rm(join(dir, name), { force: true });
    }
  }
}
