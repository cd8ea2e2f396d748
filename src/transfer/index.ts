import { describeEndpoint, type TransferEndpoint } from '../endpoints.js';
import { SplashError } from '../errors.js';
import type { RelPath } from '../paths.js';
import { copyBetweenFilesystems, type CopyOptions, type CopyReport } from './filesystem.js';

export type { CopyReport, FileCopy } from './filesystem.js';

export type Transfer = (rel: RelPath, opts: CopyOptions) => Promise<CopyReport>;

/**
 * The transfer controller for a hop, chosen by the two endpoint kinds. A hop whose controller is not built
 * yet is "not configured": the caller learns it before any byte moves, and nothing pretends to move data.
 */
export function transferFor(from: TransferEndpoint, to: TransferEndpoint): Transfer {
  if (from.type === 'filesystem' && to.type === 'filesystem') return (rel, opts) => copyBetweenFilesystems(from, to, rel, opts);
  throw new SplashError(
    'not-configured',
    `no transfer controller for ${describeEndpoint(from)} → ${describeEndpoint(to)}: this build moves data between filesystem endpoints only`,
    'Globus and HPSS transfers are not built yet; use filesystem endpoints or remove this hop from the move list',
  );
}
