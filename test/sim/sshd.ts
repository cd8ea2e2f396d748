/**
 * A real OpenSSH sshd on 127.0.0.1 for tests (TOOLCHAIN.md): its own host key, config, authorized key and
 * pid file in a temp folder, stopped when the test file ends. What the hpss step needs from a NERSC data
 * transfer node is exactly this: a login that runs `bash -s` with the tools on disk.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers.js';

export const SSHD = '/usr/sbin/sshd';

export interface Sshd {
  readonly port: number;
  readonly user: string;
  /** The client's private key (ed25519, no passphrase). */
  readonly keyPath: string;
  /** A known_hosts file holding the server's host key for [127.0.0.1]:port. */
  readonly knownHosts: string;
  stop(): Promise<void>;
}

export async function startSshd(dir: string): Promise<Sshd> {
  const keygen = (file: string): void => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { stdio: 'ignore' });
  };
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'client_key'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  mkdirSync('/run/sshd', { recursive: true }); // sshd started as root insists on it
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${String(port)}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'UsePAM no',
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'Subsystem sftp internal-sftp',
      'LogLevel INFO',
      '',
    ].join('\n'),
  );
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${String(port)} ${readFileSync(join(dir, 'host_key.pub'), 'utf8')}`);

  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => {
      reject(new Error(`sshd did not start: ${log}`));
    }, 10_000);
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('Server listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited (${String(code)}): ${log}`));
    });
  });
  child.stderr?.resume();
  return {
    port,
    user: userInfo().username,
    keyPath: join(dir, 'client_key'),
    knownHosts,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => {
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

export const sshdAvailable = (): boolean => existsSync(SSHD);
