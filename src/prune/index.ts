import { describeEndpoint, type TransferEndpoint } from '../endpoints.js';
import type { PruneRule } from '../config/index.js';
import { configError, SplashError } from '../errors.js';
import type { StepContext } from '../run/context.js';
import type { Services } from '../services.js';
import { checkSeparateFilesystems, pruneFilesystem } from './filesystem.js';
import { checkGlobusPruneRoots, pruneGlobus } from './globus.js';
import type { PruneReport } from './report.js';
import { checkHpssPrune, pruneHpss } from './hpss.js';
import type { SplashConfig } from '../config/index.js';

export type { PruneReport, PrunedFile, UnsafeFile } from './report.js';

export interface PruneOptions {
  readonly afterDays: number;
  readonly now: Date;
  readonly dryRun: boolean;
  readonly ctx: StepContext;
  readonly services: Services;
  /** For messages and locks: "prune of spot832 (beamline 8.3.2)". */
  readonly rule: string;
}

export interface Prune {
  /** Everything that can be known before a deletion (roots reachable, separate storage); throws config errors. */
  readonly check: (services: Services) => Promise<void>;
  readonly run: (opts: PruneOptions) => Promise<PruneReport>;
}

/** The prune controller for an endpoint checked against another, chosen by their kinds; throws "not configured". */
export function pruneFor(endpoint: TransferEndpoint, check: TransferEndpoint, verify: PruneRule['verify'], where?: { readonly beamline: string; readonly config: SplashConfig }): Prune {
  // config.yml's validation (config/prune-rules.ts) refuses these with their place in the file; rules built
  // in code (the legacy layout's) meet the same refusal here.
  const refuse = (expected: string) => configError(`prune of ${endpoint.name}: verify: ${verify} is not available for ${endpoint.type} endpoints (expected ${expected})`, 'see docs/config.md, prune rules');
  // Tape (src/prune/hpss.ts): whole archives, checked against copies on a folder the HPSS host sees.
  if (endpoint.type === 'hpss' && check.type !== 'hpss' && where !== undefined) {
    if (verify === 'checksum') throw refuse('size, the default, or hash');
    const checked = check;
    return {
      check: async () => {
        checkHpssPrune(endpoint, checked, verify);
        await Promise.resolve();
      },
      run: (opts) => pruneHpss(endpoint, checked, verify, where, opts),
    };
  }
  if (endpoint.type === 'filesystem' && check.type === 'filesystem') {
    if (verify === 'size') throw refuse('checksum, the default, or hash');
    return { check: async () => { await checkSeparateFilesystems(endpoint, check); }, run: (opts) => pruneFilesystem(endpoint, check, { ...opts, verify }) };
  }
  if (endpoint.type === 'globus' && check.type === 'globus') {
    if (verify !== 'size') throw refuse('size, the default');
    return {
      check: (services) => checkGlobusPruneRoots(endpoint, check, () => services.globus()),
      run: async (opts) => pruneGlobus(endpoint, check, { ...opts, client: await opts.services.globus(), settings: opts.services.globusSettings }),
    };
  }
  throw new SplashError(
    'not-configured',
    `no prune controller for ${describeEndpoint(endpoint)} checked against ${describeEndpoint(check)}: this build prunes filesystem and Globus endpoints each checked against one of its kind, and HPSS checked against a filesystem or Globus endpoint`,
    'an hpss endpoint is pruned against a folder the HPSS host sees (a filesystem or Globus endpoint); other pairs are not built: remove this rule or point it at an endpoint of the same kind',
  );
}
