// Net::OpenSSH's `timeout`: fail when no value has arrived for a number of seconds.
import { asyncScheduler, Observable, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import { invalidArgument, slaveTimeout } from '../../core/errors';
import { judgingTimeout, type JudgingTimer } from '../../core/loop-aware-timer';

/** Options of {@link inactivityTimeout}. */
export interface InactivityTimeoutOptions {
  /**
   * Accepted for compatibility: the source is always unsubscribed on timeout (an Observable that errored holds
   * nothing, so the remote command is ended). `false` is refused.
   * @deprecated the source is always ended; leave the option out
   */
  kill?: boolean;
  /** Host named in the error. */
  host?: string;
  /**
   * Makes the error to emit, called when the timer fires, before the source is unsubscribed.
   * @default OSSH_SLAVE_TIMEOUT
   */
  error?: () => unknown;
  /** Where time comes from (a TestScheduler in marble tests). @default asyncScheduler */
  scheduler?: SchedulerLike;
  /**
   * Counts only the time in which this process's event loop was free to see a value: time the loop was blocked
   * (by synchronous work) is not the source's silence, and a value that arrived during such a stall is seen
   * before the verdict. The `timeout` option of every command method works this way. Off by default here,
   * because it reads the real clock (rxjs's TestScheduler cannot move it); `scheduler` is then not used.
   * @default false
   */
  loopAware?: boolean;
  /**
   * Whether the consumer holds the source (it stopped reading because it cannot take more): while the last
   * value is true the clock stops, and it starts over on false. The source's silence is then the consumer's doing.
   */
  paused?: Observable<boolean>;
}

/** A timer on an rxjs scheduler, with the loop-aware timer's shape. */
const scheduledTimer = (scheduler: SchedulerLike, ms: number, fire: () => void): JudgingTimer => {
  let action = scheduler.schedule(fire, ms);
  return {
    cancel: () => action.unsubscribe(),
    restart: () => {
      action.unsubscribe();
      action = scheduler.schedule(fire, ms);
    },
  };
};

/** Validates a timeout in seconds (thrown at once: a programmer error). */
export const validateTimeout = (seconds: unknown): number => {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0)
    throw invalidArgument('Expected the timeout to be a positive number of seconds', seconds);
  return seconds;
};

/**
 * Errors with `OSSH_SLAVE_TIMEOUT` when the source has been silent for `seconds`: Net::OpenSSH's
 * `timeout`, an inactivity timeout, not a total one.
 *
 * The clock starts at subscription and restarts on every value, so on {@link ExecEvent}s any traffic
 * (stdout or stderr) keeps the command alive. When it fires, the source is unsubscribed first, which ends the
 * remote command (the mux engine signals it and closes the channel; the spawn engine ends its `ssh` slave),
 * then the error is delivered: a stream that errored holds nothing. Errors and completion of the source before
 * the timeout pass through unchanged.
 *
 * ## Example
 *
 * ```ts
 * import { OpenSSH, inactivityTimeout } from 'net-openssh';
 *
 * const ssh = new OpenSSH('web1');
 * ssh.exec$('sleep 60; echo late')
 *   .pipe(inactivityTimeout(5, { host: ssh.getHost() }))
 *   .subscribe({ error: (e) => console.log(e.code) });
 * // Logs (after 5 s; the remote sleep has been ended):
 * // OSSH_SLAVE_TIMEOUT
 * ```
 *
 * @param seconds How long the source may stay silent (a positive number, fractions allowed).
 * @param options `host`, `error`, `scheduler`, `paused`, `loopAware`.
 * @returns The source's values, or an `OSSH_SLAVE_TIMEOUT` error.
 * @see {@link killOnTimeout}
 */
export function inactivityTimeout<T>(
  seconds: number,
  options: InactivityTimeoutOptions = {},
): MonoTypeOperatorFunction<T> {
  validateTimeout(seconds);
  const { kill, host, scheduler = asyncScheduler, loopAware = false } = options;
  if (kill === false)
    throw invalidArgument('inactivityTimeout always ends its source on timeout (`kill: false` is no longer supported)');
  const makeError = options.error ?? (() => slaveTimeout(host, seconds, true));
  return (source) =>
    new Observable<T>((sub) => {
      let timer: JudgingTimer | undefined;
      let held = false;
      const fire = () => {
        const error = makeError();
        inner.unsubscribe();
        sub.error(error);
      };
      const stop = () => {
        timer?.cancel();
        timer = undefined;
      };
      const arm = () => {
        if (held) return stop();
        if (timer) return timer.restart();
        timer = loopAware ? judgingTimeout(seconds * 1000, fire) : scheduledTimer(scheduler, seconds * 1000, fire);
      };
      const inner = source.subscribe({
        next: (v) => {
          arm();
          sub.next(v);
        },
        error: (e) => {
          stop();
          sub.error(e);
        },
        complete: () => {
          stop();
          sub.complete();
        },
      });
      const pausing = options.paused?.subscribe((p) => {
        held = p;
        if (!held) stop(); // the clock starts over on release
        if (!inner.closed) arm();
      });
      // started here unless `paused` already did (a BehaviorSubject gives its value at once): one timer, not two
      if (!inner.closed && timer === undefined) arm();
      return () => {
        stop();
        pausing?.unsubscribe();
        inner.unsubscribe();
      };
    });
}
