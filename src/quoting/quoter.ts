// The Quoter contract and the argument markers that stand in for Perl's scalar references.

/** Remote-side redirections Net::OpenSSH appends with `quoteArgsExtended`. */
export type FragmentKey =
  | 'stdin_discard'
  | 'stdout_discard'
  | 'stderr_discard'
  | 'stdout_and_stderr_discard'
  | 'stderr_to_stdout';

/** A quoting backend: pure functions from one argument to its quoted form. */
export interface Quoter {
  /** The backend's name, e.g. `'POSIX'`, `'csh'`, `'MSCmd,MSWin'`. */
  readonly name: string;
  /** Quotes `arg` so the remote shell passes it to the program byte for byte (a NUL throws OSSH_INVALID_ARGUMENT). */
  quote(arg: string): string;
  /** Like quote, but leaves the wildcards `* ? [...]` (and `{}`, `~` where the shell has them) active. */
  quoteGlob(arg: string): string;
  /** Shell text for each extended redirection this shell supports. */
  readonly fragments: Readonly<Partial<Record<FragmentKey, string>>>;
}

const RAW = Symbol.for('net-openssh.raw');
const GLOB = Symbol.for('net-openssh.glob');

/** An argument passed to the remote shell untouched (Net::OpenSSH's `\\$arg`). */
export interface RawArg {
  /** Brand: made by {@link raw}. */
  readonly [RAW]: true;
  /** The text, passed as is. */
  readonly value: string;
}
/** An argument quoted with wildcards left active (Net::OpenSSH's `\$arg`). */
export interface GlobArg {
  /** Brand: made by {@link glob}. */
  readonly [GLOB]: true;
  /** The pattern, quoted with its wildcards active. */
  readonly value: string;
}
/** Anything a command may be built from. */
export type Arg = string | RawArg | GlobArg;

/** Marks `value` to reach the remote shell as is: redirections, `&&`, `$HOME`. Never pass untrusted text. */
export const raw = (value: string): RawArg => Object.freeze({ [RAW]: true as const, value });
/** Marks `value` to be quoted with its wildcards (`* ? [...]`) left active for the remote shell. */
export const glob = (value: string): GlobArg => Object.freeze({ [GLOB]: true as const, value });

/** True for a raw() marker. */
export const isRaw = (a: unknown): a is RawArg => typeof a === 'object' && a !== null && RAW in a;
/** True for a glob() marker. */
export const isGlob = (a: unknown): a is GlobArg => typeof a === 'object' && a !== null && GLOB in a;
