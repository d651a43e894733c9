// scp and rsync under the one timeout rule: the call's `timeout`, else the connection's; 0 turns it off.
// A transfer stalls for real on a remote FIFO nobody opens from the other side: the remote open(2) waits.
// Only uploads can stall so: scp refuses to download a FIFO (not a regular file) without opening it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenSSH, OpenSSHError } from '../../src/index';
import { rsyncGet } from '../../src/transfers/rsync';
import { scpGet, scpPut } from '../../src/transfers/scp';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { alive } from '../helpers/processes';
import { eventually, noHang, rejects, sleep, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
const test = suite('transfers: timeout (call, else connection; 0 off)');
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-xfer-timeout-'));
chmodSync(scratch, 0o777);
const quiet = { stderrDiscard: true } as const;
let n = 0;
let timed: OpenSSH; // timeout: 1
let plain: OpenSSH; // no timeout

/** A remote FIFO (made by the remote user). */
const fifo = async (): Promise<string> => {
  const p = join(scratch, `fifo-${++n}`);
  await plain.system('mkfifo', p);
  return p;
};
/** Opens the FIFO read-write on the remote side (never blocks): a remote side stuck opening it goes on. */
const unblock = (p: string) => plain.system('sh', '-c', 'exec 3<>"$1"; sleep 0.3', 'sh', p);
const local = (name: string, data: string): string => {
  const p = join(scratch, `${++n}-${name}`);
  writeFileSync(p, data);
  chmodSync(p, 0o644);
  return p;
};

test.before(async () => {
  if (!f) return;
  timed = connect(f, { timeout: 1 });
  plain = connect(f);
  await Promise.all([timed.waitForMaster(), plain.waitForMaster()]);
});
test.after(async () => {
  await disconnectAll();
  rmSync(scratch, { recursive: true, force: true });
});

if (f) {
  test("scpPut: the connection's timeout ends a stalled transfer (OSSH_SLAVE_TIMEOUT); scp is gone", async () => {
    const target = await fifo();
    const h = await scpPut(timed, { async: true, ...quiet }, local('a.txt', 'payload'), target);
    try {
      const e = await rejects<OpenSSHError>(noHang(h.done, 'the stalled scpPut'));
      assert.is(e.code, 'OSSH_SLAVE_TIMEOUT');
      assert.ok(await eventually(() => !alive(h.pid!)), 'scp is gone');
    } finally {
      await unblock(target);
    }
    assert.is(await timed.checkMaster(), true);
  });

  test("scpPut (legacy protocol): the call's timeout applies on a connection without one", async () => {
    const target = await fifo();
    try {
      const put = scpPut(plain, { mode: 'legacy', timeout: 1, ...quiet }, local('d.txt', 'x'), target);
      const e = await rejects<OpenSSHError>(noHang(put, 'the stalled scpPut'));
      assert.is(e.code, 'OSSH_SLAVE_TIMEOUT');
    } finally {
      await unblock(target);
    }
    assert.is(await plain.checkMaster(), true);
  });

  test("timeout: 0 on the call turns the connection's timeout off: the transfer waits, then completes", async () => {
    const target = await fifo();
    // legacy: the remote scp writes the FIFO as a stream (the SFTP server would seek, which a FIFO refuses)
    const opts = { async: true, timeout: 0, mode: 'legacy', ...quiet } as const;
    const h = await scpPut(timed, opts, local('b.txt', 'through the fifo'), target);
    let settled = false;
    void h.done.then(
      () => (settled = true),
      () => (settled = true),
    );
    await sleep(3000); // three times the connection's timeout
    assert.is(settled, false, 'still waiting for a reader');
    assert.is(await plain.capture('cat', target), 'through the fifo');
    assert.is(await noHang(h.done, 'the transfer once the FIFO has a reader'), true);
  });

  test("rsyncGet: the connection's timeout ends a transfer whose remote side never answers", async () => {
    const src = local('c.txt', 'rsync payload');
    // the remote side sleeps before starting rsync: nothing moves meanwhile
    const slow = rsyncGet(timed, { rsyncPath: 'sleep 3; rsync', ...quiet }, src, join(scratch, 'c-copy.txt'));
    const e = await rejects<OpenSSHError>(noHang(slow, 'rsyncGet'));
    assert.is(e.code, 'OSSH_SLAVE_TIMEOUT');
    assert.is(await timed.checkMaster(), true);
    // timeout: 0 on the call: the same slow start is waited for
    const copy = join(scratch, 'c-copy2.txt');
    assert.is(await rsyncGet(timed, { rsyncPath: 'sleep 2; rsync', timeout: 0, ...quiet }, src, copy), true);
    assert.is(readFileSync(copy, 'utf8'), 'rsync payload');
  });

  test('a bad timeout is OSSH_INVALID_ARGUMENT before anything runs', async () => {
    for (const bad of [-1, Number.NaN, '1']) {
      const e = await rejects<OpenSSHError>(scpGet(plain, { timeout: bad as number }, '/etc/hostname', scratch));
      assert.is(e.code, 'OSSH_INVALID_ARGUMENT');
    }
  });
}

test.run();
