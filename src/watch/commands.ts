/**
 * The three beamline-side commands as the CLI calls them: `dispatch`, `watch` (and `watch --status`) and
 * `reconcile`. Everything that can be wrong with the input — config, paths, credentials, the folder — is
 * checked before anything is spooled or sent (exit 2, nothing done).
 */
import { statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { BeamlineConfig } from '../config/beamline.js';
import type { SplashConfig } from '../config/index.js';
import { configError, stepError, usageError } from '../errors.js';
import { githubClient, githubCredentials, githubSettings, retryPolicy } from '../github/index.js';
import type { GitHubClient } from '../github/client.js';
import { GitHubError } from '../github/errors.js';
import { planDispatches } from '../github/payload.js';
import { dispatchWithRetry, type RetryPolicy } from '../github/retry.js';
import { gateRootPath } from '../paths.js';
import { redact, redactValue } from '../secrets.js';
import type { StepContext } from '../run/context.js';
import { createServices } from '../services.js';
import { formatDuration } from './duration.js';
import { planReconcile, prefixed, type ReconcilePlan } from './reconcile.js';
import { watchSettingsOf } from './settings.js';
import { readSpoolStatus, Spool, type SpoolStatus } from './spool.js';
import { Watcher } from './watcher.js';

export interface SendOutcome {
  readonly requests: number;
  readonly paths: number;
}

/** Open the GitHub client for a command: config section and credentials, or exit 2. */
function openClient(config: SplashConfig, ctx: StepContext, userAgent: string | undefined, env?: NodeJS.ProcessEnv): { client: GitHubClient; policy: RetryPolicy } {
  const settings = githubSettings(config);
  const credentials = githubCredentials(settings, { env, mask: (s) => { ctx.mask(s); } });
  return { client: githubClient(settings, credentials, userAgent), policy: retryPolicy(settings) };
}

/**
 * Send paths as one or more dispatches (split to GitHub's limits), in order, each retried within the policy.
 * A failure after some were accepted says exactly which paths went and which did not.
 */
export async function sendPaths(
  ctx: StepContext,
  client: GitHubClient,
  policy: RetryPolicy,
  args: { eventType: string; paths: readonly string[]; exportControl: boolean },
): Promise<SendOutcome> {
  const bodies = planDispatches(args.eventType, args.paths, args.exportControl);
  let sentPaths = 0;
  for (const [i, body] of bodies.entries()) {
    const n = body.client_payload.file_paths.length;
    const label = bodies.length > 1 ? `dispatch ${i + 1}/${bodies.length}` : 'dispatch';
    try {
      const { attempts } = await dispatchWithRetry(client, body, {
        ...policy,
        onRetry: ({ retry, waitMs, error }) => { ctx.warn(`${label}: ${error.message}; retry ${retry} in ${formatDuration(waitMs)}`); },
      });
      sentPaths += n;
      ctx.info(`${label}: ${n} path(s) → ${client.repository} (${args.eventType}): accepted${attempts > 1 ? ` after ${attempts} attempts` : ''}`);
    } catch (err) {
      const unsent = args.paths.length - sentPaths;
      const what = err instanceof GitHubError ? err.message : String(err);
      const first = bodies[i]?.client_payload.file_paths[0] ?? '';
      throw stepError(
        `${what}. ${sentPaths > 0 ? `${sentPaths} path(s) were dispatched; ` : 'nothing was dispatched; '}${unsent} path(s) were not, from ${JSON.stringify(first)} on`,
        err instanceof GitHubError && err.hint ? err.hint : 'run the same command again once GitHub answers (paths already dispatched are safe to send twice)',
      );
    }
  }
  return { requests: bodies.length, paths: sentPaths };
}

// ----- splash dispatch -----

export interface DispatchCommand {
  readonly config: SplashConfig;
  readonly beamline: BeamlineConfig;
  readonly paths: readonly string[];
  readonly exportControl: boolean;
  readonly userAgent?: string;
}

export async function dispatchCommand(ctx: StepContext, args: DispatchCommand): Promise<SendOutcome> {
  if (args.paths.length === 0) throw usageError('dispatch: no paths given', `usage: splash dispatch --beamline ${args.beamline.id} <path…>`);
  // The one gate, with the beamline's prefix: a bad path stops everything before a request is made.
  const rels = args.beamline.gate(args.paths);
  const eventType = watchSettingsOf(args.beamline.settings).event_type;
  const { client, policy } = openClient(args.config, ctx, args.userAgent);
  const paths = rels.map((rel) => prefixed(args.beamline, rel));
  const outcome = await sendPaths(ctx, client, policy, { eventType, paths, exportControl: args.exportControl });
  ctx.summary
    .heading(`Dispatched to ${client.repository}`, 3)
    .table(['event type', 'paths', 'requests', 'export controlled'], [[eventType, outcome.paths, outcome.requests, args.exportControl ? 'yes' : 'no']]);
  return outcome;
}

// ----- splash watch -----

export interface WatchCommand {
  readonly config: SplashConfig;
  readonly beamline: BeamlineConfig;
  /** The folder as given on the command line. */
  readonly dir: string;
  readonly spool: string | undefined;
  readonly sendAs: string | undefined;
  readonly exportControl: boolean;
  readonly once: boolean;
  readonly retryForMs: number | undefined;
  readonly ignoreExisting: boolean;
  readonly userAgent?: string;
}

/** `--spool`, or `<dir>/.splash-spool` (hidden, so the watcher and reconcile never take it for data). */
export function spoolDirFor(dir: string, spool: string | undefined): string {
  return spool !== undefined ? resolve(spool) : join(resolve(dir), '.splash-spool');
}

/** The folder as dispatched paths name it: `--send-as`, or its own absolute path on a POSIX system. */
function sendAsFor(beamline: BeamlineConfig, dir: string, given: string | undefined): string {
  let raw = given;
  if (raw === undefined) {
    if (process.platform === 'win32') {
      throw usageError('watch: --send-as is required on Windows', 'give the folder as the beamline\'s paths name it, e.g. --send-as /raw (see docs/watcher.md)');
    }
    raw = resolve(dir);
  }
  let root: string;
  try {
    root = gateRootPath(raw, '--send-as');
  } catch (err) {
    throw usageError(err instanceof Error ? err.message : String(err), 'an absolute POSIX path, e.g. --send-as /global/raw');
  }
  // The gate with the beamline's prefix decides whether files below it can be dispatched at all.
  try {
    beamline.gate([`${root === '/' ? '' : root}/probe`], '--send-as');
  } catch (err) {
    const prefix = beamline.settings.path_prefix;
    throw usageError(
      `watch: files under ${root} cannot be dispatched for ${beamline.id}: ${err instanceof Error ? err.message : String(err)}`,
      prefix === undefined ? 'the beamline has no path_prefix; pass --send-as with the folder relative to the endpoint root' : `pass --send-as with the folder's path under ${prefix}`,
    );
  }
  return root;
}

export async function watchCommand(ctx: StepContext, args: WatchCommand): Promise<number> {
  const dir = resolve(args.dir);
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory()) throw usageError(`watch: ${dir} is not a folder`, 'give the folder the acquisition software writes into');
  const sendAs = sendAsFor(args.beamline, dir, args.sendAs);
  const settings = watchSettingsOf(args.beamline.settings);
  const gh = githubSettings(args.config);
  const { client } = openClient(args.config, ctx, args.userAgent);
  const spoolDir = spoolDirFor(dir, args.spool);
  if (!isAbsolute(spoolDir)) throw configError(`watch: spool ${spoolDir} is not absolute`);

  const { spool, notes } = await Spool.open(spoolDir);
  for (const note of notes) ctx.info(note);
  const watcher = new Watcher({
    dir,
    sendAs,
    beamline: args.beamline,
    settings,
    exportControl: args.exportControl,
    spool,
    client,
    backoff: { firstMs: gh.retryFirstSeconds * 1000, maxMs: gh.retryMaxSeconds * 1000 },
    log: ctx,
    once: args.once,
    retryForMs: args.retryForMs,
    ignoreExisting: args.ignoreExisting,
  });
  const onSignal = (signal: NodeJS.Signals): void => {
    ctx.info(`${signal}: stopping (batches not yet sent stay in the spool)`);
    void watcher.stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const code = await watcher.run();
    const s = watcher.stats;
    ctx.info(`dispatched ${s.filesDispatched} file(s) in ${s.requests - s.failedRequests} request(s)${s.failedRequests > 0 ? ` (${s.failedRequests} failed attempt(s))` : ''}; ${spool.pending().length} batch(es) left in the spool`);
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await spool.close();
  }
}

// ----- splash watch --status -----

const ago = (iso: string | undefined, now: number): string => {
  if (!iso) return '-';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = t - now;
  return d >= 0 ? `in ${formatDuration(d)}` : `${formatDuration(-d)} ago`;
};

export function formatStatus(s: SpoolStatus, now = Date.now()): string {
  if (!s.exists) return `spool ${s.dir}: does not exist (no watcher has used it yet)\n`;
  const lines: string[] = [];
  const w = s.watcher;
  lines.push(`spool ${s.dir}`);
  lines.push(
    w === undefined
      ? 'watcher: not running'
      : w.running
        ? `watcher: running (pid ${w.pid} on ${w.host}, since ${w.started})`
        : `watcher: not running (pid ${w.pid} stopped without cleaning up; the next start takes over)`,
  );
  lines.push(`pending: ${s.pending.length} batch(es), ${s.pendingFiles} file(s) waiting for GitHub to accept them`);
  if (s.accepted.length > 0) {
    lines.push(
      `accepted: ${s.accepted.length} batch(es), ${s.acceptedFiles} file(s) accepted by GitHub but not yet in the sent ledger ` +
        '(its disk was full); they are not sent again, and are recorded once there is room',
    );
  }
  lines.push(`sent: ${s.sentFiles} file(s) in the ledger`);
  if (s.unreadable.length > 0) lines.push(`unreadable records (look at them, then delete): ${s.unreadable.join(', ')}`);
  if (s.pending.length > 0) {
    lines.push('');
    const rows = s.pending.map((r) => [r.id, String(r.files.length), r.created, String(r.attempts), ago(r.next_attempt, now), r.last_error ?? '']);
    const header = ['batch', 'files', 'spooled', 'attempts', 'next attempt', 'last error'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
    const fmt = (row: readonly string[]): string => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
    lines.push(fmt(header), ...rows.map(fmt));
  }
  return `${lines.join('\n')}\n`;
}

export async function watchStatus(args: { dir: string | undefined; spool: string | undefined; json: boolean }, out: NodeJS.WritableStream): Promise<number> {
  if (args.dir === undefined && args.spool === undefined) throw usageError('watch --status: which spool?', 'give the watched folder or --spool <folder>');
  const status = await readSpoolStatus(spoolDirFor(args.dir ?? '.', args.spool));
  if (args.json) {
    // Masked like every output: error texts in the records were written by another process.
    out.write(
      `${JSON.stringify(
        redactValue({
          spool: status.dir,
          exists: status.exists,
          watcher: status.watcher ?? null,
          pending_batches: status.pending.length,
          pending_files: status.pendingFiles,
          accepted_batches: status.accepted.length,
          accepted_files: status.acceptedFiles,
          sent_files: status.sentFiles,
          batches: status.pending.map((r) => ({
            id: r.id,
            event_type: r.event_type,
            is_export_control: r.is_export_control,
            files: r.files.length,
            first_path: r.files[0]?.path ?? null,
            created: r.created,
            attempts: r.attempts,
            last_error: r.last_error ?? null,
            next_attempt: r.next_attempt ?? null,
          })),
          accepted: status.accepted.map((r) => ({ id: r.id, files: r.files.length, first_path: r.files[0]?.path ?? null, created: r.created })),
          unreadable: status.unreadable,
        }),
        null,
        2,
      )}\n`,
    );
  } else {
    out.write(redact(formatStatus(status)));
  }
  return 0;
}

// ----- splash reconcile -----

export interface ReconcileCommand {
  readonly config: SplashConfig;
  readonly beamline: BeamlineConfig;
  readonly olderThanMs: number;
  readonly dryRun: boolean;
  /** true / false when the operator said so; undefined when not given. */
  readonly exportControl: boolean | undefined;
  readonly now: Date;
  readonly userAgent?: string;
}

export interface ReconcileOutcome {
  readonly plan: ReconcilePlan;
  readonly dispatched: number;
  readonly requests: number;
}

export async function reconcileCommand(ctx: StepContext, args: ReconcileCommand): Promise<ReconcileOutcome> {
  const { beamline } = args;
  const services = createServices(args.config, ctx);
  const plan = await planReconcile(beamline, { olderThanMs: args.olderThanMs, now: args.now, globus: () => services.globus() });
  const paths = plan.missing.map((m) => prefixed(beamline, m.rel));
  // The export-control flag of a file is not on disk. Guessing "no" could send controlled data off site.
  const guarded = beamline.settings.move.some((hop) => hop.skip_export_controlled);
  if (guarded && args.exportControl === undefined && !args.dryRun && paths.length > 0) {
    throw usageError(
      `reconcile: ${beamline.id} has hops that export-controlled data must skip, and whether these ${paths.length} file(s) are export controlled is not known`,
      'pass --export-control (they stay at the facility; safe) or --not-export-controlled (you checked none of them is)',
    );
  }
  const exportControl = args.exportControl ?? false;

  const age = formatDuration(args.olderThanMs);
  ctx.info(
    `${plan.from.name} → ${plan.to.name}: ${plan.scanned} data file(s) on ${plan.from.name}; ${plan.young} younger than ${age} (not judged); ` +
      `${plan.present} at ${plan.to.name}; ${plan.missing.length} not there${plan.skipped.length > 0 ? `; ${plan.skipped.length} skipped` : ''}`,
  );
  for (const m of plan.missing.slice(0, 50)) ctx.info(`  ${m.why}: ${m.rel}`);
  if (plan.missing.length > 50) ctx.info(`  … and ${plan.missing.length - 50} more`);
  for (const s of plan.skipped.slice(0, 20)) ctx.warn(`skipped ${s.rel}: ${s.why}`);

  let dispatched = 0;
  let requests = 0;
  // Export-controlled data skips a first hop marked so: dispatching these files as export controlled would
  // move nothing, and the next reconcile would find and send them again, for ever. A person must decide.
  const futile = exportControl && beamline.settings.move[0]?.skip_export_controlled === true && paths.length > 0;
  if (futile) {
    ctx.warn(
      `not dispatched: ${String(paths.length)} file(s) are not at ${plan.to.name}, but ${plan.from.name} → ${plan.to.name} is skipped for export-controlled data, ` +
        'so sending them as export controlled would move nothing. If they are export controlled, that is where they belong; ' +
        'if you checked that they are not, run splash reconcile --not-export-controlled',
    );
  } else if (paths.length > 0 && !args.dryRun) {
    const eventType = watchSettingsOf(beamline.settings).event_type;
    const { client, policy } = openClient(args.config, ctx, args.userAgent);
    const sent = await sendPaths(ctx, client, policy, { eventType, paths, exportControl });
    dispatched = sent.paths;
    requests = sent.requests;
  } else if (args.dryRun && paths.length > 0) {
    ctx.info(`dry run: would dispatch ${paths.length} file(s); nothing sent`);
  }

  ctx.summary.heading(`Reconcile ${beamline.id}: ${plan.from.name} → ${plan.to.name}`, 3).table(
    ['on source', `younger than ${age}`, 'at destination', 'missing or different', 'skipped', args.dryRun ? 'would dispatch' : 'dispatched'],
    [[plan.scanned, plan.young, plan.present, plan.missing.length, plan.skipped.length, futile ? 0 : args.dryRun ? paths.length : dispatched]],
  );
  if (plan.missing.length > 0) {
    ctx.summary.details(
      `${plan.missing.length} file(s) not at ${plan.to.name}`,
      plan.missing.slice(0, 200).map((m) => `- ${m.rel} (${m.why})`).join('\n') + (plan.missing.length > 200 ? `\n- … and ${plan.missing.length - 200} more` : ''),
    );
  }
  return { plan, dispatched, requests };
}
