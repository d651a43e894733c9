// capture() of more output than one string can hold rejects with an OpenSSHError that says what to use
// instead, not Node's ERR_STRING_TOO_LONG (issue 20, defect 10). The limit is V8's, the same for both engines
// (the bytes are decoded after the command ended, whichever engine brought them): this moves 512 MiB, so it
// runs once, on the mux engine.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { constants } from 'node:buffer';
import type { OpenSSHError } from '../../src/index';
import { startSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { noHang, rejects, strict } from '../helpers/setup';

strict();
const test = suite('e2e: capture size');
const f = await startSshd();
test.after(async () => {
  await disconnectAll();
  await f?.stop();
});

if (f)
  test('mux: capture of MAX_STRING_LENGTH + 1 bytes rejects with OSSH_SLAVE_PIPE_FAILED naming the size', async () => {
    const ssh = connect(f, { engine: 'mux' });
    const n = constants.MAX_STRING_LENGTH + 1;
    const t0 = performance.now();
    const e = await noHang(
      rejects<OpenSSHError>(ssh.capture({ timeout: 0 }, `head -c ${n} /dev/zero`)),
      'a 512 MiB capture',
      300_000,
    );
    console.log(`capture of ${n} bytes: ${Math.round(performance.now() - t0)} ms`);
    assert.is(e.code, 'OSSH_SLAVE_PIPE_FAILED', `${(e as Error & { code?: string }).code}: ${e.message}`);
    assert.match(e.message, /too large for a string/);
    assert.ok(e.message.includes(String(n)), 'the message names the size');
    assert.match(e.message, /onStdout.*stdoutFh.*pipeOut.*capture\$/);
    assert.is(await ssh.capture('echo after'), 'after\n', 'the connection goes on');
  });

test.run();
