// The SFTP session's life: end() closes the subsystem channel and reaps its process, a dead channel
// fails every pending request at once, a dead master fails a transfer with OSSH_MASTER_FAILED, a
// stream that is not SFTP is a protocol error; the master survives what is not its own death.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { OpenSSH } from '../../src/index';
import { createSftp, sftp, type SftpError } from '../../src/sftp/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { childProcesses } from '../helpers/processes';
import { ENGINES } from '../helpers/engines';
import { eventually, rejects, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-sftp-life-'));
chmodSync(scratch, 0o777);
const isChild = (pid: number | undefined) => childProcesses().some((p) => p.pid === pid && p.state !== 'Z');

for (const engine of ENGINES) {
  const test = suite(`sftp: lifecycle (${engine} engine)`);
  let ssh: OpenSSH;
  test.before(async () => {
    if (!f) return;
    ssh = connect(f, { engine });
    await ssh.waitForMaster();
  });
  test.after(disconnectAll);
  if (!f) {
    test.run();
    continue;
  }

  test(
    'end(): the subsystem channel closes and its ssh process ' + 'is gone; later requests fail; end is idempotent',
    async () => {
      const c = await sftp(ssh);
      if (engine === 'spawn') assert.ok(c.pid && isChild(c.pid), 'the slave runs');
      else assert.is(c.pid, undefined);
      assert.ok(c.isOpen);
      await c.end();
      assert.not.ok(c.isOpen);
      assert.not.ok(isChild(c.pid), 'the slave is gone once end() resolves');
      const e = await rejects<SftpError>(c.stat('/'));
      assert.is(e.code, 'OSSH_SLAVE_SFTP_FAILED');
      assert.match(e.message, 'sftp channel closed');
      await c.end();
    },
  );

  test('close() without a handle ends the session as end() does; a non-handle is OSSH_INVALID_ARGUMENT', async () => {
    const c = await sftp(ssh);
    const notHandle = await rejects<SftpError>(c.close('/etc/passwd' as never));
    assert.is(notHandle.code, 'OSSH_INVALID_ARGUMENT');
    assert.ok(c.isOpen, 'a refused close leaves the session open');
    await c.close();
    assert.not.ok(c.isOpen);
    assert.not.ok(isChild(c.pid), 'the slave is gone once close() resolves');
    const e = await rejects<SftpError>(c.stat('/'));
    assert.match(e.message, 'sftp channel closed');
    await c.close();
  });

  test('requests sent just before end() are still answered', async () => {
    const c = await sftp(ssh);
    const st = c.stat('/');
    const ended = c.end();
    assert.ok((await st).isDirectory());
    await ended;
  });

  if (engine === 'spawn')
    test(
      'the ssh process killed: every pending request fails ' + 'at once, the master survives, a new session works',
      async () => {
        const c = await sftp(ssh);
        const big = join(scratch, `big-${engine}`);
        writeFileSync(big, randomBytes(16 * 1024 * 1024));
        const transfer = c.get(big, join(scratch, `big-back-${engine}`), { chunkSize: 8192, concurrency: 64 }).done;
        await new Promise((r) => setTimeout(r, 50)); // the transfer is under way
        process.kill(c.pid!, 'SIGKILL');
        // SIGKILL lands when the process is next scheduled: until then it could still relay a request; wait for the
        // zombie
        const dead = () => {
          try {
            return readFileSync(`/proc/${c.pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
          } catch {
            return true;
          }
        };
        while (!dead()) await new Promise((r) => setTimeout(r, 1));
        // sent into a dead channel: pending until it is known dead
        const settled = Promise.allSettled(Array.from({ length: 50 }, () => c.stat('/')));
        const e = await rejects<SftpError>(transfer);
        const all = await settled;
        assert.is(e.code, 'OSSH_SLAVE_SFTP_FAILED');
        assert.match(e.message, 'sftp channel closed');
        assert.match(e.message, 'signal KILL');
        assert.ok(
          all.every((r) => r.status === 'rejected' && r.reason === e),
          'every pending request failed with the same error',
        );
        assert.not.ok(c.isOpen);
        await c.end(); // harmless after death
        assert.is(await ssh.checkMaster(), true);
        const again = await sftp(ssh);
        assert.ok((await again.stat('/')).isDirectory());
        await again.end();
      },
    );

  test('createSftp over open2socket (a Duplex): works, and ending it ends the process', async () => {
    const { socket, process: proc } = await ssh.open2socket({ subsystem: true }, 'sftp');
    const c = await createSftp(socket, { host: ssh.getHost() });
    assert.is(c.version, 3);
    assert.is(await c.realpath('/'), '/');
    await c.end();
    const status = await proc.exit;
    assert.is(status.code, 0);
  });

  test('a stream that is not SFTP: a protocol error, not a hang', async () => {
    const proc = await ssh.openEx(
      { stdinPipe: true, stdoutPipe: true },
      'printf "this is not sftp at all"; cat >/dev/null',
    );
    const e = await rejects<SftpError>(
      createSftp({ stdout: proc.stdout!, stdin: proc.stdin! }, { host: ssh.getHost() }),
    );
    assert.is(e.code, 'OSSH_SLAVE_SFTP_FAILED');
    assert.match(e.message, 'sftp protocol error: impossible packet length');
    await proc.exit; // the client ended stdin: cat ends
  });

  test('the master killed during a transfer: OSSH_MASTER_FAILED for the transfer', async () => {
    const own = connect(f, { engine });
    await own.waitForMaster();
    const c = await sftp(own);
    const big = join(scratch, `big2-${engine}`);
    writeFileSync(big, randomBytes(16 * 1024 * 1024));
    const h = c.put(big, join(scratch, `big2-r-${engine}`), { chunkSize: 8192, concurrency: 8 });
    await new Promise<void>((r) => h.subscribe({ next: (ev) => ev.bytes > 0 && r(), error: () => r() }));
    process.kill(own.masterPid!, 'SIGKILL');
    const e = await rejects<{ code: string }>(h.done);
    assert.is(e.code, 'OSSH_MASTER_FAILED');
    await c.end();
    assert.ok(await eventually(() => !isChild(c.pid)));
    assert.is(await ssh.checkMaster(), true, 'the other master is untouched');
  });
  test.run();
}

process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
