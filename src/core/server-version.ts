// The server's software version, learnt from what the master already does: ssh logs the server's identification
// string at LogLevel DEBUG1 ("Remote protocol version 2.0, remote software version dropbear_2022.83"), before it
// authenticates. A master whose stderr we read logs that line: with an ssh that takes LogVerbose (OpenSSH 8.5 and
// later, ssh-log-verbose.ts) through `-o LogVerbose=` naming the one function that logs it, so the master logs
// nothing more at ssh's default level for the rest of its life; with an older ssh at `-o LogLevel=DEBUG1`. Either
// goes after the user's masterOpts, so a level (or LogVerbose) of theirs wins. The lines we added are taken out
// again here, so the stderr kept for errors and passed to `masterStderrFh` reads as at ssh's default level. No
// connection of our own is opened beside ssh's (that would bypass ProxyCommand and ProxyJump).

// a LogVerbose line carries where it was logged: "debug1: kex.c:kex_exchange_identification():1456 (pid=9): ..."
const REMOTE_VERSION = /^debug1: (?:\S+ \(pid=\d+\): )?Remote protocol version [^,]+, remote software version (.+)$/;
/** The function of OpenSSH that logs the server's version (kex.c since OpenSSH 8.x). */
const VERSION_LOGGED_IN = '*:kex_exchange_identification():*';
// the lines LogLevel DEBUG1 adds to the default (INFO) level: debug lines, and ssh's VERBOSE ones seen on a master
const ADDED = [
  /^debug\d: /,
  /^Authenticated to /,
  /^Authenticated using /,
  /^Transferred: sent /,
  /^Bytes per second: /,
];

/**
 * What makes a master log the server's version: `-o LogVerbose=` for its one function when the ssh takes it
 * (`logVerbose`), else `-o LogLevel=DEBUG1`; nothing when the masterOpts set a log level of their own (`-v`, `-q`,
 * LogLevel). A LogVerbose of the user's own would win over ours: then LogLevel=DEBUG1.
 */
export const versionLogArgs = (masterOpts: readonly string[], logVerbose = false): string[] => {
  if (masterOpts.some((a) => /loglevel/i.test(a) || /^-[A-Za-z]*[vq]/.test(a))) return [];
  if (logVerbose && !masterOpts.some((a) => /logverbose/i.test(a))) return ['-o', `LogVerbose=${VERSION_LOGGED_IN}`];
  return ['-o', 'LogLevel=DEBUG1'];
};

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
