/** What loading config.yml produces. Everything is read-only: steps read config, they never change it. */
import type { TransferEndpoint } from '../endpoints.js';
import type { EnvString } from './env.js';

export interface MoveHop {
  readonly from: string;
  readonly to: string;
  /** Export-controlled data must not leave the facility: the move skips this hop for it. */
  readonly skip_export_controlled: boolean;
}

export interface PruneRule {
  /** Where files are deleted. */
  readonly endpoint: string;
  readonly after_days: number;
  /** Where a copy must exist (and match) before anything is deleted. */
  readonly check: string;
  readonly verify: 'size' | 'hash';
}

export interface BeamlineSettings {
  /** "8.3.2" */
  readonly id: string;
  /** Absolute, stripped from paths the watcher sends. */
  readonly path_prefix: string | undefined;
  readonly move: readonly MoveHop[];
  readonly prune: readonly PruneRule[];
  readonly runner_labels: readonly string[];
}

export interface GlobusApp {
  readonly client_id: EnvString;
  readonly client_secret: EnvString;
}

/** Globus service settings (the `globus:` section besides endpoints and apps). */
export interface GlobusSettings {
  /** Name of the app in globusApps the steps use, if the file has any. */
  readonly app: string | undefined;
  readonly authUrl: string;
  readonly transferUrl: string;
  readonly waitTimeoutMinutes: number;
  readonly stuckGraceSeconds: number;
  readonly pollFirstSeconds: number;
  readonly pollMaxSeconds: number;
}

export interface SplashConfig {
  /** The file path as given, for messages. */
  readonly source: string;
  readonly endpoints: ReadonlyMap<string, TransferEndpoint>;
  readonly beamlines: ReadonlyMap<string, BeamlineSettings>;
  readonly globusApps: ReadonlyMap<string, GlobusApp>;
  readonly globus: GlobusSettings;
  /** Legacy `harbor_images832` / `ghcr_images832` sections, keyed by the section name. */
  readonly images: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly scicat: Readonly<Record<string, unknown>> | undefined;
  /** "config.yml:14:21" for a key path, falling back to the nearest existing parent, or just the file name. */
  locate(keyPath: readonly (string | number)[]): string;
}
