// `teeStderr`: let a pipeline keep working on stdout while stderr goes somewhere useful.
import { Observable, type MonoTypeOperatorFunction, type Observer } from 'rxjs';
import type { Writable } from 'node:stream';
import { invalidArgument } from '../../core/errors';
import type { ExecEvent } from '../events';

/**
 * Where {@link teeStderr} sends stderr chunks: a Writable (not ended by us), a function, or an Observer (e.g. a
 * Subject).
 */
export type StderrTarget = Writable | ((chunk: Buffer) => void) | Pick<Observer<Buffer>, 'next'>;

const sinkOf = (target: StderrTarget): ((chunk: Buffer) => void) => {
  if (typeof target === 'function') return target;
  if (target !== null && typeof target === 'object') {
    if (typeof (target as Writable).write === 'function') return (c) => void (target as Writable).write(c);
    if (typeof (target as Observer<Buffer>).next === 'function') return (c) => (target as Observer<Buffer>).next(c);
  }
  throw invalidArgument('Expected the stderr target to be a Writable, a function or an Observer', target);
};

/**
 * Sends each stderr chunk of a command's {@link ExecEvent}s to `target` as it arrives, and passes every
 * event on unchanged (so {@link throwOnFailure} downstream still sees stderr for its message).
 *
 * A Writable target is written to and never ended; its backpressure is not applied (Observables push).
 * A function or Observer target is called synchronously; if it throws, the stream errors with what it threw
 * (and the command is ended, as on any unsubscription). An Observer's `complete` is not called: the
 * target may collect the stderr of several commands.
 *
 * ## Example
 *
 * stdout as lines, stderr to this process's stderr as it arrives:
 *
 * ```ts
 * import { OpenSSH, lines, stdout, teeStderr, throwOnFailure } from 'net-openssh';
 *
 * const ssh = new OpenSSH('build1');
 * ssh.exec$('make all')
 *   .pipe(teeStderr(process.stderr), throwOnFailure(), stdout(), lines())
 *   .subscribe((line) => console.log(`[build1] ${line}`));
 * ```
 *
 * @param target Where stderr goes.
 * @returns The same events.
 * @see {@link stdout}
 */
export function teeStderr(target: StderrTarget): MonoTypeOperatorFunction<ExecEvent> {
  const sink = sinkOf(target);
  return (source) =>
    new Observable<ExecEvent>((sub) =>
      source.subscribe({
        next: (e) => {
          if (e.type === 'stderr') {
            try {
              sink(e.data);
            } catch (err) {
              return sub.error(err); // a failing target ends the stream (and the command) rather than being lost
            }
          }
          sub.next(e);
        },
        error: (e) => sub.error(e),
        complete: () => sub.complete(),
      }),
    );
}
