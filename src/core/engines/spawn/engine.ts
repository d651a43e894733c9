// The spawn engine: one `ssh -S <ctl> -o ControlMaster=no ...` slave process per operation, as
// Net::OpenSSH does. Works for every request; needed for sshOpts, tunnels and local ptys.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { PassThrough, type Readable, Writable } from 'node:stream';
import type { Channel, ChannelRequest, Engine, ExitStatus } from '../../channel';
import { OpenSSHError, slaveFailed } from '../../errors';
import { holdWhile } from '../../keep-alive';
import { slaveArgs } from '../../slave-args';
import type { EngineContext } from '../engine';
import { SessionBudget } from '../session-budget';
import { learnedLimit } from '../mux/admission';
import { streamEnded } from '../stream-ended';
import { QueuedChannel } from './queued-channel';
import { RefusalGate, SessionRefused } from './refusal-gate';

const KILL_GRACE_MS = 2000;
// ssh's own failures exit 255; when the master just died its exit event may trail the slave's by a moment
const MASTER_DEATH_WINDOW_MS = 150;

const closedWritable = (): Writable => {
  const w = new Writable({ write: (_c, _e, cb) => cb() });
  w.end();
  return w;
};

/**
 * Creates the spawn engine for the master described by `ctx`. A session's slave starts once `budget`
 * (shared with the mux engine) has a session free, and waits until then; a tunnel (`ssh -W`) is no session.
 */
export const createSpawnEngine = (ctx: EngineContext, budget = new SessionBudget(ctx.maxSessions)): Engine => {
  const open = new Set<SpawnChannel>();
  const waiting = new Set<QueuedChannel>();
  // spawn() can throw at once (E2BIG for an argv over the kernel's limit): the session goes back, the call fails alone
  const start = (req: ChannelRequest, session: boolean, gated = false): SpawnChannel => {
    let ch: SpawnChannel;
    try {
      ch = new SpawnChannel(
        ctx,
        req,
        (abandoned) => {
          open.delete(ch);
          if (session) budget.releaseSpawn(abandoned);
        },
        gated,
      );
    } catch (e) {
      if (session) budget.releaseSpawn(false);
      throw e instanceof OpenSSHError ? e : slaveFailed(ctx.host, `${ctx.sshCmd}: ${(e as Error).message}`, e);
    }
    // killed with its remote command running: the session stays taken until that command ends (session-budget.ts)
    if (session) ch.onAbandoned = () => budget.abandonSpawn();
    open.add(ch);
    return ch;
  };
  // every channel keeps the process alive from open until its exit settles (keep-alive.ts), queued ones too
  const held = <C extends Channel>(ch: C): C => (holdWhile(ch.exit), ch);

  // what was open beside each gated slave when it started, and the slaves started until then
  const startedWith = new WeakMap<QueuedChannel, { others: number; starts: number }>();
  // the channel waits for a free session, then its slave starts (at once when one is free), its stderr held while it
  // may be the server's refusal (refusal-gate.ts)
  const wait = (req: ChannelRequest, q: QueuedChannel): void => {
    waiting.add(q);
    const cancel = budget.acquireSpawn(() => {
      waiting.delete(q);
      startedWith.set(q, { others: budget.inUse() - 1, starts: budget.spawnStarts });
      let ch: SpawnChannel;
      try {
        ch = start(req, true, true);
      } catch (e) {
        return void q.fail(e as OpenSSHError);
      }
      q.start(ch);
    });
    q.cancel = () => {
      waiting.delete(q);
      cancel();
    };
  };

  // A command whose session the server refused while others were open or opening: the server allows fewer than we
  // thought (its MaxSessions is below maxSessions). Nothing ran (the session never opened; the caller saw nothing of
  // the refused slave), so it waits for a session and starts again, given its stdin again (stdin-replay.ts), and the
  // limit is lowered to what was open when it asked (1 if the others only started beside it). With nothing else open
  // or started, the refusal is real, and the call fails with it (OSSH_SLAVE_FAILED), as it does for a command that
  // had written more than 1 MiB to the refused slave's stdin.
  const retryRefused = (req: ChannelRequest, q: QueuedChannel): boolean => {
    const at = startedWith.get(q);
    if (!at || (at.others === 0 && budget.spawnStarts === at.starts)) return false;
    const lower = learnedLimit(budget.limit, Math.max(1, at.others));
    ctx.debug?.(`spawn: session refused beside others: session limit ${budget.limit} -> ${lower}; queued again`);
    budget.lower(lower);
    wait(req, q);
    return true;
  };

  return {
    name: 'spawn',
    supports: () => true,
    open(req) {
      if (req.kind === 'tunnel') return held(start(req, false));
      const q: QueuedChannel = new QueuedChannel(
        ctx.host,
        () => budget.describe(),
        () => retryRefused(req, q),
      );
      wait(req, q);
      if (q.waitingFor()) ctx.debug?.(`spawn: waiting for a free session (${budget.limit} in use)`);
      return held(q);
    },
    failAll(error) {
      for (const q of [...waiting]) q.fail(error);
      for (const ch of open) ch.fail(error);
    },
    dispose() {
      for (const q of [...waiting]) q.close();
      for (const ch of open) ch.close();
    },
  };
};

class SpawnChannel implements Channel {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly exit: Promise<ExitStatus>;
  readonly pid: number | undefined;
  private readonly child: ChildProcess;
  private failure: OpenSSHError | undefined;
  private closing = false;
  private killed = false;
  /** Called when the slave we ended is gone but the master still holds its pipes: the remote command runs on. */
  onAbandoned: (() => void) | undefined;

  /** `gated`: the slave's stderr is held while it may be the server's refusal of the session (refusal-gate.ts). */
  constructor(ctx: EngineContext, req: ChannelRequest, done: (abandoned: boolean) => void, gated = false) {
    const args = slaveArgs(req, ctx.ctlPath, ctx.destinationArgs, ctx.defaultSshOpts);
    ctx.debug?.(`spawn: ${ctx.sshCmd} ${JSON.stringify(args)}`);
    this.child = spawn(ctx.sshCmd, args, {
      stdio: [req.stdin === 'pipe' ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      detached: req.setpgrp === true,
    });
    this.pid = this.child.pid;
    this.stdin = this.child.stdin ?? closedWritable();
    // EPIPE when the remote command exits before reading all its stdin is not an error of ours
    this.stdin.on('error', () => {});
    this.stdout = this.child.stdout!;
    // stderr reaches the caller through our own stream, which can end while the pipe stays open (see 'exit' below)
    const rawErr = this.child.stderr!;
    const gate = gated ? new RefusalGate() : undefined;
    const ourErr = (gate ? rawErr.pipe(gate) : rawErr).pipe(new PassThrough());
    this.stderr = ourErr;
    this.exit = new Promise<ExitStatus>((resolve, reject) => {
      const status = (code: number | null, signal: NodeJS.Signals | null): ExitStatus => ({
        code: signal ? null : code,
        signal: signal ? signal.replace(/^SIG/, '') : null,
      });
      this.child.once('error', (e) => reject(slaveFailed(ctx.host, `${ctx.sshCmd}: ${e.message}`, e)));
      // The master was handed the slave's stdio. When the slave dies it closes the slave's stdin and stdout, but keeps
      // its stderr until the server closes the session, which sshd does only once the remote command ends: a slave we
      // killed while its command runs (without a tty, a silent command is not told: see session-budget.ts) ends with
      // its session still taken. Its exit settles now (our stderr ends, stdout has); the pipe is drained, unref'd
      // (it keeps nothing alive), and its close tells the budget the session ended.
      let abandoned = false;
      this.child.once('exit', (code, signal) => {
        if (!this.killed || (rawErr.readableEnded && this.child.stdout?.readableEnded)) return;
        abandoned = true;
        ctx.debug?.('spawn: slave ended by us; its session is taken until the remote command ends');
        this.onAbandoned?.();
        rawErr.unpipe();
        gate?.unpipe(ourErr);
        ourErr.end();
        rawErr.resume();
        (rawErr as Partial<Socket>).unref?.();
        const stdoutOver = this.stdout.readableEnded || this.stdout.destroyed ? undefined : streamEnded(this.stdout);
        void Promise.resolve(stdoutOver).then(() =>
          this.failure ? reject(this.failure) : resolve(status(code, signal)),
        );
      });
      this.child.once('close', async (code, signal) => {
        done(abandoned);
        // refused before the command could start: nothing ran, the caller saw nothing of it (engine.ts decides)
        if (gate?.refused && code === 255 && !this.closing && !this.failure && !ctx.masterError())
          return reject(new SessionRefused(gate.text));
        // a slave that exited with a code of its own (not ssh's 255) had the command's status from the master: the
        // command completed, even when the master died right after (tinysshd ends the connection with the session)
        if (this.failure && (signal !== null || code === null || code === 255)) return reject(this.failure);
        if (code === 255 && !this.closing) {
          // a slave that finds no control socket fails at its ProxyCommand=false guard ("kex_exchange_identification"):
          // with the socket gone the master is unreachable, a master failure (socketGone fails the master)
          let gone = ctx.masterError() ?? ctx.socketGone?.();
          if (!gone) {
            await new Promise((r) => setTimeout(r, MASTER_DEATH_WINDOW_MS));
            gone = ctx.masterError();
          }
          if (gone) return reject(gone);
        }
        resolve(status(code, signal));
      });
    });
    this.exit.catch(() => {}); // observed by the caller; never an unhandled rejection here
  }

  async signal(name: string): Promise<void> {
    // A slave cannot forward a signal to the remote command (OpenSSH's master has no way to): it can only end itself.
    // The remote command gets SIGHUP if it has a tty; without one it runs on, its session taken, until it ends.
    this.kill(`SIG${name.replace(/^SIG/, '')}` as NodeJS.Signals);
  }

  close(): void {
    this.closing = true;
    this.kill('SIGTERM');
  }

  /**
   * Ends the slave and makes `exit` reject with `error`, unless the slave exits with the command's status first: the
   * master's death ends its slaves by itself, and one may still be passing on the status the server sent last.
   */
  fail(error: OpenSSHError): void {
    this.failure ??= error;
    setTimeout(() => this.kill('SIGTERM'), MASTER_DEATH_WINDOW_MS).unref();
  }

  private kill(sig: NodeJS.Signals): void {
    const c = this.child;
    if (c.exitCode !== null || c.signalCode !== null || c.pid === undefined) return;
    this.killed = true;
    c.kill(sig);
    const force = setTimeout(() => c.kill('SIGKILL'), KILL_GRACE_MS);
    force.unref();
    c.once('close', () => clearTimeout(force));
  }
}
