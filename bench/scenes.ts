// The bench's servers and the clients on each: one private sshd per scene, one master per client group, every
// ssh -S based client (the floor, Perl) riding on that group's master, ssh2 on a connection of its own.
import type { OpenSSH } from '../src/index';
import { shellQuote } from '../src/quoting/index';
import { startSshd, type SshdFixture } from '../test/fixtures/sshd';
import type { BenchClient } from './clients/client';
import { netOpenSSHClient, netOpenSSHLentClient } from './clients/net-openssh';
import { perlAvailable, perlClient } from './clients/perl';
import { sshCliClient } from './clients/ssh-cli';
import { loadSsh2, ssh2Client } from './clients/ssh2';
import { loggedMaster } from './masters';

/** The name of the floor's row in every table. */
export const FLOOR = 'ssh -S (bash)';

/** The clients over one master, and the ciphers their connections negotiated. */
export interface ClientGroup {
  ssh: OpenSSH;
  clients: BenchClient[];
  /** `master` (the ControlMaster's, which the floor and Perl share) and `ssh2`. */
  ciphers: Record<string, string>;
}

/** Starts a private sshd (undefined, after saying why, when there is none). */
export const startServer = async (opts: { user?: string; maxSessions?: number }): Promise<SshdFixture | undefined> => {
  const f = await startSshd(opts);
  if (!f) console.error('bench: sshd is needed (Debian package openssh-server)');
  return f;
};

const ssh2Lib = await loadSsh2();
const hasPerl = perlAvailable();

/** Why a client is missing from every table, printed once. */
export const missingClients = (): string[] => [
  ...(hasPerl ? [] : ['Perl Net::OpenSSH not installed: apt-get install libnet-openssh-perl']),
  ...(ssh2Lib ? [] : ['ssh2 not installed: npm install ssh2']),
];

/**
 * The floor, net-openssh (mux, mux onStdout, spawn), Perl and ssh2 against `f` as `user`, over a master of their
 * own named `name`; `cipher` forces one cipher on the master and on ssh2.
 */
export const clientGroup = async (
  f: SshdFixture,
  user: string,
  name: string,
  opts: { cipher?: string; maxSessions?: number } = {},
): Promise<ClientGroup> => {
  const masterOpts = opts.cipher ? ['-o', `Ciphers=${opts.cipher}`] : [];
  const { maxSessions } = opts;
  const { ssh, cipher } = await loggedMaster(f, user, name, { masterOpts, ...(maxSessions ? { maxSessions } : {}) });
  const ctlPath = ssh.getCtlPath()!;
  const master = () => ssh.masterPid;
  const sshArgv = shellQuote('ssh', '-F', f.configPath, '-S', ctlPath, '-l', user, '-p', String(f.port), '--', f.host);
  const clients: BenchClient[] = [
    sshCliClient(sshArgv, master),
    netOpenSSHClient(ssh, 'mux'),
    netOpenSSHLentClient(ssh, 'mux'),
    netOpenSSHClient(ssh, 'spawn'),
  ];
  if (hasPerl)
    clients.push(perlClient({ ctlPath, host: f.host, port: f.port, user, configPath: f.configPath, master }));
  const ciphers: Record<string, string> = { master: cipher };
  if (ssh2Lib) {
    const hostKeyPub = `${f.dir}/host_ed25519.pub`;
    const ciphers2 = opts.cipher ? [opts.cipher] : undefined;
    const target = { host: f.host, port: f.port, user, keyPath: f.keyPath, hostKeyPub };
    const s2 = await ssh2Client(ssh2Lib, { ...target, ...(ciphers2 ? { ciphers: ciphers2 } : {}) });
    clients.push(s2);
    ciphers.ssh2 = s2.cipher;
  }
  return { ssh, clients, ciphers };
};

/** Ends a group's clients and its master. */
export const closeGroup = async (g: ClientGroup): Promise<void> => {
  for (const c of g.clients) await c.close();
  await g.ssh.disconnect();
};
