// The sessions one master may have open at once, shared by both engines: sshd counts an `ssh -S`
// slave's session and a mux channel alike against MaxSessions, and refuses the one beyond it. The
// mux engine admits its channels below what the slaves leave, and a slave waits for a free session
// instead of failing (Net::OpenSSH's slaves fail with exit 255 there). The wait is bounded by the call's
// timeout only (command-events.ts, which asks `describe()` for its error).
//
// A slave killed while its remote command runs (a cancel, a timeout) keeps its session: OpenSSH's master cannot
// signal a remote command for a mux client (mux.c: "If we ever support the signal channel request..."), and sshd
// keeps a session whose command has no tty until that command exits (a silent one gets no SIGPIPE, no SIGHUP).
// The master holds the slave's stderr pipe until then, so the slave's session is counted until that pipe closes:
// such sessions are `abandoned`, named in the error of a call that waited for one in vain.
import { sessionLimit } from './mux/admission';
import type { KnownLimit } from './server-limits';

/** The session count both engines of one master draw on. */
export class SessionBudget {
  /**
   * Sessions all engines together keep open (one below the server's MaxSessions, see sessionLimit, or what the
   * server's version implies: server-limits.ts); lowered when the server refuses below it.
   */
  limit: number;
  private readonly initial: number;
  private refused = false;
  private spawnActive = 0;
  /** Slaves started so far (a refused one tells whether another started beside it). */
  spawnStarts = 0;
  private spawnAbandoned = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly listeners = new Set<() => void>();
  /** The mux engine's open sessions, warm one included (0 until it exists). */
  muxActive: () => number = () => 0;
  /** Asks the mux engine to give back an idle warm session (a slave is waiting). */
  reclaimWarm: () => void = () => {};

  /** `known`: the limit the server's version implies, used instead of `maxSessions` (the user did not give it). */
  constructor(
    private readonly maxSessions: number,
    private readonly known?: KnownLimit,
  ) {
    this.limit = this.initial = known?.limit ?? sessionLimit(maxSessions);
  }

  /**
   * Whether the server allows one session more than `limit` (the limit is its MaxSessions minus the one kept spare,
   * never lowered): the mux engine may open into it while a closed session's slot is not yet confirmed free.
   */
  get spare(): boolean {
    return !this.known && !this.refused && Math.floor(this.maxSessions) > this.limit;
  }

  /** The server refused a session below the limit: keep at most `n` from now on (and never open into the spare). */
  lower(n: number): void {
    this.refused = true;
    this.limit = Math.max(1, Math.min(this.limit, n));
  }

  /** Sessions slaves hold now. */
  get spawnSessions(): number {
    return this.spawnActive;
  }

  /** Sessions held now by both engines. */
  inUse(): number {
    return this.muxActive() + this.spawnActive;
  }

  /** Slaves waiting for a session. */
  get spawnWaiting(): number {
    return this.waiting.length;
  }

  /**
   * Calls `start` once a session is free for a slave (now, if one is); the slave must `releaseSpawn()` when it ends.
   * Returns a canceller.
   */
  acquireSpawn(start: () => void): () => void {
    if (this.waiting.length === 0 && this.free() > 0) {
      this.spawnActive++;
      this.spawnStarts++;
      start();
      return () => {};
    }
    this.waiting.push(start);
    this.reclaimWarm();
    return () => {
      const i = this.waiting.indexOf(start);
      if (i >= 0) this.waiting.splice(i, 1);
    };
  }

  /** A slave ended by us while its remote command still runs: the server keeps the session (see above). */
  abandonSpawn(): void {
    this.spawnAbandoned++;
  }

  /** A slave's session ended (for an abandoned one: its remote command ended, the master let its pipes go). */
  releaseSpawn(abandoned = false): void {
    this.spawnActive--;
    if (abandoned) this.spawnAbandoned--;
    this.changed();
  }

  /** Which sessions are taken, for the error of a call that waited too long for one. */
  describe(): string {
    const mux = this.muxActive();
    const left =
      this.spawnAbandoned === 0
        ? ''
        : ` (${this.spawnAbandoned} of them cancelled while their remote command ran: it runs on until it ends by ` +
          'itself, since ssh slaves cannot signal it and sshd keeps a session until its command ends; the mux ' +
          'engine signals what it cancels)';
    const lowered = this.limit < this.initial ? ', lowered since the server refused one' : '';
    const why = this.known
      ? this.known.why
      : `maxSessions ${this.maxSessions}, the server's MaxSessions, minus one kept spare`;
    return (
      `${mux + this.spawnActive} sessions are held, and at most ${this.limit} are open at once (${why}${lowered}): ` +
      `${this.spawnActive} by ssh slaves${left}, ${mux} by the mux engine`
    );
  }

  /** Something freed a session: waiting slaves go first, then the mux engine hears of it. */
  changed(): void {
    while (this.waiting.length > 0 && this.free() > 0) {
      this.spawnActive++;
      this.spawnStarts++;
      this.waiting.shift()!();
    }
    for (const fn of this.listeners) fn();
  }

  /** `fn` runs whenever a session may have been freed. */
  onChange(fn: () => void): void {
    this.listeners.add(fn);
  }

  private free(): number {
    return this.limit - this.muxActive() - this.spawnActive;
  }
}
