import { type IngestArgs, runIngest } from '../../beamlines/commands.js';
import { createGithubContext } from '../../src/run/github.js';
import { runStep } from '../../src/run/step.js';

export async function runIngestAction(args: IngestArgs): Promise<void> {
  await runStep(createGithubContext(), 'Ingest', (ctx) => runIngest(ctx, args));
}
