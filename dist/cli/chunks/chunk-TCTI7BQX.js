#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  FIXED_SECTIONS,
  HPSS_SECTION,
  IMAGES_SECTION,
  ImagesSchema,
  LegacyHpssEndpointSchema,
  SectionsSchema,
  TOP_LEVEL_KEYS,
  expandTree,
  formatKeyPath,
  isSecretPath,
  pathId,
  require_dist
} from "./chunk-YSF46SAP.js";
import {
  isInside,
  safeJson
} from "./chunk-2EMMB7EI.js";
import {
  isRecord
} from "./chunk-YQAML7Q2.js";
import {
  configError
} from "./chunk-4VXUNQHW.js";
import {
  __toESM
} from "./chunk-CJW4YZWO.js";

// src/watch/settings.ts
var WATCH_DEFAULTS = { stable_seconds: 30, batch_seconds: 1, rescan_seconds: 30 };
function defaultEventType(beamlineId) {
  return `new_file_${beamlineId.replace(/\D/g, "")}`;
}
function completeWatchSettings(beamlineId, input = {}) {
  return Object.freeze({
    event_type: input.event_type ?? defaultEventType(beamlineId),
    patterns: Object.freeze([...input.patterns ?? []]),
    ignore: Object.freeze([...input.ignore ?? []]),
    stable_seconds: input.stable_seconds ?? WATCH_DEFAULTS.stable_seconds,
    batch_seconds: input.batch_seconds ?? WATCH_DEFAULTS.batch_seconds,
    rescan_seconds: input.rescan_seconds ?? WATCH_DEFAULTS.rescan_seconds
  });
}
function watchSettingsOf(settings) {
  return settings.watch ?? completeWatchSettings(settings.id);
}

// src/config/load.ts
import { readFile } from "node:fs/promises";

// src/config/issues.ts
var CONFIG_HINT = "docs/config.md describes every section and key of config.yml";
var MAX_VALUE_CHARS = 80;
function describeValue(value) {
  if (value === void 0) return "nothing (the key is missing)";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  let text;
  try {
    text = safeJson(value);
  } catch {
    text = "(a value that cannot be shown)";
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}
function describeValueAt(path, value) {
  if (value === void 0 || !isSecretPath(path)) return describeValue(value);
  const kind = value === null ? "nothing" : Array.isArray(value) ? "a list" : typeof value === "object" ? "a mapping" : TYPE_PHRASES[typeof value] ?? "a value";
  return `${kind} (not shown: the value of a secret)`;
}
var quote = (v) => typeof v === "string" ? safeJson(v) : String(v);
function oneOf(values) {
  return values.length === 1 ? quote(values[0]) : `one of ${values.map(quote).join(", ")}`;
}
var TYPE_PHRASES = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "a mapping (key: value)",
  record: "a mapping (key: value)",
  array: "a list",
  null: "nothing"
};
var expectedPhrase = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      return TYPE_PHRASES[issue.expected] ?? `a value of type ${issue.expected}`;
    case "too_small": {
      const min = String(issue.minimum);
      if (issue.origin === "string") return issue.minimum === 1 ? "a non-empty string" : `a string of at least ${min} characters`;
      if (issue.origin === "array") return `a list of at least ${min} item${issue.minimum === 1 ? "" : "s"}`;
      return `a number ${issue.inclusive === false ? ">" : ">="} ${min}`;
    }
    case "too_big": {
      const max = String(issue.maximum);
      if (issue.origin === "string") return `a string of at most ${max} characters`;
      if (issue.origin === "array") return `a list of at most ${max} items`;
      return `a number ${issue.inclusive === false ? "<" : "<="} ${max}`;
    }
    case "invalid_format":
      if (issue.format === "guid" || issue.format === "uuid") return "a UUID like 44ae904c-ab64-4145-a8f0-7287de38324d";
      if (issue.format === "regex" && issue.pattern !== void 0) return `a string matching ${issue.pattern}`;
      return `a valid ${issue.format}`;
    case "not_multiple_of":
      return `a multiple of ${issue.divisor}`;
    case "invalid_value":
      return oneOf(issue.values);
    case "invalid_union":
      if (issue.discriminator !== void 0 && Array.isArray(issue.options)) return oneOf(issue.options);
      return "a value in one of the accepted forms";
    case "unrecognized_keys":
      return "only the documented keys";
    case "invalid_key":
      return "a valid key";
    case "invalid_element":
      return "a valid element";
    case "custom":
      return issue.message ?? "a valid value";
  }
};
function fromZodIssues(issues, prefix, positions) {
  const out = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path.map((p) => typeof p === "number" ? p : String(p))];
    switch (issue.code) {
      case "unrecognized_keys":
        for (const key of issue.keys) {
          const keyPath = [...path, key];
          out.push({ path: keyPath, offset: positions.keyOffset(keyPath), text: `unknown key ${JSON.stringify(key)}; expected one of ${issue.message}` });
        }
        break;
      case "invalid_key":
        out.push({ path, offset: positions.keyOffset(path), text: `expected ${issue.issues[0]?.message ?? issue.message}, got ${describeValueAt(path, issue.input)}` });
        break;
      case "invalid_union": {
        const input = issue.discriminator !== void 0 && isRecord(issue.input) ? issue.input[issue.discriminator] : issue.input;
        out.push({ path, text: `expected ${issue.message}, got ${describeValueAt(path, input)}` });
        break;
      }
      default:
        out.push({ path, text: `expected ${issue.message}, got ${describeValueAt(path, issue.input)}` });
    }
  }
  return out;
}
function issuesError(source, issues, positions, secrets = /* @__PURE__ */ new Set()) {
  const mask = (line) => [...secrets].reduce((l, secret) => l.split(secret).join("***"), line);
  const lines = issues.map((issue, index) => {
    const offset = issue.offset ?? (issue.path && positions ? positions.valueOffset(issue.path) : void 0);
    const where = positions ? positions.format(offset) : source;
    const line = issue.path ? `${where} ${formatKeyPath(issue.path)}: ${issue.text}` : `${where} ${issue.text}`;
    return { line: mask(line), offset: offset ?? -1, index };
  }).sort((a, b) => a.offset - b.offset || a.index - b.index).map((entry) => entry.line).filter((line, index, all) => all.indexOf(line) === index);
  const hints = [...new Set(issues.map((issue) => issue.hint).filter((hint2) => hint2 !== void 0))];
  const hint = hints.length > 0 ? `${hints.join("; ")} (see docs/config.md)` : CONFIG_HINT;
  const message = lines.length === 1 ? lines.join("") : `${source} has ${lines.length} errors:
${lines.join("\n")}`;
  return configError(message, hint);
}

// src/config/prune-rules.ts
function defaultVerify(endpoint, check) {
  return endpoint?.type === "filesystem" && check?.type === "filesystem" ? "checksum" : "size";
}
function pruneRulesOf(config, beamlines = config.beamlines.values()) {
  const refs = [];
  for (const b of beamlines) {
    b.prune.forEach((rule, index) => {
      const endpoint = config.endpoints.get(rule.endpoint);
      const check = config.endpoints.get(rule.check);
      if (endpoint && check) refs.push({ beamline: b.id, index, rule, endpoint, check });
    });
  }
  return refs;
}
function pruneRulesError(problems) {
  if (problems.length === 0) return void 0;
  const lines = problems.map((p) => `${ruleName(p.ref)}.${p.key}: ${p.text}`);
  return configError(lines.join("\n"), [...new Set(problems.map((p) => p.hint))].join("; "));
}
var ruleName = (r) => `beamlines.${r.beamline}.prune[${r.index}]`;
function pruneRuleProblems(refs) {
  const problems = [];
  for (const ref of refs) {
    const verify = verifyProblem(ref);
    if (verify) problems.push(verify);
    const same = sameStorageProblem(ref);
    if (same) problems.push(same);
  }
  problems.push(...cycleProblems(refs));
  return problems;
}
function verifyProblem(ref) {
  const { verify } = ref.rule;
  const got = JSON.stringify(verify);
  if (ref.endpoint.type === "filesystem" && ref.check.type === "filesystem") {
    if (verify !== "size") return void 0;
    return {
      ref,
      key: "verify",
      text: `expected checksum (the default) or hash for filesystem endpoints, got ${got}`,
      hint: "remove verify: size — the default (checksum) now proves each copy's content, from the verification record the move wrote or by hashing both files; verify: hash re-reads both files on every run (it also catches bit rot)"
    };
  }
  if (ref.endpoint.type === "hpss" && ref.check.type === "filesystem") {
    if (verify !== "checksum") return void 0;
    return {
      ref,
      key: "verify",
      text: `expected size (the default) or hash for a tape endpoint checked against a folder, got ${got}`,
      hint: "use verify: hash to check every copy against the archive's BLAKE2b manifest (archives without one are then kept), or leave the default (size)"
    };
  }
  if (verify === "size") return void 0;
  if ([ref.endpoint, ref.check].some((e) => e.type === "globus")) {
    return {
      ref,
      key: "verify",
      text: `expected size (the default) for Globus endpoints, got ${got} (${verify} is not available for Globus endpoints: the API offers no checksum of a stored file)`,
      hint: "remove the verify key — Globus already verified checksums when it transferred the files (verify_checksum)"
    };
  }
  return {
    ref,
    key: "verify",
    text: `expected size (the default) for an ${ref.endpoint.type} endpoint checked against an ${ref.check.type} endpoint, got ${got}`,
    hint: "remove the verify key"
  };
}
function storageOf(e) {
  switch (e.type) {
    case "filesystem":
      return { key: "filesystem", path: e.root_path };
    case "globus":
      return { key: `globus ${e.uuid.toLowerCase()}`, path: e.root_path };
    case "hpss":
      return { key: `hpss ${e.ssh?.host ?? ""}`, path: e.root_path };
  }
}
var overlaps = (a, b) => isInside(a, b) || isInside(b, a);
function sameStorageProblem(ref) {
  const a = storageOf(ref.endpoint);
  const b = storageOf(ref.check);
  if (ref.endpoint.name === ref.check.name || a.key !== b.key || !overlaps(a.path, b.path)) return void 0;
  const how = a.path === b.path ? "the same folder" : "one folder inside the other";
  const where = ref.endpoint.type === "globus" ? `collection ${ref.endpoint.uuid}: ` : "";
  return {
    ref,
    key: "check",
    text: `expected a check endpoint on other storage than ${JSON.stringify(ref.endpoint.name)}, got ${JSON.stringify(ref.check.name)}: ${how} (${where}${a.path}, ${b.path})`,
    hint: "a check endpoint must be a separate copy of the data; point the rule at the endpoint the files were moved to"
  };
}
function cycleProblems(refs) {
  const problems = [];
  const seen = /* @__PURE__ */ new Set();
  const edges = refs.map((ref) => ({ ref, from: storageOf(ref.endpoint), to: storageOf(ref.check) }));
  const walk = (origin, at, chain) => {
    if (chain.length > edges.length) return void 0;
    for (let i = 0; i < edges.length; i++) {
      const e = edges[i];
      if (!e || chain.includes(i) || e.from.key !== at.key || !overlaps(e.from.path, at.path)) continue;
      let nextOrigin = origin;
      let next;
      if (isInside(e.from.path, at.path)) {
        next = { key: e.to.key, path: joinUnder(e.to.path, at.path.slice(e.from.path === "/" ? 0 : e.from.path.length)) };
      } else {
        const sub = e.from.path.slice(at.path === "/" ? 0 : at.path.length);
        nextOrigin = { key: origin.key, path: joinUnder(origin.path, sub) };
        next = e.to;
      }
      if (next.key === nextOrigin.key && next.path === nextOrigin.path) return [...chain, i];
      const found = walk(nextOrigin, next, [...chain, i]);
      if (found) return found;
    }
    return void 0;
  };
  edges.forEach((e, i) => {
    if (e.from.key === e.to.key && overlaps(e.from.path, e.to.path)) return;
    const cycle = walk(e.from, e.to, [i]);
    if (!cycle) return;
    const id = [...cycle].sort((a, b) => a - b).join(",");
    if (seen.has(id)) return;
    seen.add(id);
    const first = Math.min(...cycle);
    const start = cycle.indexOf(first);
    const ordered = [...cycle.slice(start), ...cycle.slice(0, start)].map((k) => edges[k]?.ref).filter((r) => r !== void 0);
    const head = ordered[0];
    if (!head) return;
    const steps = ordered.map((r) => `${ruleName(r)} prunes ${r.endpoint.name} checked against ${r.check.name}`).join("; ");
    problems.push({
      ref: head,
      key: "check",
      text: `expected rules that do not check each other, got a cycle: ${steps}`,
      hint: "two prunes of rules in a cycle, running at once, each delete the copy the other relies on; check every tier against the next one along the move chain, never back"
    });
  });
  return problems;
}
function joinUnder(base, rest) {
  if (rest === "" || rest === "/") return base;
  const tail = rest.startsWith("/") ? rest : `/${rest}`;
  return base === "/" ? tail : `${base}${tail}`;
}

// src/config/references.ts
function endpointDefinitions(data) {
  const found = [];
  if (isRecord(data.endpoints)) for (const name of Object.keys(data.endpoints)) found.push({ name, path: ["endpoints", name] });
  const globus = data.globus;
  if (isRecord(globus) && isRecord(globus.globus_endpoints)) {
    for (const name of Object.keys(globus.globus_endpoints)) found.push({ name, path: ["globus", "globus_endpoints", name] });
  }
  for (const name of Object.keys(data)) if (HPSS_SECTION.test(name)) found.push({ name, path: [name] });
  return found;
}
function inFileOrder(found, positions) {
  const at = (path) => positions.keyOffset(path) ?? 0;
  return [...found].sort((a, b) => at(a.path) - at(b.path));
}
function checkReferences(data, positions) {
  const issues = [];
  const defined = /* @__PURE__ */ new Map();
  for (const { name, path } of inFileOrder(endpointDefinitions(data), positions)) {
    const first = defined.get(name);
    if (first) {
      issues.push({
        path,
        offset: positions.keyOffset(path),
        text: `expected each endpoint name once, got ${JSON.stringify(name)} again (first defined at ${positions.format(positions.keyOffset(first))} ${formatKeyPath(first)})`
      });
    } else {
      defined.set(name, path);
    }
  }
  const names = [...defined.keys()].sort();
  const known = names.length > 0 ? `one of the defined endpoints (${names.join(", ")})` : "a defined endpoint (none are defined)";
  const reference = (owner, key, path) => {
    const value = owner[key];
    if (typeof value !== "string") return void 0;
    if (!defined.has(value)) {
      issues.push({ path: [...path, key], text: `expected ${known}, got ${describeValue(value)}` });
      return void 0;
    }
    return value;
  };
  const globus = data.globus;
  if (isRecord(globus) && typeof globus.app === "string") {
    const apps = isRecord(globus.globus_apps) ? Object.keys(globus.globus_apps) : [];
    if (!apps.includes(globus.app)) {
      issues.push({
        path: ["globus", "app"],
        text: `expected ${apps.length > 0 ? `one of the globus_apps (${apps.join(", ")})` : "a name from globus_apps (none are defined)"}, got ${describeValue(globus.app)}`
      });
    }
  }
  const github = data.github;
  if (isRecord(github) && isRecord(github.app)) {
    const app = github.app;
    const keys = ["private_key", "private_key_path"].filter((k) => app[k] !== void 0 && app[k] !== null);
    if (keys.length !== 1) {
      issues.push({
        path: ["github", "app"],
        text: `expected exactly one of private_key or private_key_path, got ${keys.length === 0 ? "neither" : "both"}`
      });
    }
    if (github.token_env !== void 0) {
      issues.push({
        path: ["github", "token_env"],
        text: "expected either token_env or app, got both (with app set, dispatches authenticate as the GitHub App)"
      });
    }
  }
  const sfapi = data.sfapi;
  if (isRecord(sfapi)) {
    const keys = ["private_key", "private_key_path"].filter((k) => sfapi[k] !== void 0 && sfapi[k] !== null);
    if (keys.length !== 1) issues.push({ path: ["sfapi"], text: `expected exactly one of private_key or private_key_path, got ${keys.length === 0 ? "neither" : "both"}` });
  }
  if (!isRecord(data.beamlines)) return issues;
  for (const [id, beamline] of Object.entries(data.beamlines)) {
    if (!isRecord(beamline)) continue;
    const base = ["beamlines", id];
    if (Array.isArray(beamline.move)) {
      beamline.move.forEach((hop, index) => {
        if (!isRecord(hop)) return;
        const path = [...base, "move", index];
        const from = reference(hop, "from", path);
        const to = reference(hop, "to", path);
        if (from !== void 0 && from === to) {
          issues.push({ path: [...path, "to"], text: `expected an endpoint other than from (${JSON.stringify(from)}), got ${describeValue(to)}` });
        }
      });
    }
    if (isRecord(beamline.ingest)) reference(beamline.ingest, "read_from", [...base, "ingest"]);
    if (isRecord(beamline.archive)) {
      const path = [...base, "archive"];
      const from = reference(beamline.archive, "from", path);
      const to = reference(beamline.archive, "to", path);
      reference(beamline.archive, "restore_to", path);
      if (from !== void 0 && from === to) {
        issues.push({ path: [...path, "to"], text: `expected an hpss endpoint other than from (${JSON.stringify(from)}), got ${describeValue(to)}` });
      } else if (to !== void 0 && !isHpss(data, defined.get(to) ?? [])) {
        issues.push({ path: [...path, "to"], text: `expected an hpss endpoint (type: hpss, or a hpss_<name> section), got ${describeValue(to)}` });
      }
    }
    if (isRecord(beamline.recon)) {
      const recon = beamline.recon;
      const hop = (h, path) => {
        if (!isRecord(h)) return;
        const from = reference(h, "from", path);
        const to = reference(h, "to", path);
        if (from !== void 0 && from === to) issues.push({ path: [...path, "to"], text: `expected an endpoint other than from (${JSON.stringify(from)}), got ${describeValue(to)}` });
      };
      if (Array.isArray(recon.results)) recon.results.forEach((h, index) => {
        hop(h, [...base, "recon", "results", index]);
      });
      reference(recon, "read_from", [...base, "recon"]);
      const alcf = recon.alcf;
      if (isRecord(alcf)) {
        hop(alcf.stage, [...base, "recon", "alcf", "stage"]);
        if (Array.isArray(alcf.results)) alcf.results.forEach((h, index) => {
          hop(h, [...base, "recon", "alcf", "results", index]);
        });
        reference(alcf, "read_from", [...base, "recon", "alcf"]);
      }
      const nersc = recon.nersc;
      if (isRecord(nersc) && typeof nersc.images === "string" && !isRecord(data[nersc.images])) {
        const sections = Object.keys(data).filter((k) => /^(harbor|ghcr)_images/.test(k));
        issues.push({
          path: [...base, "recon", "nersc", "images"],
          text: `expected ${sections.length > 0 ? `one of the images sections (${sections.join(", ")})` : "the name of an images section (none is defined)"}, got ${describeValue(nersc.images)}`
        });
      }
    }
    if (Array.isArray(beamline.prune)) {
      beamline.prune.forEach((rule, index) => {
        if (!isRecord(rule)) return;
        const path = [...base, "prune", index];
        const endpoint = reference(rule, "endpoint", path);
        const check = reference(rule, "check", path);
        if (endpoint !== void 0 && endpoint === check) {
          issues.push({
            path: [...path, "check"],
            text: `expected an endpoint other than the one pruned (${JSON.stringify(endpoint)}), got ${describeValue(check)}`
          });
        }
      });
    }
  }
  return issues;
}
function isHpss(data, path) {
  if (path.length === 1) return true;
  const endpoints = data.endpoints;
  if (path[0] !== "endpoints" || !isRecord(endpoints)) return false;
  const e = endpoints[String(path[1])];
  return isRecord(e) && e.type === "hpss";
}

// src/config/yaml-tree.ts
var import_yaml = __toESM(require_dist(), 1);
var SourcePositions = class {
  source;
  lineCounter;
  values = /* @__PURE__ */ new Map();
  keys = /* @__PURE__ */ new Map();
  constructor(source, lineCounter) {
    this.source = source;
    this.lineCounter = lineCounter;
  }
  setValue(path, offset) {
    if (offset !== void 0) this.values.set(pathId(path), offset);
  }
  setKey(path, offset) {
    if (offset !== void 0) this.keys.set(pathId(path), offset);
  }
  /** Offset of the value at `path`, or of its nearest parent that exists in the file. */
  valueOffset(path) {
    for (let length = path.length; length >= 0; length -= 1) {
      const offset = this.values.get(pathId(path.slice(0, length)));
      if (offset !== void 0) return offset;
    }
    return void 0;
  }
  /** Offset of the key that holds `path` (for unknown or invalid keys), else of the value. */
  keyOffset(path) {
    return this.keys.get(pathId(path)) ?? this.valueOffset(path);
  }
  /** `config.yml:14:21`, or just the file name when there is no position. */
  format(offset) {
    if (offset === void 0) return this.source;
    const { line, col } = this.lineCounter.linePos(offset);
    return `${this.source}:${line}:${col}`;
  }
  locate(path) {
    return this.format(this.valueOffset(path));
  }
};
var MAX_VALUES = 1e5;
var YAML_HINT = 'fix the YAML at that position (often indentation, a missing ":", or an unclosed quote or bracket)';
var ENV_REFERENCE = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/g;
function parseQuotingFlowReferences(text, parse) {
  const unquoted = [];
  let doc = parse(text);
  for (; ; ) {
    const errors = doc.errors;
    const m = [...text.matchAll(ENV_REFERENCE)].find((r) => errors.some((e) => e.pos[0] >= r.index && e.pos[0] <= r.index + r[0].length));
    if (m === void 0) return { doc, unquoted };
    unquoted.push({ offset: m.index, reference: m[0] });
    text = `${text.slice(0, m.index)}$(${m[0].slice(2, -1)})${text.slice(m.index + m[0].length)}`;
    doc = parse(text);
  }
}
function flowScalarAround(text, offset, reference) {
  const lineStart = text.lastIndexOf("\n", offset) + 1;
  const before = text.slice(lineStart, offset);
  const start = Math.max(before.lastIndexOf(": "), before.lastIndexOf("{"), before.lastIndexOf("["), before.lastIndexOf(","));
  const head = (start < 0 ? "" : before.slice(before[start] === ":" ? start + 2 : start + 1)).trimStart();
  const after = text.slice(offset + reference.length);
  const tail = after.slice(0, after.search(/[,}\]\n]|$/)).trimEnd();
  return `${head}${reference}${tail}`;
}
function readYamlTree(text, source) {
  const lineCounter = new import_yaml.LineCounter();
  const positions = new SourcePositions(source, lineCounter);
  const parse = (t, counter = new import_yaml.LineCounter()) => (0, import_yaml.parseDocument)(t, { lineCounter: counter, prettyErrors: false, uniqueKeys: false });
  let doc = parse(text, lineCounter);
  const quoting = [];
  if (doc.errors.length > 0) {
    const found = parseQuotingFlowReferences(text, parse);
    if (found.unquoted.length > 0) {
      doc = found.doc;
      for (const { offset, reference } of found.unquoted) {
        quoting.push({
          path: void 0,
          offset,
          text: `invalid YAML: ${reference} inside { … } or [ … ] must be quoted, or YAML reads its braces as a mapping: write ${JSON.stringify(flowScalarAround(text, offset, reference))}`,
          hint: 'quote ${VAR} references inside { … } and [ … ], e.g. { root_path: "${DATA}" }'
        });
      }
    }
  }
  const yamlProblems = [...doc.errors, ...doc.warnings];
  if (yamlProblems.length > 0 || quoting.length > 0) {
    const issues2 = yamlProblems.map((err) => ({ path: void 0, offset: err.pos[0], text: `invalid YAML: ${err.message}`, hint: YAML_HINT }));
    return { kind: "syntax", issues: [...quoting, ...issues2], positions };
  }
  const root = doc.contents;
  if (root === null || (0, import_yaml.isScalar)(root) && root.value === null) return { kind: "empty", positions };
  const issues = [];
  let count = 0;
  const active = /* @__PURE__ */ new Set();
  const walk = (node, path, at) => {
    count += 1;
    if (count > MAX_VALUES) {
      if (count === MAX_VALUES + 1) issues.push({ path, offset: at, text: `expected at most ${MAX_VALUES} values (check the aliases), got more` });
      return null;
    }
    if (node === null) {
      positions.setValue(path, at);
      return null;
    }
    const offset = node.range?.[0] ?? at;
    positions.setValue(path, offset);
    if ((0, import_yaml.isAlias)(node)) {
      const target = node.resolve(doc);
      if (target === void 0) {
        issues.push({ path, offset, text: `expected an alias to a defined anchor, got *${node.source}`, unreadable: true });
        return null;
      }
      if (active.has(target)) {
        issues.push({ path, offset, text: `expected an alias outside its own anchor, got *${node.source}`, unreadable: true });
        return null;
      }
      active.add(target);
      const value = walkContainer(target, path, offset);
      active.delete(target);
      return value;
    }
    return walkContainer(node, path, offset);
  };
  const walkContainer = (node, path, offset) => {
    if ((0, import_yaml.isScalar)(node)) return node.value;
    if ((0, import_yaml.isSeq)(node)) return node.items.map((item, index) => walk(item, [...path, index], offset));
    if ((0, import_yaml.isMap)(node)) {
      const out = {};
      for (const pair of node.items) {
        const keyNode = pair.key;
        const keyOffset = keyNode?.range?.[0] ?? offset;
        const key = keyText(keyNode);
        if (key === void 0) {
          issues.push({ path, offset: keyOffset, text: "expected keys that are plain text or numbers, got a complex or empty key" });
          continue;
        }
        const keyPath = [...path, key];
        if (key === "__proto__") {
          issues.push({ path: keyPath, offset: keyOffset, text: 'expected a key other than "__proto__", got "__proto__"' });
          continue;
        }
        if (Object.hasOwn(out, key)) {
          issues.push({ path: keyPath, offset: keyOffset, text: `expected each key once in a mapping, got ${JSON.stringify(key)} again` });
          continue;
        }
        positions.setKey(keyPath, keyOffset);
        out[key] = walk(pair.value, keyPath, keyOffset);
      }
      return out;
    }
    return null;
  };
  const data = walk(root, [], 0);
  return { kind: "ok", data, issues, positions };
}
function keyText(node) {
  if (node === null || !(0, import_yaml.isScalar)(node)) return void 0;
  const value = node.value;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return node.source ?? String(value);
  return void 0;
}

// src/config/load.ts
var ENV_HINT = "set the environment variables named above before running (write $${ for a literal ${)";
function validate(schema, input, prefix, positions, issues) {
  const result = schema.safeParse(input, { reportInput: true, error: expectedPhrase });
  if (result.success) return result.data;
  issues.push(...fromZodIssues(result.error.issues, prefix, positions));
  return void 0;
}
function topLevelKind(key) {
  if (FIXED_SECTIONS.includes(key)) return "section";
  if (HPSS_SECTION.test(key)) return "hpss";
  if (IMAGES_SECTION.test(key)) return "images";
  return void 0;
}
function parseConfig(text, source, env = process.env) {
  const tree = readYamlTree(text, source);
  if (tree.kind === "syntax") throw issuesError(source, tree.issues, tree.positions);
  if (tree.kind === "empty") {
    throw configError(`${source} is empty; expected sections such as endpoints: and beamlines:`, `add the endpoints and beamlines sections; ${CONFIG_HINT}`);
  }
  const { positions } = tree;
  const issues = [...tree.issues];
  if (!isRecord(tree.data)) {
    issues.push({ path: [], text: `expected a mapping of sections (${TOP_LEVEL_KEYS}), got ${describeValue(tree.data)}` });
    throw issuesError(source, issues, positions);
  }
  const kept = Object.fromEntries(Object.entries(tree.data).filter(([key]) => key !== "prefect"));
  const expanded = expandTree(kept, env, (path) => positions.locate(path));
  issues.push(...expanded.problems.map((problem) => ({ ...problem, hint: ENV_HINT, unreadable: true })));
  const unreadable = new Set(issues.flatMap((issue) => issue.path && issue.unreadable ? [pathId(issue.path)] : []));
  const data = isRecord(expanded.data) ? expanded.data : {};
  for (const key of Object.keys(tree.data)) {
    if (topLevelKind(key) === void 0) {
      issues.push({
        path: [key],
        offset: positions.keyOffset([key]),
        text: `unknown key ${JSON.stringify(key)}; expected one of ${TOP_LEVEL_KEYS}`
      });
    }
  }
  const schemaIssues = [];
  const sections = validate(SectionsSchema, data, [], positions, schemaIssues);
  const hpss = /* @__PURE__ */ new Map();
  const images = /* @__PURE__ */ new Map();
  for (const [key, value] of Object.entries(data)) {
    const kind = topLevelKind(key);
    if (kind === "hpss") hpss.set(key, validate(LegacyHpssEndpointSchema, value, [key], positions, schemaIssues));
    if (kind === "images") {
      const section = validate(ImagesSchema, value, [key], positions, schemaIssues);
      if (section) images.set(key, Object.freeze({ ...section }));
    }
  }
  issues.push(...schemaIssues.filter((issue) => !(issue.path && unreadable.has(pathId(issue.path)))));
  issues.push(...checkReferences(data, positions));
  if (issues.length > 0 || sections === void 0) throw issuesError(source, issues, positions, expanded.secrets);
  const config = buildConfig(source, sections, hpss, images, positions);
  const pruneIssues = pruneRuleProblems(pruneRulesOf(config)).map((p) => ({
    path: ["beamlines", p.ref.beamline, "prune", p.ref.index, p.key],
    text: p.text,
    hint: p.hint
  }));
  if (pruneIssues.length > 0) throw issuesError(source, pruneIssues, positions, expanded.secrets);
  return config;
}
function buildConfig(source, sections, hpss, images, positions) {
  const endpoints = /* @__PURE__ */ new Map();
  for (const [name, e] of Object.entries(sections.endpoints ?? {})) endpoints.set(name, toEndpoint(name, e));
  for (const [name, e] of Object.entries(sections.globus?.globus_endpoints ?? {})) {
    endpoints.set(name, freeze({ type: "globus", name, root_path: e.root_path, uuid: e.uuid, uri: e.uri, display_name: e.name }));
  }
  for (const [name, e] of hpss) {
    if (e) endpoints.set(name, hpssEndpoint(name, e));
  }
  const beamlines = /* @__PURE__ */ new Map();
  for (const [id, b] of Object.entries(sections.beamlines ?? {})) {
    beamlines.set(
      id,
      freeze({
        id,
        path_prefix: b.path_prefix,
        move: Object.freeze((b.move ?? []).map((hop) => freeze({ ...hop }))),
        prune: Object.freeze((b.prune ?? []).map((rule) => freeze({ ...rule, verify: rule.verify ?? defaultVerify(endpoints.get(rule.endpoint), endpoints.get(rule.check)) }))),
        runner_labels: Object.freeze([...b.runner_labels ?? []]),
        // Only when written: a beamline without it gets the same defaults from watchSettingsOf().
        watch: b.watch ? completeWatchSettings(id, b.watch) : void 0,
        ingest_format: b.ingest?.format,
        ingest_read_from: b.ingest?.read_from,
        archive: b.archive ? freeze({
          from: b.archive.from,
          to: b.archive.to,
          proposals: b.archive.proposals,
          time_zone: b.archive.time_zone,
          bundle_max_bytes: Math.floor(b.archive.bundle_max_gib * 1024 ** 3),
          verify: b.archive.verify,
          restore_to: b.archive.restore_to
        }) : void 0,
        recon: b.recon ? reconSettings(b.recon, id, images) : void 0
      })
    );
  }
  const globusApps = /* @__PURE__ */ new Map();
  for (const [name, app] of Object.entries(sections.globus?.globus_apps ?? {})) {
    globusApps.set(name, freeze({ client_id: app.client_id, client_secret: app.client_secret }));
  }
  const g = sections.globus;
  const globus = freeze({
    app: g?.app,
    authUrl: g?.auth_url ?? "https://auth.globus.org",
    transferUrl: g?.transfer_url ?? "https://transfer.api.globus.org",
    computeUrl: g?.compute_url ?? "https://compute.api.globus.org",
    waitTimeoutMinutes: g?.wait_timeout_minutes ?? 100,
    stuckGraceSeconds: g?.stuck_grace_seconds ?? 600,
    pollFirstSeconds: g?.poll_first_seconds ?? 2,
    pollMaxSeconds: g?.poll_max_seconds ?? 60
  });
  const gh = sections.github;
  let github;
  if (gh) {
    const [owner = "", repo = ""] = gh.repository.split("/");
    const app = gh.app;
    github = freeze({
      repository: gh.repository,
      owner,
      repo,
      apiUrl: gh.api_url ?? "https://api.github.com",
      tokenEnv: gh.token_env ?? "GITHUB_TOKEN",
      app: app ? freeze({
        client_id: typeof app.client_id === "number" ? String(app.client_id) : app.client_id,
        private_key: app.private_key,
        private_key_path: app.private_key_path,
        installation_id: app.installation_id
      }) : void 0,
      timeoutSeconds: gh.timeout_seconds ?? 30,
      retryFirstSeconds: gh.retry_first_seconds ?? 1,
      retryMaxSeconds: gh.retry_max_seconds ?? 300,
      maxRetries: gh.max_retries ?? 5
    });
  }
  const sf = sections.sfapi;
  const sfapi = sf ? freeze({
    apiUrl: sf.api_url ?? "https://api.nersc.gov/api/v1.2",
    tokenUrl: sf.token_url ?? "https://oidc.nersc.gov/c2id/token",
    machine: sf.machine,
    clientId: sf.client_id,
    privateKey: sf.private_key,
    privateKeyPath: sf.private_key_path,
    timeoutSeconds: sf.timeout_seconds ?? 60,
    pollFirstSeconds: sf.poll_first_seconds ?? 10,
    pollMaxSeconds: sf.poll_max_seconds ?? 120,
    taskTimeoutSeconds: sf.task_timeout_seconds ?? 300,
    notFoundGraceSeconds: sf.not_found_grace_seconds ?? 120,
    expiryWarningHours: sf.expiry_warning_hours ?? 24
  }) : void 0;
  return freeze({
    source,
    endpoints,
    beamlines,
    globusApps,
    globus,
    images,
    scicat: sections.scicat ? freeze({ ...sections.scicat }) : void 0,
    github,
    sfapi,
    locate: (keyPath) => positions.locate(keyPath)
  });
}
function toEndpoint(name, e) {
  switch (e.type) {
    case "filesystem":
      return freeze({ type: "filesystem", name, root_path: e.root_path });
    case "globus":
      return freeze({ type: "globus", name, root_path: e.root_path, uuid: e.uuid, uri: e.uri, display_name: e.name });
    case "hpss":
      return hpssEndpoint(name, e);
  }
}
function hpssEndpoint(name, e) {
  return freeze({
    type: "hpss",
    name,
    root_path: e.root_path,
    uri: e.uri,
    ssh: e.ssh ? freeze({ ...e.ssh, user: e.ssh.user, known_hosts: e.ssh.known_hosts }) : void 0,
    sfapi: e.sfapi ? freeze({ account: e.sfapi.account, qos: e.sfapi.qos, constraint: e.sfapi.constraint, walltimeSeconds: e.sfapi.walltime, queueAllowanceSeconds: e.sfapi.queue_allowance_minutes * 60, logDir: e.sfapi.log_dir }) : void 0,
    hsi: e.hsi,
    htar: e.htar
  });
}
var freeze = (value) => Object.freeze(value);
function reconSettings(r, id, images) {
  const n = r.nersc;
  const a = r.alcf;
  const named = n && typeof n.images === "string" ? images.get(n.images) : void 0;
  const hops = (list) => Object.freeze((list ?? []).map((h) => freeze({ from: h.from, to: h.to })));
  return freeze({
    hpc: Object.freeze(typeof r.hpc === "string" ? [r.hpc] : [...new Set(r.hpc)]),
    nersc: n ? freeze({
      qos: n.qos,
      account: n.account,
      constraint: n.constraint,
      nodes: n.nodes,
      cpus_per_task: n.cpus_per_task,
      gpus: n.gpus,
      exclusive: n.exclusive,
      walltime_seconds: n.walltime,
      queue_allowance_seconds: Math.round(n.queue_allowance_minutes * 60),
      container: n.container,
      images: freeze({ ...typeof n.images === "string" ? named ?? {} : n.images ?? {} }),
      images_from: typeof n.images === "string" ? n.images : `beamlines.${id}.recon.nersc.images`,
      data_root: n.data_root,
      scratch_root: n.scratch_root,
      log_root: n.log_root,
      scripts_root: n.scripts_root,
      programs: freeze({ ...n.programs ?? {} })
    }) : void 0,
    alcf: a ? freeze({
      endpoint_id: a.endpoint_id,
      function_id: a.function_id,
      globus_app: a.globus_app,
      python: a.python,
      python_version: a.python_version,
      walltime_seconds: a.walltime,
      queue_allowance_seconds: Math.round(a.queue_allowance_minutes * 60),
      data_root: a.data_root,
      scratch_root: a.scratch_root,
      log_root: a.log_root,
      scripts_root: a.scripts_root,
      stage: a.stage ? freeze({ from: a.stage.from, to: a.stage.to }) : void 0,
      results: hops(a.results),
      read_from: a.read_from,
      poll_first_seconds: a.poll_first_seconds,
      poll_max_seconds: a.poll_max_seconds
    }) : void 0,
    defaults: freeze({ ...r.defaults ?? {} }),
    results: hops(r.results),
    multires: r.multires,
    read_from: r.read_from
  });
}
async function loadConfig(file, env = process.env) {
  let text;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const code = err instanceof Error && "code" in err ? err.code : void 0;
    if (code === "ENOENT") {
      throw configError(`config file ${file} not found`, "pass --config <file>, or create config.yml (see docs/config.md)");
    }
    if (code === "EISDIR") throw configError(`config file ${file} is a directory`, "pass --config with the path of the file itself");
    throw configError(`cannot read config file ${file}: ${err instanceof Error ? err.message : String(err)}`, "check the path and its permissions");
  }
  return parseConfig(text, file, env);
}

export {
  defaultVerify,
  pruneRulesOf,
  pruneRulesError,
  pruneRuleProblems,
  defaultEventType,
  watchSettingsOf,
  loadConfig
};
