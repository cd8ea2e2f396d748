import { describeEndpoint, type TransferEndpoint } from '../endpoints.js';
import { SplashError } from '../errors.js';
import { pruneFilesystem, type FilesystemPruneOptions } from './filesystem.js';
import type { PruneReport } from './report.js';

export type { PruneReport, PrunedFile, UnsafeFile } from './report.js';

/** The prune controller for an endpoint and its check endpoint, chosen by their kinds. */
export async function prune(endpoint: TransferEndpoint, check: TransferEndpoint, opts: FilesystemPruneOptions): Promise<PruneReport> {
  if (endpoint.type === 'filesystem' && check.type === 'filesystem') return pruneFilesystem(endpoint, check, opts);
  throw new SplashError(
    'not-configured',
    `no prune controller for ${describeEndpoint(endpoint)} checked against ${describeEndpoint(check)}: this build prunes filesystem endpoints only`,
    'Globus and HPSS pruning are not built yet; remove this rule or point it at filesystem endpoints',
  );
}
