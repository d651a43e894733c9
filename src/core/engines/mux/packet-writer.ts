// Writes a proxy socket's packets in as few syscalls as a command's latency allows, the ones someone waits for
// first. A packet someone waits for (a request, data, a window adjust) is urgent: the first urgent write of a tick
// goes out at once, and whatever waited goes out behind it in the same writev; later writes of the same tick are
// corked into one writev at the end of the tick. Housekeeping (the CLOSE that answers the server's, the next warm
// session's OPEN, a barrier) waits for the next urgent write or for setImmediate, so it never stands between a
// command's last packet and its caller, and rides along with the next command, behind it: the master handles one
// packet per turn of its loop, so a command's request ahead of the housekeeping reaches sshd a few turns sooner.
// Only packets no urgent one depends on wait: nothing is sent on a channel after its CLOSE, nothing on a warm
// session before the server confirmed its OPEN. A barrier depends on the CLOSEs before it, so it waits as a task,
// run once the packets that waited are written (see `later`).
import type { Socket } from 'node:net';

/** Orders and batches writes to one socket; tells when it can take more. */
export class PacketWriter {
  private readonly waiting: Buffer[] = [];
  private readonly tasks: Array<() => void> = [];
  private flushTimer: NodeJS.Immediate | undefined;
  private corked = false;
  private flushing = false;
  private readonly drainWaiters: Array<() => void> = [];
  private closed = false;

  constructor(private readonly socket: Socket) {
    socket.on('drain', () => {
      for (const fn of this.drainWaiters.splice(0)) fn();
    });
  }

  /**
   * Queues `packets`: at once when `urgent` (ahead of what waits), else with the next urgent write or on
   * setImmediate. false when the socket is over its mark.
   */
  write(packets: readonly Buffer[], urgent: boolean): boolean {
    if (this.closed) return true;
    // the tick's batch (one writev when the tick ends), or a task's packets while what waited goes out
    if (this.corked || this.flushing) return this.put(packets);
    if (!urgent) {
      this.waiting.push(...packets);
      this.schedule();
      return true;
    }
    // the tick's first urgent write: out now, the packets that waited behind it; the rest of this tick is corked,
    // and the tasks run as it ends (not inside the caller's write, whose channel may be halfway through a change)
    const s = this.socket;
    s.cork();
    const ok = this.put(packets);
    this.takeWaiting();
    s.uncork();
    this.corked = true;
    s.cork();
    process.nextTick(() => {
      this.runTasks();
      this.corked = false;
      s.uncork();
    });
    return ok;
  }

  /**
   * Runs `task` when what waits goes out, after those packets; what it writes goes out with them, in the order it
   * writes. For a packet that must follow the waiting ones and is built when it is sent (a barrier registers its
   * reply then, so that replies keep the order of the packets on the wire). Dropped with the socket.
   */
  later(task: () => void): void {
    if (this.closed) return;
    if (this.flushing) return task();
    this.tasks.push(task);
    if (!this.corked) this.schedule(); // else the tick's batch runs it as the tick ends
  }

  /** Calls `fn` once the socket can take more (on the next tick when it already can). */
  whenDrained(fn: () => void): void {
    if (this.socket.writableNeedDrain) this.drainWaiters.push(fn);
    else process.nextTick(fn);
  }

  /** Nothing more is written: what waits is dropped with the socket. */
  close(): void {
    this.closed = true;
    this.waiting.length = 0;
    this.tasks.length = 0;
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
  }

  /** What waits goes out now (someone started waiting for it). */
  flush(): void {
    this.flushTimer = undefined;
    if (this.closed || (this.waiting.length === 0 && this.tasks.length === 0)) return;
    this.socket.cork();
    this.takeWaiting();
    this.runTasks();
    this.socket.uncork();
  }

  private schedule(): void {
    this.flushTimer ??= setImmediate(() => this.flush());
  }

  private takeWaiting(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    if (this.waiting.length > 0) this.put(this.waiting.splice(0));
  }

  private runTasks(): void {
    if (this.closed || this.tasks.length === 0) return;
    this.flushing = true;
    try {
      for (const task of this.tasks.splice(0)) task();
    } finally {
      this.flushing = false;
    }
  }

  private put(packets: readonly Buffer[]): boolean {
    let ok = true;
    for (const p of packets) ok = this.socket.write(p);
    return ok;
  }
}
