import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { chain } from '../../src/quoting/chain';
import { getQuoter } from '../../src/quoting/get-quoter';
import { mscmd } from '../../src/quoting/mscmd';
import { mswin } from '../../src/quoting/mswin';
import { posix } from '../../src/quoting/posix';
import { QuotingError } from '../../src/quoting/quoting-error';
import { SEED, announceSeed } from './support/arbitraries';
import { cmdLine } from './support/cmd-line';
import { CMD_ENV, windowsArgv as randomArgv } from './support/windows-arbitraries';
import { windowsArgv } from './support/windows-argv';

const test = suite('quoting/chain');
announceSeed('quoting/chain');

const cmdWin = chain([mscmd, mswin]);

test('named outermost first: the last quoter applies first; fragments from the first', () => {
  assert.is(cmdWin.name, 'MSCmd,MSWin');
  assert.is(cmdWin.quote('a "b"'), '^"a \\^"b\\^"^"');
  assert.is(cmdWin.quote('a b&c'), '^"a b^&c^"');
  assert.is(cmdWin.quote('%PATH%'), '%^PATH^%');
  assert.is(cmdWin.quote(''), '^"^"'); // the empty argument survives as "" for the program
  assert.is(cmdWin.quote('C:\\x y\\'), '^"C:\\x y\\\\^"');
  assert.is(cmdWin.quoteGlob('a *'), cmdWin.quote('a *'));
  assert.is(cmdWin.fragments, mscmd.fragments);
  assert.is(chain([mswin, mscmd]).fragments, mswin.fragments);
});

test('quoteGlob: the innermost quoteGlob, then the outer quotes', () => {
  const twice = chain([posix, posix]);
  assert.is(twice.quote('a b'), "''\\''a b'\\'");
  assert.is(twice.quoteGlob('*.c d'), posix.quote(posix.quoteGlob('*.c d')));
});

test('errors: an empty chain; a newline for cmd.exe', () => {
  assert.throws(
    () => chain([]),
    (e: unknown) => e instanceof TypeError,
  );
  assert.throws(
    () => cmdWin.quote('a\nb'),
    (e: unknown) => e instanceof QuotingError && e.code === 'OSSH_INVALID_ARGUMENT',
  );
});

const RUNS = 5000;
for (const splitter of ['crt', 'CommandLineToArgvW'] as const)
  test(`'MSCmd,MSWin': random argv through cmd.exe then the ${splitter} splitter (${RUNS} argv)`, () => {
    const q = getQuoter('MSCmd,MSWin');
    fc.assert(
      fc.property(randomArgv(false), (argv) => {
        const line = ['prog', ...argv.map(q.quote)].join(' ');
        assert.equal(windowsArgv(cmdLine(line, CMD_ENV), splitter), ['prog', ...argv]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

test.run();
