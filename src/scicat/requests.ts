/**
 * The request bodies one ingested file becomes — dataset, orig-datablock, attachment — built in one place, so
 * the dry run writes exactly what a real run sends, and both validate every body before anything is sent.
 */
import { type AttachmentInput, type OrigDatablockInput, type RawDatasetDocument, validateAttachment, validateOrigDatablock, validateRawDataset } from './documents.js';
import { HASH_ALGORITHM } from '../fs/hash.js';
import type { IngestPlan } from './ingestors.js';

export interface IngestRequests {
  /** `POST /api/v3/Datasets` (after the lookup found none). */
  readonly dataset: RawDatasetDocument;
  /** `POST /api/v3/datasets/{pid}/origdatablocks`: the file, with the algorithm of its checksum (every `chk` is an XXH128 from hashFile). */
  readonly origDatablock: OrigDatablockInput;
  /** `POST /api/v3/datasets/{pid}/attachments`, when there is a thumbnail. */
  readonly attachment: AttachmentInput | undefined;
}

/** A PNG as the data URL an attachment's `thumbnail` carries. */
export function toDataUrl(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

export function ingestRequests(plan: IngestPlan): IngestRequests {
  const { dataset, datafile } = plan;
  return {
    dataset,
    origDatablock: { size: datafile.size, dataFileList: [datafile], ...(datafile.chk === undefined ? {} : { chkAlg: HASH_ALGORITHM }) },
    attachment: plan.thumbnail
      ? {
          thumbnail: toDataUrl(plan.thumbnail),
          caption: `first projection of ${dataset.datasetName}`,
          // Required by the backend's attachment DTO (it then stores the dataset's own ownerGroup).
          ownerGroup: dataset.ownerGroup,
          accessGroups: dataset.accessGroups,
        }
      : undefined,
  };
}

/** Every problem of every body, each prefixed with the body it is in; empty when the backend would take them all. */
export function requestIssues(r: IngestRequests): string[] {
  const issues: string[] = [];
  const add = (what: string, v: { ok: boolean; issues: string[] }): void => {
    for (const i of v.issues) issues.push(`${what}: ${i}`);
  };
  add('dataset', validateRawDataset(r.dataset));
  add('orig-datablock', validateOrigDatablock(r.origDatablock));
  if (r.attachment) add('attachment', validateAttachment(r.attachment));
  return issues;
}
