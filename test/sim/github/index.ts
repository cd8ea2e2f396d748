/** GitHub REST API simulator for tests and the watch bench (see server.ts). */
export { startGitHubSim } from './server.js';
export type { Fault, GitHubSim, GitHubSimOptions, RecordedDispatch, SimRequest } from './server.js';
