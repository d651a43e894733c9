// Constant tables of the two protocols the mux engine speaks on a control socket:
// the ControlMaster protocol (OpenSSH PROTOCOL.mux) and, in proxy mode, the SSH connection
// protocol (RFC 4254). Numbers only: no behaviour lives here.

/** ControlMaster protocol version we speak (PROTOCOL.mux: "The current version ... is 4"). */
export const MUX_VERSION = 4;

/** ControlMaster message types (`uint32 length, uint32 type, body`). */
export const MUX = {
  HELLO: 0x00000001,
  C_NEW_SESSION: 0x10000002,
  C_ALIVE_CHECK: 0x10000004,
  C_TERMINATE: 0x10000005,
  C_OPEN_FWD: 0x10000006,
  C_CLOSE_FWD: 0x10000007,
  C_NEW_STDIO_FWD: 0x10000008,
  C_STOP_LISTENING: 0x10000009,
  C_PROXY: 0x1000000f,
  S_OK: 0x80000001,
  S_PERMISSION_DENIED: 0x80000002,
  S_FAILURE: 0x80000003,
  S_EXIT_MESSAGE: 0x80000004,
  S_ALIVE: 0x80000005,
  S_SESSION_OPENED: 0x80000006,
  S_REMOTE_PORT: 0x80000007,
  S_TTY_ALLOC_FAIL: 0x80000008,
  S_PROXY: 0x8000000f,
} as const;

/** SSH message numbers used in proxy mode (RFC 4250 / 4254). */
export const SSH = {
  DISCONNECT: 1,
  IGNORE: 2,
  UNIMPLEMENTED: 3,
  DEBUG: 4,
  GLOBAL_REQUEST: 80,
  REQUEST_SUCCESS: 81,
  REQUEST_FAILURE: 82,
  CHANNEL_OPEN: 90,
  CHANNEL_OPEN_CONFIRMATION: 91,
  CHANNEL_OPEN_FAILURE: 92,
  CHANNEL_WINDOW_ADJUST: 93,
  CHANNEL_DATA: 94,
  CHANNEL_EXTENDED_DATA: 95,
  CHANNEL_EOF: 96,
  CHANNEL_CLOSE: 97,
  CHANNEL_REQUEST: 98,
  CHANNEL_SUCCESS: 99,
  CHANNEL_FAILURE: 100,
} as const;

/** SSH_MSG_CHANNEL_EXTENDED_DATA type code of stderr (RFC 4254 5.2). */
export const EXTENDED_DATA_STDERR = 1;

/** CHANNEL_OPEN_FAILURE reason codes (RFC 4254 5.1). */
export const OPEN_FAILURE_REASONS: Readonly<Record<number, string>> = {
  1: 'administratively prohibited',
  2: 'connect failed',
  3: 'unknown channel type',
  4: 'resource shortage',
};

/** Signal names the SSH `signal` / `exit-signal` requests carry (RFC 4254 6.10), without `SIG`. */
export const SSH_SIGNALS: ReadonlySet<string> = new Set([
  'ABRT',
  'ALRM',
  'FPE',
  'HUP',
  'ILL',
  'INT',
  'KILL',
  'PIPE',
  'QUIT',
  'SEGV',
  'TERM',
  'USR1',
  'USR2',
]);

/** Sizes of the channels we open. */
export const WINDOW = {
  /**
   * Receive window we grant the server per channel: bounds what one channel can buffer here. Also what
   * the master may hold for us in its output buffer when we read slower than it forwards; measured with
   * 512 MiB down, a 4 MiB window cost the master about 3x the CPU of a 2 MiB one (buffer compaction), so
   * 2 MiB, as ssh's own session window.
   */
  local: 2 * 1024 * 1024,
  /** Largest packet we accept (the server's DATA payloads stay below it). */
  maxPacket: 32 * 1024,
  /**
   * Most payload we put in one DATA packet we send (the server's own max packet may lower it; see `sendChunkFor`).
   * 32 KiB less the 10 bytes of the packet's header, so that its length field reads 32 KiB exactly: the master reads
   * a proxy client's packet as its 4-byte length and then the body, at most 16 KiB per read and one read per turn of
   * its loop (channels.c `read_mux`). A 32 KiB body takes two reads; a full 32 KiB payload (a body of 32 KiB + 10)
   * took three, and three turns of the master's loop. Measured, 256 MiB up: a sixth fewer reads and a third fewer
   * polls in the master, its CPU per GiB 6-8% lower (throughput gains were within the noise of a loaded machine).
   */
  sendChunk: 32 * 1024 - 10,
  /** The master reads a proxy client's packet body in pieces of at most this (OpenSSH channels.h CHAN_RBUF). */
  masterRead: 16 * 1024,
} as const;

/** Frame ceiling on the control socket: anything larger is a protocol error (the master sends <= 256 KiB). */
export const MAX_FRAME = 4 * 1024 * 1024;

/**
 * Largest packet the master reads from a proxy client, its 4-byte length included (OpenSSH channels.c,
 * CHANNEL_MUX_MAX_PACKET = 256 KiB): one byte more and the master closes the whole proxy socket, failing
 * every channel on it.
 */
export const MAX_PROXY_PACKET = 256 * 1024;
