// A test run is tagged (test/helpers/run-id.ts), so that its checks look only at what it started, even beside
// another run on the same machine with the same test account: the run id in the environment of the processes it
// starts, locally and on the server; its temp dirs and control sockets under the run directory.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { RUN_ID_VAR, runId } from '../helpers/run-id';
import { strict } from '../helpers/setup';

strict();
const test = suite('e2e: a test run tags what it starts');
const f = await sharedSshd();
test.after(disconnectAll);

const environ = (pid: number): string[] => readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');

test('the run has an id, and its temp dir (TMPDIR) is named with it', () => {
  const id = runId();
  assert.ok(id, `${RUN_ID_VAR} is set by test/run.ts`);
  assert.match(tmpdir(), new RegExp(`/nos-run-${id}$`));
});

if (f) {
  test("the fixture's dir, control socket and ssh master carry the run's tag", async () => {
    const dir = tmpdir();
    assert.ok(f.dir.startsWith(`${dir}/`), `${f.dir} is under ${dir}`);
    const ssh = connect(f);
    await ssh.waitForMaster();
    assert.ok(ssh.getCtlPath()!.startsWith(`${dir}/`), `${ssh.getCtlPath()} is under ${dir}`);
    assert.ok(environ(ssh.masterPid!).includes(`${RUN_ID_VAR}=${runId()}`), 'the run id in the master environment');
  });

  test('a command run by the fixture sshd has the run id in its environment', async () => {
    const ssh = connect(f);
    assert.is(await ssh.capture(`echo "$${RUN_ID_VAR}"`), `${runId()}\n`);
  });
}

test.run();
