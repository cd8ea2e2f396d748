/**
 * The ALCF side of recon: Polaris through Globus Compute (RECON §2, §4, §8b). A beamline's job is one call of
 * its Python wrapper (registered from source, `st`) with one JSON document; the wrapper runs the program with
 * a time limit, checks the outputs and returns a verdict — the document the NERSC jobs write as their status
 * file — so success is the same here: the task succeeded AND its verdict confirms the outputs.
 *
 * Globus Compute has no route to cancel a task. When the step gives up (its deadline, or a cancelled run) it
 * says so: the task runs on at ALCF until the wrapper's time limit stops the program and the endpoint's PBS
 * walltime its worker. A re-run submits again; the wrapper answers from the finished job's status file when
 * its outputs are still there, or waits for a task of the same job that is still running.
 */
import type { SplashConfig } from '../config/index.js';
import { resolveEnv } from '../config/index.js';
import { configError, stepError } from '../errors.js';
import type { ComputeClient, TaskRecord } from '../compute/index.js';
import { decodeResult, sourceFunctionCode } from '../compute/index.js';
import type { RelPath } from '../paths.js';
import type { StepContext } from '../run/context.js';
import { formatDuration } from '../run/format.js';
import { type JobSpecs, SpecController } from './controller.js';
import type { JobOutcome, JobStatusDoc, TimelineEntry } from './job.js';
import { JobCancelled, sleepOrAbort } from './wait.js';

/** One job as a beamline describes it: the wrapper's argument and what the verdict must confirm. */
export interface ComputeJobSpec {
  readonly kind: string;
  /** Unique per scan, kind and options (src/hpc/naming.ts): the wrapper finds an earlier run of the job by it. */
  readonly name: string;
  /** The wrapper's one argument (JSON). */
  readonly job: Readonly<Record<string, unknown>>;
  /** The wrapper's time limit for the program. */
  readonly walltimeSeconds: number;
  /** How long the task may wait for a node on top of that before the step stops waiting. */
  readonly queueAllowanceSeconds: number;
  readonly outputs: readonly string[];
  readonly results: readonly RelPath[];
  /** The program's stdout/stderr at ALCF. */
  readonly logs: readonly string[];
  readonly verify: (status: JobStatusDoc) => string | undefined;
  readonly centreOf?: (status: JobStatusDoc) => string | undefined;
  /** What makes the outputs (the programs, the wrapper), for the catalogue. */
  readonly software: readonly string[];
}

/** What a beamline says its ALCF jobs are (beamlines/blXXX/alcf.ts). */
export type AlcfJobs<O> = JobSpecs<O, ComputeJobSpec>;

/** The Python function a beamline registers with Globus Compute. */
export interface ComputeFunction {
  readonly name: string;
  readonly source: string;
  readonly description: string;
}

export interface AlcfRun {
  readonly client: ComputeClient;
  readonly endpointId: string;
  readonly functionId: string;
  readonly ctx: StepContext;
  readonly signal: AbortSignal;
  readonly pollFirstMs: number;
  readonly pollMaxMs: number;
  readonly now?: () => number;
}

/** `globus.globus_apps.<name>`: the app recon.alcf.globus_app names, else the one the Globus steps use. */
export function computeClientOf(config: SplashConfig, appName: string | undefined, mask: (s: string) => void, make: (o: ConstructorParameters<typeof ComputeClient>[0]) => ComputeClient): ComputeClient {
  const names = [...config.globusApps.keys()];
  const name = appName ?? config.globus.app ?? names[0];
  const app = name === undefined ? undefined : config.globusApps.get(name);
  if (!app) {
    throw configError(
      appName === undefined ? `recon at ALCF needs Globus credentials, but ${config.source} has no globus.globus_apps` : `recon.alcf.globus_app: ${config.source} has no globus app ${JSON.stringify(appName)}`,
      'add globus: { globus_apps: { <name>: { client_id: ${GLOBUS_CLIENT_ID}, client_secret: ${GLOBUS_CLIENT_SECRET} } } }: the confidential client the Polaris endpoint runs as (docs/recon.md)',
    );
  }
  return make({
    computeUrl: config.globus.computeUrl,
    authUrl: config.globus.authUrl,
    clientId: resolveEnv(app.client_id, { secret: true, mask }),
    clientSecret: resolveEnv(app.client_secret, { secret: true, mask }),
    mask,
  });
}

/**
 * Before the first submission: the endpoint must be online (an offline one fails the step at once: its tasks
 * would wait without limit), and the function to run must be the wrapper this build carries — a configured
 * function_id is checked against it, none means the wrapper is registered for this run.
 */
export async function alcfPreflight(client: ComputeClient, endpointId: string, configured: string | undefined, fn: ComputeFunction, pythonVersion: string, ctx: StepContext): Promise<{ functionId: string; registered: boolean }> {
  const st = await client.endpointStatus(endpointId);
  if (st.status !== 'online') {
    throw stepError(`the Globus Compute endpoint ${endpointId} at ALCF is ${st.status}; nothing was submitted`, 'start it on Polaris (globus-compute-endpoint start <name>) or ask ALCF, then dispatch the scan again');
  }
  if (configured !== undefined) {
    const code = await client.functionCode(configured);
    if (code !== sourceFunctionCode(fn.name, fn.source)) {
      throw stepError(
        `recon.alcf.function_id ${configured} is not the wrapper this version of splash-flows runs (${fn.name}); nothing was submitted`,
        'register the current wrapper with `splash recon register-function --beamline <id>` and put the id it prints into recon.alcf.function_id',
      );
    }
    return { functionId: configured, registered: false };
  }
  const functionId = await client.registerFunction({ name: fn.name, source: fn.source, description: fn.description, pythonVersion });
  ctx.warn(`registered the ALCF wrapper as Globus Compute function ${functionId} for this run: set recon.alcf.function_id to it (or run splash recon register-function) so every run uses one registration`);
  return { functionId, registered: true };
}


const NO_CANCEL = 'Globus Compute cannot cancel a task: it runs on at ALCF until the program ends or the wrapper\'s time limit stops it';

function tailLines(text: string, n = 20): string {
  return text.replace(/\s+$/, '').split('\n').slice(-n).join('\n');
}

/** Submit the job and follow its task to a verdict. Throws for a submission the service refused, JobCancelled for a cancelled step. */
export async function runComputeJob(spec: ComputeJobSpec, run: AlcfRun): Promise<JobOutcome> {
  const { client, ctx } = run;
  const now = run.now ?? Date.now;
  const timeline: TimelineEntry[] = [];
  const mark = (state: string): void => {
    if (timeline.at(-1)?.state !== state) timeline.push({ state, at: new Date(now()) });
  };
  if (run.signal.aborted) throw new JobCancelled(`${spec.kind}: cancelled before the task was submitted`);
  const [taskId = ''] = await client.submit(run.endpointId, run.functionId, [{ args: [spec.job] }]);
  mark('submitted');
  ctx.info(`${spec.kind}: submitted Globus Compute task ${taskId} (${spec.name})`);

  const allowance = spec.walltimeSeconds + spec.queueAllowanceSeconds;
  const deadline = now() + allowance * 1000;
  const started = now();
  let wait = run.pollFirstMs;
  let lastLog = 0;
  let record: TaskRecord | undefined;
  const aborted = (): boolean => run.signal.aborted;
  for (;;) {
    if (aborted()) {
      mark('abandoned by the step');
      throw new JobCancelled(`${spec.kind}: the step was cancelled; ${NO_CANCEL} (task ${taskId}, limit ${formatDuration(spec.walltimeSeconds)})`, 'dispatch the scan again: the new task waits for this one and takes its result');
    }
    record = (await client.batchStatus([taskId])).get(taskId);
    if (record === undefined) throw stepError(`${spec.kind}: Globus Compute does not know task ${taskId} it accepted`, 'dispatch the scan again');
    mark(record.status);
    if (!record.pending) break;
    if (now() - lastLog >= 60_000 || lastLog === 0) {
      lastLog = now();
      ctx.info(`${spec.kind}: task ${taskId} ${record.status}; waited ${formatDuration((now() - started) / 1000)} of ${formatDuration(allowance)}`);
    }
    if (now() >= deadline) {
      mark(`given up at the deadline (${record.status})`);
      return outcome(spec, taskId, timeline, record, undefined, {
        reason: `Globus Compute task ${taskId} was still ${record.status} ${formatDuration(allowance)} after submission (time limit ${formatDuration(spec.walltimeSeconds)} + queue allowance ${formatDuration(spec.queueAllowanceSeconds)}); the step stopped waiting. ${NO_CANCEL}`,
      });
    }
    await sleepOrAbort(Math.min(wait, Math.max(0, deadline - now())), run.signal);
    wait = Math.min(run.pollMaxMs, Math.round(wait * 1.5));
  }

  if (record.status === 'failed') {
    const text = record.exception ?? '';
    const last = text.trim().split('\n').at(-1) ?? '';
    return outcome(spec, taskId, timeline, record, undefined, {
      reason: `Globus Compute task ${taskId} failed: ${text ? last : (record.reason ?? 'no reason given')}`,
      stderrTail: tailLines(text),
    });
  }
  let verdict: JobStatusDoc | undefined;
  let why: string | undefined;
  try {
    const value = decodeResult(record.result ?? '');
    if (value !== null && typeof value === 'object' && typeof (value as { ok?: unknown }).ok === 'boolean') verdict = value as JobStatusDoc;
    else why = `Globus Compute task ${taskId} returned no verdict (${JSON.stringify(value).slice(0, 120)})`;
  } catch (err) {
    why = `Globus Compute task ${taskId}: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (verdict === undefined) return outcome(spec, taskId, timeline, record, undefined, { reason: why ?? 'no verdict' });
  let reason: string | undefined;
  if (!verdict.ok) reason = `the job's verdict at ALCF: ${verdict.stage ?? '?'} failed: ${verdict.message ?? ''}`;
  else reason = spec.verify(verdict);
  const tail = typeof verdict.stderr_tail === 'string' && verdict.stderr_tail !== '' ? verdict.stderr_tail : typeof verdict.stdout_tail === 'string' ? verdict.stdout_tail : '';
  return outcome(spec, taskId, timeline, record, verdict, { reason, stderrTail: reason === undefined ? '' : tail });
}

function outcome(spec: ComputeJobSpec, taskId: string, timeline: TimelineEntry[], record: TaskRecord, verdict: JobStatusDoc | undefined, o: { reason: string | undefined; stderrTail?: string }): JobOutcome {
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const logs = verdict && Array.isArray(verdict.logs) && verdict.logs.every((l) => typeof l === 'string') ? verdict.logs : spec.logs;
  return {
    hpc: 'alcf',
    kind: spec.kind,
    jobId: taskId,
    jobName: spec.name,
    // The task's end state, and the stage the verdict failed at when the task itself ended well.
    state: verdict !== undefined && !verdict.ok ? `${record.status}, verdict: ${verdict.stage ?? '?'} failed` : record.status,
    exitCode: verdict && typeof verdict.returncode === 'number' ? String(verdict.returncode) : undefined,
    ok: o.reason === undefined,
    reused: verdict?.reused === true,
    reason: o.reason,
    timeline,
    elapsedSeconds: num(verdict?.elapsed_seconds),
    walltimeSeconds: spec.walltimeSeconds,
    outputs: spec.outputs,
    results: spec.results,
    centre: verdict && spec.centreOf ? spec.centreOf(verdict) : undefined,
    status: verdict,
    software: spec.software,
    stderrTail: o.stderrTail ?? '',
    logs,
  };
}

/** The ALCF JobController: a beamline's Compute jobs, run and judged by runComputeJob; described as the wrapper's argument. */
export class AlcfController<O> extends SpecController<O, ComputeJobSpec> {
  constructor(jobs: AlcfJobs<O>, run: AlcfRun | undefined) {
    super('alcf', jobs, run ? (spec) => runComputeJob(spec, run) : undefined, (s) => ({ kind: s.kind, name: s.name, text: `${JSON.stringify(s.job, null, 2)}\n` }));
  }
}
