// Net::OpenSSH's `timeout`: fail when no value has arrived for a number of seconds.
import { asyncScheduler, Observable, type MonoTypeOperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import { invalidArgument, slaveTimeout } from '../../core/errors';

export interface InactivityTimeoutOptions {
  /** Unsubscribe the source (ending the remote command) before erroring. @default false */
  kill?: boolean;
  /** Host named in the error. */
  host?: string;
  scheduler?: SchedulerLike;
}

/**
 * Errors with OSSH_SLAVE_TIMEOUT when the source has been silent for `seconds`.
 * With `kill: false` the source stays subscribed and is drained silently until it ends on its own.
 */
export function inactivityTimeout<T>(seconds: number, options: InactivityTimeoutOptions = {}): MonoTypeOperatorFunction<T> {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0)
    throw invalidArgument('Expected the timeout to be a positive number of seconds', seconds);
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
        error: (e) => !timedOut && sub.error(e),
        complete: () => !timedOut && sub.complete(),
      });
      if (!inner.closed) arm();
      return () => {
        timer?.unsubscribe();
        if (!timedOut || kill) inner.unsubscribe();
      };
    });
}
