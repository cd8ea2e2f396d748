/** The config API: load and validate config.yml, and resolve `${VAR}` credentials when a step needs them. */
export { loadConfig, parseConfig } from './load.js';
export { MissingEnv, resolveEnv, type EnvString } from './env.js';
export { defaultVerify, pruneRuleProblems, pruneRulesError, pruneRulesOf, type PruneRuleRef } from './prune-rules.js';
export type { AlcfJobSettings, ArchiveSettings, HpcName, BeamlineSettings, NerscJobSettings, ReconSettings, SfapiSettings, GitHubApp, GitHubSettings, GlobusApp, GlobusSettings, MoveHop, PruneRule, SplashConfig, WatchSettings } from './types.js';
