import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createGithubContext } from '../src/run/github.js';
import { createContext, formatBytes, formatDuration, formatRate } from '../src/run/index.js';
import { SummaryBuilder } from '../src/run/summary.js';
import { createTerminalContext, type TerminalOptions } from '../src/run/terminal.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** A terminal context writing into memory, with a clock the test moves by hand. */
function memoryTerminal(opts: TerminalOptions = {}) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const clock = { t: 0 };
  const ctx = createTerminalContext({ stream, now: () => clock.t, ...opts });
  return { ctx, clock, text: () => chunks.join(''), chunks };
}

describe('format helpers', () => {
  it('formats bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1.5 * GiB)).toBe('1.5 GiB');
    expect(formatBytes(2 * GiB)).toBe('2.0 GiB');
    expect(formatBytes(310 * MiB)).toBe('310 MiB');
    // Rounding up to 1024 moves to the next unit rather than printing "1024 KiB".
    expect(formatBytes(1024 * 1024 - 1)).toBe('1.0 MiB');
    expect(formatBytes(Number.NaN)).toBe('n/a');
  });

  it('formats durations', () => {
    expect(formatDuration(0.85)).toBe('850 ms');
    expect(formatDuration(6.1)).toBe('6.1 s');
    expect(formatDuration(125)).toBe('2m 05s');
    expect(formatDuration(59.97)).toBe('1m 00s');
    expect(formatDuration(3725)).toBe('1h 02m 05s');
    expect(formatDuration(2 * 86400 + 3 * 3600)).toBe('2d 03h');
  });

  it('formats rates', () => {
    expect(formatRate(310 * MiB)).toBe('310 MiB/s');
    expect(formatRate(1.5 * MiB)).toBe('1.5 MiB/s');
    expect(formatRate(100)).toBe('100 B/s');
  });
});

describe('SummaryBuilder', () => {
  it('renders markdown with escaped table cells', () => {
    const s = new SummaryBuilder()
      .heading('Move')
      .text('Moved **3** files.')
      .table(['file', 'size', 'note'], [['a|b.h5', 12, 'line1\nline2'], ['`c.h5`', 3, 'ok']])
      .list(['one', 'two'])
      .details('Log <raw>', 'some `log`');
    const md = s.toMarkdown();
    expect(md).toContain('## Move');
    expect(md).toContain('| file | size | note |');
    // Numeric columns are right-aligned.
    expect(md).toContain('| --- | ---: | --- |');
    expect(md).toContain('| a\\|b.h5 | 12 | line1<br>line2 |');
    expect(md).toContain('| `c.h5` | 3 | ok |');
    expect(md).toContain('- one\n- two');
    expect(md).toContain('<details><summary>Log &lt;raw&gt;</summary>\n\nsome `log`\n\n</details>');
  });

  it('renders aligned plain text', () => {
    const s = new SummaryBuilder()
      .heading('Move', 1)
      .heading('Files')
      .table(['file', 'size'], [['long-name.h5', 12], ['a.h5', 1234]])
      .details('Log', 'l1\nl2');
    const text = s.toText();
    expect(text).toContain('Move\n====');
    expect(text).toContain('Files\n-----');
    const lines = text.split('\n');
    const head = lines.indexOf('file          size');
    expect(head).toBeGreaterThan(-1);
    expect(lines.slice(head + 1, head + 4)).toEqual(['------------  ----', 'long-name.h5    12', 'a.h5          1234']);
    expect(text).toContain('Log:\n  l1\n  l2');
  });

  it('masks secrets in every rendered string, including ones registered later', () => {
    const secrets = new Set<string>();
    const s = new SummaryBuilder(secrets)
      .heading('token hunter2')
      .table(['k', 'v'], [['pass', 'hunter2|x']])
      .details('hunter2', 'hunter2');
    secrets.add('hunter2');
    expect(s.toMarkdown()).not.toContain('hunter2');
    expect(s.toText()).not.toContain('hunter2');
    expect(s.toMarkdown()).toContain('| pass | ***\\|x |');
  });

  it('is empty until something is added', () => {
    const s = new SummaryBuilder();
    expect(s.isEmpty).toBe(true);
    expect(s.toMarkdown()).toBe('');
    s.text('x');
    expect(s.isEmpty).toBe(false);
  });
});

describe('terminal context', () => {
  it('prefixes warnings and errors, hides debug unless verbose', () => {
    const { ctx, text } = memoryTerminal();
    expect(ctx.kind).toBe('terminal');
    ctx.info('hello');
    ctx.warn('careful');
    ctx.error('broken');
    ctx.debug('hidden');
    expect(text()).toBe('hello\nwarning: careful\nerror: broken\n');

    const verbose = memoryTerminal({ verbose: true });
    verbose.ctx.debug('shown');
    expect(verbose.text()).toBe('debug: shown\n');
  });

  it('indents nested groups by two spaces', async () => {
    const { ctx, text } = memoryTerminal();
    const result = await ctx.group('outer', async () => {
      ctx.info('a');
      await ctx.group('inner', () => {
        ctx.info('b\nc');
        return Promise.resolve();
      });
      ctx.info('d');
      return 42;
    });
    ctx.info('e');
    expect(result).toBe(42);
    expect(text()).toBe('outer\n  a\n  inner\n    b\n    c\n  d\ne\n');
  });

  it('keeps indentation per async chain for concurrent groups', async () => {
    const { ctx, text } = memoryTerminal();
    const tick = () => new Promise((r) => setTimeout(r, 1));
    await Promise.all([
      ctx.group('g1', async () => {
        await tick();
        ctx.info('in g1');
      }),
      (async () => {
        await tick();
        ctx.info('top');
      })(),
    ]);
    expect(text()).toContain('  in g1\n');
    expect(text()).toContain('\ntop\n');
  });

  it('records outputs without printing', () => {
    const { ctx, text } = memoryTerminal();
    ctx.setOutput('files', 3);
    ctx.setOutput('dest', '/data/raw');
    expect(Object.fromEntries(ctx.outputs)).toEqual({ files: '3', dest: '/data/raw' });
    expect(text()).toBe('');
  });

  it('masks secrets in later lines and the summary', async () => {
    const { ctx, text } = memoryTerminal();
    ctx.info('before s3cr3t');
    ctx.mask('s3cr3t');
    ctx.mask('');
    ctx.info('token=s3cr3t');
    ctx.warn('s3cr3ts3cr3t');
    ctx.summary.table(['k'], [['s3cr3t']]);
    await ctx.flushSummary();
    const out = text();
    expect(out).toContain('before s3cr3t\n');
    expect(out).toContain('token=***\n');
    expect(out).toContain('warning: ******\n');
    expect(out.split('before s3cr3t')[1]).not.toContain('s3cr3t');
  });

  it('prints the summary as text on flush, once', async () => {
    const { ctx, text } = memoryTerminal();
    await ctx.flushSummary();
    expect(text()).toBe('');
    ctx.summary.heading('Done').table(['a', 'b'], [['x', 1]]);
    await ctx.flushSummary();
    await ctx.flushSummary();
    expect(text()).toBe('\nDone\n----\n\na  b\n-  -\nx  1\n');
  });

  it('prints a progress line about every 5 s without a TTY, then a done line', () => {
    const { ctx, clock, text } = memoryTerminal({ isTTY: false });
    const p = ctx.progress('copy', 2 * GiB);
    clock.t = 1000;
    p.update(0.25 * GiB);
    expect(text()).toBe('');
    clock.t = 5000;
    p.update(GiB);
    clock.t = 6000;
    p.update(1.2 * GiB);
    clock.t = 6100;
    p.done();
    const lines = text().split('\n').filter(Boolean);
    expect(lines).toEqual([
      'copy: 1.0 GiB / 2.0 GiB (50%), 205 MiB/s, ETA 5.0 s',
      'copy: 1.2 GiB of 2.0 GiB in 6.1 s (201 MiB/s)',
    ]);
    expect(text()).not.toContain('\r');
  });

  it('done reports the full total when the copy reached it', () => {
    const { ctx, clock, text } = memoryTerminal();
    const p = ctx.progress('copy', 2 * GiB);
    clock.t = 6100;
    p.update(2 * GiB);
    p.done();
    p.done();
    expect(text()).toBe('copy: 2.0 GiB in 6.1 s (336 MiB/s)\n');
  });

  it('rewrites a single line with \\r on a TTY, throttled, without colours under NO_COLOR', () => {
    vi.stubEnv('NO_COLOR', '1');
    try {
      const { ctx, clock, text, chunks } = memoryTerminal({ isTTY: true });
      const p = ctx.progress('copy', 100 * MiB);
      clock.t = 1000;
      p.update(10 * MiB);
      clock.t = 1050; // within 100 ms of the last redraw: skipped
      p.update(11 * MiB);
      clock.t = 1200;
      p.update(20 * MiB);
      ctx.warn('slow disk');
      clock.t = 2000;
      p.done();
      const redraws = chunks.filter((c) => c.startsWith('\r\x1b[Kcopy:'));
      expect(redraws).toHaveLength(2);
      expect(text()).toContain('\r\x1b[Kcopy: 10.0 MiB / 100 MiB (10%), 10.0 MiB/s, ETA 9.0 s');
      // A log line clears the live progress line and puts it back after itself.
      expect(text()).toContain('\r\x1b[Kwarning: slow disk\ncopy: 20.0 MiB');
      expect(text().endsWith('\r\x1b[Kcopy: 20.0 MiB of 100 MiB in 2.0 s (10.0 MiB/s)\n')).toBe(true);
      // No colour codes: the only escape is the line clear.
      expect(text().split('\x1b[K').join('')).not.toContain('\x1b');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('colours prefixes on a TTY when NO_COLOR is unset', () => {
    vi.stubEnv('NO_COLOR', '');
    try {
      const { ctx, text } = memoryTerminal({ isTTY: true });
      ctx.warn('w');
      expect(text()).toBe('\x1b[33mwarning:\x1b[0m w\n');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('github context', () => {
  let dir: string;
  let stdout: string[];
  const saved = { ...process.env };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'run-context-'));
    for (const name of ['output', 'summary']) writeFileSync(join(dir, name), '');
    process.env.GITHUB_OUTPUT = join(dir, 'output');
    process.env.GITHUB_STEP_SUMMARY = join(dir, 'summary');
    stdout = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      return true;
    });
  });

  afterEach(() => {
    vi.restoreAllMocks();
    for (const key of Object.keys(process.env)) if (!(key in saved)) Reflect.deleteProperty(process.env, key);
    Object.assign(process.env, saved);
    rmSync(dir, { recursive: true, force: true });
  });

  it('emits workflow commands, output file entries and a markdown summary', async () => {
    const ctx = createGithubContext();
    expect(ctx.kind).toBe('github');
    ctx.mask('tok3n');
    ctx.info('using tok3n');
    ctx.warn('careful');
    ctx.error('bad');
    ctx.debug('detail');
    const value = await ctx.group('outer', async () => {
      ctx.info('inside');
      await ctx.group('inner', () => Promise.resolve());
      return 'ok';
    });
    expect(value).toBe('ok');
    ctx.setOutput('files', 3);
    ctx.summary.heading('Move').table(['file', 'token'], [['a|b', 'tok3n']]);
    await ctx.flushSummary();

    const log = stdout.join('');
    expect(log).toContain('::add-mask::tok3n\n');
    expect(log).toContain('using ***\n');
    expect(log).toContain('::warning::careful\n');
    expect(log).toContain('::error::bad\n');
    expect(log).toContain('::debug::detail\n');
    // One real group: the runner cannot nest them.
    expect(log).toContain('::group::outer\ninside\n> inner\n::endgroup::\n');
    expect(log.match(/::group::/g)).toHaveLength(1);

    const output = readFileSync(join(dir, 'output'), 'utf8');
    expect(output).toMatch(/^files<<ghadelimiter_[0-9a-f-]+\n3\nghadelimiter_[0-9a-f-]+\n$/);

    const summary = readFileSync(join(dir, 'summary'), 'utf8');
    expect(summary).toContain('## Move');
    expect(summary).toContain('| file | token |\n| --- | --- |\n| a\\|b | *** |');
  });

  it('text from outside cannot become a workflow command: lines the runner would read as one are logged inert', () => {
    // The runner's reading of a log (actions/runner ActionCommand.cs): lines split at CR and LF; a line is a
    // command when, leading blanks trimmed, it starts with `::name…::`, or when it holds `##[name…]` anywhere;
    // after `::stop-commands::T` nothing is a command until the line `::T::`.
    const commands = (log: string): string[] => {
      const found: string[] = [];
      let stopped: string | undefined;
      for (const line of log.split(/\r\n|\r|\n/)) {
        const t = line.replace(/^[\s\u0085]+/, '');
        if (stopped !== undefined) {
          if (t === `::${stopped}::`) stopped = undefined;
          continue;
        }
        const v2 = /^::([^ :]+)[^:]*::(.*)$/.exec(t);
        const v1 = /##\[([^\] ]+)[^\]]*\]/.exec(line);
        const name = v2?.[1] ?? v1?.[1];
        if (name === undefined) continue;
        found.push(name);
        if (name === 'stop-commands') stopped = v2?.[2];
      }
      return found;
    };
    const ctx = createGithubContext();
    const hostile = [
      'htar: error reading member',
      '  ::add-mask::',
      '\t::warning title=Your runner is compromised::log in at https://evil.example',
      '\u0085::error::forged',
      'member name ##[add-mask]secret-looking',
      'a lone CR\r::set-output name=job-ids::[666]',
    ];
    for (const text of hostile) ctx.info(text);
    ctx.info('plain line: nothing to neutralize');
    const log = stdout.join('');
    expect(commands(log).filter((c) => c !== 'stop-commands')).toEqual([]);
    // Shown verbatim, and an ordinary line is left as it is.
    for (const text of hostile) expect(log).toContain(text);
    expect(log).toContain('\nplain line: nothing to neutralize\n');
    expect(log).not.toMatch(/stop-commands[^\n]*\nplain line/);
  });

  it('writes no summary when nothing was added', async () => {
    const ctx = createGithubContext();
    await ctx.flushSummary();
    expect(readFileSync(join(dir, 'summary'), 'utf8')).toBe('');
  });

  it('logs progress at most every 10 s and every 10%, without \\r', () => {
    const clock = { t: 0 };
    const ctx = createGithubContext({ now: () => clock.t });
    const p = ctx.progress('copy', 100 * MiB);
    clock.t = 5000;
    p.update(50 * MiB); // 50% but only 5 s in
    clock.t = 10_000;
    p.update(55 * MiB); // 10 s in and past 50%: logged
    clock.t = 15_000;
    p.update(58 * MiB); // same 10% step
    clock.t = 21_000;
    p.update(60 * MiB); // next step, 11 s later: logged
    clock.t = 25_000;
    p.update(95 * MiB); // too soon
    clock.t = 30_000;
    p.done();
    const lines = stdout.join('').split('\n').filter(Boolean);
    expect(lines).toEqual([
      'copy: 55.0 MiB / 100 MiB (55%), 5.5 MiB/s, ETA 8.2 s',
      'copy: 60.0 MiB / 100 MiB (60%), 2.9 MiB/s, ETA 14.0 s',
      'copy: 95.0 MiB of 100 MiB in 30.0 s (3.2 MiB/s)',
    ]);
    expect(stdout.join('')).not.toContain('\r');
  });

  it('createContext picks the rendering from GITHUB_ACTIONS', async () => {
    process.env.GITHUB_ACTIONS = 'true';
    expect((await createContext()).kind).toBe('github');
    process.env.GITHUB_ACTIONS = 'false';
    expect((await createContext()).kind).toBe('terminal');
  });
});
