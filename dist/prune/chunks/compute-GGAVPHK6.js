import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);
import {
  COMPATIBLE_SDK_VERSION,
  COMPUTE_SCOPE,
  ComputeClient,
  ComputeFormatError,
  JSON_DATA_HEADER,
  JSON_DATA_SERIALIZER,
  PRODUCTION_COMPUTE_URL,
  SOURCE_TEXT_IDENTIFIER,
  SlidingWindowLimiter,
  codePointLength,
  decodeResult,
  jsonData,
  packBuffers,
  sourceFunctionCode,
  taskPayload
} from "./chunk-DZDIGPBK.js";
import "./chunk-CBVBAAPG.js";
import "./chunk-YQKDHTZH.js";
import "./chunk-GVRVAWF6.js";
import "./chunk-2H32LMKA.js";
import "./chunk-56GLMHBG.js";
export {
  COMPATIBLE_SDK_VERSION,
  COMPUTE_SCOPE,
  ComputeClient,
  ComputeFormatError,
  JSON_DATA_HEADER,
  JSON_DATA_SERIALIZER,
  PRODUCTION_COMPUTE_URL,
  SOURCE_TEXT_IDENTIFIER,
  SlidingWindowLimiter,
  codePointLength,
  decodeResult,
  jsonData,
  packBuffers,
  sourceFunctionCode,
  taskPayload
};
