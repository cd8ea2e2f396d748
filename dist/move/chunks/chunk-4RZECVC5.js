import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __require = /* @__PURE__ */ ((x) => typeof require !== "undefined" ? require : typeof Proxy !== "undefined" ? new Proxy(x, {
  get: (a, b) => (typeof require !== "undefined" ? require : a)[b]
}) : x)(function(x) {
  if (typeof require !== "undefined") return require.apply(this, arguments);
  throw Error('Dynamic require of "' + x + '" is not supported');
});
var __commonJS = (cb, mod) => function __require2() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// src/beamline-id.ts
var BEAMLINE_ID = /^\d+(\.\d+)+$/;

// src/errors.ts
var SplashError = class extends Error {
  kind;
  /** What a person should do about it, shown under the message. */
  hint;
  constructor(kind, message, hint) {
    super(message);
    this.name = "SplashError";
    this.kind = kind;
    this.hint = hint;
  }
};
var usageError = (message, hint) => new SplashError("usage", message, hint);
var configError = (message, hint) => new SplashError("config", message, hint);
var pathError = (message, hint) => new SplashError("path", message, hint);
var stepError = (message, hint) => new SplashError("step", message, hint);
function describeError(err) {
  if (err instanceof SplashError) return err.hint ? `${err.message}
  hint: ${err.hint}` : err.message;
  if (err instanceof Error) return err.message;
  return String(err);
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
function escapeCommandData(s) {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
async function actionEntry(main) {
  try {
    await main();
  } catch (err) {
    process.stdout.write(`::error::${escapeCommandData(describeError(err))}
`);
    process.exitCode = 1;
  }
}

export {
  __require,
  __commonJS,
  __export,
  __toESM,
  BEAMLINE_ID,
  SplashError,
  usageError,
  configError,
  pathError,
  stepError,
  describeError,
  getInput,
  parseBoolean,
  parsePathList,
  parseBeamlineId,
  actionEntry
};
