/** Globus Compute simulator for tests (see server.ts for the behaviour and its documented choices). */
export { DEFAULT_TIMINGS, JSON_DATA, startComputeSim, unpackBuffers, WORKER } from './server.js';
export type { ComputeSim, ComputeSimOptions, Fault, FunctionSnap, SimRequest, TaskSnap, TaskStatus, Timings } from './server.js';
