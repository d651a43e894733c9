// What keeps Node running and what dispose lets go of: child Node scripts that use a connection and reach their
// end without disconnect() must exit by themselves and leave no master; disposing of an object that does not own
// its master leaves the master running; state$ is read-only.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { OpenSSH, type OpenSSHOptions } from '../../src/index';
import { sharedSshd, startSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { ENGINES } from '../helpers/engines';
import { alive, sshProcessesWith } from '../helpers/processes';
import { isAlive } from '../../src/core/persist/process-alive';
import { heldCount } from '../../src/core/keep-alive';
import { addForward } from '../../src/tunnels/forward';
import { eventually, strict } from '../helpers/setup';
import { scriptBundle } from '../helpers/script-bundle';
import { PW, PW_USER, bareOpts, ensurePasswordUser } from './login-accounts';

strict();
const f = await sharedSshd();
// a master on a pty (password login): node-pty's exit watcher cannot be unref'd, so the master's pty runs in an
// unref'd worker (src/core/pty/pty-worker.ts), ended and waited for at exit
const pw = ensurePasswordUser() ? await startSshd({ passwordAuth: true, users: [PW_USER] }) : undefined;
const test = suite('e2e: lifecycle internals (keep-alive, dispose, state$)');
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-lifecycle-'));
test.after(async () => {
  await disconnectAll();
  await pw?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const repo = resolve(import.meta.dirname, '../..');
const HANG_MS = 15_000;

// The child: connects with the options in LIFECYCLE_OPTS, does what LIFECYCLE_MODE says, prints one JSON
// line with what it saw, and reaches its end without disconnect()
const script = join(scratch, 'child.mts');
writeFileSync(
  script,
  `import { OpenSSH } from ${JSON.stringify(join(repo, 'src/index.ts'))};
const { destination, options, mode } = JSON.parse(process.env.LIFECYCLE_OPTS!);
const ssh = new OpenSSH(destination, options);
const report = (o: object) => console.log(JSON.stringify({ ctlPath: ssh.getCtlPath(), pid: ssh.masterPid, ...o }));
if (mode === 'capture') report({ out: await ssh.capture('echo', 'hi') });
else if (mode === 'capture+disconnect') report({ out: await ssh.capture('echo', 'hi'), end: await ssh.disconnect() });
else if (mode === 'wait') report({ ok: await ssh.waitForMaster(), state: ssh.state.name });
else if (mode === 'lines') report({ out: await ssh.captureLines('printf', 'a\\\\nb\\\\n') });
else report({ state: ssh.state.name }); // still connecting: nobody waits for the master
`,
);

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  report: { ctlPath?: string; pid?: number; out?: unknown; ok?: boolean; state?: string } | undefined;
  stderr: string;
}

/** Runs the child script; kills it and fails when it has not exited after HANG_MS. */
const runChild = (mode: string, options: OpenSSHOptions, destination = f!.destination): Promise<ChildRun> =>
  new Promise((done, fail) => {
    const env = { ...process.env, LIFECYCLE_OPTS: JSON.stringify({ destination, options, mode }) };
    // its own process group, so that the hang guard ends whatever the script started along with it
    const child = spawn(process.execPath, [scriptBundle(script)], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL');
      const seen = `stdout ${stdout}, stderr ${stderr}`;
      fail(new Error(`the ${mode} script did not exit by itself within ${HANG_MS / 1000} s (${seen})`));
    }, HANG_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop();
      done({ code, signal, report: line ? JSON.parse(line) : undefined, stderr });
    });
  });

/** Asserts the master of a child run is gone, and its control socket with it. */
const masterGone = async (r: ChildRun): Promise<void> => {
  const ctlPath = r.report?.ctlPath;
  assert.type(ctlPath, 'string', 'the child reported its control path');
  assert.ok(await eventually(() => sshProcessesWith(ctlPath!).length === 0, 5000), `no ssh left with ${ctlPath}`);
  // the master outlived its parent for a moment: init reaps it (isAlive counts a zombie as gone)
  const pid = r.report?.pid;
  if (pid !== undefined) assert.ok(await eventually(() => !isAlive(pid), 5000), `master pid ${pid} is gone`);
  assert.not.ok(existsSync(ctlPath!), 'the master removed its control socket');
};

if (f) {
  for (const engine of ENGINES) {
    test(`${engine}: a script that runs one capture and forgets disconnect() exits, no master left`, async () => {
      const r = await runChild('capture', f.options({ engine }));
      assert.is(r.code, 0, r.stderr);
      assert.is(r.report?.out, 'hi\n');
      assert.type(r.report?.pid, 'number');
      await masterGone(r);
    });
  }

  test('mux: a script whose command left a warm session behind exits too (captureLines, then the end)', async () => {
    const r = await runChild('lines', f.options({ engine: 'mux' }));
    assert.is(r.code, 0, r.stderr);
    assert.equal(r.report?.out, ['a\n', 'b\n']);
    await masterGone(r);
  });

  if (pw) {
    for (const mode of ['capture', 'capture+disconnect', 'connecting']) {
      test(`a password login (master on a pty), ${mode}: the script exits by itself; its master is gone`, async () => {
        const opts = bareOpts(pw);
        const options = { ctlDir: pw.ctlDir, masterOpts: opts, defaultSshOpts: opts, timeout: 20, password: PW };
        const r = await runChild(mode, options, `${PW_USER}@127.0.0.1:${pw.port}`);
        assert.is(r.code, 0, r.stderr); // 134: node-pty aborted the process while its worker was torn down
        assert.is(r.stderr, '');
        if (mode !== 'connecting') assert.is(r.report?.out, 'hi\n');
        await masterGone(r);
      });
    }
  }

  test('a top-level `await ssh.waitForMaster()` keeps the script alive until the master runs', async () => {
    const r = await runChild('wait', f.options());
    assert.is(r.code, 0, r.stderr); // 13 would mean an unsettled top-level await: Node exited while waiting
    assert.equal([r.report?.ok, r.report?.state], [true, 'running']);
    await masterGone(r);
  });

  test('a master still connecting with nobody waiting does not keep the script alive, and is ended', async () => {
    const r = await runChild('connecting', f.options());
    assert.is(r.code, 0, r.stderr);
    assert.ok(['connecting', 'awaiting_mux'].includes(r.report?.state ?? ''), `state ${r.report?.state}`);
    await masterGone(r);
  });

  for (const engine of ENGINES) {
    test(`${engine}: a command holds the process while it runs, and nothing is held once it is done`, async () => {
      const ssh = connect(f, { engine });
      await ssh.waitForMaster();
      assert.ok(await eventually(() => heldCount() === 0), `held before: ${heldCount()}`);
      const running = ssh.capture('sleep 0.2; echo x');
      assert.ok(await eventually(() => heldCount() > 0), 'held while the command runs');
      assert.is(await running, 'x\n');
      assert.ok(await eventually(() => heldCount() === 0), `held after: ${heldCount()}`);
      // `exec`: the mux engine's TERM reaches the sleep itself (a shell dies and leaves its child holding the
      // channel open until the sleep ends, which would hold the process that long)
      const pending = ssh.lines$('exec sleep 5').subscribe();
      assert.ok(await eventually(() => heldCount() > 0), 'held while the stream is subscribed');
      pending.unsubscribe();
      assert.ok(await eventually(() => heldCount() === 0), `held after unsubscribe: ${heldCount()}`);
    });
  }

  test('a forward holds the process until cancelled, or until its master ends', async () => {
    const ssh = connect(f);
    await ssh.waitForMaster();
    assert.ok(await eventually(() => heldCount() === 0), `held before: ${heldCount()}`);
    const spec = { remote: { host: '127.0.0.1', port: 0 }, to: { host: '127.0.0.1', port: 9 } };
    const fwd = await addForward(ssh, spec);
    assert.is(heldCount(), 1);
    await fwd.cancel();
    assert.is(heldCount(), 0);
    await addForward(ssh, spec);
    assert.is(heldCount(), 1);
    await ssh.disconnect();
    assert.is(heldCount(), 0, 'the master ended: its forwards are gone');
  });

  const sshCheck = (ctlPath: string): Promise<boolean> =>
    new Promise((done) => execFile('ssh', ['-S', ctlPath, '-O', 'check', 'x'], (e) => done(!e)));
  const sshExit = (ctlPath: string): Promise<boolean> =>
    new Promise((done) => execFile('ssh', ['-S', ctlPath, '-O', 'exit', 'x'], (e) => done(!e)));

  for (const engine of ENGINES) {
    test(`${engine}: disposing of an externalMaster object lets go without ending the master`, async () => {
      const owner = connect(f);
      await owner.waitForMaster();
      const ctlPath = owner.getCtlPath()!;
      const ext = new OpenSSH(f.destination, f.options({ engine, externalMaster: true, ctlPath }));
      assert.is(await ext.capture('echo', 'via-external'), 'via-external\n');
      await ext[Symbol.asyncDispose]();
      assert.is(ext.state.name, 'stopped');
      assert.ok(await sshCheck(ctlPath), 'ssh -O check: the master still runs');
      assert.is(await owner.capture('echo', 'owner'), 'owner\n');
      const pid = owner.masterPid!;
      await owner.disconnect();
      assert.not.ok(alive(pid));
    });

    test(`${engine}: disposing of an object after disownMaster() leaves the master running`, async () => {
      const ssh = new OpenSSH(f.destination, f.options({ engine }));
      assert.is(await ssh.capture('echo', 'before'), 'before\n');
      const ctlPath = ssh.getCtlPath()!;
      const pid = ssh.disownMaster()!;
      await ssh[Symbol.asyncDispose]();
      assert.ok(await sshCheck(ctlPath), 'ssh -O check: the disowned master still runs');
      assert.ok(alive(pid));
      assert.ok(await sshExit(ctlPath), 'ssh -O exit');
      assert.ok(await eventually(() => !alive(pid), 5000), 'the master ended once told to');
    });
  }

  test('disconnect() of an externalMaster object ends the master (Net::OpenSSH); the owner sees it end', async () => {
    const owner = connect(f);
    await owner.waitForMaster();
    const pid = owner.masterPid!;
    const ext = new OpenSSH(f.destination, f.options({ externalMaster: true, ctlPath: owner.getCtlPath()! }));
    await ext.waitForMaster();
    await ext.disconnect();
    assert.ok(await eventually(() => !alive(pid), 5000), 'the master got -O exit');
    assert.ok(await eventually(() => owner.state.name === 'failed', 5000), `owner state ${owner.state.name}`);
    await owner[Symbol.asyncDispose]();
  });

  test('state$ is read-only (no next at runtime) and state is its last value', async () => {
    const ssh = connect(f, { connect: false });
    assert.is((ssh.state$ as unknown as { next?: unknown }).next, undefined);
    assert.is(ssh.state$, ssh.state$, 'made once');
    const seen: string[] = [];
    const sub = ssh.state$.subscribe((s) => seen.push(s.name));
    assert.is(ssh.state.name, 'idle');
    await ssh.waitForMaster();
    assert.is(ssh.state.name, 'running');
    assert.is(seen.at(-1), ssh.state.name);
    await ssh.disconnect();
    assert.is(ssh.state.name, 'stopped');
    assert.is(seen.at(-1), 'stopped');
    sub.unsubscribe();
  });
}

test.run();
