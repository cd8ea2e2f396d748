/**
 * What each step puts in its JSON report (src/run/report.ts), from the result it returns. One function per
 * step, called by the front doors' shared commands (beamlines/commands.ts), so the action and the CLI write
 * the same report. The status pages (src/status/) read exactly these keys.
 */
import type { PruneReport } from '../prune/index.js';
import type { StepReport } from '../run/report.js';
import type { HpssResult } from './hpss.js';
import type { IngestedDataset } from './ingest.js';
import type { MoveResult } from './move.js';
import type { ReconResult } from './recon.js';

/** The files a step was asked to handle: known before it starts, so a failed step still says which scan. */
export function reportPaths(report: StepReport, paths: readonly string[]): void {
  report.list('paths', [...paths]);
}

export function reportMove(report: StepReport, result: MoveResult): void {
  // A file's size once (the first hop that carried it); bytes moved counts what this run wrote.
  const sizes = new Map<string, number>();
  let written = 0;
  for (const hop of result.hops) {
    for (const f of hop.files) {
      if (!sizes.has(f.rel)) sizes.set(f.rel, f.bytes);
      if (f.status === 'copied') written += f.bytes;
    }
  }
  report
    .set('moved', result.moved)
    .set('bytes', [...sizes.values()].reduce((a, b) => a + b, 0))
    .set('bytes_written', written)
    .list('files', [...sizes].map(([path, bytes]) => ({ path, bytes })))
    .list(
      'hops',
      result.hops.map((h) => ({
        from: h.from,
        to: h.to,
        status: h.status,
        files: h.files.length,
        copied: h.files.filter((f) => f.status === 'copied').length,
        note: h.note,
      })),
    );
}

export function reportIngest(report: StepReport, datasets: readonly IngestedDataset[]): void {
  report
    .set('datasets', datasets.length)
    .set('created', datasets.filter((d) => d.outcome === 'created').length)
    .list('items', datasets.map((d) => ({ path: d.rel, pid: d.pid, outcome: d.outcome, bytes: d.size })));
}

export function reportRecon(report: StepReport, results: readonly ReconResult[]): void {
  report.list(
    'scans',
    results.map((r) => ({
      path: r.scan,
      status: r.status,
      jobs: r.jobs.map((j) => ({ kind: j.kind, job_id: j.jobId, state: j.state, ok: j.ok })),
    })),
  );
}

/**
 * Per rule: what was (or, in a dry run, would be) deleted, what was kept and why, and the check endpoint
 * that holds the verified copy — the "why it is safe" of the status pages.
 */
export function reportPrune(report: StepReport, reports: readonly PruneReport[], opts: { dryRun: boolean; now: Date }): void {
  report.set('dry_run', opts.dryRun).set('now', opts.now.toISOString());
  report.list(
    'rules',
    reports.map((r) => ({
      endpoint: r.endpoint,
      check: r.check,
      after_days: r.afterDays,
      pruned: r.pruned.length,
      pruned_bytes: r.pruned.reduce((a, f) => a + f.size, 0),
      kept: r.kept.length,
      unsafe: r.unsafe.length,
      pruned_files: r.pruned.slice(0, 20).map((f) => ({ path: f.rel, bytes: f.size, mtime: new Date(f.mtimeMs).toISOString() })),
      unsafe_files: r.unsafe.slice(0, 20).map((u) => ({ path: u.rel, reason: u.reason })),
    })),
  );
}

/** Per beamline and proposal: the archives on tape for the cycle, so the pages can show coverage per cycle. */
export function reportHpss(report: StepReport, results: readonly HpssResult[], opts: { dryRun: boolean }): void {
  report.set('dry_run', opts.dryRun);
  report.list(
    'archives',
    results.flatMap((r) =>
      r.proposals.map((p) => ({
        beamline: r.beamline,
        cycle: r.cycle ?? null,
        proposal: p.proposal,
        items: p.items.length,
        files: p.items.reduce((a, i) => a + i.files, 0),
        bytes: p.items.reduce((a, i) => a + i.bytes, 0),
        not_archived: p.notArchived.length,
        error: p.error === '' ? null : p.error,
      })),
    ),
  );
}
