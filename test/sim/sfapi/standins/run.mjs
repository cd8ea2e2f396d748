#!/usr/bin/env node
// Entry of the SFAPI simulator's stand-ins (the wrappers in ../bin and ../image, and programs placed with
// sim.installProgram, call it): run.mjs <tool> <the tool's own arguments…>
import { Exit } from './common.mjs';
import { podmanHpc, shifter, srun } from './containers.mjs';
import { PROGRAMS, python } from './programs.mjs';

const [tool, ...args] = process.argv.slice(2);
const tools = { srun, 'podman-hpc': podmanHpc, shifter, python, python3: python, ...PROGRAMS };
const fn = tools[tool];

if (!fn) {
  process.stderr.write(`sfapi-sim: unknown stand-in ${tool}\n`);
  process.exitCode = 127;
} else {
  try {
    process.exitCode = await fn(args, tool);
  } catch (e) {
    if (!(e instanceof Exit)) throw e;
    process.exitCode = e.code;
  }
}
