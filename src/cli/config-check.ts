import { existsSync } from 'node:fs';
import { configuredBeamlines } from '../../beamlines/index.js';
import { loadConfig, pruneRuleProblems, pruneRulesError, pruneRulesOf } from '../config/index.js';
import { describeEndpoint } from '../endpoints.js';
import { configError, SplashError } from '../errors.js';
import { pruneFor } from '../prune/index.js';
import { days } from '../prune/report.js';
import { hostLabel } from '../hpss/host.js';
import { formatBytes } from '../run/format.js';
import { redact } from '../secrets.js';
import { archiveTargetOf } from '../steps/hpss.js';
import { dataExchangeIngestor } from '../scicat/ingestors.js';
import { scicatConnection, scicatSettingsOf } from '../services.js';
import { ingestPreflight } from '../steps/ingest.js';
import { reconPreflight } from '../steps/recon.js';
import { gatePath } from '../paths.js';
import { formatDuration } from '../run/format.js';
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
 * A part of a beamline's chain must be able to run as configured: what the step would find "not configured"
 * at run time (after the move, say) is a config error here, at the field that has to change.
 */
function runnable<T>(probe: () => T, where: string): T {
  try {
    return probe();
  } catch (err) {
    if (!(err instanceof SplashError && err.kind === 'not-configured')) throw err;
    throw configError(`${where}: ${err.message}; the beamline's chain cannot run as configured`, err.hint);
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
    // A collection not created yet (the original system's "uuid: TBD"): loads, but nothing can move there.
    if (e.type === 'globus' && /^0{8}-0{4}-0{4}-0{4}-0{12}$/.test(e.uuid)) warnings.push(`endpoint ${e.name}: its collection id is the nil UUID, a placeholder: set the real one before the first dispatch`);
  }
  const beamlines = configuredBeamlines(config);
  lines.push('', `beamlines (${beamlines.length}):`);
  const scicat = scicatConnection(config);
  const settings = scicatSettingsOf(config);
  for (const beamline of beamlines) {
    const { config: b } = beamline;
    const s = b.settings;
    // What each link of the chain needs, resolved the way the step would: a bad reference or a link that
    // could not run is a config error here (exit 2), not a failure after the move.
    const chain = beamline.chain({ exportControlled: false }).filter((step) => step.kind === 'step').map((step) => step.name);
    const usesGlobus: string[] = [];
    s.move.forEach((h, i) => {
      const field = `beamlines.${b.id}.move[${i}]`;
      const from = b.endpoint(h.from, `${field}.from`);
      const to = b.endpoint(h.to, `${field}.to`);
      if (from.type === 'globus' || to.type === 'globus') usesGlobus.push(field);
      if (chain.includes('move')) runnable(() => transferFor(from, to), `${config.locate(['beamlines', b.id, 'move', i])} ${field} (${h.from} → ${h.to})`);
    });
    s.prune.forEach((r, i) => {
      const field = `beamlines.${b.id}.prune[${i}]`;
      const endpoint = b.endpoint(r.endpoint, `${field}.endpoint`);
      const check = b.endpoint(r.check, `${field}.check`);
      if (endpoint.type === 'globus') usesGlobus.push(field);
      notConfigured(() => pruneFor(endpoint, check, r.verify, { beamline: b.id, config: b.config }), `beamline ${b.id} prune of ${r.endpoint}`, warnings);
    });
    let ingest = '';
    if (chain.includes('ingest')) {
      const source = runnable(() => ingestPreflight(b, settings), `${config.locate(['beamlines', b.id])} beamlines.${b.id}.ingest`);
      if (source.kind === 'files') ingest = `reads the files in ${source.endpoint.name}${scicat ? '' : ' (dry run: no scicat.url)'}`;
      else {
        usesGlobus.push(`beamlines.${b.id}.ingest`);
        ingest = `catalogues name, size and time from the Globus listing of ${source.endpoint.name}${scicat ? '' : ' (dry run: no scicat.url)'}`;
        if (beamline.ingestor === dataExchangeIngestor) {
          warnings.push(`beamline ${b.id}: ingest sees only the Globus listing of ${source.endpoint.name}, so no Data Exchange metadata or thumbnails — set beamlines."${b.id}".ingest.read_from to a folder the runner mounts`);
        }
      }
    }
    let recon = '';
    const r = s.recon;
    if (r) {
      const where = `${config.locate(['beamlines', b.id, 'recon'])} beamlines.${b.id}.recon`;
      if (!beamline.recon) throw configError(`${where}: beamline ${b.id} has no reconstruction of its own`, 'remove the recon section, or add the beamline\'s recon to beamlines/ (8.3.2 and 7.0.1.2 have one)');
      const plan = beamline.recon;
      // Every centre configured, not only the default: a run with --hpc must work too.
      const centres = (['nersc', 'alcf'] as const).filter((h) => r[h] !== undefined);
      for (const h of centres) {
        if (!plan.hpcs.includes(h)) throw configError(`${where}.${h}: beamline ${b.id} does not reconstruct at ${h.toUpperCase()}`, `remove recon.${h}; ${plan.technique} runs at ${plan.hpcs.join(' or ')}`);
      }
      if (centres.includes('nersc') && !config.sfapi) throw configError(`${where}: recon at NERSC needs an sfapi: section`, 'add sfapi: { client_id: ${SFAPI_CLIENT_ID}, private_key: ${SFAPI_PRIVATE_KEY} } (docs/recon.md)');
      const app = r.alcf?.globus_app;
      if (app !== undefined && !config.globusApps.has(app)) throw configError(`${where}.alcf.globus_app: ${config.source} has no globus app ${JSON.stringify(app)}`, `name one of globus.globus_apps (${[...config.globusApps.keys()].join(', ') || 'none defined'})`);
      // Options defaults, every script and job document (rendered for an example scan), the hops and their folders.
      const example = [gatePath(plan.example)];
      const pres = centres.map((h) => runnable(() => reconPreflight(b, plan, example, '', [h]), where));
      const defaults = runnable(() => reconPreflight(b, plan, example, '', r.hpc), where);
      warnings.push(...new Set(pres.flatMap((p) => p.warnings)));
      const landings = pres.map((p) => p.sites[0]?.hops.at(-1)?.to).filter((e) => e !== undefined);
      if (landings.length === 2 && landings[0]?.name === landings[1]?.name && r.hpc.length === 1) {
        warnings.push(`beamlines.${b.id}.recon: the results of NERSC and ALCF both come back to ${landings[0]?.name ?? ''}: a scan reconstructed at one centre and then at the other would meet the first one's results there (and not be overwritten)`);
      }
      for (const site of pres.flatMap((p) => p.sites)) {
        const hops = [...site.hops, ...(site.stage ? [site.stage] : [])];
        if (site.hpc === 'alcf' || hops.some((h) => h.from.type === 'globus' || h.to.type === 'globus')) usesGlobus.push(`beamlines.${b.id}.recon${site.hpc === 'alcf' ? '.alcf' : '.results'}`);
      }
      const n = r.nersc;
      const a = r.alcf;
      const parts = [
        n && config.sfapi
          ? `NERSC (${config.sfapi.machine}, qos ${n.qos}, account ${n.account}, ${n.constraint}, ${String(n.nodes)} node(s), ` +
            `walltime ${formatDuration(n.walltime_seconds)} + ${formatDuration(n.queue_allowance_seconds)} in the queue per job, ${n.container})` +
            (r.results.length > 0 ? `; results ${r.results.map((h) => `${h.from} → ${h.to}`).join(', ')}` : '; results stay at NERSC')
          : undefined,
        a
          ? `ALCF (Globus Compute endpoint ${a.endpoint_id}, function ${a.function_id ?? 'registered at each run'}, time limit ${formatDuration(a.walltime_seconds)} + ${formatDuration(a.queue_allowance_seconds)} waiting per job` +
            `${a.stage ? `; scan ${a.stage.from} → ${a.stage.to}` : ''}${a.results.length > 0 ? `; results ${a.results.map((h) => `${h.from} → ${h.to}`).join(', ')}` : '; results stay at ALCF'})`
          : undefined,
      ].filter((x): x is string => x !== undefined);
      const at = parts.length === 1 ? (parts[0] ?? '') : `${r.hpc.map((h) => h.toUpperCase()).join(' and ')} by default; ${parts.join('; ')}`;
      recon = `${plan.technique} at ${at}; defaults: ${defaults.prepared.options}`;
    }
    if (usesGlobus.length > 0 && config.globusApps.size === 0) {
      throw configError(`${usesGlobus[0] ?? ''} uses Globus endpoints, but ${config.source} has no globus.globus_apps with credentials`, 'add globus: { globus_apps: { … } } (see docs/config.md)');
    }
    const from = config.beamlines.has(b.id) ? '' : ' (derived from the legacy layout)';
    lines.push(`  ${b.id} ${b.title}${from}`);
    lines.push(`    prefix: ${s.path_prefix ?? '(none)'}`);
    lines.push(`    move:   ${s.move.map((h) => `${h.from} → ${h.to}${h.skip_export_controlled ? ' (not for export-controlled data)' : ''}`).join(', ') || '(none)'}`);
    for (const r of s.prune) lines.push(`    prune:  ${r.endpoint} after ${days(r.after_days)}, checked on ${r.check} by ${r.verify}`);
    if (ingest !== '') lines.push(`    ingest: ${ingest}`);
    if (recon !== '') lines.push(`    recon:  ${recon}`);
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
  // Secrets registered while loading (credential values from the environment) never reach stdout.
  out.write(redact(`${lines.join('\n')}\n`));
  return 0;
}
