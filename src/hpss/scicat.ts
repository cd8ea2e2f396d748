/**
 * Where a dataset's bytes are on tape, recorded in SciCat once its archive verified: one datablock per
 * archived file, `POST /api/v3/datablocks` (scicat/documents.ts says why this route and not the dataset's).
 * The backend's Datablock is the archive system's record of a dataset — `archiveId` "is used when data is
 * retrieved back" — so a user (or `splash hpss restore`) reads the archive and the member from it:
 *   archiveId  HPSS:/home/a/alsdev/data_mover/8.3.2/raw/BLS-00564/BLS-00564_2026-1.tar#scan_001.h5
 *   version    htar (a member of that archive) or hsi (a file stored on its own: no "#member")
 *   chk        the file's BLAKE2b-512 from the archive's manifest (chkAlg blake2b), when it has one
 * The HPSS path is hsi-safe (no '#'), so the first '#' separates archive and member. archiveId is unique in
 * the backend, which makes the record idempotent: it is looked up first, and a replay answers 409.
 * Datasets are found as ingest made them: one per file, by its folder on the ingest endpoint and its name.
 */
import { basename } from 'node:path';
import { type DatablockInput, validateDatablock } from '../scicat/documents.js';
import type { ScicatClient } from '../scicat/index.js';
import { sourceFolderOf } from '../scicat/ingestors.js';

export interface TapeEntry {
  /** The file's path relative to the endpoint roots (`raw/BLS-00564/scan_001.h5`). */
  readonly rel: string;
  readonly archivePath: string;
  /** The member name inside the archive; undefined for a file stored on its own. */
  readonly member: string | undefined;
  readonly size: number;
  readonly mtimeMs: number;
  /** BLAKE2b-512 from the archive's manifest, when it has one. */
  readonly checksum?: string | undefined;
}

export const archiveIdOf = (e: Pick<TapeEntry, 'archivePath' | 'member'>): string => `HPSS:${e.archivePath}${e.member === undefined ? '' : `#${e.member}`}`;

/** The datablock for one archived file of a dataset (checked as the backend would before it is sent). */
export function datablockFor(e: TapeEntry, dataset: { pid: string; ownerGroup: string; accessGroups: readonly string[] }): DatablockInput {
  const block: DatablockInput = {
    datasetId: dataset.pid,
    ownerGroup: dataset.ownerGroup,
    accessGroups: [...dataset.accessGroups],
    archiveId: archiveIdOf(e),
    size: e.size,
    packedSize: e.size,
    version: e.member === undefined ? 'hsi' : 'htar',
    // The algorithm as the backend's own example names it ("e.g., sha2 or blake2b").
    ...(e.checksum === undefined ? {} : { chkAlg: 'blake2b' }),
    dataFileList: [{ path: basename(e.rel), size: e.size, time: new Date(e.mtimeMs).toISOString(), ...(e.checksum === undefined ? {} : { chk: e.checksum }) }],
  };
  const v = validateDatablock(block);
  if (!v.ok) throw new Error(`the datablock for ${e.rel} would be rejected: ${v.issues.join('; ')}`);
  return block;
}

export interface TapeRecordResult {
  recorded: number;
  /** Already recorded by an earlier run. */
  already: number;
  /** Files no dataset was found for (never ingested). */
  notCatalogued: string[];
  failed: { rel: string; why: string }[];
}

/** Record every entry's tape location on its dataset; one failure does not stop the others. */
export async function recordTapeLocations(client: ScicatClient, ingestRoot: string, entries: readonly TapeEntry[]): Promise<TapeRecordResult> {
  const result: TapeRecordResult = { recorded: 0, already: 0, notCatalogued: [], failed: [] };
  const known = await client.datablocksWithArchiveIds(entries.map(archiveIdOf));
  for (const e of entries) {
    if (known.has(archiveIdOf(e))) {
      result.already++;
      continue;
    }
    try {
      const dataset = await client.findDataset({ sourceFolder: sourceFolderOf(ingestRoot, e.rel), datasetName: basename(e.rel) });
      if (!dataset) {
        result.notCatalogued.push(e.rel);
        continue;
      }
      const ownerGroup = typeof dataset.ownerGroup === 'string' ? dataset.ownerGroup : '';
      const accessGroups = Array.isArray(dataset.accessGroups) ? dataset.accessGroups.filter((g): g is string => typeof g === 'string') : [];
      const outcome = await client.addDatablock(datablockFor(e, { pid: dataset.pid, ownerGroup, accessGroups }));
      if (outcome === 'created') result.recorded++;
      else result.already++;
    } catch (err) {
      result.failed.push({ rel: e.rel, why: err instanceof Error ? err.message : String(err) });
    }
  }
  return result;
}
