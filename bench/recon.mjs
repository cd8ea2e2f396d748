// SFAPI requests per 30-minute reconstruction (vs the original's fixed 10 s polling) and the overhead from
// dispatch to sbatch accepted (vs a bare node process making the same calls), against the SFAPI simulator.
import { runTypeScriptBench } from './ts-runner.mjs';

await runTypeScriptBench('recon.ts');
