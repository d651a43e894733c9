// The shapes the SFTP client shares with what is built on it (listing.ts, transfer.ts): its handle and
// directory entry, and the requests those modules send. They take this surface, not the client class, so
// the client can offer ls/walk/get/put without an import cycle.
import type { SftpAttrInput, SftpStats } from './attrs';

/** An open remote file or directory. Pass it to read/write/fstat/readdir/close. */
export class SftpHandle {
  /** @internal */
  closed = false;
  constructor(
    /** The server's opaque handle. */
    readonly id: Buffer,
    /** The path it was opened with (named in errors). */
    readonly path: string,
    /** Whether it is an open file or an open directory. */
    readonly kind: 'file' | 'dir',
  ) {}
}

/** One directory entry from readdir. */
export interface SftpDirEntry {
  /** The entry's name within its directory. */
  filename: string;
  /** The server's `ls -l` style line. */
  longname: string;
  /** The entry's attributes (as lstat reports them). */
  attrs: SftpStats;
}

/** limits@openssh.com: what the server accepts (0 = no stated limit). */
export interface SftpLimits {
  /** Largest packet the server accepts, in bytes. */
  maxPacketLength: number;
  /** Largest read the server answers in one reply, in bytes. */
  maxReadLength: number;
  /** Largest write the server accepts in one request, in bytes. */
  maxWriteLength: number;
  /** Most handles the client may have open at once. */
  maxOpenHandles: number;
}

/** Open flags: Node's strings or a number of SSH_FXF_* bits. */
export type SftpOpenFlags = 'r' | 'r+' | 'w' | 'wx' | 'w+' | 'wx+' | 'a' | 'ax' | 'a+' | 'ax+' | number;

/** The requests listing and transfers send (an SftpClient has them). */
export interface SftpRequests {
  readonly host: string | undefined;
  readonly limits: SftpLimits | undefined;
  readonly isOpen: boolean;
  hasExtension(name: string): boolean;
  stat(path: string): Promise<SftpStats>;
  lstat(path: string): Promise<SftpStats>;
  readdirAll(path: string): Promise<SftpDirEntry[]>;
  remove(path: string): Promise<void>;
  open(path: string, flags?: SftpOpenFlags, attrs?: SftpAttrInput): Promise<SftpHandle>;
  close(h: SftpHandle): Promise<void>;
  read(h: SftpHandle, offset: number, length: number): Promise<Buffer | null>;
  fstat(h: SftpHandle): Promise<SftpStats>;
  fsetstat(h: SftpHandle, attrs: SftpAttrInput): Promise<void>;
  fsync(h: SftpHandle): Promise<void>;
  writeFrom(
    h: SftpHandle,
    offset: number,
    length: number,
    fill: (into: Buffer) => Promise<number>,
  ): Promise<{ bytes: number; done: Promise<void> }>;
}
