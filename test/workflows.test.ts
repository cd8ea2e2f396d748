// The GitHub side, checked statically: every rule of test/workflows/contract.ts must pass on the real
// workflows and fail on a small bad example; actionlint must find nothing but the custom runner labels;
// and the dispatch entry's payload check is run for real on good and bad payloads.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { knownBeamlineIds } from '../beamlines/index.js';
import { parsePathList } from '../src/run/inputs.js';
import { runActionlint, unknownRunnerLabel } from './workflows/actionlint.js';
import {
  checkDispatchWiring,
  dispatchRoutes,
  checkActionInputs,
  checkConcurrency,
  checkConfigEnv,
  checkOutputRefs,
  checkPermissions,
  checkPinning,
  checkPullRequestReach,
  checkRepo,
  checkReusableCalls,
  checkRunInjection,
  checkRunnerLabels,
  configVariables,
  formatFinding,
  isRecord,
  jobsOf,
  loadRepo,
  maybeSelfHosted,
  repoFrom,
  runnerLabels,
  triggersOf,
  type Finding,
  type Repo,
  type Workflow,
} from './workflows/contract.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const repo = loadRepo(ROOT);

const CONFIG: unknown = parse(readFileSync(path.join(ROOT, 'config.yml'), 'utf8'));

/**
 * repository_dispatch event type → beamline id → reusable workflow, for every beamline config.yml configures
 * (a beamline made by `splash new-beamline` joins here by itself).
 */
const DISPATCH = dispatchRoutes(repo, CONFIG).map((r) => ({ type: r.eventType, beamline: r.beamline, workflow: r.workflow ?? '(none)', label: r.labels[0] ?? '(none)', viaInput: r.viaInput }));

/** The custom labels of the facility's self-hosted runners: the only actionlint findings accepted. */
const FACILITY_RUNNER_LABELS = [...new Set([...DISPATCH.map((d) => d.label), 'prune', 'hpss', 'reconcile'])];

/** The beamlines that reconstruct: those with a recon section. */
const RECONSTRUCTS = new Set(Object.entries(record(record(CONFIG, 'config.yml').beamlines, 'beamlines')).filter(([, b]) => isRecord(b) && b.recon !== undefined).map(([id]) => id));

const CHECKOUT = 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2';
/** Every job that runs a step keeps its JSON report (docs/status.md) as the artifact splash-report-<job>. */
const UPLOAD = 'actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02';

/** The real action.yml files, so bad examples are judged against the actions as they are. */
const ACTIONS = {
  'actions/move': readFileSync(path.join(ROOT, 'actions/move/action.yml'), 'utf8'),
  'actions/prune': readFileSync(path.join(ROOT, 'actions/prune/action.yml'), 'utf8'),
};

type Rule = (r: Repo, wf: Workflow) => Finding[];

/** Run one rule over example workflows (file name → YAML); findings formatted as a person reads them. */
function run(rule: Rule, workflows: Record<string, string>): string[] {
  const r = repoFrom(
    Object.fromEntries(Object.entries(workflows).map(([name, text]) => [`.github/workflows/${name}`, text])),
    ACTIONS,
  );
  expect(r.problems.map(formatFinding)).toEqual([]);
  return [...r.workflows.values()].flatMap((wf) => rule(r, wf)).map(formatFinding);
}

function workflow(file: string): Workflow {
  const wf = repo.workflows.get(`.github/workflows/${file}`);
  if (!wf) throw new Error(`.github/workflows/${file} is missing`);
  return wf;
}

/** A step's run: script ('' for a step without one). */
function scriptOf(step: Record<string, unknown> | undefined): string {
  return typeof step?.run === 'string' ? step.run : '';
}

function record(v: unknown, what: string): Record<string, unknown> {
  if (!isRecord(v)) throw new Error(`${what} is not a mapping`);
  return v;
}

// A reusable workflow used by several examples: moves data on a facility runner.
const CALLED = `
on:
  workflow_call:
    inputs:
      file-paths: { type: string, required: true }
      is-export-control: { type: boolean, required: false, default: false }
    outputs:
      relative-paths: { value: "\${{ jobs.move.outputs.relative-paths }}" }
    secrets:
      token: { required: false }
permissions: { contents: read }
jobs:
  move:
    runs-on: [self-hosted, bl832]
    outputs:
      relative-paths: \${{ steps.move.outputs.relative-paths }}
    steps:
      - uses: ${CHECKOUT}
      - id: move
        uses: ./actions/move
        with: { beamline: "8.3.2", file-paths: "\${{ inputs.file-paths }}" }
`;

describe('the real workflows', () => {
  it('are the expected files, and the actions they use are read', () => {
    const beamlineWorkflows = [...new Set(DISPATCH.map((d) => path.basename(d.workflow)))];
    expect([...repo.workflows.keys()].map((f) => path.basename(f)).sort()).toEqual(
      ['archive.yml', 'ci.yml', 'dispatch.yml', 'prune.yml', 'reconcile.yml', 'release.yml', 'site.yml', ...beamlineWorkflows].sort(),
    );
    expect(beamlineWorkflows).toEqual(expect.arrayContaining(['beamline-832.yml', 'beamline-733.yml', 'beamline-7012.yml', 'beamline-7011.yml', 'beamline-931.yml', 'beamline-531.yml', 'beamline-dichroism.yml']));
    expect([...(repo.actions.get('actions/move')?.inputs.keys() ?? [])]).toEqual(['beamline', 'file-paths', 'config', 'is-export-control']);
    expect(repo.actions.get('actions/prune')?.outputs).toEqual(new Set(['pruned', 'kept', 'unsafe']));
  });

  it('pass every rule of the contract', () => {
    expect(checkRepo(repo).map(formatFinding)).toEqual([]);
  });

  it('route every beamline config.yml configures: its event type, payload check, workflow, runner labels, reconcile', () => {
    expect(checkDispatchWiring(repo, CONFIG).map(formatFinding)).toEqual([]);
    expect(DISPATCH.map((d) => d.beamline).sort()).toEqual(['4.0.2', '5.3.1', '6.3.1', '7.0.1.1', '7.0.1.2', '7.3.3', '8.3.2', '9.3.1']);
  });

  it('run on the runner labels config.yml names for their beamline, and set the variables it refers to', () => {
    const config: unknown = parse(readFileSync(path.join(ROOT, 'config.yml'), 'utf8'));
    expect(checkRunnerLabels(repo, config).map(formatFinding)).toEqual([]);
    expect(checkConfigEnv(repo, config).map(formatFinding)).toEqual([]);
  });

  it('keep the JSON report of every step of an action as the artifact splash-report-<job>, also when it failed', () => {
    const missing: string[] = [];
    for (const wf of repo.workflows.values()) {
      for (const job of jobsOf(wf)) {
        if (!job.steps.some((s) => String(s.body.uses).startsWith('./actions/'))) continue;
        const upload = job.steps.at(-1)?.body;
        const ok =
          upload?.uses === UPLOAD &&
          upload.if === '${{ always() }}' &&
          JSON.stringify(upload.with) === JSON.stringify({ name: 'splash-report-${{ github.job }}', path: '${{ runner.temp }}/splash-reports/', 'if-no-files-found': 'ignore', 'retention-days': 35, overwrite: true });
        if (!ok) missing.push(`${wf.file} › job ${job.id}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('give every job a timeout', () => {
    const missing = [...repo.workflows.values()].flatMap((wf) =>
      jobsOf(wf).filter((j) => j.body.uses === undefined && typeof j.body['timeout-minutes'] !== 'number').map((j) => `${wf.file} › job ${j.id}`),
    );
    expect(missing).toEqual([]);
  });

  it('run facility jobs only on the facility labels, and everything else on GitHub-hosted runners', () => {
    const used = new Set<string>();
    for (const wf of repo.workflows.values()) {
      for (const job of jobsOf(wf)) {
        if (job.body.uses !== undefined) continue;
        const labels = runnerLabels(job.body['runs-on']);
        expect(labels, `${wf.file} › job ${job.id}`).toBeDefined();
        if (!maybeSelfHosted(job.body['runs-on'])) continue;
        expect(labels?.[0], `${wf.file} › job ${job.id}: self-hosted first`).toBe('self-hosted');
        for (const l of labels?.slice(1) ?? []) used.add(l);
      }
    }
    expect([...used].sort()).toEqual([...FACILITY_RUNNER_LABELS].sort());
  });

  it.each(DISPATCH)('beamline workflow for $type: inputs, runner, move then ingest', ({ beamline, workflow: file, label, viaInput }) => {
    expect(knownBeamlineIds).toContain(beamline);
    const wf = workflow(path.basename(file));
    const call = record(triggersOf(wf).workflow_call, 'on.workflow_call');
    // One workflow for a group of beamlines takes the beamline as an input; the steps get it from there.
    const id = viaInput ? '${{ inputs.beamline }}' : beamline;
    expect(call.inputs).toEqual({
      ...(viaInput ? { beamline: expect.objectContaining({ type: 'string', required: true }) as unknown } : {}),
      'file-paths': expect.objectContaining({ type: 'string', required: true }) as unknown,
      'is-export-control': expect.objectContaining({ type: 'boolean', default: false }) as unknown,
      config: expect.objectContaining({ type: 'string', default: 'config.yml' }) as unknown,
    });
    expect(Object.keys(record(call.outputs, 'outputs'))).toEqual(['relative-paths', 'moved']);
    const reconstructs = RECONSTRUCTS.has(beamline);
    expect(call.secrets).toEqual({
      GLOBUS_CLIENT_ID: expect.objectContaining({ required: false }) as unknown,
      GLOBUS_CLIENT_SECRET: expect.objectContaining({ required: false }) as unknown,
      SCICAT_USER: expect.objectContaining({ required: false }) as unknown,
      SCICAT_PASSWORD: expect.objectContaining({ required: false }) as unknown,
      ...(reconstructs ? { SFAPI_CLIENT_ID: expect.objectContaining({ required: false }) as unknown, SFAPI_PRIVATE_KEY: expect.objectContaining({ required: false }) as unknown } : {}),
    });
    expect(wf.doc.permissions).toEqual({ contents: 'read' });
    expect(wf.doc.concurrency).toBeUndefined();
    const jobs = jobsOf(wf);
    expect(jobs.map((j) => j.id)).toEqual(reconstructs ? ['move', 'ingest', 'recon'] : ['move', 'ingest']);
    if (reconstructs) {
      const recon = jobs[2];
      expect(recon?.body.needs).toEqual(['move', 'ingest']);
      expect(recon?.body['runs-on']).toEqual(['self-hosted', label]);
      expect(recon?.body.permissions).toEqual({ contents: 'read' });
      expect(recon?.steps.map((s) => s.body.uses)).toEqual([CHECKOUT.split(' ')[0], './actions/recon', UPLOAD]);
      expect(recon?.steps[1]?.body.with).toEqual({ beamline: id, 'file-paths': '${{ inputs.file-paths }}', 'is-export-control': '${{ inputs.is-export-control }}', config: '${{ inputs.config }}' });
      // Only the recon job gets the SFAPI secrets (and Globus's, for the results back and ALCF; SciCat's, for the derived dataset).
      expect(Object.keys(record(recon?.steps[1]?.body.env, 'env'))).toEqual(['SFAPI_CLIENT_ID', 'SFAPI_PRIVATE_KEY', 'GLOBUS_CLIENT_ID', 'GLOBUS_CLIENT_SECRET', 'SCICAT_USER', 'SCICAT_PASSWORD']);
      for (const j of jobs.slice(0, 2)) expect(JSON.stringify(j.body)).not.toContain('SFAPI');
      // The job outlives the step's own deadline (each job's walltime + queue allowance), so the step cancels the Slurm job, not GitHub.
      const config: unknown = parse(readFileSync(path.join(ROOT, 'config.yml'), 'utf8'));
      const r = record(record(record(record(config, 'config.yml').beamlines, 'beamlines')[beamline], beamline).recon, 'recon');
      const n = record(r.nersc, 'nersc');
      const [h = 0, m = 0, s = 0] = String(n.walltime).split(':').map(Number);
      const perJob = (h * 60 + m + s / 60) + Number(n.queue_allowance_minutes ?? 60);
      const jobCount = beamline === '8.3.2' && r.multires !== false ? 2 : 1;
      expect(Number(recon?.body['timeout-minutes'])).toBeGreaterThan(perJob * jobCount);
    }
    const ingest = jobs[1];
    expect(ingest?.body.needs).toBe('move');
    expect(ingest?.body['runs-on']).toEqual(['self-hosted', label]);
    expect(ingest?.steps.map((s) => s.body.uses)).toEqual([CHECKOUT.split(' ')[0], './actions/ingest', UPLOAD]);
    expect(ingest?.steps[1]?.body.with).toEqual({ beamline: id, 'file-paths': '${{ inputs.file-paths }}', config: '${{ inputs.config }}' });
    // Each step gets only its own services' credentials: ingest also Globus's where it lists a collection
    // the runner does not mount (every beamline but 8.3.2, which reads the mounted data832).
    const ingestEnv = beamline === '8.3.2' ? ['SCICAT_USER', 'SCICAT_PASSWORD'] : ['SCICAT_USER', 'SCICAT_PASSWORD', 'GLOBUS_CLIENT_ID', 'GLOBUS_CLIENT_SECRET'];
    expect(Object.keys(record(ingest?.steps[1]?.body.env, 'env'))).toEqual(ingestEnv);
    const move = jobs[0];
    expect(move?.body['runs-on']).toEqual(['self-hosted', label]);
    expect(move?.body.permissions).toEqual({ contents: 'read' });
    expect(move?.steps.map((s) => s.body.uses)).toEqual([CHECKOUT.split(' ')[0], './actions/move', UPLOAD]);
    expect(move?.steps[0]?.body.with).toEqual({ 'persist-credentials': false });
    expect(move?.steps[1]?.body.with).toEqual({
      beamline: id,
      'file-paths': '${{ inputs.file-paths }}',
      'is-export-control': '${{ inputs.is-export-control }}',
      config: '${{ inputs.config }}',
    });
  });

  it('dispatch routes each event type to its beamline workflow, after validating the payload on a GitHub-hosted runner', () => {
    const wf = workflow('dispatch.yml');
    const trigger = record(triggersOf(wf).repository_dispatch, 'on.repository_dispatch');
    expect([...(trigger.types as string[])].sort()).toEqual(DISPATCH.map((d) => d.type).sort());
    expect(Object.keys(triggersOf(wf))).toEqual(['repository_dispatch']);
    const jobs = jobsOf(wf);
    const validate = jobs.find((j) => j.id === 'validate');
    expect(validate?.body['runs-on']).toBe('ubuntu-latest');
    expect(validate?.body.permissions).toEqual({});
    expect(validate?.steps.some((s) => s.body.uses !== undefined)).toBe(false); // no checkout: nothing of the repository
    const script = scriptOf(validate?.steps[0]?.body);
    for (const d of DISPATCH) {
      expect(script).toContain(`${d.type}) beamline=${d.beamline} ;;`);
      const callers = jobs.filter((j) => j.body.uses === `./${d.workflow}`);
      // One job per workflow: a group's job runs for each of its beamlines' event types.
      const group = DISPATCH.filter((x) => x.workflow === d.workflow);
      expect(callers.map((j) => j.body.if)).toEqual([group.map((x) => `github.event.action == '${x.type}'`).join(' || ')]);
      expect(callers[0]?.body.needs).toBe('validate');
      expect(callers[0]?.body.with).toEqual({
        ...(d.viaInput ? { beamline: '${{ needs.validate.outputs.beamline }}' } : {}),
        'file-paths': '${{ needs.validate.outputs.file-paths }}',
        'is-export-control': "${{ needs.validate.outputs.is-export-control == 'true' }}",
      });
      // Named secrets only, never `inherit`: a beamline workflow gets what it declares.
      expect(callers[0]?.body.secrets).toEqual({
        GLOBUS_CLIENT_ID: '${{ secrets.GLOBUS_CLIENT_ID }}',
        GLOBUS_CLIENT_SECRET: '${{ secrets.GLOBUS_CLIENT_SECRET }}',
        SCICAT_USER: '${{ secrets.SCICAT_USER }}',
        SCICAT_PASSWORD: '${{ secrets.SCICAT_PASSWORD }}',
        ...(RECONSTRUCTS.has(d.beamline) ? { SFAPI_CLIENT_ID: '${{ secrets.SFAPI_CLIENT_ID }}', SFAPI_PRIVATE_KEY: '${{ secrets.SFAPI_PRIVATE_KEY }}' } : {}),
      });
    }
    expect(jobs).toHaveLength(1 + new Set(DISPATCH.map((d) => d.workflow)).size);
  });

  it('prune runs daily and deletes, and by hand as a dry run unless told otherwise', () => {
    const wf = workflow('prune.yml');
    const on = triggersOf(wf);
    expect(on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) as unknown }]);
    const inputs = record(record(on.workflow_dispatch, 'workflow_dispatch').inputs, 'inputs');
    expect(inputs['dry-run']).toMatchObject({ type: 'choice', options: ['true', 'false'], default: 'true' });
    expect(inputs.beamline).toMatchObject({ required: false, default: '' });
    const [job] = jobsOf(wf);
    expect(job?.body['runs-on']).toEqual(['self-hosted', 'prune']);
    const step = job?.steps.find((s) => s.body.uses === './actions/prune');
    // The schedule has no inputs: it must not become a dry run by accident, nor a manual run a real one.
    expect(step?.body.with).toEqual({
      'dry-run': "${{ github.event_name == 'workflow_dispatch' && inputs.dry-run || 'false' }}",
      beamline: '${{ inputs.beamline }}',
    });
    // After a scheduled sweep, a dry run as of the next one: what it will delete (the status pages show it).
    const preview = job?.steps.find((s) => s.body.id === 'preview');
    expect(preview?.body).toMatchObject({ if: "${{ always() && github.event_name == 'schedule' }}", uses: './actions/prune', with: { 'dry-run': 'true', now: '${{ steps.next.outputs.now }}' } });
    const next = job?.steps.find((s) => s.body.id === 'next');
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'splash-prune-next-')), 'out');
    writeFileSync(out, '');
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', scriptOf(next?.body)], { env: { PATH: process.env.PATH, GITHUB_OUTPUT: out }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const now = /^now=(.*)$/m.exec(readFileSync(out, 'utf8'))?.[1] ?? '';
    const cron = String((on.schedule as { cron: string }[])[0]?.cron).split(' ');
    expect(now).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T${cron[1]?.padStart(2, '0') ?? ''}:${cron[0]?.padStart(2, '0') ?? ''}:00Z$`));
    const ahead = Date.parse(now) - Date.now();
    expect(ahead).toBeGreaterThan(0);
    expect(ahead).toBeLessThanOrEqual(2 * 86_400_000);
  });

  it('archive runs after each beam cycle ends and archives; by hand it is a dry run unless told otherwise', () => {
    const wf = workflow('archive.yml');
    const on = triggersOf(wf);
    // Two days after July 15 and December 31.
    expect(on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ 17 7 \*$/) as unknown }, { cron: expect.stringMatching(/^\d+ \d+ 2 1 \*$/) as unknown }]);
    const inputs = record(record(on.workflow_dispatch, 'workflow_dispatch').inputs, 'inputs');
    expect(inputs['dry-run']).toMatchObject({ type: 'choice', options: ['true', 'false'], default: 'true' });
    const [job] = jobsOf(wf);
    expect(job?.body['runs-on']).toEqual(['self-hosted', 'hpss']);
    expect(job?.body.permissions).toEqual({ contents: 'read' });
    const step = job?.steps.find((s) => s.body.uses === './actions/hpss');
    expect(step?.body.with).toMatchObject({ 'dry-run': "${{ github.event_name == 'workflow_dispatch' && inputs.dry-run || 'false' }}" });
    // The tape host's key path reaches the step, and no other step gets it; so do the SFAPI client (the sfapi
    // transport) and SciCat's login (tape locations), the names config.yml's sections use.
    expect(step?.body.env).toEqual({
      NERSC_SSH_KEY_PATH: '${{ vars.NERSC_SSH_KEY_PATH }}',
      SFAPI_CLIENT_ID: '${{ secrets.SFAPI_CLIENT_ID }}',
      SFAPI_PRIVATE_KEY: '${{ secrets.SFAPI_PRIVATE_KEY }}',
      SCICAT_USER: '${{ secrets.SCICAT_USER }}',
      SCICAT_PASSWORD: '${{ secrets.SCICAT_PASSWORD }}',
    });
    for (const s of job?.steps ?? []) if (s !== step) expect(JSON.stringify(s.body)).not.toMatch(/secrets\./);
    expect(wf.doc.concurrency).toBeUndefined();
  });

  describe('reconcile', () => {
    const wf = workflow('reconcile.yml');
    const [job] = jobsOf(wf);
    const step = job?.steps.find((s) => scriptOf(s.body).includes('dist/cli/index.js reconcile'));
    const env = record(step?.body.env, 'env');
    const config: unknown = parse(readFileSync(path.join(ROOT, 'config.yml'), 'utf8'));
    const beamlines = Object.keys(record(record(config, 'config.yml').beamlines, 'beamlines'));

    it('runs every 6 hours off the full hour, and by hand for one beamline or all', () => {
      const on = triggersOf(wf);
      expect(on.schedule).toEqual([{ cron: expect.stringMatching(/^([1-9]|[1-5]\d) \*\/6 \* \* \*$/) as unknown }]);
      const inputs = record(record(on.workflow_dispatch, 'workflow_dispatch').inputs, 'inputs');
      expect(inputs.beamline).toMatchObject({ type: 'choice', options: ['all', ...beamlines], default: 'all' });
      expect(inputs['older-than']).toMatchObject({ type: 'string', default: '6h' });
      expect(inputs['export-control']).toMatchObject({ type: 'choice', options: ['true', 'false'], default: 'true' });
      // A workflow cannot read config.yml: the list the script walks is written here and must match it.
      expect(String(env.ALL_BEAMLINES).split(' ')).toEqual(beamlines);
    });

    it('runs on the reconcile runner with a read-only job token; dispatches with a token secret, lists Globus with the app of config.yml', () => {
      expect(wf.doc.permissions).toEqual({});
      expect(job?.body['runs-on']).toEqual(['self-hosted', 'reconcile']);
      expect(job?.body.permissions).toEqual({ contents: 'read' });
      expect(record(wf.doc.concurrency, 'concurrency')['cancel-in-progress']).toBe(false);
      expect(job?.steps[0]?.body).toEqual({ uses: CHECKOUT.split(' ')[0], with: { 'persist-credentials': false } });
      const ci = jobsOf(workflow('ci.yml')).flatMap((j) => j.steps).find((s) => String(s.body.uses).startsWith('actions/setup-node@'));
      expect(job?.steps[1]?.body.uses).toBe(ci?.body.uses);
      // Every credential config.yml names, except the HPSS host's key (only the archive step reads hpss_*).
      // Nor the SFAPI's: reconcile only lists and dispatches.
      const notTape = Object.fromEntries(Object.entries(record(config, 'config.yml')).filter(([k]) => !k.startsWith('hpss_') && k !== 'sfapi'));
      for (const name of configVariables(notTape)) expect(env[name], name).toBe(`\${{ secrets.${name} }}`);
      expect(env.NERSC_SSH_KEY_PATH).toBeUndefined();
      expect(env.SFAPI_PRIVATE_KEY).toBeUndefined();
      const github = record(record(config, 'config.yml').github, 'github');
      expect(env[typeof github.token_env === 'string' ? github.token_env : 'GITHUB_TOKEN']).toBe('${{ secrets.SPLASH_DISPATCH_TOKEN }}');
    });

    // The script as the runner runs it (bash -eo pipefail), with a `node` on PATH that records its arguments.
    const hasBash = spawnSync('bash', ['--version']).status === 0;
    const runScript = (vars: Record<string, string>, exitCodes: Record<string, number> = {}) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'splash-reconcile-wf-'));
      try {
        const log = path.join(dir, 'calls');
        const codes = Object.entries(exitCodes).map(([b, c]) => `[[ "$4" == ${JSON.stringify(b)} ]] && exit ${c}`).join('\n');
        writeFileSync(path.join(dir, 'node'), `#!/bin/bash\n{ printf '[%s]' "$@"; echo; } >> ${JSON.stringify(log)}\n${codes}\nexit 0\n`, { mode: 0o755 });
        const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', scriptOf(step?.body)], {
          env: { PATH: `${dir}:${process.env.PATH ?? ''}`, ALL_BEAMLINES: String(env.ALL_BEAMLINES), ...vars },
          encoding: 'utf8',
        });
        let calls: string[] = [];
        try {
          calls = readFileSync(log, 'utf8').trim().split('\n');
        } catch {
          // no call
        }
        return { status: r.status, calls };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    const scheduled = { BEAMLINE: 'all', OLDER_THAN: '6h', EXPORT_CONTROL: 'true', DRY_RUN: 'false' };

    it('the schedule reconciles every beamline as export controlled (the safe guess); inputs arrive only through env', () => {
      expect(env).toMatchObject({
        BEAMLINE: "${{ inputs.beamline || 'all' }}",
        OLDER_THAN: "${{ inputs.older-than || '6h' }}",
        EXPORT_CONTROL: "${{ github.event_name == 'workflow_dispatch' && inputs.export-control || 'true' }}",
        DRY_RUN: "${{ github.event_name == 'workflow_dispatch' && inputs.dry-run || 'false' }}",
      });
      if (!hasBash) return;
      expect(runScript(scheduled)).toEqual({
        status: 0,
        calls: beamlines.map((b) => `[dist/cli/index.js][reconcile][--beamline][${b}][--older-than][6h][--export-control]`),
      });
    });

    it.skipIf(!hasBash)('by hand: one beamline, a dry run, not export controlled; an odd value stays one argument', () => {
      expect(runScript({ BEAMLINE: '7.3.3', OLDER_THAN: '2d; touch /tmp/x', EXPORT_CONTROL: 'false', DRY_RUN: 'true' })).toEqual({
        status: 0,
        calls: ['[dist/cli/index.js][reconcile][--beamline][7.3.3][--older-than][2d; touch /tmp/x][--not-export-controlled][--dry-run]'],
      });
    });

    it.skipIf(!hasBash)('a beamline that fails does not stop the others; the job fails at the end', () => {
      const r = runScript(scheduled, { [beamlines[0] ?? '']: 2 });
      expect(r.calls).toHaveLength(beamlines.length);
      expect(r.status).toBe(2);
    });
  });

  it('site builds on pushes to main and hourly, then publishes with the official Pages actions on GitHub-hosted runners', () => {
    const wf = workflow('site.yml');
    const on = triggersOf(wf);
    expect(Object.keys(on).sort()).toEqual(['push', 'schedule', 'workflow_dispatch']);
    expect(on.push).toEqual({ branches: ['main'] });
    expect(on.schedule).toEqual([{ cron: expect.stringMatching(/^([1-9]|[1-5]\d) \* \* \* \*$/) as unknown }]);
    expect(wf.doc.permissions).toEqual({});
    const [build, deploy] = jobsOf(wf);
    expect(build?.body.permissions).toEqual({ contents: 'read', actions: 'read', pages: 'read' });
    expect(build?.body['runs-on']).toBe('ubuntu-latest');
    const uses = build?.steps.flatMap((s) => (typeof s.body.uses === 'string' ? [s.body.uses.split('@')[0]] : []));
    expect(uses).toEqual(['actions/checkout', 'actions/setup-node', 'actions/cache', 'actions/configure-pages', 'actions/upload-pages-artifact']);
    const runs = build?.steps.map((s) => scriptOf(s.body)).filter((r) => r !== '') ?? [];
    expect(runs).toEqual([
      'npm ci --no-audit --no-fund',
      'npm run -s docs:gen -- --check',
      'node dist/cli/index.js status --out docs/status --cache .splash-status-cache --max-requests 200 --reserve 100',
      'npm run docs:build',
    ]);
    // The token reaches only the status step; the site is built under the base path Pages serves it at.
    const status = build?.steps.find((s) => scriptOf(s.body).includes(' status '));
    expect(status?.body.env).toEqual({ GITHUB_TOKEN: '${{ github.token }}' });
    expect(build?.steps.find((s) => scriptOf(s.body) === 'npm run docs:build')?.body.env).toEqual({ DOCS_BASE: '${{ steps.pages.outputs.base_path }}' });
    expect(build?.steps.at(-1)?.body.with).toEqual({ path: 'docs/.vitepress/dist' });
    expect(deploy?.body).toMatchObject({ needs: 'build', 'runs-on': 'ubuntu-latest', permissions: { pages: 'write', 'id-token': 'write' }, environment: { name: 'github-pages' } });
    expect(deploy?.steps.map((s) => String(s.body.uses).split('@')[0])).toEqual(['actions/deploy-pages']);
    expect(record(wf.doc.concurrency, 'concurrency')).toEqual({ group: 'pages', 'cancel-in-progress': false });
  });

  it('ci checks pushes and pull requests with lint, type-check, bundle check, tests, actionlint and the docs build', () => {
    const wf = workflow('ci.yml');
    expect(Object.keys(triggersOf(wf)).sort()).toEqual(['pull_request', 'push']);
    expect(jobsOf(wf).map((j) => j.id)).toEqual(['check', 'docs']);
    const runs = jobsOf(wf).flatMap((j) => j.steps.map((s) => scriptOf(s.body)));
    for (const cmd of ['npm ci', 'npm run -s lint', 'npm run -s typecheck', 'npm run -s bundle', 'git status --porcelain -- dist', 'npm test', '-t actionlint', 'npm run -s docs:gen -- --check', 'npm run docs:build']) {
      expect(runs.some((r) => r.includes(cmd)), cmd).toBe(true);
    }
  });
});

describe('dispatch payload check (the validate step, run as the runner runs it)', () => {
  const hasJq = spawnSync('jq', ['--version']).status === 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'splash-dispatch-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const validate = jobsOf(workflow('dispatch.yml')).find((j) => j.id === 'validate');
  const step = validate?.steps.find((s) => s.body.id === 'check');
  const scriptFile = path.join(dir, 'check.sh');
  writeFileSync(scriptFile, scriptOf(step?.body));

  /** GitHub's toJSON pretty-prints; `undefined` = the key is absent (toJSON gives null). */
  function check(type: string, filePaths: unknown, exportControl?: unknown) {
    const out = path.join(dir, `out-${String(Math.random()).slice(2)}`);
    writeFileSync(out, '');
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', scriptFile], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        GITHUB_OUTPUT: out,
        EVENT_TYPE: type,
        FILE_PATHS: JSON.stringify(filePaths ?? null, null, 2),
        IS_EXPORT_CONTROL: JSON.stringify(exportControl ?? null, null, 2),
      },
    });
    const outputs = Object.fromEntries(
      readFileSync(out, 'utf8').split('\n').filter((l) => l !== '').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, outputs };
  }

  it('the step receives the payload only through env', () => {
    expect(step?.body.env).toEqual({
      EVENT_TYPE: '${{ github.event.action }}',
      FILE_PATHS: '${{ toJSON(github.event.client_payload.file_paths) }}',
      IS_EXPORT_CONTROL: '${{ toJSON(github.event.client_payload.is_export_control) }}',
    });
  });

  it.skipIf(!hasJq).each([
    ['new_file_832', ['/global/raw/p1/scan.h5'], undefined, '8.3.2', ['/global/raw/p1/scan.h5'], 'false'],
    ['new_file_733', '/global/a.h5\n  /global/b.h5 \r\n\n', true, '7.3.3', ['/global/a.h5', '/global/b.h5'], 'true'],
    ['new_file_7012', ' ["/global/c.h5"] ', 'false', '7.0.1.2', ['/global/c.h5'], 'false'],
    ['new_file_733', ['/global/x y.h5', '/global/ü.h5'], 'true', '7.3.3', ['/global/x y.h5', '/global/ü.h5'], 'true'],
  ])('%s %j (export control %j) → beamline %s, %j, %s', (type, filePaths, ec, beamline, paths, exportControl) => {
    const r = check(type, filePaths, ec);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.outputs).toEqual({ beamline, 'file-paths': JSON.stringify(paths), 'is-export-control': exportControl });
    // What the move action will read from the output is exactly the list the watcher sent.
    expect(parsePathList(r.outputs['file-paths'] ?? '', 'file-paths')).toEqual(paths);
  });

  it.skipIf(!hasJq).each([
    ['no file_paths', 'new_file_832', undefined, undefined, 'file_paths is missing'],
    ['an empty list', 'new_file_832', [], undefined, 'holds no path'],
    ['a blank string', 'new_file_832', ' \n ', undefined, 'holds no path'],
    ['a number in the list', 'new_file_832', ['/global/a.h5', 1], undefined, 'every path must be a non-empty string'],
    ['a blank path in the list', 'new_file_832', ['/global/a.h5', '  '], undefined, 'every path must be a non-empty string'],
    ['an object', 'new_file_832', { path: '/global/a.h5' }, undefined, 'must be a JSON array of strings'],
    ['a broken JSON array', 'new_file_832', '["/global/a.h5"', undefined, 'does not parse'],
    ['a control character (a forged workflow command)', 'new_file_832', ['/global/a.h5\n::warning::pwned'], undefined, 'control character'],
    ['export control "yes"', 'new_file_832', ['/global/a.h5'], 'yes', 'is_export_control must be true or false'],
    ['export control 1', 'new_file_832', ['/global/a.h5'], 1, 'is_export_control must be true or false'],
    ['an unknown event type', 'new_file_999', ['/global/a.h5'], undefined, 'unknown event type'],
  ])('refuses %s, with one fixed error line and no outputs', (_what, type, filePaths, ec, error) => {
    const r = check(type, filePaths, ec);
    expect(r.status).toBe(1);
    expect(r.outputs).toEqual({});
    expect(r.stdout).toMatch(new RegExp(`^::error title=dispatch payload::.*${error}`));
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).not.toContain('pwned');
  });
});

describe('rule: uses ./actions/x passes only declared inputs, and every required one', () => {
  const step = (withs: string) => `
on: workflow_dispatch
permissions: {}
jobs:
  go:
    runs-on: ubuntu-latest
    steps:
      - id: move
        uses: ./actions/move
        with: ${withs}
`;

  it('fails on an undeclared input, naming file, job, step and what is declared', () => {
    expect(run(checkActionInputs, { 'bad.yml': step('{ beamline: "8.3.2", file-paths: a.h5, dry-run: "true" }') })).toEqual([
      '.github/workflows/bad.yml › job go › step 1 (move): input "dry-run" is not declared by actions/move/action.yml (declared: beamline, file-paths, config, is-export-control) [action-inputs]',
    ]);
  });

  it('fails on a missing required input', () => {
    expect(run(checkActionInputs, { 'bad.yml': step('{ beamline: "8.3.2" }') })).toEqual([
      '.github/workflows/bad.yml › job go › step 1 (move): required input "file-paths" of actions/move/action.yml is not given [action-inputs]',
    ]);
  });

  it('fails on an action that does not exist', () => {
    expect(run(checkActionInputs, { 'bad.yml': step('{}').replace('./actions/move', './actions/ingest') })).toEqual([
      '.github/workflows/bad.yml › job go › step 1 (move): uses ./actions/ingest, but there is no actions/ingest/action.yml [action-inputs]',
    ]);
  });

  it('passes declared inputs, and inputs with defaults left out', () => {
    expect(run(checkActionInputs, { 'good.yml': step('{ beamline: "8.3.2", file-paths: a.h5, config: c.yml }') })).toEqual([]);
    expect(run(checkActionInputs, { 'good.yml': step('{}').replace('./actions/move', './actions/prune/') })).toEqual([]);
  });
});

describe('rule: a call to a local reusable workflow passes declared inputs of the right type, and every required one', () => {
  const caller = (withs: string, extra = '') => `
on: workflow_dispatch
permissions: {}
jobs:
  v:
    runs-on: ubuntu-latest
    permissions: {}
    outputs: { ec: "\${{ steps.s.outputs.ec }}" }
    steps: [{ id: s, run: echo "ec=true" >> "$GITHUB_OUTPUT" }]
  call:
    needs: v
    uses: ./.github/workflows/called.yml
    permissions: { contents: read }
    with: ${withs}
${extra}`;

  it('fails on an undeclared input and a missing required one', () => {
    expect(run(checkReusableCalls, { 'called.yml': CALLED, 'bad.yml': caller('{ file-path: a.h5 }') })).toEqual([
      '.github/workflows/bad.yml › job call: input "file-path" is not declared by .github/workflows/called.yml (declared: file-paths, is-export-control) [reusable-inputs]',
      '.github/workflows/bad.yml › job call: required input "file-paths" of .github/workflows/called.yml is not given [reusable-inputs]',
    ]);
  });

  it('fails on a string given to a boolean input (GitHub fails such a run)', () => {
    expect(
      run(checkReusableCalls, {
        'called.yml': CALLED,
        'bad.yml': caller('{ file-paths: a.h5, is-export-control: "${{ needs.v.outputs.ec }}" }'),
        'bad2.yml': caller('{ file-paths: a.h5, is-export-control: "true" }'),
      }),
    ).toEqual([
      '.github/workflows/bad.yml › job call: input "is-export-control" of .github/workflows/called.yml is a boolean, but is given a string ("${{ needs.v.outputs.ec }}") [reusable-inputs]',
      '.github/workflows/bad2.yml › job call: input "is-export-control" of .github/workflows/called.yml is a boolean, but is given a string ("true") [reusable-inputs]',
    ]);
  });

  it('fails on an undeclared secret, a missing workflow and a workflow that is not reusable', () => {
    const noCall = CALLED.replace('workflow_call:', 'workflow_dispatch:');
    expect(
      run(checkReusableCalls, {
        'called.yml': CALLED,
        'plain.yml': noCall,
        'bad.yml': caller('{ file-paths: a.h5 }', '    secrets: { password: x }'),
        'bad2.yml': caller('{ file-paths: a.h5 }').replace('called.yml', 'missing.yml'),
        'bad3.yml': caller('{ file-paths: a.h5 }').replace('called.yml', 'plain.yml'),
      }),
    ).toEqual([
      '.github/workflows/bad.yml › job call: secret "password" is not declared by .github/workflows/called.yml [reusable-inputs]',
      '.github/workflows/bad2.yml › job call: calls ./.github/workflows/missing.yml, which does not exist [reusable-inputs]',
      '.github/workflows/bad3.yml › job call: calls ./.github/workflows/plain.yml, which has no `on: workflow_call` [reusable-inputs]',
    ]);
  });

  it('passes declared inputs with a boolean from a comparison, a literal or a typed input', () => {
    expect(
      run(checkReusableCalls, {
        'called.yml': CALLED,
        'good.yml': caller(`{ file-paths: a.h5, is-export-control: "\${{ needs.v.outputs.ec == 'true' }}" }`, '    secrets: inherit'),
        'good2.yml': caller('{ file-paths: "${{ toJSON(github.event.client_payload.file_paths) }}", is-export-control: true }'),
        'good3.yml': caller('{ file-paths: a.h5, is-export-control: "${{ inputs.ec }}" }').replace(
          'on: workflow_dispatch',
          'on: { workflow_dispatch: { inputs: { ec: { type: boolean } } } }',
        ),
      }),
    ).toEqual([]);
  });
});

describe('rule: needs.<job>.outputs and steps.<id>.outputs refer to what exists', () => {
  const example = (refs: { jobOutput: string; env: string; later: string }) => `
on: workflow_dispatch
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    outputs:
      out: \${{ ${refs.jobOutput} }}
    steps:
      - id: move
        uses: ./actions/move
        with: { beamline: "8.3.2", file-paths: a.h5 }
  call:
    uses: ./.github/workflows/called.yml
    with: { file-paths: a.h5 }
  b:
    needs: [a, call]
    runs-on: ubuntu-latest
    steps:
      - id: first
        run: echo "$X $Y"
        env:
          X: \${{ ${refs.env} }}
          Y: \${{ needs.call.outputs.relative-paths }}
      - if: ${refs.later} == '1'
        run: "true"
      - id: last
        run: "true"
`;

  it('fails on an unknown job output, a job not in needs, a later or unknown step and an undeclared action output', () => {
    expect(
      run(checkOutputRefs, {
        'called.yml': CALLED,
        'bad.yml': example({ jobOutput: 'steps.move.outputs.copied', env: "needs.a.outputs.missing || needs['c'].outputs.out", later: 'steps.last.outputs.x' }),
      }),
    ).toEqual([
      '.github/workflows/bad.yml › job a: refers to steps.move.outputs.copied, but actions/move/action.yml declares no output "copied" (declares: relative-paths, moved, moved-list) [output-refs]',
      '.github/workflows/bad.yml › job b: refers to needs.a.outputs.missing, but job a has no output "missing" (has: out) [output-refs]',
      '.github/workflows/bad.yml › job b: refers to needs.c, but "c" is not in this job\'s needs (a, call) [output-refs]',
      '.github/workflows/bad.yml › job b › step 2: refers to steps.last, but no earlier step of this job has id "last" (earlier ids: first) [output-refs]',
    ]);
  });

  it('fails on an unknown output of a called workflow, and a workflow_call output naming a missing job output', () => {
    const badCalled = CALLED.replace('jobs.move.outputs.relative-paths }}', 'jobs.move.outputs.paths }}');
    expect(
      run(checkOutputRefs, {
        'called.yml': badCalled,
        'bad.yml': example({ jobOutput: 'steps.move.outputs.moved', env: 'needs.call.outputs.moved', later: 'steps.first.outputs.x' }),
      }),
    ).toEqual([
      '.github/workflows/called.yml › on.workflow_call.outputs.relative-paths: refers to jobs.move.outputs.paths, but job move has no output "paths" [output-refs]',
      '.github/workflows/bad.yml › job b: refers to needs.call.outputs.moved, but job call has no output "moved" (has: relative-paths) [output-refs]',
    ]);
  });

  it('passes references to existing outputs of needed jobs and earlier steps', () => {
    expect(
      run(checkOutputRefs, {
        'called.yml': CALLED,
        'good.yml': example({ jobOutput: 'steps.move.outputs.moved', env: "needs.a.outputs.out || needs['a'].result", later: 'steps.first.outputs.x' }),
      }),
    ).toEqual([]);
  });
});

describe('rule: no untrusted ${{ }} expanded inside a run: script', () => {
  const step = (script: string, env = '') => `
on: [repository_dispatch, workflow_dispatch]
permissions: {}
jobs:
  go:
    runs-on: ubuntu-latest
    steps:
      - name: show
        run: ${JSON.stringify(script)}
${env}`;

  it.each([
    ['the event payload', 'echo "${{ github.event.client_payload.file_paths }}"'],
    ['the event in bracket form', "echo '${{ github['event'].action }}'"],
    ['a workflow input', 'ls ${{ inputs.beamline }}'],
    ['the head branch', 'git checkout ${{ github.head_ref }}'],
    ['the whole github context', "echo '${{ toJSON(github) }}' | jq ."],
  ])('fails on %s', (_what, script) => {
    const expr = /\$\{\{\s*(.*?)\s*\}\}/.exec(script)?.[1] ?? '';
    expect(run(checkRunInjection, { 'bad.yml': step(script) })).toEqual([
      `.github/workflows/bad.yml › job go › step 1 (show): \${{ ${expr} }} is expanded inside the run: script; pass it through env: and use "$NAME" [run-injection]`,
    ]);
  });

  it('passes values through env:, and trusted contexts in the script', () => {
    const env = '        env:\n          P: ${{ github.event.client_payload.file_paths }}\n          B: ${{ inputs.beamline }}';
    expect(run(checkRunInjection, { 'good.yml': step('echo "$P $B" ${{ github.event_name }} ${{ github.sha }} ${{ runner.temp }}', env) })).toEqual([]);
  });
});

describe('rule: permissions are set, and least privilege', () => {
  const wf = (top: string, job: string) => `
on: push
${top}
jobs:
  build:
    runs-on: ubuntu-latest
${job}
    steps: [{ run: "true" }]
  other:
    runs-on: ubuntu-latest
    permissions: {}
    steps: [{ run: "true" }]
`;

  it('fails on a job without permissions when the workflow sets none', () => {
    expect(run(checkPermissions, { 'bad.yml': wf('', '') })).toEqual([
      '.github/workflows/bad.yml › job build: sets no permissions and neither does the workflow (the default token may be read-write); add permissions: {} or the scopes it needs [permissions]',
    ]);
  });

  it('fails on write-all, read-all, a write scope for every job, and a bad level', () => {
    expect(
      run(checkPermissions, {
        'a.yml': wf('permissions: write-all', ''),
        'b.yml': wf('permissions: { contents: write }', ''),
        'c.yml': wf('permissions: {}', '    permissions: read-all'),
        'd.yml': wf('permissions: {}', '    permissions: { contents: admin }'),
      }),
    ).toEqual([
      '.github/workflows/a.yml: top-level permissions are "write-all"; name only the scopes needed (e.g. contents: read) [permissions]',
      '.github/workflows/b.yml: top-level permissions grant contents: write to every job; grant write only on the job that needs it [permissions]',
      '.github/workflows/c.yml › job build: job permissions are "read-all"; name only the scopes needed (e.g. contents: read) [permissions]',
      '.github/workflows/d.yml › job build: job permission contents: "admin" is not read, write or none [permissions]',
    ]);
  });

  it('passes top-level read-only permissions, or permissions on every job (write only where needed)', () => {
    expect(
      run(checkPermissions, {
        'a.yml': wf('permissions: { contents: read }', ''),
        'b.yml': wf('', '    permissions: { contents: write }'),
      }),
    ).toEqual([]);
  });
});

describe('rule: third-party actions pinned by commit SHA, docker images by digest', () => {
  const wf = (uses: string) => `
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: ${uses}
`;

  it.each([
    ['a tag', 'actions/checkout@v4', 'actions/checkout@v4 is not pinned by a full 40-character commit SHA (tags and branches can be moved)'],
    ['a branch', 'actions/checkout@main', 'actions/checkout@main is not pinned by a full 40-character commit SHA (tags and branches can be moved)'],
    ['a short SHA', 'actions/checkout@11bd719 # v4.2.2', 'actions/checkout@11bd719 is not pinned by a full 40-character commit SHA (tags and branches can be moved)'],
    ['no ref at all', 'actions/checkout', 'actions/checkout is not pinned by a full 40-character commit SHA (tags and branches can be moved)'],
    ['a docker tag', 'docker://alpine:3.20', 'docker://alpine:3.20 is not pinned by digest (docker://image@sha256:<64 hex>)'],
  ])('fails on %s', (_what, uses, message) => {
    const step = `step 1 (${uses.split(' ')[0] ?? ''})`;
    expect(run(checkPinning, { 'bad.yml': wf(uses) })).toEqual([`.github/workflows/bad.yml › job build › ${step}: ${message} [pinning]`]);
  });

  it('fails on a SHA without its version comment, and on a remote reusable workflow by tag', () => {
    const remote = `
on: push
permissions: {}
jobs:
  call:
    uses: org/repo/.github/workflows/x.yml@v1
`;
    expect(run(checkPinning, { 'a.yml': wf(CHECKOUT.split(' ')[0] ?? ''), 'b.yml': remote })).toEqual([
      '.github/workflows/a.yml › line 8: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 needs a "# vX.Y.Z" comment naming the version the SHA stands for [pinning]',
      '.github/workflows/b.yml › job call: org/repo/.github/workflows/x.yml@v1 is not pinned by a full 40-character commit SHA (tags and branches can be moved) [pinning]',
    ]);
  });

  it('passes a SHA with its version, a docker digest and local actions', () => {
    const digest = `docker://alpine@sha256:${'a'.repeat(64)}`;
    expect(run(checkPinning, { 'a.yml': wf(CHECKOUT), 'b.yml': wf(digest), 'c.yml': wf('./actions/prune') })).toEqual([]);
  });
});

describe('rule: no self-hosted runner reachable from a pull request', () => {
  const wf = (on: string, job: string) => `
on: ${on}
permissions: {}
jobs:
  build:
${job}
`;
  const runsOn = (r: string) => `    runs-on: ${r}\n    steps: [{ run: "true" }]`;

  it.each([
    ['self-hosted on pull_request', 'pull_request', '[self-hosted, bl832]'],
    ['a custom label without self-hosted', '[push, pull_request]', 'bl832'],
    ['a runner group', '{ pull_request_target: { types: [opened] } }', '{ group: facility }'],
    ['a label from an expression', 'pull_request', '${{ github.event.pull_request.head.ref }}'],
  ])('fails on %s', (_what, on, r) => {
    const found = run(checkPullRequestReach, { 'bad.yml': wf(on, runsOn(r)) });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^\.github\/workflows\/bad\.yml › job build: runs on pull_request(_target)? and reaches a self-hosted runner: \.github\/workflows\/bad\.yml › job build \(runs-on: .*\) \[pr-self-hosted\]$/);
  });

  it('fails on a pull request calling a reusable workflow whose job is self-hosted', () => {
    const caller = wf('pull_request', '    uses: ./.github/workflows/called.yml\n    with: { file-paths: a.h5 }');
    expect(run(checkPullRequestReach, { 'called.yml': CALLED, 'ci.yml': caller })).toEqual([
      '.github/workflows/ci.yml › job build: runs on pull_request and reaches a self-hosted runner: .github/workflows/ci.yml › job build → .github/workflows/called.yml › job move (runs-on: ["self-hosted","bl832"]) [pr-self-hosted]',
    ]);
  });

  it('passes GitHub-hosted jobs on pull requests, and self-hosted jobs on other triggers', () => {
    expect(
      run(checkPullRequestReach, {
        'a.yml': wf('[push, pull_request]', runsOn('ubuntu-latest')),
        'b.yml': wf('pull_request', runsOn('[ubuntu-24.04]')),
        'c.yml': wf('{ push: { branches: [main] }, workflow_dispatch: {} }', runsOn('[self-hosted, bl832]')),
        'called.yml': CALLED,
      }),
    ).toEqual([]);
  });
});

describe('rule: no concurrency that cancels or replaces runs of a workflow that moves data', () => {
  const withConcurrency = (text: string, c: string) => text.replace('permissions: { contents: read }', `permissions: { contents: read }\n${c}`);
  const dispatch = (c: string) => `
on: { repository_dispatch: { types: [new_file_832] } }
permissions: {}
${c}
jobs:
  call:
    uses: ./.github/workflows/called.yml
    permissions: { contents: read }
    with: { file-paths: "\${{ toJSON(github.event.client_payload.file_paths) }}" }
`;

  it('fails on a group shared by different files (a newer run replaces the pending one)', () => {
    expect(run(checkConcurrency, { 'called.yml': withConcurrency(CALLED, 'concurrency: { group: bl832, cancel-in-progress: false }') })).toEqual([
      '.github/workflows/called.yml: concurrency group "bl832" does not include the file paths: a newer run replaces a pending one and its files are never moved; key the group by the file paths, or drop concurrency [concurrency]',
    ]);
  });

  it('fails on cancel-in-progress, even with the file paths in the group', () => {
    expect(
      run(checkConcurrency, {
        'called.yml': withConcurrency(CALLED, 'concurrency: { group: "move-${{ inputs.file-paths }}", cancel-in-progress: true }'),
      }),
    ).toEqual([
      '.github/workflows/called.yml: cancel-in-progress is true on a workflow that moves data: a cancelled run stops a copy half-way; use false [concurrency]',
    ]);
  });

  it('fails on a caller of a data-moving workflow, and on a job-level group', () => {
    const jobLevel = CALLED.replace('    runs-on: [self-hosted, bl832]', '    runs-on: [self-hosted, bl832]\n    concurrency: move');
    expect(run(checkConcurrency, { 'called.yml': jobLevel, 'dispatch.yml': dispatch('concurrency: ${{ github.workflow }}') })).toEqual([
      '.github/workflows/called.yml › job move: concurrency group "move" does not include the file paths: a newer run replaces a pending one and its files are never moved; key the group by the file paths, or drop concurrency [concurrency]',
      '.github/workflows/dispatch.yml: concurrency group "${{ github.workflow }}" does not include the file paths: a newer run replaces a pending one and its files are never moved; key the group by the file paths, or drop concurrency [concurrency]',
    ]);
  });

  it('passes no concurrency, a group keyed by the file paths without cancelling, and cancelling where no data moves', () => {
    const ci = `
on: pull_request
permissions: {}
concurrency: { group: "ci-\${{ github.ref }}", cancel-in-progress: true }
jobs: { test: { runs-on: ubuntu-latest, steps: [{ run: npm test }] } }
`;
    expect(
      run(checkConcurrency, {
        'called.yml': withConcurrency(CALLED, 'concurrency: { group: "move-${{ inputs.file-paths }}", cancel-in-progress: false }'),
        'dispatch.yml': dispatch(''),
        'ci.yml': ci,
      }),
    ).toEqual([]);
  });
});

describe('rule: every beamline config.yml configures is dispatched', () => {
  const dispatch = `
on: { repository_dispatch: { types: [new_file_832] } }
permissions: {}
jobs:
  validate:
    runs-on: ubuntu-latest
    permissions: {}
    steps:
      - run: |
          case "$EVENT_TYPE" in
            new_file_832) beamline=8.3.2 ;;
            *) exit 1 ;;
          esac
  bl832:
    needs: validate
    if: github.event.action == 'new_file_832'
    permissions: { contents: read }
    uses: ./.github/workflows/called.yml
    with: { file-paths: "\${{ needs.validate.outputs.file-paths }}" }
`;
  const r = repoFrom({ '.github/workflows/dispatch.yml': dispatch, '.github/workflows/called.yml': CALLED }, ACTIONS);

  it('passes a beamline routed to the workflow that moves it, on its labels', () => {
    expect(checkDispatchWiring(r, { beamlines: { '8.3.2': { runner_labels: ['bl832'] } } })).toEqual([]);
  });

  it('fails on a beamline nothing dispatches, and on a route to a workflow that runs elsewhere', () => {
    expect(checkDispatchWiring(r, { beamlines: { '8.3.2': { runner_labels: ['bl832-gpu'] }, '9.9.9': {} } }).map(formatFinding)).toEqual([
      '.github/workflows/called.yml › job move: runs on ["bl832"], but config.yml beamlines."8.3.2".runner_labels are ["bl832-gpu"] [dispatch-wiring]',
      '.github/workflows/dispatch.yml: on.repository_dispatch.types does not list new_file_999 (beamline 9.9.9) [dispatch-wiring]',
      '.github/workflows/dispatch.yml › job validate: the payload check does not map new_file_999 to beamline 9.9.9 [dispatch-wiring]',
      '.github/workflows/dispatch.yml: 0 jobs run for new_file_999; exactly one must call the beamline\'s reusable workflow [dispatch-wiring]',
    ]);
  });

  it('fails on a workflow that moves another beamline than the event names', () => {
    const other = dispatch.replaceAll('832', '999').replace('beamline=8.3.2', 'beamline=9.9.9');
    const bad = repoFrom({ '.github/workflows/dispatch.yml': other, '.github/workflows/called.yml': CALLED }, ACTIONS);
    expect(checkDispatchWiring(bad, { beamlines: { '9.9.9': {} } }).map(formatFinding)).toEqual([
      '.github/workflows/called.yml › job move › step 2 (move): moves beamline "8.3.2", but dispatch.yml routes new_file_999 (beamline 9.9.9) here [dispatch-wiring]',
    ]);
  });
});

describe('rule: runner labels agree with config.yml', () => {
  const r = repoFrom({ '.github/workflows/called.yml': CALLED }, ACTIONS);
  const config = (labels: string[]) => ({ beamlines: { '8.3.2': { runner_labels: labels } } });

  it('fails when config.yml names other labels for the beamline', () => {
    expect(checkRunnerLabels(r, config(['self-hosted', 'bl832-gpu'])).map(formatFinding)).toEqual([
      '.github/workflows/called.yml › job move › step 2 (move): runs on ["bl832"], but config.yml beamlines."8.3.2".runner_labels are ["bl832-gpu"] [runner-labels]',
    ]);
    expect(checkRunnerLabels(r, config(['bl832', 'gpu'])).map(formatFinding)).toHaveLength(1);
  });

  it('passes the same labels, with or without self-hosted, and a beamline that names none', () => {
    expect(checkRunnerLabels(r, config(['bl832', 'self-hosted']))).toEqual([]);
    expect(checkRunnerLabels(r, config(['bl832']))).toEqual([]);
    expect(checkRunnerLabels(r, config([]))).toEqual([]);
  });
});

describe('rule: steps that read config.yml get the variables it refers to', () => {
  const config = {
    globus: { globus_apps: { app: { client_id: '${GLOBUS_CLIENT_ID}', client_secret: '${GLOBUS_CLIENT_SECRET}' } } },
    endpoints: { e: { type: 'filesystem', root_path: '/data/$${literal}' } },
  };
  const prune = (stepEnv: string, jobEnv = '') => `
on: schedule
permissions: {}
jobs:
  prune:
    runs-on: [self-hosted, prune]
${jobEnv}
    steps:
      - uses: ./actions/prune
${stepEnv}
`;

  it('reads the references, not literals written as $${', () => {
    expect(configVariables(config)).toEqual(['GLOBUS_CLIENT_ID', 'GLOBUS_CLIENT_SECRET']);
  });

  it('fails on a move or prune step without them', () => {
    const r = repoFrom(
      { '.github/workflows/called.yml': CALLED, '.github/workflows/prune.yml': prune('        env: { GLOBUS_CLIENT_ID: "${{ secrets.GLOBUS_CLIENT_ID }}" }') },
      ACTIONS,
    );
    expect(checkConfigEnv(r, config).map(formatFinding)).toEqual([
      '.github/workflows/called.yml › job move › step 2 (move): config.yml refers to ${GLOBUS_CLIENT_ID}, ${GLOBUS_CLIENT_SECRET}, which this step\'s env does not set (e.g. GLOBUS_CLIENT_ID: ${{ secrets.GLOBUS_CLIENT_ID }}) [config-env]',
      '.github/workflows/prune.yml › job prune › step 1 (./actions/prune): config.yml refers to ${GLOBUS_CLIENT_SECRET}, which this step\'s env does not set (e.g. GLOBUS_CLIENT_SECRET: ${{ secrets.GLOBUS_CLIENT_SECRET }}) [config-env]',
    ]);
  });

  it('passes them set on the step or the job', () => {
    const both = '{ GLOBUS_CLIENT_ID: "${{ secrets.GLOBUS_CLIENT_ID }}", GLOBUS_CLIENT_SECRET: "${{ secrets.GLOBUS_CLIENT_SECRET }}" }';
    const r = repoFrom(
      { '.github/workflows/a.yml': prune(`        env: ${both}`), '.github/workflows/b.yml': prune('', `    env: ${both}`) },
      ACTIONS,
    );
    expect(checkConfigEnv(r, config)).toEqual([]);
  });
});

describe('reading', () => {
  it('reports a workflow that does not parse', () => {
    const r = repoFrom({ '.github/workflows/broken.yml': 'on: [push\njobs: {}' });
    expect(checkRepo(r).map((f) => `${f.file} [${f.rule}]`)).toEqual(['.github/workflows/broken.yml [parse]']);
  });
});

describe('actionlint', () => {
  it('finds nothing in the real workflows but the custom labels of the facility runners', () => {
    const lint = runActionlint(ROOT);
    expect(lint.unparsed, lint.output).toEqual([]);
    expect(lint.checked).toBe(repo.workflows.size);
    const other = lint.findings.filter((f) => !FACILITY_RUNNER_LABELS.includes(unknownRunnerLabel(f) ?? ''));
    expect(other.map((f) => `${f.file}:${f.line}:${f.column} ${f.message} [${f.kind}]`)).toEqual([]);
    expect(lint.status).toBe(lint.findings.length === 0 ? 0 : 1);
  }, 120_000);

  it('still reports other findings (the label filter lets nothing else through)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'splash-actionlint-'));
    try {
      writeFileSync(
        path.join(dir, 'bad.yml'),
        'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: [self-hosted, bl832]\n    steps:\n      - run: echo "${{ github.event.head_commit.message }}"\n      - run: echo ${{ steps.nope.outputs.x }}\n',
      );
      const lint = runActionlint(ROOT, path.join(dir, '*.yml'));
      expect(lint.unparsed, lint.output).toEqual([]);
      expect(lint.status).toBe(1);
      const kinds = lint.findings.map((f) => (unknownRunnerLabel(f) === undefined ? f.kind : `label ${unknownRunnerLabel(f) ?? ''}`));
      expect(kinds).toContain('label bl832');
      expect(kinds).toContain('expression');
      expect(kinds.length).toBeGreaterThanOrEqual(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
