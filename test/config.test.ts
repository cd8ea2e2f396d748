import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { SplashError } from '../src/errors.js';
import { loadConfig, MissingEnv, parseConfig, resolveEnv, type SplashConfig } from '../src/config/index.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const MINIMAL = readFileSync(fixture('minimal-config.yml'), 'utf8');
const LEGACY = readFileSync(fixture('legacy-config.yml'), 'utf8');

const parse = (text: string, env: NodeJS.ProcessEnv = {}): SplashConfig => parseConfig(text, 'config.yml', env);

/** The SplashError a parse throws (fails the test when it does not throw one). */
function errorOf(fn: () => unknown): SplashError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SplashError) return err;
    throw err;
  }
  throw new Error('expected a SplashError, nothing was thrown');
}
const parseError = (text: string, env: NodeJS.ProcessEnv = {}): SplashError => errorOf(() => parse(text, env));

/** The minimal layout with a block-style prune list, so after_days sits at line 14, column 21. */
const withPrune = (afterDays: string): string => `endpoints:
  beamline: { type: filesystem, root_path: /data/beamline }
  server:   { type: filesystem, root_path: /data/server }
  archive:  { type: filesystem, root_path: /data/archive }
beamlines:
  "8.3.2":
    path_prefix: /global
    move:
      - { from: beamline, to: server }
      - { from: server, to: archive }
    prune:
      - endpoint: beamline
        check: server
        after_days: ${afterDays}
`;

const oneBeamline = (body: string): string => `endpoints:
  a: { type: filesystem, root_path: /a }
  b: { type: filesystem, root_path: /b }
beamlines:
  "8.3.2":
${body}`;

describe('new layout', () => {
  test('loads the minimal filesystem config with defaults filled in', () => {
    const config = parse(MINIMAL);
    expect(config.source).toBe('config.yml');
    expect([...config.endpoints.values()]).toEqual([
      { type: 'filesystem', name: 'beamline', root_path: '/data/beamline' },
      { type: 'filesystem', name: 'server', root_path: '/data/server' },
      { type: 'filesystem', name: 'archive', root_path: '/data/archive' },
    ]);
    expect(config.beamlines.get('8.3.2')).toEqual({
      id: '8.3.2',
      path_prefix: '/global',
      move: [
        { from: 'beamline', to: 'server', skip_export_controlled: false },
        { from: 'server', to: 'archive', skip_export_controlled: false },
      ],
      prune: [
        { endpoint: 'beamline', after_days: 1, check: 'server', verify: 'checksum' },
        { endpoint: 'server', after_days: 35, check: 'archive', verify: 'checksum' },
      ],
      runner_labels: [],
    });
    expect(config.globusApps.size).toBe(0);
    expect(config.images.size).toBe(0);
    expect(config.scicat).toBeUndefined();
  });

  test('loadConfig reads a file and keeps its path as the source', async () => {
    const config = await loadConfig(fixture('minimal-config.yml'), {});
    expect(config.source).toBe(fixture('minimal-config.yml'));
    expect([...config.beamlines.keys()]).toEqual(['8.3.2']);
  });

  test('globus and hpss endpoints: name becomes display_name, key becomes name', () => {
    const config = parse(`endpoints:
  nersc: { type: globus, root_path: /global/cfs/, uuid: d40248e6-d874-4f7b-badd-2c06c16f1a58, uri: nersc.gov, name: NERSC DTN }
  tape: { type: hpss, root_path: /home/a/alsdev, uri: nersc.gov }
`);
    expect(config.endpoints.get('nersc')).toEqual({
      type: 'globus',
      name: 'nersc',
      root_path: '/global/cfs',
      uuid: 'd40248e6-d874-4f7b-badd-2c06c16f1a58',
      uri: 'nersc.gov',
      display_name: 'NERSC DTN',
    });
    expect(config.endpoints.get('tape')).toEqual({ type: 'hpss', name: 'tape', root_path: '/home/a/alsdev', uri: 'nersc.gov', hsi: 'hsi', htar: 'htar' });
  });

  test('root_path is normalised: doubled and trailing slashes, "." segments', () => {
    const config = parse(`endpoints:
  a: { type: filesystem, root_path: "/data//beamline/./raw/" }
  root: { type: filesystem, root_path: "/" }
`);
    expect(config.endpoints.get('a')?.root_path).toBe('/data/beamline/raw');
    expect(config.endpoints.get('root')?.root_path).toBe('/');
  });

  test('unquoted numeric beamline ids become strings as written; options are read', () => {
    const config = parse(`endpoints:
  a: { type: filesystem, root_path: /a }
  b: { type: filesystem, root_path: /b }
beamlines:
  7.3:
    runner_labels: [self-hosted, bl73]
    move: [{ from: a, to: b, skip_export_controlled: true }]
    prune: [{ endpoint: a, after_days: 0.5, check: b, verify: hash }]
  7.0.1.2: {}
`);
    expect([...config.beamlines.keys()]).toEqual(['7.3', '7.0.1.2']);
    const bl = config.beamlines.get('7.3');
    expect(bl?.runner_labels).toEqual(['self-hosted', 'bl73']);
    expect(bl?.move[0]?.skip_export_controlled).toBe(true);
    expect(bl?.prune[0]).toEqual({ endpoint: 'a', after_days: 0.5, check: 'b', verify: 'hash' });
    expect(config.beamlines.get('7.0.1.2')).toEqual({ id: '7.0.1.2', path_prefix: undefined, move: [], prune: [], runner_labels: [] });
  });

  test('anchors and aliases can share settings between beamlines', () => {
    const config = parse(oneBeamline(`    prune: &rules [{ endpoint: a, after_days: 3, check: b }]
  "7.3.3":
    prune: *rules
`));
    expect(config.beamlines.get('7.3.3')?.prune).toEqual(config.beamlines.get('8.3.2')?.prune);
  });

  test('locate gives line:col of a value and falls back to the nearest parent', () => {
    const config = parse(MINIMAL);
    expect(config.locate(['beamlines', '8.3.2', 'prune', 1, 'after_days'])).toBe('config.yml:13:41');
    expect(config.locate(['beamlines', '8.3.2', 'prune', 1, 'verify'])).toBe('config.yml:13:9');
    expect(config.locate(['nothing', 'here'])).toBe('config.yml:1:1');
  });
});

describe('error lines', () => {
  test('after_days: ten gives the exact documented line', () => {
    const err = parseError(withPrune('ten'));
    expect(err.kind).toBe('config');
    expect(err.message).toBe('config.yml:14:21 beamlines.8.3.2.prune[0].after_days: expected a number >= 0, got "ten"');
    expect(err.hint).toContain('docs/config.md');
  });

  test('flow style points at the value inside the braces; negatives are refused', () => {
    expect(parseError(MINIMAL.replace('after_days: 1,', 'after_days: ten,')).message).toBe(
      'config.yml:12:43 beamlines.8.3.2.prune[0].after_days: expected a number >= 0, got "ten"',
    );
    expect(parseError(withPrune('-2')).message).toBe(
      'config.yml:14:21 beamlines.8.3.2.prune[0].after_days: expected a number >= 0, got -2',
    );
  });

  test('an unknown key is reported at the key, with the accepted keys', () => {
    const err = parseError(MINIMAL.replace('after_days: 1,', 'after_dayz: 1,'));
    expect(err.message).toContain(
      'config.yml:12:31 beamlines.8.3.2.prune[0].after_dayz: unknown key "after_dayz"; expected one of endpoint, after_days, check, verify',
    );
  });

  test('an unknown top-level key lists the accepted sections', () => {
    expect(parseError(`${MINIMAL}endpoint:\n  x: 1\n`).message).toBe(
      'config.yml:14:1 endpoint: unknown key "endpoint"; expected one of endpoints, beamlines, globus, scicat, github, sfapi, prefect, ' +
        'hpss_<name>, harbor_images<suffix>, ghcr_images<suffix>',
    );
  });

  test('a reference to an undefined endpoint lists the defined ones', () => {
    expect(parseError(MINIMAL.replace('to: archive', 'to: archiv')).message).toBe(
      'config.yml:10:29 beamlines.8.3.2.move[1].to: expected one of the defined endpoints (archive, beamline, server), got "archiv"',
    );
    expect(parseError(MINIMAL.replace('check: archive', 'check: tape')).message).toContain(
      'beamlines.8.3.2.prune[1].check: expected one of the defined endpoints (archive, beamline, server), got "tape"',
    );
  });

  test('a hop to itself and a prune checked against itself are refused', () => {
    const err = parseError(oneBeamline(`    move: [{ from: a, to: a }]
    prune: [{ endpoint: b, after_days: 1, check: b }]
`));
    expect(err.message).toBe(
      'config.yml has 2 errors:\n' +
        'config.yml:6:27 beamlines.8.3.2.move[0].to: expected an endpoint other than from ("a"), got "a"\n' +
        'config.yml:7:50 beamlines.8.3.2.prune[0].check: expected an endpoint other than the one pruned ("b"), got "b"',
    );
  });

  test('beamline ids must be digits separated by dots; the error points at the key', () => {
    const err = parseError('beamlines:\n  bl832: {}\n  "8": {}\n  8.3.2a: {}\n');
    expect(err.message.split('\n').slice(1)).toEqual([
      'config.yml:2:3 beamlines.bl832: expected a beamline id of digits separated by dots, like "8.3.2", got "bl832"',
      'config.yml:3:3 beamlines.8: expected a beamline id of digits separated by dots, like "8.3.2", got "8"',
      'config.yml:4:3 beamlines.8.3.2a: expected a beamline id of digits separated by dots, like "8.3.2", got "8.3.2a"',
    ]);
  });

  test('a globus uuid must be a UUID', () => {
    expect(parseError('endpoints:\n  g: { type: globus, root_path: /, uuid: 44ae904c-ab64 }\n').message).toBe(
      'config.yml:2:42 endpoints.g.uuid: expected a UUID like 44ae904c-ab64-4145-a8f0-7287de38324d, got "44ae904c-ab64"',
    );
  });

  test('root_path must be absolute, without "..", without control characters', () => {
    const err = parseError(`endpoints:
  rel: { type: filesystem, root_path: data/server }
  up: { type: filesystem, root_path: /data/../etc }
  ctl: { type: filesystem, root_path: "/data\\tx" }
`);
    expect(err.message.split('\n').slice(1)).toEqual([
      'config.yml:2:39 endpoints.rel.root_path: expected an absolute path (starting with /), got "data/server"',
      'config.yml:3:38 endpoints.up.root_path: expected an absolute path without ".." segments, got "/data/../etc"',
      'config.yml:4:39 endpoints.ctl.root_path: expected an absolute path without control characters, got "/data\\tx"',
    ]);
  });

  test('endpoint type: unknown, missing, or not a mapping at all', () => {
    const err = parseError('endpoints:\n  a: { type: s3, root_path: /a }\n  b: { root_path: /b }\n  c: /c\n');
    expect(err.message.split('\n').slice(1)).toEqual([
      'config.yml:2:14 endpoints.a.type: expected one of "filesystem", "globus", "hpss", got "s3"',
      'config.yml:3:6 endpoints.b.type: expected one of "filesystem", "globus", "hpss", got nothing (the key is missing)',
      'config.yml:4:6 endpoints.c: expected an endpoint (a mapping with type: filesystem, globus or hpss, and root_path), got "/c"',
    ]);
  });

  test('a missing required key points at its mapping; a bad enum lists the choices', () => {
    const err = parseError(oneBeamline(`    move: [{ from: a }]
    prune: [{ endpoint: a, after_days: 1, check: b, verify: md5 }]
`));
    expect(err.message.split('\n').slice(1)).toEqual([
      'config.yml:6:12 beamlines.8.3.2.move[0].to: expected an endpoint name, got nothing (the key is missing)',
      'config.yml:7:61 beamlines.8.3.2.prune[0].verify: expected one of "checksum", "hash", "size", got "md5"',
    ]);
  });

  test('several errors are reported at once, one line each, sorted by position', () => {
    const text = withPrune('ten')
      .replace('root_path: /data/server', 'root_path: data/server')
      .replace('to: archive', 'to: archiv')
      .replace('path_prefix: /global', 'path_prefix: /global\n    runner_label: [x]');
    const lines = parseError(text).message.split('\n');
    expect(lines).toEqual([
      'config.yml has 4 errors:',
      'config.yml:3:44 endpoints.server.root_path: expected an absolute path (starting with /), got "data/server"',
      'config.yml:8:5 beamlines.8.3.2.runner_label: unknown key "runner_label"; expected one of path_prefix, move, prune, runner_labels, watch, ingest, archive, recon',
      'config.yml:11:29 beamlines.8.3.2.move[1].to: expected one of the defined endpoints (archive, beamline, server), got "archiv"',
      'config.yml:15:21 beamlines.8.3.2.prune[0].after_days: expected a number >= 0, got "ten"',
    ]);
  });
});

describe('values shown in errors', () => {
  test('invisible characters (bidi overrides, C1 controls) are escaped, never printed raw', () => {
    const text = 'endpoints:\n  a: { type: filesystem, root_path: "/data/\u202etxt.exe" }\n  b: { type: filesystem, root_path: "/data/\u0085x/ y" }\n';
    let message = '';
    try {
      parseConfig(text, 'config.yml', {});
    } catch (err) {
      message = (err as SplashError).message;
    }
    expect(message).toContain('\\u202e');
    expect(message).not.toMatch(/[\u202e\u0085]/);
  });

  test('credential values from the environment are masked in load errors', () => {
    const text = 'globus:\n  globus_apps:\n    - { client_id: "${CID}", client_secret: "${SEC}" }\n';
    expect(() => parseConfig(text, 'config.yml', { CID: 'the-id', SEC: 'TOPSECRET' })).toThrow(/"client_secret":"\*\*\*"/);
    try {
      parseConfig(text, 'config.yml', { CID: 'the-id', SEC: 'TOPSECRET' });
    } catch (err) {
      expect((err as SplashError).message).not.toContain('TOPSECRET');
    }
  });
});

describe('YAML problems', () => {
  test('a syntax error carries the parser position', () => {
    const err = parseError('endpoints:\n  a: { type: filesystem, root_path: /a\nbeamlines: {}\n');
    expect(err.kind).toBe('config');
    expect(err.message).toMatch(/^config\.yml:\d+:\d+ invalid YAML: /);
    expect(err.hint).toContain('YAML');
  });

  test('an unquoted ${VAR} in a flow mapping is one error at the reference that says to quote it, not a cascade', () => {
    expect(parseError('endpoints: { a: { type: filesystem, root_path: ${DATA} } }\n', { DATA: '/data' }).message).toBe(
      'config.yml:1:48 invalid YAML: ${DATA} inside { … } or [ … ] must be quoted, or YAML reads its braces as a mapping: write "${DATA}"',
    );
    // In the shipped config (a flow mapping early on, block values with ${VAR} after it): still one line.
    const shipped = readFileSync(fileURLToPath(new URL('../config.yml', import.meta.url)), 'utf8');
    const line = 'data832-mount: { type: filesystem, root_path: /data }';
    expect(shipped).toContain(line);
    const broken = shipped.replace(line, line.replace('/data', '/mnt/${SUB}/data'));
    const row = broken.slice(0, broken.indexOf('${SUB}')).split('\n').length;
    const col = broken.indexOf('${SUB}') - broken.lastIndexOf('\n', broken.indexOf('${SUB}'));
    const err = parseError(broken, { SUB: 'x' });
    expect(err.message).toBe(
      `config.yml:${String(row)}:${String(col)} invalid YAML: \${SUB} inside { … } or [ … ] must be quoted, or YAML reads its braces as a mapping: write "/mnt/\${SUB}/data"`,
    );
    expect(err.hint).toContain('{ root_path: "${DATA}" }');
    // Quoted, it loads and expands.
    expect(parse('endpoints: { a: { type: filesystem, root_path: "${DATA}" } }\n', { DATA: '/data' }).endpoints.get('a')).toMatchObject({ root_path: '/data' });
  });

  test('references in flow lists are each named; other YAML errors are still reported, at their own position', () => {
    const err = parseError('endpoints: {}\nbeamlines: {}\nx: [${A}, "${B}", ${C}]\ny: [\n');
    const lines = err.message.split('\n');
    expect(lines[0]).toBe('config.yml has 3 errors:');
    expect(lines[1]).toBe('config.yml:3:5 invalid YAML: ${A} inside { … } or [ … ] must be quoted, or YAML reads its braces as a mapping: write "${A}"');
    expect(lines[2]).toBe('config.yml:3:19 invalid YAML: ${C} inside { … } or [ … ] must be quoted, or YAML reads its braces as a mapping: write "${C}"');
    expect(lines[3]).toMatch(/^config\.yml:5:1 invalid YAML: /);
  });

  test('a repeated key is an error at the second occurrence, not a silent overwrite', () => {
    expect(parseError('endpoints:\n  a: { type: filesystem, root_path: /a }\n  a: { type: filesystem, root_path: /b }\n').message).toBe(
      'config.yml:3:3 endpoints.a: expected each key once in a mapping, got "a" again',
    );
  });

  test('an empty file, or one that is not a mapping, is an error', () => {
    expect(parseError('# nothing yet\n').message).toBe('config.yml is empty; expected sections such as endpoints: and beamlines:');
    expect(parseError('').kind).toBe('config');
    expect(parseError('- endpoints\n').message).toMatch(/^config\.yml:1:1 \(top level\): expected a mapping of sections/);
  });

  test('an alias to an undefined anchor is reported once; several documents are refused', () => {
    expect(parseError('endpoints:\n  a: *nowhere\n').message).toBe(
      'config.yml:2:6 endpoints.a: expected an alias to a defined anchor, got *nowhere',
    );
    expect(parseError('endpoints: {}\n---\nbeamlines: {}\n').message).toMatch(/^config\.yml:2:1 invalid YAML: .*multiple documents/);
  });

  test('a missing file names the file and says how to point at one', async () => {
    const err = await loadConfig('/nonexistent/splash/config.yml', {}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SplashError);
    expect((err as SplashError).kind).toBe('config');
    expect((err as SplashError).message).toContain('/nonexistent/splash/config.yml');
    expect((err as SplashError).hint).toContain('--config');
  });
});

describe('environment variables', () => {
  test('${VAR} is replaced in any value; $${ is a literal ${', () => {
    const config = parse('endpoints:\n  a: { type: filesystem, root_path: "${DATA_ROOT}/beamline" }\nscicat:\n  url: "$${HOST}/api"\n', {
      DATA_ROOT: '/data',
    });
    expect(config.endpoints.get('a')?.root_path).toBe('/data/beamline');
    expect(config.scicat).toEqual({ url: '${HOST}/api' });
  });

  test('an unset variable in root_path fails at load, naming variable, key path and position', () => {
    const err = parseError('endpoints:\n  a: { type: filesystem, root_path: "${DATA_ROOT}/beamline" }\n');
    expect(err.message).toBe(
      'config.yml:2:37 endpoints.a.root_path: expected environment variable DATA_ROOT to be set, got "${DATA_ROOT}/beamline"',
    );
    expect(err.hint).toContain('environment variables');
  });

  test('an empty variable counts as unset (GitHub expands a missing secret to "")', () => {
    expect(parseError('endpoints:\n  a: { type: filesystem, root_path: "${ROOT}" }\n', { ROOT: '' }).message).toContain(
      'expected environment variable ROOT to be set',
    );
  });

  test('a malformed ${...} reference is an error, not literal text', () => {
    expect(parseError('scicat:\n  url: "${SCICAT URL}"\n').message).toBe(
      'config.yml:2:8 scicat.url: expected ${NAME} references with NAME of letters, digits and _ (write $${ for a literal ${), got "${SCICAT URL}"',
    );
  });

  test('an unset credential is deferred; resolving it throws with the position', () => {
    const config = parseConfig(LEGACY, 'config.yml', {});
    const app = config.globusApps.get('als_transfer');
    expect(app?.client_secret).toBeInstanceOf(MissingEnv);
    const secret = app?.client_secret as MissingEnv;
    expect(secret.variables).toEqual(['GLOBUS_CLIENT_SECRET']);
    expect(secret.keyPath).toBe('globus.globus_apps.als_transfer.client_secret');
    expect(secret.location).toBe('config.yml:144:22');
    const err = errorOf(() => resolveEnv(secret, { secret: true, mask: () => undefined }));
    expect(err.kind).toBe('config');
    expect(err.message).toBe(
      'config.yml:144:22 globus.globus_apps.als_transfer.client_secret: environment variable GLOBUS_CLIENT_SECRET is not set',
    );
    expect(err.hint).toContain('GLOBUS_CLIENT_SECRET');
  });

  test('resolveEnv returns a set value and masks it only when it is a secret', () => {
    const masked: string[] = [];
    const mask = (s: string): void => {
      masked.push(s);
    };
    expect(resolveEnv('s3cr3t', { secret: true, mask })).toBe('s3cr3t');
    expect(resolveEnv('client-id', { secret: false, mask })).toBe('client-id');
    expect(masked).toEqual(['s3cr3t']);
  });

  test('a credential defers when any of its variables is unset, listing only those', () => {
    const config = parse('scicat:\n  token: "${TOKEN_A}-${TOKEN_B}"\n', { TOKEN_A: 'a' });
    const token = config.scicat?.token as MissingEnv;
    expect(token.variables).toEqual(['TOKEN_B']);
    expect(errorOf(() => resolveEnv(token, { secret: true, mask: () => undefined })).message).toBe(
      'config.yml:2:10 scicat.token: environment variable TOKEN_B is not set',
    );
  });

  test('credential-named keys anywhere are deferred; prefect is never expanded', () => {
    const config = parse('scicat:\n  username: ${SCICAT_USER}\n  password: ${SCICAT_PASSWORD}\nprefect:\n  api_key: ${PREFECT_KEY}\n');
    expect(config.scicat?.username).toBeInstanceOf(MissingEnv);
    expect((config.scicat?.password as MissingEnv).variables).toEqual(['SCICAT_PASSWORD']);
  });
});

describe('legacy layout (the original config.yml)', () => {
  test('loads unchanged: globus endpoints, hpss_*, images, scicat', () => {
    const config = parseConfig(LEGACY, 'config.yml', {});
    expect(config.endpoints.size).toBe(23);
    expect(config.endpoints.get('spot832')).toEqual({
      type: 'globus',
      name: 'spot832',
      root_path: '/',
      uuid: '44ae904c-ab64-4145-a8f0-7287de38324d',
      uri: 'spot832.lbl.gov',
      display_name: 'spot832',
    });
    expect(config.endpoints.get('data832')?.root_path).toBe('/data');
    expect(config.endpoints.get('bl733-nersc-alsdev')?.root_path).toBe('/global/cfs/cdirs/als/data_mover/7.3.3');
    expect(config.endpoints.get('alcf_home832')?.root_path).toBe('/'); // `/ #alcf /home/username`: a comment
    expect(config.endpoints.get('alcf832_raw')).toMatchObject({ type: 'globus', display_name: 'alcf_raw' });
    expect(config.endpoints.get('hpss_alsdev')).toEqual({
      type: 'hpss',
      name: 'hpss_alsdev',
      root_path: '/home/a/alsdev/data_mover',
      uri: 'nersc.gov',
      hsi: 'hsi',
      htar: 'htar',
    });
    expect([...config.images.keys()]).toEqual(['harbor_images832', 'ghcr_images832']);
    expect(config.images.get('ghcr_images832')).toEqual({
      recon_image: 'ghcr.io/als-computing/microct:master',
      multires_image: 'ghcr.io/als-computing/microct:master',
    });
    expect(config.scicat).toEqual({ jobs_api_url: 'https://dataportal.als.lbl.gov/api/ingest/jobs' });
    expect(config.beamlines.size).toBe(0);
  });

  test('the globus app resolves from the environment, and its secret is masked', () => {
    const env = { GLOBUS_CLIENT_ID: 'the-id', GLOBUS_CLIENT_SECRET: 'the-secret' };
    const app = parseConfig(LEGACY, 'config.yml', env).globusApps.get('als_transfer');
    expect(app).toEqual({ client_id: 'the-id', client_secret: 'the-secret' });
    const masked: string[] = [];
    const mask = (s: string): void => {
      masked.push(s);
    };
    expect(app && resolveEnv(app.client_secret, { secret: true, mask })).toBe('the-secret');
    expect(masked).toEqual(['the-secret']);
  });

  const REFERENCE = fileURLToPath(new URL('../../shared/reference/splash_flows-config.yml', import.meta.url));
  test.skipIf(!existsSync(REFERENCE))('the fixture is the reference file plus one hpss_alsdev section', () => {
    const reference = readFileSync(REFERENCE, 'utf8');
    expect(LEGACY.startsWith(reference)).toBe(true);
    expect(LEGACY.slice(reference.length)).toMatch(/^\s*hpss_alsdev:\n/);
  });

  test('both layouts mix: new beamlines may use legacy endpoints', () => {
    const config = parseConfig(
      `${LEGACY}
endpoints:
  local: { type: filesystem, root_path: /data/local }
beamlines:
  "8.3.2":
    move: [{ from: spot832, to: data832 }, { from: data832, to: nersc832 }]
    prune: [{ endpoint: local, after_days: 7, check: hpss_alsdev }]
`,
      'config.yml',
      {},
    );
    expect(config.endpoints.size).toBe(24);
    expect(config.beamlines.get('8.3.2')?.move.map((hop) => hop.to)).toEqual(['data832', 'nersc832']);
  });

  test('the same endpoint name in both layouts is an error naming both places', () => {
    const err = errorOf(() =>
      parseConfig(`${LEGACY}\nendpoints:\n  spot832: { type: filesystem, root_path: /x }\n`, 'config.yml', {}),
    );
    expect(err.message).toBe(
      'config.yml:168:3 endpoints.spot832: expected each endpoint name once, got "spot832" again ' +
        '(first defined at config.yml:51:5 globus.globus_endpoints.spot832)',
    );
  });

  test('legacy endpoints are checked too: uuid and unknown keys', () => {
    const err = errorOf(() =>
      parseConfig(LEGACY.replace('uuid: 44ae904c-ab64-4145-a8f0-7287de38324d', 'uuid: spot').replace('name: data832\n', 'nme: data832\n'), 'config.yml', {}),
    );
    const lines = err.message.split('\n');
    expect(lines[0]).toBe('config.yml has 2 errors:');
    expect(lines[1]).toMatch(/^config\.yml:54:13 globus\.globus_endpoints\.spot832\.uuid: expected a UUID like .*, got "spot"$/);
    expect(lines[2]).toMatch(/^config\.yml:61:7 globus\.globus_endpoints\.data832\.nme: unknown key "nme"; expected one of root_path, uri, uuid, name$/);
  });
});

describe('github: and watch: (the file watcher and dispatch)', () => {
  const github = (body: string): string => `${MINIMAL}github:\n${body}`;

  test('github: repository and defaults; no section means undefined', () => {
    expect(parse(MINIMAL).github).toBeUndefined();
    expect(parse(github('  repository: als-computing/splash-flows-ts\n')).github).toEqual({
      repository: 'als-computing/splash-flows-ts',
      owner: 'als-computing',
      repo: 'splash-flows-ts',
      apiUrl: 'https://api.github.com',
      tokenEnv: 'GITHUB_TOKEN',
      app: undefined,
      timeoutSeconds: 30,
      retryFirstSeconds: 1,
      retryMaxSeconds: 300,
      maxRetries: 5,
    });
    const custom = parse(github('  repository: a/b\n  api_url: http://127.0.0.1:8080/\n  token_env: SPLASH_TOKEN\n  retry_max_seconds: 0.5\n'));
    expect(custom.github).toMatchObject({ apiUrl: 'http://127.0.0.1:8080', tokenEnv: 'SPLASH_TOKEN', retryMaxSeconds: 0.5 });
  });

  test('github: mistakes are reported with their position', () => {
    expect(parseError(github('  repository: just-a-name\n')).message).toMatch(/github\.repository: expected owner\/name of the repository/);
    expect(parseError(github('  repository: a/b\n  tokn_env: X\n')).message).toMatch(/github\.tokn_env: unknown key "tokn_env"; expected one of repository, api_url, token_env, app/);
    expect(parseError(github('  repository: a/b\n  token_env: not a name\n')).message).toMatch(/github\.token_env: expected an environment variable name/);
    expect(parseError(github('  repository: a/b\n  app: { client_id: Iv23x }\n')).message).toMatch(
      /github\.app: expected exactly one of private_key or private_key_path, got neither/,
    );
    expect(parseError(github('  repository: a/b\n  token_env: T\n  app: { client_id: Iv23x, private_key_path: /k.pem }\n')).message).toMatch(
      /github\.token_env: expected either token_env or app, got both/,
    );
  });

  test('github.app credentials are deferred until used; a numeric App ID is read as text', () => {
    const text = github('  repository: a/b\n  app:\n    client_id: ${GH_APP_ID}\n    private_key: ${GH_APP_KEY}\n    installation_id: 42\n');
    const deferred = parse(text, {}).github?.app;
    expect(deferred?.client_id).toBeInstanceOf(MissingEnv);
    expect(deferred?.private_key).toBeInstanceOf(MissingEnv);
    expect(deferred?.installation_id).toBe(42);
    const set = parse(text, { GH_APP_ID: 'Iv23abc', GH_APP_KEY: '-----BEGIN RSA PRIVATE KEY-----' }).github?.app;
    expect(set?.client_id).toBe('Iv23abc');
    expect(parse(github('  repository: a/b\n  app: { client_id: 123456, private_key_path: /etc/splash/app.pem }\n')).github?.app?.client_id).toBe('123456');
  });

  test('watch: defaults fill what is not written; absent means the beamline uses the defaults', () => {
    expect(parse(MINIMAL).beamlines.get('8.3.2')?.watch).toBeUndefined();
    const config = parse(MINIMAL.replace(/( {4}path_prefix: \/global[^\n]*\n)/, '$1    watch:\n      patterns: ["*.h5"]\n      stable_seconds: 5\n'));
    expect(config.beamlines.get('8.3.2')?.watch).toEqual({
      event_type: 'new_file_832',
      patterns: ['*.h5'],
      ignore: [],
      stable_seconds: 5,
      batch_seconds: 1,
      rescan_seconds: 30,
    });
  });

  test('watch: mistakes (bad glob, event type, windows) are config errors', () => {
    const withWatch = (lines: string): string => MINIMAL.replace(/( {4}path_prefix: \/global[^\n]*\n)/, `$1    watch:\n${lines}`);
    const err = parseError(withWatch('      patterns: ["[abc"]\n      event_type: "new file"\n      stable_seconds: 0\n      batch_seconds: -1\n      every: 3\n'));
    const text = err.message;
    expect(text).toMatch(/beamlines\.8\.3\.2\.watch\.patterns\[0\]: expected a valid glob pattern \(an unclosed "\[" at position 1\)/);
    expect(text).toMatch(/watch\.event_type: expected an event type of up to 100 letters/);
    expect(text).toMatch(/watch\.stable_seconds: expected a number of seconds > 0, got 0/);
    expect(text).toMatch(/watch\.batch_seconds: expected a number of seconds >= 0, got -1/);
    expect(text).toMatch(/watch\.every: unknown key "every"; expected one of event_type, patterns, ignore, stable_seconds, batch_seconds, rescan_seconds/);
  });

  test('the shipped config.yml has the github section and watch settings for 8.3.2 and 7.3.3', async () => {
    const config = await loadConfig(fileURLToPath(new URL('../config.yml', import.meta.url)), {});
    expect(config.github?.repository).toMatch(/^als-computing\//);
    expect(config.beamlines.get('8.3.2')?.watch?.event_type).toBe('new_file_832');
    expect(config.beamlines.get('7.3.3')?.watch?.event_type).toBe('new_file_733');
  });
});

describe('archive settings (splash hpss)', () => {
  const withTape = (archive: string, tape = '  tape: { type: hpss, root_path: /home/a/alsdev/data_mover, ssh: { host: dtn01.nersc.gov, user: alsdev, key_path: "${HPSS_KEY}" } }\n') =>
    `endpoints:
  cfs: { type: filesystem, root_path: /global/cfs/cdirs/als/data_mover/8.3.2 }
${tape}beamlines:
  "8.3.2":
    archive: ${archive}
`;

  test('defaults: proposals under raw, cycles in California time, 2 TiB bundles; the key stays deferred', () => {
    const config = parse(withTape('{ from: cfs, to: tape }'));
    expect(config.beamlines.get('8.3.2')?.archive).toEqual({
      from: 'cfs',
      to: 'tape',
      proposals: 'raw',
      time_zone: 'America/Los_Angeles',
      bundle_max_bytes: 2 * 1024 ** 4,
      verify: 'listing',
      restore_to: undefined,
    });
    const tape = config.endpoints.get('tape');
    expect(tape).toMatchObject({ type: 'hpss', hsi: 'hsi', htar: 'htar', ssh: { host: 'dtn01.nersc.gov', user: 'alsdev', port: 22, connect_timeout_seconds: 30 } });
    expect(tape?.type === 'hpss' && tape.ssh?.key_path).toBeInstanceOf(MissingEnv);
    expect(parse(withTape('{ from: cfs, to: tape }'), { HPSS_KEY: '/home/runner/.ssh/nersc' }).endpoints.get('tape')).toMatchObject({
      ssh: { key_path: '/home/runner/.ssh/nersc' },
    });
  });

  test('names what is wrong: a non-hpss target, a made-up time zone, a hostile host or command', () => {
    const err = parseError(
      withTape(
        '{ from: cfs, to: cfs, time_zone: Mars/Olympus, proposals: ../x, bundle_max_gib: 0 }',
        '  tape: { type: hpss, root_path: /h, hsi: "hsi; rm -rf /", ssh: { host: "-oProxyCommand=x", key_path: relative } }\n',
      ),
    );
    expect(err.message.split('\n').slice(1)).toEqual([
      'config.yml:3:43 endpoints.tape.hsi: expected a command name like hsi, or an absolute path (letters, digits, ".", "_", "+", "-", "/"), got "hsi; rm -rf /"',
      'config.yml:3:73 endpoints.tape.ssh.host: expected a host name or address like dtn01.nersc.gov, got "-oProxyCommand=x"',
      'config.yml:3:103 endpoints.tape.ssh.key_path: expected an absolute path to the private key file, or ${ENV_VAR}, got "relative"',
      'config.yml:6:31 beamlines.8.3.2.archive.to: expected an hpss endpoint other than from ("cfs"), got "cfs"',
      'config.yml:6:47 beamlines.8.3.2.archive.time_zone: expected a time zone like America/Los_Angeles (an IANA name), got "Mars/Olympus"',
      'config.yml:6:72 beamlines.8.3.2.archive.proposals: expected a relative folder without "." or ".." segments, got "../x"',
      'config.yml:6:94 beamlines.8.3.2.archive.bundle_max_gib: expected a number of GiB > 0, got 0',
    ]);
    const notHpss = parseError(withTape('{ from: tape, to: cfs }'));
    expect(notHpss.message).toMatch(/archive\.to: expected an hpss endpoint \(type: hpss, or a hpss_<name> section\), got "cfs"/);
  });

  test('the legacy hpss_<name> section takes the same transport settings', () => {
    const config = parse(`hpss_alsdev:
  root_path: /home/a/alsdev/data_mover
  uri: nersc.gov
  name: hpss_alsdev
  hsi: /usr/common/mss/bin/hsi
  ssh: { host: dtn01.nersc.gov, key_path: /etc/splash/nersc_key, known_hosts: /etc/splash/known_hosts }
`);
    expect(config.endpoints.get('hpss_alsdev')).toMatchObject({ hsi: '/usr/common/mss/bin/hsi', htar: 'htar', ssh: { known_hosts: '/etc/splash/known_hosts', user: undefined } });
    // ssh splits known_hosts on spaces and expands % tokens in both files.
    const err = parseError('hpss_x:\n  root_path: /h\n  ssh: { host: h, key_path: "/keys/%u", known_hosts: "/etc/my hosts" }\n');
    expect(err.message).toMatch(/hpss_x\.ssh\.key_path: expected an absolute path to the private key file, or \$\{ENV_VAR\}|key_path: expected an absolute path to the private key file without spaces or "%"/);
    expect(err.message).toMatch(/hpss_x\.ssh\.known_hosts: expected an absolute path to a known_hosts file without spaces or "%"/);
  });
});
