// Forking a process blocks the main thread until the child has exec'd: on a loaded machine that is tens of
// milliseconds each (a 300-host CLI run measured 56 ms median, 150 ms at worst). Masters started together
// (a fleet freeing fifty slots in one timer phase) would stall the loop for seconds with no I/O read in
// between. Master starts therefore go through this queue: one per turn of the event loop, so the loop
// polls its I/O between two forks and never stalls for more than one.

const queue: Array<() => void> = [];
let scheduled: NodeJS.Timeout | undefined;

const runOne = () => {
  scheduled = undefined;
  const next = queue.shift();
  if (queue.length > 0) schedule();
  next?.();
};

const schedule = () => {
  // A timer, not setImmediate: whoever waits for the master holds the loop (keep-alive.ts) and a start nobody waits
  // for must not, so the callback is unref'd; an unref'd immediate does not cut the loop's poll short (keep-alive.ts),
  // and a start queued from a timer callback then waited for the next I/O, forever in a quiet process. A timer
  // bounds the poll: the start runs in the next turn, after the loop has polled its I/O.
  scheduled = setTimeout(runOne, 0);
  scheduled.unref();
};

/**
 * Runs `start` in a later turn of the event loop, after the starts queued before it, one per turn. Returns a
 * function that takes it out of the queue (true when it had not run yet).
 */
export const pacedStart = (start: () => void): (() => boolean) => {
  queue.push(start);
  if (!scheduled) schedule();
  return () => {
    const i = queue.indexOf(start);
    if (i < 0) return false;
    queue.splice(i, 1);
    return true;
  };
};
