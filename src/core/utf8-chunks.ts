// UTF-8 decoded chunk by chunk without a general decoder's per-byte cost where it can be avoided. Each chunk is
// checked by Node's native routines (`isAscii`, `isUtf8`: simdutf, a few hundredths of a second per GiB): ASCII,
// most output, becomes a one-byte string by a plain copy; other valid text goes to the decoder the caller gave
// as whole characters only, so that decoder never holds part of one. A character cut by a chunk's end is kept
// here (at most three bytes) and completed by the next chunk. From the first byte that is not valid UTF-8 on,
// the caller's decoder gets the stream as it comes, from a clean state, until a chunk of ASCII (whose first byte
// ends whatever it holds): so the text, and where a fatal decoder throws, are what that decoder alone would give.
import { isAscii, isUtf8 } from 'node:buffer';

/** A streaming decoder: `write` each chunk, then `end` once (Node's StringDecoder has this shape). */
export interface StreamDecoder {
  write(bytes: Buffer): string;
  end(): string;
}

/** How long the sequence that `lead` starts is, per the WHATWG UTF-8 decoder (0: not a lead byte). */
const sequenceLength = (lead: number): number =>
  lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;

// The second byte's range after the lead bytes that narrow it (no overlong forms, surrogates, or past U+10FFFF)
const SECOND = new Map<number, readonly [number, number]>([
  [0xe0, [0xa0, 0xbf]],
  [0xed, [0x80, 0x9f]],
  [0xf0, [0x90, 0xbf]],
  [0xf4, [0x80, 0x8f]],
]);

/** Whether `second` may follow `lead` (the WHATWG decoder's ranges). */
const secondByteFits = (lead: number, second: number): boolean => {
  const [low, high] = SECOND.get(lead) ?? [0x80, 0xbf];
  return second >= low && second <= high;
};

/** Whether `b[from..to)` is the start of a character (lead byte included) that more bytes could complete. */
const isOpenPrefix = (b: Uint8Array, from: number, to: number): boolean => {
  const need = sequenceLength(b[from]!);
  if (need === 0 || to - from >= need) return false;
  for (let i = from + 1; i < to; i++) {
    const c = b[i]!;
    if (i === from + 1 ? !secondByteFits(b[from]!, c) : c < 0x80 || c > 0xbf) return false;
  }
  return true;
};

/** Where a character left open at the end of `b` starts (`b.length` when none is). */
const openTailStart = (b: Buffer): number => {
  for (let i = b.length - 1; i >= 0 && i >= b.length - 3; i--) {
    const c = b[i]!;
    if (c < 0x80) return b.length; // ASCII: nothing open
    if (c >= 0xc0) return isOpenPrefix(b, i, b.length) ? i : b.length; // the last lead byte
  }
  return b.length;
};

/**
 * UTF-8 bytes in, text out, as `decoder` alone would give it (a streaming decoder of the same output). While the
 * bytes are valid, `decoder` is given whole characters only (ASCII not at all), which leaves it as it was: valid
 * UTF-8 has one decoding. It takes over with every byte it has not seen the moment one is not valid, until a chunk
 * of ASCII, whose first byte it is given to end whatever it holds. A byte order
 * mark is data, kept as U+FEFF: `decoder` must keep it too (StringDecoder does; a TextDecoder with `ignoreBOM`).
 */
export class Utf8Chunks implements StreamDecoder {
  /** The start of a character cut by the last chunk's end (a copy: chunks may be lent). */
  private open: Buffer | undefined;
  private fellBack = false;

  constructor(private readonly decoder: StreamDecoder) {}

  /**
   * Valid UTF-8 of whole characters as a string: ASCII copied as it is, other text decoded by `decoder` (for such
   * text no faster: Node's streaming TextDecoder took 1.6 s per GiB, `Buffer#toString` 3).
   */
  private textOf(b: Buffer): string | undefined {
    return isAscii(b) ? b.toString('latin1') : isUtf8(b) ? this.decoder.write(b) : undefined;
  }

  write(bytes: Buffer): string {
    if (this.fellBack) {
      if (bytes.length === 0 || !isAscii(bytes)) return this.decoder.write(bytes);
      // an ASCII byte ends what the decoder holds (U+FFFD, or its error): after it, it holds nothing, and the
      // copying resumes, so a bad byte early in the output does not slow the rest down
      this.fellBack = false;
      return this.decoder.write(bytes.subarray(0, 1)) + bytes.toString('latin1', 1);
    }
    let head = '';
    let at = 0;
    const open = this.open;
    if (open) {
      const want = sequenceLength(open[0]!) - open.length;
      const joined = Buffer.concat([open, bytes.subarray(0, want)]);
      if (bytes.length < want) {
        if (!isOpenPrefix(joined, 0, joined.length)) return this.fallBack(bytes);
        this.open = joined;
        return '';
      }
      const char = this.textOf(joined);
      if (char === undefined) return this.fallBack(bytes);
      head = char;
      at = want;
      this.open = undefined;
    }
    const rest = at === 0 ? bytes : bytes.subarray(at);
    const cut = openTailStart(rest);
    const text = this.textOf(cut === rest.length ? rest : rest.subarray(0, cut));
    if (text === undefined) return head + this.fallBack(rest);
    if (cut < rest.length) this.open = Buffer.from(rest.subarray(cut));
    return head + text;
  }

  end(): string {
    if (this.fellBack) return this.decoder.end();
    // a character left open at the end: the decoder says what that is (U+FFFD, or its error)
    return (this.open ? this.fallBack(Buffer.alloc(0)) : '') + this.decoder.end();
  }

  /** Hands the stream to `decoder` from the first byte it has not seen: the open character, then `bytes`. */
  private fallBack(bytes: Buffer): string {
    this.fellBack = true;
    const open = this.open;
    this.open = undefined;
    return (open ? this.decoder.write(open) : '') + this.decoder.write(bytes);
  }
}
