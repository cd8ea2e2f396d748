// Bundles a TypeScript bench (it may use the simulators and src/ directly) with esbuild and runs it.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export async function runTypeScriptBench(name) {
  const dir = mkdtempSync(join(tmpdir(), 'splash-bench-build-'));
  try {
    const out = join(dir, name.replace(/\.ts$/, '.mjs'));
    await build({
      entryPoints: [fileURLToPath(new URL(`./${name}`, import.meta.url))], outfile: out, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning',
      // h5wasm's Node build and the simulators stay external-free; CommonJS dependencies need require.
      banner: { js: "import { createRequire as __splashCreateRequire } from 'node:module'; const require = __splashCreateRequire(import.meta.url);" },
      // The ALCF wrapper's Python source is imported as text, as in scripts/bundle.mjs.
      loader: { '.py': 'text' },
    });
    const r = spawnSync(process.execPath, [out], { stdio: 'inherit' });
    process.exitCode = r.status ?? 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
