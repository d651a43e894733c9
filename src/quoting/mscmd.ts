// cmd.exe: Net::OpenSSH's ShellQuoter::MSCmd, with `%` escaped more safely. Every cmd.exe metacharacter gets
// a `^`. That protects the command line from cmd.exe only: word boundaries are the program's business, so
// use 'MSCmd,MSWin'. Assumes delayed expansion is off (cmd.exe's default; `cmd /V:ON` would expand `!x!`).
import type { Quoter } from './quoter';
import { assertNoNul, invalidArgument } from './quoting-error';

// Outside "…" cmd.exe reads `^c` as a literal c; these are the characters that need it.
const SPECIAL = /[()!^"<>&|]/;

// cmd.exe expands %NAME% before it looks at carets, so a caret cannot protect a `%`: it can only make sure
// no variable has the name cmd.exe tries. Net::OpenSSH wrote `^%`, which makes the name end in `^`; but in
// `%PATH:a=b%` and `%PATH:~0,3%` only the part before `:` is the name, so `^%PATH:~0,3^%` still expanded.
// We make the character right after each `%` a caret instead (the name then starts with `^`, which no
// variable does): `%^`, or a bare `%` when what follows already starts with its own caret (`%^&`; a `^` of
// ours must never escape the next caret), and `^%` for a final `%`, which has nothing after it in the argument.
const percent = (after: string | undefined): string =>
  after === undefined ? '^%' : after.startsWith('^') ? '%' : '%^';

/**
 * Escapes one argument for cmd.exe: `^` before each of `( ) ! ^ " < > & |`, and every `%` made unable to
 * start a variable (`%^`, or `^%` at the end). A newline or carriage return cannot be carried (cmd.exe ends
 * the command there) and throws OSSH_INVALID_ARGUMENT. The empty string becomes `""` (Net::OpenSSH returned
 * nothing, and the argument vanished): a program that splits its command line by the Windows rules reads
 * `""` as one empty argument; cmd.exe built-ins see the two quotes.
 *
 * `quote('a&b')` → `a^&b`, `quote('%PATH%')` → `%^PATH^%`, `quote('%&')` → `%^&`, `quote('')` → `""`.
 */
export const quote = (arg: string): string => {
  assertNoNul(arg);
  if (/[\r\n]/.test(arg)) throw invalidArgument("can't quote newlines to pass through MS cmd.exe");
  if (arg === '') return '""';
  const reversed: string[] = []; // built from the end: a `%` depends on what follows it
  for (let i = arg.length - 1; i >= 0; i--) {
    const c = arg[i] as string;
    reversed.push(c === '%' ? percent(reversed.at(-1)) : SPECIAL.test(c) ? `^${c}` : c);
  }
  return reversed.reverse().join('');
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
