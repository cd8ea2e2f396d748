/**
 * A facility's recent history in the GitHub simulator: dispatch runs with the step reports their jobs kept
 * (artifacts `splash-report-<job>`), daily prune runs with their preview of the next sweep, archive runs.
 * The reports have the shape src/run/report.ts writes (the status tests also upload reports the bundled
 * actions really wrote). Deterministic for a seed, so a figure measured on it can be measured again.
 */
import { REPORT_SCHEMA, type StepReportDoc } from '../../../src/run/report.js';
import type { GitHubSim } from './server.js';

export interface HistoryOptions {
  /** Dispatch runs in total, spread over `days`, newest at `now`. */
  readonly runs: number;
  readonly days: number;
  readonly now: Date;
  /** beamline id → event type. */
  readonly beamlines: readonly { readonly id: string; readonly eventType: string; readonly recon?: boolean }[];
  /** Every n-th dispatch fails at its move (0: none). */
  readonly failEvery?: number;
  /** Daily prune runs with a preview, and their rules (endpoint → check). */
  readonly prune?: readonly { readonly endpoint: string; readonly check: string; readonly after_days: number }[];
  /** Archive runs: beamline → cycles with proposals. */
  readonly archive?: readonly { readonly beamline: string; readonly cycle: string; readonly proposals: number }[];
  readonly seed?: number;
}

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function report(fields: Partial<StepReportDoc> & Pick<StepReportDoc, 'step' | 'started'>): StepReportDoc {
  const seconds = fields.seconds ?? 1;
  return {
    schema: REPORT_SCHEMA,
    title: fields.step.charAt(0).toUpperCase() + fields.step.slice(1),
    beamline: null,
    status: 'ok',
    error: null,
    finished: new Date(Date.parse(fields.started) + seconds * 1000).toISOString(),
    seconds,
    run: null,
    facts: {},
    ...fields,
  };
}

/** Keep reports as a run's artifact, as actions/upload-artifact does (one JSON file per report). */
export function keepReports(sim: GitHubSim, runId: number, job: string, docs: readonly StepReportDoc[], created?: Date): void {
  const files = Object.fromEntries(docs.map((d, i) => [`${d.step}-${d.beamline ?? 'all'}-${i}.json`, `${JSON.stringify(d, null, 2)}\n`]));
  sim.actions.addArtifact(runId, `splash-report-${job}`, files, created ? { created_at: created } : {});
}

export function seedHistory(sim: GitHubSim, o: HistoryOptions): { dispatches: number; failures: number } {
  const rnd = random(o.seed ?? 832);
  const span = o.days * 86_400_000;
  let failures = 0;
  for (let i = 0; i < o.runs; i++) {
    const at = new Date(o.now.getTime() - Math.floor(((i + 0.5) / o.runs) * span));
    const b = o.beamlines[i % o.beamlines.length];
    if (!b) break;
    const fail = (o.failEvery ?? 0) > 0 && i % (o.failEvery ?? 1) === 0;
    const run = sim.actions.addRun({ name: 'dispatch', display_title: b.eventType, created_at: at, conclusion: fail ? 'failure' : 'success' });
    const path = `/raw/p${1 + (i % 7)}/scan_${String(o.runs - i).padStart(5, '0')}.h5`;
    const bytes = Math.round((1 + rnd() * 20) * 1024 ** 3);
    const seconds = Math.round(bytes / (300 + rnd() * 500) / 1024 ** 2);
    const started = at.toISOString();
    if (fail) {
      failures++;
      keepReports(sim, run.id, 'move', [report({ step: 'move', beamline: b.id, started, status: 'failed', error: `beamline:${path.slice(1)}: does not exist under /data (got "${path.slice(1)}")`, seconds: 2, facts: { paths: [path], paths_total: 1 } })], at);
      continue;
    }
    const files = [{ path: path.slice(1), bytes }];
    keepReports(sim, run.id, 'move', [report({ step: 'move', beamline: b.id, started, seconds, facts: { paths: [path], paths_total: 1, moved: 2, bytes, bytes_written: 2 * bytes, files, files_total: 1 } })], at);
    const later = new Date(at.getTime() + seconds * 1000).toISOString();
    keepReports(sim, run.id, 'ingest', [report({ step: 'ingest', beamline: b.id, started: later, seconds: 3, facts: { paths: [path], paths_total: 1, datasets: 1, created: 1 } })], at);
    if (b.recon) keepReports(sim, run.id, 'recon', [report({ step: 'recon', beamline: b.id, started: later, seconds: 1800, facts: { paths: [path], paths_total: 1, scans: [{ path: path.slice(1), status: 'reconstructed', jobs: [{ kind: 'reconstruct', job_id: String(40_000_000 + i), state: 'COMPLETED', ok: true }] }] } })], at);
  }
  if (o.prune) {
    for (let d = o.days - 1; d >= 0; d--) {
      const at = new Date(o.now.getTime() - d * 86_400_000 - 3600_000);
      const run = sim.actions.addRun({ name: 'prune', path: '.github/workflows/prune.yml', display_title: 'prune', event: 'schedule', created_at: at });
      const next = new Date(at.getTime() + 86_400_000).toISOString();
      const rules = o.prune.map((r) => ({
        ...r,
        pruned: 40 + d,
        pruned_bytes: (40 + d) * 5 * 1024 ** 3,
        kept: 300,
        unsafe: 1,
        pruned_files: [{ path: `raw/p1/scan_old_${d}.h5`, bytes: 5 * 1024 ** 3, mtime: new Date(at.getTime() - (r.after_days + 1) * 86_400_000).toISOString() }],
        unsafe_files: [{ path: 'raw/p9/lonely.h5', reason: `not replicated: ${r.check} has no raw/p9/lonely.h5` }],
      }));
      keepReports(sim, run.id, 'prune', [
        report({ step: 'prune', title: 'Prune', started: at.toISOString(), seconds: 60, facts: { dry_run: false, now: at.toISOString(), rules, rules_total: rules.length } }),
        report({ step: 'prune', title: 'Prune (dry run)', started: new Date(at.getTime() + 61_000).toISOString(), seconds: 40, facts: { dry_run: true, now: next, rules, rules_total: rules.length } }),
      ], at);
    }
  }
  for (const a of o.archive ?? []) {
    const at = new Date(o.now.getTime() - 2 * 86_400_000);
    const run = sim.actions.addRun({ name: 'archive', path: '.github/workflows/archive.yml', display_title: 'archive', event: 'schedule', created_at: at });
    const archives = Array.from({ length: a.proposals }, (_, i) => ({ beamline: a.beamline, cycle: a.cycle, proposal: `raw/BLS-${String(500 + i).padStart(5, '0')}`, items: 2, files: 120, bytes: 300 * 1024 ** 3, not_archived: 0, error: null }));
    keepReports(sim, run.id, 'archive', [report({ step: 'hpss', title: 'HPSS archive', beamline: a.beamline, started: at.toISOString(), seconds: 7200, facts: { dry_run: false, cycle: a.cycle, archives, archives_total: archives.length } })], at);
  }
  return { dispatches: o.runs, failures };
}
