/**
 * SciCat v3 documents (CONTRACTS §3.3, §3.5) and validators that check what the backend checks, so a dry run
 * can validate without a server: required fields, types, email lists, ISO dates, and no unknown fields (the
 * backend validates with whitelist + forbidNonWhitelisted). One deliberate difference: `datasetName` is
 * required here (the backend would default it from `sourceFolder`) because re-runs find datasets by it.
 */
import { z } from 'zod';

/** class-validator's IsDateString (validator.js isISO8601): date, optional time, optional zone. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

export function isIsoDate(v: string): boolean {
  return ISO_8601.test(v) && !Number.isNaN(Date.parse(v));
}

const emailCheck = z.email();
export function isEmail(v: string): boolean {
  return emailCheck.safeParse(v).success;
}

/** One email or a `;`-separated list, each valid (the backend's email-list validator; "Unknown" fails). */
export function isEmailList(v: string): boolean {
  const parts = v.split(';').map((s) => s.trim());
  return parts.length > 0 && parts.every((p) => p !== '' && isEmail(p));
}

/** `IsUrl` with the protocol optional: a host with a TLD (or localhost / an IP), optional port and path. */
export function isUrlLike(v: string): boolean {
  return /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:localhost|\d{1,3}(?:\.\d{1,3}){3}|(?:[a-z0-9-]+\.)+[a-z]{2,})(?::\d{1,5})?(?:[/?#]\S*)?$/i.test(v);
}

const nonEmpty = z.string().min(1, 'must not be empty');
const isoDate = z.string().refine(isIsoDate, 'must be an ISO 8601 date string');
const emailList = z.string().refine(isEmailList, 'must be an email address or a ";"-separated list of them');
const count = z.number().int().nonnegative();

export const rawDatasetSchema = z.strictObject({
  type: z.literal('raw'),
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
  principalInvestigator: nonEmpty,
  creationLocation: nonEmpty,
  datasetName: nonEmpty,
  size: z.number().nonnegative(),
  packedSize: z.number().nonnegative().optional(),
  numberOfFiles: count,
  numberOfFilesArchived: count.optional(),
  scientificMetadata: z.record(z.string(), z.unknown()),
  proposalId: z.string().optional(),
  sampleId: z.string().optional(),
  instrumentId: z.string().optional(),
  dataFormat: z.string().optional(),
  startTime: isoDate.optional(),
  endTime: isoDate.optional(),
  keywords: z.array(z.string()).optional(),
  description: z.string().optional(),
  license: z.string().optional(),
  isPublished: z.boolean().optional(),
  techniques: z.array(z.strictObject({ pid: z.string(), name: z.string() })).optional(),
  sharedWith: z.array(z.string()).optional(),
  classification: z.string().optional(),
  runNumber: z.string().optional(),
  version: z.string().optional(),
});

/** What `POST /api/v3/Datasets` accepts for a raw dataset (the fields this project sends). */
export type RawDatasetDocument = z.infer<typeof rawDatasetSchema>;

/** A stored dataset as the backend returns it: the document plus pid and bookkeeping fields. */
export type ScicatDataset = Partial<RawDatasetDocument> & { pid: string; [field: string]: unknown };

export const dataFileSchema = z.strictObject({
  /** Relative to the dataset's sourceFolder (or `host:/abs/path` for an archive location). */
  path: nonEmpty,
  size: z.number().nonnegative(),
  time: isoDate,
  chk: z.string().optional(),
  uid: z.string().optional(),
  gid: z.string().optional(),
  perm: z.string().optional(),
  type: z.string().optional(),
});

export type DataFile = z.infer<typeof dataFileSchema>;

export const origDatablockSchema = z.strictObject({
  size: z.number().int().nonnegative(),
  chkAlg: z.string().optional(),
  dataFileList: z.array(dataFileSchema).min(1, 'must list at least one file'),
});

/** Body of `POST /api/v3/datasets/{pid}/origdatablocks` (access fields come from the dataset; never sent). */
export type OrigDatablockInput = z.infer<typeof origDatablockSchema>;

export const attachmentSchema = z.strictObject({
  /** A data URL, e.g. `data:image/png;base64,…`. */
  thumbnail: z.string().regex(/^data:[\w.+-]+\/[\w.+-]+(?:;[\w=.+-]+)*(?:;base64)?,/, 'must be a data: URL'),
  caption: z.string().optional(),
  ownerGroup: z.string().optional(),
  accessGroups: z.array(z.string()).optional(),
});

export type AttachmentInput = z.infer<typeof attachmentSchema>;

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

export function validateOrigDatablock(block: unknown): ValidationResult<OrigDatablockInput> {
  return check(origDatablockSchema, block);
}

export function validateAttachment(att: unknown): ValidationResult<AttachmentInput> {
  return check(attachmentSchema, att);
}

/** One spelling of a source folder for storing and querying: no trailing slash (except "/"), no "//". */
export function normalizeSourceFolder(folder: string): string {
  const collapsed = folder.replace(/\/{2,}/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/+$/, '') : collapsed;
}
