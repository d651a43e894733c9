import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDestination, displayDestination } from '../../src/core/destination';
import { OpenSSHError } from '../../src/core/errors';

const test = suite('core/destination');

const GOOD: Array<[string, Record<string, unknown>]> = [
  ['host', { host: 'host', user: undefined, port: undefined, ipv6: false, hostSquared: 'host' }],
  ['user@host', { host: 'host', user: 'user' }],
  ['user@host:2222', { host: 'host', user: 'user', port: 2222 }],
  ['jack:secret@foo.bar.com:10022', { user: 'jack', password: 'secret', host: 'foo.bar.com', port: 10022 }],
  ['foo:meta:p@un@doz', { user: 'foo', password: 'meta:p@un', host: 'doz' }],
  ['foo@bar@doz', { user: 'foo@bar', host: 'doz' }],
  ['[::1]:2222', { host: '::1', port: 2222, ipv6: true, hostSquared: '[::1]' }],
  ['[::1]', { host: '::1', port: undefined, ipv6: true }],
  ['user@[2001:db8::1]:22', { user: 'user', host: '2001:db8::1', port: 22, ipv6: true }],
  ['jsmith@2001:db8::1428:57ab', { user: 'jsmith', host: '2001:db8::1428:57ab', ipv6: true, port: undefined }],
  ['foo@[fe80::1:f6ff:fe01:47%eth0]', { host: 'fe80::1:f6ff:fe01:47%eth0', ipv6: true }],
  ['  spaced  ', { host: 'spaced' }],
  ['user:@host', { user: 'user', password: '', host: 'host' }],
];

for (const [input, want] of GOOD)
  test(`parses ${JSON.stringify(input)}`, () => {
    const d = parseDestination(input) as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(want)) assert.equal(d[k], v, `${k} of ${input}`);
  });

const BAD: Array<[unknown, RegExp]> = [
  ['', /empty/],
  ['   ', /empty/],
  ['a b', /spaces/],
  ['host\nother', /spaces or control/],
  ['-oProxyCommand=touch /tmp/x', /begin with "-"|spaces/],
  ['-oProxyCommand=id', /begin with "-"/],
  ['-luser@host', /begin with "-"/],
  ['user@-host', /begin with "-"/],
  ['host:22:33', /neither host:port nor an IPv6/],
  ['host:0', /1 to 65535/],
  ['host:70000', /1 to 65535/],
  ['host:ssh', /1 to 65535/],
  ['[::1', /closing/],
  ['[host]:22', /IPv6/],
  ['[::1]x', /unexpected text/],
  ['@host', /must not be empty/],
  ['user@', /no host/],
  ['ho;st', /character no host name has/],
  ['ho$(id)st', /character no host name has/],
  [42, /string/],
  [undefined, /string/],
];
for (const [input, re] of BAD)
  test(`rejects ${JSON.stringify(input)}`, () => {
    try {
      parseDestination(input);
      assert.unreachable('should have thrown');
    } catch (e) {
      assert.instance(e, OpenSSHError);
      assert.is((e as OpenSSHError).code, 'OSSH_INVALID_ARGUMENT');
      assert.match((e as Error).message, re);
    }
  });

test('displayDestination never shows the password', () => {
  const d = parseDestination('me:hunter2@[::1]:22');
  assert.is(displayDestination({ ...d, port: d.port }), 'me@[::1]:22');
});

test.run();
