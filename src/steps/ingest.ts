import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BeamlineConfig } from '../config/beamline.js';
import type { FileSystemEndpoint } from '../endpoints.js';
import { configError, SplashError, stepError } from '../errors.js';
import { resolveInside, type RelPath } from '../paths.js';
import type { StepContext } from '../run/context.js';
import { formatBytes } from '../run/format.js';
import { validateRawDataset } from '../scicat/documents.js';
import type { IngestPlan, Ingestor } from '../scicat/ingestors.js';
import { sourceFolderOf } from '../scicat/ingestors.js';
import { redactValue } from '../secrets.js';
import type { Services } from '../services.js';
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
 * Where ingest reads the files: `ingest.read_from` when set (it must be a folder the runner mounts), else
 * the first move hop's source when that is one. A Globus-only beamline without read_from is not configured.
 */
export function ingestSource(beamline: BeamlineConfig): FileSystemEndpoint {
  const readFrom = beamline.settings.ingest_read_from;
  if (readFrom !== undefined) {
    const e = beamline.endpoint(readFrom, `beamlines.${beamline.id}.ingest.read_from`);
    if (e.type !== 'filesystem') {
      throw configError(
        `beamlines.${beamline.id}.ingest.read_from: ${e.name} is a ${e.type} endpoint; ingest reads files on the runner`,
        'name a filesystem endpoint: the folder where the runner sees the moved files',
      );
    }
    return e;
  }
  const hop = beamline.settings.move[0];
  const source = hop ? beamline.endpoint(hop.from, `beamlines.${beamline.id}.move[0].from`) : undefined;
  if (source?.type !== 'filesystem') {
    throw new SplashError(
      'not-configured',
      `ingest reads files from the beamline's first endpoint, and for ${beamline.id} that is ${source ? `a ${source.type} endpoint` : 'not configured'}`,
      `set beamlines."${beamline.id}".ingest.read_from to a filesystem endpoint the runner mounts (where the move put the files)`,
    );
  }
  return source;
}

/**
 * The ingest step: read each file where it first landed (the beamline's first file-system endpoint), build
 * its SciCat documents, validate them as the backend would, then register them — looking each dataset up
 * first, so a re-run finds it instead of creating a second one. Without SciCat in config.yml it runs dry
 * and writes the documents it would send to a folder. Every file is read and validated before anything is sent.
 */
export async function ingestStep(ctx: StepContext, input: IngestInput): Promise<IngestedDataset[]> {
  const { beamline } = input;
  const source = ingestSource(beamline);
  const plans: { rel: RelPath; plan: IngestPlan }[] = [];
  for (const rel of input.paths) {
    const abs = await resolveInside(source.root_path, rel, { mustExist: true, field: `${source.name}:${rel}` });
    const plan = await input.ingestor({ abs, sourceFolder: sourceFolderOf(source.root_path, rel), beamline: beamline.id, fallbackEmail: input.services.scicatSettings.fallbackEmail });
    const checked = validateRawDataset(plan.dataset);
    if (!checked.ok) throw stepError(`the SciCat dataset for ${rel} would be rejected: ${checked.issues.join('; ')}; nothing was sent`);
    for (const w of plan.warnings) ctx.warn(`${rel}: ${w}`);
    plans.push({ rel, plan });
  }

  const client = await input.services.scicat();
  const results: IngestedDataset[] = [];
  try {
    for (const { rel, plan } of plans) {
      const base = { rel, name: plan.dataset.datasetName, proposal: plan.dataset.proposalId ?? '', size: plan.dataset.size, warnings: plan.warnings };
      if (!client) {
        await writeDryRun(input.services.scicatSettings.dryRunDir, plan);
        results.push({ ...base, pid: `dry-run:${plan.dataset.datasetName}`, outcome: 'dry-run' });
        continue;
      }
      const { dataset, created } = await client.ensureRawDataset(plan.dataset);
      // A dataset found on a re-run may lack what a failed run did not get to add: add only what is missing.
      if (created || (await client.countRelated(dataset.pid, 'origdatablocks')) === 0) {
        await client.addOrigDatablock(dataset.pid, { size: plan.datafile.size, dataFileList: [plan.datafile], ...(plan.datafile.chk ? { chkAlg: 'xxh128' } : {}) });
      }
      if (plan.thumbnail && (created || (await client.countRelated(dataset.pid, 'attachments')) === 0)) {
        const { toDataUrl } = await import('../scicat/thumbnail.js');
        await client.addAttachment(dataset.pid, { thumbnail: toDataUrl(plan.thumbnail), caption: `first projection of ${plan.dataset.datasetName}` });
      }
      ctx.info(`${created ? 'registered' : 'already registered'} ${rel} as ${dataset.pid}`);
      results.push({ ...base, pid: dataset.pid, outcome: created ? 'created' : 'existing' });
    }
  } finally {
    writeSummary(ctx, beamline, results, client === undefined ? input.services.scicatSettings.dryRunDir : undefined);
  }
  ctx.setOutput('dataset-pids', JSON.stringify(results.map((r) => r.pid)));
  return results;
}

/** Dry run: the documents as they would be sent, one JSON file per dataset, written under a temporary name. */
async function writeDryRun(dir: string, plan: IngestPlan): Promise<void> {
  await mkdir(dir, { recursive: true });
  const doc = {
    dataset: plan.dataset,
    origDatablock: { size: plan.datafile.size, dataFileList: [plan.datafile] },
    attachment: plan.thumbnail ? { caption: `first projection of ${plan.dataset.datasetName}`, pngBytes: plan.thumbnail.length } : null,
    warnings: plan.warnings,
  };
  const file = join(dir, `${plan.dataset.datasetName}.json`);
  // Files are an output like any other: strings pass the secret mask (numbers and keys stay, so it is still the JSON it would send).
  await writeFile(`${file}.tmp`, `${JSON.stringify(redactValue(doc), null, 2)}\n`);
  await rename(`${file}.tmp`, file);
}

function writeSummary(ctx: StepContext, beamline: BeamlineConfig, results: readonly IngestedDataset[], dryRunDir: string | undefined): void {
  ctx.summary.heading(`Ingest · beamline ${beamline.id}`, 2);
  if (dryRunDir) ctx.summary.text(`SciCat is not configured: dry run, the documents are in ${dryRunDir}.`);
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
