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
  /**
   * How the copy is proven: `checksum` (filesystem default) trusts the move's verification record and
   * hashes where there is none; `hash` re-reads and hashes both files; `size` (Globus, the only choice
   * there) compares what a listing shows, Globus having verified checksums in the transfer.
   */
  readonly verify: 'checksum' | 'hash' | 'size';
}

/** A beamline's file watcher (`watch:`), defaults applied. Absent: src/watch/settings.ts derives the defaults. */
export interface WatchSettings {
  /** repository_dispatch event type; default `new_file_<digits of the id>` (8.3.2 → new_file_832). */
  readonly event_type: string;
  /** Only files matching one of these globs are dispatched; empty = all (temporary and hidden never). */
  readonly patterns: readonly string[];
  readonly ignore: readonly string[];
  /** A file is complete when its size and mtime stayed the same this long. */
  readonly stable_seconds: number;
  /** Files that become complete within this long of the first one go out in one dispatch. */
  readonly batch_seconds: number;
  /** Full rescans of the folder, besides file-system events (which can be missed). */
  readonly rescan_seconds: number;
}

export interface BeamlineSettings {
  /** "8.3.2" */
  readonly id: string;
  /** Absolute, stripped from paths the watcher sends. */
  readonly path_prefix: string | undefined;
  readonly move: readonly MoveHop[];
  readonly prune: readonly PruneRule[];
  readonly runner_labels: readonly string[];
  /** Only when config.yml has a `watch:` section for the beamline. */
  readonly watch?: WatchSettings | undefined;
  /** Overrides the beamline's own choice of ingestor (beamlines/<id>/): how its files are catalogued. */
  readonly ingest_format?: 'data-exchange' | 'generic' | undefined;
  /**
   * The filesystem endpoint ingest reads files from; default the first move hop's source. For a beamline
   * whose hops are Globus collections, a folder the runner mounts where the move put the files.
   */
  readonly ingest_read_from?: string | undefined;
  /** Tape archiving; undefined when the beamline has no `archive:` section. */
  readonly archive?: ArchiveSettings | undefined;
  /** Reconstruction at an HPC centre; undefined when the beamline has no `recon:` section. */
  readonly recon?: ReconSettings | undefined;
}

/** `beamlines.<id>.recon.nersc`: the Slurm settings and NERSC folders of the beamline's jobs. */
export interface NerscJobSettings {
  readonly qos: string;
  readonly account: string;
  readonly constraint: string;
  readonly nodes: number;
  readonly cpus_per_task: number | undefined;
  readonly gpus: number | undefined;
  readonly exclusive: boolean;
  readonly walltime_seconds: number;
  readonly queue_allowance_seconds: number;
  readonly container: 'podman-hpc' | 'shifter';
  /** Image references by name (from the mapping, or the legacy section it names). */
  readonly images: Readonly<Record<string, string>>;
  /** Which field the images came from, for messages. */
  readonly images_from: string;
  readonly data_root: string;
  readonly scratch_root: string;
  readonly log_root: string;
  readonly scripts_root: string | undefined;
  readonly programs: Readonly<Record<string, string>>;
}

/** `beamlines.<id>.recon.alcf`: the Globus Compute endpoint, the wrapper, and the folders on Eagle. */
export interface AlcfJobSettings {
  readonly endpoint_id: string;
  readonly function_id: string | undefined;
  readonly globus_app: string | undefined;
  readonly python: string;
  readonly python_version: string;
  readonly walltime_seconds: number;
  readonly queue_allowance_seconds: number;
  readonly data_root: string;
  readonly scratch_root: string;
  readonly log_root: string;
  readonly scripts_root: string;
  readonly stage: { readonly from: string; readonly to: string } | undefined;
  readonly results: readonly { readonly from: string; readonly to: string }[];
  readonly read_from: string | undefined;
  readonly poll_first_seconds: number;
  readonly poll_max_seconds: number;
}

export type HpcName = 'nersc' | 'alcf';

/** `beamlines.<id>.recon`. */
export interface ReconSettings {
  /** Where a dispatch reconstructs by default, in order (one or both). */
  readonly hpc: readonly HpcName[];
  readonly nersc: NerscJobSettings | undefined;
  readonly alcf: AlcfJobSettings | undefined;
  /** The beamline's recon-option defaults, as written (the beamline validates them). */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** The NERSC results' hops. */
  readonly results: readonly { readonly from: string; readonly to: string }[];
  readonly multires: boolean;
  /** A folder endpoint where the runner reads returned results (to catalogue them). */
  readonly read_from: string | undefined;
}

/** The `sfapi:` section: the NERSC Superfacility API and its credentials. */
export interface SfapiSettings {
  readonly apiUrl: string;
  readonly tokenUrl: string;
  readonly machine: string;
  readonly clientId: EnvString | undefined;
  readonly privateKey: EnvString | undefined;
  readonly privateKeyPath: EnvString | undefined;
  readonly timeoutSeconds: number;
  readonly pollFirstSeconds: number;
  readonly pollMaxSeconds: number;
  readonly taskTimeoutSeconds: number;
  readonly notFoundGraceSeconds: number;
  readonly expiryWarningHours: number;
}

/** `beamlines.<id>.archive`: what `splash hpss` bundles to tape and where. */
export interface ArchiveSettings {
  /** Endpoint holding the data; its root_path is a folder on the HPSS host. */
  readonly from: string;
  /** The hpss endpoint. */
  readonly to: string;
  /** Folder under from's root whose sub-folders are proposals (scheduled runs pick among them). */
  readonly proposals: string;
  /** IANA zone the beam cycles are reckoned in. */
  readonly time_zone: string;
  readonly bundle_max_bytes: number;
  /** listing: archives checked against htar's index; content: also read back from tape (htar -K). */
  readonly verify: 'listing' | 'content';
  /** Default endpoint of `splash hpss restore`. */
  readonly restore_to: string | undefined;
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
  readonly computeUrl: string;
  readonly waitTimeoutMinutes: number;
  readonly stuckGraceSeconds: number;
  readonly pollFirstSeconds: number;
  readonly pollMaxSeconds: number;
}

export interface GitHubApp {
  /** Client ID or App ID (the JWT issuer). */
  readonly client_id: EnvString;
  readonly private_key: EnvString | undefined;
  readonly private_key_path: EnvString | undefined;
  readonly installation_id: number | undefined;
}

/** The `github:` section: where dispatches go and how they authenticate. */
export interface GitHubSettings {
  /** "owner/name" */
  readonly repository: string;
  readonly owner: string;
  readonly repo: string;
  readonly apiUrl: string;
  /** Environment variable holding the token when no App is configured. */
  readonly tokenEnv: string;
  readonly app: GitHubApp | undefined;
  readonly timeoutSeconds: number;
  readonly retryFirstSeconds: number;
  readonly retryMaxSeconds: number;
  readonly maxRetries: number;
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
  /** Undefined when config.yml has no `github:` section (only dispatch, watch and reconcile need it). */
  readonly github: GitHubSettings | undefined;
  /** Undefined when config.yml has no `sfapi:` section (only recon at NERSC needs it). */
  readonly sfapi: SfapiSettings | undefined;
  /** "config.yml:14:21" for a key path, falling back to the nearest existing parent, or just the file name. */
  locate(keyPath: readonly (string | number)[]): string;
}
