// The status build (splash status) against the GitHub simulator: its time with no runs, with 3,000 dispatch
// runs (a cold build within the 200-request budget, and a warm one), against a baseline that makes the same
// API requests with bare fetch calls and no processing, measured in the same run.
import { runTypeScriptBench } from './ts-runner.mjs';

await runTypeScriptBench('status.ts');
