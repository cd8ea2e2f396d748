import { existsSync } from 'node:fs';
import { configuredBeamlines } from '../../beamlines/index.js';
import { loadConfig } from '../config/index.js';
import { describeEndpoint } from '../endpoints.js';

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
    // Resolve every reference the way a step would; a bad one throws a config error here.
    s.move.forEach((h, i) => {
      b.endpoint(h.from, `beamlines.${b.id}.move[${i}].from`);
      b.endpoint(h.to, `beamlines.${b.id}.move[${i}].to`);
    });
    s.prune.forEach((r, i) => {
      b.endpoint(r.endpoint, `beamlines.${b.id}.prune[${i}].endpoint`);
      b.endpoint(r.check, `beamlines.${b.id}.prune[${i}].check`);
    });
    const from = config.beamlines.has(b.id) ? '' : ' (derived from the legacy layout)';
    lines.push(`  ${b.id} ${b.title}${from}`);
    lines.push(`    prefix: ${s.path_prefix ?? '(none)'}`);
    lines.push(`    move:   ${s.move.map((h) => `${h.from} → ${h.to}${h.skip_export_controlled ? ' (not for export-controlled data)' : ''}`).join(', ') || '(none)'}`);
    for (const r of s.prune) lines.push(`    prune:  ${r.endpoint} after ${r.after_days} day(s), checked on ${r.check} by ${r.verify}`);
  }
  if (config.globusApps.size > 0) lines.push('', `globus apps: ${[...config.globusApps.keys()].join(', ')}`);
  if (warnings.length > 0) lines.push('', ...warnings.map((w) => `warning: ${w}`));
  out.write(`${lines.join('\n')}\n`);
  return 0;
}
