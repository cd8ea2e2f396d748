// Bundle each action entry (and the CLI) into dist/<name>/ with esbuild. ESM output with code splitting,
// so an entry loads its heavy step code only after its inputs were checked. Output is deterministic:
// CI rebuilds and fails when the committed dist/ differs.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

const entries = {
  move: 'actions/move/main.ts',
  prune: 'actions/prune/main.ts',
  ingest: 'actions/ingest/main.ts',
  hpss: 'actions/hpss/main.ts',
  recon: 'actions/recon/main.ts',
  cli: 'src/cli/main.ts',
};

// CommonJS dependencies inside an ESM bundle need require/__filename/__dirname (TOOLCHAIN.md).
const banner = [
  "import { createRequire as __splashCreateRequire } from 'node:module';",
  "import { fileURLToPath as __splashFileURLToPath } from 'node:url';",
  "import { dirname as __splashDirname } from 'node:path';",
  'const require = __splashCreateRequire(import.meta.url);',
  'const __filename = __splashFileURLToPath(import.meta.url);',
  'const __dirname = __splashDirname(__filename);',
].join('\n');

const only = process.argv.slice(2);
for (const [name, entry] of Object.entries(entries)) {
  if (only.length > 0 && !only.includes(name)) continue;
  const outdir = `dist/${name}`;
  await rm(outdir, { recursive: true, force: true });
  await build({
    entryPoints: { index: entry },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    banner: { js: name === 'cli' ? `#!/usr/bin/env node\n${banner}` : banner },
    external: ['cpu-features', '*.node'],
    // The Python wrapper registered with Globus Compute travels in the bundle as its source text.
    loader: { '.py': 'text' },
    legalComments: 'none',
    logLevel: 'warning',
    charset: 'utf8',
  });
}
