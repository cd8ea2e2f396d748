/**
 * A Slurm job at NERSC through the SFAPI, from submission to a verdict. Success is Slurm's COMPLETED with
 * exit code 0:0 AND the job's status file confirming its outputs; every other end state (FAILED, TIMEOUT,
 * OUT_OF_MEMORY, NODE_FAIL, PREEMPTED, CANCELLED, BOOT_FAIL, DEADLINE, …) is a failure with the reason and
 * the tail of the job's stderr. Waiting is bounded (walltime + queue allowance, then the job is cancelled),
 * polls back off, and a cancelled step cancels its job. A re-run looks the job up by its name first (the
 * name is derived from the scan, the job kind and the options), so it follows the job it already submitted
 * instead of submitting a second one.
 */
import { stepError } from '../errors.js';
import type { RelPath } from '../paths.js';
import type { StepContext } from '../run/context.js';
import { formatDuration } from '../run/format.js';
import { ACTIVE_STATES, type JobView, SfapiApiError, type SfapiClient, SfapiNetworkError } from '../sfapi/index.js';
import type { JobOutcome, JobStatusDoc, TimelineEntry } from './job.js';
import { scanOfJobName } from './naming.js';
import { ownerRecord, statusPathOf, withAfterAny } from './slurm-script.js';
import { JobCancelled, sleepOrAbort } from './wait.js';

export interface SlurmJobSpec {
  readonly kind: string;
  /** Unique per scan, kind and options; what a re-run finds the job by. */
  readonly name: string;
  readonly script: string;
  readonly walltimeSeconds: number;
  readonly queueAllowanceSeconds: number;
  /** Where %x_%j.out/.err and the status file are. */
  readonly logDir: string;
  readonly outputs: readonly string[];
  /**
   * The owner records (ownerPathOf) the job claims its outputs in. A finished job's outputs are its own only
   * while every record still names it: other options for the same scan rewrite the same folders.
   */
  readonly owners?: readonly string[];
  readonly results: readonly RelPath[];
  /** Does the status file confirm the outputs? The reason when it does not. */
  readonly verify: (status: JobStatusDoc) => string | undefined;
  /** The centre the job reports it used, when the job kind has one. */
  readonly centreOf?: (status: JobStatusDoc) => string | undefined;
  /** What makes the outputs (image, program), for the catalogue. */
  readonly software?: readonly string[];
}

export interface SlurmRunOptions {
  readonly client: SfapiClient;
  readonly ctx: StepContext;
  /** Aborted when the step is cancelled (SIGINT/SIGTERM): the job is cancelled too. */
  readonly signal: AbortSignal;
  readonly pollFirstMs: number;
  readonly pollMaxMs: number;
  readonly notFoundGraceMs: number;
  readonly now?: () => number;
}

/** Lines of stderr shown with a failure. */
export const TAIL_LINES = 20;

export { JobCancelled };

function tail(text: string | undefined, lines = TAIL_LINES): string {
  if (text === undefined) return '';
  const all = text.replace(/\s+$/, '').split('\n');
  return all.slice(-lines).join('\n');
}

/** The newest of several views of jobs with the same name (job ids grow). */
const newest = (jobs: readonly JobView[]): JobView | undefined => [...jobs].sort((a, b) => Number(b.jobId) - Number(a.jobId))[0];

/**
 * Submit (or find) and follow the job to its verdict. Never throws for a job that ran and failed: the
 * outcome says so. Throws for a job that could not be submitted, and JobCancelled when the step was cancelled.
 */
export async function runSlurmJob(spec: SlurmJobSpec, o: SlurmRunOptions): Promise<JobOutcome> {
  const { client, ctx } = o;
  const now = o.now ?? Date.now;
  const timeline: TimelineEntry[] = [];
  const mark = (state: string): void => {
    if (timeline.at(-1)?.state !== state) timeline.push({ state, at: new Date(now()) });
  };
  const user = await client.user();

  // 1. A job of this name already submitted by an earlier run?
  let jobId: string | undefined;
  let reused = false;
  const [queued, accounted] = await Promise.all([client.jobs({ name: spec.name, user }, 'squeue'), client.jobs({ name: spec.name, user }, 'sacct')]);
  const active = newest(queued.filter((j) => ACTIVE_STATES.has(j.state)));
  if (active) {
    jobId = active.jobId;
    reused = true;
    mark(`found ${active.state}`);
    ctx.info(`${spec.kind}: job ${jobId} (${spec.name}) was already submitted by an earlier run and is ${active.state}: following it`);
  } else {
    const done = newest([...accounted, ...queued].filter((j) => !ACTIVE_STATES.has(j.state)));
    if (done?.state === 'COMPLETED' && (done.exitCode ?? '0:0') === '0:0') {
      const status = await readStatus(client, spec, done.jobId);
      const confirmed = status !== undefined && status.ok && spec.verify(status) === undefined;
      const taken = confirmed ? await takenOver(client, spec, done.jobId) : undefined;
      if (taken !== undefined) ctx.info(`${spec.kind}: job ${done.jobId} (${spec.name}) completed it with these options, but its outputs were ${taken}: submitting again`);
      else if (confirmed) {
        ctx.info(`${spec.kind}: job ${done.jobId} (${spec.name}) already completed it with these options; not submitted again`);
        mark('found COMPLETED');
        return finish(spec, o, done.jobId, true, timeline, done);
      }
    }
  }

  // 2. Submit. If the answer is lost, the job is looked up by its name before any retry.
  // Jobs of the same scan this one was made to wait for: each may take its own walltime and queue allowance.
  let waitedFor = 0;
  if (jobId === undefined) {
    if (o.signal.aborted) throw new JobCancelled(`${spec.kind}: cancelled before the job was submitted`);
    // Jobs of the same scan with other options (or of another kind) write the same folders: this one waits
    // for them to end instead of running beside them.
    const scan = scanOfJobName(spec.name);
    const others = scan === undefined ? [] : (await client.jobs({ user }, 'squeue')).filter((j) => ACTIVE_STATES.has(j.state) && j.name !== spec.name && scanOfJobName(j.name) === scan);
    const waitFor = [...new Set(others.map((j) => j.jobId))].sort((a, b) => Number(a) - Number(b));
    waitedFor = waitFor.length;
    if (waitFor.length > 0) ctx.info(`${spec.kind}: job(s) ${waitFor.join(', ')} of the same scan (${others.map((j) => j.name).join(', ')}) are still in the queue: this job starts after they end`);
    const submittedAt = now();
    const { jobId: id, recovered } = await client.submitJob(withAfterAny(spec.script, waitFor), async () => {
      const again = await client.jobs({ name: spec.name, user }, 'squeue');
      return newest(again.filter((j) => ACTIVE_STATES.has(j.state)))?.jobId;
    });
    jobId = id;
    mark('submitted');
    ctx.info(`${spec.kind}: submitted Slurm job ${jobId} (${spec.name})${recovered ? ', found after a lost answer' : ''} at ${new Date(submittedAt).toISOString()}`);
    // Another run may have submitted the same job at the same moment (both looked it up before either
    // submitted). The later one is held by --dependency=singleton; it is given up, and the earlier followed.
    const mine = jobId;
    // Submitted is submitted: a failed look-up must not end the step before the job is followed.
    const named = await client.jobs({ name: spec.name, user }, 'squeue').catch((err: unknown) => {
      if (!transient(err)) throw err;
      ctx.warn(`${spec.kind}: could not look for a job of the same name submitted by another run (${err instanceof Error ? err.message : String(err)}); following ${mine}`);
      return [];
    });
    const earlier = named.filter((j) => ACTIVE_STATES.has(j.state) && j.jobId !== mine && Number(j.jobId) < Number(mine));
    const twin = [...earlier].sort((a, b) => Number(a.jobId) - Number(b.jobId))[0];
    if (twin) {
      await cancel(client, ctx, spec, mine, `job ${twin.jobId} of the same name was submitted first (by another run)`);
      jobId = twin.jobId;
      reused = true;
      mark(`following ${twin.jobId}`);
      ctx.info(`${spec.kind}: following Slurm job ${jobId}, submitted for the same scan and options by another run`);
    }
  }

  // 3. Follow it with backoff until it ends, the deadline passes, or the step is cancelled.
  // A job held behind others of its scan (afterany) gets their allowance too: it is not stuck, it waits its
  // turn, and cancelling it at its own deadline would fail a dispatch that was never wrong. Still bounded.
  const allowanceSeconds = (spec.walltimeSeconds + spec.queueAllowanceSeconds) * (1 + waitedFor);
  const deadline = now() + allowanceSeconds * 1000;
  // When Slurm last told us about the job (or it was submitted): it may be unknown, or its state unreadable,
  // for notFoundGraceMs after that — right after a submit (sfapi_client#93), or while Slurm or the SFAPI hiccup.
  let heardAt = now();
  let seen = false;
  let wait = o.pollFirstMs;
  let last: JobView | undefined;
  let lastLog = 0;
  const started = now();
  for (;;) {
    if (o.signal.aborted) {
      await cancel(client, ctx, spec, jobId, 'the step was cancelled');
      mark('cancelled by the step');
      throw new JobCancelled(`${spec.kind}: the step was cancelled; Slurm job ${jobId} was cancelled too`, 'dispatch the scan again to reconstruct it');
    }
    let view: JobView | undefined;
    let unreadable = false;
    try {
      view = await client.job(jobId);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!transient(err)) throw err;
      if (now() - heardAt > o.notFoundGraceMs) {
        throw stepError(`${spec.kind}: the state of Slurm job ${jobId} could not be read for ${Math.round((now() - heardAt) / 1000)} s: ${message}`, `the job may still be running: dispatch the scan again to follow it (a re-run finds it by name), or cancel it (scancel ${jobId} on Perlmutter)`);
      }
      ctx.warn(`${spec.kind}: could not read the state of job ${jobId} (${message}); asking again`);
      unreadable = true;
    }
    if (unreadable) {
      // asked again after the wait below
    } else if (view === undefined) {
      if (now() - heardAt > o.notFoundGraceMs) {
        throw stepError(`${spec.kind}: Slurm job ${jobId} is in neither squeue nor sacct ${Math.round(o.notFoundGraceMs / 1000)} s after it was ${seen ? 'last seen' : 'submitted'}`, 'check the job at https://iris.nersc.gov (or with sacct on Perlmutter), then dispatch again');
      }
    } else {
      heardAt = now();
      seen = true;
      last = view;
      mark(view.state);
      if (!ACTIVE_STATES.has(view.state)) break;
      // Long waits show progress in the log, about once a minute.
      if (now() - lastLog >= 60_000 || lastLog === 0) {
        lastLog = now();
        const ran = view.elapsedSeconds !== undefined ? `, running ${formatDuration(view.elapsedSeconds)} of ${formatDuration(spec.walltimeSeconds)} walltime` : '';
        ctx.info(`${spec.kind}: job ${jobId} ${view.state}${view.state === 'PENDING' && view.reason ? ` (${view.reason})` : ''}${ran}; waited ${formatDuration((now() - started) / 1000)}`);
      }
    }
    if (now() >= deadline) {
      await cancel(client, ctx, spec, jobId, 'the deadline passed');
      mark('cancelled at the deadline');
      const outcome = await finish(spec, o, jobId, reused, timeline, last);
      const behind = waitedFor > 0 ? `, and as much again for each of the ${String(waitedFor)} job(s) of the scan it waited for` : '';
      return { ...outcome, ok: false, state: last?.state ?? 'UNKNOWN', reason: `Slurm job ${jobId} had not finished ${formatDuration(allowanceSeconds)} after submission (walltime ${formatDuration(spec.walltimeSeconds)} + queue allowance ${formatDuration(spec.queueAllowanceSeconds)}${behind}); it was cancelled` };
    }
    await sleepOrAbort(Math.min(wait, Math.max(0, deadline - now())), o.signal);
    wait = Math.min(o.pollMaxMs, Math.round(wait * 1.5));
  }
  return finish(spec, o, jobId, reused, timeline, last);
}

/** A failed status query worth asking again: no answer, a server error, or a 200 body saying status ERROR (a Slurm timeout). */
function transient(err: unknown): boolean {
  if (err instanceof SfapiNetworkError) return true;
  return err instanceof SfapiApiError && (err.status === 200 || err.status >= 500);
}

async function cancel(client: SfapiClient, ctx: StepContext, spec: SlurmJobSpec, jobId: string, why: string): Promise<void> {
  try {
    await client.cancelJob(jobId);
    ctx.warn(`${spec.kind}: ${why}: cancelled Slurm job ${jobId}`);
  } catch (err) {
    // Already ended is fine; anything else must be said: the job may still be using the allocation.
    const message = err instanceof Error ? err.message : String(err);
    if (/already completing or completed|Invalid job id/i.test(message)) return;
    ctx.error(`${spec.kind}: ${why}, but cancelling Slurm job ${jobId} failed: ${message} — cancel it by hand (scancel ${jobId} on Perlmutter)`);
  }
}

/** Whether another job has claimed one of the job's outputs since ("rewritten by …"), or undefined when all are still its own. */
async function takenOver(client: SfapiClient, spec: SlurmJobSpec, jobId: string): Promise<string | undefined> {
  for (const path of spec.owners ?? []) {
    const text = await client.download(path).catch((err: unknown) => {
      if (err instanceof SfapiApiError) return undefined;
      throw err;
    });
    const owner = text?.trim();
    if (owner === ownerRecord(spec.name, jobId)) continue;
    const other = owner === undefined ? undefined : /^(\S+) (\d+)$/.exec(owner);
    return other ? `rewritten by Slurm job ${other[2] ?? '?'} (${other[1] ?? '?'}) since` : `not recorded as its own (${path})`;
  }
  return undefined;
}

async function readStatus(client: SfapiClient, spec: SlurmJobSpec, jobId: string): Promise<JobStatusDoc | undefined> {
  const text = await client.download(statusPathOf(spec.logDir, spec.name, jobId)).catch((err: unknown) => {
    if (err instanceof SfapiApiError) return undefined;
    throw err;
  });
  if (text === undefined) return undefined;
  try {
    const doc: unknown = JSON.parse(text);
    if (doc !== null && typeof doc === 'object' && typeof (doc as { ok?: unknown }).ok === 'boolean') return doc as JobStatusDoc;
  } catch {
    // an unreadable status file confirms nothing
  }
  return undefined;
}

/** The verdict on an ended (or abandoned) job: state, exit code, status file, stderr tail. */
async function finish(spec: SlurmJobSpec, o: SlurmRunOptions, jobId: string, reused: boolean, timeline: TimelineEntry[], last: JobView | undefined): Promise<JobOutcome> {
  const { client } = o;
  const state = last?.state ?? 'UNKNOWN';
  const exitCode = last?.exitCode;
  const status = await readStatus(client, spec, jobId);
  const logs = [`${spec.logDir}/${spec.name}_${jobId}.out`, `${spec.logDir}/${spec.name}_${jobId}.err`];
  let reason: string | undefined;
  if (state !== 'COMPLETED') reason = `Slurm job ${jobId} ended ${state}${exitCode !== undefined ? ` (exit ${exitCode})` : ''}${last?.reason && last.reason !== 'None' ? `, reason ${last.reason}` : ''}`;
  else if (exitCode !== undefined && exitCode !== '0:0') reason = `Slurm job ${jobId} COMPLETED with exit code ${exitCode}`;
  else if (status === undefined) reason = `Slurm job ${jobId} COMPLETED, but wrote no readable status file (${statusPathOf(spec.logDir, spec.name, jobId)}): its outputs are not confirmed`;
  else if (!status.ok) reason = `Slurm job ${jobId} COMPLETED, but its status file says ${status.stage ?? '?'} failed: ${status.message ?? ''}`;
  else {
    reason = spec.verify(status);
    const taken = reason === undefined ? await takenOver(client, spec, jobId) : undefined;
    if (taken !== undefined) reason = `Slurm job ${jobId} COMPLETED, but its outputs were ${taken}: they are not this job's`;
  }
  let stderrTail = '';
  if (reason !== undefined) {
    const [err, out] = await Promise.all(logs.map((p) => client.download(p).catch(() => undefined)).reverse());
    stderrTail = tail(err) || tail(out);
    if (status && !status.ok && status.message) reason = reason.includes(status.message) ? reason : `${reason}: ${status.message}`;
  }
  return {
    hpc: 'nersc',
    kind: spec.kind,
    jobId,
    jobName: spec.name,
    state,
    exitCode,
    ok: reason === undefined,
    reused,
    reason,
    timeline,
    elapsedSeconds: last?.elapsedSeconds,
    walltimeSeconds: spec.walltimeSeconds,
    outputs: spec.outputs,
    results: spec.results,
    centre: status && spec.centreOf ? spec.centreOf(status) : undefined,
    status,
    software: spec.software ?? [],
    stderrTail,
    logs,
  };
}
