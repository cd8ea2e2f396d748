/**
 * The Actions part of the GitHub REST simulator: workflow runs, their artifacts and artifact downloads, as
 * the status build (src/status/) reads them. Served by server.ts; strict where GitHub is:
 *
 *  - GET /repos/{o}/{r}/actions/runs: newest first; `per_page` capped at 100 (default 30); `page` past the end
 *    is an empty list; with a search parameter (`created`, `status`, `event`, `branch`, `actor`, `head_sha`,
 *    `check_suite_id`) at most 1,000 results are reachable, as the docs say; `created` takes `>=D`, `<=D`,
 *    `>D`, `<D`, `D` and `D..D`. A `Link` header with next/last/first/prev in GitHub's form: absolute URLs
 *    under /repositories/{id}/…, which the simulator serves as well.
 *  - GET /repos/{o}/{r}/actions/artifacts (optional exact `name`), /actions/runs/{id}/artifacts: newest first,
 *    paged the same way; expired artifacts are listed with `expired: true`.
 *  - GET /repos/{o}/{r}/actions/artifacts/{id}/zip: 302 to a signed URL on a second server (the "blob
 *    storage"), valid for one minute; 410 for an expired artifact; any other archive format 404. The blob
 *    server refuses a request that carries an Authorization header (400, as Azure storage does when the
 *    client forwards the API token along the redirect), a bad signature and an expired URL (403).
 *  - GET /{o}/{r}/actions/runs/{id}: a small HTML page (a run's html_url), so a browser can follow links.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { zipSync } from 'fflate';
import { listenOnLoopback } from '../http.js';

export interface SimRun {
  readonly id: number;
  /** The workflow's name (`name:` of the file). */
  readonly name: string;
  readonly path: string;
  readonly display_title: string;
  readonly event: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'cancelled' | 'skipped' | 'timed_out' | null;
  readonly created_at: string;
  updated_at: string;
  readonly run_attempt: number;
  readonly run_number: number;
  readonly head_branch: string;
}

export interface SimArtifact {
  readonly id: number;
  readonly name: string;
  readonly runId: number;
  readonly created_at: string;
  readonly expires_at: string;
  /** The zip's entries. */
  readonly files: Readonly<Record<string, string | Uint8Array>>;
  readonly zip: Uint8Array;
}

export interface AddRun {
  readonly name?: string;
  readonly path?: string;
  readonly display_title?: string;
  readonly event?: string;
  readonly status?: SimRun['status'];
  readonly conclusion?: SimRun['conclusion'];
  readonly created_at: string | Date;
  readonly updated_at?: string | Date;
}

export interface ActionsStore {
  readonly runs: SimRun[];
  readonly artifacts: SimArtifact[];
  addRun(run: AddRun): SimRun;
  addArtifact(runId: number, name: string, files: Record<string, string | Uint8Array>, opts?: { created_at?: string | Date; expired?: boolean }): SimArtifact;
  /** Blob downloads served (not API requests: they do not count against the rate limit). */
  readonly blobRequests: { path: string; status: number; authorization: boolean }[];
}

const iso = (d: string | Date): string => (typeof d === 'string' ? new Date(d) : d).toISOString().replace(/\.\d{3}Z$/, 'Z');
const DOCS_RUNS = 'https://docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-repository';
const DOCS_ARTIFACTS = 'https://docs.github.com/rest/actions/artifacts';
const SEARCH_PARAMS = ['actor', 'branch', 'check_suite_id', 'created', 'event', 'head_sha', 'status'];
/** GitHub's own repository id for the sim's repository: Link headers use /repositories/{id}/…. */
export const SIM_REPOSITORY_ID = 817_264_501;

export function createActionsStore(): ActionsStore {
  let nextRun = 9_100_000_000;
  let nextArtifact = 3_500_000_000;
  const runs: SimRun[] = [];
  const artifacts: SimArtifact[] = [];
  return {
    runs,
    artifacts,
    blobRequests: [],
    addRun(r) {
      const created = iso(r.created_at);
      const run: SimRun = {
        id: nextRun++,
        name: r.name ?? 'dispatch',
        path: r.path ?? '.github/workflows/dispatch.yml',
        display_title: r.display_title ?? 'new_file_832',
        event: r.event ?? 'repository_dispatch',
        status: r.status ?? 'completed',
        conclusion: r.conclusion === undefined ? 'success' : r.conclusion,
        created_at: created,
        updated_at: iso(r.updated_at ?? created),
        run_attempt: 1,
        run_number: runs.length + 1,
        head_branch: 'main',
      };
      runs.push(run);
      return run;
    },
    addArtifact(runId, name, files, opts = {}) {
      if (!runs.some((r) => r.id === runId)) throw new Error(`no run ${runId}`);
      const created = iso(opts.created_at ?? new Date());
      const zip = zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? new TextEncoder().encode(v) : v])));
      const expires = opts.expired ? iso(new Date(Date.parse(created) + 1000)) : iso(new Date(Date.parse(created) + 35 * 86_400_000));
      const a: SimArtifact = { id: nextArtifact++, name, runId, created_at: created, expires_at: expires, files, zip };
      artifacts.push(a);
      return a;
    },
  };
}

export interface ActionsRouteContext {
  readonly store: ActionsStore;
  readonly repository: string;
  /** The API's base URL as clients see it. */
  readonly base: string;
  readonly blobBase: string;
  readonly blobKey: Buffer;
  send(status: number, body?: unknown, headers?: Record<string, string>): void;
  sendRaw(status: number, contentType: string, body: string): void;
}

/** The sorted, filtered list and one page of it with GitHub's Link header; undefined for a bad `created`. */
function page<T>(items: readonly T[], query: URLSearchParams, listUrl: string): { slice: T[]; link: string | undefined } {
  const per = Math.min(100, Math.max(1, Number.parseInt(query.get('per_page') ?? '', 10) || 30));
  const pageNo = Math.max(1, Number.parseInt(query.get('page') ?? '', 10) || 1);
  const searching = SEARCH_PARAMS.some((p) => query.has(p));
  const reachable = searching ? items.slice(0, 1000) : items;
  const last = Math.max(1, Math.ceil(reachable.length / per));
  const slice = reachable.slice((pageNo - 1) * per, pageNo * per);
  const at = (n: number): string => {
    const q = new URLSearchParams(query);
    q.set('per_page', String(per));
    q.set('page', String(n));
    return `<${listUrl}?${q.toString()}>`;
  };
  const rels: string[] = [];
  if (pageNo > 1) rels.push(`${at(pageNo - 1)}; rel="prev"`);
  if (pageNo < last) rels.push(`${at(pageNo + 1)}; rel="next"`, `${at(last)}; rel="last"`);
  if (pageNo > 1) rels.push(`${at(1)}; rel="first"`);
  return { slice, link: rels.length > 0 ? rels.join(', ') : undefined };
}

/** GitHub's `created` qualifier: >=D, <=D, >D, <D, D (that day) and D..D; undefined when it does not parse. */
function createdFilter(q: string): ((iso: string) => boolean) | undefined {
  const day = (s: string, end: boolean): number => (s.includes('T') ? Date.parse(s) : Date.parse(`${s}T00:00:00Z`) + (end ? 86_400_000 - 1 : 0));
  const range = /^(\S+)\.\.(\S+)$/.exec(q);
  if (range) {
    const a = day(range[1] ?? '', false);
    const b = day(range[2] ?? '', true);
    return Number.isNaN(a) || Number.isNaN(b) ? undefined : (t) => Date.parse(t) >= a && Date.parse(t) <= b;
  }
  const m = /^(>=|<=|>|<)?(\S+)$/.exec(q);
  if (!m) return undefined;
  const op = m[1] ?? '';
  const v = m[2] ?? '';
  const lo = day(v, false);
  const hi = day(v, true);
  if (Number.isNaN(lo)) return undefined;
  switch (op) {
    case '>=': return (t) => Date.parse(t) >= lo;
    case '>': return (t) => Date.parse(t) > hi;
    case '<=': return (t) => Date.parse(t) <= hi;
    case '<': return (t) => Date.parse(t) < lo;
    default: return (t) => Date.parse(t) >= lo && Date.parse(t) <= hi;
  }
}

function runJson(ctx: ActionsRouteContext, r: SimRun): Record<string, unknown> {
  const html = `${ctx.base}/${ctx.repository}/actions/runs/${r.id}`;
  return {
    id: r.id,
    name: r.name,
    node_id: `WFR_${r.id}`,
    head_branch: r.head_branch,
    head_sha: 'a'.repeat(40),
    path: r.path,
    display_title: r.display_title,
    run_number: r.run_number,
    event: r.event,
    status: r.status,
    conclusion: r.conclusion,
    workflow_id: 161_000_000,
    check_suite_id: r.id + 1,
    url: `${ctx.base}/repos/${ctx.repository}/actions/runs/${r.id}`,
    html_url: html,
    created_at: r.created_at,
    updated_at: r.updated_at,
    run_attempt: r.run_attempt,
    run_started_at: r.created_at,
    jobs_url: `${ctx.base}/repos/${ctx.repository}/actions/runs/${r.id}/jobs`,
    artifacts_url: `${ctx.base}/repos/${ctx.repository}/actions/runs/${r.id}/artifacts`,
  };
}

function artifactJson(ctx: ActionsRouteContext, a: SimArtifact): Record<string, unknown> {
  return {
    id: a.id,
    node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
    name: a.name,
    size_in_bytes: a.zip.length,
    url: `${ctx.base}/repos/${ctx.repository}/actions/artifacts/${a.id}`,
    archive_download_url: `${ctx.base}/repos/${ctx.repository}/actions/artifacts/${a.id}/zip`,
    expired: Date.parse(a.expires_at) <= Date.now(),
    created_at: a.created_at,
    updated_at: a.created_at,
    expires_at: a.expires_at,
    digest: null,
    workflow_run: { id: a.runId, repository_id: SIM_REPOSITORY_ID, head_repository_id: SIM_REPOSITORY_ID, head_branch: 'main', head_sha: 'a'.repeat(40) },
  };
}

const newestFirst = <T extends { created_at: string; id: number }>(xs: readonly T[]): T[] =>
  [...xs].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id);

/**
 * Answer an Actions route; false when the path is not one. `path` is the part after the repository
 * (`/actions/runs`), already checked to name the sim's repository and an authenticated caller.
 */
export function handleActionsRoute(ctx: ActionsRouteContext, method: string, rest: string, query: URLSearchParams, listBase: string): boolean {
  if (!rest.startsWith('/actions/')) return false;
  if (method !== 'GET') {
    ctx.send(404, { message: 'Not Found', documentation_url: DOCS_ARTIFACTS });
    return true;
  }
  if (rest === '/actions/runs') {
    let runs = newestFirst(ctx.store.runs);
    const created = query.get('created');
    if (created !== null) {
      const f = createdFilter(created);
      if (!f) {
        ctx.send(422, { message: 'Validation Failed', errors: [{ resource: 'WorkflowRun', field: 'created', code: 'invalid' }], documentation_url: DOCS_RUNS });
        return true;
      }
      runs = runs.filter((r) => f(r.created_at));
    }
    const status = query.get('status');
    if (status !== null) runs = runs.filter((r) => r.status === status || r.conclusion === status);
    const event = query.get('event');
    if (event !== null) runs = runs.filter((r) => r.event === event);
    const { slice, link } = page(runs, query, `${listBase}/actions/runs`);
    ctx.send(200, { total_count: runs.length, workflow_runs: slice.map((r) => runJson(ctx, r)) }, link ? { link } : {});
    return true;
  }
  const runArtifacts = /^\/actions\/runs\/(\d+)\/artifacts$/.exec(rest);
  if (rest === '/actions/artifacts' || runArtifacts) {
    let list = newestFirst(ctx.store.artifacts);
    if (runArtifacts) {
      const id = Number(runArtifacts[1]);
      if (!ctx.store.runs.some((r) => r.id === id)) {
        ctx.send(404, { message: 'Not Found', documentation_url: DOCS_ARTIFACTS });
        return true;
      }
      list = list.filter((a) => a.runId === id);
    }
    const name = query.get('name');
    if (name !== null) list = list.filter((a) => a.name === name);
    const { slice, link } = page(list, query, `${listBase}${rest}`);
    ctx.send(200, { total_count: list.length, artifacts: slice.map((a) => artifactJson(ctx, a)) }, link ? { link } : {});
    return true;
  }
  const download = /^\/actions\/artifacts\/(\d+)\/([^/]+)$/.exec(rest);
  if (download) {
    const a = ctx.store.artifacts.find((x) => x.id === Number(download[1]));
    if (!a || download[2] !== 'zip') {
      ctx.send(404, { message: 'Not Found', documentation_url: `${DOCS_ARTIFACTS}#download-an-artifact` });
      return true;
    }
    if (Date.parse(a.expires_at) <= Date.now()) {
      ctx.send(410, { message: 'Artifact has expired', documentation_url: `${DOCS_ARTIFACTS}#download-an-artifact` });
      return true;
    }
    const se = String(Date.now() + 60_000);
    const sig = createHmac('sha256', ctx.blobKey).update(`${a.id}:${se}`).digest('base64url');
    ctx.send(302, undefined, { location: `${ctx.blobBase}/actions-results/${a.id}.zip?se=${se}&sig=${sig}` });
    return true;
  }
  const oneArtifact = /^\/actions\/artifacts\/(\d+)$/.exec(rest);
  if (oneArtifact) {
    const a = ctx.store.artifacts.find((x) => x.id === Number(oneArtifact[1]));
    if (a) ctx.send(200, artifactJson(ctx, a));
    else ctx.send(404, { message: 'Not Found', documentation_url: DOCS_ARTIFACTS });
    return true;
  }
  ctx.send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  return true;
}

/** A run's html_url as a page a browser can open. */
export function runPage(ctx: ActionsRouteContext, id: number): boolean {
  const r = ctx.store.runs.find((x) => x.id === id);
  if (!r) return false;
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  ctx.sendRaw(200, 'text/html; charset=utf-8', `<!doctype html><title>${esc(r.display_title)} · run ${r.id}</title><h1 id="run">${esc(r.name)} run ${r.id}</h1><p>${r.status} ${r.conclusion ?? ''}</p>`);
  return true;
}

/** The "blob storage" the download redirect points at: signed URLs only, never the API's Authorization header. */
export async function startBlobServer(store: ActionsStore, key: Buffer): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://blob');
    const m = /^\/actions-results\/(\d+)\.zip$/.exec(url.pathname);
    const log = (status: number): void => { store.blobRequests.push({ path: url.pathname, status, authorization: req.headers.authorization !== undefined }); };
    const xml = (status: number, code: string, message: string): void => {
      log(status);
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
    };
    if (req.method !== 'GET' || !m) { xml(404, 'ResourceNotFound', 'The specified resource does not exist.'); return; }
    if (req.headers.authorization !== undefined) { xml(400, 'InvalidAuthenticationInfo', 'Authentication information is not given in the correct format. Check the value of Authorization header.'); return; }
    const se = url.searchParams.get('se') ?? '';
    const sig = url.searchParams.get('sig') ?? '';
    const want = createHmac('sha256', key).update(`${m[1] ?? ''}:${se}`).digest('base64url');
    if (sig !== want) { xml(403, 'AuthenticationFailed', 'Signature did not match.'); return; }
    if (Number(se) < Date.now()) { xml(403, 'AuthenticationFailed', 'Signed expiry time must be after signed start time.'); return; }
    const a = store.artifacts.find((x) => x.id === Number(m[1]));
    if (!a) { xml(404, 'BlobNotFound', 'The specified blob does not exist.'); return; }
    log(200);
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(a.zip.length) });
    res.end(Buffer.from(a.zip));
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => { resolve(); });
      }),
  };
}

export const newBlobKey = (): Buffer => randomBytes(32);
