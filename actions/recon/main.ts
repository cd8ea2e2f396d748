// The recon action's entry: read and check the inputs, then load the step (a separate chunk).
import { actionEntry, getInput, parseBeamlineId, parseBoolean } from '../../src/run/inputs.js';

await actionEntry(async () => {
  const beamline = parseBeamlineId(getInput('beamline', { required: true }), 'beamline');
  const filePaths = getInput('file-paths', { required: true });
  const config = getInput('config', { fallback: 'config.yml' });
  const hpc = getInput('hpc');
  const reconOptions = getInput('recon-options');
  const exportControlled = parseBoolean(getInput('is-export-control'), 'is-export-control', false);
  const { runReconAction } = await import('./run.js');
  await runReconAction({ config, beamline, filePaths, hpc, reconOptions, exportControlled, dryRun: false });
});
