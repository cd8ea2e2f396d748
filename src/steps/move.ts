import { stat } from 'node:fs/promises';
import type { BeamlineConfig } from '../config/beamline.js';
import type { TransferEndpoint } from '../endpoints.js';
import { configError, pathError } from '../errors.js';
import { resolveInside, type RelPath } from '../paths.js';
import type { ChainStep } from './chain.js';
import type { StepContext } from '../run/context.js';
import { HASH_ALGORITHM } from '../fs/hash.js';
import { formatBytes, formatDuration, formatRate } from '../run/format.js';
import { displayName } from '../text.js';
import type { Services } from '../services.js';
import type { TransferTask } from '../transfer/filesystem.js';
import { type FileCopy, transferFor } from '../transfer/index.js';

export interface MoveInput {
  readonly beamline: BeamlineConfig;
  /** Already through the path gate. */
  readonly paths: readonly RelPath[];
  readonly exportControlled: boolean;
  readonly services: Services;
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
  /** Files written by this run (files already identical at a destination are not counted). */
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
        for (const f of report.files) {
          const sum = f.checksum === undefined ? '' : `, ${HASH_ALGORITHM} ${f.checksum.slice(0, 12)}…`;
          ctx.info(f.status === 'copied' ? `copied ${f.rel} (${formatBytes(f.bytes)}${sum})` : `already there, identical: ${f.rel}`);
        }
        for (const sk of report.skipped) ctx.warn(`not copied: ${displayName(sk.rel)}: ${sk.reason}`);
      });
      hopResult.status = 'done';
      result.moved += hopResult.files.filter((f) => f.status === 'copied').length;
    }
  } finally {
    writeMoveSummary(ctx, beamline, result);
  }
  ctx.setOutput('relative-paths', JSON.stringify(paths));
  ctx.setOutput('moved', result.moved);
  return result;
}

function writeMoveSummary(ctx: StepContext, beamline: BeamlineConfig, result: MoveResult): void {
  const copied = result.hops.reduce((n, h) => n + h.files.filter((f) => f.status === 'copied').length, 0);
  const bytes = result.hops.reduce((n, h) => n + h.files.filter((f) => f.status === 'copied').reduce((b, f) => b + f.bytes, 0), 0);
  ctx.summary.heading(`Move · beamline ${beamline.id}`, 2);
  const byGlobus = result.hops.some((h) => h.task !== undefined);
  const byCopy = result.hops.some((h) => h.task === undefined && h.files.some((f) => f.status === 'copied'));
  const how = [
    byCopy ? `folder copies verified by size and ${HASH_ALGORITHM} content hash before taking their final name` : '',
    byGlobus ? 'Globus transfers verified by Globus (checksum sync, verify_checksum)' : '',
  ].filter((x) => x !== '').join('; ');
  ctx.summary.text(`${result.relPaths.length} path(s) over ${result.hops.length} hop(s): ${copied} file cop${copied === 1 ? 'y' : 'ies'} written (${formatBytes(bytes)})${how ? `; ${how}` : ''}.`);
  ctx.summary.table(
    ['hop', 'status', 'file', 'size', 'result', HASH_ALGORITHM],
    result.hops.flatMap((h) =>
      h.files.length === 0
        ? [[`${h.from} → ${h.to}`, h.note ? `${h.status}: ${h.note}` : h.status, '', '', '', '']]
        : h.files.map((f) => [`${h.from} → ${h.to}`, h.status, f.rel, formatBytes(f.bytes), f.status, f.checksum === undefined ? 'verified by Globus' : `${f.checksum.slice(0, 16)}…`]),
    ),
  );
  const tasks = result.hops.flatMap((h) => (h.task ? [[`${h.from} → ${h.to}`, h.task.id, h.task.files, formatBytes(h.task.bytes), formatRate(h.task.bytesPerSecond), formatDuration(h.task.seconds)]] : []));
  if (tasks.length > 0) ctx.summary.table(['hop', 'Globus task', 'files transferred', 'bytes', 'effective speed', 'time'], tasks);
  const skipped = result.hops.flatMap((h) => h.skipped.map((s) => `${h.from}: ${displayName(s.rel)} — ${s.reason}`));
  if (skipped.length > 0) ctx.summary.details(`${skipped.length} entries not copied`, skipped.map((s) => `- ${s}`).join('\n'));
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
  for (const rel of paths) {
    const abs = await resolveInside(first.root_path, rel, { mustExist: true, field: `${first.name}:${rel}` });
    const st = await stat(abs);
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

/** The move step as the first link of a beamline's chain. */
export function moveLink(beamline: BeamlineConfig, exportControlled: boolean): ChainStep {
  return {
    kind: 'step',
    name: 'move',
    run: async (ctx, paths, services) => {
      const r = await moveStep(ctx, { beamline, paths, exportControlled, services });
      return `${r.moved} file(s) copied over ${r.hops.length} hop(s)`;
    },
  };
}
