// `lines`: output arrives in chunks cut anywhere; most programs want it line by line.
import { Observable, type OperatorFunction } from 'rxjs';
import { ChunkDecoder } from './chunk-decoder';
import { LineSplitter, checkMaxLineLength, checkSeparator, type LineOptions } from './line-splitter';

export type { LineOptions } from './line-splitter';

/**
 * Cuts a stream of output chunks into complete lines.
 *
 * Each value of the source is a piece of the output: a `string`, or bytes (`Buffer`/`Uint8Array`), which
 * are decoded as UTF-8 as they arrive (a character split between chunks is decoded right; invalid UTF-8
 * fails the stream with `OSSH_ENCODING_ERROR`). For another encoding, or to replace bad bytes with U+FFFD,
 * put {@link decode} before `lines` and give it strings. A separator cut in two by a chunk boundary is
 * still found. Lines are emitted without the separator (unless `keepSeparator`); when the source
 * completes, text after the last separator is emitted as a last line. Nothing is buffered beyond the
 * current incomplete line, and the work is linear in the length of the output, however long the lines.
 *
 * A line longer than `maxLineLength` (default 1 MiB: 1,048,576 characters) fails the
 * stream with `OSSH_SLAVE_PIPE_FAILED` as soon as that much has arrived without a separator (the lines before
 * it are emitted first), which unsubscribes the source and so ends the command; raise it (`Infinity`: no
 * limit) for longer records, or read output that is not made of lines as a stream.
 *
 * It works on output chunks, not on {@link ExecEvent}s: take the stdout chunks first (`stdout()`), or
 * use `lines$`, which does that and also handles the exit status.
 *
 * ## Example
 *
 * Follow a remote log line by line, and stop after the first error line:
 *
 * ```ts
 * import { filter, take } from 'rxjs';
 * import { OpenSSH, lines, stdout } from 'net-openssh';
 *
 * const ssh = new OpenSSH('web1');
 * ssh.exec$('tail -f /var/log/app.log')
 *   .pipe(stdout(), lines(), filter((line) => line.includes('ERROR')), take(1))
 *   .subscribe((line) => console.log(line)); // unsubscribing after take(1) ends the remote tail
 * // Logs:
 * // 2024-05-01 12:00:03 ERROR disk full
 * ```
 *
 * @param separator The line separator. @default '\n'
 * @param options `crlf` (drop a `\r` before `\n`), `keepSeparator`, `maxLineLength` (1 MiB).
 * @returns An Observable of the lines.
 * @see {@link decode}
 * @see {@link lines$}
 */
export function lines<T extends string | Uint8Array>(
  separator = '\n',
  options: LineOptions = {},
): OperatorFunction<T, string> {
  checkSeparator(separator);
  checkMaxLineLength(options.maxLineLength);
  return (source) =>
    new Observable<string>((sub) => {
      const splitter = new LineSplitter(separator, options);
      const emit = (l: string) => sub.next(l);
      let decoder: ChunkDecoder | undefined;
      return source.subscribe({
        next: (chunk) => {
          try {
            if (typeof chunk === 'string') splitter.push(chunk, emit);
            else splitter.push((decoder ??= new ChunkDecoder('utf-8')).write(chunk), emit);
          } catch (e) {
            sub.error(e);
          }
        },
        error: (e) => sub.error(e),
        complete: () => {
          try {
            if (decoder) splitter.push(decoder.end(), emit);
            splitter.end(emit);
          } catch (e) {
            return sub.error(e);
          }
          sub.complete();
        },
      });
    });
}
