/**
 * What is on tape for one proposal: its HPSS folder listed once (`hsi ls -l -R`), every htar archive in it
 * listed from its index (`htar -tvf`, no tape recall), and the checksum manifest this system stores next to
 * each archive it writes (`<archive>.b2sum`). One script, so the listing, the archive step, the restore and
 * the tape prune all read the same facts the same way, and a Slurm transport needs one job for it.
 *
 * The bash side only decides what to list (the `.tar` names in the folder's own listing); what the listings
 * mean — which archives are complete, which members they hold, which lines could not be read — is decided
 * here. A line this parser cannot read is kept as a problem, never skipped: a prune must not delete on a
 * listing it only half understood.
 */
import { type BeamCycle, compareCycles } from './cycle.js';
import { framed, MARK, toolLines } from './script-common.js';
import { shq } from '../shell.js';

/** A member as `htar -tvf` lists it. */
export interface TapeMember {
  /** The name, without a leading "./" (not yet through the path gate: an archive may hold anything). */
  readonly rel: string;
  /** The name exactly as stored, which is what htar -x must be asked for. */
  readonly stored: string;
  readonly size: number;
  /** file, hardlink (a second name of a file stored before it), symlink, dir, other. */
  readonly type: 'file' | 'hardlink' | 'symlink' | 'dir' | 'other';
  /** Link target for hardlink and symlink members. */
  readonly link: string | undefined;
}

export interface TapeArchive {
  /** `BLS-00564_2026-1_part1.tar` */
  readonly name: string;
  /** Full HPSS path. */
  readonly path: string;
  /** From the name, when it is `<proposal>_<YYYY>-<cycle>[_part<N>].tar`. */
  readonly cycle: BeamCycle | undefined;
  readonly part: number | undefined;
  /** Size of the archive file (hsi ls -l); undefined when only its index is there. */
  readonly bytes: number | undefined;
  readonly modified: string;
  /** htar writes `<archive>.idx` only once the archive is stored: without it the archive is incomplete. */
  readonly indexed: boolean;
  readonly members: readonly TapeMember[];
  /** Why the member listing cannot be trusted ('' when it was whole). */
  readonly listingProblem: string;
  /** rel → BLAKE2b-512 of each member, from `<archive>.b2sum`; undefined when there is none (older archives). */
  readonly manifest: ReadonlyMap<string, string> | undefined;
  readonly manifestProblem: string;
}

/** A file stored on its own (hsi cput): too large for htar or a path too long for a tar header. */
export interface TapeFile {
  /** Relative to the proposal's HPSS folder. */
  readonly rel: string;
  readonly path: string;
  readonly size: number;
  readonly modified: string;
}

export interface TapeCatalog {
  readonly dest: string;
  /** False when the folder is not on HPSS at all (nothing archived yet). */
  readonly exists: boolean;
  readonly archives: readonly TapeArchive[];
  readonly singles: readonly TapeFile[];
  /** Lines of the folder listing that could not be read, and listings that failed. */
  readonly problems: readonly string[];
}

/** htar's own consistency file, listed with every archive and never data. */
const CONSISTENCY_FILE = /^\/tmp\/HTAR_CF_CHK_\d+_\d+$/;

/**
 * The catalog part of a script: the folder listed recursively, then every `.tar` (or lone `.tar.idx`) in it
 * with `htar -tvf`, and every `.tar.b2sum` manifest with `hsi get`, each framed by marker lines naming its
 * full HPSS path. Needs `toolLines` before it (HSI, HTAR, say, hsi_, htar_).
 */
export function catalogLines(base: string): string[] {
  return [
    `CDEST=${shq(base)}`,
    `say catalog-begin`,
    'cout=$(hsi_ ls -l -R "$CDEST" 2>&1); crc=$?',
    'say ls-begin',
    `printf '%s\\n' "$cout" | frame`,
    'say ls-end "$crc"',
    'if [ "$crc" -eq 0 ]; then',
    // Every name with its folder ("<dir>:" headers before each block): the last word of each line.
    `  call=$(printf '%s\\n' "$cout" | awk '/^\\/[^ ]*:$/ { d = substr($0, 1, length($0) - 1); next } d != "" && NF > 0 { n = $NF; sub(/.*\\//, "", n); print d "/" n }')`,
    // An index without its archive is listed too (htar reads the index): the archive file is then found missing.
    `  for cn in $(printf '%s\\n' "$call" | sed -n 's,\\.tar\\.idx$,.tar,; /\\.tar$/p' | sort -u); do`,
    '    say tar-begin "$cn"; htar_ -tvf "$cn" 2>&1 | frame; say tar-end "$cn" "${PIPESTATUS[0]}"',
    '  done',
    `  for cn in $(printf '%s\\n' "$call" | sed -n '/\\.tar\\.b2sum$/p'); do`,
    `    cm=$(mktemp "\${TMPDIR:-/tmp}/splash-manifest.XXXXXX") || { say man-end "\${cn%.b2sum}" 99; continue; }`,
    '    say man-begin "${cn%.b2sum}"',
    '    if hsi_ get "$cm" : "$cn" >/dev/null 2>&1; then frame <"$cm"; cr=$?; else cr=$?; fi',
    '    rm -f -- "$cm"; say man-end "${cn%.b2sum}" "$cr"',
    '  done',
    'fi',
    'say catalog-end',
  ];
}

export function catalogScript(hsi: string, htar: string, dest: string): string {
  return ['set -u -f', ...toolLines(hsi, htar), ...catalogLines(dest)].join('\n') + '\n';
}

const MONTH = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)$/;

interface LsEntry {
  readonly dir: string;
  readonly name: string;
  readonly type: string;
  readonly size: number;
  readonly modified: string;
}

/** An `ls -l`-style line: type from the mode, size right before the date, name the last word (hsi-safe names). */
export function lsEntry(line: string, dir: string): LsEntry | undefined {
  const words = line.trim().split(/\s+/);
  if (words.length < 4) return undefined;
  const mode = words[0] ?? '';
  if (!/^[-dlcbps][-rwxsStT]{9}/.test(mode)) return undefined;
  const date = words.findIndex((w, i) => i > 0 && (MONTH.test(w) || /^\d{4}-\d{2}-\d{2}$/.test(w)));
  const size = date > 0 ? words[date - 1] : undefined;
  if (size === undefined || !/^\d+$/.test(size)) return undefined;
  const name = words.at(-1) ?? '';
  const modified = words.slice(date, -1).join(' ');
  return { dir, name: name.slice(name.lastIndexOf('/') + 1), type: mode.charAt(0), size: Number(size), modified };
}

/** An htar -tvf member line; undefined for lines that are not members. */
export function memberLine(line: string): TapeMember | undefined {
  const m = /^HTAR: ([-dlhcbps])[-rwxsStT]{9}\S*\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(.+)$/.exec(line);
  if (!m?.[1] || m[2] === undefined || m[3] === undefined) return undefined;
  const size = Number(m[2]);
  let name = m[3];
  let link: string | undefined;
  let type: TapeMember['type'] = 'other';
  if (m[1] === '-') type = 'file';
  else if (m[1] === 'd') type = 'dir';
  else if (m[1] === 'h') {
    type = 'hardlink';
    const at = name.indexOf(' link to ');
    if (at !== -1) [name, link] = [name.slice(0, at), name.slice(at + 9)];
  } else if (m[1] === 'l') {
    type = 'symlink';
    const at = name.indexOf(' -> ');
    if (at !== -1) [name, link] = [name.slice(0, at), name.slice(at + 4)];
  }
  return { rel: name.replace(/^(\.\/)+/, ''), stored: name, size, type, link };
}

/** `<proposal>_<YYYY>-<cycle>[_part<N>].tar`: the names this system and the original one give archives. */
export function archiveNameParts(name: string, proposal: string): { cycle: BeamCycle; part: number } | undefined {
  if (!name.startsWith(`${proposal}_`)) return undefined;
  const m = /^(\d{4})-([12])(?:_part(\d+))?\.tar$/.exec(name.slice(proposal.length + 1));
  if (!m) return undefined;
  return { cycle: { year: Number(m[1]), cycle: m[2] === '1' ? 1 : 2 }, part: m[3] === undefined ? 0 : Number(m[3]) };
}

/** Archives in the order a later one supersedes an earlier one: by cycle, then part; others by name last. */
export function archiveOrder(a: TapeArchive, b: TapeArchive): number {
  if (a.cycle && b.cycle) return compareCycles(a.cycle, b.cycle) || (a.part ?? 0) - (b.part ?? 0);
  if (a.cycle) return -1;
  if (b.cycle) return 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** b2sum lines, names as given (the path gate refuses the backslash and newline b2sum would escape). */
export function parseManifest(lines: readonly string[]): { map: Map<string, string>; problem: string } {
  const map = new Map<string, string>();
  for (const line of lines) {
    if (line === '') continue;
    const m = /^([0-9a-f]{128}) [ *](.+)$/.exec(line);
    if (!m?.[1] || m[2] === undefined) return { map, problem: `unreadable manifest line ${JSON.stringify(line.slice(0, 100))}` };
    map.set(m[2].replace(/^\.\//, ''), m[1]);
  }
  return { map, problem: '' };
}

/** Is this hsi output the "no such path" answer (the folder is simply not there yet)? */
export const isMissing = (text: string): boolean => /HPSS_ENOENT|No such file or directory/.test(text);

/** What a catalog run saw below its base: every archive (in any folder) and every file stored on its own. */
export interface TapeTree {
  readonly base: string;
  readonly exists: boolean;
  readonly archives: readonly TapeArchive[];
  /** Full-path files that are neither archives nor their sidecars (`rel` relative to the base). */
  readonly singles: readonly TapeFile[];
  readonly problems: readonly string[];
}

/**
 * Read the catalog part of a script's output. A `.tar` is an archive when it has its index or is named like one
 * (`<folder>_<YYYY>-<cycle>[_part<N>].tar`, an interrupted write); any other file — a user's own `data.tar`
 * stored on its own included — is a single file.
 */
export function parseCatalogTree(stdout: string, base: string): TapeTree {
  const lines = stdout.split('\n');
  const problems: string[] = [];
  const begin = lines.indexOf(`${MARK} catalog-begin`);
  const end = lines.indexOf(`${MARK} catalog-end`);
  if (begin === -1 || end < begin) {
    return { base, exists: false, archives: [], singles: [], problems: ['the catalog of the HPSS folder is incomplete (no begin/end marker)'] };
  }
  let lsText: string[] = [];
  let lsExit: number | undefined;
  const tars = new Map<string, { lines: string[]; exit: number | undefined }>();
  const manifests = new Map<string, { lines: string[]; exit: number | undefined }>();
  let into: string[] | undefined;
  for (const line of lines.slice(begin + 1, end)) {
    if (!line.startsWith(`${MARK} `)) {
      const text = framed(line);
      if (text !== undefined) into?.push(text);
      continue;
    }
    const [verb = '', a = '', b = ''] = line.slice(MARK.length + 1).split(' ');
    if (verb === 'ls-begin') into = lsText = [];
    else if (verb === 'ls-end') [lsExit, into] = [Number(a), undefined];
    else if (verb === 'tar-begin') tars.set(a, { lines: (into = []), exit: undefined });
    else if (verb === 'tar-end') {
      const t = tars.get(a);
      if (t) t.exit = Number(b);
      into = undefined;
    } else if (verb === 'man-begin') manifests.set(a, { lines: (into = []), exit: undefined });
    else if (verb === 'man-end') {
      const m = manifests.get(a) ?? { lines: [], exit: undefined };
      m.exit = Number(b);
      manifests.set(a, m);
      into = undefined;
    }
  }
  if (lsExit !== 0) {
    const text = lsText.join('\n');
    if (isMissing(text)) return { base, exists: false, archives: [], singles: [], problems: [] };
    return { base, exists: false, archives: [], singles: [], problems: [`hsi ls of ${base} failed (exit ${String(lsExit)}): ${text.trim().split('\n').slice(-2).join(' | ').slice(0, 300)}`] };
  }

  // The listing: "<dir>:" headers, then one ls -l line per entry.
  const entries: LsEntry[] = [];
  let dir: string | undefined;
  for (const line of lsText) {
    const header = /^(\/\S*):$/.exec(line);
    if (header?.[1] !== undefined) {
      dir = header[1];
      continue;
    }
    if (line.trim() === '') continue;
    const e = dir === undefined ? undefined : lsEntry(line, dir);
    if (e) entries.push(e);
    else problems.push(`unreadable line in the listing of ${base}: ${JSON.stringify(line.slice(0, 120))}`);
  }
  const files = new Map(entries.filter((e) => e.type === '-').map((e) => [`${e.dir}/${e.name}`, e]));
  const archivePaths = new Set<string>();
  for (const [path, e] of files) {
    if (path.endsWith('.tar.idx')) archivePaths.add(path.slice(0, -4));
    else if (path.endsWith('.tar') && (files.has(`${path}.idx`) || archiveNameParts(e.name, e.dir.slice(e.dir.lastIndexOf('/') + 1)))) archivePaths.add(path);
  }
  const archives: TapeArchive[] = [];
  for (const path of archivePaths) {
    const folder = path.slice(0, path.lastIndexOf('/'));
    const name = path.slice(folder.length + 1);
    const file = files.get(path);
    const indexed = files.has(`${path}.idx`);
    const parts = archiveNameParts(name, folder.slice(folder.lastIndexOf('/') + 1));
    let members: TapeMember[] = [];
    let listingProblem = '';
    if (indexed) {
      const t = tars.get(path);
      if (t === undefined) listingProblem = 'its index was not listed';
      else {
        members = t.lines.map(memberLine).filter((m): m is TapeMember => m !== undefined && !CONSISTENCY_FILE.test(m.rel));
        if (t.exit !== 0) listingProblem = `htar -tvf exited ${String(t.exit)}: ${t.lines.filter((l) => l.trim() !== '').slice(-2).join(' | ').slice(0, 300)}`;
        else if (!t.lines.some((l) => /^HTAR: HTAR SUCCESSFUL\s*$/.test(l))) listingProblem = 'the listing has no HTAR SUCCESSFUL line';
        // Every line htar prints starts with "HTAR: "; one that does not is the rest of a member name with a line
        // break, and the line before it names a member that is not there: which members it holds is unknown.
        else if (t.lines.some((l) => l.trim() !== '' && !l.startsWith('HTAR: '))) listingProblem = `a line of its listing is not htar's (a member name with a line break?): ${JSON.stringify(t.lines.find((l) => l.trim() !== '' && !l.startsWith('HTAR: '))?.slice(0, 80))}`;
      }
    } else listingProblem = 'no index: the archive was never completed';
    let manifest: Map<string, string> | undefined;
    let manifestProblem = '';
    if (files.has(`${path}.b2sum`)) {
      const man = manifests.get(path);
      if (man?.exit === 0) {
        const parsed = parseManifest(man.lines);
        manifest = parsed.map;
        manifestProblem = parsed.problem;
      } else manifestProblem = `its checksum manifest could not be read (exit ${String(man?.exit)})`;
    }
    // An index without its archive (an interrupted prune) dates from its index.
    const modified = file?.modified ?? files.get(`${path}.idx`)?.modified ?? '';
    archives.push({ name, path, cycle: parts?.cycle, part: parts?.part, bytes: file?.size, modified, indexed, members, listingProblem, manifest, manifestProblem });
  }
  archives.sort((a, b) => (a.path.slice(0, a.path.lastIndexOf('/')) < b.path.slice(0, b.path.lastIndexOf('/')) ? -1 : a.path.slice(0, a.path.lastIndexOf('/')) > b.path.slice(0, b.path.lastIndexOf('/')) ? 1 : archiveOrder(a, b)));
  const sidecar = (p: string): boolean => archivePaths.has(p) || (p.endsWith('.idx') && archivePaths.has(p.slice(0, -4))) || (p.endsWith('.b2sum') && archivePaths.has(p.slice(0, -6)));
  const singles: TapeFile[] = [...files]
    .filter(([p]) => !sidecar(p) && p.startsWith(`${base}/`))
    .map(([p, e]) => ({ rel: p.slice(base.length + 1), path: p, size: e.size, modified: e.modified }))
    .sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { base, exists: true, archives, singles, problems };
}

/** The catalog of one proposal folder: its archives (the ones directly in it) and its single files. */
export function parseCatalog(stdout: string, dest: string): TapeCatalog {
  const tree = parseCatalogTree(stdout, dest);
  const archives = tree.archives.filter((a) => a.path === `${dest}/${a.name}`);
  return { dest, exists: tree.exists, archives, singles: tree.singles, problems: tree.problems };
}

/** Where a member of the proposal is on tape: the newest archive holding it (a later part supersedes), or a single file. */
export type TapeLocation =
  | { readonly kind: 'member'; readonly archive: TapeArchive; readonly member: TapeMember }
  | { readonly kind: 'single'; readonly file: TapeFile };

/** Every file name of the proposal on tape, with the place a restore takes it from. */
export function locations(catalog: TapeCatalog): Map<string, TapeLocation> {
  const out = new Map<string, TapeLocation>();
  for (const archive of catalog.archives) {
    if (!archive.indexed || archive.listingProblem !== '') continue;
    for (const member of archive.members) if (member.type !== 'dir') out.set(member.rel, { kind: 'member', archive, member });
  }
  for (const file of catalog.singles) if (!out.has(file.rel)) out.set(file.rel, { kind: 'single', file });
  return out;
}
