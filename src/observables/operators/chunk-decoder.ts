// Streaming text decoding shared by `decode`, `lines` and the connection factories: a multi-byte
// character split across chunks is held back until its last byte arrives.
import { TextDecoder } from 'node:util';
import { encodingError, type OpenSSHError } from '../../core/errors';
import { Utf8Chunks, type StreamDecoder } from '../../core/utf8-chunks';

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

/**
 * One stream's decoder: `write` each chunk, then `end` once. Errors are OpenSSHErrors. The text (and where a fatal
 * decoder fails) is TextDecoder's; UTF-8 is checked by Node's native routines first, and ASCII copied as it is
 * (see Utf8Chunks), at a fraction of TextDecoder's cost.
 */
export class ChunkDecoder {
  private readonly decoder: StreamDecoder;
  private seen = 0;

  constructor(
    private readonly encoding: string,
    fatal = true,
    private readonly host?: string,
  ) {
    const d = textDecoder(encoding, fatal, host);
    const streaming: StreamDecoder = {
      write: (bytes) => d.decode(bytes, { stream: true }),
      end: () => d.decode(),
    };
    this.decoder = d.encoding === 'utf-8' ? new Utf8Chunks(streaming) : streaming;
  }

  /** The text completed by `bytes` (possibly empty); a trailing partial character is kept for the next call. */
  write(bytes: Uint8Array): string {
    try {
      return this.decoder.write(
        Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length),
      );
    } catch {
      throw this.failure(`undecodable bytes within bytes ${this.seen}..${this.seen + bytes.length} of the output`);
    } finally {
      this.seen += bytes.length;
    }
  }

  /** Flushes what is held back: a character left incomplete at the end fails (or becomes U+FFFD when not fatal). */
  end(): string {
    try {
      return this.decoder.end();
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
