#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  describeError
} from "./chunk-4VXUNQHW.js";

// src/run/failure.ts
function underRunner(env = process.env) {
  return env.GITHUB_ACTIONS === "true" && (env.GITHUB_STEP_SUMMARY ?? "") !== "";
}
function escapeCommandData(s) {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function reportFailure(err, to, prefix = "splash: ") {
  if (to === "runner") process.stdout.write(`::error::${escapeCommandData(describeError(err))}
`);
  else process.stderr.write(`${prefix}${describeError(err)}
`);
}

// src/cli/help.ts
var VERSION = "0.1.0";
var MAIN_HELP = `splash — move, catalogue, reconstruct, archive and prune beamline data

Usage: splash <command> [options]

Commands:
  run <beamline> <path…>   run the beamline's chain (move → ingest → recon) on files
  move                     move files along the beamline's storage hops, verified
  ingest                   register files in SciCat (dry run without SciCat in config.yml)
  recon                    reconstruct scans at NERSC (Slurm) or ALCF (Globus Compute) and catalogue them; --dry-run prints the jobs
  hpss                     archive proposal folders to HPSS tape per beam cycle; hpss restore, hpss ls
  prune                    delete old files that have a verified copy elsewhere
  dispatch                 send a repository_dispatch for files (what the watcher sends)
  watch <folder>           the beamline file watcher: wait for complete files, dispatch them, never lose one
  reconcile                dispatch again files that never reached the beamline's first destination
  config check             validate config.yml and show what it configures
  status                   build the pipeline status pages from recent runs and their step reports
  new-beamline <id…>       scaffold a beamline: folder, config, workflow, dispatch event, docs page
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
  ingest: `Usage: splash ingest --beamline <id> [--config config.yml] <path…>

Registers each file as a raw dataset in SciCat, named with its extension: metadata from the file (8.3.2:
Data Exchange HDF5 with a thumbnail of the first projection; other beamlines: name, size, time, checksum),
looked up first so a re-run never creates a second dataset. Files are read at ingest.read_from or the first
hop's source; on a Globus collection the runner cannot read, the listing gives name, size and time. Every
request is validated before anything is sent. Without scicat.url in the config it runs dry and writes the
request bodies to scicat.dry_run_dir/<path>.json (default scicat-dry-run/).

Options:
  -b, --beamline <id>       beamline id, e.g. 8.3.2 (required)
  -c, --config <file>       config file (default: config.yml)
      --file-paths <list>   paths, newline-separated or a JSON array
  -v, --verbose             debug output`,
  recon: `Usage: splash recon --beamline <id> [--hpc nersc|alcf|both] [--dry-run] [--recon-options <json>] [--config config.yml] <path…>
       splash recon register-function --beamline <id> [--config config.yml]

Reconstructs each scan at NERSC or ALCF, or both (docs/recon.md): 8.3.2 tomography (the reconstruction, then
the multi-resolution zarr), 7.0.1.2 ptychography (NERSC). At NERSC the Slurm scripts are rendered from
beamlines.<id>.recon and submitted through the Superfacility API; success is Slurm COMPLETED with exit 0:0 and
the job's status file confirming its outputs. At ALCF the scan goes to Eagle by Globus first, then the
beamline's Python wrapper runs the program on Polaris through Globus Compute; success is the task's verdict
confirming the outputs (Globus Compute cannot cancel a task: the wrapper's time limit stops it). Any other end
fails with the reason and the tail of the output, and nothing after it runs. Then the results go back along the
hops config names and each reconstruction is catalogued in SciCat as a derived dataset of its scan (a dry run
without scicat.url). A re-run follows the job an earlier run submitted (NERSC) or takes its result (ALCF).
Ctrl-C cancels the Slurm job. Export-controlled scans are never reconstructed off site.

register-function registers the beamline's ALCF wrapper with Globus Compute and prints its id: put it into
beamlines.<id>.recon.alcf.function_id.

Options:
  -b, --beamline <id>        beamline id, e.g. 8.3.2 (required)
  -c, --config <file>        config file (default: config.yml)
  -n, --dry-run              print the exact scripts (NERSC) and wrapper arguments (ALCF); needs no credentials
      --recon-options <json> per-scan options over recon.defaults, e.g. '{"centre": 1196.5, "slices": {"start": 1000, "end": 1010}}'
      --hpc <where>          nersc, alcf or both (default: recon.hpc in config.yml)
      --export-control       the data is export controlled: nothing is submitted
      --file-paths <list>    paths, newline-separated or a JSON array (instead of arguments)
  -v, --verbose              debug output`,
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
deleted only when the rule's check endpoint holds a regular file at the same path with the same size and
the same bytes (filesystems: the move's verification record or an XXH128 hash; Globus: name, size, mtime).
First proves the check endpoint is not the pruned storage under another name, and locks both endpoints
against other prunes (a rule whose lock another prune holds fails, exit 1). Reports pruned, kept (too young)
and unsafe (not provably replicated) files and removes old folders the sweep emptied. Never follows
symlinks, never leaves the endpoint root.

Options:
  -b, --beamline <id>   only this beamline (default: all)
  -c, --config <file>   config file (default: config.yml)
  -n, --dry-run         change nothing; print the plan
      --now <date>      evaluate ages as of this date (ISO, e.g. 2026-12-01) — for rehearsals and demos
  -v, --verbose         debug output`,
  hpss: `Usage: splash hpss [--beamline <id>] [--cycle last|YYYY-1|YYYY-2] [--dry-run] [--config config.yml] [<proposal>…]

Archives proposal folders to HPSS tape (config: beamlines.<id>.archive, docs/hpss.md). Files are grouped by the
beam cycle of their modification time (cycle 1: Jan 1 – Jul 15, cycle 2: Jul 16 – Dec 31, in archive.time_zone)
and packed in path order into htar archives of up to archive.bundle_max_gib: <proposal>_<YYYY>-<cycle>.tar, then
_part1.tar, … under <hpss root_path>/<beamline>/<proposal path>. Files above htar's member limit (68.7 GB) or
with paths too long for a tar header go with hsi cput on their own. Every archive is verified against HPSS's
listing (each member with its size). An archive whose index is already on HPSS is verified, never rewritten.

Only ended cycles are archived (an archive cannot be appended to): --cycle (default: the last completed one)
is the last cycle a run archives; files of later cycles wait for a run after theirs ends. Without proposals:
every folder under archive.proposals whose newest file is from that cycle — what the scheduled workflow runs.
Files already in a complete archive on tape (the original system's too) are verified, not written again;
files that arrived after their cycle was archived go into new parts (_part2, …). hsi and htar run on the
hpss endpoint's ssh host, on this runner, or as Slurm jobs through the Superfacility API (its sfapi: settings).

       splash hpss restore -b <id> <proposal> [--to <endpoint>] [--archive <name>…] [--file <path>…] [--dry-run]
Brings a proposal (or the named archives, or files relative to the proposal folder) back from tape into the
endpoint --to (default: archive.restore_to), under the proposal's own path. Every member name goes through the
path gate; each file is checked (the listing's size, the manifest's BLAKE2b where the archive has one) before
it gets its name, and a different file already there is never overwritten. --dry-run lists what would come
from which archive.

       splash hpss ls -b <id> <proposal> [--json]
What is on tape for a proposal: archive by archive, with cycle, members and sizes; --json for machines.

Options:
  -b, --beamline <id>   beamline id (default with no proposals: every beamline with archive settings)
  -c, --config <file>   config file (default: config.yml)
      --cycle <cycle>   last (default), or an ended cycle such as 2026-1
  -n, --dry-run         list and plan, write nothing (restore: fetch nothing)
      --now <date>      what "last" is reckoned from (ISO, e.g. 2026-07-20)
      --to <endpoint>   restore: where the files go
      --archive <name>  restore: a whole archive (repeatable)
      --file <path>     restore: a file, relative to the proposal folder (repeatable)
      --json            ls: print JSON
  -v, --verbose         debug output`,
  dispatch: `Usage: splash dispatch --beamline <id> [--config config.yml] [--export-control] <path…>

Sends a repository_dispatch to the repository in config.yml's github: section, with the beamline's event
type (watch.event_type, default new_file_<digits>, e.g. new_file_832) and client_payload
{file_paths: [...], is_export_control}. Every path goes through the path gate with the beamline's
path_prefix first: one bad path and nothing is sent (exit 2). A long list is split into several dispatches
within GitHub's limits (payload under 64 KB). Transient failures (5xx, 429, rate limits, no answer) are
retried with backoff, honouring retry-after.

The token comes from GITHUB_TOKEN (or github.token_env), or a GitHub App configured under github.app.

Options:
  -b, --beamline <id>       beamline id, e.g. 8.3.2 (required)
  -c, --config <file>       config file (default: config.yml)
      --file-paths <list>   paths, newline-separated or a JSON array (instead of arguments)
      --export-control      the data is export controlled (is_export_control: true)
  -v, --verbose             debug output`,
  watch: `Usage: splash watch <folder> --beamline <id> [--config config.yml] [--send-as <path>] [--spool <folder>]
                    [--once [--retry-for 2m]] [--ignore-existing] [--export-control]
       splash watch --status [<folder> | --spool <folder>] [--json]

Watches a folder (and its subfolders) for new data files. A file is complete when its size and mtime stay
the same for watch.stable_seconds (default 30); hidden files and temporary names (.tmp, .part, ~, ...) are
ignored, watch.patterns / watch.ignore narrow the rest. Files that complete within watch.batch_seconds
(default 1) go out in one dispatch. Every batch is written to the spool before it is sent and removed only
after GitHub accepted it: the watcher survives restarts, crashes, GitHub outages and rate limits without
losing or repeating a file. Stop it with Ctrl-C or SIGTERM.

Options:
  -b, --beamline <id>       beamline id, e.g. 8.3.2 (required)
  -c, --config <file>       config file (default: config.yml)
      --send-as <path>      the folder as dispatched paths name it, e.g. /global/raw (default: its own
                            absolute path; required on Windows)
      --spool <folder>      where batches wait (default: <folder>/.splash-spool)
      --once                scan, wait for those files to complete, send everything spooled, exit
      --retry-for <time>    with --once: give up (exit 1, batches stay spooled) after sending failed this long (default 2m)
      --ignore-existing     record the files already there as handled instead of dispatching them
      --export-control      the data is export controlled (is_export_control: true)
      --status              show the spool: pending batches, attempts, last error; --json for a script
  -v, --verbose             debug output`,
  reconcile: `Usage: splash reconcile --beamline <id> [--config config.yml] [--older-than 6h] [--dry-run]
                        [--export-control | --not-export-controlled]

Finds data files on the beamline's first move endpoint, older than --older-than, that the first hop's
destination lacks or holds with another size (the dispatch never fired, a queued run was dropped, a step
failed), and dispatches them again. Either end may be a mounted folder or a Globus collection (listed with
the Globus app of config.yml: one listing per folder).

Whether a file is export controlled is not recorded on disk. For a beamline with hops marked
skip_export_controlled, say it: --export-control keeps the files at the facility (safe), or
--not-export-controlled confirms none of them is.

Options:
  -b, --beamline <id>         beamline id, e.g. 8.3.2 (required)
  -c, --config <file>         config file (default: config.yml)
      --older-than <time>     only files older than this (default 6h; e.g. 90m, 2d)
  -n, --dry-run               report what is missing; send nothing
      --export-control        dispatch them as export controlled
      --not-export-controlled dispatch them as not export controlled
  -v, --verbose               debug output`,
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
      --clean          delete the folder at the end (by default it is kept so you can look around)`,
  status: `Usage: splash status [--out docs/status] [--cache .splash-status-cache] [--days 28] [--max-requests 200]
                     [--reserve 100] [--repository owner/name] [--api-url <url>] [--config config.yml]

Builds the pipeline status pages of the documentation site (docs/status.md): reads this repository's
workflow runs and the step reports they kept (artifacts splash-report-<job>) through the GitHub REST API,
and writes an overview and one page per beamline (last scans, failures, the next prune, tape coverage per
cycle, data moved per day) into --out. Reports already read are kept in --cache, so a build reads only what
is new. It makes at most --max-requests API requests and stops (rendering what it has) when GitHub says
fewer than --reserve are left this hour. The token comes from GITHUB_TOKEN (github.token_env); in a
workflow it needs actions: read.

Options:
  -o, --out <folder>        where the pages go (default: docs/status)
      --cache <folder>      reports read by earlier builds (default: .splash-status-cache; '' for none)
      --days <n>            how far back (default: 28)
      --max-requests <n>    API request budget of one build (default: 200)
      --reserve <n>         leave this many requests of the hour's limit to other workflows (default: 100)
      --repository <o/n>    default: GITHUB_REPOSITORY, else github.repository in config.yml
      --api-url <url>       default: GITHUB_API_URL (set in a workflow), else github.api_url in config.yml
  -c, --config <file>       config file (default: config.yml)
  -v, --verbose             debug output`,
  "new-beamline": `Usage: splash new-beamline <id> [<id>…] --title <text> --move FROM:TO[:offsite]… [options]

Scaffolds a beamline, ready for review (docs/adding-a-beamline.md): beamlines/bl<digits>/ (config.ts,
dispatcher.ts: move, then a generic ingest) and its entry in beamlines/index.ts; its endpoints and a
beamlines."<id>" section in config.yml (runner label, event type new_file_<digits>, move hops, prune rules);
the reusable workflow .github/workflows/beamline-<digits>.yml; the event type and job in dispatch.yml; its
place in reconcile.yml; its rows in docs/workflows.md; and its docs page (filled in by npm run docs:gen).
Idempotent: run again, it changes nothing; a file changed by hand is never overwritten. Several ids with
--group make one dispatcher and one workflow for all of them, the beamline chosen by the workflow's input.

Options:
      --title <text>              what the beamline is (required)
      --endpoint NAME=UUID:/root  a Globus collection to add (NAME=/root for a mounted folder); repeatable
      --move FROM:TO[:offsite]    a hop; offsite = it leaves the facility (export-controlled data stops); repeatable
      --prune ENDPOINT:DAYS:CHECK a retention rule; default: the first hop's source, 180 days, checked on the
                                  last hop's destination; repeatable
      --label <label>             the runner label (default bl<digits>, or the group's name)
      --list                      the watcher sends a list of files per dispatch, moved as one batch
      --group <name>              several ids, one dispatcher (beamlines/<name>/) and one workflow
                                  In names and paths, {bl} stands for bl<digits> of each id (bl402), {id} for the id.
      --root <folder>             the repository (default: .)
      --check                     change nothing; exit 2 when the repository differs from what it would make`
};

export {
  underRunner,
  reportFailure,
  VERSION,
  MAIN_HELP,
  HELP
};
