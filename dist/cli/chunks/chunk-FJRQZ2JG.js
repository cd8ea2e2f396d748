#!/usr/bin/env node
import { createRequire as __splashCreateRequire } from 'node:module';
import { fileURLToPath as __splashFileURLToPath } from 'node:url';
import { dirname as __splashDirname } from 'node:path';
const require = __splashCreateRequire(import.meta.url);
const __filename = __splashFileURLToPath(import.meta.url);
const __dirname = __splashDirname(__filename);

// src/endpoints.ts
function describeEndpoint(e) {
  switch (e.type) {
    case "filesystem":
      return `${e.name} (filesystem ${e.root_path})`;
    case "globus":
      return `${e.name} (globus ${e.uuid}:${e.root_path})`;
    case "hpss":
      return `${e.name} (hpss ${e.root_path})`;
  }
}

export {
  describeEndpoint
};
