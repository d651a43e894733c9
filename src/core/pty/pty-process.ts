// One process on a fresh pseudo-terminal (node-pty): its session leader with the pty as controlling
// terminal, so ssh reads prompts from it and gets SIGWINCH on resize. Both the pty login of the
// master and open2pty/open3pty run on this.
// Such a process keeps Node running until it exits: node-pty (1.1) waits for its exit on a thread that
// reports through a ref'd N-API thread-safe function, and offers no way to unref it (unref'ing the pty's
// socket is not enough). That is right for open2pty (a command in flight); the master runs on a pty
// hosted in an unref'd worker instead (pty-worker.ts).
import { constants } from 'node:os';
import type { IPty } from 'node-pty';
import { loadNodePty } from './load-node-pty';

/** How a pty process ended: exactly one of code and signal is non-null. */
export interface PtyExit {
  /** The exit code, or null when a signal ended the process. */
  code: number | null;
  /** Signal name without `SIG`, or null. */
  signal: string | null;
}

/** A process on a pty. */
export interface PtyProcess {
  /** The local process id. */
  readonly pid: number;
  /** Writes to the terminal (what a user would type). */
  write(data: string | Buffer): void;
  /** Sets the terminal size (the process gets SIGWINCH). */
  resize(cols: number, rows: number): void;
  /** Sends a signal to the process. @default 'SIGHUP' (the terminal hung up) */
  kill(signal?: NodeJS.Signals): void;
  /** Subscribes to output; returns the unsubscribe function. */
  onData(listener: (data: string) => void): () => void;
  /** Resolves once the process has exited and its output has been delivered. */
  readonly exited: Promise<PtyExit>;
  /** Whether it has exited. */
  readonly done: boolean;
}

export interface PtySpawnOptions {
  env: Record<string, string | undefined>;
  cols?: number;
  rows?: number;
  cwd?: string;
}

const signalNames = new Map<number, string>(
  Object.entries(constants.signals).map(([name, n]) => [n, name.replace(/^SIG/, '')]),
);

/** node-pty's exit report as a PtyExit. */
export const ptyExit = (exitCode: number, signal: number | undefined): PtyExit =>
  signal ? { code: null, signal: signalNames.get(signal) ?? String(signal) } : { code: exitCode, signal: null };

/** Starts `file args` on a new pty. Rejects when node-pty is missing or the pty cannot be made. */
export const spawnOnPty = async (file: string, args: readonly string[], o: PtySpawnOptions): Promise<PtyProcess> => {
  const ptyMod = await loadNodePty();
  const pty: IPty = ptyMod.spawn(file, [...args], {
    name: o.env.TERM ?? 'xterm',
    cols: o.cols ?? 80,
    rows: o.rows ?? 24,
    cwd: o.cwd ?? process.cwd(),
    env: o.env,
  });
  let done = false;
  const exited = new Promise<PtyExit>((resolve) => {
    pty.onExit(({ exitCode, signal }) => {
      done = true;
      resolve(ptyExit(exitCode, signal));
    });
  });
  return {
    pid: pty.pid,
    write: (data) => {
      if (!done) pty.write(data);
    },
    resize: (cols, rows) => {
      if (!done) pty.resize(cols, rows);
    },
    kill: (signal = 'SIGHUP') => {
      if (done) return;
      try {
        process.kill(pty.pid, signal);
      } catch {
        // already gone
      }
    },
    onData: (listener) => {
      const d = pty.onData(listener);
      return () => d.dispose();
    },
    exited,
    get done() {
      return done;
    },
  };
};
