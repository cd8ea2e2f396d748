#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  LS_LIMIT,
  listFolder,
  lookupByFolder,
  requireRoot,
  transferWithGlobus,
  waitForTask,
  walkCollection
} from "./chunk-VBIHU65M.js";
import "./chunk-RMV2CBK6.js";
import "./chunk-URVJ265Q.js";
import "./chunk-FORFTEBF.js";
import "./chunk-UMPJOE7R.js";
import "./chunk-UOHAREYA.js";
import "./chunk-CJW4YZWO.js";
export {
  LS_LIMIT,
  listFolder,
  lookupByFolder,
  requireRoot,
  transferWithGlobus,
  waitForTask,
  walkCollection
};
