// When a channel's output stream is over: ended (every chunk delivered) or closed (its consumer went away).
import type { Readable } from 'node:stream';

/** Resolves once `s` has ended or closed. */
export const streamEnded = (s: Readable): Promise<void> =>
  new Promise((resolve) => {
    s.once('end', resolve);
    s.once('close', resolve);
  });
