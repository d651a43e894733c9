// Net::OpenSSH's `timeout`: fail when no value has arrived for a number of seconds.
import { asyncScheduler, Observable, type MonoTypeOperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import { invalidArgument, slaveTimeout } from '../../core/errors';

/** Options of {@link inactivityTimeout}. */
export interface InactivityTimeoutOptions {
  /** Unsubscribe the source (ending the remote command) before erroring. @default false */
  kill?: boolean;
  /** Host named in the error. */
  host?: string;
  /** Where time comes from (a TestScheduler in marble tests). @default asyncScheduler */
  scheduler?: SchedulerLike;
}

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
 * (stdout or stderr) keeps the command alive. When it fires, what happens to the source is Net::OpenSSH's
 * `kill_ssh_on_timeout` choice: with `kill: false` (the default) the source stays subscribed and is
 * drained silently until it ends on its own (the remote command is left to finish); with `kill: true` it
 * is unsubscribed first, which ends the remote command (see {@link killOnTimeout}). Errors and completion
 * of the source before the timeout pass through unchanged.
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
 * // Logs (after 5 s; the remote sleep carries on):
 * // OSSH_SLAVE_TIMEOUT
 * ```
 *
 * @param seconds How long the source may stay silent (a positive number, fractions allowed).
 * @param options `kill`, `host`, `scheduler`.
 * @returns The source's values, or an `OSSH_SLAVE_TIMEOUT` error.
 * @see {@link killOnTimeout}
 */
export function inactivityTimeout<T>(seconds: number, options: InactivityTimeoutOptions = {}): MonoTypeOperatorFunction<T> {
  validateTimeout(seconds);
  const { kill = false, host, scheduler = asyncScheduler } = options;
  return (source) =>
    new Observable<T>((sub) => {
      let timer: Subscription | undefined;
      let timedOut = false;
      const arm = () => {
        timer?.unsubscribe();
        timer = scheduler.schedule(() => {
          timedOut = true;
          if (kill) inner.unsubscribe();
          sub.error(slaveTimeout(host, seconds, kill));
        }, seconds * 1000);
      };
      const inner = source.subscribe({
        next: (v) => {
          if (timedOut) return;
          arm();
          sub.next(v);
        },
        error: (e) => {
          timer?.unsubscribe();
          if (!timedOut) sub.error(e);
        },
        complete: () => {
          timer?.unsubscribe();
          if (!timedOut) sub.complete();
        },
      });
      if (!inner.closed) arm();
      return () => {
        timer?.unsubscribe();
        if (!timedOut || kill) inner.unsubscribe();
      };
    });
}
