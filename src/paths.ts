/**
 * The one path gate. Every path that arrives from outside (a repository_dispatch payload written by a
 * beamline file watcher, a CLI argument, config) passes through here before it touches a disk, and
 * nothing else in the project builds paths from untrusted strings.
 *
 * Two layers, because each alone is not enough:
 *  - `gatePath` / `gateRootPath` are pure string checks. They reject anything that could mean more
 *    than one thing to some tool along the way (traversal, control characters, Windows syntax, option
 *    look-alikes) and turn the rest into a `RelPath`, a branded string the type checker tracks.
 *  - `resolveInside` runs at the moment of use and checks the disk itself: a well-formed relative path
 *    can still leave the root through a symlink planted inside it.
 *
 * Paths are POSIX ('/'-separated): the data movers run on Linux hosts.
 */
import { lstat, readlink, realpath } from 'node:fs/promises';
import { lstatSync } from 'node:fs';

import { errorCode, pathError } from './errors.js';
import { safeJson } from './text.js';

/** A path relative to an endpoint root: '/'-separated, no leading '/', no '.', '..' or empty segments. */
export type RelPath = string & { readonly __relPath: unique symbol };

export interface GateOptions {
  /** The beamline's path_prefix (absolute, e.g. '/global'); an absolute input must start with it (segment boundary) and it is stripped. */
  prefix?: string | undefined;
  /** What to call the input in errors, e.g. 'file-paths[2]'. Default 'path'. */
  field?: string;
}

/** Linux PATH_MAX: longer paths fail in the kernel anyway, and refusing early bounds all later work. */
export const MAX_PATH_BYTES = 4096;
/** Linux NAME_MAX (ext4, xfs, GPFS, Lustre). */
export const MAX_SEGMENT_BYTES = 255;
/** How much of an offending input is echoed in an error: enough to recognise it, never a wall of text. */
const SHOWN_CHARS = 80;

// ---------------------------------------------------------------------------------------------------
// Error rendering

/**
 * Quote a value for an error message: JSON-escaped (so C0 controls and lone surrogates become \uXXXX)
 * plus the characters JSON leaves raw but a terminal or log viewer would act on (DEL, C1, bidi
 * controls, line separators, BOM). Truncated, so a megabyte payload cannot flood the log.
 */
export function showValue(value: string): string {
  // Slice code units first so a huge input costs nothing; then cut on code points so a pair is not split.
  const points = Array.from(value.slice(0, SHOWN_CHARS * 2));
  const truncated = value.length > SHOWN_CHARS && (points.length > SHOWN_CHARS || value.length > SHOWN_CHARS * 2);
  const head = truncated ? points.slice(0, SHOWN_CHARS).join('') : value;
  const escaped = safeJson(head);
  return truncated ? `${escaped}… (${value.length} chars)` : escaped;
}

function describeType(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  return typeof input === 'object' ? 'an object' : `a ${typeof input}`;
}

function reject(field: string, what: string, input: string, hint?: string): never {
  throw pathError(`${field}: ${what} (got ${showValue(input)})`, hint);
}

// ---------------------------------------------------------------------------------------------------
// Character checks shared by gatePath and gateRootPath

/** What is wrong with the characters of `s`, or undefined. Written as a loop, not a regex, so lone
 *  surrogates are found without the `v` flag and control ranges stay readable. */
function badCharacters(s: string): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // C0 (incl. NUL, \t, \n, \r), DEL and C1: they split log lines, forge output and truncate C strings.
    if (c <= 0x1f || (c >= 0x7f && c <= 0x9f)) return 'control characters are not allowed';
    // Bidi overrides/isolates and marks make a name display differently from what it is (Trojan Source).
    if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x200e || c === 0x200f || c === 0x061c) {
      return 'Unicode bidirectional control characters are not allowed';
    }
    // U+2028/2029 end a line in many viewers; BOM is invisible and usually an encoding accident.
    if (c === 0x2028 || c === 0x2029) return 'Unicode line/paragraph separators are not allowed';
    if (c === 0xfeff) return 'a byte-order mark (U+FEFF) is not allowed';
    // Characters that some converters (Windows "best fit", NFKC) turn into '/' or '\'.
    if (c === 0x2215 || c === 0x29f5 || c === 0xff0f || c === 0xff3c) {
      return 'look-alike slash characters are not allowed';
    }
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1); // NaN past the end
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return 'lone UTF-16 surrogates are not allowed (not valid Unicode)';
    }
    if (c >= 0xdc00 && c <= 0xdfff) return 'lone UTF-16 surrogates are not allowed (not valid Unicode)';
  }
  return undefined;
}

/**
 * Percent-encoded traversal or separators. Our inputs are never URL-decoded, but a watcher, a Globus
 * URL or a web view further down the line may decode them, and then the name means something else.
 * `%25` is decoded first (repeatedly) so double encoding is caught too; the overlong UTF-8 forms of
 * '.', '/' and '\' are what old decoders accepted.
 */
function encodedTraversal(segments: readonly string[]): boolean {
  for (const seg of segments) {
    let s = seg.toLowerCase();
    for (let prev = ''; prev !== s; ) {
      prev = s;
      s = s.replaceAll('%25', '%');
    }
    if (/%(2f|5c|00)|%c0%(ae|af)|%c1%(9c|1c)/.test(s)) return true;
    const decodedDots = s.replace(/%2e|%c0%ae/g, '.');
    if (decodedDots !== s && (decodedDots === '.' || decodedDots === '..')) return true;
  }
  return false;
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Segment rules that hold for every name we will ever pass to a tool. */
function checkSegment(field: string, seg: string, input: string, allowDash: boolean): void {
  if (byteLength(seg) > MAX_SEGMENT_BYTES) {
    reject(field, `a path segment is too long (${byteLength(seg)} bytes, limit ${MAX_SEGMENT_BYTES})`, input);
  }
  // Leading/trailing blanks are almost always a YAML or copy-paste slip, and invisible in a log.
  if (/^\s|\s$/.test(seg)) reject(field, 'a path segment starts or ends with whitespace', input);
  // A name like '-rf' or '--delete' reads as an option if any tool ever gets it as a bare argument.
  if (!allowDash && seg.startsWith('-')) {
    reject(field, `a path segment starts with '-' (it could be read as a command-line option)`, input);
  }
}

/** How to fix a refused path, for the two gates. */
const SEND_A_PATH = `send the path relative to the endpoint root, or absolute under the beamline's path_prefix, '/'-separated`;
const WRITE_A_ROOT = `write the absolute path in full, '/'-separated (e.g. /data/beamline)`;

/**
 * The first segment is where a tool decides what kind of thing it was given: a shell, ssh and hsi expand a
 * leading '~' to a home folder, and anything that also takes URLs (RFC 3986 §3.1: a letter, then letters,
 * digits, '+', '-', '.', then ':') reads 'file:', 'http:' or 'globus:' as a scheme — with one letter, a
 * Windows drive ('C:', or drive-relative 'C:scan.h5'). So these are refused there, in the input as sent and
 * again after a prefix is stripped ('/global/~x' leaves '~x'). Later segments are plain names to every tool.
 */
function checkFirstSegment(field: string, first: string, input: string, fix: string): void {
  if (first.startsWith('~')) {
    reject(field, `the first segment starts with '~', which a shell, ssh or hsi reads as a home folder`, input, `'~' is never expanded: ${fix}`);
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(first)?.[1];
  if (scheme === undefined) return;
  if (scheme.length === 1) reject(field, 'Windows drive paths are not allowed', input, `${fix}; a Windows file watcher must convert its paths`);
  reject(field, `the path looks like a URL (scheme "${scheme}:"), not a file path`, input, `a file path, not a URL: ${fix}`);
}

function checkCommon(field: string, input: string, fix: string): void {
  if (input.trim() === '') reject(field, 'path is empty', input);
  // Length first: everything after is linear, but there is no reason to scan a megabyte.
  if (byteLength(input) > MAX_PATH_BYTES) {
    reject(field, `path is too long (${byteLength(input)} bytes, limit ${MAX_PATH_BYTES})`, input);
  }
  const bad = badCharacters(input);
  if (bad !== undefined) reject(field, bad, input);
  if (input.includes('\\')) {
    reject(field, 'backslashes are not allowed', input, `use '/' as the separator; a Windows file watcher must convert its paths`);
  }
  // '//server' (UNC) means another machine to some tool; 'C:', '~' and 'file:' are checked with the first segment.
  if (input.startsWith('//')) reject(field, `UNC-style paths ('//server/...') are not allowed`, input);
  checkFirstSegment(field, input.split('/', 1)[0] ?? '', input, fix);
  const segments = input.split('/');
  // Refused even when it would stay inside: a sender that produces '..' is confused or hostile.
  if (segments.includes('..')) reject(field, `".." segments are not allowed`, input);
  if (encodedTraversal(segments)) {
    reject(field, 'percent-encoded traversal or separators (%2e%2e, %2f, %5c, %00) are not allowed', input);
  }
}

// ---------------------------------------------------------------------------------------------------
// String gates

/** Validate one outside path and return it relative to the endpoint root. Throws SplashError kind 'path'. */
export function gatePath(input: unknown, opts?: GateOptions): RelPath {
  const field = opts?.field ?? 'path';
  if (typeof input !== 'string') throw pathError(`${field}: must be a string (got ${describeType(input)})`);
  // The prefix comes from config, but it is a path too: gate it so a sloppy one cannot widen the match.
  const prefix = opts?.prefix === undefined ? undefined : gateRootPath(opts.prefix, 'path_prefix');
  checkCommon(field, input, SEND_A_PATH);

  let rest = input;
  if (input.startsWith('/')) {
    if (prefix === undefined) {
      reject(field, 'absolute paths are not allowed here', input, 'send the path relative to the endpoint root');
    }
    if (prefix === '/') rest = input.slice(1);
    else if (input === prefix || input.startsWith(`${prefix}/`)) rest = input.slice(prefix.length);
    // Segment boundary: '/globalx/a' must not match prefix '/global'.
    else reject(field, `absolute path outside the beamline prefix ${prefix}`, input);
  }

  // Normalise: empty ('//', leading/trailing '/') and '.' segments carry no meaning.
  const segments = rest.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.length === 0) reject(field, 'path names no file (nothing left after the prefix and normalisation)', input);
  checkFirstSegment(field, segments[0] ?? '', input, SEND_A_PATH);
  for (const seg of segments) checkSegment(field, seg, input, false);
  return segments.join('/') as RelPath;
}

/** Validate a root_path from config: absolute, normalised (no '.', '..', '//', trailing '/' removed except for '/'), no control chars. Returns the normalised form. Throws pathError naming `field`. */
export function gateRootPath(input: unknown, field: string): string {
  if (typeof input !== 'string') throw pathError(`${field}: must be a string (got ${describeType(input)})`);
  checkCommon(field, input, WRITE_A_ROOT);
  if (!input.startsWith('/')) reject(field, 'must be an absolute path (starting with /)', input);
  if (input === '/') return '/';
  // Only one trailing '/' is forgiven; everything else must already be in normal form, because a root
  // is written by a person and a surprise there should be fixed, not silently reinterpreted.
  const trimmed = input.endsWith('/') ? input.slice(0, -1) : input;
  const segments = trimmed.slice(1).split('/');
  if (segments.includes('')) reject(field, `empty segments ('//') are not allowed`, input);
  if (segments.includes('.')) reject(field, `"." segments are not allowed`, input);
  // '-' is harmless here: a root is always passed as an absolute path, which starts with '/'.
  for (const seg of segments) checkSegment(field, seg, input, true);
  return trimmed;
}

/** Returns `rel` if it is exactly what gatePath would make of it, else throws (guards against `as RelPath` forgeries). */
function assertRelPath(rel: string, field: string): RelPath {
  const gated = gatePath(rel, { field });
  if (gated !== rel) reject(field, 'not a normalised relative path', rel);
  return gated;
}

/** Join a gated path under an absolute root (pure string work, no I/O). */
export function joinInside(root: string, rel: RelPath): string {
  // Re-checked because a RelPath can be forged with a cast; cheap next to any I/O that follows.
  const r = gateRootPath(root, 'root');
  const p = assertRelPath(rel, 'path');
  return r === '/' ? `/${p}` : `${r}/${p}`;
}

/** `p` is `root` or below it. Both must be normalised absolute paths. */
export function isInside(root: string, p: string): boolean {
  return root === '/' || p === root || p.startsWith(`${root}/`);
}

/** For tree walkers: turn an absolute path found under `root` back into a RelPath; throws if it is not strictly inside root. */
export function relPathUnder(root: string, absolute: string): RelPath {
  const r = gateRootPath(root, 'root');
  const a = gateRootPath(absolute, 'path');
  if (a === r || !isInside(r, a)) reject('path', `not inside the root ${r}`, absolute);
  // Through gatePath, so a hostile name found on disk ('-rf', a newline) is refused like one sent to us.
  return gatePath(a.slice(r === '/' ? 1 : r.length + 1));
}

// ---------------------------------------------------------------------------------------------------
// Disk check

/** Linux follows at most 40 symlinks in one lookup (ELOOP); so do we. */
const MAX_SYMLINK_HOPS = 40;

/** Parent of a normalised absolute path. */
function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

/** Marks the end of a symlink's target in the work queue: there the link has "led" somewhere. */
const END_OF_LINK = Symbol('end-of-link');

/**
 * At the moment of use: resolve root/rel on disk and refuse if any symlink along the way (including the last component when it exists) leads outside the real root.
 * If the path does not exist: with mustExist true → pathError "does not exist"; otherwise check the deepest existing ancestor and return the joined path.
 * Returns the absolute path (root-joined, not the realpath), safe to use.
 *
 * Symlinks are followed by hand, one component at a time, instead of asking realpath() about the
 * whole path: realpath only reports where a route ends, so a link that leaves the root and comes back
 * (root/a -> /elsewhere/b -> root/c) would pass, although whoever controls /elsewhere can repoint it.
 * While a link's target is being walked it may pass through the root's ancestors (an absolute target
 * like /global/raw/x, or '../raw'), but never through anything else outside, and where the target
 * ends must be inside the root. A dangling link is refused: a later write would follow it anywhere.
 *
 * A small window between this check and the caller's open remains (closing it needs openat2 with
 * RESOLVE_BENEATH, which Node does not offer), so call this right before the I/O, not when planning.
 */
export async function resolveInside(
  root: string,
  rel: RelPath,
  opts?: { mustExist?: boolean; field?: string },
): Promise<string> {
  const field = opts?.field ?? 'path';
  const rootNorm = gateRootPath(root, 'root');
  const relNorm = assertRelPath(rel, field);
  const joined = joinInside(rootNorm, relNorm);

  let realRoot: string;
  try {
    // The root may itself be a symlink (e.g. /global -> /gpfs/global); its real target is the boundary.
    realRoot = await realpath(rootNorm);
  } catch (err) {
    throw pathError(`${field}: endpoint root ${showValue(rootNorm)} cannot be resolved (${errorCode(err) ?? 'error'})`);
  }
  const insideRoot = (p: string): boolean => isInside(realRoot, p);
  const onRoadToRoot = (p: string): boolean => insideRoot(p) || isInside(p, realRoot);

  // `position` is always a real (symlink-free) path, so '..' from it is plain string work.
  let position = realRoot;
  const queue: (string | typeof END_OF_LINK)[] = relNorm.split('/');
  /** The rel components consumed so far, for messages; and the links being expanded (outermost first). */
  let shown = '';
  let linkDepth = 0;
  let hops = 0;
  const fail = (what: string): never => reject(field, what, relNorm);

  for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
    if (item === END_OF_LINK) {
      linkDepth--;
      if (!insideRoot(position)) fail(`${showValue(shown)} leads outside the endpoint root ${rootNorm} through a symlink`);
      continue;
    }
    if (linkDepth === 0) shown = shown === '' ? item : `${shown}/${item}`;
    if (item === '' || item === '.') continue;
    if (item === '..') {
      position = parentOf(position);
    } else {
      const candidate = position === '/' ? `/${item}` : `${position}/${item}`;
      let isLink: boolean;
      try {
        isLink = (await lstat(candidate)).isSymbolicLink();
      } catch (err) {
        const code = errorCode(err);
        if (code === 'ENOENT' && linkDepth > 0) fail(`${showValue(shown)} is a symlink to a missing target; refusing to follow it`);
        if (code === 'ENOENT') {
          // Nothing there: every existing ancestor has been checked on the way down.
          if (opts?.mustExist === true) fail(`does not exist under ${rootNorm}`);
          return joined;
        }
        if (code === 'ENOTDIR') fail(`a parent of ${showValue(shown)} is not a directory`);
        return fail(`cannot check ${showValue(shown)} (${code ?? 'error'})`);
      }
      if (isLink) {
        if (++hops > MAX_SYMLINK_HOPS) fail(`too many symlinks (a loop?) at ${showValue(shown)}`);
        const target = await readlink(candidate);
        if (target.startsWith('/')) position = '/';
        else position = parentOf(candidate);
        queue.unshift(...target.split('/'), END_OF_LINK);
        linkDepth++;
        continue;
      }
      position = candidate;
    }
    if (linkDepth > 0 ? !onRoadToRoot(position) : !insideRoot(position)) {
      fail(`${showValue(shown)} leads outside the endpoint root ${rootNorm} through a symlink`);
    }
  }
  return joined;
}

// ---------------------------------------------------------------------------------------------------
// Sweeps

export type SweepProblem = 'missing' | 'symlink' | 'not-a-directory' | 'unreadable';

/**
 * For sweeps over many files (prune): locate `root/rel` for a `rel` that a tree walk produced (readdir
 * names joined by '/'), requiring every directory on the way to be a real directory — no symlink is
 * followed at all. Answers are cached per directory, so a sweep of 200,000 files in 200 folders costs
 * about 200 extra lstat calls instead of a full resolveInside() per file. Synchronous on purpose: it sits
 * in the hot loop of the sweep, where sync file-system calls are several times cheaper than promises.
 * The caller lstat()s the final component itself and must not follow it.
 */
export class SweepLocator {
  readonly root: string;
  private readonly dirs = new Map<string, SweepProblem | null>([['', null]]);

  constructor(root: string) {
    this.root = gateRootPath(root, 'root');
  }

  locate(rel: string): { abs: string; problem: null } | { abs: undefined; problem: SweepProblem } {
    if (rel === '' || rel.includes('\0') || /(^|\/)\.{0,2}(\/|$)/.test(rel)) {
      // Cannot come from a walk (readdir never yields '', '.', '..'): refuse rather than guess.
      throw pathError(`not a walked path: ${showValue(rel)}`);
    }
    const cut = rel.lastIndexOf('/');
    const problem = cut < 0 ? null : this.dirProblem(rel.slice(0, cut));
    if (problem) return { abs: undefined, problem };
    return { abs: this.root === '/' ? `/${rel}` : `${this.root}/${rel}`, problem: null };
  }

  private dirProblem(dirRel: string): SweepProblem | null {
    const known = this.dirs.get(dirRel);
    if (known !== undefined) return known;
    const cut = dirRel.lastIndexOf('/');
    let problem = cut < 0 ? null : this.dirProblem(dirRel.slice(0, cut));
    if (!problem) {
      try {
        const st = lstatSync(this.root === '/' ? `/${dirRel}` : `${this.root}/${dirRel}`);
        problem = st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? null : 'not-a-directory';
      } catch (err) {
        const code = errorCode(err);
        problem = code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable';
      }
    }
    this.dirs.set(dirRel, problem);
    return problem;
  }
}
