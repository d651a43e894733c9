// A slave waiting for a free session (see session-budget.ts): a Channel at once, whose streams are
// joined to the slave's once it starts. Closed or failed before that, it ends without a process.
import { PassThrough } from 'node:stream';
import type { Channel, ExitStatus } from '../../channel';
import type { OpenSSHError } from '../../errors';
import { streamEnded } from '../stream-ended';

/** A channel whose slave has not started yet. */
export class QueuedChannel implements Channel {
  readonly stdin = new PassThrough();
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly exit: Promise<ExitStatus>;
  private inner: Channel | undefined;
  private settled = false;
  private resolveExit!: (s: ExitStatus) => void;
  private rejectExit!: (e: OpenSSHError) => void;
  private readonly streamsEnded = Promise.all([streamEnded(this.stdout), streamEnded(this.stderr)]);

  /** `cancel` takes it out of the wait for a session; `held` says which sessions are taken meanwhile. */
  constructor(
    private readonly cancel: () => void,
    private readonly held: () => string,
  ) {
    this.exit = new Promise<ExitStatus>((resolve, reject) => {
      this.resolveExit = resolve;
      this.rejectExit = reject;
    });
    this.exit.catch(() => {}); // observed by the caller; never an unhandled rejection here
    this.stdin.on('error', () => {}); // as the slave's own stdin: writes after its end are dropped
  }

  get pid(): number | undefined {
    return this.inner?.pid;
  }

  waitingFor(): string | undefined {
    return this.inner || this.settled ? undefined : this.held();
  }

  /** The slave started: its streams feed ours, and its exit is ours once our streams have ended too. */
  start(inner: Channel): void {
    if (this.settled) return inner.close();
    this.inner = inner;
    if (inner.stdin.writableEnded)
      this.stdin.resume(); // stdin 'ignore': nothing goes anywhere
    else this.stdin.pipe(inner.stdin);
    inner.stdout.pipe(this.stdout);
    inner.stderr.pipe(this.stderr);
    // the slave's exit comes after its pipes closed, so all it wrote is in ours: end them even if a pipe broke
    const endOurs = () => {
      for (const s of [this.stdout, this.stderr]) if (!s.writableEnded) s.end();
    };
    inner.exit.then(
      (status) => (endOurs(), this.settle(status)),
      (e: OpenSSHError) => (endOurs(), this.settle(e)),
    );
  }

  async signal(name: string): Promise<void> {
    await this.inner?.signal(name);
  }

  close(): void {
    if (this.inner) return this.inner.close();
    this.settle({ code: null, signal: 'TERM', note: 'closed before a session was free to start it' });
  }

  /** Fails it before it started (the master is gone); a started one fails through its slave. */
  fail(error: OpenSSHError): void {
    if (!this.inner) this.settle(error);
  }

  private settle(outcome: ExitStatus | OpenSSHError): void {
    if (this.settled) return;
    this.settled = true;
    if (!this.inner) {
      this.cancel();
      this.stdin.destroy();
      for (const s of [this.stdout, this.stderr]) {
        s.end();
        if (s.readableFlowing === null) s.resume(); // no consumer attached: drain so the end comes
      }
    }
    // the contract: every byte delivered before exit settles
    void this.streamsEnded.then(() =>
      outcome instanceof Error ? this.rejectExit(outcome) : this.resolveExit(outcome),
    );
  }
}
