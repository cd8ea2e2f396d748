// The `splash` command: the terminal front door to the same steps the GitHub actions run.
import { exitCodeFor, usageError } from '../errors.js';
import { reportFailure, underRunner } from '../run/failure.js';
import { HELP, MAIN_HELP, VERSION } from './help.js';


async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    const topic = command === 'help' ? rest[0] : undefined;
    process.stdout.write(`${(topic && HELP[topic]) ?? MAIN_HELP}\n`);
    return 0;
  }
  if (command === '-V' || command === '--version') {
    process.stdout.write(`splash ${VERSION}\n`);
    return 0;
  }
  if (!(command in HELP)) {
    throw usageError(`unknown command ${JSON.stringify(command)}`, 'see: splash --help');
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${HELP[command] ?? MAIN_HELP}\n`);
    return 0;
  }
  const { runCommand } = await import('./commands.js');
  return runCommand(command, rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // The one report of the failure: masked, once — an annotation in a workflow step, a line + hint in a terminal.
    reportFailure(err, underRunner() ? 'runner' : 'terminal');
    process.exitCode = exitCodeFor(err);
  },
);
