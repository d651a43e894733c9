// `stdout`: most consumers of a command want its output bytes, not the event envelope.
import { Observable, type OperatorFunction } from 'rxjs';
import type { ExecEvent } from '../events';

/**
 * Keeps the stdout chunks of a command's {@link ExecEvent}s, as Buffers; stderr chunks and the exit
 * event are dropped.
 *
 * Dropping the exit event means a failing command completes like a successful one: put
 * {@link throwOnFailure} before `stdout()` to turn a non-zero exit into an error, and
 * {@link teeStderr} to see stderr.
 *
 * ## Example
 *
 * ```ts
 * import { OpenSSH, stdout, throwOnFailure } from 'net-openssh';
 *
 * const ssh = new OpenSSH('web1');
 * ssh.exec$('cat', '/etc/hostname')
 *   .pipe(throwOnFailure(), stdout())
 *   .subscribe((chunk) => process.stdout.write(chunk));
 * // Logs:
 * // web1
 * ```
 *
 * @returns An Observable of the stdout chunks.
 * @see {@link capture$}
 */
export function stdout(): OperatorFunction<ExecEvent, Buffer> {
  return (source) =>
    new Observable<Buffer>((sub) =>
      source.subscribe({
        next: (e) => {
          if (e.type === 'stdout') sub.next(e.data);
        },
        error: (e) => sub.error(e),
        complete: () => sub.complete(),
      }),
    );
}
