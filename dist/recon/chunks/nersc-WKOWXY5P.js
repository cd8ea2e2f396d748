import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  NerscController,
  connectSfapi,
  nerscPreflight,
  sfapiSettingsOf
} from "./chunk-EF2E74AJ.js";
import "./chunk-PDQ2NNZ5.js";
import "./chunk-2H6PGHHP.js";
import "./chunk-GBCEOSPT.js";
import "./chunk-FLOWBJLU.js";
import "./chunk-4CQ7Q5XG.js";
import "./chunk-YGNSDW3E.js";
import "./chunk-YQKDHTZH.js";
import "./chunk-GVRVAWF6.js";
import "./chunk-2H32LMKA.js";
import "./chunk-56GLMHBG.js";
export {
  NerscController,
  connectSfapi,
  nerscPreflight,
  sfapiSettingsOf
};
