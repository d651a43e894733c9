// `killOnTimeout`: a command that has gone quiet for too long is ended, not just abandoned.
import type { MonoTypeOperatorFunction, SchedulerLike } from 'rxjs';
import { inactivityTimeout, validateTimeout } from './inactivity-timeout';

/** Options of {@link killOnTimeout}. */
export interface KillOnTimeoutOptions {
  /** Host named in the error. */
  host?: string;
  /** Where time comes from (a TestScheduler in marble tests). @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * Ends the source when it has been silent for `seconds`, then errors with `OSSH_SLAVE_TIMEOUT`:
 * Net::OpenSSH's `timeout` with `kill_ssh_on_timeout`.
 *
 * On a command's {@link ExecEvent}s, unsubscribing is what ends the remote command: the channel is
 * closed (the mux engine first sends the SSH `signal` request for TERM; the spawn engine ends its `ssh`
 * slave, and the server then ends the session's process). The error is delivered after the source has
 * been unsubscribed. The clock restarts on every value, so any stdout or stderr traffic counts.
 *
 * ## Example
 *
 * ```ts
 * import { OpenSSH, killOnTimeout, stdout, lines } from 'net-openssh';
 *
 * const ssh = new OpenSSH('web1');
 * ssh.exec$('tail -f /var/log/app.log')
 *   .pipe(killOnTimeout(30, { host: ssh.getHost() }), stdout(), lines())
 *   .subscribe({ next: console.log, error: (e) => console.log(e.code) });
 * // Logs the lines as they come; after 30 s without one, the remote tail is ended and:
 * // OSSH_SLAVE_TIMEOUT
 * ```
 *
 * @param seconds How long the source may stay silent (a positive number, fractions allowed).
 * @param options `host`, `scheduler`.
 * @returns The source's values, or an `OSSH_SLAVE_TIMEOUT` error once the source has been ended.
 * @see {@link inactivityTimeout}
 */
export function killOnTimeout<T>(seconds: number, options: KillOnTimeoutOptions = {}): MonoTypeOperatorFunction<T> {
  validateTimeout(seconds);
  return inactivityTimeout<T>(seconds, { ...options, kill: true });
}
