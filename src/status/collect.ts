/**
 * Read the pipeline's recent runs and their step reports from GitHub, within a request budget.
 *
 * Requests (GitHub REST, the project's client): the repository's workflow runs, newest first, paged by the
 * Link header until a run is older than the window (or a whole page holds nothing new); the `splash-report-*`
 * artifacts, the same way; and one request per artifact not read before (its zip comes from a signed URL on
 * GitHub's storage, which is not an API request). Reports never change once uploaded, so they are kept in a
 * cache folder between builds (the site workflow restores it): a build reads only what is new.
 *
 * Bounded: at most `maxRequests` API requests per build, and none once GitHub says fewer than `reserve` are
 * left this hour (other workflows share the token's limit). A build that stops early renders what it has and
 * says how many reports wait for the next build. A rate-limit answer is waited out when GitHub names a wait
 * of at most `maxWaitMs`; otherwise the build stops there.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { unzipSync } from 'fflate';
import { type GitHubClient, GitHubError } from '../github/index.js';
import { isRecord } from '../is-record.js';
import { REPORT_SCHEMA, type StepReportDoc } from '../run/report.js';

export const REPORT_ARTIFACT_PREFIX = 'splash-report-';

export interface RunInfo {
  readonly id: number;
  /** The workflow's name (dispatch, prune, archive, …). */
  readonly workflow: string;
  readonly path: string;
  /** The run name: for dispatch runs, the event type (run-name: github.event.action). */
  readonly title: string;
  readonly event: string;
  readonly status: string;
  readonly conclusion: string | null;
  readonly created: string;
  readonly updated: string;
  readonly url: string;
}

export interface CollectedReport {
  readonly artifact: number;
  readonly run: number;
  readonly doc: StepReportDoc;
}

export interface CollectOptions {
  readonly client: GitHubClient;
  /** Runs and reports older than this are not read. */
  readonly since: Date;
  readonly maxRequests: number;
  /** Stop when GitHub says fewer requests than this are left in the hour. */
  readonly reserve: number;
  readonly cacheDir?: string | undefined;
  /** The longest rate-limit wait sat out (default 60 s). */
  readonly maxWaitMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Fetch a signed download URL (default: fetch, without credentials, 60 s, 20 MiB at most). */
  readonly download?: (url: string) => Promise<Uint8Array>;
  readonly log?: (line: string) => void;
}

export interface Collected {
  readonly runs: RunInfo[];
  readonly reports: CollectedReport[];
  /** API requests this build made. */
  readonly requests: number;
  /** Report artifacts seen but not read (budget or rate limit): read by a later build. */
  readonly unread: number;
  /** The runs those unread reports belong to. */
  readonly unreadRuns: ReadonlySet<number>;
  /** Why the build stopped reading early; undefined when it read everything. */
  readonly stopped: string | undefined;
  /** What GitHub said about the hour's limit at the last answer. */
  readonly rateRemaining: number | undefined;
}

interface Pending {
  id: number;
  run: number;
  created: string;
}

interface Cache {
  version: 1;
  runs: Record<string, RunInfo>;
  artifacts: Record<string, { run: number; created: string; docs: StepReportDoc[] }>;
  /** Report artifacts listed but not read yet: the next build reads them first. */
  pending: Pending[];
  /**
   * Whether the last listing went all the way (to the window's end, or to a page with nothing new after a
   * complete listing). Only then may the next build stop at the first page with nothing new.
   */
  runsComplete: boolean;
  artifactsComplete: boolean;
}

const CACHE_FILE = 'status-cache.json';
const MAX_ZIP_BYTES = 20 * 1024 * 1024;

class Stop extends Error {}

async function loadCache(dir: string | undefined): Promise<Cache> {
  const empty: Cache = { version: 1, runs: {}, artifacts: {}, pending: [], runsComplete: false, artifactsComplete: false };
  if (dir === undefined) return empty;
  try {
    const parsed = JSON.parse(await readFile(path.join(dir, CACHE_FILE), 'utf8')) as Partial<Cache>;
    if (parsed.version !== 1 || typeof parsed.runs !== 'object' || typeof parsed.artifacts !== 'object' || !Array.isArray(parsed.pending)) return empty;
    return { version: 1, runs: parsed.runs, artifacts: parsed.artifacts, pending: parsed.pending, runsComplete: parsed.runsComplete === true, artifactsComplete: parsed.artifactsComplete === true };
  } catch {
    return empty; // first build, or a cache from another version: read everything again
  }
}

async function saveCache(dir: string | undefined, cache: Cache): Promise<void> {
  if (dir === undefined) return;
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, CACHE_FILE);
  await writeFile(`${file}.partial`, JSON.stringify(cache));
  await rename(`${file}.partial`, file);
}

async function plainDownload(url: string): Promise<Uint8Array> {
  // No Authorization header: the URL is signed, and the storage refuses a request carrying both.
  const res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(60_000) });
  if (!res.ok) throw new Error(`download answered ${res.status}`);
  const length = Number(res.headers.get('content-length') ?? '0');
  if (length > MAX_ZIP_BYTES) throw new Error(`artifact of ${length} bytes is larger than a report can be`);
  const body = new Uint8Array(await res.arrayBuffer());
  if (body.length > MAX_ZIP_BYTES) throw new Error(`artifact of ${body.length} bytes is larger than a report can be`);
  return body;
}

/** A report file is a few KiB; an artifact holds the reports of one job. */
const MAX_REPORT_BYTES = 4 * 1024 * 1024;
const MAX_ARTIFACT_REPORT_BYTES = 16 * 1024 * 1024;

/**
 * Whether a parsed document is a step report with every field of the kind the pages read: anything else
 * (another schema, a hand-made or damaged file) is skipped, never half-rendered.
 */
export function isStepReport(doc: unknown): doc is StepReportDoc {
  if (!isRecord(doc)) return false;
  const d = doc;
  const isString = (v: unknown): v is string => typeof v === 'string';
  const orNull = (v: unknown): boolean => v === null || isString(v);
  return (
    d.schema === REPORT_SCHEMA &&
    isString(d.step) &&
    isString(d.title) &&
    orNull(d.beamline) &&
    (d.status === 'ok' || d.status === 'failed') &&
    orNull(d.error) &&
    isString(d.started) &&
    !Number.isNaN(Date.parse(d.started)) &&
    isString(d.finished) &&
    typeof d.seconds === 'number' &&
    Number.isFinite(d.seconds) &&
    d.seconds >= 0 &&
    d.facts !== null &&
    typeof d.facts === 'object' &&
    !Array.isArray(d.facts)
  );
}

/**
 * The step reports in an artifact's zip; other documents are skipped. What is unpacked is bounded by the
 * sizes the zip declares (fflate inflates an entry into a buffer of its declared size, and a stored entry is
 * its compressed size), per file and in total: many files just under the limit, or entries sharing one
 * region of the zip, would otherwise unpack to gigabytes from a small download.
 */
export function reportsInZip(zip: Uint8Array): StepReportDoc[] {
  let total = 0;
  const files = unzipSync(zip, {
    filter: (f) => {
      if (!f.name.endsWith('.json')) return false;
      const size = Math.max(f.size, f.originalSize);
      if (size >= MAX_REPORT_BYTES) return false;
      total += size;
      if (total > MAX_ARTIFACT_REPORT_BYTES) throw new Error(`its report files unpack to more than ${MAX_ARTIFACT_REPORT_BYTES} bytes, larger than a report can be`);
      return true;
    },
  });
  const docs: StepReportDoc[] = [];
  for (const [, bytes] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    try {
      const doc: unknown = JSON.parse(new TextDecoder().decode(bytes));
      if (isStepReport(doc)) docs.push(doc);
    } catch {
      // not a report: ignored
    }
  }
  return docs;
}

/**
 * The events of the runs whose reports the pages show: the pipeline's own workflows (dispatch, the scheduled
 * prune, archive and reconcile, and their manual runs). A pull request's run — from a fork, with its own
 * version of the workflows — can upload a `splash-report-*` artifact too: it must not put scans, failures or
 * a "safe to prune" preview on a beamline's page.
 */
export const PIPELINE_EVENTS: ReadonlySet<string> = new Set(['repository_dispatch', 'schedule', 'workflow_dispatch']);

function runInfo(raw: Record<string, unknown>): RunInfo {
  const s = (k: string): string => (typeof raw[k] === 'string' ? (raw[k]) : '');
  return {
    id: Number(raw.id),
    workflow: s('name'),
    path: s('path'),
    title: s('display_title'),
    event: s('event'),
    status: s('status'),
    conclusion: typeof raw.conclusion === 'string' ? raw.conclusion : null,
    created: s('created_at'),
    updated: s('updated_at'),
    url: s('html_url'),
  };
}

export async function collect(opts: CollectOptions): Promise<Collected> {
  const { client } = opts;
  const sleep = opts.sleep ?? ((ms: number) => delay(ms));
  const download = opts.download ?? plainDownload;
  const maxWaitMs = opts.maxWaitMs ?? 60_000;
  const log = opts.log ?? (() => undefined);
  const since = opts.since.getTime();
  const start = client.requestsSent;
  const cache = await loadCache(opts.cacheDir);
  // Forget what left the window.
  cache.runs = Object.fromEntries(Object.entries(cache.runs).filter(([, r]) => Date.parse(r.created) >= since));
  cache.artifacts = Object.fromEntries(Object.entries(cache.artifacts).filter(([, a]) => Date.parse(a.created) >= since));
  cache.pending = cache.pending.filter((p) => Date.parse(p.created) >= since);

  let stopped: string | undefined;
  const used = (): number => client.requestsSent - start;

  /** One API request within the budget, waiting out short rate limits. */
  async function request<T>(fn: () => Promise<T>): Promise<T> {
    for (;;) {
      if (used() >= opts.maxRequests) throw new Stop(`the budget of ${opts.maxRequests} API requests per build is spent`);
      const rate = client.lastRate;
      if (rate !== undefined && rate.remaining <= opts.reserve) {
        throw new Stop(`GitHub's rate limit has ${rate.remaining} requests left this hour (reserve ${opts.reserve}); resets ${new Date(rate.reset * 1000).toISOString()}`);
      }
      try {
        return await fn();
      } catch (err) {
        if (err instanceof GitHubError && err.kind === 'rate-limit') {
          const wait = err.serverWaitMs ?? 60_000;
          if (wait > maxWaitMs) throw new Stop(`GitHub's rate limit asks to wait ${Math.ceil(wait / 1000)} s`);
          log(`rate limited: waiting ${Math.ceil(wait / 1000)} s as GitHub asks`);
          await sleep(wait);
          continue;
        }
        throw err;
      }
    }
  }

  const queue: Pending[] = cache.pending;
  const pendingIds = new Set(queue.map((p) => p.id));
  try {
    // Runs, newest first, until they are older than the window or a whole page brought nothing new.
    let next: string | undefined = '/repos/{owner}/{repo}/actions/runs';
    let params: Record<string, unknown> = { per_page: 100, exclude_pull_requests: true };
    const runsWereComplete = cache.runsComplete;
    cache.runsComplete = false;
    while (next !== undefined) {
      const url: string = next;
      const page = await request(() => client.getPage('listing workflow runs', url, params));
      params = {};
      const runs = ((page.data as { workflow_runs?: unknown[] }).workflow_runs ?? []).map((r) => runInfo(r as Record<string, unknown>));
      let fresh = 0;
      let old = false;
      for (const r of runs) {
        if (Date.parse(r.created) < since) {
          old = true;
          continue;
        }
        const known = cache.runs[String(r.id)];
        if (!known || known.updated !== r.updated || known.status !== r.status) fresh++;
        cache.runs[String(r.id)] = r;
      }
      next = old || (runsWereComplete && fresh === 0 && runs.length > 0) ? undefined : page.next;
    }
    cache.runsComplete = true;
    // Report artifacts, newest first, the same way.
    next = '/repos/{owner}/{repo}/actions/artifacts';
    params = { per_page: 100 };
    const artifactsWereComplete = cache.artifactsComplete;
    cache.artifactsComplete = false;
    while (next !== undefined) {
      const url: string = next;
      const page = await request(() => client.getPage('listing artifacts', url, params));
      params = {};
      const list = ((page.data as { artifacts?: unknown[] }).artifacts ?? []) as { id: number; name: string; expired: boolean; created_at: string; workflow_run?: { id?: number } }[];
      let fresh = 0;
      let old = false;
      for (const a of list) {
        if (Date.parse(a.created_at) < since) {
          old = true;
          continue;
        }
        if (!a.name.startsWith(REPORT_ARTIFACT_PREFIX) || a.expired || cache.artifacts[String(a.id)] !== undefined || pendingIds.has(a.id)) continue;
        fresh++;
        pendingIds.add(a.id);
        queue.push({ id: a.id, run: a.workflow_run?.id ?? 0, created: a.created_at });
      }
      next = old || (artifactsWereComplete && fresh === 0 && list.length > 0) ? undefined : page.next;
    }
    cache.artifactsComplete = true;
    // Newest first: the pages show the latest runs even when the budget runs out.
    queue.sort((a, b) => Date.parse(b.created) - Date.parse(a.created));
    while (queue.length > 0) {
      const a = queue[0];
      if (a === undefined) break;
      const url = await request(() => client.artifactZipUrl(a.id));
      let docs: StepReportDoc[] = [];
      try {
        docs = reportsInZip(await download(url));
      } catch (err) {
        // One unreadable artifact (not a zip, too large, its URL expired) must not hide the others: skipped, logged.
        log(`artifact ${a.id}: ${err instanceof Error ? err.message : String(err)}`);
        queue.shift();
        continue;
      }
      cache.artifacts[String(a.id)] = { run: a.run, created: a.created, docs };
      queue.shift();
    }
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    stopped = err.message;
    log(`stopped early: ${stopped}`);
  }
  await saveCache(opts.cacheDir, cache);
  // Only the pipeline's runs, and only reports of those runs (checked here, so a cache from an older build
  // or a tampered one is held to the same rule as a fresh download).
  const runs = Object.values(cache.runs).filter((r) => PIPELINE_EVENTS.has(r.event));
  const trusted = new Set(runs.map((r) => r.id));
  const reports = Object.entries(cache.artifacts)
    .filter(([, a]) => trusted.has(a.run))
    .flatMap(([id, a]) => a.docs.filter(isStepReport).map((doc) => ({ artifact: Number(id), run: a.run, doc })));
  return {
    runs: runs.sort((a, b) => Date.parse(b.created) - Date.parse(a.created) || b.id - a.id),
    reports,
    requests: used(),
    unread: queue.length,
    unreadRuns: new Set(queue.map((q) => q.run)),
    stopped,
    rateRemaining: client.lastRate?.remaining,
  };
}
