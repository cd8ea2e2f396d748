import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  actionEntry,
  getInput,
  parseBeamlineId,
  parseBoolean,
  parsePathList
} from "./chunks/chunk-A72R76XZ.js";
import "./chunks/chunk-GBCEOSPT.js";
import {
  usageError
} from "./chunks/chunk-2H32LMKA.js";
import "./chunks/chunk-56GLMHBG.js";

// actions/hpss/main.ts
await actionEntry(async () => {
  const raw = getInput("beamline");
  const beamline = raw === "" ? "" : parseBeamlineId(raw, "beamline");
  const proposals = getInput("proposals");
  const cycle = getInput("cycle", { fallback: "last" });
  const dryRun = parseBoolean(getInput("dry-run"), "dry-run", false);
  const config = getInput("config", { fallback: "config.yml" });
  const now = getInput("now");
  const direction = getInput("direction", { fallback: "to-tape" });
  if (direction !== "to-tape" && direction !== "from-tape") throw usageError(`direction: expected to-tape or from-tape, got ${JSON.stringify(direction)}`);
  const list = (name) => {
    const v = getInput(name);
    return v.trim() === "" ? [] : parsePathList(v, name);
  };
  if (direction === "from-tape") {
    const wanted = list("proposals");
    if (wanted.length !== 1) throw usageError(`proposals: a restore takes exactly one proposal, got ${String(wanted.length)}`);
    const { runHpssRestoreAction } = await import("./chunks/run-R74SROYA.js");
    await runHpssRestoreAction({ config, beamline, proposal: wanted[0] ?? "", to: getInput("restore-to"), archives: list("restore-archives"), files: list("restore-files"), dryRun });
    return;
  }
  const { runHpssAction } = await import("./chunks/run-R74SROYA.js");
  await runHpssAction({ config, beamline, proposals, cycle, dryRun, now });
});
