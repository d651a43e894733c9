// The built ESM bundle imports and works: parse a destination, build an error, quote through the subpath.
import assert from 'node:assert/strict';
import { OpenSSH, OpenSSHError, parseDestination, raw } from 'net-openssh';
import { posix } from 'net-openssh/quoting';

assert.equal(typeof OpenSSH, 'function');
assert.equal(parseDestination('u@[::1]:22').host, '::1');
assert.equal(new OpenSSHError('OSSH_SLAVE_TIMEOUT', 'x').errno, 4);
assert.equal(posix.quote("it's"), "it\\'s");
assert.equal(raw('>').value, '>');
assert.throws(
  () => new OpenSSH('-oProxyCommand=x'),
  (e) => e instanceof OpenSSHError && e.code === 'OSSH_INVALID_ARGUMENT',
);
console.log('smoke esm: ok');
