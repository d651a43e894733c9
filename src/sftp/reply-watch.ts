// The SFTP client's request timeout. A reply is due for the oldest pending request: the clock starts when
// it is sent, or when the request before it was answered (a server works through its requests in order,
// so that is when this one had the server's attention). Pipelined transfers keep many requests in flight,
// each answered soon after the one before: none of them times out while replies keep coming in order.

/** Follows the oldest pending request and calls `expire` when it has waited `seconds` for its reply. */
export class ReplyWatch {
  private timer: NodeJS.Timeout | undefined;
  private head: number | undefined;

  constructor(
    private readonly seconds: number | undefined,
    /** The id of the oldest pending request, or undefined when none is pending. */
    private readonly oldest: () => number | undefined,
    private readonly expire: () => void,
  ) {}

  /** The table of pending requests changed (one sent, one answered): follow its oldest request. */
  follow(): void {
    if (this.seconds === undefined) return;
    const head = this.oldest();
    if (head === undefined) return this.stop();
    if (this.timer && head === this.head) return;
    this.head = head;
    if (this.timer) {
      this.timer.refresh();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.head = undefined;
      this.expire();
    }, this.seconds * 1000);
    this.timer.unref(); // the transport keeps the process alive while it is in use
  }

  /** Nothing to watch any more. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.head = undefined;
  }
}
