/**
 * From runs and step reports to what a status page shows per beamline: the last scans with each step's
 * outcome, failures with their reason, the next prune (from the scheduled preview, a dry run), tape coverage
 * per beam cycle and the data moved per day. Pure: the same input gives the same pages.
 */
import type { StepReportDoc } from '../run/report.js';
import type { CollectedReport, RunInfo } from './collect.js';

/** What the status build knows of a beamline from config.yml and beamlines/ (src/ never imports a beamline). */
export interface BeamlineInfo {
  readonly id: string;
  readonly title: string;
  /** The repository_dispatch event type its watcher sends (a dispatch run's name). */
  readonly eventType: string;
  readonly prune: readonly { readonly endpoint: string; readonly check: string; readonly after_days: number }[];
}

export type Outcome = 'ok' | 'failed' | 'running' | 'not run';

export interface StepCell {
  readonly outcome: Outcome;
  readonly seconds: number | undefined;
  /** Bytes per second (move). */
  readonly rate: number | undefined;
  readonly detail: string;
}

export interface ScanRow {
  readonly run: number;
  readonly url: string;
  readonly time: string;
  /** The first path and how many more. */
  readonly files: string;
  readonly bytes: number | undefined;
  readonly steps: Readonly<Record<string, StepCell>>;
}

export interface FailureRow {
  readonly run: number;
  readonly url: string;
  readonly time: string;
  readonly step: string;
  readonly files: string;
  readonly reason: string;
}

export interface PruneRuleView {
  readonly endpoint: string;
  readonly check: string;
  readonly after_days: number;
  readonly files: number;
  readonly bytes: number;
  readonly examples: readonly { readonly path: string; readonly bytes: number; readonly mtime: string }[];
  readonly unsafe: readonly { readonly path: string; readonly reason: string }[];
  readonly unsafeTotal: number;
}

export interface PruneView {
  /** The time the preview was computed for (the next scheduled sweep). */
  readonly asOf: string;
  readonly run: number;
  readonly url: string;
  readonly rules: readonly PruneRuleView[];
}

export interface CycleRow {
  readonly cycle: string;
  readonly proposals: number;
  readonly files: number;
  readonly bytes: number;
  readonly failed: number;
  readonly last: string;
}

export interface DayPoint {
  readonly day: string;
  readonly bytes: number;
  readonly seconds: number;
  readonly files: number;
}

export interface BeamlineStatus {
  readonly info: BeamlineInfo;
  readonly scans: readonly ScanRow[];
  readonly scansTotal: number;
  readonly failures: readonly FailureRow[];
  readonly failuresTotal: number;
  readonly prune: PruneView | undefined;
  readonly tape: readonly CycleRow[];
  readonly days: readonly DayPoint[];
}

export interface StatusModel {
  readonly generated: string;
  readonly since: string;
  readonly repository: string;
  readonly beamlines: readonly BeamlineStatus[];
  readonly runs: number;
  readonly reports: number;
}

/** Rows shown per table: the pages stay small however many runs there are. */
export const ROWS = 50;
export const SCAN_STEPS = ['move', 'ingest', 'recon'] as const;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
const rec = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** "raw/p1/scan.h5", or "raw/p1/a.edf + 11 more". */
function filesOf(doc: StepReportDoc): string {
  const paths = arr(doc.facts.paths).map(str);
  const total = num(doc.facts.paths_total) ?? paths.length;
  if (paths.length === 0) return '';
  return total > 1 ? `${paths[0] ?? ''} + ${total - 1} more` : (paths[0] ?? '');
}

function cellOf(doc: StepReportDoc): StepCell {
  const bytes = num(doc.facts.bytes);
  const rate = doc.step === 'move' && bytes !== undefined && doc.seconds > 0 ? bytes / doc.seconds : undefined;
  let detail = doc.error ?? '';
  if (detail === '' && doc.step === 'recon') {
    const states = arr(doc.facts.scans).flatMap((s) => arr(rec(s).jobs).map((j) => str(rec(j).state)));
    detail = [...new Set(states)].join(', ');
  }
  if (detail === '' && doc.step === 'ingest') detail = `${num(doc.facts.datasets) ?? 0} dataset(s)`;
  return { outcome: doc.status, seconds: doc.seconds, rate, detail };
}

const dayOf = (iso: string): string => iso.slice(0, 10);

export function buildModel(input: {
  beamlines: readonly BeamlineInfo[];
  runs: readonly RunInfo[];
  reports: readonly CollectedReport[];
  /** Runs whose reports were listed but not read yet (the build's budget): not to be mistaken for runs without. */
  unreadRuns?: ReadonlySet<number>;
  now: Date;
  since: Date;
  repository: string;
}): StatusModel {
  const runsById = new Map(input.runs.map((r) => [r.id, r]));
  const urlOf = (run: number): string => runsById.get(run)?.url ?? '';
  // The latest report per run, step and beamline (a re-run attempt replaces the earlier one).
  const latest = new Map<string, CollectedReport>();
  for (const r of input.reports) {
    const key = `${r.run}|${r.doc.step}|${r.doc.beamline ?? ''}|${r.doc.title}`;
    const had = latest.get(key);
    if (!had || had.doc.started < r.doc.started) latest.set(key, r);
  }
  const reports = [...latest.values()].sort((a, b) => (a.doc.started < b.doc.started ? 1 : a.doc.started > b.doc.started ? -1 : 0));

  const beamlines = input.beamlines.map((info): BeamlineStatus => {
    const mine = reports.filter((r) => r.doc.beamline === info.id);
    // Scans: one row per dispatch run of this beamline, its steps side by side.
    const byRun = new Map<number, CollectedReport[]>();
    for (const r of mine) {
      if (!(SCAN_STEPS as readonly string[]).includes(r.doc.step)) continue;
      byRun.set(r.run, [...(byRun.get(r.run) ?? []), r]);
    }
    // Dispatch runs of this beamline without any report: they failed (or are running) before a step reported.
    for (const run of input.runs) {
      if (run.title === info.eventType && !byRun.has(run.id)) byRun.set(run.id, []);
    }
    const scans = [...byRun.entries()].map(([run, rs]): ScanRow => {
      const info2 = runsById.get(run);
      const steps: Record<string, StepCell> = {};
      for (const r of rs) steps[r.doc.step] = cellOf(r.doc);
      const first = rs.find((r) => r.doc.step === 'move') ?? rs[0];
      if (rs.length === 0) {
        const running = info2 !== undefined && info2.status !== 'completed';
        const unread = input.unreadRuns?.has(run) === true;
        const detail = running ? 'in progress' : unread ? `run ${info2?.conclusion ?? 'unknown'}; its reports are read by the next build` : `run ${info2?.conclusion ?? 'unknown'} before a step reported`;
        steps.move = { outcome: running ? 'running' : info2?.conclusion === 'success' ? 'ok' : 'failed', seconds: undefined, rate: undefined, detail };
      }
      return {
        run,
        url: urlOf(run),
        time: first?.doc.started ?? info2?.created ?? '',
        files: first ? filesOf(first.doc) : '',
        bytes: first ? num(first.doc.facts.bytes) : undefined,
        steps,
      };
    });
    scans.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : b.run - a.run));

    const failures: FailureRow[] = [];
    for (const s of scans) {
      for (const [step, cell] of Object.entries(s.steps)) {
        if (cell.outcome === 'failed') failures.push({ run: s.run, url: s.url, time: s.time, step, files: s.files, reason: cell.detail });
      }
    }
    // Scheduled steps for this beamline (hpss runs name it; prune and archive for all beamlines too).
    for (const r of reports) {
      if ((r.doc.step === 'prune' || r.doc.step === 'hpss') && r.doc.status === 'failed' && (r.doc.beamline === info.id || r.doc.beamline === null)) {
        failures.push({ run: r.run, url: urlOf(r.run), time: r.doc.started, step: r.doc.title, files: '', reason: r.doc.error ?? '' });
      }
    }
    failures.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));

    return {
      info,
      scans: scans.slice(0, ROWS),
      scansTotal: scans.length,
      failures: failures.slice(0, ROWS),
      failuresTotal: failures.length,
      prune: pruneView(info, reports, urlOf),
      tape: tapeOf(info, reports),
      days: daysOf(mine, input.now, input.since),
    };
  });
  return {
    generated: input.now.toISOString(),
    since: input.since.toISOString(),
    repository: input.repository,
    beamlines,
    runs: input.runs.length,
    reports: input.reports.length,
  };
}

/** The newest prune dry run (the scheduled preview), restricted to this beamline's rules. */
function pruneView(info: BeamlineInfo, reports: readonly CollectedReport[], urlOf: (run: number) => string): PruneView | undefined {
  const preview = reports.find((r) => r.doc.step === 'prune' && r.doc.status === 'ok' && r.doc.facts.dry_run === true && (r.doc.beamline === null || r.doc.beamline === info.id));
  if (!preview) return undefined;
  const ruleKeys = new Set(info.prune.map((p) => `${p.endpoint}|${p.check}`));
  const rules = arr(preview.doc.facts.rules)
    .map(rec)
    .filter((r) => ruleKeys.has(`${str(r.endpoint)}|${str(r.check)}`))
    .map((r): PruneRuleView => ({
      endpoint: str(r.endpoint),
      check: str(r.check),
      after_days: num(r.after_days) ?? 0,
      files: num(r.pruned) ?? 0,
      bytes: num(r.pruned_bytes) ?? 0,
      examples: arr(r.pruned_files).map(rec).map((f) => ({ path: str(f.path), bytes: num(f.bytes) ?? 0, mtime: str(f.mtime) })),
      unsafe: arr(r.unsafe_files).map(rec).map((f) => ({ path: str(f.path), reason: str(f.reason) })),
      unsafeTotal: num(r.unsafe) ?? 0,
    }));
  return { asOf: str(preview.doc.facts.now) || preview.doc.started, run: preview.run, url: urlOf(preview.run), rules };
}

/** Per beam cycle: the proposals on tape for this beamline (the newest report per proposal and cycle counts). */
function tapeOf(info: BeamlineInfo, reports: readonly CollectedReport[]): CycleRow[] {
  const seen = new Map<string, { proposal: string; files: number; bytes: number; failed: boolean; time: string }>();
  for (const r of reports) {
    if (r.doc.step !== 'hpss' || r.doc.facts.dry_run === true) continue;
    for (const a of arr(r.doc.facts.archives).map(rec)) {
      if (str(a.beamline) !== info.id) continue;
      const key = `${str(a.cycle) || 'unknown'}|${str(a.proposal)}`;
      if (seen.has(key)) continue; // reports are newest first
      seen.set(key, { proposal: str(a.proposal), files: num(a.files) ?? 0, bytes: num(a.bytes) ?? 0, failed: a.error !== null && a.error !== undefined, time: r.doc.started });
    }
  }
  const cycles = new Map<string, CycleRow>();
  for (const [key, p] of seen) {
    const cycle = key.split('|')[0] ?? '';
    const c = cycles.get(cycle) ?? { cycle, proposals: 0, files: 0, bytes: 0, failed: 0, last: '' };
    cycles.set(cycle, {
      cycle,
      proposals: c.proposals + (p.failed ? 0 : 1),
      files: c.files + p.files,
      bytes: c.bytes + p.bytes,
      failed: c.failed + (p.failed ? 1 : 0),
      last: c.last > p.time ? c.last : p.time,
    });
  }
  return [...cycles.values()].sort((a, b) => b.cycle.localeCompare(a.cycle));
}

/** Bytes moved per day (successful moves), every day of the window, empty days included. */
function daysOf(mine: readonly CollectedReport[], now: Date, since: Date): DayPoint[] {
  const days = new Map<string, { bytes: number; seconds: number; files: number }>();
  for (let t = Date.parse(`${dayOf(since.toISOString())}T00:00:00Z`); t <= now.getTime(); t += 86_400_000) days.set(dayOf(new Date(t).toISOString()), { bytes: 0, seconds: 0, files: 0 });
  for (const r of mine) {
    if (r.doc.step !== 'move' || r.doc.status !== 'ok') continue;
    const d = days.get(dayOf(r.doc.started));
    if (!d) continue;
    d.bytes += num(r.doc.facts.bytes) ?? 0;
    d.seconds += r.doc.seconds;
    d.files += num(r.doc.facts.files_total) ?? 0;
  }
  return [...days.entries()].map(([day, d]) => ({ day, ...d }));
}
