// Where a command's stdout or stderr goes: captured, a stream or fd, a file, or nowhere. A sink that
// can fill (a stream, an fd, a file) says so from `write`, and the producer waits for `whenDrained`.
import { createWriteStream, openSync } from 'node:fs';
import { finished, type Readable, type Writable } from 'node:stream';
import type { CallOptions, FileSpec, OutputHandle } from './call-options';
import { CapturedText } from './captured-text';
import type { LendStreams } from './channel';
import { pipeFailed } from './errors';

/** A destination for one output stream. */
export interface Sink {
  /** Takes a chunk; false when the destination is full: the producer stops until {@link whenDrained}. */
  write(chunk: Buffer): boolean;
  /** Flushes (and closes what the sink opened itself); rejects when writing failed. */
  end(): Promise<void>;
  /** `write` is done with the chunk when it returns: the engine may lend it a buffer it reuses. */
  readonly borrows?: boolean;
  /** Calls `fn` once the sink can take more (a failed one can: it drops what it gets). Absent: it never fills. */
  whenDrained?(fn: () => void): void;
}

const discard: Sink = { write: () => true, end: async () => {}, borrows: true };

/** Calls `fn` once `sink` can take more: at once for a sink that never fills. */
export const whenDrained = (sink: Sink, fn: () => void): void => (sink.whenDrained ? sink.whenDrained(fn) : fn());

/** Hands each chunk to `fn` (`onStdout` / `onStderr`); a throw stops the calls and fails the command at its end. */
export const callbackSink = (fn: (chunk: Buffer) => void, what: string, host: string | undefined): Sink => {
  let failure: unknown;
  let failed = false;
  return {
    borrows: true,
    write(chunk) {
      if (failed) return true;
      try {
        fn(chunk);
      } catch (e) {
        failed = true;
        failure = e;
      }
      return true;
    },
    end: async () => {
      if (failed)
        throw pipeFailed(
          host,
          `the ${what} callback threw: ${(failure as Error)?.message ?? String(failure)}`,
          failure,
        );
    },
  };
};

/**
 * Collects a stream as text in the call's encoding (see CapturedText: each byte copied once, decoded as it
 * arrives). It keeps nothing it is given, so the engine may lend it chunks of buffers it reuses.
 */
export class CaptureSink implements Sink {
  readonly borrows = true;
  private readonly collected: CapturedText;
  constructor(encoding?: string) {
    this.collected = new CapturedText(encoding);
  }
  /** Bytes written so far (known before the text is asked for). */
  get size(): number {
    return this.collected.size;
  }
  write(chunk: Buffer): boolean {
    this.collected.write(chunk);
    return true;
  }
  async end(): Promise<void> {}
  /** The text (check the size with `checkDecodable` first: past the limit of a string, the part that fits). */
  get text(): string {
    return this.collected.text();
  }
}

/** Keeps only the last `max` bytes written (the stderr tail errors carry). */
export class TailSink implements Sink {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly max = 4096) {}
  write(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.max) this.size -= this.chunks.shift()!.length;
    return true;
  }
  async end(): Promise<void> {}
  get text(): string {
    const b = Buffer.concat(this.chunks);
    return b.subarray(Math.max(0, b.length - this.max)).toString();
  }
}

/** Writes to both sinks; full while either is. */
export const teeSink = (a: Sink, b: Sink): Sink => ({
  write: (c) => {
    const roomInA = a.write(c);
    return b.write(c) && roomInA;
  },
  whenDrained: (fn) => whenDrained(a, () => whenDrained(b, fn)),
  end: async () => {
    await Promise.all([a.end(), b.end()]);
  },
});

/**
 * What the sink does with its stream at the end: `end` one it made (over a file it opened: closed with it; over
 * a caller's fd: autoClose is off, so the fd stays the caller's), or `leave` the caller's stream open.
 */
type Ending = 'end' | 'leave';

const streamSink = (stream: Writable, ending: Ending, what: string, host: string | undefined): Sink => {
  let failure: Error | undefined;
  const onError = (e: Error) => (failure ??= e);
  if (stream !== process.stdout && stream !== process.stderr) stream.on('error', onError);
  else watchStdio(stream, onError);
  return {
    // after a failure the rest is dropped (and the command runs on): the failure is reported at the end
    write: (chunk) => (failure ? true : stream.write(chunk)),
    whenDrained: (fn) => (failure || !stream.writableNeedDrain ? fn() : waitDrain(stream, fn)),
    end: () =>
      new Promise<void>((resolve, reject) => {
        const done = () => {
          stream.off('error', onError);
          stdioWatchers.get(stream)?.delete(onError);
          failure ? reject(pipeFailed(host, `unable to write ${what}: ${failure.message}`, failure)) : resolve();
        };
        if (failure) return done();
        if (ending === 'leave') return stream.writableNeedDrain ? waitDrain(stream, done) : done();
        // done at 'finish' for an fd (autoClose off: no 'close' ever comes), at 'close' for a file we opened
        finished(stream, (e) => {
          if (e) failure ??= e;
          done();
        });
        stream.end();
      }),
  };
};

/** The sink for a stream option set: `fh` (stream or fd), `file`, `discard`; undefined when none is given. */
export const optionSink = (
  o: { fh?: OutputHandle | undefined; file?: FileSpec | undefined; discard?: boolean | undefined },
  host: string | undefined,
): Sink | undefined => {
  if (o.discard) return discard;
  if (o.file !== undefined) {
    const [flags, path] = typeof o.file === 'string' ? ['w', o.file] : o.file;
    let fd: number;
    try {
      fd = openSync(path, flags, 0o666); // fails now, before anything runs
    } catch (e) {
      throw pipeFailed(host, `unable to open file '${path}': ${(e as Error).message}`, e);
    }
    return streamSink(createWriteStream('', { fd }), 'end', `file '${path}'`, host);
  }
  // fd 1 and 2 are written through process.stdout and stderr: in order with the rest of this process's output,
  // and without failing with EAGAIN once Node made a pipe there non-blocking (any console.log does)
  if (o.fh === 1 || o.fh === 2)
    return streamSink(o.fh === 1 ? process.stdout : process.stderr, 'leave', `fd ${o.fh}`, host);
  if (typeof o.fh === 'number')
    return streamSink(createWriteStream('', { fd: o.fh, autoClose: false }), 'end', `fd ${o.fh}`, host);
  if (o.fh !== undefined) return streamSink(o.fh, 'leave', 'the given stream', host);
  return undefined;
};

// Any number of concurrent commands may wait for one stream to drain (process.stdout, a shared log): one
// listener each for 'drain', 'error' and 'close' per stream, fanned out, instead of one per waiter.
const drainWaiters = new WeakMap<Writable, Set<() => void>>();
const waitDrain = (stream: Writable, fn: () => void): void => {
  let set = drainWaiters.get(stream);
  if (!set) {
    const waiters = (set = new Set());
    drainWaiters.set(stream, set);
    const wake = () => {
      stream.off('drain', wake);
      stream.off('error', wake);
      stream.off('close', wake);
      drainWaiters.delete(stream);
      for (const w of waiters) w();
    };
    stream.on('drain', wake);
    stream.on('error', wake);
    stream.on('close', wake);
  }
  set.add(fn);
};

/** Writes `from`'s chunks into `sink`, pausing `from` while the sink is full (so backpressure reaches the engine). */
export const routeOutput = (from: Readable, sink: Sink): void => {
  from.on('data', (c: Buffer) => {
    if (sink.write(c)) return;
    from.pause();
    whenDrained(sink, () => from.resume());
  });
};

// Any number of concurrent commands may write to process.stdout/stderr: one listener each, fanned out.
const stdioWatchers = new Map<Writable, Set<(e: Error) => void>>();
const watchStdio = (stream: Writable, onError: (e: Error) => void) => {
  let set = stdioWatchers.get(stream);
  if (!set) {
    const watchers = (set = new Set());
    stdioWatchers.set(stream, set);
    stream.on('error', (e: Error) => {
      for (const fn of watchers) fn(e);
    });
  }
  set.add(onError);
};

/** The parent's own stdout or stderr (Net::OpenSSH's default for unredirected streams). */
export const inheritSink = (which: 'stdout' | 'stderr'): Sink =>
  streamSink(process[which], 'leave', `process.${which}`, undefined);

export const discardSink = (): Sink => discard;

// The one choice of sink per stream, for the Promise methods and the process handles alike: the call's own
// (a callback, a handle, a file, discarded, merged), else the method's fallback.

/** The stdout sink the call asks for, else `fallback()`. */
export const stdoutSink = (o: CallOptions, host: string, fallback: () => Sink): Sink => {
  if (o.onStdout) return callbackSink(o.onStdout, 'onStdout', host);
  return optionSink({ fh: o.stdoutFh, file: o.stdoutFile, discard: o.stdoutDiscard }, host) ?? fallback();
};

/** The stderr sink the call asks for ('stdout' when merged), else `fallback()`. */
export const stderrSink = (o: CallOptions, host: string, fallback: () => Sink): Sink | 'stdout' => {
  if (o.stderrToStdout) return 'stdout';
  if (o.onStderr) return callbackSink(o.onStderr, 'onStderr', host);
  return optionSink({ fh: o.stderrFh, file: o.stderrFile, discard: o.stderrDiscard }, host) ?? fallback();
};

/** Which streams a run may take as lent chunks: those whose sinks are done with a chunk when `write` returns. */
export const lendable = (stdout: Sink, stderr: Sink | 'stdout'): LendStreams => ({
  stdout: stdout.borrows === true,
  stderr: (stderr === 'stdout' ? stdout : stderr).borrows === true,
});
