/**
 * config.yml → SplashConfig: parse (positions kept), expand `${VAR}`, validate both layouts, check cross
 * references, and only then build the result. Every problem found on the way is reported in one error.
 */
import { readFile } from 'node:fs/promises';
import type * as z from 'zod';
import type { HPSSEndpoint, TransferEndpoint } from '../endpoints.js';
import { configError } from '../errors.js';
import { expandTree } from './env.js';
import { isRecord } from '../is-record.js';
import { CONFIG_HINT, describeValue, expectedPhrase, fromZodIssues, issuesError, type Issue } from './issues.js';
import { pathId, type KeyPath } from './key-path.js';
import { defaultVerify, pruneRuleProblems, pruneRulesOf } from './prune-rules.js';
import { checkReferences } from './references.js';
import {
  FIXED_SECTIONS,
  HPSS_SECTION,
  IMAGES_SECTION,
  ImagesSchema,
  LegacyHpssEndpointSchema,
  SectionsSchema,
  TOP_LEVEL_KEYS,
  type BeamlineSchema,
  type EndpointInput,
  type Sections,
} from './schema.js';
import type { BeamlineSettings, GitHubSettings, GlobusApp, ReconSettings, SfapiSettings, SplashConfig } from './types.js';
import { completeWatchSettings } from '../watch/settings.js';
import { readYamlTree, type SourcePositions } from './yaml-tree.js';

const ENV_HINT = 'set the environment variables named above before running (write $${ for a literal ${)';

/** Validate one value that sits at `prefix` in the file; problems go to `issues`. */
function validate<T extends z.ZodType>(
  schema: T,
  input: unknown,
  prefix: KeyPath,
  positions: SourcePositions,
  issues: Issue[],
): z.output<T> | undefined {
  const result = schema.safeParse(input, { reportInput: true, error: expectedPhrase });
  if (result.success) return result.data;
  issues.push(...fromZodIssues(result.error.issues, prefix, positions));
  return undefined;
}

type TopLevelKind = 'section' | 'hpss' | 'images';

function topLevelKind(key: string): TopLevelKind | undefined {
  if ((FIXED_SECTIONS as readonly string[]).includes(key)) return 'section';
  if (HPSS_SECTION.test(key)) return 'hpss';
  if (IMAGES_SECTION.test(key)) return 'images';
  return undefined;
}

export function parseConfig(text: string, source: string, env: NodeJS.ProcessEnv = process.env): SplashConfig {
  const tree = readYamlTree(text, source);
  if (tree.kind === 'syntax') throw issuesError(source, tree.issues, tree.positions);
  if (tree.kind === 'empty') {
    throw configError(`${source} is empty; expected sections such as endpoints: and beamlines:`, `add the endpoints and beamlines sections; ${CONFIG_HINT}`);
  }
  const { positions } = tree;
  const issues: Issue[] = [...tree.issues];
  if (!isRecord(tree.data)) {
    issues.push({ path: [], text: `expected a mapping of sections (${TOP_LEVEL_KEYS}), got ${describeValue(tree.data)}` });
    throw issuesError(source, issues, positions);
  }

  // `prefect:` belonged to the old scheduler; it is accepted and ignored, so its ${VARS} are never expanded.
  const kept = Object.fromEntries(Object.entries(tree.data).filter(([key]) => key !== 'prefect'));
  const expanded = expandTree(kept, env, (path) => positions.locate(path));
  issues.push(...expanded.problems.map((problem): Issue => ({ ...problem, hint: ENV_HINT, unreadable: true })));
  // A value that could not be read (bad alias, unset ${VAR}) is not the real value: its schema problems are noise.
  const unreadable = new Set(issues.flatMap((issue) => (issue.path && issue.unreadable ? [pathId(issue.path)] : [])));
  const data = isRecord(expanded.data) ? expanded.data : {};

  for (const key of Object.keys(tree.data)) {
    if (topLevelKind(key) === undefined) {
      issues.push({
        path: [key],
        offset: positions.keyOffset([key]),
        text: `unknown key ${JSON.stringify(key)}; expected one of ${TOP_LEVEL_KEYS}`,
      });
    }
  }
  const schemaIssues: Issue[] = [];
  const sections = validate(SectionsSchema, data, [], positions, schemaIssues);
  const hpss = new Map<string, z.output<typeof LegacyHpssEndpointSchema> | undefined>();
  const images = new Map<string, Readonly<Record<string, string>>>();
  for (const [key, value] of Object.entries(data)) {
    const kind = topLevelKind(key);
    if (kind === 'hpss') hpss.set(key, validate(LegacyHpssEndpointSchema, value, [key], positions, schemaIssues));
    if (kind === 'images') {
      const section = validate(ImagesSchema, value, [key], positions, schemaIssues);
      if (section) images.set(key, Object.freeze({ ...section }));
    }
  }
  issues.push(...schemaIssues.filter((issue) => !(issue.path && unreadable.has(pathId(issue.path)))));
  issues.push(...checkReferences(data, positions));

  if (issues.length > 0 || sections === undefined) throw issuesError(source, issues, positions, expanded.secrets);
  const config = buildConfig(source, sections, hpss, images, positions);
  // What needs the endpoints resolved: verify per kind, a check on the pruned storage, rules in a cycle.
  const pruneIssues = pruneRuleProblems(pruneRulesOf(config)).map((p): Issue => ({
    path: ['beamlines', p.ref.beamline, 'prune', p.ref.index, p.key], text: p.text, hint: p.hint,
  }));
  if (pruneIssues.length > 0) throw issuesError(source, pruneIssues, positions, expanded.secrets);
  return config;
}

function buildConfig(
  source: string,
  sections: Sections,
  hpss: ReadonlyMap<string, z.output<typeof LegacyHpssEndpointSchema> | undefined>,
  images: ReadonlyMap<string, Readonly<Record<string, string>>>,
  positions: SourcePositions,
): SplashConfig {
  const endpoints = new Map<string, TransferEndpoint>();
  for (const [name, e] of Object.entries(sections.endpoints ?? {})) endpoints.set(name, toEndpoint(name, e));
  for (const [name, e] of Object.entries(sections.globus?.globus_endpoints ?? {})) {
    endpoints.set(name, freeze({ type: 'globus', name, root_path: e.root_path, uuid: e.uuid, uri: e.uri, display_name: e.name }));
  }
  for (const [name, e] of hpss) {
    if (e) endpoints.set(name, hpssEndpoint(name, e));
  }

  const beamlines = new Map<string, BeamlineSettings>();
  for (const [id, b] of Object.entries(sections.beamlines ?? {})) {
    beamlines.set(
      id,
      freeze({
        id,
        path_prefix: b.path_prefix,
        move: Object.freeze((b.move ?? []).map((hop) => freeze({ ...hop }))),
        prune: Object.freeze((b.prune ?? []).map((rule) => freeze({ ...rule, verify: rule.verify ?? defaultVerify(endpoints.get(rule.endpoint), endpoints.get(rule.check)) }))),
        runner_labels: Object.freeze([...(b.runner_labels ?? [])]),
        // Only when written: a beamline without it gets the same defaults from watchSettingsOf().
        watch: b.watch ? completeWatchSettings(id, b.watch) : undefined,
        ingest_format: b.ingest?.format,
        ingest_read_from: b.ingest?.read_from,
        archive: b.archive
          ? freeze({
              from: b.archive.from,
              to: b.archive.to,
              proposals: b.archive.proposals,
              time_zone: b.archive.time_zone,
              bundle_max_bytes: Math.floor(b.archive.bundle_max_gib * 1024 ** 3),
              verify: b.archive.verify,
              restore_to: b.archive.restore_to,
            })
          : undefined,
        recon: b.recon ? reconSettings(b.recon, id, images) : undefined,
      }),
    );
  }

  const globusApps = new Map<string, GlobusApp>();
  for (const [name, app] of Object.entries(sections.globus?.globus_apps ?? {})) {
    globusApps.set(name, freeze({ client_id: app.client_id, client_secret: app.client_secret }));
  }

  const g = sections.globus;
  const globus = freeze({
    app: g?.app,
    authUrl: g?.auth_url ?? 'https://auth.globus.org',
    transferUrl: g?.transfer_url ?? 'https://transfer.api.globus.org',
    computeUrl: g?.compute_url ?? 'https://compute.api.globus.org',
    waitTimeoutMinutes: g?.wait_timeout_minutes ?? 100,
    stuckGraceSeconds: g?.stuck_grace_seconds ?? 600,
    pollFirstSeconds: g?.poll_first_seconds ?? 2,
    pollMaxSeconds: g?.poll_max_seconds ?? 60,
  });

  const gh = sections.github;
  let github: GitHubSettings | undefined;
  if (gh) {
    const [owner = '', repo = ''] = gh.repository.split('/');
    const app = gh.app;
    github = freeze({
      repository: gh.repository,
      owner,
      repo,
      apiUrl: gh.api_url ?? 'https://api.github.com',
      tokenEnv: gh.token_env ?? 'GITHUB_TOKEN',
      app: app
        ? freeze({
            client_id: typeof app.client_id === 'number' ? String(app.client_id) : app.client_id,
            private_key: app.private_key,
            private_key_path: app.private_key_path,
            installation_id: app.installation_id,
          })
        : undefined,
      timeoutSeconds: gh.timeout_seconds ?? 30,
      retryFirstSeconds: gh.retry_first_seconds ?? 1,
      retryMaxSeconds: gh.retry_max_seconds ?? 300,
      maxRetries: gh.max_retries ?? 5,
    });
  }

  const sf = sections.sfapi;
  const sfapi: SfapiSettings | undefined = sf
    ? freeze({
        apiUrl: sf.api_url ?? 'https://api.nersc.gov/api/v1.2',
        tokenUrl: sf.token_url ?? 'https://oidc.nersc.gov/c2id/token',
        machine: sf.machine,
        clientId: sf.client_id,
        privateKey: sf.private_key,
        privateKeyPath: sf.private_key_path,
        timeoutSeconds: sf.timeout_seconds ?? 60,
        pollFirstSeconds: sf.poll_first_seconds ?? 10,
        pollMaxSeconds: sf.poll_max_seconds ?? 120,
        taskTimeoutSeconds: sf.task_timeout_seconds ?? 300,
        notFoundGraceSeconds: sf.not_found_grace_seconds ?? 120,
        expiryWarningHours: sf.expiry_warning_hours ?? 24,
      })
    : undefined;

  return freeze({
    source,
    endpoints,
    beamlines,
    globusApps,
    globus,
    images,
    scicat: sections.scicat ? freeze({ ...sections.scicat }) : undefined,
    github,
    sfapi,
    locate: (keyPath: readonly (string | number)[]) => positions.locate(keyPath),
  });
}

function toEndpoint(name: string, e: EndpointInput): TransferEndpoint {
  switch (e.type) {
    case 'filesystem':
      return freeze({ type: 'filesystem', name, root_path: e.root_path });
    case 'globus':
      return freeze({ type: 'globus', name, root_path: e.root_path, uuid: e.uuid, uri: e.uri, display_name: e.name });
    case 'hpss':
      return hpssEndpoint(name, e);
  }
}

function hpssEndpoint(name: string, e: z.output<typeof LegacyHpssEndpointSchema>): HPSSEndpoint {
  return freeze({
    type: 'hpss', name, root_path: e.root_path, uri: e.uri, ssh: e.ssh ? freeze({ ...e.ssh, user: e.ssh.user, known_hosts: e.ssh.known_hosts }) : undefined,
    sfapi: e.sfapi ? freeze({ account: e.sfapi.account, qos: e.sfapi.qos, constraint: e.sfapi.constraint, walltimeSeconds: e.sfapi.walltime, queueAllowanceSeconds: e.sfapi.queue_allowance_minutes * 60, logDir: e.sfapi.log_dir }) : undefined,
    hsi: e.hsi, htar: e.htar,
  });
}

const freeze = <T extends object>(value: T): Readonly<T> => Object.freeze(value);

/** `recon:` with defaults applied; a named legacy images section (ghcr_images832) is read as it is. */
function reconSettings(r: NonNullable<z.output<typeof BeamlineSchema>['recon']>, id: string, images: ReadonlyMap<string, Readonly<Record<string, string>>>): ReconSettings {
  const n = r.nersc;
  const a = r.alcf;
  const named = n && typeof n.images === 'string' ? images.get(n.images) : undefined;
  const hops = (list: readonly { from: string; to: string }[] | null | undefined) => Object.freeze((list ?? []).map((h) => freeze({ from: h.from, to: h.to })));
  return freeze({
    hpc: Object.freeze(typeof r.hpc === 'string' ? [r.hpc] : [...new Set(r.hpc)]),
    nersc: n
      ? freeze({
          qos: n.qos,
          account: n.account,
          constraint: n.constraint,
          nodes: n.nodes,
          cpus_per_task: n.cpus_per_task,
          gpus: n.gpus,
          exclusive: n.exclusive,
          walltime_seconds: n.walltime,
          queue_allowance_seconds: Math.round(n.queue_allowance_minutes * 60),
          container: n.container,
          images: freeze({ ...(typeof n.images === 'string' ? (named ?? {}) : (n.images ?? {})) }),
          images_from: typeof n.images === 'string' ? n.images : `beamlines.${id}.recon.nersc.images`,
          data_root: n.data_root,
          scratch_root: n.scratch_root,
          log_root: n.log_root,
          scripts_root: n.scripts_root,
          programs: freeze({ ...(n.programs ?? {}) }),
        })
      : undefined,
    alcf: a
      ? freeze({
          endpoint_id: a.endpoint_id,
          function_id: a.function_id,
          globus_app: a.globus_app,
          python: a.python,
          python_version: a.python_version,
          walltime_seconds: a.walltime,
          queue_allowance_seconds: Math.round(a.queue_allowance_minutes * 60),
          data_root: a.data_root,
          scratch_root: a.scratch_root,
          log_root: a.log_root,
          scripts_root: a.scripts_root,
          stage: a.stage ? freeze({ from: a.stage.from, to: a.stage.to }) : undefined,
          results: hops(a.results),
          read_from: a.read_from,
          poll_first_seconds: a.poll_first_seconds,
          poll_max_seconds: a.poll_max_seconds,
        })
      : undefined,
    defaults: freeze({ ...(r.defaults ?? {}) }),
    results: hops(r.results),
    multires: r.multires,
    read_from: r.read_from,
  });
}

/** Read and parse a config file. A missing file says which file and how to point at another. */
export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<SplashConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? err.code : undefined;
    if (code === 'ENOENT') {
      throw configError(`config file ${file} not found`, 'pass --config <file>, or create config.yml (see docs/config.md)');
    }
    if (code === 'EISDIR') throw configError(`config file ${file} is a directory`, 'pass --config with the path of the file itself');
    throw configError(`cannot read config file ${file}: ${err instanceof Error ? err.message : String(err)}`, 'check the path and its permissions');
  }
  return parseConfig(text, file, env);
}
