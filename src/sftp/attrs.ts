// File attributes as SFTP v3 carries them: decoding into SftpStats (with Node-like type tests) and
// encoding what setstat / open / mkdir may set.
import { ATTR, S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK } from './constants';
import type { PacketReader, PacketWriter } from './packets';

/** Attributes to set (setstat, fsetstat, open, mkdir). Every field is optional; absent ones are left alone. */
export interface SftpAttrInput {
  /** New size (truncates or extends). */
  size?: number | undefined;
  /** Owner; `gid` must be given with it. */
  uid?: number | undefined;
  /** Group; `uid` must be given with it. */
  gid?: number | undefined;
  /** Permission bits, e.g. `0o644` (file type bits are ignored by servers). */
  mode?: number | undefined;
  /** Access time: a Date or seconds since the epoch. `mtime` must be given with it. */
  atime?: Date | number | undefined;
  /** Modification time: a Date or seconds since the epoch. `atime` must be given with it. */
  mtime?: Date | number | undefined;
}

/** Attributes the server reported. A field is undefined when the server did not send it. */
export class SftpStats {
  /** Size in bytes. */
  size: number | undefined;
  /** Owner's user id. */
  uid: number | undefined;
  /** Group id. */
  gid: number | undefined;
  /** st_mode: file type and permission bits. */
  mode: number | undefined;
  /** Seconds since the epoch. */
  atime: number | undefined;
  /** Seconds since the epoch. */
  mtime: number | undefined;
  /** Extended attribute pairs (`type` -> data), if any. */
  extended: Record<string, Buffer> | undefined;

  /** Permission bits only (`mode & 0o7777`). */
  get permissions(): number | undefined {
    return this.mode === undefined ? undefined : this.mode & 0o7777;
  }
  private type(): number | undefined {
    return this.mode === undefined ? undefined : this.mode & S_IFMT;
  }
  /** A regular file. */
  isFile(): boolean {
    return this.type() === S_IFREG;
  }
  /** A directory. */
  isDirectory(): boolean {
    return this.type() === S_IFDIR;
  }
  /** A symbolic link (from lstat or readdir; stat follows links). */
  isSymbolicLink(): boolean {
    return this.type() === S_IFLNK;
  }
  /** A character device. */
  isCharacterDevice(): boolean {
    return this.type() === S_IFCHR;
  }
  /** A block device. */
  isBlockDevice(): boolean {
    return this.type() === S_IFBLK;
  }
  /** A named pipe. */
  isFIFO(): boolean {
    return this.type() === S_IFIFO;
  }
  /** A Unix socket. */
  isSocket(): boolean {
    return this.type() === S_IFSOCK;
  }
}

/** Reads an ATTRS structure. */
export const readAttrs = (r: PacketReader): SftpStats => {
  const s = new SftpStats();
  const flags = r.u32();
  if (flags & ATTR.SIZE) s.size = r.u64();
  if (flags & ATTR.UIDGID) {
    s.uid = r.u32();
    s.gid = r.u32();
  }
  if (flags & ATTR.PERMISSIONS) s.mode = r.u32();
  if (flags & ATTR.ACMODTIME) {
    s.atime = r.u32();
    s.mtime = r.u32();
  }
  if (flags & ATTR.EXTENDED) {
    s.extended = {};
    for (let n = r.u32(); n > 0; n--) s.extended[r.string()] = r.bytes();
  }
  return s;
};

const seconds = (t: Date | number): number => Math.floor(t instanceof Date ? t.getTime() / 1000 : t);

/** Why `a` cannot be encoded, or undefined when it can. */
export const attrsProblem = (a: SftpAttrInput): string | undefined => {
  if ((a.uid === undefined) !== (a.gid === undefined)) return 'uid and gid must be set together';
  if ((a.atime === undefined) !== (a.mtime === undefined)) return 'atime and mtime must be set together';
  for (const k of ['size', 'uid', 'gid', 'mode'] as const) {
    const v = a[k];
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) return `${k} must be a non-negative integer`;
  }
  for (const k of ['atime', 'mtime'] as const) {
    const v = a[k];
    if (v !== undefined && !(v instanceof Date ? Number.isFinite(v.getTime()) : Number.isFinite(v)))
      return `${k} must be a Date or a number of seconds`;
  }
  return undefined;
};

/** Writes an ATTRS structure with the fields present in `a` (call attrsProblem first). */
export const writeAttrs = (w: PacketWriter, a: SftpAttrInput = {}): void => {
  let flags = 0;
  if (a.size !== undefined) flags |= ATTR.SIZE;
  if (a.uid !== undefined && a.gid !== undefined) flags |= ATTR.UIDGID;
  if (a.mode !== undefined) flags |= ATTR.PERMISSIONS;
  if (a.atime !== undefined && a.mtime !== undefined) flags |= ATTR.ACMODTIME;
  w.u32(flags);
  if (a.size !== undefined) w.u64(a.size);
  if (a.uid !== undefined && a.gid !== undefined) w.u32(a.uid).u32(a.gid);
  if (a.mode !== undefined) w.u32(a.mode);
  if (a.atime !== undefined && a.mtime !== undefined) w.u32(seconds(a.atime)).u32(seconds(a.mtime));
};
