import { BeamlineConfig, ConfiguredBeamline } from '../src/config/beamline.js';
import type { SplashConfig } from '../src/config/index.js';
import { usageError } from '../src/errors.js';
import { dataExchangeIngestor, genericIngestor, type Ingestor } from '../src/scicat/ingestors.js';
import { type ChainOptions, type ChainStep, unavailable } from '../src/steps/chain.js';
import { ingestLink } from '../src/steps/ingest.js';
import { moveLink } from '../src/steps/move.js';
import type { ReconPlan } from '../src/steps/recon.js';
import { Config733 } from './bl733/config.js';
import { chain733 } from './bl733/dispatcher.js';
import { Config7012 } from './bl7012/config.js';
import { chain7012 } from './bl7012/dispatcher.js';
import { recon7012 } from './bl7012/recon.js';
import { Config832 } from './bl832/config.js';
import { chain832 } from './bl832/dispatcher.js';
import { recon832 } from './bl832/recon.js';
import { Config7011 } from './bl7011/config.js';
import { chain7011 } from './bl7011/dispatcher.js';
import { Config931 } from './bl931/config.js';
import { chain931 } from './bl931/dispatcher.js';
import { Config531 } from './bl531/config.js';
import { chain531 } from './bl531/dispatcher.js';
import { ConfigDichroism } from './dichroism/config.js';
import { chainDichroism } from './dichroism/dispatcher.js';

/** A beamline as the front doors see it: its config and its dispatcher's chain. */
export interface Beamline {
  readonly config: BeamlineConfig;
  /** How this beamline's files are catalogued in SciCat. */
  readonly ingestor: Ingestor;
  /** How it reconstructs, for beamlines that do (the step runs only with a recon section in config.yml). */
  readonly recon?: ReconPlan;
  chain(opts: ChainOptions): ChainStep[];
}

/** Beamlines with a folder of their own. Adding one: a folder with config.ts + dispatcher.ts, and a line here. */
const known: Record<string, (c: SplashConfig) => Beamline> = {
  '8.3.2': (c) => { const b = new Config832(c); return { config: b, ingestor: dataExchangeIngestor, recon: recon832, chain: (o) => chain832(b, o) }; },
  '7.3.3': (c) => { const b = new Config733(c); return { config: b, ingestor: genericIngestor, chain: (o) => chain733(b, o) }; },
  '7.0.1.2': (c) => { const b = new Config7012(c); return { config: b, ingestor: genericIngestor, recon: recon7012, chain: (o) => chain7012(b, o) }; },
  '7.0.1.1': (c) => { const b = new Config7011(c); return { config: b, ingestor: genericIngestor, chain: (o) => chain7011(b, o) }; },
  '9.3.1': (c) => { const b = new Config931(c); return { config: b, ingestor: genericIngestor, chain: (o) => chain931(b, o) }; },
  '5.3.1': (c) => { const b = new Config531(c); return { config: b, ingestor: genericIngestor, chain: (o) => chain531(b, o) }; },
  '4.0.2': (c) => { const b = new ConfigDichroism(c, '4.0.2'); return { config: b, ingestor: genericIngestor, chain: (o) => chainDichroism(b, o) }; },
  '6.3.1': (c) => { const b = new ConfigDichroism(c, '6.3.1'); return { config: b, ingestor: genericIngestor, chain: (o) => chainDichroism(b, o) }; },
};

export const knownBeamlineIds = Object.keys(known);

/**
 * The beamline for an id: one with its own folder, or one defined only in config.yml (which gets the
 * shared behaviour: move, then a generic ingest).
 */
export function openBeamline(config: SplashConfig, id: string): Beamline {
  const beamline = openUnconfigured(config, id);
  // `beamlines."<id>".ingest.format` in config.yml overrides the beamline's own choice of ingestor.
  const format = config.beamlines.get(id)?.ingest_format;
  if (format === undefined) return beamline;
  const ingestor = format === 'data-exchange' ? dataExchangeIngestor : genericIngestor;
  return {
    config: beamline.config,
    ingestor,
    ...(beamline.recon ? { recon: beamline.recon } : {}),
    chain: (o) => beamline.chain(o).map((step) => (step.name === 'ingest' ? ingestLink(beamline.config, ingestor) : step)),
  };
}

function openUnconfigured(config: SplashConfig, id: string): Beamline {
  const make = known[id];
  if (make) return make(config);
  if (config.beamlines.has(id)) {
    const b = new ConfiguredBeamline(config, id);
    // A beamline with neither move hops nor an ingest source is there for its retention rules or tape archive
    // only: nothing is dispatched for it, so its chain has nothing to check or run.
    const dispatched = (s: BeamlineConfig['settings']): boolean => s.move.length > 0 || s.ingest_read_from !== undefined;
    return {
      config: b,
      ingestor: genericIngestor,
      chain: (o) => dispatched(b.settings)
        ? [moveLink(b, o.exportControlled), ingestLink(b, genericIngestor)]
        : [unavailable('move', `beamline ${id} has no move hops in ${config.source}`), unavailable('ingest', `beamline ${id} has no move hops and no ingest.read_from`)],
    };
  }
  const ids = [...new Set([...knownBeamlineIds, ...config.beamlines.keys()])].join(', ');
  throw usageError(`unknown beamline ${JSON.stringify(id)}`, `known beamlines: ${ids}`);
}

/** Every beamline the config file has settings for (the ones a scheduled prune sweeps). */
export function configuredBeamlines(config: SplashConfig): Beamline[] {
  const ids = new Set(config.beamlines.keys());
  for (const id of knownBeamlineIds) {
    const b = openBeamline(config, id);
    // A known beamline counts if its settings resolve (e.g. from the legacy layout).
    try {
      if (b.config.settings.id === id) ids.add(id);
    } catch {
      // not configured in this file
    }
  }
  return [...ids].sort().map((id) => openBeamline(config, id));
}
