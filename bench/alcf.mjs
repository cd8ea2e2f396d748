// Globus Compute requests per ALCF reconstruction (vs polling every 10 s, as the original waited on its
// future) and the time the step adds to the program's own, against the Globus Compute simulator.
import { runTypeScriptBench } from './ts-runner.mjs';

await runTypeScriptBench('alcf.ts');
