// A process on a pty that does not keep Node running, for the master's pty login. node-pty waits for the
// process's exit through a ref'd thread-safe callback it offers no way to unref, so node-pty runs in a
// worker thread that is unref'd: the callback then holds only the worker's loop. The process stays a
// child of this process (threads share it), as with spawnOnPty.
// At exit, the process is ended and waited for (synchronously, in the 'exit' event) before Node tears the
// worker down: an exit reported to a worker being torn down makes node-pty throw and the process abort.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { loadNodePty } from './load-node-pty';
import { ptyExit, type PtyExit, type PtyProcess, type PtySpawnOptions } from './pty-process';

// CommonJS, run with `eval`: it needs no file of its own in dist/. What the wait at process exit needs is
// also written to shared memory (`flags`): the start is over (the pid, or 0), then the exit. Each is written
// only once node-pty's native code has returned: a worker torn down inside it aborts the process
const WORKER = `
const { parentPort, workerData: w } = require('node:worker_threads');
const flag = (i, v) => {
  Atomics.store(w.flags, i, v);
  Atomics.notify(w.flags, i);
};
let p;
try {
  p = require(w.modulePath).spawn(w.file, w.args, w.options);
} catch (e) {
  parentPort.postMessage({ type: 'error', message: String((e && e.message) || e) });
  setImmediate(() => flag(0, 1));
}
if (p) {
  setImmediate(() => {
    Atomics.store(w.flags, 1, p.pid);
    flag(0, 1);
  });
  parentPort.postMessage({ type: 'pid', pid: p.pid });
  p.onData((data) => parentPort.postMessage({ type: 'data', data }));
  p.onExit(({ exitCode, signal }) => {
    setImmediate(() => {
      flag(2, 1);
      parentPort.postMessage({ type: 'exit', exitCode, signal });
      parentPort.close();
    });
  });
  parentPort.on('message', (m) => {
    if (m.type === 'write') p.write(typeof m.data === 'string' ? m.data : Buffer.from(m.data));
    else if (m.type === 'resize') p.resize(m.cols, m.rows);
  });
}
`;

// slots of the shared flags (the worker's code uses the numbers)
const STARTED = 0;
const PID = 1;
const ENDED = 2;

type FromWorker =
  | { type: 'pid'; pid: number }
  | { type: 'data'; data: string }
  | { type: 'exit'; exitCode: number; signal: number | undefined }
  | { type: 'error'; message: string };

// how long the 'exit' event waits for a start to finish, for the processes to end after SIGTERM, then after SIGKILL
const EXIT_WAIT_MS = 2000;

// the shared flags of every pty worker whose process may still run; one 'exit' listener for them all
const live = new Set<Int32Array>();

// this process exits with pty processes starting or running: end them, and let their workers see them end
// (messages are not delivered during the 'exit' event: what is needed comes through the flags)
const endAll = (): void => {
  const running: Array<[Int32Array, number]> = [];
  for (const flags of live) {
    Atomics.wait(flags, STARTED, 0, EXIT_WAIT_MS);
    const pid = Atomics.load(flags, PID);
    if (pid !== 0 && Atomics.load(flags, ENDED) === 0) running.push([flags, pid]);
  }
  for (const [, pid] of running) signal(pid, 'SIGTERM');
  for (const [flags, pid] of running) {
    if (Atomics.wait(flags, ENDED, 0, EXIT_WAIT_MS) !== 'timed-out') continue;
    signal(pid, 'SIGKILL');
    Atomics.wait(flags, ENDED, 0, EXIT_WAIT_MS);
  }
};

const track = (flags: Int32Array): (() => void) => {
  if (live.size === 0) process.on('exit', endAll);
  live.add(flags);
  return () => {
    if (!live.delete(flags)) return;
    if (live.size === 0) process.off('exit', endAll);
  };
};

const signal = (pid: number, sig: NodeJS.Signals): void => {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
};

/**
 * Starts `file args` on a new pty without keeping this process alive. Rejects when node-pty is missing or the
 * pty cannot be made.
 */
export const spawnOnPtyUnref = async (
  file: string,
  args: readonly string[],
  o: PtySpawnOptions,
): Promise<PtyProcess> => {
  await loadNodePty(); // the error naming the package when it is missing
  const modulePath = createRequire(import.meta.url).resolve('node-pty');
  const { cols = 80, rows = 24, cwd = process.cwd(), env } = o;
  const options = { name: env.TERM ?? 'xterm', cols, rows, cwd, env };
  const flags = new Int32Array(new SharedArrayBuffer(12));
  const workerData = { modulePath, file, args: [...args], options, flags };
  const worker = new Worker(WORKER, { eval: true, execArgv: [], workerData });
  const listeners = new Set<(data: string) => void>();
  let early: string[] = []; // output before the first listener (it subscribes once the pid is known)
  let done = false;
  let pid: number | undefined;
  let setExit!: (e: PtyExit) => void;
  const exited = new Promise<PtyExit>((r) => (setExit = r));
  const untrack = track(flags);
  const finish = (e: PtyExit) => {
    if (done) return;
    done = true;
    untrack();
    setExit(e);
  };
  return new Promise<PtyProcess>((resolve, reject) => {
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'data') {
        if (listeners.size === 0) early.push(m.data);
        for (const l of listeners) l(m.data);
      } else if (m.type === 'exit') finish(ptyExit(m.exitCode, m.signal));
      else if (m.type === 'error') reject(new Error(m.message));
      else {
        pid = m.pid;
        resolve(handle(m.pid));
      }
    });
    // the worker itself failed: the process may run on, but nothing can drive it any more
    const lost = () => {
      if (pid === undefined) {
        untrack();
        return reject(new Error('the pty worker ended before starting the process'));
      }
      if (!done) signal(pid, 'SIGKILL');
      finish({ code: null, signal: 'KILL' });
    };
    worker.on('error', (e) => (pid === undefined ? reject(e) : lost()));
    worker.on('exit', lost);
    worker.unref(); // after the listeners: adding a 'message' listener refs the worker's port again
  });

  function handle(id: number): PtyProcess {
    return {
      pid: id,
      write: (data) => {
        if (!done) worker.postMessage({ type: 'write', data });
      },
      resize: (cols, rows) => {
        if (!done) worker.postMessage({ type: 'resize', cols, rows });
      },
      kill: (sig = 'SIGHUP') => {
        if (!done) signal(id, sig);
      },
      onData: (listener) => {
        listeners.add(listener);
        const seen = early;
        early = [];
        for (const d of seen) listener(d);
        return () => void listeners.delete(listener);
      },
      exited,
      get done() {
        return done;
      },
    };
  }
};
