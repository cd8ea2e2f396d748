/**
 * The SFAPI small-file utilities (CONTRACTS §2.6) over the simulator's sandbox. The machine's file system is
 * the host's, restricted to the sandbox: the scripts the simulator runs use the same absolute paths, so an API
 * path is a host path that must resolve (symlinks followed) inside the sandbox; anything else is refused as
 * "Permission denied" [documented choice]. Errors are HTTP 200 with `status: "ERROR"`, as the API answers.
 */
import { lstat, readFile, readdir, readlink, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { slurmTime } from './sbatch.js';

export interface DirectoryEntry {
  perms: string;
  hardlinks: number;
  user: string;
  group: string;
  size: number;
  date: string;
  name: string;
}

export type DirectoryOutput = { status: 'OK' | 'ERROR'; entries: DirectoryEntry[]; error: string | null; file: string | null; is_binary: boolean };
export type FileDownload = { status: 'OK' | 'ERROR'; file: string | null; is_binary: boolean; error: string | null };

class PathRefused extends Error {}

function mode(st: Stats): string {
  const type = st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : '-';
  const bits = ['r', 'w', 'x'];
  let s = '';
  for (let i = 8; i >= 0; i--) s += st.mode & (1 << i) ? (bits[(8 - i) % 3] ?? '-') : '-';
  return type + s;
}

export class SandboxFiles {
  constructor(
    private readonly root: string,
    private readonly owner: { user: string; group: string },
    private readonly maxDownloadBytes: number,
  ) {}

  /** An absolute API path inside the sandbox (lexically and after following symlinks), else PathRefused/ENOENT. */
  private async resolve(apiPath: string, follow: boolean): Promise<string> {
    if (!isAbsolute(apiPath)) throw new PathRefused(`${apiPath}: No such file or directory (paths must be absolute)`);
    const p = normalize(apiPath);
    const root = await realpath(this.root);
    const under = (r: string, x: string): boolean => x === r || x.startsWith(r + sep);
    const inside = (x: string): boolean => under(root, x);
    if (!under(resolve(this.root), p) && !inside(p)) throw new PathRefused(`${apiPath}: Permission denied`);
    let real: string;
    try {
      real = follow ? await realpath(p) : join(await realpath(join(p, '..')), p.split(sep).pop() ?? '');
    } catch {
      throw new PathRefused(`ls: cannot access '${apiPath}': No such file or directory`);
    }
    if (!inside(real)) throw new PathRefused(`${apiPath}: Permission denied`);
    return real;
  }

  private async entry(abs: string, name: string): Promise<DirectoryEntry> {
    const st = await lstat(abs);
    let shown = name;
    if (st.isSymbolicLink()) shown = `${name} -> ${await readlink(abs)}`;
    return { perms: mode(st), hardlinks: st.nlink, user: this.owner.user, group: this.owner.group, size: st.size, date: slurmTime(st.mtimeMs), name: shown };
  }

  async ls(apiPath: string): Promise<DirectoryOutput> {
    try {
      const abs = await this.resolve(apiPath, false);
      const st = await lstat(abs).catch(() => undefined);
      if (!st) throw new PathRefused(`ls: cannot access '${apiPath}': No such file or directory`);
      if (!st.isDirectory()) return { status: 'OK', entries: [await this.entry(abs, apiPath)], error: null, file: null, is_binary: false };
      const names = ['.', '..', ...(await readdir(abs)).sort()];
      const entries = await Promise.all(names.map((n) => this.entry(join(abs, n), n)));
      return { status: 'OK', entries, error: null, file: null, is_binary: false };
    } catch (e) {
      if (!(e instanceof PathRefused)) throw e;
      return { status: 'ERROR', entries: [], error: e.message, file: null, is_binary: false };
    }
  }

  async download(apiPath: string, binary: boolean): Promise<FileDownload> {
    try {
      const abs = await this.resolve(apiPath, true);
      const st = await stat(abs).catch(() => undefined);
      if (!st) throw new PathRefused(`${apiPath}: No such file or directory`);
      if (st.isDirectory()) throw new PathRefused(`${apiPath}: Is a directory`);
      if (st.size > this.maxDownloadBytes) throw new PathRefused(`${apiPath}: File too large to download (${st.size} bytes, limit ${this.maxDownloadBytes})`);
      const data = await readFile(abs);
      const text = data.toString('utf8');
      // Content that is not UTF-8 comes back base64 with is_binary even when text was asked for [UNVERIFIED].
      if (binary || !Buffer.from(text, 'utf8').equals(data)) return { status: 'OK', file: data.toString('base64'), is_binary: true, error: null };
      return { status: 'OK', file: text, is_binary: false, error: null };
    } catch (e) {
      if (!(e instanceof PathRefused)) throw e;
      return { status: 'ERROR', file: null, is_binary: false, error: e.message };
    }
  }
}
