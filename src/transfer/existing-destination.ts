import type { BigIntStats } from 'node:fs';
import { lstatSync, statSync } from 'node:fs';
import { stepError } from '../errors.js';
import { hashFile } from '../fs/hash.js';
import { type FileIdentity, identityOf, originOf, readVerificationRecord, sameIdentity } from '../fs/verification-record.js';
import type { RelPath } from '../paths.js';
import { recordCopy, type RecordTarget } from './records.js';
import { type FoundFile, isFound } from './source-resolver.js';

/**
 * What to do with a destination that already exists. It is left alone when it holds the source's bytes
 * ("identical": a re-run), replaced when it is a copy this system made from an earlier state of the same
 * source (a file that changed after it was dispatched, e.g. a writer that paused longer than the watcher's
 * stable_seconds and then finished), and otherwise never touched: the move fails with a clear error.
 *
 * "A copy this system made" is known from its verification record: the record names this source endpoint
 * and its copy identity is still the destination's (any change to the destination since — by a person or
 * another tool — changes its ctime and voids the claim). "Of the same source" means the same origin (see
 * originOf): the very file, grown or rewritten in place, or on a later hop the copy this system made of it. A
 * new file under the old name (a scan numbered from 1 again after the old one was pruned at the beamline, or
 * deleted and written anew) is another file, and the copy may be the only one left of the old: it is never
 * replaced. Where the file system keeps no birth time this cannot be told (a deleted file's inode number is
 * reused at once), so a changed source is never replaced there.
 */
export type ExistingDecision =
  | { readonly kind: 'identical'; readonly digest: string }
  | { readonly kind: 'replace'; readonly expected: FileIdentity };

export interface ExistingFile {
  readonly rel: RelPath;
  readonly src: string;
  /** The source file as it was found: whatever its path leads to now must be that file. */
  readonly found: FoundFile;
  readonly dst: string;
  /** Endpoint names, for messages. */
  readonly fromName: string;
  readonly toName: string;
}

export async function decideExisting(f: ExistingFile, dstSt: BigIntStats, records: RecordTarget): Promise<ExistingDecision> {
  if (!dstSt.isFile()) throw stepError(`${f.toName}:${f.rel} exists and is not a regular file; not overwritten`);
  const srcSt = statSync(f.src, { bigint: true });
  if (!isFound(srcSt, f.found)) throw stepError(`${f.fromName}:${f.rel} changed while it was being compared with ${f.toName}; not moved`, 'run the move again');
  const dstId = identityOf(dstSt);
  const record = readVerificationRecord(records.rootReal, f.rel);
  const ours = record !== undefined && record.source.endpoint === records.sourceEndpoint && sameIdentity(record.copy, dstId);
  if (ours) {
    // Both files as they were when the record was written: proven identical without reading them.
    if (sameIdentity(record.source.identity, identityOf(srcSt))) return { kind: 'identical', digest: record.digest };
    // The source changed since (or was only touched: then its bytes are still the copy's).
    if (srcSt.size === dstSt.size) {
      const src = await hashUnchanged(f, srcSt);
      if (src.digest === record.digest) {
        recordCopy(records, f.rel, f.dst, src.digest, srcSt, dstId);
        return { kind: 'identical', digest: src.digest };
      }
    }
    const origin = originOf(records.sourceRoot, records.sourceEndpoint, f.rel, srcSt);
    if (origin !== undefined && origin === record.source.origin) return { kind: 'replace', expected: dstId };
    throw stepError(
      `${f.toName}:${f.rel} is a copy this system made of another file of that name (${f.fromName}:${f.rel} is not the file it was copied from: it was deleted or replaced since, and written anew${origin === undefined || record.source.origin === undefined ? ', or the file system keeps no birth time to tell' : ''}); not overwritten`,
      'the copy may be the only one left of the earlier file: keep it (rename one of the two), then run the move again',
    );
  }
  if (dstSt.size !== srcSt.size) {
    throw stepError(
      `${f.toName}:${f.rel} already exists with a different size (${String(dstSt.size)} bytes, source ${String(srcSt.size)}); not overwritten`,
      'this system did not make that copy (or it was changed since): find out which file is right; move or delete the wrong one by hand, then run the move again',
    );
  }
  const [src, dst] = await Promise.all([hashUnchanged(f, srcSt), hashFile(f.dst)]);
  if (src.digest !== dst.digest) {
    throw stepError(
      `${f.toName}:${f.rel} already exists with different content (content hash differs); not overwritten`,
      'this system did not make that copy (or it was changed since): find out which file is right; move or delete the wrong one by hand, then run the move again',
    );
  }
  // Proven identical; the record is written only if the destination held still while it was read.
  const after = lstatSync(f.dst, { bigint: true, throwIfNoEntry: false });
  if (after && sameIdentity(identityOf(after), dstId)) recordCopy(records, f.rel, f.dst, src.digest, srcSt, dstId);
  return { kind: 'identical', digest: src.digest };
}

/** Hash the source and check it did not change while it was read (its identity, ctime included, is the same after). */
async function hashUnchanged(f: ExistingFile, before: BigIntStats): Promise<{ digest: string; bytes: number }> {
  const h = await hashFile(f.src);
  const after = statSync(f.src, { bigint: true });
  if (!sameIdentity(identityOf(after), identityOf(before)) || BigInt(h.bytes) !== before.size) {
    throw stepError(`${f.fromName}:${f.rel} changed while it was being compared with ${f.toName}; not moved`, 'the beamline may still be writing it: run the move again once the file is complete');
  }
  return h;
}
