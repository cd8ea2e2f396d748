// Start-up of the bundled move action to its first input error, vs bare `node -e 0`.
// Target ≤ 1.5x. The action's entry checks its inputs before loading the step chunk.
import { fileURLToPath } from 'node:url';
import { median, report, timeOnce } from './lib.mjs';

const action = fileURLToPath(new URL('../dist/move/index.js', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 30);
const env = { PATH: process.env.PATH };
const ours = [];
const base = [];
for (let i = 0; i < 3; i++) { timeOnce(process.execPath, ['-e', '0']); timeOnce(process.execPath, [action], { env, expectCode: 1 }); }
for (let i = 0; i < runs; i++) {
  base.push(timeOnce(process.execPath, ['-e', '0'], { env }));
  ours.push(timeOnce(process.execPath, [action], { env, expectCode: 1 }));
}
report(`start-up to first input error (median of ${runs})`, median(ours), median(base), 'node -e 0', 1.5);
