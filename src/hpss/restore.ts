/**
 * Getting data back from tape: what to fetch (a whole proposal, one archive, or single files; from the
 * newest archive holding each name), and the script that fetches it on the HPSS host.
 *
 * Every member name goes through the path gate before anything is extracted; a name it refuses (`../x`, an
 * absolute path) and every member that is not a regular file (symbolic and hard links, devices) is reported
 * and never asked of htar — htar extracts exactly the list it is given. Files are extracted into a private
 * folder of this run under the endpoint's `.splash/restore/`, checked there (a regular file; the size the
 * archive's listing gives; the BLAKE2b its manifest recorded, where it has one), and only then given their
 * final name with `ln` — which fails rather than replace anything. A name that exists already is compared:
 * the same bytes count as restored, different bytes are a conflict and stay as they are. No folder on the
 * way is followed through a symbolic link. An extraction that fails places nothing of that archive, so a
 * dropped connection or a failed job leaves no file under its final name; the re-run completes the rest.
 */
import { type TapeArchive, type TapeCatalog, type TapeMember, locations } from './catalog.js';
import { isHsiSafe } from './plan.js';
import { MARK, markerLines, toolLines } from './script-common.js';
import { delimiter } from './script.js';
import { gatePath, type RelPath } from '../paths.js';
import { shq } from '../shell.js';

/** How often a running restore refreshes the time of its private folders, and when another host's count as left behind. */
const HEARTBEAT_SECONDS = 600;
const STALE_MINUTES = 2 * 24 * 60;

/** The target folder cannot be made, or is reached through a symbolic link. */
export const EXIT_NO_TARGET = 7;

export interface RestoreFile {
  /** Relative to the proposal folder, through the path gate. */
  readonly rel: RelPath;
  readonly size: number;
  /** BLAKE2b from the archive's manifest, when it has one. */
  readonly checksum: string | undefined;
}

/** Files fetched together: the members of one archive (one htar -x), or one file stored on its own (hsi get). */
export type RestoreGroup =
  | { readonly kind: 'archive'; readonly archive: TapeArchive; readonly files: readonly (RestoreFile & { readonly stored: string })[] }
  | { readonly kind: 'single'; readonly path: string; readonly file: RestoreFile };

export interface RestorePlan {
  readonly groups: readonly RestoreGroup[];
  /** Names on tape that are not restored, and why (hostile names, links, damaged archives). */
  readonly refused: readonly { readonly rel: string; readonly why: string }[];
  /** Asked for but not on tape. */
  readonly missing: readonly string[];
}

export interface RestoreSelection {
  /** Archive names (`BLS-00564_2026-1.tar`); empty with no files: everything. */
  readonly archives: readonly string[];
  /** File paths relative to the proposal folder, gated. */
  readonly files: readonly RelPath[];
}

function memberProblem(m: TapeMember): string | undefined {
  switch (m.type) {
    case 'file':
      return undefined;
    case 'hardlink':
      return `a hard link to ${JSON.stringify(m.link ?? '?')} in the archive (restore that name)`;
    case 'symlink':
      return `a symbolic link in the archive${m.link === undefined ? '' : ` (to ${JSON.stringify(m.link)})`}; links are not restored`;
    default:
      return 'not a regular file in the archive';
  }
}

/** Decide what a restore fetches, and refuse (with reasons) everything it must not write. */
export function planRestore(catalog: TapeCatalog, sel: RestoreSelection): RestorePlan {
  const refused: { rel: string; why: string }[] = [];
  const missing: string[] = [];
  const where = locations(catalog);
  // Archives asked for by name: all their members, even names a later part also holds.
  const picked = new Map<string, { archive: TapeArchive; member: TapeMember }[]>();
  const singles: { path: string; file: RestoreFile }[] = [];
  const take = (archive: TapeArchive, member: TapeMember): void => {
    picked.set(archive.name, [...(picked.get(archive.name) ?? []), { archive, member }]);
  };
  for (const name of sel.archives) {
    const archive = catalog.archives.find((a) => a.name === name);
    if (!archive) missing.push(name);
    else if (!archive.indexed || archive.listingProblem !== '') refused.push({ rel: name, why: archive.indexed ? archive.listingProblem : 'no index: the archive was never completed' });
    else for (const m of archive.members) if (m.type !== 'dir') take(archive, m);
  }
  const everything = sel.archives.length === 0 && sel.files.length === 0;
  const wanted = everything ? [...where.keys()] : sel.files;
  for (const rel of wanted) {
    const loc = where.get(rel);
    if (!loc) missing.push(rel);
    else if (loc.kind === 'member') take(loc.archive, loc.member);
    // hsi get would expand a pattern in the name (`*` fetches what it matches) or split it at a space.
    else if (!isHsiSafe(loc.file.path)) refused.push({ rel, why: 'stored on its own under a name hsi would read as a pattern or split: fetch it by hand' });
    else {
      // A file stored alone is named by the HPSS listing: the same gate as an archive member's name.
      let gated: RelPath;
      try {
        gated = gatePath(rel, { field: 'file stored alone on tape' });
      } catch (err) {
        refused.push({ rel, why: err instanceof Error ? err.message : String(err) });
        continue;
      }
      singles.push({ path: loc.file.path, file: { rel: gated, size: loc.file.size, checksum: undefined } });
    }
  }
  if (everything) {
    for (const a of catalog.archives) if (a.indexed && a.listingProblem !== '') refused.push({ rel: a.name, why: `its listing cannot be read: ${a.listingProblem}` });
  }
  const groups: RestoreGroup[] = [];
  for (const members of picked.values()) {
    const archive = members[0]?.archive;
    if (!archive) continue;
    const files: (RestoreFile & { stored: string })[] = [];
    const seen = new Set<string>();
    for (const { member } of members) {
      if (seen.has(member.stored)) continue;
      seen.add(member.stored);
      const problem = memberProblem(member);
      if (problem) {
        refused.push({ rel: member.rel, why: `${problem} (${archive.name})` });
        continue;
      }
      let rel: RelPath;
      try {
        rel = gatePath(member.rel, { field: `member of ${archive.name}` });
      } catch (err) {
        // A name that could write outside the target (../x, /etc/x) or confuse a tool: never extracted.
        refused.push({ rel: member.rel, why: err instanceof Error ? err.message : String(err) });
        continue;
      }
      files.push({ rel, stored: member.stored, size: member.size, checksum: archive.manifest?.get(member.rel) });
    }
    if (files.length > 0) groups.push({ kind: 'archive', archive, files });
  }
  for (const s of singles) groups.push({ kind: 'single', path: s.path, file: s.file });
  return { groups, refused, missing };
}

export interface RestoreScriptInput {
  readonly hsi: string;
  readonly htar: string;
  /** The restore endpoint's root (on the HPSS host) and the proposal folder under it. */
  readonly root: string;
  readonly proposal: RelPath;
  readonly plan: RestorePlan;
}

/** judge(): files have, sums, table — say same/conflict for names already there; the rest into need and list. */
const JUDGE_AWK = [
  'FILENAME == ARGV[1] { type[$3] = $2; size[$3] = $1; next }',
  'FILENAME == ARGV[2] { i = index($0, "  "); sum[substr($0, i + 2)] = substr($0, 1, i - 1); next }',
  '{ d = P $4',
  '  if (d in type) {',
  '    if (type[d] !~ /^regular/) { print M " conflict " $1 " not a regular file"; next }',
  '    if (size[d] != $2) { print M " conflict " $1 " " size[d] " bytes"; next }',
  '    if ($3 != "-") { if (sum[d] == $3) print M " same " $1; else print M " conflict " $1 " other content"; next }',
  '  }',
  '  print $1 "\\t" $2 "\\t" $3 "\\t" $4 > need; print $5 > list }',
].join('\n');

/** place(): the fetched copies' lstat and sums, and need — say failed for bad copies; `dir TAB id TAB rel` of good ones. */
const CHECK_AWK = [
  'FILENAME == ARGV[1] { type[$3] = $2; size[$3] = $1; next }',
  'FILENAME == ARGV[2] { i = index($0, "  "); sum[substr($0, i + 2)] = substr($0, 1, i - 1); next }',
  '{ d = P $4',
  '  if (!(d in type) || type[d] !~ /^regular/) { print M " failed " $1 " not extracted as a regular file"; next }',
  '  if (size[d] != $2) { print M " failed " $1 " " size[d] " bytes extracted, " $2 " in the listing"; next }',
  '  if ($3 != "-" && sum[d] != $3) { print M " failed " $1 " checksum does not match the archive manifest"; next }',
  '  dir = $4; if (sub(/\\/[^\\/]*$/, "", dir) == 0) dir = "."',
  '  print dir "\\t" $1 "\\t" $4 > good }',
].join('\n');

/** place(): folders refused, inodes of copy and final name, bydir — say restored (same inode) or failed; others to compare. */
const LINKED_AWK = [
  'FILENAME == ARGV[1] { bad[$0] = 1; next }',
  'FILENAME == ARGV[2] { ino[$3] = $1; type[$3] = $2; next }',
  '{ if ($1 in bad) { print M " failed " $2 " cannot make its folder"; next }',
  '  a = A $3; b = B $3',
  '  if ((a in ino) && (b in ino) && ino[a] == ino[b]) { print M " restored " $2; next }',
  '  if (b in ino) { print $2 "\\t" $3 > cmpf; next }',
  '  print M " failed " $2 " cannot link into place" }',
].join('\n');

/**
 * The bash functions every restore script shares (see the module comment for what they guarantee). They work
 * on a group's table (`id TAB size TAB checksum|- TAB rel TAB stored name`, one line per file; the path gate
 * refuses tabs and newlines in names) in batches — one stat and one b2sum per batch, one ln per folder —
 * because a process per file costs more than the extraction itself.
 */
const FUNCTIONS = [
  "TAB=$(printf '\\t')",
  // Create <base>/<rel> level by level; a symbolic link or a non-folder on the way is refused.
  'mkin() {',
  '  local p=$1 part IFS=/',
  '  for part in $2; do',
  '    p="$p/$part"',
  '    if [ -L "$p" ]; then echo "$p is a symbolic link: not followed" >&2; return 1; fi',
  '    [ -e "$p" ] || mkdir -- "$p" 2>/dev/null || [ -d "$p" ] || return 1',
  '    if [ -L "$p" ] || [ ! -d "$p" ]; then echo "$p is not a folder" >&2; return 1; fi',
  '  done',
  '}',
  // lstat (a link is a link) of paths read from stdin: `size TAB type TAB path`; a missing path prints nothing.
  `lstats() { xargs -d '\\n' -r stat --printf='%s\\t%F\\t%n\\n' -- 2>/dev/null; }`,
  `sums() { xargs -d '\\n' -r b2sum -- 2>/dev/null; }`,
  // Which files of the table are at their final name already: the same (said), a conflict (said), or unknown
  // without a checksum (fetched, then compared); the rest is fetched. Writes $W/need and $W/list.
  'judge() {',
  '  awk -F "$TAB" -v P="$T/" \'{ print P $4 }\' "$W/table" | lstats >"$W/have"',
  '  awk -F "$TAB" -v P="$T/" \'FILENAME == ARGV[1] { if ($2 ~ /^regular/) r[$3] = 1; next } $3 != "-" && ((P $4) in r) { print P $4 }\' "$W/have" "$W/table" | sums >"$W/havesum"',
  `  awk -F "$TAB" -v P="$T/" -v M=${shq(MARK)} -v need="$W/need" -v list="$W/list" '${JUDGE_AWK}' "$W/have" "$W/havesum" "$W/table"`,
  '}',
  // Check the fetched copies (a regular file, the listing's size, the manifest's checksum), give the good ones
  // their names with one `ln -t` per folder (ln never replaces a file), and say what became of each: a name
  // that is the same inode as the copy is restored; another file there is compared.
  'place() {',
  '  awk -F "$TAB" -v P="$X/" \'{ print P $4 }\' "$W/need" | lstats >"$W/got"',
  '  awk -F "$TAB" -v P="$X/" \'$3 != "-" { print P $4 }\' "$W/need" | sums >"$W/gotsum"',
  `  awk -F "$TAB" -v P="$X/" -v M=${shq(MARK)} -v good="$W/good" '${CHECK_AWK}' "$W/got" "$W/gotsum" "$W/need"`,
  '  [ -s "$W/good" ] || return 0',
  // No set-user-ID, set-group-ID or sticky bit from tape: a program restored with them would run as whoever
  // restores (a collaboration account; root keeps them where tar extracts as root).
  '  awk -F "$TAB" -v P="$X/" \'{ print P $3 }\' "$W/good" | xargs -d \'\\n\' -r chmod -- ug-s,o-t 2>/dev/null',
  '  sort -t "$TAB" -k1,1 -s "$W/good" >"$W/bydir"',
  '  : >"$W/baddir"',
  '  cut -f1 "$W/bydir" | uniq | while IFS= read -r dir; do',
  '    if [ "$dir" = . ] || mkin "$T" "$dir"; then',
  '      awk -F "$TAB" -v d="$dir" -v P="$X/" \'$1 == d { print P $3 }\' "$W/bydir" | xargs -d \'\\n\' -r ln -t "$T/$dir" -- 2>/dev/null',
  '    else printf \'%s\\n\' "$dir" >>"$W/baddir"; fi',
  '  done',
  `  awk -F "$TAB" -v A="$X/" -v B="$T/" '{ print A $3; print B $3 }' "$W/bydir" | xargs -d '\\n' -r stat --printf='%d:%i\\t%F\\t%n\\n' -- 2>/dev/null >"$W/ino"`,
  `  awk -F "$TAB" -v A="$X/" -v B="$T/" -v M=${shq(MARK)} -v cmpf="$W/cmp" '${LINKED_AWK}' "$W/baddir" "$W/ino" "$W/bydir"`,
  '  [ -s "$W/cmp" ] || return 0',
  '  while IFS="$TAB" read -r id rel; do',
  '    if [ -f "$T/$rel" ] && [ ! -L "$T/$rel" ] && cmp -s -- "$X/$rel" "$T/$rel"; then say same "$id"; else say conflict "$id" other content; fi',
  '  done <"$W/cmp"',
  '}',
  // A private folder per fetch under <root>/.splash/restore (never inside a data folder); gone on every exit.
  // Members go to its x/, the tables beside it: no member name can meet them.
  'ME=$(hostname -s 2>/dev/null || echo host)',
  'WS=()',
  // A restore from tape can run for days, and a run on another host (each Slurm job may land elsewhere) cannot be
  // asked whether it is alive: this run's folders say so by their time, refreshed while it lives.
  // (sleep in the background and wait: a trapped TERM ends the wait at once, and the sleep with it.)
  `( s=; trap 'kill $s 2>/dev/null; exit 0' TERM; while kill -0 $$ 2>/dev/null; do find "$SPOOL" -mindepth 1 -maxdepth 1 -name "$ME.$$.*" -exec touch -c -- {} + 2>/dev/null; sleep ${String(HEARTBEAT_SECONDS)} & s=$!; wait "$s"; done ) </dev/null >/dev/null 2>&1 &`,
  'HB=$!',
  'cleanup() { local w; kill "$HB" 2>/dev/null; for w in ${WS[@]+"${WS[@]}"}; do rm -rf -- "$w"; done; }',
  'trap cleanup EXIT',
  "trap 'exit 129' HUP",
  "trap 'exit 141' PIPE",
  "trap 'exit 143' TERM",
  "trap 'exit 130' INT",
  'workdir() {',
  '  W=$(mktemp -d "$SPOOL/$ME.$$.XXXXXX") || return 1',
  '  WS+=("$W"); X="$W/x"',
  '  mkdir -- "$X"',
  '}',
];

/**
 * One script for the whole restore. Marker lines report each file: `restored <id>`, `same <id>` (already
 * there with the same bytes), `conflict <id> <why>`, `failed <id> <why>`; `fetch-end <group> <rc>` each fetch.
 */
export function restoreScript(input: RestoreScriptInput): string {
  const lines = [
    'set -u -f',
    ...toolLines(input.hsi, input.htar),
    `ROOT=${shq(input.root)}`,
    `T=${shq(`${input.root === '/' ? '' : input.root}/${input.proposal}`)}`,
    'SPOOL="$ROOT/.splash/restore"',
    ...FUNCTIONS,
    `[ -d "$ROOT" ] || { echo "no folder $ROOT" >&2; exit ${String(EXIT_NO_TARGET)}; }`,
    `mkin "$ROOT" ${shq(input.proposal)} && mkin "$ROOT" .splash/restore || exit ${String(EXIT_NO_TARGET)}`,
    // Folders of runs that died are removed: on this host, when their process is gone (a live one is kept however
    // old: its tape recall may take days); from another host, when their time was not refreshed for two days.
    'set +f',
    'for old in "$SPOOL"/*; do',
    '  [ -d "$old" ] && [ ! -L "$old" ] || continue',
    '  n=${old##*/}; h=${n%%.*}; r=${n#*.}; p=${r%%.*}',
    `  if [ "$h" = "$ME" ]; then kill -0 "$p" 2>/dev/null || rm -rf -- "$old"; elif [ -n "$(find "$old" -maxdepth 0 -mmin +${String(STALE_MINUTES)} 2>/dev/null)" ]; then rm -rf -- "$old"; fi`,
    'done',
    'set -f',
  ];
  let n = 0;
  input.plan.groups.forEach((g, gi) => {
    const group = `g${String(gi)}`;
    const files = g.kind === 'archive' ? g.files : [{ ...g.file, stored: g.file.rel }];
    const rows = files.map((f) => `f${String(n++)}\t${String(f.size)}\t${f.checksum ?? '-'}\t${f.rel}\t${f.stored}`);
    const d = delimiter('SPLASH_TABLE', rows);
    lines.push(
      `# ${group}: ${g.kind === 'archive' ? g.archive.path : g.path}`,
      `if ! workdir; then say fetch-end ${group} mktemp; else`,
      `  cat >"$W/table" <<'${d}'`,
      ...rows,
      d,
      '  judge',
      '  if [ -s "$W/need" ]; then',
      g.kind === 'archive'
        ? `    (cd -- "$X" && htar_ -xf ${shq(g.archive.path)} -L "$W/list") | frame; rc=\${PIPESTATUS[0]}`
        : `    { mkin "$X" ${shq(g.file.rel.includes('/') ? g.file.rel.slice(0, g.file.rel.lastIndexOf('/')) : '')} && hsi_ get "$X/"${shq(g.file.rel)} : ${shq(g.path)}; } | frame; rc=\${PIPESTATUS[0]}`,
      `    say fetch-end ${group} "$rc"`,
      // A failed fetch places nothing: what it left in the private folder may be cut short.
      '    if [ "$rc" -eq 0 ]; then place; else cut -f1 "$W/need" | while IFS= read -r id; do say failed "$id" fetch failed; done; fi',
      '  fi',
      '  rm -rf -- "$W"',
      'fi',
    );
  });
  return lines.join('\n') + '\n';
}

export type RestoreStatus = 'restored' | 'same' | 'conflict' | 'failed' | 'not run';

export interface RestoreReport {
  /** Per file id (f0, f1, … in plan order): what happened and why. */
  readonly files: Map<string, { status: RestoreStatus; why: string }>;
  /** Per group id: the exit code of its fetch. */
  readonly fetches: Map<string, string>;
}

export function parseRestoreOutput(stdout: string): RestoreReport {
  const files = new Map<string, { status: RestoreStatus; why: string }>();
  const fetches = new Map<string, string>();
  for (const { verb, id, rest } of markerLines(stdout)) {
    if (verb === 'fetch-end') fetches.set(id, rest);
    else if (verb === 'restored' || verb === 'same' || verb === 'conflict' || verb === 'failed') files.set(id, { status: verb, why: rest });
  }
  return { files, fetches };
}

/** The files of a plan in the order the script numbers them. */
export function planFiles(plan: RestorePlan): { id: string; group: string; file: RestoreFile; from: string }[] {
  let n = 0;
  return plan.groups.flatMap((g, gi) => {
    const files = g.kind === 'archive' ? g.files : [g.file];
    return files.map((file) => ({ id: `f${String(n++)}`, group: `g${String(gi)}`, file, from: g.kind === 'archive' ? g.archive.name : g.path }));
  });
}
