/**
 * SciCat v3 documents (CONTRACTS §3.3, §3.5) and validators that check what the backend checks, so a dry run
 * can validate without a server: required fields, types, email lists, ISO dates, and no unknown fields (the
 * backend validates with whitelist + forbidNonWhitelisted). The scalar rules are the backend's own: its DTOs
 * use class-validator, which calls validator.js (`validator` on npm) with the options named below. One
 * deliberate difference: `datasetName` is required here (the backend would default it from `sourceFolder`)
 * because re-runs find datasets by it.
 */
import { z } from 'zod';
// One validator.js module each, not the package index: the ingest bundle carries only these three.
import isEmailModule from 'validator/lib/isEmail.js';
import isISO8601Module from 'validator/lib/isISO8601.js';
import isURLModule from 'validator/lib/isURL.js';

/** `@IsDateString()` (class-validator → validator.js `isISO8601`, default options). */
export function isIsoDate(v: string): boolean {
  return isISO8601Module.default(v);
}

/** `@IsEmail()` and the email-list constraint's `isEmail(e)` (validator.js, default options). */
export function isEmail(v: string): boolean {
  return isEmailModule.default(v);
}

/** The backend's `CustomEmailList`: not empty, every `;`-separated part (trimmed) passes `isEmail` ("Unknown" fails). */
export function isEmailList(v: string): boolean {
  return v !== '' && v.split(';').every((p) => isEmail(p.trim()));
}

/** `sourceFolderHost`'s `@IsUrl({ require_valid_protocol: false, require_protocol: false })`. */
export function isUrlLike(v: string): boolean {
  return isURLModule.default(v, { require_valid_protocol: false, require_protocol: false });
}

const nonEmpty = z.string().min(1, 'must not be empty');
const isoDate = z.string().refine(isIsoDate, 'must be an ISO 8601 date string');
const emailList = z.string().refine(isEmailList, 'must be an email address or a ";"-separated list of them');
/** `@IsInt()`: sizes and counts are whole numbers (a fractional size is a 400). */
const count = z.number().int().nonnegative();

/** What every v3 dataset body has (UpdateDatasetObsoleteDto), among the fields this project sends. */
const datasetFields = {
  pid: nonEmpty.optional(),
  owner: nonEmpty,
  ownerEmail: z.string().refine(isEmail, 'must be an email address').optional(),
  orcidOfOwner: z.string().optional(),
  contactEmail: emailList,
  sourceFolder: nonEmpty,
  sourceFolderHost: z.string().refine(isUrlLike, 'must be a URL or host name with a domain (e.g. "nersc.gov")').optional(),
  creationTime: isoDate,
  ownerGroup: nonEmpty,
  accessGroups: z.array(z.string()),
  instrumentGroup: z.string().optional(),
  datasetName: nonEmpty,
  /**
   * Leave size and numberOfFiles out when orig-datablocks follow: the backend adds every datablock's size and
   * file count to the dataset's, so a dataset created with them ends at twice its size.
   */
  size: count.optional(),
  packedSize: count.optional(),
  numberOfFiles: count.optional(),
  numberOfFilesArchived: count.optional(),
  proposalId: z.string().optional(),
  keywords: z.array(z.string()).optional(),
  description: z.string().optional(),
  license: z.string().optional(),
  isPublished: z.boolean().optional(),
  techniques: z.array(z.strictObject({ pid: z.string(), name: z.string() })).optional(),
  sharedWith: z.array(z.string()).optional(),
  classification: z.string().optional(),
  runNumber: z.string().optional(),
  version: z.string().optional(),
};

export const rawDatasetSchema = z.strictObject({
  ...datasetFields,
  type: z.literal('raw'),
  principalInvestigator: nonEmpty,
  creationLocation: nonEmpty,
  scientificMetadata: z.record(z.string(), z.unknown()),
  sampleId: z.string().optional(),
  instrumentId: z.string().optional(),
  dataFormat: z.string().optional(),
  startTime: isoDate.optional(),
  endTime: isoDate.optional(),
});

/**
 * A derived dataset (a reconstruction): `CreateDerivedDatasetObsoleteDto` = the fields every dataset has
 * (no principalInvestigator, creationLocation, dataFormat, sampleId, instrumentId, startTime or endTime: those
 * are the raw DTO's) plus investigator, inputDatasets and usedSoftware (required) and jobParameters /
 * jobLogData. Stricter than the backend where a reconstruction needs it: at least one input dataset and one
 * piece of software, and a datasetName (re-runs find the dataset by it).
 */
export const derivedDatasetSchema = z.strictObject({
  ...datasetFields,
  type: z.literal('derived'),
  scientificMetadata: z.record(z.string(), z.unknown()).optional(),
  investigator: nonEmpty,
  inputDatasets: z.array(nonEmpty).min(1, 'must name the dataset(s) it was derived from'),
  usedSoftware: z.array(nonEmpty).min(1, 'must name the software that made it'),
  jobParameters: z.record(z.string(), z.unknown()).optional(),
  jobLogData: z.string().optional(),
});

/** What `POST /api/v3/Datasets` accepts for a derived dataset (the fields this project sends). */
export type DerivedDatasetDocument = z.infer<typeof derivedDatasetSchema>;

/** What `POST /api/v3/Datasets` accepts for a raw dataset (the fields this project sends). */
export type RawDatasetDocument = z.infer<typeof rawDatasetSchema>;

/** A stored dataset as the backend returns it: the document plus pid and bookkeeping fields. */
export type ScicatDataset = Partial<RawDatasetDocument> & { pid: string; [field: string]: unknown };

export const dataFileSchema = z.strictObject({
  /** Relative to the dataset's sourceFolder (or `host:/abs/path` for an archive location). */
  path: nonEmpty,
  /** `@IsNumber()`: any finite number (the datablock's total is the one that must be whole). */
  size: z.number().nonnegative(),
  time: isoDate,
  chk: z.string().optional(),
  uid: z.string().optional(),
  gid: z.string().optional(),
  perm: z.string().optional(),
  type: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export type DataFile = z.infer<typeof dataFileSchema>;

export const origDatablockSchema = z.strictObject({
  size: count,
  /** The checksum algorithm of every `chk` in the list (`@IsNotEmpty()` when sent). */
  chkAlg: nonEmpty.optional(),
  dataFileList: z.array(dataFileSchema).min(1, 'must list at least one file'),
  isPublished: z.boolean().optional(),
});

/** Body of `POST /api/v3/datasets/{pid}/origdatablocks` (access fields come from the dataset; never sent). */
export type OrigDatablockInput = z.infer<typeof origDatablockSchema>;

/**
 * Body of `POST /api/v3/datasets/{pid}/attachments` (the backend's `CreateAttachmentV3Dto`): `ownerGroup`
 * (not empty) and `caption` are required — the backend then stores the dataset's ownerGroup whatever was sent.
 * The thumbnail is optional there; here it is the point of the attachment, so it is required.
 */
export const attachmentSchema = z.strictObject({
  /** A data URL, e.g. `data:image/png;base64,…`. */
  thumbnail: z.string().regex(/^data:[\w.+-]+\/[\w.+-]+(?:;[\w=.+-]+)*(?:;base64)?,/, 'must be a data: URL'),
  caption: z.string(),
  ownerGroup: nonEmpty,
  accessGroups: z.array(z.string()).optional(),
  instrumentGroup: z.string().optional(),
});

export type AttachmentInput = z.infer<typeof attachmentSchema>;

/**
 * Body of `POST /api/v3/datablocks` (the backend's CreateDatablockDto: UpdateDatablockDto ⊂ OwnableDto, plus
 * datasetId): where an archive system keeps a dataset's bytes — `archiveId` "is used when data is retrieved
 * back", and the backend keeps it unique. Not the dataset route `POST /datasets/{pid}/datablocks` (marked
 * obsolete; it also adds the block's size and file count to the dataset's size and numberOfFiles, which the
 * orig-datablock already counted): this one adds only to packedSize and numberOfFilesArchived.
 */
export const datablockSchema = z.strictObject({
  datasetId: nonEmpty,
  ownerGroup: nonEmpty,
  accessGroups: z.array(z.string()).optional(),
  instrumentGroup: z.string().optional(),
  archiveId: nonEmpty,
  size: count,
  packedSize: count,
  chkAlg: nonEmpty.optional(),
  version: z.string(),
  dataFileList: z.array(dataFileSchema).min(1, 'must list at least one file'),
});

export type DatablockInput = z.infer<typeof datablockSchema>;

export type ValidationResult<T> = { ok: true; value: T; issues: [] } | { ok: false; issues: string[] };

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function check<T>(schema: z.ZodType<T>, value: unknown): ValidationResult<T> {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data, issues: [] };
  const issues = r.error.issues.map((i) => {
    const where = i.path.map(String).join('.');
    if (i.code === 'unrecognized_keys') return `${where ? `${where}: ` : ''}unknown field(s) ${i.keys.map((k) => `'${k}'`).join(', ')} (the backend forbids fields it does not know)`;
    if (valueAt(value, i.path) === undefined && i.path.length > 0) return `${where} is required`;
    return `${where || 'document'}: ${i.message}`;
  });
  return { ok: false, issues };
}

/** Checks a raw dataset document as the backend would; `issues` are one line each. */
export function validateRawDataset(doc: unknown): ValidationResult<RawDatasetDocument> {
  return check(rawDatasetSchema, doc);
}

/** Checks a derived dataset document as the backend would (and the stricter rules above). */
export function validateDerivedDataset(doc: unknown): ValidationResult<DerivedDatasetDocument> {
  return check(derivedDatasetSchema, doc);
}

export function validateOrigDatablock(block: unknown): ValidationResult<OrigDatablockInput> {
  return check(origDatablockSchema, block);
}

export function validateAttachment(att: unknown): ValidationResult<AttachmentInput> {
  return check(attachmentSchema, att);
}

export function validateDatablock(block: unknown): ValidationResult<DatablockInput> {
  return check(datablockSchema, block);
}

/** One spelling of a source folder for storing and querying: no trailing slash (except "/"), no "//". */
export function normalizeSourceFolder(folder: string): string {
  const collapsed = folder.replace(/\/{2,}/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/+$/, '') : collapsed;
}
