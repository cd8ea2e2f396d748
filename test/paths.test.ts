import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SplashError } from '../src/errors.js';
import {
  gatePath,
  gateRootPath,
  joinInside,
  relPathUnder,
  resolveInside,
  showValue,
  type GateOptions,
  type RelPath,
} from '../src/paths.js';

/** Characters that must never reach a log raw: C0, DEL, C1, bidi controls, line separators, BOM, lone surrogates. */
function rawUnsafeChar(s: string): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const unsafe =
      c <= 0x1f ||
      (c >= 0x7f && c <= 0x9f) ||
      (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2066 && c <= 0x2069) ||
      c === 0x2028 ||
      c === 0x2029 ||
      c === 0xfeff;
    if (unsafe) return `U+${c.toString(16).padStart(4, '0')} at ${i}`;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return `lone surrogate at ${i}`;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return `lone surrogate at ${i}`;
  }
  return undefined;
}

function catchPathError(fn: () => unknown): SplashError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SplashError) {
      expect(err.kind).toBe('path');
      return err;
    }
    throw err;
  }
  throw new Error('expected a SplashError, nothing was thrown');
}

async function rejectsPath(promise: Promise<unknown>, fragment: string): Promise<SplashError> {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof SplashError)) throw err;
    expect(err.kind).toBe('path');
    expect(err.message).toContain(fragment);
    return err;
  }
  throw new Error(`expected a path error containing ${JSON.stringify(fragment)}, it resolved`);
}

const FIELD = 'file-paths[2]';
const PREFIX = '/global';

interface Hostile {
  readonly label: string;
  readonly input: unknown;
  /** Use the beamline prefix for this case (otherwise no prefix). */
  readonly prefixed?: boolean;
  /** A word the message must contain, so it says WHAT was wrong. */
  readonly says: string;
}

const HOSTILE: readonly Hostile[] = [
  // Not a string
  { label: 'number', input: 42, says: 'must be a string' },
  { label: 'null', input: null, says: 'must be a string' },
  { label: 'undefined', input: undefined, says: 'must be a string' },
  { label: 'object', input: { path: 'raw/a' }, says: 'must be a string' },
  { label: 'array', input: ['raw/a'], says: 'must be a string' },
  { label: 'boolean', input: true, says: 'must be a string' },
  // Empty
  { label: 'empty', input: '', says: 'empty' },
  { label: 'whitespace only', input: '   ', says: 'empty' },
  { label: 'only dot', input: '.', says: 'names no file' },
  { label: 'only dots and slashes', input: './././', says: 'names no file' },
  // Control characters
  { label: 'NUL', input: 'raw/a\0.h5', says: 'control characters' },
  { label: 'NUL at end', input: 'raw/a.h5\0', says: 'control characters' },
  { label: 'newline', input: 'raw/a\n::error::forged', says: 'control characters' },
  { label: 'carriage return', input: 'raw/a\rb', says: 'control characters' },
  { label: 'tab', input: 'raw/a\tb', says: 'control characters' },
  { label: 'ANSI escape', input: 'raw/\u001b[31mred.h5', says: 'control characters' },
  { label: 'SOH', input: '\u0001raw', says: 'control characters' },
  { label: 'DEL', input: 'raw/a\u007fb', says: 'control characters' },
  { label: 'C1 NEL', input: 'raw/a\u0085b', says: 'control characters' },
  { label: 'C1 CSI', input: 'raw/a\u009b31m', says: 'control characters' },
  // Invisible / bidi / invalid Unicode
  { label: 'RLO override', input: 'raw/scan\u202eh5.exe', says: 'bidirectional' },
  { label: 'LRE embedding', input: 'raw/\u202aa', says: 'bidirectional' },
  { label: 'LRI isolate', input: 'raw/\u2066a\u2069', says: 'bidirectional' },
  { label: 'PDI alone', input: 'raw/a\u2069', says: 'bidirectional' },
  { label: 'RLM mark', input: 'raw/a\u200f', says: 'bidirectional' },
  { label: 'BOM', input: '\ufeffraw/a.h5', says: 'U+FEFF' },
  { label: 'lone high surrogate', input: 'raw/a\ud800b', says: 'surrogate' },
  { label: 'lone low surrogate', input: 'raw/\udc00', says: 'surrogate' },
  { label: 'high surrogate at end', input: 'raw/a\ud83d', says: 'surrogate' },
  { label: 'line separator', input: 'raw/a\u2028b', says: 'separators' },
  { label: 'fullwidth solidus', input: 'raw\uff0f..\uff0fetc', says: 'look-alike' },
  { label: 'division slash', input: 'raw\u2215a', says: 'look-alike' },
  // Backslashes and Windows forms
  { label: 'backslash separator', input: 'raw\\p1\\scan.h5', says: 'backslash' },
  { label: 'backslash traversal', input: '..\\..\\etc\\passwd', says: 'backslash' },
  { label: 'UNC backslash', input: '\\\\server\\share\\x', says: 'backslash' },
  { label: 'drive letter', input: 'C:/Users/x', says: 'drive' },
  { label: 'drive-relative', input: 'c:scan.h5', says: 'drive' },
  { label: 'UNC slashes', input: '//server/share/x', says: 'UNC' },
  { label: 'UNC with prefix', input: '//global/raw', prefixed: true, says: 'UNC' },
  { label: 'device path', input: '//?/C:/x', says: 'UNC' },
  { label: 'bare drive', input: 'C:', says: 'drive' },
  { label: 'drive after the prefix', input: '/global/D:/Data/scan.h5', prefixed: true, says: 'drive' },
  // Home folders and URLs: the first segment decides what a tool takes the path for
  { label: 'home folder', input: '~/data/scan.h5', says: "first segment starts with '~'" },
  { label: 'bare tilde', input: '~', says: "first segment starts with '~'" },
  { label: 'other user home', input: '~als/raw/scan.h5', says: "first segment starts with '~'" },
  { label: 'tilde after dot', input: './~/scan.h5', says: "first segment starts with '~'" },
  { label: 'tilde after the prefix', input: '/global/~/scan.h5', prefixed: true, says: "first segment starts with '~'" },
  { label: 'file URL', input: 'file:///global/raw/scan.h5', says: 'URL (scheme "file:")' },
  { label: 'Windows file URL', input: 'file:///C:/Data/scan.h5', says: 'URL (scheme "file:")' },
  { label: 'http URL', input: 'https://example.org/raw/scan.h5', says: 'URL (scheme "https:")' },
  { label: 'globus URL', input: 'globus://6f8e-collection/raw/scan.h5', says: 'URL (scheme "globus:")' },
  { label: 's3 URL', input: 's3://bucket/raw/scan.h5', says: 'URL (scheme "s3:")' },
  { label: 'opaque URL', input: 'urn:uuid:6f8e', says: 'URL (scheme "urn:")' },
  { label: 'URL after the prefix', input: '/global/smb://server/share/scan.h5', prefixed: true, says: 'URL (scheme "smb:")' },
  { label: 'URL scheme with + and .', input: 'svn+ssh.x-y://host/x', says: 'URL (scheme "svn+ssh.x-y:")' },
  // Traversal
  { label: 'dotdot alone', input: '..', says: '".." segments' },
  { label: 'leading dotdot', input: '../etc/passwd', says: '".." segments' },
  { label: 'middle dotdot', input: 'raw/../etc/passwd', says: '".." segments' },
  { label: 'trailing dotdot', input: 'raw/p1/..', says: '".." segments' },
  { label: 'dotdot staying inside', input: 'raw/p1/../p2/scan.h5', says: '".." segments' },
  { label: 'dotdot after prefix', input: '/global/../etc/passwd', prefixed: true, says: '".." segments' },
  { label: 'dotdot after dot', input: './../x', says: '".." segments' },
  // Percent-encoded traversal and separators
  { label: '%2e%2e', input: '%2e%2e/etc/passwd', says: 'percent-encoded' },
  { label: '%2E%2E upper', input: 'raw/%2E%2E/x', says: 'percent-encoded' },
  { label: 'mixed .%2e', input: 'raw/.%2e/x', says: 'percent-encoded' },
  { label: 'mixed %2e.', input: '%2e./x', says: 'percent-encoded' },
  { label: 'single %2e', input: 'raw/%2e/x', says: 'percent-encoded' },
  { label: '%2f', input: 'raw%2f..%2fetc', says: 'percent-encoded' },
  { label: '%2F upper', input: 'raw%2Fx', says: 'percent-encoded' },
  { label: '%5c', input: 'raw%5cx', says: 'percent-encoded' },
  { label: '%00', input: 'raw/a.h5%00.txt', says: 'percent-encoded' },
  { label: 'double-encoded dots', input: '%252e%252e/x', says: 'percent-encoded' },
  { label: 'double-encoded slash', input: 'raw%252fx', says: 'percent-encoded' },
  { label: 'overlong UTF-8 dots', input: '%c0%ae%c0%ae/x', says: 'percent-encoded' },
  { label: 'overlong UTF-8 slash', input: 'raw%c0%afx', says: 'percent-encoded' },
  // Absolute paths
  { label: 'absolute without prefix', input: '/etc/passwd', says: 'absolute' },
  { label: 'root without prefix', input: '/', says: 'absolute' },
  { label: 'absolute outside prefix', input: '/etc/passwd', prefixed: true, says: 'outside the beamline prefix /global' },
  { label: 'prefix look-alike', input: '/globalx/a', prefixed: true, says: 'outside the beamline prefix' },
  { label: 'prefix shorter', input: '/glob/a', prefixed: true, says: 'outside the beamline prefix' },
  { label: 'bare root with prefix', input: '/', prefixed: true, says: 'outside the beamline prefix' },
  { label: 'exactly the prefix', input: '/global', prefixed: true, says: 'names no file' },
  { label: 'prefix with slash', input: '/global/', prefixed: true, says: 'names no file' },
  { label: 'prefix with dots', input: '/global/././/', prefixed: true, says: 'names no file' },
  // Length
  { label: 'path over 4096 bytes', input: 'a/'.repeat(2049), says: 'too long' },
  { label: 'path of 4097 multibyte bytes', input: `${'ü'.repeat(2048)}a`, says: 'too long' },
  { label: 'huge payload', input: 'x'.repeat(1_000_000), says: 'too long' },
  { label: 'segment over 255 bytes', input: `raw/${'x'.repeat(256)}`, says: 'too long' },
  { label: 'segment of 256 UTF-8 bytes', input: `raw/${'é'.repeat(128)}`, says: 'too long' },
  // Option look-alikes
  { label: 'dash option', input: '-rf', says: "starts with '-'" },
  { label: 'double-dash option', input: 'raw/--delete', says: "starts with '-'" },
  { label: 'bare dash', input: 'raw/-', says: "starts with '-'" },
  { label: 'dash after prefix', input: '/global/--help', prefixed: true, says: "starts with '-'" },
  // Whitespace around segments
  { label: 'leading space', input: ' raw/a.h5', says: 'whitespace' },
  { label: 'trailing space', input: 'raw/a.h5 ', says: 'whitespace' },
  { label: 'space before segment', input: 'raw/ p1/a.h5', says: 'whitespace' },
  { label: 'space after segment', input: 'raw/p1 /a.h5', says: 'whitespace' },
  { label: 'no-break space', input: 'raw/a.h5\u00a0', says: 'whitespace' },
  { label: 'ideographic space', input: '\u3000raw/a', says: 'whitespace' },
];

describe('gatePath: hostile corpus', () => {
  it('has at least 60 cases with unique labels', () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(60);
    expect(new Set(HOSTILE.map((h) => h.label)).size).toBe(HOSTILE.length);
  });

  it.each(HOSTILE)('rejects $label', ({ input, prefixed, says }) => {
    const opts: GateOptions = { field: FIELD, prefix: prefixed === true ? PREFIX : undefined };
    const err = catchPathError(() => gatePath(input, opts));
    expect(err.message.startsWith(`${FIELD}: `)).toBe(true);
    expect(err.message).toContain(says);
    expect(rawUnsafeChar(err.message)).toBeUndefined();
    expect(rawUnsafeChar(err.hint ?? '')).toBeUndefined();
    // Echoed input is bounded.
    expect(err.message.length).toBeLessThan(400);
  });

  it('shows the offending input JSON-escaped', () => {
    const err = catchPathError(() => gatePath('raw/../etc/passwd', { field: FIELD }));
    expect(err.message).toBe(`${FIELD}: ".." segments are not allowed (got "raw/../etc/passwd")`);
    const nl = catchPathError(() => gatePath('a\nb', { field: FIELD }));
    expect(nl.message).toContain('(got "a\\nb")');
    const bidi = catchPathError(() => gatePath('a\u202eb', { field: FIELD }));
    expect(bidi.message).toContain('(got "a\\u202eb")');
  });

  it('defaults the field name to "path"', () => {
    expect(catchPathError(() => gatePath('../x')).message.startsWith('path: ')).toBe(true);
  });

  it('gives a hint for backslashes', () => {
    expect(catchPathError(() => gatePath('raw\\a')).hint).toContain("'/'");
  });

  it('says how to send a path instead of a home folder, a URL or a drive', () => {
    const home = catchPathError(() => gatePath('~/raw/a.h5', { field: FIELD, prefix: PREFIX }));
    expect(home.message).toBe(`${FIELD}: the first segment starts with '~', which a shell, ssh or hsi reads as a home folder (got "~/raw/a.h5")`);
    expect(home.hint).toBe(`'~' is never expanded: send the path relative to the endpoint root, or absolute under the beamline's path_prefix, '/'-separated`);
    expect(catchPathError(() => gatePath('file:///global/raw/a.h5', { field: FIELD })).hint).toMatch(/^a file path, not a URL: send the path relative to the endpoint root/);
    expect(catchPathError(() => gatePath('C:/Data/a.h5', { field: FIELD })).hint).toMatch(/a Windows file watcher must convert its paths/);
  });

  it('refuses a drive left after prefix "/" (a file URL\'s path, /C:/Data/...)', () => {
    expect(catchPathError(() => gatePath('/C:/Data/scan.h5', { prefix: '/', field: FIELD })).message).toContain('Windows drive paths are not allowed');
    expect(catchPathError(() => gatePath('/~/scan.h5', { prefix: '/', field: FIELD })).message).toContain("'~'");
  });

  it('rejects an invalid prefix naming path_prefix', () => {
    const err = catchPathError(() => gatePath('raw/a', { prefix: 'global', field: FIELD }));
    expect(err.message).toContain('path_prefix');
    catchPathError(() => gatePath('/global/a', { prefix: '/global/../etc' }));
  });
});

describe('showValue', () => {
  it('truncates long values and escapes unsafe characters', () => {
    const shown = showValue('x'.repeat(5000));
    expect(shown.length).toBeLessThan(120);
    expect(shown).toContain('5000 chars');
    expect(showValue('\u0085\u2028\ufeff')).toBe('"\\u0085\\u2028\\ufeff"');
    expect(showValue('\ud800')).toBe('"\\ud800"');
  });

  it('does not split a surrogate pair when truncating', () => {
    expect(rawUnsafeChar(showValue('📷'.repeat(200)))).toBeUndefined();
  });
});

describe('gatePath: valid inputs', () => {
  const withPrefix: readonly (readonly [string, string])[] = [
    ['/global/raw/p1/scan.h5', 'raw/p1/scan.h5'],
    ['raw//p1/./scan.h5', 'raw/p1/scan.h5'],
    ['raw/p1/scan.h5', 'raw/p1/scan.h5'],
    ['/global//raw/p1/', 'raw/p1'],
    ['/global/./raw', 'raw'],
    ['./raw/p1', 'raw/p1'],
    ['raw/Müller/scan ü.h5', 'raw/Müller/scan ü.h5'],
    ['raw/📷/スキャン.h5', 'raw/📷/スキャン.h5'],
    ['raw/.hidden/a..b.h5', 'raw/.hidden/a..b.h5'],
    ['raw/...', 'raw/...'],
    ['raw/scan%20one.h5', 'raw/scan%20one.h5'],
    ['raw/scan-01_x+y=z,(1)@host:5.h5', 'raw/scan-01_x+y=z,(1)@host:5.h5'],
    ['raw/a-/b', 'raw/a-/b'],
    // '~' and ':' are plain characters after the first segment, and ':' after a first segment no scheme starts
    ['raw/~backup/scan.h5', 'raw/~backup/scan.h5'],
    ['raw/p1/scan.h5~', 'raw/p1/scan.h5~'],
    ['PROGRA~1/scan.h5', 'PROGRA~1/scan.h5'],
    ['raw/http:/x', 'raw/http:/x'],
    ['12:30:01/scan.h5', '12:30:01/scan.h5'],
    ['_a:b/scan.h5', '_a:b/scan.h5'],
  ];
  it.each(withPrefix)('prefix /global: %s → %s', (input, out) => {
    expect(gatePath(input, { prefix: PREFIX, field: FIELD })).toBe(out);
  });

  it('accepts a prefix written with a trailing slash', () => {
    expect(gatePath('/global/raw/a', { prefix: '/global/' })).toBe('raw/a');
  });

  it('accepts any absolute path with prefix "/"', () => {
    expect(gatePath('/raw/a', { prefix: '/' })).toBe('raw/a');
  });

  it('accepts a nested prefix', () => {
    expect(gatePath('/global/cfs/raw/a', { prefix: '/global/cfs' })).toBe('raw/a');
    catchPathError(() => gatePath('/global/cfsx/a', { prefix: '/global/cfs' }));
  });

  it('works without a prefix for relative paths', () => {
    expect(gatePath('raw/p1/scan.h5')).toBe('raw/p1/scan.h5');
    expect(gatePath('raw//p1/./scan.h5/')).toBe('raw/p1/scan.h5');
    expect(gatePath('a', { prefix: undefined })).toBe('a');
  });

  it('accepts the limits exactly', () => {
    const seg = 'x'.repeat(255);
    expect(gatePath(`raw/${seg}`)).toBe(`raw/${seg}`);
    const long = `${'a/'.repeat(2047)}ab`; // 4096 bytes
    expect(Buffer.byteLength(long)).toBe(4096);
    expect(gatePath(long)).toBe(long);
  });
});

describe('joinInside', () => {
  it('joins under a root', () => {
    expect(joinInside('/data', gatePath('raw/a.h5'))).toBe('/data/raw/a.h5');
    expect(joinInside('/data/', gatePath('raw/a.h5'))).toBe('/data/raw/a.h5');
    expect(joinInside('/', gatePath('a'))).toBe('/a');
  });

  it('refuses a forged RelPath and a bad root', () => {
    catchPathError(() => joinInside('/data', '../etc/passwd' as RelPath));
    catchPathError(() => joinInside('/data', 'raw//a' as RelPath));
    catchPathError(() => joinInside('/data', '/etc' as RelPath));
    catchPathError(() => joinInside('data', gatePath('a')));
  });
});

describe('gateRootPath', () => {
  const F = 'endpoints.nersc.root_path';
  it.each([
    ['/data', '/data'],
    ['/data/', '/data'],
    ['/', '/'],
    ['/global/cfs/cdirs/als', '/global/cfs/cdirs/als'],
    ['/data/-odd', '/data/-odd'],
    ['/data/Müller', '/data/Müller'],
  ])('accepts %s → %s', (input, out) => {
    expect(gateRootPath(input, F)).toBe(out);
  });

  it.each([
    ['relative', 'data', 'absolute'],
    ['empty', '', 'empty'],
    ['dotdot', '/data/../etc', '".."'],
    ['dot', '/data/./x', '"."'],
    ['double slash', '/data//x', "'//'"],
    ['two trailing slashes', '/data//', "'//'"],
    ['leading double slash', '//data', 'UNC'],
    ['newline', '/da\nta', 'control characters'],
    ['NUL', '/data\0', 'control characters'],
    ['drive', 'C:/data', 'drive'],
    ['home folder', '~/data', "'~'"],
    ['other user home', '~als/data', "'~'"],
    ['file URL', 'file:///data', 'URL (scheme "file:")'],
    ['backslash', '/data\\x', 'backslash'],
    ['trailing space', '/data ', 'whitespace'],
    ['encoded', '/data/%2e%2e', 'percent-encoded'],
    ['too long', `/${'a'.repeat(4096)}`, 'too long'],
  ])('rejects %s', (_label, input, says) => {
    const err = catchPathError(() => gateRootPath(input, F));
    expect(err.message.startsWith(`${F}: `)).toBe(true);
    expect(err.message).toContain(says);
    expect(rawUnsafeChar(err.message)).toBeUndefined();
  });

  it('says to write a root out in full instead of ~ or a URL', () => {
    expect(catchPathError(() => gateRootPath('~/data', F)).hint).toBe(`'~' is never expanded: write the absolute path in full, '/'-separated (e.g. /data/beamline)`);
    expect(catchPathError(() => gateRootPath('file:///data', F)).hint).toMatch(/^a file path, not a URL: write the absolute path in full/);
  });

  it('rejects non-strings', () => {
    for (const v of [42, null, undefined, {}, ['/data']]) {
      expect(catchPathError(() => gateRootPath(v, F)).message).toContain(`${F}: must be a string`);
    }
  });
});

describe('relPathUnder', () => {
  it('turns a path under the root into a RelPath', () => {
    expect(relPathUnder('/data', '/data/raw/a.h5')).toBe('raw/a.h5');
    expect(relPathUnder('/data/', '/data/x')).toBe('x');
    expect(relPathUnder('/', '/a/b')).toBe('a/b');
  });

  it.each([
    ['the root itself', '/data', '/data', 'not inside'],
    ['the root with slash', '/data', '/data/', 'not inside'],
    ['a sibling sharing the prefix', '/data', '/datax/a', 'not inside'],
    ['elsewhere', '/data', '/etc/passwd', 'not inside'],
    ['traversal', '/data', '/data/../etc', '".."'],
    ['relative', '/data', 'raw/a', 'absolute'],
    ['hostile name on disk', '/data', '/data/raw/-rf', "starts with '-'"],
    ['control char on disk', '/data', '/data/raw/a\nb', 'control characters'],
    ['bad root', 'data', '/data/a', 'root'],
  ])('rejects %s', (_label, root, abs, says) => {
    const err = catchPathError(() => relPathUnder(root, abs));
    expect(err.message).toContain(says);
    expect(rawUnsafeChar(err.message)).toBeUndefined();
  });
});

describe('resolveInside (real directories)', () => {
  let base = '';
  let root = '';
  let outside = '';
  const rel = (s: string): RelPath => gatePath(s);

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'splash-paths-'));
    root = join(base, 'root');
    outside = join(base, 'outside');
    await mkdir(join(root, 'raw', 'p1'), { recursive: true });
    await mkdir(join(outside, 'dir'), { recursive: true });
    await writeFile(join(root, 'raw', 'p1', 'scan.h5'), 'data');
    await writeFile(join(outside, 'secret.txt'), 'secret');
    await writeFile(join(outside, 'dir', 'x.h5'), 'x');
    // Leading outside
    await symlink(join(outside, 'secret.txt'), join(root, 'raw', 'leak.txt'));
    await symlink(join(outside, 'dir'), join(root, 'raw', 'out'));
    await symlink('../../outside', join(root, 'raw', 'up'));
    await symlink(join(outside, 'missing.txt'), join(root, 'raw', 'dangling'));
    await symlink('p1/missing.h5', join(root, 'raw', 'ghost'));
    await symlink('..', join(root, 'parent'));
    // Out and back in: ends inside, but the route depends on a folder outside the root.
    await symlink(join(root, 'raw', 'p1'), join(outside, 'back'));
    await symlink(join(outside, 'back'), join(root, 'raw', 'detour'));
    // Staying inside
    await symlink('p1', join(root, 'raw', 'alias'));
    await symlink(join(root, 'raw', 'p1', 'scan.h5'), join(root, 'latest.h5'));
    await symlink('.', join(root, 'self'));
    await symlink('../../root/raw/p1', join(root, 'raw', 'viaparent'));
    await symlink(join(base, 'rootlink', 'raw', 'p1'), join(root, 'raw', 'vialink'));
    // Loop
    await symlink('loop2', join(root, 'loop1'));
    await symlink('loop1', join(root, 'loop2'));
    // The root reached through a symlink
    await symlink(root, join(base, 'rootlink'));
  });

  afterAll(async () => {
    if (base !== '') await rm(base, { recursive: true, force: true });
  });

  it('returns the joined path for an existing file', async () => {
    await expect(resolveInside(root, rel('raw/p1/scan.h5'), { mustExist: true })).resolves.toBe(
      join(root, 'raw/p1/scan.h5'),
    );
  });

  it('returns the joined path for a missing file unless mustExist', async () => {
    await expect(resolveInside(root, rel('raw/p1/new.h5'))).resolves.toBe(join(root, 'raw/p1/new.h5'));
    await expect(resolveInside(root, rel('raw/new/deeper/file.h5'))).resolves.toBe(
      join(root, 'raw/new/deeper/file.h5'),
    );
    const err = await rejectsPath(
      resolveInside(root, rel('raw/p1/new.h5'), { mustExist: true, field: FIELD }),
      'does not exist',
    );
    expect(err.message.startsWith(`${FIELD}: `)).toBe(true);
  });

  it('rejects a file symlink pointing outside', async () => {
    await rejectsPath(resolveInside(root, rel('raw/leak.txt')), 'outside');
    await rejectsPath(resolveInside(root, rel('raw/leak.txt'), { mustExist: true }), 'outside');
  });

  it('rejects a directory symlink in the middle of the path pointing outside', async () => {
    await rejectsPath(resolveInside(root, rel('raw/out/x.h5'), { mustExist: true }), 'outside');
    await rejectsPath(resolveInside(root, rel('raw/out/x.h5')), 'outside');
    await rejectsPath(resolveInside(root, rel('raw/out')), 'outside');
    // Missing below an escaping directory: the deepest existing ancestor is outside.
    await rejectsPath(resolveInside(root, rel('raw/out/new/file.h5')), 'outside');
    await rejectsPath(resolveInside(root, rel('raw/up/secret.txt')), 'outside');
  });

  it('rejects dangling symlinks even when the file need not exist', async () => {
    await rejectsPath(resolveInside(root, rel('raw/dangling')), 'outside');
    await rejectsPath(resolveInside(root, rel('raw/ghost')), 'missing target');
    await rejectsPath(resolveInside(root, rel('raw/ghost/x.h5')), 'missing target');
  });

  it("rejects a symlink to the root's parent, even when the path comes back", async () => {
    await rejectsPath(resolveInside(root, rel('parent')), 'outside');
    await rejectsPath(resolveInside(root, rel('parent/root/raw/p1/scan.h5')), 'outside');
  });

  it("allows a link target that passes through the root's ancestors on its way in", async () => {
    await expect(resolveInside(root, rel('raw/viaparent/scan.h5'), { mustExist: true })).resolves.toBe(
      join(root, 'raw/viaparent/scan.h5'),
    );
    await expect(resolveInside(root, rel('raw/vialink/scan.h5'), { mustExist: true })).resolves.toBe(
      join(root, 'raw/vialink/scan.h5'),
    );
  });

  it('rejects a route that leaves the root and comes back', async () => {
    await rejectsPath(resolveInside(root, rel('raw/detour/scan.h5'), { mustExist: true }), 'outside');
  });

  it('allows symlinks that stay inside and returns the joined (not real) path', async () => {
    await expect(resolveInside(root, rel('raw/alias/scan.h5'), { mustExist: true })).resolves.toBe(
      join(root, 'raw/alias/scan.h5'),
    );
    await expect(resolveInside(root, rel('latest.h5'), { mustExist: true })).resolves.toBe(join(root, 'latest.h5'));
    await expect(resolveInside(root, rel('self/raw/p1/scan.h5'), { mustExist: true })).resolves.toBe(
      join(root, 'self/raw/p1/scan.h5'),
    );
  });

  it('works when the root itself is a symlink to a real folder', async () => {
    const linked = join(base, 'rootlink');
    await expect(resolveInside(linked, rel('raw/p1/scan.h5'), { mustExist: true })).resolves.toBe(
      join(linked, 'raw/p1/scan.h5'),
    );
    await expect(resolveInside(linked, rel('raw/alias/scan.h5'))).resolves.toBe(join(linked, 'raw/alias/scan.h5'));
    await rejectsPath(resolveInside(linked, rel('raw/out/x.h5')), 'outside');
  });

  it('rejects symlink loops, file parents, a missing root and forged RelPaths', async () => {
    await rejectsPath(resolveInside(root, rel('loop1/x')), 'loop');
    await rejectsPath(resolveInside(root, rel('loop1')), 'loop');
    await rejectsPath(resolveInside(root, rel('raw/p1/scan.h5/x')), 'not a directory');
    await rejectsPath(resolveInside(join(base, 'nope'), rel('a')), 'cannot be resolved');
    await rejectsPath(resolveInside(root, '../outside/secret.txt' as RelPath), '".."');
    await rejectsPath(resolveInside('relative/root', rel('a')), 'root');
  });
});
