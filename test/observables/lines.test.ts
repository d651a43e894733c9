import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lastValueFrom, of, tap, toArray } from 'rxjs';
import type { OpenSSH, OpenSSHError } from '../../src/index';
import { lines, stdout } from '../../src/observables/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { strict } from '../helpers/setup';
import { marbles, settle } from './support';

strict();
const all = <T>(o: import('rxjs').Observable<T>) => lastValueFrom(o.pipe(toArray()));

const pure = suite('observables: lines (logic)');

pure('splits text chunks, keeps empty lines, flushes the last partial line at completion', async () => {
  assert.equal(await all(of('a\nb', 'c\n', '\nd').pipe(lines())), ['a', 'bc', '', 'd']);
  assert.equal(await all(of('a\n', 'b\n').pipe(lines())), ['a', 'b'], 'no empty line after a final separator');
  assert.equal(await all(of<string>().pipe(lines())), []);
});

pure('a separator cut by a chunk boundary is still found', async () => {
  assert.equal(await all(of('a\r', '\nb\r', '\n').pipe(lines('\r\n'))), ['a', 'b']);
  assert.equal(await all(of('xE', 'N', 'DyE', 'NDz').pipe(lines('END'))), ['x', 'y', 'z']);
  assert.equal(await all(of('xEN', 'Q').pipe(lines('END'))), ['xENQ'], 'a false start of the separator is text');
});

pure('crlf drops the \\r before \\n; keepSeparator keeps the separator', async () => {
  assert.equal(await all(of('a\r\nb\n', 'c\r', '\n').pipe(lines('\n', { crlf: true }))), ['a', 'b', 'c']);
  assert.equal(await all(of('a\r\nb\n').pipe(lines())), ['a\r', 'b']);
  assert.equal(await all(of('a;b;', 'c').pipe(lines(';', { keepSeparator: true }))), ['a;', 'b;', 'c']);
});

pure('bytes are decoded as UTF-8 as they arrive, a character split between chunks included', async () => {
  const euro = Buffer.from('€\n'); // e2 82 ac 0a
  assert.equal(await all(of(euro.subarray(0, 1), euro.subarray(1, 2), euro.subarray(2)).pipe(lines())), ['€']);
  const { error } = await settle(of(Buffer.from([0x61, 0xff, 0x0a])).pipe(lines()));
  assert.is((error as OpenSSHError).code, 'OSSH_ENCODING_ERROR');
});

pure('an empty or non-string separator is rejected at once', () => {
  for (const bad of ['', 3, null]) {
    try {
      lines(bad as string);
      assert.unreachable('accepted');
    } catch (e) {
      assert.is((e as OpenSSHError).code, 'OSSH_INVALID_ARGUMENT');
    }
  }
});

pure(
  'marbles: a line is emitted when its separator arrives; errors pass through; unsubscription reaches the source',
  () => {
    marbles().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('-a-b-c-|', { a: 'x\ny', b: 'z', c: '\nw' });
      expectObservable(src.pipe(lines())).toBe('-x---y-(w|)', { x: 'x', y: 'yz', w: 'w' });
      const failing = cold('-a-#', { a: 'p\nq' });
      expectObservable(failing.pipe(lines())).toBe('-p-#', { p: 'p' });
      const endless = cold('-a-a-a-a-a', { a: 'l\n' });
      expectObservable(endless.pipe(lines()), '^---!').toBe('-l-l-', { l: 'l' });
      expectSubscriptions(endless.subscriptions).toBe('^---!');
    });
  },
);

pure.run();

const f = await sharedSshd();
for (const engine of ENGINES) {
  const test = suite(`observables: lines (${engine} engine)`);
  let ssh: OpenSSH;
  test.before(async () => {
    ssh = connect(f!, { engine });
    await ssh.waitForMaster();
  });
  test.after(disconnectAll);
  if (!f) {
    test.run();
    continue;
  }

  test('lines across chunk boundaries of real output', async () => {
    let chunks = 0;
    const got = await all(
      ssh.exec$("printf 'one\\ntw'; sleep 0.3; printf 'o\\nthr'; sleep 0.3; printf 'ee'").pipe(
        stdout(),
        tap(() => chunks++),
        lines(),
      ),
    );
    assert.equal(got, ['one', 'two', 'three']);
    assert.ok(chunks >= 3, `the output arrived in ${chunks} chunks; the test needs the boundaries`);
  });

  test('a CRLF separator split between two chunks', async () => {
    let chunks = 0;
    const got = await all(
      ssh.exec$("printf 'a\\r'; sleep 0.3; printf '\\nb\\r\\nc'").pipe(
        stdout(),
        tap(() => chunks++),
        lines('\r\n'),
      ),
    );
    assert.equal(got, ['a', 'b', 'c']);
    assert.ok(chunks >= 2, `the output arrived in ${chunks} chunks`);
  });

  test('many lines in large chunks: every line, in order', async () => {
    const got = await all(ssh.exec$('seq 1 100000').pipe(stdout(), lines()));
    assert.is(got.length, 100000);
    assert.ok(got.every((l, i) => l === String(i + 1)));
  });

  test.run();
}
