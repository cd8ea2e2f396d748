/**
 * Checks zod cannot make one value at a time: every endpoint a beamline names exists, no endpoint is
 * defined twice across the two layouts, and no hop or prune rule points at itself. They run on the raw
 * data so their problems are reported together with the schema's.
 */
import { formatKeyPath, type KeyPath } from './key-path.js';
import { isRecord } from '../is-record.js';
import { describeValue, type Issue } from './issues.js';
import { HPSS_SECTION } from './schema.js';
import type { SourcePositions } from './yaml-tree.js';

/** Every endpoint definition in document order: new layout, legacy globus, legacy hpss. */
function endpointDefinitions(data: Record<string, unknown>): { name: string; path: KeyPath }[] {
  const found: { name: string; path: KeyPath }[] = [];
  if (isRecord(data.endpoints)) for (const name of Object.keys(data.endpoints)) found.push({ name, path: ['endpoints', name] });
  const globus = data.globus;
  if (isRecord(globus) && isRecord(globus.globus_endpoints)) {
    for (const name of Object.keys(globus.globus_endpoints)) found.push({ name, path: ['globus', 'globus_endpoints', name] });
  }
  for (const name of Object.keys(data)) if (HPSS_SECTION.test(name)) found.push({ name, path: [name] });
  return found;
}

/** Definitions in file order, so the one reported as a repeat is the later one. */
function inFileOrder(found: { name: string; path: KeyPath }[], positions: SourcePositions): { name: string; path: KeyPath }[] {
  const at = (path: KeyPath): number => positions.keyOffset(path) ?? 0;
  return [...found].sort((a, b) => at(a.path) - at(b.path));
}

export function checkReferences(data: Record<string, unknown>, positions: SourcePositions): Issue[] {
  const issues: Issue[] = [];
  const defined = new Map<string, KeyPath>();
  for (const { name, path } of inFileOrder(endpointDefinitions(data), positions)) {
    const first = defined.get(name);
    if (first) {
      issues.push({
        path,
        offset: positions.keyOffset(path),
        text: `expected each endpoint name once, got ${JSON.stringify(name)} again (first defined at ${positions.format(positions.keyOffset(first))} ${formatKeyPath(first)})`,
      });
    } else {
      defined.set(name, path);
    }
  }
  const names = [...defined.keys()].sort();
  const known = names.length > 0 ? `one of the defined endpoints (${names.join(', ')})` : 'a defined endpoint (none are defined)';

  const reference = (owner: Record<string, unknown>, key: string, path: KeyPath): string | undefined => {
    const value = owner[key];
    if (typeof value !== 'string') return undefined; // the schema reports non-strings
    if (!defined.has(value)) {
      issues.push({ path: [...path, key], text: `expected ${known}, got ${describeValue(value)}` });
      return undefined;
    }
    return value;
  };

  // `globus.app` must name one of `globus.globus_apps`.
  const globus = data.globus;
  if (isRecord(globus) && typeof globus.app === 'string') {
    const apps = isRecord(globus.globus_apps) ? Object.keys(globus.globus_apps) : [];
    if (!apps.includes(globus.app)) {
      issues.push({
        path: ['globus', 'app'],
        text: `expected ${apps.length > 0 ? `one of the globus_apps (${apps.join(', ')})` : 'a name from globus_apps (none are defined)'}, got ${describeValue(globus.app)}`,
      });
    }
  }

  // github.app: exactly one way to the private key; and an App replaces token_env, so both is ambiguous.
  const github = data.github;
  if (isRecord(github) && isRecord(github.app)) {
    const app = github.app;
    const keys = ['private_key', 'private_key_path'].filter((k) => app[k] !== undefined && app[k] !== null);
    if (keys.length !== 1) {
      issues.push({
        path: ['github', 'app'],
        text: `expected exactly one of private_key or private_key_path, got ${keys.length === 0 ? 'neither' : 'both'}`,
      });
    }
    if (github.token_env !== undefined) {
      issues.push({
        path: ['github', 'token_env'],
        text: 'expected either token_env or app, got both (with app set, dispatches authenticate as the GitHub App)',
      });
    }
  }

  // sfapi: exactly one way to the private key.
  const sfapi = data.sfapi;
  if (isRecord(sfapi)) {
    const keys = ['private_key', 'private_key_path'].filter((k) => sfapi[k] !== undefined && sfapi[k] !== null);
    if (keys.length !== 1) issues.push({ path: ['sfapi'], text: `expected exactly one of private_key or private_key_path, got ${keys.length === 0 ? 'neither' : 'both'}` });
  }

  if (!isRecord(data.beamlines)) return issues;
  for (const [id, beamline] of Object.entries(data.beamlines)) {
    if (!isRecord(beamline)) continue;
    const base: KeyPath = ['beamlines', id];
    if (Array.isArray(beamline.move)) {
      beamline.move.forEach((hop: unknown, index) => {
        if (!isRecord(hop)) return;
        const path = [...base, 'move', index];
        const from = reference(hop, 'from', path);
        const to = reference(hop, 'to', path);
        if (from !== undefined && from === to) {
          issues.push({ path: [...path, 'to'], text: `expected an endpoint other than from (${JSON.stringify(from)}), got ${describeValue(to)}` });
        }
      });
    }
    if (isRecord(beamline.ingest)) reference(beamline.ingest, 'read_from', [...base, 'ingest']);
    if (isRecord(beamline.archive)) {
      const path = [...base, 'archive'];
      const from = reference(beamline.archive, 'from', path);
      const to = reference(beamline.archive, 'to', path);
      reference(beamline.archive, 'restore_to', path);
      if (from !== undefined && from === to) {
        issues.push({ path: [...path, 'to'], text: `expected an hpss endpoint other than from (${JSON.stringify(from)}), got ${describeValue(to)}` });
      } else if (to !== undefined && !isHpss(data, defined.get(to) ?? [])) {
        issues.push({ path: [...path, 'to'], text: `expected an hpss endpoint (type: hpss, or a hpss_<name> section), got ${describeValue(to)}` });
      }
    }
    if (isRecord(beamline.recon)) {
      const recon = beamline.recon;
      const hop = (h: unknown, path: KeyPath): void => {
        if (!isRecord(h)) return;
        const from = reference(h, 'from', path);
        const to = reference(h, 'to', path);
        if (from !== undefined && from === to) issues.push({ path: [...path, 'to'], text: `expected an endpoint other than from (${JSON.stringify(from)}), got ${describeValue(to)}` });
      };
      if (Array.isArray(recon.results)) recon.results.forEach((h: unknown, index) => { hop(h, [...base, 'recon', 'results', index]); });
      reference(recon, 'read_from', [...base, 'recon']);
      // ALCF: the hop that stages the scan, the results' hops, where the runner reads them.
      const alcf = recon.alcf;
      if (isRecord(alcf)) {
        hop(alcf.stage, [...base, 'recon', 'alcf', 'stage']);
        if (Array.isArray(alcf.results)) alcf.results.forEach((h: unknown, index) => { hop(h, [...base, 'recon', 'alcf', 'results', index]); });
        reference(alcf, 'read_from', [...base, 'recon', 'alcf']);
      }
      // A legacy images section named by its key (ghcr_images832) must be in the file.
      const nersc = recon.nersc;
      if (isRecord(nersc) && typeof nersc.images === 'string' && !isRecord(data[nersc.images])) {
        const sections = Object.keys(data).filter((k) => /^(harbor|ghcr)_images/.test(k));
        issues.push({
          path: [...base, 'recon', 'nersc', 'images'],
          text: `expected ${sections.length > 0 ? `one of the images sections (${sections.join(', ')})` : 'the name of an images section (none is defined)'}, got ${describeValue(nersc.images)}`,
        });
      }
    }
    if (Array.isArray(beamline.prune)) {
      beamline.prune.forEach((rule: unknown, index) => {
        if (!isRecord(rule)) return;
        const path = [...base, 'prune', index];
        const endpoint = reference(rule, 'endpoint', path);
        const check = reference(rule, 'check', path);
        if (endpoint !== undefined && endpoint === check) {
          // Checking a copy against itself would let the prune delete the only copy.
          issues.push({
            path: [...path, 'check'],
            text: `expected an endpoint other than the one pruned (${JSON.stringify(endpoint)}), got ${describeValue(check)}`,
          });
        }
      });
    }
  }
  return issues;
}

/** Whether the endpoint defined at `path` is an HPSS one: a legacy `hpss_<name>` section or `type: hpss`. */
function isHpss(data: Record<string, unknown>, path: KeyPath): boolean {
  if (path.length === 1) return true;
  const endpoints = data.endpoints;
  if (path[0] !== 'endpoints' || !isRecord(endpoints)) return false;
  const e = endpoints[String(path[1])];
  return isRecord(e) && e.type === 'hpss';
}
