// The hpss action's entry: read and check the inputs, then load the step (a separate chunk).
import { actionEntry, getInput, parseBeamlineId, parseBoolean, parsePathList } from '../../src/run/inputs.js';
import { usageError } from '../../src/errors.js';

await actionEntry(async () => {
  const raw = getInput('beamline');
  const beamline = raw === '' ? '' : parseBeamlineId(raw, 'beamline');
  const proposals = getInput('proposals');
  const cycle = getInput('cycle', { fallback: 'last' });
  const dryRun = parseBoolean(getInput('dry-run'), 'dry-run', false);
  const config = getInput('config', { fallback: 'config.yml' });
  const now = getInput('now');
  const direction = getInput('direction', { fallback: 'to-tape' });
  if (direction !== 'to-tape' && direction !== 'from-tape') throw usageError(`direction: expected to-tape or from-tape, got ${JSON.stringify(direction)}`);
  const list = (name: string): string[] => {
    const v = getInput(name);
    return v.trim() === '' ? [] : parsePathList(v, name);
  };
  if (direction === 'from-tape') {
    const wanted = list('proposals');
    if (wanted.length !== 1) throw usageError(`proposals: a restore takes exactly one proposal, got ${String(wanted.length)}`);
    const { runHpssRestoreAction } = await import('./run.js');
    await runHpssRestoreAction({ config, beamline, proposal: wanted[0] ?? '', to: getInput('restore-to'), archives: list('restore-archives'), files: list('restore-files'), dryRun });
    return;
  }
  const { runHpssAction } = await import('./run.js');
  await runHpssAction({ config, beamline, proposals, cycle, dryRun, now });
});
