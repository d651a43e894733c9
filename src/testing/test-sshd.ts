// `startTestSshd()`: the throwaway sshd (the one the suite and `net-openssh demo` use) as a testing kit for
// users, the way testcontainers is used: a real OpenSSH server of your own for a test run, no fakes.
import { startThrowawaySshd } from './throwaway-sshd';

/** Options of {@link startTestSshd}. */
export interface TestSshdOptions {
  /**
   * The account to log in as. As a normal user, sshd runs unprivileged and can only log in as you: any other name is
   * refused (`TEST_SSHD_INVALID_ARGUMENT`). As root, any existing account (remote commands then run as that
   * account, with its login shell); with `createUser`, a missing one is created.
   * @default as a normal user, you; as root, `netossh` (or `NET_OPENSSH_TEST_USER`), a non-root account with
   * `/bin/sh` created if missing, so that remote commands run as they would for a normal user (`user: 'root'` logs
   * in as root)
   */
  user?: string;
  /**
   * As root: create `user` (`useradd -m -s /bin/sh`, with a password field that does not lock it) when it does not
   * exist. The account stays after the run. @default false
   */
  createUser?: boolean;
  /** sshd's `MaxSessions`: how many commands one connection may run at once. @default 10 */
  maxSessions?: number;
  /**
   * More sshd_config lines, e.g. `['ClientAliveInterval 5']`. sshd keeps the first value of a keyword, and these
   * come after the settings the test sshd needs (port, keys, `AllowUsers`...), which they cannot change.
   */
  sshdConfig?: readonly string[];
  /** Also listen on `::1` (the client options connect to `127.0.0.1` either way). @default true */
  ipv6?: boolean;
  /**
   * The sshd binary.
   * @default `NET_OPENSSH_SSHD` when set, else the first of /usr/sbin/sshd, /usr/local/sbin/sshd, /sbin/sshd
   */
  sshdPath?: string;
  /** The `timeout` (seconds) in {@link TestSshd.options}. @default 20 */
  timeout?: number;
}

/**
 * What `new OpenSSH(server.host, server.options)` needs to reach a test sshd; an `OpenSSHOptions`, to spread your
 * own options into.
 */
export interface TestSshdConnectOptions {
  /** The account sshd logs you in as. */
  user: string;
  /** sshd's port on 127.0.0.1. */
  port: number;
  /** A 0700 directory for control sockets, inside the server's temp dir. */
  ctlDir: string;
  /** `['-F', configPath]`: the server's client config (its key and pinned host key, nothing from ~/.ssh). */
  masterOpts: string[];
  /** `['-F', configPath]`, for every ssh, scp, rsync or sftp started over the connection. */
  defaultSshOpts: string[];
  /** `true`: never prompt. */
  batchMode: boolean;
  /** Seconds (see `OpenSSHOptions.timeout`). */
  timeout: number;
}

/**
 * A running test sshd: where it listens, the options that connect to it, and `stop()`. It is also an
 * `AsyncDisposable`: `await using server = await startTestSshd()` stops it at the end of the scope.
 */
export interface TestSshd {
  /** Always `127.0.0.1`: the server listens on loopback only. */
  readonly host: '127.0.0.1';
  /** A port that was free when the server started. */
  readonly port: number;
  /** The account it logs in as (see {@link TestSshdOptions.user}). */
  readonly user: string;
  /** `user@127.0.0.1:port`, for tools that take one string. */
  readonly destination: string;
  /** Options for `new OpenSSH(server.host, server.options)` (a fresh object on each read). */
  readonly options: TestSshdConnectOptions;
  /**
   * The client ssh_config: pinned known_hosts, the client key, nothing from ~/.ssh (`ssh -F configPath -p port
   * user@127.0.0.1` from a shell).
   */
  readonly configPath: string;
  /** The client private key (ed25519, no passphrase). */
  readonly keyPath: string;
  /** The known_hosts file that pins the server's host key. */
  readonly knownHostsPath: string;
  /** The temp dir that holds the keys, the configs and `ctlDir` (removed by `stop()`). */
  readonly dir: string;
  /** The sshd process id; undefined once stopped. */
  readonly pid: number | undefined;
  /**
   * Stops sshd and removes its temp dir. Connections already logged in keep their own sshd process until they
   * disconnect: disconnect them first (with `await using`, declare the server before them: scopes dispose in
   * reverse order). Calling it again does nothing.
   */
  stop(): Promise<void>;
  /** The same as {@link TestSshd.stop}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts a private OpenSSH server on 127.0.0.1 for tests: a free port, fresh host and client keys and configs in a
 * temp dir, nothing read from or written to `~/.ssh`, no service and no system config touched. sshd runs as this
 * process's user: as a normal user it logs in as you; as root, as a non-root account (created if missing) or the
 * one you name (see {@link TestSshdOptions.user}).
 * It is stopped by `stop()` (or `await using`), and at the latest when the process exits; a running server does
 * not keep Node alive.
 *
 * Needs the `sshd` binary (Debian package `openssh-server`; no service needs to run) and `ssh-keygen`
 * (`openssh-client`). Rejects with a {@link TestSshdError}: `TEST_SSHD_NOT_INSTALLED` names the package to install.
 *
 * ## Example
 *
 * ```ts
 * import { OpenSSH } from 'net-openssh';
 * import { startTestSshd } from 'net-openssh/testing';
 *
 * await using server = await startTestSshd();
 * await using ssh = await OpenSSH.create(server.host, server.options);
 * console.log(await ssh.capture('id', '-un')); // server.user
 * ```
 *
 * @param options See {@link TestSshdOptions}.
 */
export const startTestSshd = async (options: TestSshdOptions = {}): Promise<TestSshd> => {
  const { user, createUser, maxSessions, sshdConfig, ipv6, sshdPath, timeout = 20 } = options;
  const sshd = await startThrowawaySshd({
    user,
    createUser,
    maxSessions,
    extraConfig: sshdConfig === undefined ? undefined : [...sshdConfig],
    ipv6,
    sshdPath,
  });
  const stop = () => sshd.destroy();
  return {
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    destination: sshd.destination,
    get options(): TestSshdConnectOptions {
      return { user: sshd.user, port: sshd.port, ...sshd.options({ timeout }) };
    },
    configPath: sshd.configPath,
    keyPath: sshd.keyPath,
    knownHostsPath: sshd.knownHostsPath,
    dir: sshd.dir,
    get pid() {
      return sshd.pid;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
};
