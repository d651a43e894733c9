// The server's software version, learnt from what the master already does: ssh logs the server's identification
// string at LogLevel DEBUG1 ("Remote protocol version 2.0, remote software version dropbear_2022.83"), before it
// authenticates. A master whose stderr we read runs at that level (`-o LogLevel=DEBUG1`, after the user's
// masterOpts, so theirs wins); the lines that level adds are taken out again here, so the stderr kept for errors
// and passed to `masterStderrFh` reads as at ssh's default level. No connection of our own is opened beside ssh's
// (that would bypass ProxyCommand and ProxyJump).

const REMOTE_VERSION = /^debug1: Remote protocol version [^,]+, remote software version (.+)$/;
// the lines LogLevel DEBUG1 adds to the default (INFO) level: debug lines, and ssh's VERBOSE ones seen on a master
const ADDED = [
  /^debug\d: /,
  /^Authenticated to /,
  /^Authenticated using /,
  /^Transferred: sent /,
  /^Bytes per second: /,
];

/** The `-o LogLevel=DEBUG1` for a master, unless its masterOpts set a log level of their own (`-v`, `-q`, LogLevel). */
export const versionLogArgs = (masterOpts: readonly string[]): string[] =>
  masterOpts.some((a) => /loglevel/i.test(a) || /^-[A-Za-z]*[vq]/.test(a)) ? [] : ['-o', 'LogLevel=DEBUG1'];

/** The server's software version in one line of ssh's log (`dropbear_2022.83`), else undefined. */
export const remoteVersionIn = (line: string): string | undefined => REMOTE_VERSION.exec(line.trimEnd())?.[1];

/**
 * Reads a master's stderr run at LogLevel DEBUG1: finds the server's version, and gives back the text without the
 * lines that level added (`strip`), whole lines only: a partial line waits for its end, or for `end()`.
 */
export class VersionReader {
  private partial = '';

  constructor(
    private readonly strip: boolean,
    private readonly onVersion: (version: string) => void,
  ) {}

  /** A chunk of stderr; returns what to keep of it. */
  feed(chunk: string): string {
    const text = this.partial + chunk;
    const cut = text.lastIndexOf('\n') + 1;
    this.partial = text.slice(cut);
    return this.keep(text.slice(0, cut));
  }

  /** The stream ended: the last, unterminated line. */
  end(): string {
    const rest = this.partial;
    this.partial = '';
    return this.keep(rest);
  }

  private keep(lines: string): string {
    if (lines === '') return '';
    let kept = '';
    for (const line of lines.split(/(?<=\n)/)) {
      const version = remoteVersionIn(line);
      if (version !== undefined) this.onVersion(version);
      if (!this.strip || !ADDED.some((re) => re.test(line))) kept += line;
    }
    return kept;
  }
}
