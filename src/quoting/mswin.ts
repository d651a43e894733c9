// Windows programs that split their command line with CommandLineToArgvW or the Microsoft C runtime
// (what Windows' OpenSSH server ends up feeding to CreateProcess): Net::OpenSSH's ShellQuoter::MSWin.
import type { Quoter } from './quoter';
import { assertNoNul } from './quoting-error';

// Backslashes are literal unless they precede a `"`: 2n of them + `"` give n and toggle quoting, 2n+1 + `"`
// give n and a literal `"`. So inside "…" a run before `"` (or before the closing quote) is doubled.
const escapeInQuotes = (arg: string): string =>
  arg.replace(/(\\*)("|$)/g, (_m, slashes: string, dq: string) => `${slashes}${slashes}${dq === '"' ? '\\"' : ''}`);

/**
 * Quotes one argument by the Windows argv rules: `""` for the empty string, unchanged when it has no space,
 * tab, newline, vertical tab or `"`, else inside `"…"` with `"` as `\"` and backslashes doubled before a `"`.
 * The program name (argv[0]) follows other rules on Windows: it must not contain `"`.
 *
 * `quote('a b')` → `"a b"`, `quote('say "hi"')` → `"say \"hi\""`, `quote('C:\\dir\\ x\\')` → `"C:\dir\ x\\"`.
 */
export const quote = (arg: string): string => {
  assertNoNul(arg);
  if (arg === '') return '""';
  return /[ \t\n\x0b"]/.test(arg) ? `"${escapeInQuotes(arg)}"` : arg;
};

/** The MSWin backend. Windows programs expand no wildcards through their command line: quoteGlob = quote. */
export const mswin: Quoter = { name: 'MSWin', quote, quoteGlob: quote, fragments: {} };
