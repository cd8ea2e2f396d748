/** NERSC SFAPI v1.2 + token endpoint simulator for tests (see server.ts for the behaviour and its documented choices). */
export { API_PREFIX, BIN_DIR, DEFAULT_TIMINGS, STANDINS_DIR, TOKEN_PATH, startSfapiSim } from './server.js';
export type { ImageSpec, MachineStatus, ProgramBehaviour, ProgramName, SfapiSim, SfapiSimOptions, SimRequest } from './server.js';
export { ASSERTION_TYPE, generateClientKey } from './auth.js';
export type { ClientKey, ClientRegistration } from './auth.js';
export type { EndState, JobFault, JobSnap, JobState, Timings } from './jobs.js';
export { SACCT_KEYS, SQUEUE_KEYS } from './jobs.js';
export type { Fault } from '../globus/faults.js';
