import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Python sources shipped to Globus Compute (beamlines/*/alcf/*.py) are imported as text, as esbuild's
  // `.py: text` loader bundles them (scripts/bundle.mjs).
  plugins: [{ name: 'python-source-as-text', transform: (code, id) => (id.endsWith('.py') ? { code: `export default ${JSON.stringify(code)};`, map: null } : undefined) }],
  test: {
    include: ['test/**/*.test.ts'],
    // Installs shellcheck when missing (as root): the generated Slurm scripts are linted in the tests.
    globalSetup: ['test/global-setup.ts'],
    // A bound on a hung test, not a speed assertion: the integration tests run real processes, servers and
    // rate-limited clients side by side on two cores, where a 15 s test can take 35 s.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // Tests spawn bundles and copy files; two cores, so keep the pool small.
    maxWorkers: 2,
  },
});
