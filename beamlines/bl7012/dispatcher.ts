import { type ChainOptions, type ChainStep, unavailable } from '../../src/steps/chain.js';
import { moveLink } from '../../src/steps/move.js';
import type { Config7012 } from './config.js';

/** 7.0.1.2: move the scan, catalogue it, run the ptychography reconstruction. */
export function chain7012(beamline: Config7012, opts: ChainOptions): ChainStep[] {
  return [
    moveLink(beamline, opts.exportControlled),
    unavailable('ingest', 'SciCat ingest is not built yet'),
    unavailable('recon', 'ptychography reconstruction is not built yet'),
  ];
}
