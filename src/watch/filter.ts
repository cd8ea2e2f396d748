/**
 * Which files in a watched folder are data. Beamline software and people leave files that must never be
 * dispatched: files still being written under a temporary name (renamed when complete), editor and OS
 * droppings, hidden files (including the watcher's own spool). Those are ignored always; `patterns` and
 * `ignore` from config narrow the rest.
 */
import { globMatcher } from './glob.js';

/**
 * Temporary-name conventions: `.tmp`/`.temp`, `.part`/`.partial` (curl, browsers, rsync --partial-dir
 * tools), `.crdownload`/`.download`, editor swap files, `~` backups, Office `~$` lock files, and Windows'
 * `Thumbs.db` / `desktop.ini`. Hidden names (leading '.') cover rsync's `.name.XXXXXX` and our own
 * `.name.….splash-partial`.
 */
const TEMPORARY = /(\.(tmp|temp|part|partial|crdownload|download|swp|swx|swo|lck|lock)$|~$|^~\$|^#.*#$|^thumbs\.db$|^desktop\.ini$)/i;

export interface FileFilter {
  /** A file (path relative to the watched folder, '/'-separated) that may be dispatched once stable. */
  accepts(rel: string): boolean;
  /** A folder whose whole subtree is ignored (hidden, or matched by an `ignore` pattern). */
  skipsDir(rel: string): boolean;
}

export interface FilterOptions {
  /** Only files matching one of these are data; empty = every file not ignored. */
  readonly patterns: readonly string[];
  readonly ignore: readonly string[];
  /** Case-insensitive matching (default: on Windows, whose file names are). */
  readonly nocase?: boolean;
}

/** Why a file name is ignored regardless of config, or undefined. */
export function builtinIgnoreReason(rel: string): string | undefined {
  const segments = rel.split('/');
  if (segments.some((s) => s.startsWith('.'))) return 'hidden';
  const base = segments.at(-1) ?? '';
  if (TEMPORARY.test(base)) return 'temporary name';
  return undefined;
}

export function makeFilter(opts: FilterOptions): FileFilter {
  const nocase = opts.nocase ?? process.platform === 'win32';
  const wanted = opts.patterns.length > 0 ? globMatcher(opts.patterns, { nocase }) : undefined;
  const ignored = globMatcher(opts.ignore, { nocase });
  return {
    accepts(rel) {
      if (builtinIgnoreReason(rel) !== undefined) return false;
      if (ignored(rel)) return false;
      return wanted === undefined || wanted(rel);
    },
    skipsDir(rel) {
      if (rel === '') return false;
      if (rel.split('/').some((s) => s.startsWith('.'))) return true;
      // `scratch/**` ignores the folder itself too: nothing below it could be accepted.
      return ignored(rel) || ignored(`${rel}/`);
    },
  };
}
