import { describeEndpoint, type TransferEndpoint } from '../endpoints.js';
import { SplashError } from '../errors.js';
import { checkPruneRoots, type FilesystemPruneOptions, pruneFilesystem } from './filesystem.js';
import type { PruneReport } from './report.js';

export type { PruneReport, PrunedFile, UnsafeFile } from './report.js';

export interface Prune {
  /** Everything that can be known before a deletion (roots reachable, separate storage); throws config errors. */
  readonly check: () => Promise<void>;
  readonly run: (opts: FilesystemPruneOptions) => Promise<PruneReport>;
}

/** The prune controller for an endpoint checked against another, chosen by their kinds; throws "not configured". */
export function pruneFor(endpoint: TransferEndpoint, check: TransferEndpoint): Prune {
  if (endpoint.type === 'filesystem' && check.type === 'filesystem') {
    return { check: async () => { await checkPruneRoots(endpoint, check); }, run: (opts) => pruneFilesystem(endpoint, check, opts) };
  }
  throw new SplashError(
    'not-configured',
    `no prune controller for ${describeEndpoint(endpoint)} checked against ${describeEndpoint(check)}: this build prunes filesystem endpoints only`,
    'Globus and HPSS pruning are not built yet; remove this rule or point it at filesystem endpoints',
  );
}
