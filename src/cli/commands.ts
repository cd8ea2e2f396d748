import { parseNow, runDispatch, runHpss, runHpssList, runHpssRestore, runIngest, runMove, runPrune, runRecon, runRegisterFunction } from '../../beamlines/commands.js';
import { openBeamline } from '../../beamlines/index.js';
import { loadConfig } from '../config/index.js';
import { usageError } from '../errors.js';
import { redact } from '../secrets.js';
import { parseBeamlineId, parsePathList } from '../run/inputs.js';
import type { StepContext } from '../run/context.js';
import { createTerminalContext } from '../run/terminal.js';
import { underRunner } from '../run/failure.js';
import { runStep } from '../run/step.js';
import { parseCommandArgs as parseArgs } from './args.js';
import { checkConfig } from './config-check.js';
import { runDemo } from './demo.js';
import { VERSION } from './help.js';

const common = {
  config: { type: 'string', short: 'c', default: 'config.yml' },
  verbose: { type: 'boolean', short: 'v', default: false },
} as const;

/** Config and beamline for the GitHub-side commands (dispatch, watch, reconcile): exit 2 when either is wrong. */
async function configAndBeamline(configFile: string, id: string) {
  const beamlineId = parseBeamlineId(id, 'beamline');
  const config = await loadConfig(configFile);
  return { config, beamline: openBeamline(config, beamlineId).config };
}

const userAgent = `splash-flows/${VERSION}`;

/**
 * A workflow's `run:` step (reconcile.yml runs the CLI) gets the runner's rendering: groups, annotations and
 * the job summary staff read. Anywhere else, the terminal. @actions/core loads only in the first case.
 */
async function stepContext(verbose: boolean): Promise<StepContext> {
  if (underRunner()) {
    const { createGithubContext } = await import('../run/github.js');
    return createGithubContext();
  }
  return createTerminalContext({ verbose });
}

/** Runs one command; returns the exit code (errors propagate to main, which maps them to 1 or 2). */
export async function runCommand(command: string, argv: string[]): Promise<number> {
  switch (command) {
    case 'run': {
      const { values, positionals } = parseArgs('run', argv, { ...common, 'export-control': { type: 'boolean', default: false } });
      const [beamline, ...paths] = positionals;
      if (beamline === undefined) throw usageError('run: which beamline?', 'usage: splash run <beamline> <path…>');
      const ctx = await stepContext(values.verbose);
      await runStep(ctx, `Dispatch ${beamline}`, (c) =>
        runDispatch(c, { config: values.config, beamline, filePaths: paths, exportControlled: values['export-control'] }),
      );
      return 0;
    }
    case 'ingest': {
      const { values, positionals } = parseArgs('ingest', argv, { ...common, beamline: { type: 'string', short: 'b' }, 'file-paths': { type: 'string' } });
      if (!values.beamline) throw usageError('ingest: --beamline is required', 'e.g. splash ingest --beamline 8.3.2 /global/raw/p1/scan.h5');
      const fromOption = values['file-paths'];
      if (fromOption !== undefined && positionals.length > 0) throw usageError('ingest: give paths either as arguments or with --file-paths, not both');
      const ctx = await stepContext(values.verbose);
      await runStep(ctx, 'Ingest', (c) => runIngest(c, { config: values.config, beamline: values.beamline ?? '', filePaths: fromOption ?? positionals }));
      return 0;
    }
    case 'recon': {
      if (argv[0] === 'register-function') {
        const { values, positionals } = parseArgs('recon', argv.slice(1), { ...common, beamline: { type: 'string', short: 'b' } });
        if (!values.beamline) throw usageError('recon register-function: --beamline is required', 'e.g. splash recon register-function --beamline 8.3.2');
        if (positionals.length > 0) throw usageError(`recon register-function: unexpected argument ${JSON.stringify(positionals[0])}`);
        const ctx = await stepContext(values.verbose);
        await runStep(ctx, 'Register the ALCF wrapper', async (c) => {
          const r = await runRegisterFunction(c, { config: values.config, beamline: values.beamline ?? '' });
          // The id is the command's output: put it into beamlines.<id>.recon.alcf.function_id.
          process.stdout.write(`${r.functionId}\n`);
          return r;
        });
        return 0;
      }
      const { values, positionals } = parseArgs('recon', argv, {
        ...common,
        beamline: { type: 'string', short: 'b' },
        'file-paths': { type: 'string' },
        hpc: { type: 'string', default: '' },
        'recon-options': { type: 'string', default: '' },
        'export-control': { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', short: 'n', default: false },
      });
      if (!values.beamline) throw usageError('recon: --beamline is required', 'e.g. splash recon --beamline 8.3.2 --dry-run /raw/p1/scan.h5');
      const fromOption = values['file-paths'];
      if (fromOption !== undefined && positionals.length > 0) throw usageError('recon: give paths either as arguments or with --file-paths, not both');
      const ctx = await stepContext(values.verbose);
      const dryRun = values['dry-run'];
      await runStep(ctx, dryRun ? 'Recon (dry run)' : 'Recon', (c) =>
        runRecon(c, {
          config: values.config,
          beamline: values.beamline ?? '',
          filePaths: fromOption ?? positionals,
          hpc: values.hpc,
          reconOptions: values['recon-options'],
          exportControlled: values['export-control'],
          dryRun,
          // The scripts are the command's output: stdout, masked like every output.
          print: (text) => process.stdout.write(`${redact(text)}\n`),
        }),
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
      const ctx = await stepContext(values.verbose);
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
      const ctx = await stepContext(values.verbose);
      await runStep(ctx, 'Prune', (c) => runPrune(c, { config: values.config, beamline: values.beamline, dryRun: values['dry-run'], now }));
      return 0;
    }
    case 'hpss': {
      const { values, positionals } = parseArgs('hpss', argv, {
        ...common,
        beamline: { type: 'string', short: 'b', default: '' },
        cycle: { type: 'string', default: '' },
        'dry-run': { type: 'boolean', short: 'n', default: false },
        now: { type: 'string', default: '' },
        to: { type: 'string', default: '' },
        archive: { type: 'string', multiple: true, default: [] },
        file: { type: 'string', multiple: true, default: [] },
        json: { type: 'boolean', default: false },
      });
      const [sub, ...rest] = positionals;
      if (sub === 'restore' || sub === 'ls') {
        if (rest.length > 1) throw usageError(`hpss ${sub}: one proposal at a time, got ${String(rest.length)}`, 'see: splash hpss --help');
        const proposal = rest[0] ?? '';
        if (sub === 'ls') {
          if (values['dry-run'] || values.to !== '' || values.archive.length > 0 || values.file.length > 0) throw usageError('hpss ls: --dry-run, --to, --archive and --file go with restore');
          const ctx = await stepContext(values.verbose);
          await runStep(ctx, 'HPSS listing', (c) =>
            runHpssList(c, { config: values.config, beamline: values.beamline, proposal, json: values.json, print: (text) => process.stdout.write(`${redact(text)}\n`) }),
          );
          return 0;
        }
        if (values.json) throw usageError('hpss restore: --json goes with ls');
        const ctx = await stepContext(values.verbose);
        await runStep(ctx, values['dry-run'] ? 'HPSS restore (dry run)' : 'HPSS restore', (c) =>
          runHpssRestore(c, { config: values.config, beamline: values.beamline, proposal, to: values.to, archives: values.archive, files: values.file, dryRun: values['dry-run'] }),
        );
        return 0;
      }
      if (values.to !== '' || values.archive.length > 0 || values.file.length > 0 || values.json) throw usageError('hpss: --to, --archive, --file go with restore, --json with ls', 'see: splash hpss --help');
      const now = parseNow(values.now, '--now');
      const ctx = await stepContext(values.verbose);
      await runStep(ctx, 'HPSS archive', (c) =>
        runHpss(c, { config: values.config, beamline: values.beamline, proposals: positionals, cycle: values.cycle, now, dryRun: values['dry-run'] }),
      );
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
    case 'dispatch': {
      const { values, positionals } = parseArgs('dispatch', argv, {
        ...common,
        beamline: { type: 'string', short: 'b' },
        'file-paths': { type: 'string' },
        'export-control': { type: 'boolean', default: false },
      });
      if (!values.beamline) throw usageError('dispatch: --beamline is required', 'e.g. splash dispatch --beamline 8.3.2 /global/raw/p1/scan.h5');
      const fromOption = values['file-paths'];
      if (fromOption !== undefined && positionals.length > 0) throw usageError('dispatch: give paths either as arguments or with --file-paths, not both');
      const paths = fromOption !== undefined ? parsePathList(fromOption, 'file-paths') : positionals;
      if (paths.length === 0) throw usageError('dispatch: no paths given', 'usage: splash dispatch --beamline <id> <path…>');
      const beamlineId = values.beamline;
      const ctx = await stepContext(values.verbose);
      const { dispatchCommand } = await import('../watch/commands.js');
      await runStep(ctx, 'Dispatch', async (c) => {
        const { config, beamline } = await configAndBeamline(values.config, beamlineId);
        return dispatchCommand(c, { config, beamline, paths, exportControl: values['export-control'], userAgent });
      });
      return 0;
    }
    case 'watch': {
      const { values, positionals } = parseArgs('watch', argv, {
        ...common,
        beamline: { type: 'string', short: 'b' },
        spool: { type: 'string' },
        'send-as': { type: 'string' },
        'export-control': { type: 'boolean', default: false },
        once: { type: 'boolean', default: false },
        'retry-for': { type: 'string' },
        'ignore-existing': { type: 'boolean', default: false },
        status: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      });
      if (positionals.length > 1) throw usageError(`watch: one folder, got ${positionals.length}`, 'see: splash watch --help');
      const dir = positionals[0];
      const { watchCommand, watchStatus } = await import('../watch/commands.js');
      const { parseDuration } = await import('../watch/duration.js');
      if (values.status) return watchStatus({ dir, spool: values.spool, json: values.json }, process.stdout);
      if (values.json) throw usageError('watch: --json goes with --status');
      if (dir === undefined) throw usageError('watch: which folder?', 'usage: splash watch <folder> --beamline <id>');
      if (!values.beamline) throw usageError('watch: --beamline is required', 'e.g. splash watch /data/raw --beamline 8.3.2');
      if (values['retry-for'] !== undefined && !values.once) throw usageError('watch: --retry-for goes with --once (a running watcher never gives up)');
      const retryForMs = values['retry-for'] === undefined ? undefined : parseDuration(values['retry-for'], '--retry-for');
      const beamlineId = values.beamline;
      const ctx = createTerminalContext({ verbose: values.verbose });
      return runStep(ctx, 'Watch', async (c) => {
        const { config, beamline } = await configAndBeamline(values.config, beamlineId);
        return watchCommand(c, {
          config,
          beamline,
          dir,
          spool: values.spool,
          sendAs: values['send-as'],
          exportControl: values['export-control'],
          once: values.once,
          retryForMs,
          ignoreExisting: values['ignore-existing'],
          userAgent,
        });
      });
    }
    case 'reconcile': {
      const { values, positionals } = parseArgs('reconcile', argv, {
        ...common,
        beamline: { type: 'string', short: 'b' },
        'older-than': { type: 'string', default: '6h' },
        'dry-run': { type: 'boolean', short: 'n', default: false },
        'export-control': { type: 'boolean' },
        'not-export-controlled': { type: 'boolean' },
      });
      if (positionals.length > 0) throw usageError(`reconcile: unexpected argument ${JSON.stringify(positionals[0])}`, 'see: splash reconcile --help');
      if (!values.beamline) throw usageError('reconcile: --beamline is required', 'e.g. splash reconcile --beamline 8.3.2 --older-than 6h');
      if (values['export-control'] && values['not-export-controlled']) throw usageError('reconcile: --export-control and --not-export-controlled contradict each other');
      const exportControl = values['export-control'] ? true : values['not-export-controlled'] ? false : undefined;
      const { reconcileCommand } = await import('../watch/commands.js');
      const { parseDuration } = await import('../watch/duration.js');
      const olderThanMs = parseDuration(values['older-than'], '--older-than');
      const beamlineId = values.beamline;
      const ctx = await stepContext(values.verbose);
      await runStep(ctx, 'Reconcile', async (c) => {
        const { config, beamline } = await configAndBeamline(values.config, beamlineId);
        return reconcileCommand(c, { config, beamline, olderThanMs, dryRun: values['dry-run'], exportControl, now: new Date(), userAgent });
      });
      return 0;
    }
    case 'new-beamline': {
      const { values, positionals } = parseArgs('new-beamline', argv, {
        title: { type: 'string' },
        group: { type: 'string' },
        label: { type: 'string' },
        list: { type: 'boolean', default: false },
        endpoint: { type: 'string', multiple: true, default: [] },
        move: { type: 'string', multiple: true, default: [] },
        prune: { type: 'string', multiple: true, default: [] },
        root: { type: 'string', default: '.' },
        check: { type: 'boolean', default: false },
      });
      const { applyScaffold, planScaffold, scaffoldSpec } = await import('../scaffold/index.js');
      const spec = scaffoldSpec({ ids: positionals, title: values.title, group: values.group, label: values.label, list: values.list, endpoints: values.endpoint, moves: values.move, prunes: values.prune });
      const changes = await planScaffold(values.root, spec);
      const say = (line: string): void => { process.stdout.write(`${line}\n`); };
      if (values.check) {
        for (const c of changes) say(`would change ${c.file} (${c.what})`);
        if (changes.length > 0) throw usageError(`new-beamline --check: ${changes.length} file(s) differ from what the scaffold makes`, 'run it without --check to make them');
        say(`${positionals.join(', ')}: everything the scaffold makes is in place`);
        return 0;
      }
      await applyScaffold(values.root, changes, say);
      say(changes.length === 0 ? `${positionals.join(', ')}: already in place, nothing changed` : `next: review the changes, run splash config check and npm test, and open a pull request (docs/adding-a-beamline.md)`);
      return 0;
    }
    case 'status': {
      const { values, positionals } = parseArgs('status', argv, {
        ...common,
        out: { type: 'string', short: 'o', default: 'docs/status' },
        cache: { type: 'string', default: '.splash-status-cache' },
        days: { type: 'string', default: '28' },
        'max-requests': { type: 'string', default: '200' },
        reserve: { type: 'string', default: '100' },
        repository: { type: 'string' },
        'api-url': { type: 'string' },
      });
      if (positionals.length > 0) throw usageError(`status: unexpected argument ${JSON.stringify(positionals[0])}`, 'see: splash status --help');
      const ctx = await stepContext(values.verbose);
      const { statusCommand } = await import('./status.js');
      await runStep(ctx, 'Status pages', (c) =>
        statusCommand(c, {
          config: values.config,
          out: values.out,
          cache: values.cache,
          days: values.days,
          maxRequests: values['max-requests'],
          reserve: values.reserve,
          repository: values.repository,
          apiUrl: values['api-url'],
          userAgent,
        }),
      );
      return 0;
    }
    default:
      throw usageError(`unknown command ${JSON.stringify(command)}`, 'see: splash --help');
  }
}
