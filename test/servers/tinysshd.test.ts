// tinysshd serves one session per connection: it ends the connection when the first session ends. The command
// that ran is reported as completed (its status arrived before the connection ended: on the spawn engine the master's
// death used to win that race), and the next call fails with OSSH_MASTER_FAILED. docs/servers.md.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { OpenSSHError } from '../../src/index';
import { startTinysshd } from '../fixtures/servers';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { rejects, strict } from '../helpers/setup';

strict();
const f = await startTinysshd();
if (f) console.log(`  server: ${f.name} (${f.version}) on port ${f.port}`);

for (const engine of ENGINES) {
  const test = suite(`servers: tinysshd, one session per connection (${engine} engine)`);
  test.after(() => disconnectAll());
  if (f)
    test('the first command completes, the next fails with OSSH_MASTER_FAILED (4 connections)', async () => {
      // several rounds: the connection ends right behind the exit status, a race the library must always win
      for (let round = 0; round < 4; round++) {
        const ssh = connect(f, { engine });
        assert.is(await ssh.capture('echo first; exit 0'), 'first\n', `round ${round}`);
        const e = await rejects<OpenSSHError>(ssh.capture('echo second'));
        assert.is(e.code, 'OSSH_MASTER_FAILED');
        await ssh.disconnect();
      }
    });
  test.run();
}

const done = suite('servers: tinysshd teardown');
done.after(async () => {
  await f?.destroy();
});
done('the server stops', () => {});
done.run();
