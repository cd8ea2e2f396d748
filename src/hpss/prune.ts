/**
 * Pruning on tape, the HPSS side: which archives are candidates, and the script that checks each one's copy
 * and deletes it — an archive as a whole or not at all.
 *
 * An archive may go only when every member has a copy at the rule's check endpoint (a folder the HPSS host
 * sees, at the same path relative to the beamline's tape folder): a regular file of the member's size, and
 * with verify: hash (or checksum) the BLAKE2b the archive's manifest recorded — an archive without a manifest
 * is then kept. The copies are checked on the host right before the delete, in the same run. The real run
 * deletes only what a dry run listed in its plan (kept in the check endpoint's `.splash/`, at most a week old)
 * with the same size: tape deletions are seen before they happen. The archive file goes first, then its index
 * and manifest: an interruption leaves an index without an archive, which the next run finishes.
 */
import { markerLines, toolLines } from './script-common.js';
import { shq } from '../shell.js';

/** Why a name on tape is never pruned: hsi would expand it as a pattern or split it (script-common.ts refuses it too). */
export const HSI_UNSAFE_NAME = 'its name on HPSS has characters hsi would read as a pattern or split (only letters, digits and . _ , + = @ % - are passed to hsi rm); remove it by hand if it should go';

/** A plan older than this is not trusted: the real run needs a fresh dry run. */
export const PLAN_MAX_DAYS = 7;

export interface TapeUnit {
  /** The HPSS path deleted (an archive file or a single file). */
  readonly path: string;
  /** Its sidecars, deleted after it (`.idx`, `.b2sum`); for an index without its archive, just those. */
  readonly sidecars: readonly string[];
  /** The archive file's size ('' when it is already gone): the plan entry must match it. */
  readonly bytes: number | undefined;
  /** Each member's copy to check: its absolute path at the check endpoint, size, BLAKE2b (hash rules). */
  readonly copies: readonly { readonly path: string; readonly size: number; readonly checksum: string | undefined }[];
}

export interface PruneScriptInput {
  readonly hsi: string;
  readonly htar: string;
  /** `<check root>/.splash/tape-prune/<endpoint>.<beamline>.plan` */
  readonly planFile: string;
  readonly units: readonly TapeUnit[];
  readonly dryRun: boolean;
}

/** What a unit's plan line is: path and size, so an archive rewritten since the dry run does not match. */
export const planLine = (u: Pick<TapeUnit, 'path' | 'bytes'>): string => `${u.path} ${u.bytes === undefined ? '-' : String(u.bytes)}`;

/**
 * Marker lines: `ok <id>` (every copy verified; a dry run stops there), `unsafe <id> <why>`, `deleted <id>`,
 * `unplanned <id>` (verified, but no dry run listed it), `failed <id> <why>`.
 */
export function pruneScript(input: PruneScriptInput): string {
  const lines = [
    'set -u -f',
    ...toolLines(input.hsi, input.htar),
    `PLAN=${shq(input.planFile)}`,
    // A copy is a regular file reached without a symbolic link at its end, of the size, with the checksum.
    'copy() {',
    '  if [ -L "$1" ] || [ ! -f "$1" ]; then echo "no copy at $1"; return 1; fi',
    '  local s; s=$(stat -c %s -- "$1") || { echo "cannot stat $1"; return 1; }',
    '  [ "$s" = "$2" ] || { echo "$1 has $s bytes, the archive $2"; return 1; }',
    '  if [ "$3" != - ]; then local h; h=$(b2sum -- "$1" | cut -d" " -f1); [ "$h" = "$3" ] || { echo "$1 has other content (BLAKE2b)"; return 1; }; fi',
    '}',
    // Whether HPSS says a path is not there: by what hsi ls answers, not by its exit code alone.
    'gone() { local out; out=$(hsi_ ls "$1" 2>&1); case $out in *HPSS_ENOENT*|*"No such file or directory"*) return 0 ;; *) return 1 ;; esac; }',
    // In a plan younger than a week: the path with the size the dry run saw ("-": an index whose archive is gone, any size).
    'planned() {',
    `  [ -f "$PLAN" ] && [ -n "$(find "$PLAN" -maxdepth 0 -mtime -${String(PLAN_MAX_DAYS)} 2>/dev/null)" ] &&`,
    '    awk -v p="$1" -v b="$2" \'substr($0, 1, length(p) + 1) == p " " && (b == "-" || substr($0, length(p) + 2) == b) { hit = 1 } END { exit !hit }\' "$PLAN"',
    '}',
    `mkdir -p -- "\${PLAN%/*}" || { echo "cannot write the plan folder \${PLAN%/*}" >&2; exit 8; }`,
    'NEWPLAN=$(mktemp "$PLAN.XXXXXX") || exit 8',
    // What a real run deleted leaves the plan: an archive written again under the same name and size is a new
    // archive, deleted only after a new dry run showed it.
    ...(input.dryRun ? [] : ['DONE=$(mktemp "$PLAN.done.XXXXXX") || exit 8']),
  ];
  input.units.forEach((u, i) => {
    const id = `u${String(i)}`;
    lines.push(`# ${id}: ${u.path}`, 'why=');
    for (const c of u.copies) lines.push(`[ -n "$why" ] || why=$(copy ${shq(c.path)} ${String(c.size)} ${c.checksum ?? '-'})`);
    lines.push(`if [ -n "$why" ]; then say unsafe ${id} "$why"; else`);
    lines.push(`  printf '%s\\n' ${shq(planLine(u))} >>"$NEWPLAN"`);
    if (input.dryRun) lines.push(`  say ok ${id}`);
    else {
      lines.push(
        `  if ! planned ${shq(u.path)} ${u.bytes === undefined ? '-' : String(u.bytes)}; then say unplanned ${id}`,
        '  else',
        '    rc=0',
        // The archive first: what an interruption leaves is an index without an archive, never the reverse. Its
        // index goes only once HPSS says the archive file is gone (an exit code of 0 alone does not say so).
        ...(u.bytes === undefined
          ? []
          : [`    hsi_ rm ${shq(u.path)} >/dev/null 2>&1 || rc="hsi rm exit $?"`, `    [ "$rc" != 0 ] || gone ${shq(u.path)} || rc="hsi rm exited 0, but the archive file is still on HPSS"`]),
        ...u.sidecars.map((s) => `    [ "$rc" != 0 ] || hsi_ rm ${shq(s)} >/dev/null 2>&1 || rc="hsi rm exit $?"`),
        // A delete that failed half-way stays planned: the next run finishes it (an index without its archive).
        `    if [ "$rc" = 0 ]; then say deleted ${id}; printf '%s\\n' ${shq(u.path)} >>"$DONE"; else say failed ${id} "$rc"; fi`,
        '  fi',
      );
    }
    lines.push('fi');
  });
  // A dry run leaves the plan the real run follows; a real run takes out of it what it deleted.
  if (input.dryRun) lines.push('mv -f -- "$NEWPLAN" "$PLAN"');
  else {
    lines.push(
      // The plan without the deleted paths (paths hold no spaces: hsi-safe), keeping its time: its age still counts from the dry run.
      'if [ -s "$DONE" ] && [ -f "$PLAN" ]; then',
      '  awk \'NR == FNR { d[$0] = 1; next } { p = $0; sub(/ [^ ]*$/, "", p) } !(p in d)\' "$DONE" "$PLAN" >"$NEWPLAN" && touch -r "$PLAN" -- "$NEWPLAN" && mv -f -- "$NEWPLAN" "$PLAN"',
      'fi',
      'rm -f -- "$NEWPLAN" "$DONE"',
    );
  }
  return lines.join('\n') + '\n';
}

export type UnitOutcome = 'ok' | 'unsafe' | 'deleted' | 'unplanned' | 'failed';

export function parsePruneOutput(stdout: string): Map<string, { outcome: UnitOutcome; why: string }> {
  const out = new Map<string, { outcome: UnitOutcome; why: string }>();
  for (const { verb, id, rest } of markerLines(stdout)) {
    if (verb === 'ok' || verb === 'unsafe' || verb === 'deleted' || verb === 'unplanned' || verb === 'failed') out.set(id, { outcome: verb, why: rest });
  }
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The modification time `hsi ls -l` shows (its layout is not documented, CONTRACTS.md §4.2): `2026-03-01 12:00`,
 * `Mar 01 2026`, or `Mar 01 12:00` (this year, or last year when that would be in the future). Read as UTC;
 * undefined when it is none of these (the archive's age is then unknown and it is kept).
 */
export function lsTime(text: string, now: Date): number | undefined {
  let m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}))?$/.exec(text.trim());
  if (m) return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0));
  m = /^([A-Z][a-z]{2}) +(\d{1,2}) +(?:(\d{4})|(\d{2}):(\d{2}))$/.exec(text.trim());
  const month = m?.[1] === undefined ? -1 : MONTHS.indexOf(m[1]);
  if (!m || month === -1) return undefined;
  if (m[3] !== undefined) return Date.UTC(Number(m[3]), month, Number(m[2]));
  const year = now.getUTCFullYear();
  const t = Date.UTC(year, month, Number(m[2]), Number(m[4]), Number(m[5]));
  return t > now.getTime() + 86_400_000 ? Date.UTC(year - 1, month, Number(m[2]), Number(m[4]), Number(m[5])) : t;
}
