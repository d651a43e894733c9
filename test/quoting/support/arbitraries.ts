// Random arguments for the property tests: every character a shell cares about, control bytes (never NUL),
// non-ASCII text, leading dashes and very long strings. The seed is fixed and printed so failures reproduce.
import fc from 'fast-check';

/** The seed of every property run in the quoting suites (override with QUOTING_SEED=<n>). */
export const SEED = Number(process.env.QUOTING_SEED ?? 20240611);

/** Prints the seed once per file, so a failure can be reproduced. */
export const announceSeed = (what: string): void =>
  console.log(`  ${what}: fast-check seed ${SEED} (QUOTING_SEED=${SEED} reproduces)`);

/** Characters every shell treats specially somewhere. */
export const NASTY = [
  "'",
  '"',
  '\\',
  '$',
  '`',
  '!',
  '#',
  '~',
  '=',
  '*',
  '?',
  '[',
  ']',
  '{',
  '}',
  '(',
  ')',
  '<',
  '>',
  '|',
  '&',
  ';',
  ' ',
  '\t',
  '\n',
  '\r',
  '\x0b',
  '\x1b',
  '\x7f',
  '%',
  '^',
  ',',
  ':',
  '@',
  '-',
  '.',
  '/',
  '+',
  '"',
  "'",
  '\\',
];

/** Non-ASCII text, including characters that are spaces or line breaks in some encodings or shells. */
export const NON_ASCII = [
  'é',
  'ß',
  'ñ',
  '☺',
  '日本',
  '😀',
  '\u00a0',
  '\u0085',
  '\u2028',
  '\u200b',
  '\ufeff',
  'ı',
  'Ω',
  '\u00ff',
];

const fromCode = (n: number): string => String.fromCodePoint(n);

/** One random character (a string of 1 or 2 UTF-16 units), never NUL. */
export const char = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...NASTY) },
    { weight: 4, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map(fromCode) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 0x1f }).map(fromCode) },
    { weight: 2, arbitrary: fc.constantFrom(...NON_ASCII) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 0x80, max: 0x10ffff })
        .filter((n) => n < 0xd800 || n > 0xdfff)
        .map(fromCode),
    },
  );

/** A random argument from `chars`: mostly short, sometimes empty, dash-led or thousands of characters long. */
export const argument = (chars: fc.Arbitrary<string> = char()): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 12, arbitrary: fc.array(chars, { maxLength: 24 }).map((a) => a.join('')) },
    { weight: 2, arbitrary: fc.array(chars, { maxLength: 12 }).map((a) => `-${a.join('')}`) },
    { weight: 1, arbitrary: fc.constantFrom('', "'", "''", '\\', '\\\\', '!', '\n', '-', '--', '~', '#', '=') },
    { weight: 1, arbitrary: fc.array(chars, { minLength: 300, maxLength: 3000 }).map((a) => a.join('')) },
  );

/** A random argv of 0 to 6 arguments. */
export const argv = (arg: fc.Arbitrary<string> = argument()): fc.Arbitrary<string[]> => fc.array(arg, { maxLength: 6 });

/** A random argument as bytes 0x01-0xff (not necessarily valid UTF-8). */
export const byteArgument = (): fc.Arbitrary<Buffer> =>
  fc.array(fc.integer({ min: 1, max: 255 }), { maxLength: 40 }).map((a) => Buffer.from(a));

/** `n` values of `arb` from the fixed seed (the same on every run). */
export const sample = <T>(arb: fc.Arbitrary<T>, n: number, salt = 0): T[] =>
  fc.sample(arb, { seed: SEED + salt, numRuns: n });

/** A string of `n` characters from the nasty set, the same on every run. */
export const longString = (n: number): string =>
  sample(fc.array(fc.constantFrom(...NASTY, ...NON_ASCII), { minLength: n, maxLength: n }), 1)[0]!.join('');
