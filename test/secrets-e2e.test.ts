// Secrets never leave in clear (issue #9, items 5–7): every client (Globus Auth + Transfer, SciCat login +
// requests, GitHub token and App) talks through a proxy whose error answers echo the whole request, headers
// and body, and every front door (the CLI's last line, the terminal log, the runner's log and annotations,
// the job summary and step outputs, the action bundles, the watcher's log, spool files, --status/--json,
// SciCat dry-run files) is scanned for every credential that crossed the wire: configured secrets, their
// base64 forms, and the tokens the simulators issued. The bundles run in their own processes, as a user or
// the runner runs them.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { writeDataExchange } from '../src/scicat/sample-scan.js';
import { dist, makeFacility, readOutputs, runNode, tempDir, writeFileAt, type RunResult } from './helpers.js';
import { startEchoProxy, type EchoProxy, type Flavour } from './sim/echo.js';
import { FAST_RETRY, makeGitHubFacility } from './sim/github/facility.js';
import { startGitHubSim, type GitHubSim } from './sim/github/index.js';
import { startGlobusSim, type GlobusSim } from './sim/globus/index.js';
import { startScicatSim, type ScicatSim } from './sim/scicat/index.js';
import { nerscSite } from './recon-site.js';
import { alcfSite } from './alcf-site.js';

const unique = (label: string): string => `${label}-${randomBytes(9).toString('hex')}`;
const b64 = (s: string): string => Buffer.from(s).toString('base64');

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

// ----- the scan -----

const tally = { outputs: 0, needles: 0, found: [] as string[] };

afterAll(() => {
  const line = `secrets found in all outputs: ${tally.found.length}; outputs/paths scanned: ${tally.outputs}; credentials looked for (with their base64 forms): ${tally.needles}`;
  console.log(line);
  if (process.env.SPLASH_SECRETS_REPORT) writeFileSync(process.env.SPLASH_SECRETS_REPORT, `${line}\n${tally.found.join('\n')}\n`, { flag: 'a' });
});

/** Every needle in every output; returns what was found (the test expects nothing). */
function scan(label: string, outputs: Record<string, string>, needles: readonly string[]): string[] {
  const found: string[] = [];
  const list = [...new Set(needles)].filter((n) => n.length >= 6);
  tally.needles = Math.max(tally.needles, list.length);
  for (const [where, text] of Object.entries(outputs)) {
    tally.outputs++;
    for (const n of list) if (text.includes(n)) found.push(`${label} · ${where}: ${n.slice(0, 10)}…`);
  }
  tally.found.push(...found);
  return found;
}

/** The value and its base64 forms: what a leak of a configured secret looks like. */
const forms = (...values: string[]): string[] => values.flatMap((v) => [v, b64(v).replace(/=+$/, ''), Buffer.from(v).toString('base64url')]);

/** Every file under a folder, as path → content. */
function filesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[p] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

// ----- the front doors -----

interface Door {
  readonly name: string;
  readonly result: RunResult;
  readonly outputs: Record<string, string>;
  /** Values the runner was told to mask (::add-mask:: lines are consumed by the runner, never shown). */
  readonly masks: string[];
}

/** The runner swallows ::add-mask:: lines; everything else on stdout is the run log. */
function runnerLog(stdout: string): { log: string; masks: string[] } {
  const masks: string[] = [];
  const log = stdout
    .split('\n')
    .filter((l) => {
      if (!l.startsWith('::add-mask::')) return true;
      masks.push(l.slice('::add-mask::'.length));
      return false;
    })
    .join('\n');
  return { log, masks };
}

const cli = (args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> => runNode(dist('cli'), args, { env });

/** The CLI as a person runs it: log and last line on stderr, outputs on stdout. */
async function terminalDoor(args: string[], env: NodeJS.ProcessEnv): Promise<Door> {
  const result = await cli(args, env);
  return { name: `splash ${args[0] ?? ''} (terminal)`, result, outputs: { stdout: result.stdout, stderr: result.stderr }, masks: [] };
}

/** The CLI in a workflow's run: step (reconcile.yml does this): runner log, annotations, job summary, outputs. */
async function runnerDoor(args: string[], env: NodeJS.ProcessEnv): Promise<Door> {
  const io = await tempDir('splash-runner-');
  const summary = join(io, 'summary');
  const output = join(io, 'output');
  await writeFile(summary, '');
  await writeFile(output, '');
  const result = await cli(args, { ...env, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output });
  const { log, masks } = runnerLog(result.stdout);
  return {
    name: `splash ${args[0] ?? ''} (runner)`,
    result,
    outputs: { 'runner log': log, stderr: result.stderr, 'job summary': readFileSync(summary, 'utf8'), 'step outputs': readFileSync(output, 'utf8') },
    masks,
  };
}

/** A bundled action as the runner runs it. */
async function actionDoor(action: string, inputs: Record<string, string>, env: NodeJS.ProcessEnv): Promise<Door> {
  const io = await tempDir('splash-runner-');
  const summary = join(io, 'summary');
  const output = join(io, 'output');
  await writeFile(summary, '');
  await writeFile(output, '');
  const inputEnv: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(inputs)) inputEnv[`INPUT_${k.toUpperCase()}`] = v;
  const result = await runNode(dist(action), [], { env: { ...env, ...inputEnv, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output } });
  const { log, masks } = runnerLog(result.stdout);
  return {
    name: `${action} action`,
    result,
    outputs: { 'runner log': log, stderr: result.stderr, 'job summary': readFileSync(summary, 'utf8'), 'step outputs': JSON.stringify(readOutputs(output)) },
    masks,
  };
}

/** Each door failed the way the scenario makes it fail (so the echo went through the error path), and leaked nothing. */
function expectSealed(doors: readonly Door[], needles: readonly string[], said: RegExp): void {
  for (const d of doors) {
    const all = Object.values(d.outputs).join('\n');
    expect(d.result.code, `${d.name}\n${all}`).toBe(1);
    expect(all, d.name).toMatch(said);
    // The server's echo reached the output (masked): the leak path was exercised, not avoided.
    expect(all, d.name).toContain('request was:');
  }
  const found = doors.flatMap((d) => scan(d.name, d.outputs, needles));
  expect(found).toEqual([]);
}

async function proxy(target: string, flavour: Flavour): Promise<EchoProxy> {
  const p = await startEchoProxy({ target, flavour });
  closers.push(() => p.close());
  return p;
}

// ----- Globus -----

const SPOT = '44ae904c-ab64-4145-a8f0-7287de38324d';
const DATA = '75b478b2-37af-46df-bfbd-71ed692c6506';

async function globusFacility() {
  const clientId = unique('client');
  const secret = unique('globus-secret');
  const root = await tempDir('splash-secrets-globus-');
  const dirs = { spot: join(root, 'spot'), data: join(root, 'data') };
  await mkdir(join(dirs.spot, 'raw'), { recursive: true });
  await mkdir(join(dirs.data, 'data'), { recursive: true });
  await writeFileAt(join(dirs.spot, 'raw/a.h5'), 'AAAA');
  const sim: GlobusSim = await startGlobusSim({ collections: { [SPOT]: dirs.spot, [DATA]: dirs.data }, clients: { [clientId]: secret }, minTaskMs: 20 });
  closers.push(() => sim.close());
  const echo = await proxy(sim.url, 'globus');
  const config = join(root, 'config.yml');
  await writeFile(config, `globus:
  auth_url: ${echo.url}
  transfer_url: ${echo.url}
  poll_first_seconds: 0.02
  poll_max_seconds: 0.1
  globus_apps:
    als_transfer: { client_id: "\${GLOBUS_CLIENT_ID}", client_secret: "\${GLOBUS_CLIENT_SECRET}" }
  globus_endpoints:
    spot832: { root_path: /, uuid: ${SPOT} }
    data832: { root_path: /data, uuid: ${DATA} }
beamlines:
  "8.3.2":
    path_prefix: /
    move:
      - { from: spot832, to: data832 }
    prune:
      - { endpoint: spot832, after_days: 1, check: data832 }
`);
  const env = { GLOBUS_CLIENT_ID: clientId, GLOBUS_CLIENT_SECRET: secret };
  const needles = (): string[] => [...forms(secret), b64(`${clientId}:${secret}`), ...echo.needles()];
  const doors = async (): Promise<Door[]> => [
    await terminalDoor(['move', '--beamline', '8.3.2', '--config', config, '/raw/a.h5'], env),
    await runnerDoor(['move', '--beamline', '8.3.2', '--config', config, '/raw/a.h5'], env),
    await actionDoor('move', { beamline: '8.3.2', 'file-paths': '/raw/a.h5', config }, env),
  ];
  return { echo, needles, doors, secret };
}

describe('Globus through a server that echoes the request', () => {
  it('Auth refuses the client (the echo holds Basic base64(id:secret)): nothing of it in any output', async () => {
    const g = await globusFacility();
    g.echo.echo({ method: 'POST', path: /oauth2\/token/, status: 401, times: 10 });
    const doors = await g.doors();
    expect(g.echo.echoed()).toBeGreaterThanOrEqual(3);
    expectSealed(doors, g.needles(), /Globus Auth POST \/v2\/oauth2\/token → 401/);
  }, 60_000);

  it('Transfer refuses a submission (the echo holds the bearer token), after a 5xx echo that is retried', async () => {
    const g = await globusFacility();
    g.echo.echo({ method: 'GET', path: /submission_id/, status: 503, times: 1 });
    g.echo.echo({ method: 'POST', path: /\/v0\.10\/transfer$/, status: 400, times: 10 });
    const doors = await g.doors();
    // Tokens were issued and sent: the scan looks for them.
    expect(g.echo.credentials().length).toBeGreaterThanOrEqual(3);
    expectSealed(doors, g.needles(), /Globus Transfer POST \/v0\.10\/transfer → 400/);
  }, 60_000);
});

// ----- SciCat -----

async function scicatFacility() {
  const password = unique('scicat-pw');
  const sim: ScicatSim = await startScicatSim({ users: { ingestor: password } });
  closers.push(() => sim.close());
  const echo = await proxy(sim.url, 'scicat');
  const f = await makeFacility(`scicat:\n  url: ${echo.url}\n  username: \${SCICAT_USER}\n  password: \${SCICAT_PASSWORD}\n  max_retries: 1\n`);
  await writeFileAt(join(f.root, 'beamline/raw/x.h5'), 'x');
  const env = { SCICAT_USER: 'ingestor', SCICAT_PASSWORD: password };
  const doors = async (): Promise<Door[]> => [
    await terminalDoor(['ingest', '--beamline', '8.3.2', '--config', f.config, 'raw/x.h5'], env),
    await runnerDoor(['ingest', '--beamline', '8.3.2', '--config', f.config, 'raw/x.h5'], env),
    await actionDoor('ingest', { beamline: '8.3.2', 'file-paths': 'raw/x.h5', config: f.config }, env),
  ];
  return { echo, doors, needles: (): string[] => [...forms(password), ...echo.needles()] };
}

describe('SciCat through a backend that echoes the request', () => {
  it('login refused (the echo holds the password JSON): nothing of it in any output', async () => {
    const s = await scicatFacility();
    s.echo.echo({ method: 'POST', path: /auth\/login/, status: 401, times: 10 });
    const doors = await s.doors();
    expectSealed(doors, s.needles(), /SciCat POST \/api\/v3\/auth\/login → 401/);
  }, 60_000);

  it('a dataset refused (the echo holds the bearer token), after a 500 echo that is retried', async () => {
    const s = await scicatFacility();
    s.echo.echo({ method: 'GET', path: /Datasets$/, status: 500, times: 1 });
    s.echo.echo({ method: 'POST', path: /Datasets$/, status: 400, times: 10 });
    const doors = await s.doors();
    expect(s.echo.credentials().length).toBeGreaterThanOrEqual(3);
    expectSealed(doors, s.needles(), /SciCat POST \/api\/v3\/Datasets → 400/);
  }, 60_000);

  it('dry run: a credential written into a scan\'s metadata reaches no dry-run file, summary or log', async () => {
    const password = unique('scicat-pw');
    const bearer = unique('tok');
    const f = await makeFacility('scicat:\n  username: ingestor\n  password: ${SCICAT_PASSWORD}\n');
    await mkdir(join(f.root, 'beamline/raw'), { recursive: true });
    const scanFile = join(f.root, 'beamline/raw/scan_n.h5');
    await writeDataExchange(scanFile, { projections: [1, 8, 8] });
    // An operator's note in the file, as acquisition software records free text.
    await h5wasm.ready;
    const file = new h5wasm.File(scanFile, 'a');
    file.create_dataset({ name: 'measurement/instrument/detector/notes', data: `camera login password=${password}; Authorization: Bearer ${bearer}; pw ${password}` });
    file.close();
    const env = { SCICAT_PASSWORD: password };
    const needles = [...forms(password, bearer)];
    const doors = [
      await terminalDoor(['ingest', '--beamline', '8.3.2', '--config', f.config, 'raw/scan_n.h5'], env),
      await runnerDoor(['ingest', '--beamline', '8.3.2', '--config', f.config, 'raw/scan_n.h5'], env),
      await actionDoor('ingest', { beamline: '8.3.2', 'file-paths': 'raw/scan_n.h5', config: f.config }, env),
    ];
    for (const d of doors) expect(d.result.code, Object.values(d.outputs).join('\n')).toBe(0);
    const dry = filesUnder(join(f.root, 'scicat-dry-run'));
    // The note is there: the metadata path was exercised.
    expect(Object.values(dry).join('\n')).toMatch(/camera login password=/);
    const found = [...doors.flatMap((d) => scan(d.name, d.outputs, needles)), ...scan('dry-run files', dry, needles)];
    expect(found).toEqual([]);
    expect(Object.values(dry).join('\n')).toMatch(/camera login password=\*\*\*; Authorization: \*\*\*; pw \*\*\*/);
  }, 60_000);
});

// ----- GitHub -----

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
/** Lines of the key's body: what a leaked key looks like in a log. */
const pemLines = pem.split('\n').filter((l) => l !== '' && !l.startsWith('-----'));

async function githubFacility(kind: 'token' | 'app') {
  const token = `ghp_${randomBytes(18).toString('hex')}`;
  const sim: GitHubSim = await startGitHubSim({ tokens: [token], app: { clientId: 'Iv23secrets', publicKey, installationId: 4242 } });
  closers.push(() => sim.close());
  const echo = await proxy(sim.url, 'github');
  const app = ['app:', '  client_id: Iv23secrets', '  private_key: ${GITHUB_APP_PRIVATE_KEY}', '  installation_id: 4242'];
  const f = await makeGitHubFacility({ apiUrl: echo.url, github: [...FAST_RETRY, ...(kind === 'app' ? app : [])] });
  const env: NodeJS.ProcessEnv = kind === 'token' ? { GITHUB_TOKEN: token } : { GITHUB_APP_PRIVATE_KEY: pem };
  await writeFileAt(join(f.beamline, 'raw/p1/scan_1.h5'), 'one');
  const needles = (): string[] => [...(kind === 'token' ? forms(token) : forms(...pemLines)), ...echo.needles(), ...sim.issuedTokens.flatMap((t) => forms(t))];
  return { sim, echo, f, env, needles };
}

describe('GitHub through an API that echoes the request', () => {
  it('token: a 503 echo (retried, logged) and a 422 echo (final) carry the token; no output shows it', async () => {
    const g = await githubFacility('token');
    const args = ['dispatch', '--beamline', '8.3.2', '--config', g.f.config, '/global/raw/p1/scan_1.h5'];
    const doors: Door[] = [];
    for (const door of [terminalDoor, runnerDoor]) {
      g.echo.echo({ method: 'POST', path: /dispatches$/, status: 503, times: 1 });
      g.echo.echo({ method: 'POST', path: /dispatches$/, status: 422, times: 1 });
      doors.push(await door(args, g.env));
    }
    expectSealed(doors, g.needles(), /GitHub answered 422/);
  }, 60_000);

  it('App: the JWT (echoed when the token request is refused) and the installation token (echoed by refused dispatches)', async () => {
    const g = await githubFacility('app');
    const args = ['dispatch', '--beamline', '8.3.2', '--config', g.f.config, '/global/raw/p1/scan_1.h5'];
    const refusedJwt: Door[] = [];
    for (const door of [terminalDoor, runnerDoor]) {
      g.echo.echo({ method: 'POST', path: /access_tokens$/, status: 401, times: 1 });
      refusedJwt.push(await door(args, g.env));
    }
    expectSealed(refusedJwt, g.needles(), /installation token .* GitHub answered 401/);

    const refusedDispatch: Door[] = [];
    for (const door of [terminalDoor, runnerDoor]) {
      g.echo.echo({ method: 'POST', path: /dispatches$/, status: 503, times: 1 });
      g.echo.echo({ method: 'POST', path: /dispatches$/, status: 422, times: 1 });
      refusedDispatch.push(await door(args, g.env));
    }
    expect(g.sim.issuedTokens.length).toBeGreaterThanOrEqual(2);
    expectSealed(refusedDispatch, g.needles(), /GitHub answered 422/);
    // Under the runner the installation token is registered the moment it exists: the runner is told to mask it.
    const runner = refusedDispatch[1];
    expect(runner?.masks.some((m) => g.sim.issuedTokens.includes(m))).toBe(true);
  }, 90_000);
});

// ----- the watcher -----

describe('splash watch through an API that echoes the request', () => {
  it.each(['token', 'app'] as const)('%s: log lines, spool files (0600), --status and --json show no credential', async (kind) => {
    const g = await githubFacility(kind);
    g.echo.echo({ method: 'POST', path: /dispatches$/, status: 503, times: 1000 });
    const run = await cli(['watch', g.f.beamline, '--beamline', '8.3.2', '--config', g.f.config, '--send-as', '/global', '--once', '--retry-for', '1500ms'], g.env);
    const log = `${run.stdout}\n${run.stderr}`;
    expect(run.code, log).toBe(1);
    expect(log).toContain('request was:');
    const spool = join(g.f.beamline, '.splash-spool');
    const files = filesUnder(spool);
    const records = Object.keys(files).filter((p) => p.endsWith('.json'));
    expect(records.length, Object.keys(files).join('\n')).toBeGreaterThanOrEqual(1);
    expect(Object.values(files).join('\n')).toContain('request was:');
    const status = await cli(['watch', '--status', '--spool', spool], {});
    const json = await cli(['watch', '--status', '--json', '--spool', spool], {});
    expect(status.stdout).toContain('request was:');
    expect(JSON.parse(json.stdout)).toMatchObject({ pending_files: 1 });
    const found = [
      ...scan(`watch (${kind})`, { log }, g.needles()),
      ...scan(`spool (${kind})`, files, g.needles()),
      ...scan(`watch --status (${kind})`, { stdout: status.stdout, stderr: status.stderr }, g.needles()),
      ...scan(`watch --status --json (${kind})`, { stdout: json.stdout, stderr: json.stderr }, g.needles()),
    ];
    expect(found).toEqual([]);
    // The spool lives in the data folder: its files are the watcher user's alone.
    for (const p of Object.keys(files)) expect((statSync(p).mode & 0o777).toString(8), p).toBe('600');
  }, 60_000);
});

// ----- NERSC SFAPI -----

async function sfapiFacility(tokenThroughEcho: boolean) {
  const site = await nerscSite();
  closers.push(() => site.sim.close());
  const origin = site.sim.url.replace(/\/api\/v1\.2$/, '');
  const echo = await proxy(origin, 'sfapi');
  const root = await tempDir('splash-secrets-sfapi-');
  await mkdir(join(site.scratch, 'scratch'), { recursive: true });
  await site.writeScan('raw/p1/scan1.h5', 2);
  const config = join(root, 'config.yml');
  await writeFile(config, `sfapi:
  api_url: ${echo.url}/api/v1.2
  token_url: ${tokenThroughEcho ? `${echo.url}/c2id/token` : site.sim.tokenUrl}
  client_id: \${SFAPI_CLIENT_ID}
  private_key: \${SFAPI_PRIVATE_KEY}
  poll_first_seconds: 0.05
  poll_max_seconds: 0.2
beamlines:
  "8.3.2":
    path_prefix: /
${site.recon832()}`);
  const keyLines = site.key.privateKeyPem.split('\n').filter((l) => l !== '' && !l.startsWith('-----'));
  const needles = (): string[] => [...forms(...keyLines), ...echo.needles()];
  const args = ['recon', '--beamline', '8.3.2', '--config', config, '/raw/p1/scan1.h5'];
  const doors = async (): Promise<Door[]> => [
    await terminalDoor(args, site.env),
    await runnerDoor(args, site.env),
    await actionDoor('recon', { beamline: '8.3.2', 'file-paths': '/raw/p1/scan1.h5', config }, site.env),
  ];
  return { echo, needles, doors, site };
}

describe('NERSC SFAPI through a gateway that echoes the request', () => {
  it('the token endpoint refuses the client (the echo holds the signed client assertion): no key, assertion or token in any output', async () => {
    const s = await sfapiFacility(true);
    s.echo.echo({ method: 'POST', path: /c2id\/token/, status: 401, times: 10 });
    const doors = await s.doors();
    for (const d of doors) {
      const all = Object.values(d.outputs).join('\n');
      // a credential refusal is a config error: the CLI exits 2, the action fails the step
      expect(d.result.code, `${d.name}\n${all}`).toBe(d.name.endsWith('action') ? 1 : 2);
      expect(all, d.name).toMatch(/NERSC (refused the SFAPI client credentials|could not verify the client assertion|does not know the SFAPI client id)/);
      expect(all, d.name).toContain('request was:');
    }
    // Assertions were signed and sent: the scan looks for them.
    expect(s.echo.credentials().some((c) => c.startsWith('eyJ'))).toBe(true);
    expect(doors.flatMap((d) => scan(d.name, d.outputs, s.needles()))).toEqual([]);
    expect(s.site.sim.jobs()).toEqual([]);
  }, 60_000);

  it('the API refuses the submission after a 503 that is retried (the echo holds the bearer token): no output shows it', async () => {
    const s = await sfapiFacility(false);
    for (let i = 0; i < 3; i++) {
      s.echo.echo({ method: 'POST', path: /compute\/jobs\/perlmutter$/, status: 503, times: 1 });
      s.echo.echo({ method: 'POST', path: /compute\/jobs\/perlmutter$/, status: 403, times: 1 });
    }
    const doors = await s.doors();
    expect(s.echo.credentials().length).toBeGreaterThanOrEqual(3);
    expectSealed(doors, s.needles(), /NERSC SFAPI POST \/compute\/jobs\/perlmutter → 403/);
    expect(s.site.sim.jobs()).toEqual([]);
  }, 60_000);
});

// ----- Globus Compute (recon at ALCF) -----

async function computeFacility() {
  const clientId = unique('client');
  const secret = unique('compute-secret');
  const site = await alcfSite({ client: { id: clientId, secret } });
  closers.push(() => site.close());
  // Auth and Transfer through one echoing gateway (it harvests the tokens Auth issues, Compute's included),
  // Globus Compute through another.
  const globusEcho = await proxy(site.globus.url, 'globus');
  const computeEcho = await proxy(site.compute.url, 'compute');
  await site.writeScan('raw/p1/scan1.h5', 2);
  const config = await site.config({ globusUrl: globusEcho.url, computeUrl: computeEcho.url });
  const needles = (): string[] => [...forms(secret), b64(`${clientId}:${secret}`), ...globusEcho.needles(), ...computeEcho.needles()];
  const args = ['recon', '--beamline', '8.3.2', '--config', config, '/raw/p1/scan1.h5'];
  const doors = async (): Promise<Door[]> => [
    await terminalDoor(args, site.env),
    await runnerDoor(args, site.env),
    await actionDoor('recon', { beamline: '8.3.2', 'file-paths': '/raw/p1/scan1.h5', config }, site.env),
  ];
  return { site, computeEcho, globusEcho, needles, doors };
}

describe('Globus Compute through a gateway that echoes the request', () => {
  it('the submission is refused after a 503 that is retried (the echo holds the Compute token and the payload): no output shows a credential', async () => {
    const c = await computeFacility();
    for (let i = 0; i < 3; i++) {
      c.computeEcho.echo({ method: 'POST', path: /\/v3\/endpoints\/[^/]+\/submit$/, status: 503, times: 1 });
      c.computeEcho.echo({ method: 'POST', path: /\/v3\/endpoints\/[^/]+\/submit$/, status: 403, times: 1 });
    }
    const doors = await c.doors();
    // The Compute token was issued (through the Auth echo) and sent to the Compute gateway: the scan looks for it.
    expect(c.computeEcho.credentials().some((x) => x.startsWith('Bearer '))).toBe(true);
    expect(c.globusEcho.credentials().length).toBeGreaterThanOrEqual(3);
    expectSealed(doors, c.needles(), /Globus Compute POST \/v3\/endpoints\/[^/]+\/submit → 403/);
    expect(c.site.compute.tasks()).toEqual([]);
  }, 90_000);

  it('Auth refuses the client when the step asks for the Compute scope: nothing of the secret in any output', async () => {
    const c = await computeFacility();
    c.globusEcho.echo({ method: 'POST', path: /oauth2\/token/, status: 401, times: 10 });
    const doors = await c.doors();
    expectSealed(doors, c.needles(), /Globus Auth POST \/v2\/oauth2\/token → 401/);
  }, 90_000);
});
