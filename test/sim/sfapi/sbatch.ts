/**
 * What sbatch does with a script before Slurm ever sees a job, for the SFAPI simulator: read the `#SBATCH`
 * directives the way sbatch does, and refuse what sbatch and Perlmutter's job-submit policy refuse.
 *
 * Directive rules (sbatch `_opt_batch_script`): the first line must start with `#!`; directives are lines that
 * start with `#SBATCH` at column 0; any other line whose first non-blank character is `#` (an indented
 * `#SBATCH` included) or that is blank is skipped; the first other line (a command) ends the directives, and
 * every `#SBATCH` after it is an ordinary comment. Arguments split on blanks, `"…"` groups, and an unquoted
 * word starting with `#` ends the directive (a trailing comment) [UNVERIFIED for the comment rule].
 * Perlmutter (RECON §5.6): no effective `-C` → "No architecture specified, cannot estimate job costs."
 * Documented choice, stricter than Slurm: `-A`, `-q`, `-C` and `--time` must all be given (Slurm would default
 * the account, the QOS to debug and the time to the QOS default; the project's scripts must never rely on that).
 */

/** Everything the simulator reads from the directives (only what it models). */
export interface BatchOptions {
  account?: string;
  qos?: string;
  constraint?: string;
  jobName?: string;
  output?: string;
  error?: string;
  nodes?: number;
  ntasks?: number;
  ntasksPerNode?: number;
  cpusPerTask?: number;
  /** --time in seconds (Slurm keeps whole minutes: rounded up). */
  timeLimitSec?: number;
  exclusive: boolean;
  hold: boolean;
  /** Shifter image (`--image=`), and Shifter volumes (`--volume=`). */
  image?: string;
  volumes: string[];
  comment?: string;
  /** `--dependency=singleton`: runs only after every earlier job of the same name and user ended. */
  singleton?: boolean;
  /** `--dependency=afterany:<id>[:<id>…]`: runs only after those jobs ended. */
  afterany?: number[];
  chdir?: string;
  openMode: 'truncate' | 'append';
  gpus?: string;
}

export type ParsedScript =
  | { ok: true; options: BatchOptions; directives: string[] }
  | { ok: false; error: string };

/** `afterany` is filled by --dependency (key `singleton`), never by an option of its own. */
type OptionKey = Exclude<keyof BatchOptions, 'afterany'> | 'ignored';

interface OptionSpec {
  long: string;
  short?: string;
  /** 'required' = takes a value; 'none' = a flag; 'optional' = --flag or --flag=value. */
  arg: 'required' | 'none' | 'optional';
  key: OptionKey;
}

const OPTIONS: readonly OptionSpec[] = [
  { long: 'account', short: 'A', arg: 'required', key: 'account' },
  { long: 'qos', short: 'q', arg: 'required', key: 'qos' },
  { long: 'constraint', short: 'C', arg: 'required', key: 'constraint' },
  { long: 'job-name', short: 'J', arg: 'required', key: 'jobName' },
  { long: 'output', short: 'o', arg: 'required', key: 'output' },
  { long: 'error', short: 'e', arg: 'required', key: 'error' },
  { long: 'nodes', short: 'N', arg: 'required', key: 'nodes' },
  { long: 'ntasks', short: 'n', arg: 'required', key: 'ntasks' },
  { long: 'ntasks-per-node', arg: 'required', key: 'ntasksPerNode' },
  { long: 'cpus-per-task', short: 'c', arg: 'required', key: 'cpusPerTask' },
  { long: 'time', short: 't', arg: 'required', key: 'timeLimitSec' },
  { long: 'exclusive', arg: 'optional', key: 'exclusive' },
  { long: 'hold', short: 'H', arg: 'none', key: 'hold' },
  { long: 'image', arg: 'required', key: 'image' },
  { long: 'volume', arg: 'required', key: 'volumes' },
  { long: 'comment', arg: 'required', key: 'comment' },
  { long: 'dependency', short: 'd', arg: 'required', key: 'singleton' },
  { long: 'chdir', short: 'D', arg: 'required', key: 'chdir' },
  { long: 'open-mode', arg: 'required', key: 'openMode' },
  { long: 'gpus', short: 'G', arg: 'required', key: 'gpus' },
  // Accepted and not modelled: they change nothing the simulator shows.
  { long: 'gpus-per-node', arg: 'required', key: 'ignored' },
  { long: 'gpus-per-task', arg: 'required', key: 'ignored' },
  { long: 'gpu-bind', arg: 'required', key: 'ignored' },
  { long: 'mem', arg: 'required', key: 'ignored' },
  { long: 'mem-per-cpu', arg: 'required', key: 'ignored' },
  { long: 'mail-type', arg: 'required', key: 'ignored' },
  { long: 'mail-user', arg: 'required', key: 'ignored' },
  { long: 'licenses', short: 'L', arg: 'required', key: 'ignored' },
  { long: 'requeue', arg: 'none', key: 'ignored' },
  { long: 'no-requeue', arg: 'none', key: 'ignored' },
  { long: 'export', arg: 'required', key: 'ignored' },
  { long: 'signal', arg: 'required', key: 'ignored' },
  { long: 'module', arg: 'required', key: 'ignored' },
  { long: 'time-min', arg: 'required', key: 'ignored' },
  { long: 'reservation', arg: 'required', key: 'ignored' },
];

const DIRECTIVE = '#SBATCH';

/** sbatch's own argument splitting of one directive line (after `#SBATCH`). */
function directiveWords(rest: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < rest.length) {
    while (i < rest.length && /\s/.test(rest.charAt(i))) i++;
    if (i >= rest.length || rest.charAt(i) === '#') break;
    let word = '';
    let quoted = false;
    while (i < rest.length && (quoted || !/\s/.test(rest.charAt(i)))) {
      const ch = rest.charAt(i);
      if (ch === '"') quoted = !quoted;
      else word += ch;
      i++;
    }
    words.push(word);
  }
  return words;
}

/** The directive lines sbatch reads: column-0 `#SBATCH` lines before the first command line. */
export function directiveLines(script: string): string[] {
  const lines = script.split('\n').slice(1);
  const out: string[] = [];
  for (const line of lines) {
    if (line.startsWith(DIRECTIVE)) {
      out.push(line.slice(DIRECTIVE.length));
      continue;
    }
    const first = line.trimStart().charAt(0);
    if (first === '' || first === '#') continue;
    break;
  }
  return out;
}

/** Slurm's time formats (minutes, M:S, H:M:S, D-H, D-H:M, D-H:M:S) → seconds rounded up to whole minutes. */
export function parseSlurmTime(s: string): number | undefined {
  let m: RegExpExecArray | null;
  let sec: number;
  if ((m = /^(\d+)-(\d+)(?::(\d+)(?::(\d+))?)?$/.exec(s))) {
    sec = Number(m[1]) * 86400 + Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  } else if ((m = /^(\d+)(?::(\d+)(?::(\d+))?)?$/.exec(s))) {
    if (m[3] !== undefined) sec = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
    else if (m[2] !== undefined) sec = Number(m[1]) * 60 + Number(m[2]);
    else sec = Number(m[1]) * 60;
  } else {
    return undefined;
  }
  return Math.ceil(sec / 60) * 60;
}

const positiveInt = (v: string): number | undefined => (/^\d+$/.test(v) && Number(v) >= 1 ? Number(v) : undefined);

function setOption(o: BatchOptions, spec: OptionSpec, value: string | undefined): string | undefined {
  const name = `--${spec.long}`;
  const v = value ?? '';
  switch (spec.key) {
    case 'ignored':
      return undefined;
    case 'exclusive':
      o.exclusive = true;
      return undefined;
    case 'hold':
      o.hold = true;
      return undefined;
    case 'singleton':
      // A comma-separated list, all to be satisfied; only singleton and afterany are modelled.
      for (const d of v.split(',')) {
        if (d === 'singleton') o.singleton = true;
        else if (/^afterany(:\d+)+$/.test(d)) o.afterany = [...(o.afterany ?? []), ...d.split(':').slice(1).map(Number)];
        else return `sbatch: error: Job dependency problem\n(sfapi-sim: only --dependency=singleton and afterany:<ids> are modelled, got ${JSON.stringify(v)})`;
      }
      return undefined;
    case 'volumes':
      o.volumes.push(v);
      return undefined;
    case 'nodes':
    case 'ntasks':
    case 'ntasksPerNode':
    case 'cpusPerTask': {
      const n = positiveInt(v);
      if (n === undefined) return `sbatch: error: Invalid numeric value "${v}" for ${name}.`;
      o[spec.key] = n;
      return undefined;
    }
    case 'timeLimitSec': {
      const t = parseSlurmTime(v);
      if (t === undefined) return 'sbatch: error: Invalid --time specification';
      o.timeLimitSec = t;
      return undefined;
    }
    case 'openMode':
      if (v !== 'append' && v !== 'truncate') return `sbatch: error: Invalid --open-mode argument: ${v}. Ignored`;
      o.openMode = v;
      return undefined;
    default:
      o[spec.key] = v;
      return undefined;
  }
}

/** Parse a script's header as sbatch does; `error` is sbatch's stderr when it refuses the script outright. */
export function parseBatchScript(script: string): ParsedScript {
  if (script.length === 0) return { ok: false, error: 'sbatch: error: Batch script is empty!' };
  if (script.includes('\0')) return { ok: false, error: "sbatch: error: The Slurm controller does not allow scripts that contain a NULL character '\\0'." };
  if (script.includes('\r\n')) {
    return { ok: false, error: 'sbatch: error: Batch script contains DOS line breaks (\\r\\n)\nsbatch: error: instead of expected UNIX line breaks (\\n).' };
  }
  if (!script.startsWith('#!')) {
    return {
      ok: false,
      error: 'sbatch: error: This does not look like a batch script.  The first\nsbatch: error: line must start with #! followed by the path to an interpreter.\nsbatch: error: For instance: #!/bin/sh',
    };
  }
  const options: BatchOptions = { exclusive: false, hold: false, volumes: [], openMode: 'truncate' };
  const directives = directiveLines(script);
  for (const line of directives) {
    const words = directiveWords(line);
    for (let i = 0; i < words.length; i++) {
      const w = words[i] ?? '';
      let spec: OptionSpec | undefined;
      let value: string | undefined;
      if (w.startsWith('--')) {
        const eq = w.indexOf('=');
        const long = eq === -1 ? w.slice(2) : w.slice(2, eq);
        spec = OPTIONS.find((s) => s.long === long);
        if (!spec) return { ok: false, error: `sbatch: unrecognized option '${w}'\nTry "sbatch --help" for more information\n(sfapi-sim: if this is a real sbatch option, the simulator does not model it)` };
        if (eq !== -1) {
          if (spec.arg === 'none') return { ok: false, error: `sbatch: option '--${long}' doesn't allow an argument` };
          value = w.slice(eq + 1);
        } else if (spec.arg === 'required') {
          value = words[++i];
          if (value === undefined) return { ok: false, error: `sbatch: option '--${long}' requires an argument` };
        }
      } else if (w.startsWith('-') && w.length >= 2) {
        const letter = w.charAt(1);
        spec = OPTIONS.find((s) => s.short === letter);
        if (!spec) return { ok: false, error: `sbatch: invalid option -- '${letter}'\nTry "sbatch --help" for more information` };
        if (spec.arg === 'required') {
          value = w.length > 2 ? w.slice(2) : words[++i];
          if (value === undefined) return { ok: false, error: `sbatch: option requires an argument -- '${letter}'` };
        } else if (w.length > 2) {
          return { ok: false, error: `sbatch: invalid option -- '${w.charAt(2)}'` };
        }
      } else {
        // sbatch stops option parsing at the first non-option word of a directive; the rest is ignored.
        break;
      }
      const err = setOption(options, spec, value);
      if (err) return { ok: false, error: err };
    }
  }
  return { ok: true, options, directives };
}

/** A QOS as the job-submit policy sees it (Perlmutter numbers [UNVERIFIED]: RECON §9). */
export interface QosPolicy {
  maxMinutes: number;
  minMinutes?: number;
  maxNodes?: number;
  /** The QOS runs jobs without nodes of their own: asking for any (-N) is refused. */
  nodesRefused?: boolean;
}

export const PERLMUTTER_QOS: Readonly<Record<string, QosPolicy>> = {
  debug: { maxMinutes: 30, maxNodes: 8 },
  regular: { maxMinutes: 48 * 60 },
  realtime: { maxMinutes: 12 * 60 },
  premium: { maxMinutes: 48 * 60 },
  preempt: { maxMinutes: 48 * 60, minMinutes: 120 },
  shared: { maxMinutes: 48 * 60, maxNodes: 1 },
  overrun: { maxMinutes: 48 * 60 },
  // The transfer QOS the original system runs hsi/htar in (CONTRACTS §4.1: `-q xfer -C cron`); xfer jobs get no
  // nodes of their own and refuse -N [2ND]; the wall-time limit is [UNVERIFIED] (its scripts ask for 12 h).
  xfer: { maxMinutes: 48 * 60, nodesRefused: true },
};

export const PERLMUTTER_CONSTRAINTS: readonly string[] = ['cpu', 'gpu', 'gpu&hbm40g', 'gpu&hbm80g', 'cron'];

export interface SubmitPolicy {
  accounts: readonly string[];
  qos: Readonly<Record<string, QosPolicy>>;
  constraints: readonly string[];
}

const FAILED = 'sbatch: error: Batch job submission failed:';

/** The job-submit policy: undefined when the job is accepted, else sbatch's stderr. */
export function checkPolicy(o: BatchOptions, policy: SubmitPolicy): string | undefined {
  if (o.constraint === undefined || o.constraint === '') {
    return `sbatch: error: No architecture specified, cannot estimate job costs.\n${FAILED} Unspecified error`;
  }
  if (!policy.constraints.includes(o.constraint)) return `${FAILED} Invalid feature specification`;
  if (o.account === undefined) return `sbatch: error: No account specified (sfapi-sim requires -A)\n${FAILED} Invalid account or account/partition combination specified`;
  if (!policy.accounts.includes(o.account)) return `${FAILED} Invalid account or account/partition combination specified`;
  if (o.qos === undefined) return `sbatch: error: No QOS specified (sfapi-sim requires -q)\n${FAILED} Invalid qos specification`;
  const q = policy.qos[o.qos];
  if (!q) return `${FAILED} Invalid qos specification`;
  if (o.timeLimitSec === undefined) return `sbatch: error: No time limit specified (sfapi-sim requires --time)\n${FAILED} Requested time limit is invalid (missing or exceeds some limit)`;
  const minutes = o.timeLimitSec / 60;
  if (minutes === 0) return `sbatch: error: Job cost estimated at an unlimited number of node hours. Cannot proceed, please see https://docs.nersc.gov/jobs/policy/ for your options to run this job.\n${FAILED} Unspecified error`;
  if (minutes > q.maxMinutes || (q.minMinutes !== undefined && minutes < q.minMinutes)) {
    return `${FAILED} Requested time limit is invalid (missing or exceeds some limit)`;
  }
  if (q.nodesRefused && o.nodes !== undefined) return `${FAILED} Job violates accounting/QOS policy (qos ${o.qos} takes no node request; remove -N/--nodes)`;
  const nodes = o.nodes ?? 1;
  if (q.maxNodes !== undefined && nodes > q.maxNodes) {
    return `${FAILED} Job violates accounting/QOS policy (job submit limit, user's size and/or time limits)`;
  }
  return undefined;
}

/** Slurm's output/error file name patterns: %j %x %u %N %A %a %%. */
export function expandFilename(pattern: string, v: { jobId: number; jobName: string; user: string; node: string }): string {
  return pattern.replace(/%(%|j|x|u|N|A|a)/g, (_, c: string) => {
    switch (c) {
      case '%':
        return '%';
      case 'j':
      case 'A':
        return String(v.jobId);
      case 'x':
        return v.jobName;
      case 'u':
        return v.user;
      case 'N':
        return v.node;
      default:
        return '4294967294';
    }
  });
}

const two = (n: number): string => String(n).padStart(2, '0');

/** A duration the way squeue prints it (`M:SS`, `H:MM:SS`, `D-HH:MM:SS`). */
export function squeueDuration(sec: number): string {
  const s = Math.max(0, Math.floor(sec));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (d > 0) return `${d}-${two(h)}:${two(m)}:${two(r)}`;
  if (h > 0) return `${h}:${two(m)}:${two(r)}`;
  return `${m}:${two(r)}`;
}

/** A duration the way sacct prints it (`HH:MM:SS`, `D-HH:MM:SS`). */
export function sacctDuration(sec: number): string {
  const s = Math.max(0, Math.floor(sec));
  const d = Math.floor(s / 86400);
  const hms = `${two(Math.floor((s % 86400) / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  return d > 0 ? `${d}-${hms}` : hms;
}

/** A timestamp the way Slurm prints it: local time, no zone (`2023-05-02T18:10:51`). */
export function slurmTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
