/**
 * Glob patterns for `watch.patterns` / `watch.ignore`. Small on purpose (no dependency): `*` any run of
 * characters within one path segment, `**` any number of whole segments, `?` one character, `[abc]` /
 * `[!abc]` a class, `{h5,tif}` alternatives, `\` escapes the next character. A pattern without `/` matches
 * the file name in any folder (`*.h5`); one with `/` matches the path relative to the watched folder
 * (`raw/**\/*.h5`), as .gitignore does.
 */

/** Compile one glob into an anchored RegExp; throws Error with a person-readable reason when malformed. */
export function globToRegExp(glob: string, opts: { nocase?: boolean } = {}): RegExp {
  if (glob === '') throw new Error('an empty pattern matches nothing');
  let out = '';
  /** Open `{` groups: each counts its alternatives so far (a `{x}` without a comma is still accepted). */
  const braces: number[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charAt(i);
    switch (c) {
      case '\\': {
        const next = glob.charAt(i + 1);
        if (next === '') throw new Error('a pattern ends with a lone "\\"');
        out += escapeRegExp(next);
        i++;
        break;
      }
      case '*': {
        if (glob.charAt(i + 1) === '*') {
          const atStart = i === 0 || glob.charAt(i - 1) === '/';
          const next = glob.charAt(i + 2);
          if (atStart && next === '/') {
            // `**/` : zero or more whole segments.
            out += '(?:[^/]+/)*';
            i += 2;
          } else if (atStart && next === '') {
            // trailing `**`: everything below (and, after `dir/`, the folder itself is matched by skipsDir).
            out += '.*';
            i += 1;
          } else {
            // `a**b` is not a segment wildcard; read it as `*` like most shells do.
            out += '[^/]*';
            i += 1;
          }
        } else {
          out += '[^/]*';
        }
        break;
      }
      case '?':
        out += '[^/]';
        break;
      case '[': {
        const end = glob.indexOf(']', i + 2);
        if (end < 0) throw new Error(`an unclosed "[" at position ${i + 1}`);
        let body = glob.slice(i + 1, end);
        const negate = body.startsWith('!') || body.startsWith('^');
        if (negate) body = body.slice(1);
        if (body === '') throw new Error(`an empty class "[]" at position ${i + 1}`);
        // Inside a class only `\`, `]` and `^` are special to RegExp; '-' keeps its range meaning.
        const cls = body.replace(/[\\\]^]/g, (m) => `\\${m}`);
        out += negate ? `[^/${cls}]` : `[${cls}]`;
        i = end;
        break;
      }
      case '{':
        braces.push(0);
        out += '(?:';
        break;
      case ',':
        if (braces.length > 0) {
          braces[braces.length - 1] = (braces.at(-1) ?? 0) + 1;
          out += '|';
        } else {
          out += ',';
        }
        break;
      case '}':
        if (braces.length > 0) {
          braces.pop();
          out += ')';
        } else {
          out += '\\}';
        }
        break;
      default:
        out += escapeRegExp(c);
    }
  }
  if (braces.length > 0) throw new Error('an unclosed "{"');
  return new RegExp(`^${out}$`, opts.nocase ? 'i' : '');
}

function escapeRegExp(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/** Why `glob` is malformed, or undefined when it compiles. For config validation. */
export function globProblem(glob: string): string | undefined {
  try {
    globToRegExp(glob);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** A set of globs as one test on a '/'-separated relative path. */
export function globMatcher(globs: readonly string[], opts: { nocase?: boolean } = {}): (rel: string) => boolean {
  const full: RegExp[] = [];
  const name: RegExp[] = [];
  for (const g of globs) {
    // A leading '/' anchors at the watched folder (as in .gitignore); it is not part of the relative path.
    const anchored = g.startsWith('/') ? g.slice(1) : g;
    (g.includes('/') ? full : name).push(globToRegExp(anchored, opts));
  }
  if (full.length === 0 && name.length === 0) return () => false;
  return (rel) => {
    const base = rel.slice(rel.lastIndexOf('/') + 1);
    return name.some((r) => r.test(base)) || full.some((r) => r.test(rel));
  };
}
