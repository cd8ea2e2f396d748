/**
 * Getting data back from tape: what to fetch (a whole proposal, one archive, or single files; from the
 * newest archive holding each name), and the script that fetches it on the HPSS host.
 *
 * Every member name goes through the path gate before anything is extracted; a name it refuses (`../x`, an
 * absolute path) and every member that is not a regular file (symbolic and hard links, devices) is reported
 * and never asked of htar — htar extracts exactly the list it is given. Files are extracted into a private
 * folder of this run under the endpoint's `.splash/restore/`, checked there (a regular file; the size the
 * archive's listing gives; the SHA-256 its manifest recorded, where it has one), and only then given their
 * final name with `ln` — which fails rather than replace anything. A name that exists already is compared:
 * the same bytes count as restored, different bytes are a conflict and stay as they are. No folder on the
 * way is followed through a symbolic link. An extraction that fails places nothing of that archive, so a
 * dropped connection or a failed job leaves no file under its final name; the re-run completes the rest.
 */
import { type TapeArchive, type TapeCatalog, type TapeMember, locations } from './catalog.js';
import { MARK, toolLines } from './script-common.js';
import { gatePath, type RelPath } from '../paths.js';
import { shq } from '../shell.js';

/** The target folder cannot be made, or is reached through a symbolic link. */
export const EXIT_NO_TARGET = 7;

export interface RestoreFile {
  /** Relative to the proposal folder, through the path gate. */
  readonly rel: RelPath;
  readonly size: number;
  /** SHA-256 from the archive's manifest, when it has one. */
  readonly sha256: string | undefined;
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
    else singles.push({ path: loc.file.path, file: { rel: rel as RelPath, size: loc.file.size, sha256: undefined } });
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
      files.push({ rel, stored: member.stored, size: member.size, sha256: archive.manifest?.get(member.rel) });
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

/** The bash functions every restore script shares (see the module comment for what they guarantee). */
const FUNCTIONS = [
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
  'sum() { sha256sum -- "$1" | cut -d" " -f1; }',
  // The same bytes as the archive's: its listing's size, and the manifest's checksum where there is one.
  'matches() { [ -f "$1" ] && [ ! -L "$1" ] && [ "$(stat -c %s -- "$1")" = "$2" ] && { [ "$3" = - ] || [ "$(sum "$1")" = "$3" ]; }; }',
  // A file already at its final name: same (nothing to fetch), conflict, or unknown (fetch it and compare).
  'already() {',
  '  local d="$T/$2"',
  '  [ -e "$d" ] || [ -L "$d" ] || return 1',
  '  if [ -L "$d" ] || [ ! -f "$d" ]; then say conflict "$1" not a regular file; return 0; fi',
  '  if [ "$(stat -c %s -- "$d")" != "$3" ]; then say conflict "$1" "$(stat -c %s -- "$d")" bytes; return 0; fi',
  '  if [ "$4" != - ]; then if [ "$(sum "$d")" = "$4" ]; then say same "$1"; else say conflict "$1" other content; fi; return 0; fi',
  '  return 1',
  '}',
  // Check the extracted copy, then give it its name: ln never replaces an existing file.
  'place() {',
  '  local id=$1 src="$X/$2" dst="$T/$2" dir',
  '  if ! matches "$src" "$3" "$4"; then',
  '    if [ ! -f "$src" ] || [ -L "$src" ]; then say failed "$id" not extracted as a regular file',
  '    elif [ "$(stat -c %s -- "$src")" != "$3" ]; then say failed "$id" "$(stat -c %s -- "$src")" bytes extracted, "$3" in the listing',
  '    else say failed "$id" checksum does not match the archive manifest; fi',
  '    return',
  '  fi',
  '  dir=${2%/*}; [ "$dir" = "$2" ] && dir=',
  '  if [ -n "$dir" ] && ! mkin "$T" "$dir"; then say failed "$id" cannot make its folder; return; fi',
  '  if ln -- "$src" "$dst" 2>/dev/null; then rm -f -- "$src"; say restored "$id"; return; fi',
  '  if [ -f "$dst" ] && [ ! -L "$dst" ] && cmp -s -- "$src" "$dst"; then say same "$id"',
  '  elif [ -e "$dst" ] || [ -L "$dst" ]; then say conflict "$id" other content',
  '  else say failed "$id" cannot link into place; fi',
  '}',
  // A private folder per fetch under <root>/.splash/restore (never inside a data folder); gone on every exit.
  // Members go to its x/, the member list beside it: no member name can meet the list.
  'WS=()',
  'cleanup() { local w; for w in ${WS[@]+"${WS[@]}"}; do rm -rf -- "$w"; done; }',
  "trap cleanup EXIT",
  "trap 'exit 129' HUP",
  "trap 'exit 143' TERM",
  "trap 'exit 130' INT",
  'workdir() {',
  '  W=$(mktemp -d "$SPOOL/$(hostname -s 2>/dev/null || echo host).$$.XXXXXX") || return 1',
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
    // Folders of runs that died (this host: their process is gone; anywhere: two days old): removed.
    'for old in "$SPOOL"/*; do',
    '  [ -d "$old" ] && [ ! -L "$old" ] || continue',
    '  n=${old##*/}; h=${n%%.*}; r=${n#*.}; p=${r%%.*}',
    '  if { [ "$h" = "$(hostname -s 2>/dev/null || echo host)" ] && ! kill -0 "$p" 2>/dev/null; } || [ -n "$(find "$old" -maxdepth 0 -mmin +2880 2>/dev/null)" ]; then rm -rf -- "$old"; fi',
    'done',
  ];
  // The loop above globs: allowed for that line only.
  lines.splice(lines.indexOf('for old in "$SPOOL"/*; do'), 0, 'set +f');
  lines.push('set -f');
  let n = 0;
  input.plan.groups.forEach((g, gi) => {
    const group = `g${String(gi)}`;
    const files = g.kind === 'archive' ? g.files : [{ ...g.file, stored: g.file.rel }];
    const ids = files.map(() => `f${String(n++)}`);
    const spec = (f: RestoreFile): string => `${shq(f.rel)} ${String(f.size)} ${f.sha256 ?? '-'}`;
    lines.push(`# ${group}: ${g.kind === 'archive' ? g.archive.path : g.path}`, 'need=()');
    files.forEach((f, i) => {
      lines.push(`already ${ids[i] ?? ''} ${spec(f)} || need+=(${String(i)})`);
    });
    lines.push(`if [ \${#need[@]} -gt 0 ]; then`, `  if ! workdir; then say fetch-end ${group} mktemp; else`);
    if (g.kind === 'archive') {
      lines.push(
        '  names=(',
        ...files.map((f) => `    ${shq(f.stored)}`),
        '  )',
        '  for i in "${need[@]}"; do printf \'%s\\n\' "${names[$i]}"; done >"$W/list"',
        `  (cd -- "$X" && htar_ -xf ${shq(g.archive.path)} -L "$W/list"); rc=$?`,
      );
    } else {
      lines.push(`  mkin "$X" ${shq(g.file.rel.includes('/') ? g.file.rel.slice(0, g.file.rel.lastIndexOf('/')) : '')} && hsi_ get "$X/"${shq(g.file.rel)} : ${shq(g.path)}; rc=$?`);
    }
    lines.push(
      `  say fetch-end ${group} "$rc"`,
      // A failed fetch places nothing: what it left in the private folder may be cut short.
      '  if [ "$rc" -eq 0 ]; then',
      '    for i in "${need[@]}"; do',
      '      case $i in',
      ...files.map((f, i) => `        ${String(i)}) place ${ids[i] ?? ''} ${spec(f)} ;;`),
      '      esac',
      '    done',
      '  else',
      `    for i in "\${need[@]}"; do say failed "f$((i + ${String(n - files.length)}))" fetch failed; done`,
      '  fi',
      '  rm -rf -- "$W"',
      '  fi',
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
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(`${MARK} `)) continue;
    const [verb = '', id = '', ...rest] = line.slice(MARK.length + 1).split(' ');
    if (verb === 'fetch-end') fetches.set(id, rest.join(' '));
    else if (verb === 'restored' || verb === 'same' || verb === 'conflict' || verb === 'failed') files.set(id, { status: verb, why: rest.join(' ') });
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
