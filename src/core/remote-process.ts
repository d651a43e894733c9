// openEx and friends: a running remote command as a handle with Node streams, for callers who want
// the streams themselves (and their backpressure) rather than events.
import { Duplex, PassThrough, type Readable, type Writable } from 'node:stream';
import type { CallOptions } from './call-options';
import type { Channel, ExitStatus } from './channel';
import { inheritSink, routeOutput, stderrSink, stdoutSink, type Sink } from './output-sink';
import { feedStdin, stdinSource } from './stdin-source';
import { startDpipe } from './dpipe';

/** A remote command started by openEx, spawn, open2, open3, pipeIn, pipeOut or system({ async: true }). */
export interface RemoteProcess {
  /** The command's stdin, when asked for (`stdinPipe`, open2, open3, pipeIn). End it to send EOF. */
  readonly stdin: Writable | undefined;
  /** The command's stdout, when asked for (`stdoutPipe`, open2, open3, pipeOut). */
  readonly stdout: Readable | undefined;
  /** The command's stderr, when asked for (`stderrPipe`, open3). */
  readonly stderr: Readable | undefined;
  /** The local ssh process id (spawn engine only; undefined while the slave waits for a free session). */
  readonly pid: number | undefined;
  /**
   * Resolves with the exit status once the command ended and its redirected output was written; rejects only for
   * SSH-level failures.
   */
  readonly exit: Promise<ExitStatus>;
  /** Sends a signal to the remote command where the engine can (mux), else ends the ssh process. */
  kill(signal?: string): Promise<void>;
  /** Ends the command now. */
  close(): void;
}

/** A process handle whose stdin is a pipe. */
export type WithStdin = RemoteProcess & { /** The command's stdin; end it to send EOF. */ readonly stdin: Writable };
/** A process handle whose stdout is a pipe. */
export type WithStdout = RemoteProcess & { /** The command's stdout. */ readonly stdout: Readable };
/** A process handle whose stderr is a pipe. */
export type WithStderr = RemoteProcess & { /** The command's stderr. */ readonly stderr: Readable };

/** Both streams into one Readable, ending when both have ended (backpressure reaches both). */
const merge = (a: Readable, b: Readable): Readable => {
  const out = new PassThrough();
  let open = 2;
  for (const r of [a, b]) {
    r.pipe(out, { end: false });
    r.once('end', () => --open === 0 && out.end());
  }
  return out;
};

/** Wires `ch` according to the stream options and returns the handle. */
export const wireProcess = (ch: Channel, o: CallOptions, host: string): RemoteProcess => {
  const sinks: Sink[] = [];
  let stdout: Readable | undefined;
  let stderr: Readable | undefined;
  const socket = o.stdinoutSocket;
  const dpipe = o.stdinoutDpipe === undefined ? undefined : startDpipe(o.stdinoutDpipe, ch, host);
  if (dpipe) {
    // joined in startDpipe
  } else if (socket) {
    // half-open: output may follow the peer's end of its side, as on Net::OpenSSH's socketpair
    (socket as { allowHalfOpen?: boolean }).allowHalfOpen = true;
    socket.pipe(ch.stdin);
    ch.stdout.pipe(socket);
    socket.once('close', () => ch.stdout.resume()); // a closed socket unpipes: drain the rest so the exit can come
  } else if (o.stdoutPipe) stdout = o.stderrToStdout ? merge(ch.stdout, ch.stderr) : ch.stdout;
  else {
    const sink = stdoutSink(o, host, () => inheritSink('stdout'));
    sinks.push(sink);
    routeOutput(ch.stdout, sink);
  }
  if (o.stderrPipe) stderr = ch.stderr;
  else if (o.stderrToStdout && stdout) {
    // merged above
  } else {
    const chosen = stderrSink(o, host, () => inheritSink('stderr'));
    // merged into a stdout that has no sink here (a socket, a dpipe): ours, as before
    const sink = chosen !== 'stdout' ? chosen : (sinks[0] ?? inheritSink('stderr'));
    if (!sinks.includes(sink)) sinks.push(sink);
    routeOutput(ch.stderr, sink);
  }
  const source = stdinSource(o);
  if (!dpipe) feedStdin(ch.stdin, source, () => ch.close());
  const exit = ch.exit.then(async (status) => {
    await Promise.all([...sinks.map((s) => s.end()), dpipe?.ended]);
    return status;
  });
  exit.catch(() => {});
  return {
    stdin: source.kind === 'pipe' && !socket && !dpipe ? ch.stdin : undefined,
    stdout,
    stderr,
    // read when asked: a slave waiting for a free session gets its pid when it starts
    get pid() {
      return dpipe && o.stdinoutDpipeMakeParent ? dpipe.child.pid : ch.pid;
    },
    exit,
    kill: (signal = 'TERM') => ch.signal(signal),
    close: () => ch.close(),
  };
};

/** One Duplex over the command's stdout (readable side) and stdin (writable side): open2socket. */
export const duplexOf = (p: RemoteProcess): Duplex => Duplex.from({ readable: p.stdout, writable: p.stdin });
