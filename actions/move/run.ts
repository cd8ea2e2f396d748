import { type MoveArgs, runMove } from '../../beamlines/commands.js';
import { createGithubContext } from '../../src/run/github.js';
import { runStep } from '../../src/run/step.js';

export async function runMoveAction(args: MoveArgs): Promise<void> {
  await runStep(createGithubContext(), 'Move', (ctx) => runMove(ctx, args));
}
