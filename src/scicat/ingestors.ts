import { stat } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import { hashFile, HASH_ALGORITHM } from '../fs/hash.js';
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

async function basics(file: IngestFile): Promise<{ size: number; time: string; name: string }> {
  const st = await stat(file.abs);
  return { size: st.size, time: st.mtime.toISOString(), name: basename(file.abs, extname(file.abs)) };
}

/** Any file of a beamline whose format is not known: name, size, time and a content checksum. */
export const genericIngestor: Ingestor = async (file) => {
  const { size, time, name } = await basics(file);
  const { digest } = await hashFile(file.abs);
  const group = groupOf(file.beamline);
  return {
    dataset: {
      type: 'raw', owner: `beamline ${file.beamline}`, contactEmail: file.fallbackEmail, sourceFolder: file.sourceFolder,
      creationTime: time, ownerGroup: group, accessGroups: [group], principalInvestigator: `beamline ${file.beamline}`,
      creationLocation: `/ALS/${file.beamline}`, datasetName: name, size, numberOfFiles: 1,
      scientificMetadata: { file_name: basename(file.abs) }, dataFormat: extname(file.abs).slice(1) || 'unknown',
    },
    datafile: { path: basename(file.abs), size, time, chk: digest },
    thumbnail: undefined,
    warnings: [],
  };
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
      // Named after the file, not the name recorded inside it: two scans must never share a dataset.
      datasetName: name, size, numberOfFiles: 1,
      scientificMetadata: { ...(c.fileName ? { file_name: c.fileName } : {}), ...meta.scientific, ...(Object.keys(meta.samples).length > 0 ? { samples: meta.samples } : {}) },
      ...(c.proposal ? { proposalId: c.proposal } : {}), ...(c.instrumentName ? { instrumentGroup: c.instrumentName } : {}),
      dataFormat: 'DataExchange HDF5',
    },
    datafile: { path: basename(file.abs), size, time },
    thumbnail,
    warnings,
  };
};

export const CHECKSUM_ALGORITHM = HASH_ALGORITHM;
export const sourceFolderOf = (root: string, rel: string): string => {
  const dir = dirname(rel);
  return dir === '.' ? root : `${root === '/' ? '' : root}/${dir}`;
};
