// OpenSSH's sshd logging into an account whose login shell is rbash (bash's restricted mode), on both engines.
// What works is shown working; what rbash refuses fails at once with the shell's words: in the caller's own command
// as OSSH_SLAVE_CMD_FAILED naming the restricted shell, and in what the library itself adds to a command line (the
// output redirections of stdoutDiscard/stderrDiscard) as OSSH_SLAVE_FAILED saying what to do instead.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenSSH, OpenSSHError } from '../../src/index';
import { sftp } from '../../src/sftp/index';
import { captureTunnel } from '../../src/tunnels/tunnel';
import { asRoot, ensureRbashUser } from '../fixtures/restricted-accounts';
import { type SshdFixture, startSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { requirePrereq } from '../helpers/prereq';
import { ENGINES } from '../helpers/engines';
import { uniqueMarker } from '../helpers/remote';
import { rejects, strict } from '../helpers/setup';

strict();

const HOSTILE = [
  'a b',
  "it's",
  '"dq"',
  '$HOME',
  '`id`',
  'semi;colon',
  'back\\slash',
  'sl/ash',
  '*',
  '\ttab',
  'ünï',
  '',
];
const REDIRECT_REFUSED = 'rbash: line 1: /dev/null: restricted: cannot redirect output';

const echo: Server = createServer((s) => s.pipe(s));
await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
const echoPort = (echo.address() as { port: number }).port;

const f: SshdFixture | undefined = asRoot('to create the rbash account')
  ? await startSshd({ user: ensureRbashUser() })
  : undefined;
const local = mkdtempSync(join(tmpdir(), 'net-openssh-rbash-'));

// The same account on an sshd whose sftp subsystem is the external sftp-server (Debian's default sshd_config), which
// sshd starts through the login shell: the fixture writes `internal-sftp`, so its config is edited and sshd restarted.
const SFTP_SERVER = '/usr/lib/openssh/sftp-server';
const externalSftp = async (): Promise<SshdFixture | undefined> => {
  if (!f || !requirePrereq(existsSync(SFTP_SERVER), `${SFTP_SERVER} (Debian package openssh-sftp-server)`)) return;
  const x = await startSshd({ user: f.user });
  if (!x) return;
  await x.stop();
  const config = join(x.dir, 'sshd_config');
  const text = readFileSync(config, 'utf8');
  writeFileSync(config, text.replace('Subsystem sftp internal-sftp', `Subsystem sftp ${SFTP_SERVER}`));
  await x.restart();
  return x;
};
const external = await externalSftp();

// The files a test leaves in the account's home (names with a marker of this run), removed over the connection.
const names = (n: number): string[] => {
  const m = uniqueMarker();
  return Array.from({ length: n }, (_, i) => `rbash-${m}-${i}`);
};
const removeRemote = (ssh: OpenSSH, files: string[]) => ssh.system('rm', '-f', '--', ...files);

if (f)
  for (const engine of ENGINES) {
    const test = suite(`servers: rbash login shell (${engine} engine)`);
    let ssh: OpenSSH;
    test.before(() => {
      ssh = connect(f, { engine });
    });
    test.after(() => disconnectAll());

    test('commands, exit codes, stderr, stdin data and pipes work as on any shell', async () => {
      assert.is(await ssh.capture('echo out; echo err >&2; exit 0'), 'out\n');
      assert.equal(await ssh.capture2('echo out; echo err >&2'), ['out\n', 'err\n']);
      assert.is(await ssh.test('exit 1'), false);
      const e = await rejects<OpenSSHError>(ssh.system('exit 7'));
      assert.is(e.code, 'OSSH_SLAVE_CMD_FAILED');
      assert.is(e.exitCode, 7);
      assert.is(await ssh.capture({ stdinData: 'abc' }, 'tr', 'a-z', 'A-Z'), 'ABC');
      assert.is(await ssh.capture('echo abc | tr a-z A-Z'), 'ABC\n');
    });

    test('quoting: hostile arguments come back as they went', async () => {
      const out = await ssh.capture('printf', '%s\\n', ...HOSTILE);
      assert.equal(out.split('\n').slice(0, -1), HOSTILE);
    });

    test('the redirections rbash accepts work: stderrToStdout (2>&1) and stdinDiscard (</dev/null)', async () => {
      assert.is(await ssh.capture({ stderrToStdout: true }, 'printf', 'x\\n'), 'x\n');
      assert.is(await ssh.capture({ stdinDiscard: true }, 'cat', '-'), '');
    });

    test('sftp(), scp (sftp and legacy mode) and rsync work', async () => {
      const [a, b, c, d] = names(4) as [string, string, string, string];
      const content = randomBytes(4096).toString('hex');
      const src = join(local, `src-${engine}`);
      writeFileSync(src, content);
      try {
        const client = await sftp(ssh);
        await client.put(src, a);
        await client.get(a, join(local, `back-${engine}`));
        await client.end();
        assert.is(readFileSync(join(local, `back-${engine}`), 'utf8'), content);
        await ssh.scpPut(src, b);
        await ssh.scpPut({ mode: 'legacy' }, src, c);
        await ssh.rsyncPut(src, d);
        for (const name of [b, c, d]) assert.is(await ssh.capture('cat', name), content, name);
      } finally {
        await removeRemote(ssh, [a, b, c, d]);
      }
    });

    test('a tunnel to a TCP port works', async () => {
      assert.is(String(await captureTunnel(ssh, { stdinData: 'ping' }, '127.0.0.1', echoPort)), 'ping');
    });

    if (external)
      test('an external sftp-server (run through rbash, which refuses its path): sftp() fails at once', async () => {
        const e = await rejects<OpenSSHError>(sftp(connect(external, { engine })));
        assert.is(e.code, 'OSSH_SLAVE_SFTP_FAILED');
        assert.match(e.message, "the server's sftp subsystem ended before it answered");
        assert.match(e.message, 'a restricted login shell (rbash) cannot start an external sftp-server by its path');
      });

    test("what rbash refuses in the caller's command: OSSH_SLAVE_CMD_FAILED in the shell's words", async () => {
      const [out] = names(1) as [string];
      for (const [cmd, said] of [
        ['cd /tmp', 'rbash: line 1: cd: restricted'],
        ['/bin/echo x', "rbash: line 1: /bin/echo: restricted: cannot specify `/' in command names"],
        ['exec echo x', 'rbash: line 1: exec: restricted'],
        [`echo x > ${out}`, `rbash: line 1: ${out}: restricted: cannot redirect output`],
      ] as const) {
        const e = await rejects<OpenSSHError>(ssh.capture2(cmd));
        assert.is(e.code, 'OSSH_SLAVE_CMD_FAILED', cmd);
        assert.is(e.exitCode, 1, cmd);
        assert.ok(e.message.includes(said), `${cmd}: ${e.message}`);
        assert.match(e.message, "the server's login shell is a restricted shell, rbash", cmd);
      }
      assert.is(await ssh.test('test', '-e', out), false, 'the redirected command did not run');
    });

    const discard =
      'stdoutDiscard, stderrDiscard: OSSH_SLAVE_FAILED at once, nothing run; quoteArgsExtended: false works';
    test(discard, async () => {
      const [file, file2] = names(2) as [string, string];
      const refused = (e: OpenSSHError, options: string) => {
        assert.is(e.code, 'OSSH_SLAVE_FAILED');
        assert.ok(e.message.includes(REDIRECT_REFUSED), e.message);
        assert.ok(e.message.includes(`the output redirection that ${options} adds`), e.message);
        assert.match(e.message, 'pass `quoteArgsExtended: false`');
      };
      // test() rejects: the command never ran, so "false" would be a lie
      refused(await rejects<OpenSSHError>(ssh.test({ stdoutDiscard: true }, 'touch', file)), '`stdoutDiscard`');
      assert.is(await ssh.test('test', '-e', file), false, 'the command did not run');
      refused(await rejects<OpenSSHError>(ssh.capture({ stderrDiscard: true }, 'echo', 'x')), '`stderrDiscard`');
      const both = { stdoutDiscard: true, stderrDiscard: true };
      refused(await rejects<OpenSSHError>(ssh.system(both, 'echo', 'x')), '`stdoutDiscard` and `stderrDiscard`');
      // what the error says to do: the output is then discarded on this side
      try {
        assert.is(await ssh.system({ ...both, quoteArgsExtended: false }, 'touch', file2), true);
        assert.is(await ssh.test('test', '-e', file2), true);
        assert.is(await ssh.capture({ stderrDiscard: true, quoteArgsExtended: false }, 'echo', 'x'), 'x\n');
      } finally {
        await removeRemote(ssh, [file, file2]);
      }
    });

    test.run();
  }

const done = suite('servers: rbash teardown');
done.after(async () => {
  await new Promise((r) => echo.close(r));
  rmSync(local, { recursive: true, force: true });
  await Promise.all([f?.destroy(), external?.destroy()]);
});
done('the server stops', () => {});
done.run();
