/**
 * An ALCF for recon tests: the Globus simulator (Auth, and Transfer between data832 and Eagle, collections
 * that are folders here) and the Globus Compute simulator, whose workers run the registered wrapper with the
 * real python3 against the SFAPI simulator's stand-in programs (test/sim/sfapi/standins): `python` on the
 * worker's PATH is the stand-in image's, which runs the program a script's marker line names. Optionally a
 * SciCat simulator for the derived datasets. `config()` writes a config.yml whose 8.3.2 recon runs at ALCF.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startComputeSim, type ComputeSim, type ComputeSimOptions } from './sim/globus-compute/index.js';
import { startGlobusSim, type GlobusSim } from './sim/globus/index.js';
import { startScicatSim, type ScicatSim } from './sim/scicat/index.js';
import { repoRoot, tempDir, writeFileAt } from './helpers.js';

export const ENDPOINT_ID = '4953017e-6127-4587-9ee3-b71db7623122';
export const DATA832 = '75b478b2-37af-46df-bfbd-71ed692c6506';
export const EAGLE = '55c3adf6-31f1-4647-9a38-52591642f7e7';
/** The stand-in image's python: runs the stand-in program a script names (test/sim/sfapi/image/python). */
const IMAGE_BIN = join(repoRoot, 'test/sim/sfapi/image');

export interface ProgramBehaviour {
  mode?: 'fail' | 'crash' | 'short' | 'swallow';
  exitCode?: number;
  /** fail: the last line of the traceback. */
  message?: string;
  sleepMs?: number;
  writeSlices?: number;
}

export interface ConfigOptions {
  /** Service URLs as config.yml names them (default the simulators'; e.g. an echoing proxy in front). */
  globusUrl?: string;
  computeUrl?: string;
  alcf?: string;
  recon?: string;
  beamline?: string;
  top?: string;
  hpc?: string;
  walltime?: string;
  pollFirst?: number;
  pollMax?: number;
}

export interface AlcfSite {
  readonly globus: GlobusSim;
  readonly compute: ComputeSim;
  readonly scicat: ScicatSim | undefined;
  readonly sandbox: string;
  /** data832's collection root on disk; the scans are under data/raw/. */
  readonly data832: string;
  /** Eagle as the Polaris workers see it: /eagle/IRIBeta/als. */
  readonly eagle: string;
  readonly env: Record<string, string>;
  /** Steer a stand-in program (tomo-recon, scan-rows, tiff-to-zarr) as the SFAPI simulator does. */
  setProgram(name: 'tomo-recon' | 'scan-rows' | 'tiff-to-zarr', b: ProgramBehaviour | undefined): Promise<void>;
  writeScan(rel: string, slices?: number): Promise<string>;
  /** config.yml for this site; `alcf` lines go under recon.alcf, `recon` lines under recon. */
  config(o?: ConfigOptions): Promise<string>;
  /** The pieces of it, for a config that also names NERSC. */
  globusSection(o?: ConfigOptions): string;
  endpointLines(): string;
  scicatSection(): string;
  alcfBlock(o?: ConfigOptions): string;
  close(): Promise<void>;
}

/** The interpreter itself, not a shim (pyenv's would put its own python first on the worker's PATH). */
function realPython3(): string {
  const r = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  const p = r.stdout.trim();
  if (r.status !== 0 || p === '') throw new Error('python3 is needed by the Globus Compute simulator (the endpoint\'s workers)');
  return p;
}

export async function alcfSite(o: { scicat?: boolean; compute?: Partial<ComputeSimOptions>; client?: { id: string; secret: string } } = {}): Promise<AlcfSite> {
  const client = o.client ?? { id: 'sim-client', secret: 'sim-secret' };
  const sandbox = await tempDir('alcf-site-');
  const data832 = join(sandbox, 'data832');
  const eagleRoot = join(sandbox, 'eagle');
  const eagle = join(eagleRoot, 'IRIBeta/als');
  for (const d of [join(data832, 'data/raw'), join(data832, 'data/scratch/globus_share'), join(eagle, 'data/raw'), join(eagle, 'data/scratch'), join(eagle, 'logs'), join(eagle, 'scripts'), join(sandbox, 'worker')]) {
    await mkdir(d, { recursive: true });
  }
  // The stand-in programs at ALCF, as sim.installProgram writes them for NERSC.
  await writeFile(join(eagle, 'scripts/globus_reconstruction.py'), '# sfapi-sim stand-in: tomo-recon\n');
  await writeFile(join(eagle, 'scripts/tiff_to_zarr.py'), '# sfapi-sim stand-in: tiff-to-zarr\n');
  const control = join(sandbox, 'programs.json');
  await writeFile(control, JSON.stringify({ programs: {} }));
  const programs: Record<string, ProgramBehaviour> = {};

  const globus = await startGlobusSim({ collections: { [DATA832]: data832, [EAGLE]: eagle }, minTaskMs: 10, clients: { [client.id]: client.secret } });
  const compute = await startComputeSim({
    introspect: (t) => globus.introspect(t),
    endpoints: { [ENDPOINT_ID]: 'online' },
    python: realPython3(),
    workerDir: join(sandbox, 'worker'),
    workerEnv: { PATH: `${IMAGE_BIN}:/usr/local/bin:/usr/bin:/bin`, SFAPI_SIM_NODE: process.execPath, SFAPI_SIM_CONTROL: control },
    ...o.compute,
  });
  const scicat = o.scicat ? await startScicatSim() : undefined;
  const env = { GLOBUS_CLIENT_ID: client.id, GLOBUS_CLIENT_SECRET: client.secret, ...(scicat ? { SCICAT_PASSWORD: 'ingestor-secret' } : {}) };
  const site: AlcfSite = {
    globus,
    compute,
    scicat,
    sandbox,
    data832,
    eagle,
    env,
    async setProgram(name, b) {
      if (b === undefined) Reflect.deleteProperty(programs, name);
      else programs[name] = b;
      await writeFile(control, JSON.stringify({ programs }));
    },
    async writeScan(rel, slices = 4) {
      const p = join(data832, 'data', rel);
      await writeFileAt(p, Buffer.from(`\x89HDF\r\n\x1a\nslices=${String(slices)}\n`));
      return p;
    },
    globusSection(c = {}) {
      return `globus:
  auth_url: ${c.globusUrl ?? globus.url}
  transfer_url: ${c.globusUrl ?? globus.url}
  compute_url: ${c.computeUrl ?? compute.url}
  poll_first_seconds: 0.02
  poll_max_seconds: 0.1
  globus_apps:
    als: { client_id: "\${GLOBUS_CLIENT_ID}", client_secret: "\${GLOBUS_CLIENT_SECRET}" }
  globus_endpoints:
    data832: { root_path: /data, uuid: ${DATA832}, uri: data832.lbl.gov }
    data832_scratch: { root_path: /data/scratch/globus_share, uuid: ${DATA832}, uri: data832.lbl.gov }
    alcf832: { root_path: /data, uuid: ${EAGLE}, uri: alcf.anl.gov }
    alcf832_scratch: { root_path: /data/scratch, uuid: ${EAGLE}, uri: alcf.anl.gov }
`;
    },
    endpointLines() {
      return `  data832-mount: { type: filesystem, root_path: ${join(data832, 'data')} }
  data832-scratch-mount: { type: filesystem, root_path: ${join(data832, 'data/scratch/globus_share')} }
`;
    },
    scicatSection() {
      return scicat ? `scicat:\n  url: ${scicat.url}\n  username: ingestor\n  password: \${SCICAT_PASSWORD}\n` : '';
    },
    alcfBlock(c = {}) {
      return `      alcf:
        endpoint_id: ${ENDPOINT_ID}
        walltime: ${c.walltime ?? '"0:05:00"'}
        queue_allowance_minutes: 1
        data_root: ${join(eagle, 'data')}
        scratch_root: ${join(eagle, 'data')}
        log_root: ${join(eagle, 'logs')}
        scripts_root: ${join(eagle, 'scripts')}
        stage: { from: data832, to: alcf832 }
        results:
          - { from: alcf832_scratch, to: data832_scratch }
        read_from: data832-scratch-mount
        poll_first_seconds: ${String(c.pollFirst ?? 0.05)}
        poll_max_seconds: ${String(c.pollMax ?? 0.25)}
${c.alcf ?? ''}`;
    },
    async config(c = {}) {
      const file = join(sandbox, 'config.yml');
      const text = `${site.globusSection(c)}endpoints:
${site.endpointLines()}${site.scicatSection()}${c.top ?? ''}beamlines:
  "8.3.2":
    path_prefix: /
    ingest: { format: generic, read_from: data832-mount }
${c.beamline ?? ''}    recon:
      hpc: ${c.hpc ?? 'alcf'}
${site.alcfBlock(c)}${c.recon ?? ''}`;
      await writeFile(file, text);
      return file;
    },
    async close() {
      await Promise.all([compute.close(), globus.close(), scicat?.close()]);
    },
  };
  return site;
}
