import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { childProcesses, fdKinds, openFds } from '../helpers/processes';
import { strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
const test = suite('e2e: no zombies, no fd growth');
test.after(disconnectAll);

const N = 2000;
if (f) {
  for (const engine of ENGINES) {
    test(`${N} commands leave no zombie and no growing fd count (${engine})`, async () => {
      const ssh = connect(f, { engine });
      await ssh.waitForMaster();
      for (let i = 0; i < 50; i++) await ssh.capture('true'); // warm up lazily created handles
      const fds0 = openFds();
      const kinds0 = fdKinds();
      const t0 = Date.now();
      for (let i = 0; i < N; i++) {
        const out = await ssh.capture('echo', String(i));
        if (out !== `${i}\n`) assert.unreachable(`command ${i} returned ${JSON.stringify(out)}`);
      }
      const ms = Date.now() - t0;
      await new Promise((r) => setTimeout(r, 200));
      const zombies = childProcesses().filter((p) => p.state === 'Z');
      assert.equal(zombies, [], 'no zombie children');
      const slaves = childProcesses().filter((p) => p.pid !== ssh.masterPid && p.cmd.startsWith('ssh '));
      assert.equal(slaves, [], 'no slave ssh left');
      const fds1 = openFds();
      assert.ok(fds1 - fds0 <= 2, `fds ${fds0} -> ${fds1}: ${JSON.stringify(kinds0)} -> ${JSON.stringify(fdKinds())}`);
      console.log(`    ${engine}: ${N} commands in ${ms} ms (${(ms / N).toFixed(2)} ms each), fds ${fds0} -> ${fds1}`);
      await ssh.disconnect();
    });
  }
}
test.run();
