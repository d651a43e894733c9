// POSIX shells (sh, bash, dash, ksh, mksh, zsh): Net::OpenSSH's ShellQuoter::POSIX, exactly.
import { GLOB_CHARS, SAFE, perlSplit } from './char-classes';
import { globQuoter } from './glob-quote';
import type { Quoter } from './quoter';
import { assertNoNul } from './quoting-error';

// Inside '…' a POSIX shell takes every byte literally (newlines, `\`, `$`, `!` in a non-interactive shell),
// so only `'` needs care: one `'` becomes `\'`, a longer run goes inside "…" where `'` is plain.
const quoteQuotes = (run: string): string => (run.length === 1 ? "\\'" : `"${run}"`);

/**
 * Quotes one argument for a POSIX shell: runs of safe characters as is, the rest inside single quotes.
 *
 * `quote("it's")` → `it\'s`, `quote('a b')` → `'a b'`, `quote('')` → `''`, `quote("'")` → `''\'`.
 */
export const quote = (arg: string): string => {
  assertNoNul(arg);
  const out = perlSplit(arg, /('+)/)
    .map((piece, i) => (i % 2 === 1 ? quoteQuotes(piece) : SAFE.test(piece) ? piece : `'${piece}'`))
    .join('');
  return out === '' ? "''" : out;
};

/**
 * Quotes one argument leaving `* ? [ ] { } ~ , : ! ^` active, so the remote shell expands the pattern;
 * `\*` (any `\` before one of those or `\`) keeps the user's escape, everything else is quoted.
 *
 * `quoteGlob('./foo*\/bar&biz;')` → `./foo*\/bar'&biz;'`
 */
export const quoteGlob: (arg: string) => string = globQuoter({ active: GLOB_CHARS, quoteRun: (run) => `'${run}'` });

/** The POSIX backend (also sh, bash, dash, ksh, mksh, zsh and friends through getQuoter's aliases). */
export const posix: Quoter = {
  name: 'POSIX',
  quote,
  quoteGlob,
  fragments: {
    stdin_discard: '</dev/null',
    stdout_discard: '>/dev/null',
    stderr_discard: '2>/dev/null',
    stdout_and_stderr_discard: '>/dev/null 2>&1',
    stderr_to_stdout: '2>&1',
  },
};
