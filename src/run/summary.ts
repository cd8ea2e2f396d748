/**
 * A step's summary, recorded as blocks and rendered late: GitHub-flavoured markdown for the job summary,
 * plain aligned text for a terminal. Rendering late lets secrets registered after a block was added still
 * be masked.
 */
import type { Cell, Summary } from './context.js';
import { redact } from '../secrets.js';
import { maskSecrets } from './format.js';

type Block =
  | { kind: 'heading'; text: string; level: 1 | 2 | 3 }
  | { kind: 'text'; markdown: string }
  | { kind: 'table'; header: string[]; rows: Cell[][] }
  | { kind: 'list'; items: string[] }
  | { kind: 'details'; label: string; markdown: string };

const oneLine = (s: string): string => s.replace(/\r?\n/g, ' ');

/**
 * Text shown verbatim in a fenced code block. The fence is longer than any run of backticks in the text
 * (CommonMark closes a block only at a fence at least as long as the opening one), so program output — a
 * stderr tail — cannot end the block early and put its own Markdown or HTML into the summary.
 */
export function codeBlock(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}\n${text}\n${fence}`;
}

/** Markdown table cell: `|` would end the cell and a raw newline the row; backticks are left for code spans. */
function escapeCell(s: string): string {
  return s.trim().replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** The label sits inside raw HTML, where markdown is not parsed but `<` and `&` are. */
function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A terminal shows markdown's emphasis as the asterisks themselves: drop them. */
const plain = (s: string): string => s.replace(/\*\*([^*\n]+)\*\*/g, '$1');

/** Display width in graphemes: right for accented names; wide (CJK) characters would still misalign. */
const graphemes = new Intl.Segmenter();
const width = (s: string): number => Array.from(graphemes.segment(s)).length;

export class SummaryBuilder implements Summary {
  private readonly blocks: Block[] = [];

  /**
   * Every rendering passes the process's secret registry (src/secrets.ts); `mask` adds values of its own.
   * Both are read at render time, so secrets registered after a block was added are still masked.
   */
  constructor(private readonly mask: Iterable<string> = []) {}

  /** True until something is added; a context skips writing an empty summary. */
  get isEmpty(): boolean {
    return this.blocks.length === 0;
  }

  clear(): void {
    this.blocks.length = 0;
  }

  heading(text: string, level: 1 | 2 | 3 = 2): this {
    this.blocks.push({ kind: 'heading', text, level });
    return this;
  }

  text(markdown: string): this {
    this.blocks.push({ kind: 'text', markdown });
    return this;
  }

  table(header: readonly string[], rows: readonly (readonly Cell[])[]): this {
    // Copy: callers often build rows in a reused array.
    this.blocks.push({ kind: 'table', header: [...header], rows: rows.map((r) => [...r]) });
    return this;
  }

  list(items: readonly string[]): this {
    this.blocks.push({ kind: 'list', items: [...items] });
    return this;
  }

  details(label: string, markdown: string): this {
    this.blocks.push({ kind: 'details', label, markdown });
    return this;
  }

  /** Mask raw input before escaping (escaping could split a secret), and the output again as a backstop. */
  private m(s: Cell): string {
    return redact(maskSecrets(String(s), this.mask));
  }

  toMarkdown(): string {
    const out = this.blocks.map((b): string => {
      switch (b.kind) {
        case 'heading':
          return `${'#'.repeat(b.level)} ${oneLine(this.m(b.text))}`;
        case 'text':
          return this.m(b.markdown);
        case 'list':
          return b.items.map((i) => `- ${this.m(i).replace(/\r?\n/g, '\n  ')}`).join('\n');
        case 'details':
          return `<details><summary>${escapeHtml(oneLine(this.m(b.label)))}</summary>\n\n${this.m(b.markdown)}\n\n</details>`;
        case 'table':
          return this.markdownTable(b.header, b.rows);
      }
    });
    return out.length === 0 ? '' : `${redact(maskSecrets(out.join('\n\n'), this.mask))}\n`;
  }

  toText(): string {
    const out = this.blocks.map((b): string => {
      switch (b.kind) {
        case 'heading': {
          const text = oneLine(this.m(b.text));
          if (b.level === 3) return text.toUpperCase();
          return `${text}\n${(b.level === 1 ? '=' : '-').repeat(width(text))}`;
        }
        case 'text':
          return plain(this.m(b.markdown));
        case 'list':
          return b.items.map((i) => `- ${this.m(i).replace(/\r?\n/g, '\n  ')}`).join('\n');
        case 'details': {
          const body = this.m(b.markdown).split(/\r?\n/).map((l) => (l === '' ? '' : `  ${l}`));
          return [`${oneLine(this.m(b.label))}:`, ...body].join('\n');
        }
        case 'table':
          return this.textTable(b.header, b.rows);
      }
    });
    return out.length === 0 ? '' : `${redact(maskSecrets(out.join('\n\n'), this.mask))}\n`;
  }

  /** Numeric columns are right-aligned in both renderings; sizes and counts read better that way. */
  private static numericColumns(columns: number, rows: readonly (readonly Cell[])[]): boolean[] {
    return Array.from({ length: columns }, (_, c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number'));
  }

  private markdownTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
    const columns = Math.max(header.length, ...rows.map((r) => r.length));
    if (columns === 0) return '';
    const numeric = SummaryBuilder.numericColumns(columns, rows);
    const line = (cells: readonly Cell[]): string =>
      `| ${Array.from({ length: columns }, (_, c) => escapeCell(this.m(cells[c] ?? ''))).join(' | ')} |`;
    const rule = `| ${numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`;
    return [line(header), rule, ...rows.map(line)].join('\n');
  }

  private textTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
    const columns = Math.max(header.length, ...rows.map((r) => r.length));
    if (columns === 0) return '';
    const numeric = SummaryBuilder.numericColumns(columns, rows);
    const cellsOf = (r: readonly Cell[]): string[] =>
      Array.from({ length: columns }, (_, c) => oneLine(this.m(r[c] ?? '')).trim());
    const head = cellsOf(header);
    const body = rows.map(cellsOf);
    const widths = head.map((h, c) => Math.max(width(h), ...body.map((r) => width(r[c] ?? ''))));
    const fmt = (cells: readonly string[]): string =>
      cells
        .map((cell, c) => {
          const fill = ' '.repeat((widths[c] ?? 0) - width(cell));
          return numeric[c] ? fill + cell : cell + fill;
        })
        .join('  ')
        .trimEnd();
    return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt)].join('\n');
  }
}
