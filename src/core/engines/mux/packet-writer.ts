// Writes a proxy socket's packets, in order, in as few syscalls as a command's latency allows.
// A packet someone waits for (a request, data, a window adjust) is urgent: the first urgent write of a
// tick goes out at once, taking along whatever waited, and later writes of the same tick are corked
// into one writev at the end of the tick. Housekeeping (the CLOSE that answers the server's, a
// barrier, the next warm session's OPEN) waits for the next urgent write or for setImmediate, so it
// never stands between a command's last packet and its caller, and rides along with the next command.
import type { Socket } from 'node:net';

/** Orders and batches writes to one socket; tells when it can take more. */
export class PacketWriter {
  private readonly waiting: Buffer[] = [];
  private flushTimer: NodeJS.Immediate | undefined;
  private corked = false;
  private readonly drainWaiters: Array<() => void> = [];
  private closed = false;

  constructor(private readonly socket: Socket) {
    socket.on('drain', () => {
      for (const fn of this.drainWaiters.splice(0)) fn();
    });
  }

  /**
   * Queues `packets`: at once when `urgent`, else with the next urgent write or on setImmediate. false when the socket
   * is over its mark.
   */
  write(packets: readonly Buffer[], urgent: boolean): boolean {
    if (this.closed) return true;
    if (this.corked) return this.put(packets); // the tick's batch: one writev when the tick ends
    if (!urgent) {
      this.waiting.push(...packets);
      this.flushTimer ??= setImmediate(() => this.flush());
      return true;
    }
    // the tick's first urgent write: out now, with what waited; the rest of this tick is corked
    const s = this.socket;
    s.cork();
    this.takeWaiting();
    const ok = this.put(packets);
    s.uncork();
    this.corked = true;
    s.cork();
    process.nextTick(() => {
      this.corked = false;
      s.uncork();
    });
    return ok;
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
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
  }

  /** What waits goes out now (someone started waiting for it). */
  flush(): void {
    this.flushTimer = undefined;
    if (this.closed || this.waiting.length === 0) return;
    this.socket.cork();
    this.takeWaiting();
    this.socket.uncork();
  }

  private takeWaiting(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    if (this.waiting.length > 0) this.put(this.waiting.splice(0));
  }

  private put(packets: readonly Buffer[]): boolean {
    let ok = true;
    for (const p of packets) ok = this.socket.write(p);
    return ok;
  }
}
