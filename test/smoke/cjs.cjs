// The built CJS bundle requires and works.
const assert = require('node:assert/strict');
const { OpenSSH, OpenSSHError, parseDestination } = require('net-openssh');
const { posix } = require('net-openssh/quoting');

assert.equal(typeof OpenSSH, 'function');
assert.equal(parseDestination('h:2222').port, 2222);
assert.equal(posix.quote('a b'), "'a b'");
assert.throws(
  () => new OpenSSH('a b'),
  (e) => e instanceof OpenSSHError && e.code === 'OSSH_INVALID_ARGUMENT',
);
console.log('smoke cjs: ok');
