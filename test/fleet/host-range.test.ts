import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { OpenSSHError } from '../../src/core/errors';
import { DEFAULT_MAX_HOSTS, expandHostRange, expandHostRanges } from '../../src/fleet/host-range';

const test = suite('host ranges (pure)');

const EXPANDS: Array<[string, string[]]> = [
  ['web1', ['web1']],
  ['web[1-3]', ['web1', 'web2', 'web3']],
  ['web[01-03].example.com', ['web01.example.com', 'web02.example.com', 'web03.example.com']],
  ['web[08-10]', ['web08', 'web09', 'web10']],
  ['n[001-2]', ['n001', 'n002']],
  ['n[9-11]', ['n9', 'n10', 'n11']],
  ['db[1-3,7]', ['db1', 'db2', 'db3', 'db7']],
  ['db[ 1 , 5-6 ]', ['db1', 'db5', 'db6']],
  ['r[1-2]n[1-2]', ['r1n1', 'r1n2', 'r2n1', 'r2n2']],
  ['[1-2].example', ['1.example', '2.example']],
  ['deploy@web[1-2]:2222', ['deploy@web1:2222', 'deploy@web2:2222']],
  ['[::1]:22', ['[::1]:22']],
  ['u@[fe80::1]', ['u@[fe80::1]']],
  // a password is never looked into
  ['u:p[w@web[1-2]', ['u:p[w@web1', 'u:p[w@web2']],
];

test('expands ranges: padding kept, lists, cartesian products, IPv6 and passwords left alone', () => {
  for (const [pattern, names] of EXPANDS) assert.equal(expandHostRange(pattern), names, pattern);
});

const invalid = (fn: () => unknown, message: RegExp, label: string) => {
  try {
    fn();
    assert.unreachable(`${label} was accepted`);
  } catch (e) {
    assert.instance(e, OpenSSHError, label);
    assert.is((e as OpenSSHError).code, 'OSSH_INVALID_ARGUMENT', label);
    assert.match((e as Error).message, message, label);
  }
};

const BAD: Array<[string, RegExp]> = [
  ['web[3-1]', /3-1 goes down \(write 1-3\)/],
  ['web[a-c]', /\[a-c\] is not a number .*numeric only/],
  ['web[1-3', /\[ without \]/],
  ['web1-3]', /\] without \[/],
  ['web[1-[2]]', /a \[ inside a range/],
  ['web[]', /empty \[\]/],
  ['web[1,,2]', /\[\] is not a number/],
  ['web[1-]', /\[1-\] is not a number/],
];

test('bad ranges are OSSH_INVALID_ARGUMENT saying what is wrong', () => {
  for (const [pattern, message] of BAD) invalid(() => expandHostRange(pattern), message, pattern);
});

test('a range over the limit is refused before any name is built; a higher limit allows it', () => {
  assert.is(DEFAULT_MAX_HOSTS, 1000);
  assert.is(expandHostRange('h[1-1000]').length, 1000);
  invalid(
    () => expandHostRange('h[1-1001]'),
    /expands to 1001 hosts, more than the limit of 1000.*--max-hosts/,
    '1001',
  );
  // far too many to build: refused by counting
  invalid(() => expandHostRange('h[0-999999999999]'), /expands to 1000000000000 hosts/, 'huge');
  invalid(() => expandHostRange('a[1-40]b[1-40]'), /expands to 1600 hosts/, 'product');
  assert.is(expandHostRange('a[1-40]b[1-40]', 1600).length, 1600);
  assert.equal(expandHostRange('h[1-3]', 3), ['h1', 'h2', 'h3']);
  invalid(() => expandHostRange('h[1-3]', 2), /limit of 2/, 'limit 2');
});

test('a host list: ranges expanded in place, the limit counts every range together', () => {
  assert.equal(expandHostRanges(['a', 'web[1-2]', 'b', 'db[7,9]']), ['a', 'web1', 'web2', 'b', 'db7', 'db9']);
  invalid(() => expandHostRanges(['x[1-600]', 'y[1-600]']), /host ranges together expand to 1200 hosts/, 'sum');
  assert.is(expandHostRanges(['x[1-600]', 'y[1-600]'], 1200).length, 1200);
  // names without a range are not counted
  assert.is(expandHostRanges(['a', 'b', 'h[1-3]'], 3).length, 5);
});

test.run();
