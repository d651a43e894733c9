// Masters we own end with the Node process: on normal exit, on SIGINT/SIGTERM/SIGHUP, and when the
// process dies without running any handler (SIGKILL, a crash): master-watchdog.ts. Normal exit includes a
// script that forgot disconnect(): nothing of a connection keeps the event loop alive once nothing is in
// flight (keep-alive.ts), so the loop empties, 'exit' is emitted, and each owned master gets SIGTERM; it
// removes its control socket and exits on its own after this process is gone. Masters we do not own
// (external, disowned, persistent) are never in this set.
// Handlers are installed only while we own a master. When nobody else listens for the signal, the
// commands running on our masters are told to end first, as disconnect() does (the mux engine sends each
// one the SSH signal TERM and waits, a bounded time, for the server to close them), then the masters are
// ended and the signal re-raised, so the process still dies the way it would have. A second signal
// meanwhile ends the masters at once. When the application handles the signal itself, it decides what
// happens (the masters still end when it exits).
import { stopWatchdog, unwatchPid, watchPid } from './master-watchdog';

/** Owned pids, each with what ends the commands running through it (a master's connection), if anything. */
const owned = new Map<number, (() => Promise<void>) | undefined>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** The longest a signal waits for the running commands to be told to end before the masters go. */
const COMMANDS_GRACE_MS = 2000;
let installed = false;
let ending = false;

const killAll = () => {
  for (const pid of owned.keys()) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  owned.clear();
};

/** Tells every owned connection's commands to end; resolves when they were, or after COMMANDS_GRACE_MS. */
const endCommands = (): Promise<void> => {
  const enders = [...owned.values()].filter((e) => e !== undefined);
  if (enders.length === 0) return Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  // ref'd: the process must live until the commands were told
  const grace = new Promise<void>((r) => (timer = setTimeout(r, COMMANDS_GRACE_MS)));
  const told = Promise.allSettled(enders.map((end) => end())).then(() => undefined);
  return Promise.race([told, grace]).finally(() => clearTimeout(timer));
};

const onSignal = (sig: NodeJS.Signals) => {
  // someone else handles the signal (a CLI ending its run cleanly): they decide when to stop; masters still end at exit
  if (process.listenerCount(sig) > 1) return;
  const die = () => {
    killAll();
    uninstall();
    process.kill(process.pid, sig);
  };
  if (ending) return die(); // a second signal: no more waiting
  ending = true;
  void endCommands().then(die, die);
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
  ending = false;
  process.off('exit', killAll);
  for (const s of SIGNALS) process.off(s, onSignal);
};

/**
 * Ends `pid` (SIGTERM) when this process exits, is interrupted or dies, until `release(pid)`. `endCommands`, when
 * given, is called on an interrupting signal before the process is signalled: it tells the commands running
 * through it to end.
 */
export const ownProcess = (pid: number, endCommands?: () => Promise<void>): void => {
  owned.set(pid, endCommands);
  watchPid(pid);
  install();
};

/** Stops ending `pid` at exit (it ended, or was disowned). */
export const releaseProcess = (pid: number): void => {
  if (!owned.delete(pid)) return;
  unwatchPid(pid);
  if (owned.size > 0) return;
  uninstall();
  stopWatchdog();
};
