import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lastValueFrom, take, tap, toArray } from 'rxjs';
import { retryOnMasterFailure, type MasterStateName, type OpenSSHError } from '../../src/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { alive } from '../helpers/processes';
import { eventually, noHang, rejects, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
const test = suite('e2e: restart() and retryOnMasterFailure');
test.after(disconnectAll);

if (f) {
  test('restart() after a killed master: a new master, the states shown, commands run again', async () => {
    const ssh = connect(f);
    await ssh.waitForMaster();
    const states: MasterStateName[] = [];
    const sub = ssh.state$.subscribe((st) => states.push(st.name));
    const old = ssh.masterPid!;
    process.kill(old, 'SIGKILL');
    assert.ok(await eventually(() => ssh.state.name === 'failed', 5000), 'the dead master is seen');
    await rejects<OpenSSHError>(ssh.capture('true'), (e) => e.code === 'OSSH_MASTER_FAILED');
    assert.is(ssh.error?.code, 'OSSH_MASTER_FAILED');
    await ssh.restart();
    sub.unsubscribe();
    assert.is(ssh.error, undefined, 'the old error is cleared');
    assert.ok(ssh.masterPid !== undefined && ssh.masterPid !== old, 'a new master process');
    assert.equal(states.slice(0, 2), ['running', 'failed']);
    assert.is(states.at(-1), 'running');
    assert.ok(states.includes('connecting'), states.join(' -> '));
    for (const engine of ENGINES) assert.is(await ssh.capture({ engine }, 'echo', 'again'), 'again\n', engine);
  });

  test('restart() after disconnect() and after stop(); a live connection is left as it is', async () => {
    const ssh = connect(f);
    await ssh.waitForMaster();
    const first = ssh.masterPid!;
    await ssh.restart();
    assert.is(ssh.masterPid, first, 'a running master is kept');
    await ssh.disconnect();
    assert.is(ssh.state.name, 'stopped');
    await ssh.restart();
    assert.is(await ssh.capture('echo', 'back'), 'back\n');
    assert.ok(await ssh.stop());
    await ssh.restart(true);
    assert.ok(
      ['connecting', 'awaiting_mux'].includes(ssh.state.name),
      `async: started, not waited for (${ssh.state.name})`,
    );
    assert.is(await ssh.waitForMaster(), true);
    assert.is(await ssh.capture('echo', 'after stop'), 'after stop\n');
  });

  test('restart() of an externalMaster connection is refused', async () => {
    const ssh = connect(f);
    await ssh.waitForMaster();
    const ext = connect(f, { externalMaster: true, ctlPath: ssh.getCtlPath()! });
    const e = await rejects<OpenSSHError>(ext.restart());
    assert.is(e.code, 'OSSH_INVALID_ARGUMENT');
    assert.match(e.message, /externalMaster/);
  });

  test('restart() of a master that cannot connect rejects with its error', async () => {
    const ssh = connect(f, {}, `${f.user}@127.0.0.1:1`);
    await rejects<OpenSSHError>(ssh.waitForMaster(), (e) => e.code === 'OSSH_MASTER_FAILED');
    const e = await rejects<OpenSSHError>(ssh.restart());
    assert.is(e.code, 'OSSH_MASTER_FAILED');
    assert.is(ssh.state.name, 'failed');
    assert.is(ssh.error, e);
  });

  for (const engine of ENGINES) {
    test(`retryOnMasterFailure [${engine}]: a stream goes on on a new master after the old one is killed`, async () => {
      const ssh = connect(f, { engine });
      await ssh.waitForMaster();
      const old = ssh.masterPid!;
      let killed = false;
      const lines = await noHang(
        lastValueFrom(
          ssh.lines$('i=0; while :; do i=$((i+1)); echo "$$ $i"; sleep 0.05; done').pipe(
            tap(() => {
              if (!killed) {
                killed = true;
                process.kill(old, 'SIGKILL');
              }
            }),
            retryOnMasterFailure(ssh, { count: 2, delay: 50 }),
            take(6),
            toArray(),
          ),
        ),
        'the retried stream',
      );
      const shells = new Set(lines.map((l) => l.split(' ')[0]));
      assert.is(shells.size, 2, `two runs of the command: ${lines.join(', ')}`);
      assert.ok(ssh.masterPid !== old && alive(ssh.masterPid!), 'a new master serves it');
      assert.not.ok(alive(old));
    });
  }

  test('retryOnMasterFailure passes other errors through and gives up after count restarts', async () => {
    const ssh = connect(f);
    await ssh.waitForMaster();
    let restarts = 0;
    const counting = { state: ssh.state, restart: () => (restarts++, ssh.restart()) };
    Object.defineProperty(counting, 'state', { get: () => ssh.state });
    const e = await rejects<OpenSSHError>(
      lastValueFrom(ssh.capture$('exit 3').pipe(retryOnMasterFailure(counting, { count: 2, delay: 0 }))),
    );
    assert.is(e.code, 'OSSH_SLAVE_CMD_FAILED');
    assert.is(restarts, 0, 'a failed command is not a master failure');
    const kills = lastValueFrom(
      ssh.lines$('echo up; sleep 3').pipe(
        tap(() => process.kill(ssh.masterPid!, 'SIGKILL')),
        retryOnMasterFailure(counting, { count: 2, delay: 0 }),
        toArray(),
      ),
    );
    const given = await rejects<OpenSSHError>(noHang(kills, 'the stream that keeps losing its master'));
    assert.is(given.code, 'OSSH_MASTER_FAILED');
    assert.is(restarts, 2);
  });
}

test.run();
