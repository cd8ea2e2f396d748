// Metadata from 8.3.2 microCT Data Exchange files, for the SciCat ingest: the catalogue fields, the
// scientific metadata (every small dataset under /measurement/instrument and /process/acquisition) and an
// evenly spaced sample of the long series (source current, energy, exposure time, motor positions). Only
// small reads: a big array is sampled with one-element slices, never read whole, and /exchange/data is not
// touched, so a 2 GiB file costs about what a 2 MiB one does. A missing field is a warning, never a crash; a
// file that is not HDF5, truncated or unreadable is an Hdf5ReadError.
import type { Dataset, File as H5File, Group } from 'h5wasm/node';
import { getEntity, isDataset, isGroup, messageOf, withHdf5File } from './hdf5-open.js';
import { elementCount, H5T, isReadableType, numbersOf, plainValue, sampleIndices, type Plain } from './hdf5-values.js';

export { Hdf5ReadError, type Hdf5FailureReason } from './hdf5-open.js';

/** The SciCat catalogue fields of a Data Exchange file; a field the file lacks is undefined (and a warning). */
export interface DataExchangeCatalogue {
  instrumentName?: string;
  beamline?: string;
  experimentLead?: string;
  pi?: string;
  proposal?: string;
  email?: string;
  experimenterName?: string;
  fileName?: string;
}

export interface DataExchangeMetadata {
  catalogue: DataExchangeCatalogue;
  /**
   * Keyed by HDF5 path ("/measurement/instrument/source/beam_intensity"): the value, or `{ value, unit }` when
   * the dataset has a `units` attribute. Arrays of more than SMALL_ARRAY elements are not here but in `samples`
   * (numeric 1-D series) or summarised as `{ shape, dtype }`.
   */
  scientific: Record<string, unknown>;
  /** Keyed by HDF5 path: at most SAMPLE_SIZE evenly spaced values of each long numeric series, first and last included. */
  samples: Record<string, number[]>;
  warnings: string[];
}

/** Arrays with more elements than this are sampled, not read. */
export const SMALL_ARRAY = 16;
/** How many values of a long series are kept. */
export const SAMPLE_SIZE = 10;
/** Upper bound on datasets read from the metadata groups (a runaway file is reported, not walked forever). */
const MAX_DATASETS = 5000;
const MAX_DEPTH = 16;

export const CATALOGUE_FIELDS: Record<keyof DataExchangeCatalogue, string> = {
  instrumentName: '/measurement/instrument/instrument_name',
  beamline: '/measurement/sample/experiment/beamline',
  experimentLead: '/measurement/sample/experiment/experiment_lead',
  pi: '/measurement/sample/experiment/pi',
  proposal: '/measurement/sample/experiment/proposal',
  email: '/measurement/sample/experimenter/email',
  experimenterName: '/measurement/sample/experimenter/name',
  fileName: '/measurement/sample/file_name',
};

/** The groups whose datasets make up the scientific metadata. */
export const SCIENTIFIC_GROUPS = ['/measurement/instrument', '/process/acquisition'] as const;

/** Series the summary expects; missing ones are warnings. */
export const EXPECTED_SERIES = [
  '/measurement/instrument/source/current',
  '/measurement/instrument/monochromator/energy',
  '/measurement/instrument/detector/exposure_time',
] as const;

/** Reads the metadata of a Data Exchange file. Throws Hdf5ReadError when the file cannot be read as HDF5. */
export async function readDataExchangeMetadata(path: string): Promise<DataExchangeMetadata> {
  return withHdf5File(path, (file) => extract(file));
}

function extract(file: H5File): DataExchangeMetadata {
  const out: DataExchangeMetadata = { catalogue: {}, scientific: {}, samples: {}, warnings: [] };
  readCatalogue(file, out);
  const budget = { left: MAX_DATASETS };
  for (const root of SCIENTIFIC_GROUPS) {
    const g = getEntity(file, root);
    if (!isGroup(g)) {
      out.warnings.push(`missing group ${root}: no scientific metadata from it`);
      continue;
    }
    walk(g, root, 0, budget, out);
  }
  for (const series of EXPECTED_SERIES) {
    if (!(series in out.scientific) && !(series in out.samples)) out.warnings.push(`missing ${series}`);
  }
  return out;
}

function readCatalogue(file: H5File, out: DataExchangeMetadata): void {
  for (const [key, path] of Object.entries(CATALOGUE_FIELDS) as [keyof DataExchangeCatalogue, string][]) {
    const e = getEntity(file, path);
    if (!isDataset(e)) {
      out.warnings.push(e === null ? `missing ${path}` : `${path} is not a dataset`);
      continue;
    }
    try {
      const v = readSmall(e);
      const text = Array.isArray(v) ? (v.length > 0 ? v.join(', ') : undefined) : v === null ? undefined : String(v).trim();
      if (text === undefined || text === '') out.warnings.push(`empty ${path}`);
      else out.catalogue[key] = text;
    } catch (err) {
      out.warnings.push(`cannot read ${path}: ${messageOf(err)}`);
    }
  }
}

function walk(group: Group, path: string, depth: number, budget: { left: number }, out: DataExchangeMetadata): void {
  if (depth > MAX_DEPTH) {
    out.warnings.push(`${path}: nested deeper than ${MAX_DEPTH} levels, not read`);
    return;
  }
  let names: string[];
  try {
    names = group.keys();
  } catch (err) {
    out.warnings.push(`cannot list ${path}: ${messageOf(err)}`);
    return;
  }
  for (const name of names) {
    const child = `${path}/${name}`;
    if (budget.left <= 0) {
      out.warnings.push(`more than ${MAX_DATASETS} datasets under ${SCIENTIFIC_GROUPS.join(' and ')}: the rest not read`);
      return;
    }
    let e;
    try {
      e = group.get(name);
    } catch (err) {
      out.warnings.push(`cannot read ${child}: ${messageOf(err)}`);
      continue;
    }
    if (isGroup(e)) walk(e, child, depth + 1, budget, out);
    else if (isDataset(e)) {
      budget.left--;
      readScientific(e, child, out);
    }
    // Broken soft links, external links and named datatypes are skipped.
  }
}

function readScientific(ds: Dataset, path: string, out: DataExchangeMetadata): void {
  try {
    if (!isReadableType(ds)) {
      out.scientific[path] = { dtype: describeDtype(ds), shape: ds.shape };
      return;
    }
    const n = elementCount(ds);
    const shape = ds.shape ?? [];
    let value: unknown;
    if (n <= SMALL_ARRAY) {
      value = readSmall(ds);
    } else if (shape.length === 1 && ds.metadata.type !== H5T.STRING) {
      out.samples[path] = sampleSeries(ds, n);
      return;
    } else {
      value = { shape, dtype: describeDtype(ds) };
    }
    const unit = unitOf(ds);
    out.scientific[path] = unit === undefined ? value : { value, unit };
  } catch (err) {
    out.warnings.push(`cannot read ${path}: ${messageOf(err)}`);
  }
}

/** Value of a dataset known to be small. */
function readSmall(ds: Dataset): Plain {
  const t = ds.metadata.type;
  return plainValue(ds.value, { opaque: t === H5T.OPAQUE, byteText: t === H5T.INTEGER && ds.metadata.size === 1 });
}

/** SAMPLE_SIZE evenly spaced values of a 1-D dataset, each read with a one-element slice. */
function sampleSeries(ds: Dataset, n: number): number[] {
  const values: number[] = [];
  for (const i of sampleIndices(n, SAMPLE_SIZE)) values.push(...numbersOf(ds.slice([[i, i + 1]])));
  return values;
}

function unitOf(ds: Dataset): string | undefined {
  let attrs;
  try {
    attrs = ds.attrs;
  } catch {
    return undefined;
  }
  const a = attrs.units ?? attrs.unit;
  if (a === undefined) return undefined;
  try {
    const v = plainValue(a.value, { byteText: true });
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  } catch {
    return undefined;
  }
}

function describeDtype(ds: Dataset): string {
  const d = ds.dtype;
  return typeof d === 'string' ? d : JSON.stringify(d);
}
