// Stand-ins for the launchers a Perlmutter batch script uses: srun, podman-hpc and shifter.
//
// Containers are simulated without namespaces: the command runs on the host, with every container path that
// lies under a volume rewritten to its host path — in each argument and inside `bash -c` strings (at path
// boundaries, longest mount first) — the working directory mapped the same way, and the program stand-ins told
// which host paths are visible (SFAPI_SIM_VISIBLE: the volumes; for shifter also the sandbox, which NERSC's
// Shifter mounts at the same paths [UNVERIFIED]). A volume nested inside another volume (the original recon
// script mounts sfapi_reconstruction.py into the /alsuser volume) gets a symlink in the outer volume's host
// folder, where runc would create its mount point. podman-hpc gives the container only its own environment
// (--env, image PATH); shifter keeps the caller's environment, as they do.
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { die, images } from './common.mjs';

const IMAGE_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'image');
const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15, SIGBUS: 7 };

/** Run a command, inheriting stdio; resolves to its exit code (128 + signal number when killed). */
function run(cmd, args, opts, onError) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { ...opts, stdio: 'inherit' });
    child.once('error', (e) => {
      onError(e);
      done(127);
    });
    child.once('exit', (code, signal) => done(signal ? 128 + (SIGNALS[signal] ?? 0) : (code ?? 0)));
  });
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The textual container → host path rewriter for a mount table [{ c, h }]. */
function rewriter(mounts) {
  const usable = mounts.filter((m) => m.c !== '/').sort((a, b) => b.c.length - a.c.length);
  if (usable.length === 0) return (s) => s;
  const re = new RegExp(`(^|[\\s'"=:;&|(])(${usable.map((m) => escapeRe(m.c)).join('|')})(?=$|[/\\s'"=:;&|)])`, 'g');
  return (s) => s.replace(re, (_, pre, c) => pre + usable.find((m) => m.c === c).h);
}

/** A container path → host path through the mount table, or undefined when no volume holds it. */
function toHost(mounts, p) {
  let best;
  for (const m of mounts) {
    if ((p === m.c || p.startsWith(m.c.endsWith('/') ? m.c : m.c + '/')) && (!best || m.c.length > best.c.length)) best = m;
  }
  if (!best) return undefined;
  return join(best.h, relative(best.c, p));
}

/** Parse `src:dst[:ro|rw]`; sources must exist on the host, destinations be absolute. */
function volume(spec, tool) {
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3) die(`${tool}: invalid volume specification "${spec}" (expected /host/path:/container/path[:ro])`, 125);
  const [h, c, flags] = parts;
  if (!isAbsolute(h)) die(`Error: invalid volume source "${h}": must be an absolute path`, 125);
  if (!existsSync(h)) die(`Error: statfs ${h}: no such file or directory`, 125);
  if (!isAbsolute(c)) die(`Error: invalid container path "${c}", must be an absolute path`, 125);
  if (flags !== undefined && !['ro', 'rw', 'z', 'Z'].includes(flags)) die(`Error: invalid mount option "${flags}" in "${spec}"`, 125);
  const cn = normalize(c).replace(/(.)\/$/, '$1');
  return { h: normalize(h).replace(/(.)\/$/, '$1'), c: cn, ro: flags === 'ro' };
}

/** Make nested volumes visible through their outer volume (see the header). */
function placeNested(mounts) {
  for (const inner of mounts) {
    const outer = mounts.filter((o) => o !== inner && inner.c.startsWith(o.c + '/')).sort((a, b) => b.c.length - a.c.length)[0];
    if (!outer) continue;
    const at = join(outer.h, relative(outer.c, inner.c));
    const present = (() => {
      try {
        lstatSync(at);
        return true;
      } catch {
        return false;
      }
    })();
    if (present) continue;
    mkdirSync(dirname(at), { recursive: true });
    try {
      symlinkSync(inner.h, at);
    } catch {
      // another task of the same step placed it first
    }
  }
}

/** An image reference checked against the simulated registry: its repository and WORKDIR. */
function image(ref, tool) {
  const name = ref.replace(/^docker:/, '');
  if (name !== name.toLowerCase()) die(`Error: invalid reference format: repository name must be lowercase: ${ref}`, 125);
  const m = /^([a-z0-9][a-z0-9._\-/]*[a-z0-9])(?::([\w][\w.-]{0,127}))?(?:@(sha256:[0-9a-f]{64}))?$/.exec(name);
  if (!m) die(`Error: invalid reference format: ${ref}`, 125);
  const repo = m[1];
  const spec = images()[repo];
  if (!spec) die(`Error: ${tool}: initializing source docker://${name}: reading manifest: manifest unknown (sfapi-sim: the image is not in the simulated registry)`, 125);
  return { repo, workdir: spec.workdir ?? '/' };
}

function plumbing(extra) {
  const env = {};
  for (const k of ['SFAPI_SIM_NODE', 'SFAPI_SIM_CONTROL', 'SFAPI_SIM_SANDBOX']) if (process.env[k] !== undefined) env[k] = process.env[k];
  return { ...env, ...extra };
}

const notFound = (cmd) => (e) => {
  process.stderr.write(`Error: crun: executable file \`${cmd}\` not found in $PATH: No such file or directory: OCI runtime attempted to invoke a command that was not found (${e.code ?? e.message})\n`);
};

/** podman-hpc run [--volume a:b]… [--env K=V]… [-w dir] [flags] IMAGE [CMD…] */
export async function podmanHpc(argv) {
  const [sub, ...rest] = argv;
  if (sub === 'pull') {
    image(rest[0] ?? die('Error: requires at least 1 arg(s), only received 0', 125), 'podman-hpc');
    return 0;
  }
  if (sub !== 'run') die(`Error: unknown command "${sub ?? ''}" for "podman-hpc" (sfapi-sim simulates run and pull)`, 125);
  const mounts = [];
  const env = {};
  let workdir;
  let i = 0;
  const value = (a, name) => {
    const eq = a.indexOf('=');
    if (eq !== -1 && a.startsWith('--')) return a.slice(eq + 1);
    const v = rest[++i];
    if (v === undefined) die(`Error: flag needs an argument: ${name}`, 125);
    return v;
  };
  for (; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('-')) break;
    const flag = a.split('=')[0];
    if (flag === '--volume' || flag === '-v') mounts.push(volume(value(a, flag), 'podman-hpc'));
    else if (flag === '--env' || flag === '-e') {
      const kv = value(a, flag);
      const eq = kv.indexOf('=');
      if (eq === -1) {
        if (process.env[kv] !== undefined) env[kv] = process.env[kv];
      } else env[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else if (flag === '--workdir' || flag === '-w') workdir = value(a, flag);
    else if (['--rm', '--gpu', '--mpi', '--cuda-mpi', '-it', '-i', '-t', '--init'].includes(flag)) continue;
    else if (['--network', '--net', '--shm-size', '--name', '--ipc', '--user', '-u', '--userns'].includes(flag)) value(a, flag);
    else die(`Error: unknown flag: ${flag}\nSee 'podman-hpc run --help'`, 125);
  }
  const ref = rest[i];
  if (ref === undefined) die('Error: requires at least 1 arg(s), only received 0', 125);
  const img = image(ref, 'podman-hpc');
  const cmd = rest.slice(i + 1);
  if (cmd.length === 0) die(`Error: no command specified for ${ref} (the simulated images have no default command)`, 125);
  placeNested(mounts);
  const rw = rewriter(mounts);
  const wd = workdir ?? img.workdir;
  let cwd = toHost(mounts, wd);
  let rootfs;
  if (cwd === undefined || !existsSync(cwd)) {
    // The image's own (empty) folder: nothing of the host is visible there, and it is gone after the run.
    rootfs = mkdtempSync(join(tmpdir(), 'sfapi-sim-rootfs-'));
    cwd = join(rootfs, wd);
    mkdirSync(cwd, { recursive: true });
  }
  const visible = mounts.map((m) => ({ path: m.h, ro: m.ro }));
  const containerEnv = plumbing({
    PATH: `${IMAGE_BIN}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    HOME: '/root',
    HOSTNAME: 'container',
    ...env,
    SFAPI_SIM_VISIBLE: JSON.stringify(visible),
  });
  const args = cmd.map(rw);
  try {
    return await run(args[0], args.slice(1), { cwd, env: containerEnv }, notFound(args[0]));
  } finally {
    if (rootfs) rmSync(rootfs, { recursive: true, force: true });
  }
}

/** shifter [--image=IMG] [--volume=a:b[;c:d]]… [--env=K=V]… [--workdir=D] CMD… */
export async function shifter(argv) {
  let ref = process.env.SLURM_SPANK_SHIFTER_IMAGE;
  const specs = (process.env.SLURM_SPANK_SHIFTER_VOLUME ?? '').split(';').filter(Boolean);
  const env = {};
  let workdir;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-')) break;
    const eq = a.indexOf('=');
    const flag = eq === -1 ? a : a.slice(0, eq);
    const v = eq === -1 ? argv[++i] : a.slice(eq + 1);
    if (v === undefined) die(`shifter: option ${flag} requires an argument`, 1);
    if (flag === '--image' || flag === '-i') ref = v;
    else if (flag === '--volume' || flag === '-V') specs.push(...v.split(';').filter(Boolean));
    else if (flag === '--env' || flag === '-e') {
      const k = v.indexOf('=');
      if (k === -1) die(`shifter: --env needs NAME=VALUE, got ${v}`, 1);
      env[v.slice(0, k)] = v.slice(k + 1);
    } else if (flag === '--workdir' || flag === '-w') workdir = v;
    else if (flag === '--module' || flag === '-m') continue;
    else die(`shifter: unrecognized option '${flag}'`, 1);
  }
  if (ref === undefined) die('shifter: no image given (--image=… or #SBATCH --image=…)', 1);
  image(ref, 'shifter');
  const mounts = specs.map((s) => volume(s, 'shifter'));
  const cmd = argv.slice(i);
  if (cmd.length === 0) die('shifter: no command given', 1);
  placeNested(mounts);
  const rw = rewriter(mounts);
  let cwd = process.cwd();
  if (workdir !== undefined) {
    cwd = toHost(mounts, workdir) ?? workdir;
    if (!existsSync(cwd) || !statSync(cwd).isDirectory()) die(`shifter: cannot chdir to ${workdir}`, 1);
  }
  const sandbox = process.env.SFAPI_SIM_SANDBOX;
  const visible = [...(sandbox ? [{ path: sandbox, ro: false }] : []), ...mounts.map((m) => ({ path: m.h, ro: m.ro }))];
  const childEnv = { ...process.env, ...env, PATH: `${IMAGE_BIN}:${process.env.PATH ?? '/usr/bin:/bin'}`, SFAPI_SIM_VISIBLE: JSON.stringify(visible) };
  const args = cmd.map(rw);
  return run(args[0], args.slice(1), { cwd, env: childEnv }, (e) => {
    process.stderr.write(`shifter: failed to execute ${args[0]}: ${e.code ?? e.message}\n`);
  });
}

/** srun [-N n] [-n n] [--ntasks-per-node n] [-c n] [flags] CMD…: runs the command as the step's tasks. */
export async function srun(argv) {
  if (process.env.SLURM_JOB_ID === undefined) die('srun: error: no job allocation (sfapi-sim runs srun only inside a batch job)', 1);
  const allocated = Number(process.env.SLURM_NNODES ?? '1');
  let nodes;
  let ntasks;
  let perNode;
  let i = 0;
  const num = (flag, v) => {
    if (v === undefined || !/^\d+$/.test(v) || Number(v) < 1) die(`srun: error: Invalid numeric value "${v ?? ''}" for ${flag}.`, 1);
    return Number(v);
  };
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-')) break;
    let flag = a;
    let v;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq !== -1) {
        flag = a.slice(0, eq);
        v = a.slice(eq + 1);
      }
    } else if (a.length > 2) {
      flag = a.slice(0, 2);
      v = a.slice(2);
    }
    const takes = ['--nodes', '-N', '--ntasks', '-n', '--ntasks-per-node', '--cpus-per-task', '-c', '--cpu-bind', '--mpi', '--export', '--gpus', '-G', '--gpus-per-task', '--gpus-per-node', '--gpu-bind', '--mem', '--distribution', '-m', '--job-name', '-J'];
    const flags = ['--exclusive', '-u', '--unbuffered', '-l', '--label', '--overlap', '--exact'];
    if (flags.includes(flag)) continue;
    if (!takes.includes(flag)) die(`srun: unrecognized option '${a}'\nTry "srun --help" for more information`, 1);
    if (v === undefined) v = argv[++i];
    if (flag === '--nodes' || flag === '-N') nodes = num(flag, v);
    else if (flag === '--ntasks' || flag === '-n') ntasks = num(flag, v);
    else if (flag === '--ntasks-per-node') perNode = num(flag, v);
    else if (flag === '--cpus-per-task' || flag === '-c') num(flag, v);
    else if (v === undefined) die(`srun: option '${flag}' requires an argument`, 1);
  }
  const cmd = argv.slice(i);
  if (cmd.length === 0) die('srun: fatal: No command given to execute.', 1);
  const n = nodes ?? allocated;
  if (n > allocated) die(`srun: error: Only allocated ${allocated} nodes asked for ${n}`, 1);
  const tasks = ntasks ?? (perNode !== undefined ? n * perNode : nodes !== undefined ? n : Number(process.env.SLURM_NTASKS ?? n));
  if (tasks < n) die(`srun: error: Unable to create step: more nodes (${n}) requested than tasks (${tasks})`, 1);
  const codes = await Promise.all(Array.from({ length: tasks }, (_, t) => {
    const env = { ...process.env, SLURM_PROCID: String(t), SLURM_LOCALID: String(t % Math.ceil(tasks / n)), SLURM_NODEID: String(Math.floor((t * n) / tasks)), SLURM_STEP_NUM_TASKS: String(tasks), SLURM_STEP_NUM_NODES: String(n), SLURM_NTASKS: String(tasks), SLURM_STEP_ID: String(process.pid) };
    return run(cmd[0], cmd.slice(1), { env }, (e) => {
      process.stderr.write(`slurmstepd: error: execve(): ${cmd[0]}: ${e.code === 'ENOENT' ? 'No such file or directory' : e.message}\n`);
    });
  }));
  let worst = 0;
  codes.forEach((c, t) => {
    if (c !== 0) process.stderr.write(`srun: error: ${process.env.SLURMD_NODENAME ?? 'nid001001'}: task ${t}: Exited with exit code ${c}\n`);
    worst = Math.max(worst, c);
  });
  return worst;
}

