import type { BigIntStats } from 'node:fs';
import { lstatSync } from 'node:fs';
import type { FileSystemEndpoint } from '../endpoints.js';
import { joinInside, resolveInside, type RelPath } from '../paths.js';

/**
 * resolveInside() for the many paths of one dispatch at one endpoint: each folder on the way is checked once
 * (a dispatch of 1,000 files in one folder walks that folder's path once, not 1,000 times), and each file
 * itself with one lstat. Anything unusual — a missing file, a symlink, a folder that failed its check — goes
 * through the full resolveInside, so the answers and the errors are the same as calling it for every path.
 */
export class SourceResolver {
  readonly #endpoint: FileSystemEndpoint;
  readonly #dirs = new Map<string, Promise<unknown>>();

  constructor(endpoint: FileSystemEndpoint) {
    this.#endpoint = endpoint;
  }

  /** The absolute path of an existing `rel`, inside the root (symlinks inside it followed, as resolveInside does). */
  async resolve(rel: RelPath): Promise<string> {
    const { root_path: root, name } = this.#endpoint;
    const field = `${name}:${rel}`;
    const full = (): Promise<string> => resolveInside(root, rel, { mustExist: true, field });
    const cut = rel.lastIndexOf('/');
    if (cut > 0) {
      const dir = rel.slice(0, cut) as RelPath;
      let checked = this.#dirs.get(dir);
      if (!checked) {
        checked = resolveInside(root, dir, { mustExist: true, field });
        this.#dirs.set(dir, checked);
      }
      try {
        await checked;
      } catch {
        return full();
      }
    }
    const abs = joinInside(root, rel);
    const st = lstatSync(abs, { throwIfNoEntry: false });
    return st && !st.isSymbolicLink() ? abs : full();
  }
}

/** Device and inode of a source file as it was found (walked or resolved) — numbers, as a plain stat gives them. */
export interface FoundFile {
  readonly dev: number;
  readonly ino: number;
}

/**
 * The file opened is the one that was found: a folder on its path swapped for a symlink since (or the file
 * replaced) would make the path lead elsewhere, and that must not be copied as this file.
 */
export function isFound(st: BigIntStats, found: FoundFile): boolean {
  return Number(st.dev) === found.dev && Number(st.ino) === found.ino;
}
