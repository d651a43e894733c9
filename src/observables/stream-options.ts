// The options of the connection-level Observables (capture$, lines$): exec$'s own, plus what they
// add on top of it. Split here, once, so exec$ only ever sees options it knows.
import { isOptionsObject } from '../core/leading-options';
import type { CommonCallOptions, StdinCallOptions, TimeoutCallOptions } from '../core/call-options';
import { METHOD_OPTIONS } from '../core/call-options';
import { invalidArgument } from '../core/errors';
import { assertBoolean, assertString, pickKnown } from '../core/validate';
import type { CommandArg } from '../core/remote-command';
import { checkMaxLineLength, checkSeparator, type LineOptions } from './operators/line-splitter';
import type { StderrTarget } from './operators/tee-stderr';

/** Options of `capture$` (and `lines$`): those of `exec$`, plus the ones below. */
export interface CaptureStreamOptions extends CommonCallOptions, StdinCallOptions, TimeoutCallOptions {
  /**
   * Decode stdout with this encoding (a `TextDecoder` label such as `'utf-8'`, `'shift_jis'`) and emit
   * strings; a character split between chunks is decoded right. `'bytes'`: emit Buffers as they arrive.
   * Net::OpenSSH's `stream_encoding`. @default `encoding`; unset: Buffers (`lines$`: `'utf-8'`)
   */
  streamEncoding?: string;
  /**
   * Net::OpenSSH's `encoding`: the encoding of the arguments (utf8, latin1, ascii; checked by exec$) and,
   * unless `streamEncoding` says otherwise, of stdout, as above. `'bytes'`: no transformation.
   */
  encoding?: string;
  /** With `encoding`: undecodable bytes fail with OSSH_ENCODING_ERROR (true) or become U+FFFD (false). @default true */
  fatal?: boolean;
  /**
   * Emit the exit event (`{type: 'exit', code, signal}`) as the last value instead of erroring with
   * OSSH_SLAVE_CMD_FAILED on a non-zero exit. @default false
   */
  exitEvent?: boolean;
  /** Throw the command's stderr away (it still feeds nothing else). @default false: it goes to this process's stderr */
  stderrDiscard?: boolean;
  /**
   * Send the command's stderr here (a Writable, never ended by us; a function; or an Observer) instead of this
   * process's stderr.
   */
  stderrFh?: StderrTarget;
}

/** Options of `lines$`: those of `capture$` plus how lines are cut. */
export interface LinesStreamOptions extends CaptureStreamOptions, LineOptions {
  /** The line separator. @default '\n' */
  separator?: string;
}

const OWN = ['encoding', 'streamEncoding', 'fatal', 'exitEvent', 'stderrDiscard', 'stderrFh'];
const KNOWN = {
  capture$: new Set([...METHOD_OPTIONS.exec$, ...OWN]),
  lines$: new Set([...METHOD_OPTIONS.exec$, ...OWN, 'separator', 'crlf', 'keepSeparator', 'maxLineLength']),
};

/** What a stream factory needs, split from the options given to exec$. */
export interface StreamPlan {
  /** The stream encoding, or undefined for Buffers. */
  encoding: string | undefined;
  fatal: boolean;
  exitEvent: boolean;
  stderr: StderrTarget | undefined;
  separator: string;
  lineOptions: LineOptions;
  /**
   * The options left for exec$ (it validates them, timeout and signal included; `encoding` stays for the arguments).
   */
  execOptions: CommonCallOptions & StdinCallOptions & TimeoutCallOptions;
  cmd: CommandArg[];
}

/**
 * Splits Net::OpenSSH's `(options?, ...cmd)` convention and validates the stream options. Throws OSSH_INVALID_ARGUMENT.
 */
export const streamPlan = (method: keyof typeof KNOWN, args: readonly unknown[]): StreamPlan => {
  const first = args[0];
  const given = isOptionsObject(first) ? first : undefined;
  const o = pickKnown<LinesStreamOptions>(given, KNOWN[method], method) as LinesStreamOptions;
  const {
    encoding,
    streamEncoding,
    fatal,
    exitEvent,
    stderrDiscard,
    stderrFh,
    separator,
    crlf,
    keepSeparator,
    maxLineLength,
    ...rest
  } = o;
  assertString('encoding', encoding);
  assertString('streamEncoding', streamEncoding);
  // `encoding` also applies to the arguments: exec$ gets it (and checks it), unless it means "no transformation"
  const execOptions = encoding === undefined || encoding === 'bytes' ? rest : { ...rest, encoding };
  const stream = streamEncoding ?? encoding;
  for (const [k, v] of Object.entries({ fatal, exitEvent, stderrDiscard, crlf, keepSeparator })) assertBoolean(k, v);
  if (stderrDiscard && stderrFh !== undefined)
    throw invalidArgument('conflicting stderr options: stderrDiscard, stderrFh (give one)');
  return {
    encoding: stream === 'bytes' ? undefined : stream,
    fatal: fatal ?? true,
    exitEvent: exitEvent ?? false,
    stderr: stderrDiscard ? undefined : (stderrFh ?? process.stderr),
    separator: separator === undefined ? '\n' : checkSeparator(separator),
    lineOptions: { crlf, keepSeparator, maxLineLength: checkMaxLineLength(maxLineLength) },
    execOptions,
    cmd: (given ? args.slice(1) : args) as CommandArg[],
  };
};
