// SFTP protocol version 3 numbers (draft-ietf-secsh-filexfer-02) and the OpenSSH extension names,
// in one place so that encoders, the client and its errors agree on them.

/** The protocol version this client speaks. */
export const SFTP_VERSION = 3;

/** Packet types. */
export const FXP = {
  INIT: 1,
  VERSION: 2,
  OPEN: 3,
  CLOSE: 4,
  READ: 5,
  WRITE: 6,
  LSTAT: 7,
  FSTAT: 8,
  SETSTAT: 9,
  FSETSTAT: 10,
  OPENDIR: 11,
  READDIR: 12,
  REMOVE: 13,
  MKDIR: 14,
  RMDIR: 15,
  REALPATH: 16,
  STAT: 17,
  RENAME: 18,
  READLINK: 19,
  SYMLINK: 20,
  STATUS: 101,
  HANDLE: 102,
  DATA: 103,
  NAME: 104,
  ATTRS: 105,
  EXTENDED: 200,
  EXTENDED_REPLY: 201,
} as const;

/** Status codes of SSH_FXP_STATUS. */
export const FX = {
  /** Success. */
  OK: 0,
  /** End of file, or no more directory entries. */
  EOF: 1,
  /** The path does not exist. */
  NO_SUCH_FILE: 2,
  /** Not allowed. */
  PERMISSION_DENIED: 3,
  /** Any other failure (the server's message says more). */
  FAILURE: 4,
  /** A malformed packet. */
  BAD_MESSAGE: 5,
  /** No connection to the server (client-side). */
  NO_CONNECTION: 6,
  /** The connection to the server was lost (client-side). */
  CONNECTION_LOST: 7,
  /** The server does not support the operation. */
  OP_UNSUPPORTED: 8,
} as const;

/** The name of a status code, e.g. `'NO_SUCH_FILE'` (what `SftpError.statusName` holds). */
export type SftpStatusName = keyof typeof FX;

/** Status code -> name. */
export const statusName = (code: number): SftpStatusName | `UNKNOWN_${number}` =>
  (Object.keys(FX) as SftpStatusName[]).find((k) => FX[k] === code) ?? `UNKNOWN_${code}`;

/** Open flags (pflags) of SSH_FXP_OPEN. */
export const OPEN = {
  /** Open for reading. */
  READ: 0x01,
  /** Open for writing. */
  WRITE: 0x02,
  /** Writes go to the end of the file. */
  APPEND: 0x04,
  /** Create the file if it does not exist. */
  CREAT: 0x08,
  /** Truncate an existing file (with CREAT). */
  TRUNC: 0x10,
  /** Fail if the file exists (with CREAT). */
  EXCL: 0x20,
} as const;

/** Attribute presence flags. */
export const ATTR = {
  SIZE: 0x01,
  UIDGID: 0x02,
  PERMISSIONS: 0x04,
  ACMODTIME: 0x08,
  EXTENDED: 0x80000000,
} as const;

/** File type bits of the permissions field (POSIX st_mode). */
export const S_IFMT = 0o170000;
export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;
export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;
export const S_IFIFO = 0o010000;
export const S_IFSOCK = 0o140000;

/** OpenSSH extensions this client uses when the server announces them. */
export const EXT = {
  POSIX_RENAME: 'posix-rename@openssh.com',
  STATVFS: 'statvfs@openssh.com',
  FSTATVFS: 'fstatvfs@openssh.com',
  HARDLINK: 'hardlink@openssh.com',
  FSYNC: 'fsync@openssh.com',
  LIMITS: 'limits@openssh.com',
  LSETSTAT: 'lsetstat@openssh.com',
  EXPAND_PATH: 'expand-path@openssh.com',
} as const;
