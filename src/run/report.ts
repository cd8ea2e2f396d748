/**
 * A step's machine-readable report: a small JSON document beside the job summary, kept as a run artifact
 * (the workflows upload it) and read by the pipeline status pages (src/status/). The summary is for a person
 * reading one run; the report is for a program reading thousands of them, so it holds counts, bytes, times
 * and one-line reasons, never whole listings (lists are capped and say how many were left out).
 *
 * Filled through the step context (`ctx.report`), written once by `runStep` when the step ends — ok or
 * failed — and masked on the way out like every other output (src/secrets.ts `redactValue`).
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { redact, redactValue } from '../secrets.js';

export const REPORT_SCHEMA = 'splash-step-report/1';

/** Lists in a report keep at most this many entries; `<name>_total` says how many there were. */
export const REPORT_LIST_LIMIT = 100;

export type ReportValue = string | number | boolean | null | readonly ReportValue[] | { readonly [key: string]: ReportValue };

/** Where the run came from: the runner's own variables (absent in a terminal). */
export interface ReportRun {
  readonly repository: string;
  readonly run_id: number;
  readonly run_attempt: number;
  readonly workflow: string;
  readonly job: string;
}

export interface StepReportDoc {
  readonly schema: typeof REPORT_SCHEMA;
  /** move, ingest, recon, hpss, prune, dispatch. */
  readonly step: string;
  /** The title the summary uses ("Prune (dry run)"). */
  readonly title: string;
  readonly beamline: string | null;
  readonly status: 'ok' | 'failed';
  /** The one-line reason of a failure, masked. */
  readonly error: string | null;
  readonly started: string;
  readonly finished: string;
  readonly seconds: number;
  readonly run: ReportRun | null;
  /** What the step did, in the step's own terms (files, bytes, datasets, jobs, archives, deletions). */
  readonly facts: { readonly [key: string]: ReportValue };
}

export class StepReport {
  #step: string | undefined;
  #beamline: string | null = null;
  readonly #facts = new Map<string, ReportValue>();

  /** Names the step this context runs; a context that never names one writes no report (watch, demo). */
  begin(step: string, beamline: string | null = null): this {
    this.#step = step;
    this.#beamline = beamline;
    return this;
  }

  get step(): string | undefined {
    return this.#step;
  }

  set(key: string, value: ReportValue): this {
    this.#facts.set(key, value);
    return this;
  }

  /** A capped list under `key`, with `<key>_total` holding the full count. */
  list(key: string, items: readonly ReportValue[]): this {
    this.#facts.set(key, items.slice(0, REPORT_LIST_LIMIT));
    this.#facts.set(`${key}_total`, items.length);
    return this;
  }

  /** The document, masked: nothing a step put here can carry a secret out. */
  toDoc(end: { title: string; status: 'ok' | 'failed'; error: string | null; started: Date; finished: Date; run: ReportRun | null }): StepReportDoc | undefined {
    if (this.#step === undefined) return undefined;
    const doc: StepReportDoc = {
      schema: REPORT_SCHEMA,
      step: this.#step,
      title: end.title,
      beamline: this.#beamline,
      status: end.status,
      error: end.error === null ? null : redact(end.error.replace(/\s+/g, ' ').trim()).slice(0, 500),
      started: end.started.toISOString(),
      finished: end.finished.toISOString(),
      seconds: Math.max(0, (end.finished.getTime() - end.started.getTime()) / 1000),
      run: end.run,
      facts: Object.fromEntries(this.#facts),
    };
    return redactValue(doc) as StepReportDoc;
  }
}

/** The run a report belongs to, from the runner's environment; null outside a workflow. */
export function runOf(env: NodeJS.ProcessEnv = process.env): ReportRun | null {
  const id = Number(env.GITHUB_RUN_ID);
  if (env.GITHUB_ACTIONS !== 'true' || !Number.isSafeInteger(id) || id <= 0) return null;
  return {
    repository: env.GITHUB_REPOSITORY ?? '',
    run_id: id,
    run_attempt: Number(env.GITHUB_RUN_ATTEMPT ?? '1') || 1,
    workflow: env.GITHUB_WORKFLOW ?? '',
    job: env.GITHUB_JOB ?? '',
  };
}

/**
 * Where reports go: SPLASH_REPORT_DIR, else (under the runner) $RUNNER_TEMP/splash-reports, the folder the
 * workflows upload as the job's `splash-report-<job>` artifact. Undefined in a terminal without the variable.
 */
export function reportDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env.SPLASH_REPORT_DIR ?? '';
  if (explicit !== '') return path.resolve(explicit);
  const temp = env.RUNNER_TEMP ?? '';
  if (env.GITHUB_ACTIONS === 'true' && temp !== '') return path.join(temp, 'splash-reports');
  return undefined;
}

let written = 0;

/** Write the report (temp name, then rename: a reader never sees half a file); the path, or undefined. */
export async function writeReport(doc: StepReportDoc, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const label = [doc.step, doc.beamline ?? 'all'].join('-').replace(/[^A-Za-z0-9._-]/g, '_');
  const name = `${label}-${doc.started.replace(/[:.]/g, '')}-${process.pid}-${++written}.json`;
  const file = path.join(dir, name);
  const temp = `${file}.partial`;
  await writeFile(temp, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o644 });
  await rename(temp, file);
  return file;
}
