import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BeamlineConfig } from '../config/beamline.js';
import type { FileSystemEndpoint, GlobusEndpoint } from '../endpoints.js';
import { configError, SplashError, stepError } from '../errors.js';
import { resolveInside, type RelPath } from '../paths.js';
import type { StepContext } from '../run/context.js';
import { formatBytes } from '../run/format.js';
import { isEmail, isUrlLike } from '../scicat/documents.js';
import { genericPlan, type IngestPlan, type Ingestor, sourceFolderOf } from '../scicat/ingestors.js';
import { ingestRequests, type IngestRequests, requestIssues } from '../scicat/requests.js';
import { redactValue } from '../secrets.js';
import type { ScicatSettings, Services } from '../services.js';
import type { ChainStep } from './chain.js';

export interface IngestInput {
  readonly beamline: BeamlineConfig;
  readonly paths: readonly RelPath[];
  readonly ingestor: Ingestor;
  readonly services: Services;
}

export interface IngestedDataset {
  readonly rel: string;
  readonly pid: string;
  readonly name: string;
  readonly proposal: string;
  readonly size: number;
  /** 'created', 'existing' (a re-run found it), or 'dry-run' (documents written, nothing sent). */
  readonly outcome: 'created' | 'existing' | 'dry-run';
  readonly warnings: string[];
}

/**
 * Where ingest finds the files: a folder the runner reads them in (the beamline's ingestor reads each file),
 * or a Globus collection it cannot read, whose listing gives name, size and time (a generic entry, no checksum,
 * no metadata from inside the file).
 */
export type IngestSource =
  | { readonly kind: 'files'; readonly endpoint: FileSystemEndpoint }
  | { readonly kind: 'listing'; readonly endpoint: GlobusEndpoint };

/**
 * `ingest.read_from` when set, else the first move hop's source: where every file of a dispatch is, also
 * export-controlled data that takes no later hop. Config errors name the field and the fix, so
 * `splash config check` refuses what ingest could not run.
 */
export function ingestSource(beamline: BeamlineConfig): IngestSource {
  const { id } = beamline;
  const readFrom = beamline.settings.ingest_read_from;
  const name = readFrom ?? beamline.settings.move[0]?.from;
  if (name === undefined) {
    throw new SplashError(
      'not-configured',
      `ingest finds the files where they first land, and beamline ${id} has no move hops and no ingest.read_from`,
      `set beamlines."${id}".ingest.read_from to the endpoint that holds the files (a folder the runner mounts, or a Globus collection)`,
    );
  }
  const field = readFrom === undefined ? `beamlines.${id}.move[0].from` : `beamlines.${id}.ingest.read_from`;
  const e = beamline.endpoint(name, field);
  switch (e.type) {
    case 'filesystem':
      return { kind: 'files', endpoint: e };
    case 'globus':
      return { kind: 'listing', endpoint: e };
    case 'hpss':
      throw configError(
        `${field}: ${e.name} is an hpss endpoint; ingest catalogues files in a folder on the runner or in a Globus collection's listing`,
        `set beamlines."${id}".ingest.read_from to a filesystem endpoint the runner mounts, or to the Globus collection the files were moved from`,
      );
  }
}

/**
 * What the step resolves before it touches a file — where the files are, and the fallback contact every file
 * without a valid one gets — so `splash config check` refuses exactly what the step could not run.
 */
export function ingestPreflight(beamline: BeamlineConfig, settings: ScicatSettings): IngestSource {
  if (!isEmail(settings.fallbackEmail)) {
    throw configError(
      `scicat.fallback_email: ${JSON.stringify(settings.fallbackEmail)} is not an e-mail address SciCat accepts`,
      'set scicat.fallback_email in config.yml to a valid address: it is the contact of every file that names none',
    );
  }
  return ingestSource(beamline);
}

interface Planned {
  readonly rel: RelPath;
  readonly plan: IngestPlan;
  readonly requests: IngestRequests;
}

/**
 * The ingest step: catalogue each file where it first landed, build every request it becomes (dataset,
 * orig-datablock, attachment) and validate all of them as the backend would — for every file before anything
 * is sent — then register them, looking each dataset up first so a re-run finds it instead of creating a
 * second one. Without SciCat in config.yml it runs dry and writes the request bodies it would send.
 */
export async function ingestStep(ctx: StepContext, input: IngestInput): Promise<IngestedDataset[]> {
  const { beamline } = input;
  const source = ingestPreflight(beamline, input.services.scicatSettings);
  // The client first: a missing credential is a config error before any file is read or listed.
  const client = await input.services.scicat();
  const planned = source.kind === 'files' ? await planFromFiles(source.endpoint, input) : await planFromListing(ctx, source.endpoint, input);

  const results: IngestedDataset[] = [];
  try {
    for (const { rel, plan, requests } of planned) {
      const base = { rel, name: plan.dataset.datasetName, proposal: plan.dataset.proposalId ?? '', size: plan.datafile.size, warnings: plan.warnings };
      if (!client) {
        await writeDryRun(input.services.scicatSettings.dryRunDir, rel, requests, plan.warnings);
        results.push({ ...base, pid: `dry-run:${rel}`, outcome: 'dry-run' });
        continue;
      }
      const { dataset, created } = await client.ensureRawDataset(requests.dataset);
      // A dataset found on a re-run may lack what a failed run did not get to add: add only what is missing.
      if (created || (await client.countRelated(dataset.pid, 'origdatablocks')) === 0) {
        await client.addOrigDatablock(dataset.pid, requests.origDatablock);
      }
      if (requests.attachment && (created || (await client.countRelated(dataset.pid, 'attachments')) === 0)) {
        await client.addAttachment(dataset.pid, requests.attachment);
      }
      ctx.info(`${created ? 'registered' : 'already registered'} ${rel} as ${dataset.pid}`);
      results.push({ ...base, pid: dataset.pid, outcome: created ? 'created' : 'existing' });
    }
  } finally {
    writeSummary(ctx, beamline, source, results, client === undefined ? input.services.scicatSettings.dryRunDir : undefined);
  }
  ctx.setOutput('dataset-pids', JSON.stringify(results.map((r) => r.pid)));
  return results;
}

/** Every request of a file checked before anything of any file is sent. */
function checked(rel: RelPath, plan: IngestPlan): Planned {
  const requests = ingestRequests(plan);
  const issues = requestIssues(requests);
  if (issues.length > 0) throw stepError(`the SciCat requests for ${rel} would be rejected: ${issues.join('; ')}; nothing was sent`);
  return { rel, plan, requests };
}

/** Files the runner reads: the beamline's ingestor opens each one. */
async function planFromFiles(source: FileSystemEndpoint, input: IngestInput): Promise<Planned[]> {
  const planned: Planned[] = [];
  for (const rel of input.paths) {
    const abs = await resolveInside(source.root_path, rel, { mustExist: true, field: `${source.name}:${rel}` });
    const st = await stat(abs);
    if (!st.isFile()) throw notAFile(source.name, rel, st.isDirectory() ? 'a folder' : 'not a regular file');
    const plan = await input.ingestor({ abs, sourceFolder: sourceFolderOf(source.root_path, rel), beamline: input.beamline.id, fallbackEmail: input.services.scicatSettings.fallbackEmail });
    planned.push(checked(rel, plan));
  }
  return planned;
}

/**
 * Files on a Globus collection the runner cannot read (no `ingest.read_from` mount): one listing per folder
 * gives each file's name, size and modification time, catalogued the generic way with the collection's host.
 */
async function planFromListing(ctx: StepContext, source: GlobusEndpoint, input: IngestInput): Promise<Planned[]> {
  const { lookupByFolder } = await import('../transfer/globus.js');
  const { parseGlobusTime } = await import('../globus/index.js');
  const client = await input.services.globus();
  ctx.info(`${source.name} is a Globus collection the runner does not read: cataloguing name, size and time from its listing`);
  const found = await lookupByFolder(client, source, input.paths);
  const host = source.uri !== undefined && isUrlLike(source.uri) ? source.uri : undefined;
  return input.paths.map((rel) => {
    const d = found.get(rel);
    if (!d) throw stepError(`${source.name}:${rel} is not on the collection; nothing was sent`, 'check the path the watcher sent (ingest lists the collection the move started from)');
    if (d.link_target) throw notAFile(source.name, rel, 'a symlink (not followed)');
    if (d.type !== 'file') throw notAFile(source.name, rel, d.type === 'dir' ? 'a folder' : `not a regular file (${d.type})`);
    const plan = genericPlan({
      name: d.name, size: d.size, time: parseGlobusTime(d.last_modified).toISOString(),
      sourceFolder: sourceFolderOf(source.root_path, rel), sourceFolderHost: host,
      beamline: input.beamline.id, fallbackEmail: input.services.scicatSettings.fallbackEmail,
    });
    return checked(rel, plan);
  });
}

const notAFile = (endpoint: string, rel: string, what: string): SplashError =>
  stepError(`${endpoint}:${rel} is ${what}; ingest catalogues files, one dataset each — nothing was sent`, 'dispatch the files themselves');

/**
 * Dry run: the request bodies exactly as they would be sent, one JSON file per file at `<dir>/<rel>.json`
 * (so frame_001.edf and frame_001.tif, or a.h5 in two folders, never overwrite each other), written under a
 * temporary name and renamed.
 */
async function writeDryRun(dir: string, rel: RelPath, requests: IngestRequests, warnings: readonly string[]): Promise<void> {
  const file = join(dir, `${rel}.json`);
  await mkdir(dirname(file), { recursive: true });
  const doc = { dataset: requests.dataset, origDatablock: requests.origDatablock, attachment: requests.attachment ?? null, warnings };
  // Files are an output like any other: strings pass the secret mask (numbers and keys stay, so it is still the JSON it would send).
  await writeFile(`${file}.tmp`, `${JSON.stringify(redactValue(doc), null, 2)}\n`);
  await rename(`${file}.tmp`, file);
}

function writeSummary(ctx: StepContext, beamline: BeamlineConfig, source: IngestSource, results: readonly IngestedDataset[], dryRunDir: string | undefined): void {
  ctx.summary.heading(`Ingest · beamline ${beamline.id}`, 2);
  if (dryRunDir) ctx.summary.text(`SciCat is not configured: dry run, the request bodies are in ${dryRunDir}.`);
  if (source.kind === 'listing') ctx.summary.text(`Catalogued from the Globus listing of ${source.endpoint.name} (name, size, time): the runner does not read these files.`);
  ctx.summary.table(['file', 'pid', 'dataset', 'proposal', 'size', 'result', 'warnings'], results.map((r) => [r.rel, r.pid, r.name, r.proposal, formatBytes(r.size), r.outcome, r.warnings.join('; ')]));
}

/** The ingest step as a link of a beamline's chain. */
export function ingestLink(beamline: BeamlineConfig, ingestor: Ingestor): ChainStep {
  return {
    kind: 'step',
    name: 'ingest',
    run: async (ctx, paths, services) => {
      const r = await ingestStep(ctx, { beamline, paths, ingestor, services });
      return `${r.length} dataset(s): ${r.map((d) => `${d.pid} (${d.outcome})`).join(', ')}`;
    },
  };
}
