// Output bytes to text in the stream encoding. Node's own encodings first (its latin1 is ISO-8859-1,
// while TextDecoder's 'latin1' label means windows-1252), then anything TextDecoder knows.
import { constants } from 'node:buffer';
import { pipeFailed } from './errors';

// Bytes of output per UTF-16 code unit of text, at least: two for UTF-16, one for the others (Node refuses a
// UTF-8 decode by its byte count, as N bytes may give up to N code units). hex and base64 text is longer.
const BYTES_PER_UNIT: Record<string, number> = {
  utf16le: 2,
  'utf-16le': 2,
  ucs2: 2,
  'ucs-2': 2,
  'utf-16be': 2,
  hex: 0.5,
  base64: 0.75,
  base64url: 0.75,
};

/** The most output bytes that decode to a string in `encoding` (V8's `buffer.constants.MAX_STRING_LENGTH`). */
export const maxDecodableBytes = (encoding = 'utf8'): number =>
  Math.floor(constants.MAX_STRING_LENGTH * (BYTES_PER_UNIT[encoding.toLowerCase()] ?? 1));

/**
 * Throws `OSSH_SLAVE_PIPE_FAILED` when `byteLength` bytes of `what` (e.g. 'stdout') cannot become one string:
 * checked before the bytes are joined or decoded, instead of Node's ERR_STRING_TOO_LONG after.
 */
export const checkDecodable = (byteLength: number, encoding = 'utf8', host?: string, what = 'the output'): void => {
  const max = maxDecodableBytes(encoding);
  if (byteLength <= max) return;
  throw pipeFailed(
    host,
    `${what} of the command (${byteLength} bytes) is too large for a string (at most ${max} bytes in ` +
      `${encoding}); use system({ onStdout }), stdoutFh, or a stream (pipeOut, capture$) instead`,
  );
};

/** `bytes` decoded as `encoding` (utf8 by default); undecodable bytes become U+FFFD. Too many bytes throw. */
export const decodeText = (bytes: Buffer, encoding = 'utf8', host?: string, what?: string): string => {
  checkDecodable(bytes.length, encoding, host, what);
  return Buffer.isEncoding(encoding) ? bytes.toString(encoding) : new TextDecoder(encoding).decode(bytes);
};
