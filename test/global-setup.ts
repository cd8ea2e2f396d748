/**
 * Once per test run: make sure the Debian tools the tests drive are there.
 *  - `shellcheck`, for the tests that lint generated Slurm scripts ("rendered scripts pass shellcheck"). No npm
 *    package ships a shellcheck binary in its tarball (the `shellcheck` package downloads one at run time,
 *    which fails offline).
 *  - `chromium`, the headless browser the site test (test/site-browser.test.ts) opens the built pages in,
 *    driven by playwright-core, which never downloads a browser of its own here.
 *  - the OpenSSH client (`ssh`, `ssh-keygen`): the hpss tests log in with it to the in-process SSH server
 *    (test/sim/sshd.ts), which makes its host keys with ssh-keygen.
 *  - `jq`, which the workflow tests' run: scripts (dispatch.yml) use as the runner does.
 * A fresh machine gets Debian's packages: installed with apt when missing and we are root (CI is). Elsewhere
 * the tests that need one fail with a message saying how to install it — never silently skipped.
 */
import { spawnSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of the shellcheck binary, or '' when it is missing (then `shellcheckProblem` says why). */
    shellcheck: string;
    shellcheckProblem: string;
    /** Path of the chromium binary, or '' when it is missing (then `chromiumProblem` says why). */
    chromium: string;
    chromiumProblem: string;
  }
}

function which(cmd: string): string {
  const r = spawnSync('bash', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

let updated = false;

function install(pkg: string, binary: string): string {
  const apt = (args: string[]): boolean =>
    spawnSync('apt-get', args, { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 }).status === 0;
  // The package lists may be missing or stale on a fresh image: update once and try again.
  if (!apt(['install', '-y', '-qq', '--no-install-recommends', pkg]) && !updated) {
    updated = true;
    apt(['update', '-qq']);
    apt(['install', '-y', '-qq', '--no-install-recommends', pkg]);
  }
  return which(binary);
}

/** The binary's path, installing Debian's package when missing and allowed; '' and a reason otherwise. */
function ensure(pkg: string, binary: string, usedBy: string): { path: string; problem: string } {
  let path = which(binary);
  if (path === '' && typeof process.getuid === 'function' && process.getuid() === 0 && which('apt-get') !== '') path = install(pkg, binary);
  if (path !== '') return { path, problem: '' };
  return {
    path,
    problem:
      `${binary} is not installed and could not be installed here (the test set-up installs Debian's package with apt-get when run as root; ${usedBy}): ` +
      `install it with \`apt-get install ${pkg}\` (or your system's package manager) and run the tests again`,
  };
}

export default function setup(project: TestProject): void {
  const shellcheck = ensure('shellcheck', 'shellcheck', 'the recon tests lint the generated Slurm scripts with it');
  project.provide('shellcheck', shellcheck.path);
  project.provide('shellcheckProblem', shellcheck.problem);
  const chromium = ensure('chromium', 'chromium', 'the site test opens the built pages in headless Chromium');
  project.provide('chromium', chromium.path);
  project.provide('chromiumProblem', chromium.problem);
  // Needed by many tests and present on most machines: a missing one is said once, up front.
  for (const [pkg, binary, usedBy] of [
    ['openssh-client', 'ssh', 'the hpss tests log in to the in-process SSH server with it'],
    ['openssh-client', 'ssh-keygen', 'the SSH server of the tests makes its host keys with it'],
    ['jq', 'jq', 'the workflow tests run dispatch.yml\'s scripts, which use it'],
  ] as const) {
    const { problem } = ensure(pkg, binary, usedBy);
    if (problem !== '') console.warn(`test set-up: ${problem}`);
  }
}
