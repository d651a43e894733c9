// Pure encoding and decoding of what travels on a control socket: ControlMaster messages and,
// in proxy mode, SSH connection-protocol packets. No I/O here: bytes in, values out.
import { EXTENDED_DATA_STDERR, MAX_FRAME, MUX, MUX_VERSION, SSH } from './messages';

/** A malformed frame: the peer is not speaking the protocol we expect. */
export class CodecError extends Error {}
Object.defineProperty(CodecError.prototype, 'name', { value: 'CodecError', enumerable: false });

// ---------------------------------------------------------------- encoding

/** One field of a message: uint32 (number), byte ({ byte }), boolean, or SSH string (string | Buffer). */
export type Field = number | boolean | string | Buffer | { byte: number };

const fieldSize = (f: Field): number =>
  typeof f === 'number'
    ? 4
    : typeof f === 'boolean'
      ? 1
      : typeof f === 'string'
        ? 4 + Buffer.byteLength(f)
        : Buffer.isBuffer(f)
          ? 4 + f.length
          : 1;

const writeField = (buf: Buffer, at: number, f: Field): number => {
  if (typeof f === 'number') return buf.writeUInt32BE(f >>> 0, at);
  if (typeof f === 'boolean') return buf.writeUInt8(f ? 1 : 0, at);
  if (typeof f === 'string') {
    const n = buf.write(f, at + 4, 'utf8');
    buf.writeUInt32BE(n, at);
    return at + 4 + n;
  }
  if (Buffer.isBuffer(f)) {
    buf.writeUInt32BE(f.length, at);
    f.copy(buf, at + 4);
    return at + 4 + f.length;
  }
  return buf.writeUInt8((f as { byte: number }).byte, at);
};

/** Encodes `head` then `fields` after a uint32 length prefix. */
const frame = (head: Field[], fields: Field[]): Buffer => {
  const all = [...head, ...fields];
  const size = all.reduce<number>((n, f) => n + fieldSize(f), 0);
  const buf = Buffer.allocUnsafe(4 + size);
  buf.writeUInt32BE(size, 0);
  let at = 4;
  for (const f of all) at = writeField(buf, at, f);
  return buf;
};

/** A ControlMaster message: `uint32 length, uint32 type, fields`. */
export const encodeMux = (type: number, ...fields: Field[]): Buffer => frame([type], fields);

/** Our hello: version 4, no extensions. */
export const encodeMuxHello = (): Buffer => encodeMux(MUX.HELLO, MUX_VERSION);

/** A proxy-mode packet: `uint32 length, byte 0 (padding), byte type, fields` (no MAC, no padding). */
export const encodePacket = (type: number, ...fields: Field[]): Buffer => frame([{ byte: 0 }, { byte: type }], fields);

/** SSH_MSG_CHANNEL_OPEN "session". */
export const encodeOpenSession = (sender: number, window: number, maxPacket: number): Buffer =>
  encodePacket(SSH.CHANNEL_OPEN, 'session', sender, window, maxPacket);

/** SSH_MSG_CHANNEL_OPEN "direct-tcpip" (RFC 4254 7.2) or "direct-streamlocal@openssh.com" (OpenSSH PROTOCOL 2.4). */
export const encodeOpenTunnel = (
  sender: number,
  window: number,
  maxPacket: number,
  target: { host: string; port: number } | { path: string },
): Buffer =>
  'path' in target
    ? encodePacket(SSH.CHANNEL_OPEN, 'direct-streamlocal@openssh.com', sender, window, maxPacket, target.path, '', 0)
    : encodePacket(
        SSH.CHANNEL_OPEN,
        'direct-tcpip',
        sender,
        window,
        maxPacket,
        target.host,
        target.port,
        '127.0.0.1',
        0,
      );

/** SSH_MSG_CHANNEL_REQUEST with its type-specific fields. */
export const encodeRequest = (recipient: number, name: string, wantReply: boolean, ...fields: Field[]): Buffer =>
  encodePacket(SSH.CHANNEL_REQUEST, recipient, name, wantReply, ...fields);

/** The length in bytes of what `encodeRequest` returns for these arguments (any recipient), without encoding. */
export const requestLength = (name: string, wantReply: boolean, ...fields: Field[]): number =>
  // uint32 length, byte padding, byte type, then the fields encodeRequest writes (0 stands for the recipient)
  [0, name, wantReply, ...fields].reduce<number>((n, f) => n + fieldSize(f), 4 + 1 + 1);

/** "pty-req" (RFC 4254 6.2): terminal type, size in characters and pixels, no terminal modes. */
export const encodePtyReq = (recipient: number, term: string, cols: number, rows: number): Buffer =>
  encodeRequest(recipient, 'pty-req', true, term, cols, rows, 0, 0, Buffer.from([0 /* TTY_OP_END */]));

/** SSH_MSG_CHANNEL_WINDOW_ADJUST. */
export const encodeWindowAdjust = (recipient: number, bytes: number): Buffer => {
  const b = Buffer.allocUnsafe(14);
  b.writeUInt32BE(10, 0);
  b[4] = 0;
  b[5] = SSH.CHANNEL_WINDOW_ADJUST;
  b.writeUInt32BE(recipient >>> 0, 6);
  b.writeUInt32BE(bytes >>> 0, 10);
  return b;
};

/** The header of SSH_MSG_CHANNEL_DATA for `length` bytes; the payload follows it unchanged (no copy). */
export const encodeDataHeader = (recipient: number, length: number): Buffer => {
  const b = Buffer.allocUnsafe(14);
  b.writeUInt32BE(10 + length, 0);
  b[4] = 0;
  b[5] = SSH.CHANNEL_DATA;
  b.writeUInt32BE(recipient >>> 0, 6);
  b.writeUInt32BE(length, 10);
  return b;
};

/** A packet that carries only a recipient channel: EOF, CLOSE, SUCCESS, FAILURE. */
export const encodeChannelOnly = (type: number, recipient: number): Buffer => encodePacket(type, recipient);

// ---------------------------------------------------------------- decoding

/** Reads SSH wire types from a buffer, with bounds checks. */
export class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  private need(n: number): void {
    if (this.at + n > this.buf.length)
      throw new CodecError(`truncated message (need ${n} bytes at ${this.at} of ${this.buf.length})`);
  }
  byte(): number {
    this.need(1);
    return this.buf[this.at++]!;
  }
  bool(): boolean {
    return this.byte() !== 0;
  }
  uint32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }
  /** An SSH string as a view into the buffer (no copy). */
  bytes(): Buffer {
    const n = this.uint32();
    this.need(n);
    const v = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }
  string(): string {
    return this.bytes().toString('utf8');
  }
  get remaining(): number {
    return this.buf.length - this.at;
  }
}

/** A ControlMaster reply, decoded. */
export type MuxMessage =
  | { type: 'hello'; version: number }
  | { type: 'ok'; id: number }
  | { type: 'alive'; id: number; pid: number }
  | { type: 'proxy'; id: number }
  | { type: 'failure' | 'denied'; id: number; reason: string }
  | { type: 'unknown'; code: number };

/** Decodes the body of a ControlMaster frame (after the length). */
export const decodeMux = (body: Buffer): MuxMessage => {
  const r = new Reader(body);
  const code = r.uint32();
  switch (code) {
    case MUX.HELLO:
      return { type: 'hello', version: r.uint32() };
    case MUX.S_OK:
      return { type: 'ok', id: r.uint32() };
    case MUX.S_ALIVE:
      return { type: 'alive', id: r.uint32(), pid: r.uint32() };
    case MUX.S_PROXY:
      return { type: 'proxy', id: r.uint32() };
    case MUX.S_FAILURE:
    case MUX.S_PERMISSION_DENIED:
      return { type: code === MUX.S_FAILURE ? 'failure' : 'denied', id: r.uint32(), reason: r.string() };
    default:
      return { type: 'unknown', code };
  }
};

/** Exit information a server sends in "exit-status" / "exit-signal" requests. */
export type ExitInfo =
  | { code: number; signal: null }
  | { code: null; signal: string; coreDumped: boolean; message: string };

/** A proxy-mode packet from the master, decoded. `recipient` is our channel id. */
export type SshPacket =
  | { type: 'open-confirmation'; recipient: number; sender: number; window: number; maxPacket: number }
  | { type: 'open-failure'; recipient: number; reason: number; description: string }
  | { type: 'window-adjust'; recipient: number; bytes: number }
  | { type: 'data'; recipient: number; stream: 'stdout' | 'stderr' | 'other'; data: Buffer }
  | { type: 'eof' | 'close' | 'success' | 'failure'; recipient: number }
  | { type: 'request'; recipient: number; name: string; wantReply: boolean; exit?: ExitInfo | undefined }
  | { type: 'open'; channelType: string; sender: number }
  | { type: 'global-request'; name: string; wantReply: boolean }
  | { type: 'other'; code: number };

const decodeRequest = (r: Reader): SshPacket => {
  const recipient = r.uint32();
  const name = r.string();
  const wantReply = r.bool();
  let exit: ExitInfo | undefined;
  if (name === 'exit-status') exit = { code: r.uint32(), signal: null };
  else if (name === 'exit-signal') exit = { code: null, signal: r.string(), coreDumped: r.bool(), message: r.string() };
  return { type: 'request', recipient, name, wantReply, exit };
};

const SIMPLE = {
  [SSH.CHANNEL_EOF]: 'eof',
  [SSH.CHANNEL_CLOSE]: 'close',
  [SSH.CHANNEL_SUCCESS]: 'success',
  [SSH.CHANNEL_FAILURE]: 'failure',
} as Record<number, 'eof' | 'close' | 'success' | 'failure'>;

/** Decodes the body of a proxy-mode frame (after the length): `byte padding, byte type, payload`. */
export const decodePacket = (body: Buffer): SshPacket => {
  const r = new Reader(body);
  const padding = r.byte();
  if (padding !== 0) throw new CodecError(`unexpected padding length ${padding} in proxy mode`);
  const code = r.byte();
  switch (code) {
    case SSH.CHANNEL_DATA: {
      const recipient = r.uint32();
      return { type: 'data', recipient, stream: 'stdout', data: r.bytes() };
    }
    case SSH.CHANNEL_EXTENDED_DATA: {
      const recipient = r.uint32();
      const stream = r.uint32() === EXTENDED_DATA_STDERR ? 'stderr' : 'other';
      return { type: 'data', recipient, stream, data: r.bytes() };
    }
    case SSH.CHANNEL_WINDOW_ADJUST:
      return { type: 'window-adjust', recipient: r.uint32(), bytes: r.uint32() };
    case SSH.CHANNEL_OPEN_CONFIRMATION:
      return {
        type: 'open-confirmation',
        recipient: r.uint32(),
        sender: r.uint32(),
        window: r.uint32(),
        maxPacket: r.uint32(),
      };
    case SSH.CHANNEL_OPEN_FAILURE:
      return { type: 'open-failure', recipient: r.uint32(), reason: r.uint32(), description: r.string() };
    case SSH.CHANNEL_REQUEST:
      return decodeRequest(r);
    case SSH.CHANNEL_OPEN: {
      const channelType = r.string();
      return { type: 'open', channelType, sender: r.uint32() };
    }
    case SSH.GLOBAL_REQUEST: {
      const name = r.string();
      return { type: 'global-request', name, wantReply: r.bool() };
    }
    default: {
      const simple = SIMPLE[code];
      return simple ? { type: simple, recipient: r.uint32() } : { type: 'other', code };
    }
  }
};

/**
 * The header of a DATA / EXTENDED_DATA packet from the first bytes of its frame body, without the payload
 * (for a frame that spans socket reads: {@link decodePacket} reads the same fields from a whole body).
 * undefined when `head` is another packet or too short to hold the header.
 */
export const decodeDataHeader = (
  head: Buffer,
): { recipient: number; stream: 'stdout' | 'stderr' | 'other'; start: number; length: number } | undefined => {
  const start = head[1] === SSH.CHANNEL_DATA ? 10 : head[1] === SSH.CHANNEL_EXTENDED_DATA ? 14 : -1;
  if (start < 0 || head.length < start || head[0] !== 0) return undefined;
  const stream = start === 10 ? 'stdout' : head.readUInt32BE(6) === EXTENDED_DATA_STDERR ? 'stderr' : 'other';
  return { recipient: head.readUInt32BE(2), stream, start, length: head.readUInt32BE(start - 4) };
};

// ---------------------------------------------------------------- framing

/**
 * Splits a byte stream into `uint32 length, body` frames (both framings on a control socket share
 * this shape). A frame inside one chunk is returned as a view of it; only a frame spanning chunks is
 * copied, once, into a buffer of its exact size. Nothing is concatenated per packet.
 */
export class FrameParser {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Length of the frame being assembled, once its 4 length bytes are known. */
  private want = -1;

  constructor(private readonly maxFrame = MAX_FRAME) {}

  /**
   * Feeds bytes; calls `onFrame(body)` for every complete frame, in order. Throws CodecError on a bad length.
   * A frame spanning chunks is first offered to `onSplit` as views of its pieces; when that returns true it
   * took them (no copy), else the frame is copied into one buffer for `onFrame` as usual.
   */
  push(chunk: Buffer, onFrame: (body: Buffer) => void, onSplit?: (parts: Buffer[]) => boolean): void {
    let at = 0;
    // fast path: nothing pending, frames parsed straight out of this chunk
    if (this.buffered === 0 && this.want < 0) {
      while (chunk.length - at >= 4) {
        const len = this.checkLength(chunk.readUInt32BE(at));
        if (chunk.length - at - 4 < len) break;
        onFrame(chunk.subarray(at + 4, at + 4 + len));
        at += 4 + len;
      }
      if (at < chunk.length) this.keep(chunk.subarray(at));
      return;
    }
    this.keep(chunk);
    for (;;) {
      if (this.want < 0) {
        if (this.buffered < 4) return;
        this.want = this.checkLength(this.take(4).readUInt32BE(0));
      }
      if (this.buffered < this.want) return;
      const n = this.want;
      this.want = -1;
      if (onSplit && this.chunks[0]!.length < n) {
        const parts = this.takeViews(n);
        if (onSplit(parts)) continue;
        onFrame(Buffer.concat(parts, n));
      } else onFrame(this.take(n));
    }
  }

  /** Bytes held for an incomplete frame. */
  get pending(): number {
    return this.buffered;
  }

  /** Whether part of an incomplete frame sits in `buffer` (its reader must not reuse it yet). */
  holds(buffer: ArrayBufferLike): boolean {
    return this.chunks.some((c) => c.buffer === buffer);
  }

  private checkLength(len: number): number {
    if (len === 0 || len > this.maxFrame) throw new CodecError(`frame length ${len} is outside 1..${this.maxFrame}`);
    return len;
  }

  private keep(b: Buffer): void {
    if (b.length === 0) return;
    this.chunks.push(b);
    this.buffered += b.length;
  }

  /** Removes `n` bytes from the front as views of the chunks they sit in (no copy). */
  private takeViews(n: number): Buffer[] {
    const parts: Buffer[] = [];
    for (let left = n; left > 0; ) {
      const c = this.chunks[0]!;
      if (c.length <= left) {
        parts.push(c);
        this.chunks.shift();
        left -= c.length;
      } else {
        parts.push(c.subarray(0, left));
        this.chunks[0] = c.subarray(left);
        left = 0;
      }
    }
    this.buffered -= n;
    return parts;
  }

  /** Removes `n` bytes from the front: a view when they sit in one chunk, else one copy. */
  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const m = Math.min(c.length, n - filled);
      c.copy(out, filled, 0, m);
      filled += m;
      if (m === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(m);
    }
    this.buffered -= n;
    return out;
  }
}
