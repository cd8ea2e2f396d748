/**
 * Slurm batch scripts as the project writes them (RECON §8c): `#!/bin/bash`, every `#SBATCH` directive at
 * column 0 before any command (sbatch stops reading directives at the first command, and ignores indented
 * ones), `set -euo pipefail` after them, every value in a command single-quoted (src/shell.ts), a status
 * file written on success and on every failure the script can catch, and a non-zero exit on any failure.
 *
 * Directive values are not shell words: sbatch splits them on blanks and knows only "…" grouping, and
 * expands %-patterns in --output/--error. So they are checked, not quoted: a value a directive cannot carry
 * exactly is refused.
 */
import { createHash } from 'node:crypto';
import { configError } from '../errors.js';
import { shq } from '../shell.js';

export interface SlurmDirectives {
  readonly jobName: string;
  readonly account: string;
  readonly qos: string;
  readonly constraint: string;
  readonly nodes: number;
  readonly ntasksPerNode?: number | undefined;
  readonly cpusPerTask?: number | undefined;
  readonly gpus?: number | undefined;
  readonly walltimeSeconds: number;
  readonly exclusive: boolean;
  /** Absolute folder for %x_%j.out / %x_%j.err. */
  readonly logDir: string;
  /** Shifter image, pulled before the job starts. */
  readonly image?: string | undefined;
  /**
   * `--dependency=singleton`: Slurm starts the job only after every earlier job of the same name and user has
   * ended, so two runs that submit the same job at once never run it side by side (src/hpc/slurm.ts then gives
   * the later one up while it waits).
   */
  readonly singleton?: boolean | undefined;
}

/** What an #SBATCH value may hold: no blanks, quotes, `#`, `%` or control characters. */
const DIRECTIVE_VALUE = /^[A-Za-z0-9_./+@:=&,-]+$/;

export function directiveValue(value: string, what: string): string {
  if (!DIRECTIVE_VALUE.test(value)) {
    throw configError(`${what} ${JSON.stringify(value)} cannot be written into an #SBATCH directive`, 'use letters, digits and "_ . / + @ : = & , -" only');
  }
  return value;
}

/** Seconds as Slurm's --time (`H:MM:SS`, or `D-HH:MM:SS` from a day on), rounded up to whole minutes. */
export function slurmTime(seconds: number): string {
  const total = Math.ceil(seconds / 60) * 60;
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const two = (n: number): string => String(n).padStart(2, '0');
  return d > 0 ? `${d}-${two(h)}:${two(m)}:00` : `${h}:${two(m)}:00`;
}

/** The header: shebang, then one directive per line, all at column 0. */
export function directives(d: SlurmDirectives): string[] {
  const v = directiveValue;
  const lines = [
    `--job-name=${v(d.jobName, 'the job name')}`,
    `--account=${v(d.account, 'the account')}`,
    `--qos=${v(d.qos, 'the QOS')}`,
    `--constraint=${v(d.constraint, 'the constraint')}`,
    `--nodes=${String(d.nodes)}`,
    ...(d.ntasksPerNode !== undefined ? [`--ntasks-per-node=${String(d.ntasksPerNode)}`] : []),
    ...(d.cpusPerTask !== undefined ? [`--cpus-per-task=${String(d.cpusPerTask)}`] : []),
    ...(d.gpus !== undefined ? [`--gpus=${String(d.gpus)}`] : []),
    `--time=${slurmTime(d.walltimeSeconds)}`,
    ...(d.exclusive ? ['--exclusive'] : []),
    `--output=${v(d.logDir, 'the log folder')}/%x_%j.out`,
    `--error=${v(d.logDir, 'the log folder')}/%x_%j.err`,
    ...(d.image !== undefined ? [`--image=${v(d.image, 'the image')}`] : []),
    ...(d.singleton ? ['--dependency=singleton'] : []),
  ];
  return ['#!/bin/bash', ...lines.map((l) => `#SBATCH ${l}`)];
}

/**
 * The script with `afterany:<ids>` added to its dependencies: Slurm starts it only after those jobs ended
 * (jobs of the same scan with other options, which write the same folders).
 */
export function withAfterAny(script: string, jobIds: readonly string[]): string {
  if (jobIds.length === 0) return script;
  const after = `afterany:${jobIds.join(':')}`;
  const lines = script.split('\n');
  const i = lines.findIndex((l) => l.startsWith('#SBATCH --dependency='));
  if (i >= 0) lines[i] = `${lines[i] ?? ''},${after}`;
  else lines.splice(1, 0, `#SBATCH --dependency=${after}`);
  return lines.join('\n');
}

/** Where a job's status file is (the prologue writes it there). */
export function statusPathOf(logDir: string, jobName: string, jobId: string): string {
  return `${logDir}/${jobName}_${jobId}.status.json`;
}

/**
 * Where the record of the job that last wrote an output is: a job claims each output (`claim`) before it
 * writes it, so a later run can tell whether a finished job's outputs are still that job's — another job
 * (other options for the same scan) may have rewritten the same folder since.
 */
export function ownerPathOf(logDir: string, output: string): string {
  return `${logDir}/splash_owner_${createHash('sha256').update(output).digest('hex').slice(0, 16)}.txt`;
}

/** What `claim` writes into an owner record. */
export const ownerRecord = (jobName: string, jobId: string): string => `${jobName} ${jobId}`;

/**
 * The shell prologue every job shares, after the directives: strict mode, the status file and its writer.
 * `STATUS_FIELDS` is a bash function body the job defines to print its own extra JSON fields (numbers only).
 * The status file is written under a temporary name and renamed, so the client never reads half of it.
 */
export function prologue(logDir: string): string[] {
  return [
    '# shellcheck disable=SC2016 # every value is single-quoted on purpose: nothing in it may expand',
    'set -euo pipefail',
    `STATUS=${shq(logDir)}/"\${SLURM_JOB_NAME}_\${SLURM_JOB_ID}.status.json"`,
    'STAGE=start',
    'T_START=$(date +%s)',
    '# numbers only: what a status line may carry besides fixed words',
    'num() { case "${1:-}" in ""|*[!0-9.]*) printf null ;; *) printf %s "$1" ;; esac; }',
    'write_status() {',
    '  local ok=$1 message=$2 tmp',
    '  tmp="$STATUS.tmp.$$"',
    `  printf '{"ok":%s,"stage":"%s","message":"%s","job_id":"%s","start":%s,"end":%s%s}\\n' "$ok" "$STAGE" "$message" "\${SLURM_JOB_ID:-}" "$T_START" "$(date +%s)" "$(status_fields)" >"$tmp"`,
    '  mv -f -- "$tmp" "$STATUS"',
    '}',
    'fail() { trap - ERR TERM; write_status false "$1"; echo "splash: $STAGE failed: $1" >&2; exit 1; }',
    '# the record of which job last wrote an output (ownerPathOf): claimed before the output is rewritten',
    'claim() { local tmp="$1.tmp.$$"; printf \'%s %s\\n\' "$SLURM_JOB_NAME" "$SLURM_JOB_ID" >"$tmp"; mv -f -- "$tmp" "$1"; }',
    'owned() { [ "$(cat -- "$1" 2>/dev/null || true)" = "${SLURM_JOB_NAME} ${SLURM_JOB_ID}" ]; }',
    `trap 'fail "a command failed (exit $?)"' ERR`,
    `trap 'fail "terminated (walltime, scancel or a node failure)"' TERM`,
  ];
}
