import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lastValueFrom, of, tap, toArray } from 'rxjs';
import type { OpenSSH, OpenSSHError } from '../../src/index';
import { decode, stdout } from '../../src/observables/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { strict } from '../helpers/setup';
import { settle } from './support';

strict();
const all = <T>(o: import('rxjs').Observable<T>) => lastValueFrom(o.pipe(toArray()));
const bytes = (...b: number[]) => Buffer.from(b);

const pure = suite('observables: decode (logic)');

pure('a character split over three chunks comes out whole, once', async () => {
  assert.equal(await all(of(bytes(0x61, 0xe2), bytes(0x82), bytes(0xac, 0x62)).pipe(decode())), ['a', '€b']);
  const face = Buffer.from('😀'); // 4 bytes
  assert.equal(
    await all(
      of(face.subarray(0, 1), face.subarray(1, 2), face.subarray(2, 3), face.subarray(3)).pipe(decode('utf-8')),
    ),
    ['😀'],
  );
});

pure('other encodings: utf-16le split on an odd byte, iso-8859-2', async () => {
  const t = Buffer.from('ĉu', 'utf16le');
  assert.equal(
    (await all(of(t.subarray(0, 1), t.subarray(1, 3), t.subarray(3)).pipe(decode('utf-16le')))).join(''),
    'ĉu',
  );
  assert.equal(await all(of(bytes(0xb1)).pipe(decode('iso-8859-2'))), ['ą']);
});

pure('undecodable bytes: OSSH_ENCODING_ERROR by default, U+FFFD with fatal: false', async () => {
  const bad = await settle(of(bytes(0x6f, 0x6b), bytes(0xff)).pipe(decode()));
  assert.equal(bad.values, ['ok']);
  assert.is((bad.error as OpenSSHError).code, 'OSSH_ENCODING_ERROR');
  assert.match((bad.error as OpenSSHError).message, /not valid utf-8.*bytes 2\.\.3/);
  assert.equal(await all(of(bytes(0x6f, 0xff, 0x6b)).pipe(decode('utf-8', { fatal: false }))), ['o\ufffdk']);
});

pure('a character cut off at the end: an error, or U+FFFD', async () => {
  const cut = await settle(of(bytes(0x61, 0xe2, 0x82)).pipe(decode('utf-8', { host: 'h1' })));
  assert.equal(cut.values, ['a']);
  assert.is((cut.error as OpenSSHError).code, 'OSSH_ENCODING_ERROR');
  assert.is((cut.error as OpenSSHError).host, 'h1');
  assert.match((cut.error as OpenSSHError).message, 'ends in the middle of a character');
  assert.equal(await all(of(bytes(0x61, 0xe2, 0x82)).pipe(decode('utf-8', { fatal: false }))), ['a', '\ufffd']);
});

pure('a byte order mark is data; an unknown encoding throws at once', async () => {
  assert.equal(await all(of(bytes(0xef, 0xbb, 0xbf, 0x78)).pipe(decode())), ['\ufeffx']);
  try {
    decode('no-such-encoding');
    assert.unreachable('accepted');
  } catch (e) {
    assert.is((e as OpenSSHError).code, 'OSSH_ENCODING_ERROR');
    assert.match((e as OpenSSHError).message, "bad encoding 'no-such-encoding'");
  }
});

pure('each subscription decodes on its own', async () => {
  const o = of(bytes(0xe2, 0x82)).pipe(decode('utf-8', { fatal: false }));
  assert.equal(await all(o), ['\ufffd']);
  assert.equal(await all(o), ['\ufffd']);
});

pure.run();

const f = await sharedSshd();
for (const engine of ENGINES) {
  const test = suite(`observables: decode (${engine} engine)`);
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

  test('a multi-byte character the remote side sends in two writes, with a pause', async () => {
    let chunks = 0;
    // € is e2 82 ac and 😀 is f0 9f 98 80: each is cut in two by a pause
    const cmd = "printf 'x\\342\\202'; sleep 0.3; printf '\\254 \\360'; sleep 0.3; printf '\\237\\230\\200\\n'";
    const got = await all(
      ssh.exec$(cmd).pipe(
        stdout(),
        tap(() => chunks++),
        decode('utf-8'),
      ),
    );
    assert.ok(chunks >= 3, `the output arrived in ${chunks} chunks; the test needs the split`);
    assert.equal(got, ['x', '€ ', '😀\n']);
  });

  test('invalid bytes from the server: OSSH_ENCODING_ERROR, or U+FFFD', async () => {
    const bad = await settle(ssh.exec$("printf 'ok\\377'").pipe(stdout(), decode()));
    assert.is((bad.error as OpenSSHError).code, 'OSSH_ENCODING_ERROR');
    assert.equal(
      (await all(ssh.exec$("printf 'ok\\377'").pipe(stdout(), decode('utf-8', { fatal: false })))).join(''),
      'ok\ufffd',
    );
  });

  test('a large UTF-8 text decodes byte for byte', async () => {
    const text = 'ĉ€😀a'.repeat(50000);
    const got = await all(ssh.exec$({ stdinData: text }, 'cat').pipe(stdout(), decode()));
    assert.ok(got.length > 1, 'several chunks');
    assert.ok(got.join('') === text, 'the text came back unchanged');
  });

  test.run();
}
