// Persistent masters (`persist`): shared across processes through a control path derived from the options,
// safe against stale, foreign and racing starts, listed and ended on request, expiring on their own.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpenSSH, OpenSSHError, type OpenSSHOptions } from '../../src/index';
import { normalizeCtorOptions } from '../../src/core/options';
import { persistentPathOf } from '../../src/core/persist/claim';
import { isAlive } from '../../src/core/persist/process-alive';
import { sharedSshd, TEST_USER } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { requirePrereq } from '../helpers/prereq';
import { bareOpts, passphraseKey } from './login-accounts';
import { sshProcessesWith } from '../helpers/processes';
import { eventually, noHang, rejects, sleep, strict } from '../helpers/setup';
import { scriptBundle } from '../helpers/script-bundle';

strict();
const f = await sharedSshd();
const test = suite('e2e: persistent masters');
const CLIENT = fileURLToPath(new URL('../fixtures/persist-client.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));

const dirs: string[] = [];
/** A fresh 0700 ctlDir per test: its masters are found, listed and stopped in isolation. */
const newCtlDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'nos-persist-'));
  dirs.push(d);
  return d;
};
const opts = (ctlDir: string, extra: OpenSSHOptions = {}) => f!.options({ ctlDir, persist: 60, ...extra });
const pathFor = (o: OpenSSHOptions, destination = f!.destination) =>
  persistentPathOf(normalizeCtorOptions(destination, o));
const cleanUp = async () => {
  await disconnectAll();
  for (const d of dirs) await OpenSSH.stopPersistentMasters({ ctlDir: d });
};
test.after.each(cleanUp);
test.after(async () => {
  await cleanUp();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface ClientResult {
  pid: number;
  ctlPath: string;
  readyMs: number;
  startedMaster: boolean;
  out: string;
}

/**
 * Runs `n` processes of test/fixtures/persist-client.ts with the same job. With `barrier`, they load first
 * and then all get "go" at once, so that their starts race. Settles only once every process has ended.
 */
const runClients = (
  n: number,
  job: { destination: string; options: OpenSSHOptions },
  barrier = false,
): Promise<ClientResult[]> =>
  noHang(
    new Promise<ClientResult[]>((resolve, reject) => {
      const results: ClientResult[] = new Array(n);
      const errors: string[] = [];
      let waiting = 0;
      let done = 0;
      const children = Array.from({ length: n }, (_, i) => {
        const child = spawn(process.execPath, [scriptBundle(CLIENT), JSON.stringify({ ...job, barrier })], {
          cwd: REPO,
          stdio: ['pipe', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (d: string) => {
          out += d;
          const lines = out.split('\n');
          out = lines.pop()!;
          for (const line of lines) {
            const msg = JSON.parse(line);
            if (msg.waiting && ++waiting === n) for (const c of children) c.stdin!.end('go\n');
            else if (msg.error) errors.push(`client ${i}: ${msg.error}: ${msg.message}`);
            else if (!msg.waiting) results[i] = msg;
          }
        });
        child.once('close', (code) => {
          if (code !== 0) {
            errors.push(`client ${i} exited with ${code}`);
            for (const c of children) if (c.exitCode === null) c.kill(); // a barrier that can no longer open
          }
          if (++done < n) return;
          if (errors.length) reject(new Error(errors.join('; ')));
          else resolve(results);
        });
        if (!barrier) child.stdin!.end();
        return child;
      });
    }),
    `${n} client processes`,
    120_000,
  );

const isSocket = (p: string): boolean => existsSync(p) && lstatSync(p).isSocket();

if (f) {
  test(
    'a second process with the same options reuses the first one’s ' +
      'master: same pid, no new ssh (both times to ready printed)',
    async () => {
      const job = { destination: f.destination, options: opts(newCtlDir()) };
      const [first] = await runClients(1, job);
      assert.is(first!.out, 'ok');
      assert.ok(first!.startedMaster, 'the first process started the master');
      assert.ok(isAlive(first!.pid), 'the master outlived the process that started it (it exited without disconnect)');
      assert.equal(sshProcessesWith(first!.ctlPath), [first!.pid], 'one ssh at that path: the master');
      const [second] = await runClients(1, job);
      assert.is(second!.out, 'ok');
      assert.is(second!.pid, first!.pid, 'the same master');
      assert.is(second!.ctlPath, first!.ctlPath);
      assert.is(second!.startedMaster, false, 'the second process started no ssh master');
      assert.equal(sshProcessesWith(first!.ctlPath), [first!.pid], 'still one ssh at that path');
      console.log(
        `    time to ready: fresh master ${first!.readyMs.toFixed(1)} ms, ` +
          `reused from another process ${second!.readyMs.toFixed(1)} ms`,
      );
    },
  );

  test('each connection-relevant option gives its own master; irrelevant ones share it', async () => {
    const ctlDir = newCtlDir();
    const sshPath = execFileSync('sh', ['-c', 'command -v ssh'], { encoding: 'utf8' }).trim();
    const base = connect(f, opts(ctlDir));
    await base.waitForMaster();
    const same = connect(
      f,
      opts(ctlDir, { timeout: 25, batchMode: false, engine: 'spawn', defaultSshOpts: ['-F', f.configPath, '-q'] }),
    );
    await same.waitForMaster();
    assert.is(
      same.masterPid,
      base.masterPid,
      'timeout, batchMode, engine and slave options do not change the connection',
    );
    assert.is(same.getCtlPath(), base.getCtlPath());
    const variants: Array<[string, OpenSSH]> = [
      ['masterOpts', connect(f, opts(ctlDir, { masterOpts: ['-F', f.configPath, '-o', 'ServerAliveCountMax=5'] }))],
      ['keyPath', connect(f, opts(ctlDir, { keyPath: f.keyPath }))],
      ['sshCmd', connect(f, opts(ctlDir, { sshCmd: sshPath }))],
      ['forwardAgent', connect(f, opts(ctlDir, { forwardAgent: true }))],
      ['host', connect(f, opts(ctlDir), `${f.user}@localhost:${f.port}`)],
    ];
    const paths = new Map([[base.getCtlPath(), 'base']]);
    const pids = new Map([[base.masterPid, 'base']]);
    for (const [what, ssh] of variants) {
      await ssh.waitForMaster();
      assert.is(await ssh.capture('echo', what), `${what}\n`);
      assert.not.ok(paths.has(ssh.getCtlPath()), `${what}: same path as ${paths.get(ssh.getCtlPath())}`);
      assert.not.ok(pids.has(ssh.masterPid), `${what}: same master as ${pids.get(ssh.masterPid)}`);
      paths.set(ssh.getCtlPath(), what);
      pids.set(ssh.masterPid, what);
    }
    assert.is((await OpenSSH.persistentMasters({ ctlDir })).length, 1 + variants.length);
  });

  test('a killed persistent master is noticed by its connection and replaced on the next connect', async () => {
    const o = opts(newCtlDir());
    const a = connect(f, o);
    await a.waitForMaster();
    const path = a.getCtlPath()!;
    const old = a.masterPid!;
    process.kill(old, 'SIGKILL');
    assert.ok(await eventually(() => a.state.name === 'failed'), 'the connection saw its master die');
    assert.is(a.error?.code, 'OSSH_MASTER_FAILED');
    assert.match(a.error!.message, /persistent master .* ended/);
    assert.ok(isSocket(path), 'a SIGKILLed ssh leaves its socket behind: stale');
    const b = connect(f, o);
    await b.waitForMaster();
    assert.is(b.getCtlPath(), path);
    assert.is.not(b.masterPid, old, 'a new master');
    assert.ok(isAlive(b.masterPid!));
    assert.is(await b.capture('echo', 'replaced'), 'replaced\n');
    assert.equal(sshProcessesWith(path), [b.masterPid!]);
  });

  test(
    'a socket owned by another user at the path is refused ' + '(OSSH_MASTER_FAILED naming it), and no ssh starts',
    async () => {
      if (!requirePrereq(process.getuid?.() === 0, 'root (to give a socket to another user)')) return;
      const o = opts(newCtlDir());
      const path = pathFor(o);
      const uid = Number(execFileSync('id', ['-u', TEST_USER], { encoding: 'utf8' }));
      const planted = createServer((c) => c.destroy());
      await new Promise<void>((r) => planted.listen(path, r));
      try {
        chownSync(path, uid, uid);
        const ssh = connect(f, o);
        const e = await rejects<OpenSSHError>(ssh.waitForMaster());
        assert.instance(e, OpenSSHError);
        assert.is(e.code, 'OSSH_MASTER_FAILED');
        assert.ok(e.message.includes(path), e.message);
        assert.match(e.message, new RegExp(`owned by uid ${uid}, not by you`));
        assert.equal(sshProcessesWith(path), [], 'no ssh was started');
        assert.ok(isSocket(path), 'the foreign socket is left alone');
      } finally {
        await new Promise((r) => planted.close(r));
      }
    },
  );

  test('a persistent master in an insecure ctlDir is refused before anything starts', async () => {
    const ctlDir = newCtlDir();
    chmodSync(ctlDir, 0o777);
    const ssh = connect(f, opts(ctlDir));
    const e = await rejects<OpenSSHError>(ssh.waitForMaster());
    assert.is(e.code, 'OSSH_MASTER_FAILED');
    assert.ok(e.message.includes(ctlDir), e.message);
    assert.match(e.message, /not secure: .*writable by others/);
    assert.equal(readdirSync(ctlDir), []);
    assert.equal(sshProcessesWith(ctlDir), []);
  });

  test('10 processes racing to connect the same host end up with exactly one master', async () => {
    const job = { destination: f.destination, options: opts(newCtlDir()) };
    const results = await runClients(10, job, true);
    const pids = new Set(results.map((r) => r.pid));
    assert.is(pids.size, 1, `masters: ${[...pids].join(', ')}`);
    assert.is(results.filter((r) => r.startedMaster).length, 1, 'one process started ssh; nine waited and reused');
    assert.ok(results.every((r) => r.out === 'ok'));
    assert.equal(sshProcessesWith(results[0]!.ctlPath), [...pids]);
    assert.not.ok(existsSync(`${results[0]!.ctlPath}.lock`), 'the start lock is gone');
  });

  test(
    'a start that crashed (stale lock and stale socket): ' + '10 racing processes still end with one master',
    async () => {
      const o = opts(newCtlDir());
      const path = pathFor(o);
      const dead = spawnSync('true').pid!;
      writeFileSync(`${path}.lock`, `${dead} 0123456789abcdef\n`, { mode: 0o600 });
      spawnSync(process.execPath, [
        '-e',
        `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`,
      ]);
      assert.ok(isSocket(path), 'stale socket planted');
      const results = await runClients(10, { destination: f.destination, options: o }, true);
      assert.is(new Set(results.map((r) => r.pid)).size, 1);
      assert.is(results.filter((r) => r.startedMaster).length, 1);
      assert.equal(sshProcessesWith(path), [results[0]!.pid]);
      assert.equal(
        readdirSync(join(path, '..')).filter((n) => n.includes('.lock')),
        [],
        'no lock left, none aside',
      );
    },
  );

  test('a master expires once idle for its duration, not while a connection uses it', async () => {
    const ssh = connect(f, opts(newCtlDir(), { persist: 2 }));
    await ssh.waitForMaster();
    const pid = ssh.masterPid!;
    const path = ssh.getCtlPath()!;
    await sleep(3000); // longer than persist: an attached connection keeps it
    assert.ok(isAlive(pid), 'alive while attached');
    assert.is(await ssh.capture('echo', 'still'), 'still\n');
    await ssh.disconnect();
    assert.ok(isAlive(pid), 'disconnect() lets go of it without ending it');
    assert.ok(await eventually(() => !isAlive(pid), 15_000), 'gone after 2 s idle');
    assert.not.ok(existsSync(path), 'ssh removed its socket');
  });

  test(
    'disconnect() lets go (later calls fail, the master ' + 'lives on); terminate() ends it, attached or not',
    async () => {
      const o = opts(newCtlDir());
      const ssh = connect(f, o);
      await ssh.waitForMaster();
      const pid = ssh.masterPid!;
      await ssh.disconnect();
      assert.is(ssh.state.name, 'stopped');
      const e = await rejects<OpenSSHError>(ssh.capture('true'));
      assert.is(e.code, 'OSSH_MASTER_FAILED');
      assert.ok(isAlive(pid));
      const other = new OpenSSH(f.destination, { ...o, connect: false });
      await other.terminate();
      assert.not.ok(isAlive(pid), 'terminate() waited until the master was gone');
      assert.equal(await OpenSSH.persistentMasters({ ctlDir: o.ctlDir }), []);
    },
  );

  test('terminate() of an attached master resolves once its process has exited and its socket is gone', async () => {
    const ssh = connect(f, opts(newCtlDir()));
    await ssh.waitForMaster();
    const pid = ssh.masterPid!;
    const path = ssh.getCtlPath()!;
    await ssh.terminate();
    // exited: absent, or a zombie that init reaps in its own time (ps shows it <defunct> until then)
    assert.not.ok(isAlive(pid), 'the master no longer runs');
    assert.not.ok(existsSync(path), 'its socket is gone');
    assert.is(ssh.state.name, 'stopped');
  });

  test('terminate() of an attached master that no longer answers (SIGSTOPped) ends it by its pid', async () => {
    const ssh = connect(f, opts(newCtlDir()));
    await ssh.waitForMaster();
    const pid = ssh.masterPid!;
    const path = ssh.getCtlPath()!;
    process.kill(pid, 'SIGSTOP'); // our test's own master
    try {
      await noHang(ssh.terminate(), 'terminate()');
      assert.not.ok(isAlive(pid), 'terminate() resolved only once the master was gone');
      assert.not.ok(existsSync(path), 'the socket the SIGKILLed ssh left was removed');
    } finally {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  test('stop() of a master that ignores ssh -O exit (SIGSTOPped) ends it with signals, then resolves', async () => {
    const o = opts(newCtlDir());
    const ssh = connect(f, o);
    await ssh.waitForMaster();
    await ssh.disconnect();
    const [m] = await OpenSSH.persistentMasters({ ctlDir: o.ctlDir });
    assert.ok(m, 'listed');
    process.kill(m!.pid, 'SIGSTOP'); // our test's own master: it cannot answer the exit request now
    try {
      await noHang(m!.stop(), 'stop()');
      assert.not.ok(isAlive(m!.pid), 'stop() resolved only once the master was gone');
      assert.not.ok(existsSync(m!.ctlPath), 'the socket the SIGKILLed ssh left was removed');
    } finally {
      if (isAlive(m!.pid)) process.kill(m!.pid, 'SIGKILL');
    }
  });

  test(
    'a passphrase login (master on a pty) persists too; ' + 'the next connection reuses it without the passphrase',
    async () => {
      const ctlDir = newCtlDir();
      const keyPath = passphraseKey(f, 'persist phrase: 7?');
      const base = { ctlDir, masterOpts: bareOpts(f), defaultSshOpts: bareOpts(f), keyPath, timeout: 20, persist: 60 };
      const a = connect(f, { ...base, passphrase: 'persist phrase: 7?' });
      await a.waitForMaster();
      const pid = a.masterPid!;
      await a.disconnect();
      assert.ok(isAlive(pid), 'the master survived the end of its pty (it ignores the hangup)');
      const b = connect(f, { ...base, batchMode: true }); // no passphrase: nothing to answer, it is reused
      await b.waitForMaster();
      assert.is(b.masterPid, pid);
      assert.is(await b.capture('echo', 'via the pty login'), 'via the pty login\n');
    },
  );

  test('persistentMasters() lists destination, pid and age; stop() and stopPersistentMasters() end them', async () => {
    const ctlDir = newCtlDir();
    const a = connect(f, opts(ctlDir));
    const b = connect(f, opts(ctlDir, { keyPath: f.keyPath, persist: '10m' }));
    await Promise.all([a.waitForMaster(), b.waitForMaster()]);
    const list = await OpenSSH.persistentMasters({ ctlDir });
    assert.equal(list.map((m) => m.pid).sort(), [a.masterPid, b.masterPid].sort());
    for (const m of list) {
      assert.is(m.destination, f.destination);
      assert.ok(m.ageSeconds >= 0 && m.ageSeconds < 600, String(m.ageSeconds));
    }
    assert.equal(list.map((m) => m.persistSeconds).sort(), [60, 600]);
    assert.is(list.find((m) => m.pid === b.masterPid)!.ctlPath, b.getCtlPath());
    await a.disconnect();
    await b.disconnect();
    await list.find((m) => m.pid === a.masterPid)!.stop();
    assert.not.ok(isAlive(a.masterPid!));
    assert.ok(isAlive(b.masterPid!));
    const crashed = join(ctlDir, `p-${'0'.repeat(24)}`); // what a start killed halfway leaves: a lock, a stale socket
    writeFileSync(`${crashed}.lock`, `${spawnSync('true').pid} 0123456789abcdef\n`, { mode: 0o600 });
    spawnSync(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(crashed)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ]);
    assert.ok(isSocket(crashed));
    const stopped = await OpenSSH.stopPersistentMasters({ ctlDir });
    assert.equal(
      stopped.map((m) => m.pid),
      [b.masterPid],
    );
    assert.not.ok(isAlive(b.masterPid!));
    assert.equal(readdirSync(ctlDir), [], 'no socket, lock or info file left (the crashed start tidied too)');
  });
}

test.run();
