// The server matrix: the core behaviours against SSH servers other than OpenSSH's sshd (dropbear, asyncssh's
// server; test/fixtures/servers.ts), on both engines. What a server cannot do is asserted as the error we give,
// not skipped. docs/servers.md has the table this file proves.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, take, toArray } from 'rxjs';
import type { OpenSSH, OpenSSHError } from '../../src/index';
import { sftp } from '../../src/sftp/index';
import { rsyncPut } from '../../src/transfers/rsync';
import { scpPut } from '../../src/transfers/scp';
import { captureTunnel } from '../../src/tunnels/tunnel';
import { type ServerFixture, startAsyncssh, startDropbear } from '../fixtures/servers';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { assertRemoteGone, assertRemoteRunning, killRemote, remoteRunning, uniqueMarker } from '../helpers/remote';
import { noHang, rejects, strict } from '../helpers/setup';

strict();

const HOSTILE = ['a b', "it's", '"dq"', '$HOME', '`id`', 'semi;colon', 'back\\slash', '*', '\ttab', 'ünï', ''];
const BULK = 3 * 1024 * 1024;

// A TCP echo server on 127.0.0.1 for the tunnels.
const echo: Server = createServer((s) => s.pipe(s));
await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
const echoPort = (echo.address() as { port: number }).port;

/**
 * What each server cannot do, as docs/servers.md says (a server not listed here does everything); no `maxSessions` is
 * passed: the library knows dropbear by its version and keeps one session at a time there.
 * - `hangupOnClose`: whether a command it runs ends when its channel closes without output (a timeout or abort
 *   of a silent command) on each engine;
 * - `scpSftp`: whether `scp`'s default (sftp) mode works.
 */
interface Limits {
  hangupOnClose?: Partial<Record<(typeof ENGINES)[number], boolean>>;
  loopEndsOnClose?: Partial<Record<(typeof ENGINES)[number], boolean>>;
  scpSftp?: boolean;
}
const LIMITS: Record<string, Limits> = {
  dropbear: {
    hangupOnClose: { spawn: false, mux: false },
    loopEndsOnClose: { spawn: false, mux: true },
  },
  // asyncssh's sftp server ends its session without an exit status, which scp (sftp mode) reports as a failure
  asyncssh: { scpSftp: false },
};

const servers: ServerFixture[] = [];
for (const start of [startDropbear, startAsyncssh]) {
  const f = await start();
  if (f) {
    servers.push(f);
    console.log(`  server matrix: ${f.name} (${f.version}) on port ${f.port}`);
  }
}

/**
 * Where the server ends a command whose channel closed (`ends`), asserts it is gone; where it cannot (docs/servers.md
 * says so), asserts that it still runs, then ends it here.
 */
const remoteEnds = async (ssh: OpenSSH, ends: boolean, text: string, what: string): Promise<void> => {
  if (ends) return assertRemoteGone(ssh, text, what);
  // a server that is not known to end it: it may still (dropbear sometimes does); what runs on is ended by us
  if (await remoteRunning(ssh, text)) await killRemote(ssh, text);
  await assertRemoteGone(ssh, text, `${what}, ended by us where the server left it running`);
};

for (const f of servers) {
  for (const engine of ENGINES) {
    const test = suite(`servers: ${f.name} (${engine} engine)`);
    const scratch = mkdtempSync(join(tmpdir(), `net-openssh-servers-${f.name}-`));
    chmodSync(scratch, 0o777); // the login account (not us when we run as root) writes here
    const limits = LIMITS[f.name] ?? {};
    let ssh: OpenSSH;
    // the server's processes are looked at over a second connection: a command the server keeps running after
    // its channel closed may hold the first one's only session
    let probe: OpenSSH;
    test.before(async () => {
      ssh = connect(f, { engine });
      probe = connect(f);
      await Promise.all([ssh.waitForMaster(), probe.waitForMaster()]);
      if (engine === ENGINES[0]) console.log(`  ${f.name}: ssh.serverVersion ${ssh.serverVersion}`);
    });
    test.after(async () => {
      await disconnectAll();
      rmSync(scratch, { recursive: true, force: true });
    });

    test('commands, exit codes and stderr', async () => {
      assert.is(await ssh.capture('echo out; echo err >&2'), 'out\n');
      assert.equal(await ssh.capture2('echo out; echo err >&2'), ['out\n', 'err\n']);
      assert.is(await ssh.test('exit 0'), true);
      assert.is(await ssh.test('exit 1'), false);
      const e = await rejects<OpenSSHError>(ssh.system('exit 7'));
      assert.is(e.code, 'OSSH_SLAVE_CMD_FAILED');
      assert.is(e.exitCode, 7);
    });

    test('quoting: hostile arguments come back as they went', async () => {
      const out = await ssh.capture('printf', '%s\\n', ...HOSTILE);
      assert.equal(out.split('\n').slice(0, -1), HOSTILE);
    });

    test('40 commands at once all succeed and the connection survives (no maxSessions given)', async () => {
      const pid = ssh.masterPid;
      const outs = await noHang(
        Promise.all(Array.from({ length: 40 }, (_, i) => ssh.capture(`echo ${i}`))),
        '40 commands at once',
      );
      assert.equal(
        outs,
        Array.from({ length: 40 }, (_, i) => `${i}\n`),
      );
      assert.is(ssh.masterPid, pid);
      assert.is(await ssh.capture('echo still'), 'still\n');
    });

    test('a timeout is OSSH_SLAVE_TIMEOUT and the remote command ends', async () => {
      const m = uniqueMarker();
      const e = await rejects<OpenSSHError>(ssh.capture({ timeout: 1 }, `sleep ${m}`));
      assert.is(e.code, 'OSSH_SLAVE_TIMEOUT');
      await remoteEnds(probe, limits.hangupOnClose?.[engine] ?? true, `sleep ${m}`, 'after the timeout');
    });

    test('take(3) of an endless loop ends the remote loop', async () => {
      const m = uniqueMarker();
      const lines = await lastValueFrom(ssh.lines$(`while :; do echo ${m}; sleep 0.05; done`).pipe(take(3), toArray()));
      assert.equal(lines, [m, m, m]);
      await remoteEnds(probe, limits.loopEndsOnClose?.[engine] ?? true, `echo ${m}`, 'after take(3)');
    });

    test('an AbortSignal ends the remote command', async () => {
      const m = uniqueMarker();
      const ac = new AbortController();
      const p = ssh.capture({ signal: ac.signal }, `sleep ${m}`);
      p.catch(() => {}); // judged below
      await assertRemoteRunning(probe, `sleep ${m}`, 'before the abort');
      ac.abort();
      const e = await rejects<OpenSSHError>(p);
      assert.is(e.code, 'OSSH_ABORTED');
      await remoteEnds(probe, limits.hangupOnClose?.[engine] ?? true, `sleep ${m}`, 'after the abort');
    });

    test(`bulk stdin and stdout (${BULK} bytes each way)`, async () => {
      const data = randomBytes(BULK);
      assert.is(await ssh.capture({ stdinData: data }, 'wc -c'), `${BULK}\n`.padStart(String(BULK).length + 1));
      const out = await ssh.capture({ encoding: 'latin1' }, `head -c ${BULK} /dev/zero`);
      assert.is(out.length, BULK);
    });

    test('sftp put and get', async () => {
      const c = await sftp(ssh);
      try {
        const local = join(scratch, `local-${engine}.bin`);
        const data = randomBytes(256 * 1024);
        writeFileSync(local, data);
        await c.put(local, join(scratch, `remote-${engine}.bin`)).done;
        await c.get(join(scratch, `remote-${engine}.bin`), join(scratch, `back-${engine}.bin`)).done;
        assert.ok(readFileSync(join(scratch, `back-${engine}.bin`)).equals(data));
      } finally {
        await c.end();
      }
    });

    test('scp and rsync', async () => {
      const local = join(scratch, `scp-${engine}.bin`);
      const data = randomBytes(64 * 1024);
      writeFileSync(local, data);
      chmodSync(local, 0o644);
      if (limits.scpSftp === false) {
        const e = await rejects<OpenSSHError>(scpPut(ssh, {}, local, join(scratch, `scp-sftp-${engine}.bin`)));
        assert.is(e.code, 'OSSH_SLAVE_CMD_FAILED');
      } else {
        assert.is(await scpPut(ssh, {}, local, join(scratch, `scp-copy-${engine}.bin`)), true);
        assert.ok(readFileSync(join(scratch, `scp-copy-${engine}.bin`)).equals(data));
      }
      assert.is(await scpPut(ssh, { mode: 'legacy' }, local, join(scratch, `scp-legacy-${engine}.bin`)), true);
      assert.ok(readFileSync(join(scratch, `scp-legacy-${engine}.bin`)).equals(data));
      assert.is(await rsyncPut(ssh, {}, local, join(scratch, `rsync-copy-${engine}.bin`)), true);
      assert.ok(readFileSync(join(scratch, `rsync-copy-${engine}.bin`)).equals(data));
    });

    test('a tunnel to a TCP port', async () => {
      assert.is(await captureTunnel(ssh, { stdinData: 'hello' }, '127.0.0.1', echoPort), 'hello');
    });

    test.run();
  }
}

const done = suite('servers: teardown');
done.after(async () => {
  await new Promise((r) => echo.close(r));
  await Promise.all(servers.map((f) => f.destroy()));
});
done('the servers stop', () => {});
done.run();
