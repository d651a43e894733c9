// What keeps Node running on our behalf: every handle of a connection (the master's process and pipes,
// control sockets, timers) is unref'd, and this one ref'd handle holds the event loop while something is
// in flight: a pending waitForMaster(), an open channel, a forward, a persistent start lock, a disconnect.
// With nothing in flight, a script that forgets disconnect() reaches its end and exits (exit-hook.ts then
// ends the masters we own).
// Never put work off with an unref'd setImmediate: Node then lets the loop's poll phase block until the next
// I/O or timer, and with only this far-off timer holding the loop, a callback queued from a timer callback
// waits for I/O that may never come (a master start, a silent command's timeout: test/e2e/quiet-loop). Use a
// ref'd immediate (it runs in the same turn) or an unref'd timer (a timer bounds the poll).

let count = 0;
// one timer for the life of the process, made on first use: ref() and unref() only flip a flag on it
let timer: NodeJS.Timeout | undefined;
const NEVER_MS = 2 ** 31 - 1; // the longest delay Node accepts; the callback does nothing anyway

/** How many holds are taken now (for tests and debugging). */
export const heldCount = (): number => count;

/**
 * Keeps the event loop alive until the returned function is called. Calling it again does nothing, so
 * it can be called from every path that ends the operation.
 */
export const hold = (): (() => void) => {
  if (count++ === 0) (timer ??= setInterval(() => {}, NEVER_MS)).ref();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--count === 0) timer?.unref();
  };
};

/** Keeps the event loop alive until `p` settles; returns `p`. */
export const holdWhile = <T>(p: Promise<T>): Promise<T> => {
  const release = hold();
  p.then(release, release);
  return p;
};
