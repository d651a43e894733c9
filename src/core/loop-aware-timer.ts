// Timers that judge the other side (a master that must answer, a login that must finish) count only the
// time in which this process could have seen the answer. A busy event loop (hundreds of masters forked
// from the main thread, a caller's own CPU work) is our delay, not theirs: time the loop spent stalled is
// left out, and when the time is up the verdict waits one turn of the loop, after its I/O poll, so an
// answer that arrived during a stall is read before the timer can call it missing.
import { performance } from 'node:perf_hooks';

/** How often the stall meter looks at the loop while a judging timer is armed. */
const TICK_MS = 100;
/** Lateness of a tick below this is ordinary jitter, not a stall. */
const JITTER_MS = 50;

let armed = 0;
let meter: NodeJS.Timeout | undefined;
let lastTick = 0;
/** Milliseconds the loop was seen stalled since the meter started (only ever grows). */
let stalledTotal = 0;

const lateness = (now: number): number => {
  const late = now - lastTick - TICK_MS;
  return late > JITTER_MS ? late : 0;
};

const onTick = () => {
  if (armed === 0) {
    // nothing armed since the last tick: stop (see disarm)
    clearInterval(meter);
    meter = undefined;
    return;
  }
  const now = performance.now();
  stalledTotal += lateness(now);
  lastTick = now;
};

/** Stalled milliseconds so far, the stall going on right now (seen from a timer callback) included. */
const stalledNow = (): number => stalledTotal + (meter ? lateness(performance.now()) : 0);

const arm = () => {
  if (armed++ > 0 || meter) return; // a meter still running (see disarm) has kept lastTick
  lastTick = performance.now();
  meter = setInterval(onTick, TICK_MS);
  meter.unref();
};

// The meter stops at its next tick with nothing armed, not at once: sequential commands, each with a timeout, would
// otherwise start and clear an interval each. It is unref'd: it never keeps the process alive.
const disarm = () => {
  armed--;
};

/** A running {@link judgingTimeout}. */
export interface JudgingTimer {
  /** Stops the timer; `onTimeout` will not be called. Calling it again does nothing. */
  cancel(): void;
  /**
   * Starts the count over from now (an answer came). Cheap enough to call on every chunk: no timer is touched,
   * the running one finds the new start when it fires and waits the rest. Does nothing once fired or cancelled.
   */
  restart(): void;
}

/**
 * Calls `onTimeout` once `ms` milliseconds have passed in which this process's event loop was free to see an
 * answer: time the loop spent stalled (blocked by synchronous work longer than a tick) is not counted, and the
 * call itself waits for the loop's next I/O poll, so what arrived meanwhile is handled first (and may cancel
 * it). The timer never keeps the process alive.
 */
export const judgingTimeout = (ms: number, onTimeout: () => void): JudgingTimer => {
  let start = performance.now();
  let stalledAtStart = stalledNow();
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let done = false;
  const finish = () => {
    if (done) return false;
    done = true;
    clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    disarm();
    return true;
  };
  const check = () => {
    const free = performance.now() - start - (stalledNow() - stalledAtStart);
    if (free < ms) return schedule(ms - free);
    // the loop's poll phase comes before setImmediate callbacks: an answer already waiting is read first. Ref'd
    // (it runs in this very turn): an unref'd immediate does not cut the poll short (keep-alive.ts), so a silent
    // command's timeout waited for its next output or its end.
    immediate = setImmediate(() => {
      immediate = undefined;
      if (finish()) onTimeout();
    });
  };
  const schedule = (delay: number) => {
    timer = setTimeout(check, Math.max(1, Math.ceil(delay)));
    timer.unref();
  };
  arm();
  schedule(ms);
  return {
    cancel: () => void finish(),
    restart: () => {
      if (done) return;
      start = performance.now();
      stalledAtStart = stalledNow();
      if (immediate) {
        // the verdict was waiting for the poll phase: this answer came first
        clearImmediate(immediate);
        immediate = undefined;
        schedule(ms);
      }
    },
  };
};
