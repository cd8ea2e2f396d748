/**
 * What every script the hpss steps run on the HPSS host starts with: the tools (each call reads /dev/null:
 * the script itself may arrive on stdin, and a tool reading stdin would eat the rest of it) and the writer of
 * `@@splash …` marker lines, through which the TypeScript side — not a grep in bash — reads what happened.
 */
import { shq } from '../shell.js';

export const MARK = '@@splash';

/** The scripts' tools and their marker-line writer. */
export function toolLines(hsi: string, htar: string): string[] {
  return [
    `HSI=${shq(hsi)}`,
    `HTAR=${shq(htar)}`,
    `say() { printf '${MARK} %s\\n' "$*"; }`,
    'hsi_() { "$HSI" -q "$@" </dev/null; }',
    'htar_() { "$HTAR" "$@" </dev/null; }',
  ];
}
