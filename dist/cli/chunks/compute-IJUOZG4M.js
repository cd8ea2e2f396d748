#!/usr/bin/env node
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
} from "./chunk-SJJOETN5.js";
import "./chunk-CM3S2AB6.js";
import "./chunk-BKXTPT6A.js";
import "./chunk-Z46AX643.js";
import "./chunk-YQAML7Q2.js";
import "./chunk-4VXUNQHW.js";
import "./chunk-ZFJJYYNF.js";
import "./chunk-CJW4YZWO.js";
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
