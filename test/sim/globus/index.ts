/** Globus Auth + Transfer v0.10 simulator for tests (see server.ts for the behaviour and its documented choices). */
export { COMPUTE_SCOPE, startGlobusSim, TRANSFER_SCOPE } from './server.js';
export type { GlobusSim, GlobusSimOptions, SimRequest, TokenInfo } from './server.js';
export type { Fault } from './faults.js';
export type { SkippedError, SuccessfulTransfer, TaskDocument, TaskEvent, TaskStatus } from './tasks.js';
export type { FileDocument, FileListDocument, FileType } from './collections.js';
