// Masters we own end with the Node process: on normal exit, and on SIGINT/SIGTERM/SIGHUP. Normal exit
// includes a script that forgot disconnect(): nothing of a connection keeps the event loop alive once
// nothing is in flight (keep-alive.ts), so the loop empties, 'exit' is emitted, and each owned master gets
// SIGTERM; it removes its control socket and exits on its own after this process is gone. Masters we do
// not own (external, disowned, persistent) are never in this set.
// Handlers are installed only while we own a master. When nobody else listens for the signal, the
// masters are ended and the signal re-raised, so the process still dies the way it would have; when the
// application handles it itself, it decides what happens (the masters still end when it exits).

const owned = new Set<number>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let installed = false;

const killAll = () => {
  for (const pid of owned) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  owned.clear();
};

const onSignal = (sig: NodeJS.Signals) => {
  // someone else handles the signal (a CLI ending its run cleanly): they decide when to stop; masters still end at exit
  if (process.listenerCount(sig) > 1) return;
  killAll();
  uninstall();
  process.kill(process.pid, sig);
};

const install = () => {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const s of SIGNALS) process.on(s, onSignal);
};

const uninstall = () => {
  if (!installed) return;
  installed = false;
  process.off('exit', killAll);
  for (const s of SIGNALS) process.off(s, onSignal);
};

/** Ends `pid` (SIGTERM) when this process exits or is interrupted, until `release(pid)`. */
export const ownProcess = (pid: number): void => {
  owned.add(pid);
  install();
};

/** Stops ending `pid` at exit (it ended, or was disowned). */
export const releaseProcess = (pid: number): void => {
  owned.delete(pid);
  if (owned.size === 0) uninstall();
};
