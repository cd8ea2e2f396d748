#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  PROJECTIONS_PATH,
  downsample,
  stretch,
  thumbnailFromDataExchange
} from "./chunk-X6V6M5FP.js";
import "./chunk-PPB26NPS.js";
import "./chunk-UWJMCAUU.js";
import "./chunk-4VXUNQHW.js";
import "./chunk-ZFJJYYNF.js";
import "./chunk-CJW4YZWO.js";
export {
  PROJECTIONS_PATH,
  downsample,
  stretch,
  thumbnailFromDataExchange
};
