/**
 * After a reconstruction succeeded and its results came back: register it in SciCat as a derived dataset of
 * the raw scan — found by the same lookup ingest uses (where ingest reads the scan, and its file name) — with
 * the result files and a thumbnail of the middle slice. Idempotent like ingest: the derived dataset is looked
 * up by sourceFolder + datasetName first, and a re-run adds only the datablocks and the attachment a failed
 * run did not get to. Without `scicat.url` it runs dry, linking to ingest's dry-run body of the scan, and writes
 * every request body it would send to `<dry_run_dir>/derived/<hpc>/<scan>.json`.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import type { BeamlineConfig } from '../config/beamline.js';
import type { HpcName } from '../config/index.js';
import type { FileSystemEndpoint, TransferEndpoint } from '../endpoints.js';
import { SplashError, stepError } from '../errors.js';
import type { JobOutcome, Scan } from '../hpc/job.js';
import type { RelPath } from '../paths.js';
import type { StepContext } from '../run/context.js';
import { commonParent, derivedRequestIssues, derivedRequests, middleSliceThumbnail, rawFactsOf, type RawFacts, resultFiles, type Thumbnail } from '../scicat/derived.js';
import { type DataFile, isUrlLike } from '../scicat/documents.js';
import type { ScicatClient } from '../scicat/index.js';
import { sourceFolderOf } from '../scicat/ingestors.js';
import { redactValue } from '../secrets.js';
import type { Services } from '../services.js';
import { ingestSource } from './ingest.js';

export type Catalogued =
  | { readonly kind: 'created' | 'existing'; readonly pid: string; readonly warnings: readonly string[] }
  | { readonly kind: 'dry-run'; readonly file: string; readonly warnings: readonly string[] }
  | { readonly kind: 'not catalogued'; readonly why: string };

export interface CatalogueInput {
  readonly ctx: StepContext;
  readonly beamline: BeamlineConfig;
  readonly technique: string;
  readonly hpc: HpcName;
  readonly scan: Scan;
  readonly jobs: readonly JobOutcome[];
  /** The options the jobs ran with. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Where the results landed: the last hop's destination, or none (they stayed at the HPC centre). */
  readonly landed: TransferEndpoint | undefined;
  /** A folder endpoint the runner reads them in (recon.read_from), when `landed` is not one. */
  readonly readFrom: FileSystemEndpoint | undefined;
  readonly services: Services;
  readonly scicat: ScicatClient | undefined;
}

const HOSTS: Record<HpcName, string> = { nersc: 'nersc.gov', alcf: 'alcf.anl.gov' };

/** The raw scan's dataset: looked up in SciCat, or (dry run) ingest's dry-run body for it. */
async function rawFacts(i: CatalogueInput): Promise<RawFacts | string> {
  let source;
  try {
    source = ingestSource(i.beamline);
  } catch (err) {
    if (err instanceof SplashError && (err.kind === 'not-configured' || err.kind === 'config')) return `ingest has no source for beamline ${i.beamline.id} (${err.message}), so the raw dataset cannot be found`;
    throw err;
  }
  const rel = i.scan.rel;
  if (i.scicat) {
    const q = { sourceFolder: sourceFolderOf(source.endpoint.root_path, rel), datasetName: basename(rel) };
    const found = await i.scicat.findDataset(q);
    if (!found) {
      throw stepError(
        `${rel}: reconstructed at ${i.hpc.toUpperCase()}, but its raw dataset is not in SciCat (sourceFolder ${q.sourceFolder}, datasetName ${q.datasetName}); the reconstruction was not catalogued`,
        `ingest the scan (splash ingest --beamline ${i.beamline.id} ${rel}), then run recon again: it finds the finished jobs and only catalogues`,
      );
    }
    const facts = rawFactsOf(found, found.pid);
    if ('missing' in facts) throw stepError(`${rel}: the raw dataset ${found.pid} has no ${facts.missing.join(', ')}; the reconstruction was not catalogued`);
    return facts;
  }
  const file = join(i.services.scicatSettings.dryRunDir, `${rel}.json`);
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return `SciCat is not configured and ingest's dry run wrote no ${file} for the raw scan to link to`;
  }
  const dataset = doc !== null && typeof doc === 'object' ? (doc as { dataset?: unknown }).dataset : undefined;
  if (dataset === null || typeof dataset !== 'object') return `${file} holds no dataset`;
  const facts = rawFactsOf(dataset as Record<string, unknown>, `dry-run:${rel}`);
  return 'missing' in facts ? `${file}: the raw dataset has no ${facts.missing.join(', ')}` : facts;
}

/** Where the results are listed from and what their dataset is called. */
async function location(i: CatalogueInput, rels: readonly RelPath[]): Promise<{ sourceFolder: string; host: string | undefined; files: DataFile[]; thumbnail: Thumbnail | undefined; notes: string[] }> {
  const notes: string[] = [];
  const base = commonParent(rels);
  const to = i.landed;
  if (to === undefined) {
    // The results stayed at the HPC centre: catalogued where the jobs wrote them.
    const outputs = i.jobs.flatMap((j) => j.outputs);
    const parent = outputs.length > 0 ? posix.dirname(outputs[0] ?? '/') : '/';
    notes.push('the results stayed at the HPC centre: no file list or thumbnail');
    return { sourceFolder: parent, host: HOSTS[i.hpc], files: [], thumbnail: undefined, notes };
  }
  const sourceFolder = base === '' ? to.root_path : `${to.root_path === '/' ? '' : to.root_path}/${base}`;
  const host = to.type === 'globus' && to.uri !== undefined && isUrlLike(to.uri) ? to.uri : undefined;
  const readRoot = i.readFrom?.root_path ?? (to.type === 'filesystem' ? to.root_path : undefined);
  if (readRoot !== undefined) {
    const { files, skipped } = resultFiles(readRoot, rels, base);
    for (const s of skipped) notes.push(`not listed: ${s}`);
    const t = await middleSliceThumbnail(readRoot, rels);
    if (t.note) notes.push(t.note);
    return { sourceFolder, host, files, thumbnail: t.thumbnail, notes };
  }
  if (to.type === 'globus') {
    const { walkCollection } = await import('../transfer/globus.js');
    const client = await i.services.globus();
    const files: DataFile[] = [];
    const strip = base === '' ? 0 : base.length + 1;
    for (const rel of rels) {
      for await (const e of walkCollection(client, to, rel)) {
        if (e.kind === 'file') files.push({ path: e.rel.slice(strip), size: e.size, time: new Date(e.mtimeMs).toISOString() });
        else notes.push(`not listed: ${e.rel}: ${e.reason}`);
      }
    }
    notes.push(`no thumbnail: the runner does not read ${to.name} (set recon.read_from to a folder endpoint that shows it)`);
    return { sourceFolder, host, files, thumbnail: undefined, notes };
  }
  notes.push(`the results are on ${to.name} (${to.type}), which the runner cannot list`);
  return { sourceFolder, host, files: [], thumbnail: undefined, notes };
}

export async function catalogueRecon(i: CatalogueInput): Promise<Catalogued> {
  const raw = await rawFacts(i);
  if (typeof raw === 'string') return { kind: 'not catalogued', why: raw };
  const rels = [...new Set(i.jobs.flatMap((j) => j.results))];
  if (rels.length === 0) return { kind: 'not catalogued', why: 'the jobs name no results' };
  const where = await location(i, rels);
  const ends = i.jobs.map((j) => j.status?.end).filter((e): e is number => typeof e === 'number');
  const requests = derivedRequests({
    raw,
    technique: i.technique,
    hpc: i.hpc,
    jobs: i.jobs,
    options: i.options,
    sourceFolder: where.sourceFolder,
    sourceFolderHost: where.host,
    datasetName: basename(rels[0] ?? 'reconstruction'),
    files: where.files,
    thumbnail: where.thumbnail,
    creationTime: new Date(ends.length > 0 ? Math.max(...ends) * 1000 : Date.now()).toISOString(),
    software: [...new Set(i.jobs.flatMap((j) => j.software))],
  });
  const issues = derivedRequestIssues(requests);
  if (issues.length > 0) throw stepError(`the SciCat requests for the reconstruction of ${i.scan.rel} would be rejected: ${issues.join('; ')}; nothing was sent`);

  if (!i.scicat) {
    const file = join(i.services.scicatSettings.dryRunDir, 'derived', i.hpc, `${i.scan.rel}.json`);
    await mkdir(dirname(file), { recursive: true });
    const doc = { dataset: requests.dataset, origDatablocks: requests.origDatablocks, attachment: requests.attachment ?? null, warnings: where.notes };
    await writeFile(`${file}.tmp`, `${JSON.stringify(redactValue(doc), null, 2)}\n`);
    await rename(`${file}.tmp`, file);
    return { kind: 'dry-run', file, warnings: where.notes };
  }
  const { dataset, created } = await i.scicat.ensureDerivedDataset(requests.dataset);
  // A re-run adds only what a failed run did not get to: the blocks past those there, the thumbnail if none.
  const have = created ? 0 : await i.scicat.countRelated(dataset.pid, 'origdatablocks');
  for (const block of requests.origDatablocks.slice(have)) await i.scicat.addOrigDatablock(dataset.pid, block);
  if (requests.attachment && (created || (await i.scicat.countRelated(dataset.pid, 'attachments')) === 0)) {
    await i.scicat.addAttachment(dataset.pid, requests.attachment);
  }
  i.ctx.info(`${created ? 'catalogued' : 'already catalogued'} the reconstruction of ${i.scan.rel} as ${dataset.pid} (derived from ${raw.pid})`);
  return { kind: created ? 'created' : 'existing', pid: dataset.pid, warnings: where.notes };
}
