// capture$: a command's stdout as a stream of chunks (Buffers, or strings with an encoding).
import type { Observable } from 'rxjs';
import type { CommandArg } from '../core/remote-command';
import type { ExitEvent } from './events';
import { commandOutput$, type ExecSource, type OutputTransform } from './command-output';
import { ChunkDecoder } from './operators/chunk-decoder';
import { streamPlan, type CaptureStreamOptions } from './stream-options';

type Decoded<E> = E extends 'bytes' | undefined ? Buffer : string;
/**
 * What capture$ emits for options `O`: strings with a `streamEncoding` or `encoding` (other than 'bytes'), else
 * Buffers; plus the exit event with `exitEvent: true`.
 */
export type CaptureValue<O> =
  | (O extends { /** The stream encoding asked for. */ streamEncoding: infer S }
      ? Decoded<S>
      : O extends { /** The encoding asked for. */ encoding: infer E }
        ? Decoded<E>
        : Buffer)
  | (O extends { /** The exit event is emitted too. */ exitEvent: true } ? ExitEvent : never);

/**
 * The command's stdout as a cold Observable of chunks, as they arrive (no buffering of ours).
 *
 * Subscribing starts the command; unsubscribing ends it. A non-zero exit errors with
 * `OSSH_SLAVE_CMD_FAILED` (with the stderr tail) after all stdout was delivered, unless `exitEvent: true`
 * asks for the exit event as the last value instead. With `streamEncoding` (or `encoding`), chunks are decoded as a
 * stream (see `decode`). stderr goes to this process's stderr unless `stderrDiscard` or `stderrFh`. `timeout`
 * (seconds without traffic; the connection's when not given, `0` for none) and `signal` (AbortSignal) end the
 * command, as in `exec$`; `killSshOnTimeout: false` is refused (a stream that errored holds no command).
 *
 * ## Example
 *
 * ```ts
 * import { lastValueFrom, reduce } from 'rxjs';
 * import { OpenSSH, capture$ } from 'net-openssh';
 *
 * const ssh = new OpenSSH('web1');
 * const chunks$ = capture$(ssh, { encoding: 'utf-8' }, 'cat', '/etc/os-release');
 * const text = await lastValueFrom(chunks$.pipe(reduce((a, s) => a + s, '')));
 * ```
 *
 * @param ssh The connection (an `OpenSSH`; the lead's `ssh.capture$(...)` delegates here).
 * @param options exec$'s options plus `streamEncoding` (and `encoding` for the stream too), `fatal`, `exitEvent`,
 * `stderrDiscard`, `stderrFh`, `timeout`, `killSshOnTimeout`, `signal`.
 * @param cmd The command: one argument is a shell command line, several are quoted (Net::OpenSSH's rule).
 * @returns A cold Observable of the stdout chunks (and the exit event with `exitEvent`).
 * @see {@link lines$}
 */
export function capture$<O extends CaptureStreamOptions>(
  ssh: ExecSource,
  options: O,
  ...cmd: CommandArg[]
): Observable<CaptureValue<O>>;
export function capture$(ssh: ExecSource, ...cmd: CommandArg[]): Observable<Buffer>;
export function capture$(ssh: ExecSource, ...args: unknown[]): Observable<Buffer | string | ExitEvent> {
  const plan = streamPlan('capture$', args);
  const { encoding, fatal } = plan;
  const host = ssh.getHost();
  if (encoding !== undefined) new ChunkDecoder(encoding, fatal, host); // a bad encoding name fails at once
  const transform = (): OutputTransform<Buffer | string> => {
    if (encoding === undefined) return { write: (c, emit) => emit(c), end: () => {} };
    const d = new ChunkDecoder(encoding, fatal, host);
    const some = (s: string, emit: (v: string) => void) => s !== '' && emit(s);
    return { write: (c, emit) => some(d.write(c), emit), end: (emit) => some(d.end(), emit) };
  };
  // decoded chunks are copied into strings at once: the engine may lend them (no buffer kept per chunk)
  return commandOutput$(ssh, plan, transform, encoding !== undefined);
}
