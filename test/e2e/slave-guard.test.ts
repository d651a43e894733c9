// The spawn slave's guard (ControlMaster=no, ProxyCommand=false) comes before the user's options: ssh keeps the
// first value of each option, so with the control socket gone a ProxyCommand in `sshOpts`/`defaultSshOpts` must
// not run, and the slave must not open a connection of its own (issue 20, defect 4).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenSSHError } from '../../src/index';
import { startSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { noHang, rejects, strict } from '../helpers/setup';

strict();
const test = suite('e2e: slave guard');
const f = await startSshd();
const dir = mkdtempSync(join(tmpdir(), 'ossh-guard-'));
chmodSync(dir, 0o777); // the remote command runs as the test account
test.after(async () => {
  await disconnectAll();
  await f?.stop();
  rmSync(dir, { recursive: true, force: true });
});

if (f) {
  let n = 0;
  // Only slaves carry the guard: the spawn engine, and a call's sshOpts on a mux connection ('auto' sends
  // such a call to a slave; an explicit engine 'mux' refuses it).
  const cases = [
    { engine: ENGINES[0]!, where: 'sshOpts' as const },
    { engine: ENGINES[0]!, where: 'defaultSshOpts' as const },
    { engine: 'auto' as const, where: 'sshOpts' as const },
  ];
  assert.is(ENGINES[0], 'spawn');
  for (const { engine, where } of cases)
    test(`${engine}: a ProxyCommand in ${where} never runs when the control socket is gone`, async () => {
      const proxyMarker = join(dir, `proxy-${++n}`);
      const remoteMarker = join(dir, `remote-${n}`);
      const opts = ['-o', `ProxyCommand=sh -c "touch ${proxyMarker}; exit 1"`];
      const ssh = connect(f, { engine, ...(where === 'defaultSshOpts' && { defaultSshOpts: opts }) });
      await ssh.waitForMaster();
      assert.is(await ssh.capture(where === 'sshOpts' ? { sshOpts: ['-q'] } : {}, 'echo up'), 'up\n');
      unlinkSync(ssh.getCtlPath()!); // the master lives on; its socket is gone
      const call = where === 'sshOpts' ? { sshOpts: opts } : {};
      const e = await noHang(rejects<OpenSSHError>(ssh.capture(call, 'touch', remoteMarker)), 'the call');
      assert.ok(e.code?.startsWith('OSSH_'), `an OpenSSHError: ${e.code} ${e.message}`);
      assert.not.ok(existsSync(proxyMarker), "the user's ProxyCommand did not run");
      assert.not.ok(existsSync(remoteMarker), 'the command did not run over a connection of its own');
    });

  test('spawn: -J in sshOpts neither breaks a slave on the master nor wins over the guard', async () => {
    const ssh = connect(f, { engine: 'spawn' });
    // ssh refuses the flag -J after a ProxyCommand; the slave gets it as -o ProxyJump, which the guard outranks
    assert.is(await ssh.capture({ sshOpts: ['-J', 'nobody@127.0.0.1:1'] }, 'echo on the master'), 'on the master\n');
  });
}

test.run();
