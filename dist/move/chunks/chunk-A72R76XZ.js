import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  BEAMLINE_ID
} from "./chunk-GBCEOSPT.js";
import {
  describeError,
  usageError
} from "./chunk-2H32LMKA.js";

// src/run/failure.ts
function escapeCommandData(s) {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function reportFailure(err, to, prefix = "splash: ") {
  if (to === "runner") process.stdout.write(`::error::${escapeCommandData(describeError(err))}
`);
  else process.stderr.write(`${prefix}${describeError(err)}
`);
}

// src/run/inputs.ts
function getInput(name, opts = {}) {
  const value = (process.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
  if (value === "") {
    if (opts.required) throw usageError(`input "${name}" is required and was not given`, `add \`${name}:\` under \`with:\` in the workflow step`);
    return opts.fallback ?? "";
  }
  return value;
}
function parseBoolean(raw, field, fallback) {
  if (raw === "") return fallback;
  if (["true", "True", "TRUE"].includes(raw)) return true;
  if (["false", "False", "FALSE"].includes(raw)) return false;
  throw usageError(`${field}: expected true or false, got ${JSON.stringify(raw)}`);
}
function parsePathList(raw, field) {
  const text = raw.trim();
  if (text === "") throw usageError(`${field}: no paths given`, "pass one path per line or a JSON array of strings");
  if (text.startsWith("[")) {
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw usageError(`${field}: looks like a JSON array but does not parse (${describeError(err)})`, "pass one path per line or a valid JSON array of strings");
    }
    if (!Array.isArray(parsed) || parsed.length === 0) throw usageError(`${field}: expected a non-empty JSON array of strings`);
    return parsed.map((p, i) => {
      if (typeof p !== "string") throw usageError(`${field}[${i}]: expected a string, got ${JSON.stringify(p)}`);
      return p;
    });
  }
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
}
function parseBeamlineId(raw, field) {
  if (!BEAMLINE_ID.test(raw)) throw usageError(`${field}: expected a beamline id like 8.3.2, got ${JSON.stringify(raw)}`);
  return raw;
}
async function actionEntry(main) {
  try {
    await main();
  } catch (err) {
    reportFailure(err, "runner");
    process.exitCode = 1;
  }
}

export {
  getInput,
  parseBoolean,
  parsePathList,
  parseBeamlineId,
  actionEntry
};
