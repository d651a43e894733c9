// csh and tcsh: Net::OpenSSH's ShellQuoter::csh, with its quoteGlob backslash crash fixed and `!` never
// left active (csh expands history on `!` even in `csh -c`, which is how sshd runs commands).
import { SAFE, perlSplit } from './char-classes';
import { globQuoter } from './glob-quote';
import type { Quoter } from './quoter';
import { assertNoNul } from './quoting-error';

// Inside '…' csh still sees `!` (history) and ends the word at a newline: both take a `\` before them.
const singleQuote = (text: string): string => `'${text.replace(/[!\n]/g, (c) => `\\${c}`)}'`;

/**
 * Quotes one argument for csh/tcsh: safe runs as is, `'` as `\'`, the rest inside single quotes with
 * `!` as `\!` and a newline as `\` + newline.
 *
 * `quote("it's")` → `it\'s`, `quote('a!b')` → `'a\!b'`, `quote("''")` → `\'\'`.
 */
export const quote = (arg: string): string => {
  assertNoNul(arg);
  const out = perlSplit(arg, /(')/)
    .map((piece) => (piece === "'" ? "\\'" : piece === '' || SAFE.test(piece) ? piece : singleQuote(piece)))
    .join('');
  return out === '' ? "''" : out;
};

/**
 * Quotes one argument for csh/tcsh leaving `* ? [ ] { } ~ , : ^` active. Unlike Net::OpenSSH, a `\` that
 * escapes nothing becomes `\\` (Net::OpenSSH died on it) and `!` is always escaped.
 */
export const quoteGlob: (arg: string) => string = globQuoter({
  active: String.raw`*?\[\],{}:^~`,
  quoteRun: singleQuote,
});

/** The csh backend (also tcsh). csh has no way to redirect stderr alone, hence the missing fragments. */
export const csh: Quoter = {
  name: 'csh',
  quote,
  quoteGlob,
  fragments: {
    stdin_discard: '</dev/null',
    stdout_discard: '>/dev/null',
    stdout_and_stderr_discard: '>&/dev/null',
  },
};
