// A full disk during a transfer, on either side: a typed error naming the path, and the master survives.
// The "disk" is a 64 KiB tmpfs mounted by the test (root only: skipped locally otherwise, a failure under CI).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OpenSSH, OpenSSHError } from '../../src/index';
import { sftp } from '../../src/sftp/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { requirePrereq } from '../helpers/prereq';
import { rejects, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
const isRoot = process.getuid?.() === 0;
const ready = f !== undefined && requirePrereq(isRoot, 'root, to mount a 64 KiB tmpfs as a full disk');
const test = suite('transfers: a full disk on either side');
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-full-'));
chmodSync(scratch, 0o755);
const full = join(scratch, 'full');
const src = join(scratch, 'src');
let mounted = false;
let ssh: OpenSSH;

test.before(async () => {
  if (!ready) return;
  mkdirSync(full);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0777', 'tmpfs', full]);
  mounted = true;
  mkdirSync(src, { mode: 0o755 });
  writeFileSync(join(src, 'big.bin'), randomBytes(1024 * 1024), { mode: 0o644 });
  ssh = connect(f!);
  await ssh.waitForMaster();
});
test.after(async () => {
  await disconnectAll();
  if (mounted) execFileSync('umount', [full]);
  rmSync(scratch, { recursive: true, force: true });
});

const quiet = { stderrDiscard: true } as const;

if (ready) {
  test('scp get into a full local disk: OSSH_SLAVE_CMD_FAILED naming the file and the cause', async () => {
    const e = await rejects<OpenSSHError>(ssh.scpGet(quiet, join(src, 'big.bin'), join(full, 'a.bin')));
    assert.instance(e, OpenSSHError);
    assert.match(e.message, join(src, 'big.bin'));
    assert.is(e.code, 'OSSH_SLAVE_CMD_FAILED');
    assert.match(e.message, 'No space left on device');
    assert.is(await ssh.checkMaster(), true);
  });

  test('scp put onto a full remote disk: an error naming the target; the master survives', async () => {
    const e = await rejects<OpenSSHError>(ssh.scpPut(quiet, join(src, 'big.bin'), join(full, 'b.bin')));
    assert.instance(e, OpenSSHError);
    assert.is(e.code, 'OSSH_SLAVE_CMD_FAILED');
    assert.match(e.message, `write remote "${join(full, 'b.bin')}"`);
    assert.is(await ssh.checkMaster(), true);
  });

  test('rsync get into a full local disk: the rsync exit explained; the master survives', async () => {
    const e = await rejects<OpenSSHError>(ssh.rsyncGet(quiet, join(src, 'big.bin'), join(full, 'c.bin')));
    assert.instance(e, OpenSSHError);
    assert.match(e.message, /error in file I\/O/);
    assert.match(e.message, /No space left on device/);
    assert.is(await ssh.checkMaster(), true);
  });

  test('sftp get into a full local disk: the error names the local file; the session and master survive', async () => {
    const c = await sftp(ssh);
    try {
      const e = await rejects<Error & { code?: string }>(c.get(join(src, 'big.bin'), join(full, 'd.bin')).done);
      assert.is(e.code, 'OSSH_SLAVE_SFTP_FAILED');
      assert.match(e.message, `local file "${join(full, 'd.bin')}"`);
      assert.match(e.message, 'ENOSPC');
      assert.ok((await c.stat(src)).isDirectory(), 'the sftp session still answers');
    } finally {
      await c.end();
    }
    assert.is(await ssh.checkMaster(), true);
  });
}
test.run();
