// One channel opened through a proxy-mode control socket: a session (exec, shell, subsystem) or a
// tunnel. Holds the channel's state, both flow-control windows and the request FIFO, and exposes it
// as a Channel. It never touches a socket: every packet goes out through its ChannelSender, which
// checks the channel id first.
import { Readable, Writable } from 'node:stream';
import type { Channel, ChannelRequest, ExitStatus, LendStreams } from '../../channel';
import { invalidArgument, slaveFailed, type OpenSSHError } from '../../errors';
import {
  encodeChannelOnly,
  encodeDataHeader,
  encodePtyReq,
  encodeRequest,
  encodeWindowAdjust,
  type ExitInfo,
} from './codec';
import { SSH, SSH_SIGNALS, WINDOW } from './messages';
import { StdinQueue } from './stdin-queue';
import { streamEnded } from '../stream-ended';

/** An exit status with, when something unusual happened, a note saying what. */
export interface MuxExitStatus extends ExitStatus {
  /** Set when the status was not reported by the server (e.g. we closed the channel) or a signal was refused. */
  note?: string;
}

/** What a session sends through: the proxy connection, which validates the channel id of every packet. */
export interface ChannelSender {
  /**
   * Writes packets for `ch` (its remote id already inside them); false when the socket is full. Drops them if `ch` is
   * not live. `urgent` false: housekeeping nobody waits for, which may ride along with the next urgent write.
   */
  send(ch: MuxSession, packets: Buffer[], urgent?: boolean): boolean;
  /** Calls `fn` once the socket can take more. */
  whenDrained(fn: () => void): void;
  /** Received data (a view of a socket read, reused once handled), made safe to give to a consumer that may keep it. */
  own(view: Buffer): Buffer;
}

/**
 * What runs in a warm session before it is given its command (a prestarted shell, see prestart.ts): the
 * request the session opens with, and what the session sees before its command.
 */
export interface WarmStart {
  /** Sent once the server confirms the open; stdin stays unused until `feed()`. */
  readonly request: ChannelRequest;
  /** Output that came before the command. */
  output(stream: 'stdout' | 'stderr' | 'other', data: Buffer): void;
  /** The session ended before its command (not by our own close()). */
  ended(why: string): void;
}

type State = 'queued' | 'opening' | 'open' | 'closed';

/** The note of a session the server closed without an exit status (code 255 stands for it, as with ssh). */
export const NO_EXIT_STATUS = 'the server closed the channel without an exit status';

/**
 * Payload per DATA packet we send to a peer whose maximum packet is `maxPacket`: the most that fits, lowered so
 * that the packet body (payload and its 10-byte header) fills whole reads of the master (see `WINDOW.sendChunk`).
 */
export const sendChunkFor = (maxPacket: number): number => {
  const cap = Math.max(1, Math.min(maxPacket, WINDOW.sendChunk));
  const whole = Math.floor((cap + 10) / WINDOW.masterRead) * WINDOW.masterRead - 10;
  return whole > 0 ? whole : cap;
};

const closedStatus = (note: string): MuxExitStatus => ({ code: null, signal: 'TERM', note });

// a warm session's placeholder until it is assigned (never sent: requests go out on assign)
const WARM_REQUEST: ChannelRequest = { kind: 'exec', command: '', stdin: 'pipe' };

/**
 * A mux channel. Exit status rules:
 * - exit-status / exit-signal from the server: `{code, null}` / `{null, signal}`;
 * - closed by `close()` (or a refused signal) before the server reported an exit: `{code: null, signal: 'TERM', note}`;
 * - a tunnel closed normally: `{code: 0, signal: null}`;
 * - a session the server closed without an exit status: `{code: 255, signal: null, note}` (as `ssh` exits 255).
 */
export class MuxSession implements Channel {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly exit: Promise<ExitStatus>;
  readonly pid = undefined;

  state: State = 'queued';
  /** Our channel id on the proxy socket, and the server's (from OPEN_CONFIRMATION). */
  localId = -1;
  remoteId: number | undefined;
  closeSent = false;
  closeReceived = false;
  /** Session-open attempts so far (a refused session is retried on another socket). */
  attempts = 0;
  /** Set by the engine: while queued for a free session, which sessions are taken (see Channel.waitingFor). */
  waitingFor: (() => string | undefined) | undefined;

  private sender: ChannelSender | undefined;
  private resolveExit!: (s: MuxExitStatus) => void;
  private rejectExit!: (e: OpenSSHError) => void;
  private settled = false;
  private exitInfo: ExitInfo | undefined;
  private closedByUs = false;
  private note: string | undefined;
  /** Reply handlers, in request order; `undefined` when the channel closed before the reply came. */
  private readonly replies: Array<(ok: boolean | undefined) => void> = [];
  private mainSent = false;
  // receive side: what the server may still send, and what was consumed but not yet granted back
  private localWindow: number = WINDOW.local;
  private ungranted = 0;
  private readonly full = { stdout: false, stderr: false };
  private eofReceived = false;
  private streamsClosed = false;
  // send side
  private remoteWindow = 0;
  private remoteMaxPacket = 0;
  private readonly outQueue = new StdinQueue(() => this.flushOut());
  private finalCb: ((e?: Error | null) => void) | undefined;
  private eofSent = false;
  private waitingDrain = false;
  private readonly streamsEnded: Promise<unknown>;

  /**
   * A warm session: opened before any request, so that a command needs no open round trip; `assign()`
   * gives it its request. With `start`, the session opens with `start.request` and is given its command
   * by `feed()` (a prestarted shell, see prestart.ts).
   */
  static warm(host: string, debug: (line: string) => void, start?: WarmStart): MuxSession {
    const s = new MuxSession(start?.request ?? WARM_REQUEST, host, debug);
    s.waitingForRequest = true;
    s.warmStart = start;
    return s;
  }

  private waitingForRequest = false;
  /** What runs in this warm session until its command (see WarmStart). */
  private warmStart: WarmStart | undefined;
  /** Streams taken by a borrowing consumer, and where their chunks go. */
  private lent: (LendStreams & { fn: (stream: 'stdout' | 'stderr', chunk: Buffer) => void }) | undefined;

  constructor(
    private request: ChannelRequest,
    private readonly host: string,
    private readonly debug: (line: string) => void,
  ) {
    this.stdout = new Readable({ read: () => this.onRead('stdout') });
    this.stderr = new Readable({ read: () => this.onRead('stderr') });
    this.stdin = new Writable({
      highWaterMark: 64 * 1024,
      write: (data: Buffer, _enc, cb) => {
        this.outQueue.push(data, cb);
        this.flushOut();
      },
      final: (cb) => {
        this.finalCb = cb;
        this.flushOut();
      },
    });
    this.stdin.on('error', () => {}); // writes after the remote side went away are dropped, not errors
    // a consumer that destroys stdout before its end (a `for await` that throws or breaks) is gone:
    // end the command as unsubscribing does, instead of leaving it blocked on a full window
    this.stdout.once('close', () => {
      if (!this.stdout.readableEnded) this.close();
    });
    this.streamsEnded = Promise.all([streamEnded(this.stdout), streamEnded(this.stderr)]);
    this.exit = new Promise<ExitStatus>((resolve, reject) => {
      this.resolveExit = resolve;
      this.rejectExit = reject;
    });
    this.exit.catch(() => {}); // observed by the caller; never an unhandled rejection here
    if (request.stdin === 'ignore') this.stdin.end();
  }

  /** What this channel carries. */
  get req(): ChannelRequest {
    return this.request;
  }

  /** Whether this is a warm session still waiting for a request. */
  get warm(): boolean {
    return this.waitingForRequest;
  }

  /** Whether this is a warm session still waiting for its command, open, and not closing. */
  get waitingOpen(): boolean {
    return this.waitingForRequest && this.state === 'open' && !this.closedByUs && !this.closeReceived;
  }

  /** Gives a warm session its request: its requests go out now (or on the confirmation); false when it cannot. */
  assign(req: ChannelRequest): boolean {
    if (
      !this.waitingForRequest ||
      this.state === 'closed' ||
      this.closedByUs ||
      this.closeReceived ||
      req.kind === 'tunnel'
    )
      return false;
    if (this.warmStart) return false; // given its command by feed()
    this.request = req;
    this.waitingForRequest = false;
    if (req.stdin === 'ignore') this.stdin.end();
    if (this.state === 'open') this.start();
    return true;
  }

  get isSession(): boolean {
    return this.req.kind !== 'tunnel';
  }

  /** Whether the channel has finished from our side (its slot may be given to another). */
  get finished(): boolean {
    return this.state === 'closed';
  }

  // ------------------------------------------------------------ lifecycle, driven by the proxy

  /** The engine sent CHANNEL_OPEN for us under `localId` on `sender`'s socket. */
  attach(sender: ChannelSender, localId: number): void {
    this.sender = sender;
    this.localId = localId;
    this.state = 'opening';
    this.attempts++;
  }

  /** Whether the server confirmed the open (and so counts the channel until it is gone). */
  get confirmed(): boolean {
    return this.remoteId !== undefined;
  }

  /** OPEN_CONFIRMATION: send the requests (pipelined; replies come back in order), then stdin. */
  onConfirm(remoteId: number, window: number, maxPacket: number): void {
    this.remoteId = remoteId;
    this.remoteWindow = window;
    this.remoteMaxPacket = sendChunkFor(maxPacket);
    this.state = 'open';
    if (this.closedByUs) return void this.sendClose();
    if (!this.waitingForRequest) this.start();
    else if (this.warmStart) this.sendRequests(); // its WarmStart's request; stdin stays ours until the command
  }

  /**
   * The command of a session opened with a WarmStart (waitingOpen): `line` on its stdin, and EOF with it when
   * stdin is ignored; `req` is what the channel carries from now on.
   */
  feed(req: ChannelRequest, line: Buffer): void {
    this.request = req;
    this.waitingForRequest = false;
    const packets = [encodeDataHeader(this.remoteId!, line.length), line, ...this.eofWithRequest(req)];
    if (req.stdin === 'ignore') this.stdin.end();
    this.remoteWindow -= line.length;
    this.send(packets);
    this.mainSent = true;
    this.flushOut();
  }

  private start(): void {
    if (this.isSession) this.sendRequests();
    this.mainSent = true;
    this.flushOut();
  }

  /** The open was refused and will not be retried: fail with `error`. */
  failOpen(error: OpenSSHError): void {
    this.state = 'closed';
    this.settle(error);
  }

  /** Back to the queue after a refused open (the engine retries on another socket). */
  requeue(): void {
    this.state = 'queued';
    this.sender = undefined;
    this.localId = -1;
  }

  onData(stream: 'stdout' | 'stderr' | 'other', data: Buffer): void {
    this.localWindow -= data.length;
    this.ungranted += data.length;
    if (this.warmStart && this.waitingForRequest) return this.warmStart.output(stream, data);
    if (stream === 'other' || this.closedByUs || this.eofReceived) return this.maybeGrant();
    if (this.lent?.[stream]) {
      this.lent.fn(stream, data); // a view of a reused read buffer: the consumer is done with it on return
      return this.maybeGrant();
    }
    const target = stream === 'stdout' ? this.stdout : this.stderr;
    if (target.destroyed) return this.maybeGrant(); // its consumer is gone: the rest is discarded
    if (!target.push(this.sender!.own(data))) this.full[stream] = true;
    this.maybeGrant();
  }

  onWindowAdjust(bytes: number): void {
    this.remoteWindow += bytes;
    this.flushOut();
  }

  onEof(): void {
    this.eofReceived = true;
    this.endStreams();
  }

  onRequest(name: string, wantReply: boolean, exit: ExitInfo | undefined): void {
    if (exit) this.exitInfo ??= exit;
    if (exit && this.closedByUs)
      this.sendClose(); // ended after our TERM: the CLOSE that waited for it
    else if (!exit) this.debug(`mux: channel ${this.localId}: server request ${JSON.stringify(name)} ignored`);
    // only the server's own requests that ask for a reply get one: a failure, on this (live) channel
    if (wantReply) this.send([encodeChannelOnly(SSH.CHANNEL_FAILURE, this.remoteId!)]);
  }

  onReply(ok: boolean): void {
    const handler = this.replies.shift();
    if (handler) handler(ok);
    else this.debug(`mux: channel ${this.localId}: unexpected ${ok ? 'success' : 'failure'} reply ignored`);
  }

  /** CLOSE from the server: answer it, end the streams, settle `exit`. Returns true when the id is free again. */
  onClose(): void {
    // what runs in a warm session ended before its command: a failure unless we closed it (given back, dispose)
    if (this.waitingForRequest && !this.closedByUs) this.warmStart?.ended('the session ended before its command');
    this.closeReceived = true;
    if (!this.closeSent) this.sendClose(false); // the answer nobody waits for: it rides with the next write
    this.state = 'closed';
    this.endStreams();
    for (const r of this.replies.splice(0)) r(undefined);
    this.releaseStdin();
    this.settle(this.status());
  }

  /** The socket or the master is gone: fail now (a channel we were closing just counts as closed). */
  fail(error: OpenSSHError): void {
    if (this.settled) return;
    this.state = 'closed';
    this.endStreams();
    for (const r of this.replies.splice(0)) r(undefined);
    this.releaseStdin();
    this.settle(this.closedByUs ? closedStatus(this.note ?? 'closed by close()') : error);
  }

  // ------------------------------------------------------------ Channel API

  async signal(name: string): Promise<void> {
    const sig = name.replace(/^SIG/, '');
    if (!SSH_SIGNALS.has(sig))
      throw invalidArgument('Expected a signal name the SSH protocol knows (TERM, INT, KILL, HUP, ...)', name);
    if (!this.running) return;
    const ok = await new Promise<boolean | undefined>((resolve) => this.sendSignal(sig, resolve));
    if (ok === false && this.state !== 'closed') {
      this.refused(sig);
      this.close();
    }
  }

  lend(streams: LendStreams, fn: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): boolean {
    this.lent = { stdout: streams.stdout, stderr: streams.stderr, fn };
    return true;
  }

  /**
   * The engine is going away: `exit` fails with `error` now, and the server is asked to end the command
   * (TERM where it runs, then CLOSE); the channel stays in its table until the server's CLOSE.
   */
  abandon(error: OpenSSHError): void {
    this.close(); // ends the streams
    this.releaseStdin();
    this.settle(error);
  }

  close(): void {
    if (this.closedByUs || this.state === 'closed') return;
    this.closedByUs = true;
    this.endStreams();
    if (this.state === 'queued') {
      this.state = 'closed';
      this.settle(closedStatus('closed before the channel was opened'));
      return;
    }
    if (this.state !== 'open') return; // opening: CLOSE goes out with the confirmation
    if (this.running) return this.terminate();
    this.sendClose();
  }

  /**
   * TERM, then CLOSE once the command is seen to end. A command cancelled in the tick it started could live on to
   * its natural end, holding its session: sshd may refuse or lose a signal that comes right behind the exec. So,
   * until the exit status or the server's CLOSE arrives, TERM goes again after 50 and 200 ms; CLOSE goes out with
   * the exit status, or after a second at the latest (at once when the last TERM was refused: root logins).
   */
  private terminate(delays: readonly number[] = [50, 200, 750]): void {
    const [delay, ...later] = delays;
    const last = later.length === 0;
    this.sendSignal('TERM', (ok) => {
      if (ok !== false || !last) return;
      this.refused('TERM');
      this.sendClose();
    });
    setTimeout(() => {
      if (this.closeSent || this.closeReceived || this.state === 'closed') return;
      if (this.exitInfo || last) return this.sendClose();
      this.terminate(later);
    }, delay).unref();
  }

  // ------------------------------------------------------------ internals

  /** A session whose command may still be running (a signal can reach it). */
  private get running(): boolean {
    return (
      this.isSession &&
      this.state === 'open' &&
      this.mainSent &&
      !this.closeSent &&
      !this.closeReceived &&
      !this.exitInfo
    );
  }

  private sendRequests(): void {
    const id = this.remoteId!;
    const { req } = this;
    const packets: Buffer[] = [];
    for (const [k, v] of Object.entries(req.env ?? {})) packets.push(encodeRequest(id, 'env', false, k, v));
    if (req.tty === true) {
      packets.push(encodePtyReq(id, process.env.TERM || 'xterm', 80, 24));
      // as ssh -tt: the command runs without one; the note says so on a failure (its stderr has no word of it here)
      this.replies.push((ok) => {
        if (ok !== false) return;
        this.note ??= 'the server refused a tty (sshd: PermitTTY no) and the command ran without one';
        this.debug(`mux: channel ${this.localId}: the server refused the pty`);
      });
    }
    const cmd = req.command ?? '';
    packets.push(
      req.kind === 'exec'
        ? encodeRequest(id, 'exec', true, Buffer.isBuffer(cmd) ? cmd : String(cmd))
        : req.kind === 'subsystem'
          ? encodeRequest(id, 'subsystem', true, String(cmd))
          : encodeRequest(id, 'shell', true),
    );
    packets.push(...this.eofWithRequest(req));
    this.replies.push((ok) => {
      if (ok !== false || this.state === 'closed' || this.closedByUs) return;
      this.settle(
        slaveFailed(
          this.host,
          `the server refused the ${req.kind} request${req.kind === 'subsystem' ? ` for ${String(cmd)}` : ''}`,
        ),
      );
      this.closedByUs = true;
      this.sendClose();
    });
    this.send(packets);
  }

  /**
   * Nothing will be written when stdin is ignored: the EOF goes in the same write as the request (or the command line).
   */
  private eofWithRequest(req: ChannelRequest): Buffer[] {
    if (req.stdin !== 'ignore' || this.eofSent) return [];
    this.eofSent = true;
    return [encodeChannelOnly(SSH.CHANNEL_EOF, this.remoteId!)];
  }

  /**
   * Sends a request the server answers without acting on it (an unknown name: a FAILURE reply), and
   * calls `done(true)` on its reply: proof the server processed everything we sent before. false when
   * this channel cannot carry it now; `done(false)` when it closed before the reply. A warm session
   * waiting for its command carries it too. It is written at once (the engine calls this when it is to go out,
   * see PacketWriter.later), so that its reply keeps its place among this channel's replies.
   */
  barrier(done: (replied: boolean) => void): boolean {
    if (!this.isSession || this.state !== 'open' || this.closeSent || this.closeReceived) return false;
    this.replies.push((ok) => done(ok !== undefined));
    this.send([encodeRequest(this.remoteId!, 'barrier@net-openssh.invalid', true)]);
    return true;
  }

  private sendSignal(sig: string, onReply: (ok: boolean | undefined) => void): void {
    this.replies.push(onReply);
    this.send([encodeRequest(this.remoteId!, 'signal', true, sig)]);
  }

  private refused(sig: string): void {
    this.note =
      `the server refused to deliver SIG${sig} (sshd refuses signals for root logins and ` +
      `subsystems); the channel was closed and the remote process may still be running`;
    this.debug(`mux: channel ${this.localId}: ${this.note}`);
  }

  private sendClose(urgent = true): void {
    if (this.closeSent || this.remoteId === undefined) return;
    this.send([encodeChannelOnly(SSH.CHANNEL_CLOSE, this.remoteId)], urgent);
    this.closeSent = true;
  }

  private send(packets: Buffer[], urgent = true): boolean {
    return this.sender ? this.sender.send(this, packets, urgent) : false;
  }

  private status(): MuxExitStatus {
    const e = this.exitInfo;
    if (e) return e.code !== null ? { code: e.code, signal: null } : { code: null, signal: e.signal };
    if (this.closedByUs)
      return closedStatus(this.note ?? 'closed by close() before the server reported an exit status');
    if (!this.isSession) return { code: 0, signal: null };
    return { code: 255, signal: null, note: NO_EXIT_STATUS };
  }

  private settle(outcome: MuxExitStatus | OpenSSHError): void {
    if (this.settled) return;
    this.settled = true;
    if (outcome instanceof Error) return this.rejectExit(outcome);
    if (this.note && !outcome.note) outcome.note = this.note;
    // the contract: every byte delivered before exit settles
    void this.streamsEnded.then(() => this.resolveExit(outcome));
  }

  private onRead(stream: 'stdout' | 'stderr'): void {
    this.full[stream] = false;
    this.maybeGrant();
  }

  /** Grants window back only once the consumer drained both streams below their highWaterMark. */
  private maybeGrant(): void {
    const blocked = (this.full.stdout && !this.stdout.destroyed) || (this.full.stderr && !this.stderr.destroyed);
    if (blocked || this.state !== 'open' || this.closeSent || this.eofReceived) return;
    if (this.ungranted < WINDOW.local / 2) return;
    this.send([encodeWindowAdjust(this.remoteId!, this.ungranted)]);
    this.localWindow += this.ungranted;
    this.ungranted = 0;
  }

  /** Sends queued stdin as the remote window and the socket allow; then EOF once stdin ended. */
  private flushOut(): void {
    if (this.state === 'closed' || this.closeSent || this.closeReceived) return this.releaseStdin();
    if (this.state !== 'open' || !this.mainSent || this.waitingDrain) return;
    while (this.remoteWindow > 0 && !this.waitingDrain) {
      const p = this.outQueue.take(this.remoteWindow, this.remoteMaxPacket, this.finalCb !== undefined);
      if (!p) break;
      let writable = true;
      if (p.size > 0) {
        writable = this.send([encodeDataHeader(this.remoteId!, p.size), ...p.parts]);
        this.remoteWindow -= p.size;
      }
      for (const cb of p.done) {
        if (writable) cb();
        else this.afterDrain(cb);
      }
      if (!writable) return this.afterDrain();
    }
    if (this.outQueue.empty && this.finalCb) {
      if (!this.eofSent) this.send([encodeChannelOnly(SSH.CHANNEL_EOF, this.remoteId!)]);
      this.eofSent = true;
      const cb = this.finalCb;
      this.finalCb = undefined;
      cb();
    }
  }

  private afterDrain(cb?: () => void): void {
    if (cb) return this.sender?.whenDrained(cb);
    this.waitingDrain = true;
    this.sender?.whenDrained(() => {
      this.waitingDrain = false;
      this.flushOut();
    });
  }

  /** The remote side is gone: pending writes complete (their bytes are dropped, as with EPIPE). */
  private releaseStdin(): void {
    for (const cb of this.outQueue.clear()) cb();
    const cb = this.finalCb;
    this.finalCb = undefined;
    cb?.();
  }

  private endStreams(): void {
    if (this.streamsClosed) return;
    this.streamsClosed = true;
    for (const s of [this.stdout, this.stderr]) {
      s.push(null);
      // nobody ever attached a consumer: drain it so `exit` can settle (as child_process does)
      if (s.readableFlowing === null) s.resume();
    }
  }
}
