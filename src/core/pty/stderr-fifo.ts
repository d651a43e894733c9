// A separate stderr for a process on a pty (open3pty): node-pty gives the child one terminal for all
// three streams, so its fd 2 is redirected (by `sh -c 'exec ... 2>fifo'`) into a FIFO in a private
// directory that we read. We hold a write end until the process is gone, so that reading never sees
// an end of file before the child has opened its own.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** A FIFO being read: its path (for the child), the stream of what is written to it, and cleanup. */
export interface StderrFifo {
  readonly path: string;
  readonly stream: Readable;
  /** Call once the child has exited: the stream then ends after the last byte; the FIFO is removed. */
  release(): void;
}

/** Makes and opens the FIFO (0600 in a 0700 temp dir). */
export const openStderrFifo = (): StderrFifo => {
  const dir = mkdtempSync(join(tmpdir(), 'net-openssh-pty-'));
  const path = join(dir, 'stderr');
  execFileSync('mkfifo', ['-m', '600', path]);
  const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const holdFd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  const stream = new Socket({ fd: readFd, readable: true, writable: false });
  let released = false;
  return {
    path,
    stream,
    release() {
      if (released) return;
      released = true;
      closeSync(holdFd);
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
