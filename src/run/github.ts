/**
 * The GitHub runner rendering of a step, on @actions/core: workflow commands on stdout (annotations,
 * groups, masks), outputs to $GITHUB_OUTPUT, the summary to $GITHUB_STEP_SUMMARY. Loaded only under the
 * runner (see index.ts), so the CLI never pays for @actions/core.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import * as core from '@actions/core';
import type { Progress, StepContext } from './context.js';
import { onSecret, redact, registerSecret } from '../secrets.js';
import { describeDone, describeProgress, percentOf } from './format.js';
import { StepReport } from './report.js';
import { SummaryBuilder } from './summary.js';

export interface GithubOptions {
  /** Clock in milliseconds, for tests of progress throttling. */
  now?: () => number;
}

export interface GithubContext extends StepContext {
  readonly kind: 'github';
  readonly summary: SummaryBuilder;
}

/**
 * The run log is not a TTY and keeps every line, so progress is a handful of plain lines: one at most
 * every 10 s, and only when another 10% is done. A copy of any length logs at most ten of them.
 */
const LOG_INTERVAL_MS = 10_000;
const LOG_HEARTBEAT_MS = 60_000;
const LOG_STEP_PERCENT = 10;

/**
 * The runner reads any log line whose text, leading blanks trimmed, starts with `::`, or that holds `##[`
 * anywhere, as a workflow command (actions/runner ActionCommand.TryParseV2 / TryParse). A log line often
 * carries text from outside — a remote tool's output, a file name, a service's error — which must not become
 * `::add-mask::`, `::stop-commands::` or an annotation. Such a message is logged verbatim between
 * `::stop-commands::<token>` and `::<token>::`, the runner's own way to show text without reading commands in
 * it; a token it does not contain.
 */
export function inertLog(message: string): string {
  // .NET's TrimStart also drops U+0085, which JavaScript's \s does not cover.
  if (!/(^|[\r\n])(?:[^\S\r\n]|\u0085)*::|##\[/.test(message)) return message;
  let token = randomUUID();
  while (message.includes(token)) token = randomUUID();
  return `::stop-commands::${token}\n${message}\n::${token}::`;
}

/** The runner is told every secret once per process, however many contexts exist. */
let tellingRunner = false;

export function createGithubContext(opts: GithubOptions = {}): GithubContext {
  const now = opts.now ?? Date.now;
  if (!tellingRunner) {
    tellingRunner = true;
    // Every secret registered anywhere in the process (config, clients, tokens obtained) becomes ::add-mask::.
    onSecret((value) => {
      core.setSecret(value);
    });
  }
  const summary = new SummaryBuilder();
  // The runner cannot nest ::group:: (an inner ::endgroup:: closes the outer one; actions/runner#802),
  // so only the outermost group per async chain becomes a real group.
  const inGroup = new AsyncLocalStorage<boolean>();
  // The runner masks registered secrets in the log itself; masking here too covers lines written
  // before the runner processed ::add-mask::, and keeps both renderings behaving alike.
  const m = redact;
  const log = (text: string): void => {
    core.info(inertLog(m(text)));
  };

  const progress = (label: string, totalBytes: number): Progress => {
    const start = now();
    let doneBytes = 0;
    let lastLine = start;
    let lastStep = 0;
    let finished = false;
    const elapsed = (): number => (now() - start) / 1000;
    return {
      update(bytes: number): void {
        if (finished) return;
        doneBytes = bytes;
        const pct = percentOf(bytes, totalBytes);
        const step = pct === undefined ? lastStep + 1 : Math.floor(pct / LOG_STEP_PERCENT);
        const t = now();
        // Nothing at 100%: the done line follows and says more.
        if (totalBytes > 0 && bytes >= totalBytes) return;
        // A line per 10% (at most every 10 s), and at least one a minute so a long copy never looks hung.
        const due = (step > lastStep && t - lastLine >= LOG_INTERVAL_MS) || t - lastLine >= LOG_HEARTBEAT_MS;
        if (!due) return;
        lastLine = t;
        lastStep = Math.max(step, lastStep);
        log(`${label}: ${describeProgress(doneBytes, totalBytes, elapsed())}`);
      },
      done(): void {
        if (finished) return;
        finished = true;
        const bytes = doneBytes > 0 ? doneBytes : Math.max(0, totalBytes);
        log(`${label}: ${describeDone(bytes, totalBytes, elapsed())}`);
      },
    };
  };

  return {
    kind: 'github',
    summary,
    report: new StepReport(),
    info(message) {
      log(message);
    },
    warn(message) {
      core.warning(m(message));
    },
    error(message) {
      core.error(m(message));
    },
    debug(message) {
      core.debug(m(message));
    },
    async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
      if (inGroup.getStore() === true) {
        log(`> ${title}`);
        return fn();
      }
      return inGroup.run(true, () => core.group(m(title), fn));
    },
    setOutput(name, value) {
      core.setOutput(name, redact(String(value)));
    },
    mask(secret) {
      registerSecret(secret);
    },
    progress,
    async flushSummary() {
      if (summary.isEmpty) return;
      const markdown = summary.toMarkdown();
      summary.clear();
      try {
        await core.summary.addRaw(markdown).write();
      } catch (err) {
        // The work is done by now; a missing summary file (e.g. a local runner emulator) must not fail the step.
        core.warning(redact(`Could not write the job summary: ${err instanceof Error ? err.message : String(err)}`));
        core.summary.emptyBuffer();
      }
    },
  };
}
