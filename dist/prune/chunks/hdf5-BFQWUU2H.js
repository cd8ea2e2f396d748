import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  H5T,
  Hdf5ReadError,
  elementCount,
  getEntity,
  isDataset,
  isGroup,
  isReadableType,
  messageOf,
  numbersOf,
  plainValue,
  sampleIndices,
  withHdf5File
} from "./chunk-ETLYTRTN.js";
import "./chunk-2H32LMKA.js";
import "./chunk-56GLMHBG.js";

// src/scicat/hdf5.ts
var SMALL_ARRAY = 16;
var SAMPLE_SIZE = 10;
var MAX_DATASETS = 5e3;
var MAX_DEPTH = 16;
var CATALOGUE_FIELDS = {
  instrumentName: "/measurement/instrument/instrument_name",
  beamline: "/measurement/sample/experiment/beamline",
  experimentLead: "/measurement/sample/experiment/experiment_lead",
  pi: "/measurement/sample/experiment/pi",
  proposal: "/measurement/sample/experiment/proposal",
  email: "/measurement/sample/experimenter/email",
  experimenterName: "/measurement/sample/experimenter/name",
  fileName: "/measurement/sample/file_name"
};
var SCIENTIFIC_GROUPS = ["/measurement/instrument", "/process/acquisition"];
var EXPECTED_SERIES = [
  "/measurement/instrument/source/current",
  "/measurement/instrument/monochromator/energy",
  "/measurement/instrument/detector/exposure_time"
];
async function readDataExchangeMetadata(path) {
  return withHdf5File(path, (file) => extract(file));
}
function extract(file) {
  const out = { catalogue: {}, scientific: {}, samples: {}, warnings: [] };
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
function readCatalogue(file, out) {
  for (const [key, path] of Object.entries(CATALOGUE_FIELDS)) {
    const e = getEntity(file, path);
    if (!isDataset(e)) {
      out.warnings.push(e === null ? `missing ${path}` : `${path} is not a dataset`);
      continue;
    }
    try {
      const v = readSmall(e);
      const text = Array.isArray(v) ? v.length > 0 ? v.join(", ") : void 0 : v === null ? void 0 : String(v).trim();
      if (text === void 0 || text === "") out.warnings.push(`empty ${path}`);
      else out.catalogue[key] = text;
    } catch (err) {
      out.warnings.push(`cannot read ${path}: ${messageOf(err)}`);
    }
  }
}
function walk(group, path, depth, budget, out) {
  if (depth > MAX_DEPTH) {
    out.warnings.push(`${path}: nested deeper than ${MAX_DEPTH} levels, not read`);
    return;
  }
  let names;
  try {
    names = group.keys();
  } catch (err) {
    out.warnings.push(`cannot list ${path}: ${messageOf(err)}`);
    return;
  }
  for (const name of names) {
    const child = `${path}/${name}`;
    if (budget.left <= 0) {
      out.warnings.push(`more than ${MAX_DATASETS} datasets under ${SCIENTIFIC_GROUPS.join(" and ")}: the rest not read`);
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
  }
}
function readScientific(ds, path, out) {
  try {
    if (!isReadableType(ds)) {
      out.scientific[path] = { dtype: describeDtype(ds), shape: ds.shape };
      return;
    }
    const n = elementCount(ds);
    const shape = ds.shape ?? [];
    let value;
    if (n <= SMALL_ARRAY) {
      value = readSmall(ds);
    } else if (shape.length === 1 && ds.metadata.type !== H5T.STRING) {
      out.samples[path] = sampleSeries(ds, n);
      return;
    } else {
      value = { shape, dtype: describeDtype(ds) };
    }
    const unit = unitOf(ds);
    out.scientific[path] = unit === void 0 ? value : { value, unit };
  } catch (err) {
    out.warnings.push(`cannot read ${path}: ${messageOf(err)}`);
  }
}
function readSmall(ds) {
  const t = ds.metadata.type;
  return plainValue(ds.value, { opaque: t === H5T.OPAQUE, byteText: t === H5T.INTEGER && ds.metadata.size === 1 });
}
function sampleSeries(ds, n) {
  const values = [];
  for (const i of sampleIndices(n, SAMPLE_SIZE)) values.push(...numbersOf(ds.slice([[i, i + 1]])));
  return values;
}
function unitOf(ds) {
  let attrs;
  try {
    attrs = ds.attrs;
  } catch {
    return void 0;
  }
  const a = attrs.units ?? attrs.unit;
  if (a === void 0) return void 0;
  try {
    const v = plainValue(a.value, { byteText: true });
    return typeof v === "string" && v.trim() !== "" ? v.trim() : void 0;
  } catch {
    return void 0;
  }
}
function describeDtype(ds) {
  const d = ds.dtype;
  return typeof d === "string" ? d : JSON.stringify(d);
}
export {
  CATALOGUE_FIELDS,
  EXPECTED_SERIES,
  Hdf5ReadError,
  SAMPLE_SIZE,
  SCIENTIFIC_GROUPS,
  SMALL_ARRAY,
  readDataExchangeMetadata
};
