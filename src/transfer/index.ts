import { describeEndpoint, type TransferEndpoint } from '../endpoints.js';
import { SplashError } from '../errors.js';
import type { RelPath } from '../paths.js';
import type { StepContext } from '../run/context.js';
import type { Services } from '../services.js';
import { copyPathsBetweenFilesystems, type CopyReport } from './filesystem.js';

export type { CopyReport, FileCopy } from './filesystem.js';

export interface TransferOptions {
  readonly ctx: StepContext;
  readonly services: Services;
  /** Words for a transfer label (the beamline, the step). */
  readonly label: string;
}

/** Moves every path of a dispatch along one hop: one call per hop, so a batch can be one Globus task. */
export type Transfer = (rels: readonly RelPath[], opts: TransferOptions) => Promise<CopyReport>;

/**
 * The transfer controller for a hop, chosen by the two endpoint kinds. A hop whose controller is not built
 * is "not configured": the caller learns it before any byte moves, and nothing pretends to move data.
 */
export function transferFor(from: TransferEndpoint, to: TransferEndpoint): Transfer {
  if (from.type === 'filesystem' && to.type === 'filesystem') {
    return async (rels, opts): Promise<CopyReport> => copyPathsBetweenFilesystems(from, to, rels, { ctx: opts.ctx });
  }
  if (from.type === 'globus' && to.type === 'globus') {
    return async (rels, opts) => {
      // Loaded only for a Globus hop: the HTTP client it pulls in costs a folder-only move tens of ms at start.
      const { transferWithGlobus } = await import('./globus.js');
      return transferWithGlobus(from, to, rels, { ctx: opts.ctx, client: await opts.services.globus(), settings: opts.services.globusSettings, label: opts.label });
    };
  }
  throw new SplashError(
    'not-configured',
    `no transfer controller for ${describeEndpoint(from)} → ${describeEndpoint(to)}: this build moves filesystem → filesystem and globus → globus`,
    'HPSS transfers are not built yet; a hop between a folder and a Globus collection needs the folder shared as a collection',
  );
}
