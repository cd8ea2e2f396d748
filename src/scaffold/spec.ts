/**
 * What `splash new-beamline` is asked to make, checked before anything is written: the ids, where their code
 * and workflow go, their endpoints, hops and retention. Every value that lands in a file (TypeScript, YAML,
 * a workflow, Markdown) is checked here against a strict pattern, so no template needs to escape anything.
 */
import { BEAMLINE_ID } from '../beamline-id.js';
import { usageError } from '../errors.js';
import { normaliseAbsolutePath } from '../config/schema.js';

export interface EndpointSpec {
  readonly name: string;
  readonly kind: 'globus' | 'filesystem';
  readonly root: string;
  readonly uuid?: string;
}

export interface HopSpec {
  readonly from: string;
  readonly to: string;
  /** The hop leaves the facility: export-controlled data does not take it. */
  readonly offsite: boolean;
}

export interface PruneSpec {
  readonly endpoint: string;
  readonly days: number;
  readonly check: string;
}

export interface BeamlineSpec {
  readonly id: string;
  /** 9.3.1 → 931 */
  readonly digits: string;
  readonly eventType: string;
  readonly endpoints: readonly EndpointSpec[];
  readonly move: readonly HopSpec[];
  readonly prune: readonly PruneSpec[];
}

export interface ScaffoldSpec {
  readonly beamlines: readonly BeamlineSpec[];
  readonly title: string;
  /** beamlines/<folder>/ and .github/workflows/beamline-<suffix>.yml: bl931 / 931, or a group's name. */
  readonly folder: string;
  readonly workflowSuffix: string;
  /** The TypeScript names: Config931 / chain931, or ConfigDichroism / chainDichroism. */
  readonly className: string;
  readonly chainName: string;
  /** One workflow and one dispatcher for several beamlines, the beamline chosen by the workflow's input. */
  readonly group: boolean;
  readonly label: string;
  readonly shape: 'per-file' | 'list';
}

export interface ScaffoldArgs {
  readonly ids: readonly string[];
  readonly title: string | undefined;
  readonly group: string | undefined;
  readonly label: string | undefined;
  readonly list: boolean;
  readonly endpoints: readonly string[];
  readonly moves: readonly string[];
  readonly prunes: readonly string[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const TITLE = /^[A-Za-z0-9][A-Za-z0-9 ()/.,+&-]{0,79}$/;
const LABEL = /^[a-z][a-z0-9-]{0,39}$/;
const GROUP = /^[a-z][a-z0-9]{1,29}$/;

/**
 * In an option's names and paths, `{bl}` stands for bl<digits> of each beamline (bl402, bl631) and `{id}` for
 * its id (4.0.2), so one option serves every beamline of a group.
 */
const expand = (text: string, id: string): string => text.replaceAll('{bl}', `bl${id.replace(/\D/g, '')}`).replaceAll('{id}', id);

function endpointOf(raw: string, id: string): EndpointSpec {
  const eq = raw.indexOf('=');
  const name = expand(raw.slice(0, eq), id);
  const value = expand(raw.slice(eq + 1), id);
  if (eq <= 0 || !NAME.test(name)) throw usageError(`--endpoint ${JSON.stringify(raw)}: expected NAME=UUID:/root/path (a Globus collection) or NAME=/root/path (a mounted folder)`, 'names are letters, digits, ".", "_" and "-"');
  const colon = value.indexOf(':');
  const uuid = colon > 0 ? value.slice(0, colon) : undefined;
  const root = colon > 0 ? value.slice(colon + 1) : value;
  if (uuid !== undefined && !UUID.test(uuid)) throw usageError(`--endpoint ${name}: ${JSON.stringify(uuid)} is not a collection UUID like 44ae904c-ab64-4145-a8f0-7287de38324d`);
  const norm = normaliseAbsolutePath(root);
  if (!('path' in norm) || /[\s"'#{}[\],&*!|>%@`]/.test(root)) throw usageError(`--endpoint ${name}: root ${JSON.stringify(root)} must be an absolute path without blanks, quotes or YAML syntax`);
  return uuid === undefined ? { name, kind: 'filesystem', root: norm.path } : { name, kind: 'globus', root: norm.path, uuid: uuid.toLowerCase() };
}

function hopOf(raw: string, id: string): HopSpec {
  const parts = expand(raw, id).split(':');
  const [from = '', to = '', flag] = parts;
  if (parts.length > 3 || !NAME.test(from) || !NAME.test(to) || (flag !== undefined && flag !== 'offsite')) {
    throw usageError(`--move ${JSON.stringify(raw)}: expected FROM:TO or FROM:TO:offsite (offsite: the hop leaves the facility, export-controlled data stops before it)`);
  }
  if (from === to) throw usageError(`--move ${JSON.stringify(raw)}: a hop from an endpoint to itself`);
  return { from, to, offsite: flag === 'offsite' };
}

function pruneOf(raw: string, id: string): PruneSpec {
  const [endpoint = '', days = '', check = '', ...rest] = expand(raw, id).split(':');
  const n = Number(days);
  if (rest.length > 0 || !NAME.test(endpoint) || !NAME.test(check) || !/^\d+(\.\d+)?$/.test(days) || !Number.isFinite(n)) {
    throw usageError(`--prune ${JSON.stringify(raw)}: expected ENDPOINT:DAYS:CHECK, e.g. bl931-compute-dtn:180:bl931-nersc_alsdev_raw`);
  }
  if (endpoint === check) throw usageError(`--prune ${JSON.stringify(raw)}: the check endpoint must be another storage than the one pruned`);
  return { endpoint, days: n, check };
}

export function scaffoldSpec(args: ScaffoldArgs): ScaffoldSpec {
  if (args.ids.length === 0) throw usageError('new-beamline: which beamline?', 'usage: splash new-beamline <id> --title <text> [options]');
  const ids = args.ids.map((id) => {
    if (!BEAMLINE_ID.test(id)) throw usageError(`new-beamline: ${JSON.stringify(id)} is not a beamline id`, 'an id is digits separated by dots, like 9.3.1');
    return id;
  });
  if (new Set(ids).size !== ids.length) throw usageError('new-beamline: an id is given twice');
  if (ids.length > 1 && args.group === undefined) throw usageError('new-beamline: several ids make one group', 'name it with --group <name>, e.g. --group dichroism');
  if (args.group !== undefined && !GROUP.test(args.group)) throw usageError(`--group ${JSON.stringify(args.group)}: expected lower-case letters and digits, like dichroism`);
  const title = args.title ?? '';
  if (!TITLE.test(title)) throw usageError(`--title ${JSON.stringify(title)}: expected a short name of letters, digits, blanks and ( ) / . , + & -`, 'e.g. --title "Tender X-ray spectroscopy"');
  const group = args.group !== undefined;
  const digits = (id: string): string => id.replace(/\D/g, '');
  const first = ids[0] ?? '';
  const folder = args.group ?? `bl${digits(first)}`;
  const label = args.label ?? folder;
  if (!LABEL.test(label)) throw usageError(`--label ${JSON.stringify(label)}: expected a runner label of lower-case letters, digits and "-"`);
  const camel = args.group === undefined ? digits(first) : args.group.charAt(0).toUpperCase() + args.group.slice(1);
  const beamlines = ids.map((id): BeamlineSpec => {
    const d = digits(id);
    const endpoints = args.endpoints.map((e) => endpointOf(e, id));
    const move = args.moves.map((m) => hopOf(m, id));
    if (move.length === 0) throw usageError('new-beamline: give at least one --move FROM:TO', 'a beamline moves its files somewhere; e.g. --move bl931-compute-dtn:bl931-nersc_alsdev_raw:offsite');
    // Keep the data 180 days on its first storage, checked where it went last, unless told otherwise.
    const prune = args.prunes.length > 0 ? args.prunes.map((p) => pruneOf(p, id)) : [{ endpoint: move[0]?.from ?? '', days: 180, check: move.at(-1)?.to ?? '' }];
    return { id, digits: d, eventType: `new_file_${d}`, endpoints, move, prune };
  });
  return { beamlines, title, folder, workflowSuffix: group ? folder : digits(first), className: `Config${camel}`, chainName: `chain${camel}`, group, label, shape: args.list ? 'list' : 'per-file' };
}
