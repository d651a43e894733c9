import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { constants } from 'node:buffer';
import { checkDecodable, maxDecodableBytes } from '../../src/core/decode-text';
import type { OpenSSHError } from '../../src/core/errors';

const test = suite('core/decode-text');
const MAX = constants.MAX_STRING_LENGTH;

test('the byte limit per encoding: N UTF-8 bytes may give N code units, UTF-16 two bytes a unit', () => {
  assert.is(maxDecodableBytes(), MAX);
  assert.is(maxDecodableBytes('latin1'), MAX);
  assert.is(maxDecodableBytes('utf16le'), 2 * MAX);
  assert.is(maxDecodableBytes('hex'), Math.floor(MAX / 2));
});

test('at the limit passes; one byte more is OSSH_SLAVE_PIPE_FAILED naming the stream, size and what to use', () => {
  checkDecodable(MAX, 'utf8', 'h', 'stderr');
  try {
    checkDecodable(MAX + 1, 'utf8', 'h', 'stderr');
    assert.unreachable('should throw');
  } catch (e) {
    const err = e as OpenSSHError;
    assert.is(err.code, 'OSSH_SLAVE_PIPE_FAILED');
    assert.match(err.message, new RegExp(`^stderr of the command \\(${MAX + 1} bytes\\) is too large for a string`));
    assert.match(err.message, /onStdout.*stdoutFh.*pipeOut.*capture\$/);
  }
});

test.run();
