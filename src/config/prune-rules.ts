/**
 * What config alone can tell about prune rules, checked across every beamline before any rule runs:
 * how a rule verifies copies (per kind of storage), that a rule's check endpoint is not its own storage
 * by config (same folder, same collection and path, or one inside the other), and that no rules check
 * each other in a cycle — two prunes of such rules running at once each delete the copy the other relies on.
 * What config cannot tell (a mount or a second collection id over the same storage) is proven at run
 * time by the prune itself (src/prune/).
 */
import type { TransferEndpoint } from '../endpoints.js';
import { configError, type SplashError } from '../errors.js';
import { isInside } from '../paths.js';
import type { BeamlineSettings, PruneRule, SplashConfig } from './types.js';

export type Verify = PruneRule['verify'];

/** Filesystem rules prove content (a verification record, else a hash); Globus verified checksums in the transfer. */
export function defaultVerify(endpoint: TransferEndpoint | undefined, check: TransferEndpoint | undefined): Verify {
  return endpoint?.type === 'filesystem' && check?.type === 'filesystem' ? 'checksum' : 'size';
}

/** A prune rule with its endpoints resolved, and where it sits in config.yml. */
export interface PruneRuleRef {
  readonly beamline: string;
  readonly index: number;
  readonly rule: PruneRule;
  readonly endpoint: TransferEndpoint;
  readonly check: TransferEndpoint;
}

export interface PruneRuleProblem {
  readonly ref: PruneRuleRef;
  /** The key of the rule the problem is reported at. */
  readonly key: 'verify' | 'check';
  /** "expected …, got …" */
  readonly text: string;
  readonly hint: string;
}

/** The rules of the given beamlines (default: every beamline section of the file) with their endpoints. */
export function pruneRulesOf(config: SplashConfig, beamlines: Iterable<BeamlineSettings> = config.beamlines.values()): PruneRuleRef[] {
  const refs: PruneRuleRef[] = [];
  for (const b of beamlines) {
    b.prune.forEach((rule, index) => {
      const endpoint = config.endpoints.get(rule.endpoint);
      const check = config.endpoints.get(rule.check);
      // An undefined name is reported where the rule is resolved (references.ts, BeamlineConfig.endpoint).
      if (endpoint && check) refs.push({ beamline: b.id, index, rule, endpoint, check });
    });
  }
  return refs;
}

/** The problems as one config error, for rules that have no place in the file (derived from the legacy layout). */
export function pruneRulesError(problems: readonly PruneRuleProblem[]): SplashError | undefined {
  if (problems.length === 0) return undefined;
  const lines = problems.map((p) => `${ruleName(p.ref)}.${p.key}: ${p.text}`);
  return configError(lines.join('\n'), [...new Set(problems.map((p) => p.hint))].join('; '));
}

export const ruleName = (r: PruneRuleRef): string => `beamlines.${r.beamline}.prune[${r.index}]`;

/** Every problem config can show, in rule order; cycles are reported once, at their first rule. */
export function pruneRuleProblems(refs: readonly PruneRuleRef[]): PruneRuleProblem[] {
  const problems: PruneRuleProblem[] = [];
  for (const ref of refs) {
    const verify = verifyProblem(ref);
    if (verify) problems.push(verify);
    const same = sameStorageProblem(ref);
    if (same) problems.push(same);
  }
  problems.push(...cycleProblems(refs));
  return problems;
}

function verifyProblem(ref: PruneRuleRef): PruneRuleProblem | undefined {
  const { verify } = ref.rule;
  const got = JSON.stringify(verify);
  if (ref.endpoint.type === 'filesystem' && ref.check.type === 'filesystem') {
    if (verify !== 'size') return undefined;
    return {
      ref, key: 'verify',
      text: `expected checksum (the default) or hash for filesystem endpoints, got ${got}`,
      hint: 'remove verify: size — the default (checksum) now proves each copy\'s content, from the verification record the move wrote or by hashing both files; verify: hash re-reads both files on every run (it also catches bit rot)',
    };
  }
  // Tape: whole archives; `hash` checks each copy on a folder against the archive's checksum manifest.
  if (ref.endpoint.type === 'hpss' && ref.check.type === 'filesystem') {
    if (verify !== 'checksum') return undefined;
    return {
      ref, key: 'verify',
      text: `expected size (the default) or hash for a tape endpoint checked against a folder, got ${got}`,
      hint: 'use verify: hash to check every copy against the archive\'s BLAKE2b manifest (archives without one are then kept), or leave the default (size)',
    };
  }
  if (verify === 'size') return undefined;
  if ([ref.endpoint, ref.check].some((e) => e.type === 'globus')) {
    return {
      ref, key: 'verify',
      text: `expected size (the default) for Globus endpoints, got ${got} (${verify} is not available for Globus endpoints: the API offers no checksum of a stored file)`,
      hint: 'remove the verify key — Globus already verified checksums when it transferred the files (verify_checksum)',
    };
  }
  return {
    ref, key: 'verify',
    text: `expected size (the default) for an ${ref.endpoint.type} endpoint checked against an ${ref.check.type} endpoint, got ${got}`,
    hint: 'remove the verify key',
  };
}

/** Where an endpoint's data is, as config names it: the same key and path mean the same storage. */
function storageOf(e: TransferEndpoint): { readonly key: string; readonly path: string } {
  switch (e.type) {
    case 'filesystem':
      return { key: 'filesystem', path: e.root_path };
    case 'globus':
      return { key: `globus ${e.uuid.toLowerCase()}`, path: e.root_path };
    case 'hpss':
      return { key: `hpss ${e.ssh?.host ?? ''}`, path: e.root_path };
  }
}

const overlaps = (a: string, b: string): boolean => isInside(a, b) || isInside(b, a);

function sameStorageProblem(ref: PruneRuleRef): PruneRuleProblem | undefined {
  const a = storageOf(ref.endpoint);
  const b = storageOf(ref.check);
  // The same name is already refused (references.ts); the same storage under two names is refused here.
  if (ref.endpoint.name === ref.check.name || a.key !== b.key || !overlaps(a.path, b.path)) return undefined;
  const how = a.path === b.path ? 'the same folder' : 'one folder inside the other';
  const where = ref.endpoint.type === 'globus' ? `collection ${ref.endpoint.uuid}: ` : '';
  return {
    ref, key: 'check',
    text: `expected a check endpoint on other storage than ${JSON.stringify(ref.endpoint.name)}, got ${JSON.stringify(ref.check.name)}: ${how} (${where}${a.path}, ${b.path})`,
    hint: 'a check endpoint must be a separate copy of the data; point the rule at the endpoint the files were moved to',
  };
}

/**
 * Rules that check each other, across beamlines. A rule maps a file P/r of its endpoint to the copy Q/r it
 * relies on; a cycle is a chain of rules that leads some file back to itself (x → y, y → x; or through
 * nested roots: x → y, y/sub → x/sub). Followed as regions: `origin` is the part of the first rule's
 * endpoint still in play, `at` where its files' copies are now; a chain whose `at` comes back to `origin`
 * is a cycle.
 */
function cycleProblems(refs: readonly PruneRuleRef[]): PruneRuleProblem[] {
  const problems: PruneRuleProblem[] = [];
  const seen = new Set<string>();
  const edges = refs.map((ref) => ({ ref, from: storageOf(ref.endpoint), to: storageOf(ref.check) }));
  type Region = { readonly key: string; readonly path: string };
  const walk = (origin: Region, at: Region, chain: readonly number[]): number[] | undefined => {
    if (chain.length > edges.length) return undefined;
    for (let i = 0; i < edges.length; i++) {
      const e = edges[i];
      if (!e || chain.includes(i) || e.from.key !== at.key || !overlaps(e.from.path, at.path)) continue;
      let nextOrigin = origin;
      let next: Region;
      if (isInside(e.from.path, at.path)) {
        next = { key: e.to.key, path: joinUnder(e.to.path, at.path.slice(e.from.path === '/' ? 0 : e.from.path.length)) };
      } else {
        // The rule covers only part of where the copies are: follow that part.
        const sub = e.from.path.slice(at.path === '/' ? 0 : at.path.length);
        nextOrigin = { key: origin.key, path: joinUnder(origin.path, sub) };
        next = e.to;
      }
      if (next.key === nextOrigin.key && next.path === nextOrigin.path) return [...chain, i];
      const found = walk(nextOrigin, next, [...chain, i]);
      if (found) return found;
    }
    return undefined;
  };
  edges.forEach((e, i) => {
    // A rule against its own storage is reported by sameStorageProblem.
    if (e.from.key === e.to.key && overlaps(e.from.path, e.to.path)) return;
    const cycle = walk(e.from, e.to, [i]);
    if (!cycle) return;
    const id = [...cycle].sort((a, b) => a - b).join(',');
    if (seen.has(id)) return;
    seen.add(id);
    const first = Math.min(...cycle);
    const start = cycle.indexOf(first);
    const ordered = [...cycle.slice(start), ...cycle.slice(0, start)].map((k) => edges[k]?.ref).filter((r) => r !== undefined);
    const head = ordered[0];
    if (!head) return;
    const steps = ordered.map((r) => `${ruleName(r)} prunes ${r.endpoint.name} checked against ${r.check.name}`).join('; ');
    problems.push({
      ref: head, key: 'check',
      text: `expected rules that do not check each other, got a cycle: ${steps}`,
      hint: 'two prunes of rules in a cycle, running at once, each delete the copy the other relies on; check every tier against the next one along the move chain, never back',
    });
  });
  return problems;
}

function joinUnder(base: string, rest: string): string {
  if (rest === '' || rest === '/') return base;
  const tail = rest.startsWith('/') ? rest : `/${rest}`;
  return base === '/' ? tail : `${base}${tail}`;
}
