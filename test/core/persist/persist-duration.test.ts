import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePersist } from '../../../src/core/persist/persist-duration';
import { OpenSSHError } from '../../../src/core/errors';

const test = suite('core/persist/persist-duration');

const GOOD: Array<[unknown, number | undefined]> = [
  [undefined, undefined],
  [false, undefined],
  [1, 1],
  [600, 600],
  ['90', 90],
  ['90s', 90],
  ['10m', 600],
  ['1h30m', 5400],
  ['2H', 7200],
  ['1d', 86_400],
  ['1w', 604_800],
  [' 5m ', 300],
];
for (const [input, seconds] of GOOD)
  test(`persist ${JSON.stringify(input)} is ${seconds} s`, () => assert.is(parsePersist(input), seconds));

const BAD: unknown[] = [
  true,
  0,
  -5,
  1.5,
  Number.NaN,
  Infinity,
  '',
  '0',
  '0s',
  '10 m',
  '1y',
  'ten',
  '-5m',
  'yes',
  null,
  {},
  ['10m'],
];
for (const input of BAD)
  test(`persist ${String(JSON.stringify(input))} is refused with OSSH_INVALID_ARGUMENT`, () => {
    try {
      parsePersist(input);
    } catch (e) {
      assert.instance(e, OpenSSHError);
      assert.is((e as OpenSSHError).code, 'OSSH_INVALID_ARGUMENT');
      assert.match((e as Error).message, /Expected `persist`/);
      return;
    }
    assert.unreachable('accepted');
  });

test.run();
