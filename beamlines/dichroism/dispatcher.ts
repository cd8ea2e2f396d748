import type { ChainOptions, ChainStep } from '../../src/steps/chain.js';
import { genericIngestor } from '../../src/scicat/ingestors.js';
import { ingestLink } from '../../src/steps/ingest.js';
import { moveLink } from '../../src/steps/move.js';
import type { ConfigDichroism } from './config.js';

/** The dichroism beamlines (4.0.2, 6.3.1, chosen by the workflow's `beamline` input): move the files along config.yml's hops, then catalogue them. */
export function chainDichroism(beamline: ConfigDichroism, opts: ChainOptions): ChainStep[] {
  return [
    moveLink(beamline, opts.exportControlled),
    ingestLink(beamline, genericIngestor),
  ];
}
