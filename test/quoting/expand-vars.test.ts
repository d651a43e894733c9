import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { expandArgs, expandVars } from '../../src/quoting/expand-vars';
import { glob, isGlob, isRaw, raw } from '../../src/quoting/quoter';

const test = suite('quoting/expand-vars');
const VARS = { HOST: '127.0.0.1', USER: 'tester', PORT: 22987, ID: '42', EMPTY: '', UNDEF: undefined };

test("Net::OpenSSH's traced example", () => {
  assert.is(expandVars('%HOST%-%USER%-%PORT%-%ID%-%%-%NOPE%-100%', VARS), '127.0.0.1-tester-22987-42-%--100%');
});

test('t/1_run.t: foo%FOO%foo%%foo', () => {
  assert.is(expandVars('foo%FOO%foo%%foo', { FOO: 'Bar' }), 'fooBarfoo%foo');
});

const CASES: readonly (readonly [string, string])[] = [
  ['', ''],
  ['no vars', 'no vars'],
  ['%%', '%'],
  ['%%%%', '%%'],
  ['%%%', '%%'],
  ['%', '%'],
  ['50% off', '50% off'],
  ['%EMPTY%|%UNDEF%|%NOPE%', '||'],
  ['%a b%', '%a b%'], // not \w: left alone
  ['%HOST', '%HOST'],
  ['%USER%%HOST%', 'tester127.0.0.1'],
  ['%host%', ''], // names are case-sensitive
  ['%constructor%%__proto__%%toString%', ''], // inherited properties are not variables
  ['%é%', '%é%'], // ASCII word characters only
];

test('edge cases', () => {
  for (const [input, want] of CASES) assert.is(expandVars(input, VARS), want, JSON.stringify(input));
});

test('a Map works as well; numbers become text', () => {
  assert.is(
    expandVars(
      '%A%:%B%:%C%',
      new Map<string, string | number | undefined>([
        ['A', 'x'],
        ['B', 0],
        ['C', undefined],
      ]),
    ),
    'x:0:',
  );
});

test('expandArgs keeps each marker kind', () => {
  const out = expandArgs(['%USER%', raw('>%ID%'), glob('/home/%USER%/*')], VARS);
  assert.is(out[0], 'tester');
  assert.ok(isRaw(out[1]) && out[1].value === '>42');
  assert.ok(isGlob(out[2]) && out[2].value === '/home/tester/*');
});

test.run();
