// From the quoted command line (characters) to the bytes sent: the encoding is checked first, so a
// character it cannot represent fails before anything runs instead of arriving as `?` or U+FFFD.
import { Buffer } from 'node:buffer';
import { assertNoNul, encodingError, preview } from './quoting-error';

/** The encodings a command line may use: the ASCII-compatible ones Node's Buffer knows. */
export type CommandEncoding = 'utf8' | 'utf-8' | 'latin1' | 'binary' | 'ascii';

// Each supported encoding and the first character it cannot represent. UTF-16 and the binary-to-text
// encodings (hex, base64) are refused: a remote shell parses ASCII bytes, which they would not keep.
const UNENCODABLE: Readonly<Record<string, { canonical: string; bad: RegExp }>> = {
  utf8: { canonical: 'utf8', bad: /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/ },
  latin1: { canonical: 'latin1', bad: /[^\x00-\xff]/ },
  ascii: { canonical: 'ascii', bad: /[^\x00-\x7f]/ },
};
const ALIASES: Readonly<Record<string, string>> = { 'utf-8': 'utf8', binary: 'latin1' };

const normalize = (encoding: string): { canonical: string; bad: RegExp } => {
  const name = typeof encoding === 'string' ? encoding.toLowerCase() : '';
  const known = Object.hasOwn(UNENCODABLE, name) ? name : Object.hasOwn(ALIASES, name) ? ALIASES[name] : undefined;
  if (known === undefined)
    throw encodingError(
      `bad encoding ${JSON.stringify(encoding)}: expected one of utf8, latin1, ascii (or utf-8, binary)`,
    );
  return UNENCODABLE[known] as { canonical: string; bad: RegExp };
};

const codePoint = (text: string, at: number): string =>
  `U+${(text.codePointAt(at) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Encodes a command line (or one argument) to the bytes sent to the remote side. Throws OSSH_ENCODING_ERROR
 * when a character cannot be encoded (a lone surrogate in utf8, above U+00FF in latin1, above U+007F in
 * ascii) or the encoding is not supported, and OSSH_INVALID_ARGUMENT for a NUL.
 *
 * `encodeCommandLine("echo 'café'", 'latin1')` → the 11 bytes `echo 'caf\xe9'`
 */
export const encodeCommandLine = (text: string, encoding: CommandEncoding | string = 'utf8'): Buffer =>
  Buffer.from(text, checkEncodable(text, encoding) as BufferEncoding);

/**
 * The checks of {@link encodeCommandLine} without the encoding (for a line sent later as text): throws as it
 * would, else returns the encoding's canonical name.
 */
export const checkEncodable = (text: string, encoding: CommandEncoding | string = 'utf8'): string => {
  const { canonical, bad } = normalize(encoding);
  assertNoNul(text);
  const m = bad.exec(text);
  if (m !== null)
    throw encodingError(
      `character ${codePoint(text, m.index)} at offset ${m.index} of ${preview(text)} cannot be encoded in ` +
        `${canonical}`,
    );
  return canonical;
};
