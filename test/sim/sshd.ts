/**
 * An SSH server on 127.0.0.1 for tests, served in-process by `ssh2` so that `npm test` needs no sshd, no
 * root and no system package: CI and a fresh machine run the same server. The client stays the real
 * OpenSSH `ssh` that src/hpss/host.ts spawns, so a test is OpenSSH speaking real SSH to a real server.
 *
 * What it does is what OpenSSH's sshd does for the hpss step's logins (a NERSC data transfer node):
 * - a host key of its own (ed25519); the client checks it against the known_hosts file written here, so an
 *   unknown host key is refused by the client exactly as with sshd;
 * - public-key authentication only, for one user (the one running the tests) against one authorized key:
 *   any other key, any other user, any other method is refused ("Permission denied (publickey)");
 * - an exec request runs `bash -c <command>` in the user's home folder, in a new session, with sshd's
 *   fresh login environment (not the test process's), stdin/stdout/stderr piped, and ends with the
 *   command's exit status, or the signal that killed it (RFC 4254 §6.10), as sshd reports them;
 * - nothing else is served: env requests are refused (sshd without AcceptEnv), and so are shells, ttys,
 *   subsystems (sftp) and forwarding, which the hpss step never asks for (`ssh … 'bash -s'` from a pipe).
 *
 * The server lives on the test's own event loop: start ssh (or the CLI that runs it) with the async
 * `spawn`, never `spawnSync`/`execFileSync`, or the login waits forever for a server that cannot answer.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';

export interface Sshd {
  readonly port: number;
  readonly user: string;
  /** The client's private key (ed25519, no passphrase). */
  readonly keyPath: string;
  /** A known_hosts file holding the server's host key for [127.0.0.1]:port. */
  readonly knownHosts: string;
  stop(): Promise<void>;
}

/** sshd's PATH for a login (Debian's build: root gets the sbin folders). */
const loginPath = (uid: number): string =>
  uid === 0 ? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' : '/usr/local/bin:/usr/bin:/bin:/usr/games';

/** The public key blob of an OpenSSH `.pub` file. */
function publicKey(file: string): ssh2.ParsedKey {
  const key = ssh2.utils.parseKey(readFileSync(file));
  if (key instanceof Error) throw key;
  return key;
}

export async function startSshd(dir: string): Promise<Sshd> {
  const keygen = (file: string): void => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { stdio: 'ignore' });
  };
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'client_key'));
  const authorized = publicKey(join(dir, 'client_key.pub'));
  const me = userInfo();

  const children = new Set<ChildProcess>();
  const connections = new Set<ssh2.Connection>();
  const server = new ssh2.Server({ hostKeys: [readFileSync(join(dir, 'host_key'))], ident: 'OpenSSH_9.2p1 splash-test' }, (client, info) => {
    connections.add(client);
    client.on('close', () => connections.delete(client));
    client.on('error', () => undefined); // a client that hangs up mid-handshake (the unknown-host-key test) is normal

    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || ctx.username !== me.username) {
        ctx.reject(['publickey']);
        return;
      }
      const sameKey = ctx.key.algo === authorized.type && ctx.key.data.equals(authorized.getPublicSSH());
      // Without a signature the client only asks whether this key would do; with one, it must verify.
      const { signature, blob } = ctx;
      if (!sameKey || (signature !== undefined && (blob === undefined || !authorized.verify(blob, signature, ctx.hashAlgo)))) {
        ctx.reject(['publickey']);
        return;
      }
      ctx.accept();
    });

    client.on('session', (acceptSession) => {
      const session = acceptSession();
      session.once('exec', (accept, _reject, { command }) => {
        const channel = accept();
        const child = spawn('bash', ['-c', command], {
          cwd: me.homedir,
          detached: true, // sshd starts each session's command in a new session (setsid)
          stdio: ['pipe', 'pipe', 'pipe'],
          env: {
            USER: me.username,
            LOGNAME: me.username,
            HOME: me.homedir,
            SHELL: '/bin/bash',
            PATH: loginPath(me.uid),
            MAIL: `/var/mail/${me.username}`,
            SSH_CLIENT: `${info.ip} ${String(info.port)} ${String(port)}`,
            SSH_CONNECTION: `${info.ip} ${String(info.port)} 127.0.0.1 ${String(port)}`,
          },
        });
        children.add(child);
        channel.pipe(child.stdin); // the client's EOF closes the command's stdin
        child.stdin.on('error', () => undefined); // a command that exits without reading all of stdin
        child.stdout.pipe(channel, { end: false });
        child.stderr.pipe(channel.stderr, { end: false });
        channel.on('close', () => {
          // The client went away: the command's pipes close, as they do when sshd drops a session.
          child.stdin.destroy();
          child.stdout.destroy();
          child.stderr.destroy();
        });
        child.on('error', (error) => {
          children.delete(child);
          channel.stderr.write(`bash: ${error.message}\n`);
          channel.exit(127);
          channel.end();
        });
        child.on('close', (code, signal) => {
          children.delete(child);
          channel.unpipe(child.stdin);
          if (!channel.writable) return;
          // All output is handed to the channel before the exit status and the close that ends it.
          channel.stderr.end(() => {
            const finish = (): void => {
              if (signal !== null) {
                try {
                  channel.exit(signal, false, '');
                } catch {
                  // Not one of RFC 4254's signal names: sshd then sends an OpenSSH extension name that ssh2
                  // cannot; the client treats both alike (no exit status: ssh exits 255).
                }
              } else channel.exit(code ?? 255);
              channel.end();
            };
            if (channel.writableLength === 0) finish();
            else channel.once('drain', finish);
          });
        });
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${String(port)} ${readFileSync(join(dir, 'host_key.pub'), 'utf8')}`);

  return {
    port,
    user: me.username,
    keyPath: join(dir, 'client_key'),
    knownHosts,
    stop: () =>
      new Promise((resolve) => {
        // Stop listening first, so the port refuses connections from here on.
        server.close(() => {
          resolve();
        });
        for (const child of children) {
          if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
            try {
              process.kill(-child.pid, 'SIGKILL'); // the session's process group: only what this server started
            } catch {
              // already gone
            }
          }
        }
        for (const client of connections) client.end();
      }),
  };
}
