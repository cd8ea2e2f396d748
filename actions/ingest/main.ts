// The ingest action's entry: read and check the inputs, then load the step (a separate chunk).
import { actionEntry, getInput, parseBeamlineId, parsePathList } from '../../src/run/inputs.js';

await actionEntry(async () => {
  const beamline = parseBeamlineId(getInput('beamline', { required: true }), 'beamline');
  const filePaths = parsePathList(getInput('file-paths', { required: true }), 'file-paths');
  const config = getInput('config', { fallback: 'config.yml' });
  const { runIngestAction } = await import('./run.js');
  await runIngestAction({ config, beamline, filePaths });
});
