// capture() of more output than one string can hold rejects with an OpenSSHError that says what to use
// instead, not Node's ERR_STRING_TOO_LONG (issue 20, defect 10). The limit is V8's, the same for both engines
// (the bytes are decoded after the command ended, whichever engine brought them): this moves 512 MiB, so it
// runs once, on the mux engine, in a child process (test/fixtures/capture-size-client.ts says why).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSshd } from '../fixtures/sshd';
import { strict } from '../helpers/setup';
import { scriptBundle } from '../helpers/script-bundle';

strict();
const test = suite('e2e: capture size');
const f = await startSshd();
const CLIENT = fileURLToPath(new URL('../fixtures/capture-size-client.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));
test.after(async () => {
  await f?.stop();
});

interface Outcome {
  n: number;
  ms: number;
  code?: string;
  message?: string;
  after: string;
}

if (f)
  test('mux: capture of MAX_STRING_LENGTH + 1 bytes rejects with OSSH_SLAVE_PIPE_FAILED naming the size', async () => {
    const job = JSON.stringify({ destination: f.destination, options: f.options({ engine: 'mux' }) });
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [scriptBundle(CLIENT), job],
        { cwd: REPO, timeout: 300_000, maxBuffer: 1 << 20 },
        (e, out, err) => (e ? reject(new Error(`${e.message}\n${err}`)) : resolve(out)),
      ),
    );
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as Outcome;
    console.log(`capture of ${r.n} bytes: ${r.ms} ms`);
    assert.is(r.code, 'OSSH_SLAVE_PIPE_FAILED', `${r.code}: ${r.message}`);
    assert.match(r.message!, /too large for a string/);
    assert.ok(r.message!.includes(String(r.n)), 'the message names the size');
    assert.match(r.message!, /onStdout.*stdoutFh.*pipeOut.*capture\$/);
    assert.is(r.after, 'after\n', 'the connection goes on');
  });

test.run();
