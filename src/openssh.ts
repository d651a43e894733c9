// The OpenSSH class: one master connection, and Net::OpenSSH's methods over it. Every method goes the
// same way: options normalised once, a ChannelRequest built, an engine opens the channel, and the
// Promise methods run the command's event stream (exec$) to its end.
import type { BehaviorSubject, MonoTypeOperatorFunction, Observable } from 'rxjs';
import type { Duplex } from 'node:stream';
import {
  normalizeCallOptions,
  type CallOptions,
  type Capture2Options,
  type CaptureOptions,
  type CommonCallOptions,
  type MethodName,
  type Open2Options,
  type Open3Options,
  type OpenExOptions,
  type PipeOptions,
  type PtyCallOptions,
  type SpawnOptions,
  type StdinCallOptions,
  type SystemOptions,
  type TestOptions,
  type TimeoutCallOptions,
} from './core/call-options';
import type { Channel, ChannelRequest, ExitStatus, LendStreams } from './core/channel';
import { displayDestination } from './core/destination';
import { EngineSet } from './core/engines/engine-set';
import { decodeText } from './core/decode-text';
import { capture$ as captureStream, type CaptureValue } from './observables/capture';
import { lines$ as linesStream, type LinesValue } from './observables/lines';
import type { CaptureStreamOptions, LinesStreamOptions } from './observables/stream-options';
import { inactivityTimeout } from './observables/operators/inactivity-timeout';
import { abortable } from './observables/operators/abortable';
import { sftp as openSftp, type SftpClient, type SftpOptions } from './sftp/index';
import { scpGet as scpGetWith, scpPut as scpPutWith, type ScpOptions } from './transfers/scp';
import { rsyncGet as rsyncGetWith, rsyncPut as rsyncPutWith, type RsyncOptions } from './transfers/rsync';
import { sshfsExport as sshfsExportWith, sshfsImport as sshfsImportWith, type SshfsMount, type SshfsOptions } from './transfers/sshfs';
import type { TransferHandle as FileTransferHandle } from './transfers/run-transfer';
import { captureTunnel as captureTunnelWith, openTunnel as openTunnelWith } from './tunnels/tunnel';
import { checkTarget, type CaptureTunnelOptions, type TunnelOptions } from './tunnels/tunnel-options';
import type { Tunnel } from './tunnels/tunnel-handle';
import { addForward as addForwardWith, type Forward, type ForwardOptions, type ForwardSpec } from './tunnels/forward';
import { fleet as makeFleet, type Fleet, type FleetHost, type FleetOptions } from './fleet/index';
import { remote$, type RemoteShell } from './zx/index';
import type { EngineContext } from './core/engines/engine';
import { OpenSSHError, invalidArgument, masterGone, slaveCmdFailed } from './core/errors';
import { destinationArgs } from './core/master-args';
import { Master } from './core/master';
import { persistentMasters, stopPersistentMasters, type PersistentMaster } from './core/persist/persistent-masters';
import type { MasterState } from './core/master-state';
import { normalizeCtorOptions, type ConnectionSettings, type ToolCmds, type EngineName, type OpenSSHOptions } from './core/options';
import { CaptureSink, TailSink, callbackSink, discardSink, inheritSink, optionSink, teeSink, type Sink } from './core/output-sink';
import { checkArgs, quoting, remoteCommandLine, type CommandArg, type CommandContext } from './core/remote-command';
import { duplexOf, wireProcess, type RemoteProcess, type WithStderr, type WithStdin, type WithStdout } from './core/remote-process';
import { runToEnd } from './core/run-to-end';
import { withStdDefaults, type StdDefaults } from './core/std-defaults';
import { splitLeadingOptions } from './core/leading-options';
import { slaveArgs, slaveCommand, type SlaveCommand } from './core/slave-args';
import { needsStdin, stdinSource } from './core/stdin-source';
import type { Arg } from './quoting/quoter';
import { shellQuoteWith } from './quoting/shell-quote';
import { expandVars } from './quoting/expand-vars';
import { posix } from './quoting/posix';
import { channelEvents$ } from './observables/exec';
import { openPty, type PtyHandle } from './core/pty/pty-handle';
import type { Readable } from 'node:stream';
import { debug, getDebug, getDebugSink, setDebug, setDebugSink, type DebugSink } from './core/debug/debug';
import type { DebugSetting } from './core/debug/flags';
import type { ExecEvent } from './observables/events';

/** Result of capture2: stdout and stderr as strings. */
export type Capture2Result = [stdout: string, stderr: string];

type Factory = (destination: string, options?: OpenSSHOptions) => OpenSSH | Promise<OpenSSH>;

/** `(host, port)` of a `tunnel: true` call, checked; the port may be a number or a numeric string. */
const tunnelArgs = (args: readonly unknown[]): CommandArg[] => {
  const [host, port] = args;
  const p = typeof port === 'string' && /^\d+$/.test(port) ? Number(port) : port;
  if (args.length !== 2 || typeof host !== 'string') throw invalidArgument('a `tunnel: true` call takes (host, port)');
  const t = checkTarget([host, p]) as { host: string; port: number }; // two arguments: always host and port
  return [t.host, String(t.port)];
};

/** Splits Net::OpenSSH's `(\%opts, @cmd)`, with the connection's default stdio where the call gives none. */
const splitArgsWith = (defaults: StdDefaults, method: MethodName, args: readonly unknown[]): [CallOptions, CommandArg[]] => {
  const [given, rest] = splitLeadingOptions(args);
  const o = normalizeCallOptions(method, withStdDefaults(method, given, defaults));
  return [o, o.tunnel ? tunnelArgs(rest) : checkArgs(rest)];
};

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

  /** Creates a connection through `OpenSSH.factory` when set; waits for the master unless `async`. Never rejects for connection problems: check `error`. */
  static async create(destination: string, options: OpenSSHOptions = {}): Promise<OpenSSH> {
    if (OpenSSH.factory) return OpenSSH.factory(destination, options);
    const ssh = new OpenSSH(destination, options);
    if (!options.async) await ssh.waitForMaster().catch(() => {});
    return ssh;
  }

  /** The last error of this connection (Net::OpenSSH's `$ssh->error`), or undefined. */
  error: OpenSSHError | undefined;
  private readonly s: ConnectionSettings;
  private readonly master: Master;
  private readonly engines: EngineSet;
  private expand: boolean;
  private readonly vars = new Map<string, string>();

  constructor(destination: string, options: OpenSSHOptions = {}) {
    this.s = normalizeCtorOptions(destination, options);
    this.engines = new EngineSet(() => this.engineContext(), { tunnels: this.s.muxTunnels, prestart: this.s.muxPrestart && this.s.remoteShell.name === 'POSIX' });
    this.expand = this.s.expandVars;
    // maintained by the connection, as Net::OpenSSH does; setVar may override them
    this.vars.set('HOST', this.s.dest.host);
    if (this.s.user !== undefined) this.vars.set('USER', this.s.user);
    if (this.s.port !== undefined) this.vars.set('PORT', String(this.s.port));
    for (const [k, v] of Object.entries(this.s.vars)) this.vars.set(k, v);
    this.master = new Master(this.s, (e) => this.onMasterFailure(e), this);
    if (this.s.connect) this.master.start();
  }

  private onMasterFailure(e: OpenSSHError): void {
    debug('errors', () => `${this}: ${e.code}: ${e.message}`);
    this.error = e;
    this.engines.failAll(e);
  }

  /** The master's state: `idle`, `connecting`, `login`, `awaiting_mux`, `running`, `stopping`, `stopped`, or `failed` with its error. */
  get state$(): BehaviorSubject<MasterState> {
    return this.master.state$;
  }

  /** The master ssh process id (ours, or the external one learnt by checkMaster). */
  get masterPid(): number | undefined {
    return this.master.pid;
  }

  /** What the master's pty showed (last 4 KiB, never a secret), kept only when the connection failed; '' otherwise. */
  getMasterPtyLog(): string {
    return this.master.getPtyLog();
  }

  /** The control socket's path (Net::OpenSSH's get_ctl_path). */
  getCtlPath(): string | undefined {
    return this.master.ctlPath;
  }
  /** The binary this connection runs for a tool: the constructor's `sshCmd`, `scpCmd`, `rsyncCmd`, `sshfsCmd` or `sftpServerCmd`, or its default. */
  getCmd(tool: keyof ToolCmds | 'ssh'): string | undefined {
    return tool === 'ssh' ? this.s.sshCmd : this.s.toolCmds[tool];
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
   * With `persist`, the master is not ended: this object lets go of it (later calls fail) and it lives on for
   * other connections and processes until idle for the `persist` duration; `terminate()` ends it.
   */
  async disconnect(_async = false): Promise<void> {
    await this.engines.dispose();
    await this.master.disconnect();
  }

  /**
   * Ends the master whoever started it and waits until its process is gone: as `disconnect()` without
   * `persist`; with it, the persistent master (of these options, attached or not) is told to exit (`ssh -O exit`).
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

  /** `ssh -O stop`: the master stops accepting operations; later calls fail. Resolves true when it answered. */
  stop(): Promise<boolean> {
    return this.master.stop();
  }

  /** Lets the master outlive this object and this process (`ssh -S <ctlPath> -O exit` ends it). Returns its pid. */
  disownMaster(): number | undefined {
    return this.master.disown();
  }

  /** Ends the master (for `await using ssh = new OpenSSH(...)`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.disconnect();
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
    if (typeof on !== 'boolean') throw invalidArgument('Expected setExpandVars(true|false)', on);
    this.expand = on;
  }
  /** Sets a variable for `%NAME%` expansion; NAME is made of letters, digits and `_`. */
  setVar(name: string, value: string | number): void {
    if (typeof name !== 'string' || !/^\w+$/.test(name)) throw invalidArgument('Expected a variable name made of letters, digits and _', name);
    if (typeof value !== 'string' && typeof value !== 'number') throw invalidArgument(`Expected the value of ${name} to be a string or a number`, value);
    this.vars.set(name, String(value));
  }
  /** A variable's value (`HOST`, `USER`, `PORT` are set by the connection), or undefined. */
  getVar(name: string): string | undefined {
    return this.vars.get(name);
  }
  /** Whether `%NAME%` expansion is on (Net::OpenSSH's `get_expand_vars`). */
  getExpandVars(): boolean {
    return this.expand;
  }

  /** `text` with `%NAME%` variables expanded when expansion is on (for paths of transfers and the like). */
  expandText(text: string): string {
    return this.expand ? expandVars(text, this.vars) : text;
  }

  /** Net::OpenSSH's `(\%opts, @cmd)`, with the connection's default stdio where the call gives none. */
  private splitArgs(method: MethodName, args: readonly unknown[]): [CallOptions, CommandArg[]] {
    return splitArgsWith(this.s.stdDefaults, method, args);
  }

  private commandContext(): CommandContext {
    return { host: this.s.dest.host, quoter: this.s.remoteShell, argumentEncoding: this.s.argumentEncoding, vars: this.expand ? this.vars : undefined };
  }

  // ---- the channel path every operation takes ----

  private engineContext(): EngineContext {
    const master = this.master;
    return {
      ctlPath: master.ctlPath!,
      host: this.s.dest.host,
      sshCmd: this.s.sshCmd,
      destinationArgs: destinationArgs(this.s),
      defaultSshOpts: this.s.defaultSshOpts,
      maxSessions: this.s.maxSessions,
      debug: (line) => debug(line.startsWith('spawn: ') ? 'args' : 'exec', line),
      masterError: () => (master.state.name === 'failed' ? master.state.error : master.state.name === 'running' ? undefined : masterGone(this.s.dest.host, 'the master connection is not running')),
    };
  }

  /** The channel for `req`: at once while the master runs (no await on the hot path), else once it does. */
  private openChannel(req: ChannelRequest, engine: EngineName): Channel | Promise<Channel> {
    if (this.master.state.name === 'running') return this.engines.pick(engine, req).open(req);
    return this.openChannelLater(req, engine);
  }

  private async openChannelLater(req: ChannelRequest, engine: EngineName): Promise<Channel> {
    try {
      await this.waitForMaster();
    } catch (e) {
      throw e instanceof OpenSSHError && e.code === 'OSSH_MASTER_FAILED' ? e : masterGone(this.s.dest.host, String(e));
    }
    return this.engines.pick(engine, req).open(req);
  }

  private request(o: CallOptions, args: CommandArg[], stdin: 'pipe' | 'ignore'): ChannelRequest {
    if (o.tunnel) {
      if (o.subsystem || o.tty) throw invalidArgument('`tunnel` cannot be combined with `subsystem` or `tty`');
      return { kind: 'tunnel', tunnel: { host: args[0] as string, port: Number(args[1]) }, stdin, sshOpts: o.sshOpts as string[] | undefined, setpgrp: o.setpgrp };
    }
    if (o.subsystem && args.length !== 1) throw invalidArgument('a subsystem call takes exactly one argument: its name');
    const command = o.subsystem ? (args[0] as string) : args.length ? remoteCommandLine(args, o, this.commandContext()) : undefined;
    return {
      kind: o.subsystem ? 'subsystem' : command === undefined ? 'shell' : 'exec',
      command,
      tty: o.tty,
      env: o.env,
      sshOpts: o.sshOpts as string[] | undefined,
      forwardAgent: o.forwardAgent ?? (this.s.forwardAgent === 'always' ? true : undefined),
      forwardX11: o.forwardX11,
      setpgrp: o.setpgrp,
      stdin,
    };
  }

  private events$(o: CallOptions, args: CommandArg[], lend?: LendStreams): Observable<ExecEvent> {
    const source = stdinSource(o);
    const req = this.request(o, args, needsStdin(source) ? 'pipe' : 'ignore');
    const engine = o.engine ?? this.s.engine;
    return channelEvents$(() => this.openChannel(req, engine), source, this.s.dest.host, lend);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    return p.catch((e) => {
      if (e instanceof OpenSSHError) {
        debug('errors', () => `${this}: ${e.code}: ${e.message}`);
        this.error = e;
      }
      throw e;
    });
  }

  private async run(o: CallOptions & TimeoutCallOptions, args: CommandArg[], stdout: Sink, stderr: Sink | 'stdout', captured?: { stdout?: CaptureSink; stderr?: CaptureSink }): Promise<ExitStatus> {
    // sinks that are done with a chunk when write returns may be lent the engine's read buffers
    const lend = { stdout: stdout.borrows === true, stderr: (stderr === 'stdout' ? stdout : stderr).borrows === true };
    return runToEnd(this.events$(o, args, lend), {
      stdout,
      stderr,
      timeout: o.timeout ?? this.s.timeout,
      kill: o.killSshOnTimeout ?? this.s.killSshOnTimeout,
      host: this.s.dest.host,
      signal: o.signal,
      captured,
    });
  }

  private stdoutSink(o: CallOptions, fallback: () => Sink): Sink {
    if (o.onStdout) return callbackSink(o.onStdout, 'onStdout', this.s.dest.host);
    return optionSink({ fh: o.stdoutFh, file: o.stdoutFile, discard: o.stdoutDiscard }, this.s.dest.host) ?? fallback();
  }

  private stderrSink(o: CallOptions, fallback: () => Sink): Sink | 'stdout' {
    if (o.stderrToStdout) return 'stdout';
    if (o.onStderr) return callbackSink(o.onStderr, 'onStderr', this.s.dest.host);
    return optionSink({ fh: o.stderrFh, file: o.stderrFile, discard: o.stderrDiscard }, this.s.dest.host) ?? fallback();
  }

  // ---- the Observable core ----

  /**
   * The remote command as a cold Observable: `{type: 'stdout'|'stderr', data}` chunks in arrival order, then
   * one `{type: 'exit', code, signal}`. Subscribing starts it; unsubscribing ends it. Non-zero exits are events, not errors.
   */
  exec$(options: CommonCallOptions & StdinCallOptions & TimeoutCallOptions, ...cmd: CommandArg[]): Observable<ExecEvent>;
  exec$(...cmd: CommandArg[]): Observable<ExecEvent>;
  exec$(...args: unknown[]): Observable<ExecEvent> {
    const [o, cmd] = this.splitArgs('exec$', args);
    const host = this.s.dest.host;
    // only what the call gives: the connection's default timeout belongs to the Promise methods
    const steps: MonoTypeOperatorFunction<ExecEvent>[] = [];
    if (o.timeout !== undefined) steps.push(inactivityTimeout(o.timeout, { kill: o.killSshOnTimeout ?? this.s.killSshOnTimeout, host }));
    if (o.signal !== undefined) steps.push(abortable(o.signal, { host }));
    return steps.reduce((obs, step) => obs.pipe(step), this.events$(o, cmd));
  }

  /** stdout as a cold Observable of chunks (Buffers; strings with `streamEncoding`/`encoding`); non-zero exit errors with OSSH_SLAVE_CMD_FAILED. See docs/reactive.md. */
  capture$<O extends CaptureStreamOptions>(options: O, ...cmd: CommandArg[]): Observable<CaptureValue<O>>;
  capture$(...cmd: CommandArg[]): Observable<Buffer>;
  capture$(...args: unknown[]): Observable<unknown> {
    return (captureStream as (ssh: OpenSSH, ...a: unknown[]) => Observable<unknown>)(this, ...this.streamArgs(args));
  }

  /** stdout as a cold Observable of complete lines (the last partial line flushed at exit); `take(n)` or unsubscribing ends the remote command. */
  lines$<O extends LinesStreamOptions>(options: O, ...cmd: CommandArg[]): Observable<LinesValue<O>>;
  lines$(...cmd: CommandArg[]): Observable<string>;
  lines$(...args: unknown[]): Observable<unknown> {
    return (linesStream as (ssh: OpenSSH, ...a: unknown[]) => Observable<unknown>)(this, ...this.streamArgs(args));
  }

  /** The stream factories' arguments with the connection's timeout defaults applied. */
  private streamArgs(args: unknown[]): unknown[] {
    const [given, rest] = splitLeadingOptions(args);
    return [{ timeout: this.s.timeout, killSshOnTimeout: this.s.killSshOnTimeout, ...given }, ...rest];
  }

  // ---- Promise methods ----

  /** Runs the command; stdout and stderr go to ours unless redirected. Rejects with OSSH_SLAVE_CMD_FAILED on a non-zero exit. With `async`, resolves with the running process instead. */
  system(options: SystemOptions & { async: true }, ...cmd: CommandArg[]): Promise<RemoteProcess>;
  system(options: SystemOptions, ...cmd: CommandArg[]): Promise<true>;
  system(...cmd: CommandArg[]): Promise<true>;
  system(...args: unknown[]): Promise<true | RemoteProcess> {
    return this.track(
      (async () => {
        const [o, cmd] = this.splitArgs('system', args);
        if (o.async) return this.startProcess(o, cmd);
        if (o.stdinoutDpipe !== undefined) {
          // the streams belong to the local command: run it as openEx does, then judge the exit
          const st = await (await this.startProcess(o, cmd)).exit;
          if (st.code !== 0) throw slaveCmdFailed(this.s.dest.host, st.code, st.signal, undefined);
          return true as const;
        }
        const stdout = this.stdoutSink(o, () => inheritSink('stdout'));
        const errTail = new TailSink();
        const status = await this.run(o, cmd, stdout, this.stderrSink(o, () => teeSink(inheritSink('stderr'), errTail)));
        if (status.code !== 0) throw slaveCmdFailed(this.s.dest.host, status.code, status.signal, errTail.text || undefined);
        return true as const;
      })(),
    );
  }

  /** Runs the command with output discarded (unless redirected): true on exit 0, false otherwise. Rejects only for SSH-level failures. */
  test(options: TestOptions, ...cmd: CommandArg[]): Promise<boolean>;
  test(...cmd: CommandArg[]): Promise<boolean>;
  test(...args: unknown[]): Promise<boolean> {
    return this.track(
      (async () => {
        const [o, cmd] = this.splitArgs('test', args);
        const stdout = this.stdoutSink(o, discardSink);
        const stderr = this.stderrSink(o, discardSink);
        const status = await this.run(o, cmd, stdout, stderr);
        return status.code === 0;
      })(),
    );
  }

  /** Runs the command and resolves with its stdout. Non-zero exit: rejects with OSSH_SLAVE_CMD_FAILED whose `stdout` holds the output and `exitCode` the code. */
  capture(options: CaptureOptions, ...cmd: CommandArg[]): Promise<string>;
  capture(...cmd: CommandArg[]): Promise<string>;
  capture(...args: unknown[]): Promise<string> {
    return this.track(this.captureBuffer('capture', args).then(([b, enc]) => decodeText(b, enc)));
  }

  /** Like capture, as a list of lines each ending with the separator (Perl's list context). */
  captureLines(options: CaptureOptions, ...cmd: CommandArg[]): Promise<string[]>;
  captureLines(...cmd: CommandArg[]): Promise<string[]>;
  captureLines(...args: unknown[]): Promise<string[]> {
    return this.track(
      (async () => {
        const sep = (typeof args[0] === 'object' && args[0] !== null && (args[0] as CaptureOptions).separator) || '\n';
        const [bytes, enc] = await this.captureBuffer('capture', args);
        const text = decodeText(bytes, enc);
        const lines: string[] = [];
        let at = 0;
        for (let i = text.indexOf(sep); i >= 0; i = text.indexOf(sep, at)) {
          lines.push(text.slice(at, i + sep.length));
          at = i + sep.length;
        }
        if (at < text.length) lines.push(text.slice(at));
        return lines;
      })(),
    );
  }

  /** The stream encoding of a call. */
  private streamEncoding(o: CallOptions): string {
    return o.streamEncoding ?? o.encoding ?? this.s.streamEncoding;
  }

  private async captureBuffer(method: 'capture', args: unknown[]): Promise<[Buffer, string]> {
    const [o, cmd] = this.splitArgs(method, args);
    const enc = this.streamEncoding(o);
    const out = new CaptureSink();
    const errTail = new TailSink();
    const stderr = this.stderrSink(o, () => teeSink(inheritSink('stderr'), errTail));
    const status = await this.run(o, cmd, out, stderr, { stdout: out });
    if (status.code !== 0)
      throw slaveCmdFailed(this.s.dest.host, status.code, status.signal, errTail.text || undefined).withOutput(decodeText(out.buffer, enc));
    return [out.buffer, enc];
  }

  /** Runs the command and resolves with `[stdout, stderr]`. A non-zero exit rejects with OSSH_SLAVE_CMD_FAILED carrying both. */
  capture2(options: Capture2Options, ...cmd: CommandArg[]): Promise<Capture2Result>;
  capture2(...cmd: CommandArg[]): Promise<Capture2Result>;
  capture2(...args: unknown[]): Promise<Capture2Result> {
    return this.track(
      (async () => {
        const [o, cmd] = this.splitArgs('capture2', args);
        const out = new CaptureSink();
        const err = new CaptureSink();
        const status = await this.run(o, cmd, out, err, { stdout: out, stderr: err });
        const enc = this.streamEncoding(o);
        const [stdout, stderr] = [decodeText(out.buffer, enc), decodeText(err.buffer, enc)];
        if (status.code !== 0) throw slaveCmdFailed(this.s.dest.host, status.code, status.signal, stderr).withOutput(stdout);
        return [stdout, stderr] as Capture2Result;
      })(),
    );
  }

  // ---- process handles ----

  private startProcess(o: CallOptions, cmd: CommandArg[]): Promise<RemoteProcess> {
    const source = stdinSource(o);
    const req = this.request(o, cmd, needsStdin(source) ? 'pipe' : 'ignore');
    return this.track(Promise.resolve(this.openChannel(req, o.engine ?? this.s.engine)).then((ch) => wireProcess(ch, o, this.s.dest.host)));
  }

  /** Starts the command with full control of its streams (`stdinPipe`, `stdoutPipe`, `stderrPipe`, files, handles, `stdinoutSocket`). */
  openEx(options: OpenExOptions, ...cmd: CommandArg[]): Promise<RemoteProcess>;
  openEx(...cmd: CommandArg[]): Promise<RemoteProcess>;
  openEx(...args: unknown[]): Promise<RemoteProcess> {
    return this.startProcess(...this.splitArgs('openEx', args));
  }

  /** Starts the command in the background; stdout/stderr go to ours unless redirected. Await `exit` on the handle. */
  spawn(options: SpawnOptions, ...cmd: CommandArg[]): Promise<RemoteProcess>;
  spawn(...cmd: CommandArg[]): Promise<RemoteProcess>;
  spawn(...args: unknown[]): Promise<RemoteProcess> {
    return this.startProcess(...this.splitArgs('spawn', args));
  }

  /** A Writable into the command's stdin (stdout and stderr go to ours). `end()` it, then await `exit`. */
  pipeIn(options: PipeOptions, ...cmd: CommandArg[]): Promise<WithStdin>;
  pipeIn(...cmd: CommandArg[]): Promise<WithStdin>;
  pipeIn(...args: unknown[]): Promise<WithStdin> {
    const [o, cmd] = this.splitArgs('pipeIn', args);
    return this.startProcess({ ...o, stdinPipe: true }, cmd) as never;
  }

  /** A Readable of the command's stdout (backpressure reaches the remote side). */
  pipeOut(options: PipeOptions, ...cmd: CommandArg[]): Promise<WithStdout>;
  pipeOut(...cmd: CommandArg[]): Promise<WithStdout>;
  pipeOut(...args: unknown[]): Promise<WithStdout> {
    const [o, cmd] = this.splitArgs('pipeOut', args);
    return this.startProcess({ ...o, stdoutPipe: true }, cmd) as never;
  }

  /** stdin and stdout as streams (stderr to ours unless redirected). */
  open2(options: Open2Options, ...cmd: CommandArg[]): Promise<WithStdin & WithStdout>;
  open2(...cmd: CommandArg[]): Promise<WithStdin & WithStdout>;
  open2(...args: unknown[]): Promise<never> {
    const [o, cmd] = this.splitArgs('open2', args);
    return this.startProcess({ ...o, stdinPipe: true, stdoutPipe: true }, cmd) as never;
  }

  /** stdin, stdout and stderr as streams. */
  open3(options: Open3Options, ...cmd: CommandArg[]): Promise<WithStdin & WithStdout & WithStderr>;
  open3(...cmd: CommandArg[]): Promise<WithStdin & WithStdout & WithStderr>;
  open3(...args: unknown[]): Promise<never> {
    const [o, cmd] = this.splitArgs('open3', args);
    return this.startProcess({ ...o, stdinPipe: true, stdoutPipe: true, stderrPipe: true }, cmd) as never;
  }

  /** One Duplex stream: writes go to the command's stdin, reads come from its stdout. */
  open2socket(options: Open2Options, ...cmd: CommandArg[]): Promise<{ /** stdin and stdout as one stream. */ socket: Duplex; /** The process handle (`exit`, `kill`). */ process: RemoteProcess }>;
  open2socket(...cmd: CommandArg[]): Promise<{ /** stdin and stdout as one stream. */ socket: Duplex; /** The process handle (`exit`, `kill`). */ process: RemoteProcess }>;
  open2socket(...args: unknown[]): Promise<{ socket: Duplex; process: RemoteProcess }> {
    const [o, cmd] = this.splitArgs('open2socket', args);
    return this.startProcess({ ...o, stdinPipe: true, stdoutPipe: true }, cmd).then((p) => ({ socket: duplexOf(p), process: p }));
  }

  // ---- local ptys ----

  /**
   * The command on a remote tty, driven through a local pty (node-pty): `write`, `read`, `expect`, `resize`, `kill`,
   * `exit` (Net::OpenSSH's open2pty, for Expect-style dialogues). Always the spawn engine: it is an `ssh -tt` process.
   */
  open2pty(options: PtyCallOptions, ...cmd: CommandArg[]): Promise<PtyHandle>;
  open2pty(...cmd: CommandArg[]): Promise<PtyHandle>;
  open2pty(...args: unknown[]): Promise<PtyHandle> {
    return this.track(this.startPty('open2pty', args, false));
  }

  /** Like open2pty, with the ssh process's stderr as a separate stream `stderr` (a remote tty merges the command's own stderr into the terminal; pass `tty: false` to keep it apart). */
  open3pty(options: PtyCallOptions, ...cmd: CommandArg[]): Promise<PtyHandle & { /** The ssh process's stderr. */ stderr: Readable }>;
  open3pty(...cmd: CommandArg[]): Promise<PtyHandle & { /** The ssh process's stderr. */ stderr: Readable }>;
  open3pty(...args: unknown[]): Promise<PtyHandle & { stderr: Readable }> {
    return this.track(this.startPty('open3pty', args, true)) as Promise<PtyHandle & { stderr: Readable }>;
  }

  private async startPty(method: 'open2pty' | 'open3pty', args: unknown[], separateStderr: boolean): Promise<PtyHandle> {
    const [o, cmd] = this.splitArgs(method, args);
    for (const k of ['cols', 'rows'] as const)
      if (o[k] !== undefined && (!Number.isInteger(o[k]) || o[k]! < 1)) throw invalidArgument(`Expected \`${k}\` to be a positive integer`, o[k]);
    const req = this.request({ ...o, tty: o.tty ?? true }, cmd, 'pipe');
    await this.waitForMaster();
    return openPty(this.engineContext(), req, { cols: o.cols, rows: o.rows, separateStderr });
  }

  // ---- files ----

  /** An SFTP client over the `sftp` subsystem on this master (INIT/VERSION done); `await client.end()` closes it. See docs/sftp.md. */
  sftp(options: SftpOptions = {}): Promise<SftpClient> {
    return this.track(openSftp(this, options));
  }

  /**
   * Copies remote files here with `scp` over the master (Net::OpenSSH's scp_get): `scpGet(opts?, ...remote, local)`.
   * Several sources need an existing local directory. `async: true` resolves with a handle at once. See docs/transfers.md.
   */
  scpGet(options: ScpOptions & { async: true }, ...paths: string[]): Promise<FileTransferHandle>;
  scpGet(options: ScpOptions, ...paths: string[]): Promise<true>;
  scpGet(...paths: string[]): Promise<true>;
  scpGet(...args: unknown[]): Promise<true | FileTransferHandle> {
    return this.track((scpGetWith as (ssh: OpenSSH, ...a: unknown[]) => Promise<true | FileTransferHandle>)(this, ...args));
  }

  /** Copies local files there with `scp` (Net::OpenSSH's scp_put): `scpPut(opts?, ...local, remote)`. */
  scpPut(options: ScpOptions & { async: true }, ...paths: string[]): Promise<FileTransferHandle>;
  scpPut(options: ScpOptions, ...paths: string[]): Promise<true>;
  scpPut(...paths: string[]): Promise<true>;
  scpPut(...args: unknown[]): Promise<true | FileTransferHandle> {
    return this.track((scpPutWith as (ssh: OpenSSH, ...a: unknown[]) => Promise<true | FileTransferHandle>)(this, ...args));
  }

  /** Copies remote files here with `rsync` over the master (Net::OpenSSH's rsync_get); unknown option keys become rsync long options. */
  rsyncGet(options: RsyncOptions & { async: true }, ...paths: string[]): Promise<FileTransferHandle>;
  rsyncGet(options: RsyncOptions, ...paths: string[]): Promise<true>;
  rsyncGet(...paths: string[]): Promise<true>;
  rsyncGet(...args: unknown[]): Promise<true | FileTransferHandle> {
    return this.track((rsyncGetWith as (ssh: OpenSSH, ...a: unknown[]) => Promise<true | FileTransferHandle>)(this, ...args));
  }

  /** Copies local files there with `rsync` (Net::OpenSSH's rsync_put). */
  rsyncPut(options: RsyncOptions & { async: true }, ...paths: string[]): Promise<FileTransferHandle>;
  rsyncPut(options: RsyncOptions, ...paths: string[]): Promise<true>;
  rsyncPut(...paths: string[]): Promise<true>;
  rsyncPut(...args: unknown[]): Promise<true | FileTransferHandle> {
    return this.track((rsyncPutWith as (ssh: OpenSSH, ...a: unknown[]) => Promise<true | FileTransferHandle>)(this, ...args));
  }

  /** Mounts the remote directory `remoteFs` at the local `localMountPoint` with sshfs over the master; `await mount.unmount()` ends it. */
  sshfsImport(options: SshfsOptions, remoteFs: string, localMountPoint: string): Promise<SshfsMount>;
  sshfsImport(remoteFs: string, localMountPoint: string): Promise<SshfsMount>;
  sshfsImport(...args: unknown[]): Promise<SshfsMount> {
    const [o, [from, to]] = splitLeadingOptions<SshfsOptions>(args);
    return this.track(sshfsImportWith(this, o, from as string, to as string));
  }

  /** Mounts the local directory `localFs` at `remoteMountPoint` on the remote host (sshfs there, our SFTP server here). */
  sshfsExport(options: SshfsOptions, localFs: string, remoteMountPoint: string): Promise<SshfsMount>;
  sshfsExport(localFs: string, remoteMountPoint: string): Promise<SshfsMount>;
  sshfsExport(...args: unknown[]): Promise<SshfsMount> {
    const [o, [from, to]] = splitLeadingOptions<SshfsOptions>(args);
    return this.track(sshfsExportWith(this, o, from as string, to as string));
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
    return this.track((openTunnelWith as (ssh: OpenSSH, o: TunnelOptions, ...t: unknown[]) => Promise<Tunnel>)(this, o, ...target));
  }

  /** Sends `stdinData` through a tunnel and resolves with all that came back (Net::OpenSSH's capture_tunnel). */
  captureTunnel(options: CaptureTunnelOptions, host: string, port: number): Promise<string>;
  captureTunnel(options: CaptureTunnelOptions, socketPath: string): Promise<string>;
  captureTunnel(host: string, port: number): Promise<string>;
  captureTunnel(socketPath: string): Promise<string>;
  captureTunnel(...args: unknown[]): Promise<string> {
    const [o, target] = splitLeadingOptions<CaptureTunnelOptions>(args);
    return this.track((captureTunnelWith as (ssh: OpenSSH, o: CaptureTunnelOptions, ...t: unknown[]) => Promise<string>)(this, o, ...target));
  }

  /** Adds a `-L`, `-R` (port 0: the server picks; `forward.port` says which) or `-D` forward to the running master (`ssh -O forward`). */
  addForward(spec: ForwardSpec, options: ForwardOptions = {}): Promise<Forward> {
    return this.track(addForwardWith(this, spec, options));
  }

  // ---- many hosts, zx ----

  /** Many connections as one: merged output, a summary, bounded concurrency. See docs/fleet.md. */
  static fleet(hosts: readonly FleetHost[], options: FleetOptions = {}): Fleet<OpenSSH> {
    return makeFleet(hosts, options, (d, o) => new OpenSSH(d, o));
  }

  private zxShell: RemoteShell | undefined;
  /** zx's `$` running on this host: ``await ssh.$`ls ${dir}` `` (every interpolation one quoted word). See docs/zx.md. */
  get $(): RemoteShell {
    return (this.zxShell ??= remote$(this));
  }

  /** The argv (binary first) of the ssh slave that would run `cmd` over this master. Waits for the master. */
  makeRemoteCommand(options: CommonCallOptions, ...cmd: CommandArg[]): Promise<string[]>;
  makeRemoteCommand(...cmd: CommandArg[]): Promise<string[]>;
  async makeRemoteCommand(...args: unknown[]): Promise<string[]> {
    const [o, cmd] = this.splitArgs('makeRemoteCommand', args);
    await this.track(this.waitForMaster());
    const req = this.request(o, cmd, 'pipe');
    return [this.s.sshCmd, ...slaveArgs(req, this.master.ctlPath!, destinationArgs(this.s), this.s.defaultSshOpts)];
  }

  /** makeRemoteCommand as one string, each word quoted for a POSIX local shell (Net::OpenSSH's scalar form). */
  makeRemoteCommandString(options: CommonCallOptions, ...cmd: CommandArg[]): Promise<string>;
  makeRemoteCommandString(...cmd: CommandArg[]): Promise<string>;
  async makeRemoteCommandString(...args: unknown[]): Promise<string> {
    const argv = await (this.makeRemoteCommand as (...a: unknown[]) => Promise<string[]>)(...args);
    return shellQuoteWith(posix, argv);
  }

  // ---- for features (src/conn.ts) ----

  /** The master's state now (the last value of `state$`). */
  get state(): MasterState {
    return this.master.state;
  }

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
