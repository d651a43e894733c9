// Net::OpenSSH's rule for building the remote command line: one argument is a shell command line
// passed as is; several arguments are an argv, each quoted; `quoteArgs` forces either way.
import { getQuoter } from './get-quoter';
import type { Arg, FragmentKey, Quoter } from './quoter';
import { isGlob, isRaw } from './quoter';
import { assertNoNul, invalidArgument } from './quoting-error';

/** How to build one command line. */
export interface CommandLineOptions {
  /** The remote shell's quoter, or its name (see getQuoter). */
  quoter: Quoter | string;
  /** Force quoting on (true) or off (false). Default: quote when there are two or more arguments. */
  quoteArgs?: boolean | undefined;
  /** Quote every plain argument in glob mode. */
  glob?: boolean | undefined;
  /**
   * Remote redirections to append when quoting (Net::OpenSSH's quote_args_extended), in order; keys the
   * shell has no text for (csh: stderr_discard, stderr_to_stdout) are skipped. A raw() argument disables them.
   */
  fragments?: readonly FragmentKey[] | undefined;
}

const describe = (a: unknown): string => `\`${typeof a === 'object' ? JSON.stringify(a) : String(a)}\` (${typeof a})`;

/** The text of an argument, after checking it is a string or a marker without NUL bytes. */
const textOf = (a: unknown): string => {
  const text = typeof a === 'string' ? a : isRaw(a) || isGlob(a) ? a.value : undefined;
  if (typeof text !== 'string')
    throw new TypeError(`Expected command arguments to be strings or raw()/glob() markers, got ${describe(a)}`);
  assertNoNul(text);
  return text;
};

/**
 * Builds the remote command line from `args`. Not quoting (one argument, or `quoteArgs: false`): the texts
 * joined by spaces, for the remote shell to parse; a glob() marker then throws OSSH_INVALID_ARGUMENT (there is
 * nothing to glob-quote it against), a raw() one is its text. Quoting: each argument quoted by the quoter
 * (glob() markers, and every plain one with `glob: true`, in glob mode; raw() ones untouched), then the
 * fragments. A NUL anywhere throws OSSH_INVALID_ARGUMENT.
 *
 * `buildCommandLine(['ls', '-l', 'my file'], { quoter: 'POSIX', fragments: ['stderr_discard'] })`
 * → `ls -l 'my file' 2>/dev/null`
 */
export const buildCommandLine = (args: readonly Arg[], opts: CommandLineOptions): string => {
  const texts = args.map(textOf);
  if (!quotes(args, opts)) {
    if (args.some(isGlob)) throw invalidArgument('a glob() argument was given but argument quoting is disabled');
    return texts.join(' ');
  }
  const quoter = getQuoter(opts.quoter);
  const words = args.map((a, i) => {
    const text = texts[i] as string;
    if (isRaw(a)) return text;
    return isGlob(a) || opts.glob ? quoter.quoteGlob(text) : quoter.quote(text);
  });
  for (const key of appendedFragments(args, opts)) words.push(quoter.fragments[key]!);
  return words.join(' ');
};

// Net::OpenSSH's rule: one argument is a command line as it is; two or more are quoted (quoteArgs forces it)
const quotes = (args: readonly unknown[], opts: Pick<CommandLineOptions, 'quoteArgs'>): boolean =>
  opts.quoteArgs ?? args.length > 1;

/**
 * The fragments {@link buildCommandLine} appends for `args`: only when it quotes, no argument is raw(), and the
 * shell has text for the key.
 */
export const appendedFragments = (args: readonly unknown[], opts: CommandLineOptions): FragmentKey[] => {
  if (!quotes(args, opts) || args.some(isRaw)) return [];
  const quoter = getQuoter(opts.quoter);
  return (opts.fragments ?? []).filter((key) => quoter.fragments[key] !== undefined);
};
