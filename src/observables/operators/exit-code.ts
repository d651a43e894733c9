// `exitCode`: when only the outcome of a command matters, not its output.
import { Observable, type OperatorFunction } from 'rxjs';
import { slaveFailed } from '../../core/errors';
import type { ExecEvent } from '../events';

/** Options of {@link exitCode}. */
export interface ExitCodeOptions {
  /** Host named in the error. */
  host?: string;
}

/**
 * Emits the exit code of a command's {@link ExecEvent}s, once, and completes; output events are dropped.
 *
 * The value is the remote exit code, or `null` when the command was ended by a signal (read the
 * `signal` of the exit event with `filter(isExit)` when it matters). A non-zero code is a value, not an
 * error. If the source completes without an exit event (it was cut short, e.g. by `take`), the stream
 * errors with `OSSH_SLAVE_FAILED`: there is no code to report.
 *
 * ## Example
 *
 * ```ts
 * import { OpenSSH, exitCode } from 'net-openssh';
 *
 * const ssh = new OpenSSH('web1');
 * ssh.exec$('test -d /srv/app').pipe(exitCode()).subscribe((code) => console.log(code));
 * // Logs:
 * // 1
 * ```
 *
 * @param options `host` for the error.
 * @returns An Observable of one number (or null).
 * @see {@link throwOnFailure}
 */
export function exitCode(options: ExitCodeOptions = {}): OperatorFunction<ExecEvent, number | null> {
  return (source) =>
    new Observable<number | null>((sub) => {
      let seen = false;
      return source.subscribe({
        next: (e) => {
          if (e.type !== 'exit' || seen) return;
          seen = true;
          sub.next(e.code);
        },
        error: (e) => sub.error(e),
        complete: () =>
          seen
            ? sub.complete()
            : sub.error(
                slaveFailed(
                  options.host,
                  "the command's events ended without an exit status (was the stream cut short?)",
                ),
              ),
      });
    });
}
