import { closeSync, constants, existsSync, openSync, readlinkSync } from 'node:fs';

/**
 * A folder opened once, whose entries are then named through its descriptor: Node has no openat() or
 * unlinkat(), but on Linux `/proc/self/fd/<n>/<name>` is looked up in the very folder behind descriptor n,
 * whatever its path leads to meanwhile. A deletion by path instead walks the path again: a folder on it
 * swapped for a symlink (by anyone who may write to the tree) between the last check and the unlink sends
 * the unlink to a file of the same name elsewhere.
 */
export const PROC_FD = existsSync('/proc/self/fd') ? '/proc/self/fd' : undefined;

export interface PinnedFolder {
  /** A path to `name` in the pinned folder (resolved there, not through the folder's path). */
  entry(name: string): string;
  close(): void;
}

/**
 * Open the folder `abs` (a real path, no symlink on it when planned) and check that the folder opened is the
 * one at that path now, so not one a symlink swapped in on the way leads to. Undefined when it is not (or
 * is gone); without /proc the plain path is used (no better is possible in Node there).
 */
export function pinFolder(abs: string): PinnedFolder | undefined {
  if (PROC_FD === undefined) return { entry: (name) => `${abs}/${name}`, close: () => undefined };
  let fd: number;
  try {
    fd = openSync(abs, constants.O_RDONLY | constants.O_DIRECTORY);
  } catch {
    return undefined;
  }
  const at = `${PROC_FD}/${String(fd)}`;
  let where: string;
  try {
    where = readlinkSync(at);
  } catch {
    where = '';
  }
  if (where !== abs) {
    closeSync(fd);
    return undefined;
  }
  return { entry: (name) => `${at}/${name}`, close: () => { closeSync(fd); } };
}
