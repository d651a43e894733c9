// Where a command's stdout or stderr goes: captured, a stream or fd, a file, or nowhere.
import { createWriteStream, openSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { FileSpec, OutputHandle } from './call-options';
import { pipeFailed } from './errors';

/** A destination for one output stream. */
export interface Sink {
  write(chunk: Buffer): void;
  /** Flushes (and closes what the sink opened itself); rejects when writing failed. */
  end(): Promise<void>;
  /** `write` is done with the chunk when it returns: the engine may lend it a buffer it reuses. */
  readonly borrows?: boolean;
}

const discard: Sink = { write: () => {}, end: async () => {}, borrows: true };

/** Hands each chunk to `fn` (`onStdout` / `onStderr`); a throw stops the calls and fails the command at its end. */
export const callbackSink = (fn: (chunk: Buffer) => void, what: string, host: string | undefined): Sink => {
  let failure: unknown;
  let failed = false;
  return {
    borrows: true,
    write(chunk) {
      if (failed) return;
      try {
        fn(chunk);
      } catch (e) {
        failed = true;
        failure = e;
      }
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

/** Collects chunks in memory. */
export class CaptureSink implements Sink {
  readonly chunks: Buffer[] = [];
  /** Bytes written so far (known before {@link buffer} joins them). */
  size = 0;
  write(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
  }
  async end(): Promise<void> {}
  get buffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Keeps only the last `max` bytes written (the stderr tail errors carry). */
export class TailSink implements Sink {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly max = 4096) {}
  write(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.max) this.size -= this.chunks.shift()!.length;
  }
  async end(): Promise<void> {}
  get text(): string {
    const b = Buffer.concat(this.chunks);
    return b.subarray(Math.max(0, b.length - this.max)).toString();
  }
}

/** Writes to both sinks. */
export const teeSink = (a: Sink, b: Sink): Sink => ({
  write: (c) => (a.write(c), b.write(c)),
  end: async () => {
    await Promise.all([a.end(), b.end()]);
  },
});

const streamSink = (stream: Writable, owned: boolean, what: string, host: string | undefined): Sink => {
  let failure: Error | undefined;
  const onError = (e: Error) => (failure ??= e);
  if (stream !== process.stdout && stream !== process.stderr) stream.on('error', onError);
  else watchStdio(stream, onError);
  return {
    write(chunk) {
      if (!failure) stream.write(chunk);
    },
    end: () =>
      new Promise<void>((resolve, reject) => {
        const done = () => {
          stream.off('error', onError);
          stdioWatchers.get(stream)?.delete(onError);
          failure ? reject(pipeFailed(host, `unable to write ${what}: ${failure.message}`, failure)) : resolve();
        };
        if (failure) return done();
        if (owned) {
          stream.once('close', done);
          stream.end();
        } else if (stream.writableNeedDrain) stream.once('drain', done);
        else done();
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
    return streamSink(createWriteStream('', { fd }), true, `file '${path}'`, host);
  }
  if (typeof o.fh === 'number')
    return streamSink(createWriteStream('', { fd: o.fh, autoClose: false }), true, `fd ${o.fh}`, host);
  if (o.fh !== undefined) return streamSink(o.fh, false, 'the given stream', host);
  return undefined;
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
  streamSink(process[which], false, `process.${which}`, undefined);

export const discardSink = (): Sink => discard;
