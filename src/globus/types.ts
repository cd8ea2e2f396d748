/**
 * Wire documents of Globus Auth (client credentials) and Transfer API v0.10, as CONTRACTS.md §1 describes
 * them. Field names are the service's own (snake_case, `DATA_TYPE`, `DATA`) so a document can be compared
 * with a recorded response or the simulator's log without translation. Optional request fields are `?:`
 * and are left out of the body when unset; the service never receives a `null` from this client.
 */

/** `sync_level` words as the SDK accepts them; the wire value is the integer. */
export type SyncLevel = 'exists' | 'size' | 'mtime' | 'checksum';
export const SYNC_LEVELS: Readonly<Record<SyncLevel, 0 | 1 | 2 | 3>> = { exists: 0, size: 1, mtime: 2, checksum: 3 };

// ----- Auth -----

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  token_type?: string;
  scope?: string;
  resource_server?: string;
  other_tokens?: unknown[];
}

// ----- errors -----

/** Body of any Transfer 4xx/5xx; Auth's OAuth errors use `error`/`error_description` instead. */
export interface GlobusErrorBody {
  code?: string;
  message?: string;
  request_id?: string;
  resource?: string;
  authorization_parameters?: unknown;
  error?: string;
  error_description?: string;
  /** Globus Compute's ErrorResponse: the message, or (422) a list of `{loc, msg, type}`. */
  detail?: unknown;
}

// ----- submissions -----

export interface TransferItem {
  DATA_TYPE: 'transfer_item';
  source_path: string;
  destination_path: string;
  recursive?: boolean;
  external_checksum?: string;
  checksum_algorithm?: string;
}

export interface FilterRule {
  DATA_TYPE: 'filter_rule';
  method: 'include' | 'exclude';
  name: string;
  type?: 'file' | 'dir';
}

export interface TransferDocument {
  DATA_TYPE: 'transfer';
  /**
   * Fetched by `submitTransfer` when absent, then reused on every retry. Set it only to an id from
   * `getSubmissionId`: the service accepts no other.
   */
  submission_id?: string;
  source_endpoint: string;
  destination_endpoint: string;
  DATA: TransferItem[];
  label?: string;
  sync_level?: 0 | 1 | 2 | 3;
  verify_checksum?: boolean;
  preserve_timestamp?: boolean;
  encrypt_data?: boolean;
  deadline?: string;
  skip_source_errors?: boolean;
  fail_on_quota_errors?: boolean;
  delete_destination_extra?: boolean;
  notify_on_succeeded?: boolean;
  notify_on_failed?: boolean;
  notify_on_inactive?: boolean;
  source_local_user?: string;
  destination_local_user?: string;
  filter_rules?: FilterRule[];
}

export interface DeleteItem {
  DATA_TYPE: 'delete_item';
  path: string;
}

export interface DeleteDocument {
  DATA_TYPE: 'delete';
  /** As for a transfer: fetched by `submitDelete` when absent; only an id from `getSubmissionId`. */
  submission_id?: string;
  endpoint: string;
  DATA: DeleteItem[];
  label?: string;
  /** Must be true when any item is a directory. */
  recursive?: boolean;
  ignore_missing?: boolean;
  interpret_globs?: boolean;
  deadline?: string;
  local_user?: string;
  notify_on_succeeded?: boolean;
  notify_on_failed?: boolean;
  notify_on_inactive?: boolean;
}

/** `transfer_result` / `delete_result`. `code` is `Accepted`, or `Duplicate` for a re-sent submission id. */
export interface SubmitResult {
  DATA_TYPE: 'transfer_result' | 'delete_result';
  code: 'Accepted' | 'Duplicate';
  message?: string;
  request_id?: string;
  resource?: string;
  submission_id: string;
  task_id: string;
  task_link?: unknown;
}

// ----- tasks -----

export type TaskStatus = 'ACTIVE' | 'INACTIVE' | 'SUCCEEDED' | 'FAILED';

export interface TaskDocument {
  DATA_TYPE: 'task';
  task_id: string;
  type: 'TRANSFER' | 'DELETE';
  status: TaskStatus;
  label?: string | null;
  fatal_error?: { code: string; description: string } | null;
  nice_status?: string | null;
  nice_status_short_description?: string | null;
  nice_status_expires_in?: number | null;
  is_ok?: boolean | null;
  is_paused?: boolean;
  owner_id?: string;
  request_time?: string;
  completion_time?: string | null;
  deadline?: string | null;
  source_endpoint_id?: string | null;
  destination_endpoint_id?: string | null;
  files?: number;
  directories?: number;
  symlinks?: number;
  files_transferred?: number;
  files_skipped?: number;
  bytes_transferred?: number;
  bytes_checksummed?: number;
  effective_bytes_per_second?: number;
  faults?: number;
  subtasks_total?: number;
  subtasks_pending?: number;
  subtasks_retrying?: number;
  subtasks_succeeded?: number;
  subtasks_failed?: number;
  subtasks_expired?: number;
  subtasks_canceled?: number;
  subtasks_skipped_errors?: number;
  sync_level?: number | null;
  verify_checksum?: boolean;
  preserve_timestamp?: boolean;
  history_deleted?: boolean;
  canceled_by_admin?: string | null;
}

export interface TaskEvent {
  DATA_TYPE: 'event';
  code: string;
  is_error: boolean;
  description: string;
  details: string;
  time: string;
}

export interface EventList {
  DATA_TYPE: 'event_list';
  DATA: TaskEvent[];
  length?: number;
  limit?: number;
  offset?: number;
  total?: number;
}

export interface SuccessfulTransfer {
  DATA_TYPE: 'successful_transfer';
  source_path: string | null;
  destination_path: string | null;
  checksum?: string | null;
  checksum_algorithm?: string | null;
  size?: number | null;
}

export interface SuccessfulTransfersPage {
  DATA_TYPE: 'successful_transfers';
  DATA: SuccessfulTransfer[];
  marker?: number | string | null;
  next_marker: number | string | null;
}

/** Result of cancel / mkdir and other operations that answer with a code and a message. */
export interface OperationResult {
  DATA_TYPE?: string;
  code: string;
  message?: string;
  request_id?: string;
  resource?: string;
}

// ----- files -----

export type FileType = 'dir' | 'file' | 'invalid_symlink' | 'chr' | 'blk' | 'pipe' | 'other';

export interface FileDocument {
  DATA_TYPE: 'file';
  name: string;
  type: FileType;
  size: number;
  /** `2020-09-23 18:53:12+00:00` — a space, not `T`; read it with `parseGlobusTime`. */
  last_modified: string;
  permissions?: string;
  user?: string | null;
  group?: string | null;
  link_target?: string | null;
  link_group?: string | null;
  link_last_modified?: string | null;
  link_size?: number | null;
  link_user?: string | null;
}

export interface FileList {
  DATA_TYPE: 'file_list';
  DATA: FileDocument[];
  endpoint?: string;
  path?: string;
  absolute_path?: string | null;
  length?: number;
  total?: number;
  limit?: number;
  offset?: number;
}
