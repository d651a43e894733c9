// Net::OpenSSH's rule for building the remote command line: one argument is a shell command line
// passed as is; several arguments are an argv, each quoted; `quoteArgs` forces either way.
import type { Arg, FragmentKey, Quoter } from './quoter';
import { isGlob, isRaw } from './quoter';

/** How to build one command line. */
export interface CommandLineOptions {
  /** The remote shell's quoter. */
  quoter: Quoter;
  /** Force quoting on (true) or off (false). Default: quote when there are two or more arguments. */
  quoteArgs?: boolean | undefined;
  /** Quote every plain argument in glob mode. */
  glob?: boolean | undefined;
  /** Remote redirections to append (Net::OpenSSH's quote_args_extended). */
  fragments?: readonly FragmentKey[] | undefined;
}

/** Builds the remote command line from `args`. */
export const buildCommandLine = (args: readonly Arg[], opts: CommandLineOptions): string => {
  const quoting = opts.quoteArgs ?? args.length > 1;
  if (!quoting) return args.map((a) => (typeof a === 'string' ? a : a.value)).join(' ');
  let extended = true;
  const words = args.map((a) => {
    if (isRaw(a)) {
      extended = false;
      return a.value;
    }
    if (isGlob(a)) return opts.quoter.quoteGlob(a.value);
    return opts.glob ? opts.quoter.quoteGlob(a) : opts.quoter.quote(a);
  });
  if (extended) for (const f of opts.fragments ?? []) {
    const text = opts.quoter.fragments[f];
    if (text !== undefined) words.push(text);
  }
  return words.join(' ');
};
