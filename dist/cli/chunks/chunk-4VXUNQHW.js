#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  redact
} from "./chunk-ZFJJYYNF.js";

// src/errors.ts
var SplashError = class extends Error {
  kind;
  /** What a person should do about it, shown under the message. */
  hint;
  constructor(kind, message, hint) {
    super(redact(message));
    this.name = "SplashError";
    this.kind = kind;
    this.hint = hint === void 0 ? void 0 : redact(hint);
  }
};
var usageError = (message, hint) => new SplashError("usage", message, hint);
var configError = (message, hint) => new SplashError("config", message, hint);
var pathError = (message, hint) => new SplashError("path", message, hint);
var stepError = (message, hint) => new SplashError("step", message, hint);
function exitCodeFor(err) {
  if (err instanceof SplashError && (err.kind === "usage" || err.kind === "config" || err.kind === "path")) return 2;
  return 1;
}
function describeError(err) {
  if (err instanceof SplashError) return redact(err.hint ? `${err.message}
  hint: ${err.hint}` : err.message);
  if (err instanceof Error) return redact(err.message);
  return redact(String(err));
}
function errorCode(err) {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = e.code;
    if (typeof code === "string") return code;
  }
  return void 0;
}

export {
  SplashError,
  usageError,
  configError,
  pathError,
  stepError,
  exitCodeFor,
  describeError,
  errorCode
};
