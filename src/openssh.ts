// The OpenSSH class: one master connection, and Net::OpenSSH's methods over it. A facade: it reads as
// the table of contents of the API and delegates. Commands go to src/command (options normalised once,
// timeout and cancellation applied in one place, then an engine's channel); files, tunnels and many hosts go
// to their folders (zx's `$` is the separate entry net-openssh/zx: `remote$(ssh)`).
import type { Duplex, Readable } from 'node:stream';
import { filter, firstValueFrom, type Observable } from 'rxjs';
import type {
  Capture2Options,
  CaptureOptions,
  CommonCallOptions,
  Open2Options,
  Open3Options,
  OpenExOptions,
  PipeOptions,
  PtyCallOptions,
  SpawnOptions,
  StdinCallOptions,
  SystemOptions,
  TestOptions,
  TimeoutCallOptions,
} from './core/call-options';
import { connectionSite } from './command/connection-site';
import { engineContextOf } from './command/connection-site';
import type { EngineContext } from './core/engines/engine';
import { exec$ } from './command/exec';
import { openProcess, openPtyProcess, openSocket, openSocket3 } from './command/process-methods';
import { capture, capture2, captureLines, system, test, type Capture2Result } from './command/promise-methods';
import { prepareCall } from './command/call';
import type { CommandSite } from './command/site';
import type { WithOptions } from './command/call-args';
import { VarTable } from './command/var-table';
import { displayDestination } from './core/destination';
import { EngineSet } from './core/engines/engine-set';
import { capture$ as captureStream, type CaptureValue } from './observables/capture';
import { lines$ as linesStream, type LinesValue } from './observables/lines';
import type { CaptureStreamOptions, LinesStreamOptions } from './observables/stream-options';
import type { ExecSource } from './observables/command-output';
import { sftp as openSftp, type SftpClient, type SftpOptions } from './sftp/index';
import { scpGet as scpGetWith, scpPut as scpPutWith, type ScpOptions } from './transfers/scp';
import { rsyncGet as rsyncGetWith, rsyncPut as rsyncPutWith, type RsyncOptions } from './transfers/rsync';
import { sshfsExport as sshfsExportWith, sshfsImport as sshfsImportWith } from './transfers/sshfs';
import type { SshfsMount, SshfsOptions } from './transfers/sshfs';
import type { TransferHandle as FileTransferHandle } from './transfers/run-transfer';
import { captureTunnel as captureTunnelWith, openTunnel as openTunnelWith } from './tunnels/tunnel';
import type { CaptureTunnelOptions, TunnelOptions } from './tunnels/tunnel-options';
import type { Tunnel } from './tunnels/tunnel-handle';
import { addForward as addForwardWith, type Forward, type ForwardOptions, type ForwardSpec } from './tunnels/forward';
import { fleet as makeFleet, type Fleet, type FleetHost, type FleetOptions } from './fleet/index';
import { OpenSSHError, invalidArgument } from './core/errors';
import { destinationArgs } from './core/master-args';
import { type SshConfiguration, sshConfiguration } from './core/ssh-configuration';
import { Master } from './core/master';
import { persistentMasters, stopPersistentMasters, type PersistentMaster } from './core/persist/persistent-masters';
import { isFinal, isLive, type MasterState } from './core/master-state';
import { knownSessionLimit } from './core/engines/server-limits';
import { normalizeCtorOptions, type ConnectionSettings, type ToolCmds, type OpenSSHOptions } from './core/options';
import type { CommandArg } from './core/remote-command';
import { quoting } from './core/quoting-guard';
import type { RemoteProcess, WithStderr, WithStdin, WithStdout } from './core/remote-process';
import { splitLeadingOptions } from './core/leading-options';
import { slaveArgs, slaveCommand, type SlaveCommand } from './core/slave-args';
import type { Arg } from './quoting/quoter';
import { shellQuoteWith } from './quoting/shell-quote';
import { posix } from './quoting/posix';
import type { PtyHandle } from './core/pty/pty-handle';
import { debug, getDebug, getDebugSink, setDebug, setDebugSink, type DebugSink } from './core/debug/debug';
import type { DebugSetting } from './core/debug/flags';
import type { ExecEvent } from './observables/events';

export type { Capture2Result } from './command/promise-methods';

type Factory = (destination: string, options?: OpenSSHOptions) => OpenSSH | Promise<OpenSSH>;
type TransferFn = (ssh: OpenSSH, ...a: unknown[]) => Promise<true | FileTransferHandle>;
type StreamFn = (ssh: ExecSource, ...a: unknown[]) => Observable<unknown>;
/** An open2socket result: the socket and the process handle. */
export interface SocketProcess {
  /** stdin and stdout as one stream. */
  socket: Duplex;
  /** The process (`exit`, `kill`). */
  process: RemoteProcess;
}
/** An open3socket result: the socket (stdin and stdout), stderr apart, and the process handle. */
export interface Socket3Process extends SocketProcess {
  /** The command's stderr. */
  stderr: Readable;
}

/**
 * A connection to one host through an OpenSSH master (`ssh -M`). The constructor never throws for
 * connection problems: it starts the master and returns; watch `state$`, poll `waitForMaster(true)`,
 * or await `waitForMaster()`. Invalid arguments throw OSSH_INVALID_ARGUMENT at once.
 */
export class OpenSSH {
  /** When set, `OpenSSH.create()` returns what it returns (Net::OpenSSH's `$FACTORY`, e.g. a connection cache). */
  static factory: Factory | undefined;

  /**
   * Debug output (Net::OpenSSH's `$debug`): a bitmask (1 errors, 2 ctl path, 4 connecting, 8 ssh argv, 16 command
   * execution, 32 destruction, 64 I/O, 128 hexdumps), `true`/`'all'`, or flag names (`'connect,args'`, `['errors']`).
   * Also set by the environment variable `NET_OPENSSH_DEBUG` (same forms). Lines never contain a secret.
   */
  static get debug(): number {
    return getDebug();
  }
  /** Sets the debug flags: a bitmask, `true`/`'all'`, or flag names. */
  static set debug(v: DebugSetting) {
    setDebug(v);
  }
  /** Where debug lines go (Net::OpenSSH's `$debug_fh`); undefined restores the default: stderr, prefixed `# `. */
  static get debugSink(): DebugSink {
    return getDebugSink();
  }
  /** Sets where debug lines go; undefined restores stderr. */
  static set debugSink(sink: DebugSink | undefined) {
    setDebugSink(sink);
  }

  /**
   * Creates a connection through `OpenSSH.factory` when set; waits for the master unless `async`. Never rejects for
   * connection problems: check `error`.
   */
  static async create(destination: string, options: OpenSSHOptions = {}): Promise<OpenSSH> {
    // the factory's connection is waited for as a new one would be (Net::OpenSSH's new() with $FACTORY)
    const ssh = OpenSSH.factory ? await OpenSSH.factory(destination, options) : new OpenSSH(destination, options);
    if (!options.async) await ssh.waitForMaster().catch(() => {});
    return ssh;
  }

  /** The last error of this connection (Net::OpenSSH's `$ssh->error`), or undefined. */
  error: OpenSSHError | undefined;
  private readonly s: ConnectionSettings;
  private readonly master: Master;
  private readonly engines: EngineSet;
  private readonly vars: VarTable;
  private readonly site: CommandSite;

  constructor(destination: string, options: OpenSSHOptions = {}) {
    this.s = normalizeCtorOptions(destination, options);
    const s = this.s;
    const prestart = s.muxPrestart && s.remoteShell.name === 'POSIX';
    this.engines = new EngineSet(() => this.engineContext(), { tunnels: s.muxTunnels, prestart });
    // maintained by the connection, as Net::OpenSSH does; setVar may override them
    const port = s.port === undefined ? undefined : String(s.port);
    this.vars = new VarTable(s.expandVars, { HOST: s.dest.host, USER: s.user, PORT: port, ...s.vars });
    // on a signal that ends the process, the commands are told to end before the master goes, as disconnect() does
    this.master = new Master(
      s,
      (e) => this.onMasterFailure(e),
      this,
      () => this.engines.dispose(),
    );
    this.site = connectionSite(s, this.master, this.engines, () => this.vars.active());
    if (s.connect) this.master.start();
  }

  /** What the engines are told about the master (also read by the mux fault tests). */
  private engineContext(): EngineContext {
    return engineContextOf(this.s, this.master);
  }

  private onMasterFailure(e: OpenSSHError): void {
    debug('errors', () => `${this}: ${e.code}: ${e.message}`);
    this.error = e;
    this.engines.failAll(e);
  }

  /** Keeps a failed call's error as `error` (Net::OpenSSH's `$ssh->error`). */
  private track<T>(p: Promise<T>): Promise<T> {
    return p.catch((e) => {
      if (e instanceof OpenSSHError) {
        debug('errors', () => `${this}: ${e.code}: ${e.message}`);
        this.error = e;
      }
      throw e;
    });
  }

  /** Runs a command method at once (no tick lost on the hot path); a bad argument is a rejection, the error kept. */
  private call<T>(method: (site: CommandSite, args: readonly unknown[]) => Promise<T>, args: unknown[]): Promise<T> {
    let started: Promise<T>;
    try {
      started = method(this.site, args);
    } catch (e) {
      started = Promise.reject(e);
    }
    return this.track(started);
  }

  /**
   * The master's state as it changes (read-only; the current state first on subscription): `idle`, `connecting`,
   * `login`, `awaiting_mux`, `running`, `stopping`, `stopped`, or `failed` with its error.
   */
  get state$(): Observable<MasterState> {
    return this.master.state$;
  }

  /** The master's current state (the last value of {@link OpenSSH.state$}). */
  get state(): MasterState {
    return this.master.state;
  }

  /**
   * Starts a new master with the same options after the connection failed, was stopped or was disconnected
   * (Net::OpenSSH's `restart`); the state machine shows it (`failed` → `connecting` → ... → `running`) and `error`
   * is cleared. Commands of the old master that still run (after `stop()`) are ended first. A live connection is
   * left as it is, except on a server that serves one session per connection (tinysshd, known by its version): there
   * the old master is ended and a new one started, one restart() per command; an idle one (`connect: false`) is
   * started. Resolves when the new master runs and rejects with its
   * error (kept as `error`), as `waitForMaster()` does; with `async` it resolves once the new master is started.
   * To repeat a stream on the new master, see the `retryOnMasterFailure` operator. An `externalMaster` connection
   * refuses it with OSSH_INVALID_ARGUMENT.
   */
  async restart(async = false): Promise<void> {
    // as Net::OpenSSH: a master someone else started is not ours to start again
    if (this.s.externalMaster)
      throw invalidArgument('restart() needs a master of its own; this connection uses an externalMaster');
    // a server that serves one session per connection (tinysshd) ends it after its session (a command's, or a
    // transfer's own slave): a new master now, rather than a race with the old one's end
    const oneSession = knownSessionLimit(this.master.serverVersion)?.oneSessionPerConnection === true;
    if (oneSession && isLive(this.master.state)) await this.master.disconnect();
    if (this.master.state.name === 'stopping') await firstValueFrom(this.state$.pipe(filter((st) => isFinal(st))));
    if (isFinal(this.master.state)) {
      await this.engines.dispose();
      this.error = undefined;
      this.master.restart();
    } else if (this.master.state.name === 'idle') this.master.start();
    if (!async) await this.waitForMaster();
  }

  /** The master ssh process id (ours, or the external one learnt by checkMaster). */
  get masterPid(): number | undefined {
    return this.master.pid;
  }

  /**
   * The server's software version from its identification string, e.g. `dropbear_2022.83` or
   * `OpenSSH_9.2p1 Debian-2+deb12u3`, as the master's ssh logged it while connecting (the master runs at
   * `LogLevel=DEBUG1` unless masterOpts set a level; the added lines are not kept). Known once the master runs;
   * undefined for a master on a pty (password, passphrase, loginHandler), one with `masterStderrFh` as a file
   * descriptor, an external or reused persistent master, or when masterOpts lowered the log level.
   */
  get serverVersion(): string | undefined {
    return this.master.serverVersion;
  }

  /** What the master's pty showed (last 4 KiB, never a secret), kept only when the connection failed; '' otherwise. */
  getMasterPtyLog(): string {
    return this.master.getPtyLog();
  }

  /** The control socket's path (Net::OpenSSH's get_ctl_path). */
  getCtlPath(): string | undefined {
    return this.master.ctlPath;
  }
  /**
   * The binary this connection runs for a tool: the constructor's `sshCmd`, `scpCmd`, `rsyncCmd`, `sshfsCmd` or
   * `sftpServerCmd`, or its default.
   */
  getCmd(tool: keyof ToolCmds | 'ssh'): string | undefined {
    return tool === 'ssh' ? this.s.sshCmd : this.s.toolCmds[tool];
  }
  /**
   * What `ssh -G` says for this connection (Net::OpenSSH's `default_ssh_configuration`): the effective options after
   * ssh_config's `Host`/`Match` blocks, with the arguments the master gets. Needs no master. Parsed: `get('port')`,
   * `getAll('identityfile')`, `hostname`/`user`/`port`, and the raw `text`.
   */
  defaultSshConfiguration(): Promise<SshConfiguration> {
    return this.track(sshConfiguration(this.s, this.master.ctlPath));
  }

  /** The remote user, if one was given (destination or `user`). */
  getUser(): string | undefined {
    return this.s.user;
  }
  /** The host, as given (without brackets). */
  getHost(): string {
    return this.s.dest.host;
  }
  /** The port, if one was given (destination or `port`). */
  getPort(): number | undefined {
    return this.s.port;
  }
  /** `user@host:port`, never with the password. */
  toString(): string {
    return displayDestination({ user: this.s.user, hostSquared: this.s.dest.hostSquared, port: this.s.port });
  }

  /**
   * `waitForMaster(true)`: does what can be done now and returns at once: true running, false failed or
   * stopped, undefined still connecting. `waitForMaster()`: a Promise resolving when running, rejecting with the error.
   */
  waitForMaster(async: true): boolean | undefined;
  waitForMaster(async?: false): Promise<true>;
  waitForMaster(async?: boolean): boolean | undefined | Promise<true> {
    if (async) {
      if (this.master.state.name === 'idle') this.master.start();
      const r = this.master.tick();
      if (r === false && this.master.state.name === 'failed') this.error = this.master.state.error;
      return r;
    }
    return this.master.whenRunning().then(
      () => true as const,
      (e: OpenSSHError) => {
        this.error = e;
        throw e;
      },
    );
  }

  /** Asks the master through its control socket whether it is alive (and ours). */
  checkMaster(): Promise<boolean> {
    return this.master.check();
  }

  /**
   * Ends the master and waits until it is gone. `async` is accepted for Net::OpenSSH compatibility.
   * As in Net::OpenSSH, this also ends a master this object does not own: an `externalMaster`, or one after
   * `disownMaster()`, is told to exit through its socket (`ssh -O exit`); to let go of it without ending it,
   * dispose of the object instead (`await using`, `[Symbol.asyncDispose]()`).
   * With `persist`, the master is not ended: this object lets go of it (later calls fail) and it lives on for
   * other connections and processes until idle for the `persist` duration; `terminate()` ends it.
   */
  async disconnect(_async = false): Promise<void> {
    await this.engines.dispose();
    await this.master.disconnect();
  }

  /**
   * Ends the master whoever started it and waits until its process is gone: as `disconnect()` without
   * `persist`; with it, the persistent master (of these options, attached or not) is told to exit (`ssh -O exit`),
   * and SIGTERM then SIGKILL if it does not. Gone means exited: init adopted the persistent master and reaps it in
   * its own time, so `ps` may list it as `<defunct>` a moment longer (about 1.5 s under some inits).
   */
  async terminate(): Promise<void> {
    await this.engines.dispose();
    await this.master.terminate();
  }

  /**
   * The live persistent masters (`persist`) of this user in `ctlDir` (default `~/.net-openssh`): destination, control
   * path, pid, age in seconds (since the master began listening; OpenSSH does not tell idle time) and `stop()`.
   * Asking each master for its pid counts as a visit: it restarts the master's idle countdown.
   */
  static persistentMasters(options: { ctlDir?: string } = {}): Promise<PersistentMaster[]> {
    return persistentMasters(options.ctlDir);
  }

  /** Ends every persistent master of this user in `ctlDir` and removes stale sockets; resolves with those it ended. */
  static stopPersistentMasters(options: { ctlDir?: string } = {}): Promise<PersistentMaster[]> {
    return stopPersistentMasters(options.ctlDir);
  }

  /**
   * `ssh -O stop`: the master stops accepting operations; commands already running go on to their end, later calls
   * fail with OSSH_MASTER_FAILED and `state` is `stopped`. Resolves true when the master answered.
   */
  stop(): Promise<boolean> {
    return this.master.stop();
  }

  /**
   * Lets the master outlive this object and this process (`ssh -S <ctlPath> -O exit` ends it). Returns its pid.
   * From then on it is treated as an external master: disposing of this object leaves it running, `disconnect()`
   * still ends it. A master on a pty (password, passphrase, loginHandler) cannot outlive this process: the pty
   * closes with it.
   */
  disownMaster(): number | undefined {
    return this.master.disown();
  }

  /**
   * For `await using ssh = new OpenSSH(...)`: ends what runs on this connection and lets go of the master,
   * ending it only when this object owns it (Net::OpenSSH's DESTROY). An `externalMaster`, a disowned master
   * (`disownMaster()`) and a persistent one (`persist`) keep running.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.engines.dispose();
    await this.master.disconnect(false);
  }

  // ---- quoting and variables ----

  /** Quotes `args` for a POSIX shell (Net::OpenSSH's `shell_quote` as a class method). */
  static shellQuote(...args: Arg[]): string {
    return quoting(undefined, () => shellQuoteWith(posix, args));
  }
  /** Like {@link OpenSSH.shellQuote}, with wildcards left active. */
  static shellQuoteGlob(...args: Arg[]): string {
    return quoting(undefined, () => shellQuoteWith(posix, args, { glob: true }));
  }
  /** Quotes `args` for this connection's `remoteShell`. */
  shellQuote(...args: Arg[]): string {
    return quoting(this.s.dest.host, () => shellQuoteWith(this.s.remoteShell, args));
  }
  /** Quotes `args` for this connection's `remoteShell`, wildcards left active. */
  shellQuoteGlob(...args: Arg[]): string {
    return quoting(this.s.dest.host, () => shellQuoteWith(this.s.remoteShell, args, { glob: true }));
  }

  /** Turns `%NAME%` expansion in commands and transfer paths on or off (Net::OpenSSH's `set_expand_vars`). */
  setExpandVars(on: boolean): void {
    this.vars.setExpand(on);
  }
  /** Sets a variable for `%NAME%` expansion; NAME is made of letters, digits and `_`. */
  setVar(name: string, value: string | number): void {
    this.vars.set(name, value);
  }
  /** A variable's value (`HOST`, `USER`, `PORT` are set by the connection), or undefined. */
  getVar(name: string): string | undefined {
    return this.vars.get(name);
  }
  /** Whether `%NAME%` expansion is on (Net::OpenSSH's `get_expand_vars`). */
  getExpandVars(): boolean {
    return this.vars.expand;
  }
  /** `text` with `%NAME%` variables expanded when expansion is on (for paths of transfers and the like). */
  expandText(text: string): string {
    return this.vars.expandText(text);
  }

  // ---- commands as Observables ----

  /**
   * The remote command as a cold Observable: `{type: 'stdout'|'stderr', data}` chunks in arrival order, then
   * one `{type: 'exit', code, signal}`. Subscribing starts it; unsubscribing ends it. Non-zero exits are events,
   * not errors, but a command the server refused to run (an sftp-only account) errors with OSSH_SLAVE_FAILED.
   * `timeout` (else the connection's) errors with OSSH_SLAVE_TIMEOUT and ends the command.
   */
  exec$(...args: WithOptions<CommonCallOptions & StdinCallOptions & TimeoutCallOptions>): Observable<ExecEvent> {
    return exec$(this.site, args);
  }

  /** stdout as a cold Observable of chunks (strings with `streamEncoding`/`encoding`); see docs/reactive.md. */
  capture$<O extends CaptureStreamOptions>(options: O, ...cmd: CommandArg[]): Observable<CaptureValue<O>>;
  capture$(...cmd: CommandArg[]): Observable<Buffer>;
  capture$(...args: unknown[]): Observable<unknown> {
    return (captureStream as StreamFn)(this.execSource(), ...args);
  }

  /** stdout as a cold Observable of complete lines; `take(n)` or unsubscribing ends the remote command. */
  lines$<O extends LinesStreamOptions>(options: O, ...cmd: CommandArg[]): Observable<LinesValue<O>>;
  lines$(...cmd: CommandArg[]): Observable<string>;
  lines$(...args: unknown[]): Observable<unknown> {
    return (linesStream as StreamFn)(this.execSource(), ...args);
  }

  /** The command path as the stream shapes take it (one way down: they never call back into this class). */
  private execSource(): ExecSource {
    return {
      exec$: (...args: unknown[]) => exec$(this.site, args),
      lentStdout$: (...args: unknown[]) => exec$(this.site, args, { stdout: true, stderr: false }),
      getHost: () => this.s.dest.host,
    };
  }

  // ---- commands as Promises ----

  /**
   * Runs the command; stdout and stderr go to ours unless redirected. Rejects with OSSH_SLAVE_CMD_FAILED on a
   * non-zero exit. With `async`, resolves with the running process instead.
   */
  system(options: SystemOptions & { async: true }, ...cmd: CommandArg[]): Promise<RemoteProcess>;
  system(...args: WithOptions<SystemOptions>): Promise<true>;
  system(...args: unknown[]): Promise<true | RemoteProcess> {
    return this.call(system, args);
  }

  /**
   * Runs the command with output discarded (unless redirected): true on exit 0, false otherwise. Rejects when the
   * command could not run (OSSH_SLAVE_FAILED: e.g. an sftp-only account, or rbash refusing `stdoutDiscard`).
   */
  test(...args: WithOptions<TestOptions>): Promise<boolean> {
    return this.call(test, args);
  }

  /** Resolves with the command's stdout. Non-zero exit: OSSH_SLAVE_CMD_FAILED with `stdout` and `exitCode`. */
  capture(...args: WithOptions<CaptureOptions>): Promise<string> {
    return this.call(capture, args);
  }

  /** Like capture, as a list of lines each ending with the separator (Perl's list context). */
  captureLines(...args: WithOptions<CaptureOptions>): Promise<string[]> {
    return this.call(captureLines, args);
  }

  /** Resolves with `[stdout, stderr]`. A non-zero exit rejects with OSSH_SLAVE_CMD_FAILED carrying both. */
  capture2(...args: WithOptions<Capture2Options>): Promise<Capture2Result> {
    return this.call(capture2, args);
  }

  // ---- process handles ----

  /** Starts the command with full control of its streams (pipes, files, handles, `stdinoutSocket`). */
  openEx(...args: WithOptions<OpenExOptions>): Promise<RemoteProcess> {
    return this.call((site, a) => openProcess(site, 'openEx', a), args);
  }

  /** Starts the command in the background; stdout/stderr go to ours unless redirected. Await `exit`. */
  spawn(...args: WithOptions<SpawnOptions>): Promise<RemoteProcess> {
    return this.call((site, a) => openProcess(site, 'spawn', a), args);
  }

  /** A Writable into the command's stdin (stdout and stderr go to ours). `end()` it, then await `exit`. */
  pipeIn(...args: WithOptions<PipeOptions>): Promise<WithStdin> {
    return this.call((site, a) => openProcess(site, 'pipeIn', a), args) as Promise<WithStdin>;
  }

  /** A Readable of the command's stdout (backpressure reaches the remote side). */
  pipeOut(...args: WithOptions<PipeOptions>): Promise<WithStdout> {
    return this.call((site, a) => openProcess(site, 'pipeOut', a), args) as Promise<WithStdout>;
  }

  /** stdin and stdout as streams (stderr to ours unless redirected). */
  open2(...args: WithOptions<Open2Options>): Promise<WithStdin & WithStdout> {
    return this.call((site, a) => openProcess(site, 'open2', a), args) as Promise<WithStdin & WithStdout>;
  }

  /** stdin, stdout and stderr as streams. */
  open3(...args: WithOptions<Open3Options>): Promise<WithStdin & WithStdout & WithStderr> {
    return this.call((site, a) => openProcess(site, 'open3', a), args) as Promise<WithStdin & WithStdout & WithStderr>;
  }

  /** One Duplex stream: writes go to the command's stdin, reads come from its stdout. */
  open2socket(...args: WithOptions<Open2Options>): Promise<SocketProcess> {
    return this.call(openSocket, args);
  }

  /** Like open2socket, with the command's stderr apart as a Readable (Net::OpenSSH's `($socket, $err, $pid)`). */
  open3socket(...args: WithOptions<Open3Options>): Promise<Socket3Process> {
    return this.call(openSocket3, args);
  }

  /**
   * The command on a remote tty, driven through a local pty (node-pty): `write`, `read`, `expect`, `resize`,
   * `kill`, `exit` (Net::OpenSSH's open2pty). Always the spawn engine: it is an `ssh -tt` process.
   */
  open2pty(...args: WithOptions<PtyCallOptions>): Promise<PtyHandle> {
    return this.call((site, a) => openPtyProcess(site, 'open2pty', a), args);
  }

  /** Like open2pty, with the ssh process's stderr apart as `stderr` (`tty: false` keeps the command's apart too). */
  open3pty(...args: WithOptions<PtyCallOptions>): Promise<PtyHandle & { /** ssh's stderr. */ stderr: Readable }> {
    const open = (site: CommandSite, a: readonly unknown[]) => openPtyProcess(site, 'open3pty', a);
    return this.call(open, args) as Promise<PtyHandle & { stderr: Readable }>;
  }

  // ---- files ----

  /**
   * An SFTP client over the `sftp` subsystem on this master (INIT/VERSION done); `await client.end()` closes it. See
   * docs/sftp.md.
   */
  sftp(options: SftpOptions = {}): Promise<SftpClient> {
    return this.track(openSftp(this, options));
  }

  /**
   * Copies remote files here with `scp` over the master (Net::OpenSSH's scp_get): `scpGet(opts?, ...remote, local)`.
   * Several sources need an existing local directory. `async: true` resolves with a handle at once. See
   * docs/transfers.md.
   */
  scpGet(options: ScpOptions & { async: true }, ...paths: string[]): Promise<FileTransferHandle>;
  scpGet(...args: WithOptions<ScpOptions, string>): Promise<true>;
  scpGet(...args: unknown[]): Promise<true | FileTransferHandle> {
    return this.transfer(scpGetWith as TransferFn, args);
  }

  /** Copies local files there with `scp` (Net::OpenSSH's scp_put): `scpPut(opts?, ...local, remote)`. */
  scpPut(options: ScpOptions & { async: true }, ...paths: string[]): Promise<FileTransferHandle>;
  scpPut(...args: WithOptions<ScpOptions, string>): Promise<true>;
  scpPut(...args: unknown[]): Promise<true | FileTransferHandle> {
    return this.transfer(scpPutWith as TransferFn, args);
  }

  /**
   * Copies remote files here with `rsync` over the master (Net::OpenSSH's rsync_get); unknown option keys become rsync
   * long options.
   */
  rsyncGet(options: RsyncOptions & { async: true }, ...paths: string[]): Promise<FileTransferHandle>;
  rsyncGet(...args: WithOptions<RsyncOptions, string>): Promise<true>;
  rsyncGet(...args: unknown[]): Promise<true | FileTransferHandle> {
    return this.transfer(rsyncGetWith as TransferFn, args);
  }

  /** Copies local files there with `rsync` (Net::OpenSSH's rsync_put). */
  rsyncPut(options: RsyncOptions & { async: true }, ...paths: string[]): Promise<FileTransferHandle>;
  rsyncPut(...args: WithOptions<RsyncOptions, string>): Promise<true>;
  rsyncPut(...args: unknown[]): Promise<true | FileTransferHandle> {
    return this.transfer(rsyncPutWith as TransferFn, args);
  }

  /**
   * Mounts the remote directory `remoteFs` at the local `localMountPoint` with sshfs over the master;
   * `await mount.unmount()` ends it.
   */
  sshfsImport(options: SshfsOptions, remoteFs: string, localMountPoint: string): Promise<SshfsMount>;
  sshfsImport(remoteFs: string, localMountPoint: string): Promise<SshfsMount>;
  sshfsImport(...args: unknown[]): Promise<SshfsMount> {
    const [o, [from, to]] = splitLeadingOptions<SshfsOptions>(args);
    return this.track(sshfsImportWith(this, o, from as string, to as string));
  }

  /**
   * Mounts the local directory `localFs` at `remoteMountPoint` on the remote host (sshfs there, our SFTP server here).
   */
  sshfsExport(options: SshfsOptions, localFs: string, remoteMountPoint: string): Promise<SshfsMount>;
  sshfsExport(localFs: string, remoteMountPoint: string): Promise<SshfsMount>;
  sshfsExport(...args: unknown[]): Promise<SshfsMount> {
    const [o, [from, to]] = splitLeadingOptions<SshfsOptions>(args);
    return this.track(sshfsExportWith(this, o, from as string, to as string));
  }

  /** Runs a transfer function of src/transfers on this connection, keeping its error. */
  private transfer(fn: TransferFn, args: unknown[]): Promise<true | FileTransferHandle> {
    return this.track(fn(this, ...args));
  }

  // ---- tunnels and forwards ----

  /**
   * A duplex socket to `host:port` as the remote side sees it (`ssh -W` through the master), or to a remote Unix
   * socket: `openTunnel(opts?, host, port)` / `openTunnel(opts?, socketPath)` (Net::OpenSSH's open_tunnel).
   */
  openTunnel(options: TunnelOptions, host: string, port: number): Promise<Tunnel>;
  openTunnel(options: TunnelOptions, socketPath: string): Promise<Tunnel>;
  openTunnel(host: string, port: number): Promise<Tunnel>;
  openTunnel(socketPath: string): Promise<Tunnel>;
  openTunnel(...args: unknown[]): Promise<Tunnel> {
    const [o, target] = splitLeadingOptions<TunnelOptions>(args);
    return this.track(
      (openTunnelWith as (ssh: OpenSSH, o: TunnelOptions, ...t: unknown[]) => Promise<Tunnel>)(this, o, ...target),
    );
  }

  /** Sends `stdinData` through a tunnel and resolves with all that came back (Net::OpenSSH's capture_tunnel). */
  captureTunnel(options: CaptureTunnelOptions, host: string, port: number): Promise<string>;
  captureTunnel(options: CaptureTunnelOptions, socketPath: string): Promise<string>;
  captureTunnel(host: string, port: number): Promise<string>;
  captureTunnel(socketPath: string): Promise<string>;
  captureTunnel(...args: unknown[]): Promise<string> {
    const [o, target] = splitLeadingOptions<CaptureTunnelOptions>(args);
    return this.track(
      (captureTunnelWith as (ssh: OpenSSH, o: CaptureTunnelOptions, ...t: unknown[]) => Promise<string>)(
        this,
        o,
        ...target,
      ),
    );
  }

  /**
   * Adds a `-L`, `-R` (port 0: the server picks; `forward.port` says which) or `-D` forward to the running master
   * (`ssh -O forward`).
   */
  addForward(spec: ForwardSpec, options: ForwardOptions = {}): Promise<Forward> {
    return this.track(addForwardWith(this, spec, options));
  }

  // ---- many hosts ----

  /** Many connections as one: merged output, a summary, bounded concurrency. See docs/fleet.md. */
  static fleet(hosts: readonly FleetHost[], options: FleetOptions = {}): Fleet<OpenSSH> {
    return makeFleet(hosts, options, (d, o) => new OpenSSH(d, o));
  }

  /** The argv (binary first) of the ssh slave that would run `cmd` over this master. Waits for the master. */
  makeRemoteCommand(...args: WithOptions<CommonCallOptions>): Promise<string[]> {
    return this.call(async (site, a) => {
      const req = prepareCall(site, 'makeRemoteCommand', a, { stdinPipe: true }).request;
      await site.waitForMaster();
      return [this.s.sshCmd, ...slaveArgs(req, this.master.ctlPath!, destinationArgs(this.s), this.s.defaultSshOpts)];
    }, args);
  }

  /** makeRemoteCommand as one string, each word quoted for a POSIX local shell (Net::OpenSSH's scalar form). */
  async makeRemoteCommandString(...args: WithOptions<CommonCallOptions>): Promise<string> {
    const argv = await (this.makeRemoteCommand as (...a: unknown[]) => Promise<string[]>)(...args);
    return shellQuoteWith(posix, argv);
  }

  // ---- for features (src/conn.ts) ----

  /** The connection's default timeout in seconds (the constructor's `timeout`); undefined: none. */
  get timeout(): number | undefined {
    return this.s.timeout;
  }

  /**
   * Waits for the master and describes the ssh slave a local tool (scp, rsync, sshfs, `ssh -O`, `ssh -W`) runs
   * over it, as parts; `sshOpts` replaces the connection's `defaultSshOpts`. The rules are slave-args.ts's.
   * @internal
   */
  async slaveCommand(sshOpts?: readonly string[]): Promise<SlaveCommand> {
    await this.track(this.waitForMaster());
    return slaveCommand({
      sshCmd: this.s.sshCmd,
      ctlPath: this.master.ctlPath!,
      host: this.s.dest.host,
      user: this.s.user,
      port: this.s.port,
      destination: destinationArgs(this.s),
      defaultSshOpts: this.s.defaultSshOpts,
      forwardAgent: this.s.forwardAgent === 'always',
      sshOpts,
    });
  }
}
