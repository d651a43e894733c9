// The channel table of one proxy-mode control socket: gives out our channel ids, routes every
// packet from the master to its channel, and is the single gate every outgoing channel packet
// passes, so a packet naming a channel the server does not know is never sent (OpenSSH 9.2 would
// forward it, and sshd would then drop the whole connection). No socket here: `io` writes.
import type { OpenSSHError } from '../../errors';
import { CodecError, decodeDataHeader, decodePacket, encodeOpenSession, encodeOpenTunnel } from './codec';
import { OPEN_FAILURE_REASONS, WINDOW } from './messages';
import type { ChannelSender, MuxSession } from './session';

/** What a proxy connection needs from the engine. */
export interface ProxyIo {
  /**
   * Writes whole packets, in order (`urgent`: someone waits for them; else they may wait for the next urgent write);
   * false when the socket buffer is over its mark.
   */
  write(packets: Buffer[], urgent: boolean): boolean;
  whenDrained(fn: () => void): void;
  /** A view of a read, made safe to give to a consumer that may keep it. */
  own(view: Buffer): Buffer;
  /** A channel open was refused: the socket is retired (see OPENSSH-NOTES sharp edge 1). */
  openFailed(ch: MuxSession, reason: string): void;
  /** A channel finished (both CLOSEs exchanged, or failed): its session slot can be reused. */
  channelGone(ch: MuxSession): void;
  /** The server confirmed a channel's open (it can carry requests now). */
  confirmed(ch: MuxSession): void;
  debug(line: string): void;
}

/** One proxy-mode control socket's channels. */
export class ProxyConnection implements ChannelSender {
  /** Live channels by our channel id. */
  readonly channels = new Map<number, MuxSession>();
  /** No new channels: an open failed on this socket, and closing it would end the master. */
  retired = false;
  /** Packets refused by the id check (a bug if ever non-zero). */
  dropped = 0;
  private nextId = 0;

  constructor(private readonly io: ProxyIo) {}

  /** Opens `ch` on this socket (`urgent` false: nobody waits for it yet, a warm session). */
  open(ch: MuxSession, urgent = true): void {
    const id = this.nextId;
    this.nextId = (this.nextId + 1) >>> 0;
    this.channels.set(id, ch);
    ch.attach(this, id);
    const { req } = ch;
    const packet =
      req.kind === 'tunnel'
        ? encodeOpenTunnel(id, WINDOW.local, WINDOW.maxPacket, req.tunnel!)
        : encodeOpenSession(id, WINDOW.local, WINDOW.maxPacket);
    this.io.write([packet], urgent);
  }

  /** The gate: only a confirmed, live channel that has not sent CLOSE may send. */
  send(ch: MuxSession, packets: Buffer[], urgent = true): boolean {
    const live = this.channels.get(ch.localId) === ch && ch.remoteId !== undefined && !ch.closeSent;
    if (!live) {
      this.dropped++;
      this.io.debug(`mux: refusing to send ${packets.length} packet(s) for channel ${ch.localId}: not a live channel`);
      return true;
    }
    return this.io.write(packets, urgent);
  }

  whenDrained(fn: () => void): void {
    this.io.whenDrained(fn);
  }

  own(view: Buffer): Buffer {
    return this.io.own(view);
  }

  /** Handles one frame body from the master. */
  receive(body: Buffer): void {
    const p = decodePacket(body);
    if (p.type === 'other' || p.type === 'global-request' || p.type === 'open') {
      // never answered: a global reply is a global message, and we asked for no forwarded channels
      const what =
        p.type === 'other'
          ? `message ${p.code}`
          : p.type === 'open'
            ? `a ${p.channelType} open`
            : `global request ${p.name}`;
      this.io.debug(`mux: ignoring ${what}`);
      return;
    }
    const ch = this.channels.get(p.recipient);
    if (!ch) return this.io.debug(`mux: packet ${p.type} for unknown channel ${p.recipient} ignored`);
    switch (p.type) {
      case 'data':
        return ch.onData(p.stream, p.data);
      case 'window-adjust':
        return ch.onWindowAdjust(p.bytes);
      case 'open-confirmation':
        ch.onConfirm(p.sender, p.window, p.maxPacket);
        return this.io.confirmed(ch);
      case 'open-failure': {
        this.retired = true;
        this.channels.delete(p.recipient);
        const why = OPEN_FAILURE_REASONS[p.reason] ?? `reason ${p.reason}`;
        const reason = `${why}${p.description ? `: ${p.description}` : ''}`;
        this.io.debug(`mux: channel ${p.recipient} open failed (${reason}); this control socket is retired`);
        return this.io.openFailed(ch, reason);
      }
      case 'eof':
        return ch.onEof();
      case 'close':
        ch.onClose();
        this.channels.delete(p.recipient);
        return this.io.channelGone(ch);
      case 'success':
      case 'failure':
        return ch.onReply(p.type === 'success');
      case 'request':
        return ch.onRequest(p.name, p.wantReply, p.exit);
    }
  }

  /**
   * A frame that spans socket reads, as views of its pieces: a DATA or EXTENDED_DATA packet whose header sits
   * in the first piece is delivered piece by piece, without joining (bulk output: every other packet spans two
   * 64 KiB reads). Anything else returns false, and the caller joins it for {@link receive}.
   */
  receiveSplit(parts: Buffer[]): boolean {
    const h = decodeDataHeader(parts[0]!);
    if (!h) return false;
    const { recipient, stream, start, length } = h;
    const total = parts.reduce((n, p) => n + p.length, 0);
    if (start + length !== total)
      throw new CodecError(`data length ${length} does not match its packet (${total - start} bytes)`);
    const ch = this.channels.get(recipient);
    if (!ch) {
      this.io.debug(`mux: packet data for unknown channel ${recipient} ignored`);
      return true;
    }
    let skip = start;
    for (const p of parts) {
      if (skip >= p.length) {
        skip -= p.length;
        continue;
      }
      ch.onData(stream, skip ? p.subarray(skip) : p);
      skip = 0;
    }
    return true;
  }

  /** The socket is gone: every channel on it fails with `error`. */
  failAll(error: OpenSSHError): void {
    const all = [...this.channels.values()];
    this.channels.clear();
    for (const ch of all) {
      ch.fail(error);
      this.io.channelGone(ch);
    }
  }
}
