import type { BeamlineConfig } from '../config/beamline.js';
import type { TransferEndpoint } from '../endpoints.js';
import { resolveInside, type RelPath } from '../paths.js';
import type { ChainStep } from './chain.js';
import type { StepContext } from '../run/context.js';
import { formatBytes } from '../run/format.js';
import { transfer, type FileCopy } from '../transfer/index.js';

export interface MoveInput {
  readonly beamline: BeamlineConfig;
  /** Already through the path gate. */
  readonly paths: readonly RelPath[];
  readonly exportControlled: boolean;
}

export interface HopResult {
  readonly from: string;
  readonly to: string;
  readonly status: 'done' | 'skipped (export control)';
  readonly files: FileCopy[];
  readonly skipped: { rel: string; reason: string }[];
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
  const hops = beamline.settings.move.map((hop, i) => ({
    hop,
    from: beamline.endpoint(hop.from, `beamlines.${beamline.id}.move[${i}].from`),
    to: beamline.endpoint(hop.to, `beamlines.${beamline.id}.move[${i}].to`),
  }));
  // Every source must be there before the first byte moves: a dispatch with one bad path changes nothing.
  const first = hops[0]?.from;
  if (first?.type === 'filesystem') {
    for (const rel of paths) await resolveInside(first.root_path, rel, { mustExist: true, field: `${first.name}:${rel}` });
  }
  const result: MoveResult = { relPaths: paths, moved: 0, hops: [] };
  if (hops.length === 0) ctx.warn(`beamline ${beamline.id} has no move hops configured; nothing to do`);

  try {
    for (const { hop, from, to } of hops) {
      if (input.exportControlled && hop.skip_export_controlled) {
        ctx.info(`${from.name} → ${to.name}: skipped, the data is export controlled`);
        result.hops.push({ from: from.name, to: to.name, status: 'skipped (export control)', files: [], skipped: [] });
        continue;
      }
      const hopResult: HopResult = { from: from.name, to: to.name, status: 'done', files: [], skipped: [] };
      result.hops.push(hopResult);
      await ctx.group(`move ${from.name} → ${to.name} (${paths.length} path${paths.length === 1 ? '' : 's'})`, async () => {
        for (const rel of paths) await moveOne(ctx, from, to, rel, hopResult);
      });
      result.moved += hopResult.files.filter((f) => f.status === 'copied').length;
    }
  } finally {
    writeMoveSummary(ctx, beamline, result);
  }
  ctx.setOutput('relative-paths', JSON.stringify(paths));
  ctx.setOutput('moved', result.moved);
  return result;
}

async function moveOne(ctx: StepContext, from: TransferEndpoint, to: TransferEndpoint, rel: RelPath, hop: HopResult): Promise<void> {
  const report = await transfer(from, to, rel, { ctx });
  hop.files.push(...report.files);
  hop.skipped.push(...report.skipped);
  for (const f of report.files) {
    ctx.info(f.status === 'copied' ? `copied ${f.rel} (${formatBytes(f.bytes)}, sha256 ${f.sha256.slice(0, 12)}…)` : `already there, identical: ${f.rel}`);
  }
  for (const s of report.skipped) ctx.warn(`not copied: ${s.rel}: ${s.reason}`);
}

function writeMoveSummary(ctx: StepContext, beamline: BeamlineConfig, result: MoveResult): void {
  const copied = result.hops.reduce((n, h) => n + h.files.filter((f) => f.status === 'copied').length, 0);
  const bytes = result.hops.reduce((n, h) => n + h.files.filter((f) => f.status === 'copied').reduce((b, f) => b + f.bytes, 0), 0);
  ctx.summary.heading(`Move · beamline ${beamline.id}`, 2);
  ctx.summary.text(`${result.relPaths.length} path(s) over ${result.hops.length} hop(s): ${copied} file cop${copied === 1 ? "y" : "ies"} written (${formatBytes(bytes)}), each verified by size and SHA-256 before taking its final name.`);
  ctx.summary.table(
    ['hop', 'status', 'file', 'size', 'result', 'sha256'],
    result.hops.flatMap((h) =>
      h.files.length === 0
        ? [[`${h.from} → ${h.to}`, h.status, '', '', '', '']]
        : h.files.map((f) => [`${h.from} → ${h.to}`, h.status, f.rel, formatBytes(f.bytes), f.status, `${f.sha256.slice(0, 16)}…`]),
    ),
  );
  const skipped = result.hops.flatMap((h) => h.skipped.map((s) => `${h.from}: ${s.rel} — ${s.reason}`));
  if (skipped.length > 0) ctx.summary.details(`${skipped.length} entries not copied`, skipped.map((s) => `- ${s}`).join('\n'));
}

/** The move step as the first link of a beamline's chain. */
export function moveLink(beamline: BeamlineConfig, exportControlled: boolean): ChainStep {
  return {
    kind: 'step',
    name: 'move',
    run: async (ctx, paths) => {
      const r = await moveStep(ctx, { beamline, paths, exportControlled });
      return `${r.moved} file(s) copied over ${r.hops.length} hop(s)`;
    },
  };
}
