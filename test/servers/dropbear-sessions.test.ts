// dropbear 2022.83 loses the exit status of sessions that end at the same moment (it keeps one pending child exit
// per connection) and sometimes drops the connection when many sessions close together. Without `maxSessions`, the
// mux engine learns it: a session closed without an exit status beside others lowers the session limit to one, and
// the failure says what the server did (there is no "child" on the mux engine). docs/servers.md.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { OpenSSH, OpenSSHError } from '../../src/index';
import { startDropbear } from '../fixtures/servers';
import { connect, disconnectAll } from '../helpers/connect';
import { noHang, strict } from '../helpers/setup';

strict();
const test = suite('servers: dropbear sessions (mux engine, no maxSessions given)');
const f = await startDropbear();
test.after(async () => {
  await disconnectAll();
  await f?.destroy();
});

// the commands end together (after the same sleep): the race dropbear loses, even on a loaded machine
const batch = (ssh: OpenSSH) =>
  noHang(Promise.allSettled(Array.from({ length: 40 }, (_, i) => ssh.capture(`sleep 0.2; echo ${i}`))), '40 at once');

if (f) {
  test('a lost exit status is named as such, lowers the limit, and the next 40 at once all succeed', async () => {
    let ssh = connect(f, { engine: 'mux' });
    let learned = false;
    // dropbear loses a status in nearly every batch of 40; a batch where it dropped the connection is run again
    for (let round = 0; round < 8 && !learned; round++) {
      const failures = (await batch(ssh))
        .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
        .map((r) => r.reason as OpenSSHError);
      for (const e of failures) {
        assert.not.match(e.message, /child/, 'no child on the mux engine');
        if (e.code === 'OSSH_MASTER_FAILED') continue;
        assert.is(e.code, 'OSSH_SLAVE_CMD_FAILED');
        assert.is(e.exitCode, 255);
        assert.match(e.message, 'the server closed the channel without an exit status');
      }
      if (failures.some((e) => e.code === 'OSSH_MASTER_FAILED')) ssh = connect(f, { engine: 'mux' });
      else learned = failures.length > 0;
    }
    // a machine too slow to end two commands together may never show the race: then the rest holds all the same
    if (!learned)
      console.log('  NOTE: dropbear lost no exit status in 8 batches of 40 (if it is fixed: docs/servers.md)');
    const pid = ssh.masterPid;
    const outs = await batch(ssh);
    assert.equal(
      outs.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
      Array.from({ length: 40 }, (_, i) => `${i}\n`),
    );
    assert.is(ssh.masterPid, pid, 'the connection survived');
  });
}

test.run();
