// Streaming text decoding shared by `decode`, `lines` and the connection factories: a multi-byte
// character split across chunks is held back until its last byte arrives.
import { TextDecoder } from 'node:util';
import { encodingError, type OpenSSHError } from '../../core/errors';

/** How undecodable bytes are handled. */
export interface DecodeOptions {
  /**
   * `true`: undecodable bytes (or a character cut off at the end) fail the stream with `OSSH_ENCODING_ERROR`,
   * as Net::OpenSSH's `encoding` does. `false`: each is replaced with U+FFFD. @default true
   */
  fatal?: boolean;
  /** Host named in the error. */
  host?: string;
}

/** Creates a TextDecoder for `encoding`, or throws OSSH_ENCODING_ERROR ("bad encoding") for a name it does not know. */
export const textDecoder = (encoding: string, fatal: boolean, host?: string): TextDecoder => {
  if (typeof encoding !== 'string' || encoding === '')
    throw encodingError(host, `bad encoding ${JSON.stringify(encoding)}: expected an encoding name such as 'utf-8'`);
  try {
    // ignoreBOM: a byte order mark in the output is data, kept as U+FEFF
    return new TextDecoder(encoding, { fatal, ignoreBOM: true });
  } catch {
    throw encodingError(
      host,
      `bad encoding '${encoding}': not an encoding this Node.js knows (see TextDecoder's supported encodings)`,
    );
  }
};

/** One stream's decoder: `write` each chunk, then `end` once. Errors are OpenSSHErrors. */
export class ChunkDecoder {
  private readonly decoder: TextDecoder;
  private seen = 0;

  constructor(
    private readonly encoding: string,
    fatal = true,
    private readonly host?: string,
  ) {
    this.decoder = textDecoder(encoding, fatal, host);
  }

  /** The text completed by `bytes` (possibly empty); a trailing partial character is kept for the next call. */
  write(bytes: Uint8Array): string {
    try {
      return this.decoder.decode(bytes, { stream: true });
    } catch {
      throw this.failure(`undecodable bytes within bytes ${this.seen}..${this.seen + bytes.length} of the output`);
    } finally {
      this.seen += bytes.length;
    }
  }

  /** Flushes what is held back: a character left incomplete at the end fails (or becomes U+FFFD when not fatal). */
  end(): string {
    try {
      return this.decoder.decode();
    } catch {
      throw this.failure(`the output ends in the middle of a character (after ${this.seen} bytes)`);
    }
  }

  private failure(where: string): OpenSSHError {
    return encodingError(
      this.host,
      `output decoding failed: the output is not valid ${this.encoding}: ${where}; pass \`fatal: false\` to ` +
        `replace such bytes with U+FFFD`,
    );
  }
}
