import { existsSync } from 'node:fs';
import { configuredBeamlines } from '../../beamlines/index.js';
import { loadConfig, pruneRuleProblems, pruneRulesError, pruneRulesOf } from '../config/index.js';
import { describeEndpoint } from '../endpoints.js';
import { configError, SplashError } from '../errors.js';
import { pruneFor } from '../prune/index.js';
import { days } from '../prune/report.js';
import { hostLabel } from '../hpss/host.js';
import { formatBytes } from '../run/format.js';
import { archiveTargetOf } from '../steps/hpss.js';
import { transferFor } from '../transfer/index.js';

function notConfigured(probe: () => unknown, what: string, warnings: string[]): void {
  try {
    probe();
  } catch (err) {
    if (!(err instanceof SplashError && err.kind === 'not-configured')) throw err;
    warnings.push(`${what}: not configured — ${err.message}`);
  }
}

/**
 * `splash config check`: load and validate, then resolve every beamline's hops and rules the way a step
 * would, so a bad reference shows up here and not in the middle of a run. Throws config errors (exit 2).
 */
export async function checkConfig(file: string, out: NodeJS.WritableStream): Promise<number> {
  const config = await loadConfig(file);
  const lines: string[] = [`${file}: valid`, '', `endpoints (${config.endpoints.size}):`];
  const warnings: string[] = [];
  for (const e of config.endpoints.values()) {
    lines.push(`  ${describeEndpoint(e)}`);
    if (e.type === 'filesystem' && !existsSync(e.root_path)) warnings.push(`endpoint ${e.name}: ${e.root_path} does not exist on this machine`);
  }
  const beamlines = configuredBeamlines(config);
  lines.push('', `beamlines (${beamlines.length}):`);
  for (const { config: b } of beamlines) {
    const s = b.settings;
    // Resolve every reference and controller the way a step would; a bad one throws a config error here,
    // a kind of storage this build cannot serve yet is a warning.
    const usesGlobus: string[] = [];
    s.move.forEach((h, i) => {
      const from = b.endpoint(h.from, `beamlines.${b.id}.move[${i}].from`);
      const to = b.endpoint(h.to, `beamlines.${b.id}.move[${i}].to`);
      if (from.type === 'globus' || to.type === 'globus') usesGlobus.push(`beamlines.${b.id}.move[${i}]`);
      notConfigured(() => transferFor(from, to), `beamline ${b.id} hop ${h.from} → ${h.to}`, warnings);
    });
    s.prune.forEach((r, i) => {
      const field = `beamlines.${b.id}.prune[${i}]`;
      const endpoint = b.endpoint(r.endpoint, `${field}.endpoint`);
      const check = b.endpoint(r.check, `${field}.check`);
      if (endpoint.type === 'globus') usesGlobus.push(field);
      notConfigured(() => pruneFor(endpoint, check, r.verify), `beamline ${b.id} prune of ${r.endpoint}`, warnings);
    });
    if (usesGlobus.length > 0 && config.globusApps.size === 0) {
      throw configError(`${usesGlobus[0] ?? ''} uses Globus endpoints, but ${config.source} has no globus.globus_apps with credentials`, 'add globus: { globus_apps: { … } } (see docs/config.md)');
    }
    const from = config.beamlines.has(b.id) ? '' : ' (derived from the legacy layout)';
    lines.push(`  ${b.id} ${b.title}${from}`);
    lines.push(`    prefix: ${s.path_prefix ?? '(none)'}`);
    lines.push(`    move:   ${s.move.map((h) => `${h.from} → ${h.to}${h.skip_export_controlled ? ' (not for export-controlled data)' : ''}`).join(', ') || '(none)'}`);
    for (const r of s.prune) lines.push(`    prune:  ${r.endpoint} after ${days(r.after_days)}, checked on ${r.check} by ${r.verify}`);
    if (s.ingest_read_from !== undefined) lines.push(`    ingest: reads files from ${s.ingest_read_from}`);
    if (s.archive) {
      const { target } = archiveTargetOf(b);
      const a = s.archive;
      lines.push(
        `    tape:   ${a.from}/${a.proposals}/<proposal> → ${a.to} ${target.to.root_path}/${b.id}/… via ${hostLabel(target.to)}, ` +
          `bundles ≤ ${formatBytes(a.bundle_max_bytes)} per beam cycle (${a.time_zone})`,
      );
    }
  }
  // Rules derived from the legacy layout were not in the file when it loaded: all rules together once more.
  const ruleProblem = pruneRulesError(pruneRuleProblems(pruneRulesOf(config, beamlines.map((b) => b.config.settings))));
  if (ruleProblem) throw ruleProblem;
  if (config.globusApps.size > 0) lines.push('', `globus apps: ${[...config.globusApps.keys()].join(', ')}`);
  if (warnings.length > 0) lines.push('', ...warnings.map((w) => `warning: ${w}`));
  out.write(`${lines.join('\n')}\n`);
  return 0;
}
