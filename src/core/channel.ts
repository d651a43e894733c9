// The contract every engine satisfies: a Request goes in, a Channel comes out.
// The Promise methods and the Observables only ever see this contract, never an engine's insides.
import type { Readable, Writable } from 'node:stream';
import type { OpenSSHError } from './errors';

/** How a remote command ended. Exactly one of `code` and `signal` is non-null. */
export interface ExitStatus {
  /** Exit code of the remote command, or null when it was killed by a signal. */
  code: number | null;
  /** Signal name without the `SIG` prefix (`'TERM'`, `'KILL'`), or null. */
  signal: string | null;
  /** Set when the status was not reported by the remote side as such, saying what happened (e.g. a refused signal). */
  note?: string;
}

/** What to open on the master connection. */
export interface ChannelRequest {
  /**
   * `exec` runs `command`; `shell` starts the login shell; `subsystem` runs subsystem `command`; `tunnel` connects to
   * `tunnel`.
   */
  kind: 'exec' | 'shell' | 'subsystem' | 'tunnel';
  /**
   * exec: the complete remote command line, already quoted (as bytes when an argument encoding applied). subsystem: its
   * name.
   */
  command?: string | Buffer | undefined;
  /** tunnel: a TCP host and port, or a Unix socket path on the remote side. */
  tunnel?:
    | { /** Remote-side host. */ host: string /** Remote-side port. */; port: number }
    | { /** Remote-side Unix socket path. */ path: string }
    | undefined;
  /** true: allocate a remote tty (`ssh -tt`); false: never (`ssh -T`); undefined: none for exec. */
  tty?: boolean | undefined;
  /** Environment variables to ask the server to set (`SetEnv`; the server must `AcceptEnv` them). */
  env?: Readonly<Record<string, string>> | undefined;
  /** Extra ssh options for this call (spawn engine only). */
  sshOpts?: readonly string[] | undefined;
  /** Forward the agent for this call (`ssh -A`), or disable it (`-a`). */
  forwardAgent?: boolean | undefined;
  /** Forward X11 for this call (`ssh -X`), or disable it (`-x`). */
  forwardX11?: boolean | undefined;
  /** Spawn engine: the ssh process gets its own process group. */
  setpgrp?: boolean | undefined;
  /** Whether the caller will write to stdin. 'ignore' gives the remote command an immediate EOF. */
  stdin: 'pipe' | 'ignore';
}

/** Which output streams a consumer takes as lent chunks (see {@link Channel.lend}). */
export interface LendStreams {
  /** Take stdout as lent chunks. */
  stdout: boolean;
  /** Take stderr as lent chunks. */
  stderr: boolean;
}

/**
 * A running remote operation. Engines guarantee:
 * - `stdout` and `stderr` end before `exit` settles, so every byte that arrived has been delivered;
 * - `exit` rejects only with an OpenSSHError (for example OSSH_MASTER_FAILED when the master died);
 * - `close()` is idempotent and ends the remote operation as far as the engine can.
 */
export interface Channel {
  /** Writing sends data to the remote command; `end()` sends EOF. */
  readonly stdin: Writable;
  /** The remote command's stdout. */
  readonly stdout: Readable;
  /** The remote command's stderr. */
  readonly stderr: Readable;
  /** Settles once the operation has ended and stdout/stderr have ended. */
  readonly exit: Promise<ExitStatus>;
  /** Sends a signal (e.g. `'TERM'`) to the remote process where the engine can, else ends the local side. */
  signal(name: string): Promise<void>;
  /** Ends the operation now. Idempotent. */
  close(): void;
  /**
   * Delivers the chosen streams' output to `fn` as it arrives, instead of through `stdout`/`stderr` (which
   * then only end), each chunk a view valid only during the call: the engine reads into buffers it reuses.
   * Called before the first chunk can arrive (right after `open`). Engines that do not lend lack the method
   * or return false, and the caller reads the streams as usual.
   */
  lend?(streams: LendStreams, fn: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): boolean;
  /**
   * While the channel waits for a free session on the master (nothing started yet), which sessions are taken (for
   * the error of a timeout that ends the wait); undefined once it started, or when it does not wait for a session.
   */
  waitingFor?(): string | undefined;
  /** The local ssh process id (spawn engine), if any. */
  readonly pid?: number | undefined;
}

/** An engine opens channels on one master connection. */
export interface Engine {
  /** Which engine this is. */
  readonly name: 'spawn' | 'mux';
  /** Whether this engine can serve the request (the mux engine cannot honour `sshOpts`, for example). */
  supports(req: ChannelRequest): boolean;
  /** Opens a channel for the request. */
  open(req: ChannelRequest): Channel;
  /** Fails every open channel with `error` (the master is gone). */
  failAll(error: OpenSSHError): void;
  /** Releases what the engine holds (sockets); open channels are failed. */
  dispose(): void | Promise<void>;
}
