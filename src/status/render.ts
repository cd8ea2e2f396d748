/**
 * The status pages as VitePress Markdown: an overview and one page per beamline. Everything that comes from
 * a run (file names, reasons, URLs) is HTML-escaped inside `v-pre` blocks, so neither Markdown, HTML nor a
 * Vue `{{ }}` in a file name can change the page. HTML blocks hold no blank line (Markdown would end them).
 */
import { formatBytes, formatDuration, formatRate } from '../run/format.js';
import type { BeamlineStatus, DayPoint, StatusModel, StepCell } from './model.js';
import { SCAN_STEPS } from './model.js';

export interface BuildFacts {
  readonly requests: number;
  readonly maxRequests: number;
  readonly unread: number;
  readonly stopped: string | undefined;
  readonly rateRemaining: number | undefined;
}

/** The page of a beamline: `bl` and its digits, like its folder in beamlines/ (8.3.2 → bl832). */
export const pageName = (id: string): string => `bl${id.replace(/\D/g, '')}`;

/** HTML text or attribute value on one line: markdown-it reads a lone CR as a line end too, and a blank line would end the HTML block. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/[\r\n\u2028\u2029]+/g, ' ');
}

/** Only http(s) URLs become links; anything else is shown as text. */
function link(url: string, text: string): string {
  return /^https?:\/\//i.test(url) ? `<a href="${esc(url)}" class="run-link">${esc(text)}</a>` : esc(text);
}

const when = (iso: string): string => (iso === '' ? '' : `${iso.slice(0, 16).replace('T', ' ')} UTC`);

function table(cls: string, header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = `<thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>`;
  const body = `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n')}</tbody>`;
  return `<table class="${cls}">\n${head}\n${body}\n</table>`;
}

const block = (html: string): string => `<div v-pre class="splash-status">\n${html}\n</div>`;

function cell(c: StepCell | undefined): string {
  if (!c) return '<span class="outcome none">—</span>';
  const parts = [c.seconds === undefined ? '' : formatDuration(c.seconds), c.rate === undefined ? '' : formatRate(c.rate)].filter((p) => p !== '');
  const title = c.detail === '' ? '' : ` title="${esc(c.detail)}"`;
  return `<span class="outcome ${esc(c.outcome.replace(/[^a-z]+/g, '-'))}"${title}>${esc(c.outcome)}</span>${parts.length > 0 ? ` <small>${esc(parts.join(', '))}</small>` : ''}`;
}

function header(model: StatusModel, facts: BuildFacts): string {
  const lines = [
    `Built ${when(model.generated)} from the runs of the last ${Math.round((Date.parse(model.generated) - Date.parse(model.since)) / 86_400_000)} days in \`${model.repository}\` (${model.runs} runs, ${model.reports} step reports), with ${facts.requests} GitHub API requests (budget ${facts.maxRequests} per build${facts.rateRemaining === undefined ? '' : `, ${facts.rateRemaining} left this hour`}).`,
  ];
  if (facts.stopped !== undefined) lines.push('', `::: warning Not everything was read\nThe build stopped reading early: ${facts.stopped.replace(/[<>{}]/g, '')}. ${facts.unread} report(s) wait for the next build.\n:::`);
  return lines.join('\n');
}

export function renderIndex(model: StatusModel, facts: BuildFacts): string {
  const out = ['---', 'title: Pipeline status', 'outline: false', 'aside: false', '---', '', '# Pipeline status', '', header(model, facts), ''];
  if (model.runs === 0 && model.reports === 0) {
    out.push(
      '## No runs yet',
      '',
      'There is nothing to show: no workflow run of this repository in the window has left a step report. Each step ' +
        '(move, ingest, recon, hpss, prune) writes a small JSON report that the workflows keep as the run artifact ' +
        '`splash-report-<job>`; once the first dispatch has run, this page lists every beamline\'s last scans, failures, ' +
        'the next prune, tape coverage and the data moved per day. How the pages are built: [Status pages](../status-pages.md).',
      '',
    );
  }
  const rows = model.beamlines.map((b) => {
    const last = b.scans[0];
    return [
      `<a href="./${pageName(b.info.id)}.html" class="beamline-link">${esc(b.info.id)}</a>`,
      esc(b.info.title),
      String(b.scansTotal),
      String(b.failuresTotal),
      last ? esc(when(last.time)) : '—',
      last ? cell(last.steps.move) : '—',
    ];
  });
  out.push('## Beamlines', '', block(table('status-overview', ['beamline', 'name', 'scans', 'failures', 'last scan', 'its move'], rows)), '');
  out.push('Pages:', '', ...model.beamlines.map((b) => `- [${b.info.id} ${b.info.title.replace(/[[\]]/g, '')}](./${pageName(b.info.id)}.md)`), '');
  return `${out.join('\n')}\n`;
}

/** A bar per day: the data moved; each bar's title gives volume, files and the average rate. */
export function renderChart(days: readonly DayPoint[]): string {
  const W = 760;
  const H = 240;
  const left = 70;
  const bottom = 30;
  const top = 10;
  const plotW = W - left - 10;
  const plotH = H - top - bottom;
  const max = Math.max(0, ...days.map((d) => d.bytes));
  const slot = days.length > 0 ? plotW / days.length : plotW;
  const bars = days.map((d, i) => {
    const h = max > 0 ? Math.round((d.bytes / max) * plotH * 10) / 10 : 0;
    const x = Math.round((left + i * slot + slot * 0.1) * 10) / 10;
    const w = Math.max(1, Math.round(slot * 0.8 * 10) / 10);
    const rate = d.seconds > 0 ? `, ${formatRate(d.bytes / d.seconds)} while moving` : '';
    const title = `${d.day}: ${formatBytes(d.bytes)} in ${d.files} file(s)${rate}`;
    return `<rect class="bar" data-day="${d.day}" data-bytes="${d.bytes}" x="${x}" y="${Math.round((top + plotH - h) * 10) / 10}" width="${w}" height="${h}"><title>${esc(title)}</title></rect>`;
  });
  const ticks = [0, 0.5, 1].map((f) => {
    const y = Math.round((top + plotH - f * plotH) * 10) / 10;
    return `<line class="grid" x1="${left}" x2="${W - 10}" y1="${y}" y2="${y}"/><text class="axis" x="${left - 6}" y="${y + 4}" text-anchor="end">${esc(formatBytes(max * f))}</text>`;
  });
  const labels = days
    .map((d, i) => ({ d, i }))
    .filter(({ i }) => i % 7 === 0 || i === days.length - 1)
    .map(({ d, i }) => `<text class="axis" x="${Math.round(left + i * slot + slot / 2)}" y="${H - 10}" text-anchor="middle">${esc(d.day.slice(5))}</text>`);
  const total = days.reduce((a, d) => a + d.bytes, 0);
  return [
    `<svg class="throughput-chart" role="img" aria-label="${esc(`Data moved per day: ${formatBytes(total)} over ${days.length} days`)}" viewBox="0 0 ${W} ${H}" width="100%" style="max-width:${W}px">`,
    ...ticks,
    ...bars,
    ...labels,
    '</svg>',
  ].join('\n');
}

export function renderBeamline(b: BeamlineStatus, model: StatusModel, facts: BuildFacts): string {
  const id = b.info.id;
  const out = ['---', `title: ${id} status`, 'aside: false', '---', '', `# ${id} ${b.info.title.replace(/[<>{}]/g, '')} — pipeline status`, '', header(model, facts), '', `Back to [all beamlines](./index.md) · how ${id} is set up: [its page](../beamlines/${pageName(id)}.md).`, ''];

  out.push('## Last scans', '');
  if (b.scans.length === 0) out.push('No dispatch of this beamline in the window.', '');
  else {
    const rows = b.scans.map((s) => [link(s.url, `run ${s.run}`), esc(when(s.time)), `<code>${esc(s.files)}</code>`, s.bytes === undefined ? '' : esc(formatBytes(s.bytes)), ...SCAN_STEPS.map((step) => cell(s.steps[step]))]);
    out.push(block(table('status-scans', ['run', 'started', 'files', 'size', ...SCAN_STEPS], rows)));
    if (b.scansTotal > b.scans.length) out.push('', `The newest ${b.scans.length} of ${b.scansTotal} dispatches in the window.`);
    out.push('');
  }

  out.push('## Failures', '');
  if (b.failures.length === 0) out.push('No failure in the window.', '');
  else {
    const rows = b.failures.map((f) => [link(f.url, `run ${f.run}`), esc(when(f.time)), esc(f.step), `<code>${esc(f.files)}</code>`, esc(f.reason)]);
    out.push(block(table('status-failures', ['run', 'when', 'step', 'files', 'reason'], rows)));
    if (b.failuresTotal > b.failures.length) out.push('', `The newest ${b.failures.length} of ${b.failuresTotal} failures.`);
    out.push('', 'What to do when a step fails: [Operations](../operations.md#when-a-step-fails).', '');
  }

  out.push('## Next prune', '');
  if (b.info.prune.length === 0) out.push(`${id} has no prune rules: nothing is ever deleted from its storage.`, '');
  else if (!b.prune) out.push('No prune preview yet: the scheduled prune run leaves one (a dry run as of the next sweep) after each sweep.', '');
  else {
    const p = b.prune;
    out.push(block(`<p>As of the next scheduled sweep (${esc(when(p.asOf))}), from the dry run in ${link(p.url, `run ${p.run}`)}:</p>`), '');
    const rows = p.rules.map((r) => [
      `<code>${esc(r.endpoint)}</code>`,
      esc(`${r.after_days} days`),
      esc(`${r.files} file(s), ${formatBytes(r.bytes)}`),
      `each has a verified copy at the same path on <code>${esc(r.check)}</code>, checked again just before the delete`,
      r.unsafeTotal === 0 ? '0' : esc(`${r.unsafeTotal} kept: ${r.unsafe.map((u) => `${u.path} (${u.reason})`).join('; ')}`),
    ]);
    out.push(block(table('status-prune', ['endpoint', 'keeps', 'will delete', 'why it is safe', 'kept, not provably replicated'], rows)));
    const examples = p.rules.flatMap((r) => r.examples.slice(0, 5).map((e) => [`<code>${esc(r.endpoint)}</code>`, `<code>${esc(e.path)}</code>`, esc(formatBytes(e.bytes)), esc(when(e.mtime))]));
    if (examples.length > 0) out.push('', block(table('status-prune-files', ['endpoint', 'file', 'size', 'modified'], examples)));
    out.push('');
  }

  out.push('## Tape coverage per cycle', '');
  if (b.tape.length === 0) out.push('No archive run has written this beamline to tape in the window (the archive workflow runs after each beam cycle ends).', '');
  else {
    const rows = b.tape.map((c) => [esc(c.cycle), String(c.proposals), String(c.files), esc(formatBytes(c.bytes)), String(c.failed), esc(when(c.last))]);
    out.push(block(table('status-tape', ['cycle', 'proposals on tape', 'files', 'size', 'failed', 'last archived'], rows)), '');
  }

  out.push('## Data moved per day', '');
  out.push(block(renderChart(b.days)), '');
  return `${out.join('\n')}\n`;
}

/** Every page: file name (relative to the status folder) → Markdown. */
export function renderPages(model: StatusModel, facts: BuildFacts): Map<string, string> {
  const pages = new Map<string, string>([['index.md', renderIndex(model, facts)]]);
  for (const b of model.beamlines) pages.set(`${pageName(b.info.id)}.md`, renderBeamline(b, model, facts));
  return pages;
}
