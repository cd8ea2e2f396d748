// The prune action's entry: read and check the inputs, then load the step (a separate chunk).
import { actionEntry, getInput, parseBeamlineId, parseBoolean } from '../../src/run/inputs.js';

await actionEntry(async () => {
  const raw = getInput('beamline');
  const beamline = raw === '' ? '' : parseBeamlineId(raw, 'beamline');
  const config = getInput('config', { fallback: 'config.yml' });
  const dryRun = parseBoolean(getInput('dry-run'), 'dry-run', false);
  const now = getInput('now');
  const { runPruneAction } = await import('./run.js');
  await runPruneAction({ config, beamline, dryRun, now });
});
