// OpenSSH's sshd with an sftp-only chrooted account (`ForceCommand internal-sftp` + `ChrootDirectory`), on both
// engines: sftp() and scp's default (sftp) mode work; whatever runs a command (a command, scp's legacy mode, rsync)
// fails at once with OSSH_SLAVE_FAILED saying the server allows sftp only and what to use instead. A tunnel is not
// a session: sshd still forwards unless it is told not to (AllowTcpForwarding no, as sftp-only setups usually are).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import type { OpenSSH, OpenSSHError } from '../../src/index';
import { sftp } from '../../src/sftp/index';
import { captureTunnel } from '../../src/tunnels/tunnel';
import { asRoot, makeSftpChroot, type SftpChroot } from '../fixtures/restricted-accounts';
import { ensureTestUser, type SshdFixture, startSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { rejects, strict } from '../helpers/setup';

strict();

const SAID = 'This service allows sftp connections only.';

const echo: Server = createServer((s) => s.pipe(s));
await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
const echoPort = (echo.address() as { port: number }).port;

// sshd chroots as root only: the chroot and the sshd exist only then
const chroot: SftpChroot | undefined = asRoot('sshd chroots only as root')
  ? makeSftpChroot(ensureTestUser())
  : undefined;
const sftpOnly = (more: string[] = []) =>
  startSshd({
    extraConfig: ['Match User *', '  ForceCommand internal-sftp', `  ChrootDirectory ${chroot!.root}`, ...more],
  });
const f: SshdFixture | undefined = chroot && (await sftpOnly());
const noForwarding: SshdFixture | undefined = chroot && (await sftpOnly(['  AllowTcpForwarding no']));
const local = mkdtempSync(join(tmpdir(), 'net-openssh-sftp-only-'));

/** Asserts `e` is the sftp-only refusal naming `what`, with the server's sentence and what to use instead. */
const sftpOnlyError = (e: OpenSSHError, what: string) => {
  assert.is(e.code, 'OSSH_SLAVE_FAILED', e.message);
  assert.ok(e.message.includes(`the server allows this account sftp only (it said "${SAID}"`), e.message);
  assert.ok(e.message.includes(`so ${what} cannot run there`), e.message);
  assert.match(e.message, 'use sftp(), or scpPut/scpGet in their default (sftp) mode');
};

if (f && noForwarding && chroot)
  for (const engine of ENGINES) {
    const test = suite(`servers: sftp-only chrooted account (${engine} engine)`);
    let ssh: OpenSSH;
    const content = randomBytes(8192).toString('hex');
    const src = join(local, `src-${engine}`);
    writeFileSync(src, content);
    const remote = (name: string) => `${chroot.files}/${engine}-${name}`;
    test.before(() => {
      ssh = connect(f, { engine });
    });
    test.after(() => disconnectAll());

    test('sftp() put, get and ls work inside the chroot', async () => {
      const client = await sftp(ssh);
      await client.put(src, remote('sftp'));
      await client.get(remote('sftp'), join(local, `sftp-back-${engine}`));
      const listed = (await client.ls(chroot.files)).map((e) => e.filename);
      await client.end();
      assert.is(readFileSync(join(local, `sftp-back-${engine}`), 'utf8'), content);
      assert.ok(listed.includes(`${engine}-sftp`), listed.join(' '));
      assert.is(readFileSync(join(chroot.filesHere, `${engine}-sftp`), 'utf8'), content, 'the file is in the chroot');
    });

    test("scpPut and scpGet in scp's default (sftp) mode work", async () => {
      await ssh.scpPut(src, remote('scp'));
      await ssh.scpGet(remote('scp'), join(local, `scp-back-${engine}`));
      assert.is(readFileSync(join(local, `scp-back-${engine}`), 'utf8'), content);
    });

    test('a command fails at once with OSSH_SLAVE_FAILED: the server allows sftp only', async () => {
      const e = await rejects<OpenSSHError>(ssh.capture('ls'));
      sftpOnlyError(e, 'a command');
      assert.is(e.exitCode, 1);
      assert.is(e.stdout, `${SAID}\n`);
      sftpOnlyError(await rejects<OpenSSHError>(ssh.capture2('echo', 'x')), 'a command');
      // test() rejects too: the command never ran, so "false" would be a lie
      sftpOnlyError(await rejects<OpenSSHError>(ssh.test('test', '-d', '/')), 'a command');
      const events = lastValueFrom(ssh.exec$('true').pipe(toArray()));
      sftpOnlyError(await rejects<OpenSSHError>(events), 'a command');
    });

    test("scp's legacy mode and rsync fail at once with OSSH_SLAVE_FAILED: the server allows sftp only", async () => {
      const quiet = { stderrDiscard: true };
      const scp = await rejects<OpenSSHError>(ssh.scpPut({ ...quiet, mode: 'legacy' }, src, remote('legacy')));
      sftpOnlyError(scp, 'scp in legacy mode (it runs scp on the server)');
      const rsync = await rejects<OpenSSHError>(ssh.rsyncPut(quiet, src, remote('rsync')));
      sftpOnlyError(rsync, 'rsync (it runs rsync on the server)');
      for (const name of ['legacy', 'rsync']) assert.not.ok(existsSync(join(chroot.filesHere, `${engine}-${name}`)));
    });

    test('a tunnel works (sshd forwards for an sftp-only account unless told not to)', async () => {
      assert.is(String(await captureTunnel(ssh, { stdinData: 'ping' }, '127.0.0.1', echoPort)), 'ping');
    });

    test('with AllowTcpForwarding no, a tunnel fails at once with OSSH_SLAVE_FAILED naming the refusal', async () => {
      const e = await rejects<OpenSSHError>(
        captureTunnel(connect(noForwarding, { engine }), { stdinData: 'x' }, '127.0.0.1', echoPort),
      );
      assert.is(e.code, 'OSSH_SLAVE_FAILED');
      assert.match(e.message, /the server refused it/);
    });

    test.run();
  }

const done = suite('servers: sftp-only teardown');
done.after(async () => {
  await new Promise((r) => echo.close(r));
  rmSync(local, { recursive: true, force: true });
  await Promise.all([f?.destroy(), noForwarding?.destroy()]);
  chroot?.remove();
});
done('the servers stop and the chroot is removed', () => {});
done.run();
