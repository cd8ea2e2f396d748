import type { ChainOptions, ChainStep } from '../../src/steps/chain.js';
import { genericIngestor } from '../../src/scicat/ingestors.js';
import { ingestLink } from '../../src/steps/ingest.js';
import { moveLink } from '../../src/steps/move.js';
import type { Config531 } from './config.js';

/** 5.3.1: move the files along config.yml's hops, then catalogue them. */
export function chain531(beamline: Config531, opts: ChainOptions): ChainStep[] {
  return [
    moveLink(beamline, opts.exportControlled),
    ingestLink(beamline, genericIngestor),
  ];
}
