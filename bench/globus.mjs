// Bundles bench/globus.ts (it uses the TypeScript simulator and client) and runs it.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const dir = mkdtempSync(join(tmpdir(), 'splash-bench-build-'));
try {
  const out = join(dir, 'globus.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./globus.ts', import.meta.url))], outfile: out, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning',
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  const r = spawnSync(process.execPath, [out], { stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
