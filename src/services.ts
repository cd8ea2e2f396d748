import { configError } from './errors.js';
import { type GlobusSettings, resolveEnv, type SplashConfig } from './config/index.js';
import type { TransferClient } from './globus/index.js';
import type { StepContext } from './run/context.js';

/**
 * The remote services a step may need, created on first use: a step that never touches Globus never
 * resolves its credentials (so they may be unset) and never loads its client code.
 */
export interface Services {
  readonly globusSettings: GlobusSettings;
  globus(): Promise<TransferClient>;
}

export function createServices(config: SplashConfig, ctx: StepContext): Services {
  let globus: Promise<TransferClient> | undefined;
  return {
    globusSettings: config.globus,
    globus: () => (globus ??= connectGlobus(config, ctx)),
  };
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
