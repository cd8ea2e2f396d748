import type { ChainOptions, ChainStep } from '../../src/steps/chain.js';
import { genericIngestor } from '../../src/scicat/ingestors.js';
import { ingestLink } from '../../src/steps/ingest.js';
import { moveLink } from '../../src/steps/move.js';
import type { Config7011 } from './config.js';

/** 7.0.1.1: move the files along config.yml's hops, then catalogue them. */
export function chain7011(beamline: Config7011, opts: ChainOptions): ChainStep[] {
  return [
    moveLink(beamline, opts.exportControlled),
    ingestLink(beamline, genericIngestor),
  ];
}
