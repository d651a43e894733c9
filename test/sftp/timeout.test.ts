// SFTP requests under the one timeout rule: the client's `timeout`, else the connection's; 0 turns it off.
// A request the server never answers (opening a remote FIFO for reading: the server's open(2) waits for a
// writer that never comes) fails with OSSH_SLAVE_TIMEOUT naming it, and the session is closed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenSSH, OpenSSHError } from '../../src/index';
import { sftp, SftpError } from '../../src/sftp/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { childProcesses } from '../helpers/processes';
import { ENGINES } from '../helpers/engines';
import { eventually, noHang, rejects, sleep, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-sftp-timeout-'));
chmodSync(scratch, 0o777);
const isChild = (pid: number | undefined) => childProcesses().some((p) => p.pid === pid && p.state !== 'Z');
let n = 0;

for (const engine of ENGINES) {
  const test = suite(`sftp: request timeout (${engine} engine)`);
  let ssh: OpenSSH;
  /** A remote FIFO nobody writes to (made by the remote user). */
  const fifo = async (): Promise<string> => {
    const p = join(scratch, `fifo-${engine}-${++n}`);
    await ssh.system('mkfifo', p);
    return p;
  };
  /** Opens the FIFO read-write on the remote side (never blocks) and writes a line: a stuck reader goes on. */
  const unblock = (p: string) => ssh.system('sh', '-c', 'exec 3<>"$1"; echo x >&3; sleep 0.3', 'sh', p);
  test.before(async () => {
    if (!f) return;
    ssh = connect(f, { engine, timeout: 1 });
    await ssh.waitForMaster();
  });
  test.after(disconnectAll);
  if (!f) {
    test.run();
    continue;
  }

  test("the connection's timeout: an unanswered request: OSSH_SLAVE_TIMEOUT naming it; session closed", async () => {
    const p = await fifo();
    const c = await sftp(ssh);
    try {
      const e = await rejects<OpenSSHError>(noHang(c.open(p, 'r'), 'the timed-out open'));
      assert.is(e.code, 'OSSH_SLAVE_TIMEOUT');
      assert.ok(e.message.includes(`sftp open ${JSON.stringify(p)}`), e.message);
      assert.is(c.isOpen, false);
      const later = await rejects<SftpError>(c.stat('/'));
      assert.instance(later, SftpError);
      assert.ok(later.message.includes('got no reply'), later.message);
      await noHang(c.closed, 'closed after a timeout');
      if (engine === 'spawn') assert.ok(await eventually(() => !isChild(c.pid)), 'the slave is gone');
    } finally {
      await unblock(p);
    }
    // the master is fine, and a new session works
    assert.is(await ssh.checkMaster(), true);
    const again = await sftp(ssh);
    assert.is((await again.stat('/')).isDirectory(), true);
    await again.end();
  });

  test('a request answered in time is not affected; the timeout follows the oldest pending request', async () => {
    const c = await sftp(ssh, { timeout: 1 });
    // many pipelined requests, answered in order: none times out
    const all = await Promise.all(Array.from({ length: 200 }, () => c.stat('/')));
    assert.is(all.length, 200);
    await sleep(1500); // idle longer than the timeout: nothing is pending, nothing fails
    assert.is(c.isOpen, true);
    assert.is((await c.realpath('.')).startsWith('/'), true);
    await c.end();
  });

  test("timeout: 0 on the client turns the connection's timeout off: the request waits for its answer", async () => {
    const p = await fifo();
    const c = await sftp(ssh, { timeout: 0 });
    const opened = c.open(p, 'r');
    let settled = false;
    void opened.then(
      () => (settled = true),
      () => (settled = true),
    );
    await sleep(3000); // three times the connection's timeout
    assert.is(settled, false, 'still waiting for the server');
    await unblock(p);
    const h = await noHang(opened, 'the open once the FIFO has a writer');
    assert.is(h.path, p);
    await c.close(h);
    await c.end();
  });

  test('bad timeout values are OSSH_INVALID_ARGUMENT', async () => {
    for (const bad of [-1, Number.NaN, '1', Infinity]) {
      const e = await rejects<OpenSSHError>(sftp(ssh, { timeout: bad as number }));
      assert.is(e.code, 'OSSH_INVALID_ARGUMENT');
    }
  });

  test.run();
}

process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
