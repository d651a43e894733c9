// A running master whose control socket was deleted can no longer be reached: the next call that needs the
// socket reports a master failure (OSSH_MASTER_FAILED naming the socket), state$ says `failed`, and our master
// process is ended (issue 20, defect 12).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { unlinkSync } from 'node:fs';
import type { OpenSSHError } from '../../src/index';
import { startSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { alive, sshProcessesWith } from '../helpers/processes';
import { eventually, noHang, rejects, strict } from '../helpers/setup';

strict();
const test = suite('e2e: control socket gone');
const f = await startSshd();
test.after(async () => {
  await disconnectAll();
  await f?.stop();
});

if (f) {
  for (const engine of ENGINES)
    test(`${engine}: a call after the control socket was deleted is a master failure; the master ends`, async () => {
      const ssh = connect(f, { engine });
      await ssh.waitForMaster();
      const pid = ssh.masterPid!;
      const ctlPath = ssh.getCtlPath()!;
      unlinkSync(ctlPath); // the master lives on; nothing can reach it
      const e = await noHang(rejects<OpenSSHError>(ssh.capture('echo unreachable')), 'the call');
      assert.is(e.code, 'OSSH_MASTER_FAILED', `${e.code}: ${e.message}`);
      assert.match(e.message, 'control socket');
      assert.is(ssh.state.name, 'failed');
      assert.is((ssh.state as { error: OpenSSHError }).error.message, e.message, 'state$ carries the same error');
      assert.ok(await eventually(() => !alive(pid), 10_000), `master pid ${pid} still runs`);
      assert.equal(sshProcessesWith(ctlPath), [], 'no ssh process of this control path is left');
      // the next call fails at once with the same error: nothing waits on a master that is gone
      const again = await noHang(rejects<OpenSSHError>(ssh.capture('echo again')), 'the next call');
      assert.is(again.code, 'OSSH_MASTER_FAILED');
    });
}

test.run();
