// The SFTP v3 client over one byte stream: request ids, the table of pending requests, replies
// matched to them, status codes turned into SftpErrors that name the path, and every request failed
// at once when the stream dies.
import type { Duplex, Readable, Writable } from 'node:stream';
import { invalidArgument, type OpenSSHError } from '../core/errors';
import { assertTimeout } from '../core/validate';
import { attrsProblem, readAttrs, type SftpStats, writeAttrs, type SftpAttrInput } from './attrs';
import { SftpHandle, type SftpDirEntry, type SftpLimits, type SftpOpenFlags } from './client-surface';
import { EXT, FX, FXP, OPEN, SFTP_VERSION } from './constants';
import { ls, walk, type LsOptions, type SftpListEntry, type SftpWalkEntry, type WalkOptions } from './listing';
import type { TransferHandle } from './progress';
import { get, put, type TransferOptions } from './transfer';
import { fsNames, type FsNames } from './fs-encoding';
import { FrameParser, MalformedPacket, PacketReader, PacketWriter } from './packets';
import { ReplyWatch } from './reply-watch';
import { channelClosed, closedAfterTimeout, protocolError, requestTimeout } from './sftp-errors';
import { SftpError, statusError, unsupported } from './sftp-errors';

export { SftpHandle };
export type { SftpDirEntry, SftpLimits, SftpOpenFlags };

/** The byte stream to the server: one Duplex, or the subsystem's `stdout` (read from) and `stdin` (written to). */
export type SftpTransport =
  | Duplex
  | { /** Read from: the server's replies. */ stdout: Readable /** Written to: the requests. */; stdin: Writable };

/** Options of {@link createSftp}. */
export interface CreateSftpOptions {
  /** The host, for error messages. */
  host?: string | undefined;
  /** The largest packet accepted from the server, in bytes. @default 4 MiB */
  maxPacket?: number | undefined;
  /** The local process carrying the stream (the ssh slave), reported as `client.pid`. */
  pid?: number | undefined;
  /**
   * Called once when the client is done with the transport (after `end()` or a failure), e.g. to reap the ssh
   * process; `end()` and `closed` wait for the Promise it returns. `stuck`: a request timed out (the server will
   * not end by itself).
   */
  onClose?: ((stuck: boolean) => void | Promise<void>) | undefined;
  /**
   * Called when the stream ends without `end()`: may give a better error for the pending requests (the master's
   * failure, the subsystem's stderr). Its answer is awaited before they fail.
   */
  explainClose?: (() => Promise<OpenSSHError | undefined>) | undefined;
  /**
   * Seconds a request may wait for its reply (counted from when the request before it was answered); then it
   * fails with OSSH_SLAVE_TIMEOUT naming it, and the session is closed: an SFTP request cannot be withdrawn,
   * so every other pending request fails too and the client must be opened again. 0 or unset: no timeout.
   */
  timeout?: number | undefined;
  /**
   * The encoding of file names on the server (Net::SFTP::Foreign's `fs_encoding`): utf8, latin1 or ascii. Paths
   * are sent in it, names read back (readdir, ls, realpath, readlink) decoded from it. @default utf8
   */
  fsEncoding?: string | undefined;
}

/** statvfs@openssh.com: the remote file system's figures (as statvfs(3)). */
export interface SftpStatVfs {
  /** File system block size. */
  bsize: number;
  /** Fragment size (the unit of `blocks`, `bfree`, `bavail`). */
  frsize: number;
  /** Size of the file system in `frsize` units. */
  blocks: number;
  /** Free blocks. */
  bfree: number;
  /** Free blocks for unprivileged users. */
  bavail: number;
  /** Inodes. */
  files: number;
  /** Free inodes. */
  ffree: number;
  /** Free inodes for unprivileged users. */
  favail: number;
  /** File system id. */
  fsid: number;
  /** Mount flags (1 read-only, 2 nosuid). */
  flag: number;
  /** Maximum file name length. */
  namemax: number;
}

const FLAG_BITS: Record<string, number> = {
  r: OPEN.READ,
  'r+': OPEN.READ | OPEN.WRITE,
  w: OPEN.WRITE | OPEN.CREAT | OPEN.TRUNC,
  wx: OPEN.WRITE | OPEN.CREAT | OPEN.TRUNC | OPEN.EXCL,
  'w+': OPEN.READ | OPEN.WRITE | OPEN.CREAT | OPEN.TRUNC,
  'wx+': OPEN.READ | OPEN.WRITE | OPEN.CREAT | OPEN.TRUNC | OPEN.EXCL,
  a: OPEN.WRITE | OPEN.CREAT | OPEN.APPEND,
  ax: OPEN.WRITE | OPEN.CREAT | OPEN.APPEND | OPEN.EXCL,
  'a+': OPEN.READ | OPEN.WRITE | OPEN.CREAT | OPEN.APPEND,
  'ax+': OPEN.READ | OPEN.WRITE | OPEN.CREAT | OPEN.APPEND | OPEN.EXCL,
};

interface Reply {
  type: number;
  r: PacketReader;
}

/** What a request asked, for the error of one that got no reply in time. */
interface Asked {
  op: string;
  path: string | undefined;
}

interface Pending extends Asked {
  resolve(reply: Reply): void;
  reject(e: OpenSSHError): void;
}

/** Connects an SFTP client over `transport`: sends INIT, reads VERSION and the extensions, asks for limits. */
export const createSftp = async (transport: SftpTransport, opts: CreateSftpOptions = {}): Promise<SftpClient> => {
  const client = new SftpClient(transport, opts);
  await client.init();
  return client;
};

/**
 * An SFTP version 3 session. Create it with {@link createSftp} (or `sftp(ssh)`). Every method rejects with an
 * SftpError.
 */
export class SftpClient {
  /** The host, for error messages. */
  readonly host: string | undefined;
  /** The local ssh process carrying the subsystem (spawn engine), if any. */
  readonly pid: number | undefined;
  private readonly names: FsNames;
  /** The protocol version agreed with the server (3). */
  version = 0;
  /** Extensions the server announced in VERSION: name -> data. */
  readonly extensions = new Map<string, string>();
  /** The server's limits (limits@openssh.com), if it announced them. */
  limits: SftpLimits | undefined;

  private readonly readable: Readable;
  private readonly writable: Writable;
  private readonly parser: FrameParser;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: OpenSSHError | undefined;
  private ending = false;
  private eofSent = false;
  private dying = false;
  private drained: (() => void) | undefined;
  private versionWaiter: Pending | undefined;
  private readonly onData: (chunk: Buffer) => void;
  private readonly closedPromise: Promise<void>;
  private resolveClosed!: () => void;
  private readonly onClose: CreateSftpOptions['onClose'];
  private readonly explainClose: CreateSftpOptions['explainClose'];
  private readonly timeout: number | undefined;
  private stuck = false;
  private readonly watch: ReplyWatch;

  constructor(transport: SftpTransport, opts: CreateSftpOptions = {}) {
    this.host = opts.host;
    this.pid = opts.pid;
    this.onClose = opts.onClose;
    this.explainClose = opts.explainClose;
    this.names = fsNames(opts.fsEncoding);
    const t = assertTimeout('timeout', opts.timeout);
    this.timeout = t === 0 ? undefined : t;
    const oldest = () => (this.versionWaiter ? -1 : this.pending.keys().next().value);
    this.watch = new ReplyWatch(this.timeout, oldest, () => this.timedOut());
    if (!isStream(transport) && 'stdout' in transport) {
      this.readable = transport.stdout;
      this.writable = transport.stdin;
    } else {
      this.readable = transport as Duplex;
      this.writable = transport as Duplex;
    }
    this.closedPromise = new Promise((r) => (this.resolveClosed = r));
    this.parser = new FrameParser((body) => this.onPacket(body), opts.maxPacket);
    this.onData = (chunk: Buffer) => {
      if (this.failure) return;
      try {
        this.parser.push(chunk);
      } catch (e) {
        this.destroy(protocolError(this.host, e instanceof MalformedPacket ? e.reason : (e as Error).message, e));
      }
    };
    this.readable.on('data', this.onData);
    this.readable.once('end', () =>
      this.lost(channelClosed(this.host, this.eofSent ? 'the client ended it' : 'the server ended the stream')),
    );
    this.readable.once('close', () => this.lost(channelClosed(this.host, 'the stream closed')));
    this.readable.once('error', (e) => this.lost(channelClosed(this.host, `read failed: ${e.message}`, e)));
    this.writable.on('error', (e) => this.lost(channelClosed(this.host, `write failed: ${e.message}`, e)));
  }

  /** Resolves once the channel is gone (ended by us, by the server, or failed). */
  get closed(): Promise<void> {
    return this.closedPromise;
  }

  /** Whether the channel is still usable. */
  get isOpen(): boolean {
    return this.failure === undefined;
  }

  /** Whether the server announced extension `name` (e.g. `'posix-rename@openssh.com'`). */
  hasExtension(name: string): boolean {
    return this.extensions.has(name);
  }

  /** @internal INIT/VERSION exchange; then limits@openssh.com when offered. */
  async init(): Promise<void> {
    const version = new Promise<Reply>((resolve, reject) => {
      this.versionWaiter = { op: 'init', path: undefined, resolve, reject };
    });
    this.watch.follow();
    this.writable.write(new PacketWriter(FXP.INIT, 16).u32(SFTP_VERSION).finish());
    const { r } = await version;
    this.version = r.u32();
    if (this.version !== SFTP_VERSION) {
      const e = protocolError(
        this.host,
        `the server speaks SFTP version ${this.version}; this client speaks version ${SFTP_VERSION}`,
      );
      this.destroy(e);
      throw e;
    }
    while (r.remaining > 0) this.extensions.set(r.string(), r.string());
    if (this.hasExtension(EXT.LIMITS)) {
      const x = await this.extended('limits', undefined, EXT.LIMITS, () => {});
      this.limits = {
        maxPacketLength: x.u64(),
        maxReadLength: x.u64(),
        maxWriteLength: x.u64(),
        maxOpenHandles: x.u64(),
      };
    }
  }

  /**
   * Ends the session: refuses new requests, waits for the pending ones to be answered (OpenSSH's server drops
   * replies it has not written when it sees EOF), then sends EOF and waits for the channel to close. Idempotent.
   */
  async end(): Promise<void> {
    if (!this.failure && !this.ending) {
      this.ending = true;
      while (this.pending.size > 0 && !this.failure) await new Promise<void>((r) => (this.drained = r));
      if (!this.failure) {
        this.eofSent = true;
        this.writable.end();
      }
    }
    await this.closedPromise;
  }

  /** Ends the session (for `await using sftp = await ssh.sftp()`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.end();
  }

  /** The stream went away: fail with `fallback`, or with what explainClose says. */
  private lost(fallback: OpenSSHError): void {
    if (this.failure || this.dying) return;
    if (this.eofSent || !this.explainClose) return this.destroy(fallback);
    this.dying = true;
    this.explainClose().then(
      (e) => this.destroy(e ?? fallback),
      () => this.destroy(fallback),
    );
  }

  /** Fails every pending and later request with `error` and lets go of the transport. Idempotent. */
  destroy(error: OpenSSHError = channelClosed(this.host, 'the client was destroyed')): void {
    if (this.failure) return;
    this.failure = error;
    this.watch.stop();
    this.versionWaiter?.reject(error);
    this.versionWaiter = undefined;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(error);
    this.drained?.();
    this.readable.off('data', this.onData);
    this.readable.resume(); // drain whatever still arrives so the process can exit
    if (!this.writable.writableEnded) this.writable.end();
    Promise.resolve()
      .then(() => this.onClose?.(this.stuck))
      .catch(() => {})
      .then(() => this.resolveClosed());
  }

  private onPacket(body: Buffer): void {
    const r = new PacketReader(body);
    const type = r.u8();
    if (type === FXP.VERSION) {
      const w = this.versionWaiter;
      if (!w) throw new MalformedPacket('unexpected VERSION packet');
      this.versionWaiter = undefined;
      this.watch.follow();
      w.resolve({ type, r });
      return;
    }
    const id = r.u32();
    const p = this.pending.get(id);
    if (!p) throw new MalformedPacket(`reply (type ${type}) to unknown request id ${id}`);
    this.pending.delete(id);
    this.watch.follow();
    p.resolve({ type, r });
    if (this.pending.size === 0) this.drained?.();
  }

  /** The oldest request got no reply in time: it fails with OSSH_SLAVE_TIMEOUT, the session is closed. */
  private timedOut(): void {
    const first = this.pending.entries().next().value;
    const [id, p] = this.versionWaiter ? [undefined, this.versionWaiter] : (first ?? [undefined, undefined]);
    if (!p || this.failure) return;
    if (id === undefined) this.versionWaiter = undefined;
    else this.pending.delete(id);
    this.stuck = true;
    p.reject(requestTimeout(this.host, p.op, p.path, this.timeout!));
    this.destroy(closedAfterTimeout(this.host, p.op, p.path, this.timeout!));
  }

  /** Sends one request built by `build` (which gets the writer after type and id) and waits for its reply. */
  private send(asked: Asked, type: number, build: (w: PacketWriter) => void, sizeHint = 128): Promise<Reply> {
    const refused = this.refusal();
    if (refused) return Promise.reject(refused);
    const id = this.takeId();
    const w = new PacketWriter(type, sizeHint).u32(id);
    build(w);
    return this.sendPacket(id, w.finish(), asked);
  }

  private refusal(): OpenSSHError | undefined {
    return this.failure ?? (this.ending ? channelClosed(this.host, 'the client is ending') : undefined);
  }

  private takeId(): number {
    const id = this.nextId;
    this.nextId = (this.nextId + 1) >>> 0;
    return id;
  }

  private sendPacket(id: number, packet: Buffer, asked: Asked): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { ...asked, resolve, reject });
      this.watch.follow();
      if (!this.dying) this.writable.write(packet);
    });
  }

  /**
   * WRITE at `offset` of up to `length` bytes that `fill` puts straight into the packet (put reads the local file
   * into it: no copy). Resolves once the request is sent (or not: `bytes` 0 when `fill` found nothing), with
   * `done` settling on the server's answer. @internal
   */
  async writeFrom(
    h: SftpHandle,
    offset: number,
    length: number,
    fill: (into: Buffer) => Promise<number>,
  ): Promise<{ bytes: number; done: Promise<void> }> {
    const id = this.live(h, 'write');
    const refused = this.refusal();
    if (refused) throw refused;
    const head = new PacketWriter(FXP.WRITE, 32 + id.length).u32(0).string(id).u64(offset).finish();
    const packet = Buffer.allocUnsafe(head.length + 4 + length);
    head.copy(packet);
    const n = await fill(packet.subarray(head.length + 4));
    if (n === 0) return { bytes: 0, done: Promise.resolve() };
    const refusedNow = this.refusal();
    if (refusedNow) throw refusedNow;
    const reqId = this.takeId();
    packet.writeUInt32BE(reqId, 5);
    packet.writeUInt32BE(head.length + n, 0); // length field: everything after it
    packet.writeUInt32BE(n, head.length);
    const asked = { op: 'write', path: h.path };
    const done = this.sendPacket(reqId, packet.subarray(0, head.length + 4 + n), asked).then((reply) =>
      this.status('write', h.path, reply),
    );
    done.catch(() => {}); // the caller attaches its handler right after this resolves
    return { bytes: n, done };
  }

  private wrongReply(op: string, reply: Reply, wanted: string): OpenSSHError {
    return protocolError(this.host, `${op}: expected ${wanted}, the server sent packet type ${reply.type}`);
  }

  /** Reads a STATUS reply: OK resolves, anything else is an error naming `path`. `okEof` makes EOF a `false`. */
  private status(op: string, path: string | undefined, reply: Reply): void {
    if (reply.type !== FXP.STATUS) throw this.wrongReply(op, reply, 'STATUS');
    const code = reply.r.u32();
    if (code !== FX.OK) throw this.statusOf(op, path, code, reply.r);
  }

  private statusOf(op: string, path: string | undefined, code: number, r: PacketReader): SftpError {
    let text = '';
    try {
      text = r.string();
    } catch {
      // v3 servers may omit the message
    }
    return statusError(this.host, op, path, code, text);
  }

  /**
   * A reply of type `want`, or the status error it carries instead. Returns null for an EOF status when `eofIsNull`.
   */
  private expect(
    op: string,
    path: string | undefined,
    reply: Reply,
    want: number,
    wanted: string,
    eofIsNull: true,
  ): PacketReader | null;
  private expect(op: string, path: string | undefined, reply: Reply, want: number, wanted: string): PacketReader;
  private expect(
    op: string,
    path: string | undefined,
    reply: Reply,
    want: number,
    wanted: string,
    eofIsNull = false,
  ): PacketReader | null {
    if (reply.type === want) return reply.r;
    if (reply.type !== FXP.STATUS) throw this.wrongReply(op, reply, wanted);
    const code = reply.r.u32();
    if (code === FX.EOF && eofIsNull) return null;
    if (code === FX.OK) throw this.wrongReply(op, { type: FXP.STATUS, r: reply.r }, wanted);
    throw this.statusOf(op, path, code, reply.r);
  }

  private async callStatus(
    op: string,
    path: string | undefined,
    type: number,
    build: (w: PacketWriter) => void,
  ): Promise<void> {
    this.status(op, path, await this.send({ op, path }, type, build));
  }

  private async callAttrs(
    op: string,
    path: string | undefined,
    type: number,
    build: (w: PacketWriter) => void,
  ): Promise<SftpStats> {
    return readAttrs(this.expect(op, path, await this.send({ op, path }, type, build), FXP.ATTRS, 'ATTRS'));
  }

  private async callName(
    op: string,
    path: string | undefined,
    type: number,
    build: (w: PacketWriter) => void,
  ): Promise<string> {
    const r = this.expect(op, path, await this.send({ op, path }, type, build), FXP.NAME, 'NAME');
    if (r.u32() < 1) throw protocolError(this.host, `${op}: the server sent no name`);
    return this.names.in(r);
  }

  private async extended(
    op: string,
    path: string | undefined,
    name: string,
    build: (w: PacketWriter) => void,
  ): Promise<PacketReader> {
    if (!this.hasExtension(name)) throw unsupported(this.host, op, path, name);
    return this.expect(
      op,
      path,
      await this.send({ op, path }, FXP.EXTENDED, (w) => build(w.string(name))),
      FXP.EXTENDED_REPLY,
      'EXTENDED_REPLY',
    );
  }

  private async extendedStatus(
    op: string,
    path: string | undefined,
    name: string,
    build: (w: PacketWriter) => void,
  ): Promise<void> {
    if (!this.hasExtension(name)) throw unsupported(this.host, op, path, name);
    this.status(op, path, await this.send({ op, path }, FXP.EXTENDED, (w) => build(w.string(name))));
  }

  private live(h: SftpHandle, op: string): Buffer {
    if (!(h instanceof SftpHandle)) throw invalidArgument(`sftp ${op}: expected an SftpHandle`, h);
    if (h.closed)
      throw new SftpError(`sftp ${op} ${JSON.stringify(h.path)}: the handle is closed`, {
        host: this.host,
        op,
        path: h.path,
      });
    return h.id;
  }

  private static checkPath(op: string, path: unknown): string {
    if (typeof path !== 'string' || path === '')
      throw invalidArgument(`sftp ${op}: the path must be a non-empty string`, path);
    if (path.includes('\0')) throw invalidArgument(`sftp ${op}: the path contains a NUL byte`, path);
    return path;
  }

  private static checkAttrs(op: string, a: SftpAttrInput | undefined): SftpAttrInput {
    const problem = a === undefined ? undefined : attrsProblem(a);
    if (problem) throw invalidArgument(`sftp ${op}: ${problem}`, a);
    return a ?? {};
  }

  // ---- files ----

  /**
   * Opens a remote file. `flags` as in Node (`'r'`, `'w'`, `'a'`, `'r+'`, `'wx'`...) or SSH_FXF_* bits; `attrs` apply
   * when it is created.
   */
  async open(path: string, flags: SftpOpenFlags = 'r', attrs?: SftpAttrInput): Promise<SftpHandle> {
    SftpClient.checkPath('open', path);
    const pflags = typeof flags === 'number' ? flags : FLAG_BITS[flags];
    if (pflags === undefined)
      throw invalidArgument(
        "sftp open: flags must be 'r', 'r+', 'w', 'wx', 'w+', 'wx+', 'a', 'ax', 'a+', 'ax+' or a number",
        flags,
      );
    const a = SftpClient.checkAttrs('open', attrs);
    const r = this.expect(
      'open',
      path,
      await this.send({ op: 'open', path }, FXP.OPEN, (w) => writeAttrs(w.string(this.names.out(path)).u32(pflags), a)),
      FXP.HANDLE,
      'HANDLE',
    );
    return new SftpHandle(Buffer.from(r.bytes()), path, 'file');
  }

  /**
   * Closes a file or directory handle. Closing a closed handle does nothing.
   *
   * Called without a handle, it ends the session exactly as {@link SftpClient.end} does: with no handle there is
   * nothing else it could close, and that is what the call means. Anything else that is not an `SftpHandle` (null,
   * a path string) is refused with `OSSH_INVALID_ARGUMENT`.
   */
  async close(h?: SftpHandle): Promise<void> {
    if (h === undefined) return this.end();
    if (h instanceof SftpHandle && h.closed) return;
    const id = this.live(h, 'close');
    h.closed = true;
    await this.callStatus('close', h.path, FXP.CLOSE, (w) => w.string(id));
  }

  /** Reads up to `length` bytes at `offset`; null at end of file. May return fewer bytes than asked. */
  async read(h: SftpHandle, offset: number, length: number): Promise<Buffer | null> {
    const id = this.live(h, 'read');
    if (!Number.isSafeInteger(offset) || offset < 0)
      throw invalidArgument('sftp read: offset must be a non-negative integer', offset);
    if (!Number.isInteger(length) || length < 0 || length > 0xffffffff)
      throw invalidArgument('sftp read: length must be an integer 0..2^32-1', length);
    const r = this.expect(
      'read',
      h.path,
      await this.send({ op: 'read', path: h.path }, FXP.READ, (w) => w.string(id).u64(offset).u32(length)),
      FXP.DATA,
      'DATA',
      true,
    );
    return r === null ? null : r.bytes();
  }

  /** Writes `data` at `offset`. */
  async write(h: SftpHandle, offset: number, data: Uint8Array): Promise<void> {
    const id = this.live(h, 'write');
    if (!Number.isSafeInteger(offset) || offset < 0)
      throw invalidArgument('sftp write: offset must be a non-negative integer', offset);
    if (!(data instanceof Uint8Array)) throw invalidArgument('sftp write: data must be a Buffer or Uint8Array', data);
    const reply = await this.send(
      { op: 'write', path: h.path },
      FXP.WRITE,
      (w) => w.string(id).u64(offset).string(data),
      32 + id.length + data.length,
    );
    this.status('write', h.path, reply);
  }

  /** Attributes of an open handle. */
  async fstat(h: SftpHandle): Promise<SftpStats> {
    const id = this.live(h, 'fstat');
    return this.callAttrs('fstat', h.path, FXP.FSTAT, (w) => w.string(id));
  }

  /** Sets attributes of an open handle. */
  async fsetstat(h: SftpHandle, attrs: SftpAttrInput): Promise<void> {
    const id = this.live(h, 'fsetstat');
    const a = SftpClient.checkAttrs('fsetstat', attrs);
    await this.callStatus('fsetstat', h.path, FXP.FSETSTAT, (w) => writeAttrs(w.string(id), a));
  }

  /** Flushes an open file to disk on the server (fsync@openssh.com). */
  async fsync(h: SftpHandle): Promise<void> {
    const id = this.live(h, 'fsync');
    await this.extendedStatus('fsync', h.path, EXT.FSYNC, (w) => w.string(id));
  }

  // ---- paths ----

  /** Attributes of `path`, following symlinks. */
  async stat(path: string): Promise<SftpStats> {
    SftpClient.checkPath('stat', path);
    return this.callAttrs('stat', path, FXP.STAT, (w) => w.string(this.names.out(path)));
  }

  /** Attributes of `path` itself (a symlink is not followed). */
  async lstat(path: string): Promise<SftpStats> {
    SftpClient.checkPath('lstat', path);
    return this.callAttrs('lstat', path, FXP.LSTAT, (w) => w.string(this.names.out(path)));
  }

  /** Whether `path` exists (lstat succeeds); false only for "no such file", other failures reject. */
  async exists(path: string): Promise<boolean> {
    try {
      await this.lstat(path);
      return true;
    } catch (e) {
      if (e instanceof SftpError && e.status === FX.NO_SUCH_FILE) return false;
      throw e;
    }
  }

  /** Sets attributes of `path` (mode, owner, times, size). */
  async setstat(path: string, attrs: SftpAttrInput): Promise<void> {
    SftpClient.checkPath('setstat', path);
    const a = SftpClient.checkAttrs('setstat', attrs);
    await this.callStatus('setstat', path, FXP.SETSTAT, (w) => writeAttrs(w.string(this.names.out(path)), a));
  }

  /** `chmod`: setstat with a mode. */
  async chmod(path: string, mode: number): Promise<void> {
    return this.setstat(path, { mode });
  }

  /** `utimes`: setstat with access and modification times. */
  async utimes(path: string, atime: Date | number, mtime: Date | number): Promise<void> {
    return this.setstat(path, { atime, mtime });
  }

  /** Creates a directory (`attrs.mode` for its permissions). */
  async mkdir(path: string, attrs?: SftpAttrInput): Promise<void> {
    SftpClient.checkPath('mkdir', path);
    const a = SftpClient.checkAttrs('mkdir', attrs);
    await this.callStatus('mkdir', path, FXP.MKDIR, (w) => writeAttrs(w.string(this.names.out(path)), a));
  }

  /** Removes an empty directory. */
  async rmdir(path: string): Promise<void> {
    SftpClient.checkPath('rmdir', path);
    await this.callStatus('rmdir', path, FXP.RMDIR, (w) => w.string(this.names.out(path)));
  }

  /** Removes a file (or symlink). */
  async remove(path: string): Promise<void> {
    SftpClient.checkPath('remove', path);
    await this.callStatus('remove', path, FXP.REMOVE, (w) => w.string(this.names.out(path)));
  }

  /** Alias of {@link remove}. */
  async unlink(path: string): Promise<void> {
    return this.remove(path);
  }

  /**
   * Renames `from` to `to`. With posix-rename@openssh.com (when the server offers it) an existing `to` is replaced
   * atomically, as rename(2) does; plain SFTP v3 RENAME refuses to overwrite. `{ posix: false }` forces the plain one.
   */
  async rename(from: string, to: string, opts: { posix?: boolean } = {}): Promise<void> {
    SftpClient.checkPath('rename', from);
    SftpClient.checkPath('rename', to);
    if (opts.posix !== false && this.hasExtension(EXT.POSIX_RENAME))
      return this.extendedStatus('rename', from, EXT.POSIX_RENAME, (w) =>
        w.string(this.names.out(from)).string(this.names.out(to)),
      );
    if (opts.posix === true) throw unsupported(this.host, 'rename', from, EXT.POSIX_RENAME);
    await this.callStatus('rename', from, FXP.RENAME, (w) => w.string(this.names.out(from)).string(this.names.out(to)));
  }

  /** The canonical absolute path of `path` (`'.'` gives the login directory). */
  async realpath(path: string): Promise<string> {
    SftpClient.checkPath('realpath', path);
    return this.callName('realpath', path, FXP.REALPATH, (w) => w.string(this.names.out(path)));
  }

  /** The target of symlink `path`. */
  async readlink(path: string): Promise<string> {
    SftpClient.checkPath('readlink', path);
    return this.callName('readlink', path, FXP.READLINK, (w) => w.string(this.names.out(path)));
  }

  /**
   * Creates symlink `linkPath` pointing at `target` (argument order of symlink(2) and `ln -s`). OpenSSH's server
   * reads SSH_FXP_SYMLINK's two paths in the reverse of the draft's order; this client sends OpenSSH's order.
   */
  async symlink(target: string, linkPath: string): Promise<void> {
    SftpClient.checkPath('symlink', target);
    SftpClient.checkPath('symlink', linkPath);
    await this.callStatus('symlink', linkPath, FXP.SYMLINK, (w) =>
      w.string(this.names.out(target)).string(this.names.out(linkPath)),
    );
  }

  /** Creates hard link `linkPath` to `existing` (hardlink@openssh.com). */
  async link(existing: string, linkPath: string): Promise<void> {
    SftpClient.checkPath('link', existing);
    SftpClient.checkPath('link', linkPath);
    await this.extendedStatus('link', linkPath, EXT.HARDLINK, (w) =>
      w.string(this.names.out(existing)).string(this.names.out(linkPath)),
    );
  }

  /** File system figures for the file system holding `path` (statvfs@openssh.com). */
  async statvfs(path: string): Promise<SftpStatVfs> {
    SftpClient.checkPath('statvfs', path);
    const r = await this.extended('statvfs', path, EXT.STATVFS, (w) => w.string(this.names.out(path)));
    const keys = [
      'bsize',
      'frsize',
      'blocks',
      'bfree',
      'bavail',
      'files',
      'ffree',
      'favail',
      'fsid',
      'flag',
      'namemax',
    ] as const;
    const out = {} as SftpStatVfs;
    for (const k of keys) out[k] = r.u64();
    return out;
  }

  // ---- directories ----

  /** Opens a directory for readdir. */
  async opendir(path: string): Promise<SftpHandle> {
    SftpClient.checkPath('opendir', path);
    const r = this.expect(
      'opendir',
      path,
      await this.send({ op: 'opendir', path }, FXP.OPENDIR, (w) => w.string(this.names.out(path))),
      FXP.HANDLE,
      'HANDLE',
    );
    return new SftpHandle(Buffer.from(r.bytes()), path, 'dir');
  }

  /**
   * The next batch of entries of an open directory (`.` and `..` included, as the server sends them); null when done.
   */
  async readdir(h: SftpHandle): Promise<SftpDirEntry[] | null> {
    const id = this.live(h, 'readdir');
    const r = this.expect(
      'readdir',
      h.path,
      await this.send({ op: 'readdir', path: h.path }, FXP.READDIR, (w) => w.string(id)),
      FXP.NAME,
      'NAME',
      true,
    );
    if (r === null) return null;
    const out: SftpDirEntry[] = [];
    for (let n = r.u32(); n > 0; n--)
      out.push({ filename: this.names.in(r), longname: this.names.in(r), attrs: readAttrs(r) });
    return out;
  }

  /** Every entry of directory `path`, without `.` and `..` (opendir, readdir until the end, close). */
  async readdirAll(path: string): Promise<SftpDirEntry[]> {
    const h = await this.opendir(path);
    const out: SftpDirEntry[] = [];
    try {
      for (let batch = await this.readdir(h); batch !== null; batch = await this.readdir(h))
        for (const e of batch) if (e.filename !== '.' && e.filename !== '..') out.push(e);
    } finally {
      await this.close(h).catch(() => {});
    }
    return out;
  }

  /**
   * Lists `path`: a directory's entries sorted by name (no `.`/`..`), each with its full `path`; a file lists as
   * itself.
   */
  async ls(path: string, opts?: LsOptions): Promise<SftpListEntry[]> {
    return ls(this, path, opts);
  }

  /**
   * Every entry below directory `root`, depth first, without following symlinks
   * (`for await (const e of sftp.walk(dir))`).
   */
  walk(root: string, opts?: WalkOptions): AsyncGenerator<SftpWalkEntry> {
    return walk(this, root, opts);
  }

  // ---- transfers ----

  /**
   * Downloads `remote` to `local` with pipelined reads. Await the handle for the result; subscribe to it for progress.
   */
  get(remote: string, local: string, opts?: TransferOptions): TransferHandle {
    return get(this, remote, local, opts);
  }

  /**
   * Uploads `local` to `remote` with pipelined writes. Await the handle for the result; subscribe to it for progress.
   */
  put(local: string, remote: string, opts?: TransferOptions): TransferHandle {
    return put(this, local, remote, opts);
  }
}

const isStream = (t: unknown): boolean => typeof (t as { pipe?: unknown }).pipe === 'function';
