/**
 * Archive one proposal folder to HPSS. One run of the host surveys both sides (the folder's files, and what
 * is on tape for it: catalog.ts); every file already in a complete archive with its size is covered, and the
 * archives holding them are verified as they are — also those the original system wrote, packed in another
 * order or split into other parts. What is not covered (a new proposal, or files that arrived after their
 * cycle was archived) is planned into new archives (plan.ts), after the highest part on tape, written by a
 * second run (script.ts) and verified against HPSS's own listing. Nothing on tape is ever rewritten: an
 * archive cannot be appended to, and it may hold the only copy of files deleted from disk since.
 */
import type { HPSSEndpoint, TransferEndpoint } from '../endpoints.js';
import { pathError, stepError } from '../errors.js';
import { gatePath, joinInside, type RelPath } from '../paths.js';
import type { StepContext } from '../run/context.js';
import { formatBytes } from '../run/format.js';
import { displayName } from '../text.js';
import { type TapeArchive, type TapeCatalog, parseCatalog, parseManifest } from './catalog.js';
import { type BeamCycle, cycleKey } from './cycle.js';
import { lastLines, type TapeHost } from './host.js';
import { type ArchivePlan, type InventoryFile, isHsiSafe, planArchive } from './plan.js';
import {
  afterListing,
  archiveScript,
  EXIT_CANNOT_ENTER,
  EXIT_NO_DEST,
  EXIT_NO_FOLDER,
  EXIT_NO_LISTING,
  type ItemReport,
  lsSize,
  parseArchiveOutput,
  parseListing,
  surveyScript,
  verifyBundleListing,
  verifyLsListing,
} from './script.js';

export interface ArchiveTarget {
  /** Holds the data; its root_path is a folder on the HPSS host. */
  readonly from: TransferEndpoint;
  readonly to: HPSSEndpoint;
  /** Archives go to <to.root_path>/<beamlineId>/<proposal path>. */
  readonly beamlineId: string;
  readonly timeZone: string;
  readonly bundleMaxBytes: number;
  /** Read every new archive back from tape (htar -K with CRCs), not only its index. */
  readonly verifyContent: boolean;
}

export type ItemStatus = 'written' | 'already on HPSS' | 'failed' | 'planned';

export interface ArchivedItem {
  /** Path on HPSS. */
  readonly path: string;
  /** htar archive, or a file stored on its own with hsi. */
  readonly kind: 'archive' | 'single';
  /** Beam cycle key for archives named by cycle; '' for single files and other archives. */
  readonly cycle: string;
  readonly files: number;
  readonly bytes: number;
  /** The proposal's files on disk this item holds, by their name in it (for the tape location in SciCat). */
  readonly members: readonly InventoryFile[];
  status: ItemStatus;
  /** Why it failed. */
  problem: string;
  /** A checksum manifest is stored with it (restores and tape prunes check content, not only sizes). */
  checksums: boolean;
  /** Its members' BLAKE2b-512 from that manifest, by member name. */
  sums?: ReadonlyMap<string, string> | undefined;
}

export interface ProposalResult {
  readonly proposal: RelPath;
  readonly dest: string;
  readonly items: ArchivedItem[];
  /** Files not archived and why (names the path gate refuses, files neither htar nor hsi can take): the step fails. */
  readonly notArchived: { rel: string; why: string }[];
  /** Entries that are not data files (symbolic links, fifos): logged, not archived, not an error. */
  readonly ignored: { rel: string; why: string }[];
  plan: ArchivePlan | undefined;
  /** Set when the proposal could not be archived at all. */
  error: string;
}

/** The HPSS folder for a proposal; refused when hsi could misread it. */
export function destinationOf(target: { readonly to: HPSSEndpoint; readonly beamlineId: string }, proposal: RelPath): string {
  const dest = joinInside(target.to.root_path, gatePath(`${target.beamlineId}/${proposal}`, { field: 'proposal' }));
  if (!isHsiSafe(dest)) {
    throw pathError(
      `proposal ${displayName(proposal)}: the HPSS path ${displayName(dest)} has characters hsi cannot take safely`,
      'HPSS folder and proposal names may hold letters, digits and . _ , + = @ % -',
    );
  }
  return dest;
}

export interface ArchiveOptions {
  readonly dryRun: boolean;
  /** The last cycle archived; files of later (running) cycles wait. */
  readonly upTo: BeamCycle;
}

/** The proposal's name: the last part of its path, the prefix of its archives' names. */
export const proposalName = (proposal: string): string => proposal.slice(proposal.lastIndexOf('/') + 1);

/** Problems of an archive already on tape, judged as it is: a whole listing, and an archive file that can hold its members. */
export function archiveProblems(a: TapeArchive): string[] {
  if (!a.indexed) return ['no index: the archive was never completed'];
  if (a.listingProblem !== '') return [a.listingProblem];
  const bytes = a.members.reduce((n, m) => n + m.size, 0);
  if (a.bytes === undefined) return [`${a.name} is not on HPSS (only its index is)`];
  if (a.bytes < bytes) return [`${a.name} has ${String(a.bytes)} bytes on HPSS, less than its ${String(bytes)} bytes of members`];
  return [];
}

/** What the survey says about the folder: files (gated), what is not a file, and what cannot be archived. */
function readFiles(result: ProposalResult, stdout: string): InventoryFile[] {
  const files: InventoryFile[] = [];
  const links = new Map<string, string[]>();
  for (const entry of parseListing(stdout)) {
    if (entry.kind !== 'file') {
      result.ignored.push({ rel: entry.rel, why: entry.type === 'l' ? 'symbolic link (not followed)' : `not a regular file (find type ${entry.type})` });
      continue;
    }
    try {
      const rel = gatePath(entry.rel, { field: 'file' });
      if (entry.linkKey !== undefined) links.set(entry.linkKey, [...(links.get(entry.linkKey) ?? []), rel]);
      files.push({ rel, size: entry.size, mtimeMs: entry.mtimeMs });
    } catch (err) {
      result.notArchived.push({ rel: entry.rel, why: err instanceof Error ? err.message : String(err) });
    }
  }
  // htar stores every name of a file after the first as a link of size 0: refused up front, not half-archived.
  const refused = new Set<string>();
  for (const names of links.values()) {
    if (names.length < 2) continue;
    for (const rel of names) {
      refused.add(rel);
      result.notArchived.push({
        rel,
        why: `hard link: the same data as ${names.filter((n) => n !== rel).map((n) => displayName(n)).join(', ')} (htar would store all but one name as a link of size 0); make them separate files (cp) or remove the extra names, then run again`,
      });
    }
  }
  return files.filter((f) => !refused.has(f.rel));
}

/** Which files are on tape already (same name and size in a complete archive, or stored alone), and which are not. */
function reconcile(ctx: StepContext, result: ProposalResult, files: readonly InventoryFile[], catalog: TapeCatalog): { uncovered: InventoryFile[]; covered: Map<TapeArchive, InventoryFile[]>; singles: { file: InventoryFile; path: string }[] } {
  const onTape = new Map<string, TapeArchive[]>();
  for (const a of catalog.archives) {
    if (archiveProblems(a).length > 0) continue;
    for (const m of a.members) if (m.type === 'file') onTape.set(m.rel, [...(onTape.get(m.rel) ?? []), a]);
  }
  const covered = new Map<TapeArchive, InventoryFile[]>();
  const singles: { file: InventoryFile; path: string }[] = [];
  const uncovered: InventoryFile[] = [];
  for (const f of files) {
    const archives = onTape.get(f.rel) ?? [];
    const same = [...archives].reverse().find((a) => a.members.some((m) => m.rel === f.rel && m.size === f.size));
    if (same) {
      covered.set(same, [...(covered.get(same) ?? []), f]);
      continue;
    }
    const single = catalog.singles.find((s) => s.rel === f.rel);
    if (single?.size === f.size) {
      singles.push({ file: f, path: single.path });
      continue;
    }
    const before = archives.at(-1);
    if (before) ctx.warn(`${displayName(`${result.proposal}/${f.rel}`)} changed since it was archived in ${before.name} (${String(before.members.find((m) => m.rel === f.rel)?.size)} bytes there, ${String(f.size)} now): the new version goes into a new archive; both stay on tape`);
    uncovered.push(f);
  }
  return { uncovered, covered, singles };
}

export async function archiveProposal(ctx: StepContext, host: TapeHost, target: ArchiveTarget, proposal: RelPath, opts: ArchiveOptions): Promise<ProposalResult> {
  const dest = destinationOf(target, proposal);
  const source = joinInside(target.from.root_path, proposal);
  const result: ProposalResult = { proposal, dest, items: [], notArchived: [], ignored: [], plan: undefined, error: '' };
  const where = host.label;
  const { hsi, htar } = target.to;

  // 1. What is there, as the HPSS host sees it, on disk and on tape.
  const surveyed = await host.run(surveyScript(hsi, htar, source, dest), 'survey');
  if (surveyed.code === EXIT_NO_FOLDER) throw pathError(`proposal ${displayName(proposal)}: no folder ${source} on ${where}`, `check the path; it is relative to ${target.from.name} (${target.from.root_path})`);
  if (surveyed.code === EXIT_CANNOT_ENTER) throw stepError(`cannot enter ${source} on ${where}: ${lastLines(surveyed.stderr)}`, 'fix the folder\'s permissions for the HPSS account, then run again');
  if (surveyed.code !== 0) {
    // A partial listing would silently leave files off tape.
    throw stepError(`listing ${source} on ${where} failed (exit ${String(surveyed.code)}): ${lastLines(surveyed.stderr)}`, 'fix the permissions or the folder, then run again');
  }
  const files = readFiles(result, surveyed.stdout);
  const name = proposalName(proposal);
  const catalog = parseCatalog(afterListing(surveyed.stdout), dest);
  if (catalog.problems.length > 0) {
    // Which archives are complete is unknown: writing now could overwrite one that holds the only copy.
    throw stepError(`cannot tell what is on HPSS in ${dest}, so nothing was written: ${catalog.problems.slice(0, 2).join('; ')}`, 'run again; if it persists, check HPSS and the listing with splash hpss ls');
  }
  const { uncovered, covered, singles } = reconcile(ctx, result, files, catalog);
  const partsOnTape = new Map<string, number>();
  for (const a of catalog.archives) {
    if (a.cycle && a.indexed) partsOnTape.set(cycleKey(a.cycle), Math.max(partsOnTape.get(cycleKey(a.cycle)) ?? -1, a.part ?? 0));
  }
  const plan = planArchive(uncovered, { proposal: name, timeZone: target.timeZone, bundleMaxBytes: target.bundleMaxBytes, upTo: opts.upTo, partsOnTape });
  result.plan = plan;
  for (const r of plan.refused) result.notArchived.push(r);

  // 2. What is on tape, judged as it is.
  for (const a of catalog.archives) {
    if (!a.indexed) {
      if (!plan.bundles.some((b) => b.name === a.name)) ctx.info(`  ${a.name} on HPSS has no index (an interrupted write): not used`);
      continue;
    }
    const problems = archiveProblems(a);
    result.items.push({
      path: a.path, kind: 'archive', cycle: a.cycle ? cycleKey(a.cycle) : '', files: a.members.filter((m) => m.type === 'file').length,
      bytes: a.members.reduce((n, m) => n + m.size, 0), members: covered.get(a) ?? [],
      status: problems.length > 0 ? 'failed' : 'already on HPSS', problem: problems.length > 0 ? `verification: ${problems.join('; ')}` : '',
      checksums: a.manifest !== undefined && a.manifestProblem === '',
      sums: a.manifestProblem === '' ? a.manifest : undefined,
    });
  }
  for (const s of singles) result.items.push({ path: s.path, kind: 'single', cycle: '', files: 1, bytes: s.file.size, members: [s.file], status: 'already on HPSS', problem: '', checksums: false });
  const firstNew = result.items.length;
  for (const b of plan.bundles) result.items.push({ path: `${dest}/${b.name}`, kind: 'archive', cycle: cycleKey(b.cycle), files: b.members.length, bytes: b.bytes, members: b.members, status: 'planned', problem: '', checksums: false });
  for (const s of plan.singles) result.items.push({ path: `${dest}/${s.file.rel}`, kind: 'single', cycle: '', files: 1, bytes: s.file.size, members: [s.file], status: 'planned', problem: '', checksums: false });

  const onTape = files.length - uncovered.length;
  ctx.info(
    `${displayName(proposal)}: ${String(files.length)} file(s), ${formatBytes(files.reduce((n, f) => n + f.size, 0))}` +
      (onTape > 0 ? `, ${String(onTape)} already on HPSS in ${String(covered.size + singles.length)} archive(s) and file(s)` : '') +
      ` → ${String(plan.bundles.length)} new htar archive(s)` +
      (plan.singles.length > 0 ? ` + ${String(plan.singles.length)} single file(s)` : '') +
      ` in ${dest}`,
  );
  for (const s of plan.singles) ctx.info(`  on its own: ${displayName(s.file.rel)} (${s.why})`);
  if (plan.deferred.length > 0) {
    ctx.info(`  ${String(plan.deferred.length)} file(s) of a beam cycle after ${cycleKey(opts.upTo)} wait for a run after that cycle ends`);
  }
  for (const n of result.ignored) ctx.info(`  ignored: ${displayName(n.rel)}: ${n.why}`);
  for (const n of result.notArchived) ctx.warn(`not archived: ${displayName(`${proposal}/${n.rel}`)}: ${n.why}`);
  const fresh = result.items.slice(firstNew);
  if (opts.dryRun || fresh.length === 0) {
    logItems(ctx, result.items.slice(0, firstNew));
    return result;
  }

  // 3. Write what is missing, then list everything written for verification.
  const script = archiveScript({ hsi, htar, source, dest, bundles: plan.bundles, singles: plan.singles, verifyContent: target.verifyContent });
  const ran = await host.run(script, 'archive', {
    onErrorLine: (line) => {
      if (line.trim() !== '') ctx.info(`  ${line}`);
    },
  });
  if (ran.code === EXIT_NO_FOLDER) throw pathError(`proposal ${displayName(proposal)}: ${source} disappeared on ${where}`);
  if (ran.code === EXIT_NO_DEST || ran.code === EXIT_NO_LISTING) {
    const what = ran.code === EXIT_NO_DEST ? `cannot create ${dest} on HPSS` : `cannot list ${dest} on HPSS, so nothing was written`;
    result.error = `${what}: ${lastLines(ran.stderr)}`;
    for (const item of fresh) {
      item.status = 'failed';
      item.problem = ran.code === EXIT_NO_DEST ? 'destination folder missing' : 'destination not listed';
    }
    logItems(ctx, result.items);
    return result;
  }
  const reports = parseArchiveOutput(ran.stdout);
  const verify = (id: string, item: ArchivedItem, check: (r: ItemReport) => string[]): void => {
    const r = reports.get(id);
    if (!r || r.status === 'unknown') {
      item.status = 'failed';
      item.problem = `the script stopped before it (exit ${String(ran.code)}): ${lastLines(ran.stderr)}`;
      return;
    }
    if (r.status === 'failed') {
      item.status = 'failed';
      item.problem = `${r.reason}${ran.stderr ? `: ${lastLines(ran.stderr, 2)}` : ''}`;
      return;
    }
    const problems = check(r);
    if (problems.length > 0) {
      item.status = 'failed';
      item.problem = `verification: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (+${String(problems.length - 3)} more)` : ''}`;
      return;
    }
    item.checksums = r.manifest === 'ok';
    if (item.checksums) {
      const parsed = parseManifest(r.sums);
      if (parsed.problem === '') item.sums = parsed.map;
    }
    if (r.status === 'written' && r.manifest !== 'ok') ctx.warn(`${item.path}: no checksum manifest stored (${r.manifest || 'not attempted'}): restores of it check sizes only`);
    item.status = r.status === 'present' ? 'already on HPSS' : 'written';
  };
  plan.bundles.forEach((b, i) => {
    const item = fresh[i];
    if (!item) return;
    const file = reports.get('bf');
    verify(`b${String(i)}`, item, (r) => [
      ...verifyBundleListing(r.listing, r.listingExit, b.members),
      // The index is read without the archive; the archive itself must be there and hold at least the members.
      ...verifyLsListing(file?.listing ?? [], file?.listingExit, b.name, b.bytes, true),
      ...(target.verifyContent && r.checkExit !== 0 ? [`htar -K (read back from tape) exited ${String(r.checkExit)}: ${lastLines(r.check.join('\n'), 2)}`] : []),
    ]);
  });
  plan.singles.forEach((s, i) => {
    const item = fresh[plan.bundles.length + i];
    const base = s.file.rel.slice(s.file.rel.lastIndexOf('/') + 1);
    if (item) {
      verify(`s${String(i)}`, item, (r) => {
        const problems = verifyLsListing(r.listing, r.listingExit, base, s.file.size);
        // Found there already, of another size: another version, which is never replaced (script.ts).
        const onTape = r.status === 'present' && problems.length > 0 ? lsSize(r.listing, base) : undefined;
        return onTape !== undefined ? [`another version of the file (${String(onTape)} bytes) is on HPSS and is not replaced: if the file on disk (${String(s.file.size)} bytes) is the right one, move the tape copy aside first (hsi mv), then run again`] : problems;
      });
    }
  });
  logItems(ctx, result.items);
  return result;
}

function logItems(ctx: StepContext, items: readonly ArchivedItem[]): void {
  for (const item of items) {
    const what = `${item.path} (${String(item.files)} file(s), ${formatBytes(item.bytes)})`;
    if (item.status === 'failed') ctx.error(`${what}: ${item.problem}`);
    else if (item.status !== 'planned') ctx.info(`${item.status === 'written' ? 'archived and verified' : 'already on HPSS, verified'}: ${what}`);
  }
}
