import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isAscii, isUtf8 } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import { Utf8Chunks, type StreamDecoder } from '../../src/core/utf8-chunks';
import { seededRandom } from '../helpers/seeded-random';

const test = suite('core/utf8-chunks');

// pieces of UTF-8 text and of what is not: 1- to 4-byte characters, a byte order mark, the edges of the ranges the
// WHATWG decoder narrows (after E0, ED, F0, F4), overlong forms, surrogates, lone continuation bytes, cut characters
const PIECES: readonly number[][] = [
  [0x61],
  [0x0a],
  [0x7f],
  [0xc3, 0xa9],
  [0xdf, 0xbf],
  [0xe2, 0x82, 0xac],
  [0xe0, 0xa0, 0x80],
  [0xed, 0x9f, 0xbf],
  [0xef, 0xbb, 0xbf],
  [0xf0, 0x9f, 0x98, 0x80],
  [0xf0, 0x90, 0x80, 0x80],
  [0xf4, 0x8f, 0xbf, 0xbf],
  [0xff],
  [0x80],
  [0xc0, 0xaf],
  [0xc1, 0xbf],
  [0xe0, 0x80, 0x80],
  [0xed, 0xa0, 0x80],
  [0xf0, 0x80, 0x80, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf5, 0x80],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
  [0xc3],
];

/** Random bytes from `PIECES`, mostly valid when `validShare` is high, and chunk lengths that cut them anywhere. */
const sample = (seed: number, validShare: number) => {
  const r = seededRandom(seed);
  const valid = PIECES.slice(0, 12);
  const parts: number[] = [];
  const n = 1 + Math.floor(r() * 60);
  for (let i = 0; i < n; i++) {
    const from = r() < validShare ? valid : PIECES;
    const piece = from[Math.floor(r() * from.length)]!;
    for (let k = Math.floor(r() * 4); k >= 0; k--) parts.push(...piece);
  }
  const bytes = Buffer.from(parts);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const len = Math.min(bytes.length - at, r() < 0.3 ? 1 : 1 + Math.floor(r() * 9));
    chunks.push(bytes.subarray(at, at + len));
    at += len;
  }
  if (r() < 0.1) chunks.splice(Math.floor(r() * chunks.length), 0, Buffer.alloc(0));
  return { bytes, chunks };
};

const textDecoder = (fatal: boolean): StreamDecoder => {
  const d = new TextDecoder('utf-8', { fatal, ignoreBOM: true });
  return { write: (b) => d.decode(b, { stream: true }), end: () => d.decode() };
};

/** Each write's text, or 'throws' from the write that threw (and nothing after it). */
const run = (d: StreamDecoder, chunks: Buffer[]): string[] => {
  const out: string[] = [];
  try {
    for (const c of chunks) {
      const copy = Buffer.from(c); // a lent chunk: overwritten once write returns
      out.push(d.write(copy));
      copy.fill(0x41);
    }
    out.push(d.end());
  } catch {
    out.push('throws');
  }
  return out;
};

for (const fatal of [false, true])
  test(`the same text, write for write, as TextDecoder (fatal: ${fatal}) over the same chunks`, () => {
    for (let seed = 1; seed <= 4000; seed++) {
      const { chunks } = sample(seed, seed % 2 ? 0.97 : 0.6);
      const want = run(textDecoder(fatal), chunks);
      assert.equal(run(new Utf8Chunks(textDecoder(fatal)), chunks), want, `seed ${seed}`);
    }
  });

test('over a StringDecoder: the same text as Buffer#toString of all the bytes', () => {
  for (let seed = 1; seed <= 4000; seed++) {
    const { bytes, chunks } = sample(seed, seed % 2 ? 0.97 : 0.6);
    const got = run(new Utf8Chunks(new StringDecoder('utf8')), chunks).join('');
    assert.is(got, bytes.toString('utf8'), `seed ${seed}`);
  }
});

test('valid text: the decoder is given whole characters only, never ASCII, wherever chunks cut', () => {
  const given: Buffer[] = [];
  const sd = new StringDecoder('utf8');
  const watched: StreamDecoder = {
    write: (b) => (given.push(Buffer.from(b)), sd.write(b)),
    end: () => sd.end(),
  };
  const text = 'ascii only, then a\u00e9\u20ac\u{1f600}\ufeff\n'.repeat(30);
  const bytes = Buffer.from(text);
  for (const size of [1, 2, 3, 5, 7, 64]) {
    const d = new Utf8Chunks(watched);
    let got = '';
    for (let at = 0; at < bytes.length; at += size) got += d.write(bytes.subarray(at, at + size));
    assert.is(got + d.end(), text, `chunks of ${size}`);
  }
  assert.ok(given.length > 0);
  for (const b of given) {
    assert.ok(isUtf8(b), `whole characters: ${b.toString('hex')}`);
    assert.not.ok(isAscii(b), `not ASCII: ${b.toString('hex')}`);
  }
});

test('after a bad byte, a chunk of ASCII hands its first byte to the decoder, and the copying resumes', () => {
  const given: string[] = [];
  const sd = new StringDecoder('utf8');
  const d = new Utf8Chunks({ write: (b) => (given.push(b.toString('hex')), sd.write(b)), end: () => sd.end() });
  assert.is(d.write(Buffer.from([0x61, 0xff, 0xe2, 0x82])), 'a\ufffd');
  assert.is(d.write(Buffer.from('xyz')), '\ufffdxyz'); // x ends the cut character the decoder held
  assert.is(d.write(Buffer.from('more ascii')), 'more ascii');
  assert.is(d.write(Buffer.from('\u20ac!')), '\u20ac!');
  assert.is(d.end(), '');
  assert.equal(given, ['61ffe282', '78', 'e282ac21']);
});

test('a character cut off at the end: the fallback decides (U+FFFD here)', () => {
  const d = new Utf8Chunks(new StringDecoder('utf8'));
  assert.is(d.write(Buffer.from([0x61, 0xf0, 0x9f])), 'a');
  assert.is(d.write(Buffer.from([0x98])), '');
  assert.is(d.end(), '\ufffd');
});

test.run();
