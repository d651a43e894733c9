// `lines`: output arrives in chunks cut anywhere; most programs want it line by line.
import { Observable, type OperatorFunction } from 'rxjs';
import { ChunkDecoder } from './chunk-decoder';
import { LineSplitter, checkSeparator, type LineOptions } from './line-splitter';

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
 * current incomplete line.
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
 * @param options `crlf` (drop a `\r` before `\n`), `keepSeparator`.
 * @returns An Observable of the lines.
 * @see {@link decode}
 * @see {@link lines$}
 */
export function lines<T extends string | Uint8Array>(
  separator = '\n',
  options: LineOptions = {},
): OperatorFunction<T, string> {
  checkSeparator(separator);
  return (source) =>
    new Observable<string>((sub) => {
      const splitter = new LineSplitter(separator, options);
      let decoder: ChunkDecoder | undefined;
      const emit = (ls: string[]) => {
        for (const l of ls) sub.next(l);
      };
      return source.subscribe({
        next: (chunk) => {
          let text: string;
          if (typeof chunk === 'string') text = chunk;
          else {
            decoder ??= new ChunkDecoder('utf-8');
            try {
              text = decoder.write(chunk);
            } catch (e) {
              return sub.error(e);
            }
          }
          emit(splitter.push(text));
        },
        error: (e) => sub.error(e),
        complete: () => {
          try {
            if (decoder) emit(splitter.push(decoder.end()));
          } catch (e) {
            return sub.error(e);
          }
          emit(splitter.end());
          sub.complete();
        },
      });
    });
}
