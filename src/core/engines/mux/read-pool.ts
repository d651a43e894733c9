// The buffers a control socket reads into. Node allocates a fresh 64 KiB buffer for every socket
// read, and at bulk rates that fresh memory, not our parsing, is what costs: 512 MiB down spent about
// 300 ms of CPU in page faults and garbage collection against 80 ms when reads reuse their buffers.
// So a buffer goes back into the pool after its read has been handled, unless a view of it may
// outlive that: it was handed to a Readable (escaped: a consumer may keep it), or the frame parser
// still holds part of a frame in it. Lent output (a consumer that takes each chunk synchronously and
// keeps nothing) never escapes, so bulk output that is lent allocates nothing per read.

/** Size of one read, as Node's own. */
export const READ_SIZE = 64 * 1024;
// buffers kept for reuse beyond the one being read into: enough for a frame spread over a few reads
const KEEP = 8;

/** Whether some holder still has a view of `buffer` (the frame parser's partial frame). */
export type HoldCheck = (buffer: ArrayBufferLike) => boolean;

/** Read buffers of one socket, reused unless a view of them escaped. */
export class ReadPool {
  private readonly free: Buffer[] = [];
  private readonly held: Buffer[] = [];
  private readonly escaped = new WeakSet<ArrayBufferLike>();
  /** How much of each pooled buffer the last read filled. */
  private readonly filled = new WeakMap<ArrayBufferLike, number>();

  constructor(private readonly size = READ_SIZE) {}

  /** The buffer for the next read. */
  next(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }

  /** `buf` holds `n` fresh bytes, about to be handled. */
  filledBy(buf: Buffer, n: number): void {
    this.filled.set(buf.buffer, n);
  }

  /** The read into `buf` has been handled: `buf` goes back for reuse unless something may still see it. */
  done(buf: Buffer, holds: HoldCheck): void {
    this.held.push(buf);
    for (let i = this.held.length - 1; i >= 0; i--) {
      const b = this.held[i]!;
      if (this.escaped.has(b.buffer))
        this.held.splice(i, 1); // the consumer's now: never reused
      else if (!holds(b.buffer)) {
        this.held.splice(i, 1);
        if (this.free.length < KEEP) this.free.push(b);
      }
    }
  }

  /**
   * `view` is about to be given to a consumer that may keep it: the chunk to give instead. A view of a
   * read that filled its buffer well is given as is, and its buffer leaves the pool; a small one is
   * copied, so that a kept chunk never pins a mostly empty 64 KiB buffer (Node shrinks those too).
   */
  own(view: Buffer): Buffer {
    const n = this.filled.get(view.buffer);
    if (n === undefined) return view; // not ours: already a fresh buffer
    if (this.escaped.has(view.buffer)) return view;
    if (n < this.size / 2) return Buffer.from(view);
    this.escaped.add(view.buffer);
    return view;
  }
}
