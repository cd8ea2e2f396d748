/**
 * The bash scripts the hpss step runs on the HPSS host, and the readers of what they print. Every value
 * is single-quoted (`shq`), every hsi/htar call reads /dev/null (the script itself arrives on stdin, and a
 * tool reading stdin would eat the rest of it), and results come back as `@@splash …` marker lines, so the
 * TypeScript side decides what succeeded — not a grep in bash.
 */
import { randomBytes } from 'node:crypto';
import type { InventoryFile, PlannedBundle, PlannedSingle } from './plan.js';

/** Single-quote for bash: the only character that needs care inside '…' is ' itself. */
export function shq(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export const MARK = '@@splash';

/** Exit codes the scripts use for "cannot even start" (a missing folder is a config or input problem). */
export const EXIT_NO_FOLDER = 3;
export const EXIT_NO_DEST = 4;

function prologue(hsi: string, htar: string): string[] {
  return [
    'set -u -f', // no globbing: paths are data
    `HSI=${shq(hsi)}`,
    `HTAR=${shq(htar)}`,
    `say() { printf '${MARK} %s\\n' "$*"; }`,
    'hsi_() { "$HSI" -q "$@" </dev/null; }',
    'htar_() { "$HTAR" "$@" </dev/null; }',
  ];
}

function enter(dir: string): string {
  return `cd -- ${shq(dir)} 2>/dev/null || { echo "no such folder: "${shq(dir)} >&2; exit ${String(EXIT_NO_FOLDER)}; }`;
}

/** Sub-folders of `dir` with their modification times, NUL-separated: `<mtime seconds>\t<name>\0`. */
export function proposalsScript(dir: string): string {
  return [...prologue('hsi', 'htar'), enter(dir), "find . -mindepth 1 -maxdepth 1 -type d -printf '%T@\\t%P\\0'"].join('\n') + '\n';
}

/** Every entry under `dir`: `f\t<size>\t<mtime>\t<rel>\0` for files, `o\t<type>\t0\t<rel>\0` for the rest. */
export function inventoryScript(dir: string): string {
  return (
    [
      ...prologue('hsi', 'htar'),
      enter(dir),
      "find . -mindepth 1 \\( -type f -printf 'f\\t%s\\t%T@\\t%P\\0' \\) -o \\( ! -type d -printf 'o\\t%y\\t0\\t%P\\0' \\)",
    ].join('\n') + '\n'
  );
}

export interface InventoryEntry {
  readonly kind: 'file' | 'other';
  readonly rel: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** find's %y letter for non-files: l symlink, p fifo, s socket … */
  readonly type: string;
}

export function parseInventory(stdout: string): InventoryEntry[] {
  const entries: InventoryEntry[] = [];
  for (const record of stdout.split('\0')) {
    if (record === '') continue;
    const [kind, a = '', b = '', ...rest] = record.split('\t');
    const rel = rest.join('\t');
    if (kind === 'f') entries.push({ kind: 'file', rel, size: Number(a), mtimeMs: Math.round(Number(b) * 1000), type: 'f' });
    else if (kind === 'o') entries.push({ kind: 'other', rel, size: 0, mtimeMs: 0, type: a });
  }
  return entries;
}

export function parseProposals(stdout: string): { name: string; mtimeMs: number }[] {
  const out: { name: string; mtimeMs: number }[] = [];
  for (const record of stdout.split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    out.push({ name: record.slice(tab + 1), mtimeMs: Math.round(Number(record.slice(0, tab)) * 1000) });
  }
  return out;
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
}

/** A heredoc delimiter that no member name equals. */
function delimiter(members: readonly InventoryFile[]): string {
  for (;;) {
    const d = `SPLASH_MEMBERS_${randomBytes(6).toString('hex')}`;
    if (!members.some((m) => m.rel === d)) return d;
  }
}

/**
 * Create the destination folder level by level (as the original does; `mkdir -p` is not verified on
 * NERSC's hsi), write each bundle unless its index is already on HPSS (htar writes `<archive>.idx` only
 * after the archive was stored, so its presence means "complete"), put the single files with `cput`, and
 * list every result for verification.
 */
export function archiveScript(input: ArchiveScriptInput): string {
  const lines = [
    ...prologue(input.hsi, input.htar),
    `DEST=${shq(input.dest)}`,
    // Every hsi call is an HPSS session (seconds on the real system): look upwards from the folder for the
    // deepest one that exists (usually its parent), then create the missing levels one by one.
    'ensure_dir() {',
    '  local p="$1" missing=() d',
    '  while [ -n "$p" ] && ! hsi_ ls "$p" >/dev/null 2>&1; do missing=("$p" "${missing[@]}"); p="${p%/*}"; done',
    '  for d in "${missing[@]}"; do hsi_ mkdir "$d" || { say mkdir-failed; return 1; }; done',
    '}',
    'list() { say list-begin "$1"; htar_ -tvf "$2" 2>&1; say list-end "$1" "$?"; }',
    'lsl() { say list-begin "$1"; hsi_ ls -l "$2" 2>&1; say list-end "$1" "$?"; }',
    enter(input.source),
    `ensure_dir "$DEST" || exit ${String(EXIT_NO_DEST)}`,
    // One listing of the folder tells which archives are complete (their .idx is there).
    'have=$(hsi_ ls "$DEST" 2>&1)',
    // hsi lists in columns like ls; any word whose last path part is the index name counts (names are hsi-safe).
    `complete() { printf '%s\n' "$have" | awk -v n="$1.idx" '{ for (i = 1; i <= NF; i++) { f = $i; sub(/.*\\//, "", f); if (f == n) found = 1 } } END { exit !found }'; }`,
  ];
  input.bundles.forEach((b, i) => {
    const id = `b${String(i)}`;
    const d = delimiter(b.members);
    lines.push(
      `a="$DEST"/${shq(b.name)}`,
      `if complete ${shq(b.name)}; then say present ${id}; else`,
      `  l=$(mktemp "\${TMPDIR:-/tmp}/splash-htar.XXXXXX") || { say failed ${id} mktemp; l=; }`,
      '  if [ -n "$l" ]; then',
      `    cat >"$l" <<'${d}'`,
      ...b.members.map((m) => m.rel),
      d,
      '    htar_ -cf "$a" -L "$l"; rc=$?; rm -f -- "$l"',
      `    if [ "$rc" -eq 0 ]; then say written ${id}; else say failed ${id} "htar exit $rc"; fi`,
      '  fi',
      'fi',
      `list ${id} "$a"`,
    );
  });
  input.singles.forEach((s, i) => {
    const id = `s${String(i)}`;
    const slash = s.file.rel.lastIndexOf('/');
    const dir = slash === -1 ? '' : `/${s.file.rel.slice(0, slash)}`;
    lines.push(
      `t="$DEST"/${shq(s.file.rel)}`,
      `if ensure_dir "$DEST"${shq(dir)}; then`,
      // cput skips a file HPSS already holds (unless the local one is newer): report which case it was.
      '  if hsi_ ls "$t" >/dev/null 2>&1; then done=present; else done=written; fi',
      // ` : ` separates local from HPSS name; without it hsi reads two files (CONTRACTS.md §4.5).
      `  if hsi_ cput ${shq(s.file.rel)} : "$t"; then say "$done" ${id}; else say failed ${id} "hsi cput exit $?"; fi`,
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
}

/** Read the marker lines of an archive script run: one report per `b<i>` / `s<i>` id. */
export function parseArchiveOutput(stdout: string): Map<string, ItemReport> {
  const items = new Map<string, ItemReport>();
  const item = (id: string): ItemReport => {
    let r = items.get(id);
    if (!r) items.set(id, (r = { status: 'unknown', reason: '', listing: [], listingExit: undefined }));
    return r;
  };
  let listing: ItemReport | undefined;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(`${MARK} `)) {
      listing?.listing.push(line);
      continue;
    }
    const [verb = '', id = '', ...rest] = line.slice(MARK.length + 1).split(' ');
    if (verb === 'list-begin') listing = item(id);
    else if (verb === 'list-end') {
      item(id).listingExit = Number(rest[0]);
      listing = undefined;
    } else if (verb === 'written' || verb === 'present' || verb === 'failed') {
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
export function verifyBundleListing(listing: readonly string[], members: readonly InventoryFile[]): string[] {
  const seen = new Map<string, number>();
  let successful = false;
  for (const line of listing) {
    if (/^HTAR: HTAR SUCCESSFUL\s*$/.test(line)) successful = true;
    const m = /^HTAR: [-dlcbps][-rwxsStT]{9}\S*\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(.+)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) seen.set(m[2].replace(/^\.\//, ''), Number(m[1]));
  }
  const problems: string[] = [];
  if (!successful) problems.push('the listing did not end with HTAR SUCCESSFUL');
  for (const f of members) {
    const size = seen.get(f.rel);
    if (size === undefined) problems.push(`${f.rel} is not in the archive`);
    else if (size !== f.size) problems.push(`${f.rel} has ${String(size)} bytes in the archive, ${String(f.size)} on disk`);
  }
  return problems;
}

/** `hsi ls -l` has no documented column layout: accept a line that names the file and carries its size. */
export function verifySingleListing(listing: readonly string[], file: InventoryFile): string[] {
  const base = file.rel.slice(file.rel.lastIndexOf('/') + 1);
  const ok = listing.some((line) => {
    const words = line.trim().split(/\s+/);
    return words.at(-1)?.endsWith(base) === true && words.includes(String(file.size));
  });
  return ok ? [] : [`hsi ls -l does not show ${file.rel} with ${String(file.size)} bytes`];
}
