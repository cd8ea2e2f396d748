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
  parsePathList
} from "./chunks/chunk-GZTIHPDB.js";
import "./chunks/chunk-GBCEOSPT.js";
import "./chunks/chunk-2H32LMKA.js";
import "./chunks/chunk-56GLMHBG.js";

// actions/ingest/main.ts
await actionEntry(async () => {
  const beamline = parseBeamlineId(getInput("beamline", { required: true }), "beamline");
  const filePaths = parsePathList(getInput("file-paths", { required: true }), "file-paths");
  const config = getInput("config", { fallback: "config.yml" });
  const { runIngestAction } = await import("./chunks/run-YB37DTC6.js");
  await runIngestAction({ config, beamline, filePaths });
});
