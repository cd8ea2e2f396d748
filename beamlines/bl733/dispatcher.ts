import { type ChainOptions, type ChainStep, unavailable } from '../../src/steps/chain.js';
import { moveLink } from '../../src/steps/move.js';
import type { Config733 } from './config.js';

/** 7.3.3: move the batch of frames, then catalogue it. */
export function chain733(beamline: Config733, opts: ChainOptions): ChainStep[] {
  return [
    moveLink(beamline, opts.exportControlled),
    unavailable('ingest', 'SciCat ingest is not built yet'),
  ];
}
