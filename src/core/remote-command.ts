// From a method's arguments to the remote command line: variable expansion, quoting for the remote
// shell (Net::OpenSSH's one-argument/many-arguments rule), and the extended redirection fragments.
import type { Arg, FragmentKey } from '../quoting/quoter';
import { isGlob, isRaw } from '../quoting/quoter';
import { buildCommandLine } from '../quoting/command-line';
import { posix } from '../quoting/posix';
import type { Quoter } from '../quoting/quoter';
import type { CallOptions } from './call-options';
import { invalidArgument } from './errors';

const POSIX_ALIASES = new Set(['POSIX', 'sh', 'bash', 'dash', 'ksh', 'zsh', 'ash', 'mksh', 'pdksh', 'lksh', 'posh', 'fizsh']);

/** The quoter for a remote shell name. */
export const quoterFor = (shell: string): Quoter => {
  if (POSIX_ALIASES.has(shell)) return posix;
  throw invalidArgument(`unknown or unsupported remoteShell '${shell}'`);
};

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

/** Checks that every argument is a string or a raw()/glob() marker without NUL bytes. */
export const checkArgs = (args: readonly unknown[]): Arg[] => {
  for (const a of args) {
    const text = typeof a === 'string' ? a : isRaw(a) || isGlob(a) ? a.value : undefined;
    if (text === undefined) throw invalidArgument('Expected command arguments to be strings (or raw()/glob() markers)', a);
    if (text.includes('\0')) throw invalidArgument('a command argument contains a NUL byte, which no command line can carry');
  }
  return args as Arg[];
};

/** The remote command line for `args` under `o`, quoted for `shell`. */
export const remoteCommandLine = (args: readonly Arg[], o: CallOptions, shell: string): string =>
  buildCommandLine(args, {
    quoter: quoterFor(o.remoteShell ?? shell),
    quoteArgs: o.quoteArgs,
    glob: o.glob,
    fragments: o.quoteArgsExtended === false ? [] : fragmentsFor(o),
  });
