#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  maskSecrets
} from "./chunk-D3JGPBA4.js";
import {
  redact,
  redactValue
} from "./chunk-ZFJJYYNF.js";

// src/run/summary.ts
var oneLine = (s) => s.replace(/\r?\n/g, " ");
function codeBlock(text) {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}
${text}
${fence}`;
}
function escapeCell(s) {
  return s.trim().replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}
function escapeHtml(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
var plain = (s) => s.replace(/\*\*([^*\n]+)\*\*/g, "$1");
var graphemes = new Intl.Segmenter();
var width = (s) => Array.from(graphemes.segment(s)).length;
var SummaryBuilder = class _SummaryBuilder {
  /**
   * Every rendering passes the process's secret registry (src/secrets.ts); `mask` adds values of its own.
   * Both are read at render time, so secrets registered after a block was added are still masked.
   */
  constructor(mask = []) {
    this.mask = mask;
  }
  mask;
  blocks = [];
  /** True until something is added; a context skips writing an empty summary. */
  get isEmpty() {
    return this.blocks.length === 0;
  }
  clear() {
    this.blocks.length = 0;
  }
  heading(text, level = 2) {
    this.blocks.push({ kind: "heading", text, level });
    return this;
  }
  text(markdown) {
    this.blocks.push({ kind: "text", markdown });
    return this;
  }
  table(header, rows) {
    this.blocks.push({ kind: "table", header: [...header], rows: rows.map((r) => [...r]) });
    return this;
  }
  list(items) {
    this.blocks.push({ kind: "list", items: [...items] });
    return this;
  }
  details(label, markdown) {
    this.blocks.push({ kind: "details", label, markdown });
    return this;
  }
  /** Mask raw input before escaping (escaping could split a secret), and the output again as a backstop. */
  m(s) {
    return redact(maskSecrets(String(s), this.mask));
  }
  toMarkdown() {
    const out = this.blocks.map((b) => {
      switch (b.kind) {
        case "heading":
          return `${"#".repeat(b.level)} ${oneLine(this.m(b.text))}`;
        case "text":
          return this.m(b.markdown);
        case "list":
          return b.items.map((i) => `- ${this.m(i).replace(/\r?\n/g, "\n  ")}`).join("\n");
        case "details":
          return `<details><summary>${escapeHtml(oneLine(this.m(b.label)))}</summary>

${this.m(b.markdown)}

</details>`;
        case "table":
          return this.markdownTable(b.header, b.rows);
      }
    });
    return out.length === 0 ? "" : `${redact(maskSecrets(out.join("\n\n"), this.mask))}
`;
  }
  toText() {
    const out = this.blocks.map((b) => {
      switch (b.kind) {
        case "heading": {
          const text = oneLine(this.m(b.text));
          if (b.level === 3) return text.toUpperCase();
          return `${text}
${(b.level === 1 ? "=" : "-").repeat(width(text))}`;
        }
        case "text":
          return plain(this.m(b.markdown));
        case "list":
          return b.items.map((i) => `- ${this.m(i).replace(/\r?\n/g, "\n  ")}`).join("\n");
        case "details": {
          const body = this.m(b.markdown).split(/\r?\n/).map((l) => l === "" ? "" : `  ${l}`);
          return [`${oneLine(this.m(b.label))}:`, ...body].join("\n");
        }
        case "table":
          return this.textTable(b.header, b.rows);
      }
    });
    return out.length === 0 ? "" : `${redact(maskSecrets(out.join("\n\n"), this.mask))}
`;
  }
  /** Numeric columns are right-aligned in both renderings; sizes and counts read better that way. */
  static numericColumns(columns, rows) {
    return Array.from({ length: columns }, (_, c) => rows.length > 0 && rows.every((r) => typeof r[c] === "number"));
  }
  markdownTable(header, rows) {
    const columns = Math.max(header.length, ...rows.map((r) => r.length));
    if (columns === 0) return "";
    const numeric = _SummaryBuilder.numericColumns(columns, rows);
    const line = (cells) => `| ${Array.from({ length: columns }, (_, c) => escapeCell(this.m(cells[c] ?? ""))).join(" | ")} |`;
    const rule = `| ${numeric.map((n) => n ? "---:" : "---").join(" | ")} |`;
    return [line(header), rule, ...rows.map(line)].join("\n");
  }
  textTable(header, rows) {
    const columns = Math.max(header.length, ...rows.map((r) => r.length));
    if (columns === 0) return "";
    const numeric = _SummaryBuilder.numericColumns(columns, rows);
    const cellsOf = (r) => Array.from({ length: columns }, (_, c) => oneLine(this.m(r[c] ?? "")).trim());
    const head = cellsOf(header);
    const body = rows.map(cellsOf);
    const widths = head.map((h, c) => Math.max(width(h), ...body.map((r) => width(r[c] ?? ""))));
    const fmt = (cells) => cells.map((cell, c) => {
      const fill = " ".repeat((widths[c] ?? 0) - width(cell));
      return numeric[c] ? fill + cell : cell + fill;
    }).join("  ").trimEnd();
    return [fmt(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(fmt)].join("\n");
  }
};

// src/run/report.ts
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
var REPORT_SCHEMA = "splash-step-report/1";
var REPORT_LIST_LIMIT = 100;
var StepReport = class {
  #step;
  #beamline = null;
  #facts = /* @__PURE__ */ new Map();
  /** Names the step this context runs; a context that never names one writes no report (watch, demo). */
  begin(step, beamline = null) {
    this.#step = step;
    this.#beamline = beamline;
    return this;
  }
  get step() {
    return this.#step;
  }
  set(key, value) {
    this.#facts.set(key, value);
    return this;
  }
  /** A capped list under `key`, with `<key>_total` holding the full count. */
  list(key, items) {
    this.#facts.set(key, items.slice(0, REPORT_LIST_LIMIT));
    this.#facts.set(`${key}_total`, items.length);
    return this;
  }
  /** The document, masked: nothing a step put here can carry a secret out. */
  toDoc(end) {
    if (this.#step === void 0) return void 0;
    const doc = {
      schema: REPORT_SCHEMA,
      step: this.#step,
      title: end.title,
      beamline: this.#beamline,
      status: end.status,
      error: end.error === null ? null : redact(end.error.replace(/\s+/g, " ").trim()).slice(0, 500),
      started: end.started.toISOString(),
      finished: end.finished.toISOString(),
      seconds: Math.max(0, (end.finished.getTime() - end.started.getTime()) / 1e3),
      run: end.run,
      facts: Object.fromEntries(this.#facts)
    };
    return redactValue(doc);
  }
};
function runOf(env = process.env) {
  const id = Number(env.GITHUB_RUN_ID);
  if (env.GITHUB_ACTIONS !== "true" || !Number.isSafeInteger(id) || id <= 0) return null;
  return {
    repository: env.GITHUB_REPOSITORY ?? "",
    run_id: id,
    run_attempt: Number(env.GITHUB_RUN_ATTEMPT ?? "1") || 1,
    workflow: env.GITHUB_WORKFLOW ?? "",
    job: env.GITHUB_JOB ?? ""
  };
}
function reportDir(env = process.env) {
  const explicit = env.SPLASH_REPORT_DIR ?? "";
  if (explicit !== "") return path.resolve(explicit);
  const temp = env.RUNNER_TEMP ?? "";
  if (env.GITHUB_ACTIONS === "true" && temp !== "") return path.join(temp, "splash-reports");
  return void 0;
}
var written = 0;
async function writeReport(doc, dir) {
  await mkdir(dir, { recursive: true });
  const label = [doc.step, doc.beamline ?? "all"].join("-").replace(/[^A-Za-z0-9._-]/g, "_");
  const name = `${label}-${doc.started.replace(/[:.]/g, "")}-${process.pid}-${++written}.json`;
  const file = path.join(dir, name);
  const temp = `${file}.partial`;
  await writeFile(temp, `${JSON.stringify(doc, null, 2)}
`, { mode: 420 });
  await rename(temp, file);
  return file;
}

export {
  codeBlock,
  SummaryBuilder,
  REPORT_SCHEMA,
  StepReport,
  runOf,
  reportDir,
  writeReport
};
