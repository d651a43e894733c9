import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { buildCommandBytes } from '../../src/quoting/command-bytes';
import { buildCommandLine } from '../../src/quoting/command-line';
import { encodeCommandLine } from '../../src/quoting/encoding';
import { BACKENDS } from '../../src/quoting/get-quoter';
import { glob, raw } from '../../src/quoting/quoter';
import { QuotingError } from '../../src/quoting/quoting-error';
import { SEED, announceSeed, argv } from './support/arbitraries';

const test = suite('quoting/command-bytes');
announceSeed('quoting/command-bytes');

test('Buffer arguments are quoted byte for byte (every byte >= 0x80 inside quotes)', () => {
  const line = buildCommandBytes(['cat', Buffer.from([0x66, 0xe9, 0x20, 0x27])], { quoter: 'POSIX' });
  assert.equal([...line], [...Buffer.from("cat 'f"), 0xe9, ...Buffer.from(" '\\'")]);
  assert.equal(
    [...buildCommandBytes(['x', new Uint8Array([0xff])], { quoter: 'POSIX' })],
    [...Buffer.from("x '"), 0xff, 0x27],
  );
});

test('text arguments are encoded first (utf8 by default, latin1 on request); markers too', () => {
  assert.equal(buildCommandBytes(['echo', 'café'], { quoter: 'POSIX' }), Buffer.from("echo 'café'", 'utf8'));
  assert.equal(
    buildCommandBytes(['echo', 'café'], { quoter: 'POSIX', encoding: 'latin1' }),
    Buffer.from("echo 'café'", 'latin1'),
  );
  assert.equal(buildCommandBytes(['ls', glob('é*'), raw('|'), 'wc'], { quoter: 'POSIX' }), Buffer.from("ls 'é'* | wc"));
});

test('errors: unencodable text, NUL in a Buffer', () => {
  assert.throws(
    () => buildCommandBytes(['echo', '☺'], { quoter: 'POSIX', encoding: 'latin1' }),
    (e: unknown) => e instanceof QuotingError && e.code === 'OSSH_ENCODING_ERROR',
  );
  assert.throws(
    () => buildCommandBytes(['cat', Buffer.from([0x61, 0, 0x62])], { quoter: 'POSIX' }),
    (e: unknown) => e instanceof QuotingError && e.code === 'OSSH_INVALID_ARGUMENT',
  );
});

// The decision written in char-classes.ts: quoting characters then encoding equals encoding then quoting bytes.
for (const [name, quoter] of BACKENDS)
  test(`${name}: text quoted then encoded = encoded then quoted as bytes (2000 argv)`, () => {
    fc.assert(
      fc.property(argv(), (args) => {
        const safe = name === 'MSCmd' ? args.map((a) => a.replace(/[\r\n]/g, '')) : args;
        const all = ['cmd', ...safe];
        assert.equal(buildCommandBytes(all, { quoter }), encodeCommandLine(buildCommandLine(all, { quoter })));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

test.run();
