// net-openssh/testing: startTestSshd() gives a real sshd a connection reaches with `server.options` alone, stops it
// (stop() or `await using`: the process gone, the temp dir removed), and refuses what it cannot do with a
// TestSshdError whose code and message say what to do (a missing sshd names its Debian package).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { OpenSSH } from '../../src/index';
import { findSshd, startTestSshd, TestSshdError, type TestSshd } from '../../src/testing/index';
import { TEST_USER } from '../fixtures/sshd';
import { ENGINES } from '../helpers/engines';
import { requirePrereq } from '../helpers/prereq';
import { alive } from '../helpers/processes';
import { scriptBundle } from '../helpers/script-bundle';
import { rejects, strict } from '../helpers/setup';

strict();
const test = suite('testing: startTestSshd, a throwaway sshd for users');
const haveSshd = requirePrereq(findSshd() !== undefined, 'sshd (Debian package openssh-server)');
const isRoot = process.getuid?.() === 0;
const code = (c: string) => (e: unknown) => e instanceof TestSshdError && e.code === c;

if (haveSshd) {
  for (const engine of ENGINES)
    test(`[${engine}] a connection made from server.host and server.options runs commands as server.user`, async () => {
      let server: TestSshd | undefined;
      {
        await using s = await startTestSshd();
        server = s;
        await using ssh = await OpenSSH.create(s.host, { ...s.options, engine });
        const [user, conn] = (await ssh.capture('id -un; echo $SSH_CONNECTION')).trim().split('\n');
        assert.is(user, s.user);
        assert.is(user, isRoot ? TEST_USER : userInfo().username, 'as root, a non-root account by default');
        assert.match(conn!, new RegExp(` ${s.port}$`), 'through this sshd');
        assert.is(s.destination, `${s.user}@127.0.0.1:${s.port}`);
        assert.ok(alive(s.pid!));
        assert.ok(existsSync(s.dir));
        assert.is.not(s.options, s.options, 'a fresh options object on each read');
      }
      // `await using` ran stop(): no sshd, no temp dir
      assert.is(server.pid, undefined);
      assert.not.ok(existsSync(server.dir), 'temp dir removed');
      await server.stop(); // again: nothing to do
    });

  test('a TMPDIR holding a blank, %, # and \\ still gives a working server (its config paths are quoted)', async () => {
    const odd = mkdtempSync(join(tmpdir(), 'o d%h#\\'));
    chmodSync(odd, 0o755);
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = odd;
    let s: TestSshd | undefined;
    try {
      s = await startTestSshd().finally(() => {
        process.env.TMPDIR = saved;
      });
      assert.ok(s.dir.startsWith(odd), 'the server made its dir under the odd TMPDIR');
      await using ssh = await OpenSSH.create(s.host, { ...s.options, timeout: 20 });
      assert.is(await ssh.capture('echo ok'), 'ok\n');
    } finally {
      await s?.stop();
      rmSync(odd, { recursive: true, force: true }); // also when the server did not start
    }
  });

  test('stop() ends the sshd process (by pid) and a new connection is refused', async () => {
    const s = await startTestSshd({ maxSessions: 3, sshdConfig: ['ClientAliveInterval 5'], ipv6: false });
    const pid = s.pid!;
    assert.ok(alive(pid));
    await s.stop();
    assert.not.ok(alive(pid), 'sshd is gone');
    const ssh = new OpenSSH(s.host, { ...s.options, timeout: 5 });
    await rejects(ssh.waitForMaster(), (e: { code?: string }) => e.code === 'OSSH_MASTER_FAILED');
    await ssh.disconnect();
  });

  test('a missing sshd is TEST_SSHD_NOT_INSTALLED, naming the Debian package', async () => {
    const e = await rejects<TestSshdError>(
      startTestSshd({ sshdPath: '/nonexistent/sshd' }),
      code('TEST_SSHD_NOT_INSTALLED'),
    );
    assert.instance(e, TestSshdError);
    assert.is(e.name, 'TestSshdError');
    assert.match(e.message, 'openssh-server');
    assert.match(e.message, '/nonexistent/sshd');
  });

  test('a bad maxSessions or user name is TEST_SSHD_INVALID_ARGUMENT', async () => {
    for (const maxSessions of [0, -1, 1.5, Number.NaN])
      await rejects(startTestSshd({ maxSessions }), code('TEST_SSHD_INVALID_ARGUMENT'));
    const e = await rejects<TestSshdError>(startTestSshd({ user: 'a b' }), code('TEST_SSHD_INVALID_ARGUMENT'));
    assert.match(e.message, '"a b" is no user name');
  });

  if (isRoot) {
    test('as root: user picks an existing account; a missing one is refused unless createUser', async () => {
      {
        await using s = await startTestSshd({ user: 'root' });
        await using ssh = new OpenSSH(s.host, s.options);
        assert.is((await ssh.capture('id -u')).trim(), '0');
      }
      const missing = `nossh${process.pid}`;
      const e = await rejects<TestSshdError>(startTestSshd({ user: missing }), code('TEST_SSHD_INVALID_ARGUMENT'));
      assert.match(e.message, `the account ${missing} does not exist`);
      assert.match(e.message, 'createUser: true');
    });

    test('as a normal user: sshd runs unprivileged, logs in as that user and refuses another', () => {
      // a child process running as the suite's non-root account
      const dir = mkdtempSync(join(tmpdir(), 'net-openssh-testing-'));
      try {
        chmodSync(dir, 0o755);
        const script = join(dir, 'as-user.mts');
        const kit = join(import.meta.dirname, '..', '..', 'src', 'testing', 'index.ts');
        writeFileSync(
          script,
          [
            `import { startTestSshd } from ${JSON.stringify(kit)};`,
            "const refused = await startTestSshd({ user: 'root' })",
            "  .then(() => 'started', (e) => e.code + ': ' + e.message);",
            'const s = await startTestSshd();',
            'console.log(JSON.stringify({ refused, user: s.user }));',
            'await s.stop();',
          ].join('\n'),
          { mode: 0o644 },
        );
        const r = spawnSync('runuser', ['-u', TEST_USER, '--', process.execPath, scriptBundle(script)], {
          cwd: dir,
          encoding: 'utf8',
          timeout: 60_000,
        });
        assert.is(r.status, 0, r.stderr);
        const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { refused: string; user: string };
        assert.is(out.user, TEST_USER);
        assert.match(
          out.refused,
          `TEST_SSHD_INVALID_ARGUMENT: throwaway sshd: cannot log in as root: running as ${TEST_USER}`,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
}

test.run();
