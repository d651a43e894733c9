// One Duplex over a process's stdout (read side) and stdin (write side), like a socket: half-close works,
// backpressure reaches both pipes, and the only 'error' it emits is the one its owner destroys it with
// (Duplex.from would add ERR_STREAM_PREMATURE_CLOSE when the far side ends first, which is normal here).
import { Duplex, type Readable, type Writable } from 'node:stream';

/** A socket-like Duplex over `readable` and `writable`. */
export const channelDuplex = (readable: Readable, writable: Writable): Duplex => {
  writable.on('error', () => {}); // EPIPE after the far side went away: the exit status tells the story
  const d: Duplex = new Duplex({
    allowHalfOpen: true,
    read() {
      readable.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      if (writable.destroyed || writable.writableEnded) return cb();
      if (writable.write(chunk)) cb();
      else writable.once('drain', () => cb());
    },
    final(cb) {
      writable.end();
      cb();
    },
    destroy(err, cb) {
      readable.destroy();
      writable.destroy();
      cb(err);
    },
  });
  readable.on('data', (c: Buffer) => {
    if (!d.push(c)) readable.pause();
  });
  readable.once('end', () => d.push(null));
  readable.on('error', () => {});
  return d;
};
