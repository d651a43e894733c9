import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenSSH, OpenSSHError } from '../../src/index';
import { sshfsExport, sshfsImport } from '../../src/transfers/sshfs';
import { mountPoints } from '../../src/transfers/mounts';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { alive } from '../helpers/processes';
import { requirePrereq } from '../helpers/prereq';
import { rejects, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
const has = (cmd: string, args: string[]) => {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const ready =
  f !== undefined &&
  requirePrereq(existsSync('/dev/fuse'), '/dev/fuse (FUSE in the kernel / container)') &&
  requirePrereq(has('sshfs', ['-h']), 'sshfs (Debian package sshfs)') &&
  requirePrereq(has('fusermount3', ['-V']) || has('fusermount', ['-V']), 'fusermount3 (Debian package fuse3)');
const test = suite('transfers: sshfs import and export');
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-sshfs-'));
chmodSync(scratch, 0o777);
let ssh: OpenSSH;
const fuseMounts = () => mountPoints(readFileSync('/proc/self/mounts', 'utf8'), 'fuse');

test.before(async () => {
  if (!ready) return;
  ssh = connect(f!);
  await ssh.waitForMaster();
});
test.after(async () => {
  await disconnectAll();
  // never recurse into a mount a failed test left behind: that would delete through it
  if (!fuseMounts().some((m) => m.startsWith(scratch))) rmSync(scratch, { recursive: true, force: true });
});

test('mount table parsing decodes the kernel escapes', () => {
  const table =
    'a:/x /mnt/with\\040space fuse.sshfs rw 0 0\nproc /proc proc rw 0 0\nb: /mnt/back\\134slash fuse.sshfs rw 0 0\n';
  assert.equal(mountPoints(table, 'fuse'), ['/mnt/with space', '/mnt/back\\slash']);
});

if (ready) {
  test('import: mount a remote directory here, read, write, unmount; the process ends', async () => {
    const remoteDir = join(scratch, 'remote-fs');
    mkdirSync(remoteDir, { mode: 0o777 });
    chmodSync(remoteDir, 0o777);
    writeFileSync(join(remoteDir, 'hello.txt'), 'from the remote side', { mode: 0o644 });
    const mp = join(scratch, 'import mnt');
    mkdirSync(mp);
    const m = await sshfsImport(ssh, {}, remoteDir, mp);
    try {
      assert.type(m.pid, 'number');
      assert.ok(alive(m.pid!));
      assert.ok(fuseMounts().includes(mp));
      // async fs on the mount: the event loop stays free whatever happens
      assert.is(await readFile(join(mp, 'hello.txt'), 'utf8'), 'from the remote side');
      await writeFile(join(mp, 'written here.txt'), 'through sshfs');
      assert.is(readFileSync(join(remoteDir, 'written here.txt'), 'utf8'), 'through sshfs');
    } finally {
      await m.unmount();
    }
    await m.ended;
    assert.not.ok(fuseMounts().includes(mp));
    assert.not.ok(alive(m.pid!));
    assert.equal(readdirSync(mp), []);
    await m.unmount(); // idempotent
    assert.is(await ssh.checkMaster(), true);
  });

  test('export: mount a local directory on the remote side, read and write there, unmount', async () => {
    // the remote account mounts through libfuse, which must open /dev/fuse itself (Debian makes it 0666)
    if (
      !requirePrereq(
        await ssh.test('test', '-r', '/dev/fuse', '-a', '-w', '/dev/fuse'),
        `read-write /dev/fuse for the remote account ${f!.user} (chmod 0666 /dev/fuse)`,
      )
    )
      return;
    const localDir = join(scratch, 'local-fs');
    mkdirSync(localDir);
    writeFileSync(join(localDir, 'local.txt'), 'from this side');
    const mp = join(scratch, 'export-mnt');
    await ssh.system('mkdir', mp); // owned by the remote account, as fusermount wants
    const m = await sshfsExport(ssh, {}, localDir, mp);
    try {
      assert.type(m.serverPid, 'number');
      assert.is(await ssh.capture('cat', join(mp, 'local.txt')), 'from this side');
      await ssh.system({ stdinData: 'written remotely' }, 'sh', '-c', 'cat > "$1"', 'sh', join(mp, 'remote new.txt'));
      assert.is(readFileSync(join(localDir, 'remote new.txt'), 'utf8'), 'written remotely');
    } finally {
      await m.unmount();
    }
    await m.ended;
    assert.is(await ssh.test('test', '-e', join(mp, 'local.txt')), false);
    assert.not.ok(alive(m.serverPid!));
    assert.is(await ssh.checkMaster(), true);
  });

  test('sshfsOpts reach sshfs: `ro` mounts read-only (a write fails, the remote file is untouched)', async () => {
    const remoteDir = join(scratch, 'remote-ro');
    mkdirSync(remoteDir, { mode: 0o777 });
    chmodSync(remoteDir, 0o777);
    writeFileSync(join(remoteDir, 'kept.txt'), 'original', { mode: 0o666 });
    const mp = join(scratch, 'ro mnt');
    mkdirSync(mp);
    const m = await sshfsImport(ssh, { sshfsOpts: ['ro'] }, remoteDir, mp);
    try {
      assert.is(await readFile(join(mp, 'kept.txt'), 'utf8'), 'original');
      const e = await writeFile(join(mp, 'kept.txt'), 'changed').then(
        () => undefined,
        (x: NodeJS.ErrnoException) => x,
      );
      assert.is(e?.code, 'EROFS', 'the mount is read-only');
      assert.is(readFileSync(join(remoteDir, 'kept.txt'), 'utf8'), 'original');
    } finally {
      await m.unmount();
    }
    await m.ended;
  });

  test('export: sftpServerCmd is the local SFTP server the remote sshfs talks to', async () => {
    if (!(await ssh.test('test', '-r', '/dev/fuse', '-a', '-w', '/dev/fuse'))) return; // as in the export test
    const real = ['/usr/lib/openssh/sftp-server', '/usr/libexec/openssh/sftp-server'].find((p) => existsSync(p));
    if (!requirePrereq(real !== undefined, 'a local sftp-server (Debian package openssh-server)')) return;
    const marker = join(scratch, 'sftp-server-used');
    const wrapper = join(scratch, 'my-sftp-server');
    writeFileSync(wrapper, `#!/bin/sh\necho "$$" > '${marker}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
    const localDir = join(scratch, 'local-wrapped');
    mkdirSync(localDir);
    writeFileSync(join(localDir, 'via.txt'), 'through my server');
    const mp = join(scratch, 'export-wrapped-mnt');
    await ssh.system('mkdir', mp);
    const m = await sshfsExport(ssh, { sftpServerCmd: wrapper }, localDir, mp);
    try {
      assert.is(await ssh.capture('cat', join(mp, 'via.txt')), 'through my server');
      assert.ok(existsSync(marker), 'the wrapper ran');
      assert.is(Number(readFileSync(marker, 'utf8')), m.serverPid, 'it is the server (exec kept its pid)');
    } finally {
      await m.unmount();
    }
    await m.ended;
  });

  test('errors: a missing remote directory or mount point is OSSH_SLAVE_FAILED naming it', async () => {
    const mp = join(scratch, 'mnt-err');
    mkdirSync(mp);
    const e = await rejects<OpenSSHError>(sshfsImport(ssh, { mountTimeout: 5000 }, join(scratch, 'no such dir'), mp));
    assert.is(e.code, 'OSSH_SLAVE_FAILED');
    assert.ok(e.message.includes('no such dir'), e.message);
    assert.not.ok(fuseMounts().includes(mp));
    const e2 = await rejects<OpenSSHError>(
      sshfsExport(ssh, { mountTimeout: 5000, stderrDiscard: true }, scratch, join(scratch, 'no-mount-point')),
    );
    assert.is(e2.code, 'OSSH_SLAVE_FAILED');
    assert.ok(e2.message.includes('no-mount-point'), e2.message);
    await rejects<OpenSSHError>(
      sshfsImport(ssh, { bogus: 1 } as never, '/', mp),
      (x) => x.code === 'OSSH_INVALID_ARGUMENT',
    );
    assert.is(await ssh.checkMaster(), true);
  });
}

test.run();
