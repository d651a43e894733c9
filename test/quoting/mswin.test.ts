import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { mswin, quote } from '../../src/quoting/mswin';
import { QuotingError } from '../../src/quoting/quoting-error';
import { SEED, announceSeed } from './support/arbitraries';
import { windowsArgv as randomArgv } from './support/windows-arbitraries';
import { windowsArgv, type Splitter } from './support/windows-argv';

const test = suite('quoting/mswin');
announceSeed('quoting/mswin');

// Microsoft's published examples ("Parsing C++ command-line arguments"): the model must agree with them.
const PUBLISHED: readonly (readonly [string, string[], string[]?])[] = [
  ['"a b c" d e', ['a b c', 'd', 'e']],
  ['"ab\\"c" "\\\\" d', ['ab"c', '\\', 'd']],
  ['a\\\\\\b d"e f"g h', ['a\\\\\\b', 'de fg', 'h']],
  ['a\\\\\\"b c d', ['a\\"b', 'c', 'd']],
  ['a\\\\\\\\"b c" d e', ['a\\\\b c', 'd', 'e']],
  ['a"b"" c d', ['ab" c d'], ['ab"', 'c', 'd']], // CRT since 2008 / CommandLineToArgvW
];

test('the parser model reproduces the published examples', () => {
  for (const [line, crt, shell32 = crt] of PUBLISHED) {
    assert.equal(windowsArgv(`prog ${line}`, 'crt').slice(1), crt, line);
    assert.equal(windowsArgv(`prog ${line}`, 'CommandLineToArgvW').slice(1), shell32, line);
  }
  assert.equal(windowsArgv('"C:\\Program Files\\x.exe" a'), ['C:\\Program Files\\x.exe', 'a']);
});

// Worked out from Net::OpenSSH's ShellQuoter::MSWin (inventory §3.2).
const QUOTE: readonly (readonly [string, string])[] = [
  ['', '""'],
  ['abc', 'abc'],
  ['a\\b', 'a\\b'], // backslashes alone are literal: nothing to quote
  ['a\\\\', 'a\\\\'],
  ['a b', '"a b"'],
  ['a"b', '"a\\"b"'],
  ['a\\"b', '"a\\\\\\"b"'], // 1 backslash before a quote: doubled, then \"
  ['a\\\\"', '"a\\\\\\\\\\""'],
  ['a b\\', '"a b\\\\"'], // trailing backslashes doubled before the closing quote
  ['C:\\Program Files\\', '"C:\\Program Files\\\\"'],
  ['C:\\dir\\ x', '"C:\\dir\\ x"'], // backslashes not before a quote stay single
  ['\t', '"\t"'],
  ['a\nb', '"a\nb"'],
  ['a\x0bb', '"a\x0bb"'],
  ['%PATH% ^&|', '"%PATH% ^&|"'], // MSWin knows nothing of cmd.exe: see MSCmd
];

test("quote: Net::OpenSSH's outputs", () => {
  for (const [input, want] of QUOTE) assert.is(quote(input), want, `quote(${JSON.stringify(input)})`);
  assert.is(mswin.quoteGlob, quote);
  assert.equal(mswin.fragments, {});
  assert.throws(
    () => quote('a\0'),
    (e: unknown) => e instanceof QuotingError && e.code === 'OSSH_INVALID_ARGUMENT',
  );
});

const RUNS = 5000;
for (const splitter of ['crt', 'CommandLineToArgvW'] as Splitter[])
  test(`random argv survive the ${splitter} splitter (${RUNS} argv)`, () => {
    fc.assert(
      fc.property(randomArgv(), (argv) => {
        assert.equal(windowsArgv(['prog', ...argv.map(quote)].join(' '), splitter), ['prog', ...argv]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

test.run();
