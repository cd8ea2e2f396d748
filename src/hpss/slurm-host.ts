/**
 * The hpss scripts as Slurm jobs through the Superfacility API — how the original system reaches HPSS
 * (CONTRACTS.md §4.1, §4.5: `-q xfer -A als -C cron` on Perlmutter). The script is the one the ssh transport
 * runs, verbatim, inside a small wrapper that records its exit code and packs its stdout and stderr for the
 * SFAPI's small-file download: split into parts, each base64 (so a part boundary never splits a character),
 * with the byte count and a SHA-256 of the whole in the job's status file, checked here before anything is
 * read. A job that ends any other way than COMPLETED with that status file (FAILED, TIMEOUT, NODE_FAIL,
 * cancelled, …) is a failed run of the script, like a dropped ssh connection: the step fails, and the
 * scripts are written so that a re-run completes.
 *
 * A job is named after its script, so a re-run of a step whose runner died follows the job still running
 * instead of submitting a second one beside it (two htar writing one archive). A job that already ended is
 * never taken for a new one: its results are from then, not now.
 */
import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { HpssSlurmSettings } from '../endpoints.js';
import { SplashError, stepError } from '../errors.js';
import { jobName } from '../hpc/naming.js';
import { directiveValue, slurmTime } from '../hpc/slurm-script.js';
import type { StepContext } from '../run/context.js';
import { formatDuration } from '../run/format.js';
import { ACTIVE_STATES, type JobView, type SfapiClient } from '../sfapi/index.js';
import { shq } from '../shell.js';
import type { HostRun, HostRunOptions, TapeHost } from './host.js';

/** Bytes per downloaded part before base64 (4 MB after): below the SFAPI's small-file limit. */
export const PART_BYTES = 3_000_000;

export interface SlurmHostOptions {
  readonly settings: HpssSlurmSettings;
  readonly client: () => Promise<SfapiClient>;
  readonly ctx: StepContext;
  readonly pollFirstMs: number;
  readonly pollMaxMs: number;
  readonly notFoundGraceMs: number;
  /** Aborted when the step is cancelled: the job is cancelled too. */
  readonly signal?: AbortSignal | undefined;
}

/** A heredoc delimiter no line of the script equals (deterministic, so equal scripts give equal jobs). */
function delimiter(script: string): string {
  const lines = new Set(script.split('\n'));
  const base = `SPLASH_SCRIPT_${createHash('sha256').update(script).digest('hex').slice(0, 12)}`;
  let d = base;
  for (let i = 1; lines.has(d); i++) d = `${base}_${String(i)}`;
  return d;
}

/** The job: directives at column 0 (no --nodes: the xfer QOS refuses it), then the script and the packing. */
export function slurmWrapper(script: string, name: string, s: HpssSlurmSettings): string {
  const v = directiveValue;
  const d = delimiter(script);
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=${v(name, 'the job name')}`,
    `#SBATCH --account=${v(s.account, 'the account')}`,
    `#SBATCH --qos=${v(s.qos, 'the QOS')}`,
    `#SBATCH --constraint=${v(s.constraint, 'the constraint')}`,
    `#SBATCH --time=${slurmTime(s.walltimeSeconds)}`,
    `#SBATCH --output=${v(s.logDir, 'the log folder')}/%x_%j.out`,
    `#SBATCH --error=${v(s.logDir, 'the log folder')}/%x_%j.err`,
    '# The step\'s script, verbatim; its exit code, stdout and stderr are packed for the SFAPI download.',
    'set -u',
    'umask 077',
    `R=${shq(s.logDir)}/"\${SLURM_JOB_NAME}_\${SLURM_JOB_ID}"`,
    `cat >"$R.sh" <<'${d}'`,
    script.endsWith('\n') ? script.slice(0, -1) : script,
    d,
    'bash "$R.sh" </dev/null >"$R.stdout" 2>"$R.stderr"',
    'code=$?',
    'pack() {',
    '  local f=$1 n=0 p',
    `  split -b ${String(PART_BYTES)} -d -a 5 -- "$f" "$f.part-" || return 1`,
    '  for p in "$f".part-?????; do',
    '    [ -e "$p" ] || continue',
    '    base64 -w 0 -- "$p" >"$p.b64" || return 1',
    '    rm -f -- "$p"',
    '    n=$((n + 1))',
    '  done',
    '  printf %s "$n"',
    '}',
    'meta() { printf \'"%s_bytes":%s,"%s_sha256":"%s","%s_parts":%s\' "$1" "$(stat -c %s -- "$2")" "$1" "$(sha256sum -- "$2" | cut -d" " -f1)" "$1" "$3"; }',
    'op=$(pack "$R.stdout") || exit 1',
    'ep=$(pack "$R.stderr") || exit 1',
    'printf \'{"ok":true,"exit":%s,%s,%s}\\n\' "$code" "$(meta out "$R.stdout" "$op")" "$(meta err "$R.stderr" "$ep")" >"$R.status.tmp" || exit 1',
    'mv -f -- "$R.status.tmp" "$R.status.json" || exit 1',
    'rm -f -- "$R.sh" "$R.stdout" "$R.stderr"',
    '',
  ].join('\n');
}

interface StatusDoc {
  readonly exit: number;
  readonly out: { bytes: number; sha256: string; parts: number };
  readonly err: { bytes: number; sha256: string; parts: number };
}

function readStatus(text: string | undefined): StatusDoc | undefined {
  if (text === undefined) return undefined;
  try {
    const d = JSON.parse(text) as Record<string, unknown>;
    const part = (k: 'out' | 'err') => {
      const bytes = d[`${k}_bytes`];
      const sha256 = d[`${k}_sha256`];
      const parts = d[`${k}_parts`];
      return typeof bytes === 'number' && typeof sha256 === 'string' && typeof parts === 'number' ? { bytes, sha256, parts } : undefined;
    };
    const out = part('out');
    const err = part('err');
    if (d.ok !== true || typeof d.exit !== 'number' || !out || !err) return undefined;
    return { exit: d.exit, out, err };
  } catch {
    return undefined;
  }
}

const newest = (jobs: readonly JobView[]): JobView | undefined => [...jobs].sort((a, b) => Number(b.jobId) - Number(a.jobId))[0];

const sleep = async (ms: number, signal: AbortSignal | undefined): Promise<void> => {
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch {
    // aborted: the caller checks the signal
  }
};

export function slurmHost(o: SlurmHostOptions): TapeHost {
  const s = o.settings;
  const label = `Slurm jobs (qos ${s.qos}, account ${s.account}) through the Superfacility API`;
  return {
    label,
    async check() {
      const client = await o.client();
      // HPSS is down for maintenance now and then; the SFAPI names it "archive".
      for (const system of [client.machine, 'archive']) {
        const st = await client.status(system);
        if (st.status === 'unavailable') {
          throw stepError(`${system} is unavailable at NERSC${st.notes.length > 0 ? `: ${st.notes.join('; ')}` : ''}; nothing was submitted`, 'see https://www.nersc.gov/live-status/ and run again when it is back');
        }
      }
    },
    run: (script, what, opts) => runJob(o, script, what, opts ?? {}),
  };
}

async function runJob(o: SlurmHostOptions, script: string, what: string, opts: HostRunOptions): Promise<HostRun> {
  const { ctx, settings: s } = o;
  const client = await o.client();
  const name = jobName('hpss', what, script);
  const user = await client.user();
  const job = (j: string): string => `HPSS ${what} job ${j}`;

  // 1. The same script already running (a re-run after the runner died)? Follow it.
  const running = newest((await client.jobs({ name, user }, 'squeue')).filter((j) => ACTIVE_STATES.has(j.state)));
  let jobId = running?.jobId;
  if (jobId !== undefined) ctx.info(`${job(jobId)} (${name}) was submitted by an earlier run and is ${running?.state ?? ''}: following it`);
  else {
    const submitted = await client.submitJob(slurmWrapper(script, name, s), async () => {
      const again = await client.jobs({ name, user }, 'squeue');
      return newest(again.filter((j) => ACTIVE_STATES.has(j.state)))?.jobId;
    });
    jobId = submitted.jobId;
    ctx.info(`submitted ${job(jobId)} (${name}) to qos ${s.qos}`);
  }

  // 2. Wait for its end: bounded, backing off, cancelled with the step.
  const started = Date.now();
  const deadline = started + (s.walltimeSeconds + s.queueAllowanceSeconds) * 1000;
  const notFoundUntil = started + o.notFoundGraceMs;
  let wait = o.pollFirstMs;
  let last: JobView | undefined;
  let lastLog = started;
  for (;;) {
    if (o.signal?.aborted) {
      await client.cancelJob(jobId).catch(() => undefined);
      throw new SplashError('step', `the step was cancelled; ${job(jobId)} was cancelled too`, 'run the step again');
    }
    const view = await client.job(jobId);
    if (view === undefined) {
      if (Date.now() > notFoundUntil) throw stepError(`${job(jobId)} is in neither squeue nor sacct ${formatDuration(o.notFoundGraceMs / 1000)} after it was submitted`, 'check it at https://iris.nersc.gov, then run again');
    } else {
      last = view;
      if (!ACTIVE_STATES.has(view.state)) break;
      if (Date.now() - lastLog >= 60_000) {
        lastLog = Date.now();
        ctx.info(`${job(jobId)} ${view.state}${view.state === 'PENDING' && view.reason ? ` (${view.reason})` : ''}; waited ${formatDuration((Date.now() - started) / 1000)}`);
      }
    }
    if (Date.now() >= deadline) {
      await client.cancelJob(jobId).catch(() => undefined);
      throw stepError(`${job(jobId)} had not finished ${formatDuration(s.walltimeSeconds + s.queueAllowanceSeconds)} after submission; it was cancelled`, 'raise sfapi.walltime or queue_allowance_minutes of the hpss endpoint, or run again');
    }
    await sleep(Math.min(wait, Math.max(0, deadline - Date.now())), o.signal);
    wait = Math.min(o.pollMaxMs, Math.round(wait * 1.5));
  }

  // 3. Its results: the status file, then the packed stdout and stderr, checked against it.
  const base = `${s.logDir}/${name}_${jobId}`;
  const status = readStatus(await client.download(`${base}.status.json`).catch(() => undefined));
  if (last.state !== 'COMPLETED' || status === undefined) {
    const tail = await client.download(`${base}.err`).catch(() => undefined);
    const lines = (tail ?? '').trim().split('\n').filter((l) => l !== '').slice(-3).join(' | ');
    const how = last.state === 'COMPLETED' ? 'COMPLETED without its status file' : `ended ${last.state}${last.exitCode ? ` (exit ${last.exitCode})` : ''}`;
    throw stepError(`${job(jobId)} ${how}: the script did not run to its end${lines ? `: ${lines.slice(0, 400)}` : ''}`, `run the step again (it completes what is missing); logs: ${base}.out / .err`);
  }
  const fetch = async (k: 'stdout' | 'stderr', m: StatusDoc['out']): Promise<string> => {
    const parts: Buffer[] = [];
    for (let i = 0; i < m.parts; i++) {
      const text = await client.download(`${base}.${k}.part-${String(i).padStart(5, '0')}.b64`);
      if (text === undefined) throw stepError(`${job(jobId)}: part ${String(i)} of its ${k} is missing`, 'run the step again');
      parts.push(Buffer.from(text.trim(), 'base64'));
    }
    const all = Buffer.concat(parts);
    if (all.length !== m.bytes || createHash('sha256').update(all).digest('hex') !== m.sha256) {
      throw stepError(`${job(jobId)}: its ${k} came back damaged (${String(all.length)} of ${String(m.bytes)} bytes, or another checksum)`, 'run the step again');
    }
    return all.toString('utf8');
  };
  const stdout = await fetch('stdout', status.out);
  const stderr = await fetch('stderr', status.err);
  for (const line of stderr.split('\n')) opts.onErrorLine?.(line);
  if (opts.onLine) for (const line of stdout.split('\n')) opts.onLine(line);
  return { code: status.exit, stdout, stderr };
}
