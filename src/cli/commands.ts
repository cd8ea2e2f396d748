import { parseNow, runDispatch, runMove, runPrune } from '../../beamlines/commands.js';
import { usageError } from '../errors.js';
import { createTerminalContext } from '../run/terminal.js';
import { runStep } from '../run/step.js';
import { parseCommandArgs as parseArgs } from './args.js';
import { checkConfig } from './config-check.js';
import { runDemo } from './demo.js';

const common = {
  config: { type: 'string', short: 'c', default: 'config.yml' },
  verbose: { type: 'boolean', short: 'v', default: false },
} as const;

/** Runs one command; returns the exit code (errors propagate to main, which maps them to 1 or 2). */
export async function runCommand(command: string, argv: string[]): Promise<number> {
  switch (command) {
    case 'run': {
      const { values, positionals } = parseArgs('run', argv, { ...common, 'export-control': { type: 'boolean', default: false } });
      const [beamline, ...paths] = positionals;
      if (beamline === undefined) throw usageError('run: which beamline?', 'usage: splash run <beamline> <path…>');
      const ctx = createTerminalContext({ verbose: values.verbose });
      await runStep(ctx, `Dispatch ${beamline}`, (c) =>
        runDispatch(c, { config: values.config, beamline, filePaths: paths, exportControlled: values['export-control'] }),
      );
      return 0;
    }
    case 'move': {
      const { values, positionals } = parseArgs('move', argv, {
        ...common,
        beamline: { type: 'string', short: 'b' },
        'file-paths': { type: 'string' },
        'export-control': { type: 'boolean', default: false },
        'is-export-control': { type: 'boolean', default: false },
      });
      if (!values.beamline) throw usageError('move: --beamline is required', 'e.g. splash move --beamline 8.3.2 /global/raw/p1/scan.h5');
      const fromOption = values['file-paths'];
      if (fromOption !== undefined && positionals.length > 0) throw usageError('move: give paths either as arguments or with --file-paths, not both');
      const ctx = createTerminalContext({ verbose: values.verbose });
      await runStep(ctx, 'Move', (c) =>
        runMove(c, {
          config: values.config,
          beamline: values.beamline ?? '',
          filePaths: fromOption ?? positionals,
          exportControlled: values['export-control'] || values['is-export-control'],
        }),
      );
      return 0;
    }
    case 'prune': {
      const { values, positionals } = parseArgs('prune', argv, {
        ...common,
        beamline: { type: 'string', short: 'b', default: '' },
        'dry-run': { type: 'boolean', short: 'n', default: false },
        now: { type: 'string', default: '' },
      });
      if (positionals.length > 0) throw usageError(`prune: unexpected argument ${JSON.stringify(positionals[0])}`, 'see: splash prune --help');
      const now = parseNow(values.now, '--now');
      const ctx = createTerminalContext({ verbose: values.verbose });
      await runStep(ctx, 'Prune', (c) => runPrune(c, { config: values.config, beamline: values.beamline, dryRun: values['dry-run'], now }));
      return 0;
    }
    case 'config': {
      const { values, positionals } = parseArgs('config', argv, common);
      if (positionals[0] !== 'check' || positionals.length > 1) throw usageError('config: expected "config check"', 'see: splash config --help');
      return checkConfig(values.config, process.stdout);
    }
    case 'demo': {
      const { values } = parseArgs('demo', argv, { dir: { type: 'string' }, clean: { type: 'boolean', default: false }, verbose: common.verbose });
      return runDemo({ dir: values.dir, clean: values.clean, verbose: values.verbose });
    }
    default:
      throw usageError(`unknown command ${JSON.stringify(command)}`, 'see: splash --help');
  }
}
