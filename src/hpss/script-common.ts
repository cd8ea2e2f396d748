/**
 * What every script the hpss steps run on the HPSS host starts with: the tools (each call reads /dev/null:
 * the script itself may arrive on stdin, and a tool reading stdin would eat the rest of it) and the writer of
 * `@@splash …` marker lines, through which the TypeScript side — not a grep in bash — reads what happened.
 */
import { shq } from '../shell.js';

export const MARK = '@@splash';

/** What an hsi argument may hold (plan.ts isHsiSafe, plus ':' for `local : hpss`); spelt out, not a range: ranges follow the locale. */
const HSI_WORD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._,+=@%/:-';

/** What starts each line of tool output the scripts pass on (frame() below). */
const FRAME = '|';

/** The scripts' tools and their marker-line writer. */
export function toolLines(hsi: string, htar: string): string[] {
  return [
    `HSI=${shq(hsi)}`,
    `HTAR=${shq(htar)}`,
    `say() { printf '${MARK} %s\\n' "$*"; }`,
    // hsi re-reads its arguments as a command line: it splits them at spaces and ';' and expands `*`, `?` and `[…]`
    // against HPSS (CONTRACTS.md §4.2), so `rm /a/*` removes all of /a. Every argument of every hsi call is a plain
    // word of the characters isHsiSafe (plan.ts) takes, or the call is refused before hsi sees it.
    `hsi_() { local a; for a in "$@"; do case $a in ''|*[!${HSI_WORD}]*) printf 'hsi: refused the argument %s: hsi would read it as a pattern or split it\\n' "$a" >&2; return 64;; esac; done; "$HSI" -q "$@" </dev/null; }`,
    'htar_() { "$HTAR" "$@" </dev/null; }',
    // A tool's output passed on as data: every line framed, so none can read as a marker line (a member name may
    // hold a line break followed by anything) — awk also ends an unterminated last line.
    `frame() { awk '{ print "${FRAME}" $0 }'; }`,
  ];
}

/** The marker lines of a script's output, each split into its verb, its id and the rest: `@@splash <verb> <id> <rest…>`. */
export function* markerLines(stdout: string): Generator<{ verb: string; id: string; rest: string }> {
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(`${MARK} `)) continue;
    const [verb = '', id = '', ...rest] = line.slice(MARK.length + 1).split(' ');
    yield { verb, id, rest: rest.join(' ') };
  }
}

/** A line of a tool's output, unframed; undefined for a line that is not one (a marker line, a login banner). */
export function framed(line: string): string | undefined {
  return line.startsWith(FRAME) ? line.slice(FRAME.length) : undefined;
}
