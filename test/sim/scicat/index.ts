/** SciCat v3 backend simulator for tests (see server.ts for the behaviour and its documented choices). */
export { DEFAULT_USERS, startScicatSim } from './server.js';
export type { Fault, ScicatSim, ScicatSimOptions, SimRequest } from './server.js';
