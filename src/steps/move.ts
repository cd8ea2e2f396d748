import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { BeamlineConfig } from '../config/beamline.js';
import type { TransferEndpoint } from '../endpoints.js';
import { configError, pathError } from '../errors.js';
import type { RelPath } from '../paths.js';
import type { ChainStep } from './chain.js';
import type { StepContext } from '../run/context.js';
import { HASH_ALGORITHM } from '../fs/hash.js';
import { formatBytes } from '../run/format.js';
import { displayName } from '../text.js';
import type { Services } from '../services.js';
import type { TransferTask } from '../transfer/filesystem.js';
import { type FileCopy, transferFor } from '../transfer/index.js';
import { SourceResolver } from '../transfer/source-resolver.js';
import { type MoveSummaryHop, writeMoveSummary } from './move-summary.js';

export interface MoveInput {
  readonly beamline: BeamlineConfig;
  /** Already through the path gate. */
  readonly paths: readonly RelPath[];
  readonly exportControlled: boolean;
  readonly services: Services;
  /**
   * A chain that moves file by file collects each move's result here and writes one summary and one set of
   * outputs for all of them (moveLink); without it, the move writes its own.
   */
  readonly collect?: MoveResult[];
}

export type HopStatus = 'done' | 'failed' | 'skipped (export control)';

export interface HopResult {
  readonly from: string;
  readonly to: string;
  status: HopStatus;
  /** Why a hop was skipped. */
  note: string;
  readonly files: FileCopy[];
  readonly skipped: { rel: string; reason: string }[];
  /** The service task that carried this hop (Globus), for the summary. */
  task: TransferTask | undefined;
}

export interface MoveResult {
  readonly relPaths: readonly RelPath[];
  /** Files written by this run, copied or replaced (files already identical at a destination are not counted). */
  moved: number;
  readonly hops: HopResult[];
}

/**
 * The move step: take every path along the beamline's hops in order (beamline → server → archive …).
 * Hop by hop, so a later hop only starts once all files reached the previous tier; the first failure stops
 * the step. Endpoints are resolved before any byte moves, so a config error changes nothing.
 */
export async function moveStep(ctx: StepContext, input: MoveInput): Promise<MoveResult> {
  const { beamline, paths } = input;
  // Endpoints and controllers for every hop first: a config gap is found before any byte moves.
  const hops = beamline.settings.move.map((hop, i) => {
    const from = beamline.endpoint(hop.from, `beamlines.${beamline.id}.move[${i}].from`);
    const to = beamline.endpoint(hop.to, `beamlines.${beamline.id}.move[${i}].to`);
    return { hop, from, to, transfer: transferFor(from, to) };
  });
  if (hops.length === 0) ctx.warn(`beamline ${beamline.id} has no move hops configured; nothing to do`);

  // Which hops run: export-controlled data skips marked hops, and every hop starting where it never arrived.
  const unreached = new Set<string>();
  const planned = hops.map((h) => {
    let skip = '';
    if (input.exportControlled && h.hop.skip_export_controlled) skip = 'export-controlled data does not take this hop';
    else if (input.exportControlled && unreached.has(h.from.name)) skip = `${h.from.name} was not reached (export control)`;
    // Data that takes a hop has reached its destination, even if an earlier skipped hop pointed there too.
    if (skip) unreached.add(h.to.name);
    else unreached.delete(h.to.name);
    return { ...h, skip };
  });

  // Before the first byte moves: every endpoint a running hop touches is there, and so is every source.
  for (const { from, to, skip } of planned) {
    if (!skip) for (const e of [from, to]) await requireReachable(e);
  }
  await checkSources(beamline, paths);
  // Credentials for a Globus hop are resolved now, not when the hop is reached: a missing secret must stop
  // the move before an earlier hop has copied anything.
  if (planned.some((h) => !h.skip && (h.from.type === 'globus' || h.to.type === 'globus'))) await input.services.globus();

  const result: MoveResult = { relPaths: paths, moved: 0, hops: [] };
  input.collect?.push(result);
  try {
    for (const { from, to, transfer, skip } of planned) {
      const hopResult: HopResult = { from: from.name, to: to.name, status: 'skipped (export control)', note: skip, files: [], skipped: [], task: undefined };
      result.hops.push(hopResult);
      if (skip) {
        ctx.info(`${from.name} → ${to.name}: skipped — ${skip}`);
        continue;
      }
      hopResult.status = 'failed';
      await ctx.group(`move ${from.name} → ${to.name} (${paths.length} path${paths.length === 1 ? '' : 's'})`, async () => {
        const report = await transfer(paths, { ctx, services: input.services, label: `splash ${beamline.id}` });
        for (const f of report.files) hopResult.files.push(f);
        for (const sk of report.skipped) hopResult.skipped.push(sk);
        hopResult.task = report.task;
        logFiles(ctx, report.files);
        // One annotation per entry would flood the run page: the first few are warnings, the rest log lines.
        report.skipped.slice(0, 10).forEach((sk) => { ctx.warn(`not copied: ${displayName(sk.rel)}: ${sk.reason}`); });
        for (let i = 10; i < report.skipped.length; i += LOG_BATCH) {
          ctx.info(report.skipped.slice(i, i + LOG_BATCH).map((sk) => `not copied: ${displayName(sk.rel)}: ${sk.reason}`).join('\n'));
        }
      });
      hopResult.status = 'done';
      result.moved += hopResult.files.filter((f) => f.status !== 'identical').length;
    }
  } finally {
    if (!input.collect) writeMoveSummary(ctx, `Move · beamline ${beamline.id}`, paths.length, mergeHops([result]));
  }
  if (!input.collect) setMoveOutputs(ctx, [result]);
  return result;
}

function setMoveOutputs(ctx: StepContext, results: readonly MoveResult[]): void {
  ctx.setOutput('relative-paths', JSON.stringify(results.flatMap((r) => r.relPaths)));
  ctx.setOutput('moved', results.reduce((n, r) => n + r.moved, 0));
}

/** The moves of a chain that ran file by file, hop by hop as one move of all their files. */
function mergeHops(results: readonly MoveResult[]): MoveSummaryHop[] {
  const merged: { from: string; to: string; statuses: Set<HopStatus>; note: string; files: FileCopy[]; skipped: { rel: string; reason: string }[]; tasks: TransferTask[] }[] = [];
  for (const r of results) {
    r.hops.forEach((h, i) => {
      const m = (merged[i] ??= { from: h.from, to: h.to, statuses: new Set(), note: '', files: [], skipped: [], tasks: [] });
      m.statuses.add(h.status);
      m.note ||= h.note;
      for (const f of h.files) m.files.push(f);
      for (const k of h.skipped) m.skipped.push(k);
      if (h.task) m.tasks.push(h.task);
    });
  }
  const worst: HopStatus[] = ['failed', 'done', 'skipped (export control)'];
  return merged.map((m) => ({ ...m, status: worst.find((w) => m.statuses.has(w)) ?? 'done' }));
}

/** Lines per log call: a move can handle thousands of files, and one write per line would add up. */
const LOG_BATCH = 2000;

function logFiles(ctx: StepContext, files: readonly FileCopy[]): void {
  // A replaced file was dispatched before it was complete: worth an annotation (the first few), since a
  // longer watch.stable_seconds would have avoided the second copy.
  files.filter((f) => f.status === 'replaced').slice(0, 10).forEach((f) => {
    ctx.warn(`replaced ${f.rel}: the source changed after this system had copied it (was it still being written?); the copy now holds its current bytes`);
  });
  const line = (f: FileCopy): string => {
    const sum = f.checksum === undefined ? '' : `, ${HASH_ALGORITHM} ${f.checksum.slice(0, 12)}…`;
    if (f.status === 'identical') return `already there, identical: ${f.rel}`;
    if (f.status === 'replaced') return `replaced ${f.rel} (${formatBytes(f.bytes)}${sum}): the source changed since this system copied it`;
    return `copied ${f.rel} (${formatBytes(f.bytes)}${sum})`;
  };
  for (let i = 0; i < files.length; i += LOG_BATCH) ctx.info(files.slice(i, i + LOG_BATCH).map(line).join('\n'));
}

/**
 * Every path of a dispatch must be a file or a folder at the beamline's first endpoint before anything
 * moves — also for beamlines whose chain runs file by file, so `[good, missing]` copies nothing.
 */
export async function checkSources(beamline: BeamlineConfig, paths: readonly RelPath[]): Promise<void> {
  const hop = beamline.settings.move[0];
  if (!hop) return;
  const first = beamline.endpoint(hop.from, `beamlines.${beamline.id}.move[0].from`);
  if (first.type !== 'filesystem') return;
  await requireReachable(first);
  const sources = new SourceResolver(first);
  for (const rel of paths) {
    const st = statSync(await sources.resolve(rel));
    if (!st.isFile() && !st.isDirectory()) throw pathError(`${first.name}:${rel}: neither a file nor a folder; nothing was moved`);
  }
}

/**
 * A file-system endpoint's root must exist on this runner. It is never created: a missing root usually
 * means a storage mount is down, and creating the folder would fill the runner's own disk instead.
 */
async function requireReachable(e: TransferEndpoint): Promise<void> {
  if (e.type !== 'filesystem') return;
  const st = await stat(e.root_path).catch(() => undefined);
  if (!st?.isDirectory()) {
    throw configError(
      `endpoint ${e.name}: root_path ${e.root_path} is not a folder on this runner`,
      'is the storage mounted? check the runner, or the root_path in config.yml',
    );
  }
}

/**
 * The move step as the first link of a beamline's chain. A chain that runs file by file moves each file on its
 * own; the summary and the outputs are written once, for all of them (a dispatch of thousands of files would
 * otherwise write thousands of summaries).
 */
export function moveLink(beamline: BeamlineConfig, exportControlled: boolean): ChainStep {
  const results: MoveResult[] = [];
  return {
    kind: 'step',
    name: 'move',
    run: async (ctx, paths, services) => {
      const r = await moveStep(ctx, { beamline, paths, exportControlled, services, collect: results });
      return `${r.moved} file(s) written over ${r.hops.length} hop(s)`;
    },
    finish: (ctx) => {
      if (results.length === 0) return;
      writeMoveSummary(ctx, `Move · beamline ${beamline.id}`, results.reduce((n, r) => n + r.relPaths.length, 0), mergeHops(results));
      setMoveOutputs(ctx, results);
    },
  };
}
