// How much output can become one string in the stream encoding (the decoding itself: captured-text.ts).
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
