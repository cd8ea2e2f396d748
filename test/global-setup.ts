/**
 * Once per test run: make sure `shellcheck` is there for the tests that lint generated Slurm scripts
 * ("rendered scripts pass shellcheck"). No npm package ships a shellcheck binary in its tarball (the
 * `shellcheck` package downloads one at run time, which fails offline), so a fresh machine gets Debian's
 * package: installed with apt when missing and we are root (CI is). Elsewhere the tests that need it fail
 * with a message saying how to install it — never silently skipped.
 */
import { spawnSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of the shellcheck binary, or '' when it is missing (then `shellcheckProblem` says why). */
    shellcheck: string;
    shellcheckProblem: string;
  }
}

function which(cmd: string): string {
  const r = spawnSync('bash', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

function install(): string {
  const apt = (args: string[]): boolean =>
    spawnSync('apt-get', args, { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 300_000 }).status === 0;
  // The package lists may be missing on a fresh image: update once and try again.
  if (!apt(['install', '-y', '-qq', 'shellcheck'])) {
    apt(['update', '-qq']);
    apt(['install', '-y', '-qq', 'shellcheck']);
  }
  return which('shellcheck');
}

export default function setup(project: TestProject): void {
  let path = which('shellcheck');
  let problem = '';
  if (path === '') {
    if (typeof process.getuid === 'function' && process.getuid() === 0 && which('apt-get') !== '') path = install();
    if (path === '') {
      problem =
        'shellcheck is not installed and could not be installed here (the test set-up installs Debian\'s package with apt-get when run as root): ' +
        'install it with `apt-get install shellcheck` (or your system\'s package manager) and run the tests again';
    }
  }
  project.provide('shellcheck', path);
  project.provide('shellcheckProblem', problem);
}
