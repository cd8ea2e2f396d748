// The generated documentation pages: the config.yml reference (from the zod schema) and one page per
// beamline (from config.yml, beamlines/ and a hand-written part). `node scripts/docs-gen.mjs` writes them;
// `--check` fails (exit 1) when a committed page differs from a fresh generation, as CI runs it.
// The generator is TypeScript (scripts/docs/): bundled with esbuild under node_modules/.cache (so the
// dependencies left outside the bundle resolve from the repository's node_modules) and run.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cache = fileURLToPath(new URL('../node_modules/.cache', import.meta.url));
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(join(cache, 'splash-docs-gen-'));
try {
  const out = join(dir, 'generate.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./docs/main.ts', import.meta.url))],
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    // typescript (to read the schema's comments) stays a dependency loaded at run time.
    external: ['typescript'],
    // The ALCF wrapper's Python source is imported as text, as in scripts/bundle.mjs.
    loader: { '.py': 'text' },
    banner: { js: "import { createRequire as __splashCreateRequire } from 'node:module'; const require = __splashCreateRequire(import.meta.url);" },
  });
  const r = spawnSync(process.execPath, [out, ...process.argv.slice(2)], { stdio: 'inherit', cwd: fileURLToPath(new URL('..', import.meta.url)) });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
