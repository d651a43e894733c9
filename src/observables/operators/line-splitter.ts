// Line splitting shared by `lines` and `lines$`: text goes in as it arrives, complete lines come out,
// and a separator cut in two by a chunk boundary is still found.
import { invalidArgument } from '../../core/errors';

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
}

/** Validates a separator (thrown at once: a programmer error). */
export const checkSeparator = (separator: unknown): string => {
  if (typeof separator !== 'string' || separator === '')
    throw invalidArgument('Expected the line separator to be a non-empty string', separator);
  return separator;
};

/** Splits a text stream into lines. `push` each piece of text, then `end` once. */
export class LineSplitter {
  private pending = '';
  private readonly crlf: boolean;
  private readonly keep: boolean;

  constructor(
    private readonly separator = '\n',
    options: LineOptions = {},
  ) {
    checkSeparator(separator);
    this.crlf = options.crlf === true && separator === '\n';
    this.keep = options.keepSeparator === true;
  }

  /** The lines that `text` completes. */
  push(text: string): string[] {
    if (text === '') return [];
    const sep = this.separator;
    // only the tail of what is pending can hold the start of a separator cut by the chunk boundary
    let from = Math.max(0, this.pending.length - sep.length + 1);
    const all = this.pending + text;
    const out: string[] = [];
    let start = 0;
    for (let i = all.indexOf(sep, from); i >= 0; i = all.indexOf(sep, from)) {
      out.push(this.line(all.slice(start, i)));
      start = from = i + sep.length;
    }
    this.pending = all.slice(start);
    return out;
  }

  /** The last line when the text did not end with a separator. */
  end(): string[] {
    const rest = this.pending;
    this.pending = '';
    return rest === '' ? [] : [rest];
  }

  private line(body: string): string {
    if (this.keep) return body + this.separator;
    return this.crlf && body.endsWith('\r') ? body.slice(0, -1) : body;
  }
}
