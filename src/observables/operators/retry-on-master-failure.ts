// `retryOnMasterFailure`: when the master connection dies under a stream, start a new one and subscribe again.
import { defer, type MonoTypeOperatorFunction, retry, switchMap, throwError, timer } from 'rxjs';
import { isOpenSSHError } from '../../core/errors';
import type { MasterState } from '../../core/master-state';

/** What {@link retryOnMasterFailure} needs of a connection: its state and a way to start a new master. */
export interface RestartableConnection {
  /** The master's current state. */
  readonly state: MasterState;
  /** Starts a new master after a failure; resolves when it runs. */
  restart(): Promise<unknown>;
}

/** Options of {@link retryOnMasterFailure}. */
export interface RetryOnMasterFailureOptions {
  /** Restarts allowed over the stream's life. @default 3 */
  count?: number;
  /** Milliseconds to wait before each restart. @default 1000 */
  delay?: number;
}

/**
 * Re-subscribes to the source on a new master when the master connection failed under it.
 *
 * <span class="informal">a dropped connection restarts the command; any other error passes through</span>
 *
 * An error counts as a master failure when its code is `OSSH_MASTER_FAILED`, or when the connection's state is
 * `failed` by the time it arrives (a spawn slave of a dead master may report exit 255 first). Then, after
 * `delay` ms, `ssh.restart()` starts a new master with the same options and the source is subscribed again:
 * the command runs again from its start. Other errors (a command that failed, a timeout, an abort) and a
 * restart that fails end the stream with that error. After `count` restarts the next master failure is passed on.
 *
 * Safe for commands that can run twice: reads, and followers that start where they are (`tail -F -n 0`,
 * `journalctl -f -n 0`). Output emitted before the failure is not taken back, so a command that prints
 * its history (`tail -F` with its default 10 lines) repeats lines. Not for commands with effects
 * that must happen once (a deploy, an `INSERT`): the first run may have completed on the server before the
 * connection dropped, which the client cannot tell.
 *
 * ## Example
 *
 * ```ts
 * import { OpenSSH, retryOnMasterFailure } from 'net-openssh';
 *
 * const ssh = new OpenSSH('web1');
 * ssh.lines$('tail -F -n 0 /var/log/syslog')
 *   .pipe(retryOnMasterFailure(ssh, { count: 5, delay: 2000 }))
 *   .subscribe((line) => console.log(line));
 * ```
 *
 * @param ssh The connection the source runs on.
 * @param options `count` and `delay`.
 * @returns The source's values, across restarts of the master.
 */
export function retryOnMasterFailure<T>(
  ssh: RestartableConnection,
  options: RetryOnMasterFailureOptions = {},
): MonoTypeOperatorFunction<T> {
  const { count = 3, delay = 1000 } = options;
  const masterFailure = (e: unknown) =>
    (isOpenSSHError(e) && e.code === 'OSSH_MASTER_FAILED') || ssh.state.name === 'failed';
  return retry({
    count,
    delay: (error: unknown) =>
      masterFailure(error) ? timer(delay).pipe(switchMap(() => defer(() => ssh.restart()))) : throwError(() => error),
  });
}
