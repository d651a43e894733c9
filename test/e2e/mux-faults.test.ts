// Faults that would kill an OpenSSH 9.2 master without the mux engine's guards, each against a real
// master: more sessions than MaxSessions, refused opens (the retired-socket rule), remote signals
// (delivered, and refused for root logins), and cancellation reaching the remote process.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type AddressInfo } from 'node:net';
import { lastValueFrom, take, toArray } from 'rxjs';
import { OpenSSH, type OpenSSHError, type ExecEvent } from '../../src/index';
import type { EngineContext } from '../../src/core/engines/engine';
import { createMuxEngine, type MuxEngineStats } from '../../src/core/engines/mux/engine';
import { startSshd } from '../fixtures/sshd';
import { connect, disconnectAll } from '../helpers/connect';
import { eventually, rejects, strict } from '../helpers/setup';

strict();
const test = suite('e2e: mux engine faults');
const SERVER_MAX_SESSIONS = 10;
const f = await startSshd({ maxSessions: SERVER_MAX_SESSIONS });
test.after(async () => {
  await disconnectAll();
  await f?.stop();
});

/** The pid printed first by a remote `echo $$; exec sleep ...`. */
const firstLine = async (
  ssh: OpenSSH,
  cmd: string,
): Promise<{ pid: string; events: Promise<ExecEvent[]>; stop: () => void }> => {
  let resolvePid!: (pid: string) => void;
  const pid = new Promise<string>((r) => (resolvePid = r));
  const all: ExecEvent[] = [];
  let done!: (e: ExecEvent[]) => void;
  const events = new Promise<ExecEvent[]>((r) => (done = r));
  const sub = ssh.exec$(cmd).subscribe({
    next: (e) => {
      all.push(e);
      if (e.type === 'stdout') resolvePid(e.data.toString().trim().split('\n')[0]!);
    },
    error: () => done(all),
    complete: () => done(all),
  });
  return { pid: await pid, events, stop: () => sub.unsubscribe() };
};

const muxStats = (ssh: OpenSSH): MuxEngineStats =>
  (ssh as unknown as { engines: { muxStats(): MuxEngineStats } }).engines.muxStats();

const remoteAlive = (ssh: OpenSSH, pid: string) => ssh.test('kill', '-0', pid);

if (f) {
  test(
    // biome-ignore lint/style/useTemplate: the title is split to keep the line within 120 characters
    `40 concurrent commands against MaxSessions ` + `${SERVER_MAX_SESSIONS}: all succeed, the master survives`,
    async () => {
      const ssh = connect(f, { engine: 'mux', maxSessions: SERVER_MAX_SESSIONS });
      await ssh.waitForMaster();
      const pid = ssh.masterPid;
      const outs = await Promise.all(Array.from({ length: 40 }, (_, i) => ssh.capture(`sleep 0.2; echo ${i}`)));
      assert.equal(
        outs,
        Array.from({ length: 40 }, (_, i) => `${i}\n`),
      );
      assert.ok(await ssh.checkMaster());
      assert.is(ssh.masterPid, pid);
    },
  );

  test(
    'refused opens (maxSessions set above the server’s): the engine ' +
      'learns the limit, every command succeeds, the master survives',
    async () => {
      // the engine believes 30 sessions fit; sshd refuses beyond 10: that socket is retired (kept open)
      // and the refused sessions wait for a slot under the learnt limit
      const ssh = connect(f, { engine: 'mux', maxSessions: 30 });
      await ssh.waitForMaster();
      const pid = ssh.masterPid;
      const outs = await Promise.all(Array.from({ length: 30 }, (_, i) => ssh.capture(`sleep 0.3; echo ${i}`)));
      assert.equal(
        outs,
        Array.from({ length: 30 }, (_, i) => `${i}\n`),
      );
      const stats = muxStats(ssh);
      assert.ok(stats.retiredSockets >= 1, 'a socket saw an open failure and was retired');
      assert.ok(stats.sessionLimit <= SERVER_MAX_SESSIONS, `limit learnt: ${stats.sessionLimit}`);
      assert.equal(await Promise.all([ssh.capture('echo a'), ssh.capture('echo b')]), ['a\n', 'b\n']);
      assert.ok(await ssh.checkMaster());
      assert.is(ssh.masterPid, pid);
    },
  );

  test('a retired socket survives the engine’s own shutdown: the master lives on for its other clients', async () => {
    const ssh = connect(f, { engine: 'spawn' });
    await ssh.waitForMaster();
    const pid = ssh.masterPid!;
    // a second mux engine on the same master, told a limit above the server's
    const engine = createMuxEngine({
      ...(ssh as unknown as { engineContext(): EngineContext }).engineContext(),
      maxSessions: 30,
    });
    const runs = Array.from({ length: 20 }, () => engine.open({ kind: 'exec', command: 'sleep 0.3', stdin: 'ignore' }));
    for (const ch of runs) ch.stdout.resume(), ch.stderr.resume();
    await Promise.all(runs.map((ch) => ch.exit));
    assert.ok(engine.stats().retiredSockets >= 1);
    // a plain `ssh -S` client runs through the same master while the engine shuts down
    const other = ssh.capture('sleep 0.5; echo other');
    await new Promise((r) => setTimeout(r, 100));
    engine.dispose();
    assert.is(await other, 'other\n');
    assert.ok(await ssh.checkMaster(), 'the master survived the engine shutdown');
    assert.is(ssh.masterPid, pid);
    assert.is(
      await ssh.capture({ engine: 'mux' }, 'echo after'),
      'after\n',
      'the connection’s own mux engine works on the same master',
    );
  });

  test(
    'mux tunnels (opt-in): a TCP tunnel carries bytes; a refused ' +
      'one fails typed, retires its socket, the master lives',
    async () => {
      const server = createServer((c) => c.pipe(c)); // an echo server the remote side reaches on 127.0.0.1
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as AddressInfo).port;
      const ssh = connect(f, { engine: 'spawn' });
      await ssh.waitForMaster();
      const pid = ssh.masterPid;
      const engine = createMuxEngine((ssh as unknown as { engineContext(): EngineContext }).engineContext(), {
        tunnels: true,
      });
      try {
        const ch = engine.open({ kind: 'tunnel', tunnel: { host: '127.0.0.1', port }, stdin: 'pipe' });
        const echoed = new Promise<string>((r) => ch.stdout.once('data', (d: Buffer) => r(d.toString())));
        ch.stdin.write('ping through the master');
        assert.is(await echoed, 'ping through the master');
        ch.stdin.end();
        await ch.exit;
        const closed = await new Promise<number>((r) => {
          const probe = createServer();
          probe.listen(0, '127.0.0.1', () => {
            const p = (probe.address() as AddressInfo).port;
            probe.close(() => r(p));
          });
        });
        const refused = engine.open({ kind: 'tunnel', tunnel: { host: '127.0.0.1', port: closed }, stdin: 'ignore' });
        refused.stdout.resume();
        await rejects<OpenSSHError>(
          refused.exit,
          (e) => e.code === 'OSSH_SLAVE_FAILED' && /refused to open the channel/.test(e.message),
        );
        assert.is(engine.stats().retiredSockets, 1);
        assert.is(await ssh.capture('echo alive'), 'alive\n');
      } finally {
        engine.dispose();
        server.close();
      }
      assert.ok(await ssh.checkMaster(), 'the master survived the refused tunnel and the engine shutdown');
      assert.is(ssh.masterPid, pid);
    },
  );

  test('muxTunnels is a constructor option; without it an explicit mux engine refuses tunnels', () => {
    const off = new OpenSSH('h', { connect: false });
    const on = new OpenSSH('h', { connect: false, muxTunnels: true });
    const req = { kind: 'tunnel' as const, tunnel: { host: 'x', port: 1 }, stdin: 'pipe' as const };
    const set = (o: OpenSSH) =>
      (o as unknown as { engines: { pick(n: string, r: unknown): { name: string } } }).engines;
    assert.is(set(off).pick('auto', req).name, 'spawn');
    assert.is(set(on).pick('auto', req).name, 'mux');
    try {
      set(off).pick('mux', req);
      assert.unreachable();
    } catch (e) {
      assert.match((e as Error).message, /tunnels use `ssh -W`/);
    }
  });

  test('a remote command killed by a signal ends with that signal', async () => {
    const ssh = connect(f, { engine: 'mux' });
    const victim = await firstLine(ssh, 'echo $$; exec sleep 30');
    assert.ok(await ssh.system('kill', '-KILL', victim.pid));
    const events = await victim.events;
    assert.equal(events.at(-1), { type: 'exit', code: null, signal: 'KILL' });
  });

  test('unsubscribing sends the remote process a signal: it is gone afterwards', async () => {
    const ssh = connect(f, { engine: 'mux' });
    const run = await firstLine(ssh, 'echo $$; exec sleep 30');
    assert.ok(await remoteAlive(ssh, run.pid));
    run.stop();
    assert.ok(await eventually(async () => !(await remoteAlive(ssh, run.pid))), 'the remote sleep is gone');
  });

  test('unsubscribing right before disconnect(): the signal still reaches the remote process', async () => {
    const ssh = connect(f, { engine: 'mux' });
    const watcher = connect(f, { engine: 'mux' });
    const run = await firstLine(ssh, 'echo $$; exec sleep 30');
    run.stop();
    await ssh.disconnect(); // in the same tick: the TERM and CLOSE must not die with the socket
    assert.ok(await eventually(async () => !(await remoteAlive(watcher, run.pid))), 'the remote sleep is gone');
  });

  test('disconnect() while commands run: they fail with OSSH_MASTER_FAILED and do not live on', async () => {
    const ssh = connect(f, { engine: 'mux' });
    const watcher = connect(f, { engine: 'mux' });
    const p = await ssh.openEx({ stdoutPipe: true }, 'echo $$; exec sleep 30');
    const pid = String(await new Promise((r) => p.stdout!.once('data', r))).trim();
    p.stdout!.resume();
    const running = rejects<OpenSSHError>(ssh.capture('sleep 30; echo never'), (e) => e.code === 'OSSH_MASTER_FAILED');
    await ssh.disconnect();
    await rejects<OpenSSHError>(p.exit, (e) => e.code === 'OSSH_MASTER_FAILED');
    await running;
    assert.ok(await eventually(async () => !(await remoteAlive(watcher, pid))), 'the remote sleep is gone');
  });

  test('take(n) completes and ends the remote command', async () => {
    const ssh = connect(f, { engine: 'mux' });
    const events = await lastValueFrom(
      ssh.exec$('echo $$; while :; do echo tick; sleep 0.05; done').pipe(take(3), toArray()),
    );
    const pid = events[0]!.type === 'stdout' ? events[0]!.data.toString().split('\n')[0]! : '';
    assert.match(pid, /^\d+$/);
    assert.ok(await eventually(async () => !(await remoteAlive(ssh, pid))), 'the remote loop is gone');
  });

  test('killOnTimeout: the timed-out command does not live on', async () => {
    const ssh = connect(f, { engine: 'mux' });
    const dir = (await ssh.capture('mktemp -d')).trim();
    const e = await rejects<OpenSSHError>(
      ssh.system({ timeout: 0.5, killSshOnTimeout: true }, `echo $$ > ${dir}/pid; exec sleep 30`),
    );
    assert.is(e.code, 'OSSH_SLAVE_TIMEOUT');
    const pid = (await ssh.capture('cat', `${dir}/pid`)).trim();
    assert.ok(await eventually(async () => !(await remoteAlive(ssh, pid))), 'the remote sleep is gone');
    await ssh.system('rm', '-rf', dir);
  });

  test('signal() on a running command: TERM reaches it', async () => {
    const ssh = connect(f, { engine: 'mux' });
    const p = await ssh.openEx({ stdoutPipe: true }, 'echo ready; exec sleep 30');
    await new Promise((r) => p.stdout!.once('data', r));
    p.stdout!.resume();
    await p.kill('TERM');
    const status = await p.exit;
    assert.is(status.signal, 'TERM');
    assert.is(status.note, undefined, 'delivered by the server, not a local close');
  });
}

// sshd 9.2 refuses `signal` requests for root logins: the engine closes the channel and says so.
const rootTest = suite('e2e: mux engine, signal refused (root login)');
const asRoot =
  process.getuid?.() === 0 && f
    ? await startSshd({ users: ['root'], extraConfig: ['PermitRootLogin prohibit-password'] })
    : undefined;
if (!asRoot) console.log('  (signal-refusal test skipped: it needs to run as root to log in as root)');
rootTest.after(async () => {
  await disconnectAll();
  await asRoot?.stop();
});
if (asRoot) {
  rootTest('a refused signal falls back to closing the channel, with a note saying so', async () => {
    const ssh = connect(asRoot, { engine: 'mux' }, `root@127.0.0.1:${asRoot.port}`);
    const p = await ssh.openEx({ stdoutPipe: true }, 'echo $$; exec sleep 30');
    const pid = String(await new Promise((r) => p.stdout!.once('data', r))).trim();
    p.stdout!.resume();
    await p.kill('TERM');
    const status = await p.exit;
    assert.match(status.note ?? '', /refused to deliver SIGTERM.*channel was closed/);
    console.log(
      `    root login: after the refused signal and the close, exit ${JSON.stringify(status.code ?? status.signal)}, ` +
        `remote process ${(await ssh.test('kill', '-0', pid)) ? 'still running' : 'gone'}`,
    );
  });
}

test.run();
rootTest.run();
