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
} from "./chunk-EKQD746R.js";
import "./chunk-ETLYTRTN.js";
import "./chunk-2H32LMKA.js";
import "./chunk-56GLMHBG.js";
export {
  PROJECTIONS_PATH,
  downsample,
  stretch,
  thumbnailFromDataExchange
};
