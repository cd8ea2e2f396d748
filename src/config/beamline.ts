import type { TransferEndpoint } from '../endpoints.js';
import { configError } from '../errors.js';
import { gatePath, type RelPath } from '../paths.js';
import type { BeamlineSettings, SplashConfig } from './index.js';

/** How a beamline's watcher hands over files: one dispatch per file, or a list processed as one batch. */
export type DispatchShape = 'per-file' | 'list';

/**
 * What every beamline shares: its settings from config.yml, endpoint lookup, and the path gate with the
 * beamline's prefix. A beamline folder (`beamlines/blXXX/config.ts`) extends it with only what differs.
 */
export abstract class BeamlineConfig {
  abstract readonly id: string;
  abstract readonly title: string;
  readonly dispatchShape: DispatchShape = 'per-file';
  readonly config: SplashConfig;

  constructor(config: SplashConfig) {
    this.config = config;
  }

  /** Settings from `beamlines."<id>"`, or the defaults a beamline derives from the legacy layout. */
  get settings(): BeamlineSettings {
    const settings = this.config.beamlines.get(this.id) ?? this.legacyDefaults();
    if (!settings) {
      throw configError(
        `beamline ${this.id} is not configured in ${this.config.source}`,
        `add a beamlines."${this.id}" section (see docs/config.md)`,
      );
    }
    return settings;
  }

  /**
   * The original system's config.yml has no `beamlines:` section; a beamline that knows its endpoint names
   * there returns its settings from them. Undefined when the endpoints are not all present.
   */
  protected legacyDefaults(): BeamlineSettings | undefined {
    return undefined;
  }

  endpoint(name: string, field: string): TransferEndpoint {
    const e = this.config.endpoints.get(name);
    if (!e) {
      const known = [...this.config.endpoints.keys()].join(', ') || 'none';
      throw configError(`${field}: endpoint "${name}" is not defined in ${this.config.source} (defined: ${known})`);
    }
    return e;
  }

  /** Every outside path for this beamline passes here: relative to its endpoints, prefix stripped. */
  gate(inputs: readonly unknown[], field = 'file-paths'): RelPath[] {
    const prefix = this.settings.path_prefix;
    return inputs.map((p, i) => gatePath(p, { prefix, field: `${field}[${i}]` }));
  }
}

/** A beamline defined only in config.yml (no folder of its own): the shared behaviour, nothing more. */
export class ConfiguredBeamline extends BeamlineConfig {
  readonly id: string;
  readonly title: string;
  constructor(config: SplashConfig, id: string) {
    super(config);
    this.id = id;
    this.title = `beamline ${id}`;
  }
}
