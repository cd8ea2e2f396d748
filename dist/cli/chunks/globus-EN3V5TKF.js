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
} from "./chunk-E7X6DG2Z.js";
import "./chunk-D3JGPBA4.js";
import "./chunk-2EMMB7EI.js";
import "./chunk-3SCF2YMY.js";
import "./chunk-CM3S2AB6.js";
import "./chunk-BKXTPT6A.js";
import "./chunk-Z46AX643.js";
import "./chunk-YQAML7Q2.js";
import "./chunk-4VXUNQHW.js";
import "./chunk-ZFJJYYNF.js";
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
