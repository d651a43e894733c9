// The connect phase of an `ssh -W` tunnel: from starting the slave until the master's channel to the target
// is open. A mux client says nothing when that happens, except at debug level: OpenSSH's master answers a
// stdio forward only once the server confirmed the channel (mux_stdio_confirm), and the client then logs
// "mux_client_request_stdio_fwd: master session id: N" (measured with OpenSSH 9.2: the line does not come while
// the target's connect is stalled, and comes at once after it). So, while a timeout is in force, the slave runs
// with `-v`; this reads its stderr line by line, reports the open, and keeps the debug lines it caused out of
// what the caller sees. Data from the far side also proves the tunnel open (should the line ever change).
const OPENED = /^debug1: mux_client_request_stdio_fwd: master session id: \d+/;
const DEBUG = /^(debug\d: |OpenSSH_\S+ )/;

/** Whether ssh options already make ssh log at debug level (then its debug lines are the caller's to see). */
export const isVerbose = (opts: readonly string[]): boolean =>
  opts.some((o) => /^-v+$/.test(o) || /loglevel[\s=]+"?debug/i.test(o));

/** Reads an `ssh -v -W` slave's stderr: calls `onOpened` once the channel is open, passes the other lines on. */
export class ConnectWatch {
  private rest = '';
  private opened = false;

  constructor(
    /** Drop the debug lines (the caller did not ask for them). */
    private readonly dropDebug: boolean,
    private readonly onOpened: () => void,
    private readonly pass: (chunk: Buffer) => void,
  ) {}

  /** A chunk of the slave's stderr. */
  push(chunk: Buffer): void {
    const lines = (this.rest + chunk.toString('latin1')).split(/(?<=\n)/);
    this.rest = lines[lines.length - 1]!.endsWith('\n') ? '' : lines.pop()!;
    for (const line of lines) this.line(line);
  }

  /** The stream ended: a last line without its newline. */
  end(): void {
    if (this.rest !== '') this.line(this.rest);
    this.rest = '';
  }

  /** The channel is open (seen in the log, or data came from the far side). */
  open(): void {
    if (this.opened) return;
    this.opened = true;
    this.onOpened();
  }

  private line(line: string): void {
    if (OPENED.test(line)) this.open();
    if (this.dropDebug && DEBUG.test(line)) return;
    this.pass(Buffer.from(line, 'latin1'));
  }
}
