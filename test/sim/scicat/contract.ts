/**
 * The SciCat backend's request rules, from two independent sources, for the simulator and for contract tests:
 * - the official generated client `@scicatproject/scicat-sdk-ts-fetch` (its models are generated from the
 *   backend's OpenAPI document): which fields each DTO declares and which it requires;
 * - the backend's DTO decorators (SciCatProject/backend, src/datasets/dto/update-dataset-obsolete.dto.ts,
 *   update-raw-dataset-obsolete.dto.ts, create-raw-dataset-obsolete.dto.ts, update-derived-dataset-obsolete.dto.ts,
 *   create-derived-dataset-obsolete.dto.ts, src/common/dto/ownable.dto.ts,
 *   src/common/dto/datafile.dto.ts, src/origdatablocks/dto/update-origdatablock.dto.ts,
 *   src/attachments/dto-obsolete/update-attachment.v3.dto.ts, src/datasets/utils/email-list-validator.util.ts),
 *   transcribed rule by rule and checked with validator.js — the library class-validator calls — with the
 *   options the decorators pass. Messages are class-validator's.
 * Nothing here imports the project's own validators: a contract check must not grade its own homework.
 */
import {
  CreateAttachmentV3DtoFromJSONTyped,
  CreateDatablockDtoFromJSONTyped,
  instanceOfCreateDatablockDto,
  CreateDatasetOrigDatablockDtoFromJSONTyped,
  CreateDerivedDatasetObsoleteDtoFromJSONTyped,
  CreateRawDatasetObsoleteDtoFromJSONTyped,
  CredentialsDtoFromJSONTyped,
  DataFileFromJSONTyped,
  instanceOfCreateAttachmentV3Dto,
  instanceOfCreateDatasetOrigDatablockDto,
  instanceOfCreateDerivedDatasetObsoleteDto,
  instanceOfCreateRawDatasetObsoleteDto,
  instanceOfCredentialsDto,
  instanceOfDataFile,
} from '@scicatproject/scicat-sdk-ts-fetch';
import isEmailModule from 'validator/lib/isEmail.js';
import isISO8601Module from 'validator/lib/isISO8601.js';
import isURLModule from 'validator/lib/isURL.js';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// --- the generated client's models ----------------------------------------------------------------------

export interface SdkModel {
  readonly name: string;
  /** Every field the DTO declares (what its generated FromJSON reads). */
  readonly keys: readonly string[];
  /** The fields its generated `instanceOf` insists on. */
  readonly required: readonly string[];
}

function sdkModel(name: string, fromJSON: (json: unknown, ignoreDiscriminator: boolean) => unknown, instanceOf: (v: object) => boolean): SdkModel {
  const keys = new Set<string>();
  // A recording stand-in: every field FromJSON reads is a declared one. Arrays keep nested mappers quiet.
  const probe = new Proxy({}, { get: (_t, k) => { if (typeof k === 'string') keys.add(k); return []; } });
  fromJSON(probe, false);
  const required = [...keys].filter((k) => !instanceOf(Object.fromEntries([...keys].filter((other) => other !== k).map((other) => [other, 'x']))));
  return { name, keys: [...keys], required };
}

export const SDK = {
  credentials: sdkModel('CredentialsDto', CredentialsDtoFromJSONTyped, instanceOfCredentialsDto),
  rawDataset: sdkModel('CreateRawDatasetObsoleteDto', CreateRawDatasetObsoleteDtoFromJSONTyped, instanceOfCreateRawDatasetObsoleteDto),
  derivedDataset: sdkModel('CreateDerivedDatasetObsoleteDto', CreateDerivedDatasetObsoleteDtoFromJSONTyped, instanceOfCreateDerivedDatasetObsoleteDto),
  origDatablock: sdkModel('CreateDatasetOrigDatablockDto', CreateDatasetOrigDatablockDtoFromJSONTyped, instanceOfCreateDatasetOrigDatablockDto),
  dataFile: sdkModel('DataFile', DataFileFromJSONTyped, instanceOfDataFile),
  attachment: sdkModel('CreateAttachmentV3Dto', CreateAttachmentV3DtoFromJSONTyped, instanceOfCreateAttachmentV3Dto),
  datablock: sdkModel('CreateDatablockDto', CreateDatablockDtoFromJSONTyped, instanceOfCreateDatablockDto),
} as const;

/** Fields the SDK model does not declare, and required ones that are missing, as class-validator would word them. */
export function sdkErrors(model: SdkModel, body: Record<string, unknown>, prefix = '', defaulted: readonly string[] = []): FieldError[] {
  const errors: FieldError[] = Object.keys(body)
    .filter((k) => !model.keys.includes(k))
    .map((k) => ({ property: k, constraints: { whitelistValidation: `property ${prefix}${k} should not exist` } }));
  for (const k of model.required) {
    if (defaulted.includes(k)) continue;
    if (body[k] === undefined || body[k] === null) errors.push({ property: k, constraints: { isDefined: `${prefix}${k} should not be null or undefined` } });
  }
  return errors;
}

// --- the backend's DTO rules ------------------------------------------------------------------------------

export type Rule = 'string' | 'nonEmptyString' | 'email' | 'emailList' | 'date' | 'int' | 'number' | 'boolean' | 'object' | 'array' | 'stringArray' | 'url' | 'rawType' | 'datasetType';

export interface FieldError {
  property: string;
  value?: unknown;
  constraints: Record<string, string>;
}

/** class-validator `isEmail(value)` / `@IsEmail()`: validator.js with default options. */
export const isEmail = (v: unknown): boolean => typeof v === 'string' && isEmailModule.default(v);
/** `CustomEmailList.validate`: not empty, every `;`-separated part (trimmed) an email. */
export const isEmailList = (v: unknown): boolean => typeof v === 'string' && v !== '' && v.split(';').every((e) => isEmail(e.trim()));
/** `@IsDateString()` = validator.js `isISO8601` (default options). */
export const isDateString = (v: unknown): boolean => typeof v === 'string' && isISO8601Module.default(v);

export function checkRule(field: string, rule: Rule, v: unknown): Record<string, string> | undefined {
  switch (rule) {
    case 'string':
      return typeof v === 'string' ? undefined : { isString: `${field} must be a string` };
    case 'nonEmptyString':
      if (v === undefined || v === null) return { isNotEmpty: `${field} should not be empty`, isString: `${field} must be a string` };
      if (typeof v !== 'string') return { isString: `${field} must be a string` };
      return v === '' ? { isNotEmpty: `${field} should not be empty` } : undefined;
    case 'email':
      return isEmail(v) ? undefined : { isEmail: `${field} must be an email` };
    case 'emailList':
      return isEmailList(v) ? undefined : { isValidEmailList: `${field} must contain valid email(s), separated by ';'` };
    case 'date':
      return isDateString(v) ? undefined : { isDateString: `${field} must be a valid ISO 8601 date string` };
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) ? undefined : { isInt: `${field} must be an integer number` };
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? undefined : { isNumber: `${field} must be a number conforming to the specified constraints` };
    case 'boolean':
      return typeof v === 'boolean' ? undefined : { isBoolean: `${field} must be a boolean value` };
    case 'object':
      return isRecord(v) ? undefined : { isObject: `${field} must be an object` };
    case 'array':
      return Array.isArray(v) ? undefined : { isArray: `${field} must be an array` };
    case 'stringArray':
      if (!Array.isArray(v)) return { isArray: `${field} must be an array` };
      return v.every((x) => typeof x === 'string') ? undefined : { isString: `each value in ${field} must be a string` };
    case 'url':
      return typeof v === 'string' && isURLModule.default(v, { require_valid_protocol: false, require_protocol: false }) ? undefined : { isUrl: `${field} must be a URL address` };
    case 'rawType':
      // The controller validates a body with the raw DTO unless its type is derived.
      return v === 'raw' ? undefined : { isIn: `${field} must be one of the following values: raw` };
    case 'datasetType':
      // `@IsEnum(DatasetType)`: raw or derived (a derived body whose type is raw would meet the raw DTO instead).
      return v === 'raw' || v === 'derived' ? undefined : { isEnum: `${field} must be one of the following values: raw, derived` };
  }
}

export interface DtoRules {
  readonly required: Readonly<Record<string, Rule>>;
  readonly optional: Readonly<Record<string, Rule>>;
  /** Declared required (OpenAPI) but filled in by the backend when absent (a class-transformer default). */
  readonly defaulted?: readonly string[];
}

/** OwnableDto: ownerGroup `@IsString() @IsNotEmpty()`, accessGroups and instrumentGroup optional. */
const OWNABLE_REQUIRED = { ownerGroup: 'nonEmptyString' } as const;
const OWNABLE_OPTIONAL = { accessGroups: 'stringArray', instrumentGroup: 'string' } as const;

/** UpdateDatasetObsoleteDto (⊂ OwnableDto): what every v3 dataset body has, raw or derived. */
const DATASET_REQUIRED = {
  ...OWNABLE_REQUIRED,
  owner: 'string',
  contactEmail: 'emailList',
  sourceFolder: 'nonEmptyString',
  creationTime: 'date',
} as const;
const DATASET_OPTIONAL = {
  ...OWNABLE_OPTIONAL,
  // `@IsString()` with a Transform that fills it from sourceFolder when absent.
  datasetName: 'string',
  ownerEmail: 'email',
  orcidOfOwner: 'string',
  sourceFolderHost: 'url',
  size: 'int',
  packedSize: 'int',
  numberOfFiles: 'int',
  numberOfFilesArchived: 'int',
  validationStatus: 'string',
  keywords: 'stringArray',
  description: 'string',
  classification: 'string',
  license: 'string',
  isPublished: 'boolean',
  techniques: 'array',
  sharedWith: 'stringArray',
  relationships: 'array',
  datasetlifecycle: 'object',
  scientificMetadata: 'object',
  scientificMetadataSchema: 'string',
  scientificMetadataValid: 'boolean',
  comment: 'string',
  dataQualityMetrics: 'number',
  proposalId: 'string',
  runNumber: 'string',
  // the create DTOs': pid and version
  pid: 'string',
  version: 'string',
} as const;

/** CreateRawDatasetObsoleteDto (create-raw ⊂ update-raw ⊂ update-dataset-obsolete ⊂ OwnableDto). */
export const RAW_DATASET: DtoRules = {
  required: { ...DATASET_REQUIRED, type: 'rawType', principalInvestigator: 'string', creationLocation: 'string' },
  optional: { ...DATASET_OPTIONAL, startTime: 'date', endTime: 'date', dataFormat: 'string', sampleId: 'string', instrumentId: 'string' },
  defaulted: ['datasetName'],
};

/**
 * CreateDerivedDatasetObsoleteDto (create-derived ⊂ update-derived ⊂ update-dataset-obsolete ⊂ OwnableDto):
 * investigator `@IsString()`, inputDatasets and usedSoftware `@IsString({each: true})` (required: the generated
 * model's arrays), jobParameters `@IsObject()`, jobLogData `@IsString()` optional. No principalInvestigator,
 * creationLocation, dataFormat, sampleId, instrumentId, startTime or endTime: those are the raw DTO's.
 */
export const DERIVED_DATASET: DtoRules = {
  required: { ...DATASET_REQUIRED, type: 'datasetType', investigator: 'string', inputDatasets: 'stringArray', usedSoftware: 'stringArray' },
  optional: { ...DATASET_OPTIONAL, jobParameters: 'object', jobLogData: 'string' },
  defaulted: ['datasetName'],
};

/** DataFileDto. */
export const DATA_FILE: DtoRules = {
  required: { path: 'string', size: 'number', time: 'date' },
  optional: { chk: 'string', uid: 'string', gid: 'string', perm: 'string', type: 'string', metadata: 'object' },
};

/** CreateDatasetOrigDatablockDto = UpdateOrigDatablockDto without datasetId and the access fields. */
export const ORIG_DATABLOCK: DtoRules = {
  required: { size: 'int', dataFileList: 'array' },
  optional: { chkAlg: 'nonEmptyString', isPublished: 'boolean' },
};

/** CreateAttachmentV3Dto (UpdateAttachmentV3Dto ⊂ OwnableDto): caption `@IsString()` is required, the thumbnail is not. */
export const ATTACHMENT: DtoRules = {
  required: { ...OWNABLE_REQUIRED, caption: 'string' },
  optional: { ...OWNABLE_OPTIONAL, thumbnail: 'string', id: 'string', datasetId: 'string', proposalId: 'string', sampleId: 'string' },
};

export const CREDENTIALS: DtoRules = { required: { username: 'string', password: 'string' }, optional: {} };

/**
 * CreateDatablockDto (src/datablocks/dto/create-datablock.dto.ts: UpdateDatablockDto ⊂ OwnableDto, plus
 * datasetId `@IsString()`): archiveId `@IsString()`, size and packedSize `@IsInt()`, chkAlg `@IsOptional()
 * @IsString() @IsNotEmpty()`, version `@IsString()`, dataFileList `@IsArray() @ArrayNotEmpty()` of DataFileDto.
 */
export const DATABLOCK: DtoRules = {
  required: { ...OWNABLE_REQUIRED, datasetId: 'string', archiveId: 'string', size: 'int', packedSize: 'int', version: 'string', dataFileList: 'array' },
  optional: { ...OWNABLE_OPTIONAL, chkAlg: 'nonEmptyString' },
};

/** class-validator with whitelist + forbidNonWhitelisted: every rule, plus unknown fields refused. */
export function validateFields(body: Record<string, unknown>, rules: DtoRules, prefix = ''): FieldError[] {
  const errors: FieldError[] = [];
  for (const [field, rule] of Object.entries(rules.required)) {
    const v = body[field];
    // Without @IsOptional every decorator runs on a missing value, and each one fails.
    const c = checkRule(`${prefix}${field}`, rule, v);
    if (c) errors.push({ property: field, value: v, constraints: c });
  }
  for (const [field, rule] of Object.entries(rules.optional)) {
    const v = body[field];
    if (v === undefined || v === null) continue;
    const c = checkRule(`${prefix}${field}`, rule, v);
    if (c) errors.push({ property: field, value: v, constraints: c });
  }
  for (const field of Object.keys(body)) {
    if (!(field in rules.required) && !(field in rules.optional)) {
      errors.push({ property: field, value: body[field], constraints: { whitelistValidation: `property ${prefix}${field} should not exist` } });
    }
  }
  return errors;
}

export const flatten = (errors: readonly FieldError[]): string[] => errors.flatMap((e) => Object.values(e.constraints));

export type BodyKind = 'credentials' | 'rawDataset' | 'derivedDataset' | 'origDatablock' | 'attachment' | 'datablock';

const RULES: Record<BodyKind, { rules: DtoRules; model: SdkModel }> = {
  credentials: { rules: CREDENTIALS, model: SDK.credentials },
  rawDataset: { rules: RAW_DATASET, model: SDK.rawDataset },
  derivedDataset: { rules: DERIVED_DATASET, model: SDK.derivedDataset },
  origDatablock: { rules: ORIG_DATABLOCK, model: SDK.origDatablock },
  attachment: { rules: ATTACHMENT, model: SDK.attachment },
  datablock: { rules: DATABLOCK, model: SDK.datablock },
};

/** The DTO's rules, then whatever the generated model adds (a field it requires or does not know). */
function checkAgainst(body: Record<string, unknown>, rules: DtoRules, model: SdkModel, prefix = ''): FieldError[] {
  const errors = validateFields(body, rules, prefix);
  const seen = new Set(errors.map((e) => e.property));
  return [...errors, ...sdkErrors(model, body, prefix, rules.defaulted).filter((e) => !seen.has(e.property))];
}

/**
 * Every reason the backend (its DTO rules) or the generated client (its model) would refuse this body, as
 * class-validator errors; empty when the body keeps the contract. An orig-datablock's files are checked too
 * (`@ArrayNotEmpty() @ValidateNested({ each: true })`), reported as `dataFileList.<i>.<field>`.
 */
export function checkBody(kind: BodyKind, body: unknown): FieldError[] {
  if (!isRecord(body)) return [{ property: '', constraints: { isObject: 'body must be an object' } }];
  const { rules, model } = RULES[kind];
  const errors = checkAgainst(body, rules, model);
  if ((kind === 'origDatablock' || kind === 'datablock') && Array.isArray(body.dataFileList)) {
    if (body.dataFileList.length === 0) errors.push({ property: 'dataFileList', constraints: { arrayNotEmpty: 'dataFileList should not be empty' } });
    body.dataFileList.forEach((file: unknown, i) => {
      if (!isRecord(file)) errors.push({ property: `dataFileList.${i}`, constraints: { nestedValidation: `nested property dataFileList.${i} must be either object or array` } });
      else errors.push(...checkAgainst(file, DATA_FILE, SDK.dataFile, `dataFileList.${i}.`).map((e) => ({ ...e, property: `dataFileList.${i}.${e.property}` })));
    });
  }
  return errors;
}

/** Which DTO the v3 controller validates a dataset body with: the derived one for type derived, else the raw one. */
export const datasetKindOf = (body: unknown): BodyKind => (isRecord(body) && body.type === 'derived' ? 'derivedDataset' : 'rawDataset');

/** One line per problem; empty when the body keeps the contract. */
export const contractIssues = (kind: BodyKind, body: unknown): string[] => flatten(checkBody(kind, body));
