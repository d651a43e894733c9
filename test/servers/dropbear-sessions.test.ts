// dropbear 2022.83 loses the exit status of sessions that end at the same moment (it keeps one pending child exit
// per connection) and sometimes drops the connection when many sessions close together. The library knows dropbear
// by its version string (the master's ssh logs it) and keeps one session at a time when `maxSessions` is not given.
// Given, the user's value wins; then the mux engine still learns from a session closed without an exit status beside
// others, lowers the limit to one, and the failure says what the server did (there is no "child" on the mux engine).
// docs/servers.md.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { OpenSSH, OpenSSHError } from '../../src/index';
import { startDropbear } from '../fixtures/servers';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { noHang, rejects, strict } from '../helpers/setup';

strict();
const f = await startDropbear();

// the commands end together (after the same sleep): the race dropbear loses, even on a loaded machine
const batch = (ssh: OpenSSH) =>
  noHang(
    Promise.allSettled(Array.from({ length: 40 }, (_, i) => ssh.capture(`sleep 0.2; echo ${i}`))),
    '40 at once',
    120_000,
  );
const outcomes = (rs: PromiseSettledResult<string>[]) =>
  rs.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message));
const ALL = Array.from({ length: 40 }, (_, i) => `${i}\n`);

for (const engine of ENGINES) {
  const test = suite(`servers: dropbear known by its version (${engine} engine, no maxSessions given)`);
  test.after(() => disconnectAll());
  if (f)
    test('the version is learnt; 40 at once, ending together, all succeed and the connection survives', async () => {
      const ssh = connect(f, { engine });
      await ssh.waitForMaster();
      assert.match(ssh.serverVersion ?? '', /^dropbear_\d/);
      const pid = ssh.masterPid;
      assert.equal(outcomes(await batch(ssh)), ALL);
      assert.is(ssh.masterPid, pid, 'the connection survived');
      assert.is(await ssh.capture('echo still'), 'still\n');
    });
  if (f)
    test("a call waiting too long for the session is OSSH_SLAVE_TIMEOUT giving dropbear's reason", async () => {
      const ssh = connect(f, { engine });
      const busy = ssh.capture('sleep 2; echo done');
      const e = await rejects<OpenSSHError>(ssh.capture({ timeout: 1 }, 'echo never'));
      assert.is(e.code, 'OSSH_SLAVE_TIMEOUT');
      assert.match(e.message, /waiting for a free session/);
      assert.match(e.message, /at most 1 .*dropbear_\S+ loses the exit status of sessions that end together/);
      assert.is(await busy, 'done\n');
    });
  test.run();
}

const test = suite('servers: dropbear sessions (mux engine, maxSessions 10 given: the lost status teaches)');
test.after(async () => {
  await disconnectAll();
  await f?.destroy();
});

if (f) {
  test('a lost exit status is named as such, lowers the limit, and the next 40 at once all succeed', async () => {
    let ssh = connect(f, { engine: 'mux', maxSessions: 10 });
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
      if (failures.some((e) => e.code === 'OSSH_MASTER_FAILED')) ssh = connect(f, { engine: 'mux', maxSessions: 10 });
      else learned = failures.length > 0;
    }
    // a machine too slow to end two commands together may never show the race: then the rest holds all the same
    if (!learned)
      console.log('  NOTE: dropbear lost no exit status in 8 batches of 40 (if it is fixed: docs/servers.md)');
    const pid = ssh.masterPid;
    assert.equal(outcomes(await batch(ssh)), ALL);
    assert.is(ssh.masterPid, pid, 'the connection survived');
  });
}

test.run();
