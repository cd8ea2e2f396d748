import { parseNow, runHpss, runHpssRestore, type HpssRestoreArgs } from '../../beamlines/commands.js';
import { createGithubContext } from '../../src/run/github.js';
import { runStep } from '../../src/run/step.js';

export async function runHpssAction(args: { config: string; beamline: string; proposals: string; cycle: string; dryRun: boolean; now: string }): Promise<void> {
  const now = parseNow(args.now, 'now');
  await runStep(createGithubContext(), args.dryRun ? 'HPSS archive (dry run)' : 'HPSS archive', (ctx) => runHpss(ctx, { ...args, now }));
}

export async function runHpssRestoreAction(args: HpssRestoreArgs): Promise<void> {
  await runStep(createGithubContext(), args.dryRun ? 'HPSS restore (dry run)' : 'HPSS restore', (ctx) => runHpssRestore(ctx, args));
}
