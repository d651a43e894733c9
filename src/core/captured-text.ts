// A stream's bytes collected as text, keeping each byte once. Chunks (lent views of the engine's read
// buffers, or a pipe's own chunks) are copied into one block that is reused, and each full block is
// decoded at once into a piece of the text; the pieces are joined as V8 joins strings (a rope: no copy
// until something needs the text flat). So 64 MiB of output touches 64 MiB of fresh memory (the string)
// instead of three times that (a buffer per read, their concatenation, then the string), and the decoding
// runs while the output arrives instead of after it. A multibyte character cut by a block's end is held
// by the streaming decoder until its last byte, so the text is the same as decoding all the bytes at once.
import { StringDecoder } from 'node:string_decoder';
import { TextDecoder } from 'node:util';
import { maxDecodableBytes } from './decode-text';
import { Utf8Chunks, type StreamDecoder } from './utf8-chunks';

/** The first block's size: small outputs (most commands) stay small. */
export const FIRST_BLOCK = 16 * 1024;
/**
 * The block a large output is decoded from: each piece of text then exceeds V8's largest regular object
 * (128 KiB) and is allocated once where it stays, never copied by the young-generation collector. It stays
 * under Node's threshold (1,031,913 bytes) above which an ASCII or latin1 decode makes an external string
 * instead: memory V8 counts as external, whose release then costs the work that follows (the next command
 * spent twice the CPU with 1 MiB blocks).
 */
export const LARGE_BLOCK = 1000 * 1024;

/**
 * Node's own encodings first, through its StringDecoder (as `Buffer#toString`: Node's latin1 is ISO-8859-1, while
 * TextDecoder's 'latin1' label means windows-1252), UTF-8 through Utf8Chunks while it is valid (ASCII blocks are
 * then a plain copy instead of a decode), then anything TextDecoder knows.
 */
const decoderFor = (encoding: string): StreamDecoder => {
  if (/^utf-?8$/i.test(encoding)) return new Utf8Chunks(new StringDecoder('utf8'));
  if (Buffer.isEncoding(encoding)) return new StringDecoder(encoding);
  // TextDecoder's defaults: U+FFFD for bad bytes, a leading byte order mark dropped
  const d = new TextDecoder(encoding);
  return { write: (bytes) => d.decode(bytes, { stream: true }), end: () => d.decode() };
};

/**
 * Bytes written in, text out: the same text as decoding all the bytes at once (`Buffer#toString` for Node's
 * encodings, else `TextDecoder#decode`), undecodable bytes as U+FFFD.
 */
export class CapturedText {
  /** Bytes written so far, kept or not. */
  size = 0;
  private block: Buffer | undefined;
  private filled = 0;
  private decoded = '';
  private readonly decoder: StreamDecoder;
  private readonly max: number;
  private ended = false;

  /**
   * @param encoding a Buffer encoding or a TextDecoder label (utf8 by default).
   * @param blocks the first and the largest block size (tests use small ones to cut characters everywhere).
   */
  constructor(
    encoding = 'utf8',
    private readonly blocks = { first: FIRST_BLOCK, large: LARGE_BLOCK },
  ) {
    this.decoder = decoderFor(encoding);
    this.max = maxDecodableBytes(encoding);
  }

  /** Whether more bytes were written than one string can hold (those past the limit were dropped). */
  get tooLarge(): boolean {
    return this.size > this.max;
  }

  /** Takes a copy of `chunk` (which may be a view the caller reuses once this returns). */
  write(chunk: Buffer): void {
    const kept = this.size;
    this.size += chunk.length;
    if (this.ended || this.size > this.max) return; // cannot become a string: counted, not kept
    for (let at = 0; at < chunk.length; ) {
      const block = (this.block ??= Buffer.allocUnsafeSlow(this.nextBlockSize(kept, chunk.length)));
      const n = chunk.copy(block, this.filled, at);
      this.filled += n;
      at += n;
      if (this.filled === block.length) this.flush();
    }
  }

  /**
   * The text of every byte kept. The first call ends the decoding (a character cut off at the end becomes
   * U+FFFD) and frees the block; later writes are counted only. Never throws: past the limit of a string it
   * is the text of the chunks written before the one that passed it (check {@link tooLarge}).
   */
  text(): string {
    if (!this.ended) {
      this.flush();
      this.ended = true;
      this.block = undefined;
      this.decoded += this.decoder.end();
    }
    return this.decoded;
  }

  /** Decodes what the block holds into the text; the block is reused, or replaced by a larger one. */
  private flush(): void {
    const block = this.block;
    if (!block || this.filled === 0) return;
    this.decoded += this.decoder.write(block.subarray(0, this.filled));
    this.filled = 0;
    if (block.length < this.blocks.large) this.block = undefined; // the next one is larger
  }

  /** Blocks grow four times at a step from the first size to the large one, never below the chunk at hand. */
  private nextBlockSize(kept: number, chunk: number): number {
    const { first, large } = this.blocks;
    const grown = Math.max(first, Math.min(large, kept * 4));
    return Math.min(large, Math.max(grown, chunk));
  }
}
