#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  HELP,
  MAIN_HELP,
  VERSION,
  reportFailure,
  underRunner
} from "./chunks/chunk-XZPXOAPG.js";
import {
  exitCodeFor,
  usageError
} from "./chunks/chunk-4VXUNQHW.js";
import "./chunks/chunk-ZFJJYYNF.js";
import "./chunks/chunk-CJW4YZWO.js";

// src/cli/main.ts
async function main(argv) {
  const [command, ...rest] = argv;
  if (command === void 0 || command === "-h" || command === "--help" || command === "help") {
    const topic = command === "help" ? rest[0] : void 0;
    process.stdout.write(`${(topic && HELP[topic]) ?? MAIN_HELP}
`);
    return 0;
  }
  if (command === "-V" || command === "--version") {
    process.stdout.write(`splash ${VERSION}
`);
    return 0;
  }
  if (!(command in HELP)) {
    throw usageError(`unknown command ${JSON.stringify(command)}`, "see: splash --help");
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`${HELP[command] ?? MAIN_HELP}
`);
    return 0;
  }
  const { runCommand } = await import("./chunks/commands-XEE5S6P4.js");
  return runCommand(command, rest);
}
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    reportFailure(err, underRunner() ? "runner" : "terminal");
    process.exitCode = exitCodeFor(err);
  }
);
