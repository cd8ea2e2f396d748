/**
 * Builders for the documents the client submits, and the small conversions around them (labels, times).
 * Builders take camelCase options and produce the wire shape with unset options left out. A label is free
 * text here: the builders make it one the service accepts (`safeLabel`), so callers never have to.
 */
import { SYNC_LEVELS, type DeleteDocument, type SyncLevel, type TransferDocument, type TransferItem } from './types.js';

export const LABEL_MAX = 128;

/**
 * A task label the service accepts. The documented rules: only ASCII letters, digits, space, `-`, `_` and
 * `,` (Globus CLI reference "labels"; the service answers `400 BadRequest "Invalid label characters"`
 * otherwise), at most 128 characters, no leading or trailing whitespace (Transfer API task_submit).
 * Accents are dropped (`é` → `e`), whitespace runs become one space, and every other run of characters —
 * `.` of a file name, `/`, `:`, `+` … — becomes one `_`. Returns '' when nothing usable remains; the
 * builders then send no label.
 */
export function safeLabel(text: string): string {
  const cleaned = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/\s+/g, ' ')
    .replace(/[^A-Za-z0-9 _,-]+/g, '_')
    .trim();
  return cleaned.slice(0, LABEL_MAX).trim();
}

/**
 * A Globus timestamp as a Date. `ls` writes `2020-09-23 18:53:12+00:00` (a space), tasks and events
 * `2021-10-06T16:13:57+00:00`; both, and a zone-less form (taken as UTC), are read. Throws on anything else
 * rather than returning an Invalid Date that would compare false everywhere (a prune must not guess an age).
 */
export function parseGlobusTime(text: string): Date {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  const date = m ? new Date(`${m[1] ?? ''}T${m[2] ?? ''}${m[3] ?? 'Z'}`) : new Date(NaN);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a Globus timestamp: ${JSON.stringify(text)}`);
  return date;
}

/** A deadline as the service documents it: `2017-10-12T12:33:54+00:00` (UTC, whole seconds). */
export function formatGlobusTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('deadline is an invalid Date');
  return `${date.toISOString().slice(0, 19)}+00:00`;
}

export interface TransferItemSpec {
  source_path: string;
  /** For a file: the full destination file path, not its parent folder. */
  destination_path: string;
  recursive?: boolean;
}

export interface TransferSpec {
  /** Source collection id. */
  source: string;
  /** Destination collection id. */
  destination: string;
  items: readonly TransferItemSpec[];
  /** Free text, made a valid label by `safeLabel`. */
  label?: string;
  syncLevel?: SyncLevel;
  verifyChecksum?: boolean;
  preserveTimestamp?: boolean;
  encryptData?: boolean;
  /** A Date, or a string sent as it is (`2017-10-12T12:33:54+00:00`). */
  deadline?: Date | string;
  skipSourceErrors?: boolean;
  failOnQuotaErrors?: boolean;
  /** Sets all three notify_on_* flags; the service e-mails by default, which automation rarely wants. */
  notify?: boolean;
  sourceLocalUser?: string;
  destinationLocalUser?: string;
}

export interface DeleteSpec {
  /** Collection id. */
  collection: string;
  paths: readonly string[];
  /** Free text, made a valid label by `safeLabel`. */
  label?: string;
  /** Required when any path is a directory. */
  recursive?: boolean;
  ignoreMissing?: boolean;
  interpretGlobs?: boolean;
  /** A Date, or a string sent as it is (`2017-10-12T12:33:54+00:00`). */
  deadline?: Date | string;
  notify?: boolean;
  localUser?: string;
}

/** Copy of `obj` without undefined or null members (recursively), so none reaches the wire. */
export function withoutUnset<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => withoutUnset(v)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined && v !== null) out[k] = withoutUnset(v);
  return out as T;
}

const deadlineOf = (d: Date | string | undefined): string | undefined => (d instanceof Date ? formatGlobusTime(d) : d);

function labelOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return safeLabel(text) || undefined;
}

function notifyFlags(notify: boolean | undefined): Pick<TransferDocument, 'notify_on_succeeded' | 'notify_on_failed' | 'notify_on_inactive'> {
  return notify === undefined ? {} : { notify_on_succeeded: notify, notify_on_failed: notify, notify_on_inactive: notify };
}

export function transferDocument(spec: TransferSpec): TransferDocument {
  // The service answers an empty DATA with 400 NoTransferItems; saying so here costs no round trip.
  if (spec.items.length === 0) throw new RangeError('a Globus transfer needs at least one item');
  const items: TransferItem[] = spec.items.map((i) => ({
    DATA_TYPE: 'transfer_item',
    source_path: i.source_path,
    destination_path: i.destination_path,
    recursive: i.recursive,
  }));
  return withoutUnset<TransferDocument>({
    DATA_TYPE: 'transfer',
    source_endpoint: spec.source,
    destination_endpoint: spec.destination,
    DATA: items,
    label: labelOf(spec.label),
    sync_level: spec.syncLevel === undefined ? undefined : SYNC_LEVELS[spec.syncLevel],
    verify_checksum: spec.verifyChecksum,
    preserve_timestamp: spec.preserveTimestamp,
    encrypt_data: spec.encryptData,
    deadline: deadlineOf(spec.deadline),
    skip_source_errors: spec.skipSourceErrors,
    fail_on_quota_errors: spec.failOnQuotaErrors,
    ...notifyFlags(spec.notify),
    source_local_user: spec.sourceLocalUser,
    destination_local_user: spec.destinationLocalUser,
  });
}

export function deleteDocument(spec: DeleteSpec): DeleteDocument {
  if (spec.paths.length === 0) throw new RangeError('a Globus delete needs at least one path');
  return withoutUnset<DeleteDocument>({
    DATA_TYPE: 'delete',
    endpoint: spec.collection,
    DATA: spec.paths.map((path) => ({ DATA_TYPE: 'delete_item', path })),
    label: labelOf(spec.label),
    recursive: spec.recursive,
    ignore_missing: spec.ignoreMissing,
    interpret_globs: spec.interpretGlobs,
    deadline: deadlineOf(spec.deadline),
    local_user: spec.localUser,
    ...notifyFlags(spec.notify),
  });
}
