/** The config API: load and validate config.yml, and resolve `${VAR}` credentials when a step needs them. */
export { loadConfig, parseConfig } from './load.js';
export { MissingEnv, resolveEnv, type EnvString } from './env.js';
export type { BeamlineSettings, GlobusApp, GlobusSettings, MoveHop, PruneRule, SplashConfig } from './types.js';
