// The real shells the round-trip tests run, found on PATH, and how to start each one with a script.
import { accessSync, constants, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { csh } from '../../../src/quoting/csh';
import { fish } from '../../../src/quoting/fish';
import { posix } from '../../../src/quoting/posix';
import type { Quoter } from '../../../src/quoting/quoter';

/** A shell to test: its binary, the flags before `-c`, the quoter that targets it. */
export interface Shell {
  readonly name: string;
  readonly path: string;
  readonly flags: readonly string[];
  readonly quoter: Quoter;
}

/** Finds an executable on PATH (and /usr/bin, /bin). */
export const which = (name: string): string | undefined => {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/bin', '/bin'].filter(Boolean);
  for (const dir of dirs) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
};

// fish --no-config: no ~/.config/fish is read or created by the local runs.
const FLAGS: Readonly<Record<string, readonly string[]>> = { fish: ['--no-config'] };

/** Looks `name` up; undefined when missing. */
export const findShell = (name: string, quoter: Quoter): Shell | undefined => {
  const path = which(name);
  return path === undefined ? undefined : { name, path, flags: FLAGS[name] ?? [], quoter };
};

/** Every shell the suites want, with the quoter for it. */
export const WANTED: readonly (readonly [string, Quoter])[] = [
  ['bash', posix],
  ['dash', posix],
  ['zsh', posix],
  ['mksh', posix],
  ['ksh', posix],
  ['tcsh', csh],
  ['csh', csh],
  ['fish', fish],
];

/** True when `a` is the same binary as an earlier shell in `seen` (e.g. ksh → mksh, csh → tcsh). */
export const sameBinaryAs = (shell: Shell, seen: readonly Shell[]): Shell | undefined =>
  seen.find((s) => realpathSync(s.path) === realpathSync(shell.path));
