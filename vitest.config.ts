import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Installs shellcheck when missing (as root): the generated Slurm scripts are linted in the tests.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests spawn bundles and copy files; two cores, so keep the pool small.
    maxWorkers: 2,
  },
});
