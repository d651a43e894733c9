// What the features (transfers, tunnels, sftp, fleet, zx) get from a connection: narrow interfaces, so that
// none of them imports the OpenSSH class. An OpenSSH satisfies every one of them structurally; each feature
// asks for the smallest one that covers what it uses.
import type { Observable } from 'rxjs';
import type {
  CaptureOptions,
  CommonCallOptions,
  OpenExOptions,
  StdinCallOptions,
  SystemOptions,
  TestOptions,
  TimeoutCallOptions,
} from './core/call-options';
import type { OpenSSHError } from './core/errors';
import type { MasterState } from './core/master-state';
import type { OpenSSHOptions, ToolCmds } from './core/options';
import type { CommandArg } from './core/remote-command';
import type { RemoteProcess } from './core/remote-process';
import type { SlaveCommand } from './core/slave-args';
import type { ExecEvent } from './observables/events';
import type { Arg } from './quoting/quoter';

export type { SlaveCommand };

/** Who the connection talks to. */
export interface ConnIdentity {
  /** The host, as given (without brackets). */
  getHost(): string;
  /** The remote user, if one was given. */
  getUser(): string | undefined;
  /** The port, if one was given. */
  getPort(): number | undefined;
  /** `user@host:port`, never with the password. */
  toString(): string;
}

/** The master connection, as a feature waits for it and explains failures with it. */
export interface ConnMaster {
  /** The master's state now. */
  readonly state: MasterState;
  /** The master's state as it changes (the current one first). */
  readonly state$: Observable<MasterState>;
  /** The connection's last error, if any. */
  readonly error: OpenSSHError | undefined;
  /** Resolves once the master runs; rejects with its error. */
  waitForMaster(): Promise<true>;
  /** The master's control socket, once known. */
  getCtlPath(): string | undefined;
}

/** Running things over the connection. */
export interface ConnCommands {
  /** Starts a command (or the subsystem, with `subsystem: true`) with full control of its streams. */
  openEx(options: OpenExOptions, ...cmd: CommandArg[]): Promise<RemoteProcess>;
  /** Runs a small command: true on exit 0. */
  test(options: TestOptions, ...cmd: CommandArg[]): Promise<boolean>;
  /** Runs a small command and resolves with its stdout. */
  capture(options: CaptureOptions, ...cmd: CommandArg[]): Promise<string>;
  /** Runs a command; rejects on a non-zero exit. */
  system(options: SystemOptions, ...cmd: CommandArg[]): Promise<true>;
  /** Quotes for the connection's remote shell. */
  shellQuote(...args: Arg[]): string;
  /** `text` with `%NAME%` variables expanded when expansion is on. */
  expandText(text: string): string;
}

/** What a local tool riding on the master needs (scp, rsync, sshfs, `ssh -O`, `ssh -W`). */
export interface ConnTools {
  /** The binary the connection runs for a tool (`sshCmd`, `scpCmd`, ...). */
  getCmd(tool: keyof ToolCmds | 'ssh'): string | undefined;
  /** The connection's default timeout in seconds (the constructor's `timeout`); undefined: none. */
  readonly timeout: number | undefined;
  /** Waits for the master and describes the slave ssh command; `sshOpts` replaces the default ssh options. */
  slaveCommand(sshOpts?: readonly string[]): Promise<SlaveCommand>;
}

/** Everything the features use; an `OpenSSH` is one. */
export interface Conn extends ConnIdentity, ConnMaster, ConnCommands, ConnTools {}

/** What scp, rsync and sshfs use. */
export type TransferConnection = Conn;

/** What tunnels and forwards use. */
export type TunnelConnection = ConnIdentity &
  ConnMaster &
  Pick<ConnCommands, 'test'> &
  Pick<ConnTools, 'timeout' | 'slaveCommand'>;

/** What `sftp(ssh)` uses of a connection (an `OpenSSH` is one): the subsystem is opened with openEx. */
export interface SftpConnection {
  /** The host, for messages. */
  getHost(): string;
  /** Starts the `sftp` subsystem with its streams as pipes. */
  openEx(options: OpenExOptions, ...cmd: CommandArg[]): Promise<RemoteProcess>;
  /** The connection's default timeout in seconds, the default of the client's request timeout. */
  readonly timeout: number | undefined;
}

/** What a fleet uses of each host's connection (an `OpenSSH` is one). */
export interface FleetConnection {
  /** The host, as given (without brackets). */
  getHost(): string;
  /** The remote user, if one was given. */
  getUser(): string | undefined;
  /** The port, if one was given. */
  getPort(): number | undefined;
  /** `user@host:port`, never with the password: the host's default label. */
  toString(): string;
  /** The master's state now. */
  readonly state: MasterState;
  /** Resolves once the master runs; rejects with its error. */
  waitForMaster(): Promise<true>;
  /** The master's state, now and on every change. */
  readonly state$: Observable<MasterState>;
  /** The command as a cold Observable of events. */
  exec$(
    options: CommonCallOptions & StdinCallOptions & TimeoutCallOptions,
    ...cmd: CommandArg[]
  ): Observable<ExecEvent>;
  /**
   * Starts a new master after a failure (the fleet's `retries`); with `async`, resolves once it is started. A
   * connection without it is not retried.
   */
  restart?(async?: boolean): Promise<void>;
  /** Ends the master. */
  disconnect(): Promise<void>;
}

/** Makes a fleet's connection for one host (not yet connected: the fleet passes `connect: false`). */
export type ConnectionFactory<C extends FleetConnection = FleetConnection> = (
  destination: string,
  options: OpenSSHOptions,
) => C;

/**
 * The one timeout rule: the call's `timeout`, else the connection's; `0` (on the call, or on the connection
 * when the call gives none) turns it off. Returns the seconds in force, or undefined when none.
 */
export const effectiveTimeout = (call: number | undefined, connection: number | undefined): number | undefined => {
  const t = call ?? connection;
  return t === undefined || t === 0 ? undefined : t;
};
