// The hpss action's entry: read and check the inputs, then load the step (a separate chunk).
import { actionEntry, getInput, parseBeamlineId, parseBoolean } from '../../src/run/inputs.js';

await actionEntry(async () => {
  const raw = getInput('beamline');
  const beamline = raw === '' ? '' : parseBeamlineId(raw, 'beamline');
  const proposals = getInput('proposals');
  const cycle = getInput('cycle', { fallback: 'last' });
  const dryRun = parseBoolean(getInput('dry-run'), 'dry-run', false);
  const config = getInput('config', { fallback: 'config.yml' });
  const now = getInput('now');
  const { runHpssAction } = await import('./run.js');
  await runHpssAction({ config, beamline, proposals, cycle, dryRun, now });
});
