/**
 * A reconstruction as SciCat's derived dataset, linked to its raw scan: the request bodies — dataset,
 * orig-datablocks (the result files), attachment (a thumbnail of the middle slice) — built in one place, so
 * the dry run writes exactly what a real run sends, and validated as the backend validates them.
 */
import { basename, posix } from 'node:path';
import type { HpcName } from '../config/index.js';
import type { JobOutcome } from '../hpc/job.js';
import { walkTree } from '../fs/walk.js';
import type { RelPath } from '../paths.js';
import {
  type AttachmentInput,
  type DataFile,
  type DerivedDatasetDocument,
  type OrigDatablockInput,
  type ScicatDataset,
  validateAttachment,
  validateDerivedDataset,
  validateOrigDatablock,
} from './documents.js';
import { encodeGrayPng } from './png.js';
import { toDataUrl } from './requests.js';
import { downsample, stretch } from './thumbnail.js';
import { readTiff, TiffUnsupported } from './tiff.js';

/** What a derived dataset takes from its raw scan's dataset: the link and who may see it. */
export interface RawFacts {
  readonly pid: string;
  readonly datasetName: string;
  readonly owner: string;
  readonly ownerGroup: string;
  readonly accessGroups: readonly string[];
  readonly contactEmail: string;
  readonly ownerEmail?: string | undefined;
  readonly principalInvestigator?: string | undefined;
  readonly proposalId?: string | undefined;
  readonly instrumentGroup?: string | undefined;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The raw dataset as stored (or as ingest's dry run would create it): its facts, or what is missing. */
export function rawFactsOf(d: ScicatDataset | Readonly<Record<string, unknown>>, pid: string): RawFacts | { missing: string[] } {
  const missing = ['owner', 'ownerGroup', 'contactEmail', 'datasetName'].filter((k) => text(d[k]) === undefined);
  if (missing.length > 0) return { missing };
  const groups = Array.isArray(d.accessGroups) ? d.accessGroups.filter((g): g is string => typeof g === 'string') : [];
  return {
    pid,
    datasetName: text(d.datasetName) ?? '',
    owner: text(d.owner) ?? '',
    ownerGroup: text(d.ownerGroup) ?? '',
    accessGroups: groups,
    contactEmail: text(d.contactEmail) ?? '',
    ownerEmail: text(d.ownerEmail),
    principalInvestigator: text(d.principalInvestigator),
    proposalId: text(d.proposalId),
    instrumentGroup: text(d.instrumentGroup),
  };
}

export interface Thumbnail {
  readonly png: Buffer;
  /** Which file it shows. */
  readonly of: string;
}

export interface DerivedInput {
  readonly raw: RawFacts;
  readonly technique: string;
  readonly hpc: HpcName;
  readonly jobs: readonly JobOutcome[];
  /** The options the jobs ran with (after defaults), as JSON. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly sourceFolder: string;
  readonly sourceFolderHost?: string | undefined;
  readonly datasetName: string;
  /** Result files, paths relative to sourceFolder. */
  readonly files: readonly DataFile[];
  readonly thumbnail: Thumbnail | undefined;
  readonly creationTime: string;
  /** What made it: container images, programs, the wrapper. */
  readonly software: readonly string[];
}

export interface DerivedRequests {
  /** `POST /api/v3/Datasets` (after the lookup by sourceFolder + datasetName found none). */
  readonly dataset: DerivedDatasetDocument;
  /** `POST /api/v3/datasets/{pid}/origdatablocks`, in this order (a re-run adds those past the count it finds). */
  readonly origDatablocks: readonly OrigDatablockInput[];
  /** `POST /api/v3/datasets/{pid}/attachments`, when there is a thumbnail. */
  readonly attachment: AttachmentInput | undefined;
}

/** A reconstruction has thousands of files (slices, zarr chunks): the file list goes in blocks of this many. */
export const FILES_PER_BLOCK = 2000;

const HPC_NAMES: Record<HpcName, string> = { nersc: 'NERSC', alcf: 'ALCF' };

export function derivedRequests(i: DerivedInput): DerivedRequests {
  const { raw } = i;
  const statusNumbers = (key: string): number | undefined => {
    for (const j of i.jobs) {
      const v = j.status?.[key];
      if (typeof v === 'number') return v;
    }
    return undefined;
  };
  const centre = i.jobs.find((j) => j.centre !== undefined)?.centre;
  const facts = Object.fromEntries(
    Object.entries({ slices: statusNumbers('slices_written'), levels: statusNumbers('levels'), centre }).filter(([, v]) => v !== undefined),
  );
  const dataset: DerivedDatasetDocument = {
    type: 'derived',
    datasetName: i.datasetName,
    description: `${i.technique} reconstruction of ${raw.datasetName} at ${HPC_NAMES[i.hpc]}`,
    owner: raw.owner,
    ...(raw.ownerEmail === undefined ? {} : { ownerEmail: raw.ownerEmail }),
    contactEmail: raw.contactEmail,
    ownerGroup: raw.ownerGroup,
    accessGroups: [...raw.accessGroups],
    ...(raw.instrumentGroup === undefined ? {} : { instrumentGroup: raw.instrumentGroup }),
    ...(raw.proposalId === undefined ? {} : { proposalId: raw.proposalId }),
    sourceFolder: i.sourceFolder,
    ...(i.sourceFolderHost === undefined ? {} : { sourceFolderHost: i.sourceFolderHost }),
    creationTime: i.creationTime,
    investigator: raw.principalInvestigator ?? raw.owner,
    inputDatasets: [raw.pid],
    usedSoftware: [...i.software],
    jobParameters: {
      hpc: i.hpc,
      technique: i.technique,
      options: i.options,
      ...(centre === undefined ? {} : { centre }),
      jobs: i.jobs.map((j) => ({
        kind: j.kind,
        id: j.jobId,
        name: j.jobName,
        state: j.state,
        ...(j.elapsedSeconds === undefined ? {} : { elapsed_seconds: j.elapsedSeconds }),
        walltime_seconds: j.walltimeSeconds,
        ...(j.reused ? { reused: true } : {}),
      })),
    },
    keywords: ['reconstruction', i.technique, HPC_NAMES[i.hpc]],
    ...(Object.keys(facts).length > 0 ? { scientificMetadata: { reconstruction: facts } } : {}),
  };
  const origDatablocks: OrigDatablockInput[] = [];
  for (let k = 0; k < i.files.length; k += FILES_PER_BLOCK) {
    const list = i.files.slice(k, k + FILES_PER_BLOCK);
    origDatablocks.push({ size: list.reduce((sum, f) => sum + f.size, 0), dataFileList: list });
  }
  return {
    dataset,
    origDatablocks,
    attachment: i.thumbnail
      ? { thumbnail: toDataUrl(i.thumbnail.png), caption: `middle slice of ${i.datasetName} (${i.thumbnail.of})`, ownerGroup: raw.ownerGroup, accessGroups: [...raw.accessGroups] }
      : undefined,
  };
}

/** Every problem of every body, each prefixed with the body it is in; empty when the backend would take them all. */
export function derivedRequestIssues(r: DerivedRequests): string[] {
  const issues: string[] = [];
  const add = (what: string, v: { ok: boolean; issues: string[] }): void => {
    for (const x of v.issues) issues.push(`${what}: ${x}`);
  };
  add('derived dataset', validateDerivedDataset(r.dataset));
  r.origDatablocks.forEach((b, k) => { add(`orig-datablock ${String(k + 1)}`, validateOrigDatablock(b)); });
  if (r.attachment) add('attachment', validateAttachment(r.attachment));
  return issues;
}

/** The folder the results share: their common parent (for 8.3.2, the proposal folder holding rec<scan> and rec<scan>.zarr). */
export function commonParent(rels: readonly RelPath[]): string {
  const dirs = rels.map((r) => posix.dirname(r).split('/').filter((p) => p !== '.'));
  const first = dirs[0] ?? [];
  let n = first.length;
  for (const d of dirs) {
    let k = 0;
    while (k < n && d[k] === first[k]) k++;
    n = k;
  }
  return first.slice(0, n).join('/');
}

/** The result files under `root` (a folder the runner reads), relative to `root/base`, symlinks not followed. */
export function resultFiles(root: string, rels: readonly RelPath[], base: string): { files: DataFile[]; skipped: string[] } {
  const files: DataFile[] = [];
  const skipped: string[] = [];
  const strip = base === '' ? 0 : base.length + 1;
  for (const rel of rels) {
    for (const e of walkTree(root, rel)) {
      if (e.kind === 'skipped') skipped.push(`${e.rel}: ${e.reason}`);
      else files.push({ path: e.rel.slice(strip), size: e.stat.size, time: e.stat.mtime.toISOString() });
    }
  }
  return { files, skipped };
}

/** A thumbnail of the middle slice of the first result folder that holds TIFF slices; undefined (and why) when none can be read. */
export async function middleSliceThumbnail(root: string, rels: readonly RelPath[], maxSize = 256): Promise<{ thumbnail: Thumbnail | undefined; note: string | undefined }> {
  for (const rel of rels) {
    const slices = [...walkTree(root, rel)].filter((e) => e.kind === 'file' && /\.tiff?$/i.test(e.rel) && !e.rel.slice(rel.length + 1).includes('/'));
    if (slices.length === 0) continue;
    const middle = slices[Math.floor((slices.length - 1) / 2)];
    if (middle === undefined) continue;
    try {
      const img = await readTiff(middle.abs);
      const small = downsample(img, maxSize);
      return { thumbnail: { png: encodeGrayPng(stretch(small.data), small.width, small.height), of: basename(middle.rel) }, note: undefined };
    } catch (err) {
      if (err instanceof TiffUnsupported) return { thumbnail: undefined, note: `no thumbnail: ${middle.rel}: ${err.message}` };
      throw err;
    }
  }
  return { thumbnail: undefined, note: undefined };
}
