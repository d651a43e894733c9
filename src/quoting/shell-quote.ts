// Quoting a whole argv to one string: Net::OpenSSH's shell_quote / shell_quote_glob, as pure functions.
import { buildCommandLine } from './command-line';
import { posix } from './posix';
import type { Arg, Quoter } from './quoter';

/** Options for shellQuoteWith. */
export interface ShellQuoteOptions {
  /** Quote every plain argument in glob mode (wildcards active). @default false */
  glob?: boolean | undefined;
}

/**
 * Quotes `args` for `shell` (a name such as 'bash', 'tcsh', 'MSCmd,MSWin', or a Quoter) and joins them with
 * spaces. Always quotes, even a single argument; raw() passes through, glob() is glob-quoted; no fragments.
 *
 * `shellQuoteWith('tcsh', ['echo', 'hi!'])` → `echo 'hi\!'`
 */
export const shellQuoteWith = (shell: string | Quoter, args: readonly Arg[], opts: ShellQuoteOptions = {}): string =>
  buildCommandLine(args, { quoter: shell, quoteArgs: true, glob: opts.glob });

/** Quotes `args` for a POSIX shell. `shellQuote('./foo*\/bar&biz;')` → `'./foo*\/bar&biz;'` */
export const shellQuote = (...args: Arg[]): string => shellQuoteWith(posix, args);

/**
 * Quotes `args` for a POSIX shell with wildcards active. `shellQuoteGlob('./foo*\/bar&biz;')` → `./foo*\/bar'&biz;'`
 */
export const shellQuoteGlob = (...args: Arg[]): string => shellQuoteWith(posix, args, { glob: true });
