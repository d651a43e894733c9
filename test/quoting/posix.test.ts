import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { posix, quote, quoteGlob } from '../../src/quoting/posix';
import { QuotingError } from '../../src/quoting/quoting-error';
import { announceSeed } from './support/arbitraries';
import { addShellRoundTrips } from './support/shell-suite';

const test = suite('quoting/posix');
announceSeed('quoting/posix');

// Worked out by hand from Net::OpenSSH's ShellQuoter::POSIX (inventory §3.2).
const QUOTE: readonly (readonly [string, string])[] = [
  ['', "''"],
  ['abc', 'abc'],
  ['./foo*/bar&biz;', "'./foo*/bar&biz;'"],
  ['user@host:/p-a_t.h,1', 'user@host:/p-a_t.h,1'],
  ['-n', '-n'],
  ['a b', "'a b'"],
  ["'", "''\\'"], // Perl's split keeps the leading empty piece, which becomes ''
  ["'quoted'", "''\\'quoted\\'"],
  ["it's", "it\\'s"],
  ["a''b", `a"''"b`],
  ["'''", `''"'''"`],
  ["a'b c", "a\\''b c'"],
  ['x=1', "'x=1'"],
  ['~', "'~'"],
  ['$HOME `id` $(id)', "'$HOME `id` $(id)'"],
  ['a\nb', "'a\nb'"],
  ['back\\slash', "'back\\slash'"],
  ['!#%^', "'!#%^'"],
  ['café', "'café'"], // non-ASCII is always quoted (byte mode)
  ['日本', "'日本'"],
];

const QUOTE_GLOB: readonly (readonly [string, string])[] = [
  ['./foo*/bar&biz;', "./foo*/bar'&biz;'"],
  ['', "''"],
  ['*.txt', '*.txt'],
  ['[a-z]?{x,y}~!^:', '[a-z]?{x,y}~!^:'],
  ['my files/*.dat', "my' files/'*.dat"],
  ['$HOME/*', "'$HOME/'*"],
  ['back\\slash', 'back\\\\slash'], // a lone backslash is doubled
  ['\\*', '\\*'], // the user's escape is kept: a literal *
  ['\\\\', '\\\\'],
  ['a\\,b', 'a\\,b'],
  ["it's", "it\\'s"],
  ["''", `"''"`],
  ['~/x y', "~/x' y'"],
  ['a b,c', "a' b',c"],
  ['a\nb', "a'\nb'"],
  ['é*', "'é'*"],
];

test("quote: Net::OpenSSH's outputs", () => {
  for (const [input, want] of QUOTE) assert.is(quote(input), want, `quote(${JSON.stringify(input)})`);
});

test("quoteGlob: Net::OpenSSH's outputs", () => {
  for (const [input, want] of QUOTE_GLOB) assert.is(quoteGlob(input), want, `quoteGlob(${JSON.stringify(input)})`);
});

test('the backend object: name, functions and fragments', () => {
  assert.is(posix.name, 'POSIX');
  assert.is(posix.quote, quote);
  assert.is(posix.quoteGlob, quoteGlob);
  assert.equal(posix.fragments, {
    stdin_discard: '</dev/null',
    stdout_discard: '>/dev/null',
    stderr_discard: '2>/dev/null',
    stdout_and_stderr_discard: '>/dev/null 2>&1',
    stderr_to_stdout: '2>&1',
  });
});

test('a NUL is refused, never truncated', () => {
  for (const f of [quote, quoteGlob])
    assert.throws(
      () => f('a\0b'),
      (e: unknown) => e instanceof QuotingError && e.code === 'OSSH_INVALID_ARGUMENT' && /NUL/.test(e.message),
    );
});

addShellRoundTrips(test, ['bash', 'dash', 'zsh', 'mksh', 'ksh', 'sh'], posix, 0);

test.run();
