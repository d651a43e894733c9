import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { csh } from '../../src/quoting/csh';
import { fish } from '../../src/quoting/fish';
import { ALIASES, BACKENDS, getQuoter } from '../../src/quoting/get-quoter';
import { mscmd } from '../../src/quoting/mscmd';
import { mswin } from '../../src/quoting/mswin';
import { posix } from '../../src/quoting/posix';
import type { Quoter } from '../../src/quoting/quoter';
import { QuotingError } from '../../src/quoting/quoting-error';

const test = suite('quoting/get-quoter');

test("Net::OpenSSH's backend names and alias table", () => {
  const want: Record<string, Quoter> = { POSIX: posix, csh, fish, MSWin: mswin, MSCmd: mscmd, tcsh: csh };
  for (const sh of ['bash', 'sh', 'ksh', 'ash', 'dash', 'pdksh', 'mksh', 'lksh', 'zsh', 'fizsh', 'posh'])
    want[sh] = posix;
  for (const [name, q] of Object.entries(want)) assert.is(getQuoter(name), q, name);
  assert.is(BACKENDS.size, 5);
  assert.is(ALIASES.size, 12);
});

test('names are case-sensitive, as Net::OpenSSH module names are', () => {
  for (const name of ['posix', 'Bash', 'CSH', 'mswin', 'Fish'])
    assert.throws(
      () => getQuoter(name),
      (e: unknown) => e instanceof QuotingError && e.code === 'OSSH_INVALID_ARGUMENT',
      name,
    );
});

test('unknown names: OSSH_INVALID_ARGUMENT naming the choices', () => {
  for (const name of ['powershell', '', '/bin/bash', 'Chain', '__proto__', 'constructor', 'a,,b', 'MSCmd,nope']) {
    let err: unknown;
    try {
      getQuoter(name);
    } catch (e) {
      err = e;
    }
    assert.instance(err, QuotingError, name);
    assert.is((err as QuotingError).code, 'OSSH_INVALID_ARGUMENT');
    assert.match(
      (err as Error).message,
      /^unknown remote shell ".*": expected one of POSIX, csh, fish, MSWin, MSCmd, bash/,
    );
  }
});

test('comma chains, blanks around the commas allowed', () => {
  for (const name of ['MSCmd,MSWin', ' MSCmd , MSWin ']) {
    const q = getQuoter(name);
    assert.is(q.name, 'MSCmd,MSWin');
    assert.is(q.quote('a b'), '^"a b^"');
    assert.is(q.fragments, mscmd.fragments);
  }
  assert.is(getQuoter('bash,tcsh').name, 'POSIX,csh');
});

test('a custom Quoter is returned as is; a malformed one is a TypeError', () => {
  const custom: Quoter = { name: 'upper', quote: (s) => s.toUpperCase(), quoteGlob: (s) => s, fragments: {} };
  assert.is(getQuoter(custom), custom);
  assert.throws(
    () => getQuoter({ name: 'x' } as unknown as Quoter),
    (e: unknown) => e instanceof TypeError,
  );
  assert.throws(
    () => getQuoter(42 as unknown as string),
    (e: unknown) => e instanceof TypeError && /got `42` \(number\)/.test((e as Error).message),
  );
});

test.run();
