/**
 * The NERSC side of recon: the SFAPI client made from config.yml's `sfapi:` section (credentials resolved
 * only now, from the environment or a key file), the checks before anything is submitted (Perlmutter up,
 * the Iris client not about to expire), and the JobController that runs a beamline's Slurm jobs.
 */
import { readFileSync } from 'node:fs';
import type { SfapiSettings, SplashConfig } from '../config/index.js';
import { resolveEnv } from '../config/index.js';
import { configError, stepError } from '../errors.js';
import type { StepContext } from '../run/context.js';
import { readCredentials, SfapiClient } from '../sfapi/index.js';
import { type JobSpecs, SpecController } from './controller.js';
import { runSlurmJob, type SlurmJobSpec } from './slurm.js';

export function sfapiSettingsOf(config: SplashConfig): SfapiSettings {
  if (!config.sfapi) {
    throw configError(
      `recon at NERSC needs the Superfacility API, but ${config.source} has no sfapi: section`,
      'add sfapi: { client_id: ${SFAPI_CLIENT_ID}, private_key: ${SFAPI_PRIVATE_KEY} } (docs/recon.md)',
    );
  }
  return config.sfapi;
}

const SETTINGS_HINT = 'check sfapi.client_id and the private key (sfapi.private_key or sfapi.private_key_path) in config.yml and the secrets they name';

/** The client, with credentials read now: a missing or unusable key is a config error naming the setting. */
export function connectSfapi(config: SplashConfig, mask: (s: string) => void): SfapiClient {
  const s = sfapiSettingsOf(config);
  if ((s.privateKey === undefined) === (s.privateKeyPath === undefined)) {
    throw configError(`${config.source}: sfapi needs exactly one of private_key or private_key_path, got ${s.privateKey === undefined ? 'neither' : 'both'}`, 'private_key: ${SFAPI_PRIVATE_KEY} (the PEM or JWK text), or private_key_path: a file the runner reads (docs/recon.md)');
  }
  let text: string;
  let where: string;
  if (s.privateKey !== undefined) {
    text = resolveEnv(s.privateKey, { secret: true, mask });
    where = `sfapi.private_key${typeof s.privateKey === 'string' ? '' : ` (${s.privateKey.raw})`}`;
  } else {
    const path = resolveEnv(s.privateKeyPath ?? '', { secret: false, mask });
    where = `sfapi.private_key_path (${path})`;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw configError(`${where}: cannot read the key file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'put the SFAPI private key there, readable by the runner user only (chmod 600)');
    }
  }
  mask(text);
  const clientId = s.clientId === undefined ? undefined : resolveEnv(s.clientId, { secret: false, mask });
  const credentials = readCredentials({ text, where, clientId, clientIdWhere: 'sfapi.client_id' });
  return new SfapiClient({
    apiUrl: s.apiUrl,
    tokenUrl: s.tokenUrl,
    credentials,
    settingsHint: SETTINGS_HINT,
    machine: s.machine,
    timeoutMs: s.timeoutSeconds * 1000,
    taskTimeoutMs: s.taskTimeoutSeconds * 1000,
  });
}

/**
 * Before the first submission: the machine must be up (a machine that is down fails the step at once with
 * NERSC's notes), and the Iris client should not expire within the warning window (red clients live 48 h).
 */
export async function nerscPreflight(client: SfapiClient, s: SfapiSettings, ctx: StepContext): Promise<{ clientExpires: Date | undefined; warnings: string[] }> {
  const st = await client.status();
  if (st.status === 'unavailable') {
    throw stepError(`${client.machine} is unavailable at NERSC${st.notes.length > 0 ? `: ${st.notes.join('; ')}` : ''}; nothing was submitted`, 'see https://www.nersc.gov/live-status/ and dispatch the scan again when it is back');
  }
  const warnings: string[] = [];
  if (st.status === 'degraded') warnings.push(`${client.machine} is degraded${st.notes.length > 0 ? `: ${st.notes.join('; ')}` : ''}`);
  const clientId = client.auth.clientId;
  const mine = (await client.clients()).find((c) => c.clientId === clientId);
  const expires = mine?.expiresAt;
  if (expires !== undefined && expires.getTime() - Date.now() < s.expiryWarningHours * 3600_000) {
    const hours = Math.max(0, (expires.getTime() - Date.now()) / 3600_000);
    warnings.push(`the SFAPI client ${mine?.name ?? clientId} expires ${expires.toISOString()} (in ${hours.toFixed(1)} h): create a new one in Iris and update the secrets before then (docs/recon.md)`);
  }
  for (const w of warnings) ctx.warn(w);
  return { clientExpires: expires, warnings };
}

/** What a beamline says its NERSC jobs are (beamlines/blXXX/nersc.ts). */
export type NerscJobs<O> = JobSpecs<O, SlurmJobSpec>;

export interface NerscRun {
  readonly client: SfapiClient;
  readonly settings: SfapiSettings;
  readonly ctx: StepContext;
  readonly signal: AbortSignal;
}

/** The NERSC JobController: a beamline's Slurm jobs, run and judged by src/hpc/slurm.ts. */
export class NerscController<O> extends SpecController<O, SlurmJobSpec> {
  constructor(jobs: NerscJobs<O>, run: NerscRun | undefined) {
    super(
      'nersc',
      jobs,
      run
        ? (spec) =>
            runSlurmJob(spec, {
              client: run.client, ctx: run.ctx, signal: run.signal,
              pollFirstMs: run.settings.pollFirstSeconds * 1000,
              pollMaxMs: run.settings.pollMaxSeconds * 1000,
              notFoundGraceMs: run.settings.notFoundGraceSeconds * 1000,
            })
        : undefined,
      (s) => ({ kind: s.kind, name: s.name, text: s.script }),
    );
  }
}
