import { type ChainOptions, type ChainStep } from '../../src/steps/chain.js';
import { dataExchangeIngestor } from '../../src/scicat/ingestors.js';
import { ingestLink } from '../../src/steps/ingest.js';
import { moveLink } from '../../src/steps/move.js';
import { reconLinkOrWhy } from '../../src/steps/recon.js';
import type { Config832 } from './config.js';
import { recon832 } from './recon.js';

/**
 * 8.3.2: move the scan, catalogue it, reconstruct it at NERSC (then its multi-resolution copy, then the
 * results back). Tape is not a per-scan step: the scheduled archive workflow (`splash hpss`) bundles each
 * proposal per beam cycle once the cycle has ended.
 */
export function chain832(beamline: Config832, opts: ChainOptions): ChainStep[] {
  return [
    moveLink(beamline, opts.exportControlled),
    ingestLink(beamline, dataExchangeIngestor),
    reconLinkOrWhy(beamline, recon832, opts.exportControlled),
  ];
}
