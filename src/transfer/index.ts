import { describeEndpoint, type TransferEndpoint } from '../endpoints.js';
import { SplashError } from '../errors.js';
import type { RelPath } from '../paths.js';
import { copyBetweenFilesystems, type CopyOptions, type CopyReport } from './filesystem.js';

export type { CopyReport, FileCopy } from './filesystem.js';

/**
 * The transfer controller for a hop, chosen by the two endpoint kinds. Kinds whose controller is not built
 * yet are reported as not configured — the step fails honestly instead of pretending to move data.
 */
export async function transfer(from: TransferEndpoint, to: TransferEndpoint, rel: RelPath, opts: CopyOptions): Promise<CopyReport> {
  if (from.type === 'filesystem' && to.type === 'filesystem') return copyBetweenFilesystems(from, to, rel, opts);
  throw new SplashError(
    'not-configured',
    `no transfer controller for ${describeEndpoint(from)} → ${describeEndpoint(to)}: this build moves data between filesystem endpoints only`,
    'Globus and HPSS transfers are not built yet; use filesystem endpoints or remove this hop from the move list',
  );
}
