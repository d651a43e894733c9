// The pipeline under capture$ and lines$: exec$ events (timeout and cancellation applied there), stderr, exit status,
// then stdout turned into the values the caller asked for. Built from the operators, in one place.
import { defer, Observable, type OperatorFunction } from 'rxjs';
import type { Observable as Obs } from 'rxjs';
import { isOpenSSHError } from '../core/errors';
import type { CommandArg } from '../core/remote-command';
import type { CommonCallOptions, StdinCallOptions, TimeoutCallOptions } from '../core/call-options';
import type { ExecEvent, ExitEvent } from './events';
import { teeStderr } from './operators/tee-stderr';
import { throwOnFailure } from './operators/throw-on-failure';
import type { StreamPlan } from './stream-options';

/** What capture$ and lines$ need from a connection: an `OpenSSH` has both. */
export interface ExecSource {
  /** The command's events (see `OpenSSH.exec$`). */
  exec$(options: CommonCallOptions & StdinCallOptions & TimeoutCallOptions, ...cmd: CommandArg[]): Obs<ExecEvent>;
  /**
   * exec$'s events with each stdout chunk valid only until `next` returns (the engine may reuse its buffer): for a
   * subscriber that copies or decodes each chunk at once. Optional: without it, exec$ is used.
   */
  lentStdout$?(
    options: CommonCallOptions & StdinCallOptions & TimeoutCallOptions,
    ...cmd: CommandArg[]
  ): Obs<ExecEvent>;
  /** The host, for error messages. */
  getHost(): string;
}

/**
 * Turns stdout bytes into values: `write` per chunk, `end` once the command has exited, each handing its values to
 * `emit` as they come. May throw OpenSSHErrors (after emitting the values that came before the failure).
 */
export interface OutputTransform<V> {
  write(chunk: Buffer, emit: (value: V) => void): void;
  end(emit: (value: V) => void): void;
}

/** Emits the transformed stdout, then (with `withExit`) the exit event. */
const outputOf =
  <V>(transform: OutputTransform<V>, withExit: boolean): OperatorFunction<ExecEvent, V | ExitEvent> =>
  (source) =>
    new Observable<V | ExitEvent>((sub) => {
      const next = (v: V) => sub.next(v);
      const emit = (produce: (emit: (v: V) => void) => void): boolean => {
        try {
          produce(next);
        } catch (e) {
          sub.error(e);
          return false;
        }
        return true;
      };
      return source.subscribe({
        next: (e) => {
          if (e.type === 'stdout') emit((out) => transform.write(e.data, out));
          else if (e.type === 'exit' && emit((out) => transform.end(out)) && withExit) sub.next(e);
        },
        error: (e) => {
          // the command exited (unsuccessfully): its last line is complete output, delivered before the error
          if (isOpenSSHError(e, 'OSSH_SLAVE_CMD_FAILED') && !emit((out) => transform.end(out))) return;
          sub.error(e);
        },
        complete: () => sub.complete(),
      });
    });

/**
 * The command's stdout as values of `transform`, with the plan's cancellation, timeout, stderr and exit handling.
 * `keepsNothing`: `transform` is done with each chunk when `write` returns (it decodes it), so stdout may be lent.
 */
export const commandOutput$ = <V>(
  ssh: ExecSource,
  plan: StreamPlan,
  transform: () => OutputTransform<V>,
  keepsNothing = false,
): Observable<V | ExitEvent> => {
  const host = ssh.getHost();
  // timeout and cancellation are exec$'s (the call's, else the connection's); bad options throw here, at once.
  // Between the engine and `transform`, stdout chunks only pass through (teeStderr, throwOnFailure, the operators)
  const lent = keepsNothing && ssh.lentStdout$ !== undefined;
  let events$ = lent ? ssh.lentStdout$!(plan.execOptions, ...plan.cmd) : ssh.exec$(plan.execOptions, ...plan.cmd);
  if (plan.stderr) events$ = events$.pipe(teeStderr(plan.stderr));
  if (!plan.exitEvent) events$ = events$.pipe(throwOnFailure({ host }));
  // a fresh transform (decoder state) per subscription: the Observable stays cold and re-subscribable
  return defer(() => events$.pipe(outputOf(transform(), plan.exitEvent)));
};
