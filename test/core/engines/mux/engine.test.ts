import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import type { Channel, ChannelRequest } from '../../../../src/core/channel';
import {
  createMuxEngine,
  muxAliveCheck,
  muxStopListening,
  muxTerminate,
  type MuxEngine,
} from '../../../../src/core/engines/mux/engine';
import { OpenSSHError } from '../../../../src/core/errors';
import { startSshd } from '../../../fixtures/sshd';
import { eventually, rejects, strict } from '../../../helpers/setup';
import { collect, startMaster, type TestMaster } from './master';

strict();
const test = suite('mux engine: channels over a real master');
const f = await startSshd({ maxSessions: 10 });
let m: TestMaster;
let engine: MuxEngine;

const exec = (command: string | Buffer, extra: Partial<ChannelRequest> = {}): Channel =>
  engine.open({ kind: 'exec', command, stdin: 'ignore', ...extra });
const run = async (command: string | Buffer, extra: Partial<ChannelRequest> = {}) => {
  const ch = exec(command, extra);
  const [out, err] = await Promise.all([collect(ch.stdout), collect(ch.stderr)]);
  return { out: out.toString(), err: err.toString(), status: await ch.exit };
};

test.before(async () => {
  if (!f) return;
  m = await startMaster(f);
  engine = createMuxEngine(m.ctx());
});
test.after(async () => {
  engine?.dispose();
  await m?.stop();
  await f?.stop();
});

if (f) {
  test('alive check answers with the master pid', async () => {
    assert.is(await muxAliveCheck(m.ctlPath), m.proc.pid);
  });

  test('exec: stdout and stderr stay apart, events arrive in order, exit last', async () => {
    const ch = exec('printf out; sleep 0.2; printf err >&2; sleep 0.2; printf more');
    const events: string[] = [];
    ch.stdout.on('data', (d: Buffer) => events.push(`stdout:${d}`));
    ch.stderr.on('data', (d: Buffer) => events.push(`stderr:${d}`));
    ch.stdout.on('end', () => events.push('stdout-end'));
    ch.stderr.on('end', () => events.push('stderr-end'));
    const status = await ch.exit;
    events.push('exit');
    assert.equal(status, { code: 0, signal: null });
    assert.equal(
      events.filter((e) => !e.endsWith('-end')),
      ['stdout:out', 'stderr:err', 'stdout:more', 'exit'],
    );
    assert.is(events.at(-1), 'exit');
    assert.ok(
      events.indexOf('stdout-end') < events.indexOf('exit') && events.indexOf('stderr-end') < events.indexOf('exit'),
    );
  });

  for (const [cmd, code] of [
    ['true', 0],
    ['false', 1],
    ['no-such-command-xyz', 127],
    ['exit 42', 42],
  ] as const) {
    test(`exec: exit code ${code} from ${cmd}`, async () => {
      const r = await run(cmd);
      assert.equal(r.status, { code, signal: null });
      if (code === 127) assert.match(r.err, /not found/);
    });
  }

  test('exec: a command killing itself with TERM reports signal TERM', async () => {
    assert.equal((await run('kill -TERM $$')).status, { code: null, signal: 'TERM' });
  });

  test('exec: command bytes that are not UTF-8 reach the remote shell unchanged', async () => {
    const r = await run(
      Buffer.concat([Buffer.from("printf '%s' '"), Buffer.from([0xe9, 0xff]), Buffer.from("' | od -An -tx1")]),
    );
    assert.is(r.out.trim(), 'e9 ff');
  });

  test('stdin: 8 MiB through sha256sum, checksum matches', async () => {
    const data = randomBytes(8 * 1024 * 1024);
    const ch = exec('sha256sum', { stdin: 'pipe' });
    const out = collect(ch.stdout);
    ch.stderr.resume();
    // several writes of odd sizes, respecting backpressure
    for (let at = 0; at < data.length; ) {
      const n = Math.min(100_001, data.length - at);
      if (!ch.stdin.write(data.subarray(at, at + n))) await new Promise((r) => ch.stdin.once('drain', r));
      at += n;
    }
    ch.stdin.end();
    assert.is((await out).toString().split(' ')[0], createHash('sha256').update(data).digest('hex'));
    assert.equal(await ch.exit, { code: 0, signal: null });
  });

  test('stdin: ignore gives an immediate EOF; end() sends EOF after the data', async () => {
    assert.is((await run('cat; echo done')).out, 'done\n');
    const ch = exec('wc -c', { stdin: 'pipe' });
    ch.stdin.end('12345');
    assert.is((await collect(ch.stdout)).toString().trim(), '5');
    assert.equal(await ch.exit, { code: 0, signal: null });
  });

  test('stdin: data written before the channel opened is delivered once the server grants window', async () => {
    const ch = exec('cat', { stdin: 'pipe' });
    ch.stdin.write('early ');
    ch.stdin.end('bird');
    assert.is((await collect(ch.stdout)).toString(), 'early bird');
  });

  test('env: variables the server accepts are set', async () => {
    const r = await run('echo "$NET_OPENSSH_A|$NET_OPENSSH_B"', {
      env: { NET_OPENSSH_A: 'x y', NET_OPENSSH_B: '$HOME' },
    });
    assert.is(r.out, 'x y|$HOME\n');
  });

  test('tty: pty-req gives the command a terminal; none without it', async () => {
    const withTty = await run('tty; test -t 1 && echo terminal', { tty: true });
    assert.match(withTty.out, /^\/dev\/pts\/\d+\r?\nterminal/);
    const without = await run('tty || true; test -t 1 || echo no-terminal');
    assert.match(without.out, /not a tty\nno-terminal\n/);
  });

  test('shell: commands on stdin, exit code from the shell', async () => {
    const ch = engine.open({ kind: 'shell', stdin: 'pipe', tty: false });
    ch.stdin.end('echo $((6*7))\nexit 4\n');
    ch.stderr.resume();
    assert.is((await collect(ch.stdout)).toString(), '42\n');
    assert.equal(await ch.exit, { code: 4, signal: null });
  });

  test('subsystem: sftp answers SSH_FXP_INIT with its version packet', async () => {
    const ch = engine.open({ kind: 'subsystem', command: 'sftp', stdin: 'pipe' });
    ch.stdin.write(Buffer.from('000000050100000003', 'hex')); // length 5, SSH_FXP_INIT, version 3
    const first = await new Promise<Buffer>((r) => ch.stdout.once('data', r));
    assert.is(first.readUInt8(4), 2, 'SSH_FXP_VERSION');
    assert.is(first.readUInt32BE(5), 3, 'version 3');
    ch.stdin.end();
    ch.stdout.resume();
    assert.equal(await ch.exit, { code: 0, signal: null });
  });

  test('subsystem: an unknown subsystem is refused with OSSH_SLAVE_FAILED', async () => {
    const ch = engine.open({ kind: 'subsystem', command: 'nope-xyz', stdin: 'ignore' });
    ch.stdout.resume();
    ch.stderr.resume();
    await rejects(
      ch.exit,
      (e: OpenSSHError) => e instanceof OpenSSHError && e.code === 'OSSH_SLAVE_FAILED' && /nope-xyz/.test(e.message),
    );
  });

  test('signal(): TERM reaches a running command (non-root login)', async () => {
    const ch = exec('echo started; exec sleep 30');
    ch.stderr.resume();
    await new Promise((r) => ch.stdout.once('data', r));
    ch.stdout.resume();
    await ch.signal('TERM');
    assert.equal(await ch.exit, { code: null, signal: 'TERM' });
  });

  test('signal(): names outside the SSH list are refused; SIG prefix accepted', async () => {
    const ch = exec('sleep 0.3');
    ch.stdout.resume();
    ch.stderr.resume();
    await rejects(ch.signal('BOGUS'), (e: OpenSSHError) => e.code === 'OSSH_INVALID_ARGUMENT');
    await ch.signal('SIGUSR2'); // may arrive before exec: harmless either way
    await ch.exit;
  });

  test('close(): twice is harmless; exit says TERM with a note', async () => {
    const ch = exec('echo started; exec sleep 30');
    ch.stderr.resume();
    await new Promise((r) => ch.stdout.once('data', r));
    ch.stdout.resume();
    ch.close();
    ch.close();
    const status = (await ch.exit) as { code: number | null; signal: string | null; note?: string };
    assert.is(status.code, null);
    assert.is(status.signal, 'TERM');
    assert.ok(status.note === undefined || typeof status.note === 'string');
  });

  test('close() on a queued channel settles at once', async () => {
    const cold = createMuxEngine(m.ctx(), { warmSession: false }); // with a warm session nothing is queued
    try {
      const ch = cold.open({ kind: 'exec', command: 'true', stdin: 'ignore' });
      ch.close(); // still queued: the pump runs in a microtask
      const status = (await ch.exit) as { signal: string | null; note?: string };
      assert.is(status.signal, 'TERM');
      assert.match(status.note ?? '', /before the channel was opened/);
    } finally {
      cold.dispose();
    }
  });

  test('a command waiting for a session opens into the spare one as a session closes, before its barrier', async () => {
    // maxSessions 2: one session at a time plus the one kept spare (sessionLimit); b waits for a's
    const one = createMuxEngine(m.ctx({ maxSessions: 2 }), { warmSession: false });
    try {
      const a = one.open({ kind: 'exec', command: 'echo a', stdin: 'ignore' });
      const b = one.open({ kind: 'exec', command: 'echo b', stdin: 'ignore' });
      const outB = Promise.all([collect(b.stdout), collect(b.stderr)]);
      const [outA] = await Promise.all([collect(a.stdout), collect(a.stderr)]);
      assert.equal(await a.exit, { code: 0, signal: null });
      assert.is(outA.toString(), 'a\n');
      // a's slot comes back once a barrier behind its CLOSE is answered, a round trip through the master and sshd
      // that cannot have happened yet: b was not kept waiting for it (the server has at most 2 sessions)
      assert.is(one.stats().queued, 0, 'b has gone to the server');
      assert.is((await outB)[0].toString(), 'b\n');
      assert.equal(await b.exit, { code: 0, signal: null });
      const s = one.stats();
      assert.is(s.retiredSockets, 0, 'no open was refused');
      assert.is(s.sessionLimit, 1);
    } finally {
      one.dispose();
    }
  });

  test('warm session: a command takes the session opened ahead of it; close() right away still settles', async () => {
    assert.is((await run('echo one')).out, 'one\n');
    assert.ok(await eventually(() => engine.stats().warm, 1000), 'a warm session is opened once the engine was used');
    const before = engine.stats().activeSessions;
    const r = await run('echo two');
    assert.is(r.out, 'two\n');
    assert.equal(r.status, { code: 0, signal: null });
    assert.ok(engine.stats().activeSessions <= before + 1);
    assert.ok(await eventually(() => engine.stats().warm, 1000), 'and another is opened for the next one');
    const ch = exec('sleep 5');
    ch.close();
    const status = (await ch.exit) as { code: number | null; signal: string | null; note?: string };
    // ended by the TERM (or closed before it ran); on a swamped machine sshd may refuse a signal that comes
    // before it knows the command's pid: then the note says so and the command ran to its end
    assert.ok(status.code === null || /refused/.test(status.note ?? ''), JSON.stringify(status));
  });

  test('supports(): no sshOpts, no agent/X11 forwarding, tunnels only when enabled', () => {
    const base: ChannelRequest = { kind: 'exec', command: 'x', stdin: 'ignore' };
    const TABLE: Array<[Partial<ChannelRequest>, boolean]> = [
      [{}, true],
      [{ kind: 'shell' }, true],
      [{ kind: 'subsystem', command: 'sftp' }, true],
      [{ tty: true, env: { A: 'b' } }, true],
      [{ sshOpts: ['-v'] }, false],
      [{ sshOpts: [] }, true],
      [{ forwardAgent: true }, false],
      [{ forwardAgent: false }, true],
      [{ forwardX11: true }, false],
      [{ kind: 'tunnel', tunnel: { host: 'h', port: 1 } }, false],
    ];
    for (const [over, want] of TABLE) assert.is(engine.supports({ ...base, ...over }), want, JSON.stringify(over));
    const withTunnels = createMuxEngine(m.ctx(), { tunnels: true });
    assert.ok(withTunnels.supports({ ...base, kind: 'tunnel', tunnel: { host: 'h', port: 1 } }));
    withTunnels.dispose();
  });

  test('one proxy socket carries many channels; no packet was ever refused by the id check', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => run(`echo ${i}`)));
    assert.equal(
      results.map((r) => r.out),
      Array.from({ length: 30 }, (_, i) => `${i}\n`),
    );
    const s = engine.stats();
    assert.is(s.sockets, 1);
    assert.is(s.retiredSockets, 0, 'no open was refused');
    assert.is(s.sessionLimit, 9, 'nor the limit lowered (opening into the spare slot stays within MaxSessions)');
    assert.is(s.dropped, 0);
    // the last slots come back once the barrier after the last CLOSE is answered
    assert.ok(await eventually(() => engine.stats().activeSessions === (engine.stats().warm ? 1 : 0), 1000));
  });

  test('stop-listening removes the socket path; terminate ends the master', async () => {
    const other = await startMaster(f);
    const pid = await muxAliveCheck(other.ctlPath);
    assert.is(pid, other.proc.pid);
    const e2 = createMuxEngine(other.ctx());
    const ch = e2.open({ kind: 'exec', command: 'sleep 0.5; echo still-here', stdin: 'ignore' });
    ch.stderr.resume();
    const out = collect(ch.stdout);
    await new Promise((r) => setTimeout(r, 100));
    await muxStopListening(other.ctlPath);
    await rejects(muxAliveCheck(other.ctlPath), (e: OpenSSHError) => e.code === 'OSSH_MASTER_FAILED');
    assert.is((await out).toString(), 'still-here\n', 'sessions already open keep running');
    e2.dispose();
    await other.stop();

    const third = await startMaster(f);
    await muxTerminate(third.ctlPath);
    const code = await Promise.race([third.exited, new Promise((r) => setTimeout(() => r('still running'), 2000))]);
    assert.type(code, 'number', 'the master exited');
    await rejects(muxAliveCheck(third.ctlPath));
  });
}

test.run();
