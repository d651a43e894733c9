// Line splitting shared by `lines` and `lines$`: text goes in as it arrives, complete lines come out,
// and a separator cut in two by a chunk boundary is still found. Linear in the output: an incomplete line is
// kept as the list of its pieces, only new text is searched for the separator, and a line is joined once.
import { invalidArgument, pipeFailed, type OpenSSHError } from '../../core/errors';

/**
 * The longest line `lines` and `lines$` accept by default: 1 MiB (1,048,576 characters, separator not counted).
 *
 * Far above any log line or JSON record a line-oriented consumer expects (16 times the 64 KiB of Go's
 * `bufio.Scanner` or Python's `asyncio` readers), and small enough that output without separators (a binary
 * file, a runaway `yes | tr -d '\n'`) fails in a second with a clear error instead of filling memory.
 */
export const DEFAULT_MAX_LINE_LENGTH = 1024 * 1024;

/** How `lines` cuts text. */
export interface LineOptions {
  /**
   * With the default `'\n'` separator, also remove a `'\r'` that ends a line, so CRLF output
   * (Windows hosts, tty output) gives the same lines. @default false
   */
  crlf?: boolean;
  /**
   * Keep the separator at the end of each line (as Perl's list-context `capture` and `captureLines` do).
   * @default false
   */
  keepSeparator?: boolean;
  /**
   * The longest line accepted, in characters (a string's `length`: UTF-16 code units) without its separator
   * (nor the `\r` that `crlf` drops). A longer line fails the stream with `OSSH_SLAVE_PIPE_FAILED` as soon as
   * that much has arrived without a separator, and the command is ended; `Infinity` removes the limit. For
   * output that is not made of lines, read it as a stream (`exec$`, `pipeOut`) instead.
   * @default 1048576 (1 MiB)
   */
  maxLineLength?: number;
}

/** Validates a separator (thrown at once: a programmer error). */
export const checkSeparator = (separator: unknown): string => {
  if (typeof separator !== 'string' || separator === '')
    throw invalidArgument('Expected the line separator to be a non-empty string', separator);
  return separator;
};

/** Validates `maxLineLength` (thrown at once): a positive integer or `Infinity`; undefined is the default. */
export const checkMaxLineLength = (max: unknown): number => {
  if (max === undefined) return DEFAULT_MAX_LINE_LENGTH;
  if (typeof max !== 'number' || !(max === Infinity || (Number.isSafeInteger(max) && max > 0)))
    throw invalidArgument('Expected `maxLineLength` to be a positive integer or Infinity', max);
  return max;
};

/** Splits a text stream into lines. `push` each piece of text, then `end` once. */
export class LineSplitter {
  /** The incomplete line, as the pieces it arrived in. */
  private pieces: string[] = [];
  private pendingLength = 0;
  private readonly crlf: boolean;
  private readonly keep: boolean;
  private readonly max: number;
  /**
   * Characters searched or copied so far (internal): the tests read it to show the work is linear in the
   * output, without timing anything.
   */
  work = 0;

  constructor(
    private readonly separator = '\n',
    options: LineOptions = {},
    private readonly host?: string,
  ) {
    checkSeparator(separator);
    this.crlf = options.crlf === true && separator === '\n';
    this.keep = options.keepSeparator === true;
    this.max = checkMaxLineLength(options.maxLineLength);
  }

  /**
   * Hands `emit` each line that `text` completes, in order. Throws OSSH_SLAVE_PIPE_FAILED for a line over
   * `maxLineLength`, after the lines before it were emitted.
   */
  push(text: string, emit: (line: string) => void): void {
    if (text === '') return;
    const sep = this.separator;
    // a separator cut by the chunk boundary starts in the last sep.length - 1 pending characters: only those
    // are searched again, with the new text
    const carry = this.tail(sep.length - 1);
    const buf = carry === '' ? text : carry + text;
    this.work += buf.length;
    let i = buf.indexOf(sep);
    if (i < 0) {
      this.add(text);
      return this.checkPending();
    }
    // the first line: what was pending (without the carry, which buf holds) and buf up to the separator
    const before = this.pendingLength - carry.length;
    emit(this.line(this.take(before) + buf.slice(0, i)));
    let start = i + sep.length;
    for (i = buf.indexOf(sep, start); i >= 0; i = buf.indexOf(sep, start)) {
      emit(this.line(buf.slice(start, i)));
      start = i + sep.length;
    }
    if (start < buf.length) this.add(buf.slice(start));
    this.checkPending();
  }

  /** Hands `emit` the last line when the text did not end with a separator. */
  end(emit: (line: string) => void): void {
    if (this.pendingLength === 0) return;
    const rest = this.take(this.pendingLength);
    this.check(rest.length);
    emit(rest);
  }

  private add(piece: string): void {
    this.pieces.push(piece);
    this.pendingLength += piece.length;
  }

  /** The first `n` pending characters joined (the rest is dropped: it is in the text being searched). */
  private take(n: number): string {
    const all = this.pieces.length === 1 ? this.pieces[0]! : this.pieces.join('');
    this.work += all.length;
    this.pieces = [];
    this.pendingLength = 0;
    return n === all.length ? all : all.slice(0, n);
  }

  /** The last `n` pending characters (fewer when less is pending). */
  private tail(n: number): string {
    let out = '';
    for (let p = this.pieces.length - 1; p >= 0 && out.length < n; p--) {
      const piece = this.pieces[p]!;
      out = piece.slice(Math.max(0, piece.length - (n - out.length))) + out;
    }
    this.work += out.length;
    return out;
  }

  private line(body: string): string {
    const text = this.crlf && body.endsWith('\r') ? body.slice(0, -1) : body;
    this.check(text.length);
    return this.keep ? body + this.separator : text;
  }

  /** Fails as soon as the pending text is sure to make a line over the limit. */
  private checkPending(): void {
    // the last sep.length - 1 characters may start the separator, and crlf may drop one `\r`
    const slack = this.separator.length - 1 + (this.crlf ? 1 : 0);
    if (this.pendingLength - slack > this.max) this.check(this.pendingLength - slack);
  }

  private check(length: number): void {
    if (length > this.max) throw this.tooLong(length);
  }

  private tooLong(length: number): OpenSSHError {
    this.pieces = [];
    this.pendingLength = 0;
    return pipeFailed(
      this.host,
      `a line of the output is longer than maxLineLength (${this.max} characters): ${length} characters ` +
        `arrived without a separator (${JSON.stringify(this.separator)}); pass a larger \`maxLineLength\` ` +
        '(Infinity for no limit), or read output that is not made of lines as a stream (exec$, pipeOut)',
    );
  }
}
