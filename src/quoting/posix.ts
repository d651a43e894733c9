// POSIX shells (sh, bash, dash, ksh, mksh, zsh): Net::OpenSSH's ShellQuoter::POSIX algorithm.
import type { Quoter } from './quoter';

const NOQUOTE = /^[.\w/\-@,:]+$/;

/** Quotes one argument for a POSIX shell: safe runs as is, the rest in single quotes, `'` as `\'`. */
export const quote = (arg: string): string => {
  if (arg === '') return "''";
  return arg
    .split(/('+)/)
    .map((piece, i) => {
      if (i % 2 === 1) return piece.length === 1 ? "\\'" : `"${piece}"`;
      if (piece === '') return '';
      return NOQUOTE.test(piece) ? piece : `'${piece}'`;
    })
    .join('');
};

/** Quotes one argument leaving `* ? [ ] { } ~` active (glob expansion on the remote side). */
export const quoteGlob = (arg: string): string => {
  let out = '';
  const re = /('+)|([.\w/\-@,:*?[\]{}!^~]+)|(\\[*?[\]{}:!^~\\])|(\\)|([^*?[\]{}:!^~\\']+)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(arg)) !== null) {
    if (m[1]) out += m[1].length === 1 ? "\\'" : `"${m[1]}"`;
    else if (m[2] || m[3]) out += m[0];
    else if (m[4]) out += '\\\\';
    else out += `'${m[5]}'`;
  }
  return out === '' ? "''" : out;
};

/** The POSIX backend. */
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
