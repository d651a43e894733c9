// Where a command's stdin comes from, and the pump that feeds it into a channel.
import { createReadStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import type { CallOptions } from './call-options';

/** A command's stdin, decided from the call options. */
export type StdinSource =
  | { kind: 'none' } // /dev/null: an immediate EOF
  | { kind: 'data'; chunks: Buffer[]; keepOpen: boolean }
  | { kind: 'stream'; open: () => Readable; keepOpen: boolean }
  | { kind: 'pipe' }; // the caller writes to the channel's stdin itself

// Net::OpenSSH inherits the parent's stdin when no stdin option is given. A library call that
// silently consumes the terminal is a trap in Node, so here the default is an empty stdin.
/** The stdin source the options ask for. */
export const stdinSource = (o: CallOptions): StdinSource => {
  const keepOpen = o.stdinKeepOpen ?? false;
  if (o.stdinPipe || o.stdinoutSocket || o.stdinoutDpipe !== undefined) return { kind: 'pipe' };
  if (o.stdinData !== undefined) {
    const items = Array.isArray(o.stdinData) ? o.stdinData : [o.stdinData];
    const chunks = items
      .filter((d): d is string | Buffer => d !== undefined && d !== null)
      .map((d) => (typeof d === 'string' ? Buffer.from(d) : d));
    return { kind: 'data', chunks, keepOpen };
  }
  if (o.stdinFile !== undefined) {
    const path = o.stdinFile;
    return { kind: 'stream', open: () => createReadStream(path), keepOpen };
  }
  const fh = o.stdinFh;
  if (typeof fh === 'number')
    return { kind: 'stream', open: () => createReadStream('', { fd: fh, autoClose: false }), keepOpen };
  if (fh !== undefined) return { kind: 'stream', open: () => fh, keepOpen };
  if (keepOpen) return { kind: 'data', chunks: [], keepOpen: true };
  return { kind: 'none' };
};

/** Whether the channel needs a stdin pipe at all. */
export const needsStdin = (s: StdinSource): boolean => s.kind !== 'none';

/** Feeds `source` into `stdin`, respecting backpressure; calls `onError` if reading the source fails. */
export const feedStdin = (stdin: Writable, source: StdinSource, onError: (e: Error) => void): (() => void) => {
  switch (source.kind) {
    case 'none':
    case 'pipe':
      return () => {};
    case 'data': {
      for (const c of source.chunks) stdin.write(c);
      if (!source.keepOpen) stdin.end();
      return () => {};
    }
    case 'stream': {
      const input = source.open();
      input.once('error', onError);
      input.pipe(stdin, { end: !source.keepOpen });
      return () => input.unpipe(stdin);
    }
  }
};
