import { type ReconArgs, runRecon } from '../../beamlines/commands.js';
import { createGithubContext } from '../../src/run/github.js';
import { runStep } from '../../src/run/step.js';

export async function runReconAction(args: ReconArgs): Promise<void> {
  await runStep(createGithubContext(), 'Recon', (ctx) => runRecon(ctx, args));
}
