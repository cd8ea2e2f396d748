// Shared plumbing of the SFAPI simulator's stand-in programs: exits, the behaviour the test asked for, and which
// host paths a program may see (inside a container: its volumes; outside: the sandbox).
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';

/** Thrown to end a stand-in with an exit code (run.mjs sets process.exitCode; exit() could drop queued output). */
export class Exit extends Error {
  constructor(code) {
    super(`exit ${code}`);
    this.code = code;
  }
}

export function die(message, code = 1) {
  process.stderr.write(`${message}\n`);
  throw new Exit(code);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The behaviour set for a program: env SFAPI_SIM_<NAME> (a mode or JSON) wins over the control file. */
export function behaviour(name) {
  let b = {};
  const file = process.env.SFAPI_SIM_CONTROL;
  if (file && existsSync(file)) b = JSON.parse(readFileSync(file, 'utf8')).programs?.[name] ?? {};
  const env = process.env[`SFAPI_SIM_${name.toUpperCase().replace(/-/g, '_')}`];
  if (env) b = env.startsWith('{') ? JSON.parse(env) : { mode: env };
  return b;
}

/** The registry of images (repository → { workdir }) from the control file. */
export function images() {
  const file = process.env.SFAPI_SIM_CONTROL;
  if (!file || !existsSync(file)) return {};
  return JSON.parse(readFileSync(file, 'utf8')).images ?? {};
}

/** Host roots visible to this process: [{ path, ro }], or null when nothing restricts it (run outside the simulator). */
export function visibleRoots() {
  if (process.env.SFAPI_SIM_VISIBLE) return JSON.parse(process.env.SFAPI_SIM_VISIBLE);
  if (process.env.SFAPI_SIM_SANDBOX) return [{ path: process.env.SFAPI_SIM_SANDBOX, ro: false }];
  return null;
}

/** The real path of p, or of its nearest existing ancestor joined with the rest (for paths about to be created). */
function realish(p) {
  const rest = [];
  let cur = p;
  for (;;) {
    try {
      return join(realpathSync(cur), ...rest.reverse());
    } catch {
      const parent = dirname(cur);
      if (parent === cur) return p;
      rest.push(basename(cur));
      cur = parent;
    }
  }
}

/** The visible root holding host path p ({ root, ro }), undefined when none does, null when nothing restricts access. */
export function visibleRoot(p) {
  const roots = visibleRoots();
  if (!roots) return null;
  const real = realish(p);
  let best;
  for (const r of roots) {
    const root = realish(r.path);
    if ((real === root || real.startsWith(root + sep)) && (!best || root.length > best.root.length)) best = { root, ro: r.ro };
  }
  return best;
}

/**
 * A Python-style error when the program may not touch host path p: outside every visible root it does not exist
 * (as in a container without that volume); under a read-only volume it cannot be written.
 */
export function checkAccess(p, write = false) {
  const best = visibleRoot(p);
  if (best === null) return;
  if (!best) die(`FileNotFoundError: [Errno 2] No such file or directory: '${p}' (sfapi-sim: not visible here — not inside a mounted volume)`, 1);
  if (write && best.ro) die(`OSError: [Errno 30] Read-only file system: '${p}'`, 1);
}

export function traceback(script, error) {
  return `Traceback (most recent call last):\n  File "${script}", line 1, in <module>\n${error}`;
}
