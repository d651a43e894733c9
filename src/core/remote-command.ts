// From a method's arguments to the remote command line: variable expansion, quoting for the remote
// shell (Net::OpenSSH's one-argument/many-arguments rule), the extended redirection fragments, and
// the argument encoding that turns it into bytes.
import { buildCommandBytes, type ByteArg } from '../quoting/command-bytes';
import { appendedFragments, buildCommandLine, type CommandLineOptions } from '../quoting/command-line';
import { checkEncodable } from '../quoting/encoding';
import { expandArgs, type Vars } from '../quoting/expand-vars';
import { getQuoter } from '../quoting/get-quoter';
import { isGlob, isRaw, type Arg, type FragmentKey, type Quoter } from '../quoting/quoter';
import type { CallOptions } from './call-options';
import { invalidArgument } from './errors';
import { quoting } from './quoting-guard';

/** Net::OpenSSH's extended fragments for the stream options given. */
export const fragmentsFor = (o: CallOptions): FragmentKey[] => {
  if (o.stdoutDiscard && (o.stderrDiscard || o.stderrToStdout))
    return o.stdinDiscard ? ['stdout_and_stderr_discard', 'stdin_discard'] : ['stdout_and_stderr_discard'];
  const f: FragmentKey[] = [];
  if (o.stdinDiscard) f.push('stdin_discard');
  if (o.stdoutDiscard) f.push('stdout_discard');
  if (o.stderrDiscard) f.push('stderr_discard');
  if (o.stderrToStdout) f.push('stderr_to_stdout');
  return f;
};

// how buildCommandLine is to build a call's command line
const lineOptions = (o: CallOptions, c: CommandContext): CommandLineOptions => ({
  quoter: o.remoteShell !== undefined ? getQuoter(o.remoteShell) : c.quoter,
  quoteArgs: o.quoteArgs,
  glob: o.glob,
  fragments: o.quoteArgsExtended === false ? [] : fragmentsFor(o),
});

// the options whose remote output redirection (`>/dev/null`, `2>/dev/null`) each fragment stands for
const OUTPUT_FRAGMENTS: Partial<Record<FragmentKey, (o: CallOptions) => string[]>> = {
  stdout_discard: () => ['stdoutDiscard'],
  stderr_discard: () => ['stderrDiscard'],
  stdout_and_stderr_discard: (o) => ['stdoutDiscard', o.stderrToStdout ? 'stderrToStdout' : 'stderrDiscard'],
};

/**
 * The call options whose output redirection the library appends to the command line of `args` (Net::OpenSSH's
 * quote_args_extended): a restricted shell (rbash) refuses those, and the error names them.
 */
export const outputRedirections = (args: readonly CommandArg[], o: CallOptions, c: CommandContext): string[] =>
  quoting(c.host, () => appendedFragments(args, lineOptions(o, c)).flatMap((k) => OUTPUT_FRAGMENTS[k]?.(o) ?? []));

/** A command argument: text, a raw()/glob() marker, or bytes (sent as they are, quoted). */
export type CommandArg = Arg | Uint8Array;

const textOf = (a: unknown): string | undefined =>
  typeof a === 'string' ? a : isRaw(a) || isGlob(a) ? a.value : undefined;

/** Checks that every argument is text, a raw()/glob() marker or bytes, without NUL bytes. */
export const checkArgs = (args: readonly unknown[]): CommandArg[] => {
  for (const a of args) {
    if (a instanceof Uint8Array) {
      if (a.includes(0))
        throw invalidArgument('a command argument contains a NUL byte, which no command line can carry');
      continue;
    }
    const text = textOf(a);
    if (text === undefined)
      throw invalidArgument('Expected command arguments to be strings, Buffers, or raw()/glob() markers', a);
    if (text.includes('\0'))
      throw invalidArgument('a command argument contains a NUL byte, which no command line can carry');
  }
  return args as CommandArg[];
};

/** What the connection contributes to a command line. */
export interface CommandContext {
  host: string;
  quoter: Quoter;
  argumentEncoding: string;
  /** Variables to expand, when expansion is on. */
  vars: Vars | undefined;
}

/**
 * The remote command line for `args` under `o`: a string when it is UTF-8 text (the common case), bytes
 * when an argument is bytes or another argument encoding applies. Throws before anything runs.
 */
export const remoteCommandLine = (args: readonly CommandArg[], o: CallOptions, c: CommandContext): string | Buffer =>
  quoting(c.host, () => {
    const expanded = c.vars ? args.map((a) => (a instanceof Uint8Array ? a : expandArgs([a], c.vars!)[0]!)) : args;
    const opts = lineOptions(o, c);
    const encoding = o.argumentEncoding ?? o.encoding ?? c.argumentEncoding;
    const bytes = expanded.some((a) => a instanceof Uint8Array) || !/^utf-?8$/i.test(encoding);
    if (bytes) return buildCommandBytes(expanded as ByteArg[], { ...opts, encoding });
    const line = buildCommandLine(expanded as Arg[], opts);
    checkEncodable(line, 'utf8'); // a lone surrogate cannot be sent: fail now, not as U+FFFD remotely
    return line;
  });
