// What net-openssh creates on disk is for the user alone, whatever the umask: ctlDir (and the parents it
// makes) 0700, the control socket 0600, the FIFO that carries a pty command's stderr 0600 in a 0700 temp
// dir, removed when the command ends. Each is checked under umask 000, where any default would show.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
const test = suite('e2e: files and sockets are 0600 / 0700');
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-modes-'));
let umask = 0o022;
test.before.each(() => {
  umask = process.umask(0);
});
test.after.each(() => {
  process.umask(umask);
});
test.after(async () => {
  await disconnectAll();
  rmSync(scratch, { recursive: true, force: true });
});

const mode = (p: string) => statSync(p).mode & 0o7777;

/** Files this process holds open whose path contains `needle` (read from /proc/self/fd). */
const openPaths = (needle: string): string[] =>
  readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.includes(needle) ? [target] : [];
    } catch {
      return []; // closed meanwhile
    }
  });

if (f) {
  test(
    'a ctlDir that does not exist yet is made 0700, with ' + 'the parents it makes; the socket in it is 0600',
    async () => {
      const top = join(scratch, 'new');
      const dir = join(top, 'deeper', 'ctl');
      const ssh = connect(f, { ctlDir: dir });
      await ssh.waitForMaster();
      assert.is(process.umask(), 0, 'umask 000 while the directory and socket were made');
      for (const d of [top, dirname(dir), dir]) assert.is(mode(d).toString(8), '700', d);
      const ctl = ssh.getCtlPath()!;
      assert.is(dirname(ctl), dir);
      assert.ok(statSync(ctl).isSocket());
      assert.is(mode(ctl).toString(8), '600', 'the control socket');
      assert.is(statSync(ctl).uid, process.getuid!());
      await ssh.disconnect();
      assert.not.ok(existsSync(ctl), 'the socket is removed with the master');
    },
  );

  test('open3pty: the stderr FIFO is 0600 in a 0700 temp dir, gone when the command ends', async () => {
    const ssh = connect(f);
    const pty = await ssh.open3pty({ tty: false }, 'echo ready; read line');
    await pty.expect('ready');
    const fifo = openPaths('net-openssh-pty-')[0];
    assert.ok(fifo, 'this process holds the FIFO open (its read end)');
    assert.ok(statSync(fifo).isFIFO());
    assert.is(mode(fifo).toString(8), '600', 'the FIFO');
    assert.is(mode(dirname(fifo)).toString(8), '700', 'its directory');
    pty.write('done\n');
    assert.equal(await pty.exit, { code: 0, signal: null });
    await pty.close();
    assert.not.ok(existsSync(dirname(fifo)), 'the temp dir is removed');
  });
}

test.run();
