import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fish, quote, quoteGlob } from '../../src/quoting/fish';
import { quoteGlob as posixQuoteGlob } from '../../src/quoting/posix';
import { QuotingError } from '../../src/quoting/quoting-error';
import { announceSeed } from './support/arbitraries';
import { addShellRoundTrips } from './support/shell-suite';

const test = suite('quoting/fish');
announceSeed('quoting/fish');

// Worked out by hand from Net::OpenSSH's ShellQuoter::fish (inventory §3.2).
const QUOTE: readonly (readonly [string, string])[] = [
  ['', "''"],
  ['abc', 'abc'],
  ['-x', '-x'],
  ["it's", "'it\\'s'"],
  ['a\\b', "'a\\\\b'"],
  ["\\'", "'\\\\\\''"],
  ['a b', "'a b'"],
  ['$HOME (id)', "'$HOME (id)'"],
  ['a\nb', "'a\nb'"],
  ['café', "'café'"],
];

test("quote: Net::OpenSSH's outputs", () => {
  for (const [input, want] of QUOTE) assert.is(quote(input), want, `quote(${JSON.stringify(input)})`);
});

test('quoteGlob: the POSIX glob rules where fish has the same wildcards', () => {
  for (const s of ['./foo*/bar&biz;', 'back\\slash', "it's*", 'my files/*.dat', '{a,b}*', '~/x?', '\\[', ''])
    assert.is(quoteGlob(s), posixQuoteGlob(s), s);
  assert.is(quoteGlob('./foo*/bar&biz;'), "./foo*/bar'&biz;'");
});

test('quoteGlob: [ ] ! ^ are not fish wildcards, so they are quoted (^ redirected stderr before fish 3.3)', () => {
  assert.is(quoteGlob('[ab]*'), "'[ab]'*");
  assert.is(quoteGlob('a^b!'), "a'^b!'");
  assert.is(quoteGlob('a:b,c'), 'a:b,c');
});

test('fragments and NUL', () => {
  assert.is(fish.name, 'fish');
  assert.is(fish.fragments.stdout_and_stderr_discard, '>/dev/null 2>&1');
  assert.is(fish.fragments.stdin_discard, '</dev/null');
  assert.throws(
    () => quote('\0'),
    (e: unknown) => e instanceof QuotingError && e.code === 'OSSH_INVALID_ARGUMENT',
  );
});

addShellRoundTrips(test, ['fish'], fish, 200);

test.run();
