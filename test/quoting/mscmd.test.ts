import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { mscmd, quote } from '../../src/quoting/mscmd';
import { QuotingError } from '../../src/quoting/quoting-error';
import { SEED, announceSeed } from './support/arbitraries';
import { CmdSyntax, cmdLine, percentPhase } from './support/cmd-line';
import { CMD_ENV, windowsArgv as randomArgv } from './support/windows-arbitraries';

const test = suite('quoting/mscmd');
announceSeed('quoting/mscmd');

test('the cmd.exe model: carets, quotes, percent expansion and its substring/replace forms', () => {
  assert.is(cmdLine('echo ^&^|^^ "^&" ^"a^&b^"', CMD_ENV), 'echo &|^ "^&" "a&b"');
  assert.throws(
    () => cmdLine('echo ^"a&b^"'),
    (e: unknown) => e instanceof CmdSyntax,
  ); // ^" is a plain quote: it opens no "…"
  assert.is(percentPhase('%X% %NOPE% %path:~0,2% %A:1=one% %B% 100% %%', CMD_ENV), 'x&y %NOPE% C: one B|b 100% %%');
  assert.is(percentPhase('%a %A% b%', CMD_ENV), '%a 1 b%'); // an undefined name's closing % opens the next
  assert.throws(
    () => cmdLine('echo a&b'),
    (e: unknown) => e instanceof CmdSyntax,
  );
  assert.throws(
    () => cmdLine('echo %X%', CMD_ENV),
    (e: unknown) => e instanceof CmdSyntax,
  ); // the expanded & is cmd syntax
  assert.throws(
    () => cmdLine('echo a^'),
    (e: unknown) => e instanceof CmdSyntax,
  );
});

const QUOTE: readonly (readonly [string, string])[] = [
  ['', '""'], // Net::OpenSSH returned '' here and the argument vanished
  ['abc', 'abc'],
  ['a b', 'a b'], // MSCmd alone leaves word splitting to the program: see 'MSCmd,MSWin'
  ['a&b', 'a^&b'],
  ['<>|&()!^"', '^<^>^|^&^(^)^!^^^"'],
  ['100%', '100^%'],
  ['%PATH%', '%^PATH^%'],
  ['%%', '%^%'],
  ['%%%', '%^%^%'],
  ['%&', '%^&'],
  ['%PATH:~0,3%', '%^PATH:~0,3^%'],
  ['a\\b "c"', 'a\\b ^"c^"'],
];

test('quote: outputs', () => {
  for (const [input, want] of QUOTE) assert.is(quote(input), want, `quote(${JSON.stringify(input)})`);
  assert.is(mscmd.quoteGlob, quote);
  assert.is(mscmd.name, 'MSCmd');
  assert.is(mscmd.fragments.stdout_and_stderr_discard, '>NUL: 2>&1');
  assert.is(mscmd.fragments.stdin_discard, '<NUL:');
});

test('what cmd.exe passes on is the argument itself', () => {
  for (const [input] of QUOTE)
    assert.is(cmdLine(quote(input), CMD_ENV), input === '' ? '""' : input, JSON.stringify(input));
});

test("Net::OpenSSH's `^%` did not stop %VAR:~n,m% or %VAR:a=b% (why we escape differently)", () => {
  assert.is.not(cmdLine('^%PATH:~0,3^%', CMD_ENV), '%PATH:~0,3%');
  assert.is(cmdLine(quote('%PATH:~0,3%'), CMD_ENV), '%PATH:~0,3%');
  assert.is(cmdLine(quote('%X:x=1%'), CMD_ENV), '%X:x=1%');
});

test('newlines cannot pass through cmd.exe: OSSH_INVALID_ARGUMENT, as are NULs', () => {
  for (const bad of ['a\nb', 'a\rb', '\n', 'a\0'])
    assert.throws(
      () => quote(bad),
      (e: unknown) => e instanceof QuotingError && e.code === 'OSSH_INVALID_ARGUMENT',
      JSON.stringify(bad),
    );
});

const RUNS = 5000;
test(`random arguments reach the program as they were, never as cmd syntax (${RUNS} argv)`, () => {
  fc.assert(
    fc.property(randomArgv(false), (argv) => {
      const line = ['prog', ...argv.map(quote)].join(' ');
      assert.is(cmdLine(line, CMD_ENV), ['prog', ...argv.map((a) => (a === '' ? '""' : a))].join(' '));
    }),
    { seed: SEED, numRuns: RUNS },
  );
});

test.run();
