// Random arguments dense in what Windows parsers care about: backslashes next to quotes, blanks, carets, %.
import fc from 'fast-check';
import { argument, char } from './arbitraries';

const WINDOWS = [
  '\\',
  '\\',
  '"',
  '"',
  ' ',
  '\t',
  '^',
  '%',
  '&',
  '|',
  '<',
  '>',
  '(',
  ')',
  '!',
  'a',
  'Z',
  ':',
  '~',
  '=',
  ',',
  ';',
];

/** Mostly Windows-sensitive characters, plus everything else now and then. */
export const windowsChar = (): fc.Arbitrary<string> =>
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...WINDOWS) }, { weight: 1, arbitrary: char() });

/** Random arguments for the Windows parsers; `lines: false` leaves out CR and LF (cmd.exe cannot carry them). */
export const windowsArgv = (lines = true): fc.Arbitrary<string[]> =>
  fc.array(
    argument(windowsChar()).filter((s) => lines || !/[\r\n]/.test(s)),
    { maxLength: 6 },
  );

/**
 * Variables defined in the modelled cmd.exe, with values that would run code if they were expanded. MSCmd's
 * premise is that no variable name starts with `^` (cmd.exe's own never do), so none here does.
 */
export const CMD_ENV: Readonly<Record<string, string>> = {
  PATH: 'C:\\Windows&calc',
  X: 'x&y',
  A: '1',
  b: 'B|b',
  ' B': 'space',
};
