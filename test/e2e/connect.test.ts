import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenSSH, OpenSSHError, type MasterStateName } from '../../src/index';
import { sharedSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { alive, sshProcessesWith } from '../helpers/processes';
import { eventually, noHang, rejects, sleep, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
const test = suite('e2e: master connection');
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-connect-'));
test.after(async () => {
  await disconnectAll();
  rmSync(scratch, { recursive: true, force: true });
});

const expectFailure = async (ssh: OpenSSH, re: RegExp) => {
  const e = await rejects<OpenSSHError>(ssh.waitForMaster());
  assert.instance(e, OpenSSHError);
  assert.is(e.code, 'OSSH_MASTER_FAILED');
  assert.match(e.message, re);
  assert.is(ssh.state.name, 'failed');
  assert.is(ssh.error, e);
  return e;
};

if (f) {
  const id = (ssh: OpenSSH) => ssh.capture('id', '-un');

  test('user@host:port destination', async () => {
    const ssh = connect(f);
    assert.is(await id(ssh), `${f.user}\n`);
    assert.is(ssh.getHost(), '127.0.0.1');
    assert.is(ssh.getPort(), f.port);
    assert.is(ssh.getUser(), f.user);
  });

  test('host with user and port options', async () => {
    const ssh = connect(f, { user: f.user, port: f.port }, '127.0.0.1');
    assert.is(await id(ssh), `${f.user}\n`);
  });

  test('bracketed IPv6 with port: user@[::1]:port and [::1]:port', async () => {
    const a = connect(f, {}, `${f.user}@[::1]:${f.port}`);
    const b = connect(f, { user: f.user }, `[::1]:${f.port}`);
    assert.is(a.getHost(), '::1');
    assert.is(await id(a), `${f.user}\n`);
    assert.is(await id(b), `${f.user}\n`);
  });

  test('bare IPv6 address with the port as an option', async () => {
    const ssh = connect(f, { user: f.user, port: f.port }, '::1');
    assert.is(await id(ssh), `${f.user}\n`);
  });

  test('user:password@host is parsed and the password never shows', async () => {
    const ssh = new OpenSSH(`${f.user}:s3cr3t-pw@127.0.0.1:${f.port}`, f.options({ connect: false }));
    assert.is(ssh.getUser(), f.user);
    assert.is(ssh.toString(), `${f.user}@127.0.0.1:${f.port}`);
    assert.not.match(JSON.stringify(ssh.state), 's3cr3t');
    await ssh.disconnect();
  });

  test('state$ goes connecting -> awaiting_mux -> running -> stopping -> stopped', async () => {
    const seen: MasterStateName[] = [];
    const ssh = new OpenSSH(f.destination, f.options({ connect: false }));
    const sub = ssh.state$.subscribe((s) => seen.push(s.name));
    await ssh.waitForMaster();
    await ssh.disconnect();
    sub.unsubscribe();
    assert.equal(seen, ['idle', 'connecting', 'awaiting_mux', 'running', 'stopping', 'stopped']);
  });

  test('async waitForMaster(true) polling reaches true while a timer keeps ticking', async () => {
    const ssh = connect(f, { async: true });
    let ticks = 0;
    let maxGap = 0;
    let last = Date.now();
    const timer = setInterval(() => {
      const now = Date.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks++;
    }, 5);
    const results: Array<boolean | undefined> = [];
    for (;;) {
      const r = ssh.waitForMaster(true);
      results.push(r);
      if (r !== undefined) break;
      await sleep(2);
    }
    clearInterval(timer);
    assert.is(results.at(-1), true);
    assert.ok(results.includes(undefined), 'at least one poll saw the master still connecting');
    assert.ok(ticks >= 3, `the timer kept firing (${ticks} ticks)`);
    console.log(`    async connect: ${results.length} polls, ${ticks} timer ticks, longest gap ${maxGap} ms`);
  });

  test('disconnect() leaves no master process and no socket', async () => {
    const ssh = connect(f);
    await ssh.waitForMaster();
    const pid = ssh.masterPid!;
    const ctl = ssh.getCtlPath()!;
    assert.ok(alive(pid));
    assert.ok(existsSync(ctl));
    await ssh.disconnect();
    assert.not.ok(alive(pid), 'master process gone');
    assert.not.ok(existsSync(ctl), 'control socket removed');
    assert.equal(sshProcessesWith(ctl), []);
    assert.is(ssh.state.name, 'stopped');
    const e = await rejects<OpenSSHError>(ssh.capture('true'));
    assert.is(e.code, 'OSSH_MASTER_FAILED');
  });

  test('Symbol.asyncDispose ends the master', async () => {
    let pid: number | undefined;
    {
      const ssh = new OpenSSH(f.destination, f.options());
      await ssh.waitForMaster();
      pid = ssh.masterPid;
      await ssh[Symbol.asyncDispose]();
    }
    assert.not.ok(alive(pid!));
  });

  test('host key mismatch: a clear error, and no connection', async () => {
    const kh = join(scratch, 'bad_known_hosts');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(scratch, 'other')]);
    const other = readFileSync(join(scratch, 'other.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(kh, `[127.0.0.1]:${f.port} ${other}\n`);
    const ssh = connect(f, { masterOpts: ['-o', `UserKnownHostsFile=${kh}`, '-F', f.configPath] });
    const e = await expectFailure(ssh, /doesn't match|changed/);
    assert.is(e.host, '127.0.0.1');
    assert.not.ok(existsSync(ssh.getCtlPath()!));
  });

  test('unknown host key: a clear error naming known_hosts', async () => {
    const kh = join(scratch, 'empty_known_hosts');
    writeFileSync(kh, '');
    const ssh = connect(f, { masterOpts: ['-o', `UserKnownHostsFile=${kh}`, '-F', f.configPath] });
    await expectFailure(ssh, /known_hosts/);
  });

  test('wrong key in batch mode fails clearly without hanging', async () => {
    const key = join(scratch, 'wrong');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const cfg = join(scratch, 'wrong_config');
    writeFileSync(cfg, readFileSync(f.configPath, 'utf8').replace(/IdentityFile .*/, `IdentityFile ${key}`));
    const ssh = connect(f, { keyPath: key, masterOpts: ['-F', cfg] });
    await noHang(expectFailure(ssh, /permission denied/i), 'a refused key in batch mode');
  });

  test('connection refused on a closed port', async () => {
    const ssh = connect(f, {}, `${f.user}@127.0.0.1:1`);
    await expectFailure(ssh, /connection refused/);
  });

  test('insecure ctlDir is refused, and accepted with strictMode: false', async () => {
    const dir = join(scratch, 'open');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    const ssh = connect(f, { ctlDir: dir });
    const e = await expectFailure(ssh, /not secure/);
    assert.match(e.message, dir);
    const relaxed = connect(f, { ctlDir: dir, strictMode: false });
    assert.is(await relaxed.capture('echo', 'ok'), 'ok\n');
  });

  test('a parent directory writable by others is refused too', async () => {
    const parent = join(scratch, 'wideparent');
    mkdirSync(join(parent, 'ctl'), { recursive: true });
    chmodSync(parent, 0o777);
    chmodSync(join(parent, 'ctl'), 0o700);
    await expectFailure(connect(f, { ctlDir: join(parent, 'ctl') }), /wideparent is writable/);
  });

  test('a ctlPath too long for a socket is a clear error', async () => {
    const ssh = connect(f, { ctlPath: join(f.ctlDir, 'x'.repeat(100)) });
    await expectFailure(ssh, /too long/);
  });

  test('a ctlDir too long for a socket: the failed connection removes the directories it created', async () => {
    for (const engine of ENGINES) {
      const parent = join(scratch, `long-${engine}-${'d'.repeat(60)}`);
      const dir = join(parent, 'ctl');
      const e = await expectFailure(connect(f, { engine, ctlDir: dir }), /too long/);
      assert.match(e.message, dir);
      assert.not.ok(existsSync(parent), `${engine}: the ctlDir and the parent it created are gone`);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      await expectFailure(connect(f, { engine, ctlDir: dir }), /too long/);
      assert.ok(existsSync(dir), `${engine}: a ctlDir that existed before is left in place`);
    }
  });

  test('a ctlDir its own check refuses is removed when this connection created it', async () => {
    const parent = join(scratch, 'openparent');
    mkdirSync(parent, { mode: 0o700 });
    chmodSync(parent, 0o777);
    const dir = join(parent, 'a', 'ctl');
    for (const engine of ENGINES) {
      await expectFailure(connect(f, { engine, ctlDir: dir }), /openparent is writable/);
      assert.not.ok(existsSync(join(parent, 'a')), `${engine}: what the connection created is gone`);
      assert.ok(existsSync(parent), `${engine}: the parent that existed before stays`);
    }
  });

  test('the ctlDir a connection created goes with the last connection using it: failed, or disconnected', async () => {
    const refused = join(scratch, 'made-for-refused', 'ctl');
    const bad = new OpenSSH(`${f.user}@127.0.0.1:1`, f.options({ ctlDir: refused }));
    await rejects<OpenSSHError>(bad.waitForMaster(), (e) => e.code === 'OSSH_MASTER_FAILED');
    assert.ok(
      await eventually(() => !existsSync(join(scratch, 'made-for-refused')), 3000),
      'a connection that failed to connect removed the directories it created',
    );
    const shared = join(scratch, 'made-for-two', 'ctl');
    const one = connect(f, { ctlDir: shared });
    const two = connect(f, { ctlDir: shared });
    assert.is(await one.capture('echo', 'one'), 'one\n');
    assert.is(await two.capture('echo', 'two'), 'two\n');
    await one.disconnect();
    assert.ok(existsSync(shared), 'kept while another connection uses it');
    assert.is(await two.capture('echo', 'still'), 'still\n');
    await two.disconnect();
    assert.ok(await eventually(() => !existsSync(join(scratch, 'made-for-two')), 3000), 'gone with the last one');
    mkdirSync(shared, { recursive: true, mode: 0o700 });
    const existing = connect(f, { ctlDir: shared });
    assert.is(await existing.capture('echo', 'x'), 'x\n');
    await existing.disconnect();
    assert.ok(existsSync(shared), 'a ctlDir that existed before is left in place');
  });

  test('checkMaster, externalMaster and a master killed from outside', async () => {
    const ssh = connect(f);
    await ssh.waitForMaster();
    assert.ok(await ssh.checkMaster());
    const ext = connect(f, { externalMaster: true, ctlPath: ssh.getCtlPath()! });
    assert.is(await ext.capture('echo', 'via-external'), 'via-external\n');
    assert.is(ext.masterPid, ssh.masterPid);
    process.kill(ssh.masterPid!, 'SIGKILL');
    assert.ok(await eventually(() => ssh.state.name === 'failed', 2000));
    assert.not.ok(await ssh.checkMaster());
    const e = await rejects<OpenSSHError>(ssh.capture('true'));
    assert.is(e.code, 'OSSH_MASTER_FAILED');
  });

  test('disownMaster lets the master outlive its object', async () => {
    const ssh = new OpenSSH(f.destination, f.options());
    await ssh.waitForMaster();
    const pid = ssh.disownMaster()!;
    assert.is(pid, ssh.masterPid);
    await sleep(100);
    assert.ok(alive(pid), 'a disowned master survives');
    const again = connect(f, { externalMaster: true, ctlPath: ssh.getCtlPath()! });
    assert.is(await again.capture('echo', 'still'), 'still\n');
    await again.disconnect(); // sends -O exit to an external master, as Net::OpenSSH does
    assert.ok(await eventually(() => !alive(pid), 3000));
  });

  test('stop(): the master stops accepting operations', async () => {
    const ssh = connect(f);
    await ssh.waitForMaster();
    assert.ok(await ssh.stop());
    assert.is(ssh.state.name, 'stopped');
    await rejects<OpenSSHError>(ssh.capture('true'), (e) => e.code === 'OSSH_MASTER_FAILED');
    const pid = ssh.masterPid!;
    await ssh.disconnect();
    assert.not.ok(alive(pid));
  });

  for (const engine of ENGINES) {
    test(`stop() [${engine}]: running commands finish, new ones are refused, then the master exits`, async () => {
      const ssh = connect(f, { engine });
      await ssh.waitForMaster();
      const pid = ssh.masterPid!;
      const running = ssh.capture('sleep 1; echo finished');
      await sleep(300); // the command has its session
      assert.ok(await ssh.stop());
      assert.is(ssh.state.name, 'stopped');
      await rejects<OpenSSHError>(ssh.capture('true'), (e) => e.code === 'OSSH_MASTER_FAILED');
      assert.is(await noHang(running, 'the command running at stop()'), 'finished\n');
      if (engine === 'spawn') {
        // each slave was a control client of its own: with the last one gone, the master has nothing left
        assert.ok(await eventually(() => !alive(pid), 5000), 'the master exited once its last session ended');
      }
      assert.is(ssh.state.name, 'stopped');
      await ssh.disconnect();
      assert.ok(await eventually(() => !alive(pid), 5000), 'disconnect() ended the stopped master');
    });
  }

  test('OpenSSH.factory is used by OpenSSH.create', async () => {
    const made: string[] = [];
    OpenSSH.factory = (dest, opts) => {
      made.push(dest);
      return new OpenSSH(dest, opts);
    };
    try {
      const ssh = await OpenSSH.create(f.destination, f.options());
      assert.equal(made, [f.destination]);
      assert.is(ssh.state.name, 'running', 'create() waited for the master the factory made');
      assert.is(await ssh.capture('echo', 'hi'), 'hi\n');
      await ssh.disconnect();
    } finally {
      OpenSSH.factory = undefined;
    }
  });

  test('OpenSSH.create waits for the master and never rejects for connection problems', async () => {
    const ok = await OpenSSH.create(f.destination, f.options());
    assert.is(ok.state.name, 'running');
    await ok.disconnect();
    const bad = await OpenSSH.create(`${f.user}@127.0.0.1:1`, f.options());
    assert.is(bad.state.name, 'failed');
    assert.is(bad.error?.code, 'OSSH_MASTER_FAILED');
  });

  test('login timeout bounds the connection', async () => {
    // a listener that accepts and never speaks SSH
    const { createServer } = await import('node:net');
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const ssh = connect(f, { timeout: 1 }, `${f.user}@127.0.0.1:${port}`);
    await noHang(expectFailure(ssh, /timeout/), 'a server that never speaks SSH');
    silent.close();
  });
}

test.run();
