// open2pty / open3pty: a remote command on a remote tty, driven through a local pty the way Net::OpenSSH's
// is driven with Expect: write what a user would type, read or expect what it shows, resize, kill.
// The local side is `ssh -S <ctl> -tt ...` (the spawn engine's argv) on a node-pty terminal.
import type { Readable } from 'node:stream';
import type { ChannelRequest, ExitStatus } from '../channel';
import { OpenSSHError, pipeFailed } from '../errors';
import { ownProcess, releaseProcess } from '../exit-hook';
import { slaveArgs } from '../slave-args';
import { debug, debugData } from '../debug/debug';
import { spawnOnPty, type PtyProcess } from './pty-process';
import { openStderrFifo, type StderrFifo } from './stderr-fifo';

/** A remote command on a pty (open2pty / open3pty). */
export interface PtyHandle {
  /** The local ssh process id. */
  readonly pid: number;
  /** Types into the terminal (`'\r'` is Enter, `'\x03'` is Ctrl-C, `'\x04'` Ctrl-D at a line start). */
  write(data: string | Buffer): void;
  /** Subscribes to what the terminal shows (node-pty's onData); returns the unsubscribe function. */
  onData(listener: (data: string) => void): () => void;
  /**
   * The next chunk of output not yet consumed by read/expect; undefined once the command has ended and all was read.
   */
  read(): Promise<string | undefined>;
  /**
   * Waits until the output (from where the last read/expect stopped) matches `pattern`; resolves with the text up to
   * the end of the match and consumes it. Rejects with OSSH_SLAVE_TIMEOUT after `timeout` seconds, or OSSH_SLAVE_FAILED
   * when the command ends first. @param timeout seconds @default 10
   */
  expect(pattern: string | RegExp, timeout?: number): Promise<string>;
  /** Everything the terminal showed so far. */
  readonly output: string;
  /** Resizes the terminal (the remote side gets the new size). */
  resize(cols: number, rows: number): void;
  /** Signals the local ssh. @default 'SIGHUP' (the terminal hung up: the remote command gets SIGHUP too) */
  kill(signal?: NodeJS.Signals): void;
  /** Ends it (SIGHUP) and waits for the exit. */
  close(): Promise<ExitStatus>;
  /** The exit status of the command (ssh's 255 for ssh-level failures). */
  readonly exit: Promise<ExitStatus>;
  /** open3pty: the command's stderr as a separate stream (without a remote tty; with one, the remote tty merges it). */
  readonly stderr: Readable | undefined;
}

/** What openPty needs from the connection. */
export interface PtyContext {
  readonly ctlPath: string;
  readonly host: string;
  readonly sshCmd: string;
  readonly destinationArgs: readonly string[];
  readonly defaultSshOpts: readonly string[];
}

export interface PtyOptions {
  /** Terminal columns. @default 80 */
  cols?: number;
  /** Terminal rows. @default 24 */
  rows?: number;
  /** Give stderr its own stream (open3pty). */
  separateStderr?: boolean;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Starts `req` on a local pty over the master. */
export const openPty = async (ctx: PtyContext, req: ChannelRequest, o: PtyOptions = {}): Promise<PtyHandle> => {
  const args = slaveArgs(req, ctx.ctlPath, ctx.destinationArgs, ctx.defaultSshOpts);
  debug('args', () => `pty: ${ctx.sshCmd} ${JSON.stringify(args)}`);
  let fifo: StderrFifo | undefined;
  let proc: PtyProcess;
  try {
    if (o.separateStderr) fifo = openStderrFifo();
    const [file, argv] = fifo
      ? ['/bin/sh', ['-c', 'f=$1; shift; exec "$@" 2>"$f"', 'sh', fifo.path, ctx.sshCmd, ...args]]
      : [ctx.sshCmd, args];
    proc = await spawnOnPty(file, argv, { env: { ...process.env }, cols: o.cols, rows: o.rows });
  } catch (e) {
    fifo?.release();
    fifo?.stream.destroy();
    throw pipeFailed(ctx.host, `unable to allocate pseudo-tty: ${(e as Error).message}`, e);
  }
  ownProcess(proc.pid);
  let all = '';
  let cursor = 0;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  proc.onData((d) => {
    all += d;
    debugData(`pty ${proc.pid} output`, Buffer.from(d));
    wake();
  });
  const exit = proc.exited.then(({ code, signal }) => {
    releaseProcess(proc.pid);
    fifo?.release();
    debug('exec', () => `pty ${proc.pid}: exited ${signal ? `by ${signal}` : `with code ${code}`}`);
    wake();
    return { code, signal } as ExitStatus;
  });
  const waitForMore = (): Promise<void> =>
    new Promise((resolve) => {
      const w = () => {
        waiters.delete(w);
        resolve();
      };
      waiters.add(w);
    });

  const handle: PtyHandle = {
    pid: proc.pid,
    write: (data) => proc.write(data),
    onData: (l) => proc.onData(l),
    resize: (cols, rows) => proc.resize(cols, rows),
    kill: (signal) => proc.kill(signal),
    get output() {
      return all;
    },
    stderr: fifo?.stream,
    exit,
    async read() {
      while (cursor >= all.length) {
        if (proc.done) return undefined;
        await waitForMore();
      }
      const chunk = all.slice(cursor);
      cursor = all.length;
      return chunk;
    },
    async expect(pattern, timeout = 10) {
      const re =
        typeof pattern === 'string'
          ? new RegExp(escapeRe(pattern))
          : new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
      const deadline = Date.now() + timeout * 1000;
      for (;;) {
        const rest = all.slice(cursor);
        const m = re.exec(rest);
        if (m) {
          const end = m.index + m[0].length;
          cursor += end;
          return rest.slice(0, end);
        }
        if (proc.done)
          throw new OpenSSHError(
            'OSSH_SLAVE_FAILED',
            `expect: the command ended before ${String(pattern)} appeared (last output: ` +
              `${JSON.stringify(rest.slice(-200))})`,
            { host: ctx.host },
          );
        const left = deadline - Date.now();
        if (left <= 0)
          throw new OpenSSHError(
            'OSSH_SLAVE_TIMEOUT',
            `expect: ${String(pattern)} did not appear within ${timeout} s (last output: ` +
              `${JSON.stringify(rest.slice(-200))})`,
            { host: ctx.host },
          );
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([waitForMore(), new Promise<void>((r) => (timer = setTimeout(r, left)))]);
        clearTimeout(timer);
      }
    },
    async close() {
      proc.kill('SIGHUP');
      return exit;
    },
  };
  return handle;
};
