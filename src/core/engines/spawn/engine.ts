// The spawn engine: one `ssh -S <ctl> -o ControlMaster=no ...` slave process per operation, as
// Net::OpenSSH does. Works for every request; needed for sshOpts, tunnels and local ptys.
import { spawn, type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import type { Channel, ChannelRequest, Engine, ExitStatus } from '../../channel';
import { slaveFailed, type OpenSSHError } from '../../errors';
import { holdWhile } from '../../keep-alive';
import { slaveArgs } from '../../slave-args';
import type { EngineContext } from '../engine';
import { SessionBudget } from '../session-budget';
import { QueuedChannel } from './queued-channel';

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
  const start = (req: ChannelRequest, session: boolean): SpawnChannel => {
    const ch = new SpawnChannel(ctx, req, () => {
      open.delete(ch);
      if (session) budget.releaseSpawn();
    });
    open.add(ch);
    return ch;
  };
  // every channel keeps the process alive from open until its exit settles (keep-alive.ts), queued ones too
  const held = <C extends Channel>(ch: C): C => (holdWhile(ch.exit), ch);
  return {
    name: 'spawn',
    supports: () => true,
    open(req) {
      if (req.kind === 'tunnel') return held(start(req, false));
      let now: SpawnChannel | undefined;
      let queued: QueuedChannel | undefined;
      const cancel = budget.acquireSpawn(() => {
        if (!queued) return void (now = start(req, true));
        waiting.delete(queued);
        queued.start(start(req, true));
      });
      if (now) return held(now);
      ctx.debug?.(`spawn: waiting for a free session (${budget.limit} in use)`);
      queued = new QueuedChannel(() => {
        waiting.delete(queued!);
        cancel();
      });
      waiting.add(queued);
      return held(queued);
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
  readonly stdout;
  readonly stderr;
  readonly exit: Promise<ExitStatus>;
  readonly pid: number | undefined;
  private readonly child: ChildProcess;
  private failure: OpenSSHError | undefined;
  private closing = false;

  constructor(ctx: EngineContext, req: ChannelRequest, done: () => void) {
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
    this.stderr = this.child.stderr!;
    this.exit = new Promise<ExitStatus>((resolve, reject) => {
      this.child.once('error', (e) => reject(slaveFailed(ctx.host, `${ctx.sshCmd}: ${e.message}`, e)));
      this.child.once('close', async (code, signal) => {
        done();
        // a slave that exited with a code of its own (not ssh's 255) had the command's status from the master: the
        // command completed, even when the master died right after (tinysshd ends the connection with the session)
        if (this.failure && (signal !== null || code === null || code === 255)) return reject(this.failure);
        if (code === 255 && !this.closing) {
          let gone = ctx.masterError();
          if (!gone) {
            await new Promise((r) => setTimeout(r, MASTER_DEATH_WINDOW_MS));
            gone = ctx.masterError();
          }
          if (gone) return reject(gone);
        }
        resolve({ code: signal ? null : code, signal: signal ? signal.replace(/^SIG/, '') : null });
      });
    });
    this.exit.catch(() => {}); // observed by the caller; never an unhandled rejection here
  }

  async signal(name: string): Promise<void> {
    // A slave process cannot forward a signal to the remote command: it can only end itself,
    // which closes the session (the remote command gets SIGHUP only if it has a tty).
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
    c.kill(sig);
    const force = setTimeout(() => c.kill('SIGKILL'), KILL_GRACE_MS);
    force.unref();
    c.once('close', () => clearTimeout(force));
  }
}
