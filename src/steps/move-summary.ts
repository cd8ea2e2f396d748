import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HASH_ALGORITHM } from '../fs/hash.js';
import { formatBytes, formatDuration, formatRate } from '../run/format.js';
import type { StepContext } from '../run/context.js';
import { displayName } from '../text.js';
import type { FileCopy } from '../transfer/index.js';
import type { TransferTask } from '../transfer/filesystem.js';

/** What the summary needs of a move: the hops and the files each handled. */
export interface MoveSummaryHop {
  readonly from: string;
  readonly to: string;
  readonly status: string;
  readonly note: string;
  readonly files: readonly FileCopy[];
  readonly skipped: readonly { rel: string; reason: string }[];
  /** The service tasks that carried the hop (Globus): one per move, several when a chain moved file by file. */
  readonly tasks: readonly TransferTask[];
}

/**
 * Rows of files shown in a job summary. GitHub refuses a step summary over 1 MiB, and a dispatch of thousands
 * of files would write one row per file and hop: the summary shows the totals and the first rows, and the full
 * list goes to a file (named in the summary and in the step output `moved-list`).
 */
export const SUMMARY_FILE_ROWS = 50;

const written = (f: FileCopy): boolean => f.status !== 'identical';

export function writeMoveSummary(ctx: StepContext, title: string, paths: number, hops: readonly MoveSummaryHop[]): void {
  const count = (pred: (f: FileCopy) => boolean): number => hops.reduce((n, h) => n + h.files.filter(pred).length, 0);
  const copied = count((f) => f.status === 'copied');
  const replaced = count((f) => f.status === 'replaced');
  const identical = count((f) => f.status === 'identical');
  const bytes = hops.reduce((n, h) => n + h.files.filter(written).reduce((b, f) => b + f.bytes, 0), 0);
  const s = ctx.summary;
  s.heading(title, 2);
  const byGlobus = hops.some((h) => h.tasks.length > 0);
  const byCopy = hops.some((h) => h.tasks.length === 0 && h.files.some(written));
  const how = [
    byCopy ? `folder copies verified by size and ${HASH_ALGORITHM} content hash before taking their final name` : '',
    byGlobus ? 'Globus transfers verified by Globus (checksum sync, verify_checksum)' : '',
  ].filter((x) => x !== '').join('; ');
  const also = [
    replaced > 0 ? `${String(replaced)} replaced (the source changed since it was copied)` : '',
    identical > 0 ? `${String(identical)} already there, identical` : '',
  ].filter((x) => x !== '').join(', ');
  s.text(
    `${String(paths)} path(s) over ${String(hops.length)} hop(s): ${String(copied + replaced)} file cop${copied + replaced === 1 ? 'y' : 'ies'} written ` +
      `(${formatBytes(bytes)})${also ? `; ${also}` : ''}${how ? `; ${how}` : ''}.`,
  );
  const rows = hops.flatMap((h) =>
    h.files.length === 0
      ? [[`${h.from} → ${h.to}`, h.note ? `${h.status}: ${h.note}` : h.status, '', '', '', '']]
      : h.files.map((f) => [`${h.from} → ${h.to}`, h.status, f.rel, formatBytes(f.bytes), f.status, f.checksum === undefined ? 'verified by Globus' : `${f.checksum.slice(0, 16)}…`]),
  );
  const fileRows = hops.reduce((n, h) => n + h.files.length, 0);
  if (rows.length > SUMMARY_FILE_ROWS) {
    s.table(
      ['hop', 'status', 'copied', 'replaced', 'identical', 'written'],
      hops.map((h) => [`${h.from} → ${h.to}`, h.note ? `${h.status}: ${h.note}` : h.status, h.files.filter((f) => f.status === 'copied').length,
        h.files.filter((f) => f.status === 'replaced').length, h.files.filter((f) => f.status === 'identical').length,
        formatBytes(h.files.filter(written).reduce((b, f) => b + f.bytes, 0))]),
    );
  }
  s.table(['hop', 'status', 'file', 'size', 'result', HASH_ALGORITHM], rows.slice(0, SUMMARY_FILE_ROWS));
  // In a workflow the list is always written (a later step may read it); elsewhere only when the summary cannot show it all.
  const runnerTemp = ctx.kind === 'github' ? process.env.RUNNER_TEMP : undefined;
  const list = fileRows > 0 && (runnerTemp !== undefined || rows.length > SUMMARY_FILE_ROWS) ? writeMovedList(ctx, hops, runnerTemp ?? tmpdir()) : undefined;
  if (rows.length > SUMMARY_FILE_ROWS) {
    s.text(`…and ${String(rows.length - SUMMARY_FILE_ROWS)} more row(s); ${list === undefined ? 'the run log lists every file' : `every file is listed in \`${list}\``}.`);
  } else if (list !== undefined) {
    s.text(`File list: \`${list}\`.`);
  }
  const tasks = hops.flatMap((h) => h.tasks.map((t) => [`${h.from} → ${h.to}`, t.id, t.files, formatBytes(t.bytes), formatRate(t.bytesPerSecond), formatDuration(t.seconds)]));
  if (tasks.length > 0) s.table(['hop', 'Globus task', 'files transferred', 'bytes', 'effective speed', 'time'], tasks.slice(0, SUMMARY_FILE_ROWS));
  if (tasks.length > SUMMARY_FILE_ROWS) s.text(`…and ${String(tasks.length - SUMMARY_FILE_ROWS)} more Globus task(s); the run log names them all.`);
  const skipped = hops.flatMap((h) => h.skipped.map((k) => `${h.from}: ${displayName(k.rel)} — ${k.reason}`));
  if (skipped.length > 0) {
    s.details(
      `${String(skipped.length)} entries not copied`,
      skipped.slice(0, SUMMARY_FILE_ROWS).map((k) => `- ${k}`).join('\n') + (skipped.length > SUMMARY_FILE_ROWS ? `\n- …and ${String(skipped.length - SUMMARY_FILE_ROWS)} more (the run log lists them all)` : ''),
    );
  }
}

/**
 * Every file of the move, one per line (tab-separated: hop, result, file, bytes, content hash; names never hold
 * tabs or newlines, the path gate refuses them). In a workflow under RUNNER_TEMP, and its path is the step
 * output `moved-list`; at a terminal in the temp folder. Undefined when it cannot be written (then the run
 * log is the list).
 */
let lists = 0;

function writeMovedList(ctx: StepContext, hops: readonly MoveSummaryHop[], dir: string): string | undefined {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const path = join(dir, `splash-moved-${stamp}-${String(process.pid)}-${String(++lists)}.tsv`);
  const lines = [`hop\tresult\tfile\tbytes\t${HASH_ALGORITHM}`];
  for (const h of hops) for (const f of h.files) lines.push(`${h.from} → ${h.to}\t${f.status}\t${f.rel}\t${String(f.bytes)}\t${f.checksum ?? 'verified by Globus'}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, `${lines.join('\n')}\n`, { flag: 'wx' });
  } catch (err) {
    ctx.warn(`could not write the list of moved files to ${path}: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
  ctx.setOutput('moved-list', path);
  return path;
}
