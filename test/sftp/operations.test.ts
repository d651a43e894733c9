// Every SFTP operation against the real sshd's sftp subsystem, the errors naming their paths, and
// the master alive afterwards.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenSSH } from '../../src/index';
import { sftp, type SftpError, SftpHandle, type SftpClient } from '../../src/sftp/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { rejects, strict } from '../helpers/setup';
import { ENGINES } from '../helpers/engines';
import { execFileSync } from 'node:child_process';

strict();
const f = await sharedSshd();
for (const engine of ENGINES) {
  const test = suite(`sftp: operations (${engine} engine)`);
  const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-sftp-ops-'));
  chmodSync(scratch, 0o777); // the remote account (netossh when we run as root) writes here
  let ssh: OpenSSH;
  let c: SftpClient;
  // files made here belong to the remote account, as if it had made them (setstat, hard links need that)
  const ids = f
    ? `${execFileSync('id', ['-u', f.user]).toString().trim()}:${execFileSync('id', ['-g', f.user]).toString().trim()}`
    : '';
  const own = (...paths: string[]) => {
    if (process.getuid?.() !== 0) return;
    const [uid, gid] = ids.split(':').map(Number);
    for (const p of paths) chownSync(p, uid!, gid!);
  };

  test.before(async () => {
    if (!f) return;
    ssh = connect(f, { engine });
    await ssh.waitForMaster();
    c = await sftp(ssh);
  });
  test.after(async () => {
    await c?.end();
    await disconnectAll();
    rmSync(scratch, { recursive: true, force: true });
  });

  if (f) {
    test('INIT/VERSION: version 3, OpenSSH extensions and limits recorded', () => {
      assert.is(c.version, 3);
      for (const ext of [
        'posix-rename@openssh.com',
        'statvfs@openssh.com',
        'hardlink@openssh.com',
        'fsync@openssh.com',
        'limits@openssh.com',
      ])
        assert.ok(c.hasExtension(ext), ext);
      assert.ok(c.limits && c.limits.maxReadLength > 0 && c.limits.maxWriteLength > 0, JSON.stringify(c.limits));
    });

    test('open/write/read/close: bytes at offsets, short read at EOF, null past it', async () => {
      const p = join(scratch, 'rw.bin');
      const h = await c.open(p, 'w', { mode: 0o640 });
      assert.instance(h, SftpHandle);
      await c.write(h, 5, Buffer.from('world'));
      await c.write(h, 0, Buffer.from('hello'));
      await c.close(h);
      assert.is(readFileSync(p, 'utf8'), 'helloworld');
      assert.is(statSync(p).mode & 0o777, 0o640);
      const r = await c.open(p, 'r');
      assert.is((await c.read(r, 3, 4))?.toString(), 'lowo');
      assert.is((await c.read(r, 8, 100))?.toString(), 'ld');
      assert.is(await c.read(r, 10, 100), null);
      const st = await c.fstat(r);
      assert.is(st.size, 10);
      assert.ok(st.isFile());
      await c.close(r);
      await c.close(r); // closing twice is harmless
      const e = await rejects<SftpError>(c.read(r, 0, 1));
      assert.match(e.message, 'the handle is closed');
      assert.is(e.path, p);
    });

    test('open flags: append, exclusive create', async () => {
      const p = join(scratch, 'append.txt');
      writeFileSync(p, 'a');
      chmodSync(p, 0o666);
      const h = await c.open(p, 'a');
      await c.write(h, 0, Buffer.from('b'));
      await c.close(h);
      assert.is(readFileSync(p, 'utf8'), 'ab');
      const e = await rejects<SftpError>(c.open(p, 'wx'));
      assert.is(e.code, 'OSSH_SLAVE_SFTP_FAILED');
      assert.is(e.path, p);
      assert.is(e.statusName, 'FAILURE');
    });

    test('stat / lstat / setstat / fsetstat: size, mode, times, type', async () => {
      const p = join(scratch, 'attrs.txt');
      writeFileSync(p, '12345');
      own(p);
      const st = await c.stat(p);
      assert.is(st.size, 5);
      assert.is(st.permissions, statSync(p).mode & 0o7777);
      assert.is(st.uid, statSync(p).uid);
      assert.ok(st.isFile() && !st.isDirectory() && !st.isSymbolicLink());
      assert.is(st.mtime, Math.floor(statSync(p).mtimeMs / 1000));
      await c.setstat(p, { mode: 0o604, atime: 1_000_000_000, mtime: new Date(1_500_000_000_000) });
      const local = statSync(p);
      assert.is(local.mode & 0o777, 0o604);
      assert.is(Math.floor(local.mtimeMs / 1000), 1_500_000_000);
      assert.is(Math.floor(local.atimeMs / 1000), 1_000_000_000);
      await c.chmod(p, 0o660);
      assert.is(statSync(p).mode & 0o777, 0o660);
      const h = await c.open(p, 'r+');
      await c.fsetstat(h, { size: 2 });
      await c.utimes(p, 1_600_000_000, 1_600_000_000);
      assert.is((await c.fstat(h)).mtime, 1_600_000_000);
      await c.close(h);
      assert.is(readFileSync(p, 'utf8'), '12');
      assert.ok((await c.stat(scratch)).isDirectory());
      const bad = await rejects<{ code: string; message: string }>(c.setstat(p, { uid: 1 }));
      assert.is(bad.code, 'OSSH_INVALID_ARGUMENT');
      assert.match(bad.message, 'uid and gid');
    });

    test('mkdir / opendir / readdir / readdirAll / rmdir', async () => {
      const d = join(scratch, 'dir');
      await c.mkdir(d, { mode: 0o777 });
      assert.ok(statSync(d).isDirectory());
      for (const n of ['b', 'a', 'c c', 'ünï']) writeFileSync(join(d, n), n);
      const h = await c.opendir(d);
      const seen: string[] = [];
      for (let b = await c.readdir(h); b; b = await c.readdir(h)) seen.push(...b.map((e) => e.filename));
      await c.close(h);
      assert.equal(seen.sort(), ['.', '..', 'a', 'b', 'c c', 'ünï'].sort());
      const all = await c.readdirAll(d);
      assert.equal(all.map((e) => e.filename).sort(), ['a', 'b', 'c c', 'ünï'].sort());
      const a = all.find((e) => e.filename === 'a')!;
      assert.is(a.attrs.size, 1);
      assert.match(a.longname, /a$/);
      const notEmpty = await rejects<SftpError>(c.rmdir(d));
      assert.is(notEmpty.path, d);
      for (const n of ['b', 'a', 'c c', 'ünï']) await c.remove(join(d, n));
      await c.rmdir(d);
      assert.not.ok(existsSync(d));
    });

    test('ls: sorted entries with paths; a file lists as itself; hidden names optional', async () => {
      const d = join(scratch, 'lsdir');
      mkdirSync(d);
      for (const n of ['zeta', '.hidden', 'alpha']) writeFileSync(join(d, n), n);
      mkdirSync(join(d, 'sub'));
      const l = await c.ls(d);
      assert.equal(
        l.map((e) => e.filename),
        ['.hidden', 'alpha', 'sub', 'zeta'],
      );
      assert.is(l[1]!.path, join(d, 'alpha'));
      assert.ok(l[2]!.attrs.isDirectory());
      assert.equal(
        (await c.ls(d, { all: false })).map((e) => e.filename),
        ['alpha', 'sub', 'zeta'],
      );
      const one = await c.ls(join(d, 'zeta'));
      assert.is(one.length, 1);
      assert.is(one[0]!.filename, 'zeta');
      assert.is(one[0]!.attrs.size, 4);
    });

    test('walk: recursive, depth first, symlinks not followed, maxDepth', async () => {
      const root = join(scratch, 'tree');
      mkdirSync(join(root, 'a', 'b', 'c'), { recursive: true });
      writeFileSync(join(root, 'a', 'f1'), '1');
      writeFileSync(join(root, 'a', 'b', 'c', 'deep'), 'deep');
      writeFileSync(join(root, 'top'), 't');
      // a loop through a symlink: following it would never end
      const { symlinkSync } = await import('node:fs');
      symlinkSync('..', join(root, 'a', 'up'));
      const paths: string[] = [];
      for await (const e of c.walk(root)) paths.push(`${e.depth}:${e.path.slice(root.length + 1)}`);
      assert.equal(paths, ['1:a', '2:a/b', '3:a/b/c', '4:a/b/c/deep', '2:a/f1', '2:a/up', '1:top']);
      const shallow: string[] = [];
      for await (const e of c.walk(root, { maxDepth: 2 })) shallow.push(e.path.slice(root.length + 1));
      assert.equal(shallow, ['a', 'a/b', 'a/f1', 'a/up', 'top']);
    });

    test('rename: posix-rename replaces an existing target; plain RENAME refuses', async () => {
      const a = join(scratch, 'ren-a');
      const b = join(scratch, 'ren-b');
      writeFileSync(a, 'A');
      writeFileSync(b, 'B');
      await c.rename(a, b);
      assert.not.ok(existsSync(a));
      assert.is(readFileSync(b, 'utf8'), 'A');
      writeFileSync(a, 'A2');
      const e = await rejects<SftpError>(c.rename(a, b, { posix: false }));
      assert.is(e.path, a);
      assert.is(readFileSync(b, 'utf8'), 'A');
      await c.rename(a, join(scratch, 'ren-c'), { posix: false });
      assert.is(readFileSync(join(scratch, 'ren-c'), 'utf8'), 'A2');
    });

    test('realpath / symlink / readlink / hardlink', async () => {
      assert.is(await c.realpath(join(scratch, 'x', '..', '.')), scratch);
      const home = await c.realpath('.');
      assert.ok(home.startsWith('/'), home);
      const target = join(scratch, 'target.txt');
      writeFileSync(target, 'T');
      own(target);
      const link = join(scratch, 'link');
      await c.symlink(target, link);
      assert.is(readlinkSync(link), target); // OpenSSH's argument order, symlink(2)'s meaning
      assert.is(await c.readlink(link), target);
      assert.ok((await c.lstat(link)).isSymbolicLink());
      assert.ok((await c.stat(link)).isFile());
      const hard = join(scratch, 'hard');
      await c.link(target, hard);
      assert.is(statSync(hard).ino, statSync(target).ino);
      assert.ok(lstatSync(hard).nlink >= 2);
    });

    test('statvfs and fsync', async () => {
      const v = await c.statvfs(scratch);
      assert.ok(v.bsize > 0 && v.blocks > 0 && v.namemax > 0, JSON.stringify(v));
      assert.ok(v.bavail <= v.blocks);
      const h = await c.open(join(scratch, 'synced'), 'w');
      await c.write(h, 0, Buffer.from('x'));
      await c.fsync(h);
      await c.close(h);
    });

    test('exists: true, false, and other failures still reject', async () => {
      assert.is(await c.exists(scratch), true);
      assert.is(await c.exists('/nope/not/here'), false);
    });

    test('errors: status codes map to SftpError / OpenSSHError naming the path and the status text', async () => {
      const e = await rejects<SftpError>(c.stat('/nope'));
      assert.is(e.code, 'OSSH_SLAVE_SFTP_FAILED');
      assert.is(e.errno, 6);
      assert.is(e.name, 'OpenSSHError');
      assert.is(e.statusName, 'NO_SUCH_FILE');
      assert.is(e.status, 2);
      assert.is(e.path, '/nope');
      assert.is(e.op, 'stat');
      assert.is(e.host, '127.0.0.1');
      assert.match(e.message, '"/nope"');
      assert.match(e.message, 'No such file');
      const open = await rejects<SftpError>(c.open('/nope/x', 'r'));
      assert.is(open.path, '/nope/x');
      assert.match(open.message, /sftp open "\/nope\/x": No such file/);
      const denied = await rejects<SftpError>(c.open('/root/forbidden', 'w'));
      assert.ok(denied.statusName === 'PERMISSION_DENIED' || process.getuid?.() !== 0, denied.message);
      assert.is(denied.path, '/root/forbidden');
      const mk = await rejects<SftpError>(c.mkdir(scratch));
      assert.is(mk.path, scratch);
      const rm = await rejects<SftpError>(c.remove('/nope'));
      assert.match(rm.message, 'sftp remove "/nope"');
      const dirRead = await rejects<SftpError>(c.readdirAll('/nope'));
      assert.is(dirRead.op, 'opendir');
      const inv = await rejects<{ code: string }>(c.stat(''));
      assert.is(inv.code, 'OSSH_INVALID_ARGUMENT');
      const nul = await rejects<{ code: string }>(c.stat('a\0b'));
      assert.is(nul.code, 'OSSH_INVALID_ARGUMENT');
      const flags = await rejects<{ code: string }>(c.open('/tmp/x', 'q' as 'r'));
      assert.is(flags.code, 'OSSH_INVALID_ARGUMENT');
      // the session is still usable, the master still alive
      assert.ok((await c.stat(scratch)).isDirectory());
      assert.is(await ssh.checkMaster(), true);
    });

    test('many requests in flight on one session: replies matched to their requests', async () => {
      const names = Array.from({ length: 300 }, (_, i) => `m${i}`);
      const d = join(scratch, 'many');
      mkdirSync(d);
      chmodSync(d, 0o777);
      names.forEach((n, i) => {
        writeFileSync(join(d, n), 'x'.repeat(i));
      });
      const sizes = await Promise.all(names.map((n) => c.stat(join(d, n)).then((s) => s.size)));
      assert.equal(
        sizes,
        names.map((_, i) => i),
      );
    });
  }

  test.run();
}
