// `throwOnFailure`: exec$ reports a failed command as an event; most pipelines want it as an error.
import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { slaveCmdFailed } from '../../core/errors';
import type { ExecEvent } from '../events';

const TAIL_BYTES = 4096;

/** Options of {@link throwOnFailure}. */
export interface ThrowOnFailureOptions {
  /** Host named in the error. */
  host?: string;
}

/**
 * Passes a command's {@link ExecEvent}s through, and turns a failed exit into an error.
 *
 * An exit with code 0 is passed on and the stream completes. An exit with another code, or by a signal,
 * is not emitted: the stream errors with `OSSH_SLAVE_CMD_FAILED` instead, carrying `exitCode`, `signal`
 * and the last 4 KiB of the command's stderr (its last line ends the message). Every output event before
 * the exit has been delivered by then. Only the stderr tail is kept, so memory stays bounded.
 *
 * ## Example
 *
 * ```ts
 * import { OpenSSH, throwOnFailure } from 'net-openssh';
 *
 * const ssh = new OpenSSH('web1');
 * ssh.exec$('ls /none')
 *   .pipe(throwOnFailure({ host: ssh.getHost() }))
 *   .subscribe({ error: (e) => console.log(e.code, e.exitCode, e.message) });
 * // Logs:
 * // OSSH_SLAVE_CMD_FAILED 2 the command exited with code 2: ls: cannot access '/none': No such file or directory
 * ```
 *
 * @param options `host` for the error.
 * @returns The same events, ending in the exit event only when it was a success.
 * @see {@link exitCode}
 */
export function throwOnFailure(options: ThrowOnFailureOptions = {}): MonoTypeOperatorFunction<ExecEvent> {
  const { host } = options;
  return (source) =>
    new Observable<ExecEvent>((sub) => {
      let tail = Buffer.alloc(0);
      return source.subscribe({
        next: (e) => {
          if (e.type === 'stderr') {
            tail = Buffer.concat([tail, e.data]);
            if (tail.length > 2 * TAIL_BYTES) tail = tail.subarray(-TAIL_BYTES);
          } else if (e.type === 'exit' && (e.code !== 0 || e.signal !== null)) {
            const text = tail.subarray(-TAIL_BYTES).toString();
            return sub.error(slaveCmdFailed(host, e.code, e.signal, text === '' ? undefined : text, e.note));
          }
          sub.next(e);
        },
        error: (e) => sub.error(e),
        complete: () => sub.complete(),
      });
    });
}
