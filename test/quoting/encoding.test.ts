import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeCommandLine } from '../../src/quoting/encoding';
import { QuotingError } from '../../src/quoting/quoting-error';

const test = suite('quoting/encoding');

const encodingError = (re: RegExp) => (e: unknown) =>
  e instanceof QuotingError && e.code === 'OSSH_ENCODING_ERROR' && e.name === 'QuotingError' && re.test(e.message);

test('utf8 by default: round trip of any well-formed text', () => {
  const text = "printf '%s' 'café ☺ 😀 日本 \u0085'";
  assert.is(encodeCommandLine(text).toString('utf8'), text);
  assert.equal(encodeCommandLine('é', 'UTF-8'), Buffer.from([0xc3, 0xa9]));
});

test('latin1 (and binary): one byte per character', () => {
  assert.equal(encodeCommandLine("echo 'café'", 'latin1'), Buffer.from([...Buffer.from("echo 'caf"), 0xe9, 0x27]));
  assert.equal(encodeCommandLine('\u00ff', 'binary'), Buffer.from([0xff]));
});

test('a character the encoding cannot represent fails before anything runs', () => {
  assert.throws(
    () => encodeCommandLine('a☺', 'latin1'),
    encodingError(/^argument encoding failed: character U\+263A at offset 1 of "a☺" cannot be encoded in latin1$/),
  );
  assert.throws(() => encodeCommandLine('ñ', 'ascii'), encodingError(/U\+00F1 at offset 0 .* ascii$/));
  assert.throws(() => encodeCommandLine('x\ud800y'), encodingError(/U\+D800 at offset 1 .* utf8$/));
  assert.throws(() => encodeCommandLine('\udc00'), encodingError(/U\+DC00/));
});

test('unsupported encodings are refused (UTF-16 and hex/base64 would break the shell syntax)', () => {
  for (const enc of ['utf16le', 'ucs2', 'hex', 'base64', 'koi8-r', ''])
    assert.throws(() => encodeCommandLine('x', enc), encodingError(/^argument encoding failed: bad encoding/), enc);
});

test('a NUL is an invalid argument, not an encoding problem', () => {
  assert.throws(
    () => encodeCommandLine('a\0b'),
    (e: unknown) => e instanceof QuotingError && e.code === 'OSSH_INVALID_ARGUMENT',
  );
});

test('long text keeps the message short', () => {
  const e = (() => {
    try {
      encodeCommandLine(`${'x'.repeat(10_000)}☺`, 'ascii');
    } catch (err) {
      return err as Error;
    }
    return undefined;
  })();
  assert.ok(e && e.message.length < 200, e?.message);
});

test.run();
