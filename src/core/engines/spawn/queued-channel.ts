// A slave waiting for a free session (see session-budget.ts): a Channel at once, whose streams are
// joined to the slave's once it starts. Closed or failed before that, it ends without a process. A slave whose
// session the server refused (refusal-gate.ts) is given to `retry`, which may put the channel back in the wait.
import { PassThrough } from 'node:stream';
import type { Channel, ExitStatus } from '../../channel';
import { slaveCmdFailed, type OpenSSHError } from '../../errors';
import { streamEnded } from '../stream-ended';
import { SessionRefused } from './refusal-gate';
import { StdinReplay } from './stdin-replay';

/** A channel whose slave has not started yet. */
export class QueuedChannel implements Channel {
  readonly stdin = new PassThrough();
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly exit: Promise<ExitStatus>;
  private inner: Channel | undefined;
  private replay: StdinReplay | undefined;
  private settled = false;
  private resolveExit!: (s: ExitStatus) => void;
  private rejectExit!: (e: OpenSSHError) => void;
  private readonly streamsEnded = Promise.all([streamEnded(this.stdout), streamEnded(this.stderr)]);

  /** Takes it out of the wait for a session (set by whoever made it wait). */
  cancel: () => void = () => {};

  /**
   * `held` says which sessions are taken meanwhile; `retry`, given a refused slave (already detached), puts the
   * channel back in the wait and returns true, or returns false to let it fail with the refusal.
   */
  constructor(
    private readonly host: string,
    private readonly held: () => string,
    private readonly retry?: (refused: SessionRefused) => boolean,
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
    else if (this.retry) {
      // kept for the next slave until the command shows it runs (stdin-replay.ts)
      this.replay ??= new StdinReplay(this.stdin);
      this.replay.attach(inner.stdin);
      const runs = () => this.replay?.started();
      inner.stdout.once('data', runs);
      inner.stderr.once('data', runs);
    } else this.stdin.pipe(inner.stdin);
    inner.stdout.pipe(this.stdout, { end: false });
    inner.stderr.pipe(this.stderr, { end: false });
    // a consumer that destroyed ours (a for-await that threw) lets the slave's pipe go too, as it would the slave's
    // own: the master's writes then fail and the remote command is told (SIGPIPE), instead of blocking on a full pipe
    for (const [ours, theirs] of [
      [this.stdout, inner.stdout],
      [this.stderr, inner.stderr],
    ] as const)
      ours.once('close', () => theirs.destroy());
    // the slave's exit comes after its pipes closed, so all it wrote is in ours: end them even if a pipe broke
    const endOurs = () => {
      for (const s of [this.stdout, this.stderr]) if (!s.writableEnded) s.end();
    };
    inner.exit.then(
      (status) => (endOurs(), this.settle(status)),
      (e: OpenSSHError | SessionRefused) => {
        if (e instanceof SessionRefused) return this.refused(inner, e);
        endOurs();
        this.settle(e);
      },
    );
  }

  // the server refused the slave's session: nothing ran and nothing of it reached our streams (refusal-gate.ts)
  private refused(inner: Channel, e: SessionRefused): void {
    inner.stdout.unpipe(this.stdout);
    inner.stderr.unpipe(this.stderr);
    this.replay?.detach();
    this.inner = undefined;
    if (!this.settled && this.replay?.replayable !== false && this.retry?.(e)) return;
    this.settle(slaveCmdFailed(this.host, 255, null, e.stderr));
  }

  async signal(name: string): Promise<void> {
    await this.inner?.signal(name);
  }

  close(): void {
    if (this.inner) {
      // whoever closes it reads no more (an unsubscribed stream): ours are drained, so they end and the exit, which
      // waits for their end (every byte delivered first), settles, as the slave's own would
      for (const s of [this.stdout, this.stderr]) if (s.readableFlowing !== true) s.resume();
      return this.inner.close();
    }
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
