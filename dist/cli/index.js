#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  describeError,
  exitCodeFor,
  usageError
} from "./chunks/chunk-3YRBBQBJ.js";
import "./chunks/chunk-CJW4YZWO.js";

// src/cli/help.ts
var VERSION = "0.1.0";
var MAIN_HELP = `splash — move, catalogue, reconstruct, archive and prune beamline data

Usage: splash <command> [options]

Commands:
  run <beamline> <path…>   run the beamline's chain (move → ingest → recon → hpss) on files
  move                     move files along the beamline's storage hops, verified
  prune                    delete old files that have a verified copy elsewhere
  config check             validate config.yml and show what it configures
  demo                     build a throw-away facility in a temp folder and run the pipeline on it

Options:
  -h, --help      help for splash or a command (splash move --help)
  -V, --version   print the version

Exit codes: 0 ok, 1 a step failed, 2 usage or config error (nothing was changed).
Docs: README.md and docs/ in the repository.`;
var HELP = {
  run: `Usage: splash run <beamline> <path…> [--config config.yml] [--export-control]

Runs the beamline's dispatcher: its chain of steps in order, stopping at the first failure. Steps that are
not built or configured yet are reported as "not configured", never faked. Beamlines that take one file per
dispatch (8.3.2, 7.0.1.2) run the chain once per path; 7.3.3 runs it once for the whole list.

Options:
  -c, --config <file>    config file (default: config.yml)
      --export-control   the data is export controlled (hops marked skip_export_controlled are skipped)
  -v, --verbose          debug output`,
  move: `Usage: splash move --beamline <id> [--config config.yml] [--export-control] <path…>

Copies each path (file or folder) along the beamline's move hops. Each file is written under a temporary
name, verified by size and content hash (XXH128), given the source's mtime and only then its final name. An identical file
already at the destination is accepted (re-runs are safe); a different one is an error, never overwritten.

Paths are what the file watcher sends: absolute under the beamline's path_prefix, or relative to the
endpoint roots. Instead of arguments, --file-paths takes one path per line or a JSON array (as the action).

Options:
  -b, --beamline <id>       beamline id, e.g. 8.3.2 (required)
  -c, --config <file>       config file (default: config.yml)
      --file-paths <list>   paths, newline-separated or a JSON array
      --export-control      the data is export controlled (also: --is-export-control)
  -v, --verbose             debug output`,
  prune: `Usage: splash prune [--beamline <id>] [--config config.yml] [--dry-run] [--now <date>]

Applies every prune rule of the beamline (or of all configured beamlines): a file older than after_days is
deleted only when the rule's check endpoint holds a regular file at the same path with the same size (and
an XXH128 content hash with verify: hash). Reports pruned, kept (too young) and unsafe (not provably replicated) files and
removes folders the sweep emptied. Never follows symlinks, never leaves the endpoint root.

Options:
  -b, --beamline <id>   only this beamline (default: all)
  -c, --config <file>   config file (default: config.yml)
  -n, --dry-run         change nothing; print the plan
      --now <date>      evaluate ages as of this date (ISO, e.g. 2026-12-01) — for rehearsals and demos
  -v, --verbose         debug output`,
  config: `Usage: splash config check [--config config.yml]

Loads and validates the config file (either layout: the new endpoints/beamlines one, or the original
system's globus/hpss/images one), resolves every beamline's hops and prune rules, and prints what it found.
Errors name file:line:column and the key. Exit 0 when valid, 2 otherwise.

Options:
  -c, --config <file>   config file (default: config.yml)`,
  demo: `Usage: splash demo [--dir <folder>] [--clean]

Builds a throw-away facility in a temporary folder — beamline, server and archive folders as file-system
endpoints — writes sample scans, runs "splash run 8.3.2" on them, then prunes with time shifted forward:
the replicated scans are pruned from the beamline, one scan that never left it is kept and reported unsafe.
Needs no credentials and no network.

Options:
      --dir <folder>   build the facility here instead of a new temp folder (must be empty or absent)
      --clean          delete the folder at the end (by default it is kept so you can look around)`
};

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
  const { runCommand } = await import("./chunks/commands-OXLSZNAP.js");
  return runCommand(command, rest);
}
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`splash: ${describeError(err)}
`);
    process.exitCode = exitCodeFor(err);
  }
);
