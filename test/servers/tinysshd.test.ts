// tinysshd serves one session per connection: it ends the connection when the first session ends. The library knows
// it by its version string: the command that ran is reported as completed (its status arrived before the connection
// ended: on the spawn engine the master's death used to win that race), the next call fails at once with
// OSSH_MASTER_FAILED saying why, and restart() starts a new master even while the old one still runs, so one
// restart() per command runs the core behaviours on it (the server matrix, as far as tinysshd goes). docs/servers.md.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenSSH, OpenSSHError } from '../../src/index';
import { sftp } from '../../src/sftp/index';
import { rsyncPut } from '../../src/transfers/rsync';
import { scpPut } from '../../src/transfers/scp';
import { captureTunnel } from '../../src/tunnels/tunnel';
import { startTinysshd } from '../fixtures/servers';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { rejects, strict } from '../helpers/setup';

strict();
const f = await startTinysshd();
if (f) console.log(`  server: ${f.name} (${f.version}) on port ${f.port}`);

const HOSTILE = ['a b', "it's", '"dq"', '$HOME', '`id`', 'semi;colon', 'back\\slash', '*', '\ttab', 'ünï', ''];
const BULK = 3 * 1024 * 1024;
const echo: Server = createServer((s) => s.pipe(s));
await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
const echoPort = (echo.address() as { port: number }).port;

for (const engine of ENGINES) {
  const test = suite(`servers: tinysshd, one session per connection (${engine} engine)`);
  const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-servers-tinysshd-'));
  chmodSync(scratch, 0o777); // the login account (not us when we run as root) writes here
  test.after(async () => {
    await disconnectAll();
    rmSync(scratch, { recursive: true, force: true });
  });
  if (f) {
    test('the first command completes, the next fails at once saying why (4 connections)', async () => {
      // several rounds: the connection ends right behind the exit status, a race the library must always win
      for (let round = 0; round < 4; round++) {
        const ssh = connect(f, { engine });
        assert.is(await ssh.capture('echo first; exit 0'), 'first\n', `round ${round}`);
        assert.match(ssh.serverVersion ?? '', /^tinyssh_/);
        const e = await rejects<OpenSSHError>(ssh.capture('echo second'));
        assert.is(e.code, 'OSSH_MASTER_FAILED');
        // at once, or the master's own end if it came first: either way the error says why
        assert.match(e.message, /serves one session per connection.*: use a new connection per command/);
        await ssh.disconnect();
      }
    });

    // one restart() before each call: a new master, whatever state the old one is in
    let ssh: OpenSSH;
    const fresh = async (): Promise<OpenSSH> => {
      ssh ??= connect(f, { engine });
      await ssh.restart();
      return ssh;
    };

    test('restart() per command: commands, exit codes, stderr, capture2 (8 in a row)', async () => {
      for (let i = 0; i < 4; i++) {
        assert.is(await (await fresh()).capture(`echo ${i}`), `${i}\n`);
        assert.equal(await (await fresh()).capture2('echo out; echo err >&2'), ['out\n', 'err\n']);
      }
      const e = await rejects<OpenSSHError>((await fresh()).system('exit 7'));
      assert.is(e.code, 'OSSH_SLAVE_CMD_FAILED');
      assert.is(e.exitCode, 7);
      assert.is(await (await fresh()).test('exit 1'), false);
    });

    test('restart() per command: hostile arguments come back as they went', async () => {
      const out = await (await fresh()).capture('printf', '%s\\n', ...HOSTILE);
      assert.equal(out.split('\n').slice(0, -1), HOSTILE);
    });

    test('restart() per command: a timeout is OSSH_SLAVE_TIMEOUT', async () => {
      const e = await rejects<OpenSSHError>((await fresh()).capture({ timeout: 1 }, 'sleep 30'));
      assert.is(e.code, 'OSSH_SLAVE_TIMEOUT');
    });

    test(`restart() per command: bulk stdin and stdout (${BULK} bytes each way)`, async () => {
      const data = randomBytes(BULK);
      const count = await (await fresh()).capture({ stdinData: data }, 'wc -c');
      assert.is(count.trim(), String(BULK));
      const out = await (await fresh()).capture({ encoding: 'latin1' }, `head -c ${BULK} /dev/zero`);
      assert.is(out.length, BULK);
    });

    test('restart() per transfer: scp (legacy mode) and rsync; no sftp subsystem: a typed error', async () => {
      const local = join(scratch, `local-${engine}.bin`);
      const data = randomBytes(64 * 1024);
      writeFileSync(local, data);
      chmodSync(local, 0o644);
      assert.is(await scpPut(await fresh(), { mode: 'legacy' }, local, join(scratch, `scp-${engine}.bin`)), true);
      assert.ok(readFileSync(join(scratch, `scp-${engine}.bin`)).equals(data));
      assert.is(await rsyncPut(await fresh(), {}, local, join(scratch, `rsync-${engine}.bin`)), true);
      assert.ok(readFileSync(join(scratch, `rsync-${engine}.bin`)).equals(data));
      const e = await rejects<OpenSSHError>(sftp(await fresh()).then((c) => c.end()));
      assert.ok(['OSSH_MASTER_FAILED', 'OSSH_SLAVE_FAILED'].includes(e.code), e.message);
    });

    test('restart() per call: a tunnel is refused with OSSH_SLAVE_FAILED (tinysshd forwards nothing)', async () => {
      const e = await rejects<OpenSSHError>(captureTunnel(await fresh(), { stdinData: 'x' }, '127.0.0.1', echoPort));
      assert.is(e.code, 'OSSH_SLAVE_FAILED');
      assert.match(e.message, /the server refused it/);
      assert.is(await (await fresh()).capture('echo after'), 'after\n');
    });
  }
  test.run();
}

const done = suite('servers: tinysshd teardown');
done.after(async () => {
  await new Promise((r) => echo.close(r));
  await f?.destroy();
});
done('the server stops', () => {});
done.run();
