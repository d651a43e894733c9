// SFTP wire encoding: a packet builder, a packet reader and the frame parser that cuts the byte
// stream from the server into packets (split across chunks or several per chunk) without
// concatenating the stream.
import { SftpError } from './sftp-errors';

/**
 * A packet that does not parse (truncated field, impossible length): an SftpError, so callers always get an
 * OpenSSHError.
 */
export class MalformedPacket extends SftpError {
  constructor(readonly reason: string) {
    super(`sftp protocol error: ${reason}`);
  }
}

const TWO_32 = 2 ** 32;

/** Builds one packet: `uint32 length, byte type, payload`. */
export class PacketWriter {
  private buf: Buffer;
  private pos = 4;

  constructor(type: number, sizeHint = 128) {
    this.buf = Buffer.allocUnsafe(Math.max(sizeHint, 16));
    this.u8(type);
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): this {
    this.room(1);
    this.buf[this.pos++] = v;
    return this;
  }

  u32(v: number): this {
    this.room(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  /** A uint64 from a non-negative safe integer. */
  u64(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`not a uint64: ${v}`);
    this.room(8);
    this.buf.writeUInt32BE(Math.floor(v / TWO_32), this.pos);
    this.buf.writeUInt32BE(v % TWO_32, this.pos + 4);
    this.pos += 8;
    return this;
  }

  /** An SSH string: uint32 length then the bytes (a JS string is sent as UTF-8). */
  string(v: string | Uint8Array): this {
    const n = typeof v === 'string' ? Buffer.byteLength(v) : v.length;
    this.room(4 + n);
    this.buf.writeUInt32BE(n, this.pos);
    this.pos += 4;
    if (typeof v === 'string') this.buf.write(v, this.pos);
    else this.buf.set(v, this.pos);
    this.pos += n;
    return this;
  }

  /** Bytes as they are (no length prefix). */
  raw(v: Uint8Array): this {
    this.room(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
    return this;
  }

  /** The finished packet, length prefix included. */
  finish(): Buffer {
    this.buf.writeUInt32BE(this.pos - 4, 0);
    return this.buf.subarray(0, this.pos);
  }
}

/** Reads the fields of one packet body (type byte first). Throws MalformedPacket past the end. */
export class PacketReader {
  constructor(
    readonly buf: Buffer,
    public pos = 0,
  ) {}

  private need(n: number): void {
    if (this.pos + n > this.buf.length)
      throw new MalformedPacket(`packet truncated: ${n} more bytes needed at offset ${this.pos} of ${this.buf.length}`);
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** A uint64 as a number (exact up to 2^53; larger values lose precision rather than fail). */
  u64(): number {
    this.need(8);
    const v = this.buf.readUInt32BE(this.pos) * TWO_32 + this.buf.readUInt32BE(this.pos + 4);
    this.pos += 8;
    return v;
  }

  /** An SSH string as bytes (a view into the packet, not a copy). */
  bytes(): Buffer {
    const n = this.u32();
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** An SSH string decoded as UTF-8. */
  string(): string {
    return this.bytes().toString('utf8');
  }
}

/** The largest packet accepted by default: OpenSSH's servers send at most 256 KiB; this leaves room for others. */
export const DEFAULT_MAX_PACKET = 4 * 1024 * 1024;

/**
 * Cuts a byte stream into SFTP packets. `push` each chunk as it arrives; `onPacket` gets each packet's
 * body (type byte first, length prefix stripped). A packet inside one chunk is a view of that chunk; only
 * a packet that spans chunks is copied, once. Throws MalformedPacket on an impossible length.
 */
export class FrameParser {
  private chunks: Buffer[] = [];
  private head = 0; // bytes of chunks[0] already consumed
  private avail = 0;

  constructor(
    private readonly onPacket: (body: Buffer) => void,
    private readonly maxPacket = DEFAULT_MAX_PACKET,
  ) {}

  /** Bytes received but not yet delivered as a packet. */
  get buffered(): number {
    return this.avail;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.avail += chunk.length;
    while (this.avail >= 4) {
      const len = this.peekLength();
      if (len < 1 || len > this.maxPacket)
        throw new MalformedPacket(`impossible packet length ${len} (the stream is not SFTP, or out of step)`);
      if (this.avail < 4 + len) return;
      this.take(4);
      this.onPacket(this.take(len));
    }
  }

  private peekLength(): number {
    const first = this.chunks[0]!;
    if (first.length - this.head >= 4) return first.readUInt32BE(this.head);
    let v = 0;
    let i = 0;
    let at = this.head;
    for (let k = 0; k < 4; k++) {
      while (at >= this.chunks[i]!.length) {
        i++;
        at = 0;
      }
      v = v * 256 + this.chunks[i]![at++]!;
    }
    return v;
  }

  private take(n: number): Buffer {
    this.avail -= n;
    const first = this.chunks[0]!;
    const left = first.length - this.head;
    if (left >= n) {
      const v = first.subarray(this.head, this.head + n);
      this.head += n;
      if (this.head === first.length) {
        this.chunks.shift();
        this.head = 0;
      }
      return v;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const m = Math.min(c.length - this.head, n - filled);
      c.copy(out, filled, this.head, this.head + m);
      filled += m;
      this.head += m;
      if (this.head === c.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    return out;
  }
}
