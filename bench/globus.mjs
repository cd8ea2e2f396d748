// API requests for moving 1,000 files over Globus: this design vs the original's per-file behaviour.
import { runTypeScriptBench } from './ts-runner.mjs';

await runTypeScriptBench('globus.ts');
