/**
 * Contract check of recorded SciCat requests, independent of the project's own validators: each request the
 * simulator received is sent again through the official generated client (`@scicatproject/scicat-sdk-ts-fetch`,
 * with a fetch that only records) — same operation, same pid, the body read with the SDK's `FromJSON` — and
 * must come out with the same method, path and body; its body must pass the backend's DTO rules (contract.ts);
 * a lookup filter must survive both WherePipes without a value turning into a Date.
 */
import {
  AuthApi,
  Configuration,
  CreateAttachmentV3DtoFromJSON,
  CreateDatablockDtoFromJSON,
  DatablocksApi,
  CreateDatasetOrigDatablockDtoFromJSON,
  CredentialsDtoFromJSON,
  DatasetsApi,
  DatasetsControllerCreateV3RequestFromJSON,
} from '@scicatproject/scicat-sdk-ts-fetch';
import { isDeepStrictEqual } from 'node:util';
import { type BodyKind, contractIssues, datasetKindOf } from './contract.js';
import type { SimRequest } from './server.js';
import { applyWherePipe } from './where.js';

export type RequestKind = 'login' | 'find datasets' | 'create dataset' | 'get dataset' | 'create orig-datablock' | 'list orig-datablocks' | 'create attachment' | 'list attachments' | 'create datablock' | 'find datablocks';

export interface ContractReport {
  /** Requests checked. */
  checked: number;
  /** Requests per kind. */
  kinds: Partial<Record<RequestKind, number>>;
  /** One line per broken request: what and why. */
  violations: string[];
}

interface Sent {
  method: string;
  path: string;
  query: string;
  body: unknown;
}

/** What the generated client sends for one call (nothing leaves the process). */
async function viaSdk(call: (cfg: Configuration) => Promise<unknown>): Promise<Sent> {
  let sent: Sent | undefined;
  const cfg = new Configuration({
    basePath: 'http://sdk.invalid',
    fetchApi: (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
      sent = { method: init?.method ?? 'GET', path: url.pathname, query: url.search, body };
      return Promise.resolve(new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } }));
    },
  });
  await call(cfg).catch(() => undefined); // the canned answer need not parse
  if (!sent) throw new Error('the generated client sent nothing');
  return sent;
}

function classify(r: SimRequest): { kind: RequestKind; pid?: string } | undefined {
  const segs = r.path.split('/').filter(Boolean);
  const lower = segs.map((s) => s.toLowerCase());
  if (lower[0] !== 'api' || lower[1] !== 'v3') return undefined;
  if (lower[2] === 'auth' && lower[3] === 'login' && r.method === 'POST') return { kind: 'login' };
  if (lower[2] === 'datablocks' && segs.length === 3) return { kind: r.method === 'POST' ? 'create datablock' : 'find datablocks' };
  if (lower[2] !== 'datasets') return undefined;
  const pid = segs[3] === undefined ? undefined : decodeURIComponent(segs[3]);
  if (pid === undefined) return r.method === 'POST' ? { kind: 'create dataset' } : { kind: 'find datasets' };
  if (segs.length === 4 && r.method === 'GET') return { kind: 'get dataset', pid };
  if (lower[4] === 'origdatablocks') return { kind: r.method === 'POST' ? 'create orig-datablock' : 'list orig-datablocks', pid };
  if (lower[4] === 'attachments') return { kind: r.method === 'POST' ? 'create attachment' : 'list attachments', pid };
  return undefined;
}

const BODY_KIND: Partial<Record<RequestKind, BodyKind>> = {
  login: 'credentials',
  'create dataset': 'rawDataset',
  'create orig-datablock': 'origDatablock',
  'create attachment': 'attachment',
  'create datablock': 'datablock',
};

function replay(kind: RequestKind, pid: string, body: unknown, query: URLSearchParams): Promise<Sent> {
  const filter = query.get('filter') ?? undefined;
  return viaSdk((cfg) => {
    const datasets = new DatasetsApi(cfg);
    switch (kind) {
      case 'login':
        return new AuthApi(cfg).authControllerLoginV3Raw({ CredentialsDto: CredentialsDtoFromJSON(body) });
      case 'find datasets':
        return datasets.datasetsControllerFindAllV3Raw(filter === undefined ? {} : { filter });
      case 'create dataset':
        return datasets.datasetsControllerCreateV3Raw({ DatasetsControllerCreateV3Request: DatasetsControllerCreateV3RequestFromJSON(body) });
      case 'get dataset':
        return datasets.datasetsControllerFindByIdV3Raw({ pid });
      case 'create orig-datablock':
        return datasets.datasetsControllerCreateOrigDatablockV3Raw({ pid, CreateDatasetOrigDatablockDto: CreateDatasetOrigDatablockDtoFromJSON(body) });
      case 'list orig-datablocks':
        return datasets.datasetsControllerFindAllOrigDatablocksV3Raw({ pid });
      case 'create attachment':
        return datasets.datasetsControllerCreateAttachmentV3Raw({ pid, CreateAttachmentV3Dto: CreateAttachmentV3DtoFromJSON(body) });
      case 'list attachments':
        return datasets.datasetsControllerFindAllAttachmentsV3Raw({ pid });
      case 'create datablock':
        return new DatablocksApi(cfg).datablocksControllerCreateV3Raw({ CreateDatablockDto: CreateDatablockDtoFromJSON(body) });
      case 'find datablocks':
        return new DatablocksApi(cfg).datablocksControllerFindAllV3Raw(filter === undefined ? {} : { filter });
    }
  });
}

const hasDate = (v: unknown): boolean => v instanceof Date || (typeof v === 'object' && v !== null && Object.values(v).some(hasDate));

/** Problems of a `filter` for the datasets list: not JSON, a Date after either WherePipe, no limit. */
function filterIssues(filter: string | null): string[] {
  if (filter === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(filter);
  } catch {
    return ['filter is not JSON'];
  }
  if (typeof parsed !== 'object' || parsed === null) return ['filter is not an object'];
  const issues: string[] = [];
  const where = (parsed as { where?: unknown }).where;
  for (const version of ['v4.27', 'v4.28'] as const) {
    if (hasDate(applyWherePipe(where, version))) issues.push(`the ${version} WherePipe turns a value of where into a Date: ${JSON.stringify(where)}`);
  }
  return issues;
}

/** Every recorded request against the generated client's routes and models and the backend's rules. */
export async function checkContract(requests: readonly SimRequest[]): Promise<ContractReport> {
  const report: ContractReport = { checked: 0, kinds: {}, violations: [] };
  for (const r of requests) {
    const what = `${r.method} ${r.path}${r.query}`.slice(0, 160);
    const c = classify(r);
    if (!c) {
      report.violations.push(`${what}: not an operation of the generated client`);
      continue;
    }
    report.checked++;
    report.kinds[c.kind] = (report.kinds[c.kind] ?? 0) + 1;
    const query = new URLSearchParams(r.query);
    const sdk = await replay(c.kind, c.pid ?? '', r.body, query);
    if (sdk.method !== r.method) report.violations.push(`${what}: the generated client uses ${sdk.method}`);
    // Routes are case-insensitive; segments compare decoded (a pid's '/' travels as %2F in both).
    if (sdk.path.toLowerCase() !== r.path.toLowerCase()) report.violations.push(`${what}: the generated client's path is ${sdk.path}`);
    const bodyKind = c.kind === 'create dataset' ? datasetKindOf(r.body) : BODY_KIND[c.kind];
    if (bodyKind !== undefined) {
      for (const issue of contractIssues(bodyKind, r.body)) report.violations.push(`${what}: ${issue}`);
      // Read and written back by the official client, the body must come out as it went in.
      if (!isDeepStrictEqual(sdk.body, r.body)) report.violations.push(`${what}: the generated client would send ${JSON.stringify(sdk.body).slice(0, 200)}`);
    } else if (r.body !== undefined && !(typeof r.body === 'object' && r.body !== null && Object.keys(r.body).length === 0)) {
      report.violations.push(`${what}: a ${c.kind} request carries a body`);
    }
    if (c.kind === 'find datasets' || c.kind === 'find datablocks') for (const issue of filterIssues(query.get('filter'))) report.violations.push(`${what}: ${issue}`);
  }
  return report;
}
