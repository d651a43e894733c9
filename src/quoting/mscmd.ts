// cmd.exe: Net::OpenSSH's ShellQuoter::MSCmd. Every cmd.exe metacharacter gets a `^`. That protects the
// command line from cmd.exe only: word boundaries are the program's business, so use 'MSCmd,MSWin'.
import type { Quoter } from './quoter';
import { assertNoNul, invalidArgument } from './quoting-error';

/**
 * Escapes one argument for cmd.exe: `^` before each of `( ) % ! ^ " < > & |`. A newline or carriage return
 * cannot be carried (cmd.exe ends the command there) and throws OSSH_INVALID_ARGUMENT. The empty string
 * becomes `""` (Net::OpenSSH returned nothing, and the argument vanished): a program that splits its
 * command line by the Windows rules reads `""` as one empty argument; cmd.exe built-ins see the two quotes.
 *
 * `quote('a&b')` → `a^&b`, `quote('100%')` → `100^%`, `quote('')` → `""`.
 */
export const quote = (arg: string): string => {
  assertNoNul(arg);
  if (/[\r\n]/.test(arg)) throw invalidArgument("can't quote newlines to pass through MS cmd.exe");
  if (arg === '') return '""';
  return arg.replace(/[()%!^"<>&|]/g, (c) => `^${c}`);
};

/** The MSCmd backend. cmd.exe expands no wildcards itself: quoteGlob = quote. */
export const mscmd: Quoter = {
  name: 'MSCmd',
  quote,
  quoteGlob: quote,
  fragments: {
    stdin_discard: '<NUL:',
    stdout_discard: '>NUL:',
    stderr_discard: '2>NUL:',
    stdout_and_stderr_discard: '>NUL: 2>&1',
    stderr_to_stdout: '2>&1',
  },
};
