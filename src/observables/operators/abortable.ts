// `abortable`: Node's cancellation convention (AbortSignal) for a stream, ending it as unsubscribing does.
import { Observable, type MonoTypeOperatorFunction, type Subscription } from 'rxjs';
import { aborted, invalidArgument } from '../../core/errors';

/** Options of {@link abortable}. */
export interface AbortableOptions {
  /** Host named in the error. */
  host?: string;
}

/**
 * Ends the source when `signal` aborts, then errors with `OSSH_ABORTED` (its `cause` is the signal's reason).
 *
 * On a command's {@link ExecEvent}s this ends the remote command exactly as unsubscribing does. A signal
 * already aborted at subscription errors at once, without subscribing to the source (no command starts).
 * The listener is removed when the stream ends, so one signal can serve many streams.
 *
 * ## Example
 *
 * ```ts
 * import { OpenSSH, abortable } from 'net-openssh';
 *
 * const ssh = new OpenSSH('web1');
 * const ac = new AbortController();
 * ssh.exec$('tail -f /var/log/app.log').pipe(abortable(ac.signal)).subscribe({ error: (e) => console.log(e.code) });
 * setTimeout(() => ac.abort(), 10_000);
 * // Logs (after 10 s, the remote tail ended):
 * // OSSH_ABORTED
 * ```
 *
 * @param signal The AbortSignal to obey.
 * @param options `host` for the error.
 * @returns The source's values, or an `OSSH_ABORTED` error.
 */
export function abortable<T>(signal: AbortSignal, options: AbortableOptions = {}): MonoTypeOperatorFunction<T> {
  if (!(signal instanceof AbortSignal)) throw invalidArgument('Expected `signal` to be an AbortSignal', signal);
  return (source) =>
    new Observable<T>((sub) => {
      if (signal.aborted) return sub.error(aborted(options.host, signal.reason));
      let inner: Subscription | undefined;
      const onAbort = () => {
        inner?.unsubscribe();
        sub.error(aborted(options.host, signal.reason));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      // a plain observer: handing `sub` itself over would make `inner` that same subscriber
      inner = source.subscribe({
        next: (v) => sub.next(v),
        error: (e) => sub.error(e),
        complete: () => sub.complete(),
      });
      return () => {
        signal.removeEventListener('abort', onAbort);
        inner?.unsubscribe();
      };
    });
}
