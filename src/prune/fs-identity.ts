import { randomBytes } from 'node:crypto';
import { closeSync, lstatSync, openSync, unlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { configError, stepError } from '../errors.js';
import { MARKER_PREFIX, STATE_DIR } from '../fs/verification-record.js';
import { codeOf } from '../fs/walk.js';

/**
 * Prove, before a rule deletes anything, that its check endpoint is not the pruned storage under another
 * name. A mount of the pruned folder at the check root (NFS or SMB loopback, overlay) has its own device
 * number, so neither the same-inode test nor realpath sees it — and deleting a file would delete its
 * "copy" with it. So: create `<root>/.splash-identity-<random>` and look for that name under `<check root>/`.
 * Visible there means one storage: a config error naming both, nothing deleted.
 *
 * The marker sits at the top of the root, a name never looked up before, and not under `.splash/`: a mount
 * may keep an old view of a folder it has looked up. An overlay whose `.splash/` was made through it (the move
 * writes its verification records there before the first prune) never shows what is created later in
 * the pruned folder's `.splash/`; an NFS client may likewise keep a cached "no such folder". Only the
 * root's own entry is certain to be looked up afresh. `<root>/.splash` must still be a real folder (the
 * lock and records live there). Returns a warning when the marker could not be removed afterwards
 * (harmless: every walk skips it, see isStateName).
 */
export function proveSeparateStorage(endpoint: string, root: string, check: string, checkRoot: string): string | undefined {
  const cannot = (what: string, err: unknown) =>
    stepError(
      `prune of ${endpoint}: cannot prove that ${check} (${checkRoot}) is separate storage — ${what} (${codeOf(err)}); nothing was deleted`,
      `the runner needs write access to ${root} and read access to ${checkRoot}`,
    );
  // The state folder, where the lock goes next, must be a real folder (a symlink could send state elsewhere).
  const state = `${root}/${STATE_DIR}`;
  try {
    const st = lstatSync(state, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) throw stepError(`${state} is not a folder (a symlink or a file)`);
  } catch (err) {
    throw cannot(`${state} cannot be used`, err);
  }
  const marker = `${root}/${MARKER_PREFIX}${randomBytes(16).toString('hex')}`;
  try {
    closeSync(openSync(marker, 'wx', 0o600));
  } catch (err) {
    throw cannot(`the marker ${marker} cannot be created`, err);
  }
  let visible: boolean;
  try {
    visible = lstatSync(`${checkRoot}/${basename(marker)}`, { throwIfNoEntry: false }) !== undefined;
  } catch (err) {
    removeMarker(marker);
    throw cannot(`${checkRoot} cannot be read`, err);
  }
  const warning = removeMarker(marker);
  if (visible) {
    throw configError(
      `prune of ${endpoint} is checked against ${check}, but both are the same storage: a marker created under ${endpoint} (${root}) is visible under ${check} (${checkRoot}); nothing was deleted`,
      `${checkRoot} is the pruned folder under another name (an NFS, SMB or overlay mount of it?); a check endpoint must be a separate copy of the data — fix the mount or the prune rule in config.yml`,
    );
  }
  return warning;
}

function removeMarker(marker: string): string | undefined {
  try {
    unlinkSync(marker);
  } catch (err) {
    return `the storage-identity marker ${marker} could not be removed (${codeOf(err)}); it is harmless (prune, move and the watcher skip it), remove it by hand`;
  }
  return undefined;
}
