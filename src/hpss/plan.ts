/**
 * What goes to tape, and how: a pure function from a proposal's file inventory to htar bundles and
 * individual `hsi cput` files. Tape wants few, large files (NERSC: bundles of 100 GB – 2 TB), so files are
 * grouped per beam cycle of their modification time and packed greedily, in path order, into bundles up to
 * the configured size. The order is fixed by the names, so a re-run plans the same bundles and finds the
 * ones already on tape.
 *
 * Only cycles that have ended are archived: htar cannot append, so files of the running cycle wait for
 * the run after it ends (they are reported as deferred).
 *
 * Two kinds of file cannot be htar members and go to tape on their own: files above htar's member limit,
 * and paths too long for a ustar header (htar would skip them with only a warning — CONTRACTS.md §4.3).
 */
import { type BeamCycle, compareCycles, cycleKey, cycleOf } from './cycle.js';

/** htar's per-member limit: 2^36 − 1 bytes (68.7 GB). The original used 65 GiB, which is above it. */
export const HTAR_MEMBER_LIMIT = 68_719_476_735;

/** ustar header fields (CONTRACTS.md §4.3): a name of ≤ 99 bytes, split at a '/' from a prefix of ≤ 154. */
const USTAR_NAME = 99;
const USTAR_PREFIX = 154;

export interface InventoryFile {
  /** Relative to the proposal folder, '/'-separated, through the path gate. */
  readonly rel: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface PlannedBundle {
  /** `<proposal>_<YYYY>-<cycle>.tar`, then `_part1.tar`, `_part2.tar`, … */
  readonly name: string;
  readonly cycle: BeamCycle;
  readonly members: readonly InventoryFile[];
  readonly bytes: number;
}

export interface PlannedSingle {
  readonly file: InventoryFile;
  /** Why it is not in a bundle. */
  readonly why: string;
}

export interface ArchivePlan {
  readonly bundles: readonly PlannedBundle[];
  readonly singles: readonly PlannedSingle[];
  /** Files that can go to tape neither way; the step reports them and fails. */
  readonly refused: readonly { readonly rel: string; readonly why: string }[];
  /** Files of a cycle that has not ended yet: archived by a run after it ends, so its archive is whole. */
  readonly deferred: readonly InventoryFile[];
  readonly files: number;
  readonly bytes: number;
}

export interface PlanOptions {
  /** The proposal folder's name: the archives' name prefix. */
  readonly proposal: string;
  readonly timeZone: string;
  readonly bundleMaxBytes: number;
  /** The last cycle to archive (the last completed one); files of later cycles are deferred. */
  readonly upTo: BeamCycle;
  /**
   * Per cycle key, the highest part number of a complete archive already on tape: files of that cycle not in
   * any of them (late files) go into new parts after it, `_part<N+1>` …, since an archive cannot be appended to.
   */
  readonly partsOnTape?: ReadonlyMap<string, number>;
}

/**
 * Characters hsi takes in a path without quoting or interpretation: hsi splits its command line on spaces,
 * expands wildcards and treats `;` and ` : ` specially (CONTRACTS.md §4.2). Names outside this set are fine
 * inside an htar bundle (member names come from a list file) but not as an hsi argument.
 */
const HSI_SAFE_SEGMENT = /^[A-Za-z0-9._,+=@%-]+$/;

export function isHsiSafe(path: string): boolean {
  return path.split('/').every((s) => s === '' || HSI_SAFE_SEGMENT.test(s));
}

/** Whether a relative path fits a ustar header (name, or prefix + '/' + name). */
export function fitsUstar(rel: string): boolean {
  const bytes = Buffer.byteLength(rel);
  if (bytes <= USTAR_NAME) return true;
  for (let i = rel.indexOf('/'); i !== -1; i = rel.indexOf('/', i + 1)) {
    if (Buffer.byteLength(rel.slice(0, i)) <= USTAR_PREFIX && Buffer.byteLength(rel.slice(i + 1)) <= USTAR_NAME) return true;
  }
  return false;
}

const byPath = (a: InventoryFile, b: InventoryFile): number => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0);

export function planArchive(files: readonly InventoryFile[], opts: PlanOptions): ArchivePlan {
  const singles: PlannedSingle[] = [];
  const refused: { rel: string; why: string }[] = [];
  const deferred: InventoryFile[] = [];
  const byCycle = new Map<string, { cycle: BeamCycle; files: InventoryFile[] }>();

  for (const f of [...files].sort(byPath)) {
    const tooBig = f.size > HTAR_MEMBER_LIMIT;
    if (tooBig || !fitsUstar(f.rel)) {
      const why = tooBig ? 'larger than the htar member limit (68.7 GB)' : 'path too long for a tar header';
      if (isHsiSafe(f.rel)) singles.push({ file: f, why });
      else refused.push({ rel: f.rel, why: `${why}, and its name has characters hsi cannot take (use letters, digits and . _ , + = @ % -)` });
      continue;
    }
    const cycle = cycleOf(f.mtimeMs, opts.timeZone);
    // An archive cannot be appended to: a cycle still running would leave its later files without a place.
    if (compareCycles(cycle, opts.upTo) > 0) {
      deferred.push(f);
      continue;
    }
    const key = cycleKey(cycle);
    let group = byCycle.get(key);
    if (!group) byCycle.set(key, (group = { cycle, files: [] }));
    group.files.push(f);
  }

  const bundles: PlannedBundle[] = [];
  for (const { cycle, files: group } of [...byCycle.values()].sort((a, b) => compareCycles(a.cycle, b.cycle))) {
    let current: InventoryFile[] = [];
    let bytes = 0;
    let part = (opts.partsOnTape?.get(cycleKey(cycle)) ?? -1) + 1;
    const close = (): void => {
      const suffix = part === 0 ? '' : `_part${String(part)}`;
      bundles.push({ name: `${opts.proposal}_${cycleKey(cycle)}${suffix}.tar`, cycle, members: current, bytes });
      part++;
      current = [];
      bytes = 0;
    };
    for (const f of group) {
      if (current.length > 0 && bytes + f.size > opts.bundleMaxBytes) close();
      current.push(f);
      bytes += f.size;
    }
    if (current.length > 0) close();
  }

  const total = files.reduce((n, f) => n + f.size, 0);
  return { bundles, singles, refused, deferred, files: files.length, bytes: total };
}
