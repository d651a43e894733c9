// A private sshd on 127.0.0.1 that lives as long as we need it: random free port, its own temp dir,
// generated host and client keys, a pinned known_hosts, LogLevel ERROR. Nothing here reads or writes
// the user's ~/.ssh. The test suite's fixture and the CLI's `demo` both run this same code.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { TestSshdError } from './test-sshd-error';
import { sshConfigPath, sshConfigQuoted } from '../core/ssh-path';

/**
 * The account logged in as when we run as root, so that remote commands run as a normal user would
 * (`NET_OPENSSH_TEST_USER` changes it).
 */
export const THROWAWAY_USER = process.env.NET_OPENSSH_TEST_USER ?? 'netossh';

/** The Debian package that provides sshd. */
export const SSHD_PACKAGE = 'openssh-server';

/** Options of {@link startThrowawaySshd}. */
export interface ThrowawaySshdOptions {
  /** sshd MaxSessions (sessions per connection). @default 10 */
  maxSessions?: number;
  /** Extra sshd_config lines (sshd keeps the first value of a keyword: these cannot override ours). */
  extraConfig?: string[];
  /** Also listen on ::1. @default true */
  ipv6?: boolean;
  /** Extra accounts allowed to log in with the client key (AllowUsers). */
  users?: string[];
  /**
   * Accept passwords (PasswordAuthentication and KbdInteractiveAuthentication yes) on this sshd only.
   * @default false
   */
  passwordAuth?: boolean;
  /**
   * The account to log in as. As root: any existing account (or one created, with `createUser`). As anyone else:
   * only oneself (an unprivileged sshd cannot switch users). @default as root {@link THROWAWAY_USER} (created if
   * missing), else the current user
   */
  user?: string;
  /** As root: create `user` (`useradd -m -s /bin/sh`) when it does not exist. @default false */
  createUser?: boolean;
  /** The sshd binary. @default `NET_OPENSSH_SSHD`, else the first of /usr/sbin/sshd, /usr/local/sbin/sshd, /sbin/sshd
   */
  sshdPath?: string;
}

/** Constructor options that point an `OpenSSH` at a throwaway sshd (its config, key and control directory). */
export interface ThrowawayConnectOptions {
  ctlDir: string;
  masterOpts: string[];
  defaultSshOpts: string[];
  batchMode: boolean;
  timeout: number;
}

/**
 * Waits (25 ms steps, at most `tries`) until the server `proc` started accepts connections on `port`: true then, with
 * the process and its stderr pipe unref'd (a running server must not keep Node alive; it is stopped at exit at the
 * latest); false when it exited or never listened.
 */
export const untilListening = async (proc: ChildProcess, port: number, tries: number): Promise<boolean> => {
  let exited = false;
  proc.once('exit', () => (exited = true));
  for (let i = 0; i < tries && !exited; i++) {
    if (await canConnect(port)) {
      proc.unref();
      (proc.stderr as unknown as { unref?: () => void } | null)?.unref?.();
      return true;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
};

/** The options that point an `OpenSSH` at a server through its own client config and ctlDir, plus `extra`. */
export const connectOptions = <T extends object>(
  ctlDir: string,
  configPath: string,
  extra?: T,
): T & ThrowawayConnectOptions =>
  ({
    ctlDir,
    masterOpts: ['-F', configPath],
    defaultSshOpts: ['-F', configPath],
    batchMode: true,
    timeout: 20,
    ...(extra ?? ({} as T)),
  }) as T & ThrowawayConnectOptions;

/** A running throwaway sshd and what a client needs to reach it. */
export interface ThrowawaySshd {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: string;
  /** The temp dir holding everything (removed by `destroy()`, or at process exit). */
  readonly dir: string;
  /** Client private key (no passphrase). */
  readonly keyPath: string;
  /** ssh_config for every client we start: pinned known_hosts, our key, nothing from ~/.ssh. */
  readonly configPath: string;
  readonly knownHostsPath: string;
  /** A 0700 directory for control sockets. */
  readonly ctlDir: string;
  /** `user@127.0.0.1:port` */
  readonly destination: string;
  /** Constructor options that make OpenSSH use this sshd's config, key and ctlDir. */
  options<T extends object>(extra?: T): T & ThrowawayConnectOptions;
  /** The sshd process id. */
  readonly pid: number | undefined;
  /** Stops sshd (the temp dir stays, for `restart()`). */
  stop(): Promise<void>;
  /** Starts sshd again on the same port, keys and config (after stop()). */
  restart(): Promise<void>;
  /** Stops sshd and removes its temp dir now (instead of at process exit). */
  destroy(): Promise<void>;
}

const SSHD_CANDIDATES = ['/usr/sbin/sshd', '/usr/local/sbin/sshd', '/sbin/sshd'];

// Where sshd lives: NET_OPENSSH_SSHD when set (a path that may not exist: then "missing"), else the usual places.
/** The sshd binary, or undefined when it is not installed. */
export const findSshd = (): string | undefined => {
  const given = process.env.NET_OPENSSH_SSHD;
  if (given) return existsSync(given) ? given : undefined;
  return SSHD_CANDIDATES.find((p) => existsSync(p));
};

// What to clean up when the process exits: one 'exit' listener for every throwaway sshd of the process
// (a listener each went past Node's 10-listener warning in a suite that starts many).
const cleanups = new Set<() => void>();
/** Cleanups run when the process exits (one 'exit' listener for all); the test fixtures of other servers use it too. */
export const atExit = {
  add(fn: () => void): void {
    if (cleanups.size === 0) process.once('exit', runCleanups);
    cleanups.add(fn);
  },
  delete(fn: () => void): void {
    cleanups.delete(fn);
    if (cleanups.size === 0) process.off('exit', runCleanups);
  },
};
function runCleanups(): void {
  for (const fn of cleanups) fn();
}

// A port that was free a moment ago: sshd's own, or (left unused) a port whose connections are refused.
/** A TCP port on 127.0.0.1 that nothing listens on now. */
export const freeLoopbackPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });

/** Whether something accepts TCP connections on 127.0.0.1:`port` now. */
export const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

const accountExists = (user: string): boolean => {
  try {
    execFileSync('id', [user], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

// An account sshd can log into with a key: created (as root) when missing. A locked account ('!' in shadow) is
// refused by sshd without PAM even for keys, so an account we create gets a non-locking field.
const createAccount = (user: string): void => {
  execFileSync('useradd', ['-m', '-s', '/bin/sh', user], { stdio: 'inherit' });
  execFileSync('usermod', ['-p', '*', user], { stdio: 'ignore' });
};

// As root we log in as a non-root account (created here if missing): see THROWAWAY_USER.
/** Makes sure the non-root login account exists (as root only); returns the user to log in as. */
export const ensureLoginUser = (): string => {
  if (process.getuid?.() !== 0) return userInfo().username;
  if (!accountExists(THROWAWAY_USER)) createAccount(THROWAWAY_USER);
  // an account an earlier run created without it, or one made by hand (CI's useradd) is locked: unlock it
  execFileSync('usermod', ['-p', '*', THROWAWAY_USER], { stdio: 'ignore' });
  return THROWAWAY_USER;
};

// A user name sshd_config's AllowUsers can carry as one word (and `id` / `useradd` accept).
const USER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*\$?$/;

// Who logs in: `user` when given, else ensureLoginUser()'s choice. Only root can serve another account.
const loginUser = (o: ThrowawaySshdOptions): string => {
  if (o.user === undefined) return ensureLoginUser();
  if (!USER_NAME.test(o.user))
    throw new TestSshdError('TEST_SSHD_INVALID_ARGUMENT', `throwaway sshd: ${JSON.stringify(o.user)} is no user name`);
  const me = userInfo().username;
  if (process.getuid?.() !== 0) {
    if (o.user === me) return me;
    throw new TestSshdError(
      'TEST_SSHD_INVALID_ARGUMENT',
      `throwaway sshd: cannot log in as ${o.user}: running as ${me} (not root), sshd can only log in as ${me}. ` +
        `Leave \`user\` out, or run as root to log in as another account`,
    );
  }
  if (accountExists(o.user)) return o.user;
  if (!o.createUser)
    throw new TestSshdError(
      'TEST_SSHD_INVALID_ARGUMENT',
      `throwaway sshd: the account ${o.user} does not exist: create it (useradd -m ${o.user}) or pass createUser: true`,
    );
  createAccount(o.user);
  return o.user;
};

// sshd, from the option or the usual places; a missing one is an error that names the package to install.
const sshdBinary = (o: ThrowawaySshdOptions): string => {
  const sshd = o.sshdPath ?? findSshd();
  if (sshd !== undefined && existsSync(sshd)) return sshd;
  throw new TestSshdError(
    'TEST_SSHD_NOT_INSTALLED',
    `throwaway sshd: sshd is not installed${sshd ? ` at ${sshd}` : ''}: install the Debian package ${SSHD_PACKAGE} ` +
      `(apt-get install -y ${SSHD_PACKAGE}; only its binary is used, no service needs to run)`,
  );
};

// A key pair: ssh-keygen comes with the ssh client (Debian package openssh-client).

/** Writes an ed25519 key pair without passphrase to `path` and `path.pub` (ssh-keygen). */
export const keygen = (path: string, comment: string) => {
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], { stdio: 'ignore' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    throw new TestSshdError(
      'TEST_SSHD_NOT_INSTALLED',
      'throwaway sshd: ssh-keygen is not installed: install the Debian package openssh-client',
      { cause: e },
    );
  }
};

const sshdConfigLines = (
  o: ThrowawaySshdOptions,
  c: { port: number; hostKey: string; dir: string; authorizedKeys: string; user: string },
): string[] => [
  `Port ${c.port}`,
  'ListenAddress 127.0.0.1',
  ...(o.ipv6 === false ? [] : ['ListenAddress ::1']),
  `HostKey ${sshConfigQuoted(c.hostKey)}`,
  `PidFile ${sshConfigQuoted(join(c.dir, 'sshd.pid'))}`,
  `AuthorizedKeysFile ${sshConfigPath(c.authorizedKeys)}`,
  'StrictModes no',
  'UsePAM no',
  `PasswordAuthentication ${o.passwordAuth ? 'yes' : 'no'}`,
  `KbdInteractiveAuthentication ${o.passwordAuth ? 'yes' : 'no'}`,
  'PubkeyAuthentication yes',
  'LogLevel ERROR',
  `AllowUsers ${[c.user, ...(o.users ?? [])].join(' ')}`,
  `MaxSessions ${o.maxSessions ?? 10}`,
  'MaxStartups 300:30:400',
  'AcceptEnv LANG LC_* NET_OPENSSH_*',
  'AllowTcpForwarding yes',
  'AllowStreamLocalForwarding yes',
  'PrintMotd no',
  'Subsystem sftp internal-sftp',
  ...(o.extraConfig ?? []),
  '',
];

/** The ssh_config of every client of a throwaway server: its pinned known_hosts, its key, nothing from ~/.ssh. */
export const clientConfigLines = (knownHostsPath: string, keyPath: string): string[] => [
  'Host *',
  `  UserKnownHostsFile ${sshConfigPath(knownHostsPath)}`,
  '  GlobalKnownHostsFile /dev/null',
  '  StrictHostKeyChecking yes',
  '  UpdateHostKeys no',
  `  IdentityFile ${sshConfigPath(keyPath)}`,
  '  IdentitiesOnly yes',
  '  IdentityAgent none',
  '  LogLevel ERROR',
  '',
];

/**
 * Starts a private sshd on 127.0.0.1 (and ::1) on a free port, with its own keys and configs in a fresh
 * temp dir. Throws a TestSshdError when sshd is not installed (check {@link findSshd} first), an option cannot be
 * honoured, or sshd does not start.
 * sshd is stopped and the dir removed by `destroy()`, or when the process exits.
 *
 * ## Example
 *
 * ```ts
 * const sshd = await startThrowawaySshd();
 * const ssh = new OpenSSH(sshd.destination, sshd.options());
 * console.log(await ssh.capture('id'));
 * await ssh.disconnect();
 * await sshd.destroy();
 * ```
 */
export const startThrowawaySshd = async (opts: ThrowawaySshdOptions = {}): Promise<ThrowawaySshd> => {
  const { maxSessions } = opts;
  if (maxSessions !== undefined && !(Number.isInteger(maxSessions) && maxSessions > 0))
    throw new TestSshdError(
      'TEST_SSHD_INVALID_ARGUMENT',
      `throwaway sshd: maxSessions must be a positive integer, got ${String(maxSessions)}`,
    );
  const sshd = sshdBinary(opts);
  const user = loginUser(opts);
  const dir = mkdtempSync(join(tmpdir(), 'net-openssh-sshd-'));
  chmodSync(dir, 0o755); // the login account must read authorized_keys
  const ctlDir = join(dir, 'ctl');
  mkdirSync(ctlDir, { mode: 0o700 });
  const hostKey = join(dir, 'host_ed25519');
  const keyPath = join(dir, 'id_ed25519');
  try {
    keygen(hostKey, 'net-openssh-test-host');
    keygen(keyPath, 'net-openssh-test-client');
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const authorizedKeys = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, readFileSync(`${keyPath}.pub`), { mode: 0o644 });
  if (!existsSync('/run/sshd') && process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  const port = await freeLoopbackPort();
  const knownHostsPath = join(dir, 'known_hosts');
  const hostPub = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  // pinned for both loopback addresses (and "localhost" on the same port)
  writeFileSync(knownHostsPath, `[127.0.0.1]:${port},[::1]:${port},[localhost]:${port} ${hostPub}\n`, { mode: 0o644 });
  const sshdConfig = join(dir, 'sshd_config');
  writeFileSync(sshdConfig, sshdConfigLines(opts, { port, hostKey, dir, authorizedKeys, user }).join('\n'));
  const configPath = join(dir, 'ssh_config');
  writeFileSync(configPath, clientConfigLines(knownHostsPath, keyPath).join('\n'));

  let child: ChildProcess | undefined;
  const launch = async () => {
    const proc = spawn(sshd, ['-D', '-e', '-f', sshdConfig], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    if (await untilListening(proc, port, 200)) return;
    throw new TestSshdError(
      'TEST_SSHD_START_FAILED',
      `throwaway sshd did not start on port ${port}: ${stderr.trim() || 'no output'}`,
    );
  };
  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise((r) => proc.once('exit', r));
    proc.ref(); // keep the loop alive until the exit is seen
    proc.kill('SIGTERM');
    await gone;
  };
  const cleanup = () => {
    if (child && child.exitCode === null) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  atExit.add(cleanup);
  try {
    await launch();
  } catch (e) {
    await stop();
    atExit.delete(cleanup);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }

  return {
    host: '127.0.0.1',
    port,
    user,
    dir,
    keyPath,
    configPath,
    knownHostsPath,
    ctlDir,
    destination: `${user}@127.0.0.1:${port}`,
    get pid() {
      return child?.pid;
    },
    options: <T extends object>(extra?: T) => connectOptions(ctlDir, configPath, extra),
    stop,
    restart: launch,
    async destroy() {
      await stop();
      atExit.delete(cleanup);
      rmSync(dir, { recursive: true, force: true });
    },
  } satisfies ThrowawaySshd;
};
