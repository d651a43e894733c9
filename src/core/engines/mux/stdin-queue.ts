// The writes to a channel's stdin, cut into DATA payloads as the server's window and packet size allow. A payload
// may span writes: a write of 64 KiB (a file stream's chunk, `pipe()`'s) is two full packets and 20 bytes, and sent
// as they come those 20 bytes were a packet of their own, one more for the master and sshd to handle (a third of
// the packets of an upload). So the tail of a write that was cut, when nothing is queued behind it, is copied and
// held until the next write fills its packet up, stdin ends, or the loop turns (setImmediate): a burst of writes goes
// out in full packets. A write that fits in one packet is never held (what a user types goes out at once).

type Callback = (e?: Error | null) => void;

/** One payload to send: its parts in order, their size, and the callbacks of the writes it completes. */
export interface Payload {
  parts: Buffer[];
  size: number;
  done: Callback[];
}

/** The queued stdin of one channel. */
export class StdinQueue {
  private readonly writes: Array<{ data: Buffer; cb: Callback; cut: boolean }> = [];
  // the held tail of a write that was cut (a copy: its write's callback has been called)
  private carry: Buffer | undefined;
  private holding: NodeJS.Immediate | undefined;

  /** `resume` is called when a held tail may go (the loop turned): the owner takes again. */
  constructor(private readonly resume: () => void) {}

  /** Whether nothing is queued or held. */
  get empty(): boolean {
    return this.writes.length === 0 && this.carry === undefined;
  }

  push(data: Buffer, cb: Callback): void {
    this.writes.push({ data, cb, cut: false });
  }

  /**
   * The next payload of at most `window` bytes and `maxPacket` (undefined when there is nothing to send now).
   * `ending`: stdin is ending, nothing is held.
   */
  take(window: number, maxPacket: number, ending: boolean): Payload | undefined {
    const head = this.writes[0];
    const carried = this.carry?.length ?? 0;
    if (!head)
      return this.carry && (ending || !this.holding) ? this.send(Math.min(carried, window, maxPacket)) : undefined;
    const rest = carried + head.data.length;
    if (head.cut && this.writes.length === 1 && !ending && rest < maxPacket && rest <= window) return this.hold();
    return this.send(Math.min(rest, window, maxPacket));
  }

  /** Drops what is queued and held; returns the callbacks to call (the remote side is gone). */
  clear(): Callback[] {
    this.carry = undefined;
    if (this.holding) clearImmediate(this.holding);
    this.holding = undefined;
    return this.writes.splice(0).map((w) => w.cb);
  }

  // `size` bytes from the front: the held tail first, then the writes in order
  private send(size: number): Payload {
    const parts: Buffer[] = [];
    const done: Callback[] = [];
    let left = size;
    if (this.carry) {
      const n = Math.min(left, this.carry.length);
      parts.push(this.carry.subarray(0, n));
      this.carry = n === this.carry.length ? undefined : this.carry.subarray(n);
      left -= n;
    }
    while (left > 0 && this.writes.length > 0) {
      const w = this.writes[0]!;
      const n = Math.min(left, w.data.length);
      parts.push(w.data.subarray(0, n));
      left -= n;
      if (n === w.data.length) done.push(this.writes.shift()!.cb);
      else {
        w.data = w.data.subarray(n);
        w.cut = true;
      }
    }
    if (!this.carry && this.holding) {
      clearImmediate(this.holding);
      this.holding = undefined;
    }
    return { parts, size, done };
  }

  // the last write's tail, copied and held; its write completes now
  private hold(): Payload {
    const w = this.writes.shift()!;
    this.carry = this.carry ? Buffer.concat([this.carry, w.data]) : Buffer.from(w.data);
    this.holding ??= setImmediate(() => {
      this.holding = undefined;
      this.resume();
    });
    return { parts: [], size: 0, done: [w.cb] };
  }
}
