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
  parseBoolean
} from "./chunks/chunk-PEAVMJCL.js";
import "./chunks/chunk-GBCEOSPT.js";
import "./chunks/chunk-2H32LMKA.js";
import "./chunks/chunk-56GLMHBG.js";

// actions/prune/main.ts
await actionEntry(async () => {
  const raw = getInput("beamline");
  const beamline = raw === "" ? "" : parseBeamlineId(raw, "beamline");
  const config = getInput("config", { fallback: "config.yml" });
  const dryRun = parseBoolean(getInput("dry-run"), "dry-run", false);
  const now = getInput("now");
  const { runPruneAction } = await import("./chunks/run-SU6HADR7.js");
  await runPruneAction({ config, beamline, dryRun, now });
});
