/**
 * Collections of the Globus simulator: a collection is a folder on disk that is the collection's "/".
 * Every Globus path is normalised here (absolute, `/~/` = `/`, no `..`) and resolved strictly INSIDE the
 * folder, symlinks included: nothing outside a collection folder is ever read, listed, written or deleted.
 * Also: the `file` / `file_list` documents of operation/ls and operation/stat (CONTRACTS §1.9).
 */
import type { Stats } from 'node:fs';
import { lstat, mkdir, readdir, readlink, realpath, rename, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, dirname, join, posix, sep } from 'node:path';

/** An API error answered with a Globus error body `{code, message, request_id, resource}`. */
export class GlobusError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'GlobusError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export const badRequest = (message: string, code = 'ClientError.BadRequest'): GlobusError => new GlobusError(400, code, message);

/**
 * 404 for a path that does not exist, with the message of the recorded stat answer (globus-sdk-python
 * testing/data/transfer/operation_stat.py, case not_found: the GridFTP reply quoted with literal `\r\n`).
 * Codes: stat answers `NotFound` (recorded); ls answers `ClientError.NotFound` (the documented ls error,
 * globus-sdk-javascript file-operations.ts `DirectoryListingError`), with the same kind of message.
 */
function pathNotFound(code: 'NotFound' | 'ClientError.NotFound', c: { id: string; displayName: string }, path: string): GlobusError {
  const reply = [`Error: '${path}' not found`, '550-GlobusError: v=1 c=PATH_NOT_FOUND', '550-GridFTP-Errno: 2', '550-GridFTP-Reason: System error in stat', '550-GridFTP-Error-String: No such file or directory', '550 End.', ''];
  return new GlobusError(
    404,
    code,
    `Path not found, Error (list)\nEndpoint: ${c.displayName} (${c.id})\nServer: 127.0.0.1:443\nMessage: No such file or directory\n---\nDetails: ${reply.join('\\r\\n')}\n`,
  );
}

/** "2020-09-23T18:53:12+00:00": task and event times. */
export function taskTime(d: Date | number): string {
  return new Date(d).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** "2020-09-23 18:53:12+00:00": `last_modified` of ls/stat uses a SPACE between date and time. */
export function lsTime(d: Date | number): string {
  return taskTime(d).replace('T', ' ');
}

/**
 * Normalise a Globus path to an absolute collection path ("/a/b", never a trailing slash except "/").
 * Accepts "/x", "/~/x" and "~/x" (the home of a simulated collection is its root). Refuses relative paths,
 * NUL bytes and any `..` segment with 400 ClientError.BadRequest.
 */
export function normalizeGlobusPath(p: unknown, field: string): string {
  if (typeof p !== 'string' || p === '') throw badRequest(`'${field}' is required and must be a non-empty string`);
  if (p.includes('\0')) throw badRequest(`'${field}' must not contain NUL bytes`);
  let rest: string;
  if (p === '~' || p.startsWith('~/')) rest = p.slice(1);
  else if (p === '/~' || p.startsWith('/~/')) rest = p.slice(2);
  else if (p.startsWith('/')) rest = p;
  else throw badRequest(`'${field}' must be an absolute path, got '${p}'`);
  if (rest.split('/').includes('..')) throw badRequest(`'${field}' must not contain '..' segments, got '${p}'`);
  const norm = posix.normalize(`/${rest}`);
  return norm.length > 1 && norm.endsWith('/') ? norm.slice(0, -1) : norm;
}

export type FileType = 'dir' | 'file' | 'invalid_symlink' | 'chr' | 'blk' | 'pipe' | 'other';

export interface FileDocument {
  DATA_TYPE: 'file';
  name: string;
  type: FileType;
  link_target: string | null;
  link_group: string | null;
  link_last_modified: string | null;
  link_size: number | null;
  link_user: string | null;
  user: string;
  group: string;
  permissions: string;
  size: number;
  last_modified: string;
}

export interface FileListDocument {
  DATA_TYPE: 'file_list';
  endpoint: string;
  path: string;
  absolute_path: string | null;
  rename_supported: boolean;
  symlink_supported: boolean;
  length: number;
  total: number;
  DATA: FileDocument[];
}

const me = (() => {
  try {
    const u = userInfo();
    return { uid: u.uid, name: u.username };
  } catch {
    return { uid: -1, name: '' };
  }
})();

const userName = (uid: number): string => (uid === me.uid && me.name ? me.name : String(uid));

function typeOf(st: Stats): FileType {
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  if (st.isCharacterDevice()) return 'chr';
  if (st.isBlockDevice()) return 'blk';
  if (st.isFIFO()) return 'pipe';
  return 'other';
}

const isCode = (err: unknown, ...codes: string[]): boolean =>
  err instanceof Error && 'code' in err && typeof err.code === 'string' && codes.includes(err.code);

export const isMissing = (err: unknown): boolean => isCode(err, 'ENOENT', 'ENOTDIR');

export class Collection {
  readonly id: string;
  /** realpath of the collection folder */
  readonly root: string;
  readonly displayName: string;

  private constructor(id: string, root: string) {
    this.id = id;
    this.root = root;
    this.displayName = `Simulated collection ${id.slice(0, 8)}`;
  }

  static async open(id: string, folder: string): Promise<Collection> {
    const root = await realpath(folder);
    const st = await stat(root);
    if (!st.isDirectory()) throw new Error(`collection ${id}: ${folder} is not a directory`);
    return new Collection(id, root);
  }

  private inside(hostPath: string): boolean {
    return hostPath === this.root || hostPath.startsWith(this.root + sep);
  }

  /**
   * The host path of a normalised collection path. The real location of the path (followLast) or of its
   * parent (for lstat/unlink of a symlink itself) — or, when that does not exist yet, of its nearest existing
   * ancestor — must be inside the collection folder; otherwise 403 EndpointPermissionDenied.
   */
  async resolve(gpath: string, followLast: boolean): Promise<string> {
    const host = gpath === '/' ? this.root : join(this.root, ...gpath.split('/').filter(Boolean));
    let probe = followLast || gpath === '/' ? host : dirname(host);
    for (;;) {
      try {
        const real = await realpath(probe);
        if (!this.inside(real)) throw new GlobusError(403, 'EndpointPermissionDenied', `Denied by endpoint: '${gpath}' is outside the collection`);
        return host;
      } catch (err) {
        if (!isMissing(err)) throw err;
        if (probe === this.root) return host;
        probe = dirname(probe);
      }
    }
  }

  /** Real location of an existing path, or null when it is missing or leaves the collection. */
  private async realInside(hostPath: string): Promise<string | null> {
    try {
      const real = await realpath(hostPath);
      return this.inside(real) ? real : null;
    } catch {
      return null;
    }
  }

  /** The `file` document of one entry (symlinks are reported by their target when it stays inside). */
  async fileDoc(hostPath: string, name: string): Promise<FileDocument> {
    const l = await lstat(hostPath);
    const base = { DATA_TYPE: 'file' as const, name, link_target: null, link_group: null, link_last_modified: null, link_size: null, link_user: null };
    if (!l.isSymbolicLink()) {
      return { ...base, type: typeOf(l), user: userName(l.uid), group: String(l.gid), permissions: modeString(l), size: l.size, last_modified: lsTime(l.mtime) };
    }
    const link = {
      link_group: String(l.gid),
      link_last_modified: lsTime(l.mtime),
      link_size: l.size,
      link_user: userName(l.uid),
    };
    const real = await this.realInside(hostPath);
    if (real === null) {
      // dangling, or pointing outside the collection: never describe what lies outside
      return { ...base, ...link, type: 'invalid_symlink', user: userName(l.uid), group: String(l.gid), permissions: modeString(l), size: l.size, last_modified: lsTime(l.mtime) };
    }
    const t = await stat(real);
    const target = await readlink(hostPath);
    return { ...base, ...link, link_target: target, type: typeOf(t), user: userName(t.uid), group: String(t.gid), permissions: modeString(t), size: t.size, last_modified: lsTime(t.mtime) };
  }

  /** GET operation/endpoint/<id>/ls */
  async ls(rawPath: string | null, query: URLSearchParams): Promise<FileListDocument> {
    const shown = rawPath ?? '/~/';
    const gpath = normalizeGlobusPath(shown, 'path');
    const showHidden = parseBool(query.get('show_hidden'), true, 'show_hidden');
    const limit = parseIntParam(query.get('limit'), 100_000, 'limit', 1, 100_000);
    const offset = parseIntParam(query.get('offset'), 0, 'offset', 0, Number.MAX_SAFE_INTEGER);
    const order = parseOrderBy(query.get('orderby'));
    const filters = query.getAll('filter').flatMap((f) => f.split('/')).filter((f) => f !== '').map(parseFilter);

    const host = await this.resolve(gpath, true);
    let st: Stats;
    try {
      st = await stat(host);
    } catch (err) {
      if (isMissing(err)) throw pathNotFound('ClientError.NotFound', this, shown);
      throw err;
    }
    if (!st.isDirectory()) {
      throw new GlobusError(502, 'ExternalError.DirListingFailed.NotDirectory', `Error listing '${shown}' on endpoint ${this.id}: not a directory`);
    }
    if (!ownerMay(st, 0o500)) {
      throw new GlobusError(502, 'ExternalError.DirListingFailed.PermissionDenied', `Error listing '${shown}' on endpoint ${this.id}: permission denied`);
    }
    const names = await readdir(host);
    const docs: FileDocument[] = [];
    for (const name of names) {
      if (!showHidden && name.startsWith('.')) continue;
      try {
        docs.push(await this.fileDoc(join(host, name), name));
      } catch (err) {
        if (!isMissing(err)) throw err; // vanished while listing
      }
    }
    const kept = docs.filter((d) => filters.every((f) => f(d)));
    kept.sort(order);
    const page = kept.slice(offset, offset + limit);
    const dirPath = gpath === '/' ? '/' : `${gpath}/`;
    return {
      DATA_TYPE: 'file_list',
      endpoint: this.id,
      path: shown.endsWith('/') ? shown : `${shown}/`,
      absolute_path: dirPath,
      rename_supported: true,
      symlink_supported: true,
      length: page.length,
      total: kept.length,
      DATA: page,
    };
  }

  /** GET operation/endpoint/<id>/stat */
  async stat(rawPath: string | null): Promise<FileDocument> {
    const gpath = normalizeGlobusPath(rawPath, 'path');
    const host = await this.resolve(gpath, false);
    try {
      return await this.fileDoc(host, gpath === '/' ? '/' : basename(host));
    } catch (err) {
      if (isMissing(err)) throw pathNotFound('NotFound', this, String(rawPath));
      throw err;
    }
  }

  /** POST operation/endpoint/<id>/mkdir (not recursive, like Globus). */
  async mkdir(rawPath: unknown): Promise<void> {
    const gpath = normalizeGlobusPath(rawPath, 'path');
    const host = await this.resolve(gpath, false);
    const parent = await stat(dirname(host)).catch(() => undefined);
    if (parent && !ownerMay(parent, 0o300)) {
      throw new GlobusError(502, 'ExternalError.MkdirFailed.PermissionDenied', `Permission denied, Error (mkdir)\nEndpoint: ${this.displayName} (${this.id})\nPath: '${gpath}'`);
    }
    try {
      await mkdir(host);
    } catch (err) {
      if (isCode(err, 'EEXIST')) throw new GlobusError(502, 'ExternalError.MkdirFailed.Exists', `Path already exists, Error (mkdir)\nEndpoint: ${this.displayName} (${this.id})\nPath: '${gpath}'`);
      if (isMissing(err)) throw new GlobusError(404, 'ClientError.NotFound', `Parent directory of '${gpath}' does not exist on endpoint ${this.id}`);
      throw err;
    }
  }

  /** POST operation/endpoint/<id>/rename */
  async rename(oldRaw: unknown, newRaw: unknown): Promise<void> {
    const from = normalizeGlobusPath(oldRaw, 'old_path');
    const to = normalizeGlobusPath(newRaw, 'new_path');
    if (from === '/' || to === '/') throw badRequest('cannot rename the collection root');
    const a = await this.resolve(from, false);
    const b = await this.resolve(to, false);
    try {
      await lstat(a);
    } catch (err) {
      if (isMissing(err)) throw new GlobusError(404, 'NotFound', `Path not found: '${from}'`);
      throw err;
    }
    try {
      await lstat(b);
      throw new GlobusError(502, 'ExternalError.RenameFailed.Exists', `Destination already exists: '${to}'`);
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
    try {
      await rename(a, b);
    } catch (err) {
      if (isMissing(err)) throw new GlobusError(404, 'ClientError.NotFound', `Parent directory of '${to}' does not exist`);
      throw err;
    }
  }
}

/**
 * The simulated GCS runs as a mapped local user who owns the collection's files but is not root (the
 * tests are): a folder without owner read+execute cannot be listed, one without write+execute takes no
 * new entries. Error codes as CONTRACTS §1.11 lists them for listings; the mkdir one is an assumption.
 */
function ownerMay(st: Stats, bits: number): boolean {
  return (st.mode & bits) === bits;
}

function modeString(st: Stats): string {
  return (st.mode & 0o7777).toString(8).padStart(4, '0');
}

export function parseBool(v: string | null, dflt: boolean, name: string): boolean {
  if (v === null) return dflt;
  const s = v.toLowerCase();
  if (s === '1' || s === 'true') return true;
  if (s === '0' || s === 'false') return false;
  throw badRequest(`'${name}' must be a boolean (1/0, true/false), got '${v}'`);
}

export function parseIntParam(v: string | null, dflt: number, name: string, min: number, max: number): number {
  if (v === null || v === '') return dflt;
  if (!/^\d+$/.test(v)) throw badRequest(`'${name}' must be an integer, got '${v}'`);
  const n = Number(v);
  if (n < min || n > max) throw badRequest(`'${name}' must be between ${min} and ${max}, got ${n}`);
  return n;
}

type Cmp = (a: FileDocument, b: FileDocument) => number;
const ORDER_FIELDS = ['name', 'type', 'size', 'last_modified', 'permissions', 'user', 'group'] as const;
type OrderField = (typeof ORDER_FIELDS)[number];
const isOrderField = (s: string): s is OrderField => (ORDER_FIELDS as readonly string[]).includes(s);

/** orderby: "size DESC,name,type" (default "name"). */
function parseOrderBy(v: string | null): Cmp {
  const keys: { field: OrderField; dir: 1 | -1 }[] = [];
  for (const part of (v ?? 'name').split(',')) {
    const [field = '', dirWord = 'ASC', ...extra] = part.trim().split(/\s+/);
    const dir = dirWord.toUpperCase();
    if (!isOrderField(field) || (dir !== 'ASC' && dir !== 'DESC') || extra.length > 0) throw badRequest(`invalid orderby '${part.trim()}'`);
    keys.push({ field, dir: dir === 'ASC' ? 1 : -1 });
  }
  return (a, b) => {
    for (const { field, dir } of keys) {
      const x = a[field];
      const y = b[field];
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
      if (c !== 0) return c * dir;
    }
    return 0;
  };
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (const ch of glob) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * One ls filter: `name:~glob`, `name:!~glob`, `name:=x`, `name:!=x`, `name:x,y` (any of),
 * `type:file,dir`, `last_modified:[from],[to]` (inclusive, "YYYY-MM-DD[ HH:MM:SS]"), `size:[min],[max]`.
 */
function parseFilter(spec: string): (d: FileDocument) => boolean {
  const colon = spec.indexOf(':');
  if (colon < 0) throw badRequest(`invalid filter '${spec}'`);
  const field = spec.slice(0, colon);
  const expr = spec.slice(colon + 1);
  switch (field) {
    case 'name': {
      if (expr.startsWith('~')) {
        const re = globToRegExp(expr.slice(1));
        return (d) => re.test(d.name);
      }
      if (expr.startsWith('!~')) {
        const re = globToRegExp(expr.slice(2));
        return (d) => !re.test(d.name);
      }
      if (expr.startsWith('!=')) return (d) => d.name !== expr.slice(2);
      if (expr.startsWith('=')) return (d) => d.name === expr.slice(1);
      const names = expr.split(',');
      return (d) => names.includes(d.name);
    }
    case 'type': {
      const types = expr.split(',');
      return (d) => types.includes(d.type);
    }
    case 'last_modified': {
      const [from = '', to = ''] = expr.split(',');
      const t = (s: string): number => {
        const ms = Date.parse(s.includes(' ') || s.includes('T') ? `${s.replace(' ', 'T').replace(/(\+00:00|Z)?$/, '')}Z` : `${s}T00:00:00Z`);
        if (Number.isNaN(ms)) throw badRequest(`invalid date '${s}' in filter '${spec}'`);
        return ms;
      };
      const lo = from ? t(from) : -Infinity;
      const hi = to ? t(to) : Infinity;
      return (d) => {
        const ms = Date.parse(d.last_modified.replace(' ', 'T'));
        return ms >= lo && ms <= hi;
      };
    }
    case 'size': {
      const [from = '', to = ''] = expr.split(',');
      if (!/^\d*$/.test(from) || !/^\d*$/.test(to)) throw badRequest(`invalid filter '${spec}'`);
      const lo = from ? Number(from) : 0;
      const hi = to ? Number(to) : Infinity;
      return (d) => d.size >= lo && d.size <= hi;
    }
    default:
      throw badRequest(`invalid filter field '${field}'`);
  }
}
