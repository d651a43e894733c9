// Runs the master: spawns `ssh -M -N -S <ctl>`, drives the pure state machine (master-state.ts),
// publishes state$, and answers waitForMaster / check / disconnect / stop / disown.
import { spawn, type ChildProcess } from 'node:child_process';
import { lstatSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { BehaviorSubject } from 'rxjs';
import { displayDestination } from './destination';
import { masterFailed, masterGone, stderrTail, type OpenSSHError } from './errors';
import { ownProcess, releaseProcess } from './exit-hook';
import { checkCtlPath, defaultCtlDir, newCtlPath, prepareCtlDir } from './ctl-path';
import { masterArgs } from './master-args';
import { muxAliveCheck, muxStopListening, muxTerminate } from './engines/mux/control-socket';
import { transition, type MasterEvent, type MasterState } from './master-state';
import type { ConnectionSettings } from './options';
import { describeSshFailure } from './ssh-stderr';

const KILL_GRACE_MS = 3000;
const CONTROL_TIMEOUT_MS = 5000;

/** The master connection of one OpenSSH object. */
export class Master {
  readonly state$: BehaviorSubject<MasterState>;
  /** The control socket path (known once the master was started or given). */
  ctlPath: string | undefined;
  /** The master ssh process id, when we started it or learnt it from a check. */
  pid: number | undefined;
  private child: ChildProcess | undefined;
  private external: boolean;
  private stderr = '';
  private pollTimer: NodeJS.Timeout | undefined;
  private loginTimer: NodeJS.Timeout | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly onFailure: (error: OpenSSHError) => void;

  constructor(
    private readonly s: ConnectionSettings,
    onFailure: (error: OpenSSHError) => void,
  ) {
    this.external = s.externalMaster;
    this.ctlPath = s.ctlPath;
    this.onFailure = onFailure;
    this.state$ = new BehaviorSubject<MasterState>({ name: 'idle' });
  }

  get state(): MasterState {
    return this.state$.value;
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
    if (!this.s.ctlPath && !this.external) this.ctlPath = undefined;
    this.stderr = '';
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
    if (state !== this.state) this.state$.next(state);
    if (effects.includes('spawn')) this.spawnMaster();
  }

  private fail(reason: string): void {
    this.dispatch({ type: 'fail', error: masterFailed(this.host, reason, { stderr: stderrTail(this.stderr) || undefined }) });
  }

  private spawnMaster(): void {
    if (this.external) return void this.attachExternal();
    if (this.s.password !== undefined || this.s.passphrase !== undefined)
      return this.fail('password and passphrase login are not supported yet (they need the pty login of a later release); use a key or an agent');
    if (!this.ctlPath) {
      const dir = this.s.ctlDir ?? defaultCtlDir();
      const bad = prepareCtlDir(dir, this.s.strictMode, this.host);
      if (bad) return this.dispatch({ type: 'fail', error: bad });
      this.ctlPath = newCtlPath(dir);
    } else {
      const bad = prepareCtlDir(dirname(this.ctlPath), this.s.strictMode, this.host);
      if (bad) return this.dispatch({ type: 'fail', error: bad });
    }
    const bad = checkCtlPath(this.ctlPath, false, this.host);
    if (bad) return this.dispatch({ type: 'fail', error: bad });

    // detached: the master gets its own session, so it has no terminal to prompt on (no hang
    // waiting for a password nobody will type) and a Ctrl-C aimed at us reaches it only through us.
    const child = spawn(this.s.sshCmd, masterArgs(this.s, this.ctlPath), {
      detached: true,
      stdio: ['ignore', this.s.masterStdoutDiscard ? 'ignore' : 'inherit', this.s.masterStderrDiscard ? 'ignore' : 'pipe'],
    });
    this.child = child;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => (this.stderr = stderrTail(this.stderr + d)));
    this.exited = new Promise((resolve) => {
      child.once('error', (e) => {
        this.fail(`unable to run ${this.s.sshCmd}: ${e.message}`);
        resolve();
      });
      child.once('close', (code, signal) => {
        if (child.pid) releaseProcess(child.pid);
        this.child = undefined;
        const why = describeSshFailure(this.stderr, signal ? `master process killed by ${signal}` : `master process exited unexpectedly (code ${code})`);
        const error = this.state.name === 'running'
          ? masterGone(this.host, why, { stderr: this.stderr || undefined })
          : masterFailed(this.host, why, { stderr: this.stderr || undefined });
        this.dispatch({ type: 'exited', error });
        resolve();
      });
    });
    if (child.pid === undefined) return; // 'error' follows
    this.pid = child.pid;
    ownProcess(child.pid);
    this.dispatch({ type: 'spawned', login: false });
    if (this.s.timeout !== undefined) {
      this.loginTimer = setTimeout(() => this.fail(`login timeout: not connected after ${this.s.timeout} s`), this.s.timeout * 1000);
    }
    this.schedulePoll(2);
  }

  private async attachExternal(): Promise<void> {
    const bad = checkCtlPath(this.ctlPath!, true, this.host);
    if (bad) return this.dispatch({ type: 'fail', error: bad });
    const pid = await this.controlCheck();
    if (pid === undefined) return this.fail(`no master answers at ${this.ctlPath}`);
    this.pid = pid;
    this.dispatch({ type: 'socket_ready' });
  }

  private schedulePoll(delay: number): void {
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      if (this.tick() === undefined) this.schedulePoll(Math.min(delay * 1.5, 50));
    }, delay);
  }

  /** Does what can be done now: true running, false failed/stopped/idle, undefined still connecting. */
  tick(): boolean | undefined {
    const st = this.state.name;
    if (st === 'running') return true;
    if (st === 'failed' || st === 'stopped' || st === 'idle' || st === 'stopping') return false;
    if (st === 'awaiting_mux' && this.ctlPath && isSocket(this.ctlPath)) {
      this.dispatch({ type: 'socket_ready' });
      return true;
    }
    return undefined;
  }

  /** Resolves when running; rejects with the master's error when it failed or was stopped. */
  whenRunning(): Promise<void> {
    if (this.state.name === 'idle') this.start();
    return new Promise((resolve, reject) => {
      const sub = this.state$.subscribe((s) => {
        if (s.name === 'running') resolve();
        else if (s.name === 'failed') reject(s.error);
        else if (s.name === 'stopped' || s.name === 'stopping') reject(masterGone(this.host, 'the master connection was closed (disconnect or stop)'));
        else return;
        queueMicrotask(() => sub.unsubscribe());
      });
    });
  }

  /** The alive check through the control socket (`ssh -O check` without a process): the master's pid, or undefined when no master answers. */
  async controlCheck(): Promise<number | undefined> {
    if (!this.ctlPath) return undefined;
    return muxAliveCheck(this.ctlPath, CONTROL_TIMEOUT_MS).catch(() => undefined);
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

  /** Ends the master (ours: SIGTERM then SIGKILL; an external one: `ssh -O exit`) and waits for it to be gone. */
  async disconnect(): Promise<void> {
    if (this.external && this.state.name === 'running' && this.ctlPath) {
      await muxTerminate(this.ctlPath, CONTROL_TIMEOUT_MS).catch(() => {}); // already gone is fine
    }
    const wasExternal = this.external;
    this.dispatch({ type: 'disconnect' });
    this.kill(); // also after stop(), when the state machine has nothing left to end
    await this.exited;
    if (wasExternal && this.state.name === 'stopping') this.state$.next({ name: 'stopped' });
  }

  /** `ssh -O stop`: the master stops accepting new operations; running ones go on. */
  async stop(): Promise<boolean> {
    if (this.state.name !== 'running' || !this.ctlPath) return false;
    const answered = await muxStopListening(this.ctlPath, CONTROL_TIMEOUT_MS).then(() => true, () => false);
    if (!answered) return false;
    this.onFailure(masterGone(this.host, 'master stopped'));
    this.state$.next({ name: 'stopped' });
    return true;
  }

  /** Lets the master outlive this object and this process; returns its pid. */
  disown(): number | undefined {
    if (this.pid !== undefined) releaseProcess(this.pid);
    this.external = true;
    this.child?.unref();
    this.child?.stderr?.destroy();
    this.child = undefined;
    this.exited = Promise.resolve();
    return this.pid;
  }

  private kill(): void {
    const child = this.child;
    if (this.external || !child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    child.once('close', () => {
      clearTimeout(force);
      // ssh removes its socket on SIGTERM; a SIGKILLed one cannot
      if (this.ctlPath && isSocket(this.ctlPath) && child.signalCode === 'SIGKILL') rmSync(this.ctlPath, { force: true });
    });
  }

  private cancelTimers(): void {
    clearTimeout(this.pollTimer);
    clearTimeout(this.loginTimer);
    this.pollTimer = this.loginTimer = undefined;
  }

  /** "user@host:port" for messages. */
  describe(): string {
    return displayDestination({ user: this.s.user, hostSquared: this.s.dest.hostSquared, port: this.s.port });
  }
}

const isSocket = (p: string): boolean => {
  try {
    return lstatSync(p).isSocket();
  } catch {
    return false;
  }
};
