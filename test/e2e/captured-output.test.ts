// The collected-output paths (capture, captureLines, capture2) keep each byte once and decode as the output
// arrives (src/core/captured-text.ts): these are the edges of that, on both engines. Characters cut by the
// engine's reads, packets and our blocks; no output; output past several blocks; output that came before a
// failure or a timeout, decoded with the call's stream encoding. capture$ and lines$ decode the chunks the mux
// engine lends them; capture$ of bytes hands its chunks to the caller, who may keep them.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { lastValueFrom, toArray } from 'rxjs';
import type { OpenSSH, OpenSSHError } from '../../src/index';
import { LARGE_BLOCK } from '../../src/core/captured-text';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { rejects, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();

// 1- to 4-byte characters after an odd prefix, so that every cut (reads, 32 KiB packets, blocks) falls
// somewhere inside a character over ~2.6 MiB
const TEXT = `x${'a\u00e9\u20ac\u{1f600}'.repeat(260_000)}`;
const BYTES = Buffer.from(TEXT);
// mostly ASCII (the path that copies ASCII as it is) with runs of 2- to 4-byte characters between, ~3 MiB: blocks,
// reads and packets start and end in both kinds, and cut characters that an ASCII block then completes
const MOSTLY_ASCII = Array.from(
  { length: 48 },
  (_, i) => `${'ascii '.repeat(10_000 + i * 97)}\n${'\u00e9\u20ac\u{1f600}'.repeat(1 + i * 41)}`,
).join('');

for (const engine of ENGINES) {
  const test = suite(`e2e: captured output (${engine} engine)`);
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

  test('capture and capture2 of multibyte text cut everywhere: the text, whole', async () => {
    assert.ok(BYTES.length > 2 * LARGE_BLOCK);
    const text = await ssh.capture({ stdinData: BYTES }, 'cat');
    assert.is(text.length, TEXT.length);
    assert.ok(text === TEXT, 'the same text');
    const [out, err] = await ssh.capture2({ stdinData: BYTES }, 'cat | tee /dev/stderr');
    assert.ok(out === TEXT, 'stdout');
    assert.ok(err === TEXT, 'stderr');
  });

  test('capture$ with an encoding and lines$ (chunks lent), capture$ of bytes (chunks kept): whole', async () => {
    const text$ = ssh.capture$({ stdinData: BYTES, encoding: 'utf-8' }, 'cat');
    assert.ok((await lastValueFrom(text$.pipe(toArray()))).join('') === TEXT, 'capture$ text');
    const lines = await lastValueFrom(ssh.lines$({ stdinData: BYTES, separator: '\u20ac' }, 'cat').pipe(toArray()));
    assert.is(lines.length, 260_001); // the last, after the last separator, is emitted at the exit
    assert.ok(lines.join('\u20ac') === TEXT, 'lines$');
    const chunks = await lastValueFrom(ssh.capture$({ stdinData: BYTES }, 'cat').pipe(toArray()));
    assert.ok(Buffer.concat(chunks).equals(BYTES), 'capture$ bytes, each chunk the caller keeps');
  });

  test('mostly ASCII with runs of multibyte text: capture2 (both streams), capture$ and lines$ whole', async () => {
    const bytes = Buffer.from(MOSTLY_ASCII);
    assert.ok(bytes.length > 2 * LARGE_BLOCK);
    const [out, err] = await ssh.capture2({ stdinData: bytes }, 'cat | tee /dev/stderr');
    assert.ok(out === MOSTLY_ASCII, 'stdout');
    assert.ok(err === MOSTLY_ASCII, 'stderr');
    const text$ = ssh.capture$({ stdinData: bytes, encoding: 'utf-8' }, 'cat');
    assert.ok((await lastValueFrom(text$.pipe(toArray()))).join('') === MOSTLY_ASCII, 'capture$ text');
    const lines = await lastValueFrom(ssh.lines$({ stdinData: bytes }, 'cat').pipe(toArray()));
    assert.equal(lines, MOSTLY_ASCII.split('\n'));
  });

  test('a bad byte inside ASCII output: U+FFFD in capture2, the error or U+FFFD in capture$', async () => {
    const bytes = Buffer.concat([Buffer.from('a'.repeat(100_000)), Buffer.from([0xff]), Buffer.from('b'.repeat(99))]);
    const want = `${'a'.repeat(100_000)}\ufffd${'b'.repeat(99)}`;
    assert.equal(await ssh.capture2({ stdinData: bytes }, 'cat | tee /dev/stderr'), [want, want]);
    const e = await rejects<OpenSSHError>(lastValueFrom(ssh.capture$({ stdinData: bytes, encoding: 'utf-8' }, 'cat')));
    assert.is(e.code, 'OSSH_ENCODING_ERROR');
    const lax$ = ssh.capture$({ stdinData: bytes, encoding: 'utf-8', fatal: false }, 'cat');
    assert.is((await lastValueFrom(lax$.pipe(toArray()))).join(''), want);
  });

  test('no output: empty strings, no lines', async () => {
    assert.is(await ssh.capture('true'), '');
    assert.equal(await ssh.capture2('true'), ['', '']);
    assert.equal(await ssh.captureLines('true'), []);
  });

  test('random bytes past several blocks, as latin1: every byte kept, in order', async () => {
    const bytes = randomBytes(3 * LARGE_BLOCK + 4321);
    const text = await ssh.capture({ stdinData: bytes, streamEncoding: 'latin1' }, 'cat');
    assert.ok(Buffer.from(text, 'latin1').equals(bytes));
  });

  test('a TextDecoder encoding (UTF-16BE) cut between its two bytes: the text, whole', async () => {
    const part = TEXT.slice(0, 1 + 5 * 60_000); // whole characters: 'x', then 5 UTF-16 units a repetition
    const utf16be = Buffer.from(part, 'utf16le').swap16();
    const text = await ssh.capture({ stdinData: utf16be, streamEncoding: 'utf-16be' }, 'cat');
    assert.ok(text === part);
  });

  test('a failure after 2.6 MiB of output: the error carries all of it', async () => {
    const e = await rejects<OpenSSHError>(ssh.capture({ stdinData: BYTES }, 'cat; exit 3'));
    assert.is(e.code, 'OSSH_SLAVE_CMD_FAILED');
    assert.is(e.exitCode, 3);
    assert.ok(e.stdout === TEXT, 'stdout');
    const e2 = await rejects<OpenSSHError>(ssh.capture2({ stdinData: BYTES }, 'cat >&2; echo out; exit 4'));
    assert.is(e2.stdout, 'out\n');
    // the error keeps stderr's tail (as every OSSH_SLAVE_CMD_FAILED), taken from the whole text
    assert.ok(e2.stderr && e2.stderr.length > 100 && TEXT.endsWith(e2.stderr), 'the tail of stderr');
  });

  test('a timeout mid-output: the error carries what arrived, in the call stream encoding', async () => {
    // latin1 e-acute, then silence until the timeout
    const e = await rejects<OpenSSHError>(
      ssh.capture({ timeout: 1, streamEncoding: 'latin1' }, "printf 'caf\\351'; sleep 30"),
    );
    assert.is(e.code, 'OSSH_SLAVE_TIMEOUT');
    assert.is(e.stdout, 'caf\u00e9');
  });

  test.run();
}
