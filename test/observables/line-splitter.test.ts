// The line splitter under lines and lines$: linear work however long the line (counted, not timed), and
// maxLineLength: exact at the limit, failing as soon as a line is sure to exceed it, the lines before it kept.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lastValueFrom, of, toArray } from 'rxjs';
import type { OpenSSHError } from '../../src/index';
import { lines } from '../../src/observables/index';
import { DEFAULT_MAX_LINE_LENGTH, LineSplitter, type LineOptions } from '../../src/observables/operators/line-splitter';
import { strict } from '../helpers/setup';
import { marbles, settle } from './support';

strict();
const test = suite('observables: line splitter');

/** Pushes `chunks` and returns the lines, the error (if any) and the splitter's count of characters handled. */
const split = (chunks: string[], separator = '\n', options: LineOptions = {}) => {
  const s = new LineSplitter(separator, options);
  const out: string[] = [];
  let error: OpenSSHError | undefined;
  let pushed = 0;
  try {
    for (const c of chunks) {
      pushed++;
      s.push(c, (l) => out.push(l));
    }
    s.end((l) => out.push(l));
  } catch (e) {
    error = e as OpenSSHError;
  }
  return { out, error, pushed, work: s.work };
};

const repeat = (piece: string, times: number) => Array.from({ length: times }, () => piece);

test('one long line in small chunks: the work is linear in its length', () => {
  const chunk = 'x'.repeat(1024);
  const small = split(repeat(chunk, 256), 'END', { maxLineLength: Infinity });
  const big = split(repeat(chunk, 4096), 'END', { maxLineLength: Infinity });
  assert.equal(small.out, ['x'.repeat(256 * 1024)]);
  assert.equal(big.out, ['x'.repeat(4096 * 1024)]);
  const perChar = (r: { work: number }, total: number) => r.work / total;
  console.log(
    `    work per character: ${perChar(small, 256 * 1024).toFixed(3)} (256 KiB line), ` +
      `${perChar(big, 4096 * 1024).toFixed(3)} (4 MiB line)`,
  );
  // quadratic work would be ~128 and ~2048 characters per character here: each chunk re-read what was pending
  assert.ok(perChar(big, 4096 * 1024) < 3, `work per character ${perChar(big, 4096 * 1024)}`);
  assert.ok(perChar(big, 4096 * 1024) < perChar(small, 256 * 1024) * 1.05, '16 times the line, 16 times the work');
});

test('one character per chunk, a 3-character separator: still linear (only the carry is searched again)', () => {
  const text = `${'ab'.repeat(50_000)}END${'c'.repeat(100_000)}ENDd`;
  const r = split([...text], 'END', { maxLineLength: Infinity });
  assert.equal(r.out, ['ab'.repeat(50_000), 'c'.repeat(100_000), 'd']);
  assert.ok(r.work / text.length < 10, `work per character ${r.work / text.length}`);
});

test('many short lines in big chunks: each character handled a bounded number of times', () => {
  const text = Array.from({ length: 100_000 }, (_, i) => String(i)).join('\r\n');
  const chunks = Array.from({ length: Math.ceil(text.length / 65536) }, (_, i) =>
    text.slice(i * 65536, (i + 1) * 65536),
  );
  const r = split(chunks, '\r\n');
  assert.is(r.out.length, 100_000);
  assert.ok(r.out.every((l, i) => l === String(i)));
  assert.ok(r.work / text.length < 3, `work per character ${r.work / text.length}`);
});

test('random text cut at random places gives the lines String.split gives (seeded, 3 separators)', () => {
  let seed = 12345;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const alphabet = ['a', 'E', 'N', 'D', 'EN', '\r', '\n', 'é', '𝄞'];
  for (const sep of ['\n', 'END', '\r\n']) {
    for (let round = 0; round < 200; round++) {
      let text = '';
      for (let k = rand(80); k > 0; k--) text += alphabet[rand(alphabet.length)];
      const chunks: string[] = [];
      for (let at = 0; at < text.length; ) {
        const len = 1 + rand(6);
        chunks.push(text.slice(at, at + len));
        at += len;
      }
      const want = text.split(sep);
      if (want.at(-1) === '') want.pop();
      const got = split(chunks, sep, { maxLineLength: Infinity });
      assert.equal(got.out, want, `${JSON.stringify(sep)} over ${JSON.stringify(chunks)}`);
    }
  }
});

test('maxLineLength: a line of exactly the limit passes, one character more fails with OSSH_SLAVE_PIPE_FAILED', () => {
  assert.equal(split(['abcd\nef', 'gh\nijkl'], '\n', { maxLineLength: 4 }).out, ['abcd', 'efgh', 'ijkl']);
  for (const chunks of [['abcde\n'], ['ab', 'cde\n'], ['abcde'], ['ab', 'cde']]) {
    const r = split(chunks, '\n', { maxLineLength: 4 });
    assert.is(r.error?.code, 'OSSH_SLAVE_PIPE_FAILED', JSON.stringify(chunks));
    assert.match(r.error!.message, /longer than maxLineLength \(4 characters\)/);
    assert.match(r.error!.message, /pass a larger `maxLineLength` \(Infinity for no limit\)/);
    assert.match(r.error!.message, /as a stream \(exec\$, pipeOut\)/);
  }
});

test('maxLineLength: the separator, the \\r that crlf drops and a kept separator are not counted', () => {
  assert.equal(split(['abcd\r', '\nx'], '\n', { maxLineLength: 4, crlf: true }).out, ['abcd', 'x']);
  assert.equal(split(['abcdE', 'NDx'], 'END', { maxLineLength: 4 }).out, ['abcd', 'x']);
  assert.equal(split(['abcd;ab'], ';', { maxLineLength: 4, keepSeparator: true }).out, ['abcd;', 'ab']);
  assert.is(split(['abcde\r\n'], '\n', { maxLineLength: 4, crlf: true }).error?.code, 'OSSH_SLAVE_PIPE_FAILED');
});

test('maxLineLength: fails as soon as the line is sure to be too long, not when its separator comes', () => {
  const r = split(['ab', 'cd', 'efg', 'h', 'i\n'], 'END', { maxLineLength: 4 });
  // after 'efg' 7 characters wait: the last 2 may start 'END', so the line has at least 5
  assert.is(r.error?.code, 'OSSH_SLAVE_PIPE_FAILED');
  assert.is(r.pushed, 3, 'the third chunk failed');
  const once = split(repeat('x'.repeat(1000), 10_000), '\n');
  assert.is(once.pushed, Math.ceil((DEFAULT_MAX_LINE_LENGTH + 1) / 1000), 'the default: 1 MiB, then it fails');
  assert.match(once.error!.message, /maxLineLength \(1048576 characters\)/);
});

test('maxLineLength: the lines completed before the long one are delivered first', () => {
  const r = split(['one\ntwo\nthree-is-long'], '\n', { maxLineLength: 5 });
  assert.equal(r.out, ['one', 'two']);
  assert.is(r.error?.code, 'OSSH_SLAVE_PIPE_FAILED');
});

test('maxLineLength: a positive integer or Infinity, checked at once', () => {
  for (const bad of [0, -1, 1.5, Number.NaN, '10', null]) {
    try {
      lines('\n', { maxLineLength: bad as number });
      assert.unreachable(`accepted ${String(bad)}`);
    } catch (e) {
      assert.is((e as OpenSSHError).code, 'OSSH_INVALID_ARGUMENT');
      assert.match((e as Error).message, /maxLineLength/);
    }
  }
  lines('\n', { maxLineLength: Infinity });
});

test('lines: multi-byte UTF-8 cut at every chunk boundary inside a long line comes out exact', async () => {
  const text = `${'€ü𝄞'.repeat(20_000)}\n${'é'.repeat(10)}`;
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let at = 0, n = 1; at < bytes.length; at += n, n = (n % 7) + 1) chunks.push(bytes.subarray(at, at + n));
  const got = await lastValueFrom(of(...chunks).pipe(lines('\n', { maxLineLength: Infinity }), toArray()));
  assert.equal(got, ['€ü𝄞'.repeat(20_000), 'é'.repeat(10)]);
});

test('lines: the limit errors the stream after the earlier lines, and unsubscribes the source', async () => {
  const { values, error } = await settle(of('a\nb\n', 'ccccc', 'never read').pipe(lines('\n', { maxLineLength: 4 })));
  assert.equal(values, ['a', 'b']);
  assert.is((error as OpenSSHError).code, 'OSSH_SLAVE_PIPE_FAILED');
  marbles().run(({ cold, expectObservable, expectSubscriptions }) => {
    const src = cold('-a-b-c-d-|', { a: 'x\nyy', b: 'yy', c: 'y', d: '\n' });
    expectObservable(src.pipe(lines('\n', { maxLineLength: 4 }))).toBe('-x---#', { x: 'x' }, error);
    expectSubscriptions(src.subscriptions).toBe('^----!');
  });
});

test.run();
