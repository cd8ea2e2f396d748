// Runs every benchmark; each prints its ratio against a baseline measured in the same run.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const only = process.argv.slice(2);
for (const name of ['startup', 'prune', 'copy', 'small-files', 'globus', 'watch', 'hdf5', 'hpss', 'hpss-restore', 'recon', 'alcf', 'status']) {
  if (only.length > 0 && !only.includes(name)) continue;
  const r = spawnSync(process.execPath, [fileURLToPath(new URL(`./${name}.mjs`, import.meta.url))], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
