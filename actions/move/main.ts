// The move action's entry: read and check the inputs, then load the step (bundled as a separate chunk,
// so a missing input fails before the YAML/zod/@actions/core code is even parsed).
import { actionEntry, getInput, parseBeamlineId, parseBoolean, parsePathList } from '../../src/run/inputs.js';

await actionEntry(async () => {
  const beamline = parseBeamlineId(getInput('beamline', { required: true }), 'beamline');
  const filePaths = parsePathList(getInput('file-paths', { required: true }), 'file-paths');
  const config = getInput('config', { fallback: 'config.yml' });
  const exportControlled = parseBoolean(getInput('is-export-control'), 'is-export-control', false);
  const { runMoveAction } = await import('./run.js');
  await runMoveAction({ config, beamline, filePaths, exportControlled });
});
