import type { BigIntStats } from 'node:fs';
import { lstatSync } from 'node:fs';
import { describeError } from '../errors.js';
import { HASH_ALGORITHM } from '../fs/hash.js';
import { type FileIdentity, identityOf, originOf, sameIdentity, type VerificationRecord, writeVerificationRecords } from '../fs/verification-record.js';
import type { RelPath } from '../paths.js';
import type { StepContext } from '../run/context.js';

/**
 * Writing the verification record of a copy (see src/fs/verification-record.ts). A record is a saving, never
 * a condition: one that cannot be written costs a later step a re-read, so a failure is logged at debug level
 * and the move goes on (recordCopy never throws).
 */
export interface RecordTarget {
  readonly ctx: StepContext;
  /** Real path of the destination endpoint's root. */
  readonly rootReal: string;
  /** Name of the source endpoint. */
  readonly sourceEndpoint: string;
  /** Real path of the source endpoint's root, where its own records (of copies made into it) are. */
  readonly sourceRoot: string | undefined;
}

/**
 * A source written this close to now may be written again within the same timestamp tick (file systems stamp
 * with a coarse clock, some in 1 s or 2 s steps), and then its identity would not change with its bytes. Such
 * a source is copied and verified as usual, but its identity is not pinned in a record. Any write sets both
 * mtime and ctime to the current tick, so one of them being older than the window is enough: a later write
 * changes it. (A copy this system just published has a new ctime but keeps its source's old mtime: not racy.)
 */
export const RACY_SOURCE_NS = 2_000_000_000n;

function isRacy(st: BigIntStats, nowMs = Date.now()): boolean {
  const since = BigInt(nowMs) * 1_000_000n - RACY_SOURCE_NS;
  return st.mtimeNs > since && st.ctimeNs > since;
}

/**
 * The record that the file at `rel` (identity `copy`) holds `digest`, as does the source with identity
 * `source`; undefined when none may be written (a racy source, or a copy that changed). The copy's identity is
 * checked once more (unless the caller took it just now): a record must never describe another file.
 */
export function recordOf(t: RecordTarget, rel: RelPath, dstAbs: string, digest: string, source: BigIntStats, copy: FileIdentity, checkedJustNow = false): VerificationRecord | undefined {
  if (isRacy(source)) {
    t.ctx.debug(`no verification record for ${rel}: the source changed less than ${String(RACY_SOURCE_NS / 1_000_000_000n)} s ago`);
    return undefined;
  }
  if (!checkedJustNow) {
    const now = lstatSync(dstAbs, { bigint: true, throwIfNoEntry: false });
    if (!now || !sameIdentity(identityOf(now), copy)) {
      t.ctx.debug(`no verification record for ${rel}: the copy changed after it was verified`);
      return undefined;
    }
  }
  const origin = originOf(t.sourceRoot, t.sourceEndpoint, rel, source);
  return {
    version: 1,
    rel,
    algorithm: HASH_ALGORITHM,
    digest,
    copy,
    source: { endpoint: t.sourceEndpoint, identity: identityOf(source), ...(origin === undefined ? {} : { origin }) },
    verifiedAt: new Date().toISOString(),
  };
}

/** Write records (one append per folder); never throws. */
export function saveRecords(t: RecordTarget, records: readonly (VerificationRecord | undefined)[]): void {
  const valid = records.filter((r): r is VerificationRecord => r !== undefined);
  if (valid.length === 0) return;
  try {
    writeVerificationRecords(t.rootReal, valid);
  } catch (err) {
    const which = valid.length === 1 ? `the verification record of ${valid[0]?.rel ?? ''}` : `the verification records of ${valid[0]?.rel ?? ''} and ${String(valid.length - 1)} more`;
    t.ctx.debug(`could not write ${which} (${describeError(err)}); a later check re-reads ${valid.length === 1 ? 'the file' : 'those files'} instead`);
  }
}

/** Record one copy (see recordOf); never throws. */
export function recordCopy(t: RecordTarget, rel: RelPath, dstAbs: string, digest: string, source: BigIntStats, copy: FileIdentity, checkedJustNow = false): void {
  try {
    saveRecords(t, [recordOf(t, rel, dstAbs, digest, source, copy, checkedJustNow)]);
  } catch (err) {
    t.ctx.debug(`could not write the verification record of ${rel} (${describeError(err)}); a later check re-reads the file instead`);
  }
}
