// fish: Net::OpenSSH's ShellQuoter::fish. Its quoteGlob leaves fewer characters active than Net::OpenSSH's
// (which reused the POSIX rules): fish has no [...] classes, and `^` redirected stderr before fish 3.3.
import { SAFE } from './char-classes';
import { globQuoter } from './glob-quote';
import type { Quoter } from './quoter';
import { assertNoNul } from './quoting-error';

/**
 * Quotes one argument for fish: all-safe as is, else the whole argument in single quotes where fish
 * knows only two escapes, `\'` and `\\`.
 *
 * `quote("it's")` → `'it\'s'`, `quote('a\\b')` → `'a\\\\b'`, `quote('')` → `''`.
 */
export const quote = (arg: string): string => {
  assertNoNul(arg);
  return SAFE.test(arg) ? arg : `'${arg.replace(/[\\']/g, (c) => `\\${c}`)}'`;
};

// The runs quoteGlob single-quotes never contain `\` or `'`, so plain '…' is exact in fish too.
/**
 * Quotes one argument leaving fish's wildcards `* ?`, braces `{a,b}` and `~` active; `[ ] ! ^` are quoted
 * (literal in fish 3, but `^` was a redirection in older fish). `\*` keeps the user's escape.
 */
export const quoteGlob: (arg: string) => string = globQuoter({
  active: '*?{},~',
  quoteRun: (run) => `'${run}'`,
});

/** The fish backend. */
export const fish: Quoter = {
  name: 'fish',
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
