import { parseNow, runPrune } from '../../beamlines/commands.js';
import { createGithubContext } from '../../src/run/github.js';
import { runStep } from '../../src/run/step.js';

export async function runPruneAction(args: { config: string; beamline: string; dryRun: boolean; now: string }): Promise<void> {
  const now = parseNow(args.now, 'now');
  await runStep(createGithubContext(), args.dryRun ? 'Prune (dry run)' : 'Prune', (ctx) => runPrune(ctx, { ...args, now }));
}
