import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { glob, raw } from '../../src/quoting/quoter';
import { shellQuote, shellQuoteGlob, shellQuoteWith } from '../../src/quoting/shell-quote';

const test = suite('quoting/shell-quote');

test("Net::OpenSSH's t/1_run.t strings", () => {
  assert.is(shellQuote('./foo*/bar&biz;'), "'./foo*/bar&biz;'");
  assert.is(shellQuoteGlob('./foo*/bar&biz;'), "./foo*/bar'&biz;'");
});

test('several arguments joined by spaces; a single one is quoted too; none gives ""', () => {
  assert.is(shellQuote('echo', 'a b', ''), "echo 'a b' ''");
  assert.is(shellQuote('a b'), "'a b'");
  assert.is(shellQuote(), '');
  assert.is(shellQuoteGlob('ls', '*.c', 'my file'), "ls *.c my' file'");
});

test('markers: raw() untouched, glob() glob-quoted even in shellQuote', () => {
  assert.is(shellQuote('ls', glob('*.c'), raw('>'), 'out file'), "ls *.c > 'out file'");
});

test('shellQuoteWith: any shell name, chain or quoter', () => {
  assert.is(shellQuoteWith('tcsh', ['echo', 'hi!']), "echo 'hi\\!'");
  assert.is(shellQuoteWith('fish', ['echo', "it's"]), "echo 'it\\'s'");
  assert.is(shellQuoteWith('MSCmd,MSWin', ['echo', 'a&b c']), 'echo ^"a^&b c^"');
  assert.is(shellQuoteWith('bash', ['ls', 'a b*'], { glob: true }), "ls a' b'*");
  assert.is(shellQuoteWith('bash', ['ls', 'a b*'], { glob: false }), "ls 'a b*'");
});

test.run();
