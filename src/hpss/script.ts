/**
 * The bash scripts the hpss step runs on the HPSS host, and the readers of what they print. Every value
 * is single-quoted (`shq`), every hsi/htar call reads /dev/null (the script itself arrives on stdin, and a
 * tool reading stdin would eat the rest of it), and results come back as `@@splash …` marker lines, so the
 * TypeScript side decides what succeeded — not a grep in bash.
 */
import { createHash } from 'node:crypto';
import { stepError } from '../errors.js';
import { shq } from '../shell.js';
import type { InventoryFile, PlannedBundle, PlannedSingle } from './plan.js';
import { catalogLines } from './catalog.js';
import { framed, MARK, toolLines } from './script-common.js';

export { MARK } from './script-common.js';

/** Exit codes the scripts use for "cannot even start". */
export const EXIT_NO_FOLDER = 3;
export const EXIT_NO_DEST = 4;
/** The destination could not be listed, so which archives are complete is unknown: nothing was written. */
export const EXIT_NO_LISTING = 5;
/** The folder exists but cannot be entered (permissions): its stderr says why. */
export const EXIT_CANNOT_ENTER = 6;

/**
 * First and last record of a NUL-separated listing. A login shell may print to stdout before the script
 * runs (a module system's banner in .bashrc); anything before BEGIN is not ours, and without END the
 * listing was cut short.
 */
const BEGIN = '@@splash-begin';
const END = '@@splash-end';

const PROLOGUE = 'set -u -f'; // no globbing: paths are data

function enter(dir: string): string {
  // "Missing" and "not allowed in" are different problems: only the first is a wrong path.
  return [
    `[ -d ${shq(dir)} ] || { echo "no such folder: "${shq(dir)} >&2; exit ${String(EXIT_NO_FOLDER)}; }`,
    `cd -- ${shq(dir)} || exit ${String(EXIT_CANNOT_ENTER)}`,
  ].join('\n');
}

/**
 * Sub-folders of `dir` with the modification time of the newest file anywhere below each (a folder's own
 * mtime does not change when a file deep inside it does): `d\t<seconds>\t<name>\0`; entries that are not
 * folders as `o\t<type>\t0\t<name>\0`.
 */
export function proposalsScript(dir: string): string {
  return (
    [
      PROLOGUE,
      enter(dir),
      `printf '${BEGIN}\\0'`,
      "find . -mindepth 1 -maxdepth 1 ! -type d -printf 'o\\t%y\\t0\\t%P\\0'",
      "find . -mindepth 1 -maxdepth 1 -type d -printf '%P\\0' | while IFS= read -r -d '' d; do",
      "  newest=$(find \"./$d\" -type f -printf '%T@\\n' 2>/dev/null | sort -n | tail -n 1)",
      "  printf 'd\\t%s\\t%s\\0' \"${newest:-0}\" \"$d\"",
      'done',
      `printf '${END}\\0'`,
    ].join('\n') + '\n'
  );
}

/**
 * Every entry under `dir`: `f\t<size>\t<mtime>\t<rel>\0` for files, `h\t<size>\t<mtime>\t<dev:inode>\t<rel>\0`
 * for files with more than one name (hard links), `o\t<type>\t0\t<rel>\0` for the rest.
 */
function inventoryLines(dir: string): string[] {
  return [
    enter(dir),
    `printf '${BEGIN}\\0'`,
    "find . -mindepth 1 \\( -type f -links +1 -printf 'h\\t%s\\t%T@\\t%D:%i\\t%P\\0' \\) -o \\( -type f -printf 'f\\t%s\\t%T@\\t%P\\0' \\) -o \\( ! -type d -printf 'o\\t%y\\t0\\t%P\\0' \\) || exit",
    `printf '${END}\\0'`,
  ];
}

export function inventoryScript(dir: string): string {
  return [PROLOGUE, ...inventoryLines(dir)].join('\n') + '\n';
}

/**
 * What a proposal's archive run needs to know, in one run of the host: the files of the proposal folder
 * (as inventoryScript), then what is on tape in its HPSS folder (catalog.ts).
 */
export function surveyScript(hsi: string, htar: string, source: string, dest: string): string {
  return [PROLOGUE, ...toolLines(hsi, htar), ...inventoryLines(source), "printf '\\n'", ...catalogLines(dest)].join('\n') + '\n';
}

/** The text after the inventory's end marker (where a survey's catalog part is). */
export function afterListing(stdout: string): string {
  const at = stdout.lastIndexOf(`\0${END}\0`);
  return at === -1 ? '' : stdout.slice(at + END.length + 2);
}

export interface InventoryEntry {
  /** file: a regular file; folder: a proposal folder (proposals script); other: anything else. */
  readonly kind: 'file' | 'folder' | 'other';
  readonly rel: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** find's %y letter for non-files: l symlink, p fifo, s socket … */
  readonly type: string;
  /** `<dev>:<inode>` of a file with more than one name (a hard link). */
  readonly linkKey?: string;
}

/** The records between BEGIN and END; an unknown record or a missing END is an error, never skipped. */
export function parseListing(stdout: string): InventoryEntry[] {
  const records = stdout.split('\0');
  const begin = records.findIndex((r) => r === BEGIN || r.endsWith(`\n${BEGIN}`));
  const end = records.lastIndexOf(END);
  if (begin === -1 || end < begin) throw stepError('the listing from the HPSS host is incomplete (no begin/end marker)', 'run again; if it persists, check the host');
  const entries: InventoryEntry[] = [];
  for (const record of records.slice(begin + 1, end)) {
    const [kind = '', a = '', ...rest] = record.split('\t');
    if (kind === 'f' && rest.length >= 2) {
      const [b = '', ...name] = rest;
      const seconds = Number(b);
      const rel = name.join('\t');
      if (/^\d+$/.test(a) && Number.isFinite(seconds) && rel !== '') {
        entries.push({ kind: 'file', rel, size: Number(a), mtimeMs: Math.round(seconds * 1000), type: 'f' });
        continue;
      }
    } else if (kind === 'h' && rest.length >= 3) {
      const [b = '', key = '', ...name] = rest;
      const seconds = Number(b);
      const rel = name.join('\t');
      if (/^\d+$/.test(a) && Number.isFinite(seconds) && /^\d+:\d+$/.test(key) && rel !== '') {
        entries.push({ kind: 'file', rel, size: Number(a), mtimeMs: Math.round(seconds * 1000), type: 'f', linkKey: key });
        continue;
      }
    } else if (kind === 'd' && rest.length >= 1) {
      const rel = rest.join('\t');
      if (Number.isFinite(Number(a)) && a !== '' && rel !== '') {
        entries.push({ kind: 'folder', rel, size: 0, mtimeMs: Math.round(Number(a) * 1000), type: 'd' });
        continue;
      }
    } else if (kind === 'o' && rest.length >= 2) {
      const rel = rest.slice(1).join('\t');
      if (rel !== '') {
        entries.push({ kind: 'other', rel, size: 0, mtimeMs: 0, type: a });
        continue;
      }
    }
    throw stepError(`unreadable record in the listing from the HPSS host: ${JSON.stringify(record.slice(0, 120))}`, 'nothing was archived; check the host');
  }
  return entries;
}

export interface ArchiveScriptInput {
  readonly hsi: string;
  readonly htar: string;
  /** The proposal folder on the host. */
  readonly source: string;
  /** The HPSS folder the archives go to (hsi-safe, checked by the caller). */
  readonly dest: string;
  readonly bundles: readonly PlannedBundle[];
  readonly singles: readonly PlannedSingle[];
  /** Read every new archive back from tape against its index and CRCs (`htar -K`), not only its listing. */
  readonly verifyContent: boolean;
}

/**
 * A heredoc delimiter that no member name equals. Derived from the names (not random), so the same plan is
 * the same script: a Slurm transport finds a job still running for it by name.
 */
export function delimiter(prefix: string, names: readonly string[]): string {
  const taken = new Set(names);
  const base = `${prefix}_${createHash('sha256').update(names.join('\n')).digest('hex').slice(0, 12)}`;
  let d = base;
  for (let i = 1; taken.has(d); i++) d = `${base}_${String(i)}`;
  return d;
}

/**
 * Create the destination folder level by level (as the original does; `mkdir -p` is not verified on
 * NERSC's hsi), write each bundle unless its index is already on HPSS (htar writes `<archive>.idx` only
 * after the archive was stored, so its presence means "complete"), put the single files with `cput`, and
 * list every result for verification: the index with `htar -tvf` and the archive file with `hsi ls -l`.
 */
export function archiveScript(input: ArchiveScriptInput): string {
  const lines = [
    PROLOGUE,
    ...toolLines(input.hsi, input.htar),
    `DEST=${shq(input.dest)}`,
    // Every hsi call is an HPSS session (seconds on the real system): look upwards from the folder for the
    // deepest one that exists (usually its parent), then create the missing levels one by one.
    'ensure_dir() {',
    '  local p="$1" missing=() d',
    // ${a[@]+"${a[@]}"}: an empty array under set -u, also on bash before 4.4.
    '  while [ -n "$p" ] && ! hsi_ ls "$p" >/dev/null 2>&1; do missing=("$p" ${missing[@]+"${missing[@]}"}); p="${p%/*}"; done',
    '  for d in ${missing[@]+"${missing[@]}"}; do hsi_ mkdir "$d" || { say mkdir-failed; return 1; }; done',
    '}',
    'list() { say list-begin "$1"; htar_ -tvf "$2" 2>&1 | frame; say list-end "$1" "${PIPESTATUS[0]}"; }',
    // inode, size, mtime, ctime and name of each file in a list (names hold no tabs: the path gate).
    `stamps() { xargs -d '\\n' -r -a "$1" stat --printf='%i\\t%s\\t%y\\t%z\\t%n\\n' -- 2>&1; }`,
    'lsl() { say list-begin "$1"; hsi_ ls -l "$2" 2>&1 | frame; say list-end "$1" "${PIPESTATUS[0]}"; }',
    enter(input.source),
    `ensure_dir "$DEST" || exit ${String(EXIT_NO_DEST)}`,
    // One listing of the folder tells which archives are complete. If it fails, which ones are is unknown,
    // and writing would overwrite complete archives: stop before anything is written.
    `have=$(hsi_ ls "$DEST" 2>&1) || { echo "cannot list $DEST: $have" >&2; exit ${String(EXIT_NO_LISTING)}; }`,
    // hsi lists in columns like ls; a word whose last path part is the name counts (names are hsi-safe).
    `listed() { printf '%s\\n' "$have" | awk -v n="$1" '{ for (i = 1; i <= NF; i++) { f = $i; sub(/.*\\//, "", f); if (f == n) found = 1 } } END { exit !found }'; }`,
  ];
  const crc = input.verifyContent ? ' -Hcrc' : '';
  input.bundles.forEach((b, i) => {
    const id = `b${String(i)}`;
    const d = delimiter('SPLASH_MEMBERS', b.members.map((m) => m.rel));
    lines.push(
      `n=${shq(b.name)}; a="$DEST/$n"`,
      // An archive without its index was never finished: htar -c writes it again (it cannot append). One that
      // the listing shows without an index is looked at directly first, in case the listing was incomplete.
      `if listed "$n.idx" || { listed "$n" && hsi_ ls "$a.idx" >/dev/null 2>&1; }; then say present ${id}; else`,
      `  l=$(mktemp "\${TMPDIR:-/tmp}/splash-htar.XXXXXX") || { say failed ${id} mktemp; l=; }`,
      '  if [ -n "$l" ]; then',
      `    cat >"$l" <<'${d}'`,
      ...b.members.map((m) => m.rel),
      d,
      // The checksum manifest is read from the same files while htar reads them (a second reader, in parallel):
      // a restore checks each file against it, a tape prune each copy. Stored only with a complete archive.
      // Each member's inode, size, mtime and ctime before and after: a file written to while htar and b2sum read it
      // leaves an archive that holds neither version (or another one than the manifest), which must not count as complete.
      '    stamps "$l" >"$l.before"',
      '    xargs -d "\\n" -a "$l" b2sum -- >"$l.b2sum" 2>/dev/null & mp=$!',
      `    htar_ -cf "$a"${crc} -L "$l" | frame; rc=\${PIPESTATUS[0]}`,
      '    wait "$mp"; mrc=$?',
      '    stamps "$l" >"$l.after"',
      '    if [ "$rc" = 0 ] && ! cmp -s -- "$l.before" "$l.after"; then',
      '      ch=$(awk \'NR == FNR { b[FNR] = $0; next } $0 != b[FNR]\' "$l.before" "$l.after" | cut -f5 | head -n 3 | paste -sd , -)',
      // Without its index the archive is an interrupted write, never used: the next run archives the files as they are then.
      `      if hsi_ rm "$a.idx" >/dev/null 2>&1; then say failed ${id} "changed while it was archived: $ch (its index was removed, so it counts as an interrupted write: the next run archives its files again)"; else say failed ${id} "changed while it was archived: $ch, and its index could not be removed: remove $a.idx by hand"; fi`,
      '      rc=changed',
      `    elif [ "$rc" = 0 ]; then say written ${id}; else say failed ${id} "htar exit $rc"; fi`,
      '    if [ "$rc" = 0 ]; then',
      `      if [ "$mrc" -eq 0 ] && hsi_ put "$l.b2sum" : "$a.b2sum" >/dev/null 2>&1; then say manifest ${id} ok; else say manifest ${id} "b2sum exit $mrc or hsi put failed"; fi`,
      // The sums come back too: the tape locations in SciCat carry each file's checksum.
      `      say sums-begin ${id}; frame 2>/dev/null <"$l.b2sum"; say sums-end ${id} 0`,
      '    fi',
      '    rm -f -- "$l" "$l.b2sum" "$l.before" "$l.after"',
      '  fi',
      'fi',
      `list ${id} "$a"`,
      ...(input.verifyContent ? [`say check-begin ${id}`, 'htar_ -K -Hverify=crc -f "$a" 2>&1 | frame', `say check-end ${id} "\${PIPESTATUS[0]}"`] : []),
    );
  });
  // The archive files themselves, all in one folder: one session lists them all.
  if (input.bundles.length > 0) lines.push('lsl bf "$DEST"');
  input.singles.forEach((s, i) => {
    const id = `s${String(i)}`;
    const slash = s.file.rel.lastIndexOf('/');
    const dir = slash === -1 ? '' : `/${s.file.rel.slice(0, slash)}`;
    lines.push(
      `t="$DEST"/${shq(s.file.rel)}`,
      `if ensure_dir "$DEST"${shq(dir)}; then`,
      // Never replaced: cput would overwrite a file HPSS holds when the one on disk is newer — and a file cut short
      // or damaged on disk is newer. One there already is verified as it is (archive.ts): of another size it stays,
      // since it may be the only good copy.
      `  if hsi_ ls "$t" >/dev/null 2>&1; then say present ${id}`,
      // ` : ` separates local from HPSS name; without it hsi reads two files (CONTRACTS.md §4.5).
      `  elif hsi_ cput ${shq(s.file.rel)} : "$t"; then say written ${id}; else say failed ${id} "hsi cput exit $?"; fi`,
      `else say failed ${id} mkdir; fi`,
      `lsl ${id} "$t"`,
    );
  });
  return lines.join('\n') + '\n';
}

export interface ItemReport {
  /** written: stored by this run; present: already complete on HPSS; failed: with the tool's reason. */
  status: 'written' | 'present' | 'failed' | 'unknown';
  reason: string;
  listing: string[];
  listingExit: number | undefined;
  /** 'ok', or why the checksum manifest was not stored; '' when none was attempted. */
  manifest: string;
  /** The manifest's lines (`<BLAKE2b>  <member>`), when one was stored. */
  sums: string[];
  /** `htar -K` output and exit, when content verification ran. */
  check: string[];
  checkExit: number | undefined;
}

/** Read the marker lines of an archive script run: one report per `b<i>` / `s<i>` id, and `bf` (the folder). */
export function parseArchiveOutput(stdout: string): Map<string, ItemReport> {
  const items = new Map<string, ItemReport>();
  const item = (id: string): ItemReport => {
    let r = items.get(id);
    if (!r) items.set(id, (r = { status: 'unknown', reason: '', listing: [], listingExit: undefined, manifest: '', sums: [], check: [], checkExit: undefined }));
    return r;
  };
  let into: string[] | undefined;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(`${MARK} `)) {
      const text = framed(line);
      if (text !== undefined) into?.push(text);
      continue;
    }
    const [verb = '', id = '', ...rest] = line.slice(MARK.length + 1).split(' ');
    if (verb === 'list-begin') into = item(id).listing;
    else if (verb === 'check-begin') into = item(id).check;
    else if (verb === 'sums-begin') into = item(id).sums;
    else if (verb === 'sums-end') into = undefined;
    else if (verb === 'list-end' || verb === 'check-end') {
      item(id)[verb === 'list-end' ? 'listingExit' : 'checkExit'] = Number(rest[0]);
      into = undefined;
    } else if (verb === 'manifest') item(id).manifest = rest.join(' ');
    else if (verb === 'written' || verb === 'present' || verb === 'failed') {
      const r = item(id);
      r.status = verb;
      r.reason = rest.join(' ');
    }
  }
  return items;
}

/**
 * Check an htar -tvf listing against the planned members: each member present with its size. Lines look
 * like `HTAR: -rw-r--r--  alsdev/als  1048576 2024-03-01 10:22  path`; the exact columns are not documented
 * (CONTRACTS.md §4.3), so the size is the first number after owner/group and the path is what follows the
 * date and time. Returns what is wrong, empty when all is well.
 */
export function verifyBundleListing(listing: readonly string[], listingExit: number | undefined, members: readonly InventoryFile[]): string[] {
  const seen = new Map<string, number>();
  let successful = false;
  for (const line of listing) {
    if (/^HTAR: HTAR SUCCESSFUL\s*$/.test(line)) successful = true;
    const m = /^HTAR: [-dlcbpsh][-rwxsStT]{9}\S*\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(.+)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) seen.set(m[2].replace(/^\.\//, ''), Number(m[1]));
  }
  const problems: string[] = [];
  if (listingExit !== 0) problems.push(`htar -tvf exited ${String(listingExit)}`);
  if (!successful) problems.push('the listing has no HTAR SUCCESSFUL line');
  for (const f of members) {
    const size = seen.get(f.rel);
    if (size === undefined) problems.push(`${f.rel} is not in the archive`);
    else if (size !== f.size) problems.push(`${f.rel} has ${String(size)} bytes in the archive, ${String(f.size)} on disk`);
  }
  return problems;
}

const MONTH = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)$/;

/**
 * The size in an `ls -l`-style line for `name`: the number right before the date (a month name or
 * YYYY-MM-DD). `hsi ls -l` has no documented layout (CONTRACTS.md §4.2) and may carry extra columns, so
 * position counts from the date, not from the start. Undefined when no line for the name has one.
 */
export function lsSize(listing: readonly string[], name: string): number | undefined {
  for (const line of listing) {
    const words = line.trim().split(/\s+/);
    if (words.length < 3 || words.at(-1)?.split('/').at(-1) !== name) continue;
    const date = words.findIndex((w) => MONTH.test(w) || /^\d{4}-\d{2}-\d{2}$/.test(w));
    const size = date > 0 ? words[date - 1] : undefined;
    if (size !== undefined && /^\d+$/.test(size)) return Number(size);
  }
  return undefined;
}

/** A file on HPSS as `hsi ls -l` shows it, against the size it must have (exactly, or at least). */
export function verifyLsListing(listing: readonly string[], listingExit: number | undefined, name: string, bytes: number, atLeast = false): string[] {
  if (listingExit !== 0) return [`hsi ls -l of ${name} exited ${String(listingExit)}`];
  const size = lsSize(listing, name);
  if (size === undefined) return [`${name} is not on HPSS (hsi ls -l does not list it with a size)`];
  if (atLeast ? size < bytes : size !== bytes) return [`${name} has ${String(size)} bytes on HPSS, ${atLeast ? 'at least ' : ''}${String(bytes)} expected`];
  return [];
}
