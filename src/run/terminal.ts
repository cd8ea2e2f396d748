/**
 * The terminal rendering of a step: readable lines on stderr (stdout stays free for a command's real
 * output), indented groups, and a progress line that rewrites itself on a TTY.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Progress, StepContext } from './context.js';
import { redact, registerSecret } from '../secrets.js';
import { describeDone, describeProgress } from './format.js';
import { StepReport } from './report.js';
import { SummaryBuilder } from './summary.js';

export interface TerminalOptions {
  /** Where lines go; default process.stderr. */
  stream?: NodeJS.WritableStream;
  /** Default: the stream's own `isTTY`. */
  isTTY?: boolean;
  /** Show `debug` lines. */
  verbose?: boolean;
  /** Force colours on or off; default on only for a TTY without NO_COLOR. */
  color?: boolean;
  /** Clock in milliseconds, for tests of progress throttling. */
  now?: () => number;
}

export interface TerminalContext extends StepContext {
  readonly kind: 'terminal';
  /** Outputs a step set; the CLI decides whether and how to print them. */
  readonly outputs: ReadonlyMap<string, string>;
  readonly summary: SummaryBuilder;
}

/** Redraws of the TTY line per second at most: faster is flicker and wasted writes over ssh. */
const TTY_INTERVAL_MS = 100;
/** Without a TTY (CI logs, `| tee`), each update is a new line, so keep them sparse. */
const PLAIN_INTERVAL_MS = 5000;

const ANSI = { red: '31', yellow: '33', dim: '2', bold: '1' } as const;

export function createTerminalContext(opts: TerminalOptions = {}): TerminalContext {
  const stream = opts.stream ?? process.stderr;
  const isTTY = opts.isTTY ?? (stream as { isTTY?: boolean }).isTTY === true;
  const noColorEnv = (process.env.NO_COLOR ?? '') !== '';
  const color = opts.color ?? (isTTY && !noColorEnv);
  const verbose = opts.verbose ?? false;
  const now = opts.now ?? Date.now;

  const outputs = new Map<string, string>();
  // Masked by the process's one secret registry (src/secrets.ts), whoever registered the secret.
  const summary = new SummaryBuilder();
  // Per async chain, so groups run concurrently (Promise.all) still indent their own lines correctly.
  const depth = new AsyncLocalStorage<number>();
  const indentNow = (): string => '  '.repeat(depth.getStore() ?? 0);

  const paint = (code: string, s: string): string => (color ? `\x1b[${code}m${s}\x1b[0m` : s);

  // The TTY progress line currently on screen (without its leading \r), so log lines can clear it and
  // put it back underneath instead of being glued onto it.
  let liveLine: string | undefined;
  const clearLive = (): void => {
    if (liveLine !== undefined) stream.write('\r\x1b[K');
  };
  const redrawLive = (): void => {
    if (liveLine !== undefined) stream.write(liveLine);
  };

  /** Every line goes through here: masked, indented, and kept clear of the live progress line. */
  const emit = (message: string, prefix = '', indent = indentNow()): void => {
    const lines = redact(message).split(/\r?\n/);
    const text = lines.map((l, i) => `${indent}${i === 0 ? prefix : ''}${l}`.trimEnd()).join('\n');
    clearLive();
    stream.write(`${text}\n`);
    redrawLive();
  };

  const progress = (label: string, totalBytes: number): Progress => {
    const indent = indentNow();
    const start = now();
    let doneBytes = 0;
    let lastDraw = -Infinity;
    let finished = false;
    const elapsed = (): number => (now() - start) / 1000;
    const heading = (): string => `${indent}${redact(label)}: `;

    return {
      update(bytes: number): void {
        if (finished) return;
        doneBytes = bytes;
        const t = now();
        if (isTTY) {
          if (t - lastDraw < TTY_INTERVAL_MS) return;
          lastDraw = t;
          liveLine = heading() + redact(describeProgress(doneBytes, totalBytes, elapsed()));
          stream.write(`\r\x1b[K${liveLine}`);
        } else {
          // The first plain line comes after one interval, and none at 100% (the done line follows),
          // so a quick copy shows only its done line.
          if (lastDraw === -Infinity) lastDraw = start;
          if (t - lastDraw < PLAIN_INTERVAL_MS || (totalBytes > 0 && bytes >= totalBytes)) return;
          lastDraw = t;
          emit(describeProgress(doneBytes, totalBytes, elapsed()), `${redact(label)}: `, indent);
        }
      },
      done(): void {
        if (finished) return;
        finished = true;
        // A step that never reported bytes (one opaque copy) still finished the whole total.
        const bytes = doneBytes > 0 ? doneBytes : Math.max(0, totalBytes);
        const line = describeDone(bytes, totalBytes, elapsed());
        if (isTTY && liveLine !== undefined) {
          stream.write('\r\x1b[K');
          liveLine = undefined;
        }
        emit(line, `${redact(label)}: `, indent);
      },
    };
  };

  return {
    kind: 'terminal',
    outputs,
    summary,
    report: new StepReport(),
    info(message) {
      emit(message);
    },
    warn(message) {
      emit(message, `${paint(ANSI.yellow, 'warning:')} `);
    },
    error(message) {
      emit(message, `${paint(ANSI.red, 'error:')} `);
    },
    debug(message) {
      if (!verbose) return;
      emit(message, `${paint(ANSI.dim, 'debug:')} `);
    },
    async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
      emit(paint(ANSI.bold, title));
      return depth.run((depth.getStore() ?? 0) + 1, fn);
    },
    setOutput(name, value) {
      outputs.set(name, redact(String(value)));
    },
    mask(secret) {
      registerSecret(secret);
    },
    progress,
    flushSummary() {
      if (summary.isEmpty) return Promise.resolve();
      const text = summary.toText();
      summary.clear();
      clearLive();
      stream.write(`\n${text}`);
      redrawLive();
      return Promise.resolve();
    },
  };
}
