// Runs the master: spawns `ssh -M -N -S <ctl>` (on a pty when a prompt must be answered), drives the
// pure state machine (master-state.ts), publishes state$, and answers waitForMaster / check /
// disconnect / stop / disown.
import { spawn, type ChildProcess } from 'node:child_process';
import { lstatSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BehaviorSubject, type Observable } from 'rxjs';
import { displayDestination } from './destination';
import { masterFailed, masterGone, stderrTail, type OpenSSHError } from './errors';
import { ownProcess, releaseProcess } from './exit-hook';
import { holdWhile } from './keep-alive';
import { judgingTimeout, type JudgingTimer } from './loop-aware-timer';
import { pacedStart } from './spawn-pace';
import { claimCtlDir } from './ctl-dir-claims';
import { checkCtlPath, defaultCtlDir, newCtlPath, prepareCtlDir } from './ctl-path';
import { masterArgs } from './master-args';
import { VersionReader, versionLogArgs } from './server-version';
import { logVerboseKnown, probeLogVerbose } from './ssh-log-verbose';
import { knownSessionLimit } from './engines/server-limits';
import { muxAliveCheck, muxStopListening, muxTerminate } from './engines/mux/control-socket';
import { isFinal, isLive, transition, type MasterEvent, type MasterState } from './master-state';
import type { ConnectionSettings } from './options';
import { describeSshFailure } from './ssh-stderr';
import { debug } from './debug/debug';
import { scrubSecrets } from './debug/scrub';
import { LoginDriver, exitDuringLogin, type SecretKind } from './login/login-driver';
import type { PtyProcess } from './pty/pty-process';
import { spawnOnPtyUnref } from './pty/pty-worker';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { claimPersistent, persistentPathOf } from './persist/claim';
import { writeMasterInfo } from './persist/master-info';
import { probeMaster } from './persist/master-probe';
import { endPersistentMaster } from './persist/persistent-masters';

const PTY_LOG_MAX = 4096;

/** Whether the master must run on a pty (Net::OpenSSH: password, passphrase, login_handler or master_pty_force). */
export const needsPty = (s: ConnectionSettings): boolean =>
  s.password !== undefined || s.passphrase !== undefined || s.loginHandler !== undefined || s.masterPtyForce;

const KILL_GRACE_MS = 3000;
const CONTROL_TIMEOUT_MS = 5000;

/** The master connection of one OpenSSH object. */
export class Master {
  private readonly states = new BehaviorSubject<MasterState>({ name: 'idle' });
  /** The state and its changes, read-only: only this class moves the state machine. */
  readonly state$: Observable<MasterState> = this.states.asObservable();
  /** The control socket path (known once the master was started or given). */
  ctlPath: string | undefined;
  /** The master ssh process id, when we started it or learnt it from a check. */
  pid: number | undefined;
  /**
   * The server's software version from its identification string (`dropbear_2022.83`), as our master's ssh logged
   * it (server-version.ts); undefined until then, and for a master on a pty or not started by this object.
   */
  serverVersion: string | undefined;
  private child: ChildProcess | undefined;
  /** Masters started so far: a child's end counts only while it is the latest (restart() replaces a stopped one). */
  private generation = 0;
  private pty: PtyProcess | undefined;
  private ptyKilled: PtyProcess | undefined;
  private ptyLog = '';
  private driver: LoginDriver | undefined;
  private handlerBusy = false;
  private handlerSeen = '';
  private readonly owner: () => unknown;
  private external: boolean;
  private stderr = '';
  private pollTimer: NodeJS.Timeout | undefined;
  private loginTimer: JudgingTimer | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** A master start waiting for its turn to fork (spawn-pace.ts): cancel or fork now; true if it was queued. */
  private unstarted: { cancel(): boolean; now(): boolean } | undefined;
  /** Says this connection no longer uses the ctlDir it may have created (ctl-dir-claims.ts). */
  private dirClaim: (() => void) | undefined;
  private readonly onFailure: (error: OpenSSHError) => void;
  /** persist: the start lock while this object starts the master, then the control connection that watches it. */
  private startLock: (() => void) | undefined;
  private watch: Socket | undefined;
  /** persist: attached to the master at the persistent path (used as an external one: never killed by us). */
  private persistent = false;
  /** persist: our ssh found another master already at the path; use that one once ours has ended. */
  private rejoin = false;

  constructor(
    private readonly s: ConnectionSettings,
    onFailure: (error: OpenSSHError) => void,
    /** The first argument of a loginHandler (the OpenSSH object). */
    owner: unknown = undefined,
    /** Tells the commands running through this master to end (on a signal that ends the process: exit-hook.ts). */
    private readonly endCommands?: () => Promise<void>,
  ) {
    this.owner = () => owner; // a function: no cycle for JSON.stringify or inspect
    this.external = s.externalMaster;
    this.ctlPath = s.ctlPath;
    this.onFailure = onFailure;
  }

  /**
   * Publishes a new state. Failed or stopped: once the process is gone (its socket with it), this connection lets go
   * of the ctlDir this process created (ctl-dir-claims.ts).
   */
  private publish(state: MasterState): void {
    this.states.next(state);
    const release = isFinal(state) ? this.dirClaim : undefined;
    if (!release) return;
    this.dirClaim = undefined;
    void this.exited.then(release);
  }

  /** The current state. */
  get state(): MasterState {
    return this.states.value;
  }

  get host(): string {
    return this.s.dest.host;
  }

  /** Starts the master if nothing has started it yet. */
  start(): void {
    this.dispatch({ type: 'start' });
  }

  /** Starts a new master after a failure or disconnect (same settings, new control path unless given). */
  restart(): void {
    if (this.persistent) this.external = this.persistent = false;
    if (!this.s.ctlPath && !this.external) this.ctlPath = undefined;
    this.stderr = '';
    this.ptyLog = '';
    this.serverVersion = undefined;
    this.dispatch({ type: 'restart' });
  }

  private dispatch(event: MasterEvent): void {
    const { state, effects } = transition(this.state, event);
    if (state === this.state && effects.length === 0) return;
    for (const effect of effects) {
      if (effect === 'cancel_timers') this.cancelTimers();
      else if (effect === 'kill') this.kill();
      else if (effect === 'fail_channels' && state.name === 'failed') this.onFailure(state.error);
      else if (effect === 'fail_channels') this.onFailure(masterGone(this.host, 'the master connection was closed'));
    }
    if (state !== this.state) {
      debug(
        'connect',
        () =>
          `${this.describe()}: ${this.state.name} -> ` +
          `${state.name}${state.name === 'failed' ? ` (${state.error.message})` : ''}`,
      );
      if (state.name === 'running') this.ptyLog = ''; // kept only when the connection failed (Net::OpenSSH)
      this.publish(state);
    }
    if (this.startLock && (state.name === 'running' || !isLive(state))) this.releaseStartLock();
    if (effects.includes('spawn')) this.spawnMaster();
  }

  private fail(reason: string): void {
    this.dispatch({
      type: 'fail',
      error: masterFailed(this.host, reason, { stderr: stderrTail(this.stderr) || undefined }),
    });
  }

  private spawnMaster(): void {
    if (this.external) return void this.attachExternal();
    if (this.s.persist !== undefined && !this.startLock) return void (this.exited = this.findPersistent());
    if (!this.ctlPath) this.ctlPath = newCtlPath(this.s.ctlDir ?? defaultCtlDir());
    // the path is checked (its length above all) before its directory is created: a connection that cannot
    // use it leaves nothing behind
    const badPath = checkCtlPath(this.ctlPath, false, this.host);
    if (badPath) return this.dispatch({ type: 'fail', error: badPath });
    const badDir = prepareCtlDir(dirname(this.ctlPath), this.s.strictMode, this.host);
    if (badDir) return this.dispatch({ type: 'fail', error: badDir });
    const previous = this.dirClaim;
    this.dirClaim = claimCtlDir(resolve(dirname(this.ctlPath)));
    previous?.();
    debug('ctlPath', () => `${this.describe()}: control socket ${this.ctlPath}`);
    // the server's version is learnt from the master's stderr when we read it: not on a pty (ssh's debug lines would
    // reach the login prompts' reader), nor when it goes to the caller's own fd
    const learnVersion = !needsPty(this.s) && typeof this.s.masterStderrFh !== 'number';
    const { sshCmd } = this.s;
    const ctlPath = this.ctlPath;
    const argsNow = () => masterArgs(this.s, ctlPath, learnVersion, logVerboseKnown(sshCmd) === true);
    if (needsPty(this.s)) return void this.spawnPtyMaster(this.logged(argsNow()));
    // whether this ssh takes LogVerbose is asked once per process (ssh-log-verbose.ts): the first master waits for
    // the answer. Then forks are paced, one per turn of the loop (spawn-pace.ts); until then, kill() only takes it
    // off the queue, and a master wanted at once starts at once (at LogLevel=DEBUG1 if the answer is not in yet)
    const asked = learnVersion ? probeLogVerbose(sshCmd) : false;
    const generation = ++this.generation;
    this.exited = new Promise((resolve) => {
      const fork = () => {
        this.unstarted = undefined;
        if (this.state.name === 'connecting')
          return this.spawnChild(this.logged(argsNow()), learnVersion, resolve, generation);
        resolve();
        this.settleStopping();
      };
      let waiting = true; // for the answer, not yet queued
      let unqueue = () => (waiting ? ((waiting = false), true) : false);
      const queue = () => {
        if (!waiting) return;
        waiting = false;
        unqueue = pacedStart(fork);
      };
      if (asked instanceof Promise) void asked.then(queue);
      else queue();
      this.unstarted = { cancel: () => unqueue() && (resolve(), true), now: () => unqueue() && (fork(), true) };
    });
  }

  /** `args`, after the debug log says what they are. */
  private logged(args: string[]): string[] {
    debug('args', () => `master: ${this.s.sshCmd} ${JSON.stringify(args)}`);
    return args;
  }

  /** Forks the master ssh (no pty); `exited` is called once it has ended and its end was handled. */
  private spawnChild(args: string[], learnVersion: boolean, exited: () => void, generation: number): void {
    // detached: the master gets its own session, so it has no terminal to prompt on (no hang
    // waiting for a password nobody will type) and a Ctrl-C aimed at us reaches it only through us.
    const outFh = this.s.masterStdoutFh;
    const errFh = this.s.masterStderrFh;
    // masterStderrDiscard: read for the server's version only
    const discard = this.s.masterStderrDiscard && !errFh;
    const child = spawn(this.s.sshCmd, args, {
      detached: true,
      stdio: [
        'ignore',
        typeof outFh === 'number' ? outFh : outFh ? 'pipe' : this.s.masterStdoutDiscard ? 'ignore' : 'inherit',
        typeof errFh === 'number' ? errFh : discard && !learnVersion ? 'ignore' : 'pipe',
      ],
    });
    this.child = child;
    // nothing of ours keeps Node running (keep-alive.ts holds the loop while something is in flight); the
    // master still ends with this process (exit-hook.ts)
    child.unref();
    unrefPipe(child.stdout);
    unrefPipe(child.stderr);
    if (outFh !== undefined && typeof outFh !== 'number') child.stdout?.on('data', (d: Buffer) => outFh.write(d));
    child.stderr?.setEncoding('utf8');
    // the lines our LogLevel added are taken out (not when the user's masterOpts set a level of their own)
    const reader = learnVersion
      ? new VersionReader(versionLogArgs(this.s.masterOpts).length > 0, (v) => (this.serverVersion = v))
      : undefined;
    const take = (d: string) => {
      if (d === '') return;
      if (errFh !== undefined && typeof errFh !== 'number') errFh.write(d);
      if (discard) return;
      this.stderr = stderrTail(this.stderr + d);
      this.noticeLostRace();
    };
    child.stderr?.on('data', (d: string) => take(reader ? reader.feed(d) : d));
    if (reader) child.stderr?.once('end', () => take(reader.end()));
    child.once('error', (e) => {
      this.fail(`unable to run ${this.s.sshCmd}: ${e.message}`);
      exited();
    });
    child.once('close', (code, signal) => {
      if (child.pid) releaseProcess(child.pid);
      // a master that restart() replaced (a stopped one ending after its last client): not the current one's end,
      // also when it ends before its successor's paced fork
      if (this.child !== child || generation !== this.generation) {
        if (this.child === child) this.child = undefined;
        return void exited();
      }
      this.child = undefined;
      const handled = this.foregroundDone(code);
      if (handled) return void handled.then(exited);
      const why = this.endedBy(
        describeSshFailure(
          this.stderr,
          signal ? `master process killed by ${signal}` : `master process exited unexpectedly (code ${code})`,
        ),
      );
      const error =
        this.state.name === 'running'
          ? masterGone(this.host, why, { stderr: this.stderr || undefined })
          : masterFailed(this.host, why, { stderr: this.stderr || undefined });
      this.dispatch({ type: 'exited', error });
      exited();
    });
    if (child.pid === undefined) return; // 'error' follows
    this.started(child.pid, false);
  }

  /** Why a running master ended, with what its server's version says about it (tinysshd ends it with its session). */
  private endedBy(why: string): string {
    const known = this.state.name === 'running' ? knownSessionLimit(this.serverVersion) : undefined;
    return known?.oneSessionPerConnection ? `${why}; ${known.why}: use a new connection per command` : why;
  }

  /** Bookkeeping once the ssh process runs: ownership, state, the login timeout, socket polling. */
  private started(pid: number, login: boolean): void {
    this.pid = pid;
    ownProcess(pid, this.endCommands);
    debug('connect', () => `${this.describe()}: master pid ${pid}${this.pty ? ' on a pty' : ''}`);
    this.dispatch({ type: 'spawned', login });
    if (this.s.timeout !== undefined) {
      // judges the server: time our own loop was stalled does not count (loop-aware-timer.ts)
      this.loginTimer = judgingTimeout(this.s.timeout * 1000, () =>
        this.fail(`login timeout: not connected after ${this.s.timeout} s`),
      );
    }
    this.schedulePoll(2);
  }

  /** The secret to answer prompts with, and its kind (a password wins over a passphrase, as in Net::OpenSSH). */
  private secret(): { kind: SecretKind; value: string } | undefined {
    if (this.s.password !== undefined) return { kind: 'password', value: this.s.password.reveal() };
    if (this.s.passphrase !== undefined) return { kind: 'passphrase', value: this.s.passphrase.reveal() };
    return undefined;
  }

  /** Starts the master on a pty (node-pty) and answers its prompts. */
  private async spawnPtyMaster(args: string[]): Promise<void> {
    const env: Record<string, string | undefined> = { ...process.env };
    if (this.s.password !== undefined || this.s.passphrase !== undefined) {
      // the prompt must come to the pty, never to an askpass program
      delete env.SSH_ASKPASS;
      delete env.SSH_ASKPASS_REQUIRE;
    }
    if (this.s.passphrase !== undefined) delete env.SSH_AUTH_SOCK; // the key, not the agent (Net::OpenSSH)
    let pty: PtyProcess;
    try {
      // persist: ssh must ignore SIGHUP from the start (`trap "" HUP` survives exec), or the pty's hangup when the
      // foreground ssh exits kills the master between its fork to the background and its setsid
      const argv =
        this.s.persist === undefined
          ? [this.s.sshCmd, ...args]
          : ['/bin/sh', '-c', 'trap "" HUP; exec "$0" "$@"', this.s.sshCmd, ...args];
      pty = await spawnOnPtyUnref(argv[0]!, argv.slice(1), { env });
    } catch (e) {
      return this.fail(`this login needs a pty: ${(e as Error).message}`);
    }
    if (this.state.name !== 'connecting') {
      pty.kill('SIGTERM'); // disconnected while node-pty was loading
      return;
    }
    this.pty = pty;
    const secret = this.secret();
    this.driver = new LoginDriver(secret?.kind, this.s.passwordPrompt);
    this.handlerBusy = false;
    this.handlerSeen = '';
    pty.onData((d) => this.onPtyData(d));
    this.exited = pty.exited.then(({ code, signal }) => {
      releaseProcess(pty.pid);
      if (this.pty === pty) this.pty = undefined;
      const handled = this.foregroundDone(code);
      if (handled) return handled;
      const state = this.state.name;
      let why = describeSshFailure(
        this.stderr,
        signal ? `master process killed by ${signal}` : `master process exited unexpectedly (code ${code})`,
      );
      if (state === 'login' || state === 'awaiting_mux')
        why = exitDuringLogin(secret?.kind, this.driver?.sent ?? false, why, this.stderr);
      const details = { stderr: this.stderr || undefined };
      this.dispatch({
        type: 'exited',
        error: state === 'running' ? masterGone(this.host, why, details) : masterFailed(this.host, why, details),
      });
    });
    this.started(pty.pid, secret !== undefined || this.s.loginHandler !== undefined);
  }

  private onPtyData(raw: string): void {
    const text = scrubSecrets(raw);
    this.ptyLog = (this.ptyLog + text).slice(-PTY_LOG_MAX);
    this.stderr = stderrTail(this.stderr + text);
    this.noticeLostRace();
    const errFh = this.s.masterStderrFh;
    if (errFh !== undefined) typeof errFh === 'number' ? writeFd(errFh, text) : errFh.write(text);
    debug('connect', () => `${this.describe()}: master pty shows ${JSON.stringify(text)}`);
    const st = this.state.name;
    if (st !== 'login' && st !== 'awaiting_mux') return;
    if (this.s.loginHandler && this.s.password === undefined && this.s.passphrase === undefined)
      return this.runHandler(raw);
    const action = this.driver?.feed(raw);
    if (action?.type === 'fail') return this.fail(action.reason);
    if (action?.type === 'answer') {
      const secret = this.secret();
      if (!secret || !this.pty) return;
      debug(
        'connect',
        () => `${this.describe()}: answering the ${secret.kind} prompt ${JSON.stringify(scrubSecrets(action.prompt))}`,
      );
      this.pty.write(`${secret.value}\r`);
      this.dispatch({ type: 'logged_in' });
    }
  }

  /** Calls the loginHandler with everything seen so far; again after new output until it returns true. */
  private runHandler(raw: string): void {
    this.handlerSeen = (this.handlerSeen + raw).slice(-65536);
    const handler = this.s.loginHandler;
    const pty = this.pty;
    if (this.handlerBusy || !handler || !pty || this.state.name !== 'login') return;
    this.handlerBusy = true;
    const seen = this.handlerSeen;
    Promise.resolve()
      .then(() => handler(this.owner(), pty, seen))
      .then(
        (done) => {
          this.handlerBusy = false;
          if (this.state.name !== 'login') return;
          if (done === true) this.dispatch({ type: 'logged_in' });
          else if (this.handlerSeen !== seen) this.runHandler('');
        },
        (e: unknown) => {
          this.handlerBusy = false;
          this.fail(`custom login handler failed: ${scrubSecrets(e instanceof Error ? e.message : String(e))}`);
        },
      );
  }

  /** What the master's pty showed (last 4 KiB, secrets scrubbed); emptied once the master runs. */
  getPtyLog(): string {
    return this.ptyLog;
  }

  private async attachExternal(): Promise<void> {
    const bad = checkCtlPath(this.ctlPath!, true, this.host);
    if (bad) return this.dispatch({ type: 'fail', error: bad });
    const pid = await this.controlCheck();
    if (pid === undefined) return this.fail(`no master answers at ${this.ctlPath}`);
    this.pid = pid;
    this.dispatch({ type: 'socket_ready' });
  }

  /** persist: reuse the live master at the persistent path, or take the start lock and start one there. */
  private async findPersistent(): Promise<void> {
    const claim = await claimPersistent(this.s, this.host, () => isLive(this.state) && this.state.name !== 'running');
    this.ctlPath = claim.ctlPath;
    if (claim.kind === 'failed') return this.dispatch({ type: 'fail', error: claim.error });
    if (claim.kind === 'cancelled') return this.settleStopping();
    if (claim.kind === 'alive') {
      debug('connect', () => `${this.describe()}: reusing the persistent master pid ${claim.pid} at ${claim.ctlPath}`);
      return this.attachPersistent(claim.pid, claim.socket);
    }
    this.startLock = claim.release;
    this.spawnMaster();
  }

  /**
   * persist: the foreground ssh ended. Exit 0 means the master now runs in the background (ControlPersist):
   * attach to it. After a lost start race, use the other master. Undefined: an ordinary failure.
   */
  private foregroundDone(code: number | null): Promise<void> | undefined {
    if (this.s.persist === undefined || !isLive(this.state) || this.state.name === 'running') return undefined;
    if (this.rejoin) {
      this.rejoin = false;
      this.releaseStartLock();
      return this.findPersistent();
    }
    return code === 0 ? this.attachStarted() : undefined;
  }

  private async attachStarted(): Promise<void> {
    const seen = await probeMaster(this.ctlPath!, this.host).catch((e: OpenSSHError) => e);
    if (seen instanceof Error) return this.dispatch({ type: 'fail', error: seen });
    if (seen.kind !== 'alive') return this.fail(`ssh went to the background but no master answers at ${this.ctlPath}`);
    writeMasterInfo(this.ctlPath!, { destination: this.describe(), persistSeconds: this.s.persist! });
    debug(
      'connect',
      () =>
        `${this.describe()}: persistent master pid ${seen.pid} at ${this.ctlPath} (for ${this.s.persist} s once idle)`,
    );
    this.attachPersistent(seen.pid, seen.socket);
  }

  /** Uses a persistent master as an external one; its control connection stays open: it closes when the master ends. */
  private attachPersistent(pid: number, socket: Socket): void {
    if (!isLive(this.state) || this.state.name === 'running') {
      socket.destroy();
      return this.settleStopping();
    }
    this.pid = pid;
    this.external = this.persistent = true;
    this.watch = socket;
    socket.once('close', () => {
      if (this.watch !== socket) return;
      this.watch = undefined;
      this.dispatch({
        type: 'exited',
        error: masterGone(this.host, `the persistent master (pid ${pid}) at ${this.ctlPath} ended`),
      });
    });
    this.dispatch({ type: 'socket_ready' });
  }

  /**
   * persist: ssh found a socket already at our path ("already exists, disabling multiplexing"): end ours, use that one.
   */
  private noticeLostRace(): void {
    if (this.s.persist === undefined || this.rejoin || !this.stderr.includes('already exists, disabling multiplexing'))
      return;
    this.rejoin = true;
    debug('connect', () => `${this.describe()}: another master took ${this.ctlPath} first; using it`);
    this.child?.kill('SIGTERM');
    this.pty?.kill('SIGTERM');
  }

  private releaseStartLock(): void {
    const release = this.startLock;
    this.startLock = undefined;
    release?.();
  }

  /** A start ended by disconnect() before any process of ours ran: stopping becomes stopped. */
  private settleStopping(): void {
    if (this.state.name === 'stopping') this.dispatch({ type: 'exited', error: masterGone(this.host, 'disconnected') });
  }

  private schedulePoll(delay: number): void {
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      if (this.tick() === undefined) this.schedulePoll(Math.min(delay * 1.5, 50));
    }, delay);
    this.pollTimer.unref(); // whoever waits for the master holds the loop (whenRunning)
  }

  /** Does what can be done now: true running, false failed/stopped/idle, undefined still connecting. */
  tick(): boolean | undefined {
    const st = this.state.name;
    if (st === 'running') return true;
    if (st === 'failed' || st === 'stopped' || st === 'idle' || st === 'stopping') return false;
    if (
      (st === 'awaiting_mux' || st === 'login') &&
      this.s.persist === undefined &&
      this.ctlPath &&
      isSocket(this.ctlPath)
    ) {
      this.dispatch({ type: 'socket_ready' });
      return true;
    }
    return undefined;
  }

  /**
   * Resolves when running; rejects with the master's error when it failed or was stopped. The process is kept
   * alive while this is pending: a master that is connecting with nobody waiting for it does not keep it alive.
   */
  whenRunning(): Promise<void> {
    if (this.state.name === 'idle') this.start();
    return holdWhile(
      new Promise((resolve, reject) => {
        const sub = this.states.subscribe((s) => {
          if (s.name === 'running') resolve();
          else if (s.name === 'failed') reject(s.error);
          else if (s.name === 'stopped' || s.name === 'stopping')
            reject(masterGone(this.host, 'the master connection was closed (disconnect or stop)'));
          else return;
          queueMicrotask(() => sub.unsubscribe());
        });
      }),
    );
  }

  /**
   * The alive check through the control socket (`ssh -O check` without a process): the master's pid, or undefined when
   * no master answers.
   */
  async controlCheck(): Promise<number | undefined> {
    if (!this.ctlPath) return undefined;
    return muxAliveCheck(this.ctlPath, CONTROL_TIMEOUT_MS).catch(() => undefined);
  }

  /**
   * Called when a slave or a proxy connection could not reach the master: when the master runs but its control socket
   * is gone (deleted), nothing can reach it any more, which is a master failure. The master then fails (ours is
   * ended, as on any failure) and its error is returned; undefined when the socket is there.
   */
  noticeSocketGone(): OpenSSHError | undefined {
    if (this.state.name !== 'running' || !this.ctlPath || isSocket(this.ctlPath)) return undefined;
    const why = `its control socket ${this.ctlPath} is gone (deleted while the master ran), so nothing can reach it`;
    const error = masterGone(this.host, why);
    this.dispatch({ type: 'fail', error }); // running -> failed: ends our ssh, fails what runs
    return error;
  }

  /** Whether the master answers through its socket (and is the process we started, when we started one). */
  async check(): Promise<boolean> {
    if (this.state.name !== 'running') return false;
    const pid = await this.controlCheck();
    if (pid === undefined) return false;
    if (!this.external && this.pid !== undefined && pid !== this.pid) {
      this.fail(`bad ssh master at ${this.ctlPath}: socket owned by pid ${pid} (pid ${this.pid} expected)`);
      return false;
    }
    this.pid = pid;
    return true;
  }

  /**
   * Ends the master (ours: SIGTERM then SIGKILL; an external or disowned one: `ssh -O exit`, unless
   * `endExternal` is false: then it is only let go) and waits for it to be gone. A persistent master is
   * only let go: it lives on for other connections until idle for its duration.
   */
  disconnect(endExternal = true): Promise<void> {
    return holdWhile(this.end(endExternal));
  }

  private async end(endExternal: boolean): Promise<void> {
    if (endExternal && this.external && !this.persistent && this.state.name === 'running' && this.ctlPath) {
      await muxTerminate(this.ctlPath, CONTROL_TIMEOUT_MS).catch(() => {}); // already gone is fine
    }
    const wasExternal = this.external;
    this.dispatch({ type: 'disconnect' });
    const watch = this.watch;
    this.watch = undefined;
    watch?.destroy();
    this.kill(); // also after stop(), when the state machine has nothing left to end
    await this.exited;
    if (wasExternal && this.state.name === 'stopping') this.publish({ name: 'stopped' });
    // a master whose fork was still queued (spawn-pace.ts) was cancelled inside the dispatch, before the state
    // became stopping: no process will report an end, so it is settled here
    else this.settleStopping();
  }

  /**
   * Ends the master whoever started it: as disconnect() for ours; a persistent one (attached or not) is told
   * to exit through its socket (`ssh -O exit`), and this waits until its process is gone.
   */
  terminate(): Promise<void> {
    return holdWhile(this.endWhoeverStarted());
  }

  private async endWhoeverStarted(): Promise<void> {
    const attached = this.persistent && this.state.name === 'running' ? this.pid : undefined;
    await this.end(true);
    if (this.s.persist === undefined) return;
    const ctlPath = this.ctlPath ?? persistentPathOf(this.s);
    const seen = await probeMaster(ctlPath, this.host).catch((e: OpenSSHError) => {
      if (attached === undefined) throw e;
      return undefined; // the master we were attached to no longer answers (hung, stopped): end it by its pid
    });
    if (seen === undefined) return endPersistentMaster(ctlPath, attached!);
    if (seen.kind !== 'alive') return;
    seen.socket.destroy();
    await endPersistentMaster(ctlPath, seen.pid);
  }

  /**
   * `ssh -O stop`: the master stops accepting new operations; running ones go on. New calls see the `stopped`
   * state and fail with OSSH_MASTER_FAILED. The master (started with `-N`) exits once its last control client
   * leaves: at once after the spawn engine's last slave; the mux engine's own control connection stays its
   * client until disconnect().
   */
  async stop(): Promise<boolean> {
    if (this.state.name !== 'running' || !this.ctlPath) return false;
    const answered = await muxStopListening(this.ctlPath, CONTROL_TIMEOUT_MS).then(
      () => true,
      () => false,
    );
    if (!answered) return false;
    this.publish({ name: 'stopped' });
    return true;
  }

  /** Lets the master outlive this object and this process; returns its pid. */
  disown(): number | undefined {
    // a master on a pty cannot outlive us: the pty closes with this process and ssh gets SIGHUP
    if (this.pty) return this.pid;
    this.unstarted?.now(); // still waiting for its turn to fork: the master to let go of is started now
    if (this.pid !== undefined) releaseProcess(this.pid);
    this.external = true;
    this.child?.stderr?.destroy();
    this.child = undefined;
    this.exited = Promise.resolve();
    return this.pid;
  }

  private kill(): void {
    if (this.unstarted?.cancel()) {
      this.unstarted = undefined;
      return this.settleStopping(); // never forked: nothing to end
    }
    const pty = this.pty;
    if (pty && !this.external && !pty.done) {
      if (this.ptyKilled === pty) return;
      this.ptyKilled = pty;
      debug('destroy', () => `${this.describe()}: killing master pid ${pty.pid}`);
      pty.kill('SIGTERM');
      const force = setTimeout(() => pty.kill('SIGKILL'), KILL_GRACE_MS);
      force.unref(); // a disconnect() holds the loop while it waits; otherwise exit-hook.ts ends the master
      void pty.exited.then((how) => {
        clearTimeout(force);
        if (this.ctlPath && isSocket(this.ctlPath) && how.signal === 'KILL') rmSync(this.ctlPath, { force: true });
      });
      return;
    }
    const child = this.child;
    if (this.external || !child || child.exitCode !== null || child.signalCode !== null) return;
    debug('destroy', () => `${this.describe()}: killing master pid ${child.pid}`);
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    force.unref();
    child.once('close', () => {
      clearTimeout(force);
      // ssh removes its socket on SIGTERM; a SIGKILLed one cannot
      if (this.ctlPath && isSocket(this.ctlPath) && child.signalCode === 'SIGKILL')
        rmSync(this.ctlPath, { force: true });
    });
  }

  private cancelTimers(): void {
    clearTimeout(this.pollTimer);
    this.loginTimer?.cancel();
    this.pollTimer = this.loginTimer = undefined;
  }

  /** "user@host:port" for messages. */
  describe(): string {
    return displayDestination({ user: this.s.user, hostSquared: this.s.dest.hostSquared, port: this.s.port });
  }
}

const unrefPipe = (pipe: Readable | null): void => void (pipe as Partial<Socket> | null)?.unref?.();

const writeFd = (fd: number, text: string): void => {
  try {
    writeSync(fd, text);
  } catch {
    // a closed fd: nothing to report it to
  }
};

const isSocket = (p: string): boolean => {
  try {
    return lstatSync(p).isSocket();
  } catch {
    return false;
  }
};
