import { randomBytes } from 'node:crypto';
import { closeSync, lstatSync, openSync, rmdirSync, unlinkSync } from 'node:fs';
import { configError, stepError } from '../errors.js';
import { STATE_DIR } from '../fs/verification-record.js';
import { codeOf } from '../fs/walk.js';
import { stateDir } from './fs-lock.js';

/**
 * Prove, before a rule deletes anything, that its check endpoint is not the pruned storage under another
 * name. A mount of the pruned folder at the check root (NFS or SMB loopback, overlay) has its own device
 * number, so neither the same-inode test nor realpath sees it — and deleting a file would delete its
 * "copy" with it. So: create `<root>/.splash/identity-<random>` and look for that name under
 * `<check root>/.splash/`. Visible there means one storage: a config error naming both, nothing deleted.
 * Returns a warning when the marker could not be removed afterwards (harmless: sweeps skip `.splash/`).
 */
export function proveSeparateStorage(endpoint: string, root: string, check: string, checkRoot: string): string | undefined {
  const cannot = (what: string, err: unknown) =>
    stepError(
      `prune of ${endpoint}: cannot prove that ${check} (${checkRoot}) is separate storage — ${what} (${codeOf(err)}); nothing was deleted`,
      `the runner needs write access to ${root}/${STATE_DIR} and read access to ${checkRoot}/${STATE_DIR}`,
    );
  const name = `identity-${randomBytes(16).toString('hex')}`;
  let dir: { path: string; created: boolean } | undefined;
  // Twice at most: another prune's dry run may remove an empty .splash/ between our mkdir and the create.
  for (let attempt = 0; dir === undefined; attempt++) {
    let made: { path: string; created: boolean };
    try {
      made = stateDir(root);
    } catch (err) {
      throw cannot(`${root}/${STATE_DIR} cannot be created`, err);
    }
    try {
      closeSync(openSync(`${made.path}/${name}`, 'wx', 0o644));
      dir = made;
    } catch (err) {
      if (codeOf(err) !== 'ENOENT' || attempt > 0) throw cannot(`the marker ${made.path}/${name} cannot be created`, err);
    }
  }
  const marker = `${dir.path}/${name}`;
  let visible: boolean;
  try {
    visible = lstatSync(`${checkRoot}/${STATE_DIR}/${name}`, { throwIfNoEntry: false }) !== undefined;
  } catch (err) {
    // ENOTDIR: the check root holds a file named .splash; our marker cannot be under it.
    if (codeOf(err) !== 'ENOTDIR') {
      removeMarker(marker, dir);
      throw cannot(`${checkRoot}/${STATE_DIR} cannot be read`, err);
    }
    visible = false;
  }
  const warning = removeMarker(marker, dir);
  if (visible) {
    throw configError(
      `prune of ${endpoint} is checked against ${check}, but both are the same storage: a marker created under ${endpoint} (${root}) is visible under ${check} (${checkRoot}); nothing was deleted`,
      `${checkRoot} is the pruned folder under another name (an NFS, SMB or overlay mount of it?); a check endpoint must be a separate copy of the data — fix the mount or the prune rule in config.yml`,
    );
  }
  return warning;
}

function removeMarker(marker: string, dir: { path: string; created: boolean }): string | undefined {
  try {
    unlinkSync(marker);
  } catch (err) {
    return `the storage-identity marker ${marker} could not be removed (${codeOf(err)}); it is harmless (prune, move and the watcher skip ${STATE_DIR}/), remove it by hand`;
  }
  // A folder made only for the marker goes again, so a dry run leaves nothing behind.
  if (dir.created) {
    try {
      rmdirSync(dir.path);
    } catch {
      // another prune put its lock there meanwhile
    }
  }
  return undefined;
}
