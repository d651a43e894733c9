// The tokenizer behind every Unix quoteGlob: wildcards stay active, the user's own `\x` escapes of them are
// kept, everything else is quoted the way the shell needs (Net::OpenSSH's quote_glob, one rule set per shell).
import { GLOB_CHARS, SAFE_CHARS } from './char-classes';
import { assertNoNul } from './quoting-error';

/** How one shell quotes in glob mode. */
export interface GlobStyle {
  /** Characters left active besides the safe ones (a regex class body, a subset of GLOB_CHARS). */
  readonly active: string;
  /** Quotes a run that contains no `'`, no `\` and no active character. */
  readonly quoteRun: (run: string) => string;
}

// Tokens, first matching rule wins: 1 a run of `'`; 2 safe or active characters, as is; 3 `\` before a glob
// character or `\`, as is (the user's escape); 4 any other `\`, doubled (Net::OpenSSH's csh lacked this rule
// and died on `back\slash`); 5 anything else, quoted by the shell's rule.
/** Builds a quoteGlob function for one shell. */
export const globQuoter = (style: GlobStyle): ((arg: string) => string) => {
  const rules = new RegExp(
    String.raw`('+)|([${SAFE_CHARS}${style.active}]+)|(\\[${GLOB_CHARS}\\])|(\\)|([^${style.active}\\']+)`,
    'gy',
  );
  return (arg) => {
    assertNoNul(arg);
    let out = '';
    rules.lastIndex = 0;
    while (rules.lastIndex < arg.length) {
      const m = rules.exec(arg);
      if (m === null) throw new Error(`internal error: unquotable text at offset ${rules.lastIndex}`);
      const [, quotes, plain, escaped, backslash, other] = m;
      if (quotes !== undefined) out += quotes.length === 1 ? "\\'" : `"${quotes}"`;
      else if (plain !== undefined || escaped !== undefined) out += m[0];
      else if (backslash !== undefined) out += '\\\\';
      else out += style.quoteRun(other ?? '');
    }
    return out === '' ? "''" : out;
  };
};
