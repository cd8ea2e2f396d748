import { stat } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import { hashFile } from '../fs/hash.js';
import type { DataFile, RawDatasetDocument } from './documents.js';
import { isEmail } from './documents.js';

/** What an ingestor makes of one file: the dataset, its one data file, a thumbnail, and what was missing. */
export interface IngestPlan {
  readonly dataset: RawDatasetDocument;
  readonly datafile: DataFile;
  readonly thumbnail: Buffer | undefined;
  readonly warnings: string[];
}

export interface IngestFile {
  /** Absolute path on the runner. */
  readonly abs: string;
  /** The dataset's source folder as the facility names it (endpoint root + the file's folder). */
  readonly sourceFolder: string;
  readonly beamline: string;
  readonly fallbackEmail: string;
}

/** Chosen per beamline: how a file's catalogue entry is made. */
export type Ingestor = (file: IngestFile) => Promise<IngestPlan>;

const groupOf = (beamline: string): string => `bl${beamline.replace(/\./g, '')}`;

/** The backend rejects invalid e-mails: take the first address-looking token, else the facility fallback. */
export function cleanEmail(raw: string | undefined, fallback: string): { email: string; warning?: string } {
  const candidate = (raw ?? '').split(/[\s,;<>()"']+/).map((t) => t.trim().toLowerCase()).find((t) => t.includes('@') && isEmail(t));
  if (candidate) return { email: candidate };
  return { email: fallback, warning: raw ? `contact e-mail ${JSON.stringify(raw)} is not valid; used ${fallback}` : `no contact e-mail in the file; used ${fallback}` };
}

/** What every catalogue entry holds, however the file was seen: on disk, or in a collection listing. */
export interface FileFacts {
  /** The file name with its extension: the dataset's name (frame_001.edf and frame_001.tif are two datasets). */
  readonly name: string;
  readonly size: number;
  /** Modification time, ISO 8601. */
  readonly time: string;
  /** Content checksum (XXH128), when the file could be read. */
  readonly chk?: string | undefined;
  readonly sourceFolder: string;
  /** The host of sourceFolder, when it is not on the runner (a Globus collection's `uri`). */
  readonly sourceFolderHost?: string | undefined;
  readonly beamline: string;
  readonly fallbackEmail: string;
}

async function basics(file: IngestFile): Promise<{ size: number; time: string; name: string }> {
  const st = await stat(file.abs);
  return { size: st.size, time: st.mtime.toISOString(), name: basename(file.abs) };
}

/**
 * The generic entry: name, size, time (and checksum when known), access by beamline. No size or file count on
 * the dataset itself: the orig-datablock adds them (sent twice, the backend would count the file twice).
 */
export function genericPlan(f: FileFacts): IngestPlan {
  const group = groupOf(f.beamline);
  return {
    dataset: {
      type: 'raw', owner: `beamline ${f.beamline}`, contactEmail: f.fallbackEmail, sourceFolder: f.sourceFolder,
      ...(f.sourceFolderHost === undefined ? {} : { sourceFolderHost: f.sourceFolderHost }),
      creationTime: f.time, ownerGroup: group, accessGroups: [group], principalInvestigator: `beamline ${f.beamline}`,
      creationLocation: `/ALS/${f.beamline}`, datasetName: f.name,
      scientificMetadata: { file_name: f.name }, dataFormat: extname(f.name).slice(1) || 'unknown',
    },
    datafile: { path: f.name, size: f.size, time: f.time, ...(f.chk === undefined ? {} : { chk: f.chk }) },
    thumbnail: undefined,
    warnings: [],
  };
}

/** Any file of a beamline whose format is not known: name, size, time and a content checksum. */
export const genericIngestor: Ingestor = async (file) => {
  const { size, time, name } = await basics(file);
  const { digest } = await hashFile(file.abs);
  return genericPlan({ name, size, time, chk: digest, sourceFolder: file.sourceFolder, beamline: file.beamline, fallbackEmail: file.fallbackEmail });
};

/**
 * 8.3.2 microCT: Data Exchange HDF5. Catalogue fields, scientific metadata and sampled series from the file,
 * access from proposal and beamline, a thumbnail of the first projection. A file whose metadata cannot be
 * read (not HDF5, truncated) is still catalogued the generic way, with the reason as a warning: the data
 * moved, and people must be able to find it.
 */
export const dataExchangeIngestor: Ingestor = async (file) => {
  const { readDataExchangeMetadata } = await import('./hdf5.js');
  const { thumbnailFromDataExchange } = await import('./thumbnail.js');
  let meta;
  try {
    meta = await readDataExchangeMetadata(file.abs);
  } catch (err) {
    const plan = await genericIngestor(file);
    return { ...plan, warnings: [`metadata not read: ${err instanceof Error ? err.message : String(err)}`] };
  }
  const { size, time, name } = await basics(file);
  const c = meta.catalogue;
  const warnings = [...meta.warnings];
  const contact = cleanEmail(c.email, file.fallbackEmail);
  if (contact.warning) warnings.push(contact.warning);
  const owner = c.experimenterName ?? c.experimentLead ?? `beamline ${file.beamline}`;
  const group = groupOf(file.beamline);
  let thumbnail: Buffer | undefined;
  try {
    thumbnail = await thumbnailFromDataExchange(file.abs, { maxSize: 256 });
    if (!thumbnail) warnings.push('no /exchange/data: no thumbnail');
  } catch (err) {
    warnings.push(`thumbnail not made: ${err instanceof Error ? err.message : String(err)}`);
  }
  return {
    dataset: {
      type: 'raw', owner, contactEmail: contact.email, ...(contact.warning ? {} : { ownerEmail: contact.email }),
      sourceFolder: file.sourceFolder, creationTime: time,
      ownerGroup: c.proposal ?? group, accessGroups: [group, file.beamline],
      principalInvestigator: c.pi ?? owner, creationLocation: `/ALS/${file.beamline}`,
      // Named after the file (with its extension), not the name recorded inside it: two scans must never share
      // a dataset. No size or file count here: the orig-datablock adds them.
      datasetName: name,
      scientificMetadata: { ...(c.fileName ? { file_name: c.fileName } : {}), ...meta.scientific, ...(Object.keys(meta.samples).length > 0 ? { samples: meta.samples } : {}) },
      ...(c.proposal ? { proposalId: c.proposal } : {}), ...(c.instrumentName ? { instrumentGroup: c.instrumentName } : {}),
      dataFormat: 'DataExchange HDF5',
    },
    datafile: { path: basename(file.abs), size, time },
    thumbnail,
    warnings,
  };
};

export const sourceFolderOf = (root: string, rel: string): string => {
  const dir = dirname(rel);
  return dir === '.' ? root : `${root === '/' ? '' : root}/${dir}`;
};
