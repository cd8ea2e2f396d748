#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  external_exports
} from "./chunk-QYQMQ4ZJ.js";

// src/scicat/documents.ts
var ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
function isIsoDate(v) {
  return ISO_8601.test(v) && !Number.isNaN(Date.parse(v));
}
var emailCheck = external_exports.email();
function isEmail(v) {
  return emailCheck.safeParse(v).success;
}
function isEmailList(v) {
  const parts = v.split(";").map((s) => s.trim());
  return parts.length > 0 && parts.every((p) => p !== "" && isEmail(p));
}
function isUrlLike(v) {
  return /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:localhost|\d{1,3}(?:\.\d{1,3}){3}|(?:[a-z0-9-]+\.)+[a-z]{2,})(?::\d{1,5})?(?:[/?#]\S*)?$/i.test(v);
}
var nonEmpty = external_exports.string().min(1, "must not be empty");
var isoDate = external_exports.string().refine(isIsoDate, "must be an ISO 8601 date string");
var emailList = external_exports.string().refine(isEmailList, 'must be an email address or a ";"-separated list of them');
var count = external_exports.number().int().nonnegative();
var rawDatasetSchema = external_exports.strictObject({
  type: external_exports.literal("raw"),
  pid: nonEmpty.optional(),
  owner: nonEmpty,
  ownerEmail: external_exports.string().refine(isEmail, "must be an email address").optional(),
  orcidOfOwner: external_exports.string().optional(),
  contactEmail: emailList,
  sourceFolder: nonEmpty,
  sourceFolderHost: external_exports.string().refine(isUrlLike, 'must be a URL or host name with a domain (e.g. "nersc.gov")').optional(),
  creationTime: isoDate,
  ownerGroup: nonEmpty,
  accessGroups: external_exports.array(external_exports.string()),
  instrumentGroup: external_exports.string().optional(),
  principalInvestigator: nonEmpty,
  creationLocation: nonEmpty,
  datasetName: nonEmpty,
  size: external_exports.number().nonnegative(),
  packedSize: external_exports.number().nonnegative().optional(),
  numberOfFiles: count,
  numberOfFilesArchived: count.optional(),
  scientificMetadata: external_exports.record(external_exports.string(), external_exports.unknown()),
  proposalId: external_exports.string().optional(),
  sampleId: external_exports.string().optional(),
  instrumentId: external_exports.string().optional(),
  dataFormat: external_exports.string().optional(),
  startTime: isoDate.optional(),
  endTime: isoDate.optional(),
  keywords: external_exports.array(external_exports.string()).optional(),
  description: external_exports.string().optional(),
  license: external_exports.string().optional(),
  isPublished: external_exports.boolean().optional(),
  techniques: external_exports.array(external_exports.strictObject({ pid: external_exports.string(), name: external_exports.string() })).optional(),
  sharedWith: external_exports.array(external_exports.string()).optional(),
  classification: external_exports.string().optional(),
  runNumber: external_exports.string().optional(),
  version: external_exports.string().optional()
});
var dataFileSchema = external_exports.strictObject({
  /** Relative to the dataset's sourceFolder (or `host:/abs/path` for an archive location). */
  path: nonEmpty,
  size: external_exports.number().nonnegative(),
  time: isoDate,
  chk: external_exports.string().optional(),
  uid: external_exports.string().optional(),
  gid: external_exports.string().optional(),
  perm: external_exports.string().optional(),
  type: external_exports.string().optional()
});
var origDatablockSchema = external_exports.strictObject({
  size: external_exports.number().int().nonnegative(),
  chkAlg: external_exports.string().optional(),
  dataFileList: external_exports.array(dataFileSchema).min(1, "must list at least one file")
});
var attachmentSchema = external_exports.strictObject({
  /** A data URL, e.g. `data:image/png;base64,…`. */
  thumbnail: external_exports.string().regex(/^data:[\w.+-]+\/[\w.+-]+(?:;[\w=.+-]+)*(?:;base64)?,/, "must be a data: URL"),
  caption: external_exports.string().optional(),
  ownerGroup: external_exports.string().optional(),
  accessGroups: external_exports.array(external_exports.string()).optional()
});
function valueAt(value, path) {
  let v = value;
  for (const key of path) {
    if (typeof v !== "object" || v === null) return void 0;
    v = v[key];
  }
  return v;
}
function check(schema, value) {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data, issues: [] };
  const issues = r.error.issues.map((i) => {
    const where = i.path.map(String).join(".");
    if (i.code === "unrecognized_keys") return `${where ? `${where}: ` : ""}unknown field(s) ${i.keys.map((k) => `'${k}'`).join(", ")} (the backend forbids fields it does not know)`;
    if (valueAt(value, i.path) === void 0 && i.path.length > 0) return `${where} is required`;
    return `${where || "document"}: ${i.message}`;
  });
  return { ok: false, issues };
}
function validateRawDataset(doc) {
  return check(rawDatasetSchema, doc);
}
function validateOrigDatablock(block) {
  return check(origDatablockSchema, block);
}
function validateAttachment(att) {
  return check(attachmentSchema, att);
}
function normalizeSourceFolder(folder) {
  const collapsed = folder.replace(/\/{2,}/g, "/");
  return collapsed.length > 1 ? collapsed.replace(/\/+$/, "") : collapsed;
}

export {
  isIsoDate,
  isEmail,
  isEmailList,
  isUrlLike,
  rawDatasetSchema,
  dataFileSchema,
  origDatablockSchema,
  attachmentSchema,
  validateRawDataset,
  validateOrigDatablock,
  validateAttachment,
  normalizeSourceFolder
};
