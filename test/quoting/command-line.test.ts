import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCommandLine } from '../../src/quoting/command-line';
import { csh } from '../../src/quoting/csh';
import { glob, raw, type Arg } from '../../src/quoting/quoter';
import { QuotingError } from '../../src/quoting/quoting-error';

const test = suite('quoting/command-line');
const P = { quoter: 'POSIX' } as const;
const isInvalid = (e: unknown) => e instanceof QuotingError && e.code === 'OSSH_INVALID_ARGUMENT';

test('one argument is a command line, passed as is', () => {
  assert.is(buildCommandLine(['echo $HOME && ls *'], P), 'echo $HOME && ls *');
  assert.is(buildCommandLine([raw('ls >/tmp/x')], P), 'ls >/tmp/x');
  assert.is(buildCommandLine([], P), '');
});

test('several arguments are an argv, each quoted', () => {
  assert.is(buildCommandLine(['echo', '$HOME', 'a b', "it's"], P), "echo '$HOME' 'a b' it\\'s");
  assert.is(buildCommandLine(['printf', '%s\\n', 'x'], { quoter: csh }), "printf '%s\\n' x");
});

test('quoteArgs forces either way', () => {
  assert.is(buildCommandLine(['a b'], { ...P, quoteArgs: true }), "'a b'");
  assert.is(buildCommandLine(['echo', '$HOME'], { ...P, quoteArgs: false }), 'echo $HOME');
});

test('glob() markers and the glob option use quoteGlob; raw() passes untouched', () => {
  assert.is(buildCommandLine(['ls', glob('my dir/*.c'), 'a*'], P), "ls my' dir/'*.c 'a*'");
  assert.is(buildCommandLine(['ls', 'my dir/*.c', 'a*'], { ...P, glob: true }), "ls my' dir/'*.c a*");
  assert.is(buildCommandLine(['cd', '/tmp', raw('&&'), 'ls', '-l'], P), 'cd /tmp && ls -l');
});

test('a glob() marker when quoting is off is an error (nothing to glob-quote against)', () => {
  assert.throws(() => buildCommandLine([glob('*.c')], P), isInvalid);
  assert.throws(() => buildCommandLine(['ls', glob('*.c')], { ...P, quoteArgs: false }), isInvalid);
});

test('fragments: appended in order when quoting; skipped when the shell has none; a raw() disables them', () => {
  const fragments = ['stdout_and_stderr_discard', 'stdin_discard'] as const;
  assert.is(buildCommandLine(['ls', '-l'], { ...P, fragments }), 'ls -l >/dev/null 2>&1 </dev/null');
  assert.is(buildCommandLine(['ls', '-l'], { quoter: 'tcsh', fragments }), 'ls -l >&/dev/null </dev/null');
  assert.is(buildCommandLine(['ls', '-l'], { quoter: 'tcsh', fragments: ['stderr_discard'] }), 'ls -l');
  assert.is(buildCommandLine(['dir', 'x'], { quoter: 'MSCmd,MSWin', fragments: ['stderr_to_stdout'] }), 'dir x 2>&1');
  assert.is(buildCommandLine(['ls', raw('|'), 'wc'], { ...P, fragments }), 'ls | wc');
  assert.is(buildCommandLine(['ls'], { ...P, fragments }), 'ls', 'one argument: not quoting, no fragments');
  assert.is(buildCommandLine(['ls'], { ...P, quoteArgs: true, fragments: ['stderr_discard'] }), 'ls 2>/dev/null');
});

test('NUL bytes are refused everywhere, quoted or not', () => {
  for (const args of [['a\0b'], ['ls', 'a\0'], [raw('x\0')], ['ls', glob('\0')]] as Arg[][])
    assert.throws(
      () => buildCommandLine(args, P),
      (e: unknown) => isInvalid(e) && /NUL byte/.test((e as Error).message),
    );
});

test('arguments that are not strings or markers are a TypeError', () => {
  for (const bad of [42, null, undefined, { value: 'x' }, ['x']])
    assert.throws(
      () => buildCommandLine(['ls', bad as unknown as Arg], P),
      (e: unknown) =>
        e instanceof TypeError &&
        /^Expected command arguments to be strings or raw\(\)\/glob\(\) markers, got `/.test((e as Error).message),
    );
});

test('the quoter may be given by name, alias or chain', () => {
  assert.is(buildCommandLine(['echo', 'a!b'], { quoter: 'tcsh' }), "echo 'a\\!b'");
  assert.is(buildCommandLine(['echo', 'a b'], { quoter: 'MSCmd,MSWin' }), 'echo ^"a b^"');
  assert.throws(() => buildCommandLine(['a', 'b'], { quoter: 'nosuchshell' }), isInvalid);
});

test.run();
