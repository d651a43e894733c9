// From a remote shell's name to its quoter: Net::OpenSSH's alias table, comma chains, custom quoters.
import { chain } from './chain';
import { csh } from './csh';
import { fish } from './fish';
import { mscmd } from './mscmd';
import { mswin } from './mswin';
import { posix } from './posix';
import type { Quoter } from './quoter';
import { invalidArgument } from './quoting-error';

/** The backends by their Net::OpenSSH names (case-sensitive, as Perl module names are). */
export const BACKENDS: ReadonlyMap<string, Quoter> = new Map([
  ['POSIX', posix],
  ['csh', csh],
  ['fish', fish],
  ['MSWin', mswin],
  ['MSCmd', mscmd],
]);

/** Shell names that map to a backend (Net::OpenSSH's table). */
export const ALIASES: ReadonlyMap<string, string> = new Map([
  ...['bash', 'sh', 'ksh', 'ash', 'dash', 'pdksh', 'mksh', 'lksh', 'zsh', 'fizsh', 'posh'].map(
    (n) => [n, 'POSIX'] as const,
  ),
  ['tcsh', 'csh'],
]);

const isQuoter = (q: object): q is Quoter =>
  typeof (q as Quoter).quote === 'function' &&
  typeof (q as Quoter).quoteGlob === 'function' &&
  typeof (q as Quoter).fragments === 'object' &&
  (q as Quoter).fragments !== null;

const lookup = (name: string): Quoter => {
  const backend = BACKENDS.get(ALIASES.get(name) ?? name);
  if (backend !== undefined) return backend;
  const known = [...BACKENDS.keys(), ...ALIASES.keys()].join(', ');
  throw invalidArgument(
    `unknown remote shell ${JSON.stringify(name)}: expected one of ${known}, or a chain such as 'MSCmd,MSWin'`,
  );
};

/**
 * The quoter for a remote shell: a backend name (`'POSIX'`, `'csh'`, `'fish'`, `'MSWin'`, `'MSCmd'`), a shell
 * name from the alias table (`'bash'`, `'zsh'`, `'tcsh'`…), a comma chain named outermost first
 * (`'MSCmd,MSWin'`), or a custom Quoter object, returned as is. Unknown names throw OSSH_INVALID_ARGUMENT.
 */
export const getQuoter = (shell: string | Quoter): Quoter => {
  if (typeof shell === 'object' && shell !== null) {
    if (isQuoter(shell)) return shell;
    throw new TypeError('Expected a Quoter object with quote(), quoteGlob() and fragments, got an object without them');
  }
  if (typeof shell !== 'string')
    throw new TypeError(
      `Expected the remote shell to be a name or a Quoter, got \`${String(shell)}\` (${typeof shell})`,
    );
  return shell.includes(',') ? chain(shell.split(',').map((n) => lookup(n.trim()))) : lookup(shell);
};
