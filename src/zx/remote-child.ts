// zx drives a ChildProcess: streams, `pid`, `kill()`, and 'exit' / 'close' / 'error' events. This is
// one whose command runs over the connection (the connection's engine, mux or spawn), so zx's own
// ProcessPromise, with its pipes, nothrow, quiet, timeout and kill, works on a remote command.
import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { RemoteProcess } from '../core/remote-process';

/** Which of the child's streams are pipes that zx reads or writes. */
export interface ChildPipes {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

const signalName = (signal: NodeJS.Signals | number | undefined): string => {
  if (signal === undefined) return 'TERM';
  if (typeof signal === 'number') {
    const name = Object.entries(constants.signals).find(([, n]) => n === signal)?.[0];
    return (name ?? 'TERM').replace(/^SIG/, '');
  }
  return signal.replace(/^SIG/, '');
};

/** A ChildProcess look-alike over a remote command that `start` opens. */
export class RemoteChild extends EventEmitter {
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  killed = false;
  private proc: RemoteProcess | undefined;
  private closeAsked = false;
  private ended = false;

  constructor(start: () => Promise<RemoteProcess>, pipes: ChildPipes, abort?: AbortSignal) {
    super();
    this.stdin = pipes.stdin ? new PassThrough() : null;
    // zx may still write after the command ended: never an unhandled 'error' of ours
    this.stdin?.on('error', () => {});
    this.stdout = pipes.stdout ? new PassThrough() : null;
    this.stderr = pipes.stderr ? new PassThrough() : null;
    const onAbort = () => this.kill();
    abort?.addEventListener('abort', onAbort, { once: true });
    this.once('close', () => abort?.removeEventListener('abort', onAbort));
    start().then(
      (p) => this.attach(p),
      (e: unknown) => this.fail(e),
    );
  }

  /**
   * The local ssh process with the spawn engine; undefined with the mux engine (no process) or before the command
   * opened.
   */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /**
   * Sends `signal` to the remote command (a real remote signal with the mux engine; the spawn engine can
   * only end its ssh process). Before the command has opened, it is closed as soon as it opens.
   */
  kill(signal?: NodeJS.Signals | number): boolean {
    if (this.ended) return false;
    this.killed = true;
    const p = this.proc;
    if (!p) {
      this.closeAsked = true;
      return true;
    }
    p.kill(signalName(signal)).catch(() => p.close());
    return true;
  }

  private attach(p: RemoteProcess): void {
    this.proc = p;
    if (this.closeAsked) p.close();
    if (this.stdin && p.stdin) {
      this.stdin.pipe(p.stdin);
      p.stdin.on('error', () => {}); // the command may exit before reading all its input
    }
    if (this.stdout && p.stdout) p.stdout.pipe(this.stdout as PassThrough);
    if (this.stderr && p.stderr) p.stderr.pipe(this.stderr as PassThrough);
    p.exit.then(
      (status) =>
        void this.finish(status.code, status.signal === null ? null : (`SIG${status.signal}` as NodeJS.Signals)),
      (e: unknown) => this.fail(e),
    );
  }

  private async finish(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    this.exitCode = code;
    this.signalCode = signal;
    this.ended = true;
    this.emit('exit', code, signal);
    // as Node does: 'close' once the output streams have delivered everything
    await Promise.all([this.stdout, this.stderr].map((s) => (s ? finished(s).catch(() => {}) : undefined)));
    this.release();
    this.emit('close', code, signal);
  }

  private fail(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.emit('error', error);
    for (const s of [this.stdout, this.stderr]) (s as PassThrough | null)?.end();
    this.release();
    this.emit('close', null, null);
  }

  private release(): void {
    (this.stdin as PassThrough | null)?.unpipe();
  }
}
