// Output bytes to text in the stream encoding. Node's own encodings first (its latin1 is ISO-8859-1,
// while TextDecoder's 'latin1' label means windows-1252), then anything TextDecoder knows.

/** `bytes` decoded as `encoding` (utf8 by default); undecodable bytes become U+FFFD. */
export const decodeText = (bytes: Buffer, encoding = 'utf8'): string =>
  Buffer.isEncoding(encoding) ? bytes.toString(encoding) : new TextDecoder(encoding).decode(bytes);
