import type { EnvString } from './config/env.js';

/**
 * Where data lives. The endpoint's `type` selects its transfer and prune controllers, so adding a kind
 * of storage means adding a member here and the compiler lists every switch that must handle it.
 */
export interface FileSystemEndpoint {
  readonly type: 'filesystem';
  /** The key under `endpoints:` (or `globus.globus_endpoints:`) in config.yml. */
  readonly name: string;
  /** Absolute, normalised folder that every relative data path is resolved against. */
  readonly root_path: string;
}

export interface GlobusEndpoint {
  readonly type: 'globus';
  readonly name: string;
  readonly root_path: string;
  /** Globus collection UUID. */
  readonly uuid: string;
  readonly uri: string | undefined;
  /** The legacy file's `name:` field, kept for display (it may differ from the key). */
  readonly display_name: string | undefined;
}

/** How the runner reaches the host that runs hsi/htar. */
export interface SshSettings {
  readonly host: string;
  readonly user: string | undefined;
  readonly port: number;
  /** Resolved (and the `${VAR}` checked) only when an archive runs. */
  readonly key_path: EnvString;
  readonly known_hosts: string | undefined;
  readonly connect_timeout_seconds: number;
}

/** hsi/htar as Slurm jobs through the Superfacility API (the transfer QOS), as the original system runs them. */
export interface HpssSlurmSettings {
  readonly account: string;
  readonly qos: string;
  readonly constraint: string;
  readonly walltimeSeconds: number;
  readonly queueAllowanceSeconds: number;
  /** Where the jobs write their logs, status files and results (readable through the SFAPI). */
  readonly logDir: string;
}

export interface HPSSEndpoint {
  readonly type: 'hpss';
  readonly name: string;
  readonly root_path: string;
  readonly uri: string | undefined;
  /** Undefined (and no sfapi): hsi and htar run on the runner itself (a runner on a NERSC data transfer node). */
  readonly ssh: SshSettings | undefined;
  /** Set: hsi and htar run as Slurm jobs through the SFAPI instead of over ssh. */
  readonly sfapi: HpssSlurmSettings | undefined;
  readonly hsi: string;
  readonly htar: string;
}

export type TransferEndpoint = FileSystemEndpoint | GlobusEndpoint | HPSSEndpoint;
export type EndpointType = TransferEndpoint['type'];

export function describeEndpoint(e: TransferEndpoint): string {
  switch (e.type) {
    case 'filesystem':
      return `${e.name} (filesystem ${e.root_path})`;
    case 'globus':
      return `${e.name} (globus ${e.uuid}:${e.root_path})`;
    case 'hpss':
      return `${e.name} (hpss ${e.root_path})`;
  }
}
