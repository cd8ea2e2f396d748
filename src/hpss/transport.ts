/**
 * The transport an hpss endpoint names: `sfapi:` (Slurm jobs in the transfer QOS through the Superfacility
 * API), `ssh:` (a NERSC host over OpenSSH), or neither (this runner). All run the same scripts.
 */
import type { SplashConfig } from '../config/index.js';
import type { HPSSEndpoint } from '../endpoints.js';
import { configError } from '../errors.js';
import type { StepContext } from '../run/context.js';
import type { Services } from '../services.js';
import { sshHost, type TapeHost } from './host.js';

export async function tapeHostFor(e: HPSSEndpoint, config: SplashConfig, services: Services, ctx: StepContext, signal?: AbortSignal): Promise<TapeHost> {
  if (!e.sfapi) return sshHost(e);
  const sfapi = config.sfapi;
  if (!sfapi) {
    throw configError(
      `${e.name}.sfapi: hsi and htar as Slurm jobs need the Superfacility API, but ${config.source} has no sfapi: section`,
      'add sfapi: { client_id: ${SFAPI_CLIENT_ID}, private_key: ${SFAPI_PRIVATE_KEY} } (docs/recon.md), or reach HPSS with ssh: instead',
    );
  }
  const { slurmHost } = await import('./slurm-host.js');
  return slurmHost({
    settings: e.sfapi,
    client: () => services.sfapi(),
    ctx,
    pollFirstMs: sfapi.pollFirstSeconds * 1000,
    pollMaxMs: sfapi.pollMaxSeconds * 1000,
    notFoundGraceMs: sfapi.notFoundGraceSeconds * 1000,
    signal,
  });
}
