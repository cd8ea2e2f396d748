import { configError } from './errors.js';
import { dirname, resolve } from 'node:path';
import { type EnvString, type GlobusSettings, MissingEnv, resolveEnv, type SplashConfig } from './config/index.js';
import type { ComputeClient } from './compute/index.js';
import type { TransferClient } from './globus/index.js';
import type { ScicatClient } from './scicat/index.js';
import type { SfapiClient } from './sfapi/index.js';
import type { StepContext } from './run/context.js';

/**
 * The remote services a step may need, created on first use: a step that never touches Globus never
 * resolves its credentials (so they may be unset) and never loads its client code.
 */
export interface Services {
  readonly globusSettings: GlobusSettings;
  globus(): Promise<TransferClient>;
  readonly scicatSettings: ScicatSettings;
  /** The SciCat client, or undefined when config.yml names no SciCat (ingest then runs dry). */
  scicat(): Promise<ScicatClient | undefined>;
  /** The NERSC Superfacility API client (recon at NERSC); credentials are read on first use. */
  sfapi(): Promise<SfapiClient>;
  /** Globus Compute (recon at ALCF) with the credentials of a globus app (default: the one the Globus steps use). */
  compute(app?: string): Promise<ComputeClient>;
}

export interface ScicatSettings {
  /** Where a dry-run ingest writes the documents it would send. */
  readonly dryRunDir: string;
  /** Contact address when a file has none or a broken one (the backend rejects invalid e-mails). */
  readonly fallbackEmail: string;
}

export function createServices(config: SplashConfig, ctx: StepContext): Services {
  let globus: Promise<TransferClient> | undefined;
  let scicat: Promise<ScicatClient | undefined> | undefined;
  let sfapi: Promise<SfapiClient> | undefined;
  const compute = new Map<string, Promise<ComputeClient>>();
  return {
    globusSettings: config.globus,
    globus: () => (globus ??= connectGlobus(config, ctx)),
    scicatSettings: scicatSettingsOf(config),
    scicat: () => (scicat ??= connectScicat(config, ctx)),
    sfapi: () =>
      (sfapi ??= import('./hpc/nersc.js').then(({ connectSfapi }) =>
        connectSfapi(config, (s) => {
          ctx.mask(s);
        }),
      )),
    compute: (app) => {
      const key = app ?? '';
      let c = compute.get(key);
      if (!c) {
        c = Promise.all([import('./hpc/alcf.js'), import('./compute/index.js')]).then(([{ computeClientOf }, { ComputeClient }]) =>
          computeClientOf(config, app, (s) => { ctx.mask(s); }, (o) => new ComputeClient(o)),
        );
        compute.set(key, c);
      }
      return c;
    },
  };
}

export function scicatSettingsOf(config: SplashConfig): ScicatSettings {
  const sc = config.scicat ?? {};
  const text = (key: string): string | undefined => (typeof sc[key] === 'string' ? sc[key] : undefined);
  return {
    dryRunDir: resolve(dirname(config.source), text('dry_run_dir') ?? 'scicat-dry-run'),
    fallbackEmail: text('fallback_email') ?? 'scicat-ingest@als.lbl.gov',
  };
}

/** What `scicat:` says about the connection: undefined without `url` (ingest runs dry). Config errors name the key. */
export function scicatConnection(config: SplashConfig): { url: string; username: EnvString; password: EnvString; maxRetries: number | undefined } | undefined {
  const sc = config.scicat ?? {};
  const url = sc.url;
  if (url === undefined) return undefined;
  const field = (key: string): EnvString => {
    const v = sc[key];
    if (typeof v === 'string' || v instanceof MissingEnv) return v;
    throw configError(`${config.source}: scicat.${key} is required when scicat.url is set`, 'add it as an ${ENV} reference (see docs/config.md)');
  };
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw configError(`${config.source}: scicat.url must be an http(s) URL`);
  return { url: url.replace(/\/+$/, ''), username: field('username'), password: field('password'), maxRetries: typeof sc.max_retries === 'number' ? sc.max_retries : undefined };
}

/** SciCat from the `scicat:` section (url, username, password as ${ENV}); none configured → undefined. */
async function connectScicat(config: SplashConfig, ctx: StepContext): Promise<ScicatClient | undefined> {
  const conn = scicatConnection(config);
  if (conn === undefined) return undefined;
  const mask = (s: string): void => { ctx.mask(s); };
  const username = resolveEnv(conn.username, { secret: false, mask });
  const password = resolveEnv(conn.password, { secret: true, mask });
  const { ScicatClient } = await import('./scicat/index.js');
  return new ScicatClient({ baseUrl: conn.url, username, password, mask, ...(conn.maxRetries === undefined ? {} : { retry: { maxRetries: conn.maxRetries } }) });
}

async function connectGlobus(config: SplashConfig, ctx: StepContext): Promise<TransferClient> {
  const names = [...config.globusApps.keys()];
  const name = config.globus.app ?? names[0];
  const app = name === undefined ? undefined : config.globusApps.get(name);
  if (!app || name === undefined) {
    throw configError(
      `a Globus transfer needs credentials, but ${config.source} has no globus.globus_apps`,
      'add globus: { globus_apps: { <name>: { client_id: ${GLOBUS_CLIENT_ID}, client_secret: ${GLOBUS_CLIENT_SECRET} } } } (see docs/config.md)',
    );
  }
  const mask = (s: string): void => { ctx.mask(s); };
  const clientId = resolveEnv(app.client_id, { secret: true, mask });
  const clientSecret = resolveEnv(app.client_secret, { secret: true, mask });
  const { TransferClient } = await import('./globus/index.js');
  return new TransferClient({ authUrl: config.globus.authUrl, transferUrl: config.globus.transferUrl, clientId, clientSecret, mask });
}
