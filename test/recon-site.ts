/**
 * A NERSC for recon tests: the SFAPI simulator (test/sim/sfapi) with a sandbox laid out like the facility's
 * folders there — the moved scans on CFS, the recon programs, pscratch with its log folder — a registered
 * Iris client, and config.yml text whose recon section points at the sandbox.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startSfapiSim, type ClientKey, type SfapiSim, type SfapiSimOptions } from './sim/sfapi/index.js';
import { tempDir, writeFileAt } from './helpers.js';

export interface NerscSite {
  readonly sim: SfapiSim;
  readonly key: ClientKey;
  readonly sandbox: string;
  /** CFS folder holding the moved scans under their relative paths (recon.nersc.data_root). */
  readonly data: string;
  readonly scratch: string;
  readonly logs: string;
  readonly scripts: string;
  readonly ptycho: string;
  /** Environment the credentials come from. */
  readonly env: Record<string, string>;
  /** config.yml sections for this site: sfapi + the 8.3.2 recon block (indented under beamlines."8.3.2"). */
  sfapiSection(extra?: string): string;
  recon832(extra?: { nersc?: string; top?: string }): string;
  writeScan(rel: string, slices?: number): Promise<string>;
}

export const FAST_SFAPI = ['  poll_first_seconds: 0.05', '  poll_max_seconds: 0.2', '  task_timeout_seconds: 20', '  not_found_grace_seconds: 5'];

export async function nerscSite(opts: Partial<SfapiSimOptions> = {}): Promise<NerscSite> {
  const sandbox = await tempDir('sfapi-site-');
  const sim = await startSfapiSim({ sandbox, ...opts, timings: { pendingMs: 30, completingMs: 20, notFoundMs: 0, taskMs: 20, ...opts.timings } });
  const key = await sim.createClient({ name: 'splash-flows recon' });
  const cfs = join(sim.sandbox, 'global/cfs/cdirs/als/data_mover/8.3.2');
  const site = {
    sim,
    key,
    sandbox: sim.sandbox,
    data: cfs,
    scratch: join(sim.sandbox, 'pscratch/sd/a/alsdev/8.3.2'),
    logs: join(sim.sandbox, 'pscratch/sd/a/alsdev/tomo_recon_logs'),
    scripts: join(cfs, 'tomography_reconstruction_scripts'),
    ptycho: join(sim.sandbox, 'global/cfs/cdirs/als/data_mover/ptycho'),
    env: { SFAPI_CLIENT_ID: key.clientId, SFAPI_PRIVATE_KEY: key.privateKeyPem },
    sfapiSection(extra = ''): string {
      return ['sfapi:', `  api_url: ${sim.url}`, `  token_url: ${sim.tokenUrl}`, '  client_id: ${SFAPI_CLIENT_ID}', '  private_key: ${SFAPI_PRIVATE_KEY}', ...FAST_SFAPI, extra].join('\n') + '\n';
    },
    recon832(extra: { nersc?: string; top?: string } = {}): string {
      return [
        '    recon:',
        '      hpc: nersc',
        '      nersc:',
        '        qos: realtime',
        '        account: als',
        '        constraint: cpu',
        '        cpus_per_task: 64',
        '        walltime: "0:15:00"',
        '        queue_allowance_minutes: 5',
        '        images: { recon_image: "ghcr.io/als-computing/microct:master", multires_image: "ghcr.io/als-computing/microct:master" }',
        `        data_root: ${cfs}`,
        `        scratch_root: ${join(sim.sandbox, 'pscratch/sd/a/alsdev/8.3.2')}`,
        `        log_root: ${join(sim.sandbox, 'pscratch/sd/a/alsdev/tomo_recon_logs')}`,
        `        scripts_root: ${join(cfs, 'tomography_reconstruction_scripts')}`,
        ...(extra.nersc ? [extra.nersc] : []),
        ...(extra.top ? [extra.top] : []),
      ].join('\n') + '\n';
    },
    async writeScan(rel: string, slices = 4): Promise<string> {
      const p = join(cfs, rel);
      await writeFileAt(p, Buffer.from(`\x89HDF\r\n\x1a\nslices=${String(slices)}\n`));
      return p;
    },
  };
  await mkdir(site.logs, { recursive: true });
  sim.installProgram('tomo-recon', join(site.scripts, 'sfapi_reconstruction.py'));
  sim.installProgram('tiff-to-zarr', join(site.scripts, 'tiff_to_zarr.py'));
  sim.installProgram('ptychocam', join(site.ptycho, 'c_ptychocam/ptychocam_reconstruction.sh'));
  sim.installProgram('cdtools', join(site.ptycho, 'c_cdtools/cdtools_reconstruction.sh'));
  return site;
}
