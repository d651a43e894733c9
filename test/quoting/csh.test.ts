import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { csh, quote, quoteGlob } from '../../src/quoting/csh';
import { QuotingError } from '../../src/quoting/quoting-error';
import { announceSeed } from './support/arbitraries';
import { exact } from './support/argv-printer';
import { addShellRoundTrips } from './support/shell-suite';

const test = suite('quoting/csh');
announceSeed('quoting/csh');

// Worked out by hand from Net::OpenSSH's ShellQuoter::csh (inventory §3.2).
const QUOTE: readonly (readonly [string, string])[] = [
  ['', "''"],
  ['abc', 'abc'],
  ["'", "\\'"],
  ["''", "\\'\\'"], // split on single quotes: empty pieces stay empty
  ["it's", "it\\'s"],
  ['a b', "'a b'"],
  ['a!b', "'a\\!b'"],
  ['a\nb', "'a\\\nb'"], // backslash-newline inside the quotes
  ['x\\!y', "'x\\\\!y'"],
  ['$HOME `id`', "'$HOME `id`'"],
  ['./foo*/bar&biz;', "'./foo*/bar&biz;'"],
  ['café', "'café'"],
];

const QUOTE_GLOB: readonly (readonly [string, string])[] = [
  ['./foo*/bar&biz;', "./foo*/bar'&biz;'"],
  ['back\\slash', 'back\\\\slash'], // Net::OpenSSH died here ("unquotable string")
  ['a\\', 'a\\\\'],
  ['a!*', "a'\\!'*"], // ! is never left active: csh would expand history
  ['\\!', '\\!'],
  ['*.{c,h}', '*.{c,h}'],
  ['my files/*.dat', "my' files/'*.dat"],
  ['a\nb*', "a'\\\nb'*"],
  ["it's*", "it\\'s*"],
  ['', "''"],
];

test("quote: Net::OpenSSH's outputs", () => {
  for (const [input, want] of QUOTE) assert.is(quote(input), want, `quote(${JSON.stringify(input)})`);
});

test('quoteGlob: outputs, with the backslash and ! fixes', () => {
  for (const [input, want] of QUOTE_GLOB) assert.is(quoteGlob(input), want, `quoteGlob(${JSON.stringify(input)})`);
});

test('fragments: csh cannot redirect stderr alone', () => {
  assert.is(csh.name, 'csh');
  assert.equal(csh.fragments, {
    stdin_discard: '</dev/null',
    stdout_discard: '>/dev/null',
    stdout_and_stderr_discard: '>&/dev/null',
  });
  assert.is(csh.fragments.stderr_discard, undefined);
  assert.is(csh.fragments.stderr_to_stdout, undefined);
});

test('a NUL is refused', () => {
  for (const f of [quote, quoteGlob])
    assert.throws(
      () => f('\0'),
      (e: unknown) => e instanceof QuotingError && e.code === 'OSSH_INVALID_ARGUMENT',
    );
});

// Named regression cases beside the random ones: the newline, `!` and `^` forms csh is known for.
const CSH_EDGES = exact(['a\nb', '\n', '\\\n', '!\n', "'\n'", 'x\\!y', '!!', '!$', '\\', "\\'", 'a\\\nb!', '^a^b']);

addShellRoundTrips(test, ['tcsh', 'csh'], csh, 100, [CSH_EDGES]);

test.run();
