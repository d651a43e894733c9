// Tunnels under the one timeout rule: the connect phase (the remote side's connect to the target, through
// the master) is bounded by the call's `timeout`, else the connection's; 0 turns it off. A connect that never
// completes, on loopback: a listener whose accept queue is full (its process stopped) drops further SYNs.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenSSH, OpenSSHError } from '../../src/index';
import { captureTunnel, openTunnel } from '../../src/tunnels/tunnel';
import { sharedSshd } from '../fixtures/sshd';
import { connect as connectSsh, disconnectAll } from '../helpers/connect';
import { alive } from '../helpers/processes';
import { eventually, noHang, rejects, sleep, strict } from '../helpers/setup';

strict();
const f = await sharedSshd();
const test = suite('tunnels: connect-phase timeout (call, else connection; 0 off)');
const scratch = mkdtempSync(join(tmpdir(), 'net-openssh-tun-timeout-'));
let timed: OpenSSH; // timeout: 1
let echo: Server;
let echoPort: number;
let hole: { port: number; child: ChildProcess; fillers: Socket[] };

/** A TCP port on 127.0.0.1 whose connects never complete: a stopped listener with a full accept queue. */
const blackhole = async (): Promise<typeof hole> => {
  const code =
    "require('net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, function () {" +
    " process.stdout.write(this.address().port + '\\n') })"; // not console.log: FORCE_COLOR would colour the number
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = Number(await new Promise<string>((r) => child.stdout!.once('data', (d: Buffer) => r(d.toString()))));
  child.kill('SIGSTOP'); // accepts nothing from now on
  const fillers = Array.from({ length: 4 }, () => connect(port, '127.0.0.1').on('error', () => {}));
  await sleep(300);
  return { port, child, fillers };
};

test.before(async () => {
  if (!f) return;
  timed = connectSsh(f, { timeout: 1 });
  echo = createServer((c) =>
    c
      .on('data', (d) => c.write(d))
      .on('end', () => c.end())
      .on('error', () => {}),
  );
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as { port: number }).port;
  hole = await blackhole();
  await timed.waitForMaster();
});
test.after(async () => {
  hole?.child.kill('SIGKILL');
  for (const s of hole?.fillers ?? []) s.destroy();
  await new Promise((r) => echo?.close(r));
  await disconnectAll();
  rmSync(scratch, { recursive: true, force: true });
});

if (f) {
  test("openTunnel: the connection's timeout ends a connect that never completes (OSSH_SLAVE_TIMEOUT)", async () => {
    const t = await openTunnel(timed, {}, '127.0.0.1', hole.port);
    const socketError = new Promise<Error>((r) => t.socket.once('error', r));
    const e = await rejects<OpenSSHError>(noHang(t.closed, 'the stalled tunnel'));
    assert.is(e.code, 'OSSH_SLAVE_TIMEOUT');
    assert.ok(e.message.includes(`127.0.0.1:${hole.port}`), e.message);
    assert.is(((await socketError) as OpenSSHError).code, 'OSSH_SLAVE_TIMEOUT');
    assert.ok(await eventually(() => !alive(t.pid!)), 'the ssh -W process is gone');
    assert.is(await timed.checkMaster(), true);
  });

  test('captureTunnel: a connect that never completes is OSSH_SLAVE_TIMEOUT', async () => {
    const capture = captureTunnel(timed, { stdinData: 'x' }, '127.0.0.1', hole.port);
    const e = await rejects<OpenSSHError>(noHang(capture, 'captureTunnel'));
    assert.is(e.code, 'OSSH_SLAVE_TIMEOUT');
  });

  test("timeout: 0 on the call turns the connection's timeout off: the tunnel waits until closed", async () => {
    const t = await openTunnel(timed, { timeout: 0 }, '127.0.0.1', hole.port);
    let settled = false;
    void t.closed.then(
      () => (settled = true),
      () => (settled = true),
    );
    await sleep(3000); // three times the connection's timeout
    assert.is(settled, false, 'still connecting');
    t.close();
    await noHang(t.closed, 'closed after close()');
  });

  test('with a timeout in force, an open tunnel works and shows none of the debug lines that detect it', async () => {
    const errFile = join(scratch, 'err.txt');
    const t = await openTunnel(timed, { stderrFile: errFile }, '127.0.0.1', echoPort);
    const reply = new Promise<string>((r) => t.socket.once('data', (d: Buffer) => r(d.toString())));
    t.socket.write('ping');
    assert.is(await reply, 'ping');
    await sleep(1500); // longer than the timeout: an open tunnel is not ended by it
    t.socket.write('pong');
    assert.is(await new Promise<string>((r) => t.socket.once('data', (d: Buffer) => r(d.toString()))), 'pong');
    t.close();
    await t.closed;
    assert.is(readFileSync(errFile, 'utf8'), '');
    // the caller's own -v: its debug lines are the caller's to see
    const verbose = join(scratch, 'verbose.txt');
    const own = { stdinData: 'v', sshOpts: ['-v'], stderrFile: verbose };
    assert.is(await captureTunnel(timed, own, '127.0.0.1', echoPort), 'v');
    assert.match(readFileSync(verbose, 'utf8'), /^debug1: /m);
  });

  test('a bad timeout is OSSH_INVALID_ARGUMENT', async () => {
    for (const bad of [-1, Number.NaN, '1']) {
      const e = await rejects<OpenSSHError>(openTunnel(timed, { timeout: bad as number }, '127.0.0.1', echoPort));
      assert.is(e.code, 'OSSH_INVALID_ARGUMENT');
    }
  });
}

test.run();
