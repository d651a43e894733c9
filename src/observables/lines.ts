// lines$: a command's stdout as complete lines, the common way to consume command output.
import type { Observable } from 'rxjs';
import type { CommandArg } from '../core/remote-command';
import type { ExitEvent } from './events';
import { commandOutput$, type ExecSource, type OutputTransform } from './command-output';
import { ChunkDecoder } from './operators/chunk-decoder';
import { LineSplitter } from './operators/line-splitter';
import { streamPlan, type LinesStreamOptions } from './stream-options';

/** What lines$ emits for options `O`: strings, plus the exit event with `exitEvent: true`. */
export type LinesValue<O> =
  | string
  | (O extends { /** The exit event is emitted too. */ exitEvent: true } ? ExitEvent : never);

/**
 * The command's stdout as a cold Observable of complete lines (without the separator unless `keepSeparator`).
 *
 * Bytes are decoded with `streamEncoding` or `encoding` (default `'utf-8'`, fatal unless `fatal: false`) as they
 * arrive, then cut at `separator` (default `'\n'`; `crlf: true` also drops a `\r` before it). The last line, when the
 * output does not end with a separator, is emitted once the command has exited (also when it exited with a
 * failure, just before the OSSH_SLAVE_CMD_FAILED error). Subscribing starts the command; unsubscribing
 * ends it, so `take(n)` on `lines$(ssh, 'tail -f log')` completes and ends the remote `tail`. Other
 * options as for `capture$`.
 *
 * ## Example
 *
 * ```ts
 * import { filter, take } from 'rxjs';
 * import { OpenSSH, lines$ } from 'net-openssh';
 *
 * const ssh = new OpenSSH('web1');
 * lines$(ssh, 'tail -f /var/log/syslog')
 *   .pipe(filter((l) => l.includes('sshd')), take(10))
 *   .subscribe(console.log); // after 10 lines the remote tail is ended
 * ```
 *
 * @param ssh The connection (an `OpenSSH`; the lead's `ssh.lines$(...)` delegates here).
 * @param options capture$'s options plus `separator`, `crlf`, `keepSeparator`.
 * @param cmd The command: one argument is a shell command line, several are quoted (Net::OpenSSH's rule).
 * @returns A cold Observable of the lines (and the exit event with `exitEvent`).
 * @see {@link capture$}
 */
export function lines$<O extends LinesStreamOptions>(
  ssh: ExecSource,
  options: O,
  ...cmd: CommandArg[]
): Observable<LinesValue<O>>;
export function lines$(ssh: ExecSource, ...cmd: CommandArg[]): Observable<string>;
export function lines$(ssh: ExecSource, ...args: unknown[]): Observable<string | ExitEvent> {
  const plan = streamPlan('lines$', args);
  const { fatal, separator, lineOptions } = plan;
  const encoding = plan.encoding ?? 'utf-8';
  const host = ssh.getHost();
  new ChunkDecoder(encoding, fatal, host); // a bad encoding name fails at once
  const transform = (): OutputTransform<string> => {
    const d = new ChunkDecoder(encoding, fatal, host);
    const s = new LineSplitter(separator, lineOptions, host);
    return {
      write: (c, emit) => s.push(d.write(c), emit),
      end: (emit) => {
        s.push(d.end(), emit);
        s.end(emit);
      },
    };
  };
  // each chunk is decoded at once (lines keep strings, never the bytes): the engine may lend it
  return commandOutput$(ssh, plan, transform, true);
}
