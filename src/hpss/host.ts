/**
 * Where hsi and htar run. HPSS is not an SSH target itself: its clients run on NERSC hosts (data transfer
 * nodes, Perlmutter login nodes) that hold the HPSS token (CONTRACTS.md §4.1). So a step either runs a
 * generated bash script on such a host over SSH, or — for a runner that lives on one — right here.
 *
 * SSH is the OpenSSH client, not a JavaScript implementation: it reads the certificate that NERSC's
 * sshproxy issues next to the key, honours known_hosts and ssh_config, and is on every runner. The script
 * travels on stdin (`bash -s`), so nothing but the fixed words `bash -s` is on the remote command line.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { resolveEnv } from '../config/index.js';
import type { HPSSEndpoint } from '../endpoints.js';
import { configError, SplashError, stepError } from '../errors.js';

export interface HostRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface HostRunOptions {
  /** Each complete stdout line as it arrives (not called for NUL-separated output). */
  readonly onLine?: (line: string) => void;
  /** Each stderr line: hsi and htar report there. */
  readonly onErrorLine?: (line: string) => void;
  /** Kill the script after this long (default: no limit; archives of terabytes take hours). */
  readonly timeoutMs?: number;
}

/**
 * Where the hpss steps' scripts run: over ssh on a NERSC host, on this runner, or as Slurm jobs through the
 * SFAPI (slurm-host.ts). Every transport runs the same script text and hands back its exit code, stdout and
 * stderr, so the scripts and their verification are shared.
 */
export interface TapeHost {
  /** For log lines: "alsdev@dtn01.nersc.gov", "this runner", "Slurm jobs on perlmutter (qos xfer)". */
  readonly label: string;
  /** What can be checked before anything runs (a readable key, reachable services); throws config or step errors. */
  check(): Promise<void>;
  /** Run one script; `what` names it in job names and errors (list, archive, restore, prune). */
  run(script: string, what: string, opts?: HostRunOptions): Promise<HostRun>;
}

/** The ssh (or local) transport. */
export function sshHost(e: HPSSEndpoint): TapeHost {
  return {
    label: hostLabel(e),
    check: () => {
      sshArgs(e); // the key is there and readable, before anything runs
      return Promise.resolve();
    },
    run: (script, _what, opts) => runOnHost(e, script, opts),
  };
}

/** ssh itself failed (no connection, key refused, unknown host key): every later call would fail the same way. */
export class SshFailed extends SplashError {
  constructor(message: string, hint: string) {
    super('step', message, hint);
  }
}

/** Where the step's scripts run, for log lines. */
export function hostLabel(e: HPSSEndpoint): string {
  if (e.sfapi) return `Slurm jobs (qos ${e.sfapi.qos}) through the Superfacility API`;
  if (!e.ssh) return 'this runner';
  return `${e.ssh.user === undefined ? '' : `${e.ssh.user}@`}${e.ssh.host}${e.ssh.port === 22 ? '' : `:${String(e.ssh.port)}`}`;
}

/** The ssh command line; every value comes from the validated config (host and user are plain words). */
export function sshArgs(e: HPSSEndpoint): string[] | undefined {
  const ssh = e.ssh;
  if (!ssh) return undefined;
  const key = resolveEnv(ssh.key_path, { secret: false, mask: () => undefined });
  try {
    accessSync(key, constants.R_OK);
  } catch {
    throw configError(
      `${e.name}.ssh.key_path: cannot read the private key ${key}`,
      'check the path and that the runner user can read it (sshproxy writes a new key every 24 h)',
    );
  }
  const args = [
    '-o', 'BatchMode=yes', // never prompt: a scheduled run has nobody to answer
    '-o', 'StrictHostKeyChecking=yes', // an unknown host key is an error, not a question
    '-o', 'IdentitiesOnly=yes',
    '-o', `ConnectTimeout=${String(ssh.connect_timeout_seconds)}`,
    '-o', 'ServerAliveInterval=30',
    '-o', 'ServerAliveCountMax=6',
    '-i', key,
    '-p', String(ssh.port),
  ];
  if (ssh.known_hosts !== undefined) args.push('-o', `UserKnownHostsFile=${ssh.known_hosts}`);
  if (ssh.user !== undefined) args.push('-l', ssh.user);
  args.push('--', ssh.host, 'bash -s');
  return args;
}

/** Run a bash script on the endpoint's host; resolves with its exit code (255: ssh itself failed). */
export function runOnHost(e: HPSSEndpoint, script: string, opts: HostRunOptions = {}): Promise<HostRun> {
  const args = sshArgs(e);
  const child = args ? spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] }) : spawn('bash', ['-s'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const lines = (sink: ((line: string) => void) | undefined) => {
    let pending = '';
    return (chunk: Buffer) => {
      if (!sink) return;
      pending += chunk.toString('utf8');
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) sink(line);
    };
  };
  const onOut = lines(opts.onLine);
  const onErr = lines(opts.onErrorLine);
  child.stdout.on('data', (c: Buffer) => {
    out.push(c);
    onOut(c);
  });
  child.stderr.on('data', (c: Buffer) => {
    err.push(c);
    onErr(c);
  });
  // The far end may exit before reading all of a long script; that shows as the exit code, not EPIPE.
  child.stdin.on('error', () => undefined);
  child.stdin.end(script);

  return new Promise((resolve, reject) => {
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill('SIGTERM');
          }, opts.timeoutMs);
    child.on('error', (error) => {
      if (timer) clearTimeout(timer);
      const what = args ? 'ssh' : 'bash';
      reject(stepError(`cannot start ${what}: ${error.message}`, `install the OpenSSH client (${what}) on the runner`));
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (signal !== null) {
        reject(stepError(`the script on ${hostLabel(e)} was stopped (${signal})${opts.timeoutMs === undefined ? '' : ` after ${String(Math.round(opts.timeoutMs / 1000))} s`}`));
        return;
      }
      if (args && code === 255) {
        reject(
          new SshFailed(
            `ssh to ${hostLabel(e)} failed: ${lastLines(stderr)}`,
            'check ssh.host, ssh.user and ssh.key_path in config.yml, that the key is current (sshproxy keys last 24 h) and that the host key is in known_hosts',
          ),
        );
        return;
      }
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

/** The end of a tool's stderr for an error message: a few lines, never a wall of text; 'no message' when empty. */
export function lastLines(text: string, n = 3): string {
  const tail = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(-n)
    .join(' | ')
    .slice(0, 600);
  return tail === '' ? 'no message' : tail;
}
