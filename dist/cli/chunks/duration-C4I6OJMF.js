#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  formatDuration,
  parseDuration
} from "./chunk-CKQM3LGX.js";
import "./chunk-4VXUNQHW.js";
import "./chunk-ZFJJYYNF.js";
import "./chunk-CJW4YZWO.js";
export {
  formatDuration,
  parseDuration
};
