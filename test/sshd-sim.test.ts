// The SSH server the hpss tests log in to (test/sim/sshd.ts), checked with the real OpenSSH client and the
// options src/hpss/host.ts uses: it must do what sshd does for those logins and refuse what sshd refuses.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';
import { type Sshd, startSshd } from './sim/sshd.js';

let sshd: Sshd;
beforeAll(async () => {
  sshd = await startSshd(await tempDir('splash-sshd-sim-'));
});
afterAll(async () => {
  await (sshd as Sshd | undefined)?.stop();
});

interface Login {
  key?: string;
  user?: string;
  knownHosts?: string;
  port?: number;
  input?: string | Buffer;
  /** ssh -v: the client logs the channel requests it receives (exit-status, exit-signal). */
  verbose?: boolean;
  extra?: string[];
}

/** ssh as src/hpss/host.ts runs it (asynchronously: the server lives in this process). */
function ssh(command: string, o: Login = {}): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  const args = [
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'IdentitiesOnly=yes',
    '-o', 'ConnectTimeout=10',
    '-o', `UserKnownHostsFile=${o.knownHosts ?? sshd.knownHosts}`,
    '-F', '/dev/null', // no ~/.ssh/config or system defaults (SendEnv and the like) of the machine
    '-i', o.key ?? sshd.keyPath,
    '-p', String(o.port ?? sshd.port),
    '-l', o.user ?? sshd.user,
    ...(o.verbose ? ['-v'] : []),
    ...(o.extra ?? []),
    '--', '127.0.0.1', command,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout: Buffer.concat(out), stderr: err });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(o.input ?? '');
  });
}

describe('the test SSH server: exec as sshd runs it', () => {
  it('runs the command with bash -c in the home folder; stdout, stderr and the exit status come back apart', async () => {
    const r = await ssh('[[ -n $BASH_VERSION ]] && pwd; echo to-stderr >&2; exit 7', { verbose: true });
    expect(r.stdout.toString()).toBe(`${userInfo().homedir}\n`);
    expect(r.stderr).toContain('to-stderr\n');
    expect(r.stderr).toMatch(/rtype exit-status/);
    expect(r.code).toBe(7);
  });

  it('pipes stdin to the command until the client’s EOF, 8 MiB both ways unchanged', async () => {
    const data = randomBytes(8 * 1024 * 1024);
    const r = await ssh('cat', { input: data });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(createHash('sha256').update(r.stdout).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    const script = await ssh('bash -s', { input: 'read -r a\na line for read\necho "got $a"; exit 3\n' });
    expect([script.code, script.stdout.toString()]).toEqual([3, 'got a line for read\n']);
  });

  it('reports a command killed by a signal as exit-signal, which ssh turns into 255', async () => {
    const r = await ssh('kill -TERM $$', { verbose: true });
    expect(r.stderr).toMatch(/rtype exit-signal/);
    expect(r.code).toBe(255);
  });

  it('gives the login environment of sshd, not the test process’s', async () => {
    process.env.SPLASH_SSHD_SIM_LEAK = 'leaked';
    try {
      const r = await ssh('env');
      const env = Object.fromEntries(
        r.stdout
          .toString()
          .split('\n')
          .filter((l) => l.includes('='))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      expect(env.SPLASH_SSHD_SIM_LEAK).toBeUndefined();
      expect(env.USER).toBe(userInfo().username);
      expect(env.HOME).toBe(userInfo().homedir);
      expect(env.SSH_CONNECTION).toMatch(new RegExp(`^127\\.0\\.0\\.1 \\d+ 127\\.0\\.0\\.1 ${String(sshd.port)}$`));
    } finally {
      delete process.env.SPLASH_SSHD_SIM_LEAK;
    }
  });

  it('serves sessions side by side', async () => {
    const runs = await Promise.all([1, 2, 3, 4].map((i) => ssh(`sleep 0.3; echo ${String(i)}`)));
    expect(runs.map((r) => [r.code, r.stdout.toString()])).toEqual([1, 2, 3, 4].map((i) => [0, `${String(i)}\n`]));
  });
});

describe('the test SSH server refuses what sshd refuses', () => {
  it('a key that is not the authorized key', async () => {
    const other = join(await tempDir('splash-sshd-key-'), 'key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other], { stdio: 'ignore' });
    const r = await ssh('echo in', { key: other });
    expect(r.stderr).toMatch(/Permission denied \(publickey\)/);
    expect([r.code, r.stdout.toString()]).toEqual([255, '']);
  });

  it('a user other than the one it serves, even with the authorized key', async () => {
    const r = await ssh('echo in', { user: userInfo().username === 'nobody' ? 'daemon' : 'nobody' });
    expect(r.stderr).toMatch(/Permission denied \(publickey\)/);
    expect([r.code, r.stdout.toString()]).toEqual([255, '']);
  });

  it('any login method but a public key', async () => {
    const r = await ssh('echo in', { extra: ['-o', 'PubkeyAuthentication=no'] });
    expect(r.stderr).toMatch(/Permission denied \(publickey\)/);
    expect(r.code).toBe(255);
  });

  it('a subsystem (sftp) and a forwarded port: nothing the hpss step uses is served beyond exec', async () => {
    const sftp = await ssh('sftp', { extra: ['-s'] });
    expect(sftp.stderr).toMatch(/subsystem request failed/);
    expect(sftp.code).toBe(255);
    const forward = await ssh('true', { extra: ['-o', 'ExitOnForwardFailure=yes', '-R', '0:127.0.0.1:9'] });
    expect(forward.stderr).toMatch(/remote port forwarding failed/i);
    expect(forward.code).toBe(255);
  });

  it('the client refuses it when known_hosts does not hold its host key', async () => {
    const empty = join(await tempDir('splash-sshd-kh-'), 'known_hosts');
    writeFileSync(empty, '');
    const r = await ssh('echo in', { knownHosts: empty });
    expect(r.stderr).toMatch(/Host key verification failed/);
    expect([r.code, r.stdout.toString()]).toEqual([255, '']);
  });

  it('after stop(), its port refuses connections and a running command is ended', async () => {
    const own = await startSshd(await tempDir('splash-sshd-stop-'));
    const dir = await tempDir('splash-sshd-stop-marker-');
    const running = ssh(`touch ${dir}/started; sleep 2; touch ${dir}/finished`, { port: own.port, knownHosts: own.knownHosts, key: own.keyPath });
    while (!existsSync(join(dir, 'started'))) await new Promise((r) => setTimeout(r, 50));
    await own.stop();
    expect((await running).code).toBe(255);
    const after = await ssh('echo in', { port: own.port, knownHosts: own.knownHosts, key: own.keyPath });
    expect(after.stderr).toMatch(/Connection refused/);
    expect(after.code).toBe(255);
    await new Promise((r) => setTimeout(r, 2500));
    expect(existsSync(join(dir, 'finished'))).toBe(false);
  });
});
