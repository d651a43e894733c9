// `decode`: bytes to text for a stream, so a character split between two chunks is not mangled.
import { Observable, type OperatorFunction } from 'rxjs';
import { ChunkDecoder, textDecoder, type DecodeOptions } from './chunk-decoder';

export type { DecodeOptions } from './chunk-decoder';

/**
 * Decodes a stream of byte chunks into text, as it arrives.
 *
 * One `TextDecoder` (in streaming mode) serves the whole subscription, so a multi-byte character whose
 * bytes arrive in two chunks comes out whole, in the value of the chunk that completes it. Chunks that
 * only hold the start of a character emit nothing. Undecodable bytes, or a character cut off when the
 * source completes, fail the stream with `OSSH_ENCODING_ERROR` (Net::OpenSSH's behaviour); with
 * `fatal: false` each is replaced with U+FFFD instead. A byte order mark is kept as U+FEFF.
 *
 * `encoding` is any label `TextDecoder` knows (`'utf-8'`, `'utf-16le'`, `'iso-8859-2'`, `'shift_jis'`...);
 * an unknown one throws `OSSH_ENCODING_ERROR` at once. As the WHATWG Encoding standard says, `'latin1'`
 * and `'ascii'` mean windows-1252, which decodes every byte.
 *
 * ## Example
 *
 * ```ts
 * import { OpenSSH, decode, stdout } from 'net-openssh';
 *
 * const ssh = new OpenSSH('web1');
 * ssh.exec$('cat', '/etc/motd')
 *   .pipe(stdout(), decode('utf-8'))
 *   .subscribe((text) => process.stdout.write(text));
 * ```
 *
 * @param encoding The encoding of the bytes. @default 'utf-8'
 * @param options `fatal` (default true): fail on bad bytes, or replace them with U+FFFD; `host` for the error.
 * @returns An Observable of the decoded text, one string per chunk that completed at least one character.
 * @see {@link lines}
 */
export function decode<T extends Uint8Array>(
  encoding = 'utf-8',
  options: DecodeOptions = {},
): OperatorFunction<T, string> {
  const { fatal = true, host } = options;
  textDecoder(encoding, fatal, host); // an unknown encoding fails here, at once
  return (source) =>
    new Observable<string>((sub) => {
      const decoder = new ChunkDecoder(encoding, fatal, host);
      return source.subscribe({
        next: (chunk) => {
          let text: string;
          try {
            text = decoder.write(chunk);
          } catch (e) {
            return sub.error(e);
          }
          if (text !== '') sub.next(text);
        },
        error: (e) => sub.error(e),
        complete: () => {
          let rest: string;
          try {
            rest = decoder.end();
          } catch (e) {
            return sub.error(e);
          }
          if (rest !== '') sub.next(rest);
          sub.complete();
        },
      });
    });
}
