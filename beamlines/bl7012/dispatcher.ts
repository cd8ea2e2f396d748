import type { ChainOptions, ChainStep } from '../../src/steps/chain.js';
import { genericIngestor } from '../../src/scicat/ingestors.js';
import { ingestLink } from '../../src/steps/ingest.js';
import { moveLink } from '../../src/steps/move.js';
import { reconLinkOrWhy } from '../../src/steps/recon.js';
import type { Config7012 } from './config.js';
import { recon7012 } from './recon.js';

/** 7.0.1.2: move the scan, catalogue it, run the ptychography reconstruction at NERSC. */
export function chain7012(beamline: Config7012, opts: ChainOptions): ChainStep[] {
  return [
    moveLink(beamline, opts.exportControlled),
    ingestLink(beamline, genericIngestor),
    reconLinkOrWhy(beamline, recon7012, opts.exportControlled),
  ];
}
