#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  BEAMLINE_ID,
  normaliseAbsolutePath,
  require_dist
} from "./chunk-YSF46SAP.js";
import "./chunk-LYSRECY6.js";
import "./chunk-2EMMB7EI.js";
import {
  configError,
  usageError
} from "./chunk-4VXUNQHW.js";
import "./chunk-ZFJJYYNF.js";
import {
  __toESM
} from "./chunk-CJW4YZWO.js";

// src/scaffold/index.ts
var import_yaml = __toESM(require_dist(), 1);
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

// src/scaffold/templates.ts
var q = (s) => `'${s}'`;
function configTs(s) {
  const shape = s.shape === "list" ? "\n  override readonly dispatchShape: DispatchShape = 'list';" : "";
  const imports = s.shape === "list" ? "import { BeamlineConfig, type DispatchShape } from '../../src/config/beamline.js';" : "import { BeamlineConfig } from '../../src/config/beamline.js';";
  const how = s.shape === "list" ? "a list of files per dispatch, moved as one batch" : "one file per dispatch";
  if (!s.group) {
    const b = s.beamlines[0];
    return `${imports}

/** ${b?.id ?? ""} ${s.title}: ${how}. Made by \`splash new-beamline\`; add what differs from the shared behaviour here. */
export class ${s.className} extends BeamlineConfig {
  readonly id = ${q(b?.id ?? "")};
  readonly title = ${q(s.title)};${shape}
}
`;
  }
  const ids = s.beamlines.map((b) => b.id);
  return `${imports}

/** The ${s.folder} beamlines (${ids.join(", ")}) share one dispatcher: ${s.title}, ${how}. Made by \`splash new-beamline\`. */
export const ${s.folder.toUpperCase()}_IDS = [${ids.map(q).join(", ")}] as const;

export class ${s.className} extends BeamlineConfig {
  readonly id: string;
  readonly title = ${q(s.title)};${shape}

  constructor(config: ConstructorParameters<typeof BeamlineConfig>[0], id: (typeof ${s.folder.toUpperCase()}_IDS)[number]) {
    super(config);
    this.id = id;
  }
}
`;
}
function dispatcherTs(s) {
  const who = s.group ? `The ${s.folder} beamlines (${s.beamlines.map((b) => b.id).join(", ")}, chosen by the workflow's \`beamline\` input)` : s.beamlines[0]?.id ?? "";
  return `import type { ChainOptions, ChainStep } from '../../src/steps/chain.js';
import { genericIngestor } from '../../src/scicat/ingestors.js';
import { ingestLink } from '../../src/steps/ingest.js';
import { moveLink } from '../../src/steps/move.js';
import type { ${s.className} } from './config.js';

/** ${who}: move the files along config.yml's hops, then catalogue them. */
export function ${s.chainName}(beamline: ${s.className}, opts: ChainOptions): ChainStep[] {
  return [
    moveLink(beamline, opts.exportControlled),
    ingestLink(beamline, genericIngestor),
  ];
}
`;
}
function registryLines(s) {
  const imports = [`import { ${s.className} } from './${s.folder}/config.js';`, `import { ${s.chainName} } from './${s.folder}/dispatcher.js';`];
  const entries = s.beamlines.map(
    (b) => s.group ? `  ${q(b.id)}: (c) => { const b = new ${s.className}(c, ${q(b.id)}); return { config: b, ingestor: genericIngestor, chain: (o) => ${s.chainName}(b, o) }; },` : `  ${q(b.id)}: (c) => { const b = new ${s.className}(c); return { config: b, ingestor: genericIngestor, chain: (o) => ${s.chainName}(b, o) }; },`
  );
  return { imports, entries };
}
function configSection(s, b) {
  const hops = b.move.map((h) => `      - { from: ${h.from}, to: ${h.to}${h.offsite ? ", skip_export_controlled: true" : ""} }${h.offsite ? "   # leaves the facility" : ""}`);
  const rules = b.prune.map((p) => `      - { endpoint: ${p.endpoint}, after_days: ${p.days}, check: ${p.check} }`);
  return [
    "",
    `  "${b.id}":                      # ${s.title} (made by splash new-beamline)`,
    "    path_prefix: /                # the watcher sends collection paths, e.g. /raw/<proposal>/<file>",
    `    runner_labels: [${s.label}]`,
    "    watch:",
    `      event_type: ${b.eventType}`,
    "    move:",
    ...hops,
    "    prune:                        # deleted only where the check endpoint holds a verified copy",
    ...rules
  ].join("\n");
}
function globusEndpointEntry(e) {
  return [`    ${e.name}:`, `      root_path: ${e.root}`, `      uuid: ${e.uuid ?? ""}`, `      name: ${e.name}`].join("\n");
}
function fileEndpointEntry(e) {
  return `  ${e.name}: { type: filesystem, root_path: ${e.root} }`;
}
var CHECKOUT = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2";
var UPLOAD = "actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2";
var keepReport = `      # The step's JSON report (docs/status.md), kept for the status pages; also when the step failed.
      - name: keep the step report
        if: \${{ always() }}
        uses: ${UPLOAD}
        with:
          name: splash-report-\${{ github.job }}
          path: \${{ runner.temp }}/splash-reports/
          if-no-files-found: ignore
          retention-days: 35
          overwrite: true`;
function workflowYml(s, globusIngest) {
  const ids = s.beamlines.map((b) => b.id);
  const name = s.group ? `${s.folder} (${ids.join(", ")})` : `beamline ${ids[0] ?? ""}`;
  const beamline = s.group ? "${{ inputs.beamline }}" : `"${ids[0] ?? ""}"`;
  const events = s.beamlines.map((b) => `\`${b.eventType}\``).join(", ");
  const beamlineInput = s.group ? `      beamline:
        description: Which of the ${s.folder} beamlines (${ids.join(", ")}); dispatch.yml passes the one its event type names
        type: string
        required: true
` : "";
  const ingestGlobus = globusIngest ? `
          # The runner does not mount the collection: ingest reads the Globus listing.
          GLOBUS_CLIENT_ID: \${{ secrets.GLOBUS_CLIENT_ID }}
          GLOBUS_CLIENT_SECRET: \${{ secrets.GLOBUS_CLIENT_SECRET }}` : "";
  return `# ${s.title} — ${s.group ? `beamlines ${ids.join(", ")}, one dispatcher for all, the beamline chosen by the \`beamline\` input` : `beamline ${ids[0] ?? ""}`}: ${s.shape === "list" ? "a list of files per dispatch, moved as one batch" : "one file per dispatch"}.
# Made by \`splash new-beamline\` (docs/adding-a-beamline.md); review it like any other workflow.
#
# Reusable: dispatch.yml calls it for ${events}. Every step is safe to re-run: files already identical
# at a destination are not copied again, datasets are looked up before they are created.
#
# Runner: a self-hosted runner at the facility labelled \`${s.label}\`. A workflow cannot read config.yml, so
# the label must stay equal to the runner_labels of ${ids.map((i) => `beamlines."${i}"`).join(" and ")} (test/workflows.test.ts).
#
# Concurrency: deliberately none (see beamline-733.yml): a shared group would drop the files of a replaced run.
name: ${name}

on:
  workflow_call:
    inputs:
${beamlineInput}      file-paths:
        description: Paths the file watcher sent, one per line or a JSON array of strings
        type: string
        required: true
      is-export-control:
        description: true when the data is export controlled (hops marked skip_export_controlled are skipped)
        type: boolean
        required: false
        default: false
      config:
        description: Path of config.yml, relative to the repository root
        type: string
        required: false
        default: config.yml
    secrets:
      GLOBUS_CLIENT_ID:
        description: Client id of the Globus app in config.yml
        required: false
      GLOBUS_CLIENT_SECRET:
        description: Client secret of the Globus app in config.yml
        required: false
      SCICAT_USER:
        description: SciCat ingest account (when config.yml names a SciCat; without one, ingest runs dry)
        required: false
      SCICAT_PASSWORD:
        description: Password of the SciCat ingest account
        required: false
    outputs:
      relative-paths:
        description: JSON array of the moved paths relative to the endpoint roots
        value: \${{ jobs.move.outputs.relative-paths }}
      moved:
        description: Number of files copied by this run
        value: \${{ jobs.move.outputs.moved }}

permissions:
  contents: read

jobs:
  move:
    name: move
    runs-on: [self-hosted, ${s.label}]
    timeout-minutes: 240
    permissions:
      contents: read
    outputs:
      relative-paths: \${{ steps.move.outputs.relative-paths }}
      moved: \${{ steps.move.outputs.moved }}
    steps:
      - uses: ${CHECKOUT}
        with:
          persist-credentials: false
      - id: move
        uses: ./actions/move
        env:
          GLOBUS_CLIENT_ID: \${{ secrets.GLOBUS_CLIENT_ID }}
          GLOBUS_CLIENT_SECRET: \${{ secrets.GLOBUS_CLIENT_SECRET }}
        with:
          beamline: ${beamline}
          file-paths: \${{ inputs.file-paths }}
          is-export-control: \${{ inputs.is-export-control }}
          config: \${{ inputs.config }}
${keepReport}

  # Catalogue the files in SciCat once they moved.
  ingest:
    name: ingest
    needs: move
    runs-on: [self-hosted, ${s.label}]
    timeout-minutes: 60
    permissions:
      contents: read
    outputs:
      dataset-pids: \${{ steps.ingest.outputs.dataset-pids }}
    steps:
      - uses: ${CHECKOUT}
        with:
          persist-credentials: false
      - id: ingest
        uses: ./actions/ingest
        env:
          SCICAT_USER: \${{ secrets.SCICAT_USER }}
          SCICAT_PASSWORD: \${{ secrets.SCICAT_PASSWORD }}${ingestGlobus}
        with:
          beamline: ${beamline}
          file-paths: \${{ inputs.file-paths }}
          config: \${{ inputs.config }}
${keepReport}
`;
}
function dispatchJob(s) {
  const condition = s.beamlines.map((b) => `github.event.action == '${b.eventType}'`).join(" || ");
  const ids = s.beamlines.map((b) => b.id).join(", ");
  return `
  ${s.group ? s.folder : `bl${s.beamlines[0]?.digits ?? ""}`}:
    name: ${ids}
    needs: validate
    if: ${condition}
    permissions:
      contents: read
    uses: ./.github/workflows/beamline-${s.workflowSuffix}.yml
    with:
${s.group ? "      beamline: ${{ needs.validate.outputs.beamline }}\n" : ""}      file-paths: \${{ needs.validate.outputs.file-paths }}
      is-export-control: \${{ needs.validate.outputs.is-export-control == 'true' }}
    secrets:
      GLOBUS_CLIENT_ID: \${{ secrets.GLOBUS_CLIENT_ID }}
      GLOBUS_CLIENT_SECRET: \${{ secrets.GLOBUS_CLIENT_SECRET }}
      SCICAT_USER: \${{ secrets.SCICAT_USER }}
      SCICAT_PASSWORD: \${{ secrets.SCICAT_PASSWORD }}
`;
}
function docsStub(s, b, endMarker) {
  return `<!-- Generated by \`npm run docs:gen\` from config.yml and beamlines/: do not edit above the end marker. -->

# ${b.id} ${s.title}

Run \`npm run docs:gen\` to fill in this part from config.yml.

${endMarker}
## Notes

Made by \`splash new-beamline\`. What the generated part above cannot say — who runs this beamline's data, what
its files are, anything unusual about its storage — goes here; \`npm run docs:gen\` keeps this part.
`;
}

// src/scaffold/spec.ts
var NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
var UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
var TITLE = /^[A-Za-z0-9][A-Za-z0-9 ()/.,+&-]{0,79}$/;
var LABEL = /^[a-z][a-z0-9-]{0,39}$/;
var GROUP = /^[a-z][a-z0-9]{1,29}$/;
var expand = (text, id) => text.replaceAll("{bl}", `bl${id.replace(/\D/g, "")}`).replaceAll("{id}", id);
function endpointOf(raw, id) {
  const eq = raw.indexOf("=");
  const name = expand(raw.slice(0, eq), id);
  const value = expand(raw.slice(eq + 1), id);
  if (eq <= 0 || !NAME.test(name)) throw usageError(`--endpoint ${JSON.stringify(raw)}: expected NAME=UUID:/root/path (a Globus collection) or NAME=/root/path (a mounted folder)`, 'names are letters, digits, ".", "_" and "-"');
  const colon = value.indexOf(":");
  const uuid = colon > 0 ? value.slice(0, colon) : void 0;
  const root = colon > 0 ? value.slice(colon + 1) : value;
  if (uuid !== void 0 && !UUID.test(uuid)) throw usageError(`--endpoint ${name}: ${JSON.stringify(uuid)} is not a collection UUID like 44ae904c-ab64-4145-a8f0-7287de38324d`);
  const norm = normaliseAbsolutePath(root);
  if (!("path" in norm) || /[\s"'#{}[\],&*!|>%@`]/.test(root)) throw usageError(`--endpoint ${name}: root ${JSON.stringify(root)} must be an absolute path without blanks, quotes or YAML syntax`);
  return uuid === void 0 ? { name, kind: "filesystem", root: norm.path } : { name, kind: "globus", root: norm.path, uuid: uuid.toLowerCase() };
}
function hopOf(raw, id) {
  const parts = expand(raw, id).split(":");
  const [from = "", to = "", flag] = parts;
  if (parts.length > 3 || !NAME.test(from) || !NAME.test(to) || flag !== void 0 && flag !== "offsite") {
    throw usageError(`--move ${JSON.stringify(raw)}: expected FROM:TO or FROM:TO:offsite (offsite: the hop leaves the facility, export-controlled data stops before it)`);
  }
  if (from === to) throw usageError(`--move ${JSON.stringify(raw)}: a hop from an endpoint to itself`);
  return { from, to, offsite: flag === "offsite" };
}
function pruneOf(raw, id) {
  const [endpoint = "", days = "", check = "", ...rest] = expand(raw, id).split(":");
  const n = Number(days);
  if (rest.length > 0 || !NAME.test(endpoint) || !NAME.test(check) || !/^\d+(\.\d+)?$/.test(days) || !Number.isFinite(n)) {
    throw usageError(`--prune ${JSON.stringify(raw)}: expected ENDPOINT:DAYS:CHECK, e.g. bl931-compute-dtn:180:bl931-nersc_alsdev_raw`);
  }
  if (endpoint === check) throw usageError(`--prune ${JSON.stringify(raw)}: the check endpoint must be another storage than the one pruned`);
  return { endpoint, days: n, check };
}
function scaffoldSpec(args) {
  if (args.ids.length === 0) throw usageError("new-beamline: which beamline?", "usage: splash new-beamline <id> --title <text> [options]");
  const ids = args.ids.map((id) => {
    if (!BEAMLINE_ID.test(id)) throw usageError(`new-beamline: ${JSON.stringify(id)} is not a beamline id`, "an id is digits separated by dots, like 9.3.1");
    return id;
  });
  if (new Set(ids).size !== ids.length) throw usageError("new-beamline: an id is given twice");
  if (ids.length > 1 && args.group === void 0) throw usageError("new-beamline: several ids make one group", "name it with --group <name>, e.g. --group dichroism");
  if (args.group !== void 0 && !GROUP.test(args.group)) throw usageError(`--group ${JSON.stringify(args.group)}: expected lower-case letters and digits, like dichroism`);
  const title = args.title ?? "";
  if (!TITLE.test(title)) throw usageError(`--title ${JSON.stringify(title)}: expected a short name of letters, digits, blanks and ( ) / . , + & -`, 'e.g. --title "Tender X-ray spectroscopy"');
  const group = args.group !== void 0;
  const digits = (id) => id.replace(/\D/g, "");
  const first = ids[0] ?? "";
  const folder = args.group ?? `bl${digits(first)}`;
  const label = args.label ?? folder;
  if (!LABEL.test(label)) throw usageError(`--label ${JSON.stringify(label)}: expected a runner label of lower-case letters, digits and "-"`);
  const camel = args.group === void 0 ? digits(first) : args.group.charAt(0).toUpperCase() + args.group.slice(1);
  const beamlines = ids.map((id) => {
    const d = digits(id);
    const endpoints = args.endpoints.map((e) => endpointOf(e, id));
    const move = args.moves.map((m) => hopOf(m, id));
    if (move.length === 0) throw usageError("new-beamline: give at least one --move FROM:TO", "a beamline moves its files somewhere; e.g. --move bl931-compute-dtn:bl931-nersc_alsdev_raw:offsite");
    const prune = args.prunes.length > 0 ? args.prunes.map((p) => pruneOf(p, id)) : [{ endpoint: move[0]?.from ?? "", days: 180, check: move.at(-1)?.to ?? "" }];
    return { id, digits: d, eventType: `new_file_${d}`, endpoints, move, prune };
  });
  return { beamlines, title, folder, workflowSuffix: group ? folder : digits(first), className: `Config${camel}`, chainName: `chain${camel}`, group, label, shape: args.list ? "list" : "per-file" };
}

// src/scaffold/index.ts
var BEAMLINE_PAGE_END = "<!-- end of the generated part: write below this line; generation keeps it -->";
async function readAll(root, files) {
  const out = /* @__PURE__ */ new Map();
  for (const f of files) {
    const abs = path.join(root, f);
    out.set(f, existsSync(abs) ? await readFile(abs, "utf8") : void 0);
  }
  return out;
}
function lines(text) {
  return text.split("\n");
}
function blockEnd(ls, start, indent) {
  let end = start + 1;
  let lastContent = start;
  for (; end < ls.length; end++) {
    const l = ls[end] ?? "";
    if (l.trim() === "" || l.trimStart().startsWith("#")) continue;
    if (l.length - l.trimStart().length <= indent) break;
    lastContent = end;
  }
  return lastContent + 1;
}
function insertInConfig(text, s, changes) {
  const doc = (0, import_yaml.parse)(text) ?? {};
  let ls = lines(text);
  const legacy = doc.globus?.globus_endpoints ?? {};
  const fresh = doc.endpoints ?? {};
  for (const b of s.beamlines) {
    for (const e of b.endpoints) {
      const have = legacy[e.name] ?? fresh[e.name];
      if (have !== void 0) {
        const root = have.root_path === void 0 ? void 0 : normaliseAbsolutePath(have.root_path);
        const sameRoot = root !== void 0 && "path" in root && root.path === e.root;
        const same = sameRoot && (e.kind === "globus" ? have.uuid?.toLowerCase() === e.uuid : true);
        if (!same) throw configError(`new-beamline: endpoint ${e.name} is already in config.yml with another collection or root_path`, "use the name it has, or another name for the new endpoint");
        continue;
      }
      if (e.kind === "globus") {
        const at = ls.findIndex((l) => /^ {2}globus_endpoints:\s*$/.test(l));
        if (at < 0) throw configError("new-beamline: config.yml has no globus.globus_endpoints section to add a Globus collection to", "add one (docs/config.md), or describe the endpoint as a mounted folder");
        const end = blockEnd(ls, at, 2);
        ls = [...ls.slice(0, end), globusEndpointEntry(e), ...ls.slice(end)];
      } else {
        const at = ls.findIndex((l) => /^endpoints:\s*$/.test(l));
        if (at < 0) ls = [...ls, "", "endpoints:", fileEndpointEntry(e)];
        else {
          const end = blockEnd(ls, at, 0);
          ls = [...ls.slice(0, end), fileEndpointEntry(e), ...ls.slice(end)];
        }
      }
      legacy[e.name] = { uuid: e.uuid, root_path: e.root };
      changes.push(`endpoint ${e.name}`);
    }
  }
  for (const b of s.beamlines) {
    if (doc.beamlines && Object.hasOwn(doc.beamlines, b.id)) continue;
    const at = ls.findIndex((l) => /^beamlines:\s*$/.test(l));
    if (at < 0) ls = [...ls, "", "beamlines:", configSection(s, b)];
    else {
      const end = blockEnd(ls, at, 0);
      ls = [...ls.slice(0, end), configSection(s, b), ...ls.slice(end)];
    }
    changes.push(`beamlines."${b.id}"`);
  }
  return ls.join("\n");
}
function insertInRegistry(text, s) {
  let ls = lines(text);
  const { imports, entries } = registryLines(s);
  const missingImports = imports.filter((i) => !ls.includes(i));
  if (missingImports.length > 0) {
    const lastBeamlineImport = ls.reduce((last, l, i) => /^import .* from '\.\/[^']+\/(config|dispatcher|recon)\.js';$/.test(l) ? i : last, -1);
    const at = lastBeamlineImport >= 0 ? lastBeamlineImport + 1 : ls.findIndex((l) => !l.startsWith("import ") && l.trim() !== "");
    ls = [...ls.slice(0, at), ...missingImports, ...ls.slice(at)];
  }
  const start = ls.findIndex((l) => /^const known: Record<string, \(c: SplashConfig\) => Beamline> = \{$/.test(l));
  if (start < 0) throw configError("new-beamline: beamlines/index.ts has no `const known: Record<string, (c: SplashConfig) => Beamline> = {` registry to add to");
  const close = ls.findIndex((l, i) => i > start && l === "};");
  const missing = entries.filter((e) => !ls.includes(e));
  for (const e of missing) {
    const id = /^ {2}'([^']+)'/.exec(e)?.[1] ?? "";
    if (ls.slice(start, close).some((l) => l.startsWith(`  '${id}':`))) throw configError(`new-beamline: beamlines/index.ts already registers ${id} differently`, "a beamline with its own folder exists; remove it first or choose another id");
  }
  return [...ls.slice(0, close), ...missing, ...ls.slice(close)].join("\n");
}
function insertInDispatch(text, s) {
  let out = text;
  const types = /^( {4}types: \[)([^\]]*)(\])$/m.exec(out);
  if (!types) throw configError("new-beamline: .github/workflows/dispatch.yml has no `types: [...]` line under repository_dispatch");
  const listed = (types[2] ?? "").split(",").map((t) => t.trim()).filter((t) => t !== "");
  const add = s.beamlines.map((b) => b.eventType).filter((t) => !listed.includes(t));
  if (add.length > 0) out = out.replace(types[0], `${types[1] ?? ""}${[...listed, ...add].join(", ")}${types[3] ?? ""}`);
  for (const b of s.beamlines) {
    const line = `            ${b.eventType}) beamline=${b.id} ;;`;
    if (out.includes(line)) continue;
    const fallback = /^ {12}\*\) fail /m.exec(out);
    if (!fallback) throw configError("new-beamline: dispatch.yml's validate step has no `*) fail …` case to add the event type before");
    out = `${out.slice(0, fallback.index)}${line}
${out.slice(fallback.index)}`;
  }
  const jobId = s.group ? s.folder : `bl${s.beamlines[0]?.digits ?? ""}`;
  if (!new RegExp(`^ {2}${jobId}:$`, "m").test(out)) out = `${out.replace(/\n*$/, "\n")}${dispatchJob(s)}`;
  return out;
}
function insertInReconcile(text, s) {
  let out = text;
  const options = /^( {8}options: \["all")([^\]]*)(\])$/m.exec(out);
  const all = /^( {10}ALL_BEAMLINES: ")([^"]*)(")$/m.exec(out);
  if (!options || !all) throw configError('new-beamline: reconcile.yml has no beamline choice (options: ["all", …]) or ALL_BEAMLINES line');
  const listed = (all[2] ?? "").split(" ").filter((x) => x !== "");
  const add = s.beamlines.map((b) => b.id).filter((id) => !listed.includes(id));
  if (add.length === 0) return out;
  out = out.replace(options[0], `${options[1] ?? ""}${options[2] ?? ""}${add.map((id) => `, "${id}"`).join("")}${options[3] ?? ""}`);
  out = out.replace(all[0], `${all[1] ?? ""}${[...listed, ...add].join(" ")}${all[3] ?? ""}`);
  return out;
}
function insertInWorkflowsDoc(text, s) {
  const file = `beamline-${s.workflowSuffix}.yml`;
  let ls = lines(text);
  const ids = s.beamlines.map((b) => b.id);
  const overview = `| [\`${file}\`](../.github/workflows/${file}) | called by \`dispatch.yml\` (\`workflow_call\`) | self-hosted: \`${s.label}\` | move, then ingest (${ids.join(", ")}${s.group ? ": one workflow, the beamline an input" : ""}) |`;
  if (!ls.some((l) => l.includes(`[\`${file}\`]`))) {
    const at = ls.findIndex((l) => l.startsWith("| [`prune.yml`]"));
    if (at < 0) throw configError("new-beamline: docs/workflows.md has no overview row for prune.yml to add the workflow before");
    ls = [...ls.slice(0, at), overview, ...ls.slice(at)];
  }
  const runner = `| \`${s.label}\` | \`${file}\` › \`move\`, \`ingest\` | ${ids.map((id) => `\`beamlines."${id}".runner_labels: [${s.label}]\``).join(", ")} |`;
  if (!ls.some((l) => l.startsWith(`| \`${s.label}\` |`))) {
    const at = ls.findIndex((l) => l.startsWith("| `prune` |"));
    if (at < 0) throw configError("new-beamline: docs/workflows.md has no Runners row for prune to add the label before");
    ls = [...ls.slice(0, at), runner, ...ls.slice(at)];
  }
  return ls.join("\n");
}
function ingestListsGlobus(b, config) {
  const first = b.move[0]?.from ?? "";
  if (b.endpoints.some((e) => e.name === first)) return b.endpoints.find((e) => e.name === first)?.kind === "globus";
  const doc = (0, import_yaml.parse)(config) ?? {};
  return Object.hasOwn(doc.globus?.globus_endpoints ?? {}, first) || doc.endpoints?.[first]?.type === "globus";
}
async function planScaffold(root, s) {
  const FILES = {
    config: "config.yml",
    registry: "beamlines/index.ts",
    dispatch: ".github/workflows/dispatch.yml",
    reconcile: ".github/workflows/reconcile.yml",
    workflowsDoc: "docs/workflows.md",
    configTs: `beamlines/${s.folder}/config.ts`,
    dispatcherTs: `beamlines/${s.folder}/dispatcher.ts`,
    workflow: `.github/workflows/beamline-${s.workflowSuffix}.yml`
  };
  const pages = s.beamlines.map((b) => `docs/beamlines/bl${b.digits}.md`);
  const now = await readAll(root, [...Object.values(FILES), ...pages]);
  for (const must of [FILES.config, FILES.registry, FILES.dispatch]) {
    if (now.get(must) === void 0) throw usageError(`new-beamline: ${must} not found under ${root}`, "run it at the repository root, or give --root");
  }
  const config = now.get(FILES.config) ?? "";
  const changed = [];
  const want = /* @__PURE__ */ new Map();
  want.set(FILES.config, { text: insertInConfig(config, s, changed), what: changed.join(", ") || "nothing", create: false });
  want.set(FILES.registry, { text: insertInRegistry(now.get(FILES.registry) ?? "", s), what: "registry entry", create: false });
  want.set(FILES.dispatch, { text: insertInDispatch(now.get(FILES.dispatch) ?? "", s), what: "event type and job", create: false });
  if (now.get(FILES.reconcile) !== void 0) want.set(FILES.reconcile, { text: insertInReconcile(now.get(FILES.reconcile) ?? "", s), what: "beamline choice", create: false });
  if (now.get(FILES.workflowsDoc) !== void 0) want.set(FILES.workflowsDoc, { text: insertInWorkflowsDoc(now.get(FILES.workflowsDoc) ?? "", s), what: "overview and Runners rows", create: false });
  want.set(FILES.configTs, { text: configTs(s), what: "beamline config", create: true });
  want.set(FILES.dispatcherTs, { text: dispatcherTs(s), what: "dispatcher", create: true });
  want.set(FILES.workflow, { text: workflowYml(s, s.beamlines.some((b) => ingestListsGlobus(b, config))), what: "reusable workflow", create: true });
  s.beamlines.forEach((b, i) => {
    const page = pages[i] ?? "";
    if (now.get(page) === void 0) want.set(page, { text: docsStub(s, b, BEAMLINE_PAGE_END), what: "docs page", create: true });
  });
  const changes = [];
  for (const [file, w] of want) {
    const have = now.get(file);
    if (have === w.text) continue;
    if (w.create && have !== void 0) {
      throw configError(`new-beamline: ${file} exists and differs from what the scaffold writes; it is not overwritten`, "this beamline was changed by hand since it was made: nothing to scaffold");
    }
    changes.push({ file, what: w.what, text: w.text });
  }
  return changes;
}
async function applyScaffold(root, changes, log) {
  for (const c of changes) {
    const abs = path.join(root, c.file);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(`${abs}.partial`, c.text);
    await rename(`${abs}.partial`, abs);
    log(`wrote ${c.file} (${c.what})`);
  }
  const gen = path.join(root, "scripts/docs-gen.mjs");
  if (changes.length > 0 && existsSync(gen)) {
    const r = spawnSync(process.execPath, [gen], { cwd: root, encoding: "utf8" });
    if (r.status === 0) log("filled in the docs pages (npm run docs:gen)");
    else log(`could not fill in the docs pages (${(r.stderr || r.stdout).trim().split("\n").at(-1) ?? ""}): run npm run docs:gen`);
  }
}
export {
  BEAMLINE_PAGE_END,
  applyScaffold,
  planScaffold,
  scaffoldSpec
};
