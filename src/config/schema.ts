/**
 * The shape of config.yml as zod schemas. Two layouts share one file: the new `endpoints:` / `beamlines:`
 * sections, and the original Python system's `globus:`, `hpss_*`, `*_images*` and `scicat:` sections, which
 * must load unchanged. Every `error:` below is the "expected …" phrase of an error line (issues.ts).
 */
import * as z from 'zod';
import { BEAMLINE_ID } from '../beamline-id.js';
import { gateRootPath } from '../paths.js';
import { MissingEnv } from './env.js';
import { globProblem } from '../watch/glob.js';

/**
 * Absolute and normalised: `//` collapsed, `.` dropped, trailing `/` stripped (the legacy file writes
 * `/global/…/7.3.3/`). `..` and control characters are refused outright: a root_path is where copies land
 * and deletes happen, so it must mean exactly what it says.
 */
export function normaliseAbsolutePath(raw: string): { readonly path: string } | { readonly expected: string } {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/[\u0000-\u001f\u007f]/.test(raw)) return { expected: 'an absolute path without control characters' };
  if (!raw.startsWith('/')) return { expected: 'an absolute path (starting with /)' };
  const parts = raw.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) return { expected: 'an absolute path without ".." segments' };
  return { path: `/${parts.join('/')}` };
}

const absolutePath = (what: string) =>
  z.string({ error: what }).transform((raw, ctx) => {
    const result = normaliseAbsolutePath(raw);
    if (!('path' in result)) {
      ctx.issues.push({ code: 'custom', message: result.expected, input: raw });
      return z.NEVER;
    }
    // Then the one path gate's rules for roots, so a root that loads is a root every step accepts.
    try {
      return gateRootPath(result.path, 'root_path');
    } catch (err) {
      const why = err instanceof Error ? err.message.replace(/^root_path: /, '').replace(/ \(got .*\)$/s, '') : String(err);
      ctx.issues.push({ code: 'custom', message: `an absolute path the path gate accepts (${why})`, input: raw });
      return z.NEVER;
    }
  });

/**
 * A strict mapping: an unknown key is an error (a typo like `after_dayz` must not silently fall back to a
 * default). The object-level error gives the accepted keys, which zod's own issue does not carry.
 */
function strict<T extends z.core.$ZodLooseShape>(what: string, shape: T) {
  const keys = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => {
      // The only other issue a strict object raises itself is invalid_type.
      if (issue.code === 'unrecognized_keys') return keys;
      return `${what} (a mapping with keys ${keys})`;
    },
  });
}

/** "8.3.2", "7.0.1.2": how the facility names beamlines, and what workflow inputs and folders use. */
const BeamlineId = z.string().regex(BEAMLINE_ID, { error: 'a beamline id of digits separated by dots, like "8.3.2"' });

/** Endpoint names appear in logs, workflow inputs and summaries; keep them to safe characters. */
const EndpointName = z
  .string({ error: 'an endpoint name' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'an endpoint name of letters, digits, ".", "_" and "-"' });

const RootPath = absolutePath('an absolute path');
const OptionalText = z.string({ error: 'a string' }).optional();
/** Globus collection ids. `guid`, not `uuid`: Globus ids are not all RFC 9562 versions/variants. */
const Uuid = z.guid({ error: 'a UUID like 44ae904c-ab64-4145-a8f0-7287de38324d' });

// ----- new layout -----

export const FileSystemEndpointSchema = strict('a filesystem endpoint', {
  type: z.literal('filesystem'),
  root_path: RootPath,
});

export const GlobusEndpointSchema = strict('a globus endpoint', {
  type: z.literal('globus'),
  root_path: RootPath,
  uuid: Uuid,
  uri: OptionalText,
  /** Display name (the legacy `name:` field); the endpoint's name is its key. */
  name: OptionalText,
});

/** A command run on the HPSS host (hsi, htar): a bare name looked up on its PATH, or an absolute path. */
const HostCommand = z
  .string({ error: 'a command name like hsi, or an absolute path' })
  .regex(/^(\/[A-Za-z0-9._+/-]+|[A-Za-z0-9._+-]+)$/, { error: 'a command name like hsi, or an absolute path (letters, digits, ".", "_", "+", "-", "/")' });

/** A file ssh reads: ssh splits a known_hosts option on spaces and expands `%` tokens, so neither may appear. */
const sshPath = (what: string) =>
  absolutePath(what).refine((p) => !/[\s%]/.test(p), { error: `${what} without spaces or "%" (ssh would read them as separators or tokens)` });

/**
 * How the runner reaches the host that runs hsi/htar (a NERSC data transfer node): OpenSSH with a key file,
 * e.g. the one sshproxy renews daily. Absent: hsi/htar run on the runner itself.
 */
export const SshSchema = strict('ssh settings', {
  host: z
    .string({ error: 'a host name like dtn01.nersc.gov' })
    .regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, { error: 'a host name or address like dtn01.nersc.gov' }),
  user: z
    .string({ error: 'a user name like alsdev' })
    .regex(/^[A-Za-z_][A-Za-z0-9._-]*$/, { error: 'a user name like alsdev' })
    .optional(),
  port: z.number({ error: 'a port number' }).int({ error: 'a port number' }).min(1, { error: 'a port number' }).max(65535, { error: 'a port number' }).default(22),
  /** The private key file; `${ENV}` allowed and resolved only when an archive runs. */
  key_path: z.union([sshPath('an absolute path to the private key file'), z.instanceof(MissingEnv)], {
    error: 'an absolute path to the private key file, or ${ENV_VAR}',
  }),
  /** A known_hosts file holding the host's key; default: the runner user's ~/.ssh/known_hosts. */
  known_hosts: sshPath('an absolute path to a known_hosts file').optional(),
  connect_timeout_seconds: z.number({ error: 'a number of seconds > 0' }).positive({ error: 'a number of seconds > 0' }).default(30),
});

const hpssShape = {
  root_path: RootPath,
  uri: OptionalText,
  ssh: SshSchema.optional(),
  /** Or: hsi/htar run as Slurm jobs through the Superfacility API (declared below, with the Slurm value rules). */
  sfapi: z.lazy(() => HpssSfapiSchema).optional(),
  hsi: HostCommand.default('hsi'),
  htar: HostCommand.default('htar'),
};

/** One way to reach the tools: ssh or sfapi (neither: the runner itself). */
const oneTransport = (e: { ssh?: unknown; sfapi?: unknown }, ctx: z.core.$RefinementCtx): void => {
  if (e.ssh !== undefined && e.sfapi !== undefined) ctx.addIssue({ code: 'custom', path: ['sfapi'], message: 'either ssh or sfapi, not both (they are two ways to run hsi and htar)', input: e.sfapi });
};

export const HpssEndpointSchema = strict('an hpss endpoint', {
  type: z.literal('hpss'),
  ...hpssShape,
}).superRefine(oneTransport);

/** `type` selects the transfer and prune controllers, so it is the discriminator. */
export const EndpointSchema = z.discriminatedUnion('type', [FileSystemEndpointSchema, GlobusEndpointSchema, HpssEndpointSchema], {
  // zod types this as union issues only, but a non-mapping input arrives here as invalid_type.
  error: (issue) => {
    const code: string = issue.code;
    return code === 'invalid_type' ? 'an endpoint (a mapping with type: filesystem, globus or hpss, and root_path)' : undefined;
  },
});

export const MoveHopSchema = strict('a move hop', {
  from: EndpointName,
  to: EndpointName,
  /** Export-controlled data must not leave the facility; such a hop is skipped for it. */
  skip_export_controlled: z.boolean().default(false),
});

export const PruneRuleSchema = strict('a prune rule', {
  endpoint: EndpointName,
  after_days: z.number({ error: 'a number >= 0' }).min(0, { error: 'a number >= 0' }),
  /** The endpoint that must hold a verified copy before anything is deleted. */
  check: EndpointName,
  /** Default per kind of storage (prune-rules.ts): checksum for filesystem rules, size for Globus. */
  verify: z.enum(['checksum', 'hash', 'size']).optional(),
});

/** A glob for watch.patterns / watch.ignore (src/watch/glob.ts): refused at load when it cannot compile. */
const Glob = z.string({ error: 'a glob pattern like "*.h5"' }).superRefine((glob, ctx) => {
  const problem = globProblem(glob);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `a valid glob pattern (${problem})`, input: glob });
});

/** The file watcher of a beamline (`splash watch`): what it dispatches and when a file counts as complete. */
export const WatchSchema = strict('watch settings', {
  /** GitHub's limit: 100 characters; the dispatch workflow's `types:` must list it. */
  event_type: z
    .string({ error: 'an event type like new_file_832' })
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, { error: 'an event type of up to 100 letters, digits, "_", "." and "-", like new_file_832' })
    .optional(),
  patterns: z.array(Glob, { error: 'a list of glob patterns' }).nullish(),
  ignore: z.array(Glob, { error: 'a list of glob patterns' }).nullish(),
  stable_seconds: z.number({ error: 'a number of seconds > 0' }).positive({ error: 'a number of seconds > 0' }).optional(),
  batch_seconds: z.number({ error: 'a number of seconds >= 0' }).min(0, { error: 'a number of seconds >= 0' }).optional(),
  rescan_seconds: z.number({ error: 'a number of seconds > 0' }).positive({ error: 'a number of seconds > 0' }).optional(),
});

/** An IANA time zone name, checked against the runtime's zone database. */
const TimeZone = z.string({ error: 'a time zone like America/Los_Angeles' }).refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'a time zone like America/Los_Angeles (an IANA name)' },
);

/** Tape archiving (`splash hpss`): proposal folders on `from`, bundled per beam cycle into htar archives on `to`. */
export const ArchiveSchema = strict('archive settings', {
  /** Where the data is, as the HPSS host sees it: its root_path is a folder on that host. */
  from: EndpointName,
  /** An hpss endpoint; archives land under <root_path>/<beamline id>/<proposal path>. */
  to: EndpointName,
  /** The folder (relative to from's root) whose sub-folders are proposals, for scheduled runs. */
  proposals: z
    .string({ error: 'a relative folder like raw' })
    .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, { error: 'a relative folder like raw (letters, digits, ".", "_", "-")' })
    .refine((p) => !p.split('/').some((s) => s === '.' || s === '..'), { error: 'a relative folder without "." or ".." segments' })
    .default('raw'),
  /** Beam cycles (Jan 1 – Jul 15, Jul 16 – Dec 31) are reckoned in the facility's local time. */
  time_zone: TimeZone.default('America/Los_Angeles'),
  /** Largest htar bundle; NERSC recommends 100 GB – 2 TB. */
  bundle_max_gib: z.number({ error: 'a number of GiB > 0' }).positive({ error: 'a number of GiB > 0' }).default(2048),
  /** listing: each archive checked against htar's index; content: also read back from tape (htar -K, CRCs). */
  verify: z.enum(['listing', 'content'], { error: 'listing or content' }).default('listing'),
  /** The endpoint `splash hpss restore` writes to when --to is not given (a folder on the HPSS host). */
  restore_to: EndpointName.optional(),
});


/** A Slurm time limit: minutes as a number, or "H:MM:SS" / "D-HH:MM:SS" / "MM:SS" as Slurm writes them. */
export function slurmTimeSeconds(v: number | string): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? Math.round(v * 60) : undefined;
  const m = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(v.trim());
  if (!m) return undefined;
  const parts = [m[2], m[3], m[4]].filter((x): x is string => x !== undefined).map(Number);
  const [a = 0, b = 0, c = 0] = parts;
  const hms = parts.length === 3 ? a * 3600 + b * 60 + c : parts.length === 2 ? (m[1] !== undefined ? a * 3600 + b * 60 : a * 60 + b) : (m[1] !== undefined ? a * 3600 : a * 60);
  const total = Number(m[1] ?? 0) * 86400 + hms;
  return total > 0 ? total : undefined;
}

const Walltime = z.union([z.number(), z.string()], { error: 'a time limit: minutes, or "H:MM:SS"' }).transform((v, ctx) => {
  const s = slurmTimeSeconds(v);
  if (s === undefined) {
    ctx.issues.push({ code: 'custom', message: 'a time limit > 0: minutes, or "H:MM:SS" as Slurm writes it', input: v });
    return z.NEVER;
  }
  return s;
});

/** A word written into an #SBATCH directive or a command line: no blanks, quotes, `%` or shell syntax. */
const SlurmWord = (what: string) =>
  z.string({ error: what }).regex(/^[A-Za-z0-9][A-Za-z0-9_.&+-]*$/, { error: `${what} (letters, digits, "_", ".", "-", "+", "&")` });

/** A folder at the HPC centre written into #SBATCH lines and scripts: absolute, and nothing sbatch or Slurm's %-patterns would read. */
const HpcPath = (what: string) =>
  absolutePath(what).refine((p) => /^[A-Za-z0-9_./+@=-]+$/.test(p), {
    error: `${what} of letters, digits and "_ . / + @ = -" (it is written into #SBATCH lines and container volume specs, where blanks, quotes, ":" and % mean something)`,
  });

/** An image reference, or a name of a legacy `*_images*` section's key. */
const ImageRef = z.string({ error: 'an image reference like ghcr.io/als-computing/microct@sha256:…' }).regex(/^[a-z0-9][a-z0-9._/:@-]*$/, {
  error: 'an image reference like ghcr.io/als-computing/microct@sha256:… (lower-case, no blanks)',
});

/**
 * hsi/htar as Slurm jobs through the SFAPI, as the original system runs them (CONTRACTS.md §4.5): the transfer
 * QOS on Perlmutter, with the `cron` constraint its xfer jobs use. The client is the `sfapi:` section's.
 */
export const HpssSfapiSchema = strict('sfapi settings of an hpss endpoint', {
  account: SlurmWord('a NERSC account like als').default('als'),
  qos: SlurmWord('a Slurm QOS like xfer').default('xfer'),
  constraint: SlurmWord('a constraint like cron').default('cron'),
  /** Per job; NERSC's xfer jobs in the original use 12 h. */
  walltime: Walltime.default(12 * 3600),
  /** How long a job may wait in the queue before the step gives up and cancels it. */
  queue_allowance_minutes: z.number({ error: 'a number of minutes >= 0' }).min(0, { error: 'a number of minutes >= 0' }).default(240),
  /** Where the jobs' %x_%j.out/.err, status files and results are written (a CFS folder the SFAPI can read). */
  log_dir: HpcPath('an absolute folder at NERSC'),
});

/** How a beamline's recon jobs run at NERSC: Slurm settings and the folders the scripts use there. */
export const NerscJobSchema = strict('NERSC job settings', {
  qos: SlurmWord('a Slurm QOS like realtime').default('realtime'),
  /** als for CPU jobs, als_g for GPU jobs. */
  account: SlurmWord('a NERSC account like als or als_g'),
  constraint: SlurmWord('a Perlmutter constraint: cpu or gpu').default('cpu'),
  nodes: z.number({ error: 'a whole number >= 1' }).int({ error: 'a whole number >= 1' }).min(1, { error: 'a whole number >= 1' }).default(1),
  cpus_per_task: z.number({ error: 'a whole number >= 1' }).int({ error: 'a whole number >= 1' }).min(1, { error: 'a whole number >= 1' }).optional(),
  gpus: z.number({ error: 'a whole number >= 1' }).int({ error: 'a whole number >= 1' }).min(1, { error: 'a whole number >= 1' }).optional(),
  exclusive: z.boolean({ error: 'true or false' }).default(true),
  walltime: Walltime,
  /** How long a job may wait in the queue before the step gives up and cancels it. */
  queue_allowance_minutes: z.number({ error: 'a number of minutes >= 0' }).min(0, { error: 'a number of minutes >= 0' }).default(60),
  container: z.enum(['podman-hpc', 'shifter'], { error: 'podman-hpc or shifter' }).default('podman-hpc'),
  /** A legacy images section by name (ghcr_images832, read as it is) or a mapping of image names to references. */
  images: z.union([z.string().regex(/^(harbor|ghcr)_images/, { error: 'a *_images* section name' }), z.record(z.string(), ImageRef)], { error: 'the name of an images section like ghcr_images832, or a mapping of image references' }).optional(),
  /** Where the moved scans are at NERSC, under their relative paths (the last move hop's destination folder). */
  data_root: HpcPath('an absolute folder at NERSC'),
  /** The job's working folder (pscratch): raw/<proposal>/<scan> is staged there, scratch/<proposal>/… written. */
  scratch_root: HpcPath('an absolute folder at NERSC'),
  /** Where Slurm writes %x_%j.out/.err and the job writes its status file. */
  log_root: HpcPath('an absolute folder at NERSC'),
  /** The folder holding the reconstruction programs (8.3.2: sfapi_reconstruction.py, tiff_to_zarr.py). */
  scripts_root: HpcPath('an absolute folder at NERSC').optional(),
  /** Programs by name (7.0.1.2: ptychocam, cdtools) → absolute path at NERSC. */
  programs: z.record(z.string(), HpcPath('an absolute path at NERSC')).optional(),
});

const ResultsHops = z.array(strict('a results hop', { from: EndpointName, to: EndpointName }));
const Seconds = (max?: number) => {
  const n = z.number({ error: 'a number of seconds > 0' }).positive({ error: 'a number of seconds > 0' });
  return max === undefined ? n : n.max(max, { error: `a number of seconds > 0, at most ${String(max)}` });
};

/**
 * How a beamline's recon jobs run at ALCF (Polaris) through Globus Compute: the endpoint, the registered
 * wrapper, the folders on Eagle the wrapper uses, and the Globus hops that carry the scan there.
 */
export const AlcfJobSchema = strict('ALCF job settings', {
  /** The Globus Compute endpoint on Polaris (its id is not a secret). */
  endpoint_id: Uuid,
  /** The wrapper as registered by `splash recon register-function`; absent: registered at the start of each run. */
  function_id: Uuid.optional(),
  /** Which of globus.globus_apps submits (the client the endpoint runs as); default: globus.app. */
  globus_app: z.string({ error: 'the name of one of globus.globus_apps' }).optional(),
  /** The Python that runs the programs on the worker (its environment is the endpoint's worker_init). */
  python: z.string({ error: 'a command like python, or an absolute path' }).regex(/^(\/[A-Za-z0-9._+/-]+|[A-Za-z0-9._+-]+)$/, { error: 'a command like python, or an absolute path' }).default('python'),
  /** Stored with the registration (meta.python_version): the endpoint's Python. */
  python_version: z.string({ error: 'a Python version like 3.11' }).regex(/^3\.\d+(\.\d+)?$/, { error: 'a Python version like 3.11' }).default('3.11'),
  /** The wrapper stops the program after this long (Globus Compute cannot cancel a task). */
  walltime: Walltime,
  /** How long a task may wait for a node beyond the walltime before the step stops waiting. */
  queue_allowance_minutes: z.number({ error: 'a number of minutes >= 0' }).min(0, { error: 'a number of minutes >= 0' }).default(60),
  /** Where the staged scans are on Eagle, under their relative paths (stage.to's folder as the worker sees it). */
  data_root: absolutePath('an absolute folder at ALCF'),
  /** The jobs' working folder: raw/<proposal>/<scan> staged, scratch/<proposal>/… written. */
  scratch_root: absolutePath('an absolute folder at ALCF'),
  /** Where the wrapper writes the programs' output and each job's status file. */
  log_root: absolutePath('an absolute folder at ALCF'),
  /** The folder holding the reconstruction programs. */
  scripts_root: absolutePath('an absolute folder at ALCF'),
  /** The Globus hop that brings the scan to Eagle before the job (absent: it is already under data_root). */
  stage: strict('a stage hop', { from: EndpointName, to: EndpointName }).optional(),
  /** Hops the results take after the jobs succeeded. */
  results: ResultsHops.nullish(),
  /** A folder endpoint where the runner reads the returned results, to catalogue them (as recon.read_from). */
  read_from: EndpointName.optional(),
  /** Task polling: the first wait, growing 1.5x per poll up to the longest (well inside the 30 minutes a result is kept). */
  poll_first_seconds: Seconds().default(2),
  poll_max_seconds: Seconds(600).default(60),
});

const HpcName = z.enum(['nersc', 'alcf'], { error: 'nersc or alcf' });

/** A scan's reconstruction: where, how, with which defaults, and where the results go back. */
export const ReconSchema = strict('recon settings', {
  /** Where a dispatch reconstructs: nersc, alcf, or both ([nersc, alcf]). */
  hpc: z.union([HpcName, z.array(HpcName).min(1, { error: 'at least one of nersc, alcf' })], { error: 'nersc, alcf, or a list of both' }),
  nersc: NerscJobSchema.optional(),
  alcf: AlcfJobSchema.optional(),
  /** What a scientist sets, per beamline (validated by the beamline's own rules, the same as recon-options). */
  defaults: z.record(z.string(), z.unknown(), { error: 'a mapping of recon options' }).nullish(),
  /** Hops the NERSC results take after the jobs succeeded (Globus collections, or folders), relative to the results folder. */
  results: ResultsHops.nullish(),
  /** 8.3.2: also build the multi-resolution (zarr) copy for viewing. */
  multires: z.boolean({ error: 'true or false' }).default(true),
  /** A folder endpoint where the runner reads the results that came back, to catalogue them (default: the last hop's destination when it is a folder). */
  read_from: EndpointName.optional(),
}).superRefine((r, ctx) => {
  const wanted = typeof r.hpc === 'string' ? [r.hpc] : r.hpc;
  for (const h of ['nersc', 'alcf'] as const) {
    if (wanted.includes(h) && r[h] === undefined) ctx.addIssue({ code: 'custom', path: [h], message: `the ${h} settings (hpc includes ${h})`, input: undefined });
  }
});

export const BeamlineSchema = strict('beamline settings', {
  /** Stripped from paths the watcher sends (`/global/raw/p1/scan.h5` → `raw/p1/scan.h5`). */
  path_prefix: absolutePath('an absolute path prefix').optional(),
  move: z.array(MoveHopSchema).nullish(),
  prune: z.array(PruneRuleSchema).nullish(),
  runner_labels: z.array(z.string().min(1)).nullish(),
  watch: WatchSchema.nullish(),
  /** How ingest reads this beamline's files: Data Exchange HDF5 metadata, or generic (name, size, time, checksum). */
  ingest: strict('ingest settings', {
    format: z.enum(['data-exchange', 'generic'], { error: 'data-exchange or generic' }).optional(),
    /** A filesystem endpoint the runner reads the files from (default: the first move hop's source). */
    read_from: EndpointName.optional(),
  }).nullish(),
  archive: ArchiveSchema.nullish(),
  recon: ReconSchema.nullish(),
});

// ----- legacy layout (the Python system's config.yml) -----

export const LegacyGlobusEndpointSchema = strict('a globus endpoint', {
  root_path: RootPath,
  uri: OptionalText,
  uuid: Uuid,
  name: OptionalText,
});

export const LegacyHpssEndpointSchema = strict('an hpss endpoint', {
  ...hpssShape,
  /** Accepted for the legacy file; the endpoint's name is its key. */
  name: OptionalText,
}).superRefine(oneTransport);

/** Credentials stay `${VAR}` references; a missing variable arrives here as MissingEnv (deferred). */
const EnvStringSchema = z.union([z.string().min(1), z.instanceof(MissingEnv)], {
  error: 'a non-empty string, usually ${ENV_VAR}',
});

export const GlobusAppSchema = strict('a globus app', {
  client_id: EnvStringSchema,
  client_secret: EnvStringSchema,
});

/** A service base URL: configurable so the real service and a simulator are interchangeable. */
const ServiceUrl = z
  .string({ error: 'an http(s) URL' })
  .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, { error: 'an http(s) URL without query, like https://transfer.api.globus.org' })
  .transform((u) => u.replace(/\/+$/, ''));

export const GlobusSectionSchema = strict('the globus section', {
  globus_endpoints: z.record(EndpointName, LegacyGlobusEndpointSchema).nullish(),
  globus_apps: z.record(z.string(), GlobusAppSchema).nullish(),
  /** Which of globus_apps the steps use; default: the only (or first) one. */
  app: z.string({ error: 'the name of one of globus_apps' }).optional(),
  auth_url: ServiceUrl.optional(),
  transfer_url: ServiceUrl.optional(),
  /** Globus Compute (recon at ALCF); default https://compute.api.globus.org. */
  compute_url: ServiceUrl.optional(),
  /** How long a move waits for its transfer task before giving up (the task is left running). */
  wait_timeout_minutes: z.number({ error: 'a number of minutes > 0' }).positive({ error: 'a number of minutes > 0' }).optional(),
  /** Task polling: the first wait, growing 1.5x per poll up to the longest. */
  poll_first_seconds: z.number({ error: 'a number of seconds > 0' }).positive({ error: 'a number of seconds > 0' }).optional(),
  poll_max_seconds: z.number({ error: 'a number of seconds > 0' }).positive({ error: 'a number of seconds > 0' }).optional(),
  /** How long a task may keep failing on FILE_NOT_FOUND / PERMISSION_DENIED before it is cancelled. */
  stuck_grace_seconds: z.number({ error: 'a number of seconds >= 0' }).min(0, { error: 'a number of seconds >= 0' }).optional(),
});

/** A GitHub App that sends the dispatches (instead of a token): credentials are deferred ${ENV} references. */
export const GitHubAppSchema = strict('a GitHub App', {
  /** The App's client ID (Iv23…) or its numeric App ID: either is accepted as the JWT issuer. */
  client_id: z.union([z.string().min(1), z.number().int().positive(), z.instanceof(MissingEnv)], {
    error: 'the App\'s client ID or App ID, usually ${ENV_VAR}',
  }),
  /** The PEM private key itself (usually ${GITHUB_APP_PRIVATE_KEY}), or private_key_path: a file holding it. */
  private_key: EnvStringSchema.optional(),
  private_key_path: EnvStringSchema.optional(),
  /** Default: looked up from the repository (GET /repos/{owner}/{repo}/installation). */
  installation_id: z.number({ error: 'a whole number > 0' }).int({ error: 'a whole number > 0' }).positive({ error: 'a whole number > 0' }).optional(),
});

const PositiveSeconds = z.number({ error: 'a number of seconds > 0' }).positive({ error: 'a number of seconds > 0' });

/** Where `splash dispatch`, `watch` and `reconcile` send repository_dispatch events, and how they authenticate. */
export const GitHubSectionSchema = strict('the github section', {
  repository: z
    .string({ error: 'owner/name of the repository, like als-computing/splash-flows-ts' })
    .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { error: 'owner/name of the repository, like als-computing/splash-flows-ts' }),
  /** https://api.github.com; GitHub Enterprise Server: https://<host>/api/v3; tests: the simulator. */
  api_url: ServiceUrl.optional(),
  /** The environment variable holding a token (default GITHUB_TOKEN); not used when `app` is set. */
  token_env: z
    .string({ error: 'an environment variable name like GITHUB_TOKEN' })
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'an environment variable name like GITHUB_TOKEN' })
    .optional(),
  app: GitHubAppSchema.optional(),
  /** Per request (default 30). */
  timeout_seconds: PositiveSeconds.optional(),
  /** Backoff after a failure: the first wait, doubling up to the longest (defaults 1 and 300). */
  retry_first_seconds: PositiveSeconds.optional(),
  retry_max_seconds: PositiveSeconds.optional(),
  /** Retries of `splash dispatch` / `reconcile` before they give up (default 5); the watcher never gives up. */
  max_retries: z.number({ error: 'a whole number >= 0' }).int({ error: 'a whole number >= 0' }).min(0, { error: 'a whole number >= 0' }).optional(),
});


/**
 * The NERSC Superfacility API (recon at NERSC). The client id and the private key (PEM or JWK text in an
 * environment variable, or a file) are deferred ${ENV} references, resolved only by the recon step.
 */
export const SfapiSectionSchema = strict('the sfapi section', {
  api_url: ServiceUrl.optional(),
  token_url: ServiceUrl.optional(),
  machine: z.string({ error: 'a machine name like perlmutter' }).regex(/^[a-z0-9]+$/, { error: 'a machine name like perlmutter' }).default('perlmutter'),
  client_id: EnvStringSchema.optional(),
  private_key: EnvStringSchema.optional(),
  private_key_path: EnvStringSchema.optional(),
  timeout_seconds: PositiveSeconds.optional(),
  /** Job polling: the first wait, growing 1.5x per poll up to the longest. */
  poll_first_seconds: PositiveSeconds.optional(),
  poll_max_seconds: PositiveSeconds.optional(),
  /** How long an async task (submit, cancel) may stay "new". */
  task_timeout_seconds: PositiveSeconds.optional(),
  /** Right after a submit Slurm may not list the job yet (sfapi_client#93): how long that is tolerated. */
  not_found_grace_seconds: PositiveSeconds.optional(),
  /** Warn in the summary when the Iris client expires within this many hours. */
  expiry_warning_hours: PositiveSeconds.optional(),
});

export const ImagesSchema = z.record(z.string(), z.string({ error: 'an image reference (a string)' }), {
  error: 'a mapping of image names to image references',
});

// ----- top level -----

/**
 * The fixed sections. Not strict: the top level also takes `hpss_<name>` and `*_images*` keys, which are
 * matched by pattern in load.ts, and that check lists what is accepted.
 */
export const SectionsSchema = z.object({
  endpoints: z.record(EndpointName, EndpointSchema).nullish(),
  beamlines: z.record(BeamlineId, BeamlineSchema).nullish(),
  globus: GlobusSectionSchema.nullish(),
  scicat: z.record(z.string(), z.unknown(), { error: 'a mapping of SciCat settings' }).nullish(),
  github: GitHubSectionSchema.nullish(),
  sfapi: SfapiSectionSchema.nullish(),
});

export const FIXED_SECTIONS = ['endpoints', 'beamlines', 'globus', 'scicat', 'github', 'sfapi', 'prefect'] as const;
/** Legacy: `hpss_alsdev: { root_path, uri, name }` is an HPSS endpoint named by its key. */
export const HPSS_SECTION = /^hpss_/;
/** Legacy: `harbor_images832`, `ghcr_images832`: container images for one beamline's jobs. */
export const IMAGES_SECTION = /^(harbor|ghcr)_images/;
export const TOP_LEVEL_KEYS = `${FIXED_SECTIONS.join(', ')}, hpss_<name>, harbor_images<suffix>, ghcr_images<suffix>`;

export type EndpointInput = z.output<typeof EndpointSchema>;
export type Sections = z.output<typeof SectionsSchema>;
