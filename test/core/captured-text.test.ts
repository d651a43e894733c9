import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { CapturedText, FIRST_BLOCK, LARGE_BLOCK } from '../../src/core/captured-text';

const test = suite('core/captured-text');

/** All the bytes decoded at once: what capture() did before it decoded as the output arrives. */
const decodeText = (bytes: Buffer, encoding: string): string =>
  Buffer.isEncoding(encoding) ? bytes.toString(encoding) : new TextDecoder(encoding).decode(bytes);

// every Buffer encoding, and TextDecoder labels Buffer does not know (one of them multibyte, one a BOM user)
const ENCODINGS = ['utf8', 'utf16le', 'latin1', 'ascii', 'base64', 'base64url', 'hex', 'utf-16be', 'shift_jis'];
// text with 1- to 4-byte UTF-8 characters, invalid sequences and a cut-off character at the end
const MIXED = Buffer.concat([
  Buffer.from('a\u00e9\u20ac\u{1f600}z'.repeat(40)),
  Buffer.from([0xff, 0xc3, 0x28, 0xe2, 0x82]),
  Buffer.from('\ufeffend'),
  Buffer.from([0xf0, 0x9f, 0x98]),
]);

/** Writes `bytes` in chunks cut at `cuts` (chunk lengths, repeated), each chunk overwritten after the write. */
const collect = (bytes: Buffer, encoding: string, cuts: number[], blocks = { first: 3, large: 7 }): string => {
  const c = new CapturedText(encoding, blocks);
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = Math.min(cuts[i % cuts.length]!, bytes.length - at);
    const lent = Buffer.from(bytes.subarray(at, at + n)); // a buffer the "engine" reuses once write returns
    c.write(lent);
    lent.fill(0x41);
    at += n;
  }
  assert.is(c.size, bytes.length);
  return c.text();
};

for (const encoding of ENCODINGS)
  test(`${encoding}: the same text as decoding all the bytes at once, wherever chunks and blocks cut`, () => {
    const want = decodeText(MIXED, encoding);
    for (const cuts of [[1], [2], [3], [5, 1], [7], [13, 2, 1], [MIXED.length]])
      for (const blocks of [
        { first: 1, large: 1 },
        { first: 3, large: 7 },
        { first: 4, large: 64 },
        { first: FIRST_BLOCK, large: LARGE_BLOCK },
      ])
        assert.is(collect(MIXED, encoding, cuts, blocks), want, `cuts ${cuts}, blocks ${JSON.stringify(blocks)}`);
  });

// mostly ASCII, as most output is: whole blocks of it take the ASCII path, between blocks that hold 2- to 4-byte
// characters (cut by block ends), an invalid byte, and a character cut off at the very end
const MOSTLY_ASCII = (() => {
  const parts: Buffer[] = [];
  const rare = ['\u00e9', '\u20ac', '\u{1f600}', '\ufeff'];
  for (let i = 0; i < 120; i++) parts.push(Buffer.from('x'.repeat((i * 7) % 23) + rare[i % rare.length]!));
  parts.splice(60, 0, Buffer.from([0xff]), Buffer.from('after the bad byte'));
  return Buffer.concat([...parts, Buffer.from([0xe2, 0x82])]);
})();

test('utf8, mostly ASCII: the same text as Buffer#toString, wherever chunks and blocks cut', () => {
  const want = MOSTLY_ASCII.toString('utf8');
  for (const encoding of ['utf8', 'utf-8', 'UTF8'])
    for (const cuts of [[1], [3], [5, 1], [13, 2, 1], [64], [MOSTLY_ASCII.length]])
      for (const blocks of [
        { first: 1, large: 1 },
        { first: 2, large: 5 },
        { first: 4, large: 16 },
        { first: 8, large: 97 },
      ])
        assert.is(collect(MOSTLY_ASCII, encoding, cuts, blocks), want, `cuts ${cuts}, ${JSON.stringify(blocks)}`);
  // and without the bad byte: valid text all along
  const valid = Buffer.from(MOSTLY_ASCII.toString('utf8').replace('\ufffd', ''));
  for (const cuts of [[1], [5, 1], [64]]) assert.is(collect(valid, 'utf8', cuts), valid.toString('utf8'));
});

test('random bytes past several large blocks: every byte kept, in order', () => {
  const bytes = randomBytes(3 * LARGE_BLOCK + 12345);
  const text = collect(bytes, 'latin1', [65536, 32768 + 14, 1], { first: FIRST_BLOCK, large: LARGE_BLOCK });
  assert.ok(Buffer.from(text, 'latin1').equals(bytes));
});

test('nothing written: empty text, size 0', () => {
  const c = new CapturedText();
  assert.is(c.text(), '');
  assert.is(c.size, 0);
  assert.is(c.tooLarge, false);
});

test('text() ends the decoding once: a later call gives the same text, later bytes are only counted', () => {
  const c = new CapturedText('utf8', { first: 2, large: 4 });
  c.write(Buffer.from('h\u00e9'));
  c.write(Buffer.from([0xe2]));
  const first = c.text();
  assert.is(first, 'h\u00e9\ufffd');
  c.write(Buffer.from('more'));
  assert.is(c.text(), first);
  assert.is(c.size, 8);
});

test.run();
